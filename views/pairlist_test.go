package views

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/hasync/hasync/internal/golden"
)

// consoleSizes are the sizes every console view is checked at.
var consoleSizes = [][2]int{{80, 24}, {200, 50}, {40, 10}}

// checkFrame fails unless out is exactly h lines of exactly w cells.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func samplePairs() []PairRow {
	return []PairRow{
		{Name: "lab-vyatta", Family: "vyatta", InScope: 4, OutScope: 24, LastSync: "",
			Devices: [2]DeviceCell{{Name: "vra-a", State: Up, Role: "MASTER"}, {Name: "vra-b", State: Up, Role: "BACKUP"}}},
		{Name: "lab-huawei", Family: "huawei", InScope: 8, OutScope: 13, Spinner: "⠋",
			Devices:   [2]DeviceCell{{Name: "FW-A", State: Up, Role: "HRP_M"}, {Name: "FW-B", State: Down, Why: "connection-lost"}},
			LastError: "FW-B: connection lost"},
		{Name: "东京-edge", Family: "vyatta", InScope: -1, OutScope: -1,
			Devices: [2]DeviceCell{{Name: "東京-a", State: Connecting}, {Name: "東京-b", State: Connecting}}},
	}
}

func TestPairListGolden(t *testing.T) {
	for _, sz := range consoleSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			out := PairList(PlainConsoleStyles(), samplePairs(), 1, 0, sz[0], sz[1])
			checkFrame(t, out, sz[0], sz[1])
			golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), ansi.Strip(out))
		})
	}
}

// TestPairListASCII: the ASCII fallback carries the states without the
// Unicode glyphs.
func TestPairListASCII(t *testing.T) {
	s := PlainConsoleStyles()
	s.ASCII = true
	out := ansi.Strip(PairList(s, samplePairs(), 0, 0, 160, 6))
	// "+" is the Diff's "only on the target": never a state here.
	for _, g := range []string{"✓", "✗", "…", "—", "+"} {
		if strings.Contains(out, g) {
			t.Errorf("ASCII list holds %q:\n%s", g, out)
		}
	}
	for _, want := range []string{"ok vra-a MASTER", "!! FW-B", ".. 東京-a"} {
		if !strings.Contains(out, want) {
			t.Errorf("ASCII list lacks %q:\n%s", want, out)
		}
	}
}

func TestDeviceHeader(t *testing.T) {
	devs := [2]DeviceCell{
		{Name: "vra-a", Address: "127.0.0.1:2201", State: Up, Role: "MASTER", UnsavedKnown: true, Unsaved: true},
		{Name: "vra-b", Address: "127.0.0.1:2202", State: Down, Why: "unreachable", UnsavedKnown: false},
	}
	out := ansi.Strip(DeviceHeader(PlainConsoleStyles(), "lab-vyatta", devs, 80))
	// A down device's role and saved state are the last read's.
	gone := devs
	gone[1].Role, gone[1].UnsavedKnown, gone[1].LastKnown = "BACKUP", true, true
	last := ansi.Strip(DeviceHeader(PlainConsoleStyles(), "lab-vyatta", gone, 100))
	if !strings.Contains(last, "✗ down vra-b  last known: BACKUP  saved (last known)") {
		t.Errorf("a down device's role is shown as current:\n%s", last)
	}
	row := ansi.Strip(PairList(PlainConsoleStyles(), []PairRow{{Name: "p", Devices: gone, InScope: 4, OutScope: 2, Stale: true}}, 0, 0, 80, 2))
	if !strings.Contains(row, "✗ vra-b (BACKUP)") || !strings.Contains(row, " (4)  (2)") {
		t.Errorf("the list shows a down device's role or stale counts as current:\n%s", row)
	}
	for _, want := range []string{"✓ up vra-a  MASTER  ● unsaved changes  127.0.0.1:2201", "✗ down vra-b  role ?  saved ?  127.0.0.1:2202  unreachable"} {
		if !strings.Contains(out, want) {
			t.Errorf("header lacks %q:\n%s", want, out)
		}
	}
	narrow := DeviceHeader(PlainConsoleStyles(), "lab-vyatta", devs, 24)
	checkFrame(t, narrow, 24, 3)
	if !strings.Contains(narrow, "✓ up vra-a") || !strings.Contains(narrow, "✗ down vra-b") {
		t.Errorf("a narrow header cuts the states:\n%s", narrow)
	}
}

func TestLogGolden(t *testing.T) {
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	var batch []LogEntry
	for i := range 60 {
		e := LogEntry{At: at.Add(time.Duration(i) * time.Second), Device: "vra-a", Kind: "refreshed", Text: fmt.Sprintf("refreshed #%d", i)}
		switch i {
		case 10:
			e = LogEntry{At: e.At, Device: "vra-b", Kind: "lost", Text: "vra-b: connection lost", Err: true}
		case 40:
			e = LogEntry{At: e.At, Device: "vra-b", Kind: "sync-error", Text: "config-sync error 10.0.0.2:Sync[1]: commit failed", Err: true}
		}
		batch = append(batch, e)
	}
	for _, sz := range consoleSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			l := NewLog()
			l.SetSize(sz[0], sz[1])
			l.Append(batch[:30])
			l.Append(batch[30:])
			out := l.Render(PlainConsoleStyles())
			checkFrame(t, out, sz[0], sz[1])
			golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), ansi.Strip(out))
		})
	}
}

// TestLogWalkErrors: ]e / [e walk the errors in order and stop at the
// ends; following resumes at the bottom.
func TestLogWalkErrors(t *testing.T) {
	l := NewLog()
	l.SetSize(80, 12)
	var batch []LogEntry
	for i := range 100 {
		batch = append(batch, LogEntry{Kind: "log", Text: fmt.Sprint(i), Err: i%30 == 5})
	}
	l.Append(batch)
	if l.Errors() != 4 {
		t.Fatalf("errors = %d, want 4", l.Errors())
	}
	l.Home()
	var got []int
	for l.NextError() {
		got = append(got, l.Selected())
		if len(got) > 6 {
			break
		}
		if l.Selected() == 95 {
			break
		}
	}
	if fmt.Sprint(got) != "[5 35 65 95]" {
		t.Errorf("walked %v, want [5 35 65 95]", got)
	}
	l.PrevError()
	if l.Selected() != 65 {
		t.Errorf("[e went to %d, want 65", l.Selected())
	}
	if !strings.Contains(ansi.Strip(l.Render(PlainConsoleStyles())), "65") {
		t.Error("the walked error is not on screen")
	}
	l.End()
	l.Append([]LogEntry{{Kind: "log", Text: "newest"}})
	if !strings.Contains(ansi.Strip(l.Render(PlainConsoleStyles())), "newest") {
		t.Error("after End the log does not follow new entries")
	}
}

// TestLogVirtualized: rendering a 100k-entry log draws only what fits.
func TestLogVirtualized(t *testing.T) {
	l := NewLog()
	l.SetSize(80, 20)
	batch := make([]LogEntry, 100000)
	for i := range batch {
		batch[i] = LogEntry{Kind: "log", Text: fmt.Sprint(i)}
	}
	l.Append(batch)
	out := l.Render(PlainConsoleStyles())
	checkFrame(t, out, 80, 20)
	if !strings.Contains(out, "99999") || strings.Contains(out, " 5000 ") {
		t.Errorf("the newest entries are not the ones shown:\n%s", out)
	}
}

func BenchmarkLogRender100k(b *testing.B) {
	l := NewLog()
	l.SetSize(200, 50)
	batch := make([]LogEntry, 100000)
	for i := range batch {
		batch[i] = LogEntry{Kind: "log", Text: fmt.Sprint(i), Err: i%1000 == 0}
	}
	l.Append(batch)
	s := NewConsoleStyles(true)
	for b.Loop() {
		l.ScrollBy(-1)
		_ = l.Render(s)
	}
}
