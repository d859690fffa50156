package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestSyncCommandDriftedPair: `hasync sync --yes --push` on the drifted
// lab pair streams the remote's lines, exits 0, and `diff --pair` then
// exits 0; the audit record is where `status` finds the last sync.
func TestSyncCommandDriftedPair(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	code, _, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory)
	if code != 1 {
		t.Fatalf("the lab pair does not differ before the sync: exit %d: %s", code, errOut)
	}
	// A dry run changes nothing.
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--dry-run", "--push")
	if code != 0 || !strings.Contains(out, "sync lab-vyatta: vra-a → vra-b") || !strings.Contains(out, "dry run: nothing sent") || !strings.Contains(out, "transport: ssh\n") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	// Without --yes and without a terminal it does not apply.
	if code, _, errOut = hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("no terminal, no --yes: exit %d: %s", code, errOut)
	}
	if code, _, _ = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory); code != 1 {
		t.Fatalf("the dry run changed the pair: diff exit %d", code)
	}
	code, out, errOut = hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--yes", "--comment", "ticket 42", "--save", "--push")
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"# sending 8 command(s) to vra-b in one configuration session, then commit comment 'ticket 42'", "vra-b: [ security firewall ]", "vra-b> set security firewall name CUST-0000-IN rule 20 action 'accept'", "vra-b> configure", "synced: everything the plan meant to change is equal", "previous configuration kept in ", "vra-b: running configuration saved"} {
		if !strings.Contains(out, want) {
			t.Errorf("sync output lacks %q:\n%s", want, out)
		}
	}
	if code, out, errOut = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory); code != 0 {
		t.Fatalf("after the sync diff --pair exits %d:\n%s\n%s", code, out, errOut)
	}
	if ls, _ := lastSyncResult(filepath.Join(state, "audit"), "lab-vyatta"); ls == "never" {
		t.Errorf("status finds no last sync in the audit directory")
	}
	// --rollback restores vra-b: the pair differs again as before.
	code, out, errOut = hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--yes", "--rollback")
	if code != 0 || !strings.Contains(out, "previous configuration of vra-b") || !strings.Contains(out, "transport: ssh\n") {
		t.Fatalf("rollback: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory); code != 1 {
		t.Errorf("after the rollback diff --pair exits %d, want 1 (the drift is back)", code)
	}
}

// TestSyncCommandConfigSync: the lab's inventory says sync_mode:
// config-sync, so `hasync sync` runs vra-a's own `update config-sync` (the
// plan says so); --save then saves vra-a, the local member, and both
// members' saved state is printed; diff --pair exits 0 afterwards.
func TestSyncCommandConfigSync(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--yes", "--save")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"transport: ssh, update config-sync on vra-a (sync_mode: config-sync)", "# update config-sync on vra-a", "vra-a: syncing configuration to remote-router",
		"# save on vra-a", "vra-a: running configuration saved", "vra-b: running configuration saved", "synced: everything the plan meant to change is equal"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, out, errOut = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory); code != 0 {
		t.Fatalf("after the sync diff --pair exits %d:\n%s\n%s", code, out, errOut)
	}
}

// TestSyncCommandRejected: vra-b refuses the commit of one rule, pushed
// or sent by vra-a's config-sync: exit 1, the remote's error lines
// printed with their path, vra-b unchanged.
func TestSyncCommandRejected(t *testing.T) {
	for _, how := range []string{"--push", "--native"} {
		t.Run(how, func(t *testing.T) { syncCommandRejected(t, how) })
	}
}

func syncCommandRejected(t *testing.T, how string) {
	p := startVyattaPair(t, vyatta.PairOptions{Reject: [][]string{{"security", "firewall", "name", "CUST-0000-IN", "rule", "20"}}})
	state := t.TempDir()
	before := p.B.Device.Running()
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--yes", how)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"remote error at security firewall name CUST-0000-IN rule 20", "are refused by this device", "the target's running configuration is unchanged"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if after := p.B.Device.Running(); !config.Equal(before.Root, after.Root) {
		t.Error("vra-b's running configuration changed")
	}
	log, _ := audit.Open(filepath.Join(state, "audit"))
	if rec, ok, _ := log.Last("lab-vyatta"); !ok || rec.Result != audit.Refused {
		t.Errorf("audit %+v", rec)
	}
}

// TestSyncCommandLocked: while another sync holds the pair's lock, sync
// exits 2 saying who holds it and since when, and sends nothing.
func TestSyncCommandLocked(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	l, err := pair.TryLock(filepath.Join(state, "locks"), "lab-vyatta", "alice@console (hasync sync, pid 1)")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--yes")
	if code != 2 || !strings.Contains(errOut, "held by alice@console (hasync sync, pid 1) since ") || strings.Contains(out, "# sending") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(state, "audit")); err == nil {
		t.Error("a sync that did not take the lock wrote an audit record")
	}
}

// TestSyncCommandHuawei: on the emulated USG pair `hasync sync` runs `hrp
// sync config` on the active member and lists what stays (conflicts,
// the standby's extras) as the planned residue, but exits 1 for the rule
// order it leaves that the plan did not predict; --push is
// refused with the reason while the standby lacks hrp standby config
// enable.
func TestSyncCommandHuawei(t *testing.T) {
	p := startHuaweiPair(t)
	state := t.TempDir()
	code, out, errOut := hasync(t, "sync", "--pair", "lab-huawei", "--inventory", p.Inventory, "--state", state, "--yes", "--push")
	if code != 1 || !strings.Contains(errOut, "hrp standby config enable") {
		t.Fatalf("--push: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut = hasync(t, "sync", "--pair", "lab-huawei", "--inventory", p.Inventory, "--state", state, "--yes", "--repair-conflicts"); code != 2 || !strings.Contains(errOut, "needs --push") {
		t.Fatalf("--repair-conflicts without --push: exit %d: %s", code, errOut)
	}
	// The lab's standby ends with a deny rule: the plan warns that the
	// new rules land after it, and the order hrp sync config leaves is
	// unexpected: exit 1 (trial10 #2).
	code, out, errOut = hasync(t, "sync", "--pair", "lab-huawei", "--inventory", p.Inventory, "--state", state, "--yes")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"# hrp sync config on ", "still differs, as planned: ", "after FW-B's final deny (rule name deny_all_log)", "sync with --push", "still differs, unexpected: not synced: security-policy rule name deny_all_log: in another position"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// markWriter records when a line holding mark is first written.
type markWriter struct {
	mu   sync.Mutex
	mark string
	at   time.Time
	buf  []byte
}

func (w *markWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at.IsZero() {
		w.buf = append(w.buf, b...)
		if bytes.Contains(w.buf, []byte(w.mark)) {
			w.at = time.Now()
		}
		if i := bytes.LastIndexByte(w.buf, '\n'); i >= 0 {
			w.buf = w.buf[i+1:]
		}
	}
	return len(b), nil
}

// BenchmarkSyncErrorLineLatency: the time from the target printing an
// error line during the commit (vra-b's commit hook prints a config-sync
// error line, as a device whose own config-sync fails does) to `hasync
// sync` printing it on its output, over real SSH through the driver, the
// sync and the command's printing. Reported as latency-µs (mean); each
// round is a whole sync of one changed line (untimed: the set-up).
func BenchmarkSyncErrorLineLatency(b *testing.B) {
	b.Setenv("HOME", b.TempDir())
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	b.Setenv(lab.PasswordEnv, p.Password)
	p.A.Device.SetCommitHook(nil) // vra-a's own config-sync off: hasync pushes
	const mark = "config-sync error 10.0.0.9:Sync[10.0.0.9]: LATENCY-MARK"
	var printed atomic.Int64 // unix ns: the hook runs on the lab's goroutine
	p.B.Device.SetCommitHook(func(_ context.Context, _ *config.Tree, out func(string)) {
		printed.Store(time.Now().UnixNano())
		out(mark)
	})
	state := b.TempDir()
	ctx := context.Background()
	var total time.Duration
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		s := p.A.Device.NewSession("vyatta")
		if err := s.Set(strings.Fields(fmt.Sprintf("resources group address-group LAT%d address 198.51.100.1", round))); err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(ctx, func(string) {}); err != nil {
			b.Fatal(err)
		}
		w := &markWriter{mark: "vra-b: " + mark}
		b.StartTimer()
		err := runSync(ctx, w, w, syncFlags{pair: "lab-vyatta", inventory: p.Inventory, state: state, yes: true, push: true,
			window: hsync.DefaultWindow, timeout: time.Minute})
		b.StopTimer()
		if err != nil || w.at.IsZero() {
			b.Fatalf("sync: %v; line printed %v", err, !w.at.IsZero())
		}
		total += w.at.Sub(time.Unix(0, printed.Load()))
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/float64(round), "latency-µs")
}

// syncBinary builds the hasync binary once per test, for tests that send
// it real signals.
func syncBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "hasync")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin
}

// interruptSync runs the built binary's `hasync sync --push --yes
// --window 1` on the lab pair, turns a delay on vra-b once the reads are
// done (at "connecting to vra-b"), and sends SIGINT when a line containing
// trigger is printed (and a second one when twice is set). It returns the
// exit status and the output.
func interruptSync(t *testing.T, bin string, p *vyatta.Pair, state, trigger string, twice bool, sig ...os.Signal) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--push", "--yes", "--window", "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.B.Faults.SetDelay(0)
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	sent := false
	for sc.Scan() {
		l := sc.Text()
		out.WriteString(l + "\n")
		if strings.Contains(l, "connecting to vra-b") {
			p.B.Faults.SetDelay(150 * time.Millisecond)
		}
		if sent && strings.Contains(l, "re-reading vra-") {
			p.B.Faults.SetDelay(0) // the re-read need not be slow
		}
		if !sent && strings.Contains(l, trigger) {
			sent = true
			if len(sig) > 0 {
				_ = cmd.Process.Signal(sig[0])
				continue
			}
			_ = cmd.Process.Signal(os.Interrupt)
			if twice {
				time.Sleep(50 * time.Millisecond)
				_ = cmd.Process.Signal(os.Interrupt)
			}
		}
	}
	err = cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String() + errOut.String()
}

// TestSyncInterruptBeforeCommit: SIGINT to the running binary after
// the first command was typed on vra-b: no commit is typed, the session
// leaves with `exit discard`, the command says vra-b is unchanged (it
// re-read it) and exits 1; diff --pair still differs.
func TestSyncInterruptBeforeCommit(t *testing.T) {
	bin := syncBinary(t)
	p := startVyattaPair(t, vyatta.PairOptions{})
	before := p.B.Device.Running()
	code, out := interruptSync(t, bin, p, t.TempDir(), "vra-b> delete resources", false)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"vra-b> exit discard", "interrupted before the commit: vra-b unchanged (re-read)", "interrupt received: stopping before the commit"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// (A command typed before the signal arrived may follow; never the
	// commit.)
	for _, not := range []string{"vra-b> commit", "synced:"} {
		if strings.Contains(out, not) {
			t.Errorf("output has %q after the interrupt:\n%s", not, out)
		}
	}
	if got := p.B.Device.Running(); !config.Equal(before.Root, got.Root) {
		t.Errorf("vra-b changed after an interrupt before the commit")
	}
}

// TestSyncInterruptTwice: a second SIGINT ends the command at once
// (exit 130), before the sync finishes.
func TestSyncInterruptTwice(t *testing.T) {
	bin := syncBinary(t)
	p := startVyattaPair(t, vyatta.PairOptions{})
	code, out := interruptSync(t, bin, p, t.TempDir(), "vra-b> configure", true)
	if code != 130 || strings.Contains(out, "synced:") {
		t.Fatalf("exit %d, want 130 and no sync\n%s", code, out)
	}
}

// TestSyncInterruptTwiceAfterCommit: a second SIGINT once the commit was
// typed exits at once (130), before the sync's own audit record: the
// write-ahead record, written before the commit was sent, is left, and
// status names it (trial 15 S1: a committed change had no record).
func TestSyncInterruptTwiceAfterCommit(t *testing.T) {
	bin := syncBinary(t)
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	code, out := interruptSync(t, bin, p, state, "vra-b> commit", true)
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, out)
	}
	log, err := audit.Open(filepath.Join(state, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	if rec, ok, err := log.Last("lab-vyatta"); err != nil || !ok || rec.Result != audit.Committing || rec.Target != "vra-b" {
		t.Fatalf("the audit's last record: %+v (%v); want the write-ahead record of the commit", rec, err)
	}
	if _, result := lastSyncResult(filepath.Join(state, "audit"), "lab-vyatta"); !strings.Contains(result, "no outcome recorded") {
		t.Errorf("status says %q", result)
	}
}

// TestSyncHangupAfterCommit: SIGHUP (a closed terminal, a dropped jump
// host) once the commit was typed no longer kills the command: the commit
// and its verification finish and are audited ok (trial 15b).
func TestSyncHangupAfterCommit(t *testing.T) {
	bin := syncBinary(t)
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	code, out := interruptSync(t, bin, p, state, "vra-b> commit", false, syscall.SIGHUP)
	if code != 0 || !strings.Contains(out, "synced:") {
		t.Fatalf("SIGHUP at the commit: exit %d, want 0 and the sync verified\n%s", code, out)
	}
	log, err := audit.Open(filepath.Join(state, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	if rec, ok, err := log.Last("lab-vyatta"); err != nil || !ok || rec.Result != audit.OK {
		t.Errorf("audit after SIGHUP: %+v (%v)", rec, err)
	}
}

// TestSyncInterruptAfterCommit: SIGINT once the commit was typed: the
// command says so, lets the commit and the verification finish, exit 0.
func TestSyncInterruptAfterCommit(t *testing.T) {
	bin := syncBinary(t)
	p := startVyattaPair(t, vyatta.PairOptions{})
	code, out := interruptSync(t, bin, p, t.TempDir(), "vra-b> commit", false)
	if code != 0 || !strings.Contains(out, "interrupt received: the commit is running, then the verification") || !strings.Contains(out, "synced:") {
		t.Fatalf("exit %d, want 0 with the notice\n%s", code, out)
	}
}

// TestSyncCommandConfirmReboot: on a VyOS-flavoured target whose
// commit-confirm action is reboot (the default), --confirm is refused
// before the plan is shown, a dry run says it would be refused, and
// --confirm-set-reload sets the action to reload first (said, recorded in
// the audit), then syncs with commit-confirm and confirms (trial10 #6).
func TestSyncCommandConfirmReboot(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS})
	state := t.TempDir()
	args := []string{"sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--push", "--confirm", "5"}
	code, out, errOut := hasync(t, append(args, "--dry-run")...)
	if code != 1 || !strings.Contains(out, "dry run: nothing sent; the sync would be refused: ") || !strings.Contains(out, "reboot") {
		t.Fatalf("dry run with --confirm: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = hasync(t, append(args, "--yes")...)
	if code != 1 || strings.Contains(out, "sync lab-vyatta:") || !strings.Contains(errOut, "reboot") {
		t.Fatalf("--confirm on a reboot action: exit %d, want 1 before the plan\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = hasync(t, append(args, "--yes", "--confirm-set-reload")...)
	if code != 0 {
		t.Fatalf("--confirm-set-reload: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"# vra-b's commit-confirm action is not reload: setting it first", "vra-b> set system config-management commit-confirm action reload", "commit-confirm confirmed after verification"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(state, "audit", "*"))
	var rec []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		rec = append(rec, b...)
	}
	if !bytes.Contains(rec, []byte(`"confirm_action_set":true`)) {
		t.Errorf("the audit does not record the action set:\n%s", rec)
	}
}

// TestSyncCommandSaveNothingToSend: --save when the pair is in step
// already still saves the member left unsaved by the sync before
// (trial10 #9).
func TestSyncCommandSaveNothingToSend(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	args := []string{"sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--push", "--yes"}
	code, out, errOut := hasync(t, args...)
	if code != 0 || !strings.Contains(out, "vra-b: running configuration not saved") {
		t.Fatalf("sync without --save: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = hasync(t, append(args, "--save")...)
	if code != 0 {
		t.Fatalf("--save with nothing to send: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"nothing to send", "# save on vra-b", "vra-b: running configuration saved"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if saved, err := p.B.Device.Saved(); err != nil || !config.Equal(saved.Root, p.B.Device.Running().Root) {
		t.Errorf("vra-b's saved configuration is not its running one (%v)", err)
	}
	// The save is a transaction as a sync is: audited, with what it
	// saved, as a save: the last sync stays the one to roll back.
	log, err := audit.Open(filepath.Join(state, "audit"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := log.Records("lab-vyatta")
	if err != nil || len(all) != 2 {
		t.Fatalf("audit records %+v (%v); want the sync's and the save's", all, err)
	}
	if rec := all[1]; rec.Kind != audit.Save || rec.Result != audit.OK || !slices.Equal(rec.Saved, []string{"vra-b"}) || rec.Counts.Commands != 0 {
		t.Errorf("the save's audit record: kind %q, result %q, saved %q, %d commands", rec.Kind, rec.Result, rec.Saved, rec.Counts.Commands)
	}
	if code, out, errOut = hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--rollback", "--dry-run"); code != 0 {
		t.Errorf("--rollback after the save: exit %d\n%s\n%s", code, out, errOut)
	}
	// Refused at the pair's lock as a sync is: exit 2, the pair named once.
	l, err := pair.TryLock(filepath.Join(state, "locks"), "lab-vyatta", "alice@console (hasync sync, pid 1)")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	code, out, errOut = hasync(t, append(args, "--save")...)
	if code != 2 || strings.Count(errOut, "lab-vyatta") != 1 || !strings.Contains(errOut, "held by alice@console") {
		t.Errorf("--save while the lock is held: exit %d, want 2 naming the pair once\n%s\n%s", code, out, errOut)
	}
}

// TestSyncCommandDropBeforeCommit: the lab drops vra-b's connection when
// the commit arrives (lab fault drop-before-commit): the re-read shows
// vra-b unchanged, exit 1; the retry succeeds, exit 0 (trial10 #5).
func TestSyncCommandDropBeforeCommit(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	state := t.TempDir()
	before := p.B.Device.Running()
	p.B.Faults.SetDropBeforeCommit(true)
	// The commit was sent when the link went: vra-b is read again until
	// it changes, for --settle, before it counts as unchanged.
	args := []string{"sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--push", "--yes", "--settle", "2s"}
	code, out, errOut := hasync(t, args...)
	// The commit was sent: vra-b unchanged when --settle passed does not
	// tell that it never applies. Exit 2, outcome unknown: compare.
	if code != 2 || !strings.Contains(out, "vra-b did not change within 2s: the commit did not apply, or has not yet") ||
		!strings.Contains(out, "outcome unknown: the commit was sent, its answer was cut, and vra-b still read unchanged when --settle passed") ||
		strings.Contains(out, "sync again") {
		t.Fatalf("drop before the commit: exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	if !config.Equal(before.Root, p.B.Device.Running().Root) {
		t.Fatal("vra-b changed although its connection dropped before the commit")
	}
	if code, out, errOut = hasync(t, args...); code != 0 || !strings.Contains(out, "synced: ") {
		t.Fatalf("retry: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestSyncCommandRESTFallback: vra-b refuses SSH but its REST API is up
// (the inventory gives rest_url): the pair reads it over REST, the plan
// says the transport is rest and why, and the sync runs over REST
// (trial10 #4).
func TestSyncCommandRESTFallback(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	p.B.Faults.SetRefuseSSH(true)
	state := t.TempDir()
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", state, "--push", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"transport: rest", "synced: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestSyncCommandUnreadableNamedOnce: a device that cannot be read at all
// (SSH and REST refused) is named once in the error, exit 2.
func TestSyncCommandUnreadableNamedOnce(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	p.B.Faults.SetRefuse(true)
	code, out, errOut := hasync(t, "sync", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--state", t.TempDir(), "--push", "--yes")
	if code != 2 || !strings.Contains(errOut, "could not be read: vra-b: ") || strings.Contains(errOut, "vra-b: vra-b:") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestSyncHelpInREADME: the README's "Sync a live pair" section names
// every flag of `hasync sync --help`, the REST transport, and what ^C
// does, as the help does.
func TestSyncHelpInREADME(t *testing.T) {
	code, help, errOut := hasync(t, "sync", "--help")
	if code != 0 {
		t.Fatalf("sync --help: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Sync a live pair\n")
	if !ok {
		t.Fatal("README.md has no section Sync a live pair")
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	for _, f := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?(--[a-z-]+)`).FindAllStringSubmatch(help, -1) {
		if f[1] != "--help" && !strings.Contains(sec, "`"+f[1]) && !strings.Contains(sec, " "+f[1]) && !strings.Contains(sec, "["+f[1]) {
			t.Errorf("README's sync section does not name %s", f[1])
		}
	}
	for _, want := range []string{"transport: rest", "^C", "exit status 1", "status 130"} {
		if !strings.Contains(sec, want) {
			t.Errorf("README's sync section does not say %q", want)
		}
		if want != "transport: rest" && want != "exit status 1" && !strings.Contains(help, want) {
			t.Errorf("sync --help does not say %q", want)
		}
	}
}

// TestPointOfNoReturnWording: what an interrupt after the point of no
// return says runs on: a Huawei push has no commit (each line typed in
// system-view applies at once), a native sync is the device's own
// command (trial 15 S7).
func TestPointOfNoReturnWording(t *testing.T) {
	for _, c := range []struct {
		prep hsync.Prepared
		want string
	}{
		{hsync.Prepared{Family: config.Vyatta}, "the commit is running"},
		{hsync.Prepared{Family: config.Vyatta, Native: true, Source: "vra-a"}, "update config-sync is running on vra-a"},
		{hsync.Prepared{Family: config.Huawei, Native: true, Source: "FW-A"}, "hrp sync config is running on FW-A"},
		{hsync.Prepared{Family: config.Huawei}, "the push is running: each line typed in system-view has applied, the rest follow"},
	} {
		if got := pointOfNoReturn(&c.prep); got != c.want {
			t.Errorf("%v native %v: %q, want %q", c.prep.Family, c.prep.Native, got, c.want)
		}
	}
}

// TestSyncCommandInStepExtras: on a pair in step, --connection-status
// still runs (the session table is no part of the configuration), --save
// asks before it saves (not on a terminal: refused without --yes), and a
// relative --state is kept absolute in the audit record, so that
// --rollback finds the kept configuration from another directory
// (trial 15 S15 and the minor items).
func TestSyncCommandInStepExtras(t *testing.T) {
	p := startHuaweiPair(t)
	t.Chdir(t.TempDir())
	args := []string{"sync", "--pair", "lab-huawei", "--inventory", p.Inventory, "--state", "st", "--settle", "5s"}
	if code, out, errOut := hasync(t, append(args, "--yes")...); code > 1 {
		t.Fatalf("first sync: exit %d\n%s\n%s", code, out, errOut)
	}
	log, err := audit.Open(filepath.Join("st", "audit"))
	if err != nil {
		t.Fatal(err)
	}
	rec, ok, err := log.Last("lab-huawei")
	if err != nil || !ok || !filepath.IsAbs(rec.Previous) {
		t.Errorf("the kept configuration's path in the audit: %q (%v)", rec.Previous, err)
	}
	code, out, errOut := hasync(t, append(args, "--yes", "--connection-status")...)
	if code > 1 || !strings.Contains(out, "hrp sync config and connection-status run as asked") || !strings.Contains(out, "# hrp sync connection-status on FW-A") {
		t.Errorf("--connection-status in step: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = hasync(t, append(args, "--save")...)
	if code != 2 || !strings.Contains(errOut, "pass --yes to save without asking") || strings.Contains(out, "# save on") {
		t.Errorf("--save without --yes, not on a terminal: exit %d\n%s\n%s", code, out, errOut)
	}
}
