package views

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/golden"
)

// planFixture is a plan screen as the console builds it for the demo's
// Vyatta pair.
func planFixture() PlanScreen {
	p := PlanScreen{Title: "Sync lab-vyatta", ApplyLabel: "Apply 8 to vra-b"}
	add := func(k PlanLineKind, s string) { p.Lines = append(p.Lines, PlanLine{Kind: k, Text: s}) }
	add(PlanText, "vra-a → vra-b · map LAB-SYNC (carried by vra-a)")
	add(PlanText, "8 command(s): 6 set, 2 delete · 0 not synced · 1 warning(s)")
	add(PlanHeading, "Commands, in order (typed on vra-b)")
	for i, c := range []string{
		"delete resources group address-group CUST-0000-SERVERS address '10.100.0.99'",
		"delete service nat destination",
		"set security firewall name CUST-0000-IN rule 20 action 'accept'",
		"set security firewall name CUST-0000-IN rule 20 description 'CUST-0000 service 2'",
		"set security firewall name WAN-IN rule 10 action 'accept'",
	} {
		add(PlanCommand, fmt.Sprintf("%4d  %s", i+1, c))
	}
	add(PlanHeading, "Outside the map (out of scope: the sync leaves them)")
	p.Lines = append(p.Lines,
		PlanLine{Kind: PlanOutside, Scope: syncmap.Outside, Text: "interfaces dataplane dp0s0 address: no rule of the map covers it"},
		PlanLine{Kind: PlanOutside, Scope: syncmap.Excluded, Text: "security firewall name MGMT-LOCAL rule 10: excluded by rule 20 (security firewall name MGMT-LOCAL)"})
	add(PlanHeading, "Warnings")
	add(PlanWarning, "the map covers `system host-name`, which is unique to each member")
	add(PlanRefusal, "set foo bar: the schema has no node foo")
	add(PlanOK, "nothing to send")
	return p
}

// TestPlanGolden: the plan screen at every console size: Cancel focused
// as it opens, Apply focused, Apply disabled with the reason (read-only),
// and the name asked before pushing to the active member. Counts are
// never cut ("N more lines" shortens to "N more", then "N+").
func TestPlanGolden(t *testing.T) {
	states := map[string]func(*PlanScreen){
		"cancel":   func(*PlanScreen) {},
		"apply":    func(p *PlanScreen) { p.ApplyFocused = true },
		"readonly": func(p *PlanScreen) { p.Disabled = "read-only: started with --read-only" },
		"name": func(p *PlanScreen) {
			p.ApplyFocused, p.Prompt, p.Input = true, "vra-a is the active member: type vra-a to apply, enter (esc: back)", "> vra-"
		},
		"busy": func(p *PlanScreen) {
			p.Lines, p.Busy, p.ApplyLabel = nil, "reading both devices and computing the plan…", ""
		},
	}
	for name, set := range states {
		for _, sz := range consoleSizes {
			t.Run(fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				p := planFixture()
				set(&p)
				out := Plan(PlainConsoleStyles(), p, sz[0], sz[1])
				checkFrame(t, out, sz[0], sz[1])
				plain := ansi.Strip(out)
				if p.Busy == "" && !strings.Contains(plain, "Cancel") {
					t.Errorf("no Cancel button:\n%s", plain)
				}
				if p.Disabled != "" && sz[0] >= 80 && !strings.Contains(plain, "(disabled)") {
					t.Errorf("Apply not shown disabled:\n%s", plain)
				}
				golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), plain)
			})
		}
	}
}

// TestPlanMoreCount: the count of lines below is whole at every width.
func TestPlanMoreCount(t *testing.T) {
	p := planFixture()
	for i := range 1234 {
		p.Lines = append(p.Lines, PlanLine{Kind: PlanCommand, Text: fmt.Sprint(i)})
	}
	// 10 lines: the title, 7 plan lines, the "more" line, the buttons.
	want := strconv.Itoa(len(p.Lines) - 7)
	for w := 40; w <= 200; w++ {
		out := ansi.Strip(Plan(PlainConsoleStyles(), p, w, 10))
		if !strings.Contains(out, want+" more") && !strings.Contains(out, want+"+") {
			t.Fatalf("width %d: the count of lines below is cut:\n%s", w, out)
		}
	}
}

// TestLogBannerAndFirstErrorPinned: the banner takes the first line; the
// first error stays pinned while newer ones come; Target is the walked
// error, else the first tied to a path.
func TestLogBannerAndFirstErrorPinned(t *testing.T) {
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	l := NewLog()
	l.SetSize(100, 14)
	first := config.Path{"security", "firewall", "name", "CUST-0000-IN", "rule", "20"}
	var batch []LogEntry
	for i := range 40 {
		e := LogEntry{At: at, Device: "vra-b", Kind: "remote", Text: fmt.Sprintf("commit output %d", i)}
		switch i {
		case 5:
			e.Err, e.Text = true, "FIRST changes under [security firewall name CUST-0000-IN rule 20] are refused"
		case 6:
			e.Err, e.Text, e.Path = true, "[[security firewall name]] failed.", first
		case 20, 30, 35:
			e.Err, e.Text = true, fmt.Sprintf("later error %d", i)
		}
		batch = append(batch, e)
	}
	l.Append(batch)
	l.SetBanner("vra-b refused the change: 1 error(s) · vra-b unchanged (re-read)", true)
	out := ansi.Strip(l.Render(PlainConsoleStyles()))
	checkFrame(t, out, 100, 14)
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "vra-b refused the change") {
		t.Errorf("the banner is not the first line:\n%s", out)
	}
	if !strings.Contains(out, "FIRST changes under") || !strings.Contains(out, "later error 35") {
		t.Errorf("the first error and the newest are not both pinned:\n%s", out)
	}
	if e, ok := l.Target(); !ok || e.Path.String() != first.String() {
		t.Errorf("Target = %v %v, want the first error tied to a path", e.Path, ok)
	}
	l.NextError() // walks to an error without a path: Target stays the first with one
	if e, ok := l.Target(); !ok || e.Path.String() != first.String() {
		t.Errorf("Target after ]e = %v %v", e.Path, ok)
	}
	golden.Check(t, filepath.Join("testdata", "log-banner-100x14.golden"), out)
}
