package sshclient_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/sshclient"
)

// The lab's login: user and password of every test server. The password
// is checked to be absent from every error text.
const (
	testUser     = "admin"
	testPassword = "S3cret-Pa55word-9b1"
	testPass     = "Key-Pa55phrase-77c"
)

// device is a lab.Handler: exec "lines N" prints N lines, "gate" prints
// a line, waits for the test to open the gate, prints another; "fail"
// writes to stderr and exits 3; anything else is echoed. The shell
// prompts "dev> " and echoes lines in brackets until "bye".
type device struct {
	gate chan struct{}
}

func (d *device) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	switch {
	case cmd == "fail":
		fmt.Fprintln(stderr, "failed here")
		return 3
	case cmd == "gate":
		fmt.Fprintln(stdout, "before the gate")
		select {
		case <-d.gate:
		case <-ctx.Done():
			return 1
		}
		fmt.Fprintln(stdout, "after the gate")
		return 0
	case cmd == "hang":
		<-ctx.Done()
		return 1
	case strings.HasPrefix(cmd, "lines "):
		var n int
		fmt.Sscan(strings.TrimPrefix(cmd, "lines "), &n)
		for i := range n {
			if _, err := fmt.Fprintf(stdout, "line %d of %s\n", i+1, user); err != nil {
				return 1
			}
		}
		return 0
	}
	fmt.Fprintf(stdout, "ran %s\n", cmd)
	return 0
}

func (d *device) Shell(ctx context.Context, user string, t lab.Terminal) int {
	for {
		io.WriteString(t, "dev> ")
		line, err := t.ReadLine()
		if err != nil || line == "bye" {
			return 0
		}
		if line == "size" {
			if sz, ok := t.(lab.Sizer); ok {
				c, r := sz.Size()
				fmt.Fprintf(t, "size %dx%d\n", c, r)
			}
			continue
		}
		fmt.Fprintf(t, "[%s]\n", line)
	}
}

// testLab is one lab SSH server with its files: the client key, a
// known_hosts listing every host key, an empty ssh_config.
type testLab struct {
	srv        *lab.SSHServer
	dev        *device
	faults     *lab.Faults
	dir        string
	keyFile    string
	knownHosts string
	sshConfig  string
}

type labOption func(*lab.SSHOptions)

// startLab serves a lab device on loopback.
func startLab(t *testing.T, opts ...labOption) *testLab {
	t.Helper()
	dir := t.TempDir()
	tl := &testLab{dev: &device{gate: make(chan struct{})}, faults: &lab.Faults{}, dir: dir,
		keyFile: filepath.Join(dir, "id_ed25519"), knownHosts: filepath.Join(dir, "known_hosts"),
		sshConfig: filepath.Join(dir, "ssh_config")}
	client, err := lab.LoadOrCreateKey(tl.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	o := lab.SSHOptions{User: testUser, Password: testPassword,
		AuthorizedKeys: []ssh.PublicKey{client.PublicKey()}, Faults: tl.faults, Handler: tl.dev}
	for _, f := range opts {
		f(&o)
	}
	keys, err := o.Login.LoadOrCreateHostKeys(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	o.HostKey, o.HostKeys = keys[0], keys[1:]
	tl.srv, err = lab.ServeSSH(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tl.srv.Close() })
	if err := lab.WriteKnownHosts(tl.knownHosts, tl.srv.KnownHosts()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tl.sshConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return tl
}

// config reaches the lab by address with the client key; no agent, no
// password, no real ~/.ssh.
func (tl *testLab) config() sshclient.Config {
	return sshclient.Config{
		Host: "127.0.0.1", Port: tl.srv.Port(), User: testUser,
		SSHConfigFile: tl.sshConfig,
		KnownHosts:    []string{tl.knownHosts},
		IdentityFiles: []string{tl.keyFile},
		Timeout:       20 * time.Second,
		ProxyJump:     "none",
	}
}

func password() (string, error) { return testPassword, nil }

func dial(t *testing.T, cfg sshclient.Config) *sshclient.Client {
	t.Helper()
	c, err := sshclient.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// noSecret fails when an error text holds the password or passphrase.
func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{testPassword, testPass} {
		if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), s) {
			t.Errorf("a secret in the error text: %v", err)
		}
	}
}

// lines collects Exec's output.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(s string) { l.mu.Lock(); l.l = append(l.l, s); l.mu.Unlock() }
func (l *lines) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.l...)
}

// encryptedKey writes a passphrase-protected ed25519 key and returns its
// file and public key.
func encryptedKey(t *testing.T, dir string) (string, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "enc", []byte(testPass))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "id_enc")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return file, sp
}
