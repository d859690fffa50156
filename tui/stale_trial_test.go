package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/views"
)

// TestDownNotShownAsCurrent (trial 11 defect 9): a device that dropped
// after the last snapshot (its Lost event is newer) is shown as not read
// now everywhere: the Diff's column head and counts, the HA tab's roles,
// and the pair view's read time names it with its last read.
func TestDownNotShownAsCurrent(t *testing.T) {
	c, err := compare.Files("../views/testdata/diff-vra-a.conf", "../views/testdata/diff-vra-b.conf", config.Vyatta, compare.MapSpec{Name: "FW"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.Left.Source, c.Right.Source = "vra-a", "vra-b"
	spec := &inventory.Pair{Name: "p", Family: config.Vyatta, Devices: [2]*inventory.Device{
		{Name: "vra-a", Family: config.Vyatta, Address: "192.0.2.1"}, {Name: "vra-b", Family: config.Vyatta, Address: "192.0.2.2"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}, NoColor: true})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	read := time.Date(2026, 11, 30, 8, 20, 21, 0, time.Local)
	snap := &pair.Snapshot{Pair: "p", Family: config.Vyatta, At: read, Compare: c}
	for i, n := range []string{"vra-a", "vra-b"} {
		role := []string{"MASTER", "BACKUP"}[i]
		snap.Devices[i] = pair.DeviceState{Name: n, Reachable: true, FetchedAt: read,
			HA: device.HAState{VRRP: []device.VRRPGroup{{Interface: "dp0s1", Group: "1", State: role}}}}
	}
	rt := m.pairs[0]
	rt.refreshing = false
	m.apply(0, summarize(snap))
	cmd := m.openPair(0)
	// Run the Diff's build (a command) and deliver its result.
	for _, msg := range runCmds(cmd) {
		m.Update(msg)
	}
	if m.diff.v.Data() == nil {
		t.Fatal("no Diff built")
	}
	if s := ansi.Strip(m.Render()); strings.Contains(s, "last known") || strings.Contains(s, "not read") {
		t.Fatalf("both read, yet marked:\n%s", s)
	}
	// vra-b drops after the snapshot.
	rt.track(pair.Event{Kind: pair.Lost, Device: "vra-b", At: read.Add(5 * time.Second), Err: errors.New("vra-b: ssh: connection lost")})
	s := ansi.Strip(m.Render())
	for _, want := range []string{"vra-b (target, not read since 08:20:21)", "last known", "vra-b not since 08:20:21"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Diff tab lacks %q:\n%s", want, s)
		}
	}
	ha := ansi.Strip(strings.Join(views.HALines(m.com.Styles, haDataOf(rt), 120), "\n"))
	if !strings.Contains(ha, "vra-b  BACKUP (last known)") || !strings.Contains(ha, "read 08:20:21, vra-b not since 08:20:21") {
		t.Errorf("the HA tab shows vra-b's role as current:\n%s", ha)
	}
}

// runCmds runs cmd (and the batches it holds) and returns their messages,
// skipping ticks and other commands that wait.
func runCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var out []tea.Msg
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c == nil {
				continue
			}
			done := make(chan tea.Msg, 1)
			go func() { done <- c() }()
			select {
			case m := <-done:
				if bb, ok := m.(tea.BatchMsg); ok {
					out = append(out, runCmds(func() tea.Msg { return bb })...)
				} else if m != nil {
					out = append(out, m)
				}
			case <-time.After(5 * time.Second):
			}
		}
		return out
	}
	if msg != nil {
		out = append(out, msg)
	}
	return out
}
