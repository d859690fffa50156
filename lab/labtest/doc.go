// Package labtest holds the helpers the lab's tests share to drive an
// emulated device as a client would: an SSH login that checks host keys
// against the state directory's known_hosts, one-shot commands, an
// interactive PTY shell read with expect, the OpenSSH client's pinned
// options, a buffer safe to write from a command's goroutines, and a real
// OpenSSH server (sshd) on loopback whose ForceCommand is `hasync lab cli`
// (StartSSHD: skipped where sshd is absent, failed then when CI is set),
// with the hasync binary it runs built once per test binary.
//
// Only tests import it. It imports the standard library, golang.org/x/crypto
// and lab (for the names of the state directory's files); never the
// product's packages.
package labtest
