package sshclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/sshclient"
)

// TestDialTimeout: a server that accepts and never speaks makes Dial
// fail with ErrTimeout after Config.Timeout; a context deadline does too.
func TestDialTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	tl := startLab(t)
	cfg := tl.config()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	cfg.Timeout = 200 * time.Millisecond
	_, err = sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrTimeout) || !strings.Contains(err.Error(), "(timeout 200ms)") {
		t.Fatalf("silent server: %v", err)
	}
	cfg.Timeout = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = sshclient.Dial(ctx, cfg)
	if !errors.Is(err, sshclient.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("silent server, context deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err = sshclient.Dial(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

// TestExecTimeout: a command that outlives its context ends with
// ErrTimeout and its session closed; the connection stays usable.
func TestExecTimeout(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := c.Exec(ctx, "hang", func(string) {})
	if !errors.Is(err, sshclient.ErrTimeout) {
		t.Fatalf("hanging command: %v", err)
	}
	// The lab's delay fault: the device is slow to answer at all.
	tl.faults.SetDelay(time.Hour)
	ctx, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if err := c.Exec(ctx, "slow", func(string) {}); !errors.Is(err, sshclient.ErrTimeout) {
		t.Fatalf("delayed device: %v", err)
	}
	tl.faults.SetDelay(0)
	execOK(t, c, "after", "ran after")
}

// TestConnectionLost: the link dropped in the middle of a command's
// output: Exec returns what came and ErrConnectionLost, Done closes, and
// later calls fail the same way.
func TestConnectionLost(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	tl.faults.SetDropAfterLines(5)
	var got lines
	err := c.Exec(context.Background(), "lines 1000", got.add)
	if !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Fatalf("dropped in a command: %v", err)
	}
	if n := len(got.get()); n > 5 {
		t.Errorf("%d lines before a drop after 5", n)
	}
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed after the drop")
	}
	if !errors.Is(c.Err(), sshclient.ErrConnectionLost) {
		t.Errorf("Err() = %v", c.Err())
	}
	if err := c.Exec(context.Background(), "x", got.add); !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Errorf("exec after the drop: %v", err)
	}
	if _, err := c.Shell(context.Background(), 0, 0); !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Errorf("shell after the drop: %v", err)
	}
}

// TestShellLost: a shell whose link drops ends Read with
// ErrConnectionLost.
func TestShellLost(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	tl.faults.SetDropAfterLines(2)
	sh, err := c.Shell(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	var buf bytes.Buffer
	shellExpect(t, sh, &buf, "dev> ")
	for i := range 3 {
		if _, err := fmt.Fprintf(sh, "l%d\r", i); err != nil {
			break
		}
	}
	_, err = io.Copy(&buf, sh)
	if !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Fatalf("shell read after drop: %v (%q)", err, buf.String())
	}
	if !errors.Is(sh.Err(), sshclient.ErrConnectionLost) {
		t.Errorf("shell Err %v", sh.Err())
	}
}

// freezer is a TCP relay on loopback that can stop relaying without
// closing anything: a link that went silent (a cable pulled, a firewall
// dropping the flow).
type freezer struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen bool
	thaw   chan struct{}
	conns  []net.Conn
}

func newFreezer(t *testing.T, backend string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, thaw: make(chan struct{})}
	t.Cleanup(f.close)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", backend)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, b)
			f.mu.Unlock()
			go f.relay(c, b)
			go f.relay(b, c)
		}
	}()
	return f
}

func (f *freezer) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *freezer) relay(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		f.mu.Lock()
		frozen, thaw := f.frozen, f.thaw
		f.mu.Unlock()
		if frozen {
			<-thaw
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

func (f *freezer) freeze() { f.mu.Lock(); f.frozen = true; f.mu.Unlock() }

func (f *freezer) close() {
	f.ln.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.frozen {
		close(f.thaw)
		f.frozen = false
	}
	for _, c := range f.conns {
		c.Close()
	}
}

// TestKeepAlive: when the link
// goes silent they go unanswered, the connection is closed as lost, and
// Done closes.
func TestKeepAlive(t *testing.T) {
	tl := startLab(t)
	f := newFreezer(t, tl.srv.Addr())
	cfg := tl.config()
	cfg.Port = f.port()
	// The relay's address is another known_hosts name: list it.
	cfg.AcceptNew = true
	// Short, yet long enough that a loaded machine answers in time.
	cfg.KeepAlive = 250 * time.Millisecond
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
	// A command in flight when the link goes silent: the device prints a
	// line and waits; the keepalives end it.
	started := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- c.Exec(context.Background(), "gate", func(l string) {
			if l == "before the gate" {
				close(started)
			}
		})
	}()
	<-started
	f.freeze()
	select {
	case <-c.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("Done not closed with the link silent")
	}
	if err := <-result; !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Errorf("command in flight: %v", err)
	}
	if !errors.Is(c.Err(), sshclient.ErrConnectionLost) {
		t.Errorf("Err() = %v", c.Err())
	}
	t.Log(c.Err())
}

// TestTimeoutPausedForUnknownHost: the dial timeout does not run while
// the user decides on an unknown host key (the callback takes longer
// than Config.Timeout, and the dial still succeeds).
func TestTimeoutPausedForUnknownHost(t *testing.T) {
	tl := startLab(t)
	cfg := tl.config()
	cfg.KnownHosts = []string{filepath.Join(t.TempDir(), "known_hosts")}
	cfg.Timeout = 2 * time.Second
	cfg.OnUnknownHost = func(ctx context.Context, host string, key ssh.PublicKey) (bool, error) {
		time.Sleep(cfg.Timeout + cfg.Timeout/2) // a user reading the fingerprint
		return true, nil
	}
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
}

// TestTimeoutPausedForPassword: nor while the user types a password (the
// prompt takes longer than Config.Timeout, and the dial still succeeds).
func TestTimeoutPausedForPassword(t *testing.T) {
	tl := startLab(t)
	cfg := tl.config()
	cfg.IdentityFiles = nil
	cfg.Timeout = 2 * time.Second
	cfg.Password = func() (string, error) {
		time.Sleep(cfg.Timeout + cfg.Timeout/2) // a user typing
		return password()
	}
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
}
