package compare

import (
	"fmt"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/bench/synth"
)

// BenchmarkTally is what the console pays per refresh for its counts
// (Tally: the changes and the plan) against Counts alone, on a synthetic
// VRA pair drifting by about one percent.
func BenchmarkTally(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		src, dst := synth.VyattaPair(n, 1)
		l, err := Parse("vra-a", src, config.Vyatta)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Parse("vra-b", dst, config.Vyatta)
		if err != nil {
			b.Fatal(err)
		}
		c, err := Trees(l, r, MapSpec{Include: []string{"firewall"}}, diff.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("counts/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				c.Counts()
			}
		})
		b.Run(fmt.Sprintf("tally/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Tally(plan.Push); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
