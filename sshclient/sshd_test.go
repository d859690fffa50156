package sshclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/sshclient"
)

// openSSHD is a real OpenSSH server on 127.0.0.1 whose ForceCommand runs
// `hasync lab cli` on a Vyatta lab device's state.
type openSSHD struct {
	*labtest.SSHD
	keyFile2 string // another authorized key
}

// startSSHD starts sshd, or skips the test where there is none (and fails
// it when CI is set: .ci/run installs openssh-server). extra lines are
// added to sshd_config.
func startSSHD(t *testing.T, extra string) *openSSHD {
	t.Helper()
	s := &openSSHD{SSHD: labtest.StartSSHD(t, labtest.SSHDOptions{Bin: labtest.HasyncBinary(t), Device: "vra-b", Extra: extra,
		Need: "the test of sshclient against a real sshd"})}
	// A second key, for the test of partial success.
	s.keyFile2 = filepath.Join(s.Dir, "client2")
	s.Authorize(t, labtest.NewKey(t, s.keyFile2))
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.RemoveBinary()
	os.Exit(code)
}

func (s *openSSHD) config() sshclient.Config {
	return sshclient.Config{
		Host: "127.0.0.1", Port: s.Port, User: s.User,
		SSHConfigFile: "none",
		KnownHosts:    []string{s.KnownHosts},
		IdentityFiles: []string{s.KeyFile},
		Timeout:       20 * time.Second,
	}
}

// TestOpenSSHFetch: a fetch through a real OpenSSH server (its
// ForceCommand is `hasync lab cli`): the configuration read by Exec is
// the lab device's, line for line.
func TestOpenSSHFetch(t *testing.T) {
	s := startSSHD(t, "")
	c := dial(t, s.config())
	var got lines
	if err := c.Exec(context.Background(), "show configuration commands", got.add); err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command(s.Bin, "lab", "cli", "--state", s.State, "--device", "vra-b", "show", "configuration", "commands").Output()
	if err != nil {
		t.Fatal(err)
	}
	wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
	if len(wantLines) < 10 || !strings.Contains(string(want), "set system host-name 'vra-b'") {
		t.Fatalf("the lab's configuration: %.300s", want)
	}
	if strings.Join(got.get(), "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("fetched %d lines, the lab has %d", len(got.get()), len(wantLines))
	}
	if !strings.HasPrefix(c.ServerVersion(), "SSH-2.0-OpenSSH") {
		t.Errorf("server %q", c.ServerVersion())
	}
	// An interactive shell on a PTY reaches the device's CLI.
	sh, err := c.Shell(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	var buf bytes.Buffer
	shellExpect(t, sh, &buf, "vyatta@vra-b:~$ ")
	fmt.Fprint(sh, "show version\r")
	shellExpect(t, sh, &buf, "Hostname:")
}

// TestOpenSSHHostKey: sshd's key, changed, is refused with both
// fingerprints; unknown, it is recorded with AcceptNew.
func TestOpenSSHHostKey(t *testing.T) {
	s := startSSHD(t, "")
	cfg := s.config()
	other := filepath.Join(t.TempDir(), "known_hosts")
	wrong := labtest.NewKey(t, filepath.Join(t.TempDir(), "k"))
	if err := lab.WriteKnownHosts(other, []lab.KnownHost{{Addr: fmt.Sprintf("127.0.0.1:%d", s.Port), Key: wrong}}); err != nil {
		t.Fatal(err)
	}
	cfg.KnownHosts = []string{other}
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrHostKeyMismatch) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(wrong)) ||
		!strings.Contains(err.Error(), other+":1") {
		t.Errorf("changed key: %v", err)
	}
	fresh := filepath.Join(t.TempDir(), "known_hosts")
	cfg.KnownHosts, cfg.AcceptNew = []string{fresh}, true
	dial(t, cfg)
	cfg.AcceptNew = false
	dial(t, cfg)
}

// TestOpenSSHProxyJump: a lab device reached through sshd as a jump host
// (direct-tcpip), named by ssh_config aliases: the target's ProxyJump
// names the jump host's alias, resolved through the same file. sshd
// permits forwarding to that device only, so reaching a second device
// through it fails: the path goes through the jump host.
func TestOpenSSHProxyJump(t *testing.T) {
	tl := startLab(t)
	s := startSSHD(t, fmt.Sprintf("AllowTcpForwarding yes\nPermitOpen 127.0.0.1:%d\n", tl.srv.Port()))
	conf := fmt.Sprintf(`Host jump
  HostName 127.0.0.1
  Port %d
  User %s
  IdentityFile %s

Host dev
  HostName 127.0.0.1
  Port %d
  User %s
  IdentityFile %s
  ProxyJump jump
`, s.Port, s.User, s.KeyFile, tl.srv.Port(), testUser, tl.keyFile)
	if err := os.WriteFile(tl.sshConfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := sshclient.Config{Alias: "dev", SSHConfigFile: tl.sshConfig,
		KnownHosts: []string{tl.knownHosts, s.KnownHosts}, Timeout: 20 * time.Second}
	c := dial(t, cfg)
	execOK(t, c, "via jump", "ran via jump")
	// Closing the target closes the jump host's connection too.
	c.Close()

	// A second device: sshd refuses to forward to it.
	tl2 := startLab(t)
	cfg2 := tl2.config()
	cfg2.ProxyJump = fmt.Sprintf("%s@127.0.0.1:%d", s.User, s.Port)
	cfg2.IdentityFiles = append(cfg2.IdentityFiles, s.KeyFile)
	cfg2.KnownHosts = append(cfg2.KnownHosts, s.KnownHosts)
	_, err := sshclient.Dial(context.Background(), cfg2)
	if err == nil || !strings.Contains(err.Error(), "prohibited") {
		t.Errorf("forwarding to a device sshd does not permit: %v", err)
	}
	// The jump host's own failure names it.
	cfg2.ProxyJump = fmt.Sprintf("nobody@127.0.0.1:%d", s.Port)
	_, err = sshclient.Dial(context.Background(), cfg2)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "jump host 1") {
		t.Errorf("jump host refusing: %v", err)
	}
}

// TestOpenSSHPartialSuccess: sshd wants two keys (AuthenticationMethods
// publickey,publickey): the first is a partial success, and the client
// goes on to the second. With one key it is ErrAuth.
func TestOpenSSHPartialSuccess(t *testing.T) {
	s := startSSHD(t, "AuthenticationMethods publickey,publickey\n")
	cfg := s.config()
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) {
		t.Fatalf("one key of two: %v", err)
	}
	cfg.IdentityFiles = []string{s.KeyFile, s.keyFile2}
	c := dial(t, cfg)
	var got lines
	if err := c.Exec(context.Background(), "show version", got.add); err != nil || !strings.Contains(strings.Join(got.get(), "\n"), "vra-b") {
		t.Errorf("show version after partial success: %v %q", err, got.get())
	}
	// The second key encrypted: its passphrase is asked once, though
	// the client offers its keys again after the partial success.
	enc, pub := encryptedKey(t, t.TempDir())
	s.Authorize(t, pub)
	asked := 0
	cfg.IdentityFiles = []string{s.KeyFile, enc}
	cfg.Passphrase = func(string) ([]byte, error) { asked++; return []byte(testPass), nil }
	dial(t, cfg)
	if asked != 1 {
		t.Errorf("passphrase asked %d times", asked)
	}
}
