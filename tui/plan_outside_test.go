package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/views"
)

// TestPlanOutsideScopeMarks: the plan's "Outside the map" list marks each
// line with its scope's mark, the Diff view's (· not covered, ○ excluded,
// ⊘ never synced; --ascii . o !), not the excluded mark for all (trial
// 15 T2).
func TestPlanOutsideScopeMarks(t *testing.T) {
	a, err := config.Parse("a", []byte(strings.Join([]string{
		"set interfaces dataplane dp0s0 address '192.0.2.1/24'",
		"set security firewall name MGMT-LOCAL rule 10 action 'accept'",
		"set system config-sync remote-router 10.0.0.2 sync-map 'LAB-SYNC'",
		"set system host-name 'a'",
	}, "\n")+"\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.Parse("b", []byte(strings.Join([]string{
		"set interfaces dataplane dp0s0 address '192.0.2.2/24'",
		"set security firewall name MGMT-LOCAL rule 10 action 'drop'",
		"set system host-name 'a'",
	}, "\n")+"\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	m := &syncmap.Map{Name: "LAB-SYNC", Family: config.Vyatta, Rules: []syncmap.Rule{
		{Number: 10, Action: syncmap.Include, Location: []string{"security", "firewall"}},
		{Number: 20, Action: syncmap.Exclude, Location: []string{"security", "firewall", "name", "MGMT-LOCAL"}},
	}}
	cmp, err := compare.New(a, b, m, "LAB-SYNC", diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prep := &hsync.Prepared{Pair: "p", Family: config.Vyatta, Source: "a", Target: "b",
		Plan: &plan.Plan{Family: config.Vyatta, Mode: plan.Push}, Comparison: cmp}
	lines, _, _, _, _ := planLines(rtWithRole(0), &planPanel{kind: syncPush, prep: prep, outside: outOfScope(prep)}, "", "→")
	ps := views.PlanScreen{Title: "Sync p", Lines: lines}
	for _, c := range []struct {
		ascii bool
		want  []string
	}{
		{false, []string{
			"· interfaces dataplane dp0s0 address: no rule of the map covers it",
			"○ security firewall name MGMT-LOCAL rule 10 action: excluded by rule 20",
			"⊘ system config-sync: protected: never synced",
		}},
		{true, []string{
			". interfaces dataplane dp0s0 address: no rule of the map covers it",
			"o security firewall name MGMT-LOCAL rule 10 action: excluded by rule 20",
			"! system config-sync: protected: never synced",
		}},
	} {
		s := views.PlainConsoleStyles()
		s.ASCII = c.ascii
		out := ansi.Strip(views.Plan(s, ps, 160, 30))
		for _, w := range c.want {
			if !strings.Contains(out, "  "+w) {
				t.Errorf("ascii=%v: no line %q:\n%s", c.ascii, w, out)
			}
		}
	}
}

// TestPlanScrollWrapped: at 60x20 (trial 15 T1) the plan's keys scroll
// the plan as it is drawn, its long commands wrapped: G shows the last
// command whole, pgdn from the top never skips a command, g goes back.
func TestPlanScrollWrapped(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	m.Update(press("enter"))
	pp := &planPanel{title: "Sync p", applyLabel: "Apply 30 to b"}
	for i := range 30 {
		pp.lines = append(pp.lines, views.PlanLine{Kind: views.PlanCommand,
			Text: fmt.Sprintf("%4d  set security firewall name CUST-0000-IN rule %d destination address '10.100.0.0/24'", i+1, i)})
	}
	m.plan = pp
	last := pp.lines[len(pp.lines)-1].Text
	m.Update(press("G"))
	s := ansi.Strip(m.Render())
	if !strings.Contains(s, "    30  set security firewall name CUST-0000-IN rule 29") || !strings.Contains(s, "destination address '10.100.0.0/24'") || strings.Contains(s, "more lines") {
		t.Errorf("G does not show the last command whole (%q):\n%s", last, s)
	}
	m.Update(press("g"))
	if pp.offset != 0 {
		t.Fatalf("g: offset %d", pp.offset)
	}
	seen := map[int]bool{}
	for range 30 {
		s := ansi.Strip(m.Render())
		rows := strings.Split(s, "\n")
		for i, r := range rows[:len(rows)-1] {
			var n int
			if _, err := fmt.Sscanf(r, "%d  set", &n); err == nil && strings.Contains(rows[i+1], "'10.100.0.0/24'") {
				seen[n] = true
			}
		}
		m.Update(press("pgdown"))
	}
	for i := 1; i <= 30; i++ {
		if !seen[i] {
			t.Errorf("pgdn never shows command %d whole", i)
		}
	}
}

// TestHRPPlanConsoleWords: the console's Huawei plan does not advise a
// --push the console lacks: it names the command line that pushes; esc
// after hrp sync config started says what runs where, not "commits
// whole or not at all" (trial 15 C1).
func TestHRPPlanConsoleWords(t *testing.T) {
	hrp := prepFor(t, 0)
	hrp.Pair, hrp.Family, hrp.Native, hrp.Plan.Mode, hrp.Source, hrp.Target = "lab-huawei", config.Huawei, true, plan.HRP, "FW-A", "FW-B"
	hrp.Warnings = []string{"hrp sync config appends 2 new security-policy rule(s) (rule name web_in_98, rule name web_in_99) after FW-B's final deny (rule name deny_all_log), where they never match: it does not reorder; " + hsync.PushAdvice + " to send rule move"}
	lines, _, _, _, _ := planLines(rtWithRole(0), &planPanel{kind: syncNativeSessions, prep: hrp}, "", "→")
	var all []string
	for _, l := range lines {
		all = append(all, l.Text)
	}
	text := strings.Join(all, "\n")
	if strings.Contains(text, "sync with --push") || !strings.Contains(text, "push from the command line, `hasync sync --pair lab-huawei --push` (needs hrp standby config enable), to send rule move") {
		t.Errorf("the Huawei plan's advice:\n%s", text)
	}
	if got := pointOfNoReturn(hrp); strings.Contains(got, "whole or not at all") || !strings.Contains(got, "hrp sync config is running on FW-A") {
		t.Errorf("esc during hrp sync config says %q", got)
	}
	if got := pointOfNoReturn(prepFor(t, 0)); !strings.Contains(got, "the commit is running on b: it commits whole or not at all") {
		t.Errorf("esc during a push's commit says %q", got)
	}
}
