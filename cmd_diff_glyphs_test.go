package main

import (
	"strings"
	"testing"

	"github.com/clipperhouse/displaywidth"
)

// sideGutterAt is the three characters of a side view's line from cell col
// on (" M S"), or "" when no character starts at cell col.
func sideGutterAt(line string, col int) string {
	cells, off := 0, 0
	for g := displaywidth.StringGraphemes(line); cells < col && g.Next(); {
		cells += g.Width()
		off += len(g.Value())
	}
	r := []rune(line[off:])
	if cells != col || len(r) < 3 {
		return ""
	}
	return string(r[:3])
}

// TestDiffSideGlyphs: `hasync diff --format side` marks rows with the
// console's vocabulary, ASCII unless --glyphs unicode, and its columns
// align by display width on the console's test pair, whose interface
// descriptions are Japanese (two cells a character).
func TestDiffSideGlyphs(t *testing.T) {
	va, vb := "views/testdata/diff-vra-a.conf", "views/testdata/diff-vra-b.conf"
	for _, tc := range []struct {
		glyphs         []string
		changes, scope string
		legend         string
	}{
		{nil, " +-~^", "*o.!&", "* in map  o excluded  . not covered  ! never synced  & mixed"},
		{[]string{"--glyphs", "ascii"}, " +-~^", "*o.!&", "* in map  o excluded  . not covered  ! never synced  & mixed"},
		{[]string{"--glyphs", "unicode"}, " +-~⇄", "●○·⊘◐", "● in map  ○ excluded  · not covered  ⊘ never synced  ◐ mixed"},
	} {
		args := append([]string{"diff", "--width", "100", "--sync-map", "FW"}, tc.glyphs...)
		code, out, errOut := hasync(t, append(args, va, vb)...)
		if code != 1 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		cjk := 0
		for i, l := range lines[2:] {
			g := sideGutterAt(l, 48) // (100-4)/2
			if g == "" || g[0] != ' ' || !strings.ContainsRune(tc.changes, []rune(g)[1]) || !strings.ContainsRune(tc.scope, []rune(g)[2]) {
				t.Errorf("%v: line %d has no gutter at cell 48: %q", args, i+3, l)
			}
			if displaywidth.String(l) > 100 {
				t.Errorf("%v: line %d wider than 100 cells: %q", args, i+3, l)
			}
			if strings.Contains(l, "東京") {
				cjk++
			}
		}
		if cjk == 0 {
			t.Errorf("%v: the CJK description is not shown:\n%s", args, out)
		}
		// The legend fits at 160 (the map's name is long).
		_, out, _ = hasync(t, append(append([]string{"diff", "--width", "160", "--sync-map", "FW"}, tc.glyphs...), va, vb)...)
		if !strings.Contains(out, tc.legend) {
			t.Errorf("%v: no legend %q:\n%s", args, tc.legend, out)
		}
	}
	code, _, errOut := hasync(t, "diff", "--glyphs", "emoji", va, vb)
	if code != 2 || !strings.Contains(errOut, "--glyphs emoji: expected ascii or unicode") {
		t.Errorf("--glyphs emoji: exit %d: %s", code, errOut)
	}
}
