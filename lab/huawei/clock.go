package huawei

import (
	"sync"
	"time"
)

// Clock is the device's time: the session ageing, the HRP transition
// times and the heartbeat's ticks read it, so a test can move time
// instead of sleeping (FakeClock). Network pacing (write deadlines,
// redials, the paced output) stays on real time.
type Clock interface {
	Now() time.Time
	// NewTicker ticks every d; like time.Ticker it keeps at most one tick
	// waiting, so a reader that falls behind sees one tick, not a burst.
	NewTicker(d time.Duration) Ticker
}

// Ticker is a Clock's ticker.
type Ticker interface {
	C() <-chan time.Time
	Reset(d time.Duration)
	Stop()
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// NewTicker is time.NewTicker.
func (RealClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time   { return r.t.C }
func (r realTicker) Reset(d time.Duration) { r.t.Reset(d) }
func (r realTicker) Stop()                 { r.t.Stop() }

// FakeClock is a Clock that moves only when Advance is called. It is
// safe for concurrent use.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	tickers []*fakeTicker
}

// NewFakeClock starts a fake clock at start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now is the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker makes a ticker that ticks as Advance crosses its periods.
func (c *FakeClock) NewTicker(d time.Duration) Ticker {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTicker{c: c, ch: make(chan time.Time, 1), period: d, next: c.now.Add(d)}
	c.tickers = append(c.tickers, t)
	return t
}

// Advance moves the clock by d. A ticker whose period ends on the way
// ticks once (a tick already waiting is not doubled, as with
// time.Ticker).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.tickers {
		if t.stopped || t.next.After(c.now) {
			continue
		}
		select {
		case t.ch <- c.now:
		default:
		}
		for !t.next.After(c.now) {
			t.next = t.next.Add(t.period)
		}
	}
}

// Idle reports whether every live ticker's tick was taken by its reader.
func (c *FakeClock) Idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tickers {
		if !t.stopped && len(t.ch) > 0 {
			return false
		}
	}
	return true
}

// liveTickers is how many live tickers the clock has (a test waits for both
// heartbeats' before it moves time).
func (c *FakeClock) liveTickers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.tickers {
		if !t.stopped {
			n++
		}
	}
	return n
}

type fakeTicker struct {
	c       *FakeClock
	ch      chan time.Time
	period  time.Duration
	next    time.Time
	stopped bool
}

func (t *fakeTicker) C() <-chan time.Time { return t.ch }

func (t *fakeTicker) Reset(d time.Duration) {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.stopped {
		t.c.tickers = append(t.c.tickers, t)
	}
	t.period, t.next, t.stopped = d, t.c.now.Add(d), false
}

func (t *fakeTicker) Stop() {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.stopped = true
	for i, x := range t.c.tickers {
		if x == t {
			t.c.tickers = append(t.c.tickers[:i], t.c.tickers[i+1:]...)
			break
		}
	}
}
