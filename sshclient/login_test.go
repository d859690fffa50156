package sshclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/sshclient"
)

func withLogin(l lab.SSHLogin) labOption { return func(o *lab.SSHOptions) { o.Login = l } }

func execOK(t *testing.T, c *sshclient.Client, cmd, want string) {
	t.Helper()
	var got lines
	if err := c.Exec(context.Background(), cmd, got.add); err != nil || strings.Join(got.get(), "\n") != want {
		t.Fatalf("exec %q: %v %q", cmd, err, got.get())
	}
}

// TestLegacy: a device offering only old algorithms is refused by
// default with an error listing both sides' offers, and reached when its
// algorithms are opted in.
func TestLegacy(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{Legacy: true}))
	cfg := tl.config()
	_, err := sshclient.Dial(context.Background(), cfg)
	var ne *sshclient.NegotiationError
	if !errors.Is(err, sshclient.ErrNegotiation) || !errors.As(err, &ne) {
		t.Fatalf("legacy offer, no opt-in: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"key exchange",
		"diffie-hellman-group14-sha1", // the server's
		"curve25519-sha256",           // ours
		"aes128-cbc", "aes128-ctr", "hmac-sha1-96", "ssh-rsa",
		"SSH-2.0-OpenSSH_7.4p1 hasync-lab",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("negotiation error lacks %q:\n%s", want, msg)
		}
	}
	if len(ne.Server.KeyExchanges) != len(lab.LegacyKeyExchanges) || len(ne.Server.Ciphers) != len(lab.LegacyCiphers) ||
		len(ne.Server.MACs) != len(lab.LegacyMACs) || strings.Join(ne.Server.HostKeys, ",") != ssh.KeyAlgoRSA {
		t.Errorf("server offer read from its KEXINIT: %+v", ne.Server)
	}
	// Opting in the key exchange alone still fails, on the host key: the
	// known RSA key may only be checked with ssh-rsa (SHA-1).
	cfg.Legacy = sshclient.Algorithms{KeyExchanges: []string{ssh.InsecureKeyExchangeDH14SHA1}}
	if _, err := sshclient.Dial(context.Background(), cfg); !errors.Is(err, sshclient.ErrNegotiation) || !strings.Contains(err.Error(), "host key") {
		t.Errorf("kex opted in only: %v", err)
	}
	cfg.Legacy = sshclient.Algorithms{
		KeyExchanges: []string{ssh.InsecureKeyExchangeDH14SHA1},
		Ciphers:      []string{ssh.InsecureCipherAES128CBC},
		HostKeys:     []string{ssh.KeyAlgoRSA},
	}
	c := dial(t, cfg)
	execOK(t, c, "show version", "ran show version")
	// A name the client does not implement is refused up front.
	cfg.Legacy.Ciphers = append(cfg.Legacy.Ciphers, "aes256-cbc")
	if _, err := sshclient.Dial(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), `legacy cipher "aes256-cbc" is not implemented`) {
		t.Errorf("unknown legacy cipher: %v", err)
	}
}

// TestVersionString: an odd identification string (SSH-1.99, as some
// firmware sends) is accepted.
func TestVersionString(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{Version: "SSH-1.99-Cisco-1.25"}))
	c := dial(t, tl.config())
	if c.ServerVersion() != "SSH-1.99-Cisco-1.25" {
		t.Errorf("version %q", c.ServerVersion())
	}
	execOK(t, c, "x", "ran x")
}

// TestHostKeyAlgorithmsFromKnownHosts: a server with ed25519, RSA and
// ECDSA host keys, of which known_hosts lists only the ECDSA one: the
// client asks for ECDSA and the key checks out (a default offer would
// get the RSA key, first in x/crypto's order, and refuse it as changed).
func TestHostKeyAlgorithmsFromKnownHosts(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{HostKeyTypes: []string{lab.HostKeyEd25519, lab.HostKeyRSA, lab.HostKeyECDSA}}))
	for _, k := range tl.srv.HostKeys() {
		if k.Type() != ssh.KeyAlgoECDSA256 {
			continue
		}
		if err := lab.WriteKnownHosts(tl.knownHosts, []lab.KnownHost{{Addr: tl.srv.Addr(), Key: k}}); err != nil {
			t.Fatal(err)
		}
	}
	c := dial(t, tl.config())
	execOK(t, c, "x", "ran x")
	// Only the RSA key known: rsa-sha2-* is offered, not SHA-1 ssh-rsa.
	for _, k := range tl.srv.HostKeys() {
		if k.Type() == ssh.KeyAlgoRSA {
			if err := lab.WriteKnownHosts(tl.knownHosts, []lab.KnownHost{{Addr: tl.srv.Addr(), Key: k}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c = dial(t, tl.config())
	execOK(t, c, "y", "ran y")
}

// TestKeyboardInteractive: a Huawei-style login asks the password by
// keyboard-interactive; the password callback answers it.
func TestKeyboardInteractive(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{KeyboardInteractive: true, PasswordPrompt: "Enter password:"}))
	cfg := tl.config()
	cfg.IdentityFiles = nil
	calls := 0
	cfg.Password = func() (string, error) { calls++; return testPassword, nil }
	c := dial(t, cfg)
	execOK(t, c, "display version", "ran display version")
	if calls != 1 {
		t.Errorf("password asked %d times", calls)
	}
	cfg.Password = func() (string, error) { return "wrong-" + testPassword, nil }
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "keyboard-interactive") {
		t.Errorf("wrong keyboard-interactive password: %v", err)
	}
	noSecret(t, err)
}

// TestBanner: the authentication banner reaches the callback, and a
// failed login's error carries it.
func TestBanner(t *testing.T) {
	const banner = "Authorized access only. Maintenance until 06:00.\n"
	tl := startLab(t, withLogin(lab.SSHLogin{Banner: banner}))
	cfg := tl.config()
	var mu sync.Mutex
	var seen []string
	cfg.Banner = func(msg string) { mu.Lock(); seen = append(seen, msg); mu.Unlock() }
	c := dial(t, cfg)
	c.Close()
	mu.Lock()
	if strings.Join(seen, "") != banner {
		t.Errorf("banner %q", seen)
	}
	mu.Unlock()
	tl.faults.SetFailAuth(true)
	cfg.Password = password
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "Maintenance until 06:00") {
		t.Errorf("failed login: %v", err)
	}
	var ae *sshclient.AuthError
	if !errors.As(err, &ae) || ae.Banner != banner || strings.Join(ae.Tried, ",") != "publickey,password" {
		t.Errorf("auth error %#v", ae)
	}
	noSecret(t, err)
}

// TestFailAuth: a device refusing every login: ErrAuth naming the
// methods, with no secret in the text; an unreachable device is
// ErrUnreachable, not ErrAuth.
func TestFailAuth(t *testing.T) {
	tl := startLab(t)
	tl.faults.SetFailAuth(true)
	cfg := tl.config()
	cfg.Password = password
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || errors.Is(err, sshclient.ErrUnreachable) {
		t.Fatalf("fail auth: %v", err)
	}
	noSecret(t, err)
	if !strings.Contains(err.Error(), "admin@127.0.0.1:") {
		t.Errorf("auth error does not name the login: %v", err)
	}
	tl.faults.SetFailAuth(false)
	tl.faults.SetRefuse(true)
	_, err = sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrUnreachable) {
		t.Errorf("refusing server: %v", err)
	}
	tl.srv.Close()
	_, err = sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrUnreachable) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("closed port: %v", err)
	}
}

// TestAgent: keys from an ssh-agent at SSH_AUTH_SOCK (an x/crypto agent
// keyring served on a Unix socket, as ssh-agent does).
func TestAgent(t *testing.T) {
	tl := startLab(t)
	b, err := os.ReadFile(tl.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ssh.ParseRawPrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	kr := agent.NewKeyring()
	if err := kr.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _ = agent.ServeAgent(kr, c) }()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	cfg := tl.config()
	cfg.IdentityFiles = nil
	cfg.Agent = true
	c := dial(t, cfg)
	execOK(t, c, "a", "ran a")
	t.Setenv("SSH_AUTH_SOCK", "")
	_, err = sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "SSH_AUTH_SOCK") {
		t.Errorf("no agent: %v", err)
	}
}

// TestHostKeyMismatch: a changed host key is refused, naming both
// fingerprints and the known_hosts file and line.
func TestHostKeyMismatch(t *testing.T) {
	tl := startLab(t)
	// Another host's line first, so the device's entry is line 2.
	other := "[127.0.0.1]:1 " + string(ssh.MarshalAuthorizedKey(tl.srv.HostKey()))
	kh, err := os.ReadFile(tl.knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tl.knownHosts, append([]byte(other), kh...), 0o600); err != nil {
		t.Fatal(err)
	}
	tl.faults.SetChangedHostKey(true)
	cfg := tl.config()
	cfg.AcceptNew = true // no help against a changed key
	cfg.Password = password
	_, err = sshclient.Dial(context.Background(), cfg)
	var he *sshclient.HostKeyError
	if !errors.Is(err, sshclient.ErrHostKeyMismatch) || !errors.As(err, &he) {
		t.Fatalf("changed host key: %v", err)
	}
	msg := err.Error()
	host := fmt.Sprintf("[127.0.0.1]:%d", tl.srv.Port())
	for _, want := range []string{
		host,
		ssh.FingerprintSHA256(tl.srv.HostKey()),
		ssh.FingerprintSHA256(he.Presented),
		tl.knownHosts + ":2",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("mismatch error lacks %q:\n%s", want, msg)
		}
	}
	if ssh.FingerprintSHA256(he.Presented) == ssh.FingerprintSHA256(tl.srv.HostKey()) {
		t.Error("the presented key is the known one")
	}
	noSecret(t, err)
	tl.faults.SetChangedHostKey(false)
	dial(t, cfg)
}

// TestUnknownHost: a host no known_hosts lists is refused by default and
// by a callback that says no; AcceptNew records it (OpenSSH's format) and
// the next strict dial accepts it.
func TestUnknownHost(t *testing.T) {
	tl := startLab(t)
	if err := os.Remove(tl.knownHosts); err != nil {
		t.Fatal(err)
	}
	cfg := tl.config()
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrUnknownHost) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(tl.srv.HostKey())) {
		t.Fatalf("unknown host: %v", err)
	}
	asked := ""
	cfg.OnUnknownHost = func(ctx context.Context, host string, key ssh.PublicKey) (bool, error) {
		asked = host + " " + ssh.FingerprintSHA256(key)
		return false, nil
	}
	if _, err := sshclient.Dial(context.Background(), cfg); !errors.Is(err, sshclient.ErrUnknownHost) {
		t.Fatalf("unknown host, callback says no: %v", err)
	}
	host := fmt.Sprintf("[127.0.0.1]:%d", tl.srv.Port())
	if asked != host+" "+ssh.FingerprintSHA256(tl.srv.HostKey()) {
		t.Errorf("callback asked %q", asked)
	}
	if _, err := os.Stat(tl.knownHosts); !os.IsNotExist(err) {
		t.Errorf("a refused key was recorded: %v", err)
	}
	cfg.OnUnknownHost = nil
	cfg.AcceptNew = true
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
	b, err := os.ReadFile(tl.knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	want := host + " " + string(ssh.MarshalAuthorizedKey(tl.srv.HostKey()))
	if string(b) != want {
		t.Errorf("recorded %q, want %q", b, want)
	}
	cfg.AcceptNew = false
	c = dial(t, cfg)
	execOK(t, c, "y", "ran y")
	// A file whose last line has no line end gets the new entry on a line
	// of its own.
	other0 := "[127.0.0.1]:1 " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(tl.srv.HostKey())))
	if err := os.WriteFile(tl.knownHosts, []byte(other0), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.AcceptNew = true
	dial(t, cfg)
	if b, err := os.ReadFile(tl.knownHosts); err != nil || string(b) != other0+"\n"+want {
		t.Errorf("appended to a file without a last line end: %q %v", b, err)
	}
	cfg.AcceptNew = false
	dial(t, cfg)
	// A callback that says yes records too, into RecordKnownHosts.
	other := filepath.Join(t.TempDir(), "sub", "known_hosts")
	cfg.KnownHosts = []string{filepath.Join(t.TempDir(), "missing"), other}
	cfg.OnUnknownHost = func(context.Context, string, ssh.PublicKey) (bool, error) { return true, nil }
	cfg.RecordKnownHosts = other
	dial(t, cfg)
	if b, err := os.ReadFile(other); err != nil || string(b) != want {
		t.Errorf("callback yes recorded %q %v", b, err)
	}
}

// TestSecretsNeverInErrors: with a password and an encrypted key whose
// passphrase is given, no failure's text holds either secret.
func TestSecretsNeverInErrors(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{Banner: "hello\n"}))
	file, _ := encryptedKey(t, t.TempDir())
	base := tl.config()
	base.IdentityFiles = []string{file}
	base.Passphrase = func(string) ([]byte, error) { return []byte(testPass), nil }
	base.Password = func() (string, error) { return testPassword + "-wrong", nil }
	check := func(what string, cfg sshclient.Config, named error) {
		t.Helper()
		_, err := sshclient.Dial(context.Background(), cfg)
		if !errors.Is(err, named) {
			t.Errorf("%s: %v, want %v", what, err, named)
		}
		noSecret(t, err)
	}
	check("wrong password", base, sshclient.ErrAuth)
	wrongPP := base
	wrongPP.Passphrase = func(string) ([]byte, error) { return []byte(testPass + "-wrong"), nil }
	check("wrong passphrase", wrongPP, sshclient.ErrAuth)
	tl.faults.SetChangedHostKey(true)
	check("changed host key", base, sshclient.ErrHostKeyMismatch)
	tl.faults.SetChangedHostKey(false)
	unknown := base
	unknown.KnownHosts = []string{filepath.Join(t.TempDir(), "none")}
	check("unknown host", unknown, sshclient.ErrUnknownHost)
	legacy := startLab(t, withLogin(lab.SSHLogin{Legacy: true}))
	neg := base
	neg.Port, neg.KnownHosts = legacy.srv.Port(), []string{legacy.knownHosts}
	check("negotiation", neg, sshclient.ErrNegotiation)
	tl.faults.SetRefuse(true)
	check("refused", base, sshclient.ErrUnreachable)
}

// TestHashedKnownHosts: a hashed entry (HashKnownHosts yes) in the
// second of two known_hosts files checks the host, and chooses its key
// type among a server's several.
func TestHashedKnownHosts(t *testing.T) {
	// x/crypto's default order would pick the RSA key.
	tl := startLab(t, withLogin(lab.SSHLogin{HostKeyTypes: []string{lab.HostKeyRSA, lab.HostKeyEd25519}}))
	var ed ssh.PublicKey
	for _, k := range tl.srv.HostKeys() {
		if k.Type() == ssh.KeyAlgoED25519 {
			ed = k
		}
	}
	host := knownhosts.Normalize(tl.srv.Addr())
	line := knownhosts.HashHostname(host) + " " + string(ssh.MarshalAuthorizedKey(ed))
	dir := t.TempDir()
	user, inv := filepath.Join(dir, "user_known_hosts"), filepath.Join(dir, "inventory_known_hosts")
	if err := os.WriteFile(user, []byte("# nothing here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inv, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := tl.config()
	cfg.KnownHosts = []string{user, inv}
	c := dial(t, cfg)
	execOK(t, c, "x", "ran x")
	tl.faults.SetChangedHostKey(true)
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrHostKeyMismatch) || !strings.Contains(err.Error(), inv+":1") ||
		!strings.Contains(err.Error(), ssh.FingerprintSHA256(ed)) {
		t.Errorf("changed key, hashed entry: %v", err)
	}
}

// TestPasswordSourceFails: a password that cannot be had (the caller's
// environment variable unset, say) is an auth error carrying the
// caller's error once, without x/crypto's "handshake failed".
func TestPasswordSourceFails(t *testing.T) {
	tl := startLab(t, withLogin(lab.SSHLogin{KeyboardInteractive: true}))
	noPW := errors.New("vra-a: no password: $LAB_PW is not set")
	cfg := tl.config()
	cfg.IdentityFiles = nil
	cfg.Password = func() (string, error) { return "", noPW }
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !errors.Is(err, noPW) {
		t.Fatalf("no password: %v", err)
	}
	if msg := err.Error(); strings.Count(msg, noPW.Error()) != 1 || strings.Contains(msg, "handshake failed") {
		t.Errorf("error text: %s", msg)
	}
	// The same through the password method.
	tl2 := startLab(t)
	cfg2 := tl2.config()
	cfg2.IdentityFiles = nil
	cfg2.Password = cfg.Password
	if _, err := sshclient.Dial(context.Background(), cfg2); !errors.Is(err, sshclient.ErrAuth) || !errors.Is(err, noPW) {
		t.Errorf("no password, password method: %v", err)
	}
}
