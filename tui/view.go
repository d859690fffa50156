package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/hasync/hasync/views"
)

// View renders the visible screen. The terminal modes (alternate
// screen, mouse, window title) are set here and nowhere else.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = m.title
	if m.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

// Render is the screen's text (the golden tests read it).
func (m *Model) Render() string {
	w, h := m.com.Width, m.com.Height
	if w <= 0 || h <= 0 || m.quitting {
		return ""
	}
	s := m.com.Styles
	if m.help {
		return views.Help(s, m.helpGroups(), m.helpOff, w, h)
	}
	var body string
	switch {
	case m.plan != nil:
		body = views.Plan(s, m.planScreen(), w, max(h-1, 1))
	case m.screen == ScreenList:
		body = m.renderList()
	default:
		body = m.renderPair()
	}
	out := body + "\n" + m.statusLine()
	if len(m.dialogs) > 0 {
		// The dialog on top of the stack, over the screen it interrupts.
		return m.dialogs[len(m.dialogs)-1].overlay(s, out, w, h)
	}
	return out
}

func (m *Model) renderList() string {
	s, w := m.com.Styles, m.com.Width
	dot := m.glyph(" · ", " - ")
	title := m.title + dot + pairsText(len(m.pairs)) // "1 pair", "2 pairs" (H)
	if m.com.ReadOnly {
		title += dot + "read-only"
	}
	top := s.Title.Render(fit(title, w))
	if m.filtering || m.filter.Value() != "" {
		top = fit(m.filter.View(), w)
	}
	// Only the rows on screen are built (a list of hundreds of pairs
	// costs what its visible window costs).
	end := min(m.offset+views.PairListVisible(m.listHeight()), len(m.visible))
	rows := make([]views.PairRow, 0, max(end-m.offset, 0))
	for _, i := range m.visible[min(m.offset, end):end] {
		rows = append(rows, m.pairRow(m.pairs[i]))
	}
	return top + "\n" + views.PairList(s, rows, m.cursor-m.offset, 0, w, m.listHeight())
}

func (m *Model) pairRow(rt *pairRT) views.PairRow {
	r := views.PairRow{Name: rt.spec.Name, Family: rt.spec.Family.String(),
		InScope: rt.sum.inScope, OutScope: rt.sum.outScope}
	for i := range rt.spec.Devices {
		r.Devices[i] = rt.cell(i)
	}
	r.LastSync = rt.lastSync
	r.LastError = lastError(rt.sum.snap)
	r.PastError = pastError(rt.log, rt.downs, [2]string{rt.spec.Devices[0].Name, rt.spec.Devices[1].Name}) // the last error stays, as past, once mended (H)
	for _, d := range r.Devices {
		if d.State == views.Down && r.LastError == "" {
			r.LastError = d.Name + ": " + d.Why
		}
		// A device not read now: the counts are from its last read.
		r.Stale = r.Stale || (d.State != views.Up && r.InScope >= 0)
	}
	if s := rt.sum.snap; s != nil && s.Stale() {
		r.Stale = true
	}
	if rt.refreshing {
		r.Spinner = rt.spinView
	}
	return r
}

func (m *Model) renderPair() string {
	s, w := m.com.Styles, m.com.Width
	rt := m.pairs[m.open]
	row := m.pairRow(rt)
	name := rt.spec.Name + " (" + rt.spec.Family.String() + ")"
	if m.com.ReadOnly {
		name += m.glyph(" · ", " - ") + "read-only"
	}
	if rt.refreshing {
		name += " " + rt.spinView + " refreshing"
	} else if rt.sum.snap != nil {
		name += m.glyph(" · ", " - ") + readNote(rt, m.glyph(" · ", " - "), time.TimeOnly) // a member not read says since when (H)
	}
	head := views.DeviceHeader(s, name, row.Devices, w)
	tabs := make([]string, 0, tabCount)
	for t := range tabCount {
		label := fmt.Sprintf("%d %s", t+1, t)
		if t == m.tab {
			tabs = append(tabs, s.TabActive.Render(label))
		} else {
			tabs = append(tabs, s.Tab.Render(label))
		}
	}
	tabLine := fit(lipgloss.JoinHorizontal(lipgloss.Top, tabs...), w)
	bh := m.bodyHeight()
	var body string
	switch m.tab {
	case TabDiff:
		body = m.diff.Render()
	case TabSyncMaps: // Sync-maps tab
		body = m.maps.Render(w, bh)
	case TabLog:
		body = rt.log.Render(s)
	case TabHA:
		d := haDataOf(rt) // live connection states (H)
		lines := views.HALines(s, d, w)
		off := min(m.scroll[TabHA], max(len(lines)-bh, 0))
		body = views.HA(s, d, off, w, bh)
	}
	return head + "\n" + tabLine + "\n" + body
}

// statusLine is the bottom line: a notice when there is one, else the
// keys of the screen and where the mouse stands.
func (m *Model) statusLine() string {
	s, w := m.com.Styles, m.com.Width
	if m.notice != "" {
		return views.StatusBar(s, w, m.notice, "", m.noticeErr)
	}
	keys := m.statusKeys()
	right := ""
	if m.mouse {
		right = "mouse on"
	}
	if p := m.syncProgress(); p != "" {
		// A sync runs: its progress on every screen and tab (the HA tab
		// while the standby settles, the list), beside the keys.
		right = p
		return views.StatusBar(s, w, views.ShortHelp(s, keys, max(w-views.Width(right)-2, 1)), right, false)
	}
	return views.StatusBar(s, w, views.ShortHelp(s, keys, max(w-10, 1)), right, false)
}

// statusKeys are the keys the status bar lists: only the input's while
// one has the keys (the list's filter, the Diff's search), each key once
// (the Diff's own esc before the pair view's).
func (m *Model) statusKeys() []key.Binding {
	if m.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	}
	if m.plan != nil {
		if m.plan.typing {
			return []key.Binding{
				key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
				key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			}
		}
		return []key.Binding{m.com.Keys.PlanFocus,
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "press")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
			m.com.Keys.Down, m.com.Keys.PageDown}
	}
	if m.screen != ScreenPair {
		return m.com.Keys.ShortHelp()
	}
	keys := m.com.Keys.PairShortHelp()
	if m.tab == TabSyncMaps { // Sync-maps tab
		if m.maps.Capturing() {
			return m.maps.ShortHelp()
		}
		return append(m.maps.ShortHelp(), keys...)
	}
	if m.tab != TabDiff {
		return keys
	}
	if m.diff.Capturing() {
		return m.diff.ShortHelp()
	}
	out := m.diff.ShortHelp()
	seen := map[string]bool{}
	for _, b := range out {
		seen[b.Help().Key] = true
	}
	for _, b := range keys {
		if !seen[b.Help().Key] {
			out = append(out, b)
		}
	}
	return out
}

// fit cuts or pads a line to w cells.
func fit(str string, w int) string {
	return views.PadRight(strings.TrimRight(str, "\n"), w, "…")
}

// helpGroups is the help of the screen shown: the key map, and the Diff
// component's own keys on the Diff tab.
func (m *Model) helpGroups() []views.HelpGroup {
	groups := m.com.Keys.HelpGroups()
	if m.screen == ScreenPair && m.tab == TabDiff {
		var diffKeys []key.Binding
		for _, g := range m.diff.FullHelp() {
			diffKeys = append(diffKeys, g...)
		}
		groups = append(groups, views.HelpGroup{Title: "Diff tab", Bindings: diffKeys})
	}
	if m.screen == ScreenPair && m.tab == TabSyncMaps { // Sync-maps tab
		groups = append(groups, views.HelpGroup{Title: "Sync-maps tab", Bindings: m.maps.FullHelp()})
	}
	m.markReadOnly(groups)
	return groups
}
