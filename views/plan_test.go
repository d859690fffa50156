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
// (Lines that no width from 40 wraps: a wrapped line takes more rows.)
func TestPlanMoreCount(t *testing.T) {
	p := PlanScreen{Title: "Sync lab-vyatta", ApplyLabel: "Apply 1234 to vra-b"}
	for i := range 7 {
		p.Lines = append(p.Lines, PlanLine{Kind: PlanText, Text: fmt.Sprint("line ", i)})
	}
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

// widePlan is the plan of trial 15 T1: commands that a 60-column screen
// cut alike ("set security firewall name CUST-0000-IN rule 20 des…").
func widePlan(n int) PlanScreen {
	p := PlanScreen{Title: "Sync lab-vyatta", ApplyLabel: fmt.Sprintf("Apply %d to vra-b", n)}
	p.Lines = append(p.Lines, PlanLine{Kind: PlanHeading, Text: "What update config-sync on vra-a sets on vra-b (it runs on vra-a)"})
	cmds := []string{
		"set security firewall name CUST-0000-IN rule 20 description 'CUST-0000 service 2'",
		"set security firewall name CUST-0000-IN rule 20 destination address '10.100.0.0/24'",
		"set security firewall name CUST-0000-IN rule 20 destination port '443'",
		"set system login banner pre-login 'Authorised  access only: every session is recorded and kept for ninety days'",
	}
	for i := range n {
		p.Lines = append(p.Lines, PlanLine{Kind: PlanCommand, Text: fmt.Sprintf("%4d  %s", i+1, cmds[i%len(cmds)])})
	}
	return p
}

// planCommands is the numbered commands of a plain plan frame, each
// joined with its continuation rows (indented under the command).
func planCommands(frame string) map[string]bool {
	got := map[string]bool{}
	var cur string
	flush := func() {
		if cur != "" {
			got[cur] = true
		}
		cur = ""
	}
	for _, row := range strings.Split(frame, "\n") {
		row = strings.TrimRight(row, " ")
		switch {
		case len(row) > 8 && row[:8] == "        " && cur != "":
			cur += " " + row[8:]
		case len(row) > 8 && strings.TrimLeft(row[:6], " ") != "" && strings.Trim(row[:6], " 0123456789") == "" && row[6:8] == "  ":
			flush()
			cur = row
		default:
			flush()
		}
	}
	flush()
	return got
}

// TestPlanWrapsCommands: at 60x20 (trial 15 T1) every command of the
// plan reads whole: a command wider than the screen wraps, its next rows
// indented under the command, never cut into a look-alike of another.
// Scrolling (j, pgdn, G) reaches the last command whole; pgup comes back.
func TestPlanWrapsCommands(t *testing.T) {
	const w, h = 60, 20
	p := widePlan(4)
	out := ansi.Strip(Plan(PlainConsoleStyles(), p, w, h))
	checkFrame(t, out, w, h)
	if strings.Contains(out, "…") {
		t.Errorf("a line is cut:\n%s", out)
	}
	got := planCommands(out)
	for _, l := range p.Lines[1:] {
		if !got["  "+l.Text] {
			t.Errorf("command not shown whole: %q\n%s", l.Text, out)
		}
	}
	golden.Check(t, filepath.Join("testdata", "plan-wrap-60x20.golden"), out)

	// A long plan: each command is shown whole on some page, pgdn's
	// pages cover it all, and the last page ends with the last command.
	p = widePlan(40)
	seen := map[string]bool{}
	pages := 0
	for {
		out := ansi.Strip(Plan(PlainConsoleStyles(), p, w, h))
		checkFrame(t, out, w, h)
		for c := range planCommands(out) {
			seen[c] = true
		}
		next := PlanScroll(PlainConsoleStyles(), p, w, h, 0, 1)
		if next == p.Offset {
			break
		}
		if pages++; pages > 100 {
			t.Fatal("pgdn never reaches the end")
		}
		p.Offset = next
	}
	for _, l := range p.Lines[1:] {
		if !seen["  "+l.Text] {
			t.Errorf("pgdn never shows whole: %q", l.Text)
		}
	}
	end := PlanScroll(PlainConsoleStyles(), p, w, h, 1<<30, 0)
	if end != p.Offset {
		t.Errorf("G scrolls to %d, the last pgdn to %d", end, p.Offset)
	}
	p.Offset = end
	out = ansi.Strip(Plan(PlainConsoleStyles(), p, w, h))
	if strings.Contains(out, "more") || !planCommands(out)["  "+p.Lines[len(p.Lines)-1].Text] {
		t.Errorf("the end does not show the last command whole:\n%s", out)
	}
	if j := PlanScroll(PlainConsoleStyles(), p, w, h, 1, 0); j != end {
		t.Errorf("j past the end scrolls to %d, want %d", j, end)
	}
	for p.Offset > 0 {
		up := PlanScroll(PlainConsoleStyles(), p, w, h, 0, -1)
		if up >= p.Offset {
			t.Fatalf("pgup from %d goes to %d", p.Offset, up)
		}
		p.Offset = up
	}
}
