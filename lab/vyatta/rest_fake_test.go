package vyatta

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// restFakeDevice is a device reduced to a map of set lines, so that the
// REST routing and session rules are tested apart from the CLI engine.
type restFakeDevice struct {
	mu      sync.Mutex
	running map[string]bool
	saved   map[string]bool
	commits int
	// gate, when set, blocks each commit until it is closed.
	gate chan struct{}
	// ops are the operational commands: name -> lines, "stream" streams
	// until cancelled.
	opLines map[string][]string
}

func restFakeNew(lines ...string) *restFakeDevice {
	d := &restFakeDevice{running: map[string]bool{}, opLines: map[string][]string{
		"show version": {"Version:      VyOS 1.4-lab", "Built by:     hasync lab"},
	}}
	for _, l := range lines {
		d.running[l] = true
	}
	return d
}

func (d *restFakeDevice) Running() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for l := range d.running {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func (d *restFakeDevice) Save() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.saved = map[string]bool{}
	for l := range d.running {
		d.saved[l] = true
	}
	return nil
}

func (d *restFakeDevice) Op(ctx context.Context, words []string, out func(string)) error {
	cmd := strings.Join(words, " ")
	if cmd == "monitor log" {
		// Like the device: some lines, then nothing until stopped.
		for i := range 5 {
			out(fmt.Sprintf("log line %d", i))
		}
		<-ctx.Done()
		return ctx.Err()
	}
	lines, ok := d.opLines[cmd]
	if !ok {
		return fmt.Errorf("Invalid command: [%s]", cmd)
	}
	for _, l := range lines {
		out(l)
	}
	return nil
}

func (d *restFakeDevice) open(user string) confSession {
	return &restFakeSession{d: d, cand: map[string]bool{}, del: map[string]bool{}}
}

type restFakeSession struct {
	d         *restFakeDevice
	cand, del map[string]bool
}

func (s *restFakeSession) Set(words []string) error {
	if len(words) < 2 {
		return fmt.Errorf("Configuration path: [%s] is not valid\nSet failed", strings.Join(words, " "))
	}
	s.cand[strings.Join(words, " ")] = true
	return nil
}

func (s *restFakeSession) Delete(words []string) error {
	key := strings.Join(words, " ")
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if !s.d.running[key] && !s.cand[key] {
		return errors.New("Nothing to delete (the specified node does not exist)")
	}
	delete(s.cand, key)
	s.del[key] = true
	return nil
}

func (s *restFakeSession) Show(words []string) (string, error) {
	prefix := strings.Join(words, " ")
	var out []string
	for _, l := range s.d.Running() {
		if strings.HasPrefix(l, prefix) && !s.del[l] {
			out = append(out, l)
		}
	}
	for l := range s.cand {
		if strings.HasPrefix(l, prefix) && !s.d.running[l] {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n"), nil
}

func (s *restFakeSession) Changed() bool { return len(s.cand)+len(s.del) > 0 }

func (s *restFakeSession) Commit(ctx context.Context, out func(string)) error {
	if g := s.d.gate; g != nil {
		<-g
	}
	for l := range s.cand {
		if strings.Contains(l, "invalid") {
			return fmt.Errorf("[ %s ]\nError: %s is not valid\n\nCommit failed", l, l)
		}
	}
	s.d.mu.Lock()
	for l := range s.del {
		delete(s.d.running, l)
	}
	for l := range s.cand {
		s.d.running[l] = true
	}
	s.d.commits++
	s.d.mu.Unlock()
	out("[ fake ]")
	out("Commit succeeded")
	s.Discard()
	return nil
}

func (s *restFakeSession) Discard() {
	s.cand, s.del = map[string]bool{}, map[string]bool{}
}
