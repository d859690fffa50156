package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLongValueList checks that a leaf with more values than
// vyValueSetMin keeps each value once, in first-seen order, through
// repeats, deletes and re-adds, in both forms.
func TestLongValueList(t *testing.T) {
	const n = 3 * vyValueSetMin
	var set, curly strings.Builder
	var want []string
	curly.WriteString("firewall {\n    group {\n        address-group G {\n")
	for i := range n {
		v := fmt.Sprintf("10.0.%d.%d", i/200, i%200)
		want = append(want, v)
		for range 2 { // every value twice
			fmt.Fprintf(&set, "set firewall group address-group G address '%s'\n", v)
			fmt.Fprintf(&curly, "            address %s\n", v)
		}
	}
	curly.WriteString("        }\n    }\n}\n")
	// A delete of a value, then values re-added: the deleted one comes
	// back at the end, the others stay once.
	gone := want[vyValueSetMin+3]
	fmt.Fprintf(&set, "delete firewall group address-group G address '%s'\n", gone)
	for _, v := range []string{want[0], gone, want[n-1], gone} {
		fmt.Fprintf(&set, "set firewall group address-group G address '%s'\n", v)
	}
	setWant := append(slices.Delete(slices.Clone(want), vyValueSetMin+3, vyValueSetMin+4), gone)
	for _, c := range []struct {
		name, src string
		want      []string
	}{{"set", set.String(), setWant}, {"curly", curly.String(), want}} {
		tr, err := Parse(c.name, []byte(c.src), Vyatta)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := tr.Root.Lookup(Path{"firewall", "group", "address-group", "G", "address"})
		if got == nil {
			t.Fatalf("%s: no address leaf", c.name)
		}
		if !slices.Equal(got.Values, c.want) {
			t.Errorf("%s: values %v, want %v", c.name, got.Values, c.want)
		}
	}
}
