package lab

import (
	"net"
	"sync"
)

// connSet is the live connections of a server: closing it drops them all
// and waits for their goroutines and the accept loop's.
type connSet struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// acceptConns starts the accept loop of a server in its own goroutine:
// each connection accept returns is served by serve in its own goroutine
// and closed after it, unless refuse (may be nil) says to close it at
// once. The loop ends when accept fails or the set is closed.
func acceptConns[C net.Conn](cs *connSet, accept func() (C, error), refuse func() bool, serve func(C)) {
	cs.mu.Lock()
	if cs.conns == nil {
		cs.conns = map[net.Conn]bool{}
	}
	cs.mu.Unlock()
	cs.wg.Add(1)
	go func() {
		defer cs.wg.Done()
		for {
			c, err := accept()
			if err != nil {
				return
			}
			if refuse != nil && refuse() {
				c.Close()
				continue
			}
			cs.mu.Lock()
			if cs.closed {
				cs.mu.Unlock()
				c.Close()
				return
			}
			cs.conns[c] = true
			cs.mu.Unlock()
			cs.wg.Add(1)
			go func() {
				defer cs.wg.Done()
				serve(c)
				cs.mu.Lock()
				delete(cs.conns, c)
				cs.mu.Unlock()
				c.Close()
			}()
		}
	}()
}

// closeAll marks the set closed and closes every live connection; the
// caller then closes the listener and calls wait.
func (cs *connSet) closeAll() {
	cs.mu.Lock()
	cs.closed = true
	for c := range cs.conns {
		c.Close()
	}
	cs.mu.Unlock()
}

// drop closes every live connection, as a link lost, and returns how many
// it closed; the set goes on taking new ones.
func (cs *connSet) drop() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	n := 0
	for c := range cs.conns {
		c.Close()
		n++
	}
	return n
}

// wait waits for the accept loop and every connection's goroutine.
func (cs *connSet) wait() { cs.wg.Wait() }
