package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/hasync/hasync/views"
)

// KeyMap are the console's key bindings; help is built from them.
type KeyMap struct {
	Quit, ForceQuit, Help, Mouse          key.Binding
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, Back, Filter, Refresh           key.Binding
	NextTab, PrevTab                      key.Binding
	Tab1, Tab2, Tab3, Tab4                key.Binding
	NextError, PrevError                  key.Binding
	// Sync, rollback and the direction (pair view); the HA tab's
	// device-native syncs; the plan screen's focus; the Log's jump.
	Sync, Swap, Rollback      key.Binding
	Native, NativeSessions    key.Binding
	PlanFocus, PlanPush, Jump key.Binding
}

// DefaultKeyMap is the key map of the console.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit at once", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Mouse:     b("m", "mouse on/off", "m"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+d"),
		Home:      b("g/home", "top", "home", "g"),
		End:       b("G/end", "bottom", "end", "G"),
		Open:      b("enter", "open pair", "enter"),
		Back:      b("esc", "back", "esc"),
		Filter:    b("/", "filter pairs", "/"),
		Refresh:   b("r", "refresh now", "r"),
		NextTab:   b("tab", "next tab", "tab"),
		PrevTab:   b("shift+tab", "previous tab", "shift+tab"),
		Tab1:      b("1", "Diff", "1"),
		Tab2:      b("2", "Sync-maps", "2"),
		Tab3:      b("3", "Log", "3"),
		Tab4:      b("4", "HA", "4"),
		// Two-key sequences: ] or [ then e (see ActionOf).
		NextError: b("]e", "next error (Log)", "]"),
		PrevError: b("[e", "previous error (Log)", "["),
		Sync:      b("S", "sync (plan first)", "S"),
		Swap:      b("x", "swap direction", "x"),
		Rollback:  b("R", "roll back last sync", "R"),
		// HA tab: the devices' own sync commands.
		Native:         b("c", "device sync (HA)", "c"),
		NativeSessions: b("C", "+ sessions (HA)", "C"),
		PlanFocus:      b("tab", "Cancel/Apply (plan)", "tab", "shift+tab", "left", "right", "h", "l"),
		PlanPush:       b("p", "push / own sync (plan)", "p"),
		Jump:           b("enter", "to Diff row (Log)", "enter"),
	}
}

// ASCII is the key map with ASCII key names in its help (--ascii: the
// arrows are drawn as words).
func (k KeyMap) ASCII() KeyMap {
	k.Up.SetHelp("up/k", k.Up.Help().Desc)
	k.Down.SetHelp("down/j", k.Down.Help().Desc)
	return k
}

// HelpGroups is the full help, built from the key map.
func (k KeyMap) HelpGroups() []views.HelpGroup {
	return []views.HelpGroup{
		{Title: "Everywhere", Bindings: []key.Binding{k.Help, k.Quit, k.ForceQuit, k.Mouse, k.Refresh}},
		{Title: "Moving", Bindings: []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}},
		{Title: "Pair list", Bindings: []key.Binding{k.Open, k.Filter}},
		{Title: "Pair view", Bindings: []key.Binding{k.Back, k.NextTab, k.PrevTab, k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.NextError, k.PrevError, k.Jump}},
		{Title: "Sync", Bindings: []key.Binding{k.Sync, k.Swap, k.Rollback, k.Native, k.NativeSessions, k.PlanFocus, k.PlanPush}},
	}
}

// ShortHelp are the bindings of the status line on the pair list.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Filter, k.Refresh, k.Help, k.Quit}
}

// PairShortHelp are the bindings of the status line in a pair view.
func (k KeyMap) PairShortHelp() []key.Binding {
	return []key.Binding{k.NextTab, k.Back, k.Sync, k.Refresh, k.Help, k.Quit}
}
