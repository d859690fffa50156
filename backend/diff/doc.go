// Package diff owns the structural comparison of two configuration trees:
// the list of changes (Trees, Equal), the rows of an aligned side-by-side
// view (Rows), the text of a node's displayed lines (LineText) and the
// plain-text writers used by `hasync diff --format` (WriteSide,
// WriteUnified, WriteJSON).
//
// LEFT is always the source of a sync and RIGHT its target; Added means
// "only on the right" and Removed "only on the left", as in `diff LEFT RIGHT`.
//
// Nodes are matched by name within their parent. Children sorted in natural
// order (Vyatta) are merge-joined; unsorted children (VRP sections) are
// matched through a map; children of an Ordered parent (VRP security-policy,
// nat-policy) are matched by name and their longest common order is kept,
// the other common children being reported as Moved.
//
// Trees from config.ParsePairFast hold stubs for the byte-equal parts of
// a pair: two stubs of the same bytes at one path are an equal subtree of
// known rows, and Rows expands a stub (stubs.go) only for the rows it
// shows or a scope that changes inside it; the output is the same as for
// fully parsed trees.
//
// The side-by-side writer measures text in terminal cells with
// github.com/clipperhouse/displaywidth (a CJK character is two cells) and
// marks rows with the console's vocabulary (Glyphs, which views embeds:
// ASCII by default, the Unicode set on request).
//
// Imports: backend/config, backend/syncmap, displaywidth and the standard
// library only; no Charm package, no I/O beyond the io.Writer handed to a
// writer.
package diff
