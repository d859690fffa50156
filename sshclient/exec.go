package sshclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// StderrMark starts each standard-error line Exec passes to emit.
const StderrMark = "stderr: "

// Exec runs cmd in a new session and passes each output line to emit as
// it arrives, without its line end (\n or \r\n); standard error lines are
// marked with StderrMark. emit is called from one goroutine at a time.
// Cancelling ctx closes the session. A non-zero exit status is an
// *ExitError; a command that ends without any status (some devices send
// none) ends without error. A lost connection wraps ErrConnectionLost; a
// ctx deadline wraps ErrTimeout.
func (c *Client) Exec(ctx context.Context, cmd string, emit func(line string)) error {
	return c.ExecStreams(ctx, cmd, emit, func(line string) { emit(StderrMark + line) })
}

// ExecStreams is Exec with standard output and standard error passed to
// their own functions (calls to both are serialised).
func (c *Client) ExecStreams(ctx context.Context, cmd string, stdout, stderr func(line string)) error {
	if err := ctx.Err(); err != nil {
		return ctxError(c.addr, err)
	}
	s, err := c.c.NewSession()
	if err != nil {
		return c.sessionError(ctx, err)
	}
	defer s.Close()
	outR, err := s.StdoutPipe()
	if err != nil {
		return err
	}
	errR, err := s.StderrPipe()
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	if err := s.Start(cmd); err != nil {
		return c.sessionError(ctx, err)
	}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	serial := func(f func(string)) func(string) {
		return func(l string) {
			mu.Lock()
			defer mu.Unlock()
			f(l)
		}
	}
	wg.Add(2)
	go func() { defer wg.Done(); readLines(outR, serial(stdout)) }()
	go func() { defer wg.Done(); readLines(errR, serial(stderr)) }()
	wg.Wait()
	err = s.Wait()
	var exit *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctxError(c.addr, ctx.Err())
	case errors.As(err, &exit):
		return &ExitError{Cmd: cmd, Status: exit.ExitStatus(), Signal: exit.Signal()}
	}
	if c.alive() {
		if errors.As(err, &missing) || errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("ssh %s: %q: %w", c.addr, cmd, err)
	}
	return c.lostError(err)
}

// readLines passes r's lines to emit as they come; a last line without
// an end is passed too.
func readLines(r io.Reader, emit func(string)) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			emit(strings.TrimRight(line, "\r\n"))
		}
		if err != nil {
			return
		}
	}
}

// alive tells whether the connection still answers: a request's round
// trip (the server may refuse it; any reply will do) within the time the
// keepalives allow.
func (c *Client) alive() bool {
	select {
	case <-c.done:
		return false
	default:
	}
	reply := make(chan error, 1)
	go func() {
		_, _, err := c.c.SendRequest("keepalive@openssh.com", true, nil)
		reply <- err
	}()
	wait := time.NewTimer(c.aliveWait)
	defer wait.Stop()
	select {
	case err := <-reply:
		return err == nil
	case <-c.done:
		return false
	case <-wait.C:
		return false
	}
}

// lostError is the error of a call cut by a lost connection.
func (c *Client) lostError(cause error) error {
	c.lost(cause)
	<-c.done
	if err := c.Err(); err != nil {
		return err
	}
	return fmt.Errorf("ssh %s: %w: %w", c.addr, ErrConnectionLost, cause)
}

func (c *Client) sessionError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctxError(c.addr, ctx.Err())
	}
	if !c.alive() {
		return c.lostError(err)
	}
	return fmt.Errorf("ssh %s: session: %w", c.addr, err)
}

func ctxError(addr string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("ssh %s: %w: %w", addr, ErrTimeout, err)
	}
	return fmt.Errorf("ssh %s: %w", addr, err)
}

// Default PTY size of Shell, in columns and rows: wide, so devices do
// not wrap their output at the terminal's width (issue 9; the lab wraps at
// the PTY's width, lab.Wrap), and tall, so a pager left on pages rarely.
const (
	DefaultWidth  = 512
	DefaultHeight = 200
)

// Shell is an interactive session on a PTY: Read returns the output as it
// arrives (standard output and error together), Write types. Read ends
// with io.EOF when the session ends, or an error wrapping
// ErrConnectionLost when the connection went.
type Shell struct {
	c      *Client
	s      *ssh.Session
	in     io.WriteCloser
	chunks chan []byte // output read, closed after the session's end
	left   []byte      // the rest of the chunk Read is in
	quit   chan struct{}
	closed sync.Once
	done   chan struct{}
	errMu  sync.Mutex
	err    error
	stop   func() bool
}

// Shell opens an interactive shell on a PTY of width columns and height
// rows (DefaultWidth and DefaultHeight when 0). Cancelling ctx closes it.
func (c *Client) Shell(ctx context.Context, width, height int) (*Shell, error) {
	if width <= 0 {
		width = DefaultWidth
	}
	if height <= 0 {
		height = DefaultHeight
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError(c.addr, err)
	}
	s, err := c.c.NewSession()
	if err != nil {
		return nil, c.sessionError(ctx, err)
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := s.RequestPty("xterm", height, width, modes); err != nil {
		s.Close()
		return nil, c.sessionError(ctx, fmt.Errorf("pty: %w", err))
	}
	in, err := s.StdinPipe()
	if err != nil {
		s.Close()
		return nil, err
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		s.Close()
		return nil, err
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Shell(); err != nil {
		s.Close()
		return nil, c.sessionError(ctx, err)
	}
	sh := &Shell{c: c, s: s, in: in, chunks: make(chan []byte, 64), quit: make(chan struct{}), done: make(chan struct{})}
	sh.stop = context.AfterFunc(ctx, func() { s.Close() })
	var readers sync.WaitGroup
	readers.Add(2)
	go sh.pump(stdout, &readers)
	go sh.pump(stderr, &readers)
	go func() {
		err := s.Wait()
		var missing *ssh.ExitMissingError
		var exit *ssh.ExitError
		switch {
		case err == nil, errors.As(err, &exit):
			err = nil
		case ctx.Err() != nil:
			err = ctxError(c.addr, ctx.Err())
		case c.alive():
			if errors.As(err, &missing) || errors.Is(err, io.EOF) {
				err = nil
			}
		default:
			err = c.lostError(err)
		}
		readers.Wait()
		sh.errMu.Lock()
		sh.err = err
		sh.errMu.Unlock()
		close(sh.chunks)
		close(sh.done)
	}()
	return sh, nil
}

// pump queues what r gives, so the session's reads never wait for the
// Shell's reader (as an io.Pipe would make them, one rendezvous a
// packet).
func (sh *Shell) pump(r io.Reader, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			select {
			case sh.chunks <- bytes.Clone(buf[:n]):
			case <-sh.quit:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Read returns output as it arrives (standard output and error in the
// order they were read), then io.EOF, or the error that ended the
// session.
func (sh *Shell) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(sh.left) == 0 {
		b, ok := <-sh.chunks
		if !ok {
			if err := sh.Err(); err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		sh.left = b
	}
	n := copy(p, sh.left)
	sh.left = sh.left[n:]
	return n, nil
}

// Write types p.
func (sh *Shell) Write(p []byte) (int, error) {
	n, err := sh.in.Write(p)
	if err != nil {
		select {
		case <-sh.done:
			if e := sh.Err(); e != nil {
				return n, e
			}
		default:
		}
	}
	return n, err
}

// Resize tells the server the PTY's new size.
func (sh *Shell) Resize(width, height int) error { return sh.s.WindowChange(height, width) }

// Done is closed when the session has ended.
func (sh *Shell) Done() <-chan struct{} { return sh.done }

// Err is why the session ended: nil for a normal end (or while running).
func (sh *Shell) Err() error {
	sh.errMu.Lock()
	defer sh.errMu.Unlock()
	return sh.err
}

// Close ends the session.
func (sh *Shell) Close() error {
	sh.stop()
	sh.closed.Do(func() { close(sh.quit) })
	err := sh.s.Close()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}
