package tui

import (
	"context"
	"errors"
	"image/color"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/views"
)

// offlineModel is a console over one pair that is never dialled (Init's
// commands are not run).
func offlineModel(t *testing.T) *Model {
	t.Helper()
	spec := &inventory.Pair{Name: "p", Family: config.Vyatta, Devices: [2]*inventory.Device{
		{Name: "a", Family: config.Vyatta, Address: "192.0.2.1"}, {Name: "b", Family: config.Vyatta, Address: "192.0.2.2"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}})
	t.Cleanup(m.Close)
	return m
}

func snapAt(at time.Time) summary {
	return summary{snap: &pair.Snapshot{Pair: "p", At: at}, inScope: 1, outScope: 2}
}

// TestStaleRefreshDropped: a refresh result whose request ID is not the
// latest is dropped; the latest is applied.
func TestStaleRefreshDropped(t *testing.T) {
	m := offlineModel(t)
	m.Update(press("r"))
	m.Update(press("r"))
	rt := m.pairs[0]
	if rt.reqID != 2 {
		t.Fatalf("two refreshes made request %d, want 2", rt.reqID)
	}
	now := time.Now()
	m.Update(refreshMsg{idx: 0, id: 1, sum: snapAt(now)})
	if rt.sum.snap != nil {
		t.Fatal("the result of request 1 was applied after request 2 was made")
	}
	if !rt.refreshing {
		t.Error("a stale result ended the refresh in progress")
	}
	m.Update(refreshMsg{idx: 0, id: 2, sum: snapAt(now)})
	if rt.sum.snap == nil || rt.refreshing {
		t.Fatal("the result of the latest request was not applied")
	}
}

// TestOlderSnapshotDropped: a snapshot older than the one shown (a timer
// refresh's event arriving after an on-demand one) does not replace it.
func TestOlderSnapshotDropped(t *testing.T) {
	m := offlineModel(t)
	now := time.Now()
	m.apply(0, snapAt(now))
	m.apply(0, snapAt(now.Add(-time.Second)))
	if got := m.pairs[0].sum.snap.At; !got.Equal(now) {
		t.Errorf("the shown snapshot is from %v, want %v", got, now)
	}
}

// TestStaleDiffDropped: a Diff built for an older generation or another
// pair is dropped.
func TestStaleDiffDropped(t *testing.T) {
	m := offlineModel(t)
	m.diff.gen, m.diff.idx = 3, 0
	if m.diff.built(diffBuiltMsg{idx: 0, gen: 2}) {
		t.Error("a Diff of generation 2 was taken at generation 3")
	}
	if m.diff.built(diffBuiltMsg{idx: 1, gen: 3}) {
		t.Error("a Diff of another pair was taken")
	}
}

// TestAnySize: every screen renders at any size without a panic, and
// from 40x10 up fills exactly the terminal.
func TestAnySize(t *testing.T) {
	m := offlineModel(t)
	m.pairs[0].log.Append([]views.LogEntry{{Kind: "lost", Device: "b", Text: "b: connection lost", Err: true}})
	screens := []func(){
		func() { m.screen, m.help = ScreenList, false },
		func() { m.screen, m.tab = ScreenPair, TabDiff },
		func() { m.tab = TabSyncMaps },
		func() { m.tab = TabLog },
		func() { m.tab = TabHA },
		func() { m.help = true },
		// The sync's screens: its banner in the Log, the plan computing,
		// shown, disabled, asking for the device's name.
		func() {
			m.help, m.tab = false, TabLog
			m.pairs[0].log.SetBanner("sync a → b · 12 line(s) · running · esc cancels before the commit", false)
		},
		func() { m.plan = &planPanel{title: "Sync p", busy: true} },
		func() {
			m.plan = &planPanel{title: "Sync p", applyLabel: "Apply 2 to b", lines: []views.PlanLine{
				{Kind: views.PlanText, Text: "a → b · map M"}, {Kind: views.PlanHeading, Text: "Commands"},
				{Kind: views.PlanCommand, Text: "   1  set system login banner pre-login 'x'"}}}
		},
		func() { m.plan.disabled = "read-only: started with --read-only" },
		func() {
			m.plan.disabled, m.plan.applyFocus, m.plan.typing, m.plan.needName, m.plan.nameWhy = "", true, true, "b", "b is the active member"
		},
		func() { m.plan = nil },
	}
	for _, w := range []int{1, 2, 5, 20, 39, 40, 41, 80, 200} {
		for _, h := range []int{1, 2, 3, 5, 9, 10, 24, 50} {
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			for i, set := range screens {
				set()
				out := m.Render()
				if w < 40 || h < 10 {
					continue
				}
				lines := strings.Split(ansi.Strip(out), "\n")
				if len(lines) != h {
					t.Errorf("%dx%d screen %d: %d lines", w, h, i, len(lines))
				}
				for j, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Errorf("%dx%d screen %d line %d: %d cells", w, h, i, j, ansi.StringWidth(l))
					}
				}
			}
		}
	}
}

// TestMouseClickSelects: with the mouse on, a click selects the pair row
// under it and the wheel moves; with it off, both are ignored.
func TestMouseClickSelects(t *testing.T) {
	dev := func(n string) *inventory.Device {
		return &inventory.Device{Name: n, Family: config.Vyatta, Address: "192.0.2.1"}
	}
	inv := &inventory.Inventory{Pairs: []*inventory.Pair{
		{Name: "p1", Family: config.Vyatta, Devices: [2]*inventory.Device{dev("a1"), dev("b1")}},
		{Name: "p2", Family: config.Vyatta, Devices: [2]*inventory.Device{dev("a2"), dev("b2")}},
		{Name: "p3", Family: config.Vyatta, Devices: [2]*inventory.Device{dev("a3"), dev("b3")}},
	}}
	m := New(context.Background(), Options{Inventory: inv})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.MouseClickMsg{X: 5, Y: 3, Button: tea.MouseLeft})
	if m.cursor != 0 {
		t.Fatalf("a click with the mouse off moved the cursor to %d", m.cursor)
	}
	m.Update(press("m"))
	m.Update(tea.MouseClickMsg{X: 5, Y: 3, Button: tea.MouseLeft}) // title, header, p1, p2
	if m.cursor != 1 {
		t.Errorf("click on the second row: cursor %d, want 1", m.cursor)
	}
	m.Update(tea.MouseWheelMsg{X: 5, Y: 3, Button: tea.MouseWheelDown})
	if m.cursor != 2 {
		t.Errorf("wheel down: cursor %d, want 2 (the last row)", m.cursor)
	}
}

// TestHATimer: the HA tab's timer refreshes its pair while the tab is
// shown (a new request ID), and a tick from before leaving it does
// nothing.
func TestHATimer(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(press("enter"))
	m.Update(press("4"))
	rt := m.pairs[0]
	tick := haTickMsg{gen: m.haGen, idx: 0}
	if _, cmd := m.Update(tick); cmd == nil || rt.reqID != 1 {
		t.Fatalf("the HA tick made request %d (cmd %v), want 1", rt.reqID, cmd != nil)
	}
	m.Update(press("3"))
	m.Update(tick)
	if rt.reqID != 1 {
		t.Errorf("a tick after leaving the HA tab refreshed (request %d)", rt.reqID)
	}
}

// TestTabScrollClamped: G then k on a short tab moves one line up from
// the last page, not from somewhere past the end.
func TestTabScrollClamped(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	m.Update(press("enter"))
	m.Update(press("4"))
	last := max(len(m.tabLines())-m.bodyHeight(), 0)
	if last == 0 {
		t.Fatalf("the HA tab fits in %d lines: nothing to scroll", m.bodyHeight())
	}
	m.Update(press("G"))
	if m.scroll[TabHA] != last {
		t.Fatalf("G scrolled to %d, want %d", m.scroll[TabHA], last)
	}
	m.Update(press("k"))
	if want := last - 1; m.scroll[TabHA] != want {
		t.Errorf("k after G: %d, want %d", m.scroll[TabHA], want)
	}
}

// TestHelpScrolls: at 40x10 the help scrolls to its last binding.
func TestHelpScrolls(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	m.Update(press("?"))
	if s := ansi.Strip(m.Render()); strings.Contains(s, "previous error") || !strings.Contains(s, "j/k scroll") {
		t.Fatalf("the first page of help at 40x10:\n%s", s)
	}
	m.Update(press("G"))
	s := ansi.Strip(m.Render())
	groups := m.helpGroups()
	bs := groups[len(groups)-1].Bindings
	if last := bs[len(bs)-1].Help().Desc; !strings.Contains(s, last) {
		t.Errorf("G does not reach the help's last binding (%s):\n%s", last, s)
	}
	if n := len(strings.Split(s, "\n")); n != 10 {
		t.Errorf("help is %d lines at 40x10", n)
	}
}

// TestBackgroundRestyles: the terminal's background colour picks the
// light or dark palette (lipgloss.LightDark), for the console's views and
// the Diff alike.
func TestBackgroundRestyles(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.com.Dark {
		t.Fatal("a white background left the dark palette")
	}
	light := m.com.Styles.Title.GetForeground()
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.com.Dark || m.com.Styles.Title.GetForeground() == light {
		t.Error("a black background did not switch to the dark palette")
	}
}

// TestDiffSaysWhyNotCompared: a pair whose device could not be read
// shows why on the Diff tab, not a wait that never ends.
func TestDiffSaysWhyNotCompared(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	snap := &pair.Snapshot{Pair: "p", At: time.Now()}
	snap.Devices[0] = pair.DeviceState{Name: "a", Reachable: true}
	snap.Devices[1] = pair.DeviceState{Name: "b", Err: errors.New("b: dial tcp 192.0.2.2:22: connection refused")}
	m.apply(0, summary{snap: snap, inScope: -1, outScope: -1})
	m.Update(press("enter"))
	s := ansi.Strip(m.Render())
	for _, want := range []string{"cannot compare the pair yet", "b: b: dial tcp 192.0.2.2:22: connection refused", "a: not read yet"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Diff tab lacks %q:\n%s", want, s)
		}
	}
}

// TestLastSyncFromAudit: the list's LAST SYNC is the audit's last record
// of the pair, read in a command.
func TestLastSyncFromAudit(t *testing.T) {
	dir := t.TempDir()
	l, err := audit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 6, 48, 0, 0, time.Local)
	if err := l.Append(audit.Record{Time: at, Pair: "p", Source: "a", Target: "b", Result: audit.Refused}, nil); err != nil {
		t.Fatal(err)
	}
	msg := lastSyncCmd(l, 0, "p")()
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 10})
	m.Update(msg)
	if s := ansi.Strip(m.Render()); !strings.Contains(s, "11-30 06:48 refused") {
		t.Errorf("the list does not show the audit's last sync:\n%s", s)
	}
}

// TestHelpColumns: at 120x40 on the Diff tab the whole help shows at
// once, the Diff's own keys included.
func TestHelpColumns(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(press("enter"))
	m.Update(press("?"))
	s := ansi.Strip(m.Render())
	for _, want := range []string{"Diff tab", "previous error", "mouse on/off", "next tab"} {
		if !strings.Contains(s, want) {
			t.Errorf("help at 120x40 lacks %q:\n%s", want, s)
		}
	}
}

// TestRoleText: VRRP roles come from the groups as printed: one state for
// all (FAULT included), or mixed; HRP from the prefix.
func TestRoleText(t *testing.T) {
	g := func(states ...string) pair.DeviceState {
		var d pair.DeviceState
		for i, s := range states {
			d.HA.VRRP = append(d.HA.VRRP, device.VRRPGroup{Interface: "dp0s1", Group: strconv.Itoa(i + 1), State: s})
		}
		return d
	}
	for _, tt := range []struct {
		d    pair.DeviceState
		want string
	}{
		{g("MASTER", "MASTER"), "MASTER"},
		{g("BACKUP", "BACKUP"), "BACKUP"},
		{g("FAULT", "FAULT"), "FAULT"},
		{g("MASTER", "BACKUP"), "mixed MASTER/BACKUP"},
		{g("BACKUP", "FAULT"), "FAULT"},
		{pair.DeviceState{HA: device.HAState{Role: device.RoleFault, VRRP: g("BACKUP").HA.VRRP}}, "FAULT"},
		{pair.DeviceState{Prompt: "HRP_S[FW-B]"}, "HRP_S"},
		{pair.DeviceState{}, ""},
	} {
		if got := roleText(tt.d); got != tt.want {
			t.Errorf("roleText(%+v) = %q, want %q", tt.d.HA.VRRP, got, tt.want)
		}
	}
}

// TestLogPath: the console's log is a file in hasync's state directory,
// never the terminal.
func TestLogPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	p, err := LogPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := dir + "/hasync/console.log"; p != want {
		t.Errorf("LogPath = %s, want %s", p, want)
	}
	log, c, err := OpenLog(p)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello", logPair, "p")
	c.Close()
	if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), `"pair":"p"`) {
		t.Errorf("the log file holds %q (%v)", b, err)
	}
}

// TestHelpNoStrayEllipsis: at 80x24 and 120x40 the help's lines are not
// cut (each used to end in a stray "…": padded to the width, then cut
// to its column).
func TestHelpNoStrayEllipsis(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := offlineModel(t)
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		m.Update(press("?"))
		s := ansi.Strip(m.Render())
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "…") {
				t.Errorf("help at %dx%d cuts a line: %q", sz[0], sz[1], l)
			}
		}
	}
}

// TestASCIIOnly: under --ascii the list, its title, the help, the status
// bar and the HA and Log tabs draw ASCII only (the arrows of up/down, the
// title's dots and the role change's arrow were Unicode).
func TestASCIIOnly(t *testing.T) {
	spec := &inventory.Pair{Name: "p", Family: config.Vyatta, Devices: [2]*inventory.Device{
		{Name: "a", Family: config.Vyatta, Address: "192.0.2.1"}, {Name: "b", Family: config.Vyatta, Address: "192.0.2.2"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}, ASCII: true, ReadOnly: true})
	t.Cleanup(m.Close)
	check := func(what string) {
		t.Helper()
		s := ansi.Strip(m.Render())
		for _, r := range s {
			if r > 0x7e || (r < 0x20 && r != '\n') {
				t.Errorf("%s draws %q under --ascii:\n%s", what, r, s)
				return
			}
		}
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		check("the list")
		m.Update(press("?"))
		check("the list's help")
		m.Update(press("?"))
	}
	prev := &pair.Snapshot{Pair: "p", Devices: [2]pair.DeviceState{{Name: "a", Prompt: "HRP_M<a>"}, {Name: "b", Prompt: "HRP_S<b>"}}}
	cur := &pair.Snapshot{Pair: "p", Devices: [2]pair.DeviceState{{Name: "a", Prompt: "HRP_S<a>"}, {Name: "b", Prompt: "HRP_M<b>"}}}
	m.roleChanges(m.pairs[0], prev, cur)
	check("the role change's notice")
	m.Update(press("enter"))
	m.Update(press("4"))
	check("the HA tab")
	m.Update(press("3"))
	check("the Log tab")
	m.Update(press("?"))
	check("the pair view's help")
}

// TestFilterStatusKeys: while the filter is typed, the status bar lists
// the input's keys only (q, r and ? are text then).
func TestFilterStatusKeys(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	m.Update(press("/"))
	lines := strings.Split(ansi.Strip(m.Render()), "\n")
	bar := lines[len(lines)-1]
	if !strings.Contains(bar, "esc clear filter") || strings.Contains(bar, "q quit") || strings.Contains(bar, "? help") || strings.Contains(bar, "r refresh") {
		t.Errorf("the filter's status bar: %q", bar)
	}
}
