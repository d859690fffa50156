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

// TestNodeCount: a set-form parse counts its nodes as it makes them, so
// NodeCount needs no walk; it is never fewer than the tree holds.
func TestNodeCount(t *testing.T) {
	text := "set fw rule 10 k 'a'\nset fw rule 20 k 'b'\nset fw rule 20 k 'c'\nset system host-name 'r1'\ndelete fw rule 10\n"
	tr, err := Parse("a", []byte(text), Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	if n, walked := tr.NodeCount(), tr.Root.Count(); n < walked || n > walked+4 {
		t.Errorf("NodeCount %d, the tree holds %d", n, walked)
	}
	curly, err := Parse("b", []byte("fw {\n    rule 10 {\n        k a\n    }\n}\n"), Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	if n, walked := curly.NodeCount(), curly.Root.Count(); n != walked {
		t.Errorf("curly: NodeCount %d, the tree holds %d", n, walked)
	}
}
