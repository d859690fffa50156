package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	charmlog "charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/backend/syncmap"
)

// TestServeSyncOutlivesSession: the operator's ssh client is killed
// while its sync is committing; the sync runs on the server's context,
// not the session's: it finishes (vra-b's own refusal, as in
// TestServedSync), not "context canceled" (trial 13 item 1).
func TestServeSyncOutlivesSession(t *testing.T) { testServeSyncEnd(t, false) }

// TestServeShutdownLetsCommitFinish: the server is told to shut down
// while a session's sync is committing: the session ends, the sync
// finishes and shutdown waits for it (trial 13 item 1).
func TestServeShutdownLetsCommitFinish(t *testing.T) { testServeSyncEnd(t, true) }

func testServeSyncEnd(t *testing.T, shutdown bool) {
	var auditDir string
	committing, gone := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		auditDir = filepath.Join(dir, "audit")
		o.Console.AuditDir, o.Console.StateDir = auditDir, dir
		o.hook = func(id Identity, _ tea.Msg) {
			if id.Key != ts.operatorKey {
				return
			}
			// On the session's program goroutine, before any key.
			hookOnce.Do(func() {
				ts.session(t, id.Key).model.syncHook = func(e hsync.Event) {
					if e.Commit { // the point of no return (hsync.Event.Commit)
						once.Do(func() {
							close(committing)
							<-gone
						})
					}
				}
			})
		}
	})
	op, alice := dialAlice(t, ts, 120, 36), ts.operatorKey
	ss := ts.session(t, alice)
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	op.send("\t")
	waitSession(t, ts, alice, "Apply focused", "▸[ Apply 8 to vra-b ]")
	op.send("\r")
	select {
	case <-committing:
	case <-time.After(90 * time.Second):
		t.Fatal("the sync never reached its commit")
	}
	if shutdown {
		done := make(chan struct{})
		go func() { ts.shutdown(t); close(done) }()
		<-ss.model.com.Ctx.Done()
		close(gone)
		<-done
		if s := op.ended("alice's session"); !strings.Contains(s, "hasync serve: your sync vra-a → vra-b was committing: it finishes and is verified on the server") {
			t.Errorf("alice's last words:\n%s", s)
		}
	} else {
		sub, unsub := ts.o.Hub.Pairs()[0].Subscribe(1 << 16)
		defer unsub()
		op.client.Close() // kill -9 of the client
		<-ss.model.com.Ctx.Done()
		close(gone)
		// The others are told (trial 13b #5).
		want := "alice's session ended; its native sync goes on, on the server (session 1, key "
		deadline := time.After(90 * time.Second)
		for told := false; !told; {
			select {
			case e := <-sub.C:
				// (The lab's S runs vra-a's own config-sync: a native sync.)
				told = e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, want)
			case <-deadline:
				t.Fatal("the pair's watchers were not told alice's session ended")
			}
		}
	}
	p := ts.o.Hub.Pairs()[0]
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, held := p.SyncHolder(); !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync never ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, err := audit.Open(auditDir)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok, err := log.Last("lab-vyatta")
	if err != nil || !ok {
		t.Fatalf("no audit record: %v", err)
	}
	if rec.Result != audit.Refused || strings.Contains(fmt.Sprint(rec.Errors, rec.Error), "context canceled") {
		t.Errorf("audit: result %s, errors %q %q; want the device's own refusal, not a cancel", rec.Result, rec.Errors, rec.Error)
	}
}

// lockedBuffer is a log both the server and the test's checks use.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeClientClosedLog: a client that disconnects (killed, or its
// user quits) is an ordinary end in the server's log: nothing at error
// level, and the session's end says why (trial 13 item 7).
func TestServeClientClosedLog(t *testing.T) {
	buf := &lockedBuffer{}
	ts := startServer(t, func(o *ServeOptions) {
		o.Log = charmlog.NewWithOptions(io.MultiWriter(buf, &testWriter{t: t}), charmlog.Options{Level: charmlog.DebugLevel})
	})
	// What wish itself logs goes to charm's default logger.
	charmlog.SetDefault(ts.o.Log)
	op, err := ts.dialTerm(t, ts.operator, "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	op.wait("alice's console", "hasync test", "vra-a")
	op.client.Close() // kill -9 of the client
	vw, err := ts.dialTerm(t, ts.viewer, "bob", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	vw.wait("bob's console", "hasync test", "vra-a")
	vw.send("q")
	vw.ended("bob quit")
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(buf.String(), "session end") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the sessions' ends were not logged:\n%s", buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	log := buf.String()
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "ERRO") {
			t.Errorf("logged at error level: %s", line)
		}
	}
	if !strings.Contains(log, "user=alice why=\"client closed\"") || !strings.Contains(log, "user=bob why=\"user quit\"") {
		t.Errorf("the sessions' ends do not say why:\n%s", log)
	}
}

// TestServeSessionEndKeepsSharedReads: bob's plan read is under way on
// the shared connections (every line delayed) when his client is killed:
// the read is not cut, so no session sees the pair's devices lost
// (trial 13 item 2).
func TestServeSessionEndKeepsSharedReads(t *testing.T) {
	ts := startServer(t, nil)
	vw, bob := bobAtPair(t, ts, 120, 36)
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	ts.lab.vy.A.Faults.SetDelay(20 * time.Millisecond)
	ts.lab.vy.B.Faults.SetDelay(20 * time.Millisecond)
	ss := ts.session(t, bob)
	vw.send("S")
	waitSession(t, ts, bob, "bob's plan reading", "reading both devices")
	vw.client.Close() // kill -9 of bob's client, mid-read
	<-ss.model.com.Ctx.Done()
	// The read goes on to its end: the next Refreshed event.
	deadline := time.After(90 * time.Second)
	for {
		select {
		case e := <-sub.C:
			if e.Kind == pair.Lost || (e.Kind == pair.Error && errors.Is(e.Err, context.Canceled)) {
				t.Fatalf("a session's end cut the shared read: %v %v", e.Kind, e.Err)
			}
			if e.Kind == pair.Refreshed {
				ts.lab.vy.A.Faults.SetDelay(0)
				ts.lab.vy.B.Faults.SetDelay(0)
				return
			}
		case <-deadline:
			t.Fatal("the read never ended")
		}
	}
}

// TestServeShutdownCancelsBeforeCommit: the server is told to shut down
// while a session's pushed sync is still typing its commands: the sync
// is cancelled before its commit (the server's context, not the
// session's, decides) and vra-b keeps its configuration.
func TestServeShutdownCancelsBeforeCommit(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var typedCommit atomic.Bool
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(dir, "audit"), dir
		o.hook = func(id Identity, _ tea.Msg) {
			if id.Key != ts.operatorKey {
				return
			}
			hookOnce.Do(func() {
				ts.session(t, id.Key).model.syncHook = func(e hsync.Event) {
					if e.Commit { // the point of no return (hsync.Event.Commit)
						typedCommit.Store(true)
					}
					if e.Kind == hsync.Sent && e.Step >= 0 {
						once.Do(func() {
							close(reached)
							<-release
						})
					}
				}
			})
		}
	})
	before := ts.lab.vy.B.Device.Running()
	op, alice := dialAlice(t, ts, 120, 36), ts.operatorKey
	ss := ts.session(t, alice)
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	op.send("p")
	waitSession(t, ts, alice, "the pushed plan", "Pushed by hasync", "[ Apply 8 to vra-b ]")
	op.send("\t")
	waitSession(t, ts, alice, "Apply focused", "▸[ Apply 8 to vra-b ]")
	op.send("\r")
	select {
	case <-reached:
	case <-time.After(90 * time.Second):
		t.Fatal("the sync never typed its first command")
	}
	done := make(chan struct{})
	go func() { ts.shutdown(t); close(done) }()
	<-ss.model.com.Ctx.Done()
	close(release)
	<-done
	// alice is told, in words (trial 13b #16).
	if s := op.ended("alice's session"); !strings.Contains(s, "hasync serve: your sync vra-a → vra-b is cancelled before its commit: vra-b is left as it was") {
		t.Errorf("alice's last words:\n%s", s)
	}
	if typedCommit.Load() {
		t.Error("the commit was typed after the shutdown began")
	}
	if !config.Equal(before.Root, ts.lab.vy.B.Device.Running().Root) {
		t.Error("vra-b's running configuration changed")
	}
}

// TestServeShutdownWaitsForMapSave: the server is told to shut down while
// an operator's sync-map save runs (vra-a slowed): the save holds the
// pair's lock and runs on the server's context, not the session's, so it
// ends (its outcome published, vra-a holding the saved map) before the
// shutdown closes the pairs.
func TestServeShutdownWaitsForMapSave(t *testing.T) {
	ts, _ := startAuditServer(t)
	op := aliceAtMapSave(t, ts)
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	slowWrites(t, p, ts.lab.vy.A.Faults, 100*time.Millisecond)
	defer ts.lab.vy.A.Faults.SetDelay(0)
	op.send("\x1b[C") // →
	op.send("\r")
	for e := range sub.C {
		if e.Kind == pair.SyncStarted && e.Sync != nil && e.Sync.Kind == pair.KindMapSave {
			break
		}
	}
	shut := make(chan struct{})
	go func() { ts.shutdown(t); close(shut) }()
	for e := range sub.C {
		if e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "commit") {
			break
		}
	}
	ts.lab.vy.A.Faults.SetDelay(0) // the commit and the re-read at full speed
	<-shut
	// The hub closed the subscription after the save's end, or never saw it.
	var end *pair.SyncSummary
	for e := range sub.C {
		if e.Kind == pair.SyncDone && e.Sync != nil && e.Sync.Kind == pair.KindMapSave {
			end = e.Sync
		}
	}
	if end == nil || end.Outcome != string(audit.OK) || !end.Committed {
		t.Fatalf("the save's end before the pairs closed: %+v", end)
	}
	maps, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(maps) != 1 || len(maps[0].Rules) != 3 {
		t.Fatalf("vra-a's sync-map after the shutdown: %v %v", maps, err)
	}
}

// TestServeShutdownGraceCutsMapSaveReread (trial 13b #4): the shutdown
// grace ends while an operator's sync-map save, committed, still re-reads
// the pair (vra-a slowed): the audit says committed but not verified, not
// failed, and vra-a holds the saved map.
func TestServeShutdownGraceCutsMapSaveReread(t *testing.T) {
	ts, auditDir := startAuditServer(t)
	op := aliceAtMapSave(t, ts)
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	op.send("\x1b[C") // →
	op.send("\r")
	for e := range sub.C {
		if e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "commit") {
			// From the commit on, vra-a is slow: the re-read after it
			// outlasts the grace.
			ts.lab.vy.A.Faults.SetDelay(100 * time.Millisecond)
			break
		}
	}
	defer ts.lab.vy.A.Faults.SetDelay(0)
	for e := range sub.C {
		if e.Kind == pair.SyncLine && strings.Contains(e.Line, "re-reading the pair") {
			break
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := ts.Shutdown(ctx); err == nil || !strings.Contains(err.Error(), "the shutdown grace ended") {
		t.Errorf("shutdown: %v", err)
	}
	<-ts.served
	ts.shutdownOnce.Do(func() {}) // done here

	log, err := audit.Open(auditDir)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		all, err := log.Records("lab-vyatta")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(all); n > 0 && all[n-1].Kind == audit.MapSave {
			if r := all[n-1]; r.Result != audit.Unverified || r.Counts.Deletes != 1 {
				t.Errorf("the save's record: %+v, want %s with 1 delete", r, audit.Unverified)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no audit record of the save")
		}
		time.Sleep(50 * time.Millisecond)
	}
	maps, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(maps) != 1 || len(maps[0].Rules) != 3 {
		t.Fatalf("vra-a's sync-map: %v %v", maps, err)
	}
}

// TestServeMapSaveOutlivesSession (trial 13c N1): the operator's client
// is killed while her sync-map save runs (vra-a slowed): the save goes
// on, on the server, and the pair's watchers are told so, as for a sync;
// then it ends ok.
func TestServeMapSaveOutlivesSession(t *testing.T) {
	ts, _ := startAuditServer(t)
	op := aliceAtMapSave(t, ts)
	ss := ts.session(t, ts.operatorKey)
	vw, bob := bobAtPair(t, ts, 120, 40) // as the trial: what happened is not cut (trial 13d D6)
	vw.send("3")
	waitSession(t, ts, bob, "bob's Log", "3 Log")
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	// Slow from the save's first line: the save outlasts the session.
	ts.lab.vy.A.Faults.SetDelay(200 * time.Millisecond)
	defer ts.lab.vy.A.Faults.SetDelay(0)
	op.send("\x1b[C") // →
	op.send("\r")
	for e := range sub.C {
		if e.Kind == pair.SyncStarted && e.Sync != nil && e.Sync.Kind == pair.KindMapSave {
			break
		}
	}
	// The lock says what holds it (trial 13c N4: others are told at once).
	if h, ok := p.SyncHolder(); !ok || h.Write == nil || h.Write.Kind != pair.KindMapSave || h.Write.Map != "LAB-SYNC" {
		t.Errorf("the save's lock: %+v %v", h, ok)
	}
	op.client.Close() // kill -9 of the client
	<-ss.model.com.Ctx.Done()
	want := "alice's session ended; its sync-map save goes on, on the server (session 1, key "
	var end *pair.SyncSummary
	told := false
	deadline := time.After(90 * time.Second)
	for end == nil {
		select {
		case e := <-sub.C:
			switch {
			case e.Kind == pair.SyncLine && e.LineKind == pair.SyncHolderGone:
				if !strings.HasPrefix(e.Line, want) {
					t.Errorf("the watchers were told %q", e.Line)
				}
				told = true
				// bob's S names alice's save, and that her session ended
				// (trial 13c N1: the Log said so, S did not).
				waitSession(t, ts, bob, "bob's Log told", "alice's session ended; its sync-map save goes on, on the server")
				vw.send("S")
				waitSession(t, ts, bob, "bob's S", "lab-vyatta: alice (session ended) is saving sync-map LAB-SYNC on vra-a since", "(session 1, key ")
				ts.lab.vy.A.Faults.SetDelay(0)
			case e.Kind == pair.SyncDone:
				end = e.Sync
			}
		case <-deadline:
			t.Fatal("the save never ended")
		}
	}
	if !told {
		t.Error("the pair's watchers were not told alice's session ended while her save ran")
	}
	if end.Kind != pair.KindMapSave || end.Outcome != string(audit.OK) || !end.Committed {
		t.Errorf("the save's end: %+v", end)
	}
}

// TestServedApplyLocked: the operator dave has his plan open, Apply
// focused, when alice's sync takes the pair's lock (held at its commit):
// his Apply is greyed at once, with who does what since when, and the
// focus goes back to Cancel; when her sync ends, Apply is back (note4's
// leftover: the refusal came only on Apply).
func TestServedApplyLocked(t *testing.T) {
	committing, release := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(dir, "audit"), dir
		o.hook = func(id Identity, msg tea.Msg) {
			if id.Comment != "op@test" { // alice
				return
			}
			hookOnce.Do(func() {
				ts.session(t, id.Key).model.syncHook = func(e hsync.Event) {
					if e.Commit {
						once.Do(func() {
							close(committing)
							<-release
						})
					}
				}
			})
		}
	})
	op := dialAlice(t, ts, 120, 36)
	dv, dave := dialDave(t, ts)
	for _, c := range []struct {
		tm *term
		fp string
	}{{op, ts.operatorKey}, {dv, dave}} {
		c.tm.send("\r")
		waitSession(t, ts, c.fp, "the pair view", "1 Diff")
		c.tm.send("S")
		waitSession(t, ts, c.fp, "the plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
		c.tm.send("\t")
		waitSession(t, ts, c.fp, "Apply focused", "▸[ Apply 8 to vra-b ]")
	}
	op.send("\r")
	select {
	case <-committing:
	case <-time.After(90 * time.Second):
		t.Fatal("alice's sync never reached its commit")
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	s := waitSession(t, ts, dave, "dave's Apply greyed", "[ Apply 8 to vra-b (disabled) ]", "▸[ Cancel ]")
	re := regexp.MustCompile(`locked: lab-vyatta: alice is (syncing|running a native sync) vra-a → vra-b since \d\d:\d\d:\d\d \(session 1, key SHA256:`)
	if !re.MatchString(s) {
		t.Errorf("dave's plan does not say why Apply is greyed (want %s):\n%s", re, s)
	}
	close(release)
	released = true
	waitSession(t, ts, dave, "dave's Apply back", "[ Apply 8 to vra-b ]")
	s = ts.screen(t, dave)
	for strings.Contains(s, "(disabled)") {
		time.Sleep(20 * time.Millisecond) // the end's events
		s = ts.screen(t, dave)
	}
	if strings.Contains(s, "locked:") {
		t.Errorf("dave's plan still names the lock:\n%s", s)
	}
	dv.send("\t")
	waitSession(t, ts, dave, "dave's Apply reached", "▸[ Apply 8 to vra-b ]")
}

// dialDave dials the operator dave's console (120×36) and waits for its
// pair list; it returns his terminal and key's fingerprint.
func dialDave(t *testing.T, ts *testServer) (*term, string) {
	t.Helper()
	dv, err := ts.dialTerm(t, ts.crash, "dave", 120, 36)
	if err != nil {
		t.Fatal(err)
	}
	dave := gossh.FingerprintSHA256(ts.crash.PublicKey())
	dv.wait("dave's console", "hasync test")
	waitSession(t, ts, dave, "dave's list", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	return dv, dave
}

// TestServedApplyLockedRefused (trial 13c N2): the operator dave presses
// Apply while alice's write holds the pair's lock, though his plan was
// not greyed (her lock came before its events, as another process's
// would). He is refused at once, in the console's words (who, what,
// since when as the Log's times), without a sync of his own that first
// waits for the lock and re-reads the pair; the refusal goes from his
// status when alice's write ends.
func TestServedApplyLockedRefused(t *testing.T) {
	var ts *testServer
	var daveNotice atomic.Value
	var daveRan, daveSaw atomic.Bool
	var stateDir string
	ts = startServer(t, func(o *ServeOptions) {
		stateDir = t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(stateDir, "audit"), stateDir
		o.hook = func(id Identity, msg tea.Msg) {
			if id.Comment != "crash@test" { // dave
				return
			}
			daveNotice.Store(ts.session(t, id.Key).model.notice) // on the program's goroutine
			switch m := msg.(type) {
			case syncLinesMsg:
				daveRan.Store(true)
			case eventsMsg:
				for _, e := range m.events {
					if e.Kind == pair.SyncStarted {
						daveSaw.Store(true)
					}
				}
			}
		}
	})
	dv, dave := dialDave(t, ts)
	dv.send("\r")
	waitSession(t, ts, dave, "the pair view", "1 Diff")
	dv.send("S")
	waitSession(t, ts, dave, "the plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	dv.send("\t")
	waitSession(t, ts, dave, "Apply focused", "▸[ Apply 8 to vra-b ]")
	const alice = "alice (session 9, key SHA256:other)"
	p := ts.o.Hub.Pairs()[0]
	w := pair.SyncSummary{Kind: pair.KindNative, Source: "vra-a", Target: "vra-b", Commands: 8}
	started := w
	p.PublishSync(pair.Event{Kind: pair.SyncStarted, Device: "vra-b", Holder: alice, Step: -1, Sync: &started})
	for !daveSaw.Load() {
		time.Sleep(20 * time.Millisecond)
	}
	ts.screen(t, dave) // after the start: no lock yet, nothing greyed
	lock, err := p.LockWrite(filepath.Join(stateDir, "locks"), alice, &w)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	dv.send("\r")
	deadline := time.Now().Add(90 * time.Second)
	var notice string
	for {
		notice, _ = daveNotice.Load().(string)
		if strings.HasPrefix(notice, "not applied: ") || time.Now().After(deadline) {
			break
		}
		ts.screen(t, dave) // a message: the hook reads the notice
		time.Sleep(20 * time.Millisecond)
	}
	re := regexp.MustCompile(`^not applied: lab-vyatta: alice is running a native sync vra-a → vra-b since \d\d:\d\d:\d\d \(session 9, key SHA256:other\)$`)
	if !re.MatchString(notice) {
		t.Errorf("dave's status: %q, want it to match %s", notice, re)
	}
	if daveRan.Load() {
		t.Error("dave's console ran a sync of its own to reach the lock")
	}
	end := w
	end.Outcome = "ok"
	p.PublishSync(pair.Event{Kind: pair.SyncDone, Device: "vra-b", Holder: alice, Step: -1, Sync: &end})
	lock.Unlock()
	dv.send("3")
	waitSession(t, ts, dave, "alice's write's end in dave's Log", "by alice (", "ended: ok")
	ts.screen(t, dave) // one more message: the hook reads the notice after the end
	if n, _ := daveNotice.Load().(string); strings.HasPrefix(n, "not applied: ") {
		t.Errorf("dave's status still names the lock after alice's write ended: %q", n)
	}
}

// TestServedMapSaveLocked (trial 13c N4): alice's sync-map save took the
// pair's lock a moment before dave pressed Apply on his (his console has
// not seen her save's events yet). He is told who saves what since when
// (local time, as the Log), not "a sync is running" with an ISO time,
// and the refusal is no device's error (the pair list's LAST ERROR).
func TestServedMapSaveLocked(t *testing.T) {
	var stateDir string
	ts := startServer(t, func(o *ServeOptions) {
		stateDir = t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(stateDir, "audit"), stateDir
	})
	op := aliceAtMapSave(t, ts)
	p := ts.o.Hub.Pairs()[0]
	lock, err := p.LockWrite(filepath.Join(stateDir, "locks"), "alice (session 9, key SHA256:other)",
		&pair.SyncSummary{Kind: pair.KindMapSave, Target: "vra-a", Map: "LAB-SYNC", Commands: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	op.send("\x1b[C") // →
	op.send("\r")
	s := waitSession(t, ts, ts.operatorKey, "the refusal", "not saved: the edits stay staged (")
	re := regexp.MustCompile(`not saved: the edits stay staged \(lab-vyatta: alice is saving sync-map LAB-SYNC on vra-a since \d\d:\d\d:\d\d \(session 9, key SHA256:other\)\)`)
	if !re.MatchString(s) {
		t.Errorf("the refusal does not match %s:\n%s", re, s)
	}
	op.send("\x1b") // esc: back to the pair list
	s = waitSession(t, ts, ts.operatorKey, "the pair list", "PAIR", "lab-huawei")
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "lab-vyatta") && !strings.HasSuffix(strings.TrimSpace(l), "—") {
			t.Errorf("the lock's refusal is shown as a device's error (LAST ERROR):\n%s", s)
		}
	}
}

// TestServedRefreshOnce (trial 13c N9): r reads the pair once: one
// Refreshed event, so one line in every session's Log (it also asked the
// pair's own loop for a refresh, a second read right after).
func TestServedRefreshOnce(t *testing.T) {
	ts := startServer(t, nil)
	op := dialAlice(t, ts, 120, 36)
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 12)
	defer unsub()
	// refreshes counts the Refreshed events up to the one of a refresh
	// of the test's own (marker), which is not counted.
	refreshes := func() int {
		marker, err := p.Refresh(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		deadline := time.After(90 * time.Second)
		for {
			select {
			case e := <-sub.C:
				if e.Kind != pair.Refreshed {
					continue
				}
				if e.Snapshot == marker {
					return n
				}
				n++
			case <-deadline:
				t.Fatal("no Refreshed event of the test's own refresh")
			}
		}
	}
	// What the start left pending: a refresh queued before the first
	// marker's end runs before the second's.
	refreshes()
	refreshes()
	op.send("r")
	n := 0
	for e := range sub.C {
		if e.Kind == pair.Refreshed {
			n++ // r's read (or the pair loop's, then r's is queued)
			break
		}
	}
	if n += refreshes(); n != 1 {
		t.Errorf("r read the pair %d times, want once", n)
	}
}

// authorizedLine is k's authorized_keys line with options opts ("" none)
// and comment.
func authorizedLine(k gossh.Signer, opts, comment string) string {
	l := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))) + " " + comment + "\n"
	if opts != "" {
		l = opts + " " + l
	}
	return l
}

// TestServeRoleChangeRedrawsPlan (trial 13c N5, N10): the authorized keys
// change while alice (operator, Apply focused) and bob (viewer, Apply
// disabled) have their plans open: alice's Apply is disabled at once with
// why, the focus back on Cancel; bob's is enabled and reachable. Each is
// told the new role once, not twice.
func TestServeRoleChangeRedrawsPlan(t *testing.T) {
	ts := startServer(t, nil)
	op, vw := dialAliceBob(t, ts, 120, 36, "read-only")
	alice, bob := ts.operatorKey, ts.viewerKeyFP
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	op.send("\t")
	waitSession(t, ts, alice, "Apply focused", "▸[ Apply 8 to vra-b ]")
	vw.send("\r")
	waitSession(t, ts, bob, "bob's pair view", "1 Diff")
	vw.send("S")
	waitSession(t, ts, bob, "bob's plan", "[ Apply 8 to vra-b (disabled) ]")

	text := authorizedLine(ts.operator, "", "op@test") + authorizedLine(ts.viewer, `environment="HASYNC_ROLE=operator"`, "vw@test")
	if err := os.WriteFile(filepath.Join(ts.dir, "authorized_keys"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s := waitSession(t, ts, alice, "alice's plan redrawn", "the authorized keys changed", "(disabled)")
	if !strings.Contains(s, "▸[ Cancel ]") || strings.Contains(s, "▸[ Apply") {
		t.Errorf("alice's focus after her demotion:\n%s", s)
	}
	if !strings.Contains(s, "the authorized keys changed: your key's role is viewer: read-only from now on") ||
		strings.Count(s, "your key's role is viewer") != 2 { // the status, and the plan's why
		t.Errorf("alice's status:\n%s", s)
	}
	s = waitSession(t, ts, bob, "bob's plan redrawn", "the authorized keys changed: your key's role is operator; you may sync and save sync-maps")
	if strings.Contains(s, "(disabled)") {
		t.Errorf("bob's Apply after his promotion:\n%s", s)
	}
	vw.send("\t")
	waitSession(t, ts, bob, "bob's Apply reached", "▸[ Apply 8 to vra-b ]")
}

// TestServeDemotedSyncCancelled (trial 13c N6): alice's key loses its
// operator option while her sync has not reached its commit: the sync is
// cancelled before its commit, as at the server's shutdown (a key
// revoked may be a key stolen). She and the pair's watchers are told;
// vra-b is left as it was; the audit says cancelled. Her own Log says the
// cancel at once; cancelled in its first read, nothing was sent, and no
// re-read follows (trial 15 T3).
func TestServeDemotedSyncCancelled(t *testing.T) {
	var auditDir string
	blocked, release := make(chan struct{}), make(chan struct{})
	rereading, reread := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		auditDir = filepath.Join(dir, "audit")
		o.Console.AuditDir, o.Console.StateDir = auditDir, dir
		o.hook = func(id Identity, _ tea.Msg) {
			if id.Key != ts.operatorKey {
				return
			}
			hookOnce.Do(func() {
				m := ts.session(t, id.Key).model
				m.syncHook = func(e hsync.Event) {
					if !e.Commit { // held before the commit
						once.Do(func() {
							close(blocked)
							<-release
						})
					}
				}
				m.rereadHook = func() {
					close(rereading)
					<-reread
				}
			})
		}
	})
	op := dialAlice(t, ts, 200, 36) // the status says it all
	alice := ts.operatorKey
	p := ts.o.Hub.Pairs()[0]
	before := ts.lab.vy.B.Device.Running()
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("S")
	waitSession(t, ts, alice, "alice's plan", "▸[ Cancel ]", "[ Apply 8 to vra-b ]")
	op.send("\t")
	waitSession(t, ts, alice, "Apply focused", "▸[ Apply 8 to vra-b ]")
	op.send("\r")
	select {
	case <-blocked:
	case <-time.After(90 * time.Second):
		t.Fatal("alice's sync never started")
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	text := authorizedLine(ts.operator, "", "op@test") + authorizedLine(ts.viewer, "", "vw@test")
	if err := os.WriteFile(filepath.Join(ts.dir, "authorized_keys"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	waitSession(t, ts, alice, "alice told", "read-only from now on; your native sync vra-a → vra-b is cancelled before its commit")
	// Her sync is still held before its commit: her Log already says
	// the cancel, and its banner no longer says running.
	s := ts.screen(t, alice)
	if !strings.Contains(s, "its key's role is now viewer: its native sync vra-a → vra-b is cancelled before its commit") ||
		strings.Contains(s, "running · esc cancels") || !strings.Contains(s, "cancelling") {
		t.Errorf("alice's Log does not say the cancel at once:\n%s", s)
	}
	close(release)
	released = true
	// Held at its first event, the sync is cancelled in its first read:
	// nothing was sent, so vra-b is known unchanged without the re-read
	// a later cancel needs (trial 15 T3), and her Log says so once.
	s = waitSession(t, ts, alice, "the outcome in alice's Log", "sync cancelled before anything was sent · vra-b unchanged")
	if n := strings.Count(s, "sync cancelled before anything was sent · vra-b unchanged ("); n != 1 || strings.Contains(s, "is left as it was") {
		t.Errorf("alice's Log says the sync's end %d times, want once:\n%s", n, s)
	}
	select {
	case <-rereading:
		t.Error("alice's console re-read the pair after a cancel before anything was sent")
		close(reread)
	default:
	}
	told := false
	var end *pair.SyncSummary
	var endErr error
	deadline := time.After(90 * time.Second)
	for end == nil {
		select {
		case e := <-sub.C:
			switch {
			case e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "alice: "):
				told = strings.HasPrefix(e.Line, "alice: its key's role is now viewer: its native sync vra-a → vra-b is cancelled before its commit (session 1, key ")
				if !told {
					t.Errorf("the watchers were told %q", e.Line)
				}
			case e.Kind == pair.SyncDone:
				end, endErr = e.Sync, e.Err
			}
		case <-deadline:
			t.Fatal("alice's sync never ended")
		}
	}
	if !told {
		t.Error("the pair's watchers were not told")
	}
	if end.Committed || end.Outcome != string(audit.Cancelled) {
		t.Errorf("the sync's end: %+v (%v), want cancelled before its commit", end, endErr)
	}
	// Said as a cancel, not as a device that could not be read (trial
	// 13d D2).
	if endErr == nil || !strings.Contains(endErr.Error(), "cancelled before the commit: vra-b is left as it was") {
		t.Errorf("the sync's end says %v", endErr)
	}
	if !config.Equal(before.Root, ts.lab.vy.B.Device.Running().Root) {
		t.Error("vra-b changed")
	}
}

// TestServeDemotedMapSaveStopped (trial 13c N6): alice's key loses its
// operator option while her sync-map save types its commands (held at
// its first, before the commit): the save is stopped as esc stops it,
// she and the pair's watchers are told, and the save ends saying what
// vra-a holds (the map as it was), with its cause, audited cancelled.
// (It slowed vra-a instead and never stopped before the commit: the
// stop landed after it, trial 13d D4.)
func TestServeDemotedMapSaveStopped(t *testing.T) {
	typing, release := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(dir, "audit"), dir
		o.hook = func(id Identity, _ tea.Msg) {
			if id.Key != ts.operatorKey {
				return
			}
			hookOnce.Do(func() {
				ts.session(t, id.Key).model.maps.lineHook = func(kind pair.SyncLineKind, _ string) {
					if kind == pair.SyncSent {
						once.Do(func() {
							close(typing)
							<-release
						})
					}
				}
			})
		}
	})
	op := aliceAtMapSave(t, ts)
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	op.send("\x1b[C") // →
	op.send("\r")
	select {
	case <-typing:
	case <-time.After(90 * time.Second):
		t.Fatal("the save never typed a command")
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	text := authorizedLine(ts.operator, "", "op@test") + authorizedLine(ts.viewer, "", "vw@test")
	if err := os.WriteFile(filepath.Join(ts.dir, "authorized_keys"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	waitSession(t, ts, ts.operatorKey, "alice told", "read-only from now on; your sync-map save is stopped")
	close(release)
	released = true
	told := false
	var end *pair.SyncSummary
	deadline := time.After(90 * time.Second)
	for end == nil {
		select {
		case e := <-sub.C:
			switch {
			case e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "alice: "):
				told = strings.HasPrefix(e.Line, "alice: its key's role is now viewer: its sync-map save is stopped (session 1, key ")
				if !told {
					t.Errorf("the watchers were told %q", e.Line)
				}
			case e.Kind == pair.SyncDone:
				end = e.Sync
			}
		case <-deadline:
			t.Fatal("the save never ended")
		}
	}
	if !told {
		t.Error("the pair's watchers were not told the save was stopped")
	}
	maps, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(maps) != 1 {
		t.Fatalf("vra-a's sync-maps: %v %v", maps, err)
	}
	if len(maps[0].Rules) != 4 || end.Committed || end.Outcome != string(audit.Cancelled) {
		t.Errorf("vra-a's map has %d rule(s) (want 4, as it was), the save's end %+v (want cancelled)", len(maps[0].Rules), end)
	}
	// Said with its cause, not as esc.
	waitSession(t, ts, ts.operatorKey, "the stop's cause", "stopped before the commit (its key's role is now viewer)")
}

// TestServeDemotedMapSaveCommitted (trial 13d D1): alice's key loses its
// operator option once her sync-map save has sent its commit (held
// there): the save is not stopped (a stop could only cut the commit's
// answer). She and the pair's watchers are told it finishes; it ends ok,
// committed, and vra-a holds the saved map.
func TestServeDemotedMapSaveCommitted(t *testing.T) {
	committing, release := make(chan struct{}), make(chan struct{})
	var once, hookOnce sync.Once
	var ts *testServer
	ts = startServer(t, func(o *ServeOptions) {
		dir := t.TempDir()
		o.Console.AuditDir, o.Console.StateDir = filepath.Join(dir, "audit"), dir
		o.hook = func(id Identity, _ tea.Msg) {
			if id.Key != ts.operatorKey {
				return
			}
			hookOnce.Do(func() {
				ts.session(t, id.Key).model.maps.lineHook = func(kind pair.SyncLineKind, text string) {
					if kind == pair.SyncSent && strings.HasPrefix(text, "commit") {
						once.Do(func() {
							close(committing)
							<-release
						})
					}
				}
			})
		}
	})
	op := aliceAtMapSave(t, ts)
	alice := ts.operatorKey
	p := ts.o.Hub.Pairs()[0]
	sub, unsub := p.Subscribe(1 << 16)
	defer unsub()
	op.send("\x1b[C") // →
	op.send("\r")
	select {
	case <-committing:
	case <-time.After(90 * time.Second):
		t.Fatal("the save never reached its commit")
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	text := authorizedLine(ts.operator, "", "op@test") + authorizedLine(ts.viewer, "", "vw@test")
	if err := os.WriteFile(filepath.Join(ts.dir, "authorized_keys"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s := waitSession(t, ts, alice, "alice told", "read-only from now on; your sync-map save")
	if !strings.Contains(s, "read-only from now on; your sync-map save was committing on vra-a") {
		t.Errorf("alice's status after her demotion at the commit:\n%s", s)
	}
	close(release)
	released = true
	told := ""
	var end *pair.SyncSummary
	var endErr error
	deadline := time.After(90 * time.Second)
	for end == nil {
		select {
		case e := <-sub.C:
			switch {
			case e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "alice: "):
				told = e.Line
			case e.Kind == pair.SyncDone:
				end, endErr = e.Sync, e.Err
			}
		case <-deadline:
			t.Fatal("the save never ended")
		}
	}
	if !strings.HasPrefix(told, "alice: its key's role is now viewer: its sync-map save was committing: it finishes (session 1, key ") {
		t.Errorf("the watchers were told %q", told)
	}
	if !end.Committed || end.Outcome != string(audit.OK) || endErr != nil {
		t.Errorf("the save's end: %+v (%v), want ok", end, endErr)
	}
	maps, _, err := syncmap.FromConfig(ts.lab.vy.A.Device.Running())
	if err != nil || len(maps) != 1 || len(maps[0].Rules) != 3 {
		t.Fatalf("vra-a's sync-maps: %v %v", maps, err)
	}
	s = waitSession(t, ts, alice, "the save's outcome", "saved: vra-a's sync-map LAB-SYNC now has 3 rule(s) (re-read)")
	if strings.Contains(s, "stop") {
		t.Errorf("alice's screen says the save was stopped:\n%s", s)
	}
}

// TestServedRefreshNamed (trial 13d D7): a read another session asked for
// says who asked and why in every Log (r, a plan), not only "refreshed".
func TestServedRefreshNamed(t *testing.T) {
	ts := startServer(t, nil)
	op, vw := dialAliceBob(t, ts, 200, 36)
	alice, bob := ts.operatorKey, ts.viewerKeyFP
	op.send("\r")
	waitSession(t, ts, alice, "alice's pair view", "1 Diff")
	op.send("3")
	waitSession(t, ts, alice, "alice's Log", "refreshed")
	vw.send("\r")
	waitSession(t, ts, bob, "bob's pair view", "1 Diff")
	vw.send("r")
	waitSession(t, ts, alice, "bob's r in alice's Log", "refreshed  r by bob (session 2, key SHA256:", "): both devices read")
	vw.send("S")
	waitSession(t, ts, alice, "bob's plan in alice's Log", "refreshed  plan by bob (session 2, key SHA256:")
}
