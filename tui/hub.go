package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
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

	mu      sync.Mutex
	cancel  context.CancelFunc
	running sync.WaitGroup
	closed  bool
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
	h := &Hub{log: log}
	if inv != nil {
		h.pairs = pair.All(inv, opt)
	}
	return h
}

// Pairs are the shared pairs, in inventory order.
func (h *Hub) Pairs() []*pair.Pair { return h.pairs }

// Start runs every pair (pair.Run) until ctx ends or Close.
func (h *Hub) Start(ctx context.Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.cancel != nil {
		return
	}
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

// Syncing lists the syncs running on the hub's pairs now, as "pair:
// holder" (pair.SyncHolder, contract 1).
func (h *Hub) Syncing() []string {
	var out []string
	for _, p := range h.pairs {
		if info, ok := p.SyncHolder(); ok {
			out = append(out, p.Name()+": "+info.Holder)
		}
	}
	return out
}

// WaitSyncs waits until no sync holds a pair's lock, or ctx ends (the
// error then names the syncs still running). A sync that was committing
// when its session's context was cancelled finishes and verifies first.
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
			return fmt.Errorf("%w: still syncing: %s", ctx.Err(), strings.Join(busy, "; "))
		case <-t.C:
		}
	}
}
