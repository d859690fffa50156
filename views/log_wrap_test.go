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

const refusal = "config-sync error 10.0.0.2:Sync[10.0.0.2]: [security firewall name CUST-0000-IN rule 20 action]; changes under [security firewall name CUST-0000-IN] are refused by this device"

func wrapLog(w, h int) *Log {
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	var batch []LogEntry
	for i := range 40 {
		e := LogEntry{At: at.Add(time.Duration(i) * time.Second), Device: "vra-a", Kind: "refreshed", Text: fmt.Sprintf("refreshed #%d %s", i, strings.Repeat("long text ", 25))}
		switch i {
		case 5:
			e = LogEntry{At: e.At, Device: "vra-b", Kind: "sync-error", Text: refusal, Err: true}
		case 20:
			e = LogEntry{At: e.At, Device: "vra-b", Kind: "remote", Text: "second " + refusal, Err: true}
		}
		batch = append(batch, e)
	}
	l := NewLog()
	l.SetSize(w, h)
	l.Append(batch)
	return l
}

// squash joins a screen's lines and collapses blanks, so that a wrapped
// text reads as one.
func squash(out string) string { return strings.Join(strings.Fields(ansi.Strip(out)), " ") }

// TestLogWrapsPinnedAndSelected: a sync refusal's reason is cut by one
// line at any width; the pinned first error and the walked entry wrap in
// full, the others stay one line.
func TestLogWrapsPinnedAndSelected(t *testing.T) {
	for _, sz := range consoleSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			l := wrapLog(sz[0], sz[1])
			l.Home()
			l.NextError() // the first error, at the stream's top
			l.NextError() // the second
			out := l.Render(PlainConsoleStyles())
			checkFrame(t, out, sz[0], sz[1])
			golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), ansi.Strip(out))
			if sz[1] < 20 {
				return
			}
			got := squash(out)
			if !strings.Contains(got, refusal) {
				t.Errorf("the pinned first error is not whole on screen:\n%s", out)
			}
			if !strings.Contains(got, "second "+refusal) {
				t.Errorf("the walked error is not whole on screen:\n%s", out)
			}
			if strings.Contains(got, strings.Repeat("long text ", 25)) {
				t.Errorf("an entry neither pinned nor walked wraps:\n%s", out)
			}
		})
	}
}

// TestLogASCIICut: under --ascii a cut line ends in an ASCII mark.
func TestLogASCIICut(t *testing.T) {
	l := wrapLog(80, 24)
	s := PlainConsoleStyles()
	s.ASCII = true
	out := ansi.Strip(l.Render(s))
	for _, line := range strings.Split(out, "\n") {
		if !plainASCII(line) {
			t.Errorf("not ASCII under --ascii: %q", line)
		}
	}
	if !strings.Contains(out, "$") {
		t.Errorf("no cut mark:\n%s", out)
	}
}

// TestLogPinsLatestSync: after a sync starts, the pinned block shows its
// errors only; the older ones stay in the list and ]e walks them.
func TestLogPinsLatestSync(t *testing.T) {
	l := NewLog()
	l.SetSize(100, 24)
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	for i := range 5 {
		l.Append([]LogEntry{{At: at, Device: "vra-b", Kind: "remote", Text: fmt.Sprintf("old refusal %d", i), Err: true}})
	}
	l.SyncStarted()
	l.Append([]LogEntry{{At: at, Device: "vra-b", Kind: "result", Text: "✓ synced vra-a → vra-b: equal within the map"}})
	out := ansi.Strip(l.Render(PlainConsoleStyles()))
	if strings.Contains(out, "error(s)  ]e") {
		t.Errorf("a clean sync shows the older syncs' errors pinned:\n%s", out)
	}
	if !strings.Contains(out, "old refusal 4") {
		t.Errorf("the older errors left the list:\n%s", out)
	}
	l.SyncStarted()
	l.Append([]LogEntry{{At: at, Device: "vra-b", Kind: "remote", Text: "new refusal", Err: true}})
	out = ansi.Strip(l.Render(PlainConsoleStyles()))
	if !strings.Contains(out, "⚠ 1 error(s)") || strings.Contains(strings.Split(out, "\n")[1], "old refusal") {
		t.Errorf("the pinned block is not the latest sync's one error:\n%s", out)
	}
	if !l.NextError() || l.Errors() != 6 {
		t.Errorf("]e walks %d error(s), want all 6", l.Errors())
	}
	l.Unmark(l.Len() - 1)
	if l.Errors() != 5 || strings.Contains(ansi.Strip(l.Render(PlainConsoleStyles())), "error(s)  ]e") {
		t.Errorf("an unmarked duplicate stays an error")
	}
}
