package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
)

type statusFlags struct {
	pair      string
	json      bool
	watch     bool
	interval  time.Duration
	inventory string
	jobs      int
	audit     string
	timeout   time.Duration
	acceptNew bool
}

func newStatusCmd() *cobra.Command {
	var f statusFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each pair of the inventory: both devices reachable (or why not), HA roles, in-scope differences, last sync",
		Long: `status reads every pair of the inventory (or the one --pair names) over SSH,
both devices of a pair at once and several pairs at a time (--jobs), and
prints for each pair: whether each device was read, and if not why (a
connection failure as "unreachable: refused", else the reason itself:
auth failed, host key changed, no password, timeout after D (--timeout),
dropped, ...); its HA role (VRRP master or backup, HRP active or standby);
whether its running configuration differs from the saved one; the number
of differences the pair's sync-map puts in scope, with the direction of a
sync; and the last sync recorded in the audit directory with its result
("never" when there is none). Both members active (HRP both active, VRRP
both MASTER of a group) is an error of the pair: no direction is chosen.

With --watch it reads again every --interval until interrupted.

Exit status: 0 when every device was reachable and read and every pair
compared, 2 otherwise (or on an error such as an inventory that does not
load).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if cmd.Flags().Changed("interval") && !f.watch {
				return &exitError{code: 2, err: fmt.Errorf("--interval %s: goes with --watch (without it status reads once)", f.interval)}
			}
			return runStatus(ctx, cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.pair, "pair", "", "show only the pair `NAME` of the inventory")
	fl.BoolVar(&f.json, "json", false, "print JSON: one array of pairs (with --watch, one array per line)")
	fl.BoolVar(&f.watch, "watch", false, "read again every --interval until interrupted")
	fl.DurationVar(&f.interval, "interval", 10*time.Second, "time `D` between two reads with --watch")
	fl.StringVar(&f.inventory, "inventory", "", "the inventory `FILE` (default: $"+inventory.EnvPath+", else inventory.yaml in the user's hasync configuration directory)")
	fl.IntVar(&f.jobs, "jobs", 16, "read at most `N` pairs at a time")
	fl.StringVar(&f.audit, "audit", "", "the audit `DIR` whose records give the last sync (default: hasync/audit in the user's state directory)")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on a pair after `D` (connect, log in and every read)")
	fl.BoolVar(&f.acceptNew, "accept-new", false, "accept and record the host key of a device no known_hosts file lists (a changed key is still refused)")
	cmd.SetFlagErrorFunc(diffFlagError)
	return cmd
}

// loadInventory loads the inventory of --inventory, else the default path.
func loadInventory(file string) (*inventory.Inventory, error) {
	if file == "" {
		var err error
		if file, err = inventory.DefaultPath(); err != nil {
			return nil, err
		}
	}
	return inventory.Load(file)
}

// selectPairs is the pair named (all when name is empty).
func selectPairs(inv *inventory.Inventory, name string) ([]*inventory.Pair, error) {
	if name == "" {
		if len(inv.Pairs) == 0 {
			return nil, fmt.Errorf("%s: no pair in the inventory", inv.Path)
		}
		return inv.Pairs, nil
	}
	if p, ok := inv.Pair(name); ok {
		return []*inventory.Pair{p}, nil
	}
	return nil, fmt.Errorf("--pair %s: %s has no such pair; it has %s", name, inv.Path, strings.Join(inv.Names(), ", "))
}

func runStatus(ctx context.Context, out io.Writer, f statusFlags) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	switch {
	case f.jobs < 1:
		return fail(fmt.Errorf("--jobs %d: expected 1 or more", f.jobs))
	case f.interval <= 0:
		return fail(fmt.Errorf("--interval %s: expected a positive duration", f.interval))
	case f.timeout <= 0:
		return fail(fmt.Errorf("--timeout %s: expected a positive duration", f.timeout))
	}
	inv, err := loadInventory(f.inventory)
	if err != nil {
		return fail(err)
	}
	pairs, err := selectPairs(inv, f.pair)
	if err != nil {
		return fail(err)
	}
	if f.audit == "" {
		f.audit, _ = audit.DefaultDir() // "" (none) when there is no state directory
	}
	tty := openTerminal()
	defer tty.close()
	// Secrets compare masked: ciphertext differs per device.
	o := tty.options(liveOptions{diff: diff.Options{MaskSecrets: true}, state: true, acceptNew: f.acceptNew})
	// One backend/pair per pair for the whole run: with --watch, each
	// read reuses the sessions the last one left open.
	live := make([]*pair.Pair, len(pairs))
	for i, p := range pairs {
		live[i] = newLivePair(p, o)
	}
	defer func() {
		for _, lp := range live {
			lp.Close()
		}
	}()
	if !f.watch {
		st := readStatus(ctx, pairs, live, f)
		if err := writeStatus(out, st, f.json); err != nil {
			return fail(err)
		}
		return statusExit(st)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	clear := !f.json && isTerminal(out)
	var last []pairStatus
	for {
		st := readStatus(ctx, pairs, live, f)
		if ctx.Err() != nil {
			// Interrupted during a read: what was read is partial.
			return statusExit(last)
		}
		last = st
		var b strings.Builder
		if clear {
			b.WriteString("\x1b[H\x1b[2J")
		}
		if !f.json {
			fmt.Fprintf(&b, "hasync status, %s (every %s; interrupt to stop)\n\n", time.Now().Format("2006-01-02 15:04:05"), f.interval)
		}
		if err := writeStatus(&b, st, f.json); err != nil {
			return fail(err)
		}
		if !f.json && !clear {
			b.WriteString("\n")
		}
		if _, err := io.WriteString(out, b.String()); err != nil {
			return fail(err)
		}
		select {
		case <-ctx.Done():
			return statusExit(last)
		case <-time.After(f.interval):
		}
	}
}

// statusExit is 0 when every device was read and every pair compared, 2
// otherwise.
func statusExit(st []pairStatus) error {
	for _, p := range st {
		if p.Differences == nil {
			return &exitError{code: 2}
		}
		for _, d := range p.Devices {
			if !d.Reachable {
				return &exitError{code: 2}
			}
		}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// deviceStatus is one device as status shows it.
type deviceStatus struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	// Reachable: logged in and read. Otherwise Reason says why in a few
	// words ("auth failed", "refused", ...; see failure) and Error in
	// full.
	Reachable bool   `json:"reachable"`
	Reason    string `json:"reason,omitempty"`
	Error     string `json:"error,omitempty"`
	// why is the reason as the text form shows it: "unreachable: refused",
	// "timeout after 30s (--timeout)", ...; Reason when empty.
	why string
	// Role is the HA role: "master", "backup" or "mixed" (VRRP),
	// "active" or "standby" (HRP); HA the detail.
	Role string `json:"role,omitempty"`
	HA   string `json:"ha,omitempty"`
	// SavedDiffers: the running configuration differs from the saved
	// one; absent when unknown.
	SavedDiffers *bool `json:"saved_differs,omitempty"`
	// Sessions is the firewall session count (Huawei); absent when the
	// family has none or it was not read.
	Sessions *int `json:"sessions,omitempty"`
}

// pairStatus is one pair as status shows it.
type pairStatus struct {
	Name    string         `json:"name"`
	Family  string         `json:"family"`
	Devices []deviceStatus `json:"devices"`
	// Source and Target are the direction of a sync; SyncMap the name of
	// the map that scopes the pair, SyncMapFrom where it comes from
	// ("carried by vra-a", "built in: ...", "default: ...") and
	// SyncMapCarrier the device that carries it (Vyatta), if one does.
	Source         string `json:"source,omitempty"`
	Target         string `json:"target,omitempty"`
	SyncMap        string `json:"sync_map,omitempty"`
	SyncMapFrom    string `json:"sync_map_from,omitempty"`
	SyncMapCarrier string `json:"sync_map_carrier,omitempty"`
	// Differences are counted by scope when both configurations were
	// read; CompareError says why they were not compared otherwise.
	Differences  *compare.Counts `json:"differences,omitempty"`
	CompareError string          `json:"compare_error,omitempty"`
	// NotSynced are the in-scope differences a sync's plan leaves to a
	// person (compare.Tally: HRP moved rules, other parameters, standby
	// only), as the console counts them.
	NotSynced int `json:"not_synced,omitempty"`
	// LastSync is the time of the last sync recorded (RFC 3339) or
	// "never"; LastSyncResult its result as the audit record has it
	// ("ok", "refused", "unexpected", "stale", "failed", with the number
	// of errors the remote printed: "refused (1 error)").
	LastSync       string `json:"last_sync"`
	LastSyncResult string `json:"last_sync_result,omitempty"`
}

// readStatus reads the pairs, at most f.jobs at a time, in their order.
func readStatus(ctx context.Context, pairs []*inventory.Pair, live []*pair.Pair, f statusFlags) []pairStatus {
	out := make([]pairStatus, len(pairs))
	sem := make(chan struct{}, f.jobs)
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pctx, cancel := context.WithTimeout(ctx, f.timeout)
			defer cancel()
			snap, _ := live[i].Refresh(pctx)
			r := fromSnapshot(p, snap, true)
			out[i] = statusOf(p, r, f.timeout)
			out[i].LastSync, out[i].LastSyncResult = lastSyncResult(f.audit, p.Name)
		}()
	}
	wg.Wait()
	return out
}

// statusOf turns a read of a pair into what status shows.
// timeout is the --timeout the read had (named in a timeout's text).
func statusOf(p *inventory.Pair, r *pairRead, timeout time.Duration) pairStatus {
	st := pairStatus{Name: p.Name, Family: p.Family.String()}
	for _, d := range r.devices {
		ds := deviceStatus{Name: d.name, Address: d.address, Reachable: d.err == nil}
		if d.err != nil {
			ds.Reason, ds.why = failure(d.err, timeout)
			ds.Error = errorText(d.name, d.err, timeout)
		}
		ds.Role, ds.HA = d.role, d.ha
		if d.savedKnown {
			v := d.savedDiffers
			ds.SavedDiffers = &v
		}
		if d.sessions >= 0 {
			n := d.sessions
			ds.Sessions = &n
		}
		st.Devices = append(st.Devices, ds)
	}
	switch {
	case r.cmp != nil:
		t, _ := r.cmp.Tally(compare.ModeFor(r.cmp.Left.Family))
		n := t.Counts
		st.Differences, st.NotSynced = &n, max(t.NotSynced, 0)
		st.Source, st.Target = r.cmp.Left.Source, r.cmp.Right.Source
		st.SyncMap, st.SyncMapFrom, st.SyncMapCarrier = r.cmp.Map.Name, r.cmp.From, r.cmp.Carrier
	case r.cmpErr != nil:
		st.CompareError = compareText(r.cmpErr)
	}
	return st
}

func writeStatus(w io.Writer, st []pairStatus, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	bw := bufio.NewWriter(w)
	for i, p := range st {
		if i > 0 {
			bw.WriteString("\n")
		}
		last := p.LastSync
		if p.LastSyncResult != "" {
			last += " " + p.LastSyncResult
		}
		fmt.Fprintf(bw, "%s (%s): %s; last sync %s\n", p.Name, p.Family, differencesLine(p), last)
		var rows strings.Builder
		tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
		for _, d := range p.Devices {
			if !d.Reachable {
				why := d.why
				if why == "" {
					why = d.Reason
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t\t\n", d.Name, d.Address, why)
				continue
			}
			saved := "saved"
			switch {
			case d.SavedDiffers == nil:
				saved = "saved: unknown"
			case *d.SavedDiffers:
				saved = "unsaved changes"
			}
			role := d.Role
			if d.HA != "" {
				role += " (" + d.HA + ")"
			}
			if d.Sessions != nil {
				saved += fmt.Sprintf(", %d sessions", *d.Sessions)
			}
			fmt.Fprintf(tw, "  %s\t%s\treachable\t%s\t%s\n", d.Name, d.Address, role, saved)
		}
		tw.Flush()
		// An unreachable device's empty cells leave padding at the end.
		for _, l := range strings.SplitAfter(rows.String(), "\n") {
			if l != "" {
				bw.WriteString(strings.TrimRight(l, " \n") + "\n")
			}
		}
		for _, d := range p.Devices {
			if !d.Reachable && d.Error != "" {
				fmt.Fprintf(bw, "  %s: %s\n", d.Name, d.Error)
			}
		}
	}
	return bw.Flush()
}

// differencesLine says how the pair compares: "3 in-scope differences,
// vra-a → vra-b, sync-map LAB-SYNC (carried by vra-a)".
func differencesLine(p pairStatus) string {
	if p.Differences == nil {
		why := p.CompareError
		if why == "" {
			why = "a device was not read"
		}
		return "not compared (" + why + ")"
	}
	n := p.Differences
	s := plural(n.InScope, "in-scope difference")
	if p.NotSynced > 0 {
		s += fmt.Sprintf(", %d not synced", p.NotSynced)
	}
	var other []string
	if n.Outside > 0 {
		other = append(other, fmt.Sprintf("%d outside the map", n.Outside))
	}
	if n.Excluded > 0 {
		other = append(other, fmt.Sprintf("%d excluded", n.Excluded))
	}
	if n.Protected > 0 {
		other = append(other, fmt.Sprintf("%d protected", n.Protected))
	}
	if len(other) > 0 {
		s += " (and " + strings.Join(other, ", ") + ")"
	}
	m := p.SyncMap
	if p.SyncMapFrom != "" {
		m += " (" + p.SyncMapFrom + ")"
	}
	return fmt.Sprintf("%s, %s → %s, sync-map %s", s, p.Source, p.Target, m)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// lastSyncResult is the time of the newest sync of pair recorded in the
// audit directory dir (backend/audit) and its result: "ok", or "refused
// (1 error)" and the like. "never" when there is no such record.
func lastSyncResult(dir, pair string) (at, result string) {
	if dir == "" {
		return "never", ""
	}
	// Open would make the directory: status only reads.
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "never", ""
	}
	l, err := audit.Open(dir)
	if err != nil {
		return "never", ""
	}
	r, ok, err := l.Last(pair)
	if err != nil || !ok {
		return "never", ""
	}
	result = string(r.Result)
	switch r.Result {
	case "":
		result = "unknown result"
	case audit.Committing:
		// The write-ahead record alone: the run ended after the commit
		// was sent (a second ^C, a kill).
		result = "commit sent, no outcome recorded (still running, or the run ended before it: compare the pair)"
	}
	if n := len(r.Errors); n > 0 {
		result += " (" + plural(n, "error") + ")"
	}
	return r.Time.UTC().Format(time.RFC3339), result
}

// compareText is why pair was not compared, without the "pair P:
// compare:" its error starts with.
func compareText(err error) string {
	// pair.Snapshot wraps compare's error once: "pair P: compare: %w".
	if u := errors.Unwrap(err); u != nil {
		return u.Error()
	}
	return err.Error()
}

// failure says why a device was not read: reason in a few words (stable,
// for --json; pair.Describe: "refused", "no route", "unreachable", "auth
// failed", "host key changed", "no password", "timeout", ...) and why as
// the text form shows it (pair.Explain: "unreachable: refused", "no
// password: VAR is not set", ...), a timeout with the --timeout it ran
// into.
func failure(err error, timeout time.Duration) (reason, why string) {
	reason, why = pair.Describe(err), pair.Explain(err)
	if reason == "timeout" && timeout > 0 {
		why = fmt.Sprintf("timeout after %s (--timeout)", timeout)
	}
	return reason, why
}

// errorText is err in full as status and diff --pair print it beside the
// device's name: without that name again, the Go layers of the SSH
// library, and with the --timeout a timeout ran into.
func errorText(name string, err error, timeout time.Duration) string {
	s := err.Error()
	if name != "" {
		s = dropName(s, name)
	}
	s = strings.ReplaceAll(s, "ssh: handshake failed: ", "")
	s = authMethodsRE().ReplaceAllString(s, "")
	if timeout > 0 {
		s = strings.ReplaceAll(s, context.DeadlineExceeded.Error(), fmt.Sprintf("timeout after %s (--timeout)", timeout))
	}
	// A missing password reads as the reason does: "no password: X is
	// not set".
	var npe *inventory.NoPasswordError
	if errors.As(err, &npe) && npe.Why() != "" {
		own := npe.Error()
		if name != "" {
			own = dropName(own, name)
		}
		why := "no password: " + npe.Why()
		if npe.Prompt {
			why += " (password_prompt)"
		}
		s = strings.Replace(s, own, why, 1)
	}
	return s
}

var authMethodsRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`: ssh: unable to authenticate, attempted methods \[[^\]]*\], no supported methods remain`)
})

// dropName removes the "name: " layers the error repeats, at its start
// and after each ": ".
func dropName(s, name string) string {
	p := name + ": "
	for strings.HasPrefix(s, p) {
		s = s[len(p):]
	}
	for strings.Contains(s, ": "+p) {
		s = strings.ReplaceAll(s, ": "+p, ": ")
	}
	return s
}

// deviceError is a device's failure in one line, as diff --pair prints
// it: the reason, then the error where it says more.
func deviceError(name string, err error, timeout time.Duration) string {
	_, why := failure(err, timeout)
	text := errorText(name, err, timeout)
	if strings.Contains(text, why) {
		return name + ": " + text
	}
	return name + ": " + why + ": " + text
}
