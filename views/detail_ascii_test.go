package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestDetailMoreASCII: under --ascii the detail's "more lines" hint is
// ASCII too (no ellipsis, no arrow).
func TestDetailMoreASCII(t *testing.T) {
	v := newTestView(t, Theme{NoColor: true, ASCII: true}, 40, 10)
	press(v, "n", "n", "enter")
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "more") {
		t.Fatalf("no hint of the rest:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "more") && strings.ContainsAny(l, "…↓") {
			t.Errorf("non-ASCII hint: %q", l)
		}
	}
}
