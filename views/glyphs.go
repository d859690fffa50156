package views

import (
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// Glyphs is the one vocabulary of marks the console and `hasync diff
// --format side` share: a change mark per row and a scope mark in a gutter
// that reads like a blame column. Each mark is one cell wide; meaning never
// rests on colour alone.
//
// Change marks say where a line is, not what a sync does with it (the
// detail says that, with the commands): '+' only on the target (right),
// '-' only on the source (left), '~' on both with other values, '⇄' moved
// (the same node at another position inside an ordered parent), ' ' same.
// So the marks read as in `diff SOURCE TARGET`, and a '+' line is one a
// push deletes.
// Scope marks: '●' in the map (a sync makes the target equal), '○'
// excluded by a rule, '·' not covered by any rule, '⊘' never synced (a
// protected path, DOMAIN.md), '◐' a fold hiding lines of several scopes.
//
// The ASCII set, for terminals that disagree on the width of these
// characters (East Asian ambiguous width) or lack the font: '+' '-' '~'
// '^' and '*' 'o' '.' '!' '&'.
type Glyphs struct {
	Same, Added, Removed, Changed, Moved            string
	InMap, Excluded, NotCovered, NeverSynced, Mixed string
	// Fold leads the summary of folded unchanged lines; Cursor marks the
	// selected row; Crumb leads the breadcrumb; Sep is the column rule.
	Fold, Cursor, Crumb, Sep string
	// Ellipsis marks a cut text; Dot separates the parts of a status.
	Ellipsis, Dot string
}

// UnicodeGlyphs is the default set.
var UnicodeGlyphs = Glyphs{
	Same: " ", Added: "+", Removed: "-", Changed: "~", Moved: "⇄",
	InMap: "●", Excluded: "○", NotCovered: "·", NeverSynced: "⊘", Mixed: "◐",
	Fold: "…", Cursor: "▶", Crumb: "▸", Sep: "│", Ellipsis: "…", Dot: " · ",
}

// ASCIIGlyphs is the fallback set: every mark one byte.
var ASCIIGlyphs = Glyphs{
	Same: " ", Added: "+", Removed: "-", Changed: "~", Moved: "^",
	InMap: "*", Excluded: "o", NotCovered: ".", NeverSynced: "!", Mixed: "&",
	Fold: "...", Cursor: ">", Crumb: ">", Sep: "|", Ellipsis: "$", Dot: ", ", // "$" marks a cut line as nano does; "~" is a change mark
}

// GlyphSet returns the ASCII set when ascii is set, else the Unicode one.
func GlyphSet(ascii bool) Glyphs {
	if ascii {
		return ASCIIGlyphs
	}
	return UnicodeGlyphs
}

// Change is the change mark of a row kind.
func (g *Glyphs) Change(k diff.Kind) string {
	switch k {
	case diff.Added:
		return g.Added
	case diff.Removed:
		return g.Removed
	case diff.Changed:
		return g.Changed
	case diff.Moved:
		return g.Moved
	}
	return g.Same
}

// Scope is the scope mark of a scope.
func (g *Glyphs) Scope(s syncmap.Scope) string {
	switch s {
	case syncmap.InScope:
		return g.InMap
	case syncmap.Excluded:
		return g.Excluded
	case syncmap.Protected:
		return g.NeverSynced
	}
	return g.NotCovered
}

// ScopeWord names a scope as the legend and the detail do.
func ScopeWord(s syncmap.Scope) string {
	switch s {
	case syncmap.InScope:
		return "in the map"
	case syncmap.Excluded:
		return "excluded"
	case syncmap.Protected:
		return "never synced"
	}
	return "not covered"
}

// KindWord names a row kind by where the line is: the words of the
// legend and the detail.
func KindWord(k diff.Kind) string {
	switch k {
	case diff.Added:
		return "only on target"
	case diff.Removed:
		return "only on source"
	case diff.Changed:
		return "differs"
	case diff.Moved:
		return "moved"
	}
	return "same"
}
