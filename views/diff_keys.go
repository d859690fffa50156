package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// DiffKeyMap is the Diff tab's keys.
type DiffKeyMap struct {
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom key.Binding
	Next, Prev, Filter, Enter, Close, Search, Left, Right     key.Binding
}

// DefaultDiffKeyMap is the Diff tab's default keys.
func DefaultDiffKeyMap() DiffKeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return DiffKeyMap{
		Up:       b([]string{"k", "up"}, "↑/k", "up"),
		Down:     b([]string{"j", "down"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "space"}, "pgdn", "page down"),
		HalfUp:   b([]string{"ctrl+u"}, "ctrl+u", "half page up"),
		HalfDown: b([]string{"ctrl+d"}, "ctrl+d", "half page down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		Next:     b([]string{"n"}, "n", "next difference"),
		Prev:     b([]string{"N"}, "N", "previous difference"),
		Filter:   b([]string{"f"}, "f", "filter: all / in scope / differences"),
		Enter:    b([]string{"enter"}, "enter", "unfold / detail"),
		Close:    b([]string{"esc"}, "esc", "close detail / clear search"),
		Search:   b([]string{"/"}, "/", "search"),
		Left:     b([]string{"h", "left"}, "←/h", "scroll left"),
		Right:    b([]string{"l", "right"}, "→/l", "scroll right"),
	}
}

// ASCII is k with help labels in ASCII (--ascii: "down/j", not "↓/j").
func (k DiffKeyMap) ASCII() DiffKeyMap {
	for _, e := range []struct {
		b    *key.Binding
		help string
	}{{&k.Up, "up/k"}, {&k.Down, "down/j"}, {&k.Left, "left/h"}, {&k.Right, "right/l"}} {
		e.b.SetHelp(e.help, e.b.Help().Desc)
	}
	return k
}

// DiffAction is what a message asks of the Diff tab.
type DiffAction int

const (
	DiffActNone DiffAction = iota
	DiffActUp
	DiffActDown
	DiffActPageUp
	DiffActPageDown
	DiffActHalfUp
	DiffActHalfDown
	DiffActTop
	DiffActBottom
	DiffActNext
	DiffActPrev
	DiffActFilter
	DiffActEnter
	DiffActClose
	DiffActSearch
	DiffActLeft
	DiffActRight
	DiffActWheelUp
	DiffActWheelDown
	// While searching: keys edit the query.
	DiffActSearchAccept
	DiffActSearchCancel
	DiffActSearchBackspace
	DiffActSearchClear
	DiffActSearchText
)

var diffActionNames = [...]string{
	"none", "up", "down", "page-up", "page-down", "half-up", "half-down", "top", "bottom",
	"next", "prev", "filter", "enter", "close", "search", "left", "right", "wheel-up", "wheel-down",
	"search-accept", "search-cancel", "search-backspace", "search-clear", "search-text",
}

func (a DiffAction) String() string {
	if int(a) < len(diffActionNames) {
		return diffActionNames[a]
	}
	return "unknown"
}

// DiffMode is the state that decides what a key means.
type DiffMode int

const (
	// DiffBrowse: moving through rows (the detail may be open).
	DiffBrowse DiffMode = iota
	// DiffSearching: typing a search query.
	DiffSearching
)

// DiffMsgToAction turns a message into the Diff tab's action: the one
// pure key table, tested as a table.
func DiffMsgToAction(msg tea.Msg, km *DiffKeyMap, mode DiffMode) DiffAction {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return DiffActWheelUp
		case tea.MouseWheelDown:
			return DiffActWheelDown
		}
		return DiffActNone
	case tea.PasteMsg:
		if mode == DiffSearching {
			return DiffActSearchText
		}
		return DiffActNone
	case tea.KeyPressMsg:
		if mode == DiffSearching {
			switch msg.String() {
			case "enter":
				return DiffActSearchAccept
			case "esc", "ctrl+c":
				return DiffActSearchCancel
			case "backspace", "ctrl+h":
				return DiffActSearchBackspace
			case "ctrl+u":
				return DiffActSearchClear
			}
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
				return DiffActSearchText
			}
			return DiffActNone
		}
		for _, e := range [...]struct {
			b *key.Binding
			a DiffAction
		}{
			{&km.Up, DiffActUp}, {&km.Down, DiffActDown}, {&km.PageUp, DiffActPageUp}, {&km.PageDown, DiffActPageDown},
			{&km.HalfUp, DiffActHalfUp}, {&km.HalfDown, DiffActHalfDown}, {&km.Top, DiffActTop}, {&km.Bottom, DiffActBottom},
			{&km.Next, DiffActNext}, {&km.Prev, DiffActPrev}, {&km.Filter, DiffActFilter}, {&km.Enter, DiffActEnter},
			{&km.Close, DiffActClose}, {&km.Search, DiffActSearch}, {&km.Left, DiffActLeft}, {&km.Right, DiffActRight},
		} {
			if key.Matches(msg, *e.b) {
				return e.a
			}
		}
	}
	return DiffActNone
}
