package vyatta

// config-sync as the VRA does it (DOMAIN.md "config-sync (VRA)"): after each
// commit the part of the running configuration that a sync-map covers
// replaces the same part on the remote router, through the remote's REST
// API; the remote commits and saves. Entry point:
//
//	func EnableConfigSync(d *Device, o SyncOptions) *ConfigSync

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// DefaultSyncTimeout bounds one push to a remote router.
const DefaultSyncTimeout = 30 * time.Second

// ErrNoRemoteURL is a remote-router address the lab cannot map to a REST
// server.
var ErrNoRemoteURL = errors.New("no REST server known for this address")

// RemoteError is an error answer of the remote's REST API.
type RemoteError struct {
	Status  int
	Message string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

// SyncOptions configure config-sync on a device.
type SyncOptions struct {
	// Resolve maps a remote-router address (10.0.0.2) to the base URL of
	// its REST server (https://127.0.0.1:PORT): both lab devices live on
	// 127.0.0.1.
	Resolve func(addr string) (url string, ok bool)
	// TLS is the client configuration: it trusts the lab CA. Verification
	// is never skipped.
	TLS *tls.Config
	// Timeout bounds one push (DefaultSyncTimeout when zero).
	Timeout time.Duration
}

// ConfigSync runs config-sync for one device.
type ConfigSync struct {
	d    *Device
	o    SyncOptions
	http *http.Client

	mu   sync.Mutex
	last map[string]syncResult // by remote address
	// synced is the running configuration the last commit hook saw, to
	// tell which `service config-sync` sections a commit revised (VyOS).
	synced *config.Tree
}

// syncResult is the outcome of the last push to a remote.
type syncResult struct {
	at      time.Time
	changes int
	err     error
}

// EnableConfigSync installs config-sync on d: a commit hook that pushes to
// the remote router, and the operational commands `show config-sync
// difference`, `show config-sync status` and `update config-sync`.
func EnableConfigSync(d *Device, o SyncOptions) *ConfigSync {
	if o.Timeout <= 0 {
		o.Timeout = DefaultSyncTimeout
	}
	c := &ConfigSync{
		d:    d,
		o:    o,
		http: &http.Client{Transport: &http.Transport{TLSClientConfig: o.TLS}},
		last: map[string]syncResult{},
	}
	c.synced = d.snapshot()
	d.SetCommitHook(c.Sync)
	d.RegisterOp("show config-sync difference", func(ctx context.Context, _ []string, out func(string)) error {
		return c.Difference(ctx, out)
	})
	d.RegisterOp("show config-sync status", func(ctx context.Context, _ []string, out func(string)) error {
		return c.Status(ctx, out)
	})
	d.RegisterOp("update config-sync", func(ctx context.Context, _ []string, out func(string)) error {
		c.Sync(ctx, c.d.Running(), out)
		return nil
	})
	return c
}

// syncTarget is a remote router with what is needed to reach it. The
// password stays here: it is never printed.
type syncTarget struct {
	remote   syncmap.Remote
	m        *syncmap.Map
	password string
}

// syncTargets reads the remote routers of running that name a sync-map.
func syncTargets(running *config.Tree) ([]syncTarget, error) {
	maps, remotes, err := syncmap.FromConfig(running)
	if err != nil {
		return nil, err
	}
	var out []syncTarget
	for _, r := range remotes {
		if r.SyncMap == "" {
			continue // nothing is synced by default
		}
		t := syncTarget{remote: r}
		for _, m := range maps {
			if m.Name == r.SyncMap {
				t.m = m
			}
		}
		pw := running.Root.Lookup(config.Path{"system", "config-sync", "remote-router", r.Address, "password"})
		if pw != nil && len(pw.Values) > 0 {
			t.password = pw.Values[0]
		}
		out = append(out, t)
	}
	return out, nil
}

// Sync pushes the mapped part of running to each remote router; it is the
// device's commit hook. Progress and errors go to out and to the device
// log, in the device's words.
func (c *ConfigSync) Sync(ctx context.Context, running *config.Tree, out func(string)) {
	emit := func(line string) {
		out(line)
		c.d.Log(line)
	}
	if c.d.o.Flavor.vyos() {
		c.serviceSync(ctx, running, out)
	}
	ts, err := syncTargets(running)
	if err != nil {
		emit("config-sync error: " + err.Error())
		return
	}
	for _, t := range ts {
		addr := t.remote.Address
		emit("syncing configuration to remote-router " + addr + " ..")
		n, err := c.push(ctx, running, t)
		c.mu.Lock()
		c.last[addr] = syncResult{at: time.Now(), changes: n, err: err}
		c.mu.Unlock()
		if err != nil {
			emit(fmt.Sprintf("config-sync error %s:Sync[%s]: %s", addr, addr, syncReason(err)))
		}
	}
}

// syncReason is an error as one line of the device's config-sync output.
func syncReason(err error) string {
	var re *RemoteError
	var oe *net.OpError
	switch {
	case errors.As(err, &re) && re.Status == http.StatusUnauthorized:
		return "Authentication failed for remote user"
	case errors.As(err, &re):
		return syncOneLine(strings.TrimPrefix(re.Message, ": "))
	case errors.As(err, &oe):
		// Not err.Error(): it names the lab's loopback ports, not the
		// remote-router address the device knows.
		return "connection failed: " + oe.Err.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by remote"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return syncOneLine(ue.Err.Error())
	}
	return syncOneLine(err.Error())
}

// syncFailure says why a remote could not be compared: refused (its user
// lacks the secrets group) or unreachable.
func syncFailure(err error) string {
	var se *SecretsError
	if errors.As(err, &se) {
		return "refused: " + se.Error()
	}
	return "unreachable: " + syncReason(err)
}

// syncOneLine joins the non-blank lines of a multi-line message, so each
// config-sync error is one line a reader of `monitor log` can match.
func syncOneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

// push makes the remote's mapped part equal to running's in one REST
// session: read, set/delete, commit, save. It returns the number of
// commands sent. A failure before the commit leaves the remote unchanged:
// the session is deleted on every path.
func (c *ConfigSync) push(ctx context.Context, running *config.Tree, t syncTarget) (n int, err error) {
	err = c.inSession(ctx, running, t, func(ctx context.Context, cl *restClient, id string, cmds []syncCmd) error {
		if len(cmds) == 0 {
			return nil
		}
		for _, cmd := range cmds {
			if err := cl.apply(ctx, id, cmd); err != nil {
				return err
			}
		}
		if _, err := cl.call(ctx, http.MethodPost, id+"/commit"); err != nil {
			return err
		}
		n = len(cmds)
		_, err := cl.call(ctx, http.MethodPost, id+"/save")
		return err
	})
	return n, err
}

// inSession opens a REST session on t's remote router, reads its
// configuration and gives fn what a sync of running would send, all within
// the sync timeout. The session is deleted on every path.
func (c *ConfigSync) inSession(ctx context.Context, running *config.Tree, t syncTarget, fn func(ctx context.Context, cl *restClient, id string, cmds []syncCmd) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	cl, err := c.client(t)
	if err != nil {
		return err
	}
	id, err := cl.open(ctx)
	if err != nil {
		return err
	}
	defer cl.end(id)
	remote, err := cl.running(ctx, id)
	if err != nil {
		return err
	}
	if maskedInScope(t.m, remote.Root) {
		// The remote printed its secrets masked: its user is not in the
		// secrets group, and a sync would write masks over real values.
		return &SecretsError{User: cl.user}
	}
	return fn(ctx, cl, id, syncPlan(t.m, running.Root, remote.Root))
}

func (c *ConfigSync) client(t syncTarget) (*restClient, error) {
	if c.o.Resolve == nil {
		return nil, ErrNoRemoteURL
	}
	base, ok := c.o.Resolve(t.remote.Address)
	if !ok {
		return nil, ErrNoRemoteURL
	}
	return &restClient{base: strings.TrimSuffix(base, "/"), user: t.remote.Username, password: t.password, http: c.http}, nil
}

// configured returns the running configuration and its remote routers,
// telling out when there are none.
func (c *ConfigSync) configured(out func(string)) (*config.Tree, []syncTarget, error) {
	running := c.d.snapshot()
	ts, err := syncTargets(running)
	if err == nil && len(ts) == 0 {
		out("config-sync is not configured")
	}
	return running, ts, err
}

// Difference prints, per remote router, the commands a sync would send
// now; `show config-sync difference`.
func (c *ConfigSync) Difference(ctx context.Context, out func(string)) error {
	running, ts, err := c.configured(out)
	if err != nil {
		return err
	}
	for _, t := range ts {
		head := fmt.Sprintf("remote-router %s (sync-map %s)", t.remote.Address, t.remote.SyncMap)
		cmds, err := c.plan(ctx, running, t)
		switch {
		case err != nil:
			out(head + ": " + syncFailure(err))
		case len(cmds) == 0:
			out(head + ": in sync")
		default:
			out(fmt.Sprintf("%s: %d differences", head, len(cmds)))
			mask := !c.d.InSecrets(userOf(ctx))
			for _, cmd := range cmds {
				out("  " + cmd.text(mask))
			}
		}
	}
	return nil
}

// plan reads the remote and returns what a sync would send, without
// changing anything.
func (c *ConfigSync) plan(ctx context.Context, running *config.Tree, t syncTarget) (cmds []syncCmd, err error) {
	err = c.inSession(ctx, running, t, func(_ context.Context, _ *restClient, _ string, plan []syncCmd) error {
		cmds = plan
		return nil
	})
	return cmds, err
}

// Status prints, per remote router, the sync-map, the last push and
// whether the remote is in sync now; `show config-sync status`.
func (c *ConfigSync) Status(ctx context.Context, out func(string)) error {
	running, ts, err := c.configured(out)
	if err != nil {
		return err
	}
	for _, t := range ts {
		addr := t.remote.Address
		out("remote-router " + addr)
		out("  sync-map:   " + t.remote.SyncMap)
		c.mu.Lock()
		last, ok := c.last[addr]
		c.mu.Unlock()
		switch {
		case !ok:
			out("  last sync:  never")
		case last.err != nil:
			out(fmt.Sprintf("  last sync:  %s failed: %s", last.at.Format(time.RFC3339), syncReason(last.err)))
		default:
			out(fmt.Sprintf("  last sync:  %s ok, %d changes", last.at.Format(time.RFC3339), last.changes))
		}
		cmds, err := c.plan(ctx, running, t)
		switch {
		case err != nil:
			out("  state:      " + syncFailure(err))
		case len(cmds) == 0:
			out("  state:      in sync")
		default:
			out(fmt.Sprintf("  state:      out of sync (%d differences)", len(cmds)))
		}
	}
	return nil
}

// syncCmd is one set or delete sent to the remote. For a set of a leaf
// with a value, the value is the last word of Path.
type syncCmd struct {
	Delete   bool
	Path     []string
	HasValue bool
	// Secret: the value is a secret (masked for users outside the
	// secrets group).
	Secret bool
}

// String prints the command as `show configuration commands` would.
func (c syncCmd) String() string { return c.text(false) }

// text prints the command, its secret value masked when mask is set.
func (c syncCmd) text(mask bool) string {
	if mask && c.Secret && c.HasValue {
		c.Path = append(append([]string(nil), c.Path[:len(c.Path)-1]...), config.Mask)
	}
	verb := "set"
	if c.Delete {
		verb = "delete"
	}
	words := make([]string, len(c.Path))
	for i, w := range c.Path {
		words[i] = w
		if (c.HasValue && i == len(c.Path)-1) || w == "" || strings.ContainsAny(w, " \t'\"{};*") {
			words[i] = "'" + w + "'"
		}
	}
	return verb + " " + strings.Join(words, " ")
}

// syncPlan returns the commands that make remote's part under m equal to
// local's: sets for what local has, deletes for what only remote has.
// Nothing outside the map is touched, protected paths never appear, and a
// masked secret never replaces a real one.
func syncPlan(m *syncmap.Map, local, remote *config.Node) []syncCmd {
	var cmds []syncCmd
	syncPlanChildren(m, nil, local, remote, &cmds)
	return cmds
}

func syncPlanChildren(m *syncmap.Map, p config.Path, l, r *config.Node, cmds *[]syncCmd) {
	for _, name := range syncChildNames(l, r) {
		syncPlanNode(m, p.Append(name), syncChild(l, name), syncChild(r, name), cmds)
	}
}

func syncPlanNode(m *syncmap.Map, p config.Path, l, r *config.Node, cmds *[]syncCmd) {
	in := m.Decide(p).Scope == syncmap.InScope
	if l == nil {
		// Only the remote has it: delete it whole when all of it is in
		// scope, else go down to the parts that are.
		if in && syncAllInScope(m, p, r) {
			*cmds = append(*cmds, syncCmd{Delete: true, Path: p})
			return
		}
		syncPlanChildren(m, p, nil, r, cmds)
		return
	}
	if in {
		syncPlanValues(p, l, r, cmds)
	}
	syncPlanChildren(m, p, l, r, cmds)
}

// syncPlanValues makes the values of the leaf at p on the remote equal to l's.
func syncPlanValues(p config.Path, l, r *config.Node, cmds *[]syncCmd) {
	var rv []string
	if r != nil {
		rv = r.Values
	}
	if slices.Contains(l.Values, config.Mask) || slices.Contains(rv, config.Mask) {
		return // a mask never replaces a real secret, nor is replaced blind
	}
	if slices.Equal(l.Values, rv) {
		if r == nil && len(l.Children) == 0 {
			// A valueless leaf or an empty node only local has.
			*cmds = append(*cmds, syncCmd{Path: p})
		}
		return
	}
	// A set adds to a multi-value leaf: start it afresh so the remote
	// ends with exactly local's values, in local's order.
	if len(rv) > 1 || (len(rv) > 0 && len(l.Values) != 1) {
		*cmds = append(*cmds, syncCmd{Delete: true, Path: p})
	}
	if len(l.Values) == 0 {
		if len(l.Children) == 0 {
			*cmds = append(*cmds, syncCmd{Path: p})
		}
		return
	}
	for _, v := range l.Values {
		*cmds = append(*cmds, syncCmd{Path: p.Append(v), HasValue: true, Secret: l.Secret})
	}
}

// maskedInScope reports whether a value the map shares is masked.
func maskedInScope(m *syncmap.Map, root *config.Node) bool {
	found := false
	root.Walk(func(p config.Path, n *config.Node) bool {
		if found {
			return false
		}
		if slices.Contains(n.Values, config.Mask) && m.Decide(p).Scope == syncmap.InScope {
			found = true
		}
		return !found
	})
	return found
}

func syncAllInScope(m *syncmap.Map, p config.Path, n *config.Node) bool {
	ok := true
	n.Walk(func(q config.Path, _ *config.Node) bool {
		if ok && m.Decide(append(append(config.Path{}, p...), q...)).Scope != syncmap.InScope {
			ok = false
		}
		return ok
	})
	return ok
}

// syncChild finds a child of n, which may be nil, by binary search: both
// trees keep Vyatta's natural order (see findChild).
func syncChild(n *config.Node, name string) *config.Node {
	if n == nil {
		return nil
	}
	return findChild(n, name)
}

// syncChildNames is the union of both nodes' children names, in natural order.
func syncChildNames(a, b *config.Node) []string {
	seen := map[string]bool{}
	var names []string
	for _, n := range []*config.Node{a, b} {
		if n == nil {
			continue
		}
		for _, c := range n.Children {
			if !seen[c.Name] {
				seen[c.Name] = true
				names = append(names, c.Name)
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return config.NaturalLess(names[i], names[j]) })
	return names
}

// restClient speaks the Vyatta REST API of a remote router.
type restClient struct {
	base, user, password string
	http                 *http.Client
}

// call sends a request to base/rest/conf[/path] (path already escaped). An
// answer of 300 or more becomes a *RemoteError.
func (c *restClient) call(ctx context.Context, method, path string) (*http.Response, error) {
	u := c.base + "/rest/conf"
	if path != "" {
		u += "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(c.user, c.password)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		var body restError
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(b, &body) != nil || body.Message == "" {
			body.Message = http.StatusText(resp.StatusCode)
		}
		return nil, &RemoteError{Status: resp.StatusCode, Message: body.Message}
	}
	return resp, nil
}

func (c *restClient) open(ctx context.Context) (string, error) {
	resp, err := c.call(ctx, http.MethodPost, "")
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "rest/conf/")
	if resp.StatusCode != http.StatusCreated || !ok || id == "" || strings.Contains(id, "/") {
		return "", &RemoteError{Status: resp.StatusCode, Message: "no configuration session in answer (Location " + loc + ")"}
	}
	return id, nil
}

// end deletes the session; it runs even when ctx has ended, so an
// abandoned push never leaves a candidate behind.
func (c *restClient) end(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if resp, err := c.call(ctx, http.MethodDelete, id); err == nil {
		resp.Body.Close()
	}
}

// running reads the remote's configuration through the session.
func (c *restClient) running(ctx context.Context, id string) (*config.Tree, error) {
	resp, err := c.call(ctx, http.MethodGet, id+"/show")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Message string `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("reading the remote configuration: %w", err)
	}
	t, err := config.ParseVyatta("remote", []byte(body.Message))
	if err != nil {
		return nil, fmt.Errorf("reading the remote configuration: %w", err)
	}
	return t, nil
}

func (c *restClient) apply(ctx context.Context, id string, cmd syncCmd) error {
	verb := "set"
	if cmd.Delete {
		verb = "delete"
	}
	segs := make([]string, len(cmd.Path))
	for i, w := range cmd.Path {
		segs[i] = url.PathEscape(w)
	}
	resp, err := c.call(ctx, http.MethodPut, id+"/"+verb+"/"+strings.Join(segs, "/"))
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
