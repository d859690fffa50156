// Package pair owns both devices of one HA pair while hasync watches it:
// it dials them concurrently over SSH (sshclient), opens a device session
// on each (backend/device), reads both configurations, the HA state, the
// session counts and whether the running configuration differs from the
// saved one, refreshes on demand and on a timer, reconnects with a capped,
// jittered backoff, and publishes events (connected, lost, refreshed,
// error, a device-native config-sync error, and the live lines of a sync
// that backend/sync runs under the pair's sync lock, LockSync /
// SyncHolder) to subscribers that can never block it. Every front end (hasync status, diff --pair, the console, the
// served console) reads the same Snapshot: per device reachable or why,
// HA, sessions, saved-differs, the configuration text and tree with the
// time it was fetched, and the comparison of the two (backend/compare)
// scoped by the pair's sync-map.
//
// Secrets: passwords are resolved from the inventory's references when a
// dial needs them; one the user typed at a prompt is kept in memory for
// that device's reconnects (dropped when the device refuses it) and is
// never put in an error, an event or a snapshot.
//
// Imports: backend/inventory (what a pair is), backend/device, sshclient,
// backend/compare, backend/config, backend/diff, golang.org/x/crypto/ssh
// (the host key type of OnUnknownHost) and the standard library.
// No lab (tests start lab devices in-process and meet them over real SSH
// on loopback), no UI and no Charm package.
package pair
