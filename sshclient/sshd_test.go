package sshclient_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
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
	port       int
	user       string
	bin        string // the hasync binary
	state      string // the lab cli's state directory
	keyFile    string // the client key
	keyFile2   string // another authorized key
	knownHosts string // lists the server's host key
}

func writeKey(t *testing.T, file string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// startSSHD starts sshd, or skips the test where there is none (and fails
// it when CI is set: .ci/run installs openssh-server). extra lines are
// added to sshd_config.
func startSSHD(t *testing.T, extra string) *openSSHD {
	t.Helper()
	sshd := "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		msg := "no OpenSSH server (/usr/sbin/sshd; apt-get install openssh-server): skipping the test of sshclient against a real sshd"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (.ci/run installs it)")
		}
		t.Skip(msg)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &openSSHD{user: u.Username, state: filepath.Join(dir, "state"),
		keyFile: filepath.Join(dir, "client"), knownHosts: filepath.Join(dir, "known_hosts")}
	s.bin = hasyncBinary(t)
	if err := os.Mkdir(s.state, 0o700); err != nil {
		t.Fatal(err)
	}
	hostKey := writeKey(t, filepath.Join(dir, "host"))
	clientKey := writeKey(t, s.keyFile)
	// A second key, for the test of partial success.
	s.keyFile2 = filepath.Join(dir, "client2")
	clientKey2 := writeKey(t, s.keyFile2)
	authorized := append(ssh.MarshalAuthorizedKey(clientKey), ssh.MarshalAuthorizedKey(clientKey2)...)
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), authorized, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if err := lab.WriteKnownHosts(s.knownHosts, []lab.KnownHost{{Addr: fmt.Sprintf("127.0.0.1:%d", s.port), Key: hostKey}}); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowUsers %s
ForceCommand %s lab cli --state %s --device vra-b
%s`, s.port, filepath.Join(dir, "host"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"),
		s.user, s.bin, s.state, extra)
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		// sshd run by root wants its privilege separation directory,
		// which the package's service makes at boot.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("sshd as root needs /run/sshd: %v", err)
		}
	}
	srv := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	var out labtest.SyncBuffer
	srv.Stdout, srv.Stderr = &out, &out
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd:\n%s", out.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port)); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("sshd ended:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen:\n%s", out.String())
		}
	}
	return s
}

var (
	buildOnce sync.Once
	binDir    string
	binErr    error
	binOut    []byte
)

// hasyncBinary builds the hasync command once for the package's tests
// (TestMain removes it).
func hasyncBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "sshclient-test-"); binErr != nil {
			return
		}
		binOut, binErr = exec.Command("go", "build", "-o", filepath.Join(binDir, "hasync"), "github.com/hasync/hasync").CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return filepath.Join(binDir, "hasync")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func (s *openSSHD) config() sshclient.Config {
	return sshclient.Config{
		Host: "127.0.0.1", Port: s.port, User: s.user,
		SSHConfigFile: "none",
		KnownHosts:    []string{s.knownHosts},
		IdentityFiles: []string{s.keyFile},
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
	want, err := exec.Command(s.bin, "lab", "cli", "--state", s.state, "--device", "vra-b", "show", "configuration", "commands").Output()
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
	wrong := writeKey(t, filepath.Join(t.TempDir(), "k"))
	if err := lab.WriteKnownHosts(other, []lab.KnownHost{{Addr: fmt.Sprintf("127.0.0.1:%d", s.port), Key: wrong}}); err != nil {
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
`, s.port, s.user, s.keyFile, tl.srv.Port(), testUser, tl.keyFile)
	if err := os.WriteFile(tl.sshConfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := sshclient.Config{Alias: "dev", SSHConfigFile: tl.sshConfig,
		KnownHosts: []string{tl.knownHosts, s.knownHosts}, Timeout: 20 * time.Second}
	c := dial(t, cfg)
	execOK(t, c, "via jump", "ran via jump")
	// Closing the target closes the jump host's connection too.
	c.Close()

	// A second device: sshd refuses to forward to it.
	tl2 := startLab(t)
	cfg2 := tl2.config()
	cfg2.ProxyJump = fmt.Sprintf("%s@127.0.0.1:%d", s.user, s.port)
	cfg2.IdentityFiles = append(cfg2.IdentityFiles, s.keyFile)
	cfg2.KnownHosts = append(cfg2.KnownHosts, s.knownHosts)
	_, err := sshclient.Dial(context.Background(), cfg2)
	if err == nil || !strings.Contains(err.Error(), "prohibited") {
		t.Errorf("forwarding to a device sshd does not permit: %v", err)
	}
	// The jump host's own failure names it.
	cfg2.ProxyJump = fmt.Sprintf("nobody@127.0.0.1:%d", s.port)
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
	cfg.IdentityFiles = []string{s.keyFile, s.keyFile2}
	c := dial(t, cfg)
	var got lines
	if err := c.Exec(context.Background(), "show version", got.add); err != nil || !strings.Contains(strings.Join(got.get(), "\n"), "vra-b") {
		t.Errorf("show version after partial success: %v %q", err, got.get())
	}
	// The second key encrypted: its passphrase is asked once, though
	// the client offers its keys again after the partial success.
	enc, pub := encryptedKey(t, t.TempDir())
	f, err := os.OpenFile(filepath.Join(filepath.Dir(s.keyFile), "authorized_keys"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(ssh.MarshalAuthorizedKey(pub)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	asked := 0
	cfg.IdentityFiles = []string{s.keyFile, enc}
	cfg.Passphrase = func(string) ([]byte, error) { asked++; return []byte(testPass), nil }
	dial(t, cfg)
	if asked != 1 {
		t.Errorf("passphrase asked %d times", asked)
	}
}
