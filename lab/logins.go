package lab

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Logins are a device's interactive logins, for `show users` (Vyatta)
// and `display users` (Huawei). Safe for concurrent use.
type Logins struct {
	mu sync.Mutex
	m  map[int]*Login
}

// Login is one interactive login.
type Login struct {
	// Line is the login's line number (pts/N, VTY N), the lowest free
	// one when it logged in.
	Line int
	User string
	// From is the client's address.
	From  string
	Since time.Time
}

// Add records a login of user from the session ctx serves; remove ends
// it.
func (l *Logins) Add(ctx context.Context, user string, now time.Time) (*Login, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[int]*Login{}
	}
	line := 0
	for l.m[line] != nil {
		line++
	}
	in := &Login{Line: line, User: user, From: RemoteHost(ctx), Since: now}
	l.m[line] = in
	return in, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.m[line] == in {
			delete(l.m, line)
		}
	}
}

// List is the logins by line.
func (l *Logins) List() []Login {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Login, 0, len(l.m))
	for _, in := range l.m {
		out = append(out, *in)
	}
	slices.SortFunc(out, func(a, b Login) int { return a.Line - b.Line })
	return out
}
