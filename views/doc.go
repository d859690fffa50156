// Package views owns the console's rendering: the side-by-side Diff tab
// (diff*.go, detail*.go), the styles every view draws with (styles.go),
// the glyph vocabulary shared with `hasync diff --format side`
// (glyphs*.go), display-width helpers (width*.go), and the pair list, HA,
// log, status bar and help views (helper T's files).
//
// A view is a Bubble Tea component: Update(msg) for its keys, View() of
// exactly its size, SetSize, and help.KeyMap. Nothing here does I/O: no
// files, no network, no environment, no clock. Work proportional to a
// configuration (aligning 100k rows) is done by pure functions the tui
// package runs in a tea.Cmd (BuildDiff); Update and View touch only what
// is visible.
//
// Imports: the standard library, charm.land/bubbletea/v2,
// charm.land/lipgloss/v2, charm.land/bubbles/v2, github.com/charmbracelet/x/ansi,
// and the back end's types (backend/compare, backend/diff, backend/config,
// backend/config/schema, backend/plan, backend/syncmap). Never backend/device,
// backend/pair, sshclient or lab: their data reaches views through the tui
// (arch_test.go enforces device and sshclient).
package views
