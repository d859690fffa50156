package diff

import (
	"fmt"

	"github.com/hasync/hasync/backend/syncmap"
)

// Glyphs is the vocabulary of marks of the side-by-side view: a change
// mark and a scope mark per row, the one table the console uses too
// (views.Glyphs embeds it). Each mark is one terminal cell wide.
//
// Change marks say where a line is, not what a sync does with it: '+'
// only on the target (right), '-' only on the source (left), '~' on both
// with other values, '⇄' (ASCII '^') moved inside an ordered parent, ' '
// the same. They read as in `diff SOURCE TARGET`.
//
// Scope marks: '●' (ASCII '*') in the map, a sync makes the target equal;
// '○' ('o') excluded by a rule; '·' ('.') not covered by any rule; '⊘'
// ('!') never synced, a protected path (DOMAIN.md); '◐' ('&') a fold
// hiding lines of several scopes.
type Glyphs struct {
	Same, Added, Removed, Changed, Moved            string
	InMap, Excluded, NotCovered, NeverSynced, Mixed string
}

// ASCIIGlyphs is the default set of `hasync diff --format side`: every
// mark one byte, the same in any terminal, pipe or file.
var ASCIIGlyphs = Glyphs{
	Same: " ", Added: "+", Removed: "-", Changed: "~", Moved: "^",
	InMap: "*", Excluded: "o", NotCovered: ".", NeverSynced: "!", Mixed: "&",
}

// UnicodeGlyphs is the console's set (`--glyphs unicode`); a terminal
// that draws East Asian ambiguous characters two cells wide misaligns
// its scope marks, hence the ASCII default.
var UnicodeGlyphs = Glyphs{
	Same: " ", Added: "+", Removed: "-", Changed: "~", Moved: "⇄",
	InMap: "●", Excluded: "○", NotCovered: "·", NeverSynced: "⊘", Mixed: "◐",
}

// ParseGlyphs is the set named "ascii" or "unicode"; any other name is an
// error naming both.
func ParseGlyphs(name string) (Glyphs, error) {
	switch name {
	case "ascii":
		return ASCIIGlyphs, nil
	case "unicode":
		return UnicodeGlyphs, nil
	}
	return Glyphs{}, fmt.Errorf("diff: glyphs %q: expected ascii or unicode", name)
}

// Change is the change mark of a row: Same for a fold.
func (g *Glyphs) Change(r *Row) string {
	if r.Folded > 0 {
		return g.Same
	}
	switch r.Kind {
	case Added:
		return g.Added
	case Removed:
		return g.Removed
	case Changed:
		return g.Changed
	case Moved:
		return g.Moved
	}
	return g.Same
}

// Scope is the scope mark of a row: Mixed for a fold hiding lines of
// several scopes.
func (g *Glyphs) Scope(r *Row) string {
	if r.FoldScopes.Len() > 1 {
		return g.Mixed
	}
	switch r.Scope {
	case syncmap.InScope:
		return g.InMap
	case syncmap.Excluded:
		return g.Excluded
	case syncmap.Protected:
		return g.NeverSynced
	}
	return g.NotCovered
}

// ChangeLegend is the legend of the change marks, from its longest
// wording to its shortest; ScopeLegend that of the scope marks. They are
// the one source of the legend's words: the side-by-side header takes the
// longest, the console the longest that fits its width. Each wording is
// whole (a narrow legend takes a shorter one, never a cut one).
func (g *Glyphs) ChangeLegend() []string {
	return []string{
		g.Added + " only on target  " + g.Removed + " only on source  " + g.Changed + " differs  " + g.Moved + " moved",
		g.Added + " target only  " + g.Removed + " source only  " + g.Changed + " differs  " + g.Moved + " moved",
		g.Added + " target  " + g.Removed + " source  " + g.Changed + " differs  " + g.Moved + " moved",
		g.Added + " tgt " + g.Removed + " src " + g.Changed + " diff " + g.Moved + " moved",
	}
}

// ScopeLegend: see ChangeLegend.
func (g *Glyphs) ScopeLegend() []string {
	return []string{
		g.InMap + " in map  " + g.Excluded + " excluded  " + g.NotCovered + " not covered  " + g.NeverSynced + " never synced  " + g.Mixed + " mixed scopes",
		g.InMap + " in map  " + g.Excluded + " excluded  " + g.NotCovered + " not covered  " + g.NeverSynced + " never synced  " + g.Mixed + " mixed",
		g.InMap + " in map  " + g.Excluded + " excluded  " + g.NotCovered + " no rule  " + g.NeverSynced + " never  " + g.Mixed + " mixed",
		g.InMap + " map " + g.Excluded + " excl " + g.NotCovered + " no rule " + g.NeverSynced + " never " + g.Mixed + " mixed",
	}
}

// legends are the header's explanations of the marks, the longest first:
// WriteHeader writes the first that fits (both parts, then the scope
// part alone, each in its shorter wordings).
func (g *Glyphs) legends() []string {
	ss, change := g.ScopeLegend(), "   "+g.ChangeLegend()[0]
	out := make([]string, 0, 2*len(ss))
	for _, sc := range ss[:2] {
		out = append(out, "   "+sc+change)
	}
	for _, sc := range ss {
		out = append(out, "   "+sc)
	}
	return out
}
