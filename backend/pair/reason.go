package pair

import (
	"context"
	"errors"

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
	case errors.Is(err, sshclient.ErrUnreachable):
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

// connectionLost reports whether err says the SSH connection itself went.
func connectionLost(err error) bool {
	return Classify(err) == ReasonLost || Classify(err) == ReasonUnreachable
}
