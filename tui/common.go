package tui

import (
	"context"
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
