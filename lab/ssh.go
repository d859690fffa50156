package lab

import (
	"bufio"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// ErrAuthFailed is the authentication failure the server reports.
var ErrAuthFailed = errors.New("authentication failed")

// Terminal is the interactive side of an SSH session as a device's CLI
// sees it: lines in, text out.
type Terminal interface {
	io.Writer
	// ReadLine returns the next command line without its end of line. It
	// sends pending output first, so a prompt is seen before the read. A
	// line cancelled with ^C comes back empty, so the caller prompts again.
	ReadLine() (string, error)
}

// Dropper is implemented by a Terminal that can cut its client's
// connection, for the drop-in-commit fault.
type Dropper interface {
	Drop()
}

// Interrupter is implemented by a Terminal on which the user can
// interrupt a running command with ^C.
type Interrupter interface {
	WatchInterrupt(interrupt func()) (stop func())
}

// KeyReader is implemented by a Terminal that can read single keys without
// waiting for a line, for a pager's "More" prompt.
type KeyReader interface {
	// ReadKey sends pending output, then returns the next key typed; the
	// \n of a \r\n pair is skipped, so Enter is one key.
	ReadKey() (byte, error)
}

// LineEnder is implemented by a Terminal that can leave the end of an
// echoed line to its handler: ReadLineOpen is ReadLine without echoing the
// Enter, so the handler can add text on the echoed line (Huawei's ` (+B)`)
// before writing the line end itself. A line abandoned with ^C comes back
// empty with `^C` echoed and the line still open: the handler ends every
// line it read this way, whatever it held. Without echo it is ReadLine.
type LineEnder interface {
	ReadLineOpen() (string, error)
}

// SecretReader is implemented by a Terminal that can read a line without
// echoing what is typed (a password a device asks for after login); the
// end of line is echoed. ^C abandons it with ErrInterrupted (the caller
// ends what it asked for). Without echo it is ReadLine.
type SecretReader interface {
	ReadSecret() (string, error)
}

// ErrInterrupted is a secret read abandoned with ^C (SecretReader).
var ErrInterrupted = errors.New("interrupted")

// Echoer is implemented by a Terminal that tells whether it echoes what
// is typed (an SSH session with a PTY does; one without, and plain
// streams, do not).
type Echoer interface {
	Echoes() bool
}

// Handler is the device behind an SSH server.
type Handler interface {
	// Exec runs one command (an SSH exec request) and returns its exit status.
	Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int
	// Shell runs the interactive CLI until logout; it returns the exit status.
	Shell(ctx context.Context, user string, t Terminal) int
}

// SSHOptions configure an SSH server.
type SSHOptions struct {
	// Addr to listen on; "127.0.0.1:0" picks a free port.
	Addr    string
	HostKey ssh.Signer
	// User and Password are the login accepted by password; an empty
	// password turns password auth off.
	User, Password string
	// AuthorizedKeys are the client keys accepted for User.
	AuthorizedKeys []ssh.PublicKey
	// Users are more logins on the same port, each with its own password
	// and keys, as a real device takes every user on its one SSH port.
	// What a user may do (its level, its role, the secrets group) is the
	// Handler's business: it gets the user's name with every session.
	Users   []SSHUser
	Faults  *Faults
	Handler Handler
	// HostKeys are more host keys presented beside HostKey (of other
	// types: a client picks one of them).
	HostKeys []ssh.Signer
	// Login is the version, algorithms, banner and authentication the
	// server offers (the zero value: the lab's modern default).
	Login SSHLogin
	// Prelude, when set, runs on each interactive session before the
	// device's shell (pre-prompt lines, a first-login question).
	Prelude Prelude
	// AllowForward accepts "direct-tcpip" channels (a client's -W, -L
	// or ProxyJump through this server) to loopback destinations only,
	// so one lab server can be the jump host to another; the default
	// refuses every forward, as a device's CLI does.
	AllowForward bool
}

// SSHUser is one login of an SSH server: SSHOptions.User and the
// SSHOptions.Users.
type SSHUser struct {
	Name string
	// Password is the user's password; empty turns password login off
	// for the user (SSHServer.SetPassword changes it).
	Password       string
	AuthorizedKeys []ssh.PublicKey
}

// SSHServer is a running SSH server on loopback.
type SSHServer struct {
	o  SSHOptions
	ln net.Listener
	// users are the logins by name; mu guards their passwords, which a
	// password change at login replaces (SetPassword).
	mu    sync.Mutex
	users map[string]*SSHUser
	// others replace every host key, of the same types, when the host key
	// "changed" (changedKeys).
	otherOnce sync.Once
	others    []ssh.Signer
	ctx       context.Context
	cancel    context.CancelFunc
	conns     connSet
}

// ServeSSH starts an SSH server and returns once it listens.
func ServeSSH(o SSHOptions) (*SSHServer, error) {
	if o.HostKey == nil || o.Handler == nil {
		return nil, errors.New("lab: SSH server needs a host key and a handler")
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	users := map[string]*SSHUser{}
	for _, u := range append([]SSHUser{{Name: o.User, Password: o.Password, AuthorizedKeys: o.AuthorizedKeys}}, o.Users...) {
		if u.Name == "" {
			return nil, errors.New("lab: SSH server user without a name")
		}
		if users[u.Name] != nil {
			return nil, fmt.Errorf("lab: SSH server user %q given twice", u.Name)
		}
		users[u.Name] = &SSHUser{Name: u.Name, Password: u.Password, AuthorizedKeys: append([]ssh.PublicKey(nil), u.AuthorizedKeys...)}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("lab: ssh listen %s: %w", o.Addr, err)
	}
	s := &SSHServer{o: o, ln: ln, users: users}
	s.ctx, s.cancel = context.WithCancel(context.WithValue(context.Background(), serverKey{}, s))
	acceptConns(&s.conns, s.ln.Accept, s.o.Faults.RefuseSSH, s.serveConn)
	return s, nil
}

// Addr is the address the server listens on (127.0.0.1:PORT).
func (s *SSHServer) Addr() string { return s.ln.Addr().String() }

// Port is the port the server listens on.
func (s *SSHServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// HostKey is the server's own public host key (the one for known_hosts,
// whatever the changed-host-key fault presents).
func (s *SSHServer) HostKey() ssh.PublicKey { return s.o.HostKey.PublicKey() }

// Close stops the server and drops every connection.
func (s *SSHServer) Close() error {
	s.conns.closeAll()
	s.cancel()
	err := s.ln.Close()
	s.conns.wait()
	return err
}

// serverKey is the context key of ServerOf.
type serverKey struct{}

type remoteKey struct{}

// RemoteHost is the address (without the port) of the client whose
// session ctx serves, "" outside a session: `show users` and `display
// users` print it.
func RemoteHost(ctx context.Context) string {
	a, ok := ctx.Value(remoteKey{}).(net.Addr)
	if !ok {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// ServerOf is the SSH server serving the session whose context ctx is (a
// Handler's or a Prelude's), nil for another context: a login prelude
// changes the user's password through it.
func ServerOf(ctx context.Context) *SSHServer {
	s, _ := ctx.Value(serverKey{}).(*SSHServer)
	return s
}

// SetPassword changes user's password from the next login on (an empty
// one turns password login off for the user); ErrUnknownUser for a user
// the server does not have.
func (s *SSHServer) SetPassword(user, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	if u == nil {
		return ErrUnknownUser
	}
	u.Password = password
	return nil
}

// ErrUnknownUser is a user the SSH server does not have.
var ErrUnknownUser = errors.New("lab: no such SSH user")

// CheckPassword reports whether password is user's password now.
func (s *SSHServer) CheckPassword(user, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	return u != nil && u.Password != "" && subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) == 1
}

// anyPassword reports whether some user logs in with a password.
func (s *SSHServer) anyPassword() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Password != "" {
			return true
		}
	}
	return false
}

// Users are the names of the server's logins, SSHOptions.User first.
func (s *SSHServer) Users() []string {
	names := []string{s.o.User}
	for _, u := range s.o.Users {
		names = append(names, u.Name)
	}
	return names
}

func (s *SSHServer) config() *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{ServerVersion: "SSH-2.0-OpenSSH_7.4p1 hasync-lab"}
	var second ssh.ServerAuthCallbacks // the password methods
	switch pw := s.anyPassword(); {
	case pw && s.o.Login.KeyboardInteractive:
		second.KeyboardInteractiveCallback = s.o.Login.keyboardInteractive(s.checkPassword)
	case pw:
		second.PasswordCallback = func(md ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if err := s.checkPassword(md, pw); err != nil {
				return nil, err
			}
			return nil, nil
		}
	}
	if !s.o.Login.PublicKeyThenPassword {
		cfg.KeyboardInteractiveCallback, cfg.PasswordCallback = second.KeyboardInteractiveCallback, second.PasswordCallback
	}
	keyAccepted := func() (*ssh.Permissions, error) {
		if s.o.Login.PublicKeyThenPassword {
			return nil, &ssh.PartialSuccessError{Next: second}
		}
		return nil, nil
	}
	cfg.PublicKeyCallback = func(md ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if s.o.Faults.FailAuth() {
			return nil, ErrAuthFailed
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		u := s.users[md.User()]
		if u == nil {
			return nil, ErrAuthFailed
		}
		for _, k := range u.AuthorizedKeys {
			if subtle.ConstantTimeCompare(k.Marshal(), key.Marshal()) == 1 {
				return keyAccepted()
			}
		}
		return nil, ErrAuthFailed
	}
	if s.o.Faults.ChangedHostKey() {
		s.o.Login.apply(cfg, s.changedKeys())
	} else {
		s.o.Login.apply(cfg, append([]ssh.Signer{s.o.HostKey}, s.o.HostKeys...))
	}
	return cfg
}

func (s *SSHServer) serveConn(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	sc, chans, reqs, err := ssh.NewServerConn(c, s.config())
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	for nc := range chans {
		if nc.ChannelType() == "direct-tcpip" && s.o.AllowForward {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.forward(nc)
			}()
			continue
		}
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.session(c, sc.User(), ch, creqs)
		}()
	}
	wg.Wait()
}

// session serves one session channel: a pty request, then a shell or an
// exec. The channel's context ends when the client closes it or the
// connection goes, which stops a streaming command such as `monitor log`.
func (s *SSHServer) session(conn net.Conn, user string, ch ssh.Channel, reqs <-chan *ssh.Request) {
	ctx, cancel := context.WithCancel(context.WithValue(s.ctx, remoteKey{}, conn.RemoteAddr()))
	defer cancel()
	var (
		pty     bool
		size    termSize
		started bool
		done    = make(chan int, 1)
	)
	out := newChanWriter(ch, conn, s.o.Faults.DropAfterLines())
	for {
		select {
		case code := <-done:
			out.Flush()
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(code)}))
			_ = ch.CloseWrite()
			ch.Close()
			out.stop()
			return
		case req, ok := <-reqs:
			if !ok {
				// The client closed the channel: stop the command and wait
				// for it, so nothing writes to a dead channel unseen.
				cancel()
				if started {
					<-done
				}
				out.stop()
				ch.Close()
				return
			}
			switch req.Type {
			case "pty-req":
				pty = true
				var p struct {
					Term                      string
					Cols, Rows, Width, Height uint32
					Modes                     string
				}
				if ssh.Unmarshal(req.Payload, &p) == nil {
					size.set(p.Cols, p.Rows)
				}
				out.setCRLF(true)
				_ = req.Reply(true, nil)
			case "window-change":
				var p struct{ Cols, Rows, Width, Height uint32 }
				if ssh.Unmarshal(req.Payload, &p) == nil {
					size.set(p.Cols, p.Rows)
				}
				_ = req.Reply(true, nil)
			case "env":
				_ = req.Reply(true, nil)
			case "shell", "exec":
				if started {
					_ = req.Reply(false, nil)
					continue
				}
				started = true
				var cmd string
				if req.Type == "exec" {
					var p struct{ Command string }
					if err := ssh.Unmarshal(req.Payload, &p); err != nil {
						_ = req.Reply(false, nil)
						done <- 1
						continue
					}
					cmd = p.Command
				}
				_ = req.Reply(true, nil)
				go func() {
					if d := s.o.Faults.Delay(); d > 0 {
						select { // a client gone during the delay ends it
						case <-ctx.Done():
						case <-time.After(d):
						}
					}
					if req.Type == "exec" {
						done <- s.o.Handler.Exec(ctx, user, cmd, out, &crlfWriter{w: ch.Stderr(), crlf: pty})
						return
					}
					t := newTerminal(ctx, ch, out, pty)
					if pty {
						t.size = &size
					}
					if s.o.Prelude != nil {
						if err := s.o.Prelude(ctx, user, t); err != nil {
							done <- 1
							return
						}
					}
					done <- s.o.Handler.Shell(ctx, user, t)
				}()
			default:
				_ = req.Reply(false, nil)
			}
		}
	}
}

// forward serves one "direct-tcpip" channel (RFC 4254 7.2): it connects
// to the destination, which must be on loopback, and copies both ways
// until either side closes.
func (s *SSHServer) forward(nc ssh.NewChannel) {
	var p struct {
		DestAddr string
		DestPort uint32
		OrigAddr string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &p); err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	if !loopbackHost(p.DestAddr) || p.DestPort == 0 || p.DestPort > 65535 {
		_ = nc.Reject(ssh.Prohibited, "forwarding only to loopback")
		return
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	target, err := d.DialContext(s.ctx, "tcp", net.JoinHostPort(p.DestAddr, fmt.Sprint(p.DestPort)))
	if err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, "connect failed")
		return
	}
	ch, reqs, err := nc.Accept()
	if err != nil {
		target.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(target, ch)
		if tc, ok := target.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(ch, target)
		_ = ch.CloseWrite()
		done <- struct{}{}
	}()
	select {
	case <-done:
		<-done
	case <-s.ctx.Done():
	}
	ch.Close()
	target.Close()
}

// loopbackHost reports whether host (a name or an address, as a
// direct-tcpip request gives it) is on loopback: localhost, 127.0.0.0/8
// or ::1.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// chanWriter buffers output to a channel and flushes it shortly after the
// last write, so long outputs go in large packets while a slow stream is
// still seen line by line. It counts lines for the drop fault.
type chanWriter struct {
	ch   ssh.Channel
	conn net.Conn

	mu        sync.Mutex
	buf       []byte
	crlf      bool
	dropAfter int
	lines     int
	timer     *time.Timer
	err       error
}

const flushAfter = 20 * time.Millisecond

func newChanWriter(ch ssh.Channel, conn net.Conn, dropAfter int) *chanWriter {
	w := &chanWriter{ch: ch, conn: conn, dropAfter: dropAfter}
	w.timer = time.AfterFunc(time.Hour, w.Flush)
	w.timer.Stop()
	return w
}

func (w *chanWriter) setCRLF(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.crlf = on
}

func (w *chanWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	for _, b := range p {
		if b == '\n' {
			if w.crlf {
				w.buf = append(w.buf, '\r')
			}
			w.lines++
		}
		w.buf = append(w.buf, b)
		if b == '\n' && w.dropAfter > 0 && w.lines >= w.dropAfter {
			w.flushLocked()
			w.dropLocked()
			return 0, w.err
		}
	}
	if len(w.buf) >= 32<<10 {
		w.flushLocked()
	} else {
		w.timer.Reset(flushAfter)
	}
	return len(p), w.err
}

// Flush sends what is buffered.
func (w *chanWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
}

func (w *chanWriter) flushLocked() {
	if len(w.buf) == 0 || w.err != nil {
		w.buf = w.buf[:0]
		return
	}
	_, err := w.ch.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = err
	}
}

// Drop cuts the TCP connection under the SSH session, as a lost link.
func (w *chanWriter) Drop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
	w.dropLocked()
}

func (w *chanWriter) dropLocked() {
	w.err = io.ErrClosedPipe
	w.conn.Close()
}

func (w *chanWriter) stop() { w.timer.Stop() }

// crlfWriter turns \n into \r\n on a terminal.
type crlfWriter struct {
	w    io.Writer
	crlf bool
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	if !c.crlf {
		return c.w.Write(p)
	}
	out := make([]byte, 0, len(p)+8)
	for _, b := range p {
		if b == '\n' {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// terminal reads command lines from a session. With a PTY it edits the
// line itself (echo, backspace, ^C, ^D, ^U), as a shell's readline does;
// without one it reads plain lines.
type terminal struct {
	ch   ssh.Channel
	out  *chanWriter
	echo bool
	r    *bufio.Reader
	// lastCR: the previous line ended with \r, so a \n now is its pair.
	lastCR bool

	// With a PTY one goroutine reads the client's bytes into in, so that
	// both ReadLine and an interrupt watcher can take them; inErr is set
	// before in is closed. pending holds what the watcher read that was
	// not ^C: typed-ahead input for the next line.
	in      chan byte
	inErr   error
	pending []byte

	// size is the PTY's size; nil without a PTY.
	size *termSize
}

// termSize is a PTY's size, set by the session's requests while the
// shell reads it.
type termSize struct {
	mu         sync.Mutex
	cols, rows int
}

func (z *termSize) set(cols, rows uint32) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.cols, z.rows = int(min(cols, 1<<16)), int(min(rows, 1<<16))
}

// Size is the PTY's columns and rows (80 and 24 for a 0 the client sent);
// 0, 0 without a PTY.
func (t *terminal) Size() (cols, rows int) {
	if t.size == nil {
		return 0, 0
	}
	t.size.mu.Lock()
	defer t.size.mu.Unlock()
	cols, rows = t.size.cols, t.size.rows
	if cols == 0 {
		cols = 80
	}
	if rows == 0 {
		rows = 24
	}
	return cols, rows
}

func newTerminal(ctx context.Context, ch ssh.Channel, out *chanWriter, pty bool) *terminal {
	t := &terminal{ch: ch, out: out, echo: pty, r: bufio.NewReader(ch)}
	if pty {
		t.in = make(chan byte, 64)
		go func() {
			// t.in is closed however the reader ends, so a shell reading
			// the last bytes never waits for input that cannot come.
			defer close(t.in)
			for {
				b, err := t.r.ReadByte()
				if err != nil {
					t.inErr = err
					return
				}
				select {
				case t.in <- b:
				case <-ctx.Done():
					t.inErr = ctx.Err()
					return
				}
			}
		}()
	}
	return t
}

func (t *terminal) readByte() (byte, error) {
	if len(t.pending) > 0 {
		b := t.pending[0]
		t.pending = t.pending[1:]
		return b, nil
	}
	b, ok := <-t.in
	if !ok {
		return 0, t.inErr
	}
	return b, nil
}

// WatchInterrupt calls interrupt when the user types ^C, until stop is
// called; other input is kept for the next ReadLine. It lets ^C end a
// streaming command such as `monitor log`.
func (t *terminal) WatchInterrupt(interrupt func()) (stop func()) {
	if !t.echo {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case b, ok := <-t.in:
				if !ok {
					interrupt()
					return
				}
				if b == 3 {
					t.echoBytes("^C\r\n")
					interrupt()
					continue
				}
				t.pending = append(t.pending, b)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

func (t *terminal) Write(p []byte) (int, error) { return t.out.Write(p) }

func (t *terminal) Drop() { t.out.Drop() }

func (t *terminal) ReadLine() (string, error) { return t.readLine(true, false) }

// ReadLineOpen reads a line as ReadLine does, but leaves its end of line
// unechoed (LineEnder).
func (t *terminal) ReadLineOpen() (string, error) { return t.readLine(false, false) }

// ReadSecret reads a line as ReadLine does, echoing only its end
// (SecretReader).
func (t *terminal) ReadSecret() (string, error) { return t.readLine(true, true) }

// Echoes reports whether the terminal echoes typed input: with a PTY.
func (t *terminal) Echoes() bool { return t.echo }

// readLine reads a line, echoing its end when echoEnd and what is typed
// unless hide.
func (t *terminal) readLine(echoEnd, hide bool) (string, error) {
	echo := func(s string) {
		if !hide {
			t.echoBytes(s)
		}
	}
	t.out.Flush()
	if !t.echo {
		line, err := t.r.ReadString('\n')
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			return "", err
		}
		return trimEOL(line), nil
	}
	var line []byte
	for {
		b, err := t.readByte()
		if err != nil {
			return "", err
		}
		if b != '\n' {
			t.lastCR = false
		}
		switch {
		case b == '\n' && t.lastCR:
			// The \n of a \r\n pair: the line already ended at \r.
			t.lastCR = false
		case b == '\r' || b == '\n':
			t.lastCR = b == '\r'
			if echoEnd {
				t.echoBytes("\r\n")
			}
			return string(line), nil
		case b == 3:
			// ^C abandons the line, typed text and all, as a device's CLI
			// does: it comes back empty, so the caller prompts afresh. An
			// open line (ReadLineOpen) stays open after the ^C: its
			// caller ends it, as after any line.
			if echoEnd {
				t.echoBytes("^C\r\n")
			} else {
				t.echoBytes("^C")
			}
			if hide {
				return "", ErrInterrupted
			}
			return "", nil
		case b == 4: // ^D on an empty line logs out
			if len(line) == 0 {
				return "", io.EOF
			}
		case b == 21: // ^U erases the line
			for range line {
				echo("\b \b")
			}
			line = line[:0]
		case b == 127 || b == 8:
			if len(line) > 0 {
				line = line[:len(line)-1]
				echo("\b \b")
			}
		case b == 27: // an escape sequence (arrow keys): skip it
			if next, err := t.readByte(); err == nil && (next == '[' || next == 'O') {
				for {
					c, err := t.readByte()
					if err != nil || (c >= 0x40 && c <= 0x7e) {
						break
					}
				}
			}
		case b == '\t':
			// No completion in the lab; a tab is a space.
			line = append(line, ' ')
			echo(" ")
		case b >= 32:
			line = append(line, b)
			echo(string(b))
		}
	}
}

func (t *terminal) ReadKey() (byte, error) {
	t.out.Flush()
	for {
		var (
			b   byte
			err error
		)
		if t.echo {
			b, err = t.readByte()
		} else {
			b, err = t.r.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if b == '\n' && t.lastCR {
			t.lastCR = false
			continue
		}
		t.lastCR = b == '\r'
		return b, nil
	}
}

func (t *terminal) echoBytes(s string) {
	t.out.mu.Lock()
	defer t.out.mu.Unlock()
	if t.out.err != nil {
		return
	}
	_, _ = t.ch.Write([]byte(s))
}

func trimEOL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// NewStreamTerminal makes a Terminal of plain streams (stdin/stdout), for
// running a device's CLI behind another SSH server.
func NewStreamTerminal(r io.Reader, w io.Writer) Terminal {
	return &streamTerminal{r: bufio.NewReader(r), w: bufio.NewWriter(w)}
}

type streamTerminal struct {
	r *bufio.Reader
	w *bufio.Writer
}

func (s *streamTerminal) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err == nil && len(p) > 0 && p[len(p)-1] == '\n' && s.r.Buffered() == 0 {
		// Flush at line ends when no input is waiting, so output streams.
		err = s.w.Flush()
	}
	return n, err
}

// Echoes is false: a stream does not echo.
func (s *streamTerminal) Echoes() bool { return false }

func (s *streamTerminal) ReadLine() (string, error) {
	if err := s.w.Flush(); err != nil {
		return "", err
	}
	line, err := s.r.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return trimEOL(line), nil
}
