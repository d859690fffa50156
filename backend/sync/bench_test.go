package sync

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// BenchmarkSync10k: one whole sync (lock, re-read both, stale check,
// previous kept, apply over SSH as one commit, re-read, verify, audit) of
// 10,000 changed lines on the lab pair (issue 10's goal: within 5 s).
// Each round adds 10,000 new address-group lines to vra-a in-process
// (its config-sync to vra-b switched off), untimed.
func BenchmarkSync10k(b *testing.B) {
	lp, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer lp.Close()
	lp.A.Device.SetCommitHook(nil)
	b.Setenv(lab.PasswordEnv, "")
	inv, err := inventory.Load(lp.Inventory)
	if err != nil {
		b.Fatal(err)
	}
	p := pair.New(inv.Pairs[0], pair.Options{SSHConfigFile: "none", UserKnownHosts: "none"})
	defer p.Close()
	ctx := context.Background()
	state := b.TempDir()
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		s := lp.A.Device.NewSession("vyatta")
		for i := 0; i < 10000; i++ {
			w := strings.Fields(fmt.Sprintf("resources group address-group BENCH%d-%d address 198.51.100.%d", round, i/200, i%200+1))
			if err := s.Set(w); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Commit(ctx, func(string) {}); err != nil {
			b.Fatal(err)
		}
		prep, err := Prepare(ctx, p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(prep.Plan.Commands); n < 10000 {
			b.Fatalf("%d commands", n)
		}
		b.StartTimer()
		if _, err := Apply(ctx, p, prep, Options{StateDir: state}); err != nil {
			b.Fatal(err)
		}
	}
}
