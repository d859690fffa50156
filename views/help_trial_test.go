package views

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

func helpGroupsOf(sizes map[string]int, order []string) []HelpGroup {
	var gs []HelpGroup
	for _, t := range order {
		g := HelpGroup{Title: t}
		for i := range sizes[t] {
			k := fmt.Sprintf("%s%d", strings.ToLower(t[:1]), i)
			g.Bindings = append(g.Bindings, key.NewBinding(key.WithKeys(k), key.WithHelp(k, t+" key "+fmt.Sprint(i))))
		}
		gs = append(gs, g)
	}
	return gs
}

// TestHelpColumnsKeepGroups (trial 11 defect 13): side by side, a group
// that fits in a column is not split, and one that does not goes on
// under its heading marked "(continued)": every column starts with a
// heading.
func TestHelpColumnsKeepGroups(t *testing.T) {
	order := []string{"Everywhere", "Moving", "Pair list", "Pair view", "Diff tab"}
	gs := helpGroupsOf(map[string]int{"Everywhere": 5, "Moving": 6, "Pair list": 2, "Pair view": 9, "Diff tab": 16}, order)
	out := ansi.Strip(Help(PlainConsoleStyles(), gs, 0, 120, 35))
	lines := strings.Split(out, "\n")
	// Column 2 starts at cell 60: its first line is the Diff tab's heading.
	if len(lines) < 2 || !strings.HasPrefix(strings.TrimSpace(ansi.Cut(lines[1], 60, 120)), "Diff tab") {
		t.Errorf("the second column does not start with the Diff tab's heading:\n%s", out)
	}
	// Longer than a column: continued under its heading.
	gs = helpGroupsOf(map[string]int{"Everywhere": 5, "Diff tab": 40}, []string{"Everywhere", "Diff tab"})
	cols := helpPack(PlainConsoleStyles(), gs, helpBlocks(gs), 20)
	for i, c := range cols {
		first := ansi.Strip(c[0])
		if first != "Everywhere" && first != "Diff tab" && first != "Diff tab (continued)" {
			t.Errorf("column %d starts with %q", i, first)
		}
		if len(c) > 20 {
			t.Errorf("column %d has %d lines", i, len(c))
		}
	}
}

// helpBlocks is Help's blocks of gs (heading, then a line per key).
func helpBlocks(gs []HelpGroup) [][]string {
	var out [][]string
	for _, g := range gs {
		b := []string{g.Title}
		for _, k := range g.Bindings {
			b = append(b, "  "+k.Help().Key)
		}
		out = append(out, b)
	}
	return out
}

// TestShortHelpKeepsHelp (trial 11 defect 18): at 40 columns the status
// line drops keys from the end but keeps "? help", last.
func TestShortHelpKeepsHelp(t *testing.T) {
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	keys := []key.Binding{b("tab", "next tab"), b("esc", "back"), b("S", "sync (plan first)"), b("r", "refresh now"), b("?", "help"), b("q", "quit")}
	for _, w := range []int{30, 40, 60} {
		out := ansi.Strip(ShortHelp(PlainConsoleStyles(), keys, w))
		if !strings.Contains(out, "? help") || ansi.StringWidth(out) != w {
			t.Errorf("%d: %q", w, out)
		}
	}
	if out := ansi.Strip(ShortHelp(PlainConsoleStyles(), keys, 200)); !strings.Contains(out, "? help  q quit") {
		t.Errorf("wide: %q", out)
	}
}
