package tui

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/syncmap"
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

// startAuditServer starts a test server whose consoles keep their state
// and audit in a temporary folder; it returns the audit folder.
func startAuditServer(t *testing.T) (*testServer, string) {
	t.Helper()
	var auditDir string
	ts := startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		auditDir = filepath.Join(dir, "audit")
		o.Console.AuditDir, o.Console.StateDir = auditDir, dir
	})
	return ts, auditDir
}

// dialAlice dials the operator alice's console at w×h columns and rows
// and waits for its pair list.
func dialAlice(t *testing.T, ts *testServer, w, h int) *term {
	t.Helper()
	op, err := ts.dialTerm(t, ts.operator, "alice", w, h)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("alice's console", "hasync test")
	waitSession(t, ts, ts.operatorKey, "alice's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	return op
}

// bobAtPair dials the viewer bob's console (w×h), waits for his pair
// list and opens the pair: its Diff tab shows. It returns his terminal and
// his key's fingerprint.
func bobAtPair(t *testing.T, ts *testServer, w, h int) (*term, string) {
	t.Helper()
	vw, err := ts.dialTerm(t, ts.viewer, "bob", w, h)
	if err != nil {
		t.Fatal(err)
	}
	bob := ts.viewerKeyFP
	vw.wait("bob's console", "hasync test")
	waitSession(t, ts, bob, "bob's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	vw.send("\r")
	waitSession(t, ts, bob, "bob's pair view", "1 Diff")
	return vw, bob
}

// dialAliceBob dials the consoles of the operator alice and the viewer
// bob at w×h columns and rows and waits for both pair lists, bob's
// showing bobList too.
func dialAliceBob(t *testing.T, ts *testServer, w, h int, bobList ...string) (op, vw *term) {
	t.Helper()
	op, err := ts.dialTerm(t, ts.operator, "alice", w, h)
	if err != nil {
		t.Fatal(err)
	}
	vw, err = ts.dialTerm(t, ts.viewer, "bob", w, h)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("alice's console", "hasync test")
	vw.wait("bob's console", "hasync test")
	waitSession(t, ts, ts.operatorKey, "alice's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	waitSession(t, ts, ts.viewerKeyFP, "bob's list", append(bobList, "✓ vra-a MASTER", "✓ vra-b BACKUP")...)
	return op, vw
}

// stageRuleDelete goes from alice's pair view to the Sync-maps tab and
// stages the delete of a rule of vra-a's map LAB-SYNC.
func stageRuleDelete(t *testing.T, ts *testServer, op *term) {
	t.Helper()
	op.send("2")
	waitSession(t, ts, ts.operatorKey, "the sync-map", "vra-a: sync-map LAB-SYNC")
	op.send("d")
	waitSession(t, ts, ts.operatorKey, "the staged delete", "1 staged edit(s)")
}

// aliceAtMapSave dials alice's console (140×40), stages the delete of a
// rule of vra-a's map and asks to save it: the save's question is open.
func aliceAtMapSave(t *testing.T, ts *testServer) *term {
	t.Helper()
	op := dialAlice(t, ts, 140, 40)
	op.send("\r")
	waitSession(t, ts, ts.operatorKey, "alice's pair view", "1 Diff")
	stageRuleDelete(t, ts, op)
	op.send("w")
	waitSession(t, ts, ts.operatorKey, "the save's question", "Save sync-map LAB-SYNC on vra-a")
	return op
}

// TestServedSync: in the served console (contracts 1-3), the operator
// alice syncs the Vyatta pair: the viewer bob watches the same live log,
// with who runs it, and his own Apply is disabled with his role as the
// reason; the audit names alice's SSH user and key.
func TestServedSync(t *testing.T) {
	ts, auditDir := startAuditServer(t)
	op, vw := dialAliceBob(t, ts, 120, 36, "read-only")
	alice, bob := ts.operatorKey, ts.viewerKeyFP

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

// TestServedMapSave: in the served console, the operator alice saves a
// sync-map (a rule deleted) while vra-a answers slowly. The viewer bob
// is told who holds the pair's lock and what for when he presses S, his
// Log streams the save's lines as alice's does, named by alice's SSH user
// and key, to "sync-map save by alice … ended: ok"; the audit records
// the save with alice's SSH user and whole key fingerprint, the map and
// the commands.
func TestServedMapSave(t *testing.T) {
	ts, auditDir := startAuditServer(t)
	op, vw := dialAliceBob(t, ts, 140, 40)
	alice, bob := ts.operatorKey, ts.viewerKeyFP
	vw.send("\r")
	waitSession(t, ts, bob, "bob's pair view", "1 Diff")
	// bob's help in the Sync-maps tab: the keys that write are marked
	// disabled, with why; the moves are not.
	vw.send("2")
	waitSession(t, ts, bob, "bob's Sync-maps tab", "vra-a: sync-map LAB-SYNC")
	vw.send("?")
	s := waitSession(t, ts, bob, "bob's help", "Sync-maps tab", "✗ read-only: your key's role is viewer")
	marked := func(desc string) bool { // "✗ KEY   desc"
		return regexp.MustCompile(`✗ \S+ +` + regexp.QuoteMeta(desc)).MatchString(s)
	}
	for _, desc := range []string{"sync (plan first)", "roll back last sync", "device sync (HA)",
		"add rule", "delete rule", "save to the device"} {
		if !marked(desc) {
			t.Errorf("bob's help does not mark %q disabled:\n%s", desc, s)
		}
	}
	if strings.Contains(s, "edit in $EDITOR") { // never offered to a served session
		t.Errorf("bob's help offers $EDITOR:\n%s", s)
	}
	if marked("previous rule") || marked("swap direction") || !strings.Contains(s, "previous rule") {
		t.Errorf("bob's help marks a key that does not write:\n%s", s)
	}
	vw.send("?")
	vw.send("3")
	waitSession(t, ts, bob, "bob's Log", "3 Log", "refreshed")

	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	// alice may write: her help marks nothing.
	op.send("?")
	if s := waitSession(t, ts, alice, "alice's help", "sync (plan first)"); strings.Contains(s, "✗") {
		t.Errorf("the operator's help marks keys disabled:\n%s", s)
	}
	op.send("?")
	stageRuleDelete(t, ts, op)
	// Stray letters do not reach Apply (trial 13b #15): l, then enter
	// is Cancel.
	op.send("w")
	waitSession(t, ts, alice, "the save's question", "Save sync-map LAB-SYNC on vra-a", "[ Cancel ]")
	op.send("l")
	op.send("\r")
	waitSession(t, ts, alice, "l and enter cancel", "not saved: the edits stay staged")
	op.send("w")
	waitSession(t, ts, alice, "the save's question", "Save sync-map LAB-SYNC on vra-a", "[ Cancel ]")
	// vra-a slow once the save writes: it still runs while bob looks.
	slowWrites(t, ts.o.Hub.Pairs()[0], ts.lab.vy.A.Faults, 200*time.Millisecond)
	op.send("\x1b[C") // →
	op.send("\r")
	waitSession(t, ts, alice, "the save running", "applying")

	const who = "by alice (session "
	waitSession(t, ts, bob, "alice's save in bob's Log", "sync-map save LAB-SYNC on vra-a", who, ", key SHA256:")
	vw.send("S")
	waitSession(t, ts, bob, "the lock's holder named", "lab-vyatta: alice is saving sync-map LAB-SYNC on vra-a since", "(session ")
	ts.lab.vy.A.Faults.SetDelay(0)

	sent := "> delete system config-sync sync-map LAB-SYNC"
	waitSession(t, ts, bob, "the save's end in bob's Log", "sync-map save "+who, "ended: ok", sent)
	op.send("3")
	waitSession(t, ts, alice, "the same lines in alice's Log", "sync-map save "+who, "ended: ok", sent)

	log, err := audit.Open(auditDir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := log.Records("lab-vyatta")
	if err != nil || len(all) == 0 {
		t.Fatalf("no audit record: %v", err)
	}
	rec := all[len(all)-1]
	if rec.Kind != audit.MapSave || rec.SSHUser != "alice" || rec.SSHKey != alice || rec.Result != audit.OK ||
		rec.Map != "LAB-SYNC" || rec.Target != "vra-a" || len(rec.Commands) == 0 || !strings.HasPrefix(rec.Commands[0], "delete system config-sync sync-map LAB-SYNC") {
		t.Errorf("the save's audit record: %+v", rec)
	}
}

// TestServedMapSaveStale (trial 13b #1): two operators edit the same
// sync-map; dave saves first. alice's save, begun from the map as it was,
// is refused (it would overwrite dave's change), naming dave; the device
// keeps dave's map.
func TestServedMapSaveStale(t *testing.T) {
	ts, _ := startAuditServer(t)
	alice, dave := ts.operatorKey, gossh.FingerprintSHA256(ts.crash.PublicKey())
	op, err := ts.dialTerm(t, ts.operator, "alice", 140, 40)
	if err != nil {
		t.Fatal(err)
	}
	op2, err := ts.dialTerm(t, ts.crash, "dave", 140, 40)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tm *term
		fp string
	}{{op, alice}, {op2, dave}} {
		c.tm.wait("the console", "hasync test")
		waitSession(t, ts, c.fp, "the list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
		c.tm.send("\r")
		waitSession(t, ts, c.fp, "the pair view", "1 Diff")
		c.tm.send("2")
		waitSession(t, ts, c.fp, "the sync-map", "vra-a: sync-map LAB-SYNC")
	}
	op.send("d") // alice deletes the first rule
	waitSession(t, ts, alice, "alice's staged delete", "1 staged edit(s)")
	op2.send("j")
	op2.send("d") // dave the second
	waitSession(t, ts, dave, "dave's staged delete", "1 staged edit(s)")
	op2.send("w")
	waitSession(t, ts, dave, "dave's question", "Save sync-map LAB-SYNC on vra-a")
	op2.send("\x1b[C") // →
	op2.send("\r")
	waitSession(t, ts, dave, "dave's save", "saved: vra-a's sync-map LAB-SYNC now has 3 rule(s) (re-read)")
	daves, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(daves) != 1 {
		t.Fatalf("vra-a's maps after dave's save: %v %v", daves, err)
	}

	op.send("w")
	s := waitSession(t, ts, alice, "alice's save refused", "not saved: vra-a's sync-map LAB-SYNC changed since your edits began")
	if !strings.Contains(strings.Join(strings.Fields(s), " "), "last hasync save: dave (session ") {
		t.Errorf("the refusal does not name dave:\n%s", s)
	}
	now, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(now) != 1 || !now[0].Equal(daves[0]) {
		t.Fatalf("vra-a's map after alice's refused save: %v %v; want dave's %v", now, err, daves)
	}
}

// TestServedMapSaveChangedOnDevice (trial 13b #1): the map changes on the
// device outside hasync after alice's edits began and before her console
// reads it again: her save, checked under the pair's lock, is refused and
// the device keeps that change.
func TestServedMapSaveChangedOnDevice(t *testing.T) {
	ts, _ := startAuditServer(t)
	alice := ts.operatorKey
	op := dialAlice(t, ts, 140, 40)
	op.send("\r")
	waitSession(t, ts, alice, "the pair view", "1 Diff")
	stageRuleDelete(t, ts, op)

	// Someone at vra-a's CLI removes the map's last rule.
	before, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(before) != 1 {
		t.Fatalf("vra-a's maps: %v %v", before, err)
	}
	last := strconv.Itoa(before[0].Rules[len(before[0].Rules)-1].Number)
	cli := ts.lab.vy.A.Device.NewSession(ts.lab.vy.User)
	if err := cli.Delete([]string{"system", "config-sync", "sync-map", "LAB-SYNC", "rule", last}); err != nil {
		t.Fatal(err)
	}
	if err := cli.Commit(context.Background(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	changed, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(changed) != 1 {
		t.Fatalf("vra-a's maps after the CLI change: %v %v", changed, err)
	}

	op.send("w")
	op.send("\x1b[C") // →
	op.send("\r")
	waitSession(t, ts, alice, "alice's save refused", "vra-a's sync-map LAB-SYNC changed since your edits began")
	now, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(now) != 1 || !now[0].Equal(changed[0]) {
		t.Fatalf("vra-a's map after alice's refused save: %v %v; want the CLI's %v", now, err, changed)
	}
}
