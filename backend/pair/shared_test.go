package pair

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/vyatta"
)

// TestSharedRefreshGivenUp: on a shared pair, a caller that gives up its
// read (its session ended) under a slow line-by-line fault gets its
// answer before the read ends (no Refreshed event yet), while the read
// goes on; a second caller's read then works on the same connections:
// no loss, no reconnect, one connection per device counted at the lab.
func TestSharedRefreshGivenUp(t *testing.T) {
	lp, spec := labVyatta(t, vyatta.PairOptions{})
	o := testOptions()
	o.Shared = true
	p := newPair(t, spec, o)
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	sub, stop := p.Subscribe(4096)
	defer stop()

	// 300 lines at 100 ms each: the configuration alone takes 30 s.
	lp.A.Faults.SetDelay(100 * time.Millisecond)
	lp.B.Faults.SetDelay(100 * time.Millisecond)
	first, giveUp := context.WithCancel(ctx)
	type answer struct {
		s   *Snapshot
		err error
	}
	got := make(chan answer, 1)
	go func() {
		s, err := p.Refresh(first)
		got <- answer{s, err}
	}()
	time.Sleep(500 * time.Millisecond) // the read under way (no assertion on it)
	giveUp()
	a := <-got
	for len(sub.C) > 0 {
		if e := <-sub.C; e.Kind == Refreshed {
			t.Fatal("the caller that gave up waited for the read's end")
		}
	}
	if !errors.Is(a.err, context.Canceled) {
		t.Errorf("the given-up refresh: %v", a.err)
	}
	for _, d := range a.s.Devices {
		if d.Tree != nil || !errors.Is(d.Err, context.Canceled) {
			t.Errorf("%s in the given-up refresh: tree %v, err %v", d.Name, d.Tree != nil, d.Err)
		}
	}

	lp.A.Faults.SetDelay(0)
	lp.B.Faults.SetDelay(0)
	s, err := p.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Devices {
		checkRead(t, &s.Devices[i])
	}
	refreshed := 0
	for len(sub.C) > 0 {
		switch e := <-sub.C; e.Kind {
		case Lost, Connected, Error:
			t.Errorf("%s %s: %v", e.Device, e.Kind, e.Err)
		case Refreshed:
			refreshed++
		}
	}
	if refreshed != 2 {
		t.Errorf("%d refreshes published, want 2 (the given-up read's, then the second caller's)", refreshed)
	}
	if a, b := lp.A.SSH.DropSessions(), lp.B.SSH.DropSessions(); a != 1 || b != 1 {
		t.Errorf("the lab counts %d and %d connections, want one per device", a, b)
	}
}

// TestRefreshAsker: a read asked through Asking names its asker in its
// Refreshed event, on a shared pair too (its read runs on the pair's own
// context); a read asked by nobody (the pair's own) names none.
func TestRefreshAsker(t *testing.T) {
	_, spec := labVyatta(t, vyatta.PairOptions{})
	for _, shared := range []bool{false, true} {
		o := testOptions()
		o.Shared = shared
		p := newPair(t, spec, o)
		ctx := testCtx(t)
		sub, stop := p.Subscribe(4096)
		for _, who := range []string{"alice (session 3, key SHA256:abc) pressed r", ""} {
			rctx := ctx
			if who != "" {
				rctx = Asking(ctx, who)
			}
			s, err := p.Refresh(rctx)
			if err != nil {
				t.Fatal(err)
			}
			for e := range sub.C {
				if e.Kind == Refreshed && e.Snapshot == s {
					if e.Asker != who {
						t.Errorf("shared %v: the read's event names %q, want %q", shared, e.Asker, who)
					}
					break
				}
			}
		}
		stop()
	}
}
