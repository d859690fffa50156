package tui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/views"
)

// BenchmarkSyncLines: the console's own cost of a sync's stream: a batch
// of 1,024 remote lines taken into the Log (Update) and a 200x50 frame of
// the Log tab (View), per line. No I/O.
func BenchmarkSyncLines(b *testing.B) {
	spec := &inventory.Pair{Name: "p", Devices: [2]*inventory.Device{{Name: "a"}, {Name: "b"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	m.screen, m.tab = ScreenPair, TabLog
	rt := m.pairs[0]
	items := make([]syncItem, 1024)
	for i := range items {
		items[i] = syncItem{ev: hsync.Event{Kind: hsync.Remote, Device: "b", Line: fmt.Sprintf("commit output line %d of the remote", i), Step: -1}}
	}
	b.ResetTimer()
	for range b.N {
		rt.log = views.NewLog()
		rt.log.SetSize(200, 45)
		rt.run = &syncRun{id: 1, prep: &hsync.Prepared{Source: "a", Target: "b", Plan: &plan.Plan{}}, ch: make(chan syncItem)}
		m.syncLines(syncLinesMsg{idx: 0, id: 1, items: items})
		_ = m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/line")
}
