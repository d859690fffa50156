package pair

import (
	"context"
	"runtime"
	"sync"

	"github.com/hasync/hasync/backend/inventory"
)

// All makes a Pair of every pair of the inventory, in file order.
func All(inv *inventory.Inventory, opt Options) []*Pair {
	ps := make([]*Pair, len(inv.Pairs))
	for i, spec := range inv.Pairs {
		ps[i] = New(spec, opt)
	}
	return ps
}

// RefreshAll refreshes the pairs with at most limit pairs at a time (each
// pair reads its two devices concurrently, so up to 2*limit connections
// work at once; limit < 1 is 4 per CPU) and returns their snapshots in
// the order given. It stops starting pairs when ctx ends; a pair not
// refreshed keeps its last snapshot.
func RefreshAll(ctx context.Context, ps []*Pair, limit int) []*Snapshot {
	if limit < 1 {
		limit = 4 * runtime.NumCPU()
	}
	out := make([]*Snapshot, len(ps))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, p := range ps {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			out[i] = p.Snapshot()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], _ = p.Refresh(ctx)
		})
	}
	wg.Wait()
	return out
}

// CloseAll closes every pair.
func CloseAll(ps []*Pair) {
	for _, p := range ps {
		p.Close()
	}
}
