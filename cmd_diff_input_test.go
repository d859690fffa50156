package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffNotesOnce (trial 15 F3): a captured file compared with itself
// said its capture note twice; it is said once.
func TestDiffNotesOnce(t *testing.T) {
	src, err := os.ReadFile("testdata/diff/fw-a.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cap := filepath.Join(t.TempDir(), "cap.cfg")
	if err := os.WriteFile(cap, append([]byte("HRP_M<FW-A>display current-configuration\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"side", "json", "commands"} {
		code, _, errOut := hasync(t, "diff", "--format", format, cap, cap)
		if code != 0 || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "hasync: "+cap+": stripped ") {
			t.Errorf("diff --format %s %s %s: exit %d, stderr %q; want 0 and the note once", format, cap, cap, code, errOut)
		}
	}
}
