package pair

import (
	"sync"
	"time"
)

// EventKind is what happened.
type EventKind int

const (
	// Connected: a device's session is open (logged in, pager off).
	Connected EventKind = iota + 1
	// Lost: an open connection went away; a reconnect follows under Run.
	Lost
	// Refreshed: both devices were read (each may have failed: see the
	// Snapshot); Event.Snapshot is the new one.
	Refreshed
	// Error: a dial or a read failed; Err and Reason say why.
	Error
	// SyncError: the device reported a device-native config-sync failure
	// (Vyatta `monitor log`: `config-sync error ...`, DOMAIN.md
	// "config-sync (VRA)"); Line is the device's line.
	SyncError
	// Log: an asynchronous log line of the device (Huawei prints them in
	// the session); Line is the line.
	Log
)

func (k EventKind) String() string {
	switch k {
	case Connected:
		return "connected"
	case Lost:
		return "lost"
	case Refreshed:
		return "refreshed"
	case Error:
		return "error"
	case SyncError:
		return "sync-error"
	case Log:
		return "log"
	}
	return "unknown"
}

// Event is one thing that happened to a pair.
type Event struct {
	Kind EventKind
	Pair string
	// Device is the member concerned; empty for Refreshed.
	Device string
	At     time.Time
	Err    error
	Reason Reason
	// Line is the device's own line (SyncError, Log).
	Line string
	// Snapshot is the pair after a refresh (Refreshed only).
	Snapshot *Snapshot
}

// Subscription receives a pair's events.
type Subscription struct {
	// C delivers the events in order. When the reader falls behind, the
	// oldest unread events are dropped (Dropped counts them): the pair
	// never waits for a subscriber, and Snapshot has the latest state.
	C <-chan Event

	c       chan Event
	mu      sync.Mutex
	dropped int
	closed  bool
}

// Dropped is the number of events dropped because the reader was slow.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// send delivers e without blocking: when the buffer is full the oldest
// event makes room.
func (s *Subscription) send(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for {
		select {
		case s.c <- e:
			return
		default:
		}
		select {
		case <-s.c:
			s.dropped++
		default:
		}
	}
}

func (s *Subscription) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.c)
	}
}

// hub fans events out to subscribers.
type hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func (h *hub) subscribe(buf int) (*Subscription, func()) {
	if buf < 1 {
		buf = 64
	}
	s := &Subscription{c: make(chan Event, buf)}
	s.C = s.c
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[*Subscription]struct{}{}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s, func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
		s.close()
	}
}

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.send(e)
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.close()
		delete(h.subs, s)
	}
}
