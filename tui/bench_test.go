package tui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
)

// BenchmarkListKey is one key press (j) on a list of 500 pairs at 200x50:
// Update then View, as the program runs them.
func BenchmarkListKey(b *testing.B) {
	inv := &inventory.Inventory{}
	for i := range 500 {
		dev := func(n string) *inventory.Device {
			return &inventory.Device{Name: fmt.Sprintf("%s-%d", n, i), Family: config.Vyatta, Address: "192.0.2.1"}
		}
		inv.Pairs = append(inv.Pairs, &inventory.Pair{Name: fmt.Sprintf("pair-%03d", i), Family: config.Vyatta,
			Devices: [2]*inventory.Device{dev("a"), dev("b")}})
	}
	m := New(context.Background(), Options{Inventory: inv})
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	j, k := press("j"), press("k")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%400 < 200 {
			m.Update(j)
		} else {
			m.Update(k)
		}
		i++
		_ = m.View()
	}
}
