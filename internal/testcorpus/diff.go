package testcorpus

import "fmt"

// FirstDiff shows where two texts part: up to 300 bytes either side of
// the first byte that differs, of each.
func FirstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-300)
	return fmt.Sprintf("want …%s\n got …%s", want[from:min(len(want), i+300)], got[from:min(len(got), i+300)])
}
