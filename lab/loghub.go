package lab

import "sync"

// LogHub fans a device's log lines out to its subscribers (`monitor log`,
// the asynchronous messages of an open CLI) and keeps the last lines for a
// late reader (`show log`). It is safe for concurrent use.
type LogHub struct {
	buffer, keep int

	mu     sync.Mutex
	subs   map[int]chan string
	nextID int
	recent []string
}

// NewLogHub makes a hub whose subscriptions buffer up to buffer lines and
// which keeps the last keep lines for Recent (none when keep is zero).
func NewLogHub(buffer, keep int) *LogHub {
	return &LogHub{buffer: buffer, keep: keep, subs: map[int]chan string{}}
}

// Publish sends line to every subscriber. A subscriber that does not keep
// up loses lines rather than blocking the device.
func (h *LogHub) Publish(line string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.keep > 0 {
		h.recent = append(h.recent, line)
		if len(h.recent) > h.keep {
			h.recent = h.recent[len(h.recent)-h.keep:]
		}
	}
	for _, ch := range h.subs {
		select {
		case ch <- line:
		default:
		}
	}
}

// Subscribe returns a channel of the lines published from now on, and a
// func that ends the subscription (safe to call more than once).
func (h *LogHub) Subscribe() (<-chan string, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.nextID
	h.nextID++
	ch := make(chan string, h.buffer)
	h.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.subs, id)
		})
	}
}

// Recent returns a copy of the last lines kept, oldest first.
func (h *LogHub) Recent() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.recent...)
}

// Subscribers is the number of open subscriptions.
func (h *LogHub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
