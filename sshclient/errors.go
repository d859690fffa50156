package sshclient

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Named errors, for errors.Is. Every error of Dial, Exec and Shell that
// has one of these causes wraps it.
var (
	// ErrAuth: the server refused every authentication method tried
	// (*AuthError has the methods and the server's banner).
	ErrAuth = errors.New("authentication failed")
	// ErrHostKeyMismatch: the server's host key differs from the one
	// known_hosts holds for it (*HostKeyError has both fingerprints and the
	// line to fix).
	ErrHostKeyMismatch = errors.New("host key mismatch")
	// ErrUnknownHost: known_hosts has no key for the server and it was not
	// accepted (*UnknownHostError has the presented key's fingerprint).
	ErrUnknownHost = errors.New("unknown host")
	// ErrTimeout: Config.Timeout passed while dialling, or a context
	// deadline ended a call.
	ErrTimeout = errors.New("timed out")
	// ErrConnectionLost: an established connection went away (dropped,
	// reset, or its keepalives went unanswered).
	ErrConnectionLost = errors.New("connection lost")
	// ErrNegotiation: client and server share no algorithm of some kind
	// (*NegotiationError lists both sides' offers).
	ErrNegotiation = errors.New("no common algorithm")
	// ErrUnreachable: no SSH service answered: the TCP connection was
	// refused or failed, or the server closed it before the SSH handshake.
	ErrUnreachable = errors.New("unreachable")
)

// AuthError is a refused authentication. It names the methods tried and
// keeps the server's authentication banner (devices often explain a lock
// out or a maintenance window there). It never holds a secret.
type AuthError struct {
	Addr, User string
	// Tried are the methods offered to the server ("publickey",
	// "password", "keyboard-interactive").
	Tried []string
	// Notes say why a method could not be used (a key file unreadable,
	// no passphrase callback, a prompt that wanted a visible answer).
	Notes []string
	// Banner is the server's authentication banner, if any.
	Banner string
	// Err is the underlying error.
	Err error
}

func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ssh %s@%s: %v", e.User, e.Addr, ErrAuth)
	if len(e.Tried) > 0 {
		fmt.Fprintf(&b, " (tried %s)", strings.Join(e.Tried, ", "))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "; %s", n)
	}
	if e.Banner != "" {
		fmt.Fprintf(&b, "; the server's banner says: %q", strings.TrimSpace(e.Banner))
	}
	return b.String()
}

func (e *AuthError) Unwrap() []error { return []error{ErrAuth, e.Err} }

// KnownKey is a key of a known_hosts file, with where it is.
type KnownKey struct {
	Key  ssh.PublicKey
	File string
	Line int
}

// HostKeyError is a host key that differs from the known one. The error
// names the host, both fingerprints (SHA256, as `ssh-keygen -l` prints
// them) and the known_hosts file and line to fix.
type HostKeyError struct {
	// Host is the known_hosts name looked up ("host" or "[host]:port").
	Host string
	// Presented is the key the server showed.
	Presented ssh.PublicKey
	// Known are the known_hosts entries for Host.
	Known []KnownKey
}

func (e *HostKeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v for %s: the server presents %s %s, but ", ErrHostKeyMismatch, e.Host,
		e.Presented.Type(), ssh.FingerprintSHA256(e.Presented))
	for i, k := range e.Known {
		if i > 0 {
			b.WriteString(" and ")
		}
		fmt.Fprintf(&b, "%s:%d has %s %s", k.File, k.Line, k.Key.Type(), ssh.FingerprintSHA256(k.Key))
	}
	b.WriteString(". If the device was replaced or re-keyed, check the new key out of band, then remove ")
	if len(e.Known) == 1 {
		fmt.Fprintf(&b, "line %d of %s (ssh-keygen -R '%s' -f %s)", e.Known[0].Line, e.Known[0].File, e.Host, e.Known[0].File)
	} else {
		fmt.Fprintf(&b, "those lines (ssh-keygen -R '%s' -f FILE)", e.Host)
	}
	b.WriteString(" and connect again")
	return b.String()
}

func (e *HostKeyError) Is(target error) bool { return target == ErrHostKeyMismatch }

// UnknownHostError is a server whose host is not in any known_hosts file,
// and whose key was neither accepted by Config.OnUnknownHost nor by
// Config.AcceptNew.
type UnknownHostError struct {
	Host      string
	Presented ssh.PublicKey
	// Files are the known_hosts files checked.
	Files []string
	// Err is the callback's error, if it failed.
	Err error
}

func (e *UnknownHostError) Error() string {
	s := fmt.Sprintf("%v %s: it presents %s %s, which no known_hosts file checked (%s) lists; accept it with --accept-new or add it with ssh-keyscan",
		ErrUnknownHost, e.Host, e.Presented.Type(), ssh.FingerprintSHA256(e.Presented), strings.Join(e.Files, ", "))
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *UnknownHostError) Unwrap() []error { return []error{ErrUnknownHost, e.Err} }

// NegotiationError is a failed algorithm negotiation: the kind that found
// no common algorithm, and both sides' full offers (from the server's
// KEXINIT message) so the user sees what the device would accept.
type NegotiationError struct {
	Addr string
	// ServerVersion is the server's identification string.
	ServerVersion string
	// What is the kind x/crypto/ssh found nothing common for ("key
	// exchange", "host key", "client to server cipher", ...).
	What string
	// Client and Server are the offers; Server is empty when the server's
	// KEXINIT could not be read.
	Client, Server Algorithms
	Err            error
}

func (e *NegotiationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ssh %s: %v for %s", e.Addr, ErrNegotiation, e.What)
	if e.ServerVersion != "" {
		fmt.Fprintf(&b, " (server %q)", e.ServerVersion)
	}
	rows := []struct {
		name           string
		client, server []string
	}{
		{"key exchanges", e.Client.KeyExchanges, e.Server.KeyExchanges},
		{"host keys", e.Client.HostKeys, e.Server.HostKeys},
		{"ciphers", e.Client.Ciphers, e.Server.Ciphers},
		{"MACs", e.Client.MACs, e.Server.MACs},
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  %s: we offer %s; the server offers %s", r.name, list(r.client), list(r.server))
	}
	b.WriteString("\n  if the device cannot be upgraded, opt in to the server's algorithms for this device only (legacy key exchanges, ciphers, MACs, host keys)")
	return b.String()
}

func list(s []string) string {
	if len(s) == 0 {
		return "(unknown)"
	}
	return strings.Join(s, ",")
}

func (e *NegotiationError) Unwrap() []error { return []error{ErrNegotiation, e.Err} }

// ExitError is a command that ended with a non-zero exit status.
type ExitError struct {
	Cmd    string
	Status int
	// Signal is the signal that ended it, if any.
	Signal string
}

func (e *ExitError) Error() string {
	if e.Signal != "" {
		return fmt.Sprintf("%q ended by signal %s", e.Cmd, e.Signal)
	}
	return fmt.Sprintf("%q exited with status %d", e.Cmd, e.Status)
}
