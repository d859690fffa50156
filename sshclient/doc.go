// Package sshclient is hasync's SSH transport: it dials a device (with a
// context, a timeout and keepalives, through jump hosts), checks its host
// key against known_hosts files, authenticates (agent, identity files,
// password, keyboard-interactive), runs commands with their output streamed
// line by line, and opens interactive shells on a wide PTY.
//
// It owns: the resolution of a host through ssh_config (Host aliases,
// HostName, User, Port, IdentityFile, ProxyJump; the file is per Config),
// the host-key policy (strict by default against the known_hosts files
// given, host-key algorithms chosen from their entries; accept-new as
// OpenSSH's StrictHostKeyChecking=accept-new, recording plain, unhashed
// lines; an unknown host otherwise goes to a callback), the per-device
// opt-in to legacy algorithms, and the named errors a front end tells
// apart with errors.Is (ErrAuth, ErrHostKeyMismatch, ErrUnknownHost,
// ErrTimeout, ErrConnectionLost, ErrNegotiation, ErrUnreachable).
//
// Prompt detection, pagers and device questions belong to backend/device,
// which drives a *Shell as an io.ReadWriter.
//
// Imports: the standard library, golang.org/x/crypto/ssh (and its agent
// and knownhosts packages), github.com/kevinburke/ssh_config and
// github.com/skeema/knownhosts; no backend, Charm or lab package (tests
// use lab to serve real SSH on loopback). Secrets (passwords, passphrases,
// keys) never appear in its errors.
package sshclient
