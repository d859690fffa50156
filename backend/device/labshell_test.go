package device

import (
	"context"
	"io"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab/labtest"
)

// sshShell is a PTY shell over golang.org/x/crypto/ssh as an
// io.ReadWriteCloser, as sshclient.Shell will be.
type sshShell struct {
	io.Reader
	in   io.WriteCloser
	sess *ssh.Session
}

func (s *sshShell) Write(p []byte) (int, error) { return s.in.Write(p) }
func (s *sshShell) Close() error                { return s.sess.Close() }

// openShell starts a PTY shell of width columns on c.
func openShell(t *testing.T, c *ssh.Client, width int) *sshShell {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 200, width, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return &sshShell{Reader: out, in: in, sess: sess}
}

// labLogin dials a lab device at addr over real SSH (host key checked
// against the state directory dir), opens a PTY shell of width columns
// and runs Open on it.
func labLogin(t *testing.T, dir, user string, key ssh.Signer, addr string, opt Options, width int) *Session {
	t.Helper()
	c := labtest.Dial(t, opt.Name, addr, labtest.ClientConfig(t, dir, user, key))
	sh := openShell(t, c, width)
	if opt.Width == 0 {
		opt.Width = width
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, sh, opt)
	if err != nil {
		t.Fatalf("open %s: %v", opt.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
