package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Action is what a key press means in the console's state.
type Action int

const (
	ActNone Action = iota
	ActQuit
	ActForceQuit
	ActHelp
	ActMouse
	ActUp
	ActDown
	ActPageUp
	ActPageDown
	ActHome
	ActEnd
	ActOpen
	ActBack
	ActFilter
	ActFilterAccept
	ActFilterCancel
	// ActText goes to the text input in focus (filter, dialog).
	ActText
	ActRefresh
	ActNextTab
	ActPrevTab
	ActTab1
	ActTab2
	ActTab3
	ActTab4
	ActNextError
	ActPrevError
	// ActPending: the first key of a two-key sequence (]e, [e).
	ActPending
	// ActPassThrough goes to the focused component as it is (the Diff
	// tab's own keys).
	ActPassThrough
	// ActDialog goes to the open dialog.
	ActDialog
	// ActSync opens the plan of a sync of the open pair (S); ActSwap
	// swaps its direction (x); ActRollback opens the plan of the rollback
	// of its last sync (R); ActNative and ActNativeSessions open the plan
	// of a device-native sync from the HA tab (c: hrp sync config / VRA
	// update config-sync; C: then hrp sync connection-status).
	ActSync
	ActSwap
	ActRollback
	ActNative
	ActNativeSessions
	// On the plan screen: ActPlanFocus moves the focus between Cancel
	// and Apply, ActPlanPress presses the focused button (or sends the
	// typed name), ActPlanClose closes it (or leaves the name input).
	ActPlanFocus
	ActPlanPress
	ActPlanClose
	// ActPlanPush switches a Vyatta pair's plan between the device's own
	// config-sync and a push by hasync (p).
	ActPlanPush
	// ActCancelSync cancels the open pair's running sync before its
	// commit (esc).
	ActCancelSync
	// ActJump goes from the Log's walked (or first) error to its row in
	// the Diff tab (enter on the Log tab).
	ActJump
)

var actionNames = [...]string{
	"none", "quit", "force-quit", "help", "mouse", "up", "down", "page-up", "page-down", "home", "end",
	"open", "back", "filter", "filter-accept", "filter-cancel", "text", "refresh", "next-tab", "prev-tab",
	"tab-1", "tab-2", "tab-3", "tab-4", "next-error", "prev-error", "pending", "pass-through", "dialog",
	"sync", "swap", "rollback", "native", "native-sessions", "plan-focus", "plan-press", "plan-close", "plan-push",
	"cancel-sync", "jump",
}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "unknown"
}

// Screen is the console's main screen.
type Screen int

const (
	ScreenList Screen = iota
	ScreenPair
)

// Tab is a tab of the pair view.
type Tab int

const (
	TabDiff Tab = iota
	TabSyncMaps
	TabLog
	TabHA
	tabCount
)

func (t Tab) String() string {
	return [...]string{"Diff", "Sync-maps", "Log", "HA"}[t]
}

// KeyState is what the meaning of a key depends on.
type KeyState struct {
	Screen Screen
	Tab    Tab
	// Help: the help overlay is open; Dialog: a dialog is; Filtering:
	// the pair list's filter input has the focus; DiffCapture: the Diff
	// component has an input or overlay of its own open (search, detail).
	Help, Dialog, Filtering, DiffCapture bool
	// DiffWantsEsc: esc closes something of the Diff's own (detail,
	// search) rather than going back to the list.
	DiffWantsEsc bool
	// Pending is the first key of a two-key sequence ("]" or "["), "".
	Pending string
	// MapsCapture: the Sync-maps tab's form or save question is open and
	// takes every key but ctrl+c (contract 4).
	MapsCapture bool // Sync-maps tab
	// Plan: the plan screen is open; PlanTyping: its name input has the
	// keys. Syncing: a sync of the open pair runs (esc cancels it).
	Plan, PlanTyping, Syncing bool
}

// ActionOf turns a key press into an action, and the state's next
// Pending. It is pure: the whole key handling of the console is here, and
// tested as a table.
func ActionOf(km KeyMap, st KeyState, msg tea.KeyPressMsg) (Action, string) {
	if key.Matches(msg, km.ForceQuit) {
		return ActForceQuit, ""
	}
	if st.Dialog {
		return ActDialog, ""
	}
	if st.Help {
		switch {
		case key.Matches(msg, km.Help, km.Back):
			return ActHelp, ""
		case key.Matches(msg, km.Quit):
			return ActQuit, ""
		}
		return moveAction(km, msg), ""
	}
	if st.Plan {
		return planAction(km, st, msg), ""
	}
	if st.Filtering {
		switch msg.String() {
		case "esc":
			return ActFilterCancel, ""
		case "enter":
			return ActFilterAccept, ""
		}
		return ActText, ""
	}
	if st.Pending != "" {
		if msg.String() == "e" {
			if st.Pending == "]" {
				return ActNextError, ""
			}
			return ActPrevError, ""
		}
		return ActNone, ""
	}
	if st.Screen == ScreenPair && st.Tab == TabDiff && (st.DiffCapture || st.DiffWantsEsc && msg.String() == "esc") {
		return ActPassThrough, ""
	}
	if st.Screen == ScreenPair && st.Tab == TabSyncMaps && st.MapsCapture { // Sync-maps tab
		return ActPassThrough, ""
	}
	if st.Screen == ScreenPair && st.Syncing && key.Matches(msg, km.Back) {
		return ActCancelSync, ""
	}
	switch {
	case key.Matches(msg, km.Quit):
		return ActQuit, ""
	case key.Matches(msg, km.Help):
		return ActHelp, ""
	case key.Matches(msg, km.Mouse):
		return ActMouse, ""
	case key.Matches(msg, km.Refresh):
		return ActRefresh, ""
	}
	if st.Screen == ScreenList {
		switch {
		case key.Matches(msg, km.Open):
			return ActOpen, ""
		case key.Matches(msg, km.Filter):
			return ActFilter, ""
		case key.Matches(msg, km.Back):
			return ActFilterCancel, ""
		}
		return moveAction(km, msg), ""
	}
	switch {
	case key.Matches(msg, km.Back):
		return ActBack, ""
	case key.Matches(msg, km.Sync):
		return ActSync, ""
	case key.Matches(msg, km.Swap):
		return ActSwap, ""
	case key.Matches(msg, km.Rollback):
		return ActRollback, ""
	case key.Matches(msg, km.NextTab):
		return ActNextTab, ""
	case key.Matches(msg, km.PrevTab):
		return ActPrevTab, ""
	case key.Matches(msg, km.Tab1):
		return ActTab1, ""
	case key.Matches(msg, km.Tab2):
		return ActTab2, ""
	case key.Matches(msg, km.Tab3):
		return ActTab3, ""
	case key.Matches(msg, km.Tab4):
		return ActTab4, ""
	}
	if st.Tab == TabDiff || st.Tab == TabSyncMaps { // Sync-maps tab: its own keys
		return ActPassThrough, ""
	}
	if st.Tab == TabLog && key.Matches(msg, km.NextError, km.PrevError) {
		return ActPending, msg.String()
	}
	if st.Tab == TabLog && key.Matches(msg, km.Jump) {
		return ActJump, ""
	}
	if st.Tab == TabHA {
		switch {
		case key.Matches(msg, km.Native):
			return ActNative, ""
		case key.Matches(msg, km.NativeSessions):
			return ActNativeSessions, ""
		}
	}
	return moveAction(km, msg), ""
}

// planAction is a key's meaning on the plan screen: it is modal (only
// ctrl+c, help and dialogs come before it).
func planAction(km KeyMap, st KeyState, msg tea.KeyPressMsg) Action {
	if st.PlanTyping {
		switch msg.String() {
		case "enter":
			return ActPlanPress
		case "esc":
			return ActPlanClose
		}
		return ActText
	}
	switch {
	case key.Matches(msg, km.PlanFocus):
		return ActPlanFocus
	case key.Matches(msg, km.PlanPush):
		return ActPlanPush
	case msg.String() == "enter":
		return ActPlanPress
	case key.Matches(msg, km.Back):
		return ActPlanClose
	case key.Matches(msg, km.Help):
		return ActHelp
	}
	return moveAction(km, msg)
}

func moveAction(km KeyMap, msg tea.KeyPressMsg) Action {
	switch {
	case key.Matches(msg, km.Up):
		return ActUp
	case key.Matches(msg, km.Down):
		return ActDown
	case key.Matches(msg, km.PageUp):
		return ActPageUp
	case key.Matches(msg, km.PageDown):
		return ActPageDown
	case key.Matches(msg, km.Home):
		return ActHome
	case key.Matches(msg, km.End):
		return ActEnd
	}
	return ActNone
}
