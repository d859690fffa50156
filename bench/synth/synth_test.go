package synth

import (
	"bytes"
	"testing"
)

func TestSizesAndDrift(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		for name, gen := range map[string]func(int, int64) ([]byte, []byte){"vyatta": VyattaPair, "vrp": VRPPair} {
			a, b := gen(n, 1)
			la, lb := bytes.Count(a, []byte("\n")), bytes.Count(b, []byte("\n"))
			if la < n*7/10 || la > n*13/10 || lb < n*7/10 || lb > n*13/10 {
				t.Errorf("%s %d: got %d and %d lines", name, n, la, lb)
			}
			if bytes.Equal(a, b) {
				t.Errorf("%s %d: no drift", name, n)
			}
			a2, _ := gen(n, 1)
			if !bytes.Equal(a, a2) {
				t.Errorf("%s %d: not deterministic", name, n)
			}
		}
	}
}
