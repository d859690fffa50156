package sync

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestSyncOverREST: with `transport: rest` on vra-b, the plan says so and
// the sync applies over the lab's HTTPS REST API in one configuration
// session (POST /rest/conf, the set/delete requests, commit, DELETE);
// the re-read finds nothing left in scope; the audit names the
// transport.
func TestSyncOverREST(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{})
	p.Spec().Devices[1].Transport = inventory.TransportREST
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Transport != inventory.TransportREST || !strings.Contains(prep.TransportText(), "inventory") {
		t.Fatalf("transport %q", prep.TransportText())
	}
	var sent []string
	var marks []Event
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Comment: "over rest", Emit: func(e Event) {
		marks = marked(marks, e)
		if e.Kind == Sent {
			sent = append(sent, e.Line)
		}
	}})
	if err != nil {
		t.Fatalf("sync over REST: %v (unexpected %q, errors %+v)", err, res.Unexpected, res.Errors)
	}
	if !slices.Contains(sent, "POST /rest/conf") || !slices.ContainsFunc(sent, func(s string) bool { return strings.HasPrefix(s, "DELETE /rest/conf/") }) ||
		slices.ContainsFunc(sent, func(s string) bool { return s == "configure" }) {
		t.Errorf("sent %q", sent)
	}
	// The commit request is the point of no return (the console and
	// hasync sync refuse a cancel from it).
	if len(marks) != 1 || marks[0].Kind != Sent || !strings.HasPrefix(marks[0].Line, "POST /rest/conf/") || !strings.HasSuffix(marks[0].Line, "/commit") {
		t.Errorf("point of no return marked on %+v, want once on the commit request", marks)
	}
	again, err := res.After.Compare.Plan(prep.Plan.Mode)
	if err != nil || !again.Empty() {
		t.Errorf("after the sync a plan still sends %q (%v)", again.Commands, err)
	}
	if !strings.HasPrefix(res.Record.Transport, "rest") || res.Record.Result != audit.OK {
		t.Errorf("audit %+v", res.Record)
	}
}

// TestSyncOverRESTRefused: vra-b refuses a rule's commit over REST: the
// sync fails with the remote's lines tied to the rule's path and step,
// and vra-b is left as it was.
func TestSyncOverRESTRefused(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{Reject: [][]string{rejected}})
	p.Spec().Devices[1].Transport = inventory.TransportREST
	ctx := testCtx(t)
	before := lp.B.Device.Running()
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if !errors.Is(err, ErrRemoteRefused) || res.Committed || !res.TargetUnchanged || len(res.Errors) == 0 {
		t.Fatalf("refused over REST: %v, %+v", err, res)
	}
	if !config.Equal(before.Root, lp.B.Device.Running().Root) {
		t.Error("a refused sync over REST changed vra-b")
	}
	if e := res.Errors[0]; e.Step < 0 || !slices.Equal([]string(prep.Plan.Steps[e.Step].Change), rejected) {
		t.Errorf("error not tied to the rule: %+v", e)
	}
}

// TestSyncRESTFallback: vra-b's SSH server is gone, its REST API is up:
// the refresh reads vra-b over REST, the plan says the fallback, and the
// sync applies over REST and verifies. The reads, the sessions check and
// the apply share the pair's one REST client: its CA file, removed after
// the plan, is not read again.
func TestSyncRESTFallback(t *testing.T) {
	lp, p := labPair(t, vyatta.PairOptions{})
	lp.B.SSH.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pem, err := os.ReadFile(p.Spec().Devices[1].CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	p.Spec().Devices[1].CAFile = ca
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ca); err != nil {
		t.Fatal(err)
	}
	if prep.Transport != inventory.TransportREST || !strings.Contains(prep.TransportText(), "fallback: SSH cannot be reached") {
		t.Fatalf("transport %q", prep.TransportText())
	}
	if d, _ := p.Snapshot().Device("vra-b"); d.Reachable || !d.RESTRead || d.HAErr == nil {
		t.Errorf("vra-b: reachable %v, read over REST %v, HA %v", d.Reachable, d.RESTRead, d.HAErr)
	}
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatalf("sync by fallback: %v (unexpected %q, errors %+v)", err, res.Unexpected, res.Errors)
	}
	if again, err := res.After.Compare.Plan(prep.Plan.Mode); err != nil || !again.Empty() {
		t.Errorf("after the sync a plan still sends %q (%v)", again.Commands, err)
	}
	if !strings.Contains(res.Record.Transport, "fallback") {
		t.Errorf("audit transport %q", res.Record.Transport)
	}
}
