package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
)

// TestSyncCountsPerSync (no device: the console's own bookkeeping, fed
// the messages a sync produces): two refused syncs one after the other.
// The second's banner counts its own lines, not the first's as well; one
// refusal is one error: the device's copy of the remote error line (the
// monitor's config-sync error event, before or after the stream's line)
// and the result's "refused at" line are no errors of their own; the
// pinned block holds the latest sync's error, tied to the refused path.
func TestSyncCountsPerSync(t *testing.T) {
	spec := &inventory.Pair{Name: "p", Devices: [2]*inventory.Device{{Name: "a"}, {Name: "b"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}, NoColor: true})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.screen, m.tab = ScreenPair, TabLog
	rt := m.pairs[0]
	refused := config.Path{"security", "firewall", "name", "IN", "rule", "20"}
	monitor := func(line string) {
		m.events(eventsMsg{idx: 0, events: []pair.Event{{Kind: pair.SyncError, Device: "a", Line: "Nov 30 10:00:00 a " + line}}})
	}
	for round := 1; round <= 2; round++ {
		remote := fmt.Sprintf("config-sync error 10.0.0.2:Sync[10.0.0.2]: [%s]; round %d refused", refused, round)
		rt.startSync(nil)
		rt.run = &syncRun{id: uint64(round), prep: &hsync.Prepared{Source: "a", Target: "b", Plan: &plan.Plan{}}, ch: make(chan syncItem)}
		m.syncLines(syncLinesMsg{idx: 0, id: uint64(round), items: []syncItem{
			{ev: hsync.Event{Kind: hsync.Info, Line: "update config-sync on a", Step: -1}}}})
		if round == 2 {
			monitor(remote) // the device's copy may come before the stream's line
		}
		items := []syncItem{
			{ev: hsync.Event{Kind: hsync.Sent, Device: "a", Line: "update config-sync", Step: -1}},
			{ev: hsync.Event{Kind: hsync.RemoteErrorLine, Device: "a", Line: remote, Step: -1}},
		}
		m.syncLines(syncLinesMsg{idx: 0, id: uint64(round), items: items})
		if round == 1 {
			monitor(remote) // or after
		}
		res := &hsync.Result{Errors: []hsync.RemoteError{{Path: refused, Step: -1, Lines: []string{remote}}}}
		done := &syncOutcome{res: res, err: fmt.Errorf("b: %w", hsync.ErrRemoteRefused), unchanged: 1}
		m.syncLines(syncLinesMsg{idx: 0, id: uint64(round), items: []syncItem{{done: done}}})

		if rt.stream == nil || rt.stream.lines != len(items)+1 {
			t.Errorf("round %d: the banner counts %v line(s), want %d (this sync's)", round, rt.stream, len(items)+1)
		}
		var errs []string
		for _, e := range rt.log.Entries() {
			if e.Err {
				errs = append(errs, e.Kind+": "+e.Text)
			}
		}
		if len(errs) != round {
			t.Errorf("round %d: %d error entries, want one per refusal:\n%s", round, len(errs), strings.Join(errs, "\n"))
		}
		e, ok := rt.log.Target()
		if !ok || !strings.Contains(e.Text, fmt.Sprintf("round %d", round)) || e.Path.String() != refused.String() {
			t.Errorf("round %d: the pinned error %q (path %v), want this round's, tied to %s", round, e.Text, e.Path, refused)
		}
	}
}
