package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
)

// Hub is the pairs the served console shares between its sessions: one
// pair.Pair per inventory pair, so one connection per device however many
// sessions watch it (contract 3). The hub runs them (connect, refresh,
// reconnect); each session's model subscribes to their events, refreshes
// them on request and never runs or closes them.
//
// A hub asks nobody anything: the server has no terminal, and a served
// session is never shown a password or host-key dialog. Credentials come
// from the inventory (password_env, password_file, keys, agent) and host
// keys must be pinned (the inventory's known_hosts, or the user's); a
// device that would need a prompt shows why it cannot connect instead.
type Hub struct {
	pairs []*pair.Pair
	log   *slog.Logger
	// recent keeps each pair's latest events, so that a session that
	// joins late starts from what the others saw (connection states, a
	// sync in progress with its lines so far), not from silence until the
	// next event.
	recent []*recentEvents

	mu      sync.Mutex
	cancel  context.CancelFunc
	running sync.WaitGroup
	closed  bool
	// life is the context the sessions' syncs run on: it outlives every
	// session and ends only at Close. stopping ends when the server
	// begins to shut down (Start's context): a sync not yet committing is
	// then cancelled.
	life, stopping context.Context
	endLife        context.CancelFunc
}

// syncContext is what a session's sync runs on: a context its session's
// end does not cancel (the hub's life; nil before Start), and the one
// whose end cancels a sync that is not yet committing (the server's
// shutdown).
func (h *Hub) syncContext() (life, stopping context.Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.life, h.stopping
}

// NewHub makes the shared pairs of inv with opt; opt's prompts are
// dropped and unknown host keys are refused unless the inventory's
// device accepts new keys itself. Nothing is dialled until Start.
func NewHub(inv *inventory.Inventory, opt pair.Options, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opt.Prompt, opt.Passphrase, opt.OnUnknownHost = nil, nil, nil
	opt.AcceptNew = false
	// Every session reads these pairs: one giving up a read (its end,
	// the server's shutdown) neither cuts it for the others nor waits.
	opt.Shared = true
	opt.Diff.MaskSecrets = true // as tui.New: status and sync compare secrets masked
	h := &Hub{log: log}
	if inv != nil {
		h.pairs = pair.All(inv, opt)
	}
	for _, p := range h.pairs {
		r := &recentEvents{}
		r.sub, _ = p.Subscribe(recentBuffer)
		h.recent = append(h.recent, r)
		go r.keep() // ends when the pair closes its subscriptions
	}
	return h
}

// recentMax is how many of a pair's latest events the hub keeps for late
// sessions; recentBuffer its subscription's buffer (a sync streams its
// lines fast).
const (
	recentMax    = 4096
	recentBuffer = 8192
)

// recentEvents is one pair's latest events.
type recentEvents struct {
	sub *pair.Subscription

	mu     sync.Mutex
	events []pair.Event // oldest first, at most recentMax
	// started is the last sync's SyncStarted, kept when the ring
	// dropped it: a late session needs it to name the sync's devices.
	started *pair.Event
	// received and kept count the events taken from sub and stored:
	// equal, with sub empty, when the ring has all the pair published.
	received, kept atomic.Int64
}

func (r *recentEvents) keep() {
	for e := range r.sub.C {
		r.received.Add(1)
		if e.Kind == pair.Refreshed {
			r.forgetSnapshots()
		}
		r.mu.Lock()
		if len(r.events) == recentMax {
			switch old := r.events[0]; old.Kind {
			case pair.SyncStarted:
				r.started = &old
			case pair.SyncDone:
				r.started = nil // that sync's lines are gone too
			}
			r.events = append(r.events[:0], r.events[1:]...)
		}
		if e.Kind == pair.SyncStarted {
			r.started = nil
		}
		r.events = append(r.events, e)
		r.mu.Unlock()
		r.kept.Add(1)
	}
}

// forgetSnapshots drops the snapshots of the refreshes kept: a late
// session needs only the newest (the pair's own Snapshot), and each holds
// both configurations.
func (r *recentEvents) forgetSnapshots() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.events {
		r.events[i].Snapshot = nil
	}
}

// Recent is what a session that subscribed to pair i at since missed:
// the pair's kept events from before then, oldest first (the start of a
// sync still streaming first, when the ring no longer holds it).
func (h *Hub) Recent(i int, since time.Time) []pair.Event {
	if i < 0 || i >= len(h.recent) {
		return nil
	}
	r := h.recent[i]
	// Let the keeper catch up with what the pair published before the
	// session subscribed (it lags by a few microseconds at most).
	for range 200 {
		if len(r.sub.C) == 0 && r.received.Load() == r.kept.Load() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []pair.Event
	if r.started != nil && r.started.At.Before(since) {
		out = append(out, *r.started)
	}
	for _, e := range r.events {
		if !e.At.Before(since) {
			break
		}
		out = append(out, e)
	}
	return out
}

// Pairs are the shared pairs, in inventory order.
func (h *Hub) Pairs() []*pair.Pair { return h.pairs }

// Start runs every pair (pair.Run) until ctx ends or Close. ctx is the
// server's: when it ends (shutdown begins), the sessions' syncs that are
// not yet committing are cancelled; the others finish on the hub's own
// context, which ends at Close.
func (h *Hub) Start(ctx context.Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.cancel != nil {
		return
	}
	h.stopping = ctx
	h.life, h.endLife = context.WithCancel(context.WithoutCancel(ctx))
	ctx, h.cancel = context.WithCancel(ctx)
	for _, p := range h.pairs {
		h.running.Go(func() {
			if err := p.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				h.log.Error("pair run ended", logPair, p.Name(), logErr, err)
			}
		})
	}
}

// Close stops the pairs' runs, waits for them and closes every
// connection. Call it after the sessions ended and the syncs finished
// (Server.Shutdown does).
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	if h.cancel != nil {
		h.cancel()
	}
	h.mu.Unlock()
	h.running.Wait()
	h.mu.Lock()
	if h.endLife != nil {
		h.endLife()
	}
	h.mu.Unlock()
	pair.CloseAll(h.pairs)
}

// read tells whether a refresh made s (a device read or failed), rather
// than pair.New's empty first snapshot.
func read(s *pair.Snapshot) bool {
	for _, d := range s.Devices {
		if d.Tree != nil || d.Err != nil || d.Reachable {
			return true
		}
	}
	return false
}

// Syncing lists the writes (syncs, sync-map saves) running on the hub's
// pairs now, as "pair: holder" (pair.SyncHolder, contract 1).
func (h *Hub) Syncing() []string {
	var out []string
	for _, p := range h.pairs {
		if info, ok := p.SyncHolder(); ok {
			out = append(out, p.Name()+": "+info.Holder)
		}
	}
	return out
}

// WaitSyncs waits until no write (a sync, a sync-map save) holds a
// pair's lock, or ctx ends (the error then names those still running). A
// sync that was committing when the shutdown began finishes and verifies
// first. Reads hold no lock: they are not waited for.
func (h *Hub) WaitSyncs(ctx context.Context) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		busy := h.Syncing()
		if len(busy) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the shutdown grace ended (%w) with a write still holding its pair's lock: %s", ctx.Err(), strings.Join(busy, "; "))
		case <-t.C:
		}
	}
}
