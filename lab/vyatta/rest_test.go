package vyatta

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

const (
	restUser = "vyatta"
	restPass = "s3cret pass"
)

// restClientFor returns a client that trusts only the ca.pem file of the
// lab state dir, as an outside client would.
func restClientFor(t testing.TB, caPath string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s: no certificate", caPath)
	}
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		Timeout:   20 * time.Second,
	}
}

type restHarness struct {
	t    testing.TB
	url  string
	http *http.Client
	api  *restAPI
}

func restStart(t testing.TB, dev *restFakeDevice, o RESTOptions) *restHarness {
	t.Helper()
	tl, err := lab.LoadTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o.User, o.Password = restUser, restPass
	ctx, cancel := context.WithCancel(context.Background())
	api := newRESTAPI(ctx, dev, dev.open, o)
	u, stop, err := serveREST(ctx, api, "127.0.0.1:0", tl.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); cancel() })
	return &restHarness{t: t, url: u, http: restClientFor(t, tl.CAPath), api: api}
}

type restReply struct {
	status   int
	location string
	body     string
	message  string
	errField string
}

// do sends a request with the test credentials; path is relative to the
// server root, without a leading slash.
func (h *restHarness) do(method, path string) restReply {
	h.t.Helper()
	return h.doAs(method, path, restUser, restPass)
}

func (h *restHarness) doAs(method, path, user, pass string) restReply {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+"/"+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := restReply{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			h.t.Fatalf("%s %s: bad JSON %q: %v", method, path, b, err)
		}
		r.message, _ = m["message"].(string)
		r.errField, _ = m["error"].(string)
	}
	return r
}

// open starts a configuration session and returns its path.
func (h *restHarness) open() string {
	h.t.Helper()
	r := h.do("POST", "rest/conf")
	if r.status != http.StatusCreated {
		h.t.Fatalf("POST rest/conf: %d %s", r.status, r.body)
	}
	if !regexp.MustCompile(`^rest/conf/[0-9a-f]{16}$`).MatchString(r.location) {
		h.t.Fatalf("Location = %q, want rest/conf/<16 hex>", r.location)
	}
	return r.location
}

func (h *restHarness) want(r restReply, status int, what string) {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("%s: status %d, want %d (%s)", what, r.status, status, r.body)
	}
}

func TestRESTAuthRequired(t *testing.T) {
	h := restStart(t, restFakeNew(), RESTOptions{})
	for _, c := range []struct{ user, pass string }{{"", ""}, {restUser, "wrong"}, {"root", restPass}} {
		r := h.doAs("POST", "rest/conf", c.user, c.pass)
		h.want(r, http.StatusUnauthorized, "user "+c.user)
		if r.errField != "0" || r.message == "" {
			t.Fatalf("401 body = %q, want the device's JSON error", r.body)
		}
	}
	h.api.mu.Lock()
	n := len(h.api.confs)
	h.api.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d sessions opened without authentication", n)
	}
}

func TestRESTSessionSetCommitSave(t *testing.T) {
	dev := restFakeNew("system host-name vra-a")
	h := restStart(t, dev, RESTOptions{})
	s := h.open()
	// A value with a slash and one with a space: each one escaped segment.
	h.want(h.do("PUT", s+"/set/protocols/static/route/10.1.0.0%2F16/next-hop/192.0.2.1"), 200, "set route")
	h.want(h.do("PUT", s+"/set/interfaces/ethernet/eth1/description/to%20core%20%27A%27"), 200, "set description")

	if slices.Contains(dev.Running(), "protocols static route 10.1.0.0/16 next-hop 192.0.2.1") {
		t.Fatal("running changed before commit")
	}
	show := h.do("GET", s+"/show/interfaces")
	h.want(show, 200, "show")
	if !strings.Contains(show.message, "interfaces ethernet eth1 description to core 'A'") {
		t.Fatalf("show = %q", show.message)
	}

	c := h.do("POST", s+"/commit")
	h.want(c, 200, "commit")
	if !strings.Contains(c.message, "Commit succeeded") {
		t.Fatalf("commit message = %q", c.message)
	}
	want := []string{
		"interfaces ethernet eth1 description to core 'A'",
		"protocols static route 10.1.0.0/16 next-hop 192.0.2.1",
		"system host-name vra-a",
	}
	if got := dev.Running(); !slices.Equal(got, want) {
		t.Fatalf("running = %q, want %q", got, want)
	}
	if dev.saved != nil {
		t.Fatal("saved before save")
	}
	h.want(h.do("POST", s+"/save"), 200, "save")
	if len(dev.saved) != 3 {
		t.Fatalf("saved = %v", dev.saved)
	}
	h.want(h.do("DELETE", s), 200, "delete session")
	h.want(h.do("GET", s+"/show"), 404, "show after delete")
}

func TestRESTCommitErrors(t *testing.T) {
	dev := restFakeNew("system host-name vra-a")
	h := restStart(t, dev, RESTOptions{})
	s := h.open()

	r := h.do("POST", s+"/commit")
	h.want(r, 400, "empty commit")
	if r.message != ": No configuration changes to commit" || r.errField != "0" {
		t.Fatalf("empty commit: %q", r.body)
	}

	h.want(h.do("PUT", s+"/set/interfaces/ethernet/eth1/address/invalid"), 200, "set")
	r = h.do("POST", s+"/commit")
	h.want(r, 400, "bad commit")
	if !strings.HasPrefix(r.message, ": ") || !strings.Contains(r.message, "Commit failed") {
		t.Fatalf("bad commit message = %q", r.message)
	}
	if got := dev.Running(); len(got) != 1 {
		t.Fatalf("running changed by a failed commit: %q", got)
	}

	r = h.do("PUT", s+"/delete/no/such/node")
	h.want(r, 400, "delete missing")
	if !strings.Contains(r.message, "Nothing to delete") {
		t.Fatalf("delete missing: %q", r.message)
	}
	h.want(h.do("PUT", s+"/set/x"), 400, "set too short")
}

func TestRESTDeletedOrAbandonedSessionLeavesRunning(t *testing.T) {
	dev := restFakeNew("system host-name vra-a")
	h := restStart(t, dev, RESTOptions{IdleTimeout: 150 * time.Millisecond})

	deleted := h.open()
	h.want(h.do("PUT", deleted+"/set/system/domain-name/lab"), 200, "set")
	h.want(h.do("DELETE", deleted), 200, "DELETE")
	h.want(h.do("POST", deleted+"/commit"), 404, "commit after DELETE")

	abandoned := h.open()
	h.want(h.do("PUT", abandoned+"/set/system/time-zone/UTC"), 200, "set")
	// The reaper runs on its own; no request is needed to abandon it.
	deadline := time.Now().Add(20 * time.Second)
	for {
		h.api.mu.Lock()
		n := len(h.api.confs)
		h.api.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle session never abandoned")
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.want(h.do("POST", abandoned+"/commit"), 404, "commit after idle timeout")
	dev.mu.Lock()
	commits := dev.commits
	dev.mu.Unlock()
	if got := dev.Running(); !slices.Equal(got, []string{"system host-name vra-a"}) || commits != 0 {
		t.Fatalf("running = %q after %d commits", got, commits)
	}
}

func TestRESTListSessions(t *testing.T) {
	h := restStart(t, restFakeNew(), RESTOptions{})
	a, b := h.open(), h.open()
	h.want(h.do("PUT", b+"/set/system/host-name/x"), 200, "set")
	r := h.do("GET", "rest/conf")
	h.want(r, 200, "list")
	var list struct {
		Session []restSessionInfo `json:"session"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range list.Session {
		if s.Username != restUser {
			t.Fatalf("username = %q", s.Username)
		}
		got["rest/conf/"+s.ID] = s.Modified
	}
	if len(got) != 2 || got[a] || !got[b] {
		t.Fatalf("sessions = %v (a=%s b=%s)", got, a, b)
	}
}

// restRunOp runs an operational command and returns its output and the
// statuses seen, in order, collapsed.
func restRunOp(t *testing.T, h *restHarness, words string) (string, []int) {
	t.Helper()
	return restRunOpAs(t, h, restUser, restPass, words)
}

// restRunOpAs is restRunOp as user.
func restRunOpAs(t *testing.T, h *restHarness, user, pass, words string) (string, []int) {
	t.Helper()
	r := h.doAs("POST", "rest/op/"+words, user, pass)
	h.want(r, http.StatusCreated, "POST op")
	if !regexp.MustCompile(`^rest/op/[0-9a-f]{16}$`).MatchString(r.location) {
		t.Fatalf("Location = %q", r.location)
	}
	var out strings.Builder
	var statuses []int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		g := h.doAs("GET", r.location, user, pass)
		if len(statuses) == 0 || statuses[len(statuses)-1] != g.status {
			statuses = append(statuses, g.status)
		}
		switch g.status {
		case 200:
			out.WriteString(g.body)
		case 202:
			time.Sleep(5 * time.Millisecond)
		case 410:
			return out.String(), statuses
		default:
			t.Fatalf("GET op: %d %s", g.status, g.body)
		}
	}
	t.Fatal("op never finished")
	return "", nil
}

func TestRESTOpPolling(t *testing.T) {
	h := restStart(t, restFakeNew(), RESTOptions{})
	out, statuses := restRunOp(t, h, "show/version")
	if out != "Version:      VyOS 1.4-lab\nBuilt by:     hasync lab\n" {
		t.Fatalf("output = %q", out)
	}
	if statuses[len(statuses)-1] != 410 || !slices.Contains(statuses, 200) {
		t.Fatalf("statuses = %v", statuses)
	}
	out, _ = restRunOp(t, h, "show/nothing")
	if !strings.Contains(out, "Invalid command: [show nothing]") {
		t.Fatalf("unknown command output = %q", out)
	}
}

func TestRESTOpStreamDelete(t *testing.T) {
	h := restStart(t, restFakeNew(), RESTOptions{})
	r := h.do("POST", "rest/op/monitor/log")
	h.want(r, 201, "POST")
	var got string
	for deadline := time.Now().Add(20 * time.Second); strings.Count(got, "\n") < 5; {
		if time.Now().After(deadline) {
			t.Fatalf("only %q", got)
		}
		g := h.do("GET", r.location)
		got += g.body
	}
	// Nothing new, not finished: 202.
	h.want(h.do("GET", r.location), 202, "idle stream")
	h.want(h.do("DELETE", r.location), 200, "DELETE")
	h.want(h.do("GET", r.location), 404, "GET after DELETE")
}

func TestRESTNotFound(t *testing.T) {
	h := restStart(t, restFakeNew(), RESTOptions{})
	for _, c := range []struct{ method, path string }{
		{"GET", "rest/conf/0123456789abcdef/show"},
		{"GET", "rest/nothing"},
		{"GET", "index.html"},
		{"PATCH", "rest/conf"},
		{"GET", "rest/op/0123456789abcdef"},
	} {
		r := h.do(c.method, c.path)
		h.want(r, 404, c.method+" "+c.path)
		if r.errField != "0" {
			t.Fatalf("%s %s: body %q", c.method, c.path, r.body)
		}
	}
	s := h.open()
	h.want(h.do("GET", s+"/frobnicate"), 404, "unknown action")
}

func TestRESTFaults(t *testing.T) {
	dev := restFakeNew()
	f := &lab.Faults{}
	h := restStart(t, dev, RESTOptions{Faults: f})

	f.SetFailAuth(true)
	h.want(h.do("GET", "rest/conf"), 401, "FailAuth")
	f.SetFailAuth(false)

	f.SetDelay(200 * time.Millisecond)
	start := time.Now()
	h.want(h.do("GET", "rest/conf"), 200, "Delay")
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("answered after %v despite a 200ms delay", el)
	}
	f.SetDelay(0)

	f.SetRefuse(true)
	// Refusing acts on new connections: drop the kept-alive one.
	h.http.CloseIdleConnections()
	if resp, err := h.http.Get(h.url + "/rest/conf"); err == nil {
		resp.Body.Close()
		t.Fatal("connected while refusing")
	}
	f.SetRefuse(false)
	// The Transport may hold no connection now; a new one must work.
	h.want(h.do("GET", "rest/conf"), 200, "after Refuse")

	s := h.open()
	h.want(h.do("PUT", s+"/set/system/host-name/x"), 200, "set")
	f.SetDropInCommit(true)
	req, _ := http.NewRequest("POST", h.url+"/"+s+"/commit", nil)
	req.SetBasicAuth(restUser, restPass)
	if resp, err := h.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("commit answered %d though the connection should drop", resp.StatusCode)
	}
	f.SetDropInCommit(false)
	// The device went on with the commit: only the answer was lost.
	if !slices.Equal(dev.Running(), []string{"system host-name x"}) {
		t.Fatalf("running = %q", dev.Running())
	}

	f.SetDropAfterLines(3)
	r := h.do("POST", "rest/op/monitor/log")
	f.SetDropAfterLines(0)
	h.want(r, 201, "POST op")
	var got string
	for deadline := time.Now().Add(20 * time.Second); ; {
		if time.Now().After(deadline) {
			t.Fatalf("stream never dropped; got %q", got)
		}
		req, _ := http.NewRequest("GET", h.url+"/"+r.location, nil)
		req.SetBasicAuth(restUser, restPass)
		resp, err := h.http.Do(req)
		if err != nil {
			break
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 202 {
			t.Fatalf("GET op: %d %.200s, want 200, 202 or a dropped connection", resp.StatusCode, b)
		}
		got += string(b)
	}
	if got != "log line 0\nlog line 1\nlog line 2\n" {
		t.Fatalf("before the drop: %q, want 3 lines", got)
	}
}

// FuzzRESTRoute sends arbitrary methods and paths to the REST handler: it
// must never panic, and must answer with one of the device's statuses.
func FuzzRESTRoute(f *testing.F) {
	for _, s := range []struct{ method, path string }{
		{"POST", "/rest/conf"},
		{"GET", "/rest/conf"},
		{"PUT", "/rest/conf/0123456789abcdef/set/interfaces/ethernet/eth0/address/10.0.0.1%2F24"},
		{"PUT", "/rest/conf/0123456789abcdef/delete/firewall/name/WAN_IN"},
		{"POST", "/rest/conf/0123456789abcdef/commit"},
		{"GET", "/rest/conf/0123456789abcdef/show/system"},
		{"DELETE", "/rest/conf/0123456789abcdef"},
		{"POST", "/rest/op/show/version"},
		{"GET", "/rest/op/0123456789abcdef"},
		{"GET", "/rest/conf/%zz"},
		{"PUT", "/rest//conf///set"},
	} {
		f.Add(s.method, s.path)
	}
	dev := restFakeNew("system host-name vra-a")
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(cancel)
	api := newRESTAPI(ctx, dev, dev.open, RESTOptions{User: restUser, Password: restPass})
	// One real session, so fuzzed paths can reach the session handlers.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/rest/conf", nil)
	req.SetBasicAuth(restUser, restPass)
	api.ServeHTTP(rec, req)
	id := strings.TrimPrefix(rec.Header().Get("Location"), "rest/conf/")
	allowed := map[int]bool{200: true, 201: true, 202: true, 400: true, 401: true, 404: true, 410: true}
	f.Fuzz(func(t *testing.T, method, path string) {
		if method != "GET" && method != "PUT" && method != "POST" && method != "DELETE" {
			method = "GET"
		}
		path = strings.ReplaceAll(path, "0123456789abcdef", id)
		u, err := url.Parse("https://127.0.0.1" + path)
		if err != nil || u.Host != "127.0.0.1" {
			return
		}
		req := &http.Request{Method: method, URL: u, Header: http.Header{}, Host: u.Host}
		req = req.WithContext(ctx)
		req.SetBasicAuth(restUser, restPass)
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %s: status %d", method, path, rec.Code)
		}
		if rec.Code >= 400 {
			var e restError
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error != "0" {
				t.Fatalf("%s %s: %d with body %q", method, path, rec.Code, rec.Body.String())
			}
		}
	})
}

// TestRESTRealDevice drives the device itself (not the fake) through the
// REST API: set with escaped words, show, a refused commit with the
// device's error text, a good commit, save.
func TestRESTRealDevice(t *testing.T) {
	dir := t.TempDir()
	d, err := New(Options{Name: "vra-b", User: restUser, Password: restPass, StateDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := lab.LoadTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u, stop, err := ServeREST(ctx, d, "127.0.0.1:0", tl.ServerConfig(), RESTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	h := &restHarness{t: t, url: u, http: restClientFor(t, tl.CAPath)}

	s := h.open()
	bad := h.do("PUT", s+"/set/interfaces/ethernet/eth1/address/192.168.1%2F30")
	h.want(bad, 400, "set bad address")
	if want := ": [interfaces ethernet eth1 address 192.168.1/30]\n192.168.1/30 is not a valid IP host"; !strings.HasPrefix(bad.message, want) {
		t.Fatalf("set error %q lacks %q", bad.message, want)
	}
	h.want(h.do("PUT", s+"/set/interfaces/ethernet/eth1/description/to%20core"), 200, "set description")
	h.want(h.do("PUT", s+"/set/security/firewall/name/IN/rule/10/protocol/tcp"), 200, "set a rule without action")
	show := h.do("GET", s+"/show/interfaces")
	h.want(show, 200, "show")
	if !strings.Contains(show.message, "eth1") || !strings.Contains(show.message, "to core") {
		t.Fatalf("show = %q", show.message)
	}
	r := h.do("POST", s+"/commit")
	h.want(r, 400, "commit of a rule without action")
	for _, want := range []string{": [security firewall name IN rule 10]\n\nRule action must be defined\n\n[[security firewall name IN rule 10]] failed.", "Commit failed!"} {
		if !strings.Contains(r.message, want) {
			t.Fatalf("commit error %q lacks %q", r.message, want)
		}
	}
	if d.Running().Root.Lookup(config.Path{"interfaces"}) != nil {
		t.Fatal("a refused commit changed running")
	}
	h.want(h.do("PUT", s+"/set/security/firewall/name/IN/rule/10/action/accept"), 200, "set the action")
	h.want(h.do("PUT", s+"/set/interfaces/ethernet/eth1/address/192.168.1.1%2F30"), 200, "set good address")
	h.want(h.do("POST", s+"/commit"), 200, "commit")
	n := d.Running().Root.Lookup(config.Path{"interfaces", "ethernet", "eth1", "address"})
	if n == nil || !slices.Equal(n.Values, []string{"192.168.1.1/30"}) {
		t.Fatalf("running address = %v", n)
	}
	h.want(h.do("POST", s+"/save"), 200, "save")
	if b, err := os.ReadFile(dir + "/vra-b.config.boot"); err != nil || !strings.Contains(string(b), "192.168.1.1/30") {
		t.Fatalf("saved config: %v\n%s", err, b)
	}
	out, _ := restRunOp(t, h, "show/version")
	if out == "" {
		t.Fatal("show version printed nothing")
	}
}
