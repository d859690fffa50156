// Package vyatta emulates one Vyatta-family router (VRA / 5600 style) for
// hasync's lab: the running configuration and per-session candidates with
// the commit engine and its validation (device.go, validate.go), the
// operational and configure-mode CLI served over SSH (cli.go), the HTTPS
// REST API (rest.go), config-sync to the peer (configsync.go), and the
// seeded pair configuration with drift (seed.go).
//
// Imports: the standard library, golang.org/x/crypto, backend/config,
// backend/syncmap and lab. Only `main` and tests import it.
package vyatta
