package main

import (
	"strings"
	"testing"
)

// TestASCIIDemoTitle (trial 11, still there): under --ascii the demo's
// top line is ASCII (it kept " · "); without it, the Unicode separator.
func TestASCIIDemoTitle(t *testing.T) {
	dir := "/tmp/hasync-demo2621224060"
	got := demoTitle(dir, true)
	for _, r := range got {
		if r > 0x7e || r < 0x20 {
			t.Fatalf("demo title %q has %q under --ascii", got, r)
		}
	}
	if !strings.HasPrefix(got, "hasync demo") || !strings.HasSuffix(got, dir) {
		t.Errorf("demo title %q lost its words", got)
	}
	if u := demoTitle(dir, false); u != "hasync demo · "+dir {
		t.Errorf("demo title without --ascii %q", u)
	}
}
