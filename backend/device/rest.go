package device

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// The Vyatta REST API (5600 / VRA up to 1801, DOMAIN.md "Vyatta REST
// API"): HTTPS with HTTP Basic auth; `POST /rest/conf` opens a
// configuration session (201, `Location: rest/conf/<id>`), `PUT
// .../set/<w1>/<w2>...` and `.../delete/...` change it (one URL-escaped
// segment per word), `POST .../commit` commits (200 with the commit
// output in `message`, 400 with its errors), `POST .../save` saves,
// `GET .../show` prints the candidate, `DELETE /rest/conf/<id>` ends it,
// discarding what was not committed; `GET /rest/conf` lists the open
// sessions. Errors are `{"message": "...", "error": "0"}`; a
// configuration error's message starts with `": "`.

// RESTConfig is how to reach a device's REST API.
type RESTConfig struct {
	// Name is the device's name, for errors.
	Name string
	// URL is the API's base, https://HOST[:PORT] (inventory rest_url).
	URL string
	// CAFile is the PEM file of the CA that signs the device's
	// certificate; "" uses the system's roots.
	CAFile string
	// User and Password are the HTTP Basic credentials; Password is
	// called once per REST value made (nil: none).
	User     string
	Password func() (string, error)
	// Timeout bounds one request, a commit included (0:
	// DefaultCommandTimeout).
	Timeout time.Duration
}

// REST is a client of one device's REST API. Safe for concurrent use;
// each Apply or Fetch runs in a configuration session of its own.
type REST struct {
	cfg      RESTConfig
	base     *url.URL
	client   *http.Client
	password string
}

// ErrREST: the REST API answered something hasync cannot use (a status
// or body DOMAIN.md does not describe). Refusals are ErrRejected, lost
// connections ErrConnectionLost, as over SSH.
var ErrREST = errors.New("unexpected REST answer")

// NewREST makes the client: reads the CA file and the password. Nothing
// is sent yet.
func NewREST(cfg RESTConfig) (*REST, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: rest_url %q: expected https://HOST[:PORT]", cfg.Name, cfg.URL)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%s: REST CA: %w", cfg.Name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: REST CA %s: no PEM certificate in it", cfg.Name, cfg.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultCommandTimeout
	}
	r := &REST{cfg: cfg, base: u, client: &http.Client{Transport: &http.Transport{
		TLSClientConfig: tlsCfg, Proxy: nil, ForceAttemptHTTP2: true,
	}}}
	if cfg.Password != nil {
		if r.password, err = cfg.Password(); err != nil {
			return nil, fmt.Errorf("%s: REST: %w", cfg.Name, err)
		}
	}
	return r, nil
}

// Close closes the client's idle connections.
func (r *REST) Close() { r.client.CloseIdleConnections() }

// restAnswer is one answer of the API: its status and message.
type restAnswer struct {
	status   int
	message  string
	location string
	body     []byte
}

// do sends one request; shown is the request as errors may print it (the
// path of a set carries the value, which may be a secret). A transport
// failure wraps ErrConnectionLost, a status outside want ErrREST unless
// it is a 400 (the caller reads its message).
func (r *REST) do(ctx context.Context, method, path, shown string, want ...int) (restAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, r.base.String()+path, nil)
	if err != nil {
		return restAnswer{}, fmt.Errorf("%s: %s: %w", r.cfg.Name, shown, err)
	}
	req.SetBasicAuth(r.cfg.User, r.password)
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		// url.Error prints the URL, which may hold a secret value: keep
		// only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return restAnswer{}, &opError{device: r.cfg.Name, command: shown, kind: ErrConnectionLost, err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return restAnswer{}, &opError{device: r.cfg.Name, command: shown, kind: ErrConnectionLost, err: err}
	}
	a := restAnswer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body}
	var msg struct {
		Message string `json:"message"`
	}
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &msg) == nil {
		a.message = msg.Message
	}
	for _, w := range want {
		if a.status == w {
			return a, nil
		}
	}
	if a.status == http.StatusBadRequest {
		return a, nil
	}
	why := http.StatusText(a.status)
	if a.message != "" {
		why = a.message
	}
	if a.status == http.StatusUnauthorized {
		return a, fmt.Errorf("%s: %s: %w: %d %s (the REST API refused the login)", r.cfg.Name, shown, ErrREST, a.status, why)
	}
	return a, fmt.Errorf("%s: %s: %w: %d %s", r.cfg.Name, shown, ErrREST, a.status, why)
}

// configError is the message of a 400: without the leading ": " the
// device puts before configuration errors, as lines.
func configError(message string) []string {
	return strings.Split(strings.TrimPrefix(message, ": "), "\n")
}

// restSession is one open configuration session.
type restSession struct {
	r    *REST
	path string // /rest/conf/<id>
}

// open starts a configuration session (POST /rest/conf).
func (r *REST) open(ctx context.Context) (*restSession, error) {
	a, err := r.do(ctx, http.MethodPost, "/rest/conf", "POST /rest/conf", http.StatusCreated)
	if err != nil {
		return nil, err
	}
	loc := strings.TrimPrefix(a.location, r.base.String())
	loc = "/" + strings.TrimPrefix(loc, "/")
	if a.status != http.StatusCreated || !strings.HasPrefix(loc, "/rest/conf/") || len(loc) == len("/rest/conf/") {
		return nil, fmt.Errorf("%s: POST /rest/conf: %w: %d, Location %q", r.cfg.Name, ErrREST, a.status, a.location)
	}
	return &restSession{r: r, path: loc}, nil
}

// end ends the session (DELETE), discarding what was not committed. A
// session whose connection is gone is abandoned to the device, which
// discards it when it times out.
func (s *restSession) end(ctx context.Context) error {
	_, err := s.r.do(context.WithoutCancel(ctx), http.MethodDelete, s.path, "DELETE "+s.path, http.StatusOK, http.StatusNoContent)
	return err
}

// wordsPath is the URL path of words: one escaped segment per word.
func wordsPath(words []string) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(w))
	}
	return b.String()
}

// Apply sends cmds in one REST configuration session (DOMAIN.md "Vyatta
// REST API"): POST /rest/conf, a PUT per command (set or delete, its
// words one URL segment each), POST commit, POST save when asked, DELETE.
// The lines each answer carries go to emit (may be nil) as it arrives;
// opt.OnCommand is told of each request. A refused command stops before
// the commit; a refused commit's error blocks are tied to their paths
// (ApplyResult.Errors, Partial) as over SSH; the session is ended
// (DELETE) either way, which discards what was not committed. Errors
// wrap ErrRejected for a refusal, ErrConnectionLost when the answer did
// not come (a commit may then have applied: re-read), ErrUnsupported for
// opt.ConfirmMinutes (the API has no commit-confirm).
// opt.Comment and opt.Window do not apply: the API's commit takes no
// comment, and each request waits for its answer.
func (r *REST) Apply(ctx context.Context, cmds []Command, opt ApplyOptions, emit func(line string)) (ApplyResult, error) {
	var res ApplyResult
	if opt.ConfirmMinutes > 0 {
		return res, fmt.Errorf("%s: commit-confirm: %w: the REST API has none", r.cfg.Name, ErrUnsupported)
	}
	say := func(lines []string, secrets []string) {
		for _, l := range lines {
			for _, sec := range secrets {
				l = strings.ReplaceAll(l, sec, config.Mask)
			}
			res.Lines = append(res.Lines, l)
			if emit != nil {
				emit(l)
			}
		}
	}
	told := func(i int, shown string) {
		if opt.OnCommand != nil {
			opt.OnCommand(i, shown)
		}
	}
	told(-1, "POST /rest/conf")
	s, err := r.open(ctx)
	if err != nil {
		return res, err
	}
	for i, c := range cmds {
		verb, words, err := c.verbWords()
		if err != nil {
			_ = s.end(ctx)
			return res, fmt.Errorf("%s: %w", r.cfg.Name, err)
		}
		told(i, c.shown())
		shown := "PUT " + s.path + "/" + verb + " (" + c.shown() + ")"
		a, err := r.do(ctx, http.MethodPut, s.path+"/"+verb+wordsPath(words), shown, http.StatusOK, http.StatusNoContent)
		if err != nil {
			_ = s.end(ctx)
			return res, err
		}
		if a.status == http.StatusBadRequest {
			secrets := secretWords(c.Text, c.shown())
			lines := configError(a.message)
			say(lines, secrets)
			masked := res.Lines[len(res.Lines)-len(lines):]
			res.Errors = append(res.Errors, ApplyError{Path: c.Path, Command: c.shown(), Lines: masked})
			told(-1, "DELETE "+s.path)
			if eerr := s.end(ctx); eerr != nil {
				err = eerr
			}
			rej := &RejectedError{Device: r.cfg.Name, Command: c.shown(), Text: strings.Join(masked, "\n"), Pos: -1}
			return res, errors.Join(rej, err)
		}
	}
	if opt.OnCommit != nil {
		opt.OnCommit()
	}
	if err := ctx.Err(); err != nil {
		// Cancelled before the point of no return (ApplyOptions.OnCommit).
		_ = s.end(context.WithoutCancel(ctx))
		return res, err
	}
	told(-1, "POST "+s.path+"/commit")
	a, err := r.do(ctx, http.MethodPost, s.path+"/commit", "POST "+s.path+"/commit", http.StatusOK)
	if err != nil {
		// The commit may have run to its end on the device: the caller
		// re-reads. The session is ended as far as the link allows.
		_ = s.end(ctx)
		return res, err
	}
	start := len(res.Lines)
	say(configError(a.message), nil)
	out := res.Lines[start:]
	noChanges := len(trimmed(out)) == 1 && trimmed(out)[0] == vyNoChanges
	switch {
	case noChanges:
		res.NoChanges, res.Committed = true, true
	case a.status == http.StatusBadRequest || CommitFailed(config.Vyatta, out):
		blocks, partial := commitErrors(out)
		res.Errors = append(res.Errors, blocks...)
		res.Partial = res.Partial || partial
		if len(blocks) == 0 {
			res.Errors = append(res.Errors, ApplyError{Command: "commit", Lines: trimmed(out)})
		}
		told(-1, "DELETE "+s.path)
		eerr := s.end(ctx)
		rej := &RejectedError{Device: r.cfg.Name, Command: "commit", Text: strings.Join(trimmed(out), "\n"), Pos: -1}
		return res, errors.Join(rej, eerr)
	default:
		res.Committed = true
	}
	res.SyncErrors = SyncFailures(config.Vyatta, out)
	if opt.Save && !res.NoChanges {
		told(-1, "POST "+s.path+"/save")
		a, err := r.do(ctx, http.MethodPost, s.path+"/save", "POST "+s.path+"/save", http.StatusOK)
		if err == nil && a.status != http.StatusOK {
			err = fmt.Errorf("%s: save: %w: %s", r.cfg.Name, ErrRejected, strings.TrimPrefix(a.message, ": "))
		}
		if err != nil {
			_ = s.end(ctx)
			return res, err
		}
		say(configError(a.message), nil)
	}
	told(-1, "DELETE "+s.path)
	return res, s.end(ctx)
}

// Fetch reads the running configuration over REST: a session's `show`
// of the whole tree before any change (the curly form), then DELETE.
func (r *REST) Fetch(ctx context.Context) ([]byte, error) {
	s, err := r.open(ctx)
	if err != nil {
		return nil, err
	}
	defer s.end(ctx)
	a, err := r.do(ctx, http.MethodGet, s.path+"/show", "GET "+s.path+"/show", http.StatusOK)
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, fmt.Errorf("%s: show: %w: %s", r.cfg.Name, ErrRejected, strings.TrimPrefix(a.message, ": "))
	}
	return []byte(a.message), nil
}

// ConfSession is one configuration session the REST API lists.
type ConfSession struct {
	ID, User string
	Started  time.Time
	// Modified: the session holds changes not committed.
	Modified bool
}

// Sessions lists the device's open REST configuration sessions (GET
// /rest/conf). DOMAIN.md names the call but not its body; this reads the
// lab's `{"session": [{"id", "username", "started", "modified"}]}`.
func (r *REST) Sessions(ctx context.Context) ([]ConfSession, error) {
	a, err := r.do(ctx, http.MethodGet, "/rest/conf", "GET /rest/conf", http.StatusOK)
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, fmt.Errorf("%s: GET /rest/conf: %w: %d %s", r.cfg.Name, ErrREST, a.status, a.message)
	}
	var body struct {
		Session []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
			Started  string `json:"started"`
			Modified bool   `json:"modified"`
		} `json:"session"`
	}
	if err := json.Unmarshal(a.body, &body); err != nil {
		return nil, fmt.Errorf("%s: GET /rest/conf: %w: %v", r.cfg.Name, ErrREST, err)
	}
	var out []ConfSession
	for _, s := range body.Session {
		started, _ := time.Parse(time.RFC3339, s.Started)
		out = append(out, ConfSession{ID: s.ID, User: s.Username, Started: started, Modified: s.Modified})
	}
	return out, nil
}

// verbWords is the command's verb (set or delete) and its words,
// unquoted: Words when the caller gave them, else split from Text as the
// Vyatta shell splits a line.
func (c Command) verbWords() (string, []string, error) {
	words := c.Words
	if words == nil {
		var err error
		if words, err = shellWords(c.Text); err != nil {
			return "", nil, fmt.Errorf("%s: %w", c.shown(), err)
		}
	}
	if len(words) < 2 || words[0] != "set" && words[0] != "delete" {
		return "", nil, fmt.Errorf("%s: the REST API takes set or delete with a path", c.shown())
	}
	return words[0], words[1:], nil
}

// shellWords splits a configuration line into words: blanks separate,
// 'single' quotes keep everything (`'\”` is a quote, as syncmap.ShellWord writes
// it), "double" quotes take \" and \\.
func shellWords(line string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // a word is open
	)
	for i := 0; i < len(line); i++ {
		switch ch := line[i]; {
		case ch == ' ' || ch == '\t':
			if in {
				words, in = append(words, cur.String()), false
				cur.Reset()
			}
		case ch == '\'':
			in = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("an unclosed ' quote")
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			in = true
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New(`an unclosed " quote`)
			}
		case ch == '\\' && i+1 < len(line):
			in = true
			i++
			cur.WriteByte(line[i])
		default:
			in = true
			cur.WriteByte(ch)
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
