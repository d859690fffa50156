package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func lastLine(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	return lines[len(lines)-1]
}

// TestSearchAsTyped (trial 11 defect 16): the query shows as typed, one
// match says "1 matching line"; a search that matched only rows the
// filter hid goes to the first once f shows them.
func TestSearchAsTyped(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 100, 24)
	press(v, "/")
	typeText(v, "WEB Servers")
	press(v, "enter")
	foot := ansi.Strip(v.View())
	if !strings.Contains(foot, "/WEB Servers · 1 matching line ·") {
		t.Errorf("search state:\n%s", foot)
	}

	v = newTestView(t, Theme{NoColor: true}, 100, 24)
	press(v, "f", "f") // differences only: the description's row is hidden
	if v.filter != FilterDiffs {
		t.Fatalf("filter %v", v.filter)
	}
	press(v, "/")
	typeText(v, "web servers")
	press(v, "enter")
	if s := ansi.Strip(v.View()); !strings.Contains(s, "under the filter differences") {
		t.Fatalf("no notice of the hidden match:\n%s", s)
	}
	press(v, "f") // all
	if r := v.data.Rows[v.CursorRow()]; !strings.Contains(r.Left+r.Right, "web servers") {
		t.Errorf("f showed the match but the cursor is on %q / %q", r.Left, r.Right)
	}
}

// TestLegendSameWords (defect 14): the scope legend reads the same while
// a search's state takes the line above it.
func TestLegendSameWords(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		v := newTestView(t, Theme{NoColor: true}, w, 24)
		before := lastLine(v.View())
		press(v, "/")
		typeText(v, "rule")
		// The legend as before, or (one footer line) the search's line.
		if got := lastLine(v.View()); got != before && !strings.HasPrefix(got, "/") {
			t.Errorf("%d cols, typing: legend %q, was %q", w, got, before)
		}
		press(v, "enter")
		if got := lastLine(v.View()); got != before && !strings.HasPrefix(got, "/") {
			t.Errorf("%d cols, search accepted: legend %q, was %q", w, got, before)
		}
	}
}

// TestSideScrollStep (trial 11 defect 18): l moves by a third of a column
// (at least 8 cells), also when the longest line overflows its column by
// one cell; with nothing wider than the columns, l says so.
func TestSideScrollStep(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 80, 24)
	press(v, "n", "n", "n", "n", "n")
	if v.maxXOff() == 0 {
		t.Fatal("the fixture has no line wider than its column here")
	}
	press(v, "l")
	if want := max(8, v.layout().colW/3); v.xoff != want {
		t.Errorf("l scrolled to %d, want %d", v.xoff, want)
	}
	press(v, "h")
	if v.xoff != 0 {
		t.Errorf("h back to %d", v.xoff)
	}
	w := newTestView(t, Theme{NoColor: true}, 200, 24)
	if w.maxXOff() != 0 {
		t.Skip("every line fits at 200 columns expected")
	}
	press(w, "l")
	if out := ansi.Strip(w.View()); w.xoff != 0 || !strings.Contains(out, "nothing to scroll sideways") {
		t.Errorf("l with nothing to scroll: xoff %d\n%s", w.xoff, out)
	}
}

// TestShortDetailTakesTab (trial 11 defect 18): in a short tab (the
// console's 40x10 leaves the Diff 5 lines) the detail over the rows takes
// every line, not one line and "… 23 more lines".
func TestShortDetailTakesTab(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 40, 5)
	press(v, "n", "enter")
	lines := strings.Split(ansi.Strip(v.View()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0], "detail") || !strings.HasPrefix(lines[1], "path") {
		t.Errorf("the detail does not take the tab:\n%s", strings.Join(lines, "\n"))
	}
	press(v, "esc")
	lines = strings.Split(ansi.Strip(v.View()), "\n")
	if !strings.HasPrefix(lines[0], "▸") {
		t.Errorf("closed, the breadcrumb is not back:\n%s", strings.Join(lines, "\n"))
	}
}

// TestNextAfterHiddenMatch (trial 11, still there): after "no match under
// the filter", n and N say again that the filter hides every match; they
// do not report "first match" or "last match", nor move the cursor.
func TestNextAfterHiddenMatch(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 100, 24)
	press(v, "f", "f") // differences only: the description's row is hidden
	press(v, "/")
	typeText(v, "web servers")
	press(v, "enter")
	at := v.CursorRow()
	for _, k := range []string{"n", "N"} {
		press(v, k)
		s := ansi.Strip(v.View())
		if strings.Contains(s, "first match") || strings.Contains(s, "last match") {
			t.Errorf("%s after a hidden match:\n%s", k, s)
		}
		if !strings.Contains(s, "under the filter differences") {
			t.Errorf("%s: no notice that the filter hides the match:\n%s", k, s)
		}
		if v.CursorRow() != at {
			t.Errorf("%s moved the cursor from row %d to %d", k, at, v.CursorRow())
		}
	}
	press(v, "f") // all: the match shows, n goes on as usual
	press(v, "n")
	if s := ansi.Strip(v.View()); strings.Contains(s, "under the filter") {
		t.Errorf("n with the match shown still says it is hidden:\n%s", s)
	}
}
