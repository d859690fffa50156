package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestDiffSaysLastKnown (trial 11 defect 9): a column whose device is not
// read now says so in its head, and the counts are marked last known, at
// every size.
func TestDiffSaysLastKnown(t *testing.T) {
	for _, sz := range consoleSizes {
		v := newTestView(t, Theme{NoColor: true}, sz[0], sz[1])
		v.SetStale("", "not read since 08:20:21")
		out := ansi.Strip(v.View())
		lines := strings.Split(out, "\n")
		if sz[0] >= 80 && !strings.Contains(lines[1], "(target, not read since 08:20:21)") && !strings.Contains(lines[1], "(not read since 08:20:21)") {
			t.Errorf("%dx%d: the target's head does not say it is not read:\n%s", sz[0], sz[1], out)
		}
		if !strings.Contains(lines[1], "last known") && !strings.Contains(lines[1], "not read since") {
			t.Errorf("%dx%d: head %q", sz[0], sz[1], lines[1])
		}
		if sz[0] >= 80 && !strings.Contains(lines[0], "last known") {
			t.Errorf("%dx%d: the counts are not marked last known: %q", sz[0], sz[1], lines[0])
		}
		v.SetStale("", "")
		if out := ansi.Strip(v.View()); strings.Contains(out, "last known") || strings.Contains(out, "not read") {
			t.Errorf("%dx%d: read again, still marked:\n%s", sz[0], sz[1], out)
		}
	}
}

// TestHALastKnown (defect 9): a member not read now shows its roles as
// last known, not as current.
func TestHALastKnown(t *testing.T) {
	d := HAData{Family: "vyatta", Differences: 4, Members: [2]HAMember{
		{Name: "vra-a", Reachable: true, Role: "MASTER", VRRP: []VRRPRow{{"dp0s1", "1", "MASTER"}}, Sessions: -1},
		{Name: "vra-b", Reachable: false, Role: "BACKUP", Err: "connection lost", VRRP: []VRRPRow{{"dp0s1", "1", "BACKUP"}}, Sessions: -1},
	}}
	out := ansi.Strip(strings.Join(HALines(PlainConsoleStyles(), d, 100), "\n"))
	if !strings.Contains(out, "vra-b  BACKUP (last known)") || strings.Contains(out, "vra-a  MASTER (last known)") {
		t.Errorf("HA:\n%s", out)
	}
}
