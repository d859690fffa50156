package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/tui"
)

// servedLab is `hasync serve` (the built binary) on loopback over an
// in-process lab pair, with OpenSSH keys made by ssh-keygen in a temp dir:
// op and op2 (operators), vw (viewer), stranger (not authorized).
type servedLab struct {
	t          testing.TB
	bin, dir   string
	port       int
	knownHosts string
	lab        *vyatta.Pair
	cmd        *exec.Cmd
	log        string
}

// needOpenSSH skips where the OpenSSH client is absent, and fails under
// CI, which must have it.
func needOpenSSH(t *testing.T) {
	t.Helper()
	for _, b := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required under CI (hasync serve's end-to-end tests): apt-get install openssh-client", b)
			}
			t.Skipf("%s not installed: hasync serve's end-to-end tests need the OpenSSH client", b)
		}
	}
}

func startServedLab(t *testing.T, extra ...string) *servedLab {
	t.Helper()
	needTmux(t)
	needOpenSSH(t)
	return serveLab(t, buildHasync(t), extra...)
}

// serveLab starts the lab and bin's `hasync serve` on it.
func serveLab(t testing.TB, bin string, extra ...string) *servedLab {
	t.Helper()
	sl := &servedLab{t: t, bin: bin, dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	vp, err := vyatta.StartPair(ctx, vyatta.PairOptions{Dir: filepath.Join(sl.dir, "lab"),
		Reject: [][]string{strings.Fields(demoReject)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vp.Close)
	sl.lab = vp
	for _, k := range []string{"op", "op2", "vw", "stranger"} {
		if b, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", k+"@e2e", "-f", filepath.Join(sl.dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, b)
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(sl.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	ak := filepath.Join(sl.dir, "authorized_keys")
	text := `environment="HASYNC_ROLE=operator" ` + read("op.pub") + "\n" + read("vw.pub") + "\n" +
		`restrict,environment="HASYNC_ROLE=operator" ` + read("op2.pub") + "\n"
	if err := os.WriteFile(ak, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	sl.log = filepath.Join(sl.dir, "serve.log")
	hostKey := filepath.Join(sl.dir, "host_key")
	args := append([]string{"serve", "--inventory", vp.Inventory, "--authorized-keys", ak, "--listen", "127.0.0.1:0",
		"--host-key", hostKey, "--log", sl.log}, extra...)
	sl.cmd = exec.Command(sl.bin, args...)
	sl.cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(sl.dir, "state"))
	stderr, err := sl.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sl.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sl.cmd.ProcessState == nil {
			_ = sl.cmd.Process.Kill()
			_ = sl.cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)`)
	kh := ""
	for kh == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			sl.port, _ = strconv.Atoi(m[1])
		}
		if v, ok := strings.CutPrefix(sc.Text(), "known_hosts line: "); ok {
			kh = v
		}
	}
	if sl.port == 0 || kh == "" {
		t.Fatalf("hasync serve did not say where it listens and its known_hosts line (log %s)", sl.log)
	}
	go func() { // the rest of stderr, so the server never blocks on it
		for sc.Scan() {
		}
	}()
	// The server's key as its start line gives it, pinned for OpenSSH
	// (StrictHostKeyChecking=yes): the line works as printed.
	if want := fmt.Sprintf("[127.0.0.1]:%d %s", sl.port, read("host_key.pub")); kh != want {
		t.Errorf("known_hosts line %q, want %q", kh, want)
	}
	sl.knownHosts = filepath.Join(sl.dir, "known_hosts")
	if err := os.WriteFile(sl.knownHosts, []byte(kh+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return sl
}

// ssh is the OpenSSH command line logging in with key as user; args go
// after the destination.
func (sl *servedLab) ssh(key, user string, tty bool, args ...string) []string {
	cmd := []string{"ssh"}
	if tty {
		cmd = append(cmd, "-tt")
	}
	cmd = append(cmd, "-F", "none", "-p", strconv.Itoa(sl.port), "-i", filepath.Join(sl.dir, key),
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+sl.knownHosts, "-o", "StrictHostKeyChecking=yes",
		user+"@127.0.0.1")
	return append(cmd, args...)
}

// session opens `ssh -tt` in tmux as key's user.
func (sl *servedLab) session(key, user string, w, h int) *tmuxTerm {
	return startTmux(sl.t.(*testing.T), w, h, nil, sl.ssh(key, user, true)...)
}

// sshPID is the PID of the ssh client in tt's pane.
func sshPID(t *testing.T, tt *tmuxTerm) int {
	t.Helper()
	b, err := exec.Command("tmux", "-L", tt.socket, "display", "-p", "-t", tt.name, "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	shell := strings.TrimSpace(string(b))
	out, err := exec.Command("pgrep", "-P", shell, "-x", "ssh").Output()
	if err != nil {
		t.Fatalf("no ssh under the pane's shell %s: %v", shell, err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// TestServeOpenSSH drives `hasync serve` with the OpenSSH client in tmux:
// a viewer's console is read-only and says so, an operator's is not; an
// unknown key, a password and a command are refused; a session whose ssh
// is killed leaves the server and the other session working, and a new
// session comes up; SIGTERM ends the sessions with the reason.
func TestServeOpenSSH(t *testing.T) {
	sl := startServedLab(t)
	vw := sl.session("vw", "bob", 100, 30)
	op := sl.session("op", "alice", 100, 30)
	vw.wait("the viewer's pair list", "read-only", "lab-vyatta", "vra-a")
	s := op.wait("the operator's pair list", "lab-vyatta", "vra-a", "MASTER")
	if strings.Contains(s, "read-only") {
		t.Errorf("the operator's console is read-only:\n%s", s)
	}
	vw.keys("Enter")
	vw.wait("the viewer's pair view", "lab-vyatta (vyatta)", "read-only", "Diff")

	out, err := exec.Command(sl.ssh("stranger", "eve", false, "true")[0], sl.ssh("stranger", "eve", false, "true")[1:]...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Errorf("an unknown key: %v\n%s", err, out)
	}
	pw := append([]string{"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive"}, sl.ssh("op", "alice", false, "true")[1:]...)
	if out, err := exec.Command("ssh", pw...).CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Errorf("password / keyboard-interactive: %v\n%s", err, out)
	}
	if out, err := exec.Command("ssh", sl.ssh("op", "alice", false, "cat", "/etc/passwd")[1:]...).CombinedOutput(); err == nil || !strings.Contains(string(out), "Command is not allowed: cat") {
		t.Errorf("a command: %v\n%s", err, out)
	}

	// Kill the viewer's ssh as a crash would: no goodbye to the server.
	if err := syscall.Kill(sshPID(t, vw), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	vw.wait("the killed ssh", "EXITED")
	op.keys("Enter")
	op.wait("the operator's pair view after the other session died", "lab-vyatta (vyatta)", "Diff", "HA")
	op.keys("3", "r") // the Log tab, and a refresh of the shared pair from this session
	op.wait("the operator's Log tab", "both devices read")
	again := sl.session("vw", "bob", 80, 24)
	again.wait("a new viewer session", "read-only", "lab-vyatta")

	if err := sl.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	toldOfShutdown(t, op, "the operator told of the shutdown")
	toldOfShutdown(t, again, "the viewer told of the shutdown")
	done := make(chan error, 1)
	go func() { done <- sl.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("hasync serve after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("hasync serve did not exit after SIGTERM")
	}
	logText, err := os.ReadFile(sl.log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"msg":"key refused"`, `"role":"viewer"`, `"role":"operator"`, `"msg":"session end"`, `"msg":"shut down"`} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("the server's log lacks %s:\n%s", want, logText)
		}
	}
	if strings.Contains(string(logText), `"why":"user quit"`) {
		t.Errorf("a session ended by SIGTERM is logged as its user's quit:\n%s", logText)
	}
}

// TestServeSyncShared: three engineers on one `hasync serve` with the
// OpenSSH client. The viewer's plan shows Apply disabled with the reason;
// an operator syncs (vra-b refuses the demo's planted change); while it
// runs, the other operator's S says who holds the pair's lock, and every
// session's Log shows the same live stream, named by the syncing SSH user
// and key, to its outcome. Then a sync-map save, shown the same way.
func TestServeSyncShared(t *testing.T) {
	sl := startServedLab(t)
	alice := sl.session("op", "alice", 120, 36)
	carol := sl.session("op2", "carol", 120, 36)
	bob := sl.session("vw", "bob", 120, 36)
	for _, tt := range []*tmuxTerm{alice, carol, bob} {
		tt.wait("the pair up", "✓ vra-a MASTER", "✓ vra-b BACKUP")
		tt.keys("Enter")
		tt.wait("the Diff", "vra-a (source)", "vra-b (target)")
	}
	bob.keys("S")
	bob.wait("the viewer's plan", "Sync lab-vyatta", "read-only: your key's role is viewer", "(disabled)")
	bob.keys("Tab", "Enter") // Apply is disabled: enter closes the plan, as Cancel
	bob.keys("3")
	bob.wait("the viewer's Log", "both devices read", "1 Diff")

	alice.keys("S")
	alice.wait("the operator's plan", "Sync lab-vyatta", "▸[ Cancel ]", "[ Apply ")
	// Slow vra-b's output from here, so that the sync (it re-reads both
	// devices first, holding the lock) still runs while the others look.
	sl.lab.B.Faults.SetDelay(200 * time.Millisecond)
	alice.keys("Tab")
	alice.wait("Apply focused", "▸[ Apply ")
	alice.keys("Enter")
	alice.wait("the sync running", "sync vra-a → vra-b", "running · esc cancels")
	// The sync's start reaches every session once it holds the lock.
	bob.wait("alice's sync in the viewer's Log", "by alice (session ", ", key SHA256:")
	carol.keys("S")
	carol.wait("the lock, held by alice", "lab-vyatta: alice is ", "vra-a → vra-b since", "(session ")
	sl.lab.B.Faults.SetDelay(0)

	alice.wait("the outcome", "vra-b refused the change", "config-sync error")
	bob.wait("the same stream's end in the viewer's Log", "by alice (session ", "ended: refused", "config-sync error")
	carol.keys("3")
	carol.wait("the same stream in the other operator's Log", "by alice (session ", "ended: refused", "config-sync error")
	// The lock is free again: carol may plan a sync now.
	carol.keys("S")
	carol.wait("carol's plan once the lock is free", "Sync lab-vyatta", "[ Apply ")
	carol.keys("Escape")

	// A sync-map save is a write as a sync is: alice saves vra-a's map (a
	// rule deleted); vra-b answers slowly, so the save's re-read of the
	// pair (it holds the lock) lasts while carol's S names alice and the
	// map; bob's Log streams the save to its end.
	alice.keys("2", "d")
	alice.wait("the staged delete", "vra-a: sync-map LAB-SYNC", "1 staged edit(s)")
	alice.keys("w")
	alice.wait("the save's question", "Save sync-map LAB-SYNC on vra-a")
	sl.lab.B.Faults.SetDelay(20 * time.Millisecond)
	alice.keys("Right", "Enter")
	bob.wait("alice's save in the viewer's Log", "sync-map save LAB-SYNC on vra-a", "by alice (session ")
	carol.keys("S")
	carol.wait("the lock, held by alice's save", "lab-vyatta: alice is saving sync-map LAB-SYNC on vra-a since", "(session ")
	sl.lab.B.Faults.SetDelay(0)
	bob.wait("the save's end in the viewer's Log", "sync-map save by alice (session ", "ended: ok", "> delete system config-sync sync-map LAB-SYNC")

	// The audit names the SSH user and the whole fingerprint of the key
	// that synced.
	out, err := exec.Command("ssh-keygen", "-l", "-E", "sha256", "-f", filepath.Join(sl.dir, "op.pub")).Output()
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.Fields(string(out))[1]
	al, err := audit.Open(filepath.Join(sl.dir, "state", "hasync", "audit"))
	if err != nil {
		t.Fatal(err)
	}
	r, ok, err := al.Last("lab-vyatta")
	if err != nil || !ok {
		t.Fatalf("no audit record of the sync: %v", err)
	}
	if r.SSHUser != "alice" || r.SSHKey != fp {
		t.Errorf("the audit names ssh_user %q ssh_key %q, want alice %s", r.SSHUser, r.SSHKey, fp)
	}
}

// TestServeDemo: `hasync demo --serve` serves the demo's console over SSH
// (OpenSSH in tmux, the host key pinned from the demo's directory, where
// demo --help says it is), and SIGTERM ends it and removes the demo's
// directory.
func TestServeDemo(t *testing.T) {
	needTmux(t)
	needOpenSSH(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	if b, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "op@e2e", "-f", filepath.Join(tmp, "op")).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, b)
	}
	pub, err := os.ReadFile(filepath.Join(tmp, "op.pub"))
	if err != nil {
		t.Fatal(err)
	}
	ak := filepath.Join(tmp, "authorized_keys")
	if err := os.WriteFile(ak, append([]byte(`environment="HASYNC_ROLE=operator" `), pub...), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(tmp, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "demo", "--serve", "--listen", "127.0.0.1:0", "--authorized-keys", ak)
	cmd.Env = append(os.Environ(), "TMPDIR="+work, "HOME="+work, "XDG_STATE_HOME="+work)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stderr)
	port := 0
	re := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)`)
	for port == 0 && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			port, _ = strconv.Atoi(m[1])
		}
	}
	if port == 0 {
		t.Fatal("hasync demo --serve did not say where it listens")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	dir := demoDir(t, work)
	// Where demo --help says the host key is by default: the demo's
	// directory, where this run made it.
	help, err := exec.Command(bin, "demo", "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "(default: " + serveHostKeyFile + " in " + demoStateDir; !strings.Contains(string(help), want) {
		t.Errorf("demo --help does not say %q:\n%s", want, help)
	}
	hk, err := os.ReadFile(filepath.Join(dir, serveHostKeyFile+".pub"))
	if err != nil {
		t.Fatalf("the served demo's host key is not in its directory: %v", err)
	}
	kh := filepath.Join(tmp, "known_hosts")
	if err := os.WriteFile(kh, fmt.Appendf(nil, "[127.0.0.1]:%d %s", port, hk), 0o600); err != nil {
		t.Fatal(err)
	}
	tt := startTmux(t, 120, 30, nil, "ssh", "-tt", "-F", "none", "-p", strconv.Itoa(port), "-i", filepath.Join(tmp, "op"),
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+kh, "-o", "StrictHostKeyChecking=yes", "alice@127.0.0.1")
	s := tt.wait("the served demo", "hasync demo", "✓ vra-a MASTER", "✓ FW-A HRP_M")
	if strings.Contains(s, "read-only") {
		t.Errorf("the operator's demo console is read-only:\n%s", s)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	toldOfShutdown(t, tt, "the session told of the shutdown")
	if err := cmd.Wait(); err != nil {
		t.Errorf("hasync demo --serve after SIGTERM: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo's directory is still there: %v", err)
	}
}

// TestServeShutdownDuringRead: SIGTERM while a viewer's refresh and plan
// read are in flight under a slow line-by-line fault (a minute for a
// read), the server's own refresh of the pair waiting behind them. The
// server waits only for writes holding a pair's lock, not for reads: the
// process exits within its shutdown grace, while the fault still holds
// the read, and the viewer is told why. (A trial saw 29 s here.)
func TestServeShutdownDuringRead(t *testing.T) {
	const grace = 5 * time.Second
	sl := startServedLab(t, "--shutdown-grace", grace.String())
	vw := sl.session("vw", "bob", 120, 36)
	vw.wait("the pair up", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	vw.keys("Enter")
	vw.wait("the Diff", "vra-a (source)", "vra-b (target)")
	// 300 lines at 200 ms each: reading a configuration takes a minute.
	sl.lab.A.Faults.SetDelay(200 * time.Millisecond)
	sl.lab.B.Faults.SetDelay(200 * time.Millisecond)
	defer sl.lab.A.Faults.SetDelay(0)
	defer sl.lab.B.Faults.SetDelay(0)
	// r also wakes the pair's own refresh loop (the server's), which
	// then waits for the pair's reads too; S reads again for its plan.
	vw.keys("r", "S")
	vw.wait("the viewer's plan reading", "reading both devices")

	if err := sl.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	term := time.Now()
	done := make(chan error, 1)
	go func() { done <- sl.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("hasync serve after SIGTERM: %v", err)
		}
		t.Logf("hasync serve exited %v after SIGTERM", time.Since(term).Round(time.Millisecond))
	case <-time.After(grace + 10*time.Second):
		_ = sl.cmd.Process.Kill()
		<-done // the clean-up waits for no process now
		t.Fatalf("hasync serve still runs %s after SIGTERM (grace %s): it waits for the viewer's read", grace+10*time.Second, grace)
	}
	toldOfShutdown(t, vw, "the viewer told of the shutdown")
}

// TestServeIdleAfterKey (trial 13b #3): with the OpenSSH client, a
// session idle for --idle-timeout after a key is told why and its ssh
// exits 0; the connection was once cut under it first (exit 255, "client
// closed" in the log, no reason on screen).
func TestServeIdleAfterKey(t *testing.T) {
	sl := startServedLab(t, "--idle-timeout", "3s")
	vw := sl.session("vw", "bob", 100, 30)
	vw.wait("the pair list", "lab-vyatta", "MASTER")
	vw.keys("j")
	vw.wait("the session's end", "hasync serve: no key for 3s (--idle-timeout): session closed", "EXITED 0")
}

// TestServeNegativeDurations (trial 13b #11): a negative timeout or grace
// is refused, naming the flag, before anything listens.
func TestServeNegativeDurations(t *testing.T) {
	for _, tc := range []struct {
		f    serveFlags
		zero string // what 0 means for the flag
	}{{serveFlags{idle: -5 * time.Second}, "(0: never)"}, {serveFlags{maxSession: -time.Second}, "(0: never)"}, {serveFlags{grace: -time.Second}, "(0: do not wait)"}} {
		err := runServe(context.Background(), tc.f, nil, t.TempDir(), tui.Options{}, pair.Options{}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "expected a duration of 0 or more "+tc.zero) {
			t.Errorf("%+v: %v", tc.f, err)
		}
	}
}

// toldOfShutdown waits for a session's end after SIGTERM: the screen
// says why. (The line was missing in about one run in six under load:
// every session's program had its own SIGTERM handler and could quit
// before the server's shutdown said why; TestServeSessionsIgnoreSignals.)
func toldOfShutdown(t *testing.T, tt *tmuxTerm, what string) {
	t.Helper()
	if s := tt.wait(what, "EXITED"); !strings.Contains(s, "the server is shutting down: session closed") {
		t.Errorf("%s: the shutdown line is not on the screen:\n%s", what, s)
	}
}
