package config

import "testing"

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
