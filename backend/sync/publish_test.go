package sync

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestSyncPublishedToSubscribers: a console watching the pair sees the
// live log of a sync another goroutine runs against the lab (contract 1):
// SyncStarted naming the holder and the direction, every line (typed
// commands with their plan step, the remote's lines, its error lines
// marked as such), SyncDone with the outcome; SyncHolder names the holder
// while the sync runs and nobody after.
func TestSyncPublishedToSubscribers(t *testing.T) {
	_, p := labPair(t, vyatta.PairOptions{Reject: [][]string{rejected}})
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sub, end := p.Subscribe(1 << 14)
	defer end()
	const holder = "carol@console (served)"
	var emitted []Event
	holderSeen := false
	done := make(chan error, 1)
	go func() {
		_, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Holder: holder, Emit: func(e Event) {
			if info, ok := p.SyncHolder(); ok && info.Holder == holder && !info.Since.IsZero() {
				holderSeen = true
			}
			emitted = append(emitted, e)
		}})
		done <- err
	}()
	var started, finished *pair.Event
	var lines []pair.Event
	for finished == nil {
		e, ok := <-sub.C
		if !ok {
			t.Fatal("subscription closed")
		}
		switch e.Kind {
		case pair.SyncStarted:
			started = &e
		case pair.SyncLine:
			lines = append(lines, e)
		case pair.SyncDone:
			finished = &e
		}
	}
	if err := <-done; !errors.Is(err, ErrRemoteRefused) {
		t.Fatalf("sync: %v", err)
	}
	if sub.Dropped() > 0 {
		t.Fatalf("%d events dropped", sub.Dropped())
	}
	if !holderSeen {
		t.Error("SyncHolder did not name the holder while the sync ran")
	}
	if info, ok := p.SyncHolder(); ok {
		t.Errorf("after the sync SyncHolder says %+v", info)
	}
	if started == nil || started.Holder != holder || started.Device != "vra-b" || started.Sync == nil ||
		started.Sync.Source != "vra-a" || started.Sync.Commands != len(prep.Plan.Commands) {
		t.Fatalf("started %+v", started)
	}
	if finished.Holder != holder || finished.Sync == nil || finished.Sync.Outcome != string(audit.Refused) ||
		finished.Sync.Committed || finished.Sync.Errors == 0 || !errors.Is(finished.Err, ErrRemoteRefused) && finished.Err == nil {
		t.Fatalf("done %+v %+v", finished, finished.Sync)
	}
	if len(lines) != len(emitted) {
		t.Fatalf("%d lines published, %d emitted", len(lines), len(emitted))
	}
	kinds := map[pair.SyncLineKind]int{}
	for i, l := range lines {
		e := emitted[i]
		if l.Holder != holder || l.Line != e.Line || l.LineKind != e.Kind || l.Step != e.Step || l.Device != e.Device {
			t.Fatalf("line %d published %+v, emitted %+v", i, l, e)
		}
		kinds[l.LineKind]++
		if l.LineKind == pair.SyncSent && l.Step >= 0 && l.Line != prep.Plan.Steps[l.Step].Shown {
			t.Errorf("step %d published as %q", l.Step, l.Line)
		}
	}
	if kinds[pair.SyncSent] < len(prep.Plan.Steps) || kinds[pair.SyncRemote] == 0 || kinds[pair.SyncInfo] == 0 || kinds[pair.SyncRemoteError] == 0 {
		t.Errorf("kinds %v", kinds)
	}
	errLines := func(l pair.Event) bool {
		return l.LineKind == pair.SyncRemoteError && strings.Contains(l.Line, "Commit failed")
	}
	if !slices.ContainsFunc(lines, errLines) {
		t.Errorf("`Commit failed` not published as a remote error")
	}
	for _, l := range lines {
		if l.LineKind == pair.SyncRemoteError {
			t.Logf("remote error line: %s", l.Line)
		}
	}
}
