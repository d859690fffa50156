package tui

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/views"
)

// ctrl is a ctrl+letter key press.
func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// testMapsPane is the Sync-maps tab over the demo's seeded Vyatta pair
// (no device: the save is the lab flow's), with its checks run.
func testMapsPane(t testing.TB, readOnly bool) (*syncMapsPane, *pairRT) {
	return testMapsPaneN(t, 0, readOnly)
}

// testMapsPaneN is testMapsPane over a seed of about lines lines each.
func testMapsPaneN(t testing.TB, lines int, readOnly bool) (*syncMapsPane, *pairRT) {
	t.Helper()
	a, b, err := vyatta.SeedPair(lines)
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := compare.Live(compare.Member{Name: "vra-a", Tree: a}, compare.Member{Name: "vra-b", Tree: b}, compare.LiveSpec{}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := &pair.Snapshot{Pair: "lab-vyatta", Family: config.Vyatta, At: time.Now(), Compare: cmp,
		Devices: [2]pair.DeviceState{{Name: "vra-a", Tree: a, Reachable: true}, {Name: "vra-b", Tree: b, Reachable: true}}}
	spec := &inventory.Pair{Name: "lab-vyatta", Family: config.Vyatta,
		Devices: [2]*inventory.Device{{Name: "vra-a", Family: config.Vyatta}, {Name: "vra-b", Family: config.Vyatta}}}
	rt := &pairRT{spec: spec, sum: summarize(snap), log: views.NewLog()}
	com := &Common{Ctx: context.Background(), Width: 120, Height: 40, Log: slog.New(slog.DiscardHandler), ReadOnly: readOnly}
	com.NoColor = true
	com.restyle()
	p := newSyncMapsPane(com)
	run(t, p, p.setPair(0, rt))
	return p, rt
}

// run delivers the results of the tab's own commands (checks, editor
// files) to it; other commands (the inputs' blink) are not run.
func run(t testing.TB, p *syncMapsPane, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a command of the tab does not return")
	}
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			run(t, p, c)
		}
		return
	}
	if next, ok := p.handle(msg); ok {
		run(t, p, next)
	}
}

func (p *syncMapsPane) screen() string { return ansi.Strip(p.Render(120, 35)) }

func rules(p *syncMapsPane) string {
	var out []string
	for _, r := range p.cur().cur.Rules {
		out = append(out, strings.TrimSpace(r.Action.String()+" "+strings.Join(r.Location, " ")))
	}
	return strings.Join(out, ", ")
}

func TestSyncMapsReorderUndoRenumber(t *testing.T) {
	p, _ := testMapsPane(t, false)
	const asRead = "include security firewall, include resources group, include service nat, exclude security firewall name MGMT-LOCAL"
	if got := rules(p); got != asRead {
		t.Fatalf("as read: %s", got)
	}
	key := func(k tea.KeyPressMsg) { p.Update(k) }
	key(press("j"))
	key(ctrl('j')) // resources group moves down, numbers stay
	if got := rules(p); got != "include security firewall, include service nat, include resources group, exclude security firewall name MGMT-LOCAL" || p.cur().cursor != 2 {
		t.Fatalf("ctrl+j: %s (cursor %d)", got, p.cur().cursor)
	}
	if n := p.cur().cur.Rules[2].Number; n != 3 {
		t.Errorf("numbers moved: %d", n)
	}
	key(ctrl('k'))
	key(ctrl('k'))
	if got := rules(p); !strings.HasPrefix(got, "include resources group, include security firewall") || p.cur().cursor != 0 {
		t.Fatalf("ctrl+k: %s", got)
	}
	key(press("t"))
	key(press("n"))
	if p.cur().cur.Rules[3].Number != 40 || p.cur().cur.Rules[0].Action.String() != "exclude" {
		t.Errorf("toggle, renumber: %+v", p.cur().cur.Rules)
	}
	run(t, p, p.check(p.cur()))
	if s := p.screen(); !strings.Contains(s, "5 staged edit(s)") || !strings.Contains(s, "*10") {
		t.Errorf("staged:\n%s", s)
	}
	for range 5 {
		key(press("u"))
	}
	if got := rules(p); got != asRead || !p.cur().cur.Equal(p.cur().read) {
		t.Fatalf("undo: %s", got)
	}
	key(press("u"))
	if s := p.screen(); !strings.Contains(s, "nothing to undo") {
		t.Errorf("undo past the start:\n%s", s)
	}
	// Inside the form, ctrl+k keeps its editing meaning.
	key(press("a"))
	for _, r := range "service ssh" {
		key(press(string(r)))
	}
	for range 3 {
		key(tea.KeyPressMsg{Code: tea.KeyLeft})
	}
	key(ctrl('k'))
	if v := p.form.location.Value(); v != "service " {
		t.Errorf("ctrl+k in the location: %q", v)
	}
	if got := rules(p); got != asRead {
		t.Errorf("ctrl+k in the form moved a rule: %s", got)
	}
}

func TestSyncMapsFormErrors(t *testing.T) {
	p, _ := testMapsPane(t, false)
	key := func(k tea.KeyPressMsg) { p.Update(k) }
	typ := func(s string) {
		for _, r := range s {
			key(press(string(r)))
		}
	}
	key(press("a"))
	if !p.Capturing() {
		t.Fatal("the form does not capture")
	}
	typ("system config-sync")
	s := p.screen()
	if !strings.Contains(s, "✗ system config-sync is never synced: it holds the sync's own remote") {
		t.Errorf("protected path:\n%s", s)
	}
	key(press("enter"))
	if p.form == nil {
		t.Fatal("a refused rule was staged")
	}
	// The number: a duplicate, then outside 1-1024.
	key(ctrl('u'))
	typ("service nat")
	key(press("shift+tab"))
	key(press("shift+tab"))
	key(ctrl('u'))
	typ("3")
	if s := p.screen(); !strings.Contains(s, "✗ rule 3 is used twice") {
		t.Errorf("duplicate:\n%s", s)
	}
	typ("000")
	if s := p.screen(); !strings.Contains(s, "✗ rule 3000 is outside 1-1024") {
		t.Errorf("range:\n%s", s)
	}
	key(ctrl('u'))
	typ("7")
	// The location: unknown, then completed with its help.
	key(press("tab"))
	key(press("tab"))
	key(ctrl('u'))
	typ("frobnicate")
	if s := p.screen(); !strings.Contains(s, "! unknown path 'frobnicate'") {
		t.Errorf("unknown path:\n%s", s)
	}
	key(ctrl('u'))
	typ("system host")
	s = p.screen()
	if !strings.Contains(s, "host-name") {
		t.Errorf("completion:\n%s", s)
	}
	key(press("tab"))
	if v := p.form.location.Value(); v != "system host-name " {
		t.Errorf("tab completes: %q", v)
	}
	if s := p.screen(); !strings.Contains(s, "leaf: System host name") {
		t.Errorf("help:\n%s", s)
	}
	key(press("enter"))
	if p.form != nil {
		t.Fatal("a good rule was not staged")
	}
	run(t, p, p.check(p.cur()))
	s = p.screen()
	if !strings.Contains(s, "*7") || !strings.Contains(s, "! system host-name: the host name is unique to each device") {
		t.Errorf("staged with its warning:\n%s", s)
	}
	// A warned rule may be saved: the question shows the commands.
	key(press("w"))
	if p.conf == nil || p.conf.Apply || !strings.Contains(strings.Join(p.conf.Commands, "\n"), "rule 7 location 'system host-name'") {
		t.Fatalf("save question: %+v", p.conf)
	}
	key(press("esc"))
	if p.conf != nil || !strings.Contains(p.screen(), "not saved: the edits stay staged") {
		t.Error("esc did not cancel")
	}
}

func TestSyncMapsReadOnly(t *testing.T) {
	p, _ := testMapsPane(t, true)
	p.Update(press("d"))
	if s := p.screen(); !strings.Contains(s, "read-only: started with --read-only") || len(p.cur().undo) != 0 {
		t.Errorf("read-only:\n%s", s)
	}
	p.com.ReadOnly = false
	p.com.Served = Identity{User: "alice", Key: "SHA256:x"}
	p.Update(press("e"))
	if s := p.screen(); !strings.Contains(s, "e is not offered to a served console") {
		t.Errorf("served e:\n%s", s)
	}
	for _, b := range append(p.ShortHelp(), p.FullHelp()...) {
		if b.Help().Key == "e" {
			t.Errorf("a served session's help offers e (%s)", b.Help().Desc)
		}
	}
	p.com.ReadOnly = true
	p.com.ReadOnlyReason = "your key's role is viewer"
	p.Update(press("w"))
	if s := p.screen(); !strings.Contains(s, "your key's role is viewer") || p.conf != nil {
		t.Errorf("reason:\n%s", s)
	}
}

// TestSyncMapsEditorBuffer: $EDITOR gets the map as text; a buffer that
// does not apply is kept in its file, named, and reopened by the next e;
// a good one is staged and its file removed.
func TestSyncMapsEditorBuffer(t *testing.T) {
	p, _ := testMapsPane(t, false)
	dir := t.TempDir()
	script := filepath.Join(dir, "ed.sh")
	// The "editor" appends what the test puts in $HASYNC_TEST_LINE.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$HASYNC_TEST_LINE\" >> \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", script)
	t.Setenv("TMPDIR", dir)
	em := p.cur()
	edit := func(line string) {
		t.Helper()
		t.Setenv("HASYNC_TEST_LINE", line)
		msg := p.openEditor(em)()
		fm, ok := msg.(editorFileMsg)
		if !ok || fm.err != nil {
			t.Fatalf("editor file: %#v", msg)
		}
		// What tea.ExecProcess runs, run here (no terminal).
		args := append(editor(), fm.path)
		if out, err := execCommand(args); err != nil {
			t.Fatalf("editor: %v %s", err, out)
		}
		b, err := os.ReadFile(fm.path)
		run(t, p, p.applyBuffer(em, editorDoneMsg{pair: 0, key: em.key, path: fm.path, text: string(b), err: err}))
	}
	edit("30 include service https")
	s := p.screen()
	kept := em.editorFile
	if kept == "" || !strings.Contains(s, "the buffer did not apply: rule 30: service https is never synced") || !strings.Contains(s, "e reopens it") {
		t.Fatalf("bad buffer:\n%s", s)
	}
	if b, err := os.ReadFile(kept); err != nil || !strings.Contains(string(b), "30 include service https") {
		t.Fatalf("the kept buffer: %v %q", err, b)
	}
	// The next e reopens the kept buffer; the fix is appended after it
	// (the same number twice: still refused), then the line is fixed.
	edit("31 include service snmp")
	if em.editorFile != kept {
		t.Fatalf("not reopened: %q, kept %q", em.editorFile, kept)
	}
	b, _ := os.ReadFile(kept)
	fixed := strings.Replace(string(b), "30 include service https", "", 1)
	if err := os.WriteFile(kept, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	edit("")
	if em.editorFile != "" || !strings.Contains(rules(p), "include service snmp") {
		t.Fatalf("good buffer not staged: %s\n%s", rules(p), p.screen())
	}
	if _, err := os.Stat(kept); !os.IsNotExist(err) {
		t.Errorf("the applied buffer's file stays: %v", err)
	}
}

func execCommand(args []string) ([]byte, error) {
	return exec.Command(args[0], args[1:]...).CombinedOutput()
}

// TestSyncMapsSeveralMaps: h and l walk the maps the devices carry; each
// keeps its own staged edits.
func TestSyncMapsSeveralMaps(t *testing.T) {
	p, rt := testMapsPane(t, false)
	second := rt.sum.maps[0][0].Clone()
	second.Name = "SECOND"
	second.Rules = second.Rules[:1]
	rt.sum.maps[1] = append(rt.sum.maps[1], second)
	run(t, p, p.setPair(0, rt))
	if s := p.screen(); !strings.Contains(s, "vra-a: sync-map LAB-SYNC") || !strings.Contains(s, "map 1/2 (h/l)") {
		t.Fatalf("first map:\n%s", s)
	}
	p.Update(press("d"))
	p.Update(press("l"))
	if s := p.screen(); !strings.Contains(s, "vra-b: sync-map SECOND") || !strings.Contains(s, "map 2/2") || strings.Contains(s, "staged edit(s)") {
		t.Fatalf("second map:\n%s", s)
	}
	p.Update(press("h"))
	if len(p.cur().undo) != 1 || len(p.cur().cur.Rules) != 3 {
		t.Errorf("the first map lost its staged delete: %+v", p.cur().cur.Rules)
	}
	// A re-read keeps the staged edits.
	run(t, p, p.setPair(0, rt))
	if len(p.cur().undo) != 1 || len(p.cur().cur.Rules) != 3 {
		t.Errorf("a re-read dropped the staged edits: %+v", p.cur().cur.Rules)
	}
}

// BenchmarkSyncMapsFormKey is one key typed into the location of the
// rule form (inline check, completion, help: in Update) and the frame,
// on a pair of 100k-line configurations.
func BenchmarkSyncMapsFormKey(b *testing.B) {
	p, _ := testMapsPaneN(b, 100_000, false)
	p.Update(press("a"))
	for _, r := range "security firewall name " {
		p.Update(press(string(r)))
	}
	x, bs := press("C"), tea.KeyPressMsg{Code: tea.KeyBackspace}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			p.Update(x)
		} else {
			p.Update(bs)
		}
		i++
		_ = p.Render(200, 45)
	}
}

// BenchmarkSyncMapsPreview is the preview's command (check, counts,
// coverage, two comparisons) on a pair of 100k-line configurations.
func BenchmarkSyncMapsPreview(b *testing.B) {
	p, _ := testMapsPaneN(b, 100_000, false)
	em := p.cur()
	b.ReportAllocs()
	for b.Loop() {
		p.check(em)()
	}
}

// TestSyncMapsDraftPreview: the preview follows the rule being typed
// (after previewDelay, off the UI goroutine), and esc brings back the
// staged map's.
func TestSyncMapsDraftPreview(t *testing.T) {
	p, _ := testMapsPane(t, false)
	em := p.cur()
	staged := em.prev.InScope
	p.Update(press("a"))
	var cmd tea.Cmd
	for _, r := range "interfaces" {
		cmd = p.Update(press(string(r)))
	}
	run(t, p, cmd)
	if !em.prev.Draft || em.prev.InScope <= staged {
		t.Fatalf("draft preview: draft %v, %d differences (staged map: %d)", em.prev.Draft, em.prev.InScope, staged)
	}
	if s := p.screen(); !strings.Contains(s, "Preview (with the rule being typed)") {
		t.Errorf("draft preview title:\n%s", s)
	}
	// Device-unique items are warned while typing, with the preview.
	if s := p.screen(); !strings.Contains(s, "an interface address is unique") || p.form == nil {
		t.Errorf("device-unique warning while typing:\n%s", s)
	}
	run(t, p, p.Update(press("esc")))
	if em.prev.Draft || em.prev.InScope != staged {
		t.Errorf("after esc: draft %v, %d differences, want %d", em.prev.Draft, em.prev.InScope, staged)
	}
}

// TestSyncMapsHoldQuit: q is held once while a map has staged edits;
// ctrl+c, and a second q, quit.
func TestSyncMapsHoldQuit(t *testing.T) {
	p, _ := testMapsPane(t, false)
	if _, hold := p.holdQuit(true); hold {
		t.Fatal("held with nothing staged")
	}
	p.Update(press("d"))
	if _, hold := p.holdQuit(false); hold {
		t.Error("ctrl+c held")
	}
	why, hold := p.holdQuit(true)
	if !hold || !strings.Contains(why, "vra-a's LAB-SYNC") {
		t.Errorf("first q: %v %q", hold, why)
	}
	if _, hold := p.holdQuit(true); hold {
		t.Error("second q held")
	}
}
