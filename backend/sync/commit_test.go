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
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/lab/vyatta"
)

// cancelAtCommit is an Options.Emit that cancels the sync's context on
// the event that marks the point of no return, as a front end's cancel
// (esc, SIGINT, a demotion) does when it lands just after the mark and
// before the front end has seen it; it counts the marks.
func cancelAtCommit(cancel context.CancelFunc, marks *int) func(Event) {
	return func(e Event) {
		if e.Commit {
			*marks++
			cancel()
		}
	}
}

// TestSyncCancelAfterCommitMark: a cancel that reaches the sync once its
// commit is marked does not stop it (Event.Commit: from there a cancel no
// longer stops the change). The commit runs, the sync is verified and
// audited ok, as if no cancel had come.
func TestSyncCancelAfterCommitMark(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	marks := 0
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Emit: cancelAtCommit(cancel, &marks)})
	if marks != 1 {
		t.Fatalf("%d events marked the commit, want 1", marks)
	}
	if err != nil || !res.Committed {
		t.Fatalf("cancelled after the commit mark: %v, committed %v", err, res.Committed)
	}
	// Kept after a drop: the commit's answer was cut, as if the
	// connection had been lost, and only the re-read saved the sync.
	if res.KeptAfterDrop {
		t.Error("the cancel cut the commit's answer: the sync was saved only by its re-read")
	}
	if res.Record.Result != "ok" {
		t.Errorf("audited %q, want ok", res.Record.Result)
	}
	if left := leftInScope(t, p, Options{}); left != 0 {
		t.Errorf("%d change(s) left in scope after the sync", left)
	}
}

// TestSyncHuaweiPushCancelAfterFirstLine: in system-view each line applies
// at once, so the first line typed is the point of no return; a cancel
// that lands then must not stop the push half-way (the standby would
// keep the first lines and not the rest).
func TestSyncHuaweiPushCancelAfterFirstLine(t *testing.T) {
	_, p := labHuawei(t)
	enableStandbyConfig(t, p)
	prep, err := Prepare(testCtx(t), p, Options{Push: true})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Plan.Mode != plan.PushHRP || len(prep.Plan.Commands) < 3 {
		t.Fatalf("push plan: mode %v, %d commands", prep.Plan.Mode, len(prep.Plan.Commands))
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	marks := 0
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Push: true, Emit: cancelAtCommit(cancel, &marks)})
	if marks != 1 {
		t.Fatalf("%d events marked the commit, want 1", marks)
	}
	if err != nil || !res.Committed {
		t.Fatalf("cancelled after the first line: %v, committed %v, errors %+v", err, res.Committed, res.Errors)
	}
	if res.Record.Result != "ok" {
		t.Errorf("audited %q, want ok", res.Record.Result)
	}
}

// enableStandbyConfig types `hrp standby config enable` on the push
// target of p, the HRP standby, which a push onto it needs (DOMAIN.md).
func enableStandbyConfig(t *testing.T, p *pair.Pair) {
	t.Helper()
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := deviceSession(t, p, prep.Target)
	defer s.Close()
	for _, c := range []string{"system-view", "hrp standby config enable", "return"} {
		if _, err := s.Run(ctx, c, nil); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
}

// deviceSession is a session of its own on p's member name, beside the
// pair's (as another operator's).
func deviceSession(t *testing.T, p *pair.Pair, name string) *device.Session {
	t.Helper()
	dev, err := targetDevice(p.Spec(), name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := device.Connect(testCtx(t), p.SSHConfig(dev), device.Options{Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// leftInScope is the number of commands a new plan for p holds: none
// after a sync that left the target like the source within the map.
func leftInScope(t *testing.T, p *pair.Pair, o Options) int {
	t.Helper()
	prep, err := Prepare(testCtx(t), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return len(prep.Plan.Commands)
}

// TestSyncCommitEndsAfterDrop: the connection drops as the commit is
// sent, and the first re-read finds vra-b unchanged; the commit then ends
// on the device (here: the plan committed from another session while the
// sync waits, as a commit that runs on after its terminal went). The
// sync reads vra-b again until it changes, and verifies it: it must not
// report "unchanged" for a commit still running.
func TestSyncCommitEndsAfterDrop(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lp.B.Faults.SetDropBeforeCommit(true)
	waited := false
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Settle: time.Minute, Emit: func(e Event) {
		if e.Kind != Info || !strings.Contains(e.Line, "reads unchanged, but the commit that was sent runs to its end") {
			return
		}
		waited = true
		s := deviceSession(t, p, prep.Target)
		defer s.Close()
		cmds := make([]device.Command, len(prep.Plan.Steps))
		for i, st := range prep.Plan.Steps {
			cmds[i] = device.Command{Text: st.Command}
		}
		if _, err := s.Apply(ctx, cmds, device.ApplyOptions{}, nil); err != nil {
			t.Errorf("the late commit: %v", err)
		}
	}})
	if !waited {
		t.Fatal("the sync did not wait for the commit that was sent")
	}
	if err != nil || !res.KeptAfterDrop || res.TargetUnchanged {
		t.Fatalf("a commit that ended after the drop: %v, kept %v, unchanged %v", err, res.KeptAfterDrop, res.TargetUnchanged)
	}
}

// TestSyncWriteAheadRecord: the audit record of a sync is written before
// its commit is sent (audit.Committing), so that a run that ends there (a
// second ^C, a kill) still leaves a record of a change that may be
// committed; the sync's own record supersedes it once the sync ends.
func TestSyncWriteAheadRecord(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	log, err := audit.Open(filepath.Join(state, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	var atCommit []audit.Record
	res, err := Apply(testCtx(t), p, prep, Options{StateDir: state, Emit: func(e Event) {
		if e.Commit {
			var rerr error
			if atCommit, rerr = log.Records(p.Name()); rerr != nil {
				t.Error(rerr)
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(atCommit) != 1 || atCommit[0].Result != audit.Committing || atCommit[0].Target != "vra-b" || atCommit[0].Counts.Commands != len(prep.Plan.Commands) {
		t.Fatalf("records when the commit was sent: %+v; want one, committing", atCommit)
	}
	all, err := log.Records(p.Name())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Result != audit.OK || !all[0].Time.Equal(res.Record.Time) {
		t.Errorf("records after the sync: %+v; want its own record alone", all)
	}
	raw, err := os.ReadFile(log.File(p.Name()))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), "\n"); n != 2 {
		t.Errorf("the log holds %d lines, want 2 (append only: the write-ahead record stays in the file)", n)
	}
}

// TestSyncCancelledBeforeSending: a sync cancelled during its first
// re-read sends nothing, and says so (Result.NothingSent): no re-read is
// needed to know the target is as it was (trial 15 S3).
func TestSyncCancelledBeforeSending(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	before := lp.B.Device.Running()
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) || !res.NothingSent || res.Committed {
		t.Fatalf("cancelled before sending: %v, nothing sent %v, committed %v", err, res.NothingSent, res.Committed)
	}
	if res.Record.Result != audit.Cancelled {
		t.Errorf("audited %q, want cancelled", res.Record.Result)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b changed")
	}
}

// TestSyncNativeVerifyReadDropped: the connection to the source drops
// while a device-native sync (update config-sync) is verified; the read
// is tried again, and the sync that applied is verified, not "failed"
// (trial 15 S8a: a committed change recorded failed, then no rollback).
func TestSyncNativeVerifyReadDropped(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	prep, err := Prepare(testCtx(t), p, Options{Native: true})
	if err != nil {
		t.Fatal(err)
	}
	dropped, again := false, false
	res, err := Apply(testCtx(t), p, prep, Options{StateDir: t.TempDir(), Native: true, Settle: time.Minute, Emit: func(e Event) {
		switch {
		case e.Kind == Info && e.Line == "re-reading vra-a and vra-b to verify":
			// The verification read of vra-a drops after a few lines.
			lp.A.Faults.SetDropAfterLines(3)
			lp.A.SSH.DropSessions()
			dropped = true
		case e.Kind == Info && strings.HasSuffix(e.Line, ": reading again"):
			lp.A.Faults.SetDropAfterLines(0)
			again = true
		}
	}})
	if !dropped || !again {
		t.Fatalf("dropped %v, read again %v", dropped, again)
	}
	if err != nil || res.Record.Result != audit.OK {
		t.Fatalf("native sync whose verification read dropped once: %v, audited %q", err, res.Record.Result)
	}
}

// TestSyncNativeCutUnchanged: the connection to the source goes as its
// update config-sync is sent: the target is read again until it changes
// or Settle passes, and the sync says it is unchanged (trial 15 S8b: no
// re-read at all, the user not told whether vra-b changed).
func TestSyncNativeCutUnchanged(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	before := lp.B.Device.Running()
	prep, err := Prepare(testCtx(t), p, Options{Native: true})
	if err != nil {
		t.Fatal(err)
	}
	var infos []string
	res, err := Apply(testCtx(t), p, prep, Options{StateDir: t.TempDir(), Native: true, Settle: time.Second, Emit: func(e Event) {
		if e.Commit {
			lp.A.SSH.DropSessions() // the pair's session to vra-a goes
		}
		if e.Kind == Info {
			infos = append(infos, e.Line)
		}
	}})
	if err == nil || !res.TargetUnchanged || !res.CommitUnseen || res.Record.TargetAfter != "" || res.Record.Result != audit.Unknown {
		t.Fatalf("cut update config-sync: %v, unchanged %v, unseen %v, target after %q\n%q", err, res.TargetUnchanged, res.CommitUnseen, res.Record.TargetAfter, infos)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b changed: the sync says unchanged")
	}
	if !slices.ContainsFunc(infos, func(l string) bool {
		return strings.Contains(l, "did not change within 1s: update config-sync on vra-a did not apply")
	}) {
		t.Errorf("the wait is not said: %q", infos)
	}
}

// TestRollbackAfterSourceChanged: a sync that changed the target but did
// not end ok (here the source changed during it, as an HRP standby's
// backup would) can be rolled back: its record keeps the target's hash
// as read after the change (trial 15 S9: every such sync was refused as
// one that "did not change the target").
func TestRollbackAfterSourceChanged(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	sourceChangesOnCommit(t, lp)
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(ctx, p, prep, Options{StateDir: state})
	if !errors.Is(err, ErrSourceChanged) || res.Record.TargetAfter == "" {
		t.Fatalf("sync while vra-a changed: %v, target after %q; want source-changed, with the target's hash", err, res.Record.TargetAfter)
	}
	lp.B.Device.SetCommitHook(nil)
	back, err := PrepareRollback(ctx, p, Options{StateDir: state})
	if err != nil {
		t.Fatalf("rollback of a sync that ended source-changed: %v", err)
	}
	if back.Plan.Empty() || back.Target != "vra-b" {
		t.Fatalf("rollback plan: %d command(s) onto %s", len(back.Plan.Commands), back.Target)
	}
	if _, err := Apply(ctx, p, back, Options{StateDir: state}); err != nil {
		t.Fatalf("the rollback: %v", err)
	}
}

// TestRollbackRefusedHuawei: an HRP pair's sync cannot be rolled back by a
// push onto the standby (it takes configuration only with hrp standby
// config enable, and then HRP backs it up to the active member): refused
// at once with the reason, and no record is written (review 15: the
// rollback was offered and could never apply).
func TestRollbackRefusedHuawei(t *testing.T) {
	_, p := labHuawei(t)
	ctx := testCtx(t)
	state := t.TempDir()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, p, prep, Options{StateDir: state}); err != nil && !errors.Is(err, ErrUnexpected) {
		t.Fatal(err)
	}
	if _, err := PrepareRollback(ctx, p, Options{StateDir: state}); !errors.Is(err, ErrPushRefused) || !strings.Contains(err.Error(), "hrp standby config enable") {
		t.Fatalf("rollback on an HRP pair: %v", err)
	}
}

// TestSaveUnsavedCancelAtSave: a save alone (SaveUnsaved) has its point of
// no return at the save: a cancel that lands then does not stop it, and
// it is audited as a save, its write-ahead record superseded (trial 15
// S11: reported cancelled and unrecorded while the device saved).
func TestSaveUnsavedCancelAtSave(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(testCtx(t), p, prep, Options{StateDir: state}); err != nil {
		t.Fatal(err)
	}
	prep, err = Prepare(testCtx(t), p, Options{})
	if err != nil || !prep.Plan.Empty() {
		t.Fatalf("after the sync: %v, %d command(s)", err, len(prep.Plan.Commands))
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	marks := 0
	res, err := SaveUnsaved(ctx, p, prep, Options{StateDir: state, Emit: cancelAtCommit(cancel, &marks)})
	if err != nil || marks != 1 || !slices.Equal(res.Saved, []string{"vra-b"}) {
		t.Fatalf("save cancelled at its mark: %v, %d mark(s), saved %q", err, marks, res.Saved)
	}
	if saved, err := lp.B.Device.Saved(); err != nil || !config.Equal(saved.Root, lp.B.Device.Running().Root) {
		t.Errorf("vra-b not saved (%v)", err)
	}
	log, err := audit.Open(filepath.Join(state, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := log.Records(p.Name())
	if err != nil || len(all) != 2 || all[1].Kind != audit.Save || all[1].Result != audit.OK {
		t.Fatalf("records %+v (%v); want the sync's and the save's, ok", all, err)
	}
	if last, _, _ := log.Last(p.Name()); last.Kind != "" || !last.Time.Equal(all[0].Time) {
		t.Errorf("the last sync is %+v; want the sync, not the save", last)
	}
}

// TestSyncTimedOutBeforeSending: a sync whose context's deadline passes
// before anything is sent says it timed out (not that it was
// cancelled), and is audited cancelled: nothing was sent.
func TestSyncTimedOutBeforeSending(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	prep, err := Prepare(testCtx(t), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(testCtx(t), time.Now().Add(-time.Second))
	defer cancel()
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out before the commit") || !res.NothingSent {
		t.Fatalf("past its deadline: %v, nothing sent %v", err, res.NothingSent)
	}
	if res.Record.Result != audit.Cancelled {
		t.Errorf("audited %q, want cancelled", res.Record.Result)
	}
}

// TestSyncNativeCancelledBeforeMark: a cancel that reaches a device-native
// sync before its point of no return (here as it connects to the source)
// stops it: update config-sync is not sent, vra-b is unchanged, the
// sync is audited cancelled, and no event marks a commit (review 15:
// the command ran anyway, changed vra-b and was audited ok).
func TestSyncNativeCancelledBeforeMark(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	before := lp.B.Device.Running()
	prep, err := Prepare(testCtx(t), p, Options{Native: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	marks := 0
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Native: true, Emit: func(e Event) {
		if e.Kind == Info && e.Line == "connecting to vra-a" {
			cancel()
		}
		if e.Commit {
			marks++
		}
	}})
	if !errors.Is(err, context.Canceled) || !res.NothingSent || marks != 0 {
		t.Fatalf("cancelled before the mark: %v, nothing sent %v, %d mark(s)", err, res.NothingSent, marks)
	}
	if res.Record.Result != audit.Cancelled {
		t.Errorf("audited %q, want cancelled", res.Record.Result)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("vra-b changed: update config-sync ran after the cancel")
	}
}

// TestSyncConnectionStatusFails: hrp sync config syncs, then the
// connection drops as hrp sync connection-status runs: the configuration
// is verified, and the sync fails naming the session table's command, not
// the configuration's (review 15: the error was labelled hrp sync config
// and then dropped).
func TestSyncConnectionStatusFails(t *testing.T) {
	hp, p := labHuawei(t)
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var infos []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), ConnectionStatus: true, Emit: func(e Event) {
		if e.Kind != Info {
			return
		}
		infos = append(infos, e.Line)
		if e.Line == "hrp sync connection-status on "+prep.Source {
			hp.A.SSH.DropSessions()
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "hrp sync connection-status") || strings.Contains(err.Error(), "hrp sync config:") {
		t.Fatalf("connection-status cut: %v\n%q", err, infos)
	}
	if !res.Committed || res.After == nil {
		t.Errorf("the configuration's sync: committed %v, re-read %v", res.Committed, res.After != nil)
	}
	if !slices.ContainsFunc(infos, func(l string) bool { return strings.Contains(l, "the session table was not copied") }) {
		t.Errorf("not said: %q", infos)
	}
}

// sourceChangesOnCommit makes each commit on vra-b commit a change on
// vra-a too, as an HRP standby's backup to its active member would; vra-a
// no longer config-syncs (it would wait on vra-b's commit).
func sourceChangesOnCommit(t *testing.T, lp *vyatta.Pair) {
	t.Helper()
	lp.A.Device.SetCommitHook(nil)
	lp.B.Device.SetCommitHook(func(ctx context.Context, _ *config.Tree, _ func(string)) {
		s := lp.A.Device.NewSession("vyatta")
		if err := s.Set([]string{"system", "login", "banner", "pre-login", "changed"}); err != nil {
			t.Error(err)
		}
		if err := s.Commit(ctx, func(string) {}); err != nil {
			t.Error(err)
		}
	})
}
