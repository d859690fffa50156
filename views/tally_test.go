package views

import (
	"strconv"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// TestDiffHeaderToSync (trial 11 defect 3): the Diff tab's "to sync" is
// what the plan changes and the plan's conflicts are counted apart, the
// two adding up to the in-scope count every front end shows.
func TestDiffHeaderToSync(t *testing.T) {
	d := hrpData(t)
	n := d.Tally
	if n.InScope != d.Counts.InScope || n.ToSync+n.NotSynced != n.InScope {
		t.Fatalf("tally %+v, counts %+v: do not add up", n, d.Counts)
	}
	if n.NotSynced != len(d.Plan.Conflicts) || n.NotSynced == 0 {
		t.Fatalf("%d not synced, the plan has %d conflicts", n.NotSynced, len(d.Plan.Conflicts))
	}
	v := NewDiffView(NewStyles(Theme{NoColor: true}))
	v.SetData(d)
	v.SetSize(200, 20)
	head := strings.SplitN(ansi.Strip(v.View()), "\n", 2)[0]
	want := strconv.Itoa(n.ToSync) + " to sync · " + strconv.Itoa(n.NotSynced) + " not synced"
	if !strings.Contains(head, want) {
		t.Errorf("header %q lacks %q", head, want)
	}
}

// TestHASentenceNotSynced: the HA tab's sentence gives the same numbers
// and "hasync" in lower case wherever it stands (defect 18).
func TestHASentenceNotSynced(t *testing.T) {
	vy, hw := sampleHA()
	hw.Differences, hw.NotSynced = 6, 3
	vy.Differences, vy.NotSynced = 4, 0
	out := ansi.Strip(strings.Join(HALines(PlainConsoleStyles(), hw, 200), "\n"))
	if !strings.Contains(out, "hasync finds 6 differences in the sync-map's scope, 3 not synced (Diff tab)") {
		t.Errorf("HRP sentence:\n%s", out)
	}
	out = ansi.Strip(strings.Join(HALines(PlainConsoleStyles(), vy, 200), "\n"))
	if strings.Contains(out, "Hasync") || !strings.Contains(out, "hasync finds 4 differences in the sync-map's scope (Diff tab)") {
		t.Errorf("VRRP sentence:\n%s", out)
	}
}

// TestASCIIDiffHelp (trial 11 defect 10): under --ascii the Diff tab's
// help, short (detail open or not) and full, names keys in ASCII.
func TestASCIIDiffHelp(t *testing.T) {
	v := NewDiffView(NewStyles(Theme{NoColor: true, ASCII: true}))
	v.SetData(testData(t))
	v.SetSize(80, 24)
	check := func(what string, bs []key.Binding) {
		for _, b := range bs {
			if h := b.Help().Key; !isASCII(h) {
				t.Errorf("%s: key help %q is not ASCII", what, h)
			}
		}
	}
	check("short", v.ShortHelp())
	press(v, "n", "enter")
	if !v.DetailOpen() {
		t.Fatal("no detail open")
	}
	check("short, detail open", v.ShortHelp())
	for _, g := range v.FullHelp() {
		check("full", g)
	}
	// The ASCII labels are made once, not on every ShortHelp (review);
	// a new key map gets its own.
	if n := testing.AllocsPerRun(20, func() { _ = v.helpKeys() }); n != 0 {
		t.Errorf("the ASCII key labels are rebuilt: %.0f allocations a call", n)
	}
	km := DefaultDiffKeyMap()
	km.Search.SetHelp("?", "find")
	v.SetKeyMap(km)
	if h := v.helpKeys().Search.Help().Desc; h != "find" {
		t.Errorf("after SetKeyMap the help says %q", h)
	}
	check("full, new key map", v.FullHelp()[0])
	// Without --ascii the arrows stay.
	u := NewDiffView(NewStyles(Theme{NoColor: true}))
	if h := u.FullHelp()[0][1].Help().Key; h != "↓/j" {
		t.Errorf("Unicode help %q", h)
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}
