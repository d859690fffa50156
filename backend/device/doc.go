// Package device owns the drivers that talk to one device over an
// interactive shell: the login state machine, one command at a time with
// its echo, pager, questions and refusals; the reads built on it (the
// running configuration, HA state, session counts, whether the running
// configuration differs from the saved one, the sync-maps); and the
// writes (apply.go: a change as one commit with its error blocks tied to
// paths, commit-confirm and confirm, the device's own sync, sync-maps).
//
// Each family's knowledge is data, not code (platform.go, as scrapligo's
// platform definitions): prompt patterns, the pager's prompt, its answer
// and the escape codes that erase it, the commands that turn the pager
// off, the questions a command may be answered (and how an unexpected one
// is aborted), the lines skipped at login, the refusal and commit-failure
// patterns, and the commands of the reads. The
// device facts come from DOMAIN.md ("Huawei family", "HRP", "Commit and
// compare output"); the state machine (session.go) is shared by both
// families and by reads and writes alike.
//
// rest.go is the Vyatta REST API's client (DOMAIN.md "Vyatta REST
// API"): Apply in one configuration session (set/delete, commit, save,
// DELETE) with the same ApplyResult and errors as over SSH, Fetch, Save
// and the list of open configuration sessions.
//
// A Session runs on anything that reads and writes a PTY shell's bytes
// (Open): *sshclient.Shell in production (Connect dials and opens one),
// a scripted device in the driver tests.
//
// Imports: the standard library (net/http for REST), backend/config (parsing what is read),
// backend/syncmap (the sync-maps a configuration carries) and sshclient
// (Connect). Never lab, plan, diff, a UI or a Charm package. Tests start
// lab devices in-process and meet them over real SSH on loopback through
// sshclient.
package device
