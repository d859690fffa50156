package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
)

// TestRunBannerPastCommit: once past its commit the banner says what the
// sync does (re-reading, waiting for the target to settle), not
// "committing" for the whole wait; hrp sync config is not called a
// commit (trial 15 T4, C1).
func TestRunBannerPastCommit(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	rt := m.pairs[0]
	run := &syncRun{prep: prepFor(t, 1)}
	rt.run = run
	if b := m.runBanner(rt); !strings.Contains(b, "running · esc cancels before the commit") {
		t.Errorf("before the commit: %q", b)
	}
	run.saw(hsync.Event{Kind: hsync.Sent, Device: "b", Line: "commit", Commit: true})
	if b := m.runBanner(rt); !strings.HasSuffix(b, "committing (whole or not at all)") {
		t.Errorf("at the commit: %q", b)
	}
	settle := "b reads unchanged, but the commit that was sent runs to its end on the device: reading it again until it changes (up to 30s)"
	run.saw(hsync.Event{Kind: hsync.Info, Line: settle})
	if b := m.runBanner(rt); strings.Contains(b, "committing") || !strings.HasSuffix(b, "past the commit: "+settle) {
		t.Errorf("during the settle wait: %q", b)
	}
	if s := m.syncProgress(); s != "p: sync past its commit, 0 lines" {
		t.Errorf("the status line during the settle wait: %q", s)
	}

	hrp := prepFor(t, 0)
	hrp.Family, hrp.Native, hrp.Plan.Mode, hrp.Source, hrp.Target = config.Huawei, true, plan.HRP, "FW-A", "FW-B"
	run = &syncRun{prep: hrp}
	rt.run = run
	run.saw(hsync.Event{Kind: hsync.Info, Line: "hrp sync config on FW-A", Commit: true})
	if b := m.runBanner(rt); strings.Contains(b, "committing") || !strings.HasSuffix(b, "hrp sync config on FW-A (it cannot be cancelled now)") {
		t.Errorf("during hrp sync config: %q", b)
	}
	if s := m.syncProgress(); s != "p: sync running hrp sync config, 0 lines" {
		t.Errorf("the status line during hrp sync config: %q", s)
	}
	run.saw(hsync.Event{Kind: hsync.Info, Line: "re-reading FW-A and FW-B again (round 2): 19 difference(s) the plan did not expect remain while FW-B settles"})
	if b := m.runBanner(rt); !strings.HasSuffix(b, "past the commit: re-reading FW-A and FW-B again (round 2): 19 difference(s) the plan did not expect remain while FW-B settles") {
		t.Errorf("while FW-B settles: %q", b)
	}
}

// TestSyncReadsNotLogged: while a sync runs, the pair's reads (one per
// settle round, ~90 in 30 s) add no "refreshed" line each to the Log:
// the sync's own progress lines say them (trial 15 T4). Once it ended,
// a read is logged again.
func TestSyncReadsNotLogged(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	rt := m.pairs[0]
	rt.run = &syncRun{prep: prepFor(t, 1)}
	before := rt.log.Len()
	var evs []pair.Event
	for range 90 {
		evs = append(evs, pair.Event{Kind: pair.Refreshed, Pair: "p", At: time.Now()})
	}
	m.Update(eventsMsg{idx: 0, events: evs})
	if n := rt.log.Len() - before; n != 0 {
		t.Errorf("%d refreshed line(s) logged during the sync", n)
	}
	rt.run = nil
	m.Update(eventsMsg{idx: 0, events: evs[:1]})
	if n := rt.log.Len() - before; n != 1 {
		t.Errorf("%d line(s) for a read after the sync, want 1", n)
	}
}

// TestSyncDoneCommitUnseen: a commit whose answer was cut, the target
// still read unchanged when --settle passed (hsync.Result.CommitUnseen):
// the outcome is unknown, as the CLI says it, not "unchanged (re-read)",
// which invites a second sync of what may yet apply (review 15).
func TestSyncDoneCommitUnseen(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	rt := m.pairs[0]
	prep := prepFor(t, 1)
	rt.run = &syncRun{prep: prep, start: time.Now()}
	err := fmt.Errorf("b: apply: b: commit: %w", device.ErrConnectionLost)
	m.syncDone(0, &syncOutcome{res: &hsync.Result{Prepared: prep, TargetUnchanged: true, CommitUnseen: true}, err: err, unchanged: 1})
	if strings.Contains(m.notice, "unchanged (re-read)") || !strings.Contains(m.notice, "outcome unknown: the commit was sent to b, its answer was cut, and b still read unchanged when the settle wait ended; it may yet apply") {
		t.Errorf("the outcome: %q", m.notice)
	}
}
