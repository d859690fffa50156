package views

import (
	"strconv"
	"strings"

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
// the visible plan lines, the footer.
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
		off := min(max(p.Offset, 0), max(len(p.Lines)-body, 0))
		end := min(off+body, len(p.Lines))
		for _, l := range p.Lines[off:end] {
			out = append(out, planLine(s, l, width))
		}
		if more := len(p.Lines) - end; more > 0 && len(out) > 1 {
			// The last line says how much is below, itself included
			// (never cut into a wrong number: FirstFit drops words, not
			// digits).
			n, down := strconv.Itoa(more+1), s.glyph("↓", "v")
			out[len(out)-1] = s.Dim.Render(conFit(FirstFit(width,
				"  "+down+" "+n+" more lines (j/pgdn)", "  "+down+" "+n+" more", n+"+"), width))
		}
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

func planLine(s ConsoleStyles, l PlanLine, width int) string {
	if s.ASCII {
		l.Text = ASCIIText(l.Text)
	}
	switch l.Kind {
	case PlanHeading:
		return s.Title.Render(conFit(l.Text, width))
	case PlanCommand:
		return s.paint(s.Normal, s.sgr.normal, conFit("  "+l.Text, width))
	case PlanNotSynced:
		return s.paint(s.Warn, s.sgr.warn, conFit(s.glyph("  ○ ", "  o ")+l.Text, width))
	case PlanOutside:
		g := GlyphSet(s.ASCII)
		return s.paint(s.Warn, s.sgr.warn, conFit("  "+g.Scope(l.Scope)+" "+l.Text, width))
	case PlanWarning:
		return s.paint(s.Warn, s.sgr.warn, conFit(s.glyph("  ⚠ ", "  ! ")+l.Text, width))
	case PlanRefusal:
		return s.paint(s.Err, s.sgr.err, conFit(s.glyph("  ✗ ", "  x ")+l.Text, width))
	case PlanOK:
		return s.OK.Render(conFit(s.glyph("✓ ", "ok ")+l.Text, width))
	}
	return s.paint(s.Normal, s.sgr.normal, conFit(l.Text, width))
}
