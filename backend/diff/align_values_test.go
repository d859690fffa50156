package diff

import (
	"math/rand"
	"testing"
)

// TestAlignValuesIsLCS: alignValues walks both lists in order, once each,
// and pairs only equal values; when neither list repeats a value (a leaf's
// values), it pairs as many as a longest common subsequence holds. With
// repeats, matching the k-th occurrence with the k-th can pair fewer.
func TestAlignValuesIsLCS(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}
	list := func() []string {
		l := make([]string, rng.Intn(9))
		for i := range l {
			l[i] = words[rng.Intn(len(words))]
		}
		return l
	}
	for range 20000 {
		lv, rv := list(), list()
		i, j, matched := 0, 0, 0
		for _, p := range alignValues(lv, rv) {
			if p.l >= 0 {
				if p.l != i {
					t.Fatalf("%q %q: left %d out of order (want %d)", lv, rv, p.l, i)
				}
				i++
			}
			if p.r >= 0 {
				if p.r != j {
					t.Fatalf("%q %q: right %d out of order (want %d)", lv, rv, p.r, j)
				}
				j++
			}
			if p.l >= 0 && p.r >= 0 {
				if lv[p.l] != rv[p.r] {
					t.Fatalf("%q %q: paired %q with %q", lv, rv, lv[p.l], rv[p.r])
				}
				matched++
			}
		}
		if i != len(lv) || j != len(rv) {
			t.Fatalf("%q %q: walked %d and %d values", lv, rv, i, j)
		}
		if want := lcsLen(lv, rv); distinct(lv) && distinct(rv) && matched < want {
			t.Errorf("%q %q: %d values paired, a longest common subsequence has %d", lv, rv, matched, want)
		}
	}
}

func lcsLen(a, b []string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				d[i][j] = d[i+1][j+1] + 1
			} else {
				d[i][j] = max(d[i+1][j], d[i][j+1])
			}
		}
	}
	return d[0][0]
}

func distinct(l []string) bool {
	seen := map[string]bool{}
	for _, v := range l {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}
