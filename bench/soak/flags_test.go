package soak

import (
	"context"
	"flag"
	"os"
	"testing"
)

// The soak's own flags, given to the test binary (bench/soak.sh).
var (
	soakDuration = flag.Duration("d", 0, "run TestSoak: how long the load runs (bench/soak.sh gives 2m)")
	soakSessions = flag.Int("n", 10, "TestSoak: parallel SSH sessions per lab (half to each member)")
	soakLines    = flag.Int("lines", 3000, "TestSoak: lines of each seeded configuration")
)

// TestSoak is the soak itself, run by bench/soak.sh (-d 2m): it prints
// the figures on standard output and fails on any HRP state change, VRRP
// transition or session error.
func TestSoak(t *testing.T) {
	if *soakDuration <= 0 {
		t.Skip("the soak runs with -d DURATION (bench/soak.sh)")
	}
	r, err := Run(context.Background(), t, Options{
		Dir: t.TempDir(), Duration: *soakDuration, Sessions: *soakSessions, Lines: *soakLines,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Print(os.Stdout)
	if !r.OK() {
		t.Fail()
	}
}
