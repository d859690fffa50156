package device

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/sshclient"
)

// labConfig is the sshclient configuration of a lab device at addr:
// the state directory dir's known_hosts (strict) and the key keyFile,
// no ssh_config, no agent.
func labConfig(t *testing.T, dir, user, keyFile, addr string) sshclient.Config {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return sshclient.Config{
		Host: host, Port: p, User: user,
		SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts:    []string{filepath.Join(dir, lab.KnownHostsFile)},
		IdentityFiles: []string{keyFile},
		Timeout:       20 * time.Second,
	}
}

// labShell dials a lab device over real SSH and opens a PTY shell of
// width columns, closed when the test ends.
func labShell(t *testing.T, cfg sshclient.Config, width int) *sshclient.Shell {
	t.Helper()
	c, err := sshclient.Dial(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sh, err := c.Shell(context.Background(), width, shellRows)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close() })
	return sh
}

// labLogin logs in to the lab device at addr: Connect for the wide
// terminal, or Open on a shell of width columns.
func labLogin(t *testing.T, dir, user, keyFile, addr string, opt Options, width int) *Session {
	t.Helper()
	cfg := labConfig(t, dir, user, keyFile, addr)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		s   *Session
		err error
	)
	if width == WideColumns {
		s, err = Connect(ctx, cfg, opt)
	} else {
		if opt.Width == 0 {
			opt.Width = width
		}
		s, err = Open(ctx, labShell(t, cfg, width), opt)
	}
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
