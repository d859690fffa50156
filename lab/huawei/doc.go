// Package huawei emulates a Huawei USG firewall pair with HRP for hasync's
// lab: the running configuration as a backend/config tree and the commands
// that change it in views (device.go), the command grammar with its
// abbreviations and caret errors (grammar.go), the VRP command line served
// over SSH with its prompts, pager, displays and save (cli.go), HRP between
// the members (hrp*.go), the seeded pair with its drift and session table
// (seed.go), and the running pair with its state directory (pair.go:
// more login users per port, the first-login password question and a real
// password change kept per device). On a terminal that echoes, the CLI
// ends each echoed line itself (lab.LineEnder), so HRP's ` (+B)` goes on
// the echoed command's line (DOMAIN.md "HRP").
//
// Imports: the standard library, golang.org/x/crypto, backend/config,
// backend/syncmap and lab. Only `main` and tests import it.
package huawei
