package tui

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	charmlog "charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/accesscontrol"
	"charm.land/wish/v2/activeterm"
	wishtea "charm.land/wish/v2/bubbletea"
	"charm.land/wish/v2/logging"
	wishrecover "charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"
)

// ServeOptions configure the served console (hasync serve).
type ServeOptions struct {
	// Listen is "host:port" (TCP), or "unix:/path" for a Unix socket a
	// local proxy connects to (made owner-only, removed on shutdown).
	Listen string
	// HostKey is the server's private host key file; generated (ed25519,
	// mode 0600) on first start when missing. Required (hasync serve
	// names one in its state directory).
	HostKey string
	// AuthorizedKeys is an OpenSSH authorized_keys file: the only way in
	// (public keys; passwords and keyboard-interactive are refused). A
	// line's environment="HASYNC_ROLE=operator" makes its key an operator;
	// viewer is the default. Read again when it changes.
	AuthorizedKeys string
	// Hub holds the shared pairs; the server starts it and, at
	// shutdown, closes it once the syncs finished.
	Hub *Hub
	// Console is the base of every session's console options (Title,
	// AuditDir, ASCII, Logger); the server sets Pairs, ReadOnly and its
	// reason, Served and NoColor per session.
	Console Options
	// Log is the server's own log (connections, sessions, errors): a file
	// or stderr, never a session. nil discards.
	Log *charmlog.Logger
	// IdleTimeout ends a session after this long without a key, a paste
	// or a mouse event from its user (0: never). The connection itself
	// also times out after this long without any traffic.
	IdleTimeout time.Duration
	// MaxTimeout ends a session this long after it began (0: never).
	MaxTimeout time.Duration

	// hook, in tests, sees every message of every session first (a panic
	// in it is a panic in that session).
	hook func(Identity, tea.Msg)
}

// Server is the console served over SSH with wish: one Bubble Tea
// program and model per session, over the hub's shared pairs.
type Server struct {
	o    ServeOptions
	srv  *ssh.Server
	ln   net.Listener
	log  *slog.Logger
	keys *authorizedKeys
	// HostKeyFingerprint is the SHA256 fingerprint of the host key.
	HostKeyFingerprint string
	// unixPath is the socket file to remove at shutdown ("" TCP).
	unixPath string

	// base is the parent of every session's console: cancelled at
	// shutdown.
	base   context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	// sessions are the consoles running, by their SSH session (one
	// connection may carry several: OpenSSH's ControlMaster).
	sessions map[ssh.Session]*session
	shutdown bool
	// active counts the session handlers that made a console and have
	// not yet released it.
	active sync.WaitGroup
	// started counts sessions since start (the log's session numbers).
	started atomic.Int64
}

// session is one served console while its program runs.
type session struct {
	id      Identity
	n       int64
	model   *Model
	program *tea.Program
	// key is the public key that logged it in; role its role as the
	// authorized keys last gave it (both under Server.mu).
	key    ssh.PublicKey
	role   Role
	cancel context.CancelFunc
	// lastInput is the time of the user's last key, paste or mouse
	// event (unix nanoseconds).
	lastInput atomic.Int64
	// why is the reason the server ended the session ("" the user quit).
	why atomic.Value
	// clientGone: the program was ended by its context (the client
	// closed, or the server ended it: why then says so).
	clientGone atomic.Bool
	// revoked: its key was removed from the authorized keys; its writes
	// not yet committing are stopped (trial 13c N6).
	revoked atomic.Bool
}

// Permission extensions the auth handler leaves for the session.
const (
	extRole    = "hasync-role"
	extComment = "hasync-key-comment"
)

// NewServer checks the options, loads or makes the host key, reads the
// authorized keys and listens; Serve then accepts sessions.
func NewServer(o ServeOptions) (*Server, error) {
	if o.Hub == nil {
		return nil, errors.New("serve: no pairs (Hub)")
	}
	if o.AuthorizedKeys == "" {
		return nil, errors.New("serve: --authorized-keys is required: public keys are the only way in")
	}
	if o.HostKey == "" {
		return nil, errors.New("serve: no host key file (HostKey)")
	}
	if o.Log == nil {
		o.Log = charmlog.NewWithOptions(io.Discard, charmlog.Options{})
	}
	s := &Server{o: o, log: slog.New(o.Log), sessions: map[ssh.Session]*session{}}
	s.base, s.cancel = context.WithCancel(context.Background())
	keys, err := loadAuthorizedKeys(o.AuthorizedKeys, func(err error) { s.log.Error("authorized keys", logErr, err) })
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if len(keys.keys) == 0 {
		return nil, fmt.Errorf("serve: %s %w: nobody could log in", o.AuthorizedKeys, errNoKeys)
	}
	s.keys = keys
	hostKey := o.HostKey
	signer, made, err := loadHostKey(hostKey)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.HostKeyFingerprint = gossh.FingerprintSHA256(signer.PublicKey())
	if made {
		s.log.Info("host key generated", "file", hostKey, "fingerprint", s.HostKeyFingerprint)
	}
	s.srv, err = wish.NewServer(
		// The key first: wish would otherwise make a throwaway one.
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.authKey),
		wish.WithIdleTimeout(connLimit(o.IdleTimeout)),
		wish.WithMaxTimeout(connLimit(o.MaxTimeout)),
		wish.WithMiddleware(
			// Listed innermost first: wish wraps each around the ones
			// before it, so the log sees every session and the recover
			// guards all that follows it.
			s.teaMiddleware,
			activeterm.Middleware(),
			accesscontrol.Middleware(), // no command runs: the console only
			s.ended,
			wishrecover.MiddlewareWithLogger(printfLogger{s.log}),
			logging.StructuredMiddlewareWithLogger(o.Log, charmlog.InfoLevel),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	// The console only: subsystems (sftp, scp) and forwarding (-L, -W,
	// -R) are refused, and logged with who asked.
	s.srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{"default": func(sess ssh.Session) {
		s.refused("subsystem "+sess.Subsystem(), sess.Context())
		wish.Fatalln(sess, "hasync serve runs the console only: no "+sess.Subsystem()+" (connect with ssh -t)")
	}}
	s.srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler,
		"direct-tcpip": func(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
			s.refused("port forwarding (ssh -L, -W)", ctx)
			_ = nc.Reject(gossh.Prohibited, "hasync serve runs the console only: no forwarding")
		}}
	s.srv.RequestHandlers = map[string]ssh.RequestHandler{"tcpip-forward": func(ctx ssh.Context, _ *ssh.Server, _ *gossh.Request) (bool, []byte) {
		s.refused("remote forwarding (ssh -R)", ctx)
		return false, nil
	}}
	// Passwords and keyboard-interactive are refused: wish sets no
	// handler for them without an option asking for one.
	s.srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		s.log.Info("connection refused", "remote", c.RemoteAddr().String(), logErr, err)
	}
	if err := s.listen(o.Listen); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return s, nil
}

// connLinger is how long shutdown waits for the clients to close their
// connections once their sessions ended.
const connLinger = 3 * time.Second

// connLimit is the connection's idle or absolute limit: a little over
// the session's, which ends first and says why. (An idle connection
// limit equal to the session's cut the connection first after a key: the
// key's echo was its last traffic, and the session's check comes a tick
// later; trial 13b #3.)
func connLimit(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + time.Minute
}

func (s *Server) listen(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:2222"
	}
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		if path == "" {
			return errors.New("--listen unix: expected a socket path (unix:/path)")
		}
		if fi, err := os.Lstat(path); err == nil {
			if fi.Mode().Type() != fs.ModeSocket {
				return fmt.Errorf("--listen %s: exists and is not a socket", addr)
			}
			// A socket left by a server that died: nobody answers on it.
			if c, err := net.Dial("unix", path); err == nil {
				c.Close()
				return fmt.Errorf("--listen %s: another server listens there", addr)
			}
			os.Remove(path)
		}
		ln, err := net.Listen("unix", path)
		if err != nil {
			return err
		}
		if err := os.Chmod(path, 0o600); err != nil {
			ln.Close()
			return err
		}
		s.ln, s.unixPath = ln, path
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// RefusedKeyLines is how many lines of the authorized keys file were
// refused at its last read (the server's log says which and why).
func (s *Server) RefusedKeyLines() int { return s.keys.Refused() }

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve starts the hub and serves sessions until Shutdown or Close; it
// returns nil after a shutdown.
func (s *Server) Serve() error {
	s.o.Hub.Start(s.base)
	go s.watchKeys()
	s.log.Info("serving", "addr", s.ln.Addr().String(), "host_key", s.HostKeyFingerprint, "pairs", len(s.o.Hub.Pairs()))
	err := s.srv.Serve(s.ln)
	if errors.Is(err, ssh.ErrServerClosed) || s.base.Err() != nil && errors.Is(err, net.ErrClosed) {
		return nil // Shutdown or Close closed the listener
	}
	return err
}

// Sessions is the number of sessions running now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown stops taking connections, ends every session (each is told
// why), waits for the writes the sessions started to end (a sync that is
// committing finishes and is verified; one that is not yet committing is
// cancelled by its context and leaves the target as it was: the sync's
// own transaction, backend/sync; a sync-map save runs to its end), then
// closes the pairs. Reads are not waited for: the shared pairs let a
// session stop waiting at once (pair.Options.Shared), and closing the
// pairs ends the reads still running. When ctx ends first, the remaining
// connections are cut and the pairs closed anyway.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	for _, ss := range s.sessions {
		ss.why.CompareAndSwap(nil, "the server is shutting down")
	}
	s.mu.Unlock()
	s.log.Info("shutting down", "sessions", s.Sessions())
	// No new connection: the listeners close at once; conns ends when
	// every connection has (each client closes its own once told why).
	conns := make(chan struct{})
	go func() {
		_ = s.srv.Shutdown(ctx)
		close(conns)
	}()
	s.cancel() // every session's console: its program ends, its syncs are cancelled
	// The listener too, in case Serve has not begun to track it (a
	// shutdown right at the start): it would accept forever.
	_ = s.ln.Close()
	handlers := make(chan struct{})
	go func() { s.active.Wait(); close(handlers) }()
	var err error
	select {
	case <-handlers:
	case <-ctx.Done():
		err = fmt.Errorf("sessions still running: %w", ctx.Err())
		s.log.Warn("shutdown: sessions cut", logErr, err)
	}
	// A client that keeps its connection after its session ended (or
	// never opened one) is cut after a moment; the others have closed.
	linger := time.NewTimer(connLinger)
	select {
	case <-conns:
	case <-linger.C:
	case <-ctx.Done():
	}
	linger.Stop()
	s.srv.Close()
	if werr := s.o.Hub.WaitSyncs(ctx); werr != nil {
		s.log.Warn("shutdown: syncs still running", logErr, werr)
		err = errors.Join(err, werr)
	}
	s.o.Hub.Close()
	if s.unixPath != "" {
		os.Remove(s.unixPath)
	}
	s.log.Info("shut down")
	return err
}

// Close cuts every connection at once and closes the pairs.
func (s *Server) Close() error {
	s.cancel()
	err := s.srv.Close()
	_ = s.ln.Close() // as in Shutdown
	s.o.Hub.Close()
	if s.unixPath != "" {
		os.Remove(s.unixPath)
	}
	return err
}

// authKey is the public-key handler: the key must be in the authorized
// keys file as it is now; its role and comment go with the connection.
func (s *Server) authKey(ctx ssh.Context, key ssh.PublicKey) bool {
	k, ok := s.keys.lookup(key)
	if !ok {
		s.log.Info("key refused", "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key))
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extRole] = k.role.String()
	perms.Extensions[extComment] = k.comment
	return true
}

// refused logs a refused request with who made it (the key's
// fingerprint: the SSH user is whatever the client gave).
func (s *Server) refused(what string, ctx ssh.Context) {
	key := ""
	if pk, ok := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); ok && pk != nil {
		key = gossh.FingerprintSHA256(pk)
	}
	s.log.Info("refused: "+what, "user", ctx.User(), "key", key, "remote", ctx.RemoteAddr().String())
}

// identity is who sess is, from the key that logged it in.
func identity(sess ssh.Session) Identity {
	id := Identity{User: sess.User(), Remote: sess.RemoteAddr().String()}
	if pk := sess.PublicKey(); pk != nil {
		id.Key = gossh.FingerprintSHA256(pk)
	}
	ext := sess.Permissions().Extensions
	id.Role, _ = ParseRole(ext[extRole]) // anything else is a viewer
	id.Comment = ext[extComment]
	return id
}

// program makes a session's console: its own model over the shared
// pairs, read-only for a viewer, with the client's colour profile
// (NO_COLOR from the session's environment) and window size.
func (s *Server) program(sess ssh.Session) *tea.Program {
	if _, _, ok := sess.Pty(); !ok {
		return nil // activeterm says why
	}
	id := identity(sess)
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		wish.Println(sess, "hasync serve is shutting down")
		return nil
	}
	ctx, cancel := context.WithCancel(sess.Context())
	stop := context.AfterFunc(s.base, cancel)
	id.Session = s.started.Add(1)
	ss := &session{id: id, n: id.Session, key: sess.PublicKey(), role: id.Role, cancel: func() { stop(); cancel() }}
	// From here on, ended releases the session whatever happens.
	s.sessions[sess] = ss
	s.active.Add(1)
	s.mu.Unlock()
	o := s.o.Console
	o.Hub = s.o.Hub
	o.Served = id
	start := s.roleMsg(id.Role)
	o.ReadOnly, o.ReadOnlyReason = start.readOnly, start.why
	o.NoColor = envSet(sess.Environ(), "NO_COLOR")
	if o.Logger == nil {
		// A console logs every event of its pairs at Info: fifty
		// sessions would log each fifty times. The server's log takes
		// their warnings and errors.
		o.Logger = slog.New(minLevel{s.log.Handler(), slog.LevelWarn})
	}
	o.Logger = o.Logger.With("session", ss.n, "user", id.User)
	ss.model = New(ctx, o)
	ss.lastInput.Store(time.Now().UnixNano())
	hook := s.o.hook
	opts := append(wishtea.MakeOptions(sess),
		tea.WithContext(ctx),
		// The server's signals are the server's: with its own handler,
		// every session's program quit at SIGTERM (interrupted at ^C),
		// racing Shutdown, and a session that won the race ended as if
		// its user quit, without the reason on its screen (the OpenSSH
		// test's "known race").
		tea.WithoutSignalHandler(),
		// Replaces MakeOptions' filter, so it keeps its one rule: a
		// served console cannot suspend (ctrl+z) the server.
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch m := msg.(type) {
			case tea.SuspendMsg:
				return tea.ResumeMsg{}
			case tea.KeyPressMsg, tea.PasteMsg, tea.MouseClickMsg, tea.MouseWheelMsg:
				ss.lastInput.Store(time.Now().UnixNano())
			case roleMsg:
				// On the program's goroutine: the model is not in use.
				ss.model.setRole(m)
			}
			if hook != nil {
				hook(id, msg)
			}
			return msg
		}))
	program := tea.NewProgram(ss.model, opts...)
	s.mu.Lock()
	ss.program = program
	s.mu.Unlock()
	go s.watch(ctx, ss)
	s.log.Info("session start", "session", ss.n, "user", id.User, "key", id.Key, "comment", id.Comment, "role", id.Role.String(), "remote", id.Remote, "no_color", o.NoColor)
	return ss.program
}

// roleMsg is what a session of role r gets: whether it writes nothing,
// and why: a viewer's role, else the console's own read-only.
func (s *Server) roleMsg(r Role) roleMsg {
	o := s.o.Console
	if r != RoleOperator && !o.ReadOnly {
		return roleMsg{role: r, readOnly: true, why: "your key's role is " + r.String(), byRole: true}
	}
	return roleMsg{role: r, readOnly: o.ReadOnly, why: o.ReadOnlyReason}
}

// roleMsg gives a session's console its key's new role (the authorized
// keys file changed): ReadOnly and why, as a new session would get them;
// byRole: the role alone is why.
type roleMsg struct {
	role     Role
	readOnly bool
	why      string
	byRole   bool
}

// setRole takes a served session's new role (its authorized keys line
// changed): read-only or not from now on, at once: an open plan is
// redrawn (Apply disabled or enabled), and a write of this session not
// yet committing is stopped, as the server's shutdown does (trial 13c N5,
// N6). The user is told.
func (m *Model) setRole(r roleMsg) {
	m.com.Served.Role = r.role
	m.com.ReadOnly, m.com.ReadOnlyReason = r.readOnly, r.why
	m.redrawPlan()
	text := "the authorized keys changed: your key's role is " + r.role.String()
	if !r.readOnly {
		m.setNotice(text+"; you may sync and save sync-maps", false)
		return
	}
	if r.why == "" || r.byRole {
		text += ": read-only from now on" // the reason said once (trial 13c N10)
	} else {
		text += "; read-only from now on (" + r.why + ")"
	}
	for _, note := range m.stopWrites("its key's role is now " + r.role.String()) {
		text += "; " + note
	}
	m.setNotice(text, true)
}

// keyWatch is how often the open sessions' keys are checked against the
// authorized keys file (a stat: the file is read again when it changed).
const keyWatch = time.Second

// watchKeys applies an edited authorized keys file to the sessions open
// until the server stops, as to new logins: a session whose key is gone
// is ended and told why; one whose role changed gets it (an operator made
// a viewer is read-only from then on, and told).
func (s *Server) watchKeys() {
	t := time.NewTicker(keyWatch)
	defer t.Stop()
	for {
		select {
		case <-s.base.Done():
			return
		case <-t.C:
		}
		// The file is read once a tick, outside the server's lock. A file
		// that cannot be read (missing for a moment while a deploy
		// replaces it) changes no open session: new logins are refused
		// meanwhile (lookup), and the next good read applies.
		keys, err := s.keys.current()
		if err != nil {
			s.log.Warn("authorized keys not read: open sessions keep their roles", logErr, err)
			continue
		}
		type change struct {
			ss   *session
			p    *tea.Program
			role Role
			gone bool
		}
		var changes []change
		s.mu.Lock()
		for _, ss := range s.sessions {
			if ss.program == nil || ss.key == nil {
				continue
			}
			k, ok := findKey(keys, ss.key)
			if !ok || k.role != ss.role {
				ss.role = k.role
				changes = append(changes, change{ss, ss.program, k.role, !ok})
			}
		}
		s.mu.Unlock()
		for _, c := range changes {
			if c.gone {
				c.ss.revoked.Store(true)
				c.ss.why.CompareAndSwap(nil, "your key is no longer in the authorized keys")
				s.log.Info("key removed: session ended", "session", c.ss.n, "user", c.ss.id.User, "key", c.ss.id.Key)
				c.p.Quit()
				continue
			}
			s.log.Info("key's role changed", "session", c.ss.n, "user", c.ss.id.User, "key", c.ss.id.Key, "role", c.role.String())
			c.p.Send(s.roleMsg(c.role))
		}
	}
}

// teaMiddleware runs the session's program (s.program), as wish's
// bubbletea middleware does, but a program ended by its context (the
// client closed, the server shuts down) is an ordinary end, not an error
// in the log (trial 13 item 7); another error still is.
func (s *Server) teaMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		program := s.program(sess)
		if program == nil {
			next(sess)
			return
		}
		_, windowChanges, _ := sess.Pty() // s.program made none without a terminal
		ctx, cancel := context.WithCancel(sess.Context())
		go func() {
			defer func() {
				if r := recover(); r != nil {
					s.log.Error("panic in window change handler", "panic", fmt.Sprint(r))
					program.Quit()
				}
			}()
			for {
				select {
				case <-ctx.Done():
					program.Quit()
					return
				case w := <-windowChanges:
					program.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
				}
			}
		}()
		if _, err := program.Run(); err != nil {
			if errors.Is(err, tea.ErrProgramKilled) && errors.Is(err, context.Canceled) {
				s.mu.Lock()
				if ss := s.sessions[sess]; ss != nil {
					ss.clientGone.Store(true)
				}
				s.mu.Unlock()
				s.log.Debug("session program ended by its context", logErr, err)
			} else {
				s.log.Error("session program ended", logErr, err)
			}
		}
		program.Kill() // restores the terminal if still running
		cancel()
		next(sess)
	}
}

// watch ends ss when its user was idle for IdleTimeout or it ran for
// MaxTimeout.
func (s *Server) watch(ctx context.Context, ss *session) {
	idle, maxT := s.o.IdleTimeout, s.o.MaxTimeout
	if idle <= 0 && maxT <= 0 {
		return
	}
	var maxC <-chan time.Time
	if maxT > 0 {
		t := time.NewTimer(maxT)
		defer t.Stop()
		maxC = t.C
	}
	var tick <-chan time.Time
	if idle > 0 {
		t := time.NewTicker(min(max(idle/10, 10*time.Millisecond), time.Second))
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-maxC:
			ss.why.CompareAndSwap(nil, fmt.Sprintf("the session reached its limit of %s (--max-session)", maxT))
			ss.program.Quit()
			return
		case <-tick:
			if time.Since(time.Unix(0, ss.lastInput.Load())) >= idle {
				ss.why.CompareAndSwap(nil, fmt.Sprintf("no key for %s (--idle-timeout)", idle))
				ss.program.Quit()
				return
			}
		}
	}
}

// ended runs after the session's program returned (or was never made):
// it releases the session's console (its subscriptions; the shared pairs
// stay) and tells the user why the server ended it.
func (s *Server) ended(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		// Deferred: a panic in the session (its console's constructor,
		// the middleware) still releases it before the recover
		// middleware logs it.
		defer func() {
			s.mu.Lock()
			ss := s.sessions[sess]
			delete(s.sessions, sess)
			s.mu.Unlock()
			if ss == nil {
				return
			}
			if ss.model != nil {
				s.mu.Lock()
				stopping := s.shutdown
				s.mu.Unlock()
				switch {
				case stopping:
					// What the shutdown does to this session's syncs.
					for _, note := range ss.model.shutdownNotes() {
						wish.Println(sess, "hasync serve: "+note+"\r")
					}
				case ss.revoked.Load():
					// A key removed writes no more: as a demotion does.
					for _, note := range ss.model.stopWrites("its key is no longer in the authorized keys") {
						wish.Println(sess, "hasync serve: "+note+"\r")
					}
				default:
					ss.model.sessionEnded()
				}
				ss.model.Close()
			}
			ss.cancel()
			why, _ := ss.why.Load().(string)
			if why != "" {
				wish.Println(sess, "hasync serve: "+why+": session closed\r")
			} else if ss.clientGone.Load() {
				why = "client closed" // its program was ended by the connection's end
			} else {
				why = "user quit"
			}
			s.log.Info("session end", "session", ss.n, "user", ss.id.User, "why", why)
			_ = sess.Exit(0)
			s.active.Done()
		}()
		// What the inner middlewares refuse (accesscontrol a command,
		// activeterm no terminal), logged as refusals.
		if cmd := sess.Command(); len(cmd) > 0 {
			s.refused("a command ("+strings.Join(cmd, " ")+")", sess.Context())
		} else if _, _, ok := sess.Pty(); !ok {
			s.refused("no terminal (ssh -T)", sess.Context())
			wish.Println(sess, "hasync serve: the console needs a terminal: connect with ssh -t\r")
		}
		next(sess)
	}
}

// envSet tells whether env sets name to a non-empty value.
func envSet(env []string, name string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok && v != "" {
			return true
		}
	}
	return false
}

// loadHostKey reads the host key at path, or makes an ed25519 key there
// (mode 0600, its directory 0700) when there is none. A key file others
// may read is refused, as sshd refuses it.
func loadHostKey(path string) (gossh.Signer, bool, error) {
	b, err := os.ReadFile(path)
	made := false
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = makeHostKey(path); err != nil {
			return nil, false, err
		}
		made = true
	} else if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	} else if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("host key %s: mode %04o lets others read it: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, made, nil
}

func makeHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	blk, err := gossh.MarshalPrivateKey(priv, "hasync serve host key")
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	b := pem.EncodeToMemory(blk)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	pub, err := gossh.NewPublicKey(priv.Public())
	if err == nil {
		_ = os.WriteFile(path+".pub", gossh.MarshalAuthorizedKey(pub), 0o644)
	}
	return b, nil
}

// minLevel drops records under min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// printfLogger is the wish recover middleware's logger: the server's log.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) {
	p.l.Error("session panic", "panic", fmt.Sprintf(format, v...))
}
