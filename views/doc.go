// Package views owns the console's rendering, no I/O:
//
//   - the Diff tab: diff.go (BuildDiff, DiffData),
//     diff_view.go (DiffView: state, keys, folds, filter, search),
//     diff_render.go (rows, breadcrumb, headers, footer), diff_keys.go
//     (DiffKeyMap, DiffMsgToAction), diff_goto.go (GoToPath: a sync
//     error's row), detail.go (the detail pane);
//   - styles.go (Styles from a Theme: light or dark, no colour,
//     colour-blind palette), glyphs.go (the change and scope marks shared
//     with `hasync diff --format side`, with the ASCII fallback), width.go
//     (display-width helpers: cells, never bytes or runes);
//   - the console's other views: pairlist.go (pair list
//     and the pair header), ha.go (HA tab), log.go (Log tab),
//     statusbar.go (status bar and the console styles), help.go (help),
//     syncmap.go (the Sync-maps tab: rules with inline errors, the rule
//     form, the preview, the save's question), plan.go (a sync's plan,
//     its confirmation and the Log's sync banner).
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
