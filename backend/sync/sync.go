package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
)

// afterFailure bounds the re-read (and a revert) after a failed apply,
// which run even when the sync's context was cancelled; Options.Settle is
// added for the reads that wait for a commit still running.
const afterFailure = 2 * time.Minute

// DefaultWindow is Options.Window when zero: enough typed ahead that a
// 10,000-line plan is not paced by round trips.
const DefaultWindow = 64

// Named errors, for errors.Is.
var (
	// ErrStale: a device changed since the plan was computed; nothing was
	// sent. Plan again.
	ErrStale = errors.New("the plan is stale: a device changed since it was computed; plan again")
	// ErrRemoteRefused: the target refused a command or the commit;
	// Result.Errors has its lines, tied to paths.
	ErrRemoteRefused = errors.New("the remote refused the change")
	// ErrUnexpected: the sync committed, but the re-read shows in-scope
	// differences the plan did not expect (Result.Unexpected).
	ErrUnexpected = errors.New("differences remain that the plan did not expect")
	// ErrSourceChanged: the re-read after the sync shows the other member
	// (the source) changed during it: the plan no longer says what the
	// pair should hold (an HRP standby with `hrp standby config enable`
	// backs the pushed commands up to the active member, DOMAIN.md "HRP").
	ErrSourceChanged = errors.New("the source changed during the sync")
	// ErrUnreadable: a device could not be read; nothing was sent.
	ErrUnreadable = errors.New("a device of the pair could not be read")
	// ErrConfirmRefused: commit-confirm was asked for, but the target's
	// unconfirmed commit would not revert by reload (DOMAIN.md "Commit
	// and compare output": VyOS's default action is reboot, which would
	// reboot an HA member). Nothing sent.
	ErrConfirmRefused = errors.New("commit-confirm refused")
	// ErrPushRefused: a push to a Huawei HRP standby that lacks `hrp
	// standby config enable`, which refuses configuration commands.
	ErrPushRefused = errors.New("push refused")
	// ErrUnsupported: this family or mode has no apply here yet.
	ErrUnsupported = errors.New("sync not supported for this pair yet")
)

// Options tune a sync.
type Options struct {
	// From names the source device; "" keeps the pair's direction (the
	// comparison's: the device that carries the map, else the
	// inventory's source).
	From string
	// Comment goes into the audit record and, on the Vyatta family, into
	// the commit (`commit comment TEXT`).
	Comment string
	// StateDir holds the lock files and the previous configurations;
	// "" is audit.StateDir(). AuditDir "" is StateDir/audit.
	StateDir, AuditDir string
	// ConfirmSetReload, with ConfirmMinutes: when the target's
	// commit-confirm action is not reload, set it to reload (and commit
	// that) before the sync instead of refusing (DOMAIN.md "Commit and
	// compare output": VyOS's default is reboot).
	ConfirmSetReload bool
	// ConfirmMinutes > 0 commits with `commit-confirm N` and sends
	// `confirm` only once both devices were re-read and verified; a sync
	// that cuts hasync off from the target is then reverted by the target
	// itself. Refused (ErrConfirmRefused) unless the target's
	// `system config-management commit-confirm action` is reload.
	ConfirmMinutes int
	// Native syncs a Vyatta pair by the source's own config-sync (VRA
	// `update config-sync` on the member that carries the map) instead
	// of pushing the plan; Huawei pairs always sync natively. A pair
	// whose inventory says `sync_mode: config-sync` syncs natively
	// without it (Prepared.Native).
	Native bool
	// Push types the plan on the target instead of the device's own
	// sync: for a Huawei pair in system-view on the standby instead of
	// `hrp sync config`, refused (ErrPushRefused) unless the standby has
	// `hrp standby config enable`; for a Vyatta pair whose inventory says
	// `sync_mode: config-sync`, instead of `update config-sync`.
	Push bool
	// RepairConflicts, with Push to a Huawei standby, repairs the
	// commands present on both members with other parameters (the new
	// command, after `undo` of the old values where the command holds
	// several) instead of listing them (plan.PushHRP, Repair).
	RepairConflicts bool
	// ConnectionStatus also runs Huawei `hrp sync connection-status`
	// (the session table) after `hrp sync config`.
	ConnectionStatus bool
	// Settle bounds how long a change the device makes on its own is
	// waited for (0: 30 s): after a device-native sync (Huawei `hrp sync
	// config`) the standby is read again until nothing the plan meant to
	// add is missing; after a commit whose answer a lost connection cut,
	// the target is read again until it changes (the commit runs to its
	// end on the device, DOMAIN.md).
	Settle time.Duration
	// Window is how many commands the driver types ahead of the one
	// whose output it reads (device.ApplyOptions.Window); 0 is
	// DefaultWindow. The Vyatta family's readline shells echo a line when
	// they read it, so typing ahead keeps the outcome; 1 types one at a
	// time.
	Window int
	// Save saves the target's configuration after the commit (`save`;
	// never with ConfirmMinutes: a save before confirm turns the revert
	// into a no-op, DOMAIN.md).
	Save bool
	// Holder names who syncs, for the lock ("" = user@host (pid N)).
	Holder string
	// SSHUser and SSHKey, for a sync run from the served console, are
	// the session's SSH user and key fingerprint (SHA256:...), kept in
	// the audit record.
	SSHUser, SSHKey string
	// Emit receives every event as it happens (nil: none). It is called
	// from the goroutine running Apply. The pair's subscribers get the
	// same lines (pair.SyncLine) whether Emit is set or not.
	Emit func(Event)
}

// EventKind tells what an Event carries: the pair's kind of sync line,
// so that Options.Emit and the pair's subscribers (pair.SyncLine) say
// the same.
type EventKind = pair.SyncLineKind

const (
	// Sent: a command was typed on the target (Line, masked; Step its
	// plan step, -1 for configure / commit / exit and the like).
	Sent = pair.SyncSent
	// Remote: a line the target printed.
	Remote = pair.SyncRemote
	// RemoteErrorLine: a line the target printed that says it refused
	// something (device.ErrorLines).
	RemoteErrorLine = pair.SyncRemoteError
	// Info: progress of the transaction (re-reading, committing).
	Info = pair.SyncInfo
)

// Event is one line of a sync's progress. Apply hands each to
// Options.Emit and publishes it to the pair's subscribers as a
// pair.SyncLine event.
type Event struct {
	Kind   EventKind
	Device string
	Line   string
	// Step is the plan step the line belongs to, -1 for none or unknown
	// (a remote line while commands are typed ahead, Options.Window > 1).
	Step int
	// Commit marks the point of no return, on one event of a sync: the
	// commit typed or requested over REST (Vyatta), the first line typed
	// in system-view (a Huawei push: each applies at once), or the
	// device's own sync started (update config-sync, hrp sync config).
	// From it the change is being made on the device: a cancel no longer
	// stops it, and front ends let the sync and its verification finish.
	Commit bool
}

// Prepared is a plan ready to apply: computed from a read of both devices,
// stamped with the hash of their configurations, checked against the
// schema.
type Prepared struct {
	Pair           string
	Family         config.Family
	Source, Target string
	Plan           *plan.Plan
	Comparison     *compare.Comparison
	// Warnings are the schema check's and the plan's.
	Warnings []string
	// targetText is the target's configuration the plan was computed
	// from.
	targetText []byte
	// fixed, for a rollback, is the source: a kept configuration, not a
	// device.
	fixed *fixedSource
	// Rollback: the plan is the inverse of the last sync.
	Rollback bool
	// Transport is how the plan reaches the target: ssh, or rest (the
	// Vyatta REST API, DOMAIN.md "Vyatta REST API") when the inventory
	// says `transport: rest` or as the fallback when SSH cannot be
	// reached; TransportWhy says which. A device-native sync runs over
	// SSH on the source.
	Transport    inventory.Transport
	TransportWhy string
	// Native: the device's own sync runs on the source instead of a
	// push (Huawei `hrp sync config`, VRA `update config-sync`): asked
	// by Options.Native, or the inventory's `sync_mode: config-sync` for
	// a source whose `system config-sync remote-router` names the peer
	// (DOMAIN.md "config-sync (VRA)"). NativeWhy says which.
	Native    bool
	NativeWhy string
}

// TransportText is the transport as the plan prints it: "ssh", or
// "rest (why)"; for a device-native sync, the command and where it runs.
func (p *Prepared) TransportText() string {
	t := string(p.Transport)
	if p.TransportWhy != "" {
		t += " (" + p.TransportWhy + ")"
	}
	if p.Native {
		t += ", " + p.NativeWhy
	}
	return t
}

// RemoteError is one error of the target tied to the plan.
type RemoteError struct {
	// Path is the configuration path the device names (a commit error's
	// `[ path ]`, or the path of the refused command), value excluded
	// when a step matches.
	Path config.Path
	// Step is the index of the plan step it belongs to, -1 when none
	// matches; Command is that step's command, masked; Change the path
	// of the diff row it comes from.
	Step    int
	Command string
	Change  config.Path
	// Lines are the device's lines of this error, masked.
	Lines []string
}

// Result is what a sync did.
type Result struct {
	Prepared *Prepared
	// Committed: the target took the commit (whole).
	Committed bool
	// Errors are the target's refusals, tied to paths.
	Errors []RemoteError
	// ConfirmActionSet: the target's commit-confirm action was set to
	// reload before the sync (Options.ConfirmSetReload).
	ConfirmActionSet bool
	// TargetUnchanged, after a refusal: the re-read target's running
	// configuration equals the one before the sync.
	TargetUnchanged bool
	// NothingSent: the sync ended (cancelled) before it sent anything to
	// a device, so both are as they were; no re-read was needed to know.
	NothingSent bool
	// CommitUnseen: a commit (or a device's own sync) was sent and its
	// answer cut, and the target still read unchanged when
	// Options.Settle passed: it may still apply; what the target will
	// hold is not known (TargetUnchanged says what was read).
	CommitUnseen bool
	// Residue is what remains as the plan expected (its conflicts:
	// masked secrets, values no command can carry, HRP conflicts).
	Residue []plan.Conflict
	// Unexpected is what remains that the plan did not expect: commands
	// a new plan would still send, and conflicts it did not list.
	Unexpected []string
	// Previous is the file keeping the target's configuration from
	// before the sync (mode 0600).
	Previous string
	// TargetAfter is the hash of the target's configuration text once
	// verified (textHash), or as read after its change when the sync
	// ended otherwise (unexpected differences, a partial commit): a
	// rollback checks the target against it.
	TargetAfter string
	// KeptAfterDrop: the connection was lost during the commit, and the
	// re-read showed the target kept the whole change (verified).
	KeptAfterDrop bool
	// Confirmed: the commit-confirm was confirmed after verification;
	// with ConfirmMinutes and a failed verification it stays
	// unconfirmed and the target reverts by itself.
	Confirmed bool
	// Applied, after a failed sync that changed the target anyway (a
	// partial commit, a drop during the commit), are the paths where the
	// target differed from its configuration before the sync; Reverted
	// tells that the inverse plan brought it back (RevertErr why not).
	Applied   []config.Path
	Reverted  bool
	RevertErr error
	// Saved names the members whose running configuration was saved:
	// after a device-native sync, and with Options.Save and a plan with
	// nothing to send, those whose running configuration differed from
	// their saved one.
	Saved []string
	// After is the snapshot read after the sync (nil when not re-read).
	After *pair.Snapshot
	// Record is the audit record written.
	Record audit.Record
}

// Prepare reads both devices of p, computes the plan from the source
// (Options.From, else the pair's direction) to the target, stamps it with
// the hash of both configurations and checks it against the schema
// (plan.Check, with the target's configuration as the forms its version
// takes). A schema refusal is returned as a *plan.RefusedError
// (plan.ErrRefused) together with the Prepared plan, for printing.
//
// The plan's warnings also name the target's other configuration
// sessions (otherSessions), its own config-sync forwarding the change
// (forwards) and device-unique values the map covers (deviceUnique).
func Prepare(ctx context.Context, p *pair.Pair, o Options) (*Prepared, error) {
	snap, _ := p.Refresh(ctx)
	prep, err := prepareFrom(p, snap, o)
	if prep != nil {
		w := otherSessions(ctx, p, prep.Target)
		prep.Plan.Warnings = append(prep.Plan.Warnings, w...)
		prep.Warnings = append(prep.Warnings, w...)
	}
	return prep, err
}

// otherSessions warns about the target's other sessions, which may hold
// uncommitted changes or commit over the sync (issue 10, "Before a
// sync"): the open REST configuration sessions (GET /rest/conf, when the
// inventory gives a rest_url; DOMAIN.md "Vyatta REST API") and the
// logins the device lists (Vyatta `show users`, Huawei `display users`)
// other than hasync's own: logins of other users, and more logins of
// hasync's user than the pair's connection. Neither device lists who is
// in configure mode (device.Session.Logins), so every other login is
// named. A list that cannot be read is a warning too.
func otherSessions(ctx context.Context, p *pair.Pair, target string) []string {
	dev, err := targetDevice(p.Spec(), target)
	if err != nil {
		return nil
	}
	var out []string
	if dev.RESTURL != "" {
		r, err := p.REST(target)
		if err == nil {
			var list []device.ConfSession
			list, err = r.Sessions(ctx)
			for _, s := range list {
				what := "no uncommitted changes"
				if s.Modified {
					what = "uncommitted changes"
				}
				out = append(out, fmt.Sprintf("%s has an open REST configuration session: %s, user %s, since %s, %s; its commit may change what this sync sets",
					target, s.ID, s.User, s.Started.UTC().Format(time.RFC3339), what))
			}
		}
		if err != nil {
			out = append(out, fmt.Sprintf("%s: its REST configuration sessions could not be listed: %v", target, err))
		}
	}
	if d, ok := p.Snapshot().Device(target); !ok || !d.Reachable {
		return out
	}
	logins, err := p.Logins(ctx, target)
	if err != nil {
		return append(out, fmt.Sprintf("%s: its logins could not be listed: %v", target, err))
	}
	own := 0
	var others []string
	for _, l := range logins {
		if dev.User != "" && l.User == dev.User {
			own++
			continue
		}
		who := l.User + " on " + l.Line
		if l.From != "" {
			who += " from " + l.From
		}
		others = append(others, who)
	}
	if own > 1 {
		others = append(others, fmt.Sprintf("%d more login(s) as %s besides hasync's", own-1, dev.User))
	}
	if len(others) > 0 {
		out = append(out, fmt.Sprintf("%s has other logins: %s; the device does not list who is in configure mode: a configure session there may hold uncommitted changes or commit over this sync",
			target, strings.Join(others, "; ")))
	}
	return out
}

func prepareFrom(p *pair.Pair, snap *pair.Snapshot, o Options) (*Prepared, error) {
	if err := readable(snap); err != nil {
		return nil, err
	}
	if snap.CompareErr != nil {
		return nil, snap.CompareErr
	}
	cmp, src, tgt, err := direction(snap, o.From)
	if err != nil {
		return nil, err
	}
	mode := plan.Push
	if o.RepairConflicts && (snap.Family != config.Huawei || !o.Push) {
		return nil, fmt.Errorf("pair %s: repairing conflicts is for a push to a Huawei HRP standby (--push): `hrp sync config` never changes a command present on both", snap.Pair)
	}
	switch {
	case snap.Family == config.Huawei && o.Push:
		// Push over SSH: the commands typed in system-view on the
		// standby, which takes them only with `hrp standby config
		// enable` (DOMAIN.md "HRP"); what the peer lacks, rule moves,
		// conflicts listed or repaired (plan.PushHRP).
		if !hasLine(tgt.Tree, "hrp standby config enable") {
			return nil, fmt.Errorf("pair %s: %w: %s refuses configuration commands as the HRP standby unless `hrp standby config enable` is set on it; sync with `hrp sync config` (without --push) instead", snap.Pair, ErrPushRefused, tgt.Name)
		}
		mode = plan.PushHRP
	case snap.Family == config.Huawei:
		// The device's own `hrp sync config`, run on the HRP active
		// member, is the Huawei sync (DOMAIN.md "HRP"): it copies from
		// the active member only, adds what the standby lacks and leaves
		// conflicts and the standby's extras (plan.HRP).
		if src.HA.Role != device.RoleActive {
			return nil, fmt.Errorf("pair %s: %w: `hrp sync config` copies from the HRP active member; %s is not it", snap.Pair, ErrUnsupported, src.Name)
		}
		mode = plan.HRP
	}
	pl, err := plan.Build(cmp.Left, cmp.Right, cmp.Map, plan.Options{Mode: mode, Diff: cmp.Diff, Repair: o.RepairConflicts})
	if err != nil {
		return nil, err
	}
	pl.Stamp(basis(src.Config), basis(tgt.Config))
	prep := &Prepared{Pair: snap.Pair, Family: snap.Family, Source: src.Name, Target: tgt.Name,
		Plan: pl, Comparison: cmp, targetText: slices.Clone(tgt.Config)}
	prep.Native, prep.NativeWhy, err = native(p.Spec(), mode, src, tgt, o)
	if err != nil {
		return nil, err
	}
	prep.Transport, prep.TransportWhy = transport(p.Spec(), snap, tgt.Name, prep.Native)
	_, cerr := pl.Check(tgt.Tree)
	if w := forwards(tgt.Tree); w != "" {
		pl.Warnings = append(pl.Warnings, w)
	}
	if mode == plan.PushHRP {
		pl.Warnings = append(pl.Warnings, standbyBackup(tgt.Name, src.Name))
	}
	if mode == plan.HRP {
		if w := afterFinalDeny(pl, tgt.Name, tgt.Tree); w != "" {
			pl.Warnings = append(pl.Warnings, w)
		}
	}
	pl.Warnings = append(pl.Warnings, deviceUnique(pl)...)
	prep.Warnings = slices.Clone(pl.Warnings)
	return prep, cerr
}

// native decides whether the sync is the device's own (Prepared.Native)
// and says why: Huawei `hrp sync config` (plan.HRP); VRA `update
// config-sync` when asked (Options.Native) or when the inventory says
// `sync_mode: config-sync` and the source config-syncs to the target
// (`system config-sync remote-router`, DOMAIN.md "config-sync (VRA)").
// With sync_mode config-sync and a source that does not (syncing back
// against the config-sync direction), the plan is pushed. Options.Native
// from a source without config-sync is an error.
func native(spec *inventory.Pair, mode plan.Mode, src, tgt *pair.DeviceState, o Options) (bool, string, error) {
	if o.Native && o.Push {
		return false, "", fmt.Errorf("pair %s: --native and --push: choose one", spec.Name)
	}
	if mode == plan.HRP {
		return true, "hrp sync config on " + src.Name + " (the HRP active member)", nil
	}
	if spec.Family != config.Vyatta {
		return false, "", nil
	}
	carries := src.Tree.Root.Lookup(config.Path{"system", "config-sync", "remote-router"}) != nil
	switch {
	case o.Native && !carries:
		return false, "", fmt.Errorf("pair %s: %w: --native runs `update config-sync` on the source, and %s has no `system config-sync remote-router`", spec.Name, ErrUnsupported, src.Name)
	case o.Native:
		return true, "update config-sync on " + src.Name + " (asked): its own config-sync replaces the map's part of " + tgt.Name + ", which commits and saves it", nil
	case spec.Mode == inventory.ModeConfigSync && carries && !o.Push:
		return true, "update config-sync on " + src.Name + " (sync_mode: config-sync): its own config-sync replaces the map's part of " + tgt.Name + ", which commits and saves it", nil
	}
	return false, "", nil
}

// transport is how a plan reaches target: the inventory's transport
// (ssh by default, rest when it says so), or rest as the fallback when
// the target's SSH could not be reached and the refresh read it over
// REST (pair.DeviceState.RESTRead). A device-native sync runs over SSH.
func transport(spec *inventory.Pair, snap *pair.Snapshot, target string, native bool) (inventory.Transport, string) {
	dev, err := targetDevice(spec, target)
	if err != nil || native || spec.Family != config.Vyatta {
		return inventory.TransportSSH, ""
	}
	if dev.Transport == inventory.TransportREST {
		return inventory.TransportREST, "the inventory's transport: rest"
	}
	if d, ok := snap.Device(target); ok && d.RESTRead {
		why := "SSH cannot be reached"
		if d.Err != nil {
			why += ": " + d.Err.Error()
		}
		return inventory.TransportREST, "fallback: " + why
	}
	return inventory.TransportSSH, ""
}

// uniquePaths are paths whose values belong to one member of a pair, so a
// map that shares them makes both members alike where they must differ:
// the host name, interface addresses, the VRRP priority, the BGP/OSPF
// router-id, a service's listen address, config-sync's own peer. A word
// "*" matches any word.
var uniquePaths = [][]string{
	{"system", "host-name"},
	{"interfaces", "*", "*", "address"},
	{"interfaces", "*", "*", "vrrp", "vrrp-group", "*", "priority"},
	{"high-availability", "vrrp", "group", "*", "priority"},
	{"protocols", "*", "parameters", "router-id"},
	{"protocols", "*", "*", "parameters", "router-id"},
	{"service", "https", "listen-address"},
	{"service", "ssh", "listen-address"},
	{"system", "config-sync", "remote-router"},
}

// deviceUnique warns, once per path, for each command of p that changes a
// device-unique value (uniquePaths).
func deviceUnique(p *plan.Plan) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Steps {
		for _, u := range uniquePaths {
			if len(s.Path) < len(u) || !matchWords(u, s.Path[:len(u)]) {
				continue
			}
			k := config.Path(s.Path[:len(u)]).String()
			if !seen[k] {
				seen[k] = true
				out = append(out, "the map covers `"+k+"`, which is unique to each member: the sync makes the target's like the source's")
			}
		}
	}
	return out
}

func matchWords(pattern, words []string) bool {
	for i, w := range pattern {
		if w != "*" && w != words[i] {
			return false
		}
	}
	return true
}

// hasLine reports whether a VRP tree holds line at its top level (the node
// name and its values, as the device prints the line).
func hasLine(t *config.Tree, line string) bool {
	for _, n := range t.Root.Children {
		text := n.Name
		if len(n.Values) > 0 {
			for _, v := range n.Values {
				if text+" "+v == line {
					return true
				}
			}
		}
		if text == line {
			return true
		}
	}
	return false
}

// afterFinalDeny warns when `hrp sync config` would add security-policy
// rules to a target whose last rule denies: it appends what the standby
// lacks and never reorders (DOMAIN.md "HRP"), so the new rules land after
// the deny and never match. --push sends `rule move` to restore the order.
func afterFinalDeny(pl *plan.Plan, name string, target *config.Tree) string {
	pol := target.Root.Lookup(config.Path{"security-policy"})
	if pol == nil || len(pol.Children) == 0 {
		return ""
	}
	var last *config.Node
	for _, r := range pol.Children {
		if strings.HasPrefix(r.Name, "rule name ") {
			last = r
		}
	}
	if last == nil || last.Child("action") == nil || !slices.Contains(last.Child("action").Values, "deny") {
		return ""
	}
	var added []string
	for _, st := range pl.Steps {
		if len(st.Path) >= 2 && st.Path[0] == "security-policy" && strings.HasPrefix(st.Path[1], "rule name ") && pol.Child(st.Path[1]) == nil && !slices.Contains(added, st.Path[1]) {
			added = append(added, st.Path[1])
		}
	}
	if len(added) == 0 {
		return ""
	}
	return fmt.Sprintf("hrp sync config appends %d new security-policy rule(s) (%s) after %s's final deny (%s), where they never match: it does not reorder; %s to send rule move", len(added), strings.Join(added, ", "), name, last.Name, PushAdvice)
}

// standbyBackup is the warning for a push onto an HRP standby that has
// `hrp standby config enable`: HRP backs what is typed there up to the
// active member (DOMAIN.md "HRP": configuration typed on either member is
// replicated while auto-sync config is on), so the push may change the
// source too; the verification then exits with ErrSourceChanged.
func standbyBackup(target, active string) string {
	return fmt.Sprintf("%s has hrp standby config enable: HRP backs the lines typed there up to %s, so the push may change %s too (the verification checks that %s is unchanged)", target, active, active, active)
}

// forwards warns when the target's own config-sync forwards each commit
// to a peer (VRA `system config-sync remote-router`, DOMAIN.md
// "config-sync (VRA)"): the change goes on from the target, e.g. syncing
// b → a when a config-syncs to b.
func forwards(target *config.Tree) string {
	rr := target.Root.Lookup(config.Path{"system", "config-sync", "remote-router"})
	if rr == nil || len(rr.Children) == 0 {
		return ""
	}
	var peers []string
	for _, c := range rr.Children {
		peers = append(peers, c.Name)
	}
	return "the target forwards each commit by its own config-sync to " + strings.Join(peers, ", ") + ": this change goes on from there"
}

// cancelledError ends a sync cancelled before its commit (^C, esc, a
// served session's key losing the right to write, the server shutting
// down): nothing was sent. It wraps the context's error.
type cancelledError struct {
	target string
	err    error
	// before names the point of no return: "the commit", "the save".
	before string
}

func (e *cancelledError) Error() string {
	if errors.Is(e.err, context.DeadlineExceeded) {
		return "timed out before " + e.before + ": " + e.target + " is left as it was"
	}
	return "cancelled before " + e.before + ": " + e.target + " is left as it was"
}

func (e *cancelledError) Unwrap() error { return e.err }

// readable reports a device that was not read.
func readable(snap *pair.Snapshot) error {
	for _, d := range snap.Devices {
		if !d.Reachable && !d.RESTRead || d.Tree == nil {
			if d.Err == nil {
				return fmt.Errorf("pair %s: %w: %s: not read", snap.Pair, ErrUnreadable, d.Name)
			}
			why := d.Err
			if !strings.HasPrefix(why.Error(), d.Name+": ") {
				why = fmt.Errorf("%s: %w", d.Name, why) // named once (trial10 #10)
			}
			// The device's error is wrapped too: a read cut by the sync's
			// own cancel is audited cancelled, not failed (trial 13c #16).
			return fmt.Errorf("pair %s: %w: %w", snap.Pair, ErrUnreadable, why)
		}
	}
	return nil
}

// direction is the comparison from the source to the target: the
// snapshot's, or its reverse when from names its target.
func direction(snap *pair.Snapshot, from string) (*compare.Comparison, *pair.DeviceState, *pair.DeviceState, error) {
	cmp := snap.Compare
	a, b := &snap.Devices[0], &snap.Devices[1]
	src, tgt := a, b
	if cmp.Left == b.Tree {
		src, tgt = b, a
	}
	if from == "" || from == src.Name {
		return cmp, src, tgt, nil
	}
	if from != tgt.Name {
		return nil, nil, nil, fmt.Errorf("pair %s has no device %q (it has %s and %s)", snap.Pair, from, a.Name, b.Name)
	}
	rev, err := compare.New(tgt.Tree, src.Tree, cmp.Map, cmp.Map.Name+" (from "+tgt.Name+")", cmp.Diff)
	if err != nil {
		return nil, nil, nil, err
	}
	return rev, tgt, src, nil
}

// holderOf names who writes to a pair: o.Holder, else "user@host
// (hasync sync, pid N)".
func holderOf(o Options) string {
	if o.Holder != "" {
		return o.Holder
	}
	u, h := audit.Who()
	return fmt.Sprintf("%s@%s (hasync sync, pid %d)", u, h, os.Getpid())
}

// Lock takes p's sync lock for o.Holder in the state directory (o.StateDir,
// else audit.StateDir()), as Apply does, for the write w (what others
// refused are told: pair.LockWrite). Every write to a pair holds it, a
// sync and a sync-map save alike, so two never overlap and
// Pair.SyncHolder names the writer. The error is a *pair.LockedError
// naming who holds it, for what and since when.
func Lock(p *pair.Pair, o Options, w pair.SyncSummary) (*pair.Lock, error) {
	state, _, err := dirs(o)
	if err != nil {
		return nil, err
	}
	return p.LockWrite(filepath.Join(state, "locks"), holderOf(o), &w)
}

// AuditLog is the audit directory Apply records into (o.AuditDir, else
// the state directory's audit), opened: a sync-map save records there.
func AuditLog(o Options) (*audit.Log, error) {
	_, dir, err := dirs(o)
	if err != nil {
		return nil, err
	}
	return audit.Open(dir)
}

// Apply runs prep on p as one transaction; see the package doc. The error
// is nil only when everything the plan meant to change is equal
// afterwards; else it wraps ErrStale, ErrRemoteRefused, ErrUnexpected,
// ErrUnreadable, pair.ErrLocked (a *pair.LockedError naming the holder) or
// the device's error (a lost connection). The Result is filled as far as
// the sync went, and an audit record is written for every sync that took
// the lock.
func Apply(ctx context.Context, p *pair.Pair, prep *Prepared, o Options) (*Result, error) {
	return transact(ctx, p, prep, o, false)
}

// SaveUnsaved is `hasync sync --save` when prep, the plan, has nothing to
// send (issue 10, "After a sync": --save saves what is left unsaved): on
// each member whose running configuration differs from its saved one (a
// fresh read), the running configuration is saved. It is one transaction
// as Apply is: under the pair's lock, its lines handed to Options.Emit
// and to the pair's subscribers, masked, and audited (Record.Saved names
// the members saved, Result.Saved too). A member whose saved state is
// unknown is not saved and is the error; a plan that is not empty is
// refused.
func SaveUnsaved(ctx context.Context, p *pair.Pair, prep *Prepared, o Options) (*Result, error) {
	if !prep.Plan.Empty() {
		return nil, fmt.Errorf("pair %s: the plan has %d command(s) to send: a save alone is for a pair in step", prep.Pair, len(prep.Plan.Commands))
	}
	o.Save = true
	return transact(ctx, p, prep, o, true)
}

// transact runs prep on p as one transaction (Apply), or with saveOnly
// the save of what is left unsaved (SaveUnsaved).
func transact(ctx context.Context, p *pair.Pair, prep *Prepared, o Options, saveOnly bool) (*Result, error) {
	start := time.Now()
	state, auditDir, err := dirs(o)
	if err != nil {
		return nil, err
	}
	holder := holderOf(o)
	summary := pair.SyncSummary{Kind: pair.KindSync, Source: prep.Source, Target: prep.Target, Commands: len(prep.Plan.Commands)}
	switch {
	case saveOnly:
		summary.Kind = pair.KindSave
	case prep.Rollback:
		summary.Kind = pair.KindRollback
	case prep.Native:
		summary.Kind = pair.KindNative
	}
	lock, err := p.LockWrite(filepath.Join(state, "locks"), holder, &summary)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()

	res := &Result{Prepared: prep}
	t := &txn{p: p, prep: prep, o: o, res: res, secrets: secrets(prep.Plan), holder: holder,
		transport: prep.Transport, transportWhy: prep.TransportWhy, saveOnly: saveOnly, start: start, auditDir: auditDir}
	if t.transport == "" {
		t.transport = inventory.TransportSSH
	}
	started := summary
	p.PublishSync(pair.Event{Kind: pair.SyncStarted, Device: prep.Target, Holder: holder, Step: -1, Sync: &started})
	ctx, release := t.guard(ctx)
	defer release()
	err = t.run(ctx, state)
	if errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		// The caller's deadline, passed on by guard as a cancel with its
		// cause: say it as a deadline.
		err = fmt.Errorf("%w (%w)", err, context.DeadlineExceeded)
	}
	t.keepTargetAfter()
	res.Record = t.record(start, err)
	if log, lerr := audit.Open(auditDir); lerr == nil {
		if aerr := log.Append(res.Record, t.secrets); aerr != nil && err == nil {
			err = aerr
		}
	} else if err == nil {
		err = lerr
	}
	summary.Outcome, summary.Committed, summary.Errors = string(res.Record.Result), res.Committed, len(res.Errors)
	p.PublishSync(pair.Event{Kind: pair.SyncDone, Device: prep.Target, Holder: holder, Step: -1, Sync: &summary, Err: maskedErr(err, t)})
	return res, err
}

// maskedErr is err as subscribers may see it: its text with the plan's
// secrets masked (nil stays nil).
func maskedErr(err error, t *txn) error {
	if err == nil {
		return nil
	}
	if m := t.mask(err.Error()); m != err.Error() {
		return errors.New(m)
	}
	return err
}

func dirs(o Options) (state, auditDir string, err error) {
	state = o.StateDir
	if state == "" {
		if state, err = audit.StateDir(); err != nil {
			return "", "", err
		}
	}
	auditDir = o.AuditDir
	if auditDir == "" {
		auditDir = filepath.Join(state, "audit")
	}
	return state, auditDir, nil
}

// txn is one Apply.
type txn struct {
	p       *pair.Pair
	prep    *Prepared
	o       Options
	res     *Result
	secrets []string
	// sess is the pair's session on the target (Pair.Session: the pair
	// owns it), the one that applies and confirms.
	sess *device.Session
	// holder is who runs the sync (the lock's holder).
	holder string
	// transport is how the target is reached (the plan's, or rest after
	// an SSH dial that could not reach it), transportWhy why.
	transport    inventory.Transport
	transportWhy string
	// other is the other member's name (not the target) and otherHash the
	// hash of its configuration when the sync began (textHash); verify
	// checks it is still that.
	other, otherHash string
	// mu guards commitMarked: the caller's cancel and the commit's mark
	// race (guard).
	mu sync.Mutex
	// commitMarked: an event carried Event.Commit. cut: the caller's
	// cancel reached the sync before any mark, which then is refused
	// (markCommit).
	commitMarked, cut bool
	// outer is the caller's context and cutInner cancels the sync's
	// (guard).
	outer    context.Context
	cutInner context.CancelCauseFunc
	// saveOnly: the transaction of SaveUnsaved.
	saveOnly bool
	// toSend is how many commands a plan made at the last verify would
	// still send (what a device-native sync has not carried yet).
	toSend int
	// start is when Apply began (the audit record's Time); auditDir
	// where its records go.
	start    time.Time
	auditDir string
	// markedAt is when the commit was marked.
	markedAt time.Time
}

// guard returns the context the sync runs under: ctx until the commit is
// marked (markCommit), then one that no cancel of ctx reaches, so that
// the change, its verification and a commit-confirm run to their end
// (Event.Commit). Front ends cancel whenever the user asks; the rule of
// what a cancel still stops is here alone. release frees the watch on
// ctx.
func (t *txn) guard(ctx context.Context) (context.Context, func()) {
	inner, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	t.outer, t.cutInner = ctx, cancel
	stop := context.AfterFunc(ctx, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.cutLocked()
	})
	return inner, func() { stop(); cancel(nil) }
}

// cutLocked passes the caller's cancel on to the sync's context, unless
// the commit is marked; t.mu is held.
func (t *txn) cutLocked() {
	if !t.commitMarked && !t.cut {
		t.cut = true
		t.cutInner(context.Cause(t.outer))
	}
}

// markCommit is Event.Commit for the line that reaches the point of no
// return: true once per sync. From the mark on, a cancel of the
// caller's context no longer reaches the sync (guard); a cancel that
// came before it already has, and the mark is refused: the caller checks
// its context after marking (stopBeforeSending) and sends nothing.
//
// The first mark also writes the write-ahead audit record
// (audit.Committing), before the commit is sent: if the run ends before
// its own record (a second ^C, a kill), the audit still tells that a
// change may have been committed.
func (t *txn) markCommit() bool {
	t.mu.Lock()
	if t.outer != nil && t.outer.Err() != nil {
		// The caller's cancel came before the mark, even if its watch
		// (guard) has not run yet.
		t.cutLocked()
	}
	if t.cut {
		// Cancelled first: no point of no return; the caller checks its
		// context before it sends anything (ApplyOptions.OnCommit).
		t.mu.Unlock()
		return false
	}
	first := !t.commitMarked
	t.commitMarked = true
	if first {
		t.markedAt = time.Now()
	}
	t.mu.Unlock()
	if first {
		t.writeAhead()
	}
	return first
}

// keepTargetAfter sets Result.TargetAfter, when the verification did
// not, from a read of the target made after the commit was marked: a
// sync that changed the target and ended otherwise than ok (unexpected
// differences, a partial commit) can still be rolled back, checked
// against what it left.
func (t *txn) keepTargetAfter() {
	if t.res.TargetAfter != "" || t.res.After == nil || !t.commitMarked || t.res.CommitUnseen {
		return
	}
	if d, ok := t.res.After.Device(t.prep.Target); ok && d.Tree != nil && d.FetchedAt.After(t.markedAt) {
		t.res.TargetAfter = textHash(d.Config)
	}
}

// pointName names the sync's point of no return, for what is said of a
// cancel before it.
func (t *txn) pointName() string {
	if t.saveOnly {
		return "the save"
	}
	return "the commit"
}

// stopBeforeSending is the check after a mark: the sync's context ended
// before it (a cancel, the deadline), so nothing is sent; the error says
// so.
func (t *txn) stopBeforeSending(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	t.res.NothingSent = !t.commitMarked
	return &cancelledError{target: t.prep.Target, err: context.Cause(ctx), before: t.pointName()}
}

// writeAhead appends the audit.Committing record of the sync. A log
// that cannot be written is said, and does not stop the commit: the
// point of no return is passed.
func (t *txn) writeAhead() {
	r := t.record(t.start, nil)
	r.Result, r.Counts.Residue = audit.Committing, -1
	log, err := audit.Open(t.auditDir)
	if err == nil {
		err = log.Append(r, t.secrets)
	}
	if err != nil {
		t.info("the audit record of the commit could not be written before it: %v", err)
	}
}

// emit hands e, masked, to Options.Emit and to the pair's subscribers.
func (t *txn) emit(e Event) {
	e.Line = t.mask(e.Line)
	if t.o.Emit != nil {
		t.o.Emit(e)
	}
	t.p.PublishSync(pair.Event{Kind: pair.SyncLine, Device: e.Device, Line: e.Line, Step: e.Step, LineKind: e.Kind, Holder: t.holder})
}

// remote is the emit of device dev's output lines: each is Remote, or
// RemoteErrorLine when it says the device refused something; step gives
// the plan step a line belongs to.
func (t *txn) remote(dev string, step func() int) func(line string) {
	errs := device.NewErrorLines(t.prep.Family)
	return func(line string) {
		kind := Remote
		if errs.Is(line) {
			kind = RemoteErrorLine
		}
		t.emit(Event{Kind: kind, Device: dev, Line: line, Step: step()})
	}
}

func (t *txn) info(format string, a ...any) {
	t.emit(Event{Kind: Info, Line: fmt.Sprintf(format, a...), Step: -1})
}

// mask hides every secret of the plan in s.
func (t *txn) mask(s string) string {
	for _, sec := range t.secrets {
		s = strings.ReplaceAll(s, sec, config.Mask)
	}
	return s
}

func (t *txn) run(ctx context.Context, state string) error {
	prep := t.prep
	t.info("re-reading %s and %s", prep.Source, prep.Target)
	snap, _ := t.p.Refresh(ctx)
	if ctx.Err() != nil {
		// Cancelled while reading: the devices were not at fault, and
		// nothing was sent.
		t.res.NothingSent = true
		return &cancelledError{target: prep.Target, err: context.Cause(ctx), before: t.pointName()}
	}
	if err := readable(snap); err != nil {
		return err
	}
	tgt, _ := snap.Device(prep.Target)
	if prep.Plan.Stale(basis(t.sourceText(snap)), basis(tgt.Config)) {
		changed := prep.Source
		if !bytes.Equal(basis(tgt.Config), basis(prep.targetText)) {
			changed = prep.Target
		}
		return fmt.Errorf("pair %s: %w (%s changed)", prep.Pair, ErrStale, changed)
	}
	for _, d := range snap.Devices {
		if d.Name != prep.Target {
			t.other, t.otherHash = d.Name, textHash(d.Config)
		}
	}
	if t.o.ConfirmMinutes > 0 && t.o.Save {
		return fmt.Errorf("%s: %w", prep.Target, device.ErrSaveBeforeConfirm)
	}
	if t.o.ConfirmMinutes > 0 {
		setReload := t.o.ConfirmSetReload && confirmable(tgt.Tree) != nil
		if err := checkConfirm(prep, t.transport, prep.TransportText(), tgt.Tree, t.o.ConfirmSetReload); err != nil {
			return err
		}
		if setReload {
			if err := t.setConfirmReload(ctx); err != nil {
				return err
			}
		}
	}
	if t.saveOnly {
		t.info("nothing to send: saving what is left unsaved")
		return t.saveUnsaved(ctx, snap)
	}
	prev, err := keepPrevious(state, prep.Pair, prep.Target, tgt.Config)
	if err != nil {
		return err
	}
	t.res.Previous = prev
	// Prepare decided the kind (native); Apply does what the plan shows.
	if prep.Native {
		return t.nativeSync(ctx, tgt)
	}
	if prep.Plan.Empty() {
		t.info("nothing to send")
	} else if err := t.applyVyatta(ctx, prep.Plan.Steps); err != nil {
		// Nothing of the plan may have stayed: a refusal discards the
		// session's changes, a connection dropped before the commit
		// drops them on the device. Re-read to know; a partial commit
		// (one subtree applied, another refused) is reverted with the
		// inverse plan.
		//
		// A connection lost during the commit: the commit runs to its end
		// on the device (DOMAIN.md); the re-read tells what it kept, and
		// a commit that took whole is verified as any sync.
		//
		// The re-read, and a revert, run even when ctx was cancelled:
		// the user must learn what the target holds. Only a read made
		// now tells: the snapshot keeps the last good one otherwise.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterFailure+t.settle())
		defer cancel()
		after, d, ok := t.reread(ctx, "the commit", tgt, err, t.commitCut(err))
		if !ok || t.res.TargetUnchanged {
			return err
		}
		if !errors.Is(err, ErrRemoteRefused) && readable(after) == nil {
			for _, c := range diff.Trees(tgt.Tree, d.Tree, prep.Comparison.Diff) {
				t.res.Applied = append(t.res.Applied, c.Path)
			}
			if verr := t.verify(after); verr != nil {
				return fmt.Errorf("%w; the target kept part of the change: %w", err, verr)
			}
			t.res.Committed, t.res.KeptAfterDrop = true, true
			t.info("%s kept the whole commit despite the lost connection: verified", prep.Target)
			return nil
		}
		t.revert(ctx, tgt, d)
		return err
	}
	t.info("re-reading %s and %s", prep.Source, prep.Target)
	after, _ := t.p.Refresh(ctx)
	t.res.After = after
	if err := readable(after); err != nil {
		return err
	}
	if err := t.verify(after); err != nil {
		if t.o.ConfirmMinutes > 0 && t.res.Committed {
			t.info("not confirmed: %s reverts by itself within %d minute(s)", prep.Target, t.o.ConfirmMinutes)
			return err
		}
		// Without commit-confirm (over REST, or where it was not asked
		// or refused) the inverse plan reverts what the sync committed
		// (issue 10, "Safety beyond the devices' own sync").
		if d, ok := after.Device(prep.Target); ok && t.res.Committed && errors.Is(err, ErrUnexpected) && !config.Equal(d.Tree.Root, tgt.Tree.Root) {
			t.info("verification failed: reverting %s with the inverse plan", prep.Target)
			t.revert(ctx, tgt, d)
		}
		return err
	}
	if t.o.ConfirmMinutes > 0 && t.res.Committed {
		if err := t.confirm(ctx); err != nil {
			return err
		}
	}
	return nil
}

// readTarget reads the pair again and returns the snapshot and the
// target's state in it; ok is false when the target could not be read
// after since (the snapshot keeps the last good read otherwise).
func (t *txn) readTarget(ctx context.Context, since time.Time) (*pair.Snapshot, *pair.DeviceState, bool) {
	after, _ := t.p.Refresh(ctx)
	t.res.After = after
	d, ok := after.Device(t.prep.Target)
	return after, d, ok && d.Tree != nil && d.FetchedAt.After(since)
}

// reread reads the target again after err cut the sync short (ctx
// outlives a cancel: the user must learn what the target holds), and
// sets Result.TargetUnchanged against tgt, its state before the sync.
// With await, what was sent (the commit, a device's own sync) may still
// run on the device: an unchanged target is read again until it changes
// (awaitCommit). ok is false when the target could not be read.
func (t *txn) reread(ctx context.Context, what string, tgt *pair.DeviceState, err error, await bool) (*pair.Snapshot, *pair.DeviceState, bool) {
	t.info("re-reading %s after: %v", t.prep.Target, err)
	failedAt := time.Now()
	after, d, ok := t.readAgain(ctx, failedAt)
	if !ok {
		t.info("%s could not be read again: what it holds now is unknown", t.prep.Target)
		return after, d, false
	}
	t.res.TargetUnchanged = config.Equal(d.Tree.Root, tgt.Tree.Root)
	if t.res.TargetUnchanged && await {
		after, d = t.awaitCommit(ctx, what, tgt, failedAt, after, d)
		t.res.TargetUnchanged = config.Equal(d.Tree.Root, tgt.Tree.Root)
		t.res.CommitUnseen = t.res.TargetUnchanged
	}
	return after, d, true
}

// readAgain is readTarget after a failure, tried again every settleEvery
// until the target is read or Options.Settle passes: just after a lost
// connection the first read may still go to the session that was lost,
// or find the device not yet taking a new one.
func (t *txn) readAgain(ctx context.Context, since time.Time) (*pair.Snapshot, *pair.DeviceState, bool) {
	return t.pollTarget(ctx, since, nil)
}

// pollTarget reads the target (readTarget) now and every settleEvery
// until a read is good and done (nil: any good read) holds for it, or
// Options.Settle passes or ctx ends; it returns the last read, ok when it
// was good.
func (t *txn) pollTarget(ctx context.Context, since time.Time, done func(*pair.DeviceState) bool) (*pair.Snapshot, *pair.DeviceState, bool) {
	deadline := time.Now().Add(t.settle())
	for {
		after, d, ok := t.readTarget(ctx, since)
		if ok && (done == nil || done(d)) || !time.Now().Before(deadline) {
			return after, d, ok
		}
		select {
		case <-ctx.Done():
			return after, d, ok
		case <-time.After(settleEvery):
		}
	}
}

// commitCut reports whether err, the apply's error, left a Vyatta commit
// that was sent without its answer (the connection lost, a timeout): the
// commit runs to its end on the device (DOMAIN.md "A dropped SSH
// session"), so a target that reads unchanged may only not have
// finished it yet.
func (t *txn) commitCut(err error) bool {
	return t.prep.Family == config.Vyatta && t.commitMarked && !errors.Is(err, ErrRemoteRefused) && !errors.Is(err, device.ErrUnsupported)
}

// awaitCommit reads the target again, every settleEvery, until it
// differs from tgt (its configuration before the sync) or Options.Settle
// passes, and returns the last good read: what (the commit, a device's
// own sync) whose answer was cut may still be running on the device, and
// a read made too soon would report the target unchanged while it goes
// on.
func (t *txn) awaitCommit(ctx context.Context, what string, tgt *pair.DeviceState, since time.Time, after *pair.Snapshot, d *pair.DeviceState) (*pair.Snapshot, *pair.DeviceState) {
	settle := t.settle()
	t.info("%s reads unchanged, but %s that was sent runs to its end on the device: reading it again until it changes (up to %s)", t.prep.Target, what, settle)
	changed := func(d *pair.DeviceState) bool { return !config.Equal(d.Tree.Root, tgt.Tree.Root) }
	if a, dd, ok := t.pollTarget(ctx, since, changed); ok {
		after, d = a, dd // the last good read
	}
	t.res.After = after
	if changed(d) {
		t.info("%s changed: %s ended on the device", t.prep.Target, what)
	} else {
		t.info("%s did not change within %s: %s did not apply, or has not yet; compare the pair before syncing again", t.prep.Target, settle, what)
	}
	return after, d
}

// settle is Options.Settle, or its default.
func (t *txn) settle() time.Duration {
	if t.o.Settle > 0 {
		return t.o.Settle
	}
	return DefaultSettle
}

// PushAdvice is how a plan's warning tells to push onto an HRP standby
// (a front end without that push rewords it: tui).
const PushAdvice = "sync with --push (needs hrp standby config enable)"

// DefaultSettle is Options.Settle when not given.
const DefaultSettle = 30 * time.Second

// confirmable refuses commit-confirm on a target whose unconfirmed commit
// does not revert by reload (the default is reboot; DOMAIN.md).
// CheckConfirm tells, before anything is shown or sent, whether a sync
// with commit-confirm can run on this plan: nil, or an error wrapping
// ErrUnsupported (a Huawei pair: commit-confirm is a Vyatta-family
// command) or ErrConfirmRefused (the REST transport has none; the target's
// commit-confirm action is not reload, DOMAIN.md "Commit and compare
// output"). setReload: the user asked to set the action to reload first
// (Options.ConfirmSetReload), which lifts the last refusal.
func (p *Prepared) CheckConfirm(setReload bool) error {
	return checkConfirm(p, p.Transport, p.TransportText(), p.Comparison.Right, setReload)
}

func checkConfirm(p *Prepared, tr inventory.Transport, trText string, target *config.Tree, setReload bool) error {
	switch {
	case p.Family == config.Huawei:
		return fmt.Errorf("%s: %w: commit-confirm is a Vyatta-family command", p.Target, ErrUnsupported)
	case tr == inventory.TransportREST:
		return fmt.Errorf("%s: %w: the REST API has no commit-confirm (transport %s); sync without it: a failed verification is then reverted with the inverse plan", p.Target, ErrConfirmRefused, trText)
	case p.Native:
		return fmt.Errorf("%s: %w: the device's own config-sync commits on the peer, without commit-confirm; sync with --push, or without --confirm", p.Target, ErrConfirmRefused)
	case setReload:
		return nil
	}
	if err := confirmable(target); err != nil {
		return fmt.Errorf("%s: %w", p.Target, err)
	}
	return nil
}

// setConfirmReload sets `system config-management commit-confirm action
// reload` on the target and commits it, before the sync (the user asked:
// Options.ConfirmSetReload). It says so and the audit records it.
func (t *txn) setConfirmReload(ctx context.Context) error {
	const set = "set system config-management commit-confirm action reload"
	t.info("%s's commit-confirm action is not reload: setting it first, as asked (%s)", t.prep.Target, set)
	sess, err := t.p.Session(ctx, t.prep.Target)
	if err != nil {
		return err
	}
	t.sess = sess
	_, err = sess.Apply(ctx, []device.Command{{Text: set, Words: strings.Fields(set)}}, device.ApplyOptions{Comment: "hasync: commit-confirm action reload, before a sync", Window: 1, OnCommand: func(_ int, shown string) {
		t.emit(Event{Kind: Sent, Device: t.prep.Target, Line: shown, Step: -1})
	}}, t.remote(t.prep.Target, noStep))
	if err != nil {
		return fmt.Errorf("%s: setting the commit-confirm action to reload: %w", t.prep.Target, err)
	}
	t.res.ConfirmActionSet = true
	return nil
}

func confirmable(target *config.Tree) error {
	action := device.CommitConfirmAction(target)
	if action == "reload" {
		return nil
	}
	return fmt.Errorf("%w: an unconfirmed commit would %s, which restarts an HA member; set `system config-management commit-confirm action reload` on it, or sync without commit-confirm", ErrConfirmRefused, action)
}

// verify compares the pair again in the plan's direction: nothing may be
// left to send, and the conflicts must be the plan's own.
func (t *txn) verify(after *pair.Snapshot) error {
	prep := t.prep
	if after.CompareErr != nil {
		return after.CompareErr
	}
	tgt, _ := after.Device(prep.Target)
	if o, ok := after.Device(t.other); ok && t.otherHash != "" && textHash(o.Config) != t.otherHash {
		t.res.Unexpected = append(t.res.Unexpected, t.other+": its configuration changed during the sync")
		return fmt.Errorf("pair %s: %w: %s is no longer what the plan was computed from", prep.Pair, ErrSourceChanged, t.other)
	}
	var srcTree *config.Tree
	if prep.fixed != nil {
		srcTree = prep.fixed.tree
	} else {
		src, _ := after.Device(prep.Source)
		srcTree = src.Tree
	}
	cmp, err := compare.New(srcTree, tgt.Tree, prep.Comparison.Map, prep.Comparison.Label, prep.Comparison.Diff)
	if err != nil {
		return err
	}
	again, err := cmp.Plan(prep.Plan.Mode)
	if err != nil {
		return err
	}
	expected := map[string]bool{}
	for _, c := range prep.Plan.Conflicts {
		expected[c.Path.String()+"\x00"+c.Reason] = true
	}
	for _, c := range again.Conflicts {
		// Only what the plan listed is expected: an order difference
		// `hrp sync config` leaves that the plan did not predict (new
		// rules after a final deny, DOMAIN.md "HRP") is unexpected.
		if expected[c.Path.String()+"\x00"+c.Reason] {
			t.res.Residue = append(t.res.Residue, c)
		} else {
			t.res.Unexpected = append(t.res.Unexpected, "not synced: "+c.Path.String()+": "+c.Reason)
		}
	}
	for _, s := range again.Steps {
		t.res.Unexpected = append(t.res.Unexpected, "still to send: "+s.Shown)
	}
	t.toSend = len(again.Steps)
	if len(t.res.Unexpected) > 0 {
		return fmt.Errorf("pair %s: %w: %d", prep.Pair, ErrUnexpected, len(t.res.Unexpected))
	}
	t.res.TargetAfter = textHash(tgt.Config)
	return nil
}

// sourceText is the source's configuration text in snap (or the kept one
// of a rollback).
func (t *txn) sourceText(snap *pair.Snapshot) []byte {
	if t.prep.fixed != nil {
		return t.prep.fixed.text
	}
	src, _ := snap.Device(t.prep.Source)
	return src.Config
}

// basis is a configuration's text without what changes from one read to
// the next while the configuration stays: the timestamp line a Huawei
// `display current-configuration` may start with (DOMAIN.md "Huawei
// family"). Plans are stamped and checked on it.
func basis(text []byte) []byte {
	line, rest, ok := bytes.Cut(text, []byte("\n"))
	if ok && timestampLine().Match(bytes.TrimSpace(line)) {
		return rest
	}
	return text
}

// timestampLine is `2026-11-30 06:46:52.653` (optionally with a zone).
var timestampLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d\d:?\d\d| [A-Z]{2,5})?$`)
})

// textHash is the hash of a configuration's text as the audit keeps it.
func textHash(b []byte) string {
	h := sha256.Sum256(basis(b))
	return hex.EncodeToString(h[:])
}

// revert brings the target back to before (its state before the sync)
// within the map, with the inverse plan: the plan from before to what the
// target holds now. It records what had applied, and whether the revert
// left the target as it was.
func (t *txn) revert(ctx context.Context, before, now *pair.DeviceState) {
	m, o := t.prep.Comparison.Map, t.prep.Comparison.Diff
	for _, c := range diff.Trees(before.Tree, now.Tree, o) {
		t.res.Applied = append(t.res.Applied, c.Path)
	}
	inv, err := plan.Build(before.Tree, now.Tree, m, plan.Options{Mode: plan.Push, Diff: o})
	if err != nil {
		t.res.RevertErr = err
		return
	}
	if inv.Empty() {
		t.res.RevertErr = errors.New("the changes that applied are outside the map: not reverted")
		return
	}
	t.info("the target changed although the sync failed (%d path(s)): reverting with the inverse plan (%d command(s))", len(t.res.Applied), len(inv.Commands))
	saved, savedOpt := t.res.Errors, t.o
	t.res.Errors = nil
	// The revert's commit says what it is, not the user's comment, and
	// is not itself commit-confirmed.
	t.o.Comment, t.o.ConfirmMinutes = "hasync: revert of a failed sync", 0
	err = t.applyVyatta(ctx, inv.Steps)
	revertErrs := t.res.Errors
	t.res.Errors, t.o = saved, savedOpt
	if err != nil {
		t.res.RevertErr = fmt.Errorf("revert: %w (%d error(s))", err, len(revertErrs))
		return
	}
	again, _ := t.p.Refresh(ctx)
	t.res.After = again
	if d, ok := again.Device(t.prep.Target); ok && d.Tree != nil && config.Equal(d.Tree.Root, before.Tree.Root) {
		t.res.Reverted, t.res.TargetUnchanged = true, true
		return
	}
	t.res.RevertErr = errors.New("revert: the target still differs from its configuration before the sync")
}

// keepPrevious writes the target's configuration before the sync to
// STATE/previous/PAIR/TARGET-TIME.conf, mode 0600 (it holds secrets).
func keepPrevious(state, pairName, target string, text []byte) (string, error) {
	dir := filepath.Join(state, "previous", audit.FileName(pairName))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("keep previous configuration: %w", err)
	}
	name := filepath.Join(dir, audit.FileName(target)+"-"+time.Now().UTC().Format("20060102T150405.000000000Z")+".conf")
	// Absolute: the audit record keeps it for a --rollback run from
	// anywhere, whatever front end wrote it.
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	if err := os.WriteFile(name, text, 0o600); err != nil {
		return "", fmt.Errorf("keep previous configuration: %w", err)
	}
	return name, nil
}

// secrets are the words of the plan's commands that their shown form
// masks: the values no output may carry.
func secrets(p *plan.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		if s.Shown == s.Command {
			continue
		}
		if s.HasValue {
			out = append(out, s.Value)
			continue
		}
		shown := map[string]bool{}
		for _, w := range strings.Fields(s.Shown) {
			shown[w] = true
		}
		for _, w := range strings.Fields(s.Command) {
			if !shown[w] {
				out = append(out, strings.Trim(w, `'"`))
			}
		}
	}
	// Longest first, so that a secret inside another is masked whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// record is the audit record of the sync.
func (t *txn) record(start time.Time, err error) audit.Record {
	prep, res := t.prep, t.res
	u, h := audit.Who()
	mode := prep.Plan.Mode.String()
	if prep.Native && prep.Plan.Mode == plan.Push {
		mode = "config-sync" // the source's own update config-sync, not a push by hasync
	}
	r := audit.Record{
		Time: start, User: u, Host: h, Pair: prep.Pair,
		Source: prep.Source, Target: prep.Target, Direction: prep.Source + " → " + prep.Target,
		Map: prep.Plan.Map, Mode: mode, Rollback: prep.Rollback, Transport: t.transportText(),
		PlanHash: planHash(prep.Plan), Basis: prep.Plan.Basis,
		Comment: t.o.Comment, Previous: res.Previous, TargetAfter: res.TargetAfter, ConfirmActionSet: res.ConfirmActionSet,
		SSHUser: t.o.SSHUser, SSHKey: t.o.SSHKey,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
	}
	if t.saveOnly {
		r.Kind = audit.Save
	}
	for _, s := range prep.Plan.Steps {
		r.Counts.Commands++
		switch s.Verb {
		case "set":
			r.Counts.Sets++
		case "delete":
			r.Counts.Deletes++
		}
	}
	r.Counts.Conflicts, r.Counts.Warnings = len(prep.Plan.Conflicts), len(prep.Warnings)
	r.Counts.Residue = -1
	if res.After != nil && err == nil || errors.Is(err, ErrUnexpected) {
		r.Counts.Residue = len(res.Residue) + len(res.Unexpected)
	}
	for _, a := range res.Applied {
		r.Applied = append(r.Applied, a.String())
	}
	r.Reverted = res.Reverted
	r.Saved = res.Saved
	for _, e := range res.Errors {
		r.Errors = append(r.Errors, audit.RemoteError{Path: e.Path.String(), Command: e.Command, Lines: e.Lines})
	}
	switch {
	case err == nil:
		r.Result = audit.OK
	case errors.Is(err, ErrRemoteRefused) && len(res.Applied) > 0:
		r.Result = audit.Partial
	case errors.Is(err, ErrSourceChanged):
		r.Result = audit.SourceChanged
	case errors.Is(err, ErrRemoteRefused):
		r.Result = audit.Refused
	case errors.Is(err, ErrStale), errors.Is(err, ErrConfirmRefused):
		r.Result = audit.Stale
	case errors.Is(err, ErrUnexpected):
		r.Result = audit.Unexpected
	case (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && !t.commitMarked && !res.Committed:
		r.Result = audit.Cancelled
	case res.CommitUnseen:
		r.Result = audit.Unknown
	case errors.Is(err, ErrUnreadable) && (res.Committed || len(res.Saved) > 0):
		// The change went in; the re-read that checks it could not run.
		r.Result = audit.Unverified
	default:
		r.Result = audit.Failed
	}
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// transportText is how the sync reached the target, for the audit:
// "ssh", or "rest (why)".
func (t *txn) transportText() string {
	if t.transportWhy == "" {
		return string(t.transport)
	}
	return string(t.transport) + " (" + t.transportWhy + ")"
}

// planHash is the hash of the plan's commands as sent, in order.
func planHash(p *plan.Plan) string {
	h := sha256.New()
	for _, c := range p.Commands {
		h.Write([]byte(c))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// targetDevice is the inventory device named name.
func targetDevice(spec *inventory.Pair, name string) (*inventory.Device, error) {
	for _, d := range spec.Devices {
		if d != nil && d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("pair %s has no device %q", spec.Name, name)
}
