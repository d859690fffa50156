package device

import (
	"context"
	"fmt"

	"github.com/hasync/hasync/sshclient"
)

// Connect dials a device with sshclient, opens a PTY shell WideColumns
// wide (Options.Width, unless set) and logs in (Open). Closing the
// session closes the shell and the connection. Dial errors keep
// sshclient's named errors (ErrAuth, ErrHostKeyMismatch, ...) for
// errors.Is; the shell's read errors wrap sshclient.ErrConnectionLost
// when the link goes.
func Connect(ctx context.Context, cfg sshclient.Config, opt Options) (*Session, error) {
	c, err := sshclient.Dial(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.Name, err)
	}
	if opt.Width == 0 {
		opt.Width = WideColumns
	}
	// The shell lives as long as the session, not as the dial's context.
	sh, err := c.Shell(context.WithoutCancel(ctx), opt.Width, shellRows)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: shell: %w", opt.Name, err)
	}
	s, err := Open(ctx, sh, opt)
	if err != nil {
		c.Close()
		return nil, err
	}
	s.client = c
	return s, nil
}

// shellRows is the PTY's height: a device that pages at the height pages
// rarely.
const shellRows = 200
