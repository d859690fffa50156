package views

import (
	"strings"
	"sync"

	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// Glyphs is the one vocabulary of marks the console and `hasync diff
// --format side` share: the marks themselves are backend/diff's table
// (diff.Glyphs, embedded, so there is one), which also says what each
// means ('+' only on the target, '-' only on the source, '~' on both with
// other values, '⇄' moved; '●' in the map, '○' excluded, '·' not covered,
// '⊘' never synced, '◐' a fold of several scopes). Each mark is one cell
// wide; meaning never rests on colour alone. Glyphs adds the console's own
// marks: folds, cursor, breadcrumb, column rule, cut and separator.
//
// The ASCII set, for terminals that disagree on the width of these
// characters (East Asian ambiguous width) or lack the font: '+' '-' '~'
// '^' and '*' 'o' '.' '!' '&'.
type Glyphs struct {
	diff.Glyphs
	// Fold leads the summary of folded unchanged lines; Cursor marks the
	// selected row; Crumb leads the breadcrumb; Sep is the column rule.
	Fold, Cursor, Crumb, Sep string
	// Ellipsis marks a cut text; Dot separates the parts of a status.
	Ellipsis, Dot string
}

// UnicodeGlyphs is the default set: diff.UnicodeGlyphs' marks.
var UnicodeGlyphs = Glyphs{
	Glyphs: diff.UnicodeGlyphs,
	Fold:   "…", Cursor: "▶", Crumb: "▸", Sep: "│", Ellipsis: "…", Dot: " · ",
}

// ASCIIGlyphs is the fallback set, every mark one byte: diff.ASCIIGlyphs'
// marks.
var ASCIIGlyphs = Glyphs{
	Glyphs: diff.ASCIIGlyphs,
	Fold:   "...", Cursor: ">", Crumb: ">", Sep: "|", Ellipsis: "$", Dot: ", ", // "$" marks a cut line as nano does; "~" is a change mark
}

// GlyphSet returns the ASCII set when ascii is set, else the Unicode one.
func GlyphSet(ascii bool) Glyphs {
	if ascii {
		return ASCIIGlyphs
	}
	return UnicodeGlyphs
}

// Change is the change mark of a row kind (diff.Glyphs.Change's).
func (g *Glyphs) Change(k diff.Kind) string {
	return g.Glyphs.Change(&diff.Row{Kind: k})
}

// Scope is the scope mark of a scope (diff.Glyphs.Scope's).
func (g *Glyphs) Scope(s syncmap.Scope) string {
	return g.Glyphs.Scope(&diff.Row{Scope: s})
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

// asciiText is the console's text glyphs and their ASCII spellings: the
// marks of both glyph sets, then the punctuation and arrows the console's
// sentences use (" · " between parts, "…" for "in progress", arrows). It
// is made on first use, not at process start.
var asciiText = sync.OnceValue(func() *strings.Replacer {
	u, a := UnicodeGlyphs, ASCIIGlyphs
	pairs := []string{
		u.Dot, " - ", // the list title's separator, not ", ": counts hold commas
		"·", "-", u.Fold, a.Fold, u.Cursor, a.Cursor, u.Crumb, a.Crumb, u.Sep, a.Sep,
		"→", "->", "←", "<-", "↑", "^", "↓", "v", "⇄", "<>", "—", "--", "–", "-",
		"✓", "ok", "✗", "x", "⚠", "!", "⊘", "!", "●", "*", "○", "o", "◐", "&",
	}
	return strings.NewReplacer(pairs...)
})

// ASCIIText spells the console's glyphs in text (the arrows, "·", "…",
// the marks) in ASCII, for --ascii; other text, a device's own included,
// is left as it is.
func ASCIIText(s string) string {
	if plainASCII(s) {
		return s
	}
	return asciiText().Replace(s)
}

// asciiText is p with its texts spelt by ASCIIText (the lines are spelt
// as they are drawn, only those on screen).
func (p PlanScreen) asciiText() PlanScreen {
	for _, f := range []*string{&p.Title, &p.Busy, &p.ApplyLabel, &p.Disabled, &p.Prompt, &p.Input} {
		*f = ASCIIText(*f)
	}
	return p
}

// asciiCuts marks the cut lines of a frame whose texts are ASCII with the
// ASCII set's Ellipsis instead of "…" (both one cell, so the frame keeps
// its widths); under Unicode it returns frame as it is.
func (s ConsoleStyles) asciiCuts(frame string) string {
	if !s.ASCII {
		return frame
	}
	return strings.ReplaceAll(frame, UnicodeGlyphs.Ellipsis, ASCIIGlyphs.Ellipsis)
}
