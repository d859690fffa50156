// Package vyatta emulates one Vyatta-family router for hasync's lab: a VRA /
// Vyatta 5600 or, by Options.Flavor, a VyOS router (flavor.go: `show
// version`, the commit-failure block, the indent and footer of `show
// configuration`). It holds the running configuration and per-session
// candidates with the commit engine (device.go: all or nothing, or per
// priority subtree with Options.PartialCommit), the validation (validate.go:
// every `set` word read with the schema table of backend/config/schema,
// values checked at set time, and the cross-checks of a real commit), the
// operational and configure-mode CLI served over SSH (cli.go), the HTTPS
// REST API (rest.go), config-sync to the peer (configsync.go; VyOS 1.4
// `service config-sync` in the VyOS flavor: servicesync.go), the terminal
// of an interactive login (terminal.go: the less-like pager with
// Options.Pager, `set terminal length|width`, the `| no-more`, `| match`,
// `| except` pipes, the VyOS operator prompt and VyOS's `Proceed?
// [confirm]` before commit-confirm), and the seeded pair configuration with
// drift (seed.go). PairOptions.SSH sets what a client meets before the
// first prompt (lab.SSHLogin: legacy algorithms, host keys, version,
// banner, keyboard-interactive). users.go is the secrets group (masks for
// users outside it, config-sync's refusal of a remote user outside it);
// history.go the commit archive (`show system commit`, `rollback N`,
// `compare N`), `load` / `merge` and `compare saved`; interfaces.go `show
// interfaces`; vrrp.go the VRRP election between the members of a pair
// (priority, preempt, faults, transition times on the device's clock,
// Options.Now; groups in the 5600 layout and VyOS's `high-availability
// vrrp`) and `show vrrp` in the flavor's layout (VyOS 1.4's table in the
// VyOS flavor). The pair serves user operator (outside the secrets group,
// its own key and password) on each member's SSH port beside vyatta.
//
// Imports: the standard library, golang.org/x/crypto, backend/config (and
// its schema), backend/syncmap and lab; never the product's plan or diff.
// Only `main` and tests import it.
package vyatta
