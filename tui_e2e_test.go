package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxTerm is a detached tmux session running the hasync binary, on a
// tmux server of its own.
type tmuxTerm struct {
	t      *testing.T
	socket string
	name   string
}

// needTmux skips where tmux is absent, and fails under CI, which must
// have it.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required under CI (the console's end-to-end tests): install it (apt-get install tmux)")
		}
		t.Skip("tmux not installed: the console's end-to-end tests need it (apt-get install tmux)")
	}
}

// buildHasync builds the binary once per test.
func buildHasync(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hasync")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin
}

func startTmux(t *testing.T, w, h int, env []string, args ...string) *tmuxTerm {
	t.Helper()
	tt := &tmuxTerm{t: t, socket: fmt.Sprintf("hasync-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "console"}
	cmd := []string{"-L", tt.socket, "-f", "/dev/null", "new-session", "-d", "-s", tt.name,
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}
	for _, e := range env {
		cmd = append(cmd, "-e", e)
	}
	// The command stays in the pane after it exits, so a crash is seen.
	// EXITED shows the command's own status (not echo's).
	cmd = append(cmd, strings.Join(args, " ")+"; s=$?; echo; echo EXITED $s; sleep 600")
	if b, err := exec.Command("tmux", cmd...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, b)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tt.socket, "kill-server").Run() })
	return tt
}

func (tt *tmuxTerm) capture() string {
	b, err := exec.Command("tmux", "-L", tt.socket, "capture-pane", "-p", "-t", tt.name).Output()
	if err != nil {
		tt.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(b)
}

// send runs tmux send-keys with args (a key name, or -l and literal text).
func (tt *tmuxTerm) send(args ...string) {
	tt.t.Helper()
	cmd := append([]string{"-L", tt.socket, "send-keys", "-t", tt.name}, args...)
	if b, err := exec.Command("tmux", cmd...).CombinedOutput(); err != nil {
		tt.t.Fatalf("tmux send-keys %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// cursorLine is the line of screen (a capture) the cursor is on, without
// its trailing blanks.
func (tt *tmuxTerm) cursorLine(screen string) string {
	tt.t.Helper()
	b, err := exec.Command("tmux", "-L", tt.socket, "display", "-p", "-t", tt.name, "#{cursor_y}").Output()
	if err != nil {
		tt.t.Fatalf("tmux display cursor_y: %v", err)
	}
	y, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		tt.t.Fatalf("tmux display cursor_y: %q", b)
	}
	lines := strings.Split(screen, "\n")
	if y < 0 || y >= len(lines) {
		return ""
	}
	return strings.TrimRight(lines[y], " ")
}

// keys sends keys one by one, as a user types (esc alone, not as alt+).
func (tt *tmuxTerm) keys(keys ...string) {
	for _, k := range keys {
		if b, err := exec.Command("tmux", "-L", tt.socket, "send-keys", "-t", tt.name, k).CombinedOutput(); err != nil {
			tt.t.Fatalf("tmux send-keys %s: %v\n%s", k, err, b)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// wait polls the screen until it has every string (a guard deadline only
// fails a console that never gets there).
func (tt *tmuxTerm) wait(what string, subs ...string) string {
	tt.t.Helper()
	return tt.waitFor(what, func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	})
}

// waitFor polls the screen until ok holds (a guard deadline only fails a
// console that never gets there); it returns the screen.
func (tt *tmuxTerm) waitFor(what string, ok func(screen string) bool) string {
	tt.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := tt.capture()
		if ok(s) {
			return s
		}
		if strings.Contains(s, "EXITED") || time.Now().After(deadline) {
			tt.t.Fatalf("waiting for %s; the screen is:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// demoDir finds the demo's temporary directory under tmp.
func demoDir(t *testing.T, tmp string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(tmp, "hasync-demo*"))
	if len(m) != 1 {
		t.Fatalf("expected one demo directory in %s, found %v", tmp, m)
	}
	return m[0]
}

func fault(t *testing.T, bin, dir, device string, verb ...string) {
	t.Helper()
	args := append([]string{"lab", "fault", "--state", dir, "--device", device}, verb...)
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("hasync %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// TestConsoleTmux runs `hasync demo` in tmux as a user would, at 80x24
// and 200x50: both pairs come up, a pair opens on its Diff, the HA and Log
// tabs show, a device drops and comes back (hasync lab fault against the
// demo's own lab), and q quits, removing the demo's directory.
func TestConsoleTmux(t *testing.T) {
	needTmux(t)
	bin := buildHasync(t)
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			tmp := t.TempDir()
			tt := startTmux(t, sz[0], sz[1], []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp}, bin, "demo")
			s := tt.wait("both pairs up", "hasync demo", "✓ vra-a MASTER", "✓ vra-b BACKUP", "✓ FW-A HRP_M", "✓ FW-B HRP_S")
			if n := len(strings.Split(strings.TrimRight(s, "\n"), "\n")); n > sz[1] {
				t.Errorf("%d lines on a %d-line terminal", n, sz[1])
			}
			dir := demoDir(t, tmp)
			if sz[0] >= 200 && !strings.Contains(s, "hasync demo · "+dir) {
				t.Errorf("the top line does not name the demo's directory %s:\n%s", dir, s)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "console.log")); err != nil || !strings.Contains(string(b), dir) {
				t.Errorf("the demo's log does not name its directory: %v", err)
			}

			tt.keys("Enter")
			tt.wait("the Vyatta pair's Diff", "lab-vyatta (vyatta)", "1 Diff", "vra-a (source)", "vra-b (target)")
			tt.keys("n")
			tt.keys("4")
			tt.wait("the HA tab", "VRRP dp0s1", "MASTER", "BACKUP", "differences in the sync-map's scope")

			// vra-b drops and refuses: down everywhere, in the log as an error.
			fault(t, bin, dir, "vra-b", "refuse", "on")
			fault(t, bin, dir, "vra-b", "drop")
			tt.wait("vra-b down in the header", "✗ down")
			tt.keys("3")
			tt.wait("the loss in the Log", "error(s)", "vra-b")
			tt.keys("Escape")
			tt.wait("vra-b down in the list", "✗ vra-b")
			fault(t, bin, dir, "vra-b", "clear")
			tt.wait("vra-b back", "✓ vra-b BACKUP")

			tt.keys("j", "Enter", "4")
			tt.wait("the Huawei HA tab", "sessions 1842", "HRP_M", "core state normal")
			tt.keys("q")
			tt.wait("the console to quit", "EXITED 0")
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the demo leaves %s behind (%v)", dir, err)
			}
		})
	}
}

// TestDemoInterrupted: ctrl+c while the demo's lab starts (a large one,
// to have the time) ends it with status 130 and removes its directory,
// which holds private keys and the password; the start-up message names
// the directory before the console takes the terminal.
func TestDemoInterrupted(t *testing.T) {
	needTmux(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	tt := startTmux(t, 100, 24, []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp}, bin, "demo", "--lines", "100000")
	tt.wait("the start-up message", "hasync demo: starting the emulated pairs in "+tmp)
	tt.keys("C-c")
	s := tt.waitFor("the demo to end", func(s string) bool { return strings.Contains(s, "EXITED") })
	if !strings.Contains(s, "EXITED 130") || !strings.Contains(s, "interrupted") {
		t.Errorf("ctrl+c during the start: want exit 130 and \"interrupted\":\n%s", s)
	}
	if m, _ := filepath.Glob(filepath.Join(tmp, "hasync-demo*")); len(m) != 0 {
		t.Errorf("ctrl+c during the start leaves %v behind", m)
	}
}

// TestDemoReadOnly: --read-only is a flag of demo, before or after the
// command's name, and the console says it is read-only.
func TestDemoReadOnly(t *testing.T) {
	needTmux(t)
	bin := buildHasync(t)
	for _, args := range [][]string{{"demo", "--read-only"}, {"--read-only", "demo"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			tmp := t.TempDir()
			tt := startTmux(t, 120, 24, []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp}, append([]string{bin}, args...)...)
			tt.wait("the read-only console", "hasync demo", "read-only", "✓ vra-a MASTER")
			tt.keys("q")
			tt.wait("quit", "EXITED 0")
		})
	}
}

// TestDemoPrintsWithoutTerminal: without a terminal `hasync demo` prints
// the text report (scripts and CI keep working); --print forces it.
func TestDemoPrintsWithoutTerminal(t *testing.T) {
	code, out, errOut := hasync(t, "demo", "--print", "--width", "100")
	if code != 0 {
		t.Fatalf("demo --print: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "A sync would send to vra-b") {
		t.Errorf("demo --print prints no report:\n%s", out)
	}
}

// TestConsoleTmux100k measures, on `hasync demo --lines 100000` at
// 200x50, the time from a key press (j on the Diff tab) to the redrawn
// screen as tmux shows it, and the console's memory with the 100k pair
// open. Set HASYNC_E2E_100K=1 to run it (a minute of lab start-up).
func TestConsoleTmux100k(t *testing.T) {
	if os.Getenv("HASYNC_E2E_100K") == "" {
		t.Skip("set HASYNC_E2E_100K=1 to measure the console on a 100k-line pair in tmux")
	}
	needTmux(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	tt := startTmux(t, 200, 50, []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp}, bin, "demo", "--lines", "100000")
	tt.wait("both pairs up", "✓ vra-a MASTER", "✓ vra-b BACKUP", "never")
	tt.waitFor("the 100k pair read", func(s string) bool {
		return !(strings.Contains(s, "never       ") && strings.Contains(s, " ?    ?"))
	})
	tt.keys("Enter")
	tt.wait("the 100k Diff", "vra-a (source)", "vra-b (target)")
	var lat []time.Duration
	for range 30 {
		before := tt.capture()
		start := time.Now()
		tt.keys("j")
		// Polled without a pause (the figure's resolution is one
		// capture-pane); the deadline only fails a console that never
		// redraws.
		for deadline := time.Now().Add(30 * time.Second); tt.capture() == before; {
			if time.Now().After(deadline) {
				t.Fatalf("j did not redraw the screen:\n%s", before)
			}
		}
		lat = append(lat, time.Since(start)-60*time.Millisecond) // keys() sleeps 60 ms after sending
	}
	slices.Sort(lat)
	t.Logf("key press to redrawn tmux screen, 100k pair, 200x50: median %v, p90 %v (30 presses; includes a capture-pane fork per poll)", lat[len(lat)/2], lat[len(lat)*9/10])
	pid := consolePID(t, tt)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "VmHWM") {
			t.Logf("console (with the in-process lab of 2x2 devices): %s", strings.Join(strings.Fields(line), " "))
		}
	}
	tt.keys("q")
	tt.wait("quit", "EXITED 0")
}

// consolePID is the pid of the hasync process in the pane.
func consolePID(t *testing.T, tt *tmuxTerm) int {
	t.Helper()
	b, err := exec.Command("tmux", "-L", tt.socket, "display", "-p", "-t", tt.name, "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	shell := strings.TrimSpace(string(b))
	kids, _ := filepath.Glob("/proc/" + shell + "/task/*/children")
	for _, k := range kids {
		c, _ := os.ReadFile(k)
		for _, f := range strings.Fields(string(c)) {
			if pid, err := strconv.Atoi(f); err == nil {
				if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); strings.HasSuffix(exe, "hasync") {
					return pid
				}
			}
		}
	}
	t.Fatalf("no hasync process under the pane's shell %s", shell)
	return 0
}

// TestConsoleTmuxNoColor: with NO_COLOR in the environment the console
// draws no colour at all (attributes such as bold and underline stay;
// glyphs carry the meaning).
func TestConsoleTmuxNoColor(t *testing.T) {
	needTmux(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	tt := startTmux(t, 100, 24, []string{"TMPDIR=" + tmp, "HOME=" + tmp, "NO_COLOR=1", "TERM=xterm-256color"}, bin, "demo")
	tt.wait("both pairs up", "✓ vra-a MASTER", "✓ FW-B HRP_S")
	tt.keys("Enter")
	tt.wait("the Diff", "vra-a (source)")
	b, err := exec.Command("tmux", "-L", tt.socket, "capture-pane", "-e", "-p", "-t", tt.name).Output()
	if err != nil {
		t.Fatal(err)
	}
	if c := colourSGR(string(b)); c != "" {
		t.Errorf("NO_COLOR: the screen has the colour sequence %q", c)
	}
	tt.keys("q")
	tt.wait("quit", "EXITED 0")
}

// colourSGR returns the first SGR sequence of s that sets a colour, "".
func colourSGR(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return ""
		}
		s = s[i+2:]
		j := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != ';' })
		if j < 0 {
			return ""
		}
		if s[j] == 'm' {
			for _, p := range strings.Split(s[:j], ";") {
				n, _ := strconv.Atoi(p)
				if n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107 {
					return "\\e[" + s[:j+1]
				}
			}
		}
		s = s[j:]
	}
}
