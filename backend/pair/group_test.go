package pair

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestRefreshAll: several pairs refreshed with bounded concurrency, each
// snapshot in the order given and fully read.
func TestRefreshAll(t *testing.T) {
	inv := &inventory.Inventory{}
	for i := range 3 {
		_, spec := labHuawei(t, huawei.PairOptions{Lines: 100})
		spec.Name += "-" + strconv.Itoa(i+1)
		inv.Pairs = append(inv.Pairs, spec)
	}
	ps := All(inv, testOptions())
	defer CloseAll(ps)
	snaps := RefreshAll(testCtx(t), ps, 2)
	for i, s := range snaps {
		if s.Pair != inv.Pairs[i].Name {
			t.Errorf("snapshot %d is %s", i, s.Pair)
		}
		for j := range s.Devices {
			checkRead(t, &s.Devices[j])
		}
	}
	// A cancelled context starts nothing and returns the last snapshots.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i, s := range RefreshAll(ctx, ps, 1) {
		if s != snaps[i] {
			t.Errorf("pair %d refreshed after cancel", i)
		}
	}
}

// BenchmarkRefresh: one refresh of a connected pair (both devices read:
// configuration, HA, saved state, and the comparison), per configuration
// size.
func BenchmarkRefresh(b *testing.B) {
	for _, lines := range []int{1000, 10000} {
		b.Run("vyatta-"+strconv.Itoa(lines), func(b *testing.B) {
			p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir(), Lines: lines})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			b.Setenv("HASYNC_LAB_PASSWORD", "")
			inv, err := inventory.Load(p.Inventory)
			if err != nil {
				b.Fatal(err)
			}
			pr := New(inv.Pairs[0], testOptions())
			defer pr.Close()
			ctx := context.Background()
			if err := pr.Connect(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				s, _ := pr.Refresh(ctx)
				if s.Devices[1].Err != nil || s.InScope() < 0 {
					b.Fatalf("%v %v", s.Devices[1].Err, s.CompareErr)
				}
			}
		})
	}
}

// BenchmarkRefreshAllInventory refreshes every pair of the inventory named
// by $HASYNC_BENCH_INVENTORY (e.g. the one `hasync lab --pairs 100`
// writes) with $HASYNC_BENCH_LIMIT pairs at a time (default 4 per CPU),
// dialling afresh each time, as `hasync status` does. Skipped without it.
func BenchmarkRefreshAllInventory(b *testing.B) {
	path := os.Getenv("HASYNC_BENCH_INVENTORY")
	if path == "" {
		b.Skip("set HASYNC_BENCH_INVENTORY to an inventory (hasync lab --pairs 100 --dir DIR writes DIR/inventory.yaml)")
	}
	limit, _ := strconv.Atoi(os.Getenv("HASYNC_BENCH_LIMIT"))
	inv, err := inventory.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		ps := All(inv, testOptions())
		for _, s := range RefreshAll(ctx, ps, limit) {
			for _, d := range s.Devices {
				if d.Err != nil {
					b.Fatalf("%s: %v", d.Name, d.Err)
				}
			}
		}
		CloseAll(ps)
	}
	b.ReportMetric(float64(len(inv.Pairs)), "pairs")
}
