package diff

import (
	"io"
	"sync"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

var fastBenchPair = sync.OnceValues(func() (string, string) {
	a := fastSynth(100000, 1)
	return a, fastPeer(a, 1, 2)
})

// benchFastSide times a side view of a 100k-line set pair with 1% drift,
// parse included, through the fast path or the full parse.
func benchFastSide(b *testing.B, fast bool) {
	sa, sb := fastBenchPair()
	for b.Loop() {
		var x, y *config.Tree
		if fast {
			var ok bool
			if x, y, ok = config.ParsePairFast("a", sa, "b", sb, config.Auto, config.FastOptions{}); !ok {
				b.Fatal("the fast path declined")
			}
		} else {
			x, _ = config.Parse("a", []byte(sa), config.Auto)
			y, _ = config.Parse("b", []byte(sb), config.Auto)
		}
		rows := Rows(x, y, RowOptions{Map: syncmap.Default(config.Vyatta, x), Context: 3, Fold: true})
		if err := WriteSide(io.Discard, rows, 160); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSideFast(b *testing.B) { benchFastSide(b, true) }
func BenchmarkSideFull(b *testing.B) { benchFastSide(b, false) }
