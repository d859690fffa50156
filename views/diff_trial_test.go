package views

import (
	"testing"

	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// TestGlyphsAreDiffs: the console's change and scope marks are
// backend/diff's table, mark for mark, in both sets (one table, not a
// copy kept in step by hand).
func TestGlyphsAreDiffs(t *testing.T) {
	for _, p := range []struct {
		v Glyphs
		d diff.Glyphs
	}{{UnicodeGlyphs, diff.UnicodeGlyphs}, {ASCIIGlyphs, diff.ASCIIGlyphs}} {
		if p.v.Glyphs != p.d {
			t.Errorf("views' marks %+v, backend/diff's %+v", p.v.Glyphs, p.d)
		}
		for _, k := range []diff.Kind{diff.Same, diff.Added, diff.Removed, diff.Changed, diff.Moved} {
			if got, want := p.v.Change(k), p.d.Change(&diff.Row{Kind: k}); got != want {
				t.Errorf("change mark of %v: views %q, diff %q", k, got, want)
			}
		}
		for _, s := range []syncmap.Scope{syncmap.InScope, syncmap.Excluded, syncmap.Protected, syncmap.Outside} {
			if got, want := p.v.Scope(s), p.d.Scope(&diff.Row{Scope: s}); got != want {
				t.Errorf("scope mark of %v: views %q, diff %q", s, got, want)
			}
		}
	}
}
