package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// press makes the key press tea delivers for a key named as in help.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func TestActionOf(t *testing.T) {
	list := KeyState{Screen: ScreenList}
	diff := KeyState{Screen: ScreenPair, Tab: TabDiff}
	logTab := KeyState{Screen: ScreenPair, Tab: TabLog}
	ha := KeyState{Screen: ScreenPair, Tab: TabHA}
	with := func(s KeyState, f func(*KeyState)) KeyState { f(&s); return s }
	tests := []struct {
		name        string
		st          KeyState
		key         string
		want        Action
		wantPending string
	}{
		{"q quits on the list", list, "q", ActQuit, ""},
		{"ctrl+c always", with(list, func(s *KeyState) { s.Dialog = true }), "ctrl+c", ActForceQuit, ""},
		{"ctrl+c while filtering", with(list, func(s *KeyState) { s.Filtering = true }), "ctrl+c", ActForceQuit, ""},
		{"q types into the filter", with(list, func(s *KeyState) { s.Filtering = true }), "q", ActText, ""},
		{"enter accepts the filter", with(list, func(s *KeyState) { s.Filtering = true }), "enter", ActFilterAccept, ""},
		{"esc cancels the filter", with(list, func(s *KeyState) { s.Filtering = true }), "esc", ActFilterCancel, ""},
		{"/ filters the list", list, "/", ActFilter, ""},
		{"enter opens a pair", list, "enter", ActOpen, ""},
		{"j moves down", list, "j", ActDown, ""},
		{"down moves down", list, "down", ActDown, ""},
		{"k moves up", list, "k", ActUp, ""},
		{"pgdown pages", list, "pgdown", ActPageDown, ""},
		{"G goes to the end", list, "G", ActEnd, ""},
		{"? opens help", list, "?", ActHelp, ""},
		{"? closes help", with(list, func(s *KeyState) { s.Help = true }), "?", ActHelp, ""},
		{"esc closes help", with(list, func(s *KeyState) { s.Help = true }), "esc", ActHelp, ""},
		{"j scrolls the help", with(list, func(s *KeyState) { s.Help = true }), "j", ActDown, ""},
		{"help swallows other keys", with(list, func(s *KeyState) { s.Help = true }), "enter", ActNone, ""},
		{"m toggles the mouse", list, "m", ActMouse, ""},
		{"r refreshes", list, "r", ActRefresh, ""},
		{"dialog takes keys", with(diff, func(s *KeyState) { s.Dialog = true }), "q", ActDialog, ""},
		{"tab next tab", diff, "tab", ActNextTab, ""},
		{"shift+tab previous tab", ha, "shift+tab", ActPrevTab, ""},
		{"1 Diff", ha, "1", ActTab1, ""},
		{"2 Sync-maps", ha, "2", ActTab2, ""},
		{"3 Log", ha, "3", ActTab3, ""},
		{"4 HA", diff, "4", ActTab4, ""},
		{"esc back to the list", ha, "esc", ActBack, ""},
		{"n goes to the Diff component", diff, "n", ActPassThrough, ""},
		{"/ searches in the Diff", diff, "/", ActPassThrough, ""},
		{"enter opens the Diff detail", diff, "enter", ActPassThrough, ""},
		{"q still quits on the Diff", diff, "q", ActQuit, ""},
		{"the Diff's search input takes q", with(diff, func(s *KeyState) { s.DiffCapture = true }), "q", ActPassThrough, ""},
		{"the Diff's search input takes esc", with(diff, func(s *KeyState) { s.DiffCapture = true }), "esc", ActPassThrough, ""},
		{"the Diff's detail takes esc", with(diff, func(s *KeyState) { s.DiffWantsEsc = true }), "esc", ActPassThrough, ""},
		{"q quits with the Diff's detail open", with(diff, func(s *KeyState) { s.DiffWantsEsc = true }), "q", ActQuit, ""},
		{"esc goes back from the Diff", diff, "esc", ActBack, ""},
		{"] starts ]e on the Log", logTab, "]", ActPending, "]"},
		{"[ starts [e on the Log", logTab, "[", ActPending, "["},
		{"]e next error", with(logTab, func(s *KeyState) { s.Pending = "]" }), "e", ActNextError, ""},
		{"[e previous error", with(logTab, func(s *KeyState) { s.Pending = "[" }), "e", ActPrevError, ""},
		{"]x is nothing", with(logTab, func(s *KeyState) { s.Pending = "]" }), "x", ActNone, ""},
		{"] is nothing on HA", ha, "]", ActNone, ""},
		{"j scrolls the log", logTab, "j", ActDown, ""},
		{"x is nothing on the list", list, "x", ActNone, ""},
		{"S syncs from the Diff", diff, "S", ActSync, ""},
		{"S syncs from the Log", logTab, "S", ActSync, ""},
		{"S is nothing on the list", list, "S", ActNone, ""},
		{"x swaps on the HA tab", ha, "x", ActSwap, ""},
		{"R rolls back", diff, "R", ActRollback, ""},
		{"c native sync on HA", ha, "c", ActNative, ""},
		{"C native sync and sessions on HA", ha, "C", ActNativeSessions, ""},
		{"c is nothing on the Log", logTab, "c", ActNone, ""},
		{"enter on the Log jumps", logTab, "enter", ActJump, ""},
		{"the Diff's search takes S", with(diff, func(s *KeyState) { s.DiffCapture = true }), "S", ActPassThrough, ""},
		{"esc cancels a running sync", with(logTab, func(s *KeyState) { s.Syncing = true }), "esc", ActCancelSync, ""},
		{"esc closes the Diff's detail while syncing", with(diff, func(s *KeyState) { s.Syncing = true; s.DiffWantsEsc = true }), "esc", ActPassThrough, ""},
		{"plan: tab moves the focus", with(diff, func(s *KeyState) { s.Plan = true }), "tab", ActPlanFocus, ""},
		{"plan: l moves the focus", with(diff, func(s *KeyState) { s.Plan = true }), "l", ActPlanFocus, ""},
		{"plan: enter presses", with(diff, func(s *KeyState) { s.Plan = true }), "enter", ActPlanPress, ""},
		{"plan: esc closes", with(diff, func(s *KeyState) { s.Plan = true }), "esc", ActPlanClose, ""},
		{"plan: j scrolls", with(diff, func(s *KeyState) { s.Plan = true }), "j", ActDown, ""},
		{"plan: S does not sync again", with(diff, func(s *KeyState) { s.Plan = true }), "S", ActNone, ""},
		{"plan: q is not quit", with(diff, func(s *KeyState) { s.Plan = true }), "q", ActNone, ""},
		{"plan: ctrl+c quits", with(diff, func(s *KeyState) { s.Plan = true }), "ctrl+c", ActForceQuit, ""},
		{"plan name input: letters are text", with(diff, func(s *KeyState) { s.Plan, s.PlanTyping = true, true }), "v", ActText, ""},
		{"plan name input: tab is text", with(diff, func(s *KeyState) { s.Plan, s.PlanTyping = true, true }), "tab", ActText, ""},
		{"plan name input: enter sends", with(diff, func(s *KeyState) { s.Plan, s.PlanTyping = true, true }), "enter", ActPlanPress, ""},
		{"plan name input: esc goes back", with(diff, func(s *KeyState) { s.Plan, s.PlanTyping = true, true }), "esc", ActPlanClose, ""},
	}
	km := DefaultKeyMap()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pending := ActionOf(km, tt.st, press(tt.key))
			if got != tt.want || pending != tt.wantPending {
				t.Errorf("ActionOf(%q) = %v, %q; want %v, %q", tt.key, got, pending, tt.want, tt.wantPending)
			}
		})
	}
}

// TestHelpFromKeyMap: every binding of the key map is in the help.
func TestHelpFromKeyMap(t *testing.T) {
	km := DefaultKeyMap()
	seen := map[string]bool{}
	for _, g := range km.HelpGroups() {
		for _, b := range g.Bindings {
			seen[b.Help().Key] = true
		}
	}
	for _, k := range []string{"q", "ctrl+c", "?", "m", "enter", "esc", "/", "r", "tab", "shift+tab", "1", "2", "3", "4", "]e", "[e", "S", "x", "R", "c", "C"} {
		if !seen[k] {
			t.Errorf("help lacks %q", k)
		}
	}
}
