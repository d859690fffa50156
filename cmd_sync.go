package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
)

type syncFlags struct {
	pair   string
	from   string
	dryRun bool
	// confirmSetReload: --confirm-set-reload (hsync.Options.ConfirmSetReload).
	confirmSetReload bool
	yes              bool
	comment          string
	inventory        string
	state            string
	audit            string
	timeout          time.Duration
	settle           time.Duration
	acceptNew        bool
	confirm          int
	rollback         bool
	save             bool
	window           int
	native           bool
	connState        bool
	push             bool
	repair           bool
}

func newSyncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync --pair NAME",
		Short: "Sync a live pair: plan, confirm, apply on the target with its output streamed, re-read and verify",
		Long: `sync reads both devices of the pair over SSH, computes the plan that makes
the target's part in scope of the pair's sync-map equal to the source's (the
source is the device that carries the map, else the inventory's source;
--from names it), checks the plan against the schema, prints it, and asks
before applying it (unless --yes). It then takes the pair's lock (a second
sync of the pair is told who holds it and since when), reads both devices
again and refuses the plan if either changed since it was computed, keeps
the target's configuration (mode 0600 under the state directory), applies
the plan in one configuration session on the target (Vyatta: configure,
set/delete, commit [comment], exit) with every line the device prints
streamed as it comes, re-reads both and prints what still differs. Every
sync is recorded in the audit directory.

The plan says how it reaches the target: over SSH, or over the Vyatta REST
API (one /rest/conf session: set/delete, commit, save, DELETE) when the
inventory's device says transport: rest, or as the fallback when its SSH
cannot be reached. A pair whose inventory says sync_mode: config-sync (or
--native) syncs by the source's own config-sync (update config-sync), which
commits and saves the target. Before a sync the plan warns about the
target's other sessions (REST configuration sessions, other logins), its
own config-sync forwarding the change, and device-unique values in the map.

A Huawei pair syncs with the device's own ` + "`hrp sync config`" + `, run on the HRP
active member (the source); the standby is read again until nothing the
plan meant to add is missing; conflicts and the standby's extras are listed.
--push types the commands the standby lacks in system-view on it (refused
unless it has hrp standby config enable), with rule move to restore the
order of policy rules; static routes only when hrp auto-sync config
static-route is on; conflicts are listed, and repaired (the source's
command replaces the standby's) with --repair-conflicts.

Exit status: 0 when everything the plan meant to change is equal afterwards
(an expected residue, such as masked secrets or listed conflicts, is
printed), and for --dry-run; 1 when the schema or the remote refused, the
plan was stale, or anything unexpected remains; 2 on usage or connection
errors, or when the pair's lock is held.

--rollback plans the inverse of the pair's last sync: the target's
configuration kept before it, restored within the map; refused when the
target changed since that sync (the audit record keeps its hash).

^C (or SIGTERM) before the commit cancels the sync: nothing is committed,
the target is re-read, exit status 1. Once the commit was sent (a Huawei
push's first line, a device's own sync started), the commit and the
verification finish. A second ^C exits at once with status 130.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return runSync(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.pair, "pair", "", "the pair `NAME` of the inventory to sync (required)")
	fl.StringVar(&f.from, "from", "", "the source device `NAME` (default: the pair's direction)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and change nothing")
	fl.BoolVar(&f.yes, "yes", false, "apply without asking")
	fl.StringVar(&f.comment, "comment", "", "`TEXT` for the audit record and the commit")
	fl.StringVar(&f.inventory, "inventory", "", "the inventory `FILE` (default: $"+inventory.EnvPath+", else inventory.yaml in the user's hasync configuration directory)")
	fl.StringVar(&f.state, "state", "", "the state `DIR` for locks and previous configurations (default: hasync in the user's state directory)")
	fl.StringVar(&f.audit, "audit", "", "the audit `DIR` (default: audit under the state directory)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after `D` (reads and apply; once the commit is sent, it and its verification run to their end)")
	fl.DurationVar(&f.settle, "settle", hsync.DefaultSettle, "wait up to `D` for a change the device makes on its own: the standby after hrp sync config, a commit that runs on after its connection was lost")
	fl.BoolVar(&f.acceptNew, "accept-new", false, "accept and record the host key of a device no known_hosts file lists (a changed key is still refused)")
	fl.BoolVar(&f.rollback, "rollback", false, "apply the inverse plan of the pair's last sync (checked against the audit record: refused when the target changed since)")
	fl.BoolVar(&f.save, "save", false, "save what the sync leaves unsaved: the target of a push, the source after config-sync (it saves only the remote), both members (Huawei: HRP does not back up save); not with --confirm: never save before confirm")
	fl.BoolVar(&f.native, "native", false, "Vyatta: sync by the source's own config-sync (update config-sync) instead of pushing the plan, as sync_mode: config-sync does (Huawei pairs always sync natively)")
	fl.BoolVar(&f.connState, "connection-status", false, "Huawei: also run hrp sync connection-status (the session table) on the active member")
	fl.BoolVar(&f.push, "push", false, "type the plan on the target instead of the device's own sync: Huawei in system-view on the standby instead of hrp sync config (needs hrp standby config enable there); Vyatta instead of update config-sync on a sync_mode: config-sync pair")
	fl.BoolVar(&f.repair, "repair-conflicts", false, "Huawei, with --push: repair the commands present on both members with other parameters (the source's command replaces the standby's) instead of listing them")
	fl.IntVar(&f.window, "window", hsync.DefaultWindow, "type up to `N` commands ahead of the one whose output is read (1: one at a time; use 1 for a CLI behind a kernel PTY that echoes lines typed while a command runs, as OpenSSH's ForceCommand does)")
	fl.BoolVar(&f.confirmSetReload, "confirm-set-reload", false, "with --confirm: when the target's commit-confirm action is not reload (VyOS's default is reboot), set system config-management commit-confirm action reload on it first (committed, said, and recorded in the audit) instead of refusing")
	fl.IntVar(&f.confirm, "confirm", 0, "commit with commit-confirm `N` (minutes) and confirm only after both devices were re-read and verified; refused unless the target's commit-confirm action is reload")
	cmd.SetFlagErrorFunc(diffFlagError)
	return cmd
}

func runSync(ctx context.Context, out, errOutput io.Writer, f syncFlags) error {
	usage := func(err error) error { return &exitError{code: 2, err: err} }
	if f.pair == "" {
		return usage(errors.New("--pair NAME is required"))
	}
	if f.rollback && f.from != "" {
		return usage(errors.New("--rollback restores the last sync's target: no --from"))
	}
	if f.rollback && f.native {
		return usage(errors.New("--rollback pushes the inverse plan of the last sync: no --native"))
	}
	if f.window < 1 {
		return usage(fmt.Errorf("--window %d: expected 1 or more", f.window))
	}
	if f.save && f.confirm > 0 {
		return usage(errors.New("--save with --confirm: a save before confirm would make the revert a no-op; save after the sync"))
	}
	if f.repair && !f.push {
		return usage(errors.New("--repair-conflicts needs --push: hrp sync config never changes a command present on both members"))
	}
	if f.confirmSetReload && f.confirm == 0 {
		return usage(errors.New("--confirm-set-reload is for --confirm N"))
	}
	if f.confirm < 0 {
		return usage(fmt.Errorf("--confirm %d: expected minutes, 1 or more", f.confirm))
	}
	if f.timeout <= 0 {
		return usage(fmt.Errorf("--timeout %s: expected a positive duration", f.timeout))
	}
	if f.settle <= 0 {
		return usage(fmt.Errorf("--settle %s: expected a positive duration", f.settle))
	}
	// The audit record keeps the paths of the kept configurations: a
	// relative --state would not be found from another directory by
	// --rollback (trial 15).
	for _, dir := range []*string{&f.state, &f.audit} {
		if *dir != "" {
			abs, err := filepath.Abs(*dir)
			if err != nil {
				return usage(fmt.Errorf("%s: %w", *dir, err))
			}
			*dir = abs
		}
	}
	inv, err := loadInventory(f.inventory)
	if err != nil {
		return usage(err)
	}
	pairs, err := selectPairs(inv, f.pair)
	if err != nil {
		return usage(err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	intr := watchInterrupts(cancel, errOutput, f.confirm)
	defer intr.stop()

	tty := openTerminal()
	defer tty.close()
	// The state too: HA roles (the HRP active member) and the saved state.
	o := tty.options(liveOptions{diff: diff.Options{MaskSecrets: true}, state: true, acceptNew: f.acceptNew})
	lp := newLivePair(pairs[0], o)
	defer lp.Close()

	w := bufio.NewWriter(out)
	defer w.Flush()
	opt := hsync.Options{From: f.from, Comment: f.comment, StateDir: f.state, AuditDir: f.audit, ConfirmMinutes: f.confirm, ConfirmSetReload: f.confirmSetReload, Save: f.save, Settle: f.settle, Window: f.window, Native: f.native, ConnectionStatus: f.connState, Push: f.push, RepairConflicts: f.repair}
	prepare := hsync.Prepare
	if f.rollback {
		prepare = hsync.PrepareRollback
	}
	// The first read can take a while on a slow device or link: say it
	// (every later step says itself).
	fmt.Fprintf(w, "# reading %s and %s\n", pairs[0].Devices[0].Name, pairs[0].Devices[1].Name)
	w.Flush()
	prep, err := prepare(ctx, lp, opt)
	// --confirm is checked before the plan is shown: a sync it refuses
	// is not offered (a dry run says it would be refused).
	var confirmErr error
	if err == nil && f.confirm > 0 && !prep.Plan.Empty() {
		confirmErr = prep.CheckConfirm(f.confirmSetReload)
	}
	if confirmErr != nil && !f.dryRun {
		return &exitError{code: 1, err: confirmErr}
	}
	if prep != nil {
		printPlan(w, prep)
	}
	var refused *plan.RefusedError
	switch {
	case errors.As(err, &refused):
		for _, r := range refused.Refusals {
			fmt.Fprintf(w, "refused: %s\n", r)
		}
		return &exitError{code: 1, err: fmt.Errorf("pair %s: the schema refuses %d command(s); nothing sent", f.pair, len(refused.Refusals))}
	case errors.Is(err, hsync.ErrStale), errors.Is(err, hsync.ErrNoRollback), errors.Is(err, hsync.ErrPushRefused):
		return &exitError{code: 1, err: err}
	case err != nil:
		return usage(err)
	}
	// --connection-status copies the session table, which a configuration
	// in step says nothing of: it runs all the same (trial 15 S15).
	sessionsOnly := prep.Plan.Empty() && f.connState && prep.Native && prep.Family == config.Huawei
	if prep.Plan.Empty() && !sessionsOnly {
		fmt.Fprintf(w, "nothing to send: %s is in step with %s within the map\n", prep.Target, prep.Source)
		if f.save && !f.dryRun {
			if !f.yes {
				w.Flush()
				if ok, err := confirmSave(tty, prep); err != nil {
					return usage(err)
				} else if !ok {
					fmt.Fprintln(w, "not saved")
					return &exitError{code: 1}
				}
			}
			return saveUnsaved(ctx, w, lp, prep, opt, f.pair, intr)
		}
		return nil
	}
	if sessionsOnly {
		fmt.Fprintf(w, "nothing to send: %s is in step with %s within the map; hrp sync config and connection-status run as asked\n", prep.Target, prep.Source)
	}
	if f.dryRun && confirmErr != nil {
		fmt.Fprintf(w, "dry run: nothing sent; the sync would be refused: %v\n", confirmErr)
		return &exitError{code: 1}
	}
	if f.dryRun {
		fmt.Fprintln(w, "dry run: nothing sent")
		return nil
	}
	if !f.yes {
		w.Flush()
		ok, err := confirmSync(tty, prep)
		if err != nil {
			return usage(err)
		}
		if !ok {
			fmt.Fprintln(w, "not applied")
			return &exitError{code: 1}
		}
	}
	opt.Emit = func(e hsync.Event) {
		if e.Commit { // the point of no return
			intr.committing(pointOfNoReturn(prep))
		}
		printEvent(w, e)
	}
	res, err := hsync.Apply(ctx, lp, prep, opt)
	if intr.interrupted() && errors.Is(err, context.Canceled) {
		return interruptedOutcome(w, f.pair, prep, res, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("--timeout %s passed: %w", f.timeout, err)
	}
	return syncOutcome(w, f.pair, res, err)
}

// interruptedOutcome reports a sync that SIGINT or SIGTERM stopped before
// its commit: the driver typed nothing more and left configure mode with
// `exit discard`; the re-read tells whether the target is unchanged.
// Exit status 1.
func interruptedOutcome(w io.Writer, name string, prep *hsync.Prepared, res *hsync.Result, err error) error {
	switch {
	case res != nil && res.NothingSent:
		fmt.Fprintf(w, "interrupted before anything was sent: %s unchanged\n", prep.Target)
	case res != nil && res.TargetUnchanged:
		fmt.Fprintf(w, "interrupted before the commit: %s unchanged (re-read)\n", prep.Target)
	case res != nil && res.After != nil:
		fmt.Fprintf(w, "interrupted before the commit: %s changed nevertheless; compare with diff --pair\n", prep.Target)
	default:
		fmt.Fprintf(w, "interrupted before the commit: %s could not be re-read; what it holds is unknown\n", prep.Target)
	}
	if res != nil && res.Previous != "" {
		fmt.Fprintf(w, "previous configuration kept in %s\n", res.Previous)
	}
	return &exitError{code: 1, err: fmt.Errorf("pair %s: interrupted: %w", name, err)}
}

// interrupts handles SIGINT and SIGTERM during `hasync sync`. The first
// one cancels the sync's context: before the point of no return the
// driver types nothing more and leaves with `exit discard`; after it the
// back end lets the commit and the verification run to their end
// (hsync.Apply decides, not this handler, which only chooses what to
// say). A second one exits at once with status 130.
type interrupts struct {
	mu     sync.Mutex
	got    int  // signals received
	commit bool // the point of no return was passed
	// running says what runs to its end from there; before names that
	// point (setBefore).
	running, before string
	// confirm is --confirm N: a second interrupt past the commit says
	// it will not be confirmed.
	confirm int
	cancel  context.CancelFunc
	say     io.Writer // unbuffered: the notices are written from the signal goroutine
	sigs    chan os.Signal
	done    chan struct{}
}

// watchInterrupts starts the signal handler; stop ends it.
func watchInterrupts(cancel context.CancelFunc, say io.Writer, confirm int) *interrupts {
	in := &interrupts{cancel: cancel, say: say, confirm: confirm, sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	// SIGHUP too: a closed terminal or a dropped jump host must not kill
	// a sync past its commit before it is verified and audited (trial
	// 15b); it cancels as ^C does.
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for {
			select {
			case <-in.sigs:
				in.signal()
			case <-in.done:
				return
			}
		}
	}()
	return in
}

func (in *interrupts) signal() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got++
	switch {
	case in.got > 1:
		fmt.Fprintln(in.say, "hasync: second interrupt: exiting now; compare the pair with diff --pair")
		if in.commit && in.confirm > 0 {
			fmt.Fprintf(in.say, "hasync: commit-confirm %d was not confirmed: the target reverts by itself within %d minute(s)\n", in.confirm, in.confirm)
		}
		os.Exit(130)
	case in.commit:
		fmt.Fprintf(in.say, "interrupt received: %s, then the verification (interrupt again to exit now)\n", in.running)
	default:
		fmt.Fprintf(in.say, "interrupt received: stopping before %s (interrupt again to exit now)\n", in.beforeWhat())
	}
	in.cancel()
}

// setBefore names the point of no return in the notice of an interrupt
// before it ("the commit" when not set).
func (in *interrupts) setBefore(what string) {
	in.mu.Lock()
	in.before = what
	in.mu.Unlock()
}

// beforeWhat is setBefore's name; in.mu is held.
func (in *interrupts) beforeWhat() string {
	if in.before == "" {
		return "the commit"
	}
	return in.before
}

// committing marks the point of no return; running says what runs on
// from there.
func (in *interrupts) committing(running string) {
	in.mu.Lock()
	in.commit, in.running = true, running
	in.mu.Unlock()
}

// commitWord names what a sync sends at its point of no return.
func commitWord(prep *hsync.Prepared) string {
	switch {
	case prep.Native && prep.Family == config.Huawei:
		return "hrp sync config"
	case prep.Native:
		return "update config-sync"
	}
	return "the commit"
}

// pointOfNoReturn says what runs to its end once prep passed its point of
// no return (hsync.Event.Commit).
func pointOfNoReturn(prep *hsync.Prepared) string {
	switch {
	case prep.Native:
		return commitWord(prep) + " is running on " + prep.Source
	case prep.Family == config.Huawei:
		return "the push is running: each line typed in system-view has applied, the rest follow"
	}
	return "the commit is running"
}

// interrupted tells whether a signal cancelled the sync.
func (in *interrupts) interrupted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got > 0 && !in.commit
}

func (in *interrupts) stop() {
	signal.Stop(in.sigs)
	close(in.done)
}

// printEvent prints one line of a sync or a save as it happens: what
// was typed ("dev> line"), what the device said ("dev: line"), and
// hasync's own notes ("# line"); flushed, never held.
func printEvent(w *bufio.Writer, e hsync.Event) {
	switch e.Kind {
	case hsync.Sent:
		fmt.Fprintf(w, "%s> %s\n", e.Device, e.Line)
	case hsync.Remote, hsync.RemoteErrorLine:
		fmt.Fprintf(w, "%s: %s\n", e.Device, e.Line)
	case hsync.Info:
		fmt.Fprintf(w, "# %s\n", e.Line)
	}
	w.Flush()
}

// saveUnsaved is --save with nothing to send: each member whose running
// configuration differs from its saved one is saved, under the pair's
// lock and audited as a sync is (hsync.SaveUnsaved); its lines are
// printed as they come.
func saveUnsaved(ctx context.Context, w *bufio.Writer, lp *pair.Pair, prep *hsync.Prepared, opt hsync.Options, name string, intr *interrupts) error {
	intr.setBefore("the save")
	opt.Emit = func(e hsync.Event) {
		if e.Commit {
			intr.committing("the save is running on " + e.Device)
		}
		printEvent(w, e)
	}
	res, err := hsync.SaveUnsaved(ctx, lp, prep, opt)
	var locked *pair.LockedError
	switch {
	case errors.As(err, &locked):
		// As a sync refused at the lock: exit 2, the pair named once.
		return &exitError{code: 2, err: err}
	case err != nil:
		return &exitError{code: 1, err: pairErr(name, fmt.Errorf("--save: %w", err))}
	}
	if len(res.Saved) == 0 {
		fmt.Fprintln(w, "--save: both members' running configurations are saved already")
	}
	if res.After != nil {
		for _, d := range res.After.Devices {
			if d.SavedKnown && !d.SavedDiffers {
				fmt.Fprintf(w, "%s: running configuration saved\n", d.Name)
			}
		}
	}
	return nil
}

// pairErr names the pair in err unless it does already.
func pairErr(name string, err error) error {
	if strings.HasPrefix(err.Error(), "pair "+name+": ") {
		return err
	}
	return fmt.Errorf("pair %s: %w", name, err)
}

// printPlan prints the plan with its header, conflicts and warnings,
// secrets masked.
func printPlan(w io.Writer, prep *hsync.Prepared) {
	p := prep.Plan
	fmt.Fprintf(w, "sync %s: %s → %s, map %s: %d command(s), %d not synced, %d warning(s)\n",
		prep.Pair, prep.Source, prep.Target, prep.Comparison.Label, len(p.Commands), len(p.Conflicts), len(p.Warnings))
	fmt.Fprintf(w, "transport: %s\n", prep.TransportText())
	p.Write(w)
}

// confirmSync asks on the terminal whether to apply.
func confirmSync(tty *terminal, prep *hsync.Prepared) (bool, error) {
	q := fmt.Sprintf("Apply %d command(s) to %s? [y/N] ", len(prep.Plan.Commands), prep.Target)
	switch {
	case prep.Plan.Mode == plan.HRP:
		q = fmt.Sprintf("Run `hrp sync config` on %s (%s lacks %d line(s); conflicts and its extras stay)? [y/N] ", prep.Source, prep.Target, len(prep.Plan.Commands))
	case prep.Native:
		q = fmt.Sprintf("Run `update config-sync` on %s (%d command(s) of difference on %s)? [y/N] ", prep.Source, len(prep.Plan.Commands), prep.Target)
	}
	if tty == nil {
		return false, errors.New("not on a terminal: pass --yes to apply without asking")
	}
	return tty.ask(q)
}

// ask prints the yes/no question q on the terminal and reads the answer:
// true for y or yes.
func (t *terminal) ask(q string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprint(t.tty, q)
	line, err := bufio.NewReader(t.tty).ReadString('\n')
	if err != nil && line == "" {
		return false, err
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

// confirmSave asks before --save saves with nothing to send, as a sync
// asks before it applies (--yes skips it).
func confirmSave(tty *terminal, prep *hsync.Prepared) (bool, error) {
	if tty == nil {
		return false, errors.New("not on a terminal: pass --yes to save without asking")
	}
	return tty.ask(fmt.Sprintf("Save the running configuration of %s and %s where it differs from the saved one? [y/N] ", prep.Source, prep.Target))
}

// syncOutcome prints what the sync left and gives the exit status.
func syncOutcome(w io.Writer, name string, res *hsync.Result, err error) error {
	if res != nil {
		for _, e := range res.Errors {
			where := e.Path.String()
			if e.Step >= 0 {
				where += " (command `" + e.Command + "`, change " + e.Change.String() + ")"
			}
			fmt.Fprintf(w, "remote error at %s:\n", where)
			for _, l := range e.Lines {
				fmt.Fprintf(w, "  %s\n", l)
			}
		}
		if len(res.Applied) > 0 && !res.KeptAfterDrop {
			what := "the commit was partial"
			if len(res.Errors) == 0 {
				what = "the verification failed"
			}
			fmt.Fprintf(w, "%s: %d path(s) had applied:\n", what, len(res.Applied))
			for _, a := range res.Applied {
				fmt.Fprintf(w, "  %s\n", a)
			}
			if res.Reverted {
				fmt.Fprintln(w, "reverted with the inverse plan")
			} else if res.RevertErr != nil {
				fmt.Fprintf(w, "NOT reverted: %v\n", res.RevertErr)
			}
		}
		if len(res.Errors) > 0 || res.Reverted {
			if res.TargetUnchanged {
				fmt.Fprintln(w, "the target's running configuration is unchanged")
			} else if res.After != nil {
				fmt.Fprintln(w, "warning: the target's running configuration changed; compare with diff --pair")
			}
		}
		for _, c := range res.Residue {
			fmt.Fprintf(w, "still differs, as planned: %s: %s\n", c.Path, c.Reason)
		}
		for _, u := range res.Unexpected {
			fmt.Fprintf(w, "still differs, unexpected: %s\n", u)
		}
		if res.After != nil {
			for _, d := range res.After.Devices {
				switch {
				case !d.SavedKnown:
					fmt.Fprintf(w, "%s: saved state unknown\n", d.Name)
				case d.SavedDiffers:
					fmt.Fprintf(w, "%s: running configuration not saved (differs from the saved one)\n", d.Name)
				default:
					fmt.Fprintf(w, "%s: running configuration saved\n", d.Name)
				}
			}
		}
		if res.KeptAfterDrop {
			fmt.Fprintln(w, "the connection dropped during the commit; the re-read shows the target kept the whole change")
		}
		if res.Confirmed {
			fmt.Fprintln(w, "commit-confirm confirmed after verification")
		}
		if res.Previous != "" {
			fmt.Fprintf(w, "previous configuration kept in %s\n", res.Previous)
		}
	}
	var locked *pair.LockedError
	switch {
	case err == nil:
		fmt.Fprintf(w, "synced: everything the plan meant to change is equal\n")
		return nil
	case errors.As(err, &locked):
		return &exitError{code: 2, err: err}
	case res != nil && res.CommitUnseen:
		// Unchanged when --settle passed, but what was sent may still
		// apply: no "sync again" (review 15).
		fmt.Fprintf(w, "outcome unknown: %s was sent, its answer was cut, and %s still read unchanged when --settle passed; it may yet apply: compare the pair (hasync diff --pair %s) before syncing again\n",
			commitWord(res.Prepared), res.Prepared.Target, name)
		return &exitError{code: 2, err: pairErr(name, err)}
	case res != nil && !res.Committed && res.TargetUnchanged:
		// The connection (or the session) failed before the commit, and
		// the re-read shows the target as it was: nothing applied. A
		// timeout is an error (exit 2) wherever it came (trial 15b T8.1).
		again, code := "sync again", 1
		if errors.Is(err, context.DeadlineExceeded) {
			again, code = "sync again with a longer --timeout", 2
		}
		fmt.Fprintf(w, "nothing applied: the re-read shows the target's running configuration unchanged; %s\n", again)
		return &exitError{code: code, err: pairErr(name, err)}
	case errors.Is(err, hsync.ErrRemoteRefused), errors.Is(err, hsync.ErrUnexpected), errors.Is(err, hsync.ErrSourceChanged), errors.Is(err, hsync.ErrStale), errors.Is(err, hsync.ErrConfirmRefused):
		return &exitError{code: 1, err: pairErr(name, err)}
	}
	return &exitError{code: 2, err: err}
}
