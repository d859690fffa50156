package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

// testLab is the demo's two pairs, started in-process and met over real
// SSH on loopback.
type testLab struct {
	vy  *vyatta.Pair
	hw  *huawei.Pair
	inv *inventory.Inventory
}

func startLab(t *testing.T) *testLab {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	vy, err := vyatta.StartPair(ctx, vyatta.PairOptions{Dir: filepath.Join(dir, "vyatta"),
		Reject: [][]string{strings.Fields("security firewall name CUST-0000-IN rule 20")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vy.Close)
	hw, err := huawei.StartPair(ctx, huawei.PairOptions{Dir: filepath.Join(dir, "huawei"), Sessions: 1842})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hw.Close)
	inv := &inventory.Inventory{Path: filepath.Join(dir, "inventory.yaml"), Dir: dir}
	for _, f := range []string{vy.Inventory, hw.Inventory} {
		one, err := inventory.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		inv.Pairs = append(inv.Pairs, one.Pairs...)
	}
	return &testLab{vy: vy, hw: hw, inv: inv}
}

func (l *testLab) options() Options {
	return Options{Inventory: l.inv, NoColor: true, Title: "hasync test",
		Pair: pair.Options{SSHConfigFile: "none", UserKnownHosts: "none", Monitor: true,
			Backoff: pair.Backoff{Min: 100 * time.Millisecond, Max: 500 * time.Millisecond}}}
}

// screen is the console's screen as text, read on the program's
// goroutine.
func screen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	reply := make(chan string, 1)
	tm.Send(screenMsg{reply: reply})
	select {
	case s := <-reply:
		return ansi.Strip(s)
	case <-time.After(30 * time.Second):
		t.Fatal("the console does not answer")
		return ""
	}
}

// waitScreen waits until the screen satisfies ok (a guard deadline only
// fails a console that never gets there).
func waitScreen(t *testing.T, tm *teatest.TestModel, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := screen(t, tm)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen is:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}
}

func keys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(press(k))
	}
}

// checkSize fails unless the screen is h lines of at most w cells.
func checkSize(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d:\n%s", len(lines), h, s)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("line %d is %d cells wide (> %d): %q", i, ansi.StringWidth(l), w, l)
		}
	}
}

// TestConsoleFlow drives the console as a user would: both pairs come
// up with their roles and counts, a filter narrows the list, a pair opens,
// its tabs show HA, the log and the sync-maps, the terminal is resized,
// help is built from the key map, and q quits.
func TestConsoleFlow(t *testing.T) {
	l := startLab(t)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	s := waitScreen(t, tm, "both pairs up with their roles", has("✓ vra-a MASTER", "✓ vra-b BACKUP", "✓ FW-A HRP_M", "✓ FW-B HRP_S"))
	checkSize(t, s, 80, 24)
	waitScreen(t, tm, "the counts", func(s string) bool {
		n := 0
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, " lab-") && !strings.Contains(line, " ? ") {
				n++
			}
		}
		return n == 2
	})

	// Filter: only the Huawei pair stays.
	keys(tm, "/")
	tm.Type("hua")
	s = waitScreen(t, tm, "the filter", has("/hua", "lab-huawei"))
	if strings.Contains(s, "lab-vyatta") {
		t.Errorf("the filter keeps lab-vyatta:\n%s", s)
	}
	keys(tm, "enter", "enter")
	waitScreen(t, tm, "the Huawei pair view", has("lab-huawei (huawei)", "FW-A", "HRP_M", "1 Diff", "4 HA"))

	keys(tm, "4")
	waitScreen(t, tm, "the HA tab", has("sessions 1842", "role active (peer standby)", "heartbeat GigabitEthernet1/0/6", "auto-sync config ✓on"))
	keys(tm, "3")
	waitScreen(t, tm, "the Log tab", has("connected  session open", "refreshed  both devices read"))
	keys(tm, "tab")
	waitScreen(t, tm, "tab to HA", has("sessions 1842"))
	keys(tm, "shift+tab", "shift+tab")
	waitScreen(t, tm, "the Sync-maps tab", has("sync-map hrp", "1     include  (everything)", "read-only: the built-in hrp map: what HRP backs up"))

	// Resize: 40x10 and 200x50 keep the layout whole.
	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	s = waitScreen(t, tm, "40x10", func(s string) bool { return len(strings.Split(s, "\n")) == 10 })
	checkSize(t, s, 40, 10)
	tm.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	s = waitScreen(t, tm, "200x50", func(s string) bool { return len(strings.Split(s, "\n")) == 50 })
	checkSize(t, s, 200, 50)

	// Back to the list, filter cleared: both pairs; help from the key map.
	keys(tm, "esc", "esc")
	waitScreen(t, tm, "both pairs again", has("lab-vyatta", "lab-huawei"))
	keys(tm, "?")
	waitScreen(t, tm, "help", has("Keys", "next error (Log)", "mouse on/off"))
	keys(tm, "?", "k", "enter", "4")
	waitScreen(t, tm, "the Vyatta HA tab", has("lab-vyatta (vyatta)", "VRRP dp0s1", "▲ MASTER", "▽ BACKUP", "hasync finds 4 differences in the sync-map's scope"))
	keys(tm, "2")
	waitScreen(t, tm, "the Vyatta sync-maps", has("vra-a: sync-map LAB-SYNC, pushed to 10.0.0.2", "exclude  security firewall name MGMT-LOCAL"))

	keys(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Model)
	if !fm.quitting {
		t.Error("q did not quit")
	}
}

// TestConsoleDeviceDropsAndReturns: a device whose connection drops and
// which refuses new ones shows as down in the list, the header and the
// log (an error walked with ]e), then up again once it accepts.
func TestConsoleDeviceDropsAndReturns(t *testing.T) {
	l := startLab(t)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitScreen(t, tm, "vra-b up", has("✓ vra-b BACKUP"))

	l.vy.B.Faults.SetRefuse(true)
	l.vy.B.SSH.DropSessions()
	s := waitScreen(t, tm, "vra-b down", has("✗ vra-b"))
	if !strings.Contains(s, "vra-b:") {
		t.Errorf("the list names no error for vra-b:\n%s", s)
	}
	keys(tm, "enter", "3")
	waitScreen(t, tm, "the loss in the log", has("error(s)  ]e next", "lost"))
	keys(tm, "]", "e")
	s = waitScreen(t, tm, "]e", has("vra-b"))
	if !strings.Contains(s, "lost") && !strings.Contains(s, "error") {
		t.Errorf("]e shows no error:\n%s", s)
	}

	// Its role and the counts are the last read's, shown as such; the
	// list's error says its cause first.
	waitScreen(t, tm, "the header", has("✗ down vra-b  last known: BACKUP"))
	keys(tm, "esc")
	s = waitScreen(t, tm, "vra-b's role last known", has("✗ vra-b (BACKUP)", "vra-b: refused (ssh"))
	if strings.Contains(s, "✗ vra-b BACKUP") || !strings.Contains(s, " (4) ") {
		t.Errorf("a down device's role or the counts are shown as current:\n%s", s)
	}

	l.vy.B.Faults.SetRefuse(false)
	waitScreen(t, tm, "vra-b back", has("✓ vra-b"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestDiffFlow: on the Diff tab, n moves to a difference, enter opens its
// detail and esc closes it (staying on the tab), / searches, f cycles the
// filter, and esc with nothing open goes back to the list.
func TestDiffFlow(t *testing.T) {
	l := startLab(t)
	o := l.options()
	o.Inventory = onlyVyatta(l)
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	waitScreen(t, tm, "both up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	keys(tm, "enter")
	waitScreen(t, tm, "the Diff", has("vra-a (source)", "vra-b (target)", "58 diffs"))
	keys(tm, "n")
	waitScreen(t, tm, "the first difference", has("1/58 diffs"))
	keys(tm, "n")
	waitScreen(t, tm, "the second difference", has("2/58 diffs"))
	keys(tm, "enter")
	s := waitScreen(t, tm, "the detail", has("detail · esc closes", "path ", "scope "))
	if bar := lastLine(s); strings.Count(bar, "esc ") != 1 {
		t.Errorf("the detail's status bar lists esc %d times: %q", strings.Count(bar, "esc "), bar)
	}
	keys(tm, "esc")
	s = waitScreen(t, tm, "the detail closed", func(s string) bool { return !strings.Contains(s, "detail · esc closes") })
	if !strings.Contains(s, "1 Diff") {
		t.Fatalf("esc on the detail left the pair view:\n%s", s)
	}
	keys(tm, "/")
	// While typing, the status bar lists only the input's keys.
	s = waitScreen(t, tm, "the search input's keys", func(s string) bool { return strings.Contains(lastLine(s), "enter search") })
	if bar := lastLine(s); strings.Contains(bar, "q quit") || strings.Contains(bar, "? help") || strings.Contains(bar, "r refresh") {
		t.Errorf("the status bar lists keys the search input takes as text: %q", bar)
	}
	tm.Type("CUST-0000-IN")
	keys(tm, "enter")
	waitScreen(t, tm, "the search", func(s string) bool {
		return strings.Contains(strings.ToLower(s), "/cust-0000-in · ") && strings.Contains(s, "matching lines")
	})
	keys(tm, "esc") // clears the search
	waitScreen(t, tm, "the search cleared", func(s string) bool { return !strings.Contains(s, "matching lines") })
	keys(tm, "f")
	waitScreen(t, tm, "the in-scope filter", has("in scope · "))
	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	s = waitScreen(t, tm, "40x10", func(s string) bool { return len(strings.Split(s, "\n")) == 10 })
	checkSize(t, s, 40, 10)
	keys(tm, "esc")
	waitScreen(t, tm, "the list", has("lab-vyatta", "PAIR"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// lastLine is the screen's status bar.
func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}

// TestMouseToggle: the mouse is off by default; m turns it on in the
// view (one place) and off again.
func TestMouseToggle(t *testing.T) {
	m := New(context.Background(), Options{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.View().MouseMode != tea.MouseModeNone {
		t.Fatal("the mouse is on by default")
	}
	if !m.View().AltScreen {
		t.Error("the console is not on the alternate screen")
	}
	m.Update(press("m"))
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("m does not turn the mouse on")
	}
	m.Update(press("m"))
	if m.View().MouseMode != tea.MouseModeNone {
		t.Error("m does not turn the mouse off")
	}
}

// TestConfigSyncErrorNotice: a commit on vra-a whose config-sync vra-b
// rejects (the lab's reject path) reaches the console from vra-a's
// `monitor log` as it happens: a notice on the list, an error in the Log.
func TestConfigSyncErrorNotice(t *testing.T) {
	l := startLab(t)
	o := l.options()
	o.Inventory = onlyVyatta(l)
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	waitScreen(t, tm, "both up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	// Give the monitor a moment of its own to be listening: wait for a
	// full refresh after the connections.
	waitScreen(t, tm, "the counts", has(" 4 "))

	s := l.vy.A.Device.NewSession(l.vy.User)
	if err := s.Set([]string{"security", "firewall", "name", "CUST-0000-IN", "rule", "20", "description", "changed on vra-a"}); err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := s.Commit(context.Background(), func(line string) { out = append(out, line) }); err != nil {
		t.Logf("commit: %v (%q)", err, out)
	}
	t.Logf("commit output: %q", out)
	waitScreen(t, tm, "the notice on the list", has("config-sync error", "lab-vyatta vra-a"))
	keys(tm, "enter", "3")
	waitScreen(t, tm, "the error in the log", has("sync-error", "error(s)  ]e next"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestFailoverSeen: an HRP failover shows in the list's roles and in the
// Log as a role change once the pair is refreshed (r).
func TestFailoverSeen(t *testing.T) {
	l := startLab(t)
	o := l.options()
	o.Inventory = &inventory.Inventory{Path: l.inv.Path, Dir: l.inv.Dir, Pairs: []*inventory.Pair{l.inv.Pairs[1]}}
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 24))
	waitScreen(t, tm, "FW-A active", has("✓ FW-A HRP_M", "✓ FW-B HRP_S"))
	if err := l.hw.HRP.WaitUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.hw.HRP.Failover()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(screen(t, tm), "FW-A HRP_S") && time.Now().Before(deadline) {
		keys(tm, "r")
		time.Sleep(300 * time.Millisecond)
	}
	waitScreen(t, tm, "the failover in the list", has("FW-A HRP_S", "FW-B HRP_M"))
	keys(tm, "enter", "3")
	waitScreen(t, tm, "the role change in the Log", has("HA role HRP_M → HRP_S"))
	// The Diff's columns follow the sync's direction: the new active
	// member is the source, each configuration under its own name.
	keys(tm, "1")
	waitScreen(t, tm, "the Diff from the new active member", has("FW-B (source)", "FW-A (target)"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}
