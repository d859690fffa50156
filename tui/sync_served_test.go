package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
)

// waitSession waits until the console of the session of key fp shows
// every string (its rendered screen, read on its program's goroutine).
func waitSession(t *testing.T, ts *testServer, fp, what string, subs ...string) string {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := ts.screen(t, fp)
		ok := true
		for _, sub := range subs {
			ok = ok && strings.Contains(s, sub)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen is:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServedSync: in the served console (contracts 1-3), the operator
// alice syncs the Vyatta pair: the viewer bob watches the same live log,
// with who runs it, and his own Apply is disabled with his role as the
// reason; the audit names alice's SSH user and key.
func TestServedSync(t *testing.T) {
	var auditDir string
	ts := startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		auditDir = filepath.Join(dir, "audit")
		o.Console.AuditDir, o.Console.StateDir = auditDir, dir
	})
	op, err := ts.dialTerm(t, ts.operator, "alice", 120, 36)
	if err != nil {
		t.Fatal(err)
	}
	vw, err := ts.dialTerm(t, ts.viewer, "bob", 120, 36)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := ts.operatorKey, ts.viewerKeyFP
	op.wait("alice's console", "hasync test")
	vw.wait("bob's console", "hasync test")
	waitSession(t, ts, alice, "alice's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	waitSession(t, ts, bob, "bob's list", "read-only", "✓ vra-a MASTER", "✓ vra-b BACKUP")

	// bob's S shows the plan with Apply disabled, and why.
	vw.send("\r")
	waitSession(t, ts, bob, "bob's pair view", "1 Diff")
	vw.send("S")
	waitSession(t, ts, bob, "bob's plan", "(disabled)", "read-only: your key's role is viewer")
	vw.send("\r") // Cancel: the only button that does anything here
	waitSession(t, ts, bob, "bob's plan closed", "2 Sync-maps")
	vw.send("3")
	waitSession(t, ts, bob, "bob's Log", "3 Log", "refreshed")

	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	op.send("\t")
	waitSession(t, ts, alice, "Apply focused", "▸[ Apply 8 to vra-b ]")
	op.send("\r")
	waitSession(t, ts, alice, "alice's outcome", "vra-b refused the change")

	s := waitSession(t, ts, bob, "bob sees alice's sync end", "by alice (", "ended: refused")
	if !strings.Contains(s, "error(s)  ]e next") {
		t.Errorf("bob does not see the refusal pinned:\n%s", s)
	}

	log, err := audit.Open(auditDir)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok, err := log.Last("lab-vyatta")
	if err != nil || !ok {
		t.Fatalf("no audit record: %v", err)
	}
	if rec.SSHUser != "alice" || rec.SSHKey != alice || rec.Result != audit.Refused {
		t.Errorf("audit: ssh user %q key %q result %s; want alice, %s, refused", rec.SSHUser, rec.SSHKey, rec.Result, alice)
	}
}
