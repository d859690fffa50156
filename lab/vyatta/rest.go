package vyatta

// The HTTPS REST API of a Vyatta 5600 / VRA (DOMAIN.md "Vyatta REST API").
//
// Entry point:
//
//	func ServeREST(ctx context.Context, d *Device, addr string, tlsCfg *tls.Config, o RESTOptions) (baseURL string, stop func(), err error)
//
// addr is "127.0.0.1:0" for a free port; baseURL is "https://127.0.0.1:PORT";
// stop closes the listener, ends every session (discarding uncommitted
// changes) and stops every operational command.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/lab"
)

// DefaultRESTIdle is how long a configuration session or an operational
// command may go without a request before the device abandons it.
const DefaultRESTIdle = 10 * time.Minute

// RESTOptions configure a REST server.
type RESTOptions struct {
	// User and Password are the HTTP Basic credentials accepted.
	User, Password string
	// Check, when set, decides the credentials instead (ServeREST sets
	// the device's, which knows its Accounts).
	Check func(user, password string) bool
	// IdleTimeout abandons idle sessions and commands (DefaultRESTIdle
	// when zero). An abandoned session leaves the running configuration
	// unchanged.
	IdleTimeout time.Duration
	// Faults are the device's fault knobs; nil means none. The REST server
	// honours Delay, FailAuth, Refuse, DropInCommit (the commit completes,
	// its answer is lost) and DropAfterLines (for /rest/op output).
	Faults *lab.Faults
}

// confSession is what the REST API needs of a configuration session; the
// device's *Session provides it.
type confSession interface {
	Set(words []string) error
	Delete(words []string) error
	Show(words []string) (string, error)
	Changed() bool
	Commit(ctx context.Context, out func(line string)) error
	Discard()
}

// restDevice is what the REST API needs of a device besides sessions.
type restDevice interface {
	Save() error
	Op(ctx context.Context, words []string, out func(string)) error
}

// restAPI serves /rest/conf and /rest/op for one device.
type restAPI struct {
	dev  restDevice
	open func(user string) confSession
	o    RESTOptions
	// base outlives requests: a commit or a command goes on when the
	// client that started it goes away, as on the device.
	base context.Context

	mu    sync.Mutex
	confs map[string]*restConf
	ops   map[string]*restOp
}

type restConf struct {
	id      string
	user    string
	started time.Time
	// mu serialises the requests of one session.
	mu   sync.Mutex
	sess confSession
	// Guarded by restAPI.mu.
	lastUsed time.Time
	busy     int
	ended    bool
}

type restOp struct {
	id      string
	command string
	cancel  context.CancelFunc
	// Guarded by restAPI.mu.
	lastUsed time.Time
	busy     int
	// dropAfter is the DropAfterLines knob when the command started.
	dropAfter int
	// Guarded by mu.
	mu   sync.Mutex
	buf  []byte
	sent int // lines handed to the client
	done bool
}

// take returns the output not yet handed out. With a dropAfter budget it
// hands out at most that many lines in all, then reports drop.
func (o *restOp) take() (chunk string, done, drop bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	chunk, o.buf = string(o.buf), nil
	if o.dropAfter > 0 {
		left := o.dropAfter - o.sent
		if left <= 0 {
			return "", false, true
		}
		lines := strings.SplitAfter(chunk, "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) > left {
			chunk, o.buf = strings.Join(lines[:left], ""), []byte(strings.Join(lines[left:], ""))
			lines = lines[:left]
		}
		o.sent += len(lines)
	}
	return chunk, o.done && len(o.buf) == 0, false
}

// ServeREST serves d's REST API over HTTPS on addr ("127.0.0.1:0" for a
// free port) until stop is called or ctx ends, and returns its base URL.
// Empty credentials in o are the device's login; a nil o.Faults is the
// device's knobs.
func ServeREST(ctx context.Context, d *Device, addr string, tlsCfg *tls.Config, o RESTOptions) (baseURL string, stop func(), err error) {
	if o.User == "" {
		o.User, o.Password = d.User(), d.Password()
		o.Check = d.CheckPassword
	}
	if o.Faults == nil {
		o.Faults = d.Faults()
	}
	api := newRESTAPI(ctx, d, func(user string) confSession {
		s := d.NewSession(user)
		s.via = "rest"
		return s
	}, o)
	return serveREST(ctx, api, addr, tlsCfg)
}

func newRESTAPI(base context.Context, dev restDevice, open func(user string) confSession, o RESTOptions) *restAPI {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultRESTIdle
	}
	return &restAPI{
		dev: dev, open: open, o: o, base: base,
		confs: map[string]*restConf{},
		ops:   map[string]*restOp{},
	}
}

// restError is the device's JSON error body.
type restError struct {
	Message string `json:"message"`
	Error   string `json:"error"`
}

func restWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func restWriteError(w http.ResponseWriter, status int, msg string) {
	restWriteJSON(w, status, restError{Message: msg, Error: "0"})
}

// restConfigError answers a configuration error: 400, message starting ": ".
func restConfigError(w http.ResponseWriter, err error) {
	restWriteError(w, http.StatusBadRequest, ": "+err.Error())
}

func (a *restAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := a.o.Faults
	if f.Refuse() {
		// A kept-alive connection made before the knob was turned dies
		// too, as when the service goes down.
		restDropConnection(w)
		return
	}
	if d := f.Delay(); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	user, pass, ok := r.BasicAuth()
	if !ok || f.FailAuth() || !a.checkLogin(user, pass) {
		w.Header().Set("WWW-Authenticate", `Basic realm="vyatta"`)
		restWriteError(w, http.StatusUnauthorized, "Authorization Required")
		return
	}
	a.reap()
	words, err := restPathWords(r.URL.EscapedPath())
	if err != nil || len(words) < 2 || words[0] != "rest" {
		restWriteError(w, http.StatusNotFound, "Not Found")
		return
	}
	switch words[1] {
	case "conf":
		a.conf(w, r, user, words[2:])
	case "op":
		a.op(w, r, user, words[2:])
	default:
		restWriteError(w, http.StatusNotFound, "Not Found")
	}
}

func (a *restAPI) checkLogin(user, pass string) bool {
	if a.o.Check != nil {
		return a.o.Check(user, pass)
	}
	return subtle.ConstantTimeCompare([]byte(user), []byte(a.o.User)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(a.o.Password)) == 1
}

// restPathWords splits an escaped URL path into its unescaped segments, so a
// value holding a slash or a space (escaped) stays one word.
func restPathWords(escaped string) ([]string, error) {
	segs := strings.Split(strings.Trim(escaped, "/"), "/")
	words := make([]string, 0, len(segs))
	for _, s := range segs {
		w, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		words = append(words, w)
	}
	return words, nil
}

func restNewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// conf routes /rest/conf[/<id>[/<action>[/words...]]].
func (a *restAPI) conf(w http.ResponseWriter, r *http.Request, user string, rest []string) {
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodPost:
			a.confOpen(w, user)
		case http.MethodGet:
			a.confList(w)
		default:
			restWriteError(w, http.StatusNotFound, "Not Found")
		}
		return
	}
	c := a.acquireConf(rest[0])
	if c == nil {
		restWriteError(w, http.StatusNotFound, "Configuration session "+rest[0]+" not found")
		return
	}
	defer a.releaseConf(c)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isEnded(a) {
		restWriteError(w, http.StatusNotFound, "Configuration session "+rest[0]+" not found")
		return
	}
	action, words := "", rest[1:]
	if len(words) > 0 {
		action, words = words[0], words[1:]
	}
	switch {
	case action == "" && r.Method == http.MethodDelete:
		a.endConf(c)
		w.WriteHeader(http.StatusOK)
	case action == "set" && r.Method == http.MethodPut && len(words) > 0:
		if err := c.sess.Set(words); err != nil {
			restConfigError(w, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	case action == "delete" && r.Method == http.MethodPut && len(words) > 0:
		if err := c.sess.Delete(words); err != nil {
			restConfigError(w, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	case action == "show" && r.Method == http.MethodGet:
		text, err := c.sess.Show(words)
		if err != nil {
			restConfigError(w, err)
			return
		}
		restWriteJSON(w, http.StatusOK, map[string]string{"message": text})
	case action == "commit" && r.Method == http.MethodPost && len(words) == 0:
		a.confCommit(w, c)
	case action == "save" && r.Method == http.MethodPost && len(words) == 0:
		if err := a.dev.Save(); err != nil {
			restWriteError(w, http.StatusInternalServerError, "save: "+err.Error())
			return
		}
		restWriteJSON(w, http.StatusOK, map[string]string{"message": "Saving configuration to '/config/config.boot'...\nDone"})
	case action == "discard" && r.Method == http.MethodPost && len(words) == 0:
		c.sess.Discard()
		w.WriteHeader(http.StatusOK)
	default:
		restWriteError(w, http.StatusNotFound, "Not Found")
	}
}

func (a *restAPI) confOpen(w http.ResponseWriter, user string) {
	c := &restConf{id: restNewID(), user: user, started: time.Now(), sess: a.open(user)}
	c.lastUsed = c.started
	a.mu.Lock()
	a.confs[c.id] = c
	a.mu.Unlock()
	w.Header().Set("Location", "rest/conf/"+c.id)
	w.WriteHeader(http.StatusCreated)
}

// restSessionInfo is one entry of GET /rest/conf. The real format is not
// documented; this one names what a client needs to find its session.
type restSessionInfo struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Started  string `json:"started"`
	Modified bool   `json:"modified"`
}

func (a *restAPI) confList(w http.ResponseWriter) {
	a.mu.Lock()
	list := make([]*restConf, 0, len(a.confs))
	for _, c := range a.confs {
		list = append(list, c)
	}
	a.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].started.Before(list[j].started) })
	out := struct {
		Session []restSessionInfo `json:"session"`
	}{Session: []restSessionInfo{}}
	for _, c := range list {
		// TryLock: a session in the middle of a commit is listed without
		// waiting for it.
		modified := false
		if c.mu.TryLock() {
			modified = c.sess.Changed()
			c.mu.Unlock()
		}
		out.Session = append(out.Session, restSessionInfo{
			ID: c.id, Username: c.user, Started: c.started.UTC().Format(time.RFC3339), Modified: modified,
		})
	}
	restWriteJSON(w, http.StatusOK, out)
}

// confCommit commits the session. The commit runs on the API's base
// context, not the request's: a client that goes away mid-commit does not
// abort it halfway.
func (a *restAPI) confCommit(w http.ResponseWriter, c *restConf) {
	if !c.sess.Changed() {
		restWriteError(w, http.StatusBadRequest, ": No configuration changes to commit")
		return
	}
	var lines []string
	err := c.sess.Commit(a.base, func(line string) { lines = append(lines, line) })
	if a.o.Faults.DropInCommit() {
		restDropConnection(w)
		return
	}
	if err != nil {
		msg := strings.Join(append(lines, err.Error()), "\n")
		restWriteError(w, http.StatusBadRequest, ": "+msg)
		return
	}
	restWriteJSON(w, http.StatusOK, map[string]string{"message": strings.Join(lines, "\n")})
}

// restDropConnection closes the client's connection without an answer.
func restDropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Not reached with serveREST (HTTP/1.1 only); a recorder in a test
	// gets the device's "unavailable" instead.
	restWriteError(w, http.StatusServiceUnavailable, "Service Unavailable")
}

func (a *restAPI) acquireConf(id string) *restConf {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.confs[id]
	if c != nil {
		c.busy++
		c.lastUsed = time.Now()
	}
	return c
}

func (a *restAPI) releaseConf(c *restConf) {
	a.mu.Lock()
	c.busy--
	c.lastUsed = time.Now()
	a.mu.Unlock()
}

func (c *restConf) isEnded(a *restAPI) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return c.ended
}

// endConf discards the session's candidate; the caller holds c.mu.
func (a *restAPI) endConf(c *restConf) {
	c.sess.Discard()
	a.mu.Lock()
	c.ended = true
	delete(a.confs, c.id)
	a.mu.Unlock()
}

// op routes /rest/op/<words...> (POST) and /rest/op/<id> (GET, DELETE).
func (a *restAPI) op(w http.ResponseWriter, r *http.Request, user string, rest []string) {
	if r.Method == http.MethodPost {
		if len(rest) == 0 {
			restWriteError(w, http.StatusBadRequest, ": no command given")
			return
		}
		a.opStart(w, user, rest)
		return
	}
	if len(rest) != 1 {
		restWriteError(w, http.StatusNotFound, "Not Found")
		return
	}
	a.mu.Lock()
	o := a.ops[rest[0]]
	if o != nil {
		o.busy++
		o.lastUsed = time.Now()
	}
	a.mu.Unlock()
	if o == nil {
		restWriteError(w, http.StatusNotFound, "Operational command "+rest[0]+" not found")
		return
	}
	defer func() {
		a.mu.Lock()
		o.busy--
		o.lastUsed = time.Now()
		a.mu.Unlock()
	}()
	switch r.Method {
	case http.MethodGet:
		chunk, done, drop := o.take()
		switch {
		case drop:
			// The command stays listed and every later GET drops too
			// (an HTTP client retries a GET once on a fresh
			// connection), until DELETE or the idle reaper ends it.
			o.cancel()
			restDropConnection(w)
		case chunk != "":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(chunk))
		case done:
			w.WriteHeader(http.StatusGone)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	case http.MethodDelete:
		o.cancel()
		a.mu.Lock()
		delete(a.ops, o.id)
		a.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		restWriteError(w, http.StatusNotFound, "Not Found")
	}
}

func (a *restAPI) opStart(w http.ResponseWriter, user string, words []string) {
	ctx, cancel := context.WithCancel(WithUser(a.base, user))
	o := &restOp{
		id: restNewID(), command: strings.Join(words, " "), cancel: cancel,
		lastUsed: time.Now(), dropAfter: a.o.Faults.DropAfterLines(),
	}
	a.mu.Lock()
	a.ops[o.id] = o
	a.mu.Unlock()
	go func() {
		defer cancel()
		err := a.dev.Op(ctx, words, func(line string) {
			o.mu.Lock()
			o.buf = append(append(o.buf, line...), '\n')
			o.mu.Unlock()
		})
		o.mu.Lock()
		// A command stopped by DELETE or by the idle reaper ends quietly;
		// any other error is part of its output, as on the console.
		if err != nil && ctx.Err() == nil {
			o.buf = append(append(o.buf, err.Error()...), '\n')
		}
		o.done = true
		o.mu.Unlock()
	}()
	w.Header().Set("Location", "rest/op/"+o.id)
	w.WriteHeader(http.StatusCreated)
}

// reap abandons idle sessions (discarding their candidates) and stops idle
// commands.
func (a *restAPI) reap() {
	deadline := time.Now().Add(-a.o.IdleTimeout)
	var stale []*restConf
	a.mu.Lock()
	for id, c := range a.confs {
		if c.busy == 0 && c.lastUsed.Before(deadline) {
			c.ended = true
			delete(a.confs, id)
			stale = append(stale, c)
		}
	}
	for id, o := range a.ops {
		if o.busy == 0 && o.lastUsed.Before(deadline) {
			o.cancel()
			delete(a.ops, id)
		}
	}
	a.mu.Unlock()
	for _, c := range stale {
		c.mu.Lock()
		c.sess.Discard()
		c.mu.Unlock()
	}
}

// close ends every session and command, as a device reboot would.
func (a *restAPI) close() {
	a.mu.Lock()
	confs, ops := a.confs, a.ops
	a.confs, a.ops = map[string]*restConf{}, map[string]*restOp{}
	for _, c := range confs {
		c.ended = true
	}
	a.mu.Unlock()
	for _, o := range ops {
		o.cancel()
	}
	for _, c := range confs {
		c.mu.Lock()
		c.sess.Discard()
		c.mu.Unlock()
	}
}

// ErrRESTListen is returned when the REST server cannot listen.
var ErrRESTListen = errors.New("rest: cannot listen")

// serveREST serves api over HTTPS on addr until stop is called or ctx ends.
// HTTP/2 is off so that a fault can drop the connection under a request.
func serveREST(ctx context.Context, api *restAPI, addr string, tlsCfg *tls.Config) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("%w on %s: %v", ErrRESTListen, addr, err)
	}
	ln = restRefusingListener{Listener: ln, faults: api.o.Faults}
	srv := &http.Server{
		Handler:           api,
		TLSConfig:         tlsCfg.Clone(),
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan struct{})
	go func() {
		_ = srv.ServeTLS(ln, "", "")
	}()
	go func() {
		// Reap abandoned sessions even when no request comes in, so an
		// idle `monitor log` stops.
		t := time.NewTicker(max(api.o.IdleTimeout/4, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-t.C:
				api.reap()
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(done)
			_ = srv.Close()
			api.close()
		})
	}
	context.AfterFunc(ctx, stop)
	return "https://" + ln.Addr().String(), stop, nil
}

// restRefusingListener closes new connections at once while the Refuse knob is
// on, as a device whose HTTPS service is down.
type restRefusingListener struct {
	net.Listener
	faults *lab.Faults
}

func (l restRefusingListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || !l.faults.Refuse() {
			return c, err
		}
		c.Close()
	}
}
