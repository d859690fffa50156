package views

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/syncmap"
)

// PlanLineKind is what a line of the plan screen shows; it picks the
// line's style and glyph (meaning never rests on colour alone).
type PlanLineKind int

const (
	// PlanText is plain text (direction, counts, notes).
	PlanText PlanLineKind = iota
	// PlanHeading names a section (Commands, Not synced, Warnings).
	PlanHeading
	// PlanCommand is one device command as it would be typed (masked).
	PlanCommand
	// PlanNotSynced is a difference the sync leaves, with why.
	PlanNotSynced
	// PlanWarning is a warning of the plan or of the schema check.
	PlanWarning
	// PlanRefusal is a command the schema refuses (nothing is sent).
	PlanRefusal
	// PlanOK says nothing remains (equal) or the sync succeeded.
	PlanOK
	// PlanOutside is a difference outside the map, with why: marked by
	// its Scope as the Diff view marks it (not covered, excluded, never
	// synced), not by one mark for all.
	PlanOutside
)

// PlanLine is one line of the plan screen.
type PlanLine struct {
	Kind PlanLineKind
	Text string
	// Scope is a PlanOutside line's scope (its mark).
	Scope syncmap.Scope
}

// PlanScreen is the plan of a sync (or a rollback, or a device-native
// sync) and its confirmation: the plan's lines, scrolled, and a footer
// with [ Cancel ] and [ Apply ]. Cancel has the focus when it opens.
type PlanScreen struct {
	Title string
	Lines []PlanLine
	// Offset is the first of Lines shown.
	Offset int
	// Busy, when set, is shown instead of the lines (computing the plan).
	Busy string
	// ApplyLabel names the Apply button ("Apply 12 commands to vra-b").
	ApplyLabel string
	// ApplyFocused: Apply has the focus (else Cancel).
	ApplyFocused bool
	// Disabled, when set, says why Apply is disabled (read-only, the
	// schema refuses, nothing to send); Apply is drawn as disabled.
	Disabled string
	// Prompt and Input, when Prompt is set, ask to type the device's
	// name: Prompt says why, Input is the text input's view.
	Prompt, Input string
}

// PlanFooter is the number of lines the footer takes: the buttons, and
// a line for the reason Apply is disabled or for the name prompt (two
// for the prompt: why, and the input).
func PlanFooter(p *PlanScreen) int {
	switch {
	case p.Prompt != "":
		return 3
	case p.Disabled != "":
		return 2
	}
	return 1
}

// PlanBodyHeight is the number of plan lines shown in height lines.
func PlanBodyHeight(p *PlanScreen, height int) int {
	return max(height-1-PlanFooter(p), 1)
}

// Plan renders the plan screen in width x height cells: a title line,
// the visible plan lines, the footer. A line wider than the screen is
// wrapped, not cut (trial 15 T1): a command is what the user confirms,
// and two commands cut alike look the same. Offset counts plan lines,
// not rows: j/k move by a line (a command and its continuation rows).
func Plan(s ConsoleStyles, p PlanScreen, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if s.ASCII {
		p = p.asciiText() // --ascii: the texts' glyphs (arrows, dots) spelt in ASCII
	}
	out := make([]string, 0, height)
	out = append(out, s.Title.Render(conFit(p.Title, width)))
	body := PlanBodyHeight(&p, height)
	if p.Busy != "" {
		out = append(out, s.Dim.Render(conFit(p.Busy, width)))
	} else {
		off := min(max(p.Offset, 0), planMaxOffset(s, p.Lines, width, body))
		rows, next := planFill(s, p.Lines, off, width, body)
		if next < len(p.Lines) {
			// The last row says how many lines are below (those not
			// shown whole); never cut into a wrong number: FirstFit
			// drops words, not digits.
			rows, next = planFill(s, p.Lines, off, width, body-1)
			for len(rows) < body-1 {
				rows = append(rows, strings.Repeat(" ", width)) // the count at the body's foot
			}
			n, down := strconv.Itoa(len(p.Lines)-next), s.glyph("↓", "v")
			rows = append(rows, s.Dim.Render(conFit(FirstFit(width,
				"  "+down+" "+n+" more lines (j/pgdn)", "  "+down+" "+n+" more", n+"+"), width)))
		}
		out = append(out, rows...)
	}
	for len(out) < height-PlanFooter(&p) {
		out = append(out, strings.Repeat(" ", width))
	}
	out = out[:min(len(out), max(height-PlanFooter(&p), 1))]
	switch {
	case p.Prompt != "":
		out = append(out, s.Warn.Render(conFit(p.Prompt, width)), conFit(p.Input, width))
	case p.Disabled != "":
		out = append(out, s.Warn.Render(conFit(s.glyph("⊘ ", "! ")+p.Disabled, width)))
	}
	out = append(out, planButtons(s, p, width))
	return s.asciiCuts(fittedLines(out, width, height))
}

// planFill is the rows of lines from off in body rows, and the index of
// the first line not shown whole: a line the body's foot cuts shows its
// first rows, as a pager does (the count below includes it).
func planFill(s ConsoleStyles, lines []PlanLine, off, width, body int) (rows []string, next int) {
	for next = off; next < len(lines); next++ {
		r := planRows(s, lines[next], width)
		if len(rows)+len(r) > body {
			rows = append(rows, r[:max(body-len(rows), 0)]...)
			break
		}
		rows = append(rows, r...)
	}
	return rows, next
}

// planMaxOffset is the largest offset worth scrolling to: the first of
// the last lines that fit whole in body rows (only those are wrapped).
func planMaxOffset(s ConsoleStyles, lines []PlanLine, width, body int) int {
	used := 0
	for i := len(lines) - 1; i >= 0; i-- {
		used += len(planRows(s, lines[i], width))
		if used > body {
			return min(i+1, len(lines)-1)
		}
	}
	return 0
}

// PlanScroll is the plan's offset after a scroll of n lines (n < 0 up),
// or of a page (page: -1 up, 1 down) in width x height cells, as Plan
// draws it: a page down starts at the first line not shown whole, a page
// up ends where the shown page began.
func PlanScroll(s ConsoleStyles, p PlanScreen, width, height, n, page int) int {
	if s.ASCII {
		p = p.asciiText()
	}
	body := PlanBodyHeight(&p, height)
	last := planMaxOffset(s, p.Lines, width, body)
	off := min(max(p.Offset, 0), last)
	switch {
	case page > 0:
		_, next := planFill(s, p.Lines, off, width, max(body-1, 1)) // a "more" row takes the last
		off = max(next, off+1)
	case page < 0:
		used, i := 0, off
		for i > 0 {
			used += len(planRows(s, p.Lines[i-1], width))
			if used > max(body-1, 1) {
				break
			}
			i--
		}
		off = min(i, off-1)
	default:
		off += n
	}
	return min(max(off, 0), last)
}

// planButtons is the footer's button line.
func planButtons(s ConsoleStyles, p PlanScreen, width int) string {
	cancel, apply := "[ Cancel ]", "[ "+p.ApplyLabel+" ]"
	switch {
	case p.ApplyLabel == "":
		apply = "" // no plan (yet): nothing to apply
	case p.Disabled != "":
		apply = "[ " + p.ApplyLabel + " (disabled) ]"
	}
	// The focused button is marked by a glyph too, not only by style.
	mark := s.glyph("▸", ">")
	if p.ApplyFocused && p.Disabled == "" {
		apply = mark + apply
		cancel = " " + cancel
	} else {
		cancel = mark + cancel
		apply = " " + apply
	}
	dot := GlyphSet(s.ASCII).Dot
	hint := "  tab switches" + dot + "enter presses" + dot + "esc closes"
	line := cancel + "  " + apply
	if Width(line+hint) <= width {
		line += hint
	}
	if Width(line) > width {
		// Narrow: the button labels shorten before anything is cut.
		short := " Apply"
		if p.Disabled != "" {
			short = " Apply (off)"
		}
		if p.ApplyFocused && p.Disabled == "" {
			line = " Cancel  " + mark + short[1:]
		} else {
			line = mark + "Cancel " + short
		}
	}
	pad := conFit(line, width)
	if p.ApplyFocused && p.Disabled == "" {
		return s.paint(s.Selected, s.sgr.selected, pad)
	}
	return s.paint(s.Normal, s.sgr.normal, pad)
}

// planRows is line l as drawn in width cells: one row, or, when its
// text is wider, its words wrapped, the next rows indented under the
// text (a command's under the command, past its number).
func planRows(s ConsoleStyles, l PlanLine, width int) []string {
	if s.ASCII {
		l.Text = ASCIIText(l.Text)
	}
	var lead string
	style, sgr := s.Normal, s.sgr.normal
	text := l.Text
	switch l.Kind {
	case PlanHeading:
		// no lead; drawn in the title style below
	case PlanCommand:
		// "%4d  command": the number stays on the first row.
		k := len(text) - len(strings.TrimLeft(text, " "))
		k += len(text[k:]) - len(strings.TrimLeft(text[k:], "0123456789"))
		k += len(text[k:]) - len(strings.TrimLeft(text[k:], " "))
		lead, text = "  "+text[:k], text[k:]
	case PlanNotSynced:
		lead, style, sgr = s.glyph("  ○ ", "  o "), s.Warn, s.sgr.warn
	case PlanOutside:
		g := GlyphSet(s.ASCII)
		lead, style, sgr = "  "+g.Scope(l.Scope)+" ", s.Warn, s.sgr.warn
	case PlanWarning:
		lead, style, sgr = s.glyph("  ⚠ ", "  ! "), s.Warn, s.sgr.warn
	case PlanRefusal:
		lead, style, sgr = s.glyph("  ✗ ", "  x "), s.Err, s.sgr.err
	case PlanOK:
		lead = s.glyph("✓ ", "ok ")
	}
	indent := Width(lead)
	if l.Kind == PlanText || l.Kind == PlanHeading {
		indent = 2
	}
	if width-indent < 12 {
		indent = min(indent, max(width/4, 0)) // narrow: room for the text first
	}
	parts := wrapText(text, width-Width(lead), width-indent)
	rows := make([]string, len(parts))
	pad := strings.Repeat(" ", indent)
	for i, part := range parts {
		row := pad + part
		if i == 0 {
			row = lead + part
		}
		switch l.Kind {
		case PlanOK:
			rows[i] = s.OK.Render(conFit(row, width))
			continue
		case PlanHeading:
			rows[i] = s.Title.Render(conFit(row, width))
			continue
		}
		rows[i] = s.paint(style, sgr, conFit(row, width))
	}
	return rows
}

// wrapText cuts text into rows of at most first cells, then rest cells,
// at a space where one is, else inside the word. The break stands for
// one space; the others of a run stay, at the next row's start, where
// they show (a value's spaces are the value's).
func wrapText(text string, first, rest int) []string {
	var out []string
	room := first
	for Width(text) > room {
		cut := ansi.Truncate(text, max(room, 0), "")
		if cut == "" {
			return append(out, text) // not one cell of room: the row is cut
		}
		i := len(cut)
		if text[i] != ' ' {
			i = strings.LastIndexByte(cut, ' ')
		}
		for i > 0 && text[i-1] == ' ' {
			i--
		}
		if i <= 0 {
			out, text = append(out, cut), text[len(cut):] // one word wider than the row
		} else {
			out, text = append(out, text[:i]), text[i+1:]
		}
		room = rest
	}
	return append(out, text)
}
