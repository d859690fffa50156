package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
)

// shiftedData is testData after a refresh that found one more difference
// near the top (an address only on the source): every row after it has
// another index.
func shiftedData(t testing.TB) *DiffData {
	t.Helper()
	a, err := os.ReadFile("testdata/diff-vra-a.conf")
	if err != nil {
		t.Fatal(err)
	}
	const at = "            address 10.0.1.10\n"
	if !strings.Contains(string(a), at) {
		t.Fatal("testdata/diff-vra-a.conf changed: no " + strings.TrimSpace(at))
	}
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
	b, err := os.ReadFile("testdata/diff-vra-b.conf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pa, []byte(strings.Replace(string(a), at, "            address 10.0.1.9\n"+at, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pb, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := compare.Files(pa, pb, config.Vyatta, compare.MapSpec{Name: "FW"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := BuildDiff(DiffSource{Comparison: c, LeftName: "vra-a", RightName: "vra-b", Mode: plan.Push})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDiffRefreshKeepsView: a background refresh (SetData with a new
// comparison of the same pair) leaves the view as the user left it: the
// folds opened stay open (by path, though the rows moved), the cursor on
// its path at the same line of the screen, the horizontal scroll, the
// filter and the search. Before, every refresh folded the opened runs
// again and put the cursor back on the fold, so `enter` on a fold just
// before a refresh seemed to do nothing.
func TestDiffRefreshKeepsView(t *testing.T) {
	for _, filter := range []string{"", "f"} { // all, in scope
		v := newTestView(t, Theme{NoColor: true}, 80, 24)
		if filter != "" {
			press(v, filter)
		}
		press(v, "/")
		typeText(v, "accept")
		press(v, "enter", "g")
		fold := -1
		for i, it := range v.items {
			if it.fold > 0 {
				fold = i
				break
			}
		}
		if fold < 0 {
			t.Fatalf("filter %v: no fold", v.Filter())
		}
		hidden := v.items[fold]
		var paths []string
		for r := hidden.row; r < hidden.row+hidden.fold; r++ {
			paths = append(paths, v.data.Rows[r].Path.String())
		}
		for v.cursor < fold {
			press(v, "j")
		}
		press(v, "enter", "j", "j", "l")
		press(v, "ctrl+d") // scroll: the cursor mid-screen, the top moved
		want := v.Data().Rows[v.CursorRow()].Path.String()
		line, xoff, f := v.cursor-v.top, v.xoff, v.Filter()
		frame := v.View()

		v.SetData(testData(t)) // the same comparison again
		if got := v.View(); got != frame {
			t.Fatalf("filter %v: a refresh with the same rows changed the screen:\n%s\nwas:\n%s", f, ansi.Strip(got), ansi.Strip(frame))
		}

		v.SetData(shiftedData(t))
		if got := v.Data().Rows[v.CursorRow()].Path.String(); got != want {
			t.Errorf("filter %v: after a refresh the cursor is on %q, was on %q", f, got, want)
		}
		if v.cursor-v.top != line || v.xoff != xoff || v.Filter() != f {
			t.Errorf("filter %v: after a refresh cursor line %d xoff %d filter %v, was %d %d %v", f, v.cursor-v.top, v.xoff, v.Filter(), line, xoff, f)
		}
		if n, q := v.Matches(); q != "accept" || n == 0 {
			t.Errorf("filter %v: after a refresh the search is %q (%d matches)", f, q, n)
		}
		shown := map[string]bool{}
		for _, it := range v.items {
			if it.fold == 0 {
				shown[v.data.Rows[it.row].Path.String()] = true
			}
		}
		for _, p := range paths {
			if !shown[p] {
				t.Errorf("filter %v: after a refresh the opened fold hides %q again:\n%s", f, p, ansi.Strip(v.View()))
				break
			}
		}
		checkDiffFrame(t, v.View(), 80, 24)
	}
}

// TestDiffLegendWhole: at every width from 40 columns the legend explains
// each change mark in words (+ - ~ ⇄), none of its parts cut (only the
// sync-map's name may be); where the tab has room (two lines from 12
// lines high, 80 columns), each scope mark too, '◐' included. Before, the
// sync-map's name came first and the legend was cut at 120 columns and
// below ("+ only on target  - only o…").
func TestDiffLegendWhole(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		v := newTestView(t, Theme{NoColor: true, ASCII: ascii}, 80, 24)
		g := &v.st.Glyphs
		for _, h := range []int{5, 10, 24, 50} {
			for w := 40; w <= 200; w++ {
				v.SetSize(w, h)
				l := v.layout()
				lines := strings.Split(ansi.Strip(v.View()), "\n")
				foot := strings.Join(lines[l.bodyY+l.bodyH:], "\n")
				legend, _, _ := strings.Cut(foot, "sync-map")
				if strings.Contains(legend, g.Ellipsis) {
					t.Fatalf("ascii %v %dx%d: the legend is cut:\n%s", ascii, w, h, foot)
				}
				explained := func(mark string) bool {
					for _, line := range strings.Split(foot, "\n") {
						if i := strings.Index(" "+line, " "+mark+" "); i >= 0 {
							rest := line[i+len(mark)+1:]
							if rest != "" && rest[0] >= 'a' && rest[0] <= 'z' {
								return true
							}
						}
					}
					return false
				}
				for _, m := range []string{g.Added, g.Removed, g.Changed, g.Moved} {
					if !explained(m) {
						t.Fatalf("ascii %v %dx%d: the legend does not explain %q:\n%s", ascii, w, h, m, foot)
					}
				}
				if h >= 12 && w >= 80 {
					for _, m := range []string{g.InMap, g.Excluded, g.NotCovered, g.NeverSynced, g.Mixed} {
						if !explained(m) {
							t.Fatalf("ascii %v %dx%d: the legend does not explain %q:\n%s", ascii, w, h, m, foot)
						}
					}
				}
				checkDiffFrame(t, v.View(), w, h)
			}
		}
	}
}

// TestDiffCountsWhole: a narrow tab shortens words, cuts names and paths,
// or leaves a part out, but never cuts a number (a cut "1/38" reads "1/3…",
// one of three): outside the rows' own text (the breadcrumb, the headers,
// folds, the footer, the detail's last line), no digit is followed by the
// ellipsis, and a number and its word stay together.
func TestDiffCountsWhole(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		v := newTestView(t, Theme{NoColor: true, ASCII: ascii}, 80, 24)
		g := &v.st.Glyphs
		cut := regexp.MustCompile(`[0-9]` + regexp.QuoteMeta(g.Ellipsis))
		check := func(what string, w, h int) {
			t.Helper()
			v.SetSize(w, h)
			l := v.layout()
			lines := strings.Split(ansi.Strip(v.View()), "\n")
			for y, line := range lines {
				if y >= l.bodyY && y < l.bodyY+l.bodyH && !(v.detail && l.overlay) {
					i := v.top + y - l.bodyY
					if i >= len(v.items) || v.items[i].fold <= 0 {
						continue // a row's own text may be cut anywhere
					}
				}
				if v.detail && !l.overlay && y >= l.bodyY && y < l.bodyY+l.bodyH {
					line = ansi.Cut(line, 0, l.listW)
					if y == l.bodyY+l.bodyH-1 {
						line = ansi.Cut(lines[y], l.listW, w) // the pane's last line
					}
				}
				if cut.MatchString(line) {
					t.Fatalf("ascii %v, %s at %dx%d: a number is cut in line %d %q:\n%s", ascii, what, w, h, y, line, strings.Join(lines, "\n"))
				}
			}
			checkDiffFrame(t, v.View(), w, h)
		}
		for w := 40; w <= 200; w++ {
			check("the top", w, 10)
		}
		press(v, "l")
		v.xoff = 196 // scrolled sideways far (a long line): "from column 197" in the headers
		for w := 40; w <= 200; w++ {
			check("scrolled", w, 10)
		}
		press(v, "g", "/")
		typeText(v, "description 'allow service") // a query is text, which may be cut; its count is not
		press(v, "enter")
		for w := 40; w <= 200; w++ {
			check("a search", w, 10)
		}
		press(v, "esc", "enter")
		for _, h := range []int{5, 7, 10, 24} {
			for w := 40; w <= 200; w++ {
				check("the detail", w, h)
			}
		}
	}
}

// TestDiffRefreshKeepsValue: on a leaf with several values (Vyatta's
// "address 10.0.1.10", "address 10.0.1.11" share a path) a refresh keeps
// the cursor on its value, not on the first of them.
func TestDiffRefreshKeepsValue(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 80, 24)
	want := -1
	for i, r := range v.Data().Rows {
		if strings.TrimSpace(r.Left) == "address 10.0.1.11" {
			want = i
		}
	}
	if want < 0 {
		t.Fatal("no row for address 10.0.1.11")
	}
	for v.CursorRow() < want {
		press(v, "j")
	}
	v.SetData(testData(t))
	if got := v.CursorRow(); got != want {
		t.Fatalf("after a refresh the cursor is on %q, was on %q", v.Data().Rows[got].Left, v.Data().Rows[want].Left)
	}
}

// TestDiffRefreshLostPathStaysNear: when the cursor's line is gone after
// a refresh (the difference was resolved), the cursor stays where it was,
// not back at the top.
func TestDiffRefreshLostPathStaysNear(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true}, 80, 24)
	gone := -1
	for i, r := range v.Data().Rows {
		if r.Kind == diff.Added && strings.TrimSpace(r.Right) == "rule 30" {
			gone = i
		}
	}
	if gone < 0 {
		t.Fatal("no row for rule 30, only on the target")
	}
	for v.CursorRow() < gone {
		press(v, "j")
	}
	// The refresh finds rule 30 deleted from the target.
	b, err := os.ReadFile("testdata/diff-vra-b.conf")
	if err != nil {
		t.Fatal(err)
	}
	const rule = "        rule 30 {\n            action accept\n            description \"temporary: remove\"\n            protocol icmp\n        }\n"
	if !strings.Contains(string(b), rule) {
		t.Fatal("testdata/diff-vra-b.conf changed: no rule 30")
	}
	pb := filepath.Join(t.TempDir(), "b.conf")
	if err := os.WriteFile(pb, []byte(strings.Replace(string(b), rule, "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := compare.Files("testdata/diff-vra-a.conf", pb, config.Vyatta, compare.MapSpec{Name: "FW"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := BuildDiff(DiffSource{Comparison: c, LeftName: "vra-a", RightName: "vra-b", Mode: plan.Push})
	if err != nil {
		t.Fatal(err)
	}
	v.SetData(d)
	it := v.items[v.cursor] // a row, or a fold of several
	if got := int(it.row); got > gone+2 || got+max(1, int(it.fold))-1 < gone-2 {
		t.Fatalf("the cursor's line gone, the cursor went to row %d (%q), was at %d", got, v.Data().Rows[got].Path, gone)
	}
}
