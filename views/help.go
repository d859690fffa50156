package views

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
)

// HelpGroup is a titled group of key bindings.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
	// Off names, by their help key, the bindings that do nothing in this
	// console, and Why says why (a viewer's "read-only: your key's role
	// is viewer"): they are listed dimmed and marked ✗, and the group
	// ends with ✗ and Why (a line as narrow as the help's columns).
	Off map[string]bool
	Why string
}

// lines are the group's help lines: one per enabled binding (keys, then
// what it does; a disabled one marked), then why some are disabled.
func (g HelpGroup) lines(s ConsoleStyles, keyW int) []string {
	mark := "✗ "
	if s.ASCII {
		mark = "- " // x is a key
	}
	var out []string
	off := false
	for _, b := range g.Bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		// Lines are not padded here: helpColumns cuts them to their
		// column, conLines to the width (padding first would make every
		// line too long for its column, cut with a stray "…").
		line := "  " + s.Key.Render(conFit(h.Key, keyW)) + "  " + s.Desc.Render(h.Desc)
		if g.Off[h.Key] {
			// The mark takes the indent: the line is no wider.
			off = true
			line = s.Dim.Render(mark + conFit(h.Key, keyW) + "  " + h.Desc)
		}
		out = append(out, line)
	}
	if off && g.Why != "" {
		out = append(out, s.Dim.Render(mark+g.Why))
	}
	return out
}

// Help renders the full help built from the key map: one line per
// enabled binding (keys, then what it does), groups one after another,
// in width x height cells, the title kept and the rest from line offset
// (HelpLen tells how far it scrolls).
func Help(s ConsoleStyles, groups []HelpGroup, offset, width, height int) string {
	keyW := 0
	for _, g := range groups {
		for _, b := range g.Bindings {
			if b.Enabled() {
				keyW = max(keyW, textWidth(b.Help().Key))
			}
		}
	}
	var body []string
	var blocks [][]string // per group: its heading, then its lines
	for _, g := range groups {
		block := append([]string{s.Header.Render(g.Title)}, g.lines(s, keyW)...)
		blocks = append(blocks, block)
		body = append(body, block...)
	}
	title := "Keys   (? or esc closes)"
	rows := max(height-1, 1)
	if cols := helpPack(s, groups, blocks, rows); len(cols) > 1 && width/len(cols) >= 36 {
		// Side by side when the columns fit: everything at once.
		return helpColumns(s, title, cols, width, height)
	}
	if len(body) > rows {
		title = "Keys   (? or esc closes, j/k scroll)"
	}
	offset = min(max(offset, 0), max(len(body)-(height-1), 0))
	lines := append([]string{s.Title.Render(conFit(title, width))}, body[offset:]...)
	return conLines(lines, width, height)
}

// helpPack lays the groups' blocks (heading, then lines) out in columns
// of rows lines: a group that fits in a column is never split (it starts
// the next column instead); one longer than a column goes on in the next
// under its heading marked "(continued)", so every column starts with a
// heading and no key reads as another group's.
func helpPack(s ConsoleStyles, groups []HelpGroup, blocks [][]string, rows int) [][]string {
	if rows < 2 {
		return nil
	}
	var cols [][]string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			cols = append(cols, cur)
			cur = nil
		}
	}
	for gi, block := range blocks {
		if len(cur) > 0 && (len(cur)+len(block) > rows && len(block) <= rows || len(cur)+2 > rows) {
			flush()
		}
		cur = append(cur, block[0])
		for _, line := range block[1:] {
			if len(cur) == rows {
				flush()
				cur = append(cur, s.Header.Render(groups[gi].Title+" (continued)"))
			}
			cur = append(cur, line)
		}
	}
	flush()
	return cols
}

// helpColumns lays the columns out side by side under the title.
func helpColumns(s ConsoleStyles, title string, cols [][]string, width, height int) string {
	rows := height - 1
	colW := width / len(cols)
	lines := []string{s.Title.Render(conFit(title, width))}
	for r := range rows {
		var b strings.Builder
		for _, col := range cols {
			cell := ""
			if r < len(col) {
				cell = col[r]
			}
			b.WriteString(conFit(cell, colW))
		}
		lines = append(lines, b.String())
	}
	return conLines(lines, width, height)
}

// HelpLen is the number of lines of the help's body (without its title).
func HelpLen(groups []HelpGroup) int {
	n := 0
	for _, g := range groups {
		n += 1 + len(g.lines(ConsoleStyles{}, 0))
	}
	return n
}

// ShortHelp renders bindings on one line: "key desc  key desc", cut to
// width. The bindings that do not fit are dropped from the end, except
// help's own ("?"), which then takes the last place that fits: it is
// how to find the others.
func ShortHelp(s ConsoleStyles, bindings []key.Binding, width int) string {
	var parts []string
	helpAt := -1
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		if h.Key == "?" {
			helpAt = len(parts)
		}
		parts = append(parts, s.Key.Render(h.Key)+" "+s.Desc.Render(h.Desc))
	}
	join := func(ps []string) string { return strings.Join(ps, "  ") }
	n := len(parts)
	for n > 0 && textWidth(join(parts[:n])) > width {
		n--
	}
	if helpAt >= n {
		for m := n; m >= 0; m-- {
			ps := append(slices.Clone(parts[:m]), parts[helpAt])
			if textWidth(join(ps)) <= width {
				return conFit(join(ps), width)
			}
		}
	}
	return conFit(join(parts[:n]), width)
}
