package pair

import (
	"context"
	"fmt"
	"time"
)

// A shared pair (Options.Shared) is read by many callers at once: the
// served console's sessions. When one of them gives up a read (its
// session ended, the server shuts down), cutting the command would send
// ^C on the one SSH session every caller uses and drain its output; a
// prompt that does not come back in time closes that session, and every
// caller sees the device lost. So the caller stops waiting at once, and
// the command finishes on the pair's own context (it ends at Close).

// await runs f on the pair's own context and waits for it or for ctx,
// whichever ends first; false: ctx ended first, and f goes on to its end.
func (p *Pair) await(ctx context.Context, f func(base context.Context)) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(p.base)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// refreshShared is Refresh on a shared pair: the read runs on the pair's
// context; a caller whose ctx ends (waiting for another refresh, or
// during its own) gets unread's snapshot and ctx's error.
func (p *Pair) refreshShared(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return p.unread(err), err
	}
	select {
	case p.refreshing <- struct{}{}:
	case <-ctx.Done():
		return p.unread(ctx.Err()), ctx.Err()
	}
	var s *Snapshot
	who := asker(ctx)
	read := func(base context.Context) {
		defer func() { <-p.refreshing }()
		s = p.refresh(base, who)
	}
	if !p.await(ctx, read) {
		return p.unread(ctx.Err()), ctx.Err()
	}
	return s, nil
}

// unread is the snapshot a caller that gave up a read gets: neither
// device read by it (err says why), no trees, no comparison, so that
// nothing is planned from it. The pair's own snapshot is not changed.
func (p *Pair) unread(err error) *Snapshot {
	s := &Snapshot{Pair: p.spec.Name, Family: p.spec.Family, Source: p.spec.Source, At: time.Now()}
	for i, m := range p.members {
		s.Devices[i] = DeviceState{Name: m.dev.Name, Sessions: -1,
			Err: fmt.Errorf("%s: not read: %w", m.dev.Name, err), Reason: Classify(err)}
	}
	return s
}
