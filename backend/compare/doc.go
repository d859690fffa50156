// Package compare owns one comparison of an HA pair: LEFT, the source of a
// sync, and RIGHT, its target, as two configuration trees, and the
// sync-map that decides what they share. From them it gives the aligned
// rows of a side-by-side view, the list of changes each with its scope,
// the counts (differences in scope, outside the map, excluded, protected)
// and the plan a sync would send. Every front end (hasync diff and
// status, the console, the served console) asks this package whether a
// difference is in scope; none decides it by itself.
//
// It also owns choosing the sync-map (a map LEFT carries under `system
// config-sync sync-map`, the Huawei built-in `hrp`, one built from
// include and exclude paths, or the family's default, narrowed by
// excludes) and reading a pair of configuration files or texts with the
// checks that keep a misread from looking like a difference (one family
// for both, a family given must not contradict the text, an empty
// configuration is refused).
//
// Imports: backend/config, backend/diff, backend/plan, backend/syncmap and
// the standard library. No Charm package, no device or SSH package: live
// configurations reach it as text or trees, fetched by backend/device.
package compare
