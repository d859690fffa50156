package views

import (
	"cmp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Widths are display cells as a terminal draws them (x/ansi, grapheme
// clusters: a CJK character is two cells, a combining mark none), never
// bytes or runes. Strings may carry ANSI sequences, which take no cell.

// Width is the display width of s in cells.
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate cuts s to at most w cells, ending it with tail when it was cut
// (the tail counts in w).
func Truncate(s string, w int, tail string) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, tail)
}

// PadRight cuts s to w cells (with tail) and pads it with spaces to exactly
// w cells.
func PadRight(s string, w int, tail string) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, tail)
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// Fit makes a block of exactly h lines, each cut and padded to w cells:
// what every view returns, so the layout around it never breaks.
func Fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return strings.TrimSuffix(strings.Repeat("\n", max(h, 0)), "\n")
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		b.WriteString(PadRight(l, w, ""))
	}
	return b.String()
}

// FirstFit is the first of forms (each a whole wording, the longest
// first) that fits in w cells, "" when none does: what a narrow view
// shows instead of cutting a count or a state.
func FirstFit(w int, forms ...string) string {
	for _, f := range forms {
		if Width(f) <= w {
			return f
		}
	}
	return ""
}

// fitOrLast is FirstFit of forms, else the last (shortest) form, which
// the caller cuts.
func fitOrLast(w int, forms []string) string {
	return cmp.Or(FirstFit(w, forms...), forms[len(forms)-1])
}
