package diff

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// gutterAt returns the four cells of line from cell col on (" M S "), or
// ok false when no character starts at cell col: the left column is not
// col cells wide.
func gutterAt(line string, col int) (gutter string, ok bool) {
	cells, off := 0, 0
	for g := displaywidth.StringGraphemes(line); cells < col && g.Next(); {
		cells += g.Width()
		off += len(g.Value())
	}
	if cells != col {
		return "", false
	}
	rest := []rune(line[off:])
	if len(rest) < 3 {
		return "", false
	}
	return string(rest[:3]), true
}

// TestWriteSideCJKAligns: a description in CJK (two cells a character),
// in a column it fits and one it does not, and a combining mark (no cell)
// leave the gutter at the same cell on every line, and no line is wider
// than the view. Counting runes, as WriteSide did, pads the CJK lines
// several cells too wide.
func TestWriteSideCJKAligns(t *testing.T) {
	const width = 80
	col := (width - sideGutter) / 2 // 38 cells
	rows := []Row{
		{Left: "interfaces", Right: "interfaces", Scope: syncmap.InScope},
		{Kind: Changed, Left: "    description '東京 上り'", Right: "    description '東京 下り'", Scope: syncmap.InScope},
		{Kind: Changed, Left: "    description '東京データセンター 上り回線 (uplink)'", Right: "    description '大阪データセンター 下り回線 (uplink)'", Scope: syncmap.InScope},
		{Kind: Removed, Left: "    description 'cafe\u0301 ☕ 売店'", Scope: syncmap.Excluded},
		{Kind: Added, Right: "    description '東京データセンター 上り回線 (uplink)'", Scope: syncmap.Outside},
		{Left: "    mtu 1500", Right: "    mtu 1500", Scope: syncmap.InScope},
	}
	var buf bytes.Buffer
	if err := WriteSide(&buf, rows, width); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("%d lines for %d rows:\n%s", len(lines), len(rows), buf.String())
	}
	want := []string{" *", "~*", "~*", "-o", "+.", " *"}
	for i, l := range lines {
		g, ok := gutterAt(l, col)
		if !ok || g != " "+want[i] {
			t.Errorf("line %d: gutter %q at cell %d, want %q (ok %v):\n%s", i, g, col, " "+want[i], ok, buf.String())
		}
		if w := displaywidth.String(l); w > width {
			t.Errorf("line %d is %d cells, more than %d: %q", i, w, width, l)
		}
	}
	// The cut CJK text ends in '…' within its column, on both sides.
	if !strings.Contains(lines[2], "センター …  ~*") || !strings.HasSuffix(lines[2], "…") {
		t.Errorf("long CJK text not cut at a character within its column: %q", lines[2])
	}
	// The test can fail: padded by runes, the CJK line's gutter moves.
	if n := utf8.RuneCountInString(rows[1].Left); displaywidth.String(rows[1].Left) == n {
		t.Fatalf("test row %q is as wide as its rune count", rows[1].Left)
	}
}

// TestSideGlyphs: the ASCII set is the default, the Unicode set is the
// console's, both in the rows and in the header's legend, and a fold
// hiding several scopes shows the mixed mark.
func TestSideGlyphs(t *testing.T) {
	rows := []Row{
		{Kind: Added, Right: "a", Scope: syncmap.InScope},
		{Kind: Removed, Left: "b", Scope: syncmap.Excluded},
		{Kind: Changed, Left: "c 1", Right: "c 2", Scope: syncmap.Protected},
		{Kind: Moved, Left: "d", Right: "d", Scope: syncmap.Outside},
		{Left: "… 4 unchanged lines", Right: "… 4 unchanged lines", Folded: 4, FoldScopes: ScopeSet(0).Add(syncmap.InScope).Add(syncmap.Excluded)},
	}
	for _, tc := range []struct {
		name   string
		side   Side
		marks  []string
		legend string
	}{
		{"default", Side{Width: 40}, []string{"+*", "-o", "~!", "^.", " &"}, ""},
		{"ascii", Side{Width: 200, Glyphs: ASCIIGlyphs}, []string{"+*", "-o", "~!", "^.", " &"},
			"sync-map: M   * in map  o excluded  . not covered  ! never synced  & mixed scopes   + only on target  - only on source  ~ differs  ^ moved"},
		{"unicode", Side{Width: 200, Glyphs: UnicodeGlyphs}, []string{"+●", "-○", "~⊘", "⇄·", " ◐"},
			"sync-map: M   ● in map  ○ excluded  · not covered  ⊘ never synced  ◐ mixed scopes   + only on target  - only on source  ~ differs  ⇄ moved"},
		{"scope legend only", Side{Width: 90, Glyphs: UnicodeGlyphs}, []string{"+●", "-○", "~⊘", "⇄·", " ◐"},
			"sync-map: M   ● in map  ○ excluded  · not covered  ⊘ never synced  ◐ mixed scopes"},
		{"scope legend, shorter", Side{Width: 80, Glyphs: UnicodeGlyphs}, []string{"+●", "-○", "~⊘", "⇄·", " ◐"},
			"sync-map: M   ● in map  ○ excluded  · not covered  ⊘ never synced  ◐ mixed"},
		{"scope legend, shortest words", Side{Width: 70, Glyphs: UnicodeGlyphs}, []string{"+●", "-○", "~⊘", "⇄·", " ◐"},
			"sync-map: M   ● in map  ○ excluded  · no rule  ⊘ never  ◐ mixed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.side.Write(&buf, rows); err != nil {
				t.Fatal(err)
			}
			col := (tc.side.Width - sideGutter) / 2
			for i, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				if g, ok := gutterAt(l, col); !ok || g != " "+tc.marks[i] {
					t.Errorf("row %d: gutter %q, want %q:\n%s", i, g, " "+tc.marks[i], buf.String())
				}
			}
			if tc.legend == "" {
				return
			}
			buf.Reset()
			if err := tc.side.WriteHeader(&buf, "a.conf", "b.conf", "M"); err != nil {
				t.Fatal(err)
			}
			if got := strings.Split(buf.String(), "\n")[1]; got != tc.legend {
				t.Errorf("legend\n got %q\nwant %q", got, tc.legend)
			}
		})
	}
	for name, want := range map[string]Glyphs{"ascii": ASCIIGlyphs, "unicode": UnicodeGlyphs} {
		if g, err := ParseGlyphs(name); err != nil || g != want {
			t.Errorf("ParseGlyphs(%q) = %v, %v", name, g, err)
		}
	}
	if _, err := ParseGlyphs("utf8"); err == nil || !strings.Contains(err.Error(), "ascii or unicode") {
		t.Errorf("ParseGlyphs(utf8): %v", err)
	}
}

// TestSideGlyphsOneCell: every mark of both sets is one cell, as the
// gutter's width assumes (in a terminal that draws East Asian ambiguous
// characters narrow: the Unicode set's documented condition).
func TestSideGlyphsOneCell(t *testing.T) {
	for _, g := range []Glyphs{ASCIIGlyphs, UnicodeGlyphs} {
		for _, m := range []string{g.Same, g.Added, g.Removed, g.Changed, g.Moved, g.InMap, g.Excluded, g.NotCovered, g.NeverSynced, g.Mixed} {
			if w := displaywidth.String(m); w != 1 {
				t.Errorf("mark %q is %d cells", m, w)
			}
		}
	}
	for _, m := range []string{ASCIIGlyphs.Moved, ASCIIGlyphs.InMap, ASCIIGlyphs.Excluded, ASCIIGlyphs.NotCovered, ASCIIGlyphs.NeverSynced, ASCIIGlyphs.Mixed} {
		if len(m) != 1 {
			t.Errorf("ASCII mark %q is not one byte", m)
		}
	}
}

// TestSideHeaderCJKName: a file name too wide for its column is cut at its
// start by cells, so that the right header starts where the right column
// does.
func TestSideHeaderCJKName(t *testing.T) {
	var buf bytes.Buffer
	name := "/srv/設定/東京データセンター/ルーター-a.conf"
	if err := WriteSideHeader(&buf, name, "b.conf", "all", 60); err != nil {
		t.Fatal(err)
	}
	first := strings.Split(buf.String(), "\n")[0]
	col := (60 - sideGutter) / 2
	if g, ok := gutterAt(first, col); !ok || g != "   " {
		t.Errorf("left header not %d cells: %q (%q, %v)", col, first, g, ok)
	}
	if !strings.HasPrefix(first, "--- …") || !strings.Contains(first, "ター-a.conf (source)") {
		t.Errorf("left header %q: want its name cut at the start", first)
	}
	if !strings.HasSuffix(first, "    +++ b.conf (target)") {
		t.Errorf("right header %q", first)
	}
}

// TestWriteSideCJKTree: the same through Rows, from parsed nodes (a
// Vyatta description with CJK text on both sides, of different lengths).
func TestWriteSideCJKTree(t *testing.T) {
	a := dfTree(config.Vyatta, "a", dfNode("interfaces", dfTag("ethernet", dfNode("eth0", dfLeaf("description", "東京データセンター 上り回線"), dfLeaf("mtu", "1500")))))
	b := dfTree(config.Vyatta, "b", dfNode("interfaces", dfTag("ethernet", dfNode("eth0", dfLeaf("description", "東京 下り"), dfLeaf("mtu", "9000")))))
	var buf bytes.Buffer
	if err := WriteSide(&buf, Rows(a, b, RowOptions{Scope: syncmap.Default(config.Vyatta, nil).Decide}), 80); err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if g, ok := gutterAt(l, 38); !ok || g[0] != ' ' || !strings.ContainsAny(g[1:], "*o.!&") {
			t.Errorf("line %d: no gutter at cell 38: %q\n%s", i, l, buf.String())
		}
	}
}

// BenchmarkWriteSide is the side view of a pair of 100k lines at 160
// cells, without folding: what display widths cost over byte counts.
func BenchmarkWriteSide(b *testing.B) {
	l, r := dfBigPair(100_000)
	rows := Rows(l, r, RowOptions{Scope: syncmap.Default(config.Vyatta, nil).Decide})
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSide(io.Discard, rows, 160); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzAppendCell: whatever the text (any script, control characters,
// invalid UTF-8), a cell is at most col cells, and padded it is that
// text and the spaces up to exactly col cells, so that the gutter never
// moves. (The text is measured on its own: a Unicode Prepend mark at its
// end, U+0600-U+0605, would form one cluster with the padding.)
func FuzzAppendCell(f *testing.F) {
	for _, s := range []string{"", "address 10.0.1.10", "東京データセンター 上り回線", "cafe\u0301", "a\tb", "\xff\xfe", "👍🏽 ok", "☕☕☕☕☕☕☕☕☕"} {
		f.Add(s, 8)
		f.Add(s, 9)
	}
	f.Fuzz(func(t *testing.T, s string, col int) {
		if col < 2 || col > 200 {
			t.Skip()
		}
		text := string(appendCell(nil, s, col, false))
		w := displaywidth.String(text)
		if w > col || w < col-1 && displaywidth.String(visible(s)) > col {
			t.Errorf("cell of %q is %q, %d cells for a column of %d", s, text, w, col)
		}
		if !utf8.ValidString(text) {
			t.Errorf("cell of %q is not valid UTF-8: %q", s, text)
		}
		if padded := string(appendCell(nil, s, col, true)); padded != text+strings.Repeat(" ", col-w) {
			t.Errorf("padded cell of %q is %q, want %q and %d spaces", s, padded, text, col-w)
		}
	})
}
