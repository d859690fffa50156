package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hasync/hasync/bench/synth"
)

// BenchmarkDiffCommand runs `hasync diff` in-process on a 100k-line pair of
// each family (bench/diff.sh times the real binary beside GNU diff).
func BenchmarkDiffCommand(b *testing.B) {
	for _, fam := range []struct {
		name string
		gen  func(int, int64) ([]byte, []byte)
	}{{"vyatta", synth.VyattaPair}, {"huawei", synth.VRPPair}} {
		b.Run(fam.name, func(b *testing.B) {
			dir := b.TempDir()
			src, dst := fam.gen(100000, 1)
			fa, fb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			if err := os.WriteFile(fa, src, 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(fb, dst, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(src) + len(dst)))
			for b.Loop() {
				if code := run([]string{"diff", "--width", "160", fa, fb}, io.Discard, io.Discard); code != 1 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
