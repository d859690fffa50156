package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

const deadline = 3 * time.Minute

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// labPair starts an emulated VRA pair (vra-b drifted from vra-a) and opens
// it through backend/pair over real SSH on loopback, as a push pair.
func labPair(t *testing.T, o vyatta.PairOptions) (*vyatta.Pair, *pair.Pair) {
	t.Helper()
	o.Dir = t.TempDir()
	if o.Lines == 0 {
		o.Lines = 300
	}
	lp, err := vyatta.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lp.Close)
	t.Setenv(lab.PasswordEnv, "")
	inv, err := inventory.Load(lp.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	// The lab's inventory says sync_mode: config-sync (its pair syncs
	// itself on commit); these tests are about the push.
	inv.Pairs[0].Mode = inventory.ModePush
	p := pair.New(inv.Pairs[0], pair.Options{SSHConfigFile: "none", UserKnownHosts: "none"})
	t.Cleanup(func() { p.Close() })
	return lp, p
}

// TestSyncDriftedPair: the drifted lab pair is synced vra-a → vra-b over
// SSH: every remote line streams, the re-read finds nothing left in scope,
// the target's previous configuration is kept 0600, the audit says ok.
func TestSyncDriftedPair(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Source != "vra-a" || prep.Target != "vra-b" || prep.Plan.Empty() || prep.Plan.Basis == "" {
		t.Fatalf("prepared %s → %s, %d commands, basis %q", prep.Source, prep.Target, len(prep.Plan.Commands), prep.Plan.Basis)
	}
	var sending, remote, typed int
	var own []string
	var marks []Event
	res, err := Apply(ctx, p, prep, Options{StateDir: state, Comment: "test sync", SSHUser: "alice", SSHKey: "SHA256:test", Emit: func(e Event) {
		marks = marked(marks, e)
		switch {
		case e.Kind == Info && strings.HasPrefix(e.Line, "sending "):
			sending++
		case e.Kind == Remote:
			remote++
		case e.Kind == Sent && e.Step >= 0:
			if e.Line != prep.Plan.Steps[e.Step].Shown {
				t.Errorf("step %d typed as %q", e.Step, e.Line)
			}
			typed++
		case e.Kind == Sent:
			own = append(own, e.Line)
		}
	}})
	if err != nil {
		t.Fatalf("sync: %v (unexpected %q, errors %+v)", err, res.Unexpected, res.Errors)
	}
	if !res.Committed || sending != 1 || remote == 0 || typed != len(prep.Plan.Steps) {
		t.Errorf("committed %v, %d apply, %d remote lines, %d of %d commands shown typed", res.Committed, sending, remote, typed, len(prep.Plan.Steps))
	}
	if !slices.Contains(own, "configure") || !slices.ContainsFunc(own, func(l string) bool { return strings.HasPrefix(l, "commit comment ") }) {
		t.Errorf("the apply's own commands: %q", own)
	}
	wantMark(t, marks, Sent, "commit comment 'test sync'")
	if res.After == nil || res.After.Compare == nil {
		t.Fatal("no re-read")
	}
	again, err := res.After.Compare.Plan(prep.Plan.Mode)
	if err != nil || !again.Empty() {
		t.Errorf("after the sync a plan still sends %q (%v)", again.Commands, err)
	}
	fi, err := os.Stat(res.Previous)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("previous configuration %s: %v %v", res.Previous, fi, err)
	}
	log, _ := audit.Open(filepath.Join(state, "audit"))
	rec, ok, err := log.Last(prep.Pair)
	if err != nil || !ok || rec.Result != audit.OK || rec.Comment != "test sync" || rec.SSHUser != "alice" || rec.SSHKey != "SHA256:test" || rec.Counts.Commands != len(prep.Plan.Commands) || rec.Direction != "vra-a → vra-b" || rec.PlanHash == "" || rec.Basis != prep.Plan.Basis {
		t.Errorf("audit %+v %v %v", rec, ok, err)
	}
	// A second sync has nothing to send.
	prep2, err := Prepare(ctx, p, Options{})
	if err != nil || !prep2.Plan.Empty() {
		t.Errorf("second plan %q, %v", prep2.Plan.Commands, err)
	}
}

// marked appends e to marks when it carries Event.Commit.
func marked(marks []Event, e Event) []Event {
	if e.Commit {
		marks = append(marks, e)
	}
	return marks
}

// wantMark checks that one event of a sync carried Event.Commit, of kind
// k with line.
func wantMark(t *testing.T, marks []Event, k EventKind, line string) {
	t.Helper()
	if len(marks) != 1 || marks[0].Kind != k || marks[0].Line != line {
		t.Errorf("point of no return marked on %+v, want once on %v %q", marks, k, line)
	}
}

// rejected is the rule vra-b refuses on commit in TestSyncRemoteRejects.
var rejected = []string{"security", "firewall", "name", "CUST-0000-IN", "rule", "20"}

// TestSyncRemoteRejects: vra-b refuses the commit of one rule; the sync
// fails with the remote's error lines tied to the rule's path and plan
// step, nothing is committed (the target's running configuration is as it
// was), and the audit says refused.
func TestSyncRemoteRejects(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{Reject: [][]string{rejected}})
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := p.Snapshot()
	tb, _ := before.Device("vra-b")
	var lines []string
	var errLines []string
	res, err := Apply(ctx, p, prep, Options{StateDir: state, Emit: func(e Event) {
		switch e.Kind {
		case Remote:
			lines = append(lines, e.Line)
		case RemoteErrorLine:
			lines = append(lines, e.Line)
			errLines = append(errLines, e.Line)
		}
	}})
	if !errors.Is(err, ErrRemoteRefused) {
		t.Fatalf("want the remote's refusal, got %v", err)
	}
	if res.Committed || !res.TargetUnchanged || len(res.Errors) == 0 {
		t.Fatalf("committed %v, target unchanged %v, errors %+v", res.Committed, res.TargetUnchanged, res.Errors)
	}
	tied := false
	for _, e := range res.Errors {
		if len(e.Path) >= len(rejected) && slices.Equal([]string(e.Path[:len(rejected)]), rejected) && e.Step >= 0 &&
			slices.Equal([]string(prep.Plan.Steps[e.Step].Change), rejected) && len(e.Lines) > 1 {
			tied = true
		}
	}
	for _, e := range res.Errors {
		t.Logf("remote error at %s (step %d, change %s): %q", e.Path, e.Step, e.Change, e.Lines)
	}
	if !tied {
		t.Errorf("no error tied to %v: %+v", rejected, res.Errors)
	}
	after, _ := res.After.Device("vra-b")
	if string(after.Config) != string(tb.Config) {
		t.Errorf("vra-b's running configuration changed")
	}
	if !slices.ContainsFunc(errLines, func(l string) bool { return strings.Contains(l, "Commit failed") }) {
		t.Errorf("the commit's error lines were not streamed as errors: %q", lines)
	}
	log, _ := audit.Open(filepath.Join(state, "audit"))
	rec, _, _ := log.Last(prep.Pair)
	if rec.Result != audit.Refused || len(rec.Errors) == 0 || !strings.HasPrefix(rec.Errors[0].Path, strings.Join(rejected, " ")) {
		t.Errorf("audit %+v", rec)
	}
}

// runOn types commands on a device of p in configure mode and commits.
func runOn(t *testing.T, ctx context.Context, p *pair.Pair, name string, cmds ...string) {
	t.Helper()
	dev, err := targetDevice(p.Spec(), name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := device.Connect(ctx, p.SSHConfig(dev), device.Options{Family: dev.Family, Flavor: dev.Flavor, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range append(append([]string{"configure"}, cmds...), "commit", "exit") {
		if _, err := s.Run(ctx, c, nil); err != nil {
			t.Fatalf("%s: %s: %v", name, c, err)
		}
	}
}

// TestSyncStalePlan: a plan computed before the target changed is refused
// as stale and nothing is sent.
func TestSyncStalePlan(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runOn(t, ctx, p, "vra-b", "set system domain-name changed.example")
	sent := 0
	res, err := Apply(ctx, p, prep, Options{StateDir: state, Emit: func(e Event) {
		if e.Kind == Remote || strings.HasPrefix(e.Line, "connecting") {
			sent++
		}
	}})
	if !errors.Is(err, ErrStale) || sent != 0 || res.Committed {
		t.Fatalf("stale plan: %v, %d commands sent", err, sent)
	}
	// It names the device that changed, and the pair once (trial10 #10).
	if !strings.Contains(err.Error(), "(vra-b changed)") || strings.Count(err.Error(), "pair lab-vyatta") != 1 {
		t.Errorf("stale: %q", err)
	}
	log, _ := audit.Open(filepath.Join(state, "audit"))
	if rec, _, _ := log.Last(prep.Pair); rec.Result != audit.Stale {
		t.Errorf("audit %+v", rec)
	}
	// Planned again, it applies.
	prep, err = Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, p, prep, Options{StateDir: state}); err != nil {
		t.Fatalf("re-planned: %v", err)
	}
}

// TestPrepareFromWarnsForwarding: syncing vra-b → vra-a, whose own
// config-sync pushes to vra-b, is warned about.
func TestPrepareFromWarnsForwarding(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{From: "vra-b"})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Source != "vra-b" || prep.Target != "vra-a" {
		t.Fatalf("direction %s → %s", prep.Source, prep.Target)
	}
	if !slices.ContainsFunc(prep.Warnings, func(w string) bool { return strings.Contains(w, "forwards each commit by its own config-sync") }) {
		t.Errorf("warnings %q", prep.Warnings)
	}
	fwd, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(fwd.Warnings, func(w string) bool { return strings.Contains(w, "forwards") }) {
		t.Errorf("vra-a → vra-b warned: %q", fwd.Warnings)
	}
	if _, err := Prepare(ctx, p, Options{From: "nope"}); err == nil || !strings.Contains(err.Error(), `no device "nope"`) {
		t.Errorf("--from nope: %v", err)
	}
}

// TestSyncConcurrent: a second sync of the pair started while the first
// holds the lock (from inside the first's own progress) is refused with
// who holds it and since when; the first runs to its end.
func TestSyncConcurrent(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var second error
	started := false
	_, err = Apply(ctx, p, prep, Options{StateDir: state, Holder: "alice@console (first)", Emit: func(e Event) {
		if e.Kind == Info && strings.HasPrefix(e.Line, "sending ") && !started {
			started = true
			_, second = Apply(ctx, p, prep, Options{StateDir: state, Holder: "bob@cli (second)"})
		}
	}})
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	var le *pair.LockedError
	if !errors.Is(second, pair.ErrLocked) || !errors.As(second, &le) || le.Info.Holder != "alice@console (first)" || le.Info.Since.IsZero() {
		t.Fatalf("second sync: %v", second)
	}
	if !strings.Contains(second.Error(), "held by alice@console (first) since ") {
		t.Errorf("second sync's error: %v", second)
	}
}

// TestSyncPartialCommitReverted: with --partial-commit, vra-b applies the
// subtrees it accepts and refuses the rule: the sync fails, reports what
// had applied, and the inverse plan brings vra-b back to what it was.
func TestSyncPartialCommitReverted(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{Reject: [][]string{rejected}, PartialCommit: true})
	ctx := testCtx(t)
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var commits []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Comment: "ticket 42", Emit: func(e Event) {
		if e.Kind == Sent && strings.HasPrefix(e.Line, "commit") {
			commits = append(commits, e.Line)
		}
	}})
	if !errors.Is(err, ErrRemoteRefused) {
		t.Fatalf("want the remote's refusal, got %v", err)
	}
	if !strings.Contains(err.Error(), "the commit failed in a subtree") {
		t.Errorf("refusal worded %q", err)
	}
	// The revert's commit says it is one (trial10 #10).
	if want := []string{"commit comment 'ticket 42'", "commit comment 'hasync: revert of a failed sync'"}; !slices.Equal(commits, want) {
		t.Errorf("commits %q, want %q", commits, want)
	}
	if len(res.Applied) == 0 || !res.Reverted || res.RevertErr != nil || !res.TargetUnchanged {
		t.Fatalf("applied %v, reverted %v (%v), unchanged %v", res.Applied, res.Reverted, res.RevertErr, res.TargetUnchanged)
	}
	if after := lp.B.Device.Running(); !config.Equal(before.Root, after.Root) {
		t.Error("vra-b differs from before the sync")
	}
	if res.Record.Result != audit.Partial || !res.Record.Reverted || len(res.Record.Applied) == 0 {
		t.Errorf("audit %+v", res.Record)
	}
}

// TestSyncDropBeforeCommit: the target's connection drops while the
// commands are typed: the sync fails with the lost connection, vra-b is
// unchanged (its uncommitted session went with the link), and a retry
// succeeds.
func TestSyncDropBeforeCommit(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The knob holds for new connections: once the sync has re-read the
	// pair, the pair's own connection to vra-b goes (its Lost awaited),
	// so the sync dials one that drops after 8 lines.
	sub, end := p.Subscribe(256)
	defer end()
	connected := false
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Emit: func(e Event) {
		if e.Kind == Info && e.Line == "connecting to vra-b" {
			lp.B.Faults.SetDropAfterLines(8)
			lp.B.SSH.DropSessions()
			for ev := range sub.C {
				if ev.Kind == pair.Lost && ev.Device == "vra-b" {
					break
				}
			}
		}
		if e.Kind == Info && e.Line == "connected to vra-b" {
			connected = true
			// Only this connection drops: the re-read after it reads.
			lp.B.Faults.SetDropAfterLines(0)
		}
	}})
	if !errors.Is(err, device.ErrConnectionLost) || res.Committed || !res.TargetUnchanged {
		t.Fatalf("drop: %v, committed %v, unchanged %v", err, res.Committed, res.TargetUnchanged)
	}
	if !connected {
		t.Errorf("the link dropped before the login: want it while the commands are typed")
	}
	if after := lp.B.Device.Running(); !config.Equal(before.Root, after.Root) {
		t.Error("vra-b changed")
	}
	prep, err = Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()}); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

// TestSyncConfirmRefusedOnReboot: commit-confirm on a VyOS-flavoured
// target whose action is the default reboot is refused with the reason,
// before anything is sent.
func TestSyncConfirmRefusedOnReboot(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	_, err = Apply(ctx, p, prep, Options{StateDir: t.TempDir(), ConfirmMinutes: 5, Emit: func(e Event) {
		if e.Kind == Remote || strings.HasPrefix(e.Line, "connecting") {
			sent++
		}
	}})
	if !errors.Is(err, ErrConfirmRefused) || sent != 0 || !strings.Contains(err.Error(), "would reboot") {
		t.Fatalf("want commit-confirm refused, nothing sent: %v (%d sent)", err, sent)
	}
}

// TestSyncCommitConfirm: asked (ConfirmSetReload), the sync sets the
// action to reload first, then commits with commit-confirm, verifies,
// then confirms: nothing is left pending. The point of no return is the
// sync's commit-confirm, not the commit that set the action.
func TestSyncCommitConfirm(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var infos, sent []string
	var marks []Event
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), ConfirmMinutes: 5, ConfirmSetReload: true, Comment: "ticket 42", Emit: func(e Event) {
		marks = marked(marks, e)
		switch e.Kind {
		case Info:
			infos = append(infos, e.Line)
		case Sent:
			sent = append(sent, e.Line)
		}
	}})
	if err != nil || !res.Confirmed {
		t.Fatalf("sync: %v, confirmed %v", err, res.Confirmed)
	}
	// The comment goes with commit-confirm (trial10 #7).
	if !slices.Contains(sent, "commit-confirm 5 comment 'ticket 42'") {
		t.Errorf("typed %q, want commit-confirm 5 comment 'ticket 42'", sent)
	}
	// The commit that sets the action to reload is not the sync's.
	if !res.ConfirmActionSet || !slices.ContainsFunc(sent, func(l string) bool {
		return strings.HasPrefix(l, "commit comment 'hasync: commit-confirm action reload")
	}) {
		t.Errorf("action set %v, typed %q", res.ConfirmActionSet, sent)
	}
	wantMark(t, marks, Sent, "commit-confirm 5 comment 'ticket 42'")
	i := slices.IndexFunc(infos, func(l string) bool { return strings.HasSuffix(l, "then commit-confirm 5 comment 'ticket 42'") })
	j := slices.Index(infos, "confirming on vra-b")
	k := -1
	if i >= 0 {
		k = slices.IndexFunc(infos[i:], func(l string) bool { return strings.HasPrefix(l, "re-reading") })
	}
	if i < 0 || j < 0 || k < 0 || i+k > j {
		t.Errorf("want commit-confirm, then the re-read, then confirm: %q", infos)
	}
	if err := lp.B.Device.Confirm(); err == nil {
		t.Error("a commit-confirm is still pending on vra-b")
	}
}

// TestSyncRollback: after a sync, the rollback plan (checked against the
// audit record) brings vra-b back to its configuration from before the
// sync; a rollback is refused once vra-b changed since the sync.
func TestSyncRollback(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	state := t.TempDir()
	if _, err := PrepareRollback(ctx, p, Options{StateDir: state}); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("rollback with no sync recorded: %v", err)
	}
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, p, prep, Options{StateDir: state}); err != nil {
		t.Fatal(err)
	}
	rb, err := PrepareRollback(ctx, p, Options{StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	if rb.Plan.Empty() || rb.Target != "vra-b" || !rb.Rollback {
		t.Fatalf("rollback plan %q to %s", rb.Plan.Commands, rb.Target)
	}
	res, err := Apply(ctx, p, rb, Options{StateDir: state})
	if err != nil {
		t.Fatalf("rollback: %v (unexpected %q)", err, res.Unexpected)
	}
	if after := lp.B.Device.Running(); !config.Equal(before.Root, after.Root) {
		t.Error("after the rollback vra-b differs from before the sync")
	}
	if !res.Record.Rollback || res.Record.Result != audit.OK {
		t.Errorf("audit %+v", res.Record)
	}
	// Sync again, change vra-b by hand: the rollback is refused.
	prep, err = Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, p, prep, Options{StateDir: state}); err != nil {
		t.Fatal(err)
	}
	runOn(t, ctx, p, "vra-b", "set system domain-name changed.example")
	if _, err := PrepareRollback(ctx, p, Options{StateDir: state}); !errors.Is(err, ErrStale) {
		t.Errorf("rollback after a change by hand: %v", err)
	}
}

// TestSyncDropDuringCommit: the link drops while vra-b commits; the commit
// runs to its end on the device, and the re-read shows it kept the whole
// change: the sync is verified and reports it.
func TestSyncDropDuringCommit(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lp.B.Faults.SetDropInCommit(true)
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if err != nil || !res.KeptAfterDrop || len(res.Applied) == 0 {
		t.Fatalf("drop in commit: %v, kept %v, applied %v", err, res.KeptAfterDrop, res.Applied)
	}
	again, err := res.After.Compare.Plan(prep.Plan.Mode)
	if err != nil || !again.Empty() {
		t.Errorf("after the sync a plan still sends %q", again.Commands)
	}
}

// TestSyncNativeVRA: with Native, vra-a's own config-sync (`update
// config-sync`) brings vra-b in step within the map; verified as a push.
func TestSyncNativeVRA(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{Native: true})
	if err != nil {
		t.Fatal(err)
	}
	if !prep.Native {
		t.Fatal("Prepare with Native: the plan is not the device's own config-sync")
	}
	var infos []string
	var marks []Event
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Native: true, Emit: func(e Event) {
		marks = marked(marks, e)
		if e.Kind == Info {
			infos = append(infos, e.Line)
		}
	}})
	if err != nil {
		t.Fatalf("native: %v; unexpected %q", err, res.Unexpected)
	}
	if !slices.Contains(infos, "update config-sync on vra-a") {
		t.Errorf("infos %q", infos)
	}
	wantMark(t, marks, Info, "update config-sync on vra-a")
	if res.Record.Mode != "config-sync" {
		t.Errorf("the audit record of update config-sync says mode %q", res.Record.Mode)
	}
}

// TestSyncVerifyFailedReverted: without commit-confirm, a sync whose
// verification fails (here another user commits a rule on vra-b, in the
// map's scope, while the sync's commit is about to be typed) is reverted
// with the inverse plan: vra-b goes back to its configuration before the
// sync, and the sync reports the unexpected difference and the revert.
func TestSyncVerifyFailedReverted(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	meddled := false
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Emit: func(e Event) {
		if e.Kind == Sent && e.Line == "commit" && !meddled {
			meddled = true
			runOn(t, ctx, p, "vra-b", "set security firewall name CUST-0000-IN rule 999 action accept")
		}
	}})
	if !meddled || !errors.Is(err, ErrUnexpected) {
		t.Fatalf("meddled %v: want an unexpected difference, got %v", meddled, err)
	}
	if !slices.ContainsFunc(res.Unexpected, func(u string) bool { return strings.Contains(u, "rule 999") }) {
		t.Errorf("unexpected %q", res.Unexpected)
	}
	if !res.Reverted || res.RevertErr != nil || !res.TargetUnchanged || len(res.Applied) == 0 {
		t.Fatalf("reverted %v (%v), unchanged %v, applied %v", res.Reverted, res.RevertErr, res.TargetUnchanged, res.Applied)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b differs from before the sync")
	}
	if res.Record.Result != audit.Unexpected || !res.Record.Reverted {
		t.Errorf("audit %+v", res.Record)
	}
}

// TestSyncConfigSyncMode: a pair whose inventory says `sync_mode:
// config-sync` syncs by the source's own config-sync (`update
// config-sync` on vra-a, the plan says so); --save then saves vra-a, the
// local member (config-sync commits and saves only the remote), so both
// members are saved afterwards. Syncing back from vra-b pushes.
func TestSyncConfigSyncMode(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	p.Spec().Mode = inventory.ModeConfigSync
	ctx := testCtx(t)
	// vra-a unsaved, outside the map.
	runOn(t, ctx, p, "vra-a", "set system time-zone Europe/Paris")
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := p.Snapshot().Device("vra-a"); !a.SavedKnown || !a.SavedDiffers {
		t.Fatalf("vra-a before: saved known %v, differs %v", a.SavedKnown, a.SavedDiffers)
	}
	if !prep.Native || !strings.Contains(prep.TransportText(), "update config-sync on vra-a (sync_mode: config-sync)") {
		t.Fatalf("native %v: %q", prep.Native, prep.TransportText())
	}
	var infos []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Save: true, Emit: func(e Event) {
		if e.Kind == Info {
			infos = append(infos, e.Line)
		}
	}})
	if err != nil {
		t.Fatalf("config-sync: %v; unexpected %q", err, res.Unexpected)
	}
	if !slices.Contains(infos, "update config-sync on vra-a") || !slices.ContainsFunc(infos, func(s string) bool { return strings.HasPrefix(s, "save on vra-a") }) {
		t.Errorf("infos %q", infos)
	}
	for _, d := range res.After.Devices {
		if !d.SavedKnown || d.SavedDiffers {
			t.Errorf("%s: saved known %v, differs %v", d.Name, d.SavedKnown, d.SavedDiffers)
		}
	}
	back, err := Prepare(ctx, p, Options{From: "vra-b"})
	if err != nil {
		t.Fatal(err)
	}
	if back.Native {
		t.Errorf("from vra-b: native (%s)", back.TransportText())
	}
	if _, err := Prepare(ctx, p, Options{From: "vra-b", Native: true}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("--native from vra-b: %v", err)
	}
}

// TestSyncConfigSyncRefused: with sync_mode config-sync, vra-b refuses
// the commit vra-a's config-sync sends: the sync fails with the
// config-sync error line tied to the rule's path and plan step, and the
// re-read shows vra-b unchanged.
func TestSyncConfigSyncRefused(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{Reject: [][]string{rejected}})
	p.Spec().Mode = inventory.ModeConfigSync
	ctx := testCtx(t)
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil || !prep.Native {
		t.Fatalf("native %v, %v", prep != nil && prep.Native, err)
	}
	var errLines []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Emit: func(e Event) {
		if e.Kind == RemoteErrorLine {
			errLines = append(errLines, e.Line)
		}
	}})
	if !errors.Is(err, ErrRemoteRefused) || !res.TargetUnchanged || len(res.Errors) == 0 || len(errLines) == 0 {
		t.Fatalf("refused config-sync: %v, unchanged %v, errors %+v, error lines %q", err, res.TargetUnchanged, res.Errors, errLines)
	}
	e := res.Errors[0]
	t.Logf("%+v", e)
	if e.Step < 0 || !slices.Equal([]string(prep.Plan.Steps[e.Step].Change), rejected) {
		t.Errorf("not tied to the rule: %+v", e)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b changed")
	}
}

// TestSyncCancelledBeforeCommit: the sync's context cancelled while the
// commands are typed: nothing more is typed, nothing is committed, vra-b
// is re-read all the same (a fresh read) and found unchanged, and the
// pair's session serves the next sync.
func TestSyncCancelledBeforeCommit(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	before := lp.B.Device.Running()
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	var sent []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Emit: func(e Event) {
		if e.Kind == Sent {
			sent = append(sent, e.Line)
			if e.Step == 1 {
				cancel()
			}
		}
	}})
	if !errors.Is(err, context.Canceled) || res.Committed || !res.TargetUnchanged {
		t.Fatalf("cancelled: %v, committed %v, unchanged %v", err, res.Committed, res.TargetUnchanged)
	}
	if res.Record.Result != audit.Cancelled {
		t.Errorf("a sync cancelled before its commit is audited %q, want %q", res.Record.Result, audit.Cancelled)
	}
	if slices.ContainsFunc(sent, func(s string) bool { return strings.HasPrefix(s, "commit") }) {
		t.Errorf("typed after the cancel: %q", sent)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b changed")
	}
	if d, _ := res.After.Device("vra-b"); !d.FetchedAt.After(res.Record.Time) {
		t.Error("vra-b was not read again after the cancel")
	}
	prep, err = Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(testCtx(t), p, prep, Options{StateDir: t.TempDir()}); err != nil {
		t.Fatalf("the next sync: %v", err)
	}
}

// TestSyncSourceChanged: the source changes while the sync commits on the
// target (vra-b's commit commits on vra-a too, as an HRP standby's backup
// to its active member would): the verification says so, ErrSourceChanged.
func TestSyncSourceChanged(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	sourceChangesOnCommit(t, lp)
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if !errors.Is(err, ErrSourceChanged) || !strings.Contains(err.Error(), "vra-a") {
		t.Fatalf("sync while vra-a changed: %v (unexpected %q)", err, res.Unexpected)
	}
}
