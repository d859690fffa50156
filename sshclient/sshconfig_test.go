package sshclient_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/sshclient"
)

// TestSSHConfigAlias: a Host alias in the Config's ssh_config file gives
// HostName, Port, User and IdentityFile; explicit values win.
func TestSSHConfigAlias(t *testing.T) {
	tl := startLab(t)
	conf := fmt.Sprintf(`# the user's file
Host fw-*
  HostName 127.0.0.1
  Port %d

Host fw-a
  User %s
  IdentityFile %s

Host *
  User nobody
  Port 1
`, tl.srv.Port(), testUser, tl.keyFile)
	if err := os.WriteFile(tl.sshConfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := sshclient.Config{Alias: "fw-a", SSHConfigFile: tl.sshConfig, KnownHosts: []string{tl.knownHosts}}
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
	if c.User() != testUser || c.Addr() != tl.srv.Addr() {
		t.Errorf("resolved to %s@%s", c.User(), c.Addr())
	}
	// An explicit user wins over the file's.
	cfg.User = "operator"
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "operator@127.0.0.1") {
		t.Errorf("explicit user: %v", err)
	}
	// Another alias gets the catch-all's user and no key.
	_, err = sshclient.Dial(context.Background(), sshclient.Config{Alias: "fw-b", SSHConfigFile: tl.sshConfig, KnownHosts: []string{tl.knownHosts}})
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "nobody@127.0.0.1") {
		t.Errorf("fw-b: %v", err)
	}
	// A named file that is missing is an error, not silence.
	if _, err := sshclient.Dial(context.Background(), sshclient.Config{Alias: "fw-a", SSHConfigFile: tl.sshConfig + ".missing"}); err == nil || !strings.Contains(err.Error(), "ssh_config") {
		t.Errorf("missing ssh_config: %v", err)
	}
}

// TestSSHConfigErrors: what the parser cannot read is an error with the
// file, line and column.
func TestSSHConfigErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(file, []byte("Host a\n  Port 2\n\nMatch user bob\n  Port 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sshclient.Dial(context.Background(), sshclient.Config{Alias: "a", SSHConfigFile: file})
	if err == nil || !strings.Contains(err.Error(), file+":4:7: unsupported Match criterion") {
		t.Errorf("Match user: %v", err)
	}
}
