package vyatta

import (
	"context"
	"fmt"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// BenchmarkSeedBoot seeds a pair of the given size and boots vra-a from
// it, as StartPair does (without the servers). Run with
//
//	go test -run '^$' -bench SeedBoot -benchtime 3x ./lab/vyatta
func BenchmarkSeedBoot(b *testing.B) {
	for _, lines := range []int{300, 10_000, 100_000} {
		b.Run(fmt.Sprint(lines), func(b *testing.B) {
			for range b.N {
				a, _, err := SeedPair(lines)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := New(Options{Name: "vra-a"}, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidateSeed validates a seeded configuration whole, as a
// commit does.
func BenchmarkValidateSeed(b *testing.B) {
	for _, lines := range []int{10_000, 100_000} {
		a, _, err := SeedPair(lines)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(lines), func(b *testing.B) {
			for range b.N {
				if cerr := validate(&config.Node{}, a.Root, nil); cerr != nil {
					b.Fatal(cerr)
				}
			}
		})
	}
}

// BenchmarkCommitSeed commits one change on a device booted from a seed of
// 100k lines: rebase, the schema checks of the changed leaves and the
// cross-checks over the whole configuration.
func BenchmarkCommitSeed(b *testing.B) {
	a, _, err := SeedPair(100_000)
	if err != nil {
		b.Fatal(err)
	}
	d, err := New(Options{Name: "vra-a"}, a)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		s := d.NewSession("vyatta")
		if err := s.Set([]string{"system", "domain-name", fmt.Sprintf("d%d.example.net", i)}); err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(context.Background(), func(string) {}); err != nil {
			b.Fatal(err)
		}
	}
}
