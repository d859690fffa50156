package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// HelpGroup is a titled group of key bindings.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
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
	for _, g := range groups {
		// Lines are not padded here: helpColumns cuts them to their
		// column, conLines to the width (padding first would make every
		// line too long for its column, cut with a stray "…").
		body = append(body, s.Header.Render(g.Title))
		for _, b := range g.Bindings {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			k := conFit(h.Key, keyW)
			body = append(body, "  "+s.Key.Render(k)+"  "+s.Desc.Render(h.Desc))
		}
	}
	title := "Keys   (? or esc closes)"
	rows := max(height-1, 1)
	if n := (len(body) + rows - 1) / rows; n > 1 && width/n >= 36 {
		// Side by side when the columns fit: everything at once.
		return helpColumns(s, title, body, n, width, height)
	}
	if len(body) > rows {
		title = "Keys   (? or esc closes, j/k scroll)"
	}
	offset = min(max(offset, 0), max(len(body)-(height-1), 0))
	lines := append([]string{s.Title.Render(conFit(title, width))}, body[offset:]...)
	return conLines(lines, width, height)
}

// helpColumns lays body out in n columns of height-1 lines.
func helpColumns(s ConsoleStyles, title string, body []string, n, width, height int) string {
	rows := height - 1
	colW := width / n
	lines := []string{s.Title.Render(conFit(title, width))}
	for r := range rows {
		var b strings.Builder
		for c := range n {
			cell := ""
			if i := c*rows + r; i < len(body) {
				cell = body[i]
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
		n++
		for _, b := range g.Bindings {
			if b.Enabled() {
				n++
			}
		}
	}
	return n
}

// ShortHelp renders bindings on one line: "key desc · key desc", cut to
// width.
func ShortHelp(s ConsoleStyles, bindings []key.Binding, width int) string {
	out := ""
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		part := s.Key.Render(h.Key) + " " + s.Desc.Render(h.Desc)
		if out != "" {
			part = "  " + part
		}
		if textWidth(out+part) > width {
			break
		}
		out += part
	}
	return conFit(out, width)
}
