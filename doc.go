// Command hasync is the console for the two devices of a high-availability
// pair of firewalls or routers: it shows their configurations side by side,
// aligned by configuration path, edits the sync-maps that decide what is
// shared, and triggers and follows a sync.
//
// Package main is the command line (cobra): diff (of two files, or of a
// live pair with --pair), status, fmt, demo and lab. It parses flags and
// prints; what a comparison finds (the sync-map, the scope of each
// difference, the plan) is backend/compare's, and a live read is
// backend/pair's (cmd_live.go turns its Snapshot into what status and
// diff --pair print). It may import every package of the module; it is
// the only non-test importer of lab. The console (tui) arrives with its
// own issues.
package main
