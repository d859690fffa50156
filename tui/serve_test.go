package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	charmlog "charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
)

// testServer is a served console on loopback over the test lab's pairs,
// with an operator key, a viewer key and a key that is not authorized.
type testServer struct {
	*Server
	lab                      *testLab
	dir                      string
	operator, viewer, crash  gossh.Signer
	stranger                 gossh.Signer
	served                   chan error
	hostKey                  gossh.PublicKey
	shutdownOnce             sync.Once
	operatorKey, viewerKeyFP string
}

// startServer serves the test lab; edit may change the options first.
func startServer(t *testing.T, edit func(*ServeOptions)) *testServer {
	t.Helper()
	ts := &testServer{lab: startLab(t), dir: t.TempDir(), served: make(chan error, 1)}
	// The server's log, and what wish logs through charm's default
	// logger, go to the test's log.
	tw := &testWriter{t: t}
	tlog := charmlog.NewWithOptions(tw, charmlog.Options{Level: charmlog.InfoLevel})
	charmlog.SetDefault(tlog)
	t.Cleanup(func() { // runs last: nothing logs into a finished test
		tw.done.Store(true)
		charmlog.SetDefault(charmlog.NewWithOptions(io.Discard, charmlog.Options{}))
	})
	var opText, vwText, crText string
	ts.operator, opText = testKey(t)
	ts.viewer, vwText = testKey(t)
	ts.crash, crText = testKey(t)
	ts.stranger, _ = testKey(t)
	ts.operatorKey = gossh.FingerprintSHA256(ts.operator.PublicKey())
	ts.viewerKeyFP = gossh.FingerprintSHA256(ts.viewer.PublicKey())
	ak := filepath.Join(ts.dir, "authorized_keys")
	text := `environment="HASYNC_ROLE=operator" ` + opText + " op@test\n" + vwText + " vw@test\n" +
		`environment="HASYNC_ROLE=operator" ` + crText + " crash@test\n"
	if err := os.WriteFile(ak, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	o := ServeOptions{
		Listen: "127.0.0.1:0", HostKey: filepath.Join(ts.dir, "host_key"), AuthorizedKeys: ak,
		Hub:     NewHub(ts.lab.inv, ts.lab.options().Pair, nil),
		Console: Options{Title: "hasync test"},
		Log:     tlog,
	}
	if edit != nil {
		edit(&o)
	}
	s, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	b, err := os.ReadFile(o.HostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if ts.hostKey, _, _, _, err = gossh.ParseAuthorizedKey(b); err != nil {
		t.Fatal(err)
	}
	go func() { ts.served <- s.Serve() }()
	t.Cleanup(func() { ts.shutdown(t) })
	return ts
}

func (ts *testServer) shutdown(t *testing.T) {
	ts.shutdownOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := ts.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-ts.served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
}

// testWriter writes into the test's log until the test is done.
type testWriter struct {
	t    *testing.T
	done atomic.Bool
}

func (w *testWriter) Write(b []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(b), "\n"))
	}
	return len(b), nil
}

// term is an SSH client session with a terminal, its screen output
// collected as text (escape sequences stripped).
type term struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{}
}

// dialTerm logs in with key and opens a w x h terminal with env set.
func (ts *testServer) dialTerm(t *testing.T, key gossh.Signer, user string, w, h int, env ...string) (*term, error) {
	t.Helper()
	cfg := &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey), Timeout: 30 * time.Second}
	c, err := gossh.Dial(ts.Addr().Network(), ts.Addr().String(), cfg)
	if err != nil {
		return nil, err
	}
	return openTerm(t, c, w, h, env...)
}

func openTerm(t *testing.T, c *gossh.Client, w, h int, env ...string) (*term, error) {
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, err
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if err := s.Setenv(k, v); err != nil {
			c.Close()
			return nil, fmt.Errorf("setenv %s: %w", k, err)
		}
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		c.Close()
		return nil, err
	}
	tm := &term{t: t, client: c, sess: s, done: make(chan struct{})}
	if tm.in, err = s.StdinPipe(); err != nil {
		c.Close()
		return nil, err
	}
	out, err := s.StdoutPipe()
	if err != nil {
		c.Close()
		return nil, err
	}
	if err := s.Shell(); err != nil {
		c.Close()
		return nil, err
	}
	go func() {
		defer close(tm.done)
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return tm, nil
}

// text is everything the session printed so far, without escapes.
func (tm *term) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.out.String())
}

// mark forgets what was printed so far: wait then looks at newer output.
func (tm *term) mark() {
	tm.mu.Lock()
	tm.out.Reset()
	tm.mu.Unlock()
}

// wait waits until the output has every string (the deadline only fails
// a session that never gets there).
func (tm *term) wait(what string, subs ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		ended := false
		select {
		case <-tm.done:
			ended = true
		default:
		}
		s := tm.text()
		ok := true
		for _, sub := range subs {
			ok = ok && strings.Contains(s, sub)
		}
		if ok {
			return s
		}
		if ended {
			tm.t.Fatalf("waiting for %s: the session ended; the output is:\n%s", what, s)
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %s; the output is:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ended waits for the server to end the session.
func (tm *term) ended(what string) string {
	tm.t.Helper()
	select {
	case <-tm.done:
		return tm.text()
	case <-time.After(90 * time.Second):
		tm.t.Fatalf("%s: the session did not end; the output is:\n%s", what, tm.text())
		return ""
	}
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.in, keys); err != nil {
		tm.t.Fatalf("send %q: %v", keys, err)
	}
}

// session finds the running session of the key with fingerprint fp.
func (ts *testServer) session(t *testing.T, fp string) *session {
	t.Helper()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, ss := range ts.sessions {
		if ss.id.Key == fp {
			return ss
		}
	}
	t.Fatalf("no session of %s", fp)
	return nil
}

// TestServeRoles: a viewer's console is read-only and says why; an
// operator's is not, and names the SSH user and key as the holder of a
// sync; NO_COLOR from the session's environment turns its colour off.
func TestServeRoles(t *testing.T) {
	ts := startServer(t, nil)
	vw, err := ts.dialTerm(t, ts.viewer, "bob", 100, 30, "NO_COLOR=1")
	if err != nil {
		t.Fatal(err)
	}
	op, err := ts.dialTerm(t, ts.operator, "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	vw.wait("the viewer's pair list", "hasync test", "read-only", "lab-vyatta", "vra-a")
	s := op.wait("the operator's pair list", "hasync test", "lab-vyatta", "vra-a")
	if strings.Contains(s, "read-only") {
		t.Errorf("the operator's console is read-only:\n%s", s)
	}
	v := ts.session(t, ts.viewerKeyFP).model.com
	if !v.ReadOnly || v.ReadOnlyReason != "your key's role is viewer" || !v.NoColor {
		t.Errorf("viewer: ReadOnly %v (%q) NoColor %v", v.ReadOnly, v.ReadOnlyReason, v.NoColor)
	}
	o := ts.session(t, ts.operatorKey).model.com
	if o.ReadOnly || o.NoColor {
		t.Errorf("operator: ReadOnly %v NoColor %v", o.ReadOnly, o.NoColor)
	}
	if want := fmt.Sprintf("alice (session %d, key %s…)", o.Served.Session, ts.operatorKey[:len("SHA256:")+12]); o.Holder() != want || o.Served.Comment != "op@test" || o.Served.Role != RoleOperator {
		t.Errorf("operator: holder %q (want %q), identity %+v", o.Holder(), want, o.Served)
	}
}

// TestServeRefusals: an unknown key, a password, keyboard-interactive, a
// command and a session without a terminal are all refused.
func TestServeRefusals(t *testing.T) {
	buf := &lockedBuffer{}
	ts := startServer(t, func(o *ServeOptions) {
		o.Log = charmlog.NewWithOptions(io.MultiWriter(buf, &testWriter{t: t}), charmlog.Options{Level: charmlog.InfoLevel})
	})
	dial := func(auth ...gossh.AuthMethod) error {
		c, err := gossh.Dial("tcp", ts.Addr().String(), &gossh.ClientConfig{User: "eve", Auth: auth,
			HostKeyCallback: gossh.FixedHostKey(ts.hostKey), Timeout: 30 * time.Second})
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(gossh.PublicKeys(ts.stranger)); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("unknown key: %v", err)
	}
	if err := dial(gossh.Password("hunter2")); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("password: %v", err)
	}
	ki := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	if err := dial(ki); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("keyboard-interactive: %v", err)
	}
	c, err := gossh.Dial("tcp", ts.Addr().String(), &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(ts.operator)},
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run := func(cmd string) (string, error) {
		s, err := c.NewSession()
		if err != nil {
			return "", err
		}
		defer s.Close()
		if cmd == "" {
			var out, errOut bytes.Buffer
			s.Stdout, s.Stderr = &out, &errOut
			if err := s.Shell(); err != nil {
				return "", err
			}
			err := s.Wait()
			return out.String() + errOut.String(), err
		}
		b, err := s.CombinedOutput(cmd)
		return string(b), err
	}
	if out, err := run("cat /etc/passwd"); err == nil || !strings.Contains(out, "Command is not allowed: cat") {
		t.Errorf("a command: %v %q", err, out)
	}
	if out, err := run(""); err == nil || !strings.Contains(out, "Requires an active PTY") || !strings.Contains(out, "connect with ssh -t") {
		t.Errorf("no terminal: %v %q", err, out)
	}
	// sftp / scp, -L / -W, -R (trial 13b #13): refused and logged.
	if s, err := c.NewSession(); err == nil {
		if err := s.RequestSubsystem("sftp"); err == nil {
			_ = s.Wait()
		}
		s.Close()
	}
	if conn, err := c.Dial("tcp", "127.0.0.1:9"); err == nil {
		conn.Close()
		t.Error("port forwarding (direct-tcpip) was let through")
	}
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("remote forwarding (tcpip-forward) was let through")
	}
	if n := ts.Sessions(); n != 0 {
		t.Errorf("%d sessions after refusals", n)
	}
	log := buf.String()
	for _, want := range []string{"refused: a command (cat /etc/passwd)", "refused: no terminal (ssh -T)", "refused: subsystem sftp",
		"refused: port forwarding (ssh -L, -W)", "refused: remote forwarding (ssh -R)", "key=" + ts.operatorKey} {
		if !strings.Contains(log, want) {
			t.Errorf("the server's log lacks %q:\n%s", want, log)
		}
	}
}

// TestServeSessionIsolation: a session whose console panics, and one
// whose client vanishes without a word, end alone: the other session
// keeps working, and new sessions are served.
func TestServeSessionIsolation(t *testing.T) {
	ts := startServer(t, func(o *ServeOptions) {
		o.hook = func(id Identity, msg tea.Msg) {
			if k, ok := msg.(tea.KeyPressMsg); ok && id.Comment == "crash@test" && k.String() == "!" {
				panic("a bug in one session")
			}
		}
	})
	op, err := ts.dialTerm(t, ts.operator, "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("the operator's pair list", "lab-vyatta", "vra-a")
	cr, err := ts.dialTerm(t, ts.crash, "mallory", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	cr.wait("the crashing session's pair list", "lab-vyatta")
	// Bubble Tea prints the panic and its stack on the process's stderr
	// (the server's, never the session's): keep it, and check it.
	dump, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = dump
	cr.send("!")
	cr.ended("the session that panicked")
	os.Stderr = stderr
	if b, _ := os.ReadFile(dump.Name()); !strings.Contains(string(b), "a bug in one session") {
		t.Errorf("the panic was not caught and reported on the server's stderr: %q", b)
	}

	gone, err := ts.dialTerm(t, ts.viewer, "bob", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	gone.wait("the viewer's pair list", "lab-vyatta")
	gone.client.Conn.Close() // the client vanishes: no exit, no EOF
	<-gone.done

	op.mark()
	op.send("\r") // open the pair: Diff tab
	op.wait("the operator's pair view after the others ended", "Diff", "Sync-maps", "HA")
	again, err := ts.dialTerm(t, ts.viewer, "bob", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	again.wait("a new session after the others ended", "lab-vyatta", "read-only")
	deadline := time.Now().Add(30 * time.Second)
	for ts.Sessions() != 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := ts.Sessions(); n != 2 {
		t.Errorf("%d sessions, want 2 (the operator's and the new one)", n)
	}
}

// TestServeResize: the window size of the client, and its changes, reach
// the session's console.
func TestServeResize(t *testing.T) {
	ts := startServer(t, nil)
	op, err := ts.dialTerm(t, ts.operator, "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("the pair list", "lab-vyatta", "vra-a")
	if lines := strings.Split(ts.screen(t, ts.operatorKey), "\n"); len(lines) != 30 || ansi.StringWidth(lines[0]) != 100 {
		t.Errorf("the screen is %d lines of %d cells, want 30 of 100", len(lines), ansi.StringWidth(lines[0]))
	}
	if err := op.sess.WindowChange(12, 60); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := ts.screen(t, ts.operatorKey)
		if lines := strings.Split(s, "\n"); len(lines) == 12 && ansi.StringWidth(lines[0]) <= 60 && strings.Contains(s, "lab-vyatta") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console was not resized to 60x12:\n%s", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// screen is the console of the session of key fp as text, read on its
// program's goroutine.
func (ts *testServer) screen(t *testing.T, fp string) string {
	t.Helper()
	reply := make(chan string, 1)
	ts.session(t, fp).program.Send(screenMsg{reply: reply})
	select {
	case s := <-reply:
		return ansi.Strip(s)
	case <-time.After(30 * time.Second):
		t.Fatal("the session's console does not answer")
		return ""
	}
}

// TestServeTimeouts: a session without a key for the idle timeout, and
// one past the maximum, are ended and told why.
func TestServeTimeouts(t *testing.T) {
	ts := startServer(t, func(o *ServeOptions) { o.IdleTimeout = 300 * time.Millisecond })
	vw, err := ts.dialTerm(t, ts.viewer, "bob", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	if s := vw.ended("idle"); !strings.Contains(s, "hasync serve: no key for 300ms (--idle-timeout): session closed") {
		t.Errorf("idle session's last words:\n%s", s)
	}
	ts2 := startServer(t, func(o *ServeOptions) { o.MaxTimeout = 500 * time.Millisecond })
	op, err := ts2.dialTerm(t, ts2.operator, "alice", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	if s := op.ended("max"); !strings.Contains(s, "reached its limit of 500ms (--max-session): session closed") {
		t.Errorf("max session's last words:\n%s", s)
	}
}

// TestServeShutdown: shutdown ends every session with the reason, and
// the server stops taking connections.
func TestServeShutdown(t *testing.T) {
	ts := startServer(t, nil)
	var terms []*term
	for _, k := range []gossh.Signer{ts.operator, ts.viewer} {
		tm, err := ts.dialTerm(t, k, "u", 80, 24)
		if err != nil {
			t.Fatal(err)
		}
		tm.wait("the pair list", "lab-vyatta")
		terms = append(terms, tm)
	}
	ts.shutdown(t)
	for _, tm := range terms {
		if s := tm.ended("shutdown"); !strings.Contains(s, "hasync serve: the server is shutting down: session closed") {
			t.Errorf("last words at shutdown:\n%s", s)
		}
	}
	if _, err := ts.dialTerm(t, ts.operator, "alice", 80, 24); err == nil {
		t.Error("a connection was taken after shutdown")
	}
}

// TestServeHostKey: the host key is made on first start (0600) and kept;
// a key file others may read is refused.
func TestServeHostKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "serve_host_ed25519")
	s1, made, err := loadHostKey(path)
	if err != nil || !made {
		t.Fatalf("first start: %v made %v", err, made)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode: %v %v", fi.Mode(), err)
	}
	s2, made, err := loadHostKey(path)
	if err != nil || made || !bytes.Equal(s1.PublicKey().Marshal(), s2.PublicKey().Marshal()) {
		t.Fatalf("second start: %v made %v, same key %v", err, made, err == nil && bytes.Equal(s1.PublicKey().Marshal(), s2.PublicKey().Marshal()))
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a readable key: %v", err)
	}
}

// TestServeUnixSocket: --listen unix:/path serves on an owner-only
// socket, removed at shutdown.
func TestServeUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "hasync.sock")
	ts := startServer(t, func(o *ServeOptions) { o.Listen = "unix:" + sock })
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	cc, chans, reqs, err := gossh.NewClientConn(conn, "local", &gossh.ClientConfig{User: "alice",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(ts.operator)}, HostKeyCallback: gossh.FixedHostKey(ts.hostKey)})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := openTerm(t, gossh.NewClient(cc, chans, reqs), 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	tm.wait("the pair list over the socket", "lab-vyatta")
	ts.shutdown(t)
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket is still there: %v", err)
	}
}

// TestServeSharedConnections: however many sessions watch, the lab sees
// one SSH connection per device (the hub's).
func TestServeSharedConnections(t *testing.T) {
	ts := startServer(t, nil)
	for i := range 5 {
		k := ts.viewer
		if i%2 == 0 {
			k = ts.operator
		}
		tm, err := ts.dialTerm(t, k, "u"+strconv.Itoa(i), 80, 24)
		if err != nil {
			t.Fatal(err)
		}
		tm.wait("the pair list", "lab-vyatta", "vra-a")
		tm.send("r") // a refresh from every session: still the same connections
	}
	// Counted at the lab: each device's SSH server drops its live
	// connections and says how many there were.
	servers := map[string]interface{ DropSessions() int }{
		"vra-a": ts.lab.vy.A.SSH, "vra-b": ts.lab.vy.B.SSH, "FW-A": ts.lab.hw.A.SSH, "FW-B": ts.lab.hw.B.SSH,
	}
	for name, srv := range servers {
		if n := srv.DropSessions(); n != 1 {
			t.Errorf("%s: %d connections from 5 sessions, want 1", name, n)
		}
	}
}

// TestServeNoPrompts: a served session is never asked for a password or
// a host key: a device that would need one shows why it cannot connect.
func TestServeNoPrompts(t *testing.T) {
	ts := startServer(t, func(o *ServeOptions) {
		lab := o.Hub.pairs[0].Spec()
		spec := *lab
		spec.Name = "needs-prompts"
		a, b := *spec.Devices[0], *spec.Devices[1]
		b.Credentials = inventory.Credentials{PasswordPrompt: true} // no key, no stored password
		empty := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		a.KnownHosts = empty // its host key is pinned nowhere
		spec.Devices = [2]*inventory.Device{&a, &b}
		o.Hub = NewHub(&inventory.Inventory{Pairs: []*inventory.Pair{&spec}}, pair.Options{SSHConfigFile: "none", UserKnownHosts: "none",
			Backoff: pair.Backoff{Min: 100 * time.Millisecond, Max: 500 * time.Millisecond}}, nil)
	})
	op, err := ts.dialTerm(t, ts.operator, "alice", 160, 30)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("the pair list", "needs-prompts")
	op.send("\r") // the pair view: each device's header says why
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := ts.screen(t, ts.operatorKey)
		if strings.Contains(s, "no password") && strings.Contains(s, "unknown host key") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reasons are not shown:\n%s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ss := ts.session(t, ts.operatorKey)
	reply := make(chan string, 1)
	ss.program.Send(screenMsg{reply: reply})
	<-reply
	// No question at all (a password or a host key): notices only.
	for _, d := range ss.model.dialogs {
		if d.req != nil {
			t.Errorf("a served session asks a question: %q", d.title)
		}
	}
}

// TestServeLateSession: a session that joins after the devices connected
// starts from what the others saw: the pair as last read, and the Log of
// the events before it (Hub.Recent), not an empty screen until the next
// event.
func TestServeLateSession(t *testing.T) {
	ts := startServer(t, nil)
	first, err := ts.dialTerm(t, ts.operator, "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	first.wait("the first session's pair list", "MASTER", "BACKUP", "HRP_M")
	late, err := ts.dialTerm(t, ts.viewer, "bob", 120, 30)
	if err != nil {
		t.Fatal(err)
	}
	late.wait("the late session's pair list", "lab-vyatta")
	if s := ts.screen(t, ts.viewerKeyFP); !strings.Contains(s, "MASTER") || strings.Contains(s, "connecting") {
		t.Errorf("the late session does not start from the pair as read:\n%s", s)
	}
	late.send("\r3") // the pair, its Log tab
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := ts.screen(t, ts.viewerKeyFP)
		if strings.Count(s, "session open") >= 2 && strings.Contains(s, "both devices read") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the late session's Log lacks what happened before it:\n%s", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeShutdownWaitsForSync: shutdown closes the shared pairs only
// once no sync holds a pair's lock (a sync committing runs to its end and
// verifies on its own context); when its time runs out first, it says
// which sync was still running.
func TestServeShutdownWaitsForSync(t *testing.T) {
	ts := startServer(t, nil)
	op, err := ts.dialTerm(t, ts.operator, "alice", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("the pair list", "lab-vyatta", "MASTER")
	p := ts.o.Hub.Pairs()[0]
	lock, err := p.LockSync(t.TempDir(), "alice (a sync committing)")
	if err != nil {
		t.Fatal(err)
	}
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	var released, closedEarly atomic.Bool
	go func() {
		// The sync ends only after the server cut the connections: by
		// then only the sync keeps the pairs open.
		op.ended("shutdown")
		_ = op.client.Wait()
		for drained := false; !drained; {
			select {
			case _, ok := <-sub.C:
				if !ok {
					closedEarly.Store(true)
					drained = true
				}
			default:
				drained = true
			}
		}
		released.Store(true)
		lock.Unlock()
	}()
	ts.shutdown(t)
	if !released.Load() {
		t.Fatal("shutdown returned while a sync held the pair's lock")
	}
	if closedEarly.Load() {
		t.Fatal("shutdown closed the pair while a sync held its lock")
	}

	ts2 := startServer(t, nil)
	p2 := ts2.o.Hub.Pairs()[0]
	lock2, err := p2.LockSync(t.TempDir(), "bob (a sync that never ends)")
	if err != nil {
		t.Fatal(err)
	}
	defer lock2.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err = ts2.Shutdown(ctx)
	if err == nil || !strings.Contains(err.Error(), "with a write still holding its pair's lock: lab-vyatta: bob (a sync that never ends)") {
		t.Fatalf("shutdown with a sync that does not end: %v", err)
	}
	<-ts2.served
	ts2.shutdownOnce.Do(func() {}) // done here
}

// TestServeKeysEditedApplyToOpenSessions (trial 13b #2): the authorized
// keys file is rewritten while alice (operator) and dave (operator) are
// connected: alice's line loses the operator option, dave's key is gone.
// dave's session ends, told why; alice's console is read-only from then
// on, says so, and her S plan's Apply is disabled with the reason.
func TestServeKeysEditedApplyToOpenSessions(t *testing.T) {
	ts := startServer(t, nil)
	op, err := ts.dialTerm(t, ts.operator, "alice", 120, 36)
	if err != nil {
		t.Fatal(err)
	}
	dave, err := ts.dialTerm(t, ts.crash, "dave", 120, 36)
	if err != nil {
		t.Fatal(err)
	}
	alice := ts.operatorKey
	op.wait("alice's console", "hasync test")
	dave.wait("dave's console", "hasync test")
	waitSession(t, ts, alice, "alice's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	if s := ts.screen(t, alice); strings.Contains(s, "read-only") {
		t.Fatalf("alice starts read-only:\n%s", s)
	}
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")

	line := func(k gossh.Signer) string {
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
	}
	text := line(ts.viewer) + " vw@test\n" + line(ts.operator) + " op@test\n" // alice demoted, dave gone
	if err := os.WriteFile(filepath.Join(ts.dir, "authorized_keys"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if s := dave.ended("dave's removed key"); !strings.Contains(s, "hasync serve: your key is no longer in the authorized keys: session closed") {
		t.Errorf("dave's last words:\n%s", s)
	}
	waitSession(t, ts, alice, "alice told", "read-only", "your key's role is viewer")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "(disabled)", "read-only: your key's role is viewer")
}

// TestServeSessionsIgnoreSignals: the server process gets SIGTERM (as
// `hasync serve` does, whose own handler then shuts down): the sessions'
// programs leave it to the server. Each had its own handler and quit at
// once, racing the shutdown; one that won ended as if its user quit,
// without "the server is shutting down" on its screen (the OpenSSH
// test's "known race").
func TestServeSessionsIgnoreSignals(t *testing.T) {
	var logText lockedBuffer
	ts := startServer(t, func(o *ServeOptions) {
		o.Log = charmlog.NewWithOptions(&logText, charmlog.Options{Level: charmlog.InfoLevel})
	})
	tm, err := ts.dialTerm(t, ts.viewer, "bob", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	tm.wait("the pair list", "lab-vyatta")
	waitSession(t, ts, ts.viewerKeyFP, "bob's list", "✓ vra-a MASTER")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM) // the server's handler (this test's)
	defer signal.Stop(sig)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-sig
	// A session whose program took the signal has quit by now, or
	// quits before this round trip through its messages.
	ts.screen(t, ts.viewerKeyFP)
	ts.shutdown(t)
	if s := tm.ended("shutdown"); !strings.Contains(s, "hasync serve: the server is shutting down: session closed") {
		t.Errorf("bob's last words after SIGTERM:\n%s", s)
	}
	if s := logText.String(); strings.Contains(s, "user quit") {
		t.Errorf("the server logged a session's end as its user's:\n%s", s)
	}
}

// TestServeAfterShutdown: a shutdown before Serve tracks its listener (a
// SIGTERM right at the start) still ends Serve, at once and without an
// error; it accepted forever (TestServeShutdownWaitsForSync hung so once).
func TestServeAfterShutdown(t *testing.T) {
	dir := t.TempDir()
	_, text := testKey(t)
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, []byte(text+" op@test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(ServeOptions{Listen: "127.0.0.1:0", HostKey: filepath.Join(dir, "host_key"), AuthorizedKeys: ak,
		Hub: NewHub(nil, pair.Options{}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve after the shutdown: %v", err)
		}
	case <-time.After(90 * time.Second): // a guard, not a measure: it returns at once
		s.Close()
		t.Fatal("Serve after the shutdown still accepts")
	}
}
