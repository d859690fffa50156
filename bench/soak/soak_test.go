package soak

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestSoakSample runs the soak for 10 seconds with 10 sessions (5 per
// lab) on 3000-line configurations; under -race, which slows the SSH
// several times over, on the labs' default 300-line seed. It samples: it fails on any HRP state change,
// HRP link down in a sample, VRRP transition or session error, and on a
// load that did not run, and times nothing.
func TestSoakSample(t *testing.T) {
	if testing.Short() {
		t.Skip("10 seconds of load on both labs")
	}
	o := Options{Dir: t.TempDir(), Duration: 10 * time.Second, Sessions: 5, Lines: 3000}
	if raceEnabled {
		o.Lines = 0
	}
	r, err := Run(context.Background(), t, o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	if !r.OK() {
		t.Error("the load disturbed the labs (see the figures above)")
	}
	for _, l := range []*LabResult{&r.Vyatta, &r.Huawei} {
		if l.Commands.Load() == 0 {
			t.Errorf("%s: no command completed: the load did not run", l.Name)
		}
	}
}

// TestSoakCounts shows that the soak sees what it counts, so that
// TestSoakSample cannot pass by counting nothing: a VRRP failover and a
// cut HRP link during the load make it fail. It waits for the HRP change
// (five silent hello intervals) instead of timing it.
func TestSoakCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds for HRP to notice the cut")
	}
	r, err := Run(context.Background(), t, Options{
		Dir: t.TempDir(), Duration: time.Second, Sessions: 1,
		Disturb: func(vy *vyatta.Pair, hw *huawei.Pair) {
			before := hw.HRP.Changes()
			vy.VRRPFailover()
			hw.Faults.SetCutHRP(true)
			for deadline := time.Now().Add(time.Minute); hw.HRP.Changes() == before && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	if r.OK() {
		t.Error("a failover and a cut HRP link passed the soak")
	}
	if r.HRPChanges == 0 {
		t.Error("the cut HRP link changed no HRP state")
	}
	if r.VRRPTransitions == 0 {
		t.Error("the VRRP failover made no transition")
	}
	if !strings.Contains(b.String(), "soak: FAIL") {
		t.Error("the figures do not say FAIL")
	}
}
