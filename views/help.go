package views

import (
	"charm.land/bubbles/v2/key"
)

// HelpGroup is a titled group of key bindings.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
}

// Help renders the full help built from the key map: one line per
// enabled binding (keys, then what it does), groups one after another,
// in width x height cells.
func Help(s ConsoleStyles, groups []HelpGroup, width, height int) string {
	keyW := 0
	for _, g := range groups {
		for _, b := range g.Bindings {
			if b.Enabled() {
				keyW = max(keyW, textWidth(b.Help().Key))
			}
		}
	}
	lines := []string{s.Title.Render(conFit("Keys   (? or esc closes)", width))}
	for _, g := range groups {
		lines = append(lines, s.Header.Render(conFit(g.Title, width)))
		for _, b := range g.Bindings {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			k := conFit(h.Key, keyW)
			lines = append(lines, conFit("  "+s.Key.Render(k)+"  "+s.Desc.Render(h.Desc), width))
		}
	}
	return conLines(lines, width, height)
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
