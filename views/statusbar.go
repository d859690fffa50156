package views

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// ConsoleStyles are the styles of the console's own screens (pair list,
// HA, log, status bar, help). The console builds them once per theme and
// background (lipgloss.LightDark) and passes them in: views keep no
// package-level style. The palette is blue / orange, readable by
// colour-blind users; a glyph always carries the meaning as well.
type ConsoleStyles struct {
	Title, Header, Selected, Dim, Normal lipgloss.Style
	OK, Warn, Err                        lipgloss.Style
	Key, Desc                            lipgloss.Style
	Tab, TabActive                       lipgloss.Style
	Bar, BarErr                          lipgloss.Style
	Dialog                               lipgloss.Style
	// ASCII replaces the console's glyphs with ASCII (terminals that
	// disagree on the width of ● ✓ ✗).
	ASCII bool

	// sgr are the escape sequences of the per-line styles, made once, so
	// that a list of rows is painted without a lipgloss render per row.
	sgr lineSGR
}

type lineSGR struct {
	ok                          bool
	selected, normal, warn, err string
}

// withSGR caches the per-line styles' escape sequences.
func (s ConsoleStyles) withSGR() ConsoleStyles {
	s.sgr = lineSGR{ok: true, selected: sgrPrefix(s.Selected), normal: sgrPrefix(s.Normal),
		warn: sgrPrefix(s.Warn), err: sgrPrefix(s.Err)}
	return s
}

// paint styles a line already fitted to its width: the cached sequence
// and a reset, or the style's render when the styles were built by hand.
func (s ConsoleStyles) paint(st lipgloss.Style, sgr, line string) string {
	if !s.sgr.ok {
		return st.Render(line)
	}
	if sgr == "" {
		return line
	}
	return sgr + line + "\x1b[m"
}

// NewConsoleStyles builds the styles for a dark or light background.
func NewConsoleStyles(isDark bool) ConsoleStyles {
	ld := lipgloss.LightDark(isDark)
	var (
		fg     = ld(lipgloss.Color("#1c1c1c"), lipgloss.Color("#e4e4e4"))
		dim    = ld(lipgloss.Color("#6c6c6c"), lipgloss.Color("#8a8a8a"))
		blue   = ld(lipgloss.Color("#005faf"), lipgloss.Color("#5fafff"))
		orange = ld(lipgloss.Color("#af5f00"), lipgloss.Color("#ffaf5f"))
		selBg  = ld(lipgloss.Color("#d0d0d0"), lipgloss.Color("#3a3a3a"))
		barBg  = ld(lipgloss.Color("#e4e4e4"), lipgloss.Color("#262626"))
		errBg  = ld(lipgloss.Color("#ffd7af"), lipgloss.Color("#5f3700"))
	)
	base := lipgloss.NewStyle()
	return ConsoleStyles{
		Title:     base.Bold(true).Foreground(blue),
		Header:    base.Bold(true).Foreground(dim),
		Selected:  base.Background(selBg).Foreground(fg).Bold(true),
		Dim:       base.Foreground(dim),
		Normal:    base.Foreground(fg),
		OK:        base.Foreground(blue),
		Warn:      base.Foreground(orange),
		Err:       base.Foreground(orange).Bold(true),
		Key:       base.Foreground(blue).Bold(true),
		Desc:      base.Foreground(dim),
		Tab:       base.Foreground(dim).Padding(0, 1),
		TabActive: base.Foreground(blue).Bold(true).Underline(true).Padding(0, 1),
		Bar:       base.Background(barBg).Foreground(fg),
		BarErr:    base.Background(errBg).Foreground(fg).Bold(true),
		Dialog:    base.Border(lipgloss.RoundedBorder()).BorderForeground(orange).Padding(0, 1),
	}.withSGR()
}

// PlainConsoleStyles are styles without colour or attributes (NO_COLOR,
// golden tests).
func PlainConsoleStyles() ConsoleStyles {
	s := lipgloss.NewStyle()
	return ConsoleStyles{
		Title: s, Header: s, Selected: s.Reverse(true), Dim: s, Normal: s,
		OK: s, Warn: s, Err: s, Key: s, Desc: s,
		Tab: s.Padding(0, 1), TabActive: s.Padding(0, 1).Underline(true),
		Bar: s, BarErr: s,
		Dialog: s.Border(lipgloss.NormalBorder()).Padding(0, 1),
	}.withSGR()
}

// glyph returns the console glyph or its ASCII fallback.
func (s ConsoleStyles) glyph(uni, ascii string) string {
	if s.ASCII {
		return ascii
	}
	return uni
}

// StatusBar renders one line: left and right parts, left truncated first,
// measured by display width. err draws it as an error notice.
func StatusBar(s ConsoleStyles, width int, left, right string, err bool) string {
	if width <= 0 {
		return ""
	}
	st := s.Bar
	if err {
		st = s.BarErr
	}
	rw := Width(right)
	if rw > width/2 {
		right = Truncate(right, width/2, GlyphSet(s.ASCII).Ellipsis)
		rw = Width(right)
	}
	lw := width - rw - 1
	if lw < 0 {
		lw = 0
	}
	line := s.cut(left, lw) + " " + right
	return st.Render(s.cut(line, width))
}

// cut is conFit with the cut mark of the styles' glyphs: "…", or "$"
// under ASCII (as Glyphs.Ellipsis).
func (s ConsoleStyles) cut(t string, w int) string {
	if !s.ASCII {
		return conFit(t, w)
	}
	if w > 0 && plainASCII(t) && len(t) <= w {
		return conFit(t, w)
	}
	return PadRight(t, w, "$")
}

// conFit truncates s to w display cells and pads it to exactly w.
// Printable ASCII (most of a console's text) is measured by its length,
// without grapheme segmentation.
func conFit(s string, w int) string {
	if w > 0 && plainASCII(s) {
		switch {
		case len(s) == w:
			return s
		case len(s) < w:
			return s + strings.Repeat(" ", w-len(s))
		}
	}
	return PadRight(s, w, "…")
}

// plainASCII reports whether s is printable ASCII only (no escape
// sequence, no wide character): one byte, one cell.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// conLines makes text exactly h lines of exactly w cells (cut or padded).
func conLines(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range h {
		if i < len(lines) {
			out[i] = conFit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return strings.Join(out, "\n")
}

// fittedLines makes exactly h lines of lines that are already w cells
// wide (padding with blank lines, cutting extra ones).
func fittedLines(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	blank := strings.Repeat(" ", max(w, 0))
	for len(lines) < h {
		lines = append(lines, blank)
	}
	return strings.Join(lines, "\n")
}

// PlainLines renders text lines in width x height cells, normal style.
func PlainLines(s ConsoleStyles, lines []string, width, height int) string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, s.Normal.Render(conFit(l, width)))
	}
	return conLines(out, width, height)
}
