package views

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme is what the styles are built for. The tui package learns Dark from
// tea.BackgroundColorMsg and NoColor from the session's environment or
// colour profile (never from os.Getenv in code a served session runs).
type Theme struct {
	// Dark: the terminal's background is dark.
	Dark bool
	// NoColor: no colour at all (NO_COLOR, a no-colour profile); marks and
	// attributes (bold, underline, reverse) still carry the meaning.
	NoColor bool
	// ColorBlind: blue for what the target gains, orange for what it
	// loses, instead of green and red.
	ColorBlind bool
	// ASCII: the ASCII glyph fallback (ASCIIGlyphs), for terminals that
	// draw East Asian ambiguous-width characters (● ○ ⊘ ⇄ │ …) two cells
	// wide, as CJK locales often do, or whose font lacks them.
	ASCII bool
}

// Styles is the one style bundle of a session, rebuilt when the theme
// changes: no package-level styles.
type Styles struct {
	Theme  Theme
	Glyphs Glyphs

	// General entries for every view.
	Title, Header, Muted, Selected, Error, Warn, OK, Border, Key, Desc lipgloss.Style

	// The Diff tab's, also kept as raw SGR prefixes (seg) so that a frame
	// costs no lipgloss Render per cell.
	Added, Removed, Changed, Moved lipgloss.Style
	EmphAdded, EmphRemoved         lipgloss.Style
	Match                          lipgloss.Style
	ScopeIn, ScopeExcluded         lipgloss.Style
	ScopeOutside, ScopeProtected   lipgloss.Style
	Crumb                          lipgloss.Style

	seg [2][nSeg]string // [cursor row?][segment style] → SGR prefix ("" = plain)
}

// seg is a style of a run of text inside a Diff row.
type seg uint8

const (
	segText seg = iota
	segMuted
	segAdded
	segRemoved
	segChanged
	segMoved
	segEmphAdded
	segEmphRemoved
	segMatch
	segScopeIn
	segScopeExcluded
	segScopeOutside
	segScopeProtected
	segHeader
	segCrumb
	segTitle
	segKey
	segWarn
	nSeg
)

// sgrReset ends every styled run.
const sgrReset = "\x1b[m"

// palette is the colours of one theme.
type palette struct {
	muted, accent, added, removed, changed, moved, warn color.Color
	emphAddedBG, emphRemovedBG, cursorBG                color.Color
}

func newPalette(t Theme) palette {
	ld := lipgloss.LightDark(t.Dark)
	c := lipgloss.Color
	p := palette{
		muted:    ld(c("#6C6C6C"), c("#8A8A8A")),
		accent:   ld(c("#005F87"), c("#87D7FF")),
		warn:     ld(c("#AF5F00"), c("#FFAF00")),
		cursorBG: ld(c("#DADAEE"), c("#30304A")),
	}
	if t.ColorBlind {
		// Okabe-Ito: blue gains, orange/vermillion loses, purple changes.
		p.added = ld(c("#0072B2"), c("#56B4E9"))
		p.removed = ld(c("#D55E00"), c("#E69F00"))
		p.changed = ld(c("#A0456F"), c("#CC79A7"))
		p.moved = ld(c("#007A5A"), c("#2FBF91"))
		p.emphAddedBG = ld(c("#CCE5FF"), c("#00406E"))
		p.emphRemovedBG = ld(c("#FFE0B3"), c("#6B3A00"))
	} else {
		p.added = ld(c("#00875F"), c("#5FD75F"))
		p.removed = ld(c("#D70000"), c("#FF5F5F"))
		p.changed = ld(c("#875F00"), c("#FFD75F"))
		p.moved = ld(c("#8700AF"), c("#D787FF"))
		p.emphAddedBG = ld(c("#D7FFD7"), c("#005F00"))
		p.emphRemovedBG = ld(c("#FFD7D7"), c("#5F0000"))
	}
	return p
}

// NewStyles builds the styles for a theme.
func NewStyles(t Theme) *Styles {
	s := &Styles{Theme: t, Glyphs: GlyphSet(t.ASCII)}
	n := lipgloss.NewStyle
	if t.NoColor {
		s.Title = n().Bold(true)
		s.Header = n().Bold(true)
		s.Muted, s.Border, s.Desc, s.Crumb = n(), n(), n(), n()
		s.Selected = n().Reverse(true)
		s.Error, s.Warn, s.OK, s.Key = n().Bold(true), n().Bold(true), n(), n().Bold(true)
		s.Added, s.Removed, s.Changed, s.Moved = n(), n(), n(), n()
		s.EmphAdded, s.EmphRemoved = n().Underline(true), n().Underline(true)
		s.Match = n().Reverse(true)
		s.ScopeIn, s.ScopeExcluded, s.ScopeOutside, s.ScopeProtected = n().Bold(true), n(), n(), n().Bold(true)
	} else {
		p := newPalette(t)
		s.Title = n().Bold(true).Foreground(p.accent)
		s.Header = n().Bold(true)
		s.Muted = n().Foreground(p.muted)
		s.Border = n().Foreground(p.muted)
		s.Desc = n().Foreground(p.muted)
		s.Key = n().Foreground(p.accent)
		s.Crumb = n().Foreground(p.accent)
		s.Selected = n().Background(p.cursorBG)
		s.Error = n().Bold(true).Foreground(p.removed)
		s.Warn = n().Foreground(p.warn)
		s.OK = n().Foreground(p.added)
		s.Added = n().Foreground(p.added)
		s.Removed = n().Foreground(p.removed)
		s.Changed = n().Foreground(p.changed)
		s.Moved = n().Foreground(p.moved)
		s.EmphAdded = n().Foreground(p.added).Background(p.emphAddedBG).Bold(true)
		s.EmphRemoved = n().Foreground(p.removed).Background(p.emphRemovedBG).Bold(true)
		s.Match = n().Reverse(true).Bold(true)
		s.ScopeIn = n().Bold(true).Foreground(p.accent)
		s.ScopeExcluded = n().Foreground(p.moved)
		s.ScopeOutside = n().Foreground(p.muted)
		s.ScopeProtected = n().Bold(true).Foreground(p.warn)
	}
	base := [nSeg]lipgloss.Style{
		segText: n(), segMuted: s.Muted, segAdded: s.Added, segRemoved: s.Removed,
		segChanged: s.Changed, segMoved: s.Moved, segEmphAdded: s.EmphAdded,
		segEmphRemoved: s.EmphRemoved, segMatch: s.Match, segScopeIn: s.ScopeIn,
		segScopeExcluded: s.ScopeExcluded, segScopeOutside: s.ScopeOutside,
		segScopeProtected: s.ScopeProtected, segHeader: s.Header, segCrumb: s.Crumb,
		segTitle: s.Title, segKey: s.Key, segWarn: s.Warn,
	}
	for i, st := range base {
		s.seg[0][i] = sgrPrefix(st)
		cur := st
		if t.NoColor {
			cur = cur.Bold(true)
		} else if _, unset := st.GetBackground().(lipgloss.NoColor); unset {
			cur = cur.Background(s.Selected.GetBackground())
		}
		s.seg[1][i] = sgrPrefix(cur)
	}
	return s
}

// sgrPrefix is the escape sequence a style puts before its text, "" for a
// plain style.
func sgrPrefix(st lipgloss.Style) string {
	out := st.Render("x")
	i := strings.IndexByte(out, 'x')
	if i < 0 {
		return ""
	}
	return out[:i]
}
