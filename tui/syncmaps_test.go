package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestSyncMapEditFlow edits the Vyatta pair's sync-map over real SSH: a
// rule whose location is protected is refused inline, fixed, staged,
// saved after the exact commands were shown (Cancel focused first), and
// the device's map, re-read, is the edited one.
func TestSyncMapEditFlow(t *testing.T) {
	l := startLab(t)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitScreen(t, tm, "the Vyatta pair up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	keys(tm, "enter", "2")
	before, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil || len(before) != 1 {
		t.Fatalf("the lab's maps: %v %v", before, err)
	}
	waitScreen(t, tm, "the sync-map with counts", has("vra-a: sync-map LAB-SYNC, pushed to 10.0.0.2", "security firewall name MGMT-LOCAL", "a sync would carry"))

	keys(tm, "a")
	tm.Type("service https")
	waitScreen(t, tm, "the inline refusal", has("new rule", "✗ service https is never synced"))
	keys(tm, "enter") // refused: the form stays
	keys(tm, "ctrl+u")
	tm.Type("service snm")
	waitScreen(t, tm, "the completion", has("snmp"))
	keys(tm, "tab")
	waitScreen(t, tm, "completed and help", func(s string) bool {
		return !strings.Contains(s, "✗ service https") && strings.Contains(s, "service snmp") && strings.Contains(s, "node: Simple Network Management Protocol") &&
			strings.Contains(s, "Preview (with the rule being typed)")
	})
	keys(tm, "enter")
	waitScreen(t, tm, "the staged rule", has("1 staged edit(s)", "*10"))

	keys(tm, "w")
	waitScreen(t, tm, "the commands", has("Save sync-map LAB-SYNC on vra-a", "delete system config-sync sync-map LAB-SYNC", "set system config-sync sync-map LAB-SYNC rule 10 location 'service snmp'", "[ Cancel ]"))
	keys(tm, "enter") // Cancel is focused
	waitScreen(t, tm, "not saved", has("not saved: the edits stay staged"))
	keys(tm, "w", "right", "enter")
	waitScreen(t, tm, "saved and re-read", has("saved: vra-a's sync-map LAB-SYNC now has 5 rule(s) (re-read)"))

	maps, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil {
		t.Fatal(err)
	}
	var got *syncmap.Map
	for _, mp := range maps {
		if mp.Name == vyatta.SeedSyncMap {
			got = mp
		}
	}
	if got == nil || len(got.Rules) != 5 || got.Rules[4].Number != 10 || strings.Join(got.Rules[4].Location, " ") != "service snmp" {
		t.Fatalf("the device's map: %v", got)
	}
	keys(tm, "3")
	waitScreen(t, tm, "the save in the Log", has("sent", "commit"))
	keys(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Model)
	// The commands the question showed are the ones the device got.
	var sent []string
	for _, e := range fm.pairs[0].log.Entries() {
		text := strings.TrimPrefix(e.Text, "> ") // the Log shows a typed command as "> command"
		if e.Kind == "sent" && (strings.HasPrefix(text, "set ") || strings.HasPrefix(text, "delete ")) {
			sent = append(sent, text)
		}
	}
	want := syncmap.WriteCommands(before[0], got)
	if strings.Join(sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent:\n%s\nshown:\n%s", strings.Join(sent, "\n"), strings.Join(want, "\n"))
	}
}

// TestSyncMapSaveRefused: a rule the device refuses at commit (a
// location that is no configuration path: warned, not refused, by the
// editor) leaves the device's map as it was and the edits staged, with
// the device's error in the tab and pinned in the Log; then the map is
// fixed in $EDITOR (run through tea.ExecProcess) and saved.
func TestSyncMapSaveRefused(t *testing.T) {
	l := startLab(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "ed.sh")
	// The "editor" replaces the unknown location by a real one.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsed -i 's/security frobnicate/service snmp/' \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", script)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitScreen(t, tm, "the Vyatta pair up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	keys(tm, "enter", "2")
	waitScreen(t, tm, "the sync-map", has("vra-a: sync-map LAB-SYNC", "a sync would carry"))
	before, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil {
		t.Fatal(err)
	}
	keys(tm, "a")
	tm.Type("security frobnicate")
	waitScreen(t, tm, "the warning", has("! unknown path 'security frobnicate'"))
	keys(tm, "enter")
	waitScreen(t, tm, "staged", has("1 staged edit(s)", "*10"))
	keys(tm, "w", "right", "enter")
	waitScreen(t, tm, "the refusal", has("not saved: the edits stay staged", "is not a valid configuration path"))
	after, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil || len(after) != 1 || !after[0].Equal(before[0]) {
		t.Fatalf("the device's map changed after a refused commit: %v %v", after, err)
	}
	keys(tm, "3")
	// The pinned first error wraps in full: its words may span lines.
	waitScreen(t, tm, "the refusal pinned in the Log", func(s string) bool {
		return strings.Contains(strings.Join(strings.Fields(s), " "), "is not a valid configuration path")
	})
	keys(tm, "2")

	keys(tm, "e")
	waitScreen(t, tm, "the editor's rules staged", has("staged from the editor: 5 rule(s)", "service snmp"))
	keys(tm, "w", "right", "enter")
	waitScreen(t, tm, "saved", has("saved: vra-a's sync-map LAB-SYNC now has 5 rule(s) (re-read)"))
	keys(tm, "q")
	tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
	maps, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil || len(maps) != 1 || len(maps[0].Rules) != 5 || strings.Join(maps[0].Rules[4].Location, " ") != "service snmp" {
		t.Fatalf("the device's map: %v %v", maps, err)
	}
}

// TestSyncMapSaveStopped: esc while a save runs stops it; the tab then
// says what the device holds, re-read: the map as it was (the stop came
// before the commit) or the staged one (after it), never a guess.
func TestSyncMapSaveStopped(t *testing.T) {
	l := startLab(t)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitScreen(t, tm, "the Vyatta pair up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	keys(tm, "enter", "2")
	waitScreen(t, tm, "the sync-map", has("vra-a: sync-map LAB-SYNC", "a sync would carry"))
	before, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil {
		t.Fatal(err)
	}
	keys(tm, "d")
	waitScreen(t, tm, "staged", has("1 staged edit(s)"))
	slowWrites(t, m.pairs[0].p, l.vy.A.Faults, 200*time.Millisecond)
	keys(tm, "w", "right", "enter")
	waitScreen(t, tm, "typing the commands", has("applying…", "esc stops before the commit", "sent: delete system config-sync sync-map LAB-SYNC"))
	keys(tm, "esc")
	l.vy.A.Faults.SetDelay(0) // the re-read at full speed
	const (
		asItWas = "stopped before the commit (esc): vra-a's sync-map LAB-SYNC is as it was (re-read)"
		// After its commit was sent esc stops nothing (trial 13d D1):
		// the save ends saved, "the stop came after the commit" or not.
		after = "saved: vra-a's sync-map LAB-SYNC now has 3 rule(s) (re-read)"
	)
	s := waitScreen(t, tm, "the outcome, re-read", func(s string) bool { return strings.Contains(s, asItWas) || strings.Contains(s, after) })
	now, _, err := syncmap.FromConfig(l.vy.A.Device.Running())
	if err != nil || len(now) != 1 {
		t.Fatalf("the device's maps: %v %v", now, err)
	}
	switch {
	case strings.Contains(s, asItWas):
		t.Log("the stop came before the commit")
		if !now[0].Equal(before[0]) || !strings.Contains(s, "1 staged edit(s)") {
			t.Fatalf("said as it was, but the device holds %v (or the edits are gone)", now[0])
		}
		// q is held once for the staged edit.
		keys(tm, "q")
		waitScreen(t, tm, "q held", has("staged sync-map edits not saved (vra-a's LAB-SYNC): q again quits"))
	default:
		t.Log("the stop came after the commit")
		if len(now[0].Rules) != 3 || strings.Contains(s, "staged edit(s)") {
			t.Fatalf("said saved, but the device holds %v (or edits stay staged)", now[0])
		}
	}
	keys(tm, "q")
	tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestSyncMapSaveTakesLock: a sync-map save writes to the pair as a sync
// does, so it takes the pair's lock: with the lock held elsewhere (here
// a holder taking it after the save question opened, as another process
// running hasync sync would), Apply is refused naming the holder and the
// device's map is unchanged; once the lock is free the save goes through
// and the pair names the console as holder while it runs.
func TestSyncMapSaveTakesLock(t *testing.T) {
	l := startLab(t)
	o, m, tm := startSyncConsole(t, l, 120, 40)
	keys(tm, "enter", "2")
	waitScreen(t, tm, "the sync-map", has("vra-a: sync-map LAB-SYNC", "a sync would carry"))
	before := l.vy.A.Device.Running()
	keys(tm, "d")
	waitScreen(t, tm, "the staged delete", has("1 staged edit(s)"))
	keys(tm, "w")
	waitScreen(t, tm, "the commands", has("Save sync-map LAB-SYNC on vra-a", "[ Cancel ]"))

	other, err := pair.TryLock(filepath.Join(o.StateDir, "locks"), "lab-vyatta", "bob@jump (hasync sync, pid 1)")
	if err != nil {
		t.Fatal(err)
	}
	keys(tm, "right", "enter")
	waitScreen(t, tm, "refused by the lock", has("bob@jump (hasync sync, pid 1)"))
	if !config.Equal(before.Root, l.vy.A.Device.Running().Root) {
		t.Fatal("vra-a changed although the pair's lock was held")
	}
	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	keys(tm, "w", "right", "enter")
	waitScreen(t, tm, "saved and re-read", has("saved: vra-a's sync-map LAB-SYNC now has 3 rule(s) (re-read)"))
	if _, held := m.pairs[0].p.SyncHolder(); held {
		t.Error("the pair's lock is still held after the save")
	}
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// slowWrites slows a lab device by d per line once a sync-map save of p
// has checked the map (that check reads the whole configuration) and
// begins to write: a test then watches the writes, not the read.
func slowWrites(t *testing.T, p *pair.Pair, f *lab.Faults, d time.Duration) {
	t.Helper()
	sub, stop := p.Subscribe(1 << 12)
	t.Cleanup(stop)
	go func() {
		for e := range sub.C {
			if e.Kind == pair.SyncLine && strings.HasPrefix(e.Line, "writing sync-map ") {
				f.SetDelay(d)
				return
			}
		}
	}()
}

// TestSyncMapSaveSmall (trial 13d D5): at 40x12 the save's question still
// shows the buttons and a command, says how many more lines there are
// and scrolls them (j, pgdn), so the save is never confirmed blind.
func TestSyncMapSaveSmall(t *testing.T) {
	l := startLab(t)
	m := New(context.Background(), l.options())
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(40, 12))
	waitScreen(t, tm, "the Vyatta pair up", has("✓ vra-a  ✓ vra-b  4"))
	keys(tm, "enter", "2")
	waitScreen(t, tm, "the sync-map", has("LAB-SYNC"))
	keys(tm, "d")
	waitScreen(t, tm, "staged", has("1 staged"))
	keys(tm, "w")
	s := waitScreen(t, tm, "the question", has("Save sync-map LAB-SYNC"))
	for _, want := range []string{"[ Cancel ]", "Apply", "⚠ vra-a pushes each commit", "and ", "more (j/k)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the question at 40x12 lacks %q:\n%s", want, s)
		}
	}
	// The commands are below the warning: j and pgdn reach them, and
	// the last one, the commit.
	keys(tm, "j")
	waitScreen(t, tm, "scrolled by j", has("1 above,"))
	keys(tm, "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	s = waitScreen(t, tm, "the commit", has("commit comment", "0 below (j/k)"))
	if !strings.Contains(s, "[ Cancel ]") {
		t.Errorf("the buttons are gone once scrolled:\n%s", s)
	}
	keys(tm, "right", "enter")
	waitScreen(t, tm, "saved", has("3 rule(s) (re-read)"))
	keys(tm, "q")
	tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
}
