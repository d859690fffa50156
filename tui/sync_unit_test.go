package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/backend/syncmap"
)

// prepFor is a prepared sync from a to b with deletes delete steps and
// one set, over two small trees.
func prepFor(t *testing.T, deletes int) *hsync.Prepared {
	t.Helper()
	a, err := config.Parse("a", []byte("set system host-name a\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.Parse("b", []byte("set system host-name b\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := compare.New(a, b, &syncmap.Map{Name: "M", Family: config.Vyatta}, "M", diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Family: config.Vyatta, Mode: plan.Push}
	for i := range deletes {
		c := fmt.Sprintf("delete resources group address-group G%d", i)
		p.Commands = append(p.Commands, c)
		p.Steps = append(p.Steps, plan.Step{Command: c, Shown: c, Verb: "delete"})
	}
	p.Commands = append(p.Commands, "set system login banner pre-login 'x'")
	p.Steps = append(p.Steps, plan.Step{Command: p.Commands[len(p.Commands)-1], Shown: p.Commands[len(p.Commands)-1], Verb: "set"})
	return &hsync.Prepared{Pair: "p", Family: config.Vyatta, Source: "a", Target: "b", Plan: p, Comparison: cmp}
}

// rtWithRole is a pair whose device b last read in role r.
func rtWithRole(r device.Role) *pairRT {
	snap := &pair.Snapshot{Pair: "p", Family: config.Vyatta}
	snap.Devices[0] = pair.DeviceState{Name: "a", Reachable: true}
	snap.Devices[1] = pair.DeviceState{Name: "b", Reachable: true, HA: device.HAState{Role: r}}
	return &pairRT{sum: summary{snap: snap}}
}

// TestPlanConfirmation: Apply asks to type the target's name when the
// target is the active member or the plan deletes manyDeletes or more;
// read-only and a schema refusal disable Apply with their reason (and ask
// nothing); an empty plan has nothing to apply.
func TestPlanConfirmation(t *testing.T) {
	tests := []struct {
		name         string
		role         device.Role
		deletes      int
		readOnly     string
		err          error
		wantName     bool
		wantDisabled string
	}{
		{"standby, few deletes", device.RoleStandby, 2, "", nil, false, ""},
		{"standby, many deletes", device.RoleStandby, manyDeletes, "", nil, true, ""},
		{"active target", device.RoleActive, 0, "", nil, true, ""},
		{"read-only", device.RoleActive, manyDeletes, "read-only: your key's role is viewer", nil, false, "read-only: your key's role is viewer"},
		{"schema refusal", device.RoleStandby, 1, "", &plan.RefusedError{Refusals: []plan.Refusal{{Shown: "set x", Reason: "no node x"}}}, false, "the schema refuses 1 command(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prep := prepFor(t, tt.deletes)
			pp := &planPanel{kind: syncPush, prep: prep, outside: outOfScope(prep), err: tt.err}
			lines, label, disabled, needName, why := planLines(rtWithRole(tt.role), pp, tt.readOnly, "→")
			if (needName != "") != tt.wantName || tt.wantName && (needName != "b" || why == "") {
				t.Errorf("needName %q (%s), want asked: %v", needName, why, tt.wantName)
			}
			if !strings.HasPrefix(disabled, tt.wantDisabled) || (tt.wantDisabled == "") != (disabled == "") {
				t.Errorf("disabled %q, want %q", disabled, tt.wantDisabled)
			}
			if label != fmt.Sprintf("Apply %d to b", tt.deletes+1) {
				t.Errorf("label %q", label)
			}
			var text []string
			for _, l := range lines {
				text = append(text, l.Text)
			}
			all := strings.Join(text, "\n")
			if !strings.Contains(all, "a → b · map M") || !strings.Contains(all, fmt.Sprintf("%d delete", tt.deletes)) {
				t.Errorf("the plan's head:\n%s", all)
			}
			if tt.err != nil && !strings.Contains(all, "Refused by the schema") {
				t.Errorf("the refusal is not listed:\n%s", all)
			}
			if !strings.Contains(all, "system host-name: no rule of the map covers it") {
				t.Errorf("what the map leaves out is not listed:\n%s", all)
			}
		})
	}
}

// TestSyncingKeys: while a sync runs, q does not quit (it says how to
// stop the sync) and esc cancels it; once the commit is typed, esc says
// it cannot be cancelled and leaves the context alone.
func TestSyncingKeys(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(press("enter"))
	rt := m.pairs[0]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := &syncRun{id: 1, prep: prepFor(t, 1), cancel: cancel, ch: make(chan syncItem, 1)}
	rt.run = run
	if _, cmd := m.Update(press("q")); m.quitting || cmd == nil {
		t.Fatal("q quit while a sync runs")
	}
	if !strings.Contains(m.notice, "a sync is running") {
		t.Errorf("q's notice: %q", m.notice)
	}
	run.committing = true
	m.Update(press("esc"))
	if ctx.Err() != nil || run.cancelled {
		t.Fatal("esc cancelled a sync whose commit was typed")
	}
	if !strings.Contains(m.notice, "cannot be cancelled now") {
		t.Errorf("esc's notice after the commit: %q", m.notice)
	}
	run.committing = false
	m.Update(press("esc"))
	if ctx.Err() == nil || !run.cancelled {
		t.Error("esc before the commit did not cancel the sync")
	}
	if m.screen != ScreenPair {
		t.Error("esc while syncing left the pair view")
	}
}

// TestOthersWritesNamed: another session's write is named by its kind in
// the Log, the banner and the lock's notice: a rollback ends as
// "rollback by X ended: ok", a map save as "sync-map save by X ...", and
// S during a map save says who saves which map (not "sync ... ended").
func TestOthersWritesNamed(t *testing.T) {
	spec := &inventory.Pair{Name: "p", Family: config.Vyatta, Devices: [2]*inventory.Device{
		{Name: "a", Family: config.Vyatta, Address: "192.0.2.1"}, {Name: "b", Family: config.Vyatta, Address: "192.0.2.2"}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}})
	t.Cleanup(m.Close)
	const alice = "alice (session 3, key SHA256:abc)"
	since := time.Date(2026, 11, 30, 10, 2, 11, 0, time.Local)
	for _, c := range []struct {
		sum                   pair.SyncSummary
		started, done, banner string
		locked                string
	}{
		{pair.SyncSummary{Kind: pair.KindRollback, Source: "a", Target: "b", Commands: 2},
			"rollback a → b (2 command(s)) by " + alice, "rollback by " + alice + " ended: ok",
			"rollback a → b ended: ok · 0 line(s) · by " + alice, "p: alice is rolling back b since 10:02:11 (session 3, key SHA256:abc)"},
		{pair.SyncSummary{Kind: pair.KindMapSave, Target: "a", Map: "LAB-SYNC", Commands: 3},
			"sync-map save LAB-SYNC on a (3 command(s)) by " + alice, "sync-map save by " + alice + " ended: ok",
			"sync-map save LAB-SYNC on a ended: ok · 0 line(s) · by " + alice, "p: alice is saving sync-map LAB-SYNC on a since 10:02:11 (session 3, key SHA256:abc)"},
		{pair.SyncSummary{Kind: pair.KindSave, Source: "a", Target: "b"},
			"save of a and b (0 command(s)) by " + alice, "save by " + alice + " ended: ok",
			"save of a and b ended: ok · 0 line(s) · by " + alice, "p: alice is saving the running configurations of a and b since 10:02:11 (session 3, key SHA256:abc)"},
	} {
		sum := c.sum
		if le := m.syncEvent(0, pair.Event{Kind: pair.SyncStarted, Holder: alice, Sync: &sum}); le.Text != c.started {
			t.Errorf("started: %q, want %q", le.Text, c.started)
		}
		if got := lockedText(m.pairs[0], pair.LockInfo{Holder: alice, Since: since}, "→"); got != c.locked {
			t.Errorf("locked: %q, want %q", got, c.locked)
		}
		end := c.sum
		end.Outcome = "ok"
		if le := m.syncEvent(0, pair.Event{Kind: pair.SyncDone, Holder: alice, Sync: &end}); le.Text != c.done {
			t.Errorf("done: %q, want %q", le.Text, c.done)
		}
		if got := m.streamBanner(m.pairs[0].stream, "ended: ok"); got != c.banner {
			t.Errorf("banner: %q, want %q", got, c.banner)
		}
	}
}

// TestSyncLockRefusalNamedOnce (trial 13d D7): a sync refused at the
// pair's lock (another's Apply took it first) names the pair once in the
// status, and its Log line is no device's and no error.
func TestSyncLockRefusalNamedOnce(t *testing.T) {
	m := offlineModel(t)
	rt := m.pairs[0]
	rt.run = &syncRun{id: 1, prep: prepFor(t, 1), start: time.Now()}
	rt.startSync(nil)
	since := time.Date(2026, 11, 30, 10, 2, 11, 0, time.Local)
	info := pair.LockInfo{Holder: "alice (session 3, key SHA256:abc)", Since: since,
		Write: &pair.SyncSummary{Kind: pair.KindNative, Source: "a", Target: "b", Commands: 1}}
	m.syncDone(0, &syncOutcome{err: fmt.Errorf("pair p: %w", &pair.LockedError{Info: info}), unchanged: -1})
	const want = "not applied: p: alice is running a native sync a → b since 10:02:11 (session 3, key SHA256:abc)"
	if m.notice != want {
		t.Errorf("status %q, want %q", m.notice, want)
	}
	es := rt.log.Entries()
	if len(es) == 0 {
		t.Fatal("no Log line")
	}
	if l := es[len(es)-1]; l.Device != "" || l.Text != want || l.Err {
		t.Errorf("Log line %+v, want no device's and no error: %q", l, want)
	}
	if rt.log.Errors() != 0 {
		t.Errorf("%d error(s) in the Log", rt.log.Errors())
	}
}
