package pair

import (
	"fmt"
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
	// SyncStarted: a write to the pair took its lock: a sync
	// (backend/sync.Apply) or a sync-map save (the console); Holder is
	// who runs it, Device its target, Sync what it does (Sync.Kind).
	SyncStarted
	// SyncLine: one line of a running write, as it happens: Holder,
	// Device (the member the line is typed on or printed by; empty for
	// the write's own progress), Line (secrets masked), Step and LineKind.
	SyncLine
	// SyncDone: the write ended and released the lock: Holder, Device
	// (the target), Sync with its Outcome, Err why it failed (nil: ok).
	SyncDone
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
	case SyncStarted:
		return "sync-started"
	case SyncLine:
		return "sync-line"
	case SyncDone:
		return "sync-done"
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

	// Holder is who runs the write (SyncStarted, SyncLine, SyncDone): as
	// the pair's lock names it, "user@host (hasync sync, pid N)", or a
	// served session's SSH user and key fingerprint ("alice (session 3,
	// key SHA256:…)").
	Holder string
	// Asker is who asked for a Refreshed event's read (Asking): "" the
	// pair's own (connect, interval, RequestRefresh).
	Asker string
	// Step is a SyncLine's plan step (index into the plan's steps), -1
	// when the line belongs to none (configure, commit, a remote line
	// read while commands are typed ahead).
	Step int
	// LineKind is what a SyncLine is.
	LineKind SyncLineKind
	// Sync is the sync's direction and size (SyncStarted), and at
	// SyncDone its outcome too.
	Sync *SyncSummary
}

// SyncLineKind is what one line of a sync is.
type SyncLineKind int

const (
	// SyncSent: a command hasync typed on the device (masked).
	SyncSent SyncLineKind = iota
	// SyncRemote: a line the device printed.
	SyncRemote
	// SyncInfo: hasync's own progress (re-reading, committing, verified).
	SyncInfo
	// SyncRemoteError: a line the device printed that says it refused
	// something: a refused command, a commit error block's message or
	// its `[[subtree]] failed`, `Commit failed`, a config-sync error
	// (device.ErrorLine; DOMAIN.md "Commit and compare output", "Huawei
	// family").
	SyncRemoteError
	// SyncHolderGone: hasync's word that the session running the write
	// ended (its client gone) while the write goes on, on the server.
	SyncHolderGone
)

func (k SyncLineKind) String() string {
	switch k {
	case SyncSent:
		return "sent"
	case SyncRemote:
		return "remote"
	case SyncInfo:
		return "info"
	case SyncRemoteError:
		return "remote-error"
	case SyncHolderGone:
		return "holder-gone"
	}
	return "unknown"
}

// SyncKind is what a write to the pair is.
type SyncKind int

const (
	// KindSync: hasync's plan pushed onto the target (hasync sync, S).
	KindSync SyncKind = iota
	// KindRollback: the inverse of the last sync (--rollback, R).
	KindRollback
	// KindNative: a device-native sync (VRA `update config-sync`, Huawei
	// `hrp sync config`).
	KindNative
	// KindMapSave: a sync-map written to the member that carries it (the
	// console's Sync-maps tab).
	KindMapSave
	// KindSave: the running configurations saved, nothing sent (hasync
	// sync --save with nothing to send).
	KindSave
)

func (k SyncKind) String() string {
	switch k {
	case KindSync:
		return "sync"
	case KindRollback:
		return "rollback"
	case KindNative:
		return "native sync"
	case KindMapSave:
		return "sync-map save"
	case KindSave:
		return "save"
	}
	return "unknown"
}

// SyncSummary describes one write to the pair: a sync or a map save.
type SyncSummary struct {
	Kind SyncKind
	// Source and Target name the devices (Source may be a kept
	// configuration's label for a rollback; empty for a map save, whose
	// Target is the member that carries the map).
	Source, Target string
	// Map is the sync-map a map save writes ("" for a sync).
	Map string
	// Commands is the number of commands the write types.
	Commands int
	// Outcome (SyncDone) is the audit record's result: "ok", "refused",
	// "stale", "unexpected" or "failed" (backend/audit.Result).
	Outcome string
	// Committed (SyncDone): the target took the change.
	Committed bool
	// Errors (SyncDone) counts the remote's errors.
	Errors int
}

// Title names the write: "sync vra-a → vra-b", "rollback vra-a →
// vra-b", "native sync vra-a → vra-b", "sync-map save LAB-SYNC on vra-a"
// (arrow: "→", or "->" in ASCII).
func (s SyncSummary) Title(arrow string) string {
	switch s.Kind {
	case KindMapSave:
		return fmt.Sprintf("%s %s on %s", s.Kind, s.Map, s.Target)
	case KindSave:
		return fmt.Sprintf("save of %s and %s", s.Source, s.Target)
	}
	return fmt.Sprintf("%s %s %s %s", s.Kind, s.Source, arrow, s.Target)
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
