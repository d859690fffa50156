package sshclient_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/sshclient"
)

func allowForward(o *lab.SSHOptions) { o.AllowForward = true }

// TestProxyJumpLab: a device reached through two lab jump hosts
// (ProxyJump "j1,j2" from ssh_config: each hop dialled through the one
// before); closing the first jump host's server takes the device's
// connection down with it, so the path went through it.
func TestProxyJumpLab(t *testing.T) {
	j1, j2 := startLab(t, allowForward), startLab(t, allowForward)
	dev := startLab(t)
	conf := fmt.Sprintf(`Host j1
  HostName 127.0.0.1
  Port %d
  IdentityFile %s
Host j2
  HostName 127.0.0.1
  Port %d
  IdentityFile %s
Host dev
  HostName 127.0.0.1
  Port %d
  IdentityFile %s
  ProxyJump j1,j2
Host *
  User %s
`, j1.srv.Port(), j1.keyFile, j2.srv.Port(), j2.keyFile, dev.srv.Port(), dev.keyFile, testUser)
	if err := os.WriteFile(dev.sshConfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := sshclient.Config{Alias: "dev", SSHConfigFile: dev.sshConfig,
		KnownHosts: []string{j1.knownHosts, j2.knownHosts, dev.knownHosts}, Timeout: 20 * time.Second}
	c := dial(t, cfg)
	execOK(t, c, "through two", "ran through two")
	j1.srv.Close()
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the device's connection outlived its jump host")
	}
	if !errors.Is(c.Err(), sshclient.ErrConnectionLost) {
		t.Errorf("Err() = %v", c.Err())
	}
	// A server that is no jump host refuses the forwarding.
	cfg2 := dev.config()
	cfg2.ProxyJump = fmt.Sprintf("%s@127.0.0.1:%d", testUser, j2.srv.Port())
	cfg2.IdentityFiles = []string{j2.keyFile, dev.keyFile}
	cfg2.KnownHosts = []string{j2.knownHosts, dev.knownHosts}
	execOK(t, dial(t, cfg2), "through j2", "ran through j2")
	plain := startLab(t)
	cfg2.ProxyJump = fmt.Sprintf("%s@127.0.0.1:%d", testUser, plain.srv.Port())
	cfg2.IdentityFiles = []string{plain.keyFile, dev.keyFile}
	cfg2.KnownHosts = []string{plain.knownHosts, dev.knownHosts}
	if _, err := sshclient.Dial(context.Background(), cfg2); err == nil {
		t.Error("a server that forwards nothing served as a jump host")
	}
}

// TestPartialSuccess: a device that wants a key and then the password
// (OpenSSH's AuthenticationMethods publickey,password), by the password
// method or keyboard-interactive: the client goes on from the key's
// partial success; either alone is refused.
func TestPartialSuccess(t *testing.T) {
	for _, ki := range []bool{false, true} {
		t.Run(fmt.Sprintf("keyboard-interactive=%v", ki), func(t *testing.T) {
			tl := startLab(t, withLogin(lab.SSHLogin{PublicKeyThenPassword: true, KeyboardInteractive: ki}))
			cfg := tl.config()
			cfg.Password = password
			c := dial(t, cfg)
			execOK(t, c, "both", "ran both")
			keyOnly := tl.config()
			_, err := sshclient.Dial(context.Background(), keyOnly)
			if !errors.Is(err, sshclient.ErrAuth) {
				t.Errorf("key only: %v", err)
			}
			pwOnly := cfg
			pwOnly.IdentityFiles = nil
			_, err = sshclient.Dial(context.Background(), pwOnly)
			if !errors.Is(err, sshclient.ErrAuth) {
				t.Errorf("password only: %v", err)
			}
			noSecret(t, err)
			wrong := cfg
			wrong.Password = func() (string, error) { return "no-" + testPassword, nil }
			_, err = sshclient.Dial(context.Background(), wrong)
			if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "publickey") {
				t.Errorf("key then wrong password: %v", err)
			}
			noSecret(t, err)
		})
	}
}
