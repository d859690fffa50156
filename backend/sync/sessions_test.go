package sync

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestPrepareWarnsOtherSessions: before a sync the plan warns when the
// target has other sessions open: a REST configuration session with
// uncommitted changes (GET /rest/conf), a login of another user and a
// second login as hasync's user (`show users`); with none, no such
// warning.
func TestPrepareWarnsOtherSessions(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(prep.Warnings, func(w string) bool { return strings.Contains(w, "session") || strings.Contains(w, "logins") }) {
		t.Fatalf("warned with no other session: %q", prep.Warnings)
	}

	// A REST configuration session holding a change.
	pem, err := os.ReadFile(lp.CAPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer hc.CloseIdleConnections()
	do := func(method, path string) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, method, lp.B.RESTURL+path, nil)
		req.SetBasicAuth(lp.User, lp.Password)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := do(http.MethodPost, "/rest/conf")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || loc == "" {
		t.Fatalf("open: %d %q", resp.StatusCode, loc)
	}
	if r := do(http.MethodPut, "/"+loc+"/set/system/domain-name/pending.example"); r.StatusCode != http.StatusOK {
		t.Fatalf("set: %d", r.StatusCode)
	}

	// The operator's login and a second login as vyatta.
	dev, _ := targetDevice(p.Spec(), "vra-b")
	cfg := p.SSHConfig(dev)
	own, err := device.Connect(ctx, cfg, device.Options{Family: dev.Family, Name: dev.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	cfg.User, cfg.IdentityFiles, cfg.Password = vyatta.OperatorUser, []string{filepath.Join(lp.Dir, vyatta.OperatorKeyFile)}, nil
	op, err := device.Connect(ctx, cfg, device.Options{Family: dev.Family, Name: dev.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()

	prep, err = Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rest := slices.IndexFunc(prep.Warnings, func(w string) bool {
		return strings.Contains(w, "open REST configuration session: "+strings.TrimPrefix(loc, "rest/conf/")) && strings.Contains(w, "uncommitted changes")
	})
	logins := slices.IndexFunc(prep.Warnings, func(w string) bool {
		return strings.Contains(w, "vra-b has other logins: "+vyatta.OperatorUser+" on pts/") && strings.Contains(w, "1 more login(s) as vyatta besides hasync's")
	})
	if rest < 0 || logins < 0 || !slices.Equal(prep.Warnings, prep.Plan.Warnings) {
		t.Errorf("warnings %q", prep.Warnings)
	}
	for _, w := range prep.Warnings {
		t.Log(w)
	}
}

// TestPrepareWarnsOtherSessionsHuawei: a second login to the HRP standby
// (VRP `display users`, the asking line marked +) is warned about before
// `hrp sync config`.
func TestPrepareWarnsOtherSessionsHuawei(t *testing.T) {
	_, p := labHuawei(t)
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(prep.Warnings, func(w string) bool { return strings.Contains(w, "logins") }) {
		t.Fatalf("warned with no other login: %q", prep.Warnings)
	}
	dev, _ := targetDevice(p.Spec(), prep.Target)
	s, err := device.Connect(ctx, p.SSHConfig(dev), device.Options{Family: dev.Family, Name: dev.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	logins, err := s.Logins(ctx)
	if err != nil || len(logins) != 2 || !slices.ContainsFunc(logins, func(l device.Login) bool { return l.Current && l.User == dev.User && strings.HasPrefix(l.Line, "VTY ") }) {
		t.Fatalf("display users: %+v, %v", logins, err)
	}
	prep, err = Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(prep.Warnings, func(w string) bool {
		return strings.Contains(w, prep.Target+" has other logins: 1 more login(s) as "+dev.User)
	}) {
		t.Errorf("warnings %q", prep.Warnings)
	}
}
