package config

import "testing"

// TestLookupNatural: the search by halves finds what Lookup finds, in
// natural order and out of it, and nothing where Lookup finds nothing.
func TestLookupNatural(t *testing.T) {
	tr, err := Parse("a", []byte("set fw rule 9 k 'a'\nset fw rule 10 k 'b'\nset fw rule 100 k 'c'\nset fw rule 20 k 'd'\nset fw name eth10 k 'e'\nset fw name eth9 k 'f'\n"), Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	built := &Node{Children: []*Node{{Name: "z"}, {Name: "a", Children: []*Node{{Name: "10"}, {Name: "9"}}}}} // not in order
	for _, c := range []struct {
		root *Node
		path Path
	}{
		{tr.Root, Path{"fw", "rule", "9"}}, {tr.Root, Path{"fw", "rule", "100", "k"}}, {tr.Root, Path{"fw", "rule", "20"}},
		{tr.Root, Path{"fw", "name", "eth9"}}, {tr.Root, Path{"fw", "name", "eth10", "k"}}, {tr.Root, Path{"fw", "rule", "30"}},
		{tr.Root, Path{"fw", "rule", "010"}}, {tr.Root, Path{}}, {built, Path{"a", "9"}}, {built, Path{"z"}}, {built, Path{"b"}},
	} {
		if got, want := c.root.LookupNatural(c.path), c.root.Lookup(c.path); got != want {
			t.Errorf("%q: LookupNatural %p, Lookup %p", c.path, got, want)
		}
	}
}
