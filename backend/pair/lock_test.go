package pair

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hasync/hasync/backend/inventory"
)

// TestLockInProcess: of many concurrent takers of one pair's lock exactly
// one gets it; the others are told who holds it and since when. After
// Unlock it can be taken again.
func TestLockInProcess(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []*Lock
	var refused []error
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := TryLock(dir, "lab", "alice@box (test)")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				refused = append(refused, err)
				return
			}
			got = append(got, l)
		}()
	}
	wg.Wait()
	if len(got) != 1 || len(refused) != 7 {
		t.Fatalf("%d holders, %d refused", len(got), len(refused))
	}
	for _, err := range refused {
		var le *LockedError
		if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.Info.Holder != "alice@box (test)" || le.Info.Since.IsZero() {
			t.Fatalf("refusal %v (%+v)", err, le)
		}
		if !strings.Contains(err.Error(), "held by alice@box (test) since ") {
			t.Fatalf("refusal text %q", err)
		}
	}
	if _, err := TryLock(dir, "other", "bob"); err != nil {
		t.Fatalf("another pair is locked too: %v", err)
	}
	if err := got[0].Unlock(); err != nil {
		t.Fatal(err)
	}
	l, err := TryLock(dir, "lab", "carol")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l.Unlock()
}

// TestLockHelperProcess is the other process of TestLockAcrossProcesses.
func TestLockHelperProcess(t *testing.T) {
	dir := os.Getenv("HASYNC_LOCK_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	_, err := TryLock(dir, "lab", "helper")
	if err == nil {
		os.Stdout.WriteString("LOCKED\n")
		return
	}
	os.Stdout.WriteString("REFUSED " + err.Error() + "\n")
}

// TestLockAcrossProcesses: a second process is refused the lock this one
// holds, with its holder's name, and gets it once it is released.
func TestLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	l, err := TryLock(dir, "lab", "alice@box (hasync sync, pid 1)")
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLockHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HASYNC_LOCK_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := run(); !strings.Contains(out, "REFUSED pair lab: a sync is running: held by alice@box (hasync sync, pid 1) since ") {
		t.Fatalf("second process: %s", out)
	}
	l.Unlock()
	if out := run(); !strings.Contains(out, "LOCKED") {
		t.Fatalf("after unlock: %s", out)
	}
}

// TestSyncHolder: LockSync records who holds the pair's sync lock for
// SyncHolder until Unlock; a second LockSync is told who; PublishSync
// passes only sync events to subscribers.
func TestSyncHolder(t *testing.T) {
	p := New(&inventory.Pair{Name: "lab", Devices: [2]*inventory.Device{{Name: "a"}, {Name: "b"}}}, Options{})
	defer p.Close()
	if _, ok := p.SyncHolder(); ok {
		t.Fatal("a holder before any sync")
	}
	dir := t.TempDir()
	l, err := p.LockSync(dir, "alice@box (test)")
	if err != nil {
		t.Fatal(err)
	}
	info, ok := p.SyncHolder()
	if !ok || info.Holder != "alice@box (test)" || info.Pair != "lab" || info.Since.IsZero() {
		t.Fatalf("holder %+v %v", info, ok)
	}
	var le *LockedError
	if _, err := p.LockSync(dir, "bob"); !errors.As(err, &le) || le.Info.Holder != "alice@box (test)" {
		t.Fatalf("second lock: %v", err)
	}
	if info2, _ := p.SyncHolder(); info2 != info {
		t.Fatalf("the refused taker replaced the holder: %+v", info2)
	}
	l.Unlock()
	if info, ok := p.SyncHolder(); ok {
		t.Fatalf("holder after unlock: %+v", info)
	}
	sub, end := p.Subscribe(8)
	defer end()
	p.PublishSync(Event{Kind: Refreshed})
	p.PublishSync(Event{Kind: SyncLine, Line: "commit", LineKind: SyncSent, Holder: "alice"})
	e := <-sub.C
	if e.Kind != SyncLine || e.Pair != "lab" || e.At.IsZero() || e.Line != "commit" || e.LineKind.String() != "sent" {
		t.Fatalf("published %+v", e)
	}
}

// TestLockWrite: a write that says what it is (LockWrite) is named so to
// whoever is refused the lock, in this process (Info.Write, SyncHolder)
// and in another (the lock file; trial 13c N4: a save was called "a
// sync").
func TestLockWrite(t *testing.T) {
	p := New(&inventory.Pair{Name: "lab", Devices: [2]*inventory.Device{{Name: "a"}, {Name: "b"}}}, Options{})
	defer p.Close()
	dir := t.TempDir()
	w := SyncSummary{Kind: KindMapSave, Target: "vra-a", Map: "LAB-SYNC", Commands: 2}
	l, err := p.LockWrite(dir, "alice (session 3)", &w)
	if err != nil {
		t.Fatal(err)
	}
	w.Map = "CHANGED" // the lock keeps its own copy
	if info, ok := p.SyncHolder(); !ok || info.Write == nil || info.Write.Kind != KindMapSave || info.Write.Map != "LAB-SYNC" {
		t.Fatalf("holder %+v %v", info, ok)
	}
	var le *LockedError
	if _, err := p.LockSync(dir, "bob"); !errors.As(err, &le) || le.Info.Write == nil || le.Info.Write.Map != "LAB-SYNC" {
		t.Fatalf("second lock: %v", err)
	}
	if want := "pair lab: a sync-map save LAB-SYNC on vra-a is running: held by alice (session 3) since "; !strings.HasPrefix(le.Error(), want) {
		t.Errorf("refusal %q, want it to begin %q", le.Error(), want)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLockHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HASYNC_LOCK_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if want := "REFUSED pair lab: a sync-map save LAB-SYNC on vra-a is running: held by alice (session 3) since "; !strings.Contains(string(out), want) {
		t.Errorf("another process: %s, want %q", out, want)
	}
	l.Unlock()
}
