// Package tui is the interactive console (Bubble Tea v2): one root model
// with one message switch, the dependency bundle (Common: context, size,
// styles, key map, logger), the pair list, the pair view with its tabs
// (Diff, Sync-maps, Log, HA), dialogs for passwords and host keys, the key
// map and the pure function that turns keys into typed actions, and the
// tea.Cmds that call the back end. All I/O runs in tea.Cmds; results carry
// a request ID and stale ones are dropped; event streams reach the model
// in batches through a command that re-arms itself.
//
// Files: model.go (the root model, its one message switch, routing),
// view.go (View: the terminal modes in one place, the screens), action.go
// (ActionOf: keys to typed actions, pure), keys.go (the key map and the
// help built from it), common.go (the bundle), backend.go (the pairs while
// the console runs, the commands that call backend/pair, the prompts the
// back end asks), convert.go (snapshots to what views draw), diffpane.go
// (the Diff tab around views.DiffView), dialog.go (password, passphrase,
// host key dialogs over the screen), run.go (Run, the log file),
// syncmaps.go and syncmaps_save.go (the Sync-maps tab's editor: maps,
// staged edits, the rule form, the preview command, the save and the
// $EDITOR round), sync.go (S, x, R and the HA tab's native syncs: the
// plan screen, backend/sync.Apply in a command, its lines streamed in
// batches into the Log, the outcome re-read), hub.go (the pairs a served
// console's sessions share: one connection per device, the recent events
// a late session starts from), serve.go and serve_auth.go (hasync serve:
// the wish server, its middleware, sessions, roles from authorized_keys,
// timeouts, graceful shutdown).
//
// Owns: the program, its screens, focus and routing, the back-end calls.
// May import: views (rendering), backend/* (pair, inventory, compare,
// config, syncmap, sync, audit, device types), the Charm v2 line (wish/v2
// for the server), the standard library;
// sshclient only for its error types; never lab (main starts the demo's
// lab and hands the console an inventory).
package tui
