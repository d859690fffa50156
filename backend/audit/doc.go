// Package audit keeps the append-only record of every sync: one JSON
// object per line in DIR/PAIR.jsonl (who, when, pair, direction, the
// plan's hash, counts, the result, the remote's error lines, the comment),
// in the user's state directory ($XDG_STATE_HOME/hasync/audit, else
// ~/.local/state/hasync/audit), or a directory the caller names.
//
// Secrets never reach a record (DESIGN.md "Rules that hold everywhere"):
// Append takes the secrets of the plan and masks each wherever it appears
// (a remote error line may echo a value it refused).
//
// Imports: the standard library only.
package audit
