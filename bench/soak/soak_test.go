package soak

import (
	"context"
	"strings"
	"testing"
	"time"
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
	r, err := Run(context.Background(), o)
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
