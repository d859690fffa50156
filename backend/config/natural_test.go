package config

import (
	"slices"
	"strings"
	"testing"
)

// FuzzNaturalCompare checks naturalCompare's shortcut for numbers against
// the run-by-run comparison, and that the order is total and antisymmetric.
func FuzzNaturalCompare(f *testing.F) {
	for _, p := range [][2]string{{"10", "9"}, {"100", "20"}, {"05", "5"}, {"0", "00"}, {"eth2", "eth10"}, {"12a", "12"}, {"", "1"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		got, want := naturalCompare(a, b), naturalCompareRuns(a, b)
		if got != want {
			t.Fatalf("naturalCompare(%q, %q) = %d, run by run %d", a, b, got, want)
		}
		if back := naturalCompare(b, a); back != -got || got == 0 && a != b {
			t.Fatalf("naturalCompare(%q, %q) = %d, the other way %d", a, b, got, back)
		}
	})
}

// FuzzSortChildren checks vySortChildren's order of plain numbers against
// a stable sort by vyCompare: the same nodes in the same places.
func FuzzSortChildren(f *testing.F) {
	f.Add("10 100 110 20 200 9 30", uint8(3))
	f.Add("eth10 eth2 eth1", uint8(0))
	f.Add("5 05 0 10", uint8(1))
	f.Fuzz(func(t *testing.T, names string, dup uint8) {
		var kids []*Node
		for i, w := range strings.Fields(names) {
			kids = append(kids, &Node{Name: w, Line: int32(i)})
			if dup > 0 && i%int(dup) == 0 {
				kids = append(kids, &Node{Name: w, Line: int32(100 + i)}) // a stub and a node of one name
			}
		}
		want := slices.Clone(kids)
		slices.SortStableFunc(want, vyCompare)
		vySortChildren(kids)
		for i := range kids {
			if kids[i] != want[i] {
				t.Fatalf("%q: place %d holds %s (line %d), a stable sort by vyCompare puts %s (line %d)", names, i, kids[i].Name, kids[i].Line, want[i].Name, want[i].Line)
			}
		}
	})
}
