package pair

import (
	"context"
	"errors"
	"net"
	"syscall"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/sshclient"
)

// Reason is why a device is not reachable or not read, as one word a
// front end can show, sort and test: the named errors of sshclient and
// backend/device, classified.
type Reason string

const (
	// ReasonNone: no error.
	ReasonNone Reason = ""
	// ReasonUnreachable: no SSH service answered (refused, no route, closed
	// before the handshake).
	ReasonUnreachable Reason = "unreachable"
	// ReasonAuth: the device refused every authentication method tried.
	ReasonAuth Reason = "auth"
	// ReasonHostKey: the device's host key differs from known_hosts.
	ReasonHostKey Reason = "host-key-changed"
	// ReasonUnknownHost: no known_hosts file lists the device, and its key
	// was not accepted.
	ReasonUnknownHost Reason = "unknown-host"
	// ReasonNegotiation: no common SSH algorithm (a legacy device whose
	// algorithms are not opted in).
	ReasonNegotiation Reason = "negotiation"
	// ReasonTimeout: dial, login or a command took too long.
	ReasonTimeout Reason = "timeout"
	// ReasonLost: an established connection went away.
	ReasonLost Reason = "connection-lost"
	// ReasonCredentials: the inventory's password source gave nothing
	// (variable unset, file missing).
	ReasonCredentials Reason = "credentials"
	// ReasonRejected: the device refused a read command.
	ReasonRejected Reason = "rejected"
	// ReasonQuestion: the device asked an unexpected question.
	ReasonQuestion Reason = "question"
	// ReasonCanceled: the caller cancelled.
	ReasonCanceled Reason = "canceled"
	// ReasonOther: anything else (a configuration that does not parse...).
	ReasonOther Reason = "error"
)

// Classify names the reason of err.
func Classify(err error) Reason {
	switch {
	case err == nil:
		return ReasonNone
	case errors.Is(err, sshclient.ErrHostKeyMismatch):
		return ReasonHostKey
	case errors.Is(err, sshclient.ErrUnknownHost):
		return ReasonUnknownHost
	case errors.Is(err, inventory.ErrNoPassword):
		return ReasonCredentials
	case errors.Is(err, sshclient.ErrAuth):
		return ReasonAuth
	case errors.Is(err, sshclient.ErrNegotiation):
		return ReasonNegotiation
	case errors.Is(err, sshclient.ErrUnreachable), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return ReasonUnreachable
	case errors.Is(err, sshclient.ErrConnectionLost), errors.Is(err, device.ErrConnectionLost), errors.Is(err, device.ErrClosed):
		return ReasonLost
	case errors.Is(err, sshclient.ErrTimeout), errors.Is(err, device.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, device.ErrQuestion):
		return ReasonQuestion
	case errors.Is(err, device.ErrRejected):
		return ReasonRejected
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	}
	return ReasonOther
}

// Text is the reason in a few words, as hasync status prints it:
// "unreachable", "auth failed", "host key changed", "unknown host key",
// "no common algorithm", "timeout", "dropped", "no password", "command
// rejected", "unexpected question", "interrupted", "error"; "" for
// ReasonNone. Describe refines it with the error itself.
func (r Reason) Text() string {
	switch r {
	case ReasonNone:
		return ""
	case ReasonUnreachable:
		return "unreachable"
	case ReasonAuth:
		return "auth failed"
	case ReasonHostKey:
		return "host key changed"
	case ReasonUnknownHost:
		return "unknown host key"
	case ReasonNegotiation:
		return "no common algorithm"
	case ReasonTimeout:
		return "timeout"
	case ReasonLost:
		return "dropped"
	case ReasonCredentials:
		return "no password"
	case ReasonRejected:
		return "command rejected"
	case ReasonQuestion:
		return "unexpected question"
	case ReasonCanceled:
		return "interrupted"
	}
	return "error"
}

// Describe says in a few words why err kept a device from being read:
// Classify's reason as Text words it, refined by the error: a connection
// refused ("refused": ECONNREFUSED, or a server that closed the connection
// before the SSH handshake), "no route" (EHOSTUNREACH, ENETUNREACH) or
// "unreachable" (any other failed TCP connect); a session closed after a
// timeout or an interrupt says so ("timeout", "interrupted"); a
// configuration that does not parse is "configuration not understood".
// The words are stable (hasync status --json prints them); "" for nil.
func Describe(err error) string {
	r := Classify(err)
	switch r {
	case ReasonUnreachable:
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "refused"
		case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return "no route"
		}
		// A failed TCP connect carries the network error; without one
		// the server accepted and closed before the SSH handshake: the
		// service is there and refuses.
		var ne *net.OpError
		if errors.As(err, &ne) {
			return "unreachable"
		}
		return "refused"
	case ReasonLost:
		// device.ErrClosed wraps what broke the session.
		switch {
		case errors.Is(err, sshclient.ErrTimeout), errors.Is(err, device.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			return ReasonTimeout.Text()
		case errors.Is(err, sshclient.ErrConnectionLost), errors.Is(err, device.ErrConnectionLost):
		case errors.Is(err, context.Canceled):
			return ReasonCanceled.Text()
		}
	case ReasonOther:
		var pe *config.ParseError
		if errors.As(err, &pe) {
			return "configuration not understood"
		}
	}
	return r.Text()
}

// Explain is Describe as a person reads it beside the device's name: a
// connection failure as "unreachable: refused" (or "unreachable: no
// route"), a missing password with where it was looked for ("no password:
// HASYNC_PW is not set", "no password: FILE is empty", "no password: no
// terminal to ask on" — the inventory's password sources), else
// Describe's words. A timeout is "timeout": the caller adds the limit it
// ran into.
func Explain(err error) string {
	d := Describe(err)
	switch d {
	case "refused", "no route":
		return "unreachable: " + d
	case "no password":
		var npe *inventory.NoPasswordError
		if errors.As(err, &npe) && npe.Why() != "" {
			return d + ": " + npe.Why()
		}
	}
	return d
}

// connectionLost reports whether err says the SSH connection itself went.
func connectionLost(err error) bool {
	return Classify(err) == ReasonLost || Classify(err) == ReasonUnreachable
}
