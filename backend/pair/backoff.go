package pair

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff spaces reconnect attempts: Min after the first failure, doubled
// after each further one up to Max, each wait jittered by up to a fifth
// either way so many pairs do not dial in step.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff is 1s doubling to 1m.
var DefaultBackoff = Backoff{Min: time.Second, Max: time.Minute}

// Delay is the wait before attempt n (n >= 1 failures so far).
func (b Backoff) Delay(n int) time.Duration {
	if b.Min <= 0 {
		b.Min = DefaultBackoff.Min
	}
	if b.Max < b.Min {
		b.Max = b.Min
	}
	d := b.Min
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) * 2
	return d - d/5 + jitter
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
