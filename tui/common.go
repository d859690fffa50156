package tui

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hasync/hasync/views"
)

// Common is the dependency bundle every component gets: no globals.
type Common struct {
	Ctx context.Context
	// Width and Height are the terminal's size in cells.
	Width, Height int
	Styles        views.ConsoleStyles
	Keys          KeyMap
	Log           *slog.Logger
	// ReadOnly: the console changes nothing on any device.
	ReadOnly bool
	// ReadOnlyReason says why (shown beside each disabled action).
	ReadOnlyReason string
	// Dark is the terminal's background as last reported; NoColor turns
	// colour off (NO_COLOR from the session's environment).
	Dark, NoColor bool
	// Served is the SSH identity of the session when the console is
	// served (hasync serve); zero in a local console.
	Served Identity
	// Hub is the served console's shared pairs' owner (nil in a local
	// console): a session's syncs run on its context, not the session's.
	Hub *Hub
	// AuditDir is where this console's writes are recorded
	// (Options.AuditDir; "" hasync's state directory's audit).
	AuditDir string
}

// Identity is who a served session is: the SSH user name the client
// gave, the SHA256 fingerprint and comment of the authorized key that
// logged it in, its role, and the client's address.
type Identity struct {
	User, Key, Comment string
	Role               Role
	Remote             string
	// Session numbers the server's sessions from 1.
	Session int64
}

// Holder names who syncs, for the pair's lock, its events and the Log
// of every session (sync.Options.Holder): "alice (session 3, key
// SHA256:feX48QCMdSqi…)" for a served session, "" in a local console (the
// back end's default). The fingerprint is cut to stay readable in a
// banner; the server's log has it whole beside the session's number.
func (c *Common) Holder() string {
	id := c.Served
	if id.Key == "" {
		return ""
	}
	return fmt.Sprintf("%s (session %d, key %s)", id.User, id.Session, shortKey(id.Key))
}

// shortKey is a key's fingerprint cut to stay readable beside a name:
// "SHA256:feX48QCMdSqi…".
func shortKey(fp string) string {
	if len(fp) > len("SHA256:")+12 {
		return fp[:len("SHA256:")+12] + "…"
	}
	return fp
}

// restyle rebuilds the styles after a background or colour change.
func (c *Common) restyle() {
	ascii := c.Styles.ASCII
	if c.NoColor {
		c.Styles = views.PlainConsoleStyles()
	} else {
		c.Styles = views.NewConsoleStyles(c.Dark)
	}
	c.Styles.ASCII = ascii
}

// Log keys, as constants (the log is a file, never the terminal).
const (
	logPair   = "pair"
	logDevice = "device"
	logKind   = "kind"
	logErr    = "err"
	logReq    = "req"
)
