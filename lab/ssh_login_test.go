package lab_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// loginEcho is a Handler: exec prints "ran CMD", the shell prompts
// "dev> ", answers "size" with the PTY's size and ends at "bye".
type loginEcho struct{}

func (loginEcho) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "ran %s\n", cmd)
	return 0
}

func (loginEcho) Shell(ctx context.Context, user string, t lab.Terminal) int {
	for {
		io.WriteString(t, "dev> ")
		line, err := t.ReadLine()
		if err != nil || line == "bye" {
			return 0
		}
		if line == "open" {
			// The next line keeps its echo open for a ` (+B)`.
			io.WriteString(t, "open> ")
			next, err := t.(lab.LineEnder).ReadLineOpen()
			if err != nil {
				return 0
			}
			if next == "" { // an empty or abandoned line: end it, prompt again
				io.WriteString(t, "\n")
				continue
			}
			fmt.Fprintf(t, " (+B)\n[%s]\n", next)
		}
		if line == "echoes" {
			fmt.Fprintf(t, "echoes %v\n", t.(lab.Echoer).Echoes())
		}
		if line == "size" {
			if sz, ok := t.(lab.Sizer); ok {
				c, r := sz.Size()
				fmt.Fprintf(t, "size %dx%d\n", c, r)
			}
		}
	}
}

// loginLab is a server with login l and its state directory (client key,
// known_hosts with every host key).
type loginLab struct {
	srv    *lab.SSHServer
	st     lab.PairState
	faults *lab.Faults
}

func startLogin(t *testing.T, l lab.SSHLogin, prelude lab.Prelude) *loginLab {
	t.Helper()
	st, err := lab.OpenPairState("login test", t.TempDir(), "admin", "Secret-1")
	if err != nil {
		t.Fatal(err)
	}
	f := &lab.Faults{}
	srv, err := st.ServeSSHLogin("dev", "", f, loginEcho{}, l, prelude)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := lab.WriteServerKnownHosts(st.Dir, srv); err != nil {
		t.Fatal(err)
	}
	return &loginLab{srv: srv, st: st, faults: f}
}

// openssh runs `ssh ... cmd` with the extra options and returns its
// output and error.
func (ll *loginLab) openssh(t *testing.T, cmd string, extra ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := labtest.OpenSSHArgs(t, ll.st.Dir, ll.srv.Port(), ll.st.User, extra...)
	var out bytes.Buffer
	c := exec.CommandContext(ctx, "ssh", append(args, cmd)...)
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	return out.String(), err
}

// goClient is an x/crypto/ssh client configuration pinned to the lab's
// known_hosts, logging in with the client key.
func (ll *loginLab) goClient(t *testing.T) *ssh.ClientConfig {
	return labtest.ClientConfig(t, ll.st.Dir, ll.st.User, ll.st.ClientKey)
}

// TestSSHLegacyOpenSSH: a legacy device is reached by OpenSSH only when
// told to accept each old algorithm, and each one of them works.
func TestSSHLegacyOpenSSH(t *testing.T) {
	ll := startLogin(t, lab.SSHLogin{Legacy: true}, nil)
	if out, err := ll.openssh(t, "show version"); err == nil {
		t.Fatalf("a default OpenSSH client negotiated with the legacy offer:\n%s", out)
	}
	for _, kex := range lab.LegacyKeyExchanges {
		for _, cipher := range lab.LegacyCiphers {
			t.Run(kex+"/"+cipher, func(t *testing.T) {
				out, err := ll.openssh(t, "show version",
					"-o", "KexAlgorithms="+kex,
					"-o", "HostKeyAlgorithms=ssh-rsa",
					"-o", "Ciphers="+cipher)
				if err != nil || out != "ran show version\n" {
					t.Fatalf("ssh: %v\n%s", err, out)
				}
			})
		}
	}
	// The changed-host-key fault presents another RSA key: OpenSSH sees a
	// changed key, not a missing algorithm.
	ll.faults.SetChangedHostKey(true)
	out, err := ll.openssh(t, "x", "-o", "KexAlgorithms=diffie-hellman-group14-sha1", "-o", "HostKeyAlgorithms=ssh-rsa", "-o", "Ciphers=aes128-cbc")
	if err == nil || !strings.Contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("changed legacy host key: %v\n%s", err, out)
	}
	ll.faults.SetChangedHostKey(false)
	// The host key is RSA, signed with ssh-rsa only.
	if out, err := ll.openssh(t, "x", "-o", "KexAlgorithms=+diffie-hellman-group14-sha1",
		"-o", "HostKeyAlgorithms=rsa-sha2-256", "-o", "Ciphers=+aes128-cbc"); err == nil {
		t.Errorf("the legacy host key signed with rsa-sha2-256:\n%s", out)
	}
}

// TestSSHLegacyGoClient: the same offer through x/crypto/ssh, whose
// client must list the insecure algorithms explicitly.
func TestSSHLegacyGoClient(t *testing.T) {
	ll := startLogin(t, lab.SSHLogin{Legacy: true}, nil)
	cfg := ll.goClient(t)
	if _, err := ssh.Dial("tcp", ll.srv.Addr(), cfg); err == nil {
		t.Fatal("a default x/crypto client negotiated with the legacy offer")
	}
	cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDHGEXSHA1}
	cfg.Ciphers = []string{ssh.InsecureCipherTripleDESCBC}
	cfg.MACs = []string{ssh.HMACSHA1}
	cfg.HostKeyAlgorithms = []string{ssh.KeyAlgoRSA}
	c := labtest.Dial(t, "dev", ll.srv.Addr(), cfg)
	if out, err := labtest.Exec(t, c, "hi"); err != nil || out != "ran hi\n" {
		t.Fatalf("exec: %q %v", out, err)
	}
	if k := ll.srv.HostKey(); k.Type() != ssh.KeyAlgoRSA {
		t.Errorf("legacy primary host key is %s, want ssh-rsa", k.Type())
	}
}

// TestSSHHostKeysSeveral: ed25519, RSA and ECDSA host keys at once, each
// one usable and pinned in known_hosts, and kept in the state directory.
func TestSSHHostKeysSeveral(t *testing.T) {
	l := lab.SSHLogin{HostKeyTypes: []string{lab.HostKeyEd25519, lab.HostKeyRSA, lab.HostKeyECDSA}}
	ll := startLogin(t, l, nil)
	if n := len(ll.srv.HostKeys()); n != 3 {
		t.Fatalf("%d host keys, want 3", n)
	}
	for _, alg := range []string{"ssh-ed25519", "rsa-sha2-512", "ecdsa-sha2-nistp256"} {
		out, err := ll.openssh(t, "show version", "-o", "HostKeyAlgorithms="+alg)
		if err != nil || out != "ran show version\n" {
			t.Errorf("%s: %v\n%s", alg, err, out)
		}
	}
	for _, alg := range []string{ssh.KeyAlgoED25519, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoECDSA256} {
		cfg := ll.goClient(t)
		cfg.HostKeyAlgorithms = []string{alg}
		c, err := ssh.Dial("tcp", ll.srv.Addr(), cfg)
		if err != nil {
			t.Errorf("x/crypto with %s: %v", alg, err)
			continue
		}
		c.Close()
	}
	again, err := l.LoadOrCreateHostKeys(ll.st.Dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range ll.srv.HostKeys() {
		if !bytes.Equal(k.Marshal(), again[i].PublicKey().Marshal()) {
			t.Errorf("host key %d (%s) not kept in the state directory", i, k.Type())
		}
	}
	if _, err := lab.ParseHostKeyTypes("ed25519,dsa"); err == nil {
		t.Error("ParseHostKeyTypes accepted dsa")
	}
}

// TestSSHVersionString: the odd identification strings of old firmware
// reach both clients.
func TestSSHVersionString(t *testing.T) {
	for _, v := range []string{"SSH-1.99--", "SSH-2.0--"} {
		t.Run(v, func(t *testing.T) {
			ll := startLogin(t, lab.SSHLogin{Version: v}, nil)
			if out, err := ll.openssh(t, "v"); err != nil || out != "ran v\n" {
				t.Fatalf("OpenSSH: %v\n%s", err, out)
			}
			c := labtest.Dial(t, "dev", ll.srv.Addr(), ll.goClient(t))
			if got := string(c.ServerVersion()); got != v {
				t.Errorf("server version %q, want %q", got, v)
			}
		})
	}
}

// TestSSHKeyboardInteractiveBanner: the password asked by
// keyboard-interactive (the "password" method is not offered), after the
// authentication banner.
func TestSSHKeyboardInteractiveBanner(t *testing.T) {
	banner := "Warning: authorized users only\n"
	ll := startLogin(t, lab.SSHLogin{KeyboardInteractive: true, Banner: banner}, nil)
	var (
		gotBanner string
		prompts   []string
	)
	cfg := ll.goClient(t)
	cfg.BannerCallback = func(m string) error { gotBanner = m; return nil }
	cfg.Auth = []ssh.AuthMethod{ssh.KeyboardInteractive(func(name, instr string, qs []string, echos []bool) ([]string, error) {
		prompts = append(prompts, qs...)
		if len(qs) != 1 || echos[0] {
			return nil, fmt.Errorf("questions %q echo %v", qs, echos)
		}
		return []string{ll.st.Password}, nil
	})}
	c := labtest.Dial(t, "dev", ll.srv.Addr(), cfg)
	if out, err := labtest.Exec(t, c, "x"); err != nil || out != "ran x\n" {
		t.Fatalf("exec: %q %v", out, err)
	}
	if gotBanner != banner {
		t.Errorf("banner %q, want %q", gotBanner, banner)
	}
	if len(prompts) != 1 || prompts[0] != "Password: " {
		t.Errorf("keyboard-interactive prompts %q", prompts)
	}

	wrong := ll.goClient(t)
	wrong.Auth = []ssh.AuthMethod{ssh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return []string{"nope"}, nil
	})}
	if _, err := ssh.Dial("tcp", ll.srv.Addr(), wrong); err == nil {
		t.Error("a wrong keyboard-interactive password was accepted")
	}
	pw := ll.goClient(t)
	pw.Auth = []ssh.AuthMethod{ssh.Password(ll.st.Password)}
	if _, err := ssh.Dial("tcp", ll.srv.Addr(), pw); err == nil {
		t.Error("the password method is offered beside keyboard-interactive")
	}
}

// TestSSHLoginPrelude: the first interactive login asks its [Y/N]
// question (a bare Enter asks again), then the pre-prompt lines come before
// the CLI's prompt; the second login is not asked.
func TestSSHLoginPrelude(t *testing.T) {
	q := "The password needs to be changed. Change now? [Y/N]: "
	var answered []string
	prelude := lab.LoginPrelude([]string{"Info: The max number of VTY users is 10.", "Info: Last login: 2026-11-30 03:00:00 from 127.0.0.1."}, q,
		func(_ context.Context, user string, yes bool, t lab.Terminal) error {
			answered = append(answered, fmt.Sprintf("%s %v", user, yes))
			return nil
		})
	ll := startLogin(t, lab.SSHLogin{}, prelude)
	c := labtest.Dial(t, "dev", ll.srv.Addr(), ll.goClient(t))
	sh := labtest.OpenShell(t, c)
	sh.Expect(q)
	sh.Line("")
	sh.Expect(q)
	sh.Line("n")
	got := sh.Expect("dev> ")
	if !strings.Contains(got, "Info: The max number of VTY users is 10.\r\nInfo: Last login:") {
		t.Errorf("pre-prompt lines:\n%q", got)
	}
	sh.Line("size")
	if got := sh.Expect("dev> "); !strings.Contains(got, "size 200x40") {
		t.Errorf("PTY size: %q", got)
	}
	sh.Line("bye")
	if len(answered) != 1 || answered[0] != "admin false" {
		t.Errorf("answers: %q", answered)
	}

	c2 := labtest.Dial(t, "dev", ll.srv.Addr(), ll.goClient(t))
	sh2 := labtest.OpenShell(t, c2)
	if got := sh2.Expect("dev> "); strings.Contains(got, "[Y/N]") {
		t.Errorf("second login asked again:\n%s", got)
	}
}

// TestSSHWindowChange: a window-change request updates the size a CLI
// reads.
func TestSSHWindowChange(t *testing.T) {
	ll := startLogin(t, lab.SSHLogin{}, nil)
	c := labtest.Dial(t, "dev", ll.srv.Addr(), ll.goClient(t))
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestPty("xterm", 0, 0, nil); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	sh := labtest.NewShell(t, in)
	s.Stdout = sh
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	sh.Expect("dev> ")
	sh.Line("size")
	if got := sh.Expect("dev> "); !strings.Contains(got, "size 80x24") {
		t.Errorf("default size: %q", got)
	}
	if err := s.WindowChange(50, 132); err != nil {
		t.Fatal(err)
	}
	// The request and the typed line travel apart: ask until the new size
	// shows (it must, once the request is handled).
	for i := 0; ; i++ {
		sh.Line("size")
		got := sh.Expect("dev> ")
		if strings.Contains(got, "size 132x50") {
			break
		}
		if i == 1000 {
			t.Fatalf("after window-change: %q", got)
		}
	}
}

// TestSSHLineEnder: a handler reads a line with ReadLineOpen and puts text
// on its echoed line before the end of line; Echoes tells a PTY session.
func TestSSHLineEnder(t *testing.T) {
	ll := startLogin(t, lab.SSHLogin{}, nil)
	c := labtest.Dial(t, "dev", ll.srv.Addr(), ll.goClient(t))
	sh := labtest.OpenShell(t, c)
	sh.Expect("dev> ")
	sh.Run("open", "open> ")
	if got := sh.Run("undo nat-policy", "dev> "); got != "undo nat-policy (+B)\r\n[undo nat-policy]\r\ndev> " {
		t.Errorf("open line: %q", got)
	}
	// ^C abandons the typed text of an open line: `^C` on it, the line
	// ended by the handler, a fresh prompt; the text is never run.
	sh.Run("open", "open> ")
	sh.Send("undo nat")
	sh.Send("\x03")
	if got := sh.Expect("dev> "); got != "undo nat^C\r\ndev> " {
		t.Errorf("^C on an open line: %q", got)
	}
	// And on a plain line: `^C`, its end, a fresh prompt.
	sh.Send("bye")
	sh.Send("\x03")
	if got := sh.Expect("dev> "); got != "bye^C\r\ndev> " {
		t.Errorf("^C on a line: %q", got)
	}
	if got := sh.Run("echoes", "dev> "); !strings.Contains(got, "echoes true") {
		t.Errorf("PTY session: %q", got)
	}
	if e, ok := lab.NewStreamTerminal(strings.NewReader(""), io.Discard).(lab.Echoer); !ok || e.Echoes() {
		t.Error("a stream terminal says it echoes")
	}
	if got := lab.Wrap(strings.Repeat("x", 170), 80); len(got) != 3 || len(got[0]) != 80 || len(got[2]) != 10 {
		t.Errorf("Wrap: %q", got)
	}
}

// TestSSHKeyboardInteractiveOpenSSH: OpenSSH logs in by
// keyboard-interactive (its answer from an SSH_ASKPASS program, so no
// terminal is needed) and prints the banner; a wrong answer is refused.
func TestSSHKeyboardInteractiveOpenSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client `ssh` is not installed: skipping the OpenSSH test")
	}
	banner := "Warning: authorized users only"
	ll := startLogin(t, lab.SSHLogin{KeyboardInteractive: true, Banner: banner + "\n"}, nil)
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + filepath.Join(dir, "prompts") + "\nprintf '%s\\n' \"$LAB_ANSWER\"\n"
	if err := os.WriteFile(askpass, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	run := func(answer string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c := exec.CommandContext(ctx, "ssh", "-F", "/dev/null",
			"-o", "UserKnownHostsFile="+filepath.Join(ll.st.Dir, lab.KnownHostsFile),
			"-o", "StrictHostKeyChecking=yes",
			"-o", "PreferredAuthentications=keyboard-interactive",
			"-o", "PubkeyAuthentication=no",
			"-o", "NumberOfPasswordPrompts=1",
			"-o", "LogLevel=INFO",
			"-p", fmt.Sprint(ll.srv.Port()), ll.st.User+"@127.0.0.1", "show version")
		c.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "LAB_ANSWER="+answer)
		c.Stdin = nil
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		err := c.Run()
		return out.String(), err
	}
	out, err := run(ll.st.Password)
	if err != nil || !strings.Contains(out, "ran show version") {
		t.Fatalf("OpenSSH keyboard-interactive: %v\n%s", err, out)
	}
	if !strings.Contains(out, banner) {
		t.Errorf("OpenSSH did not show the banner:\n%s", out)
	}
	prompts, err := os.ReadFile(filepath.Join(dir, "prompts"))
	if err != nil || !strings.Contains(string(prompts), "Password: ") {
		t.Errorf("askpass prompts: %q %v", prompts, err)
	}
	if out, err := run("wrong"); err == nil {
		t.Errorf("a wrong answer logged in:\n%s", out)
	}
}

// whoEcho is a Handler whose exec names the user it runs for.
type whoEcho struct{}

func (whoEcho) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "%s ran %s\n", user, cmd)
	return 0
}

func (whoEcho) Shell(ctx context.Context, user string, t lab.Terminal) int { return 0 }

// TestSSHSeveralUsers: one port takes several users, each with its own
// password and keys; the handler learns who logged in; one user's
// credentials never open another's login. OpenSSH logs in with each key.
func TestSSHSeveralUsers(t *testing.T) {
	st, err := lab.OpenPairState("users test", t.TempDir(), "admin", "Admin-pw-1")
	if err != nil {
		t.Fatal(err)
	}
	opKey, err := lab.LoadOrCreateKey(filepath.Join(st.Dir, "operator_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	monKey, err := lab.LoadOrCreateKey(filepath.Join(st.Dir, "monitor_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := st.ServeSSHLogin("dev", "", &lab.Faults{}, whoEcho{}, lab.SSHLogin{}, nil,
		lab.SSHUser{Name: "operator", Password: "Op-pw-2", AuthorizedKeys: []ssh.PublicKey{opKey.PublicKey()}},
		lab.SSHUser{Name: "monitor", AuthorizedKeys: []ssh.PublicKey{monKey.PublicKey()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := lab.WriteServerKnownHosts(st.Dir, srv); err != nil {
		t.Fatal(err)
	}
	if got := srv.Users(); len(got) != 3 || got[0] != "admin" || got[1] != "operator" || got[2] != "monitor" {
		t.Errorf("Users: %v", got)
	}
	exec1 := func(user string, auth ssh.AuthMethod) (string, error) {
		cfg := labtest.ClientConfig(t, st.Dir, user, st.ClientKey)
		cfg.Auth = []ssh.AuthMethod{auth}
		c, err := ssh.Dial("tcp", srv.Addr(), cfg)
		if err != nil {
			return "", err
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			return "", err
		}
		defer s.Close()
		out, err := s.Output("show version")
		return string(out), err
	}
	for _, ok := range []struct {
		user string
		auth ssh.AuthMethod
	}{
		{"admin", ssh.Password("Admin-pw-1")}, {"admin", ssh.PublicKeys(st.ClientKey)},
		{"operator", ssh.Password("Op-pw-2")}, {"operator", ssh.PublicKeys(opKey)},
		{"monitor", ssh.PublicKeys(monKey)},
	} {
		if out, err := exec1(ok.user, ok.auth); err != nil || out != ok.user+" ran show version\n" {
			t.Errorf("%s: %v %q", ok.user, err, out)
		}
	}
	for _, bad := range []struct {
		user string
		auth ssh.AuthMethod
	}{
		{"admin", ssh.Password("Op-pw-2")}, {"admin", ssh.PublicKeys(opKey)},
		{"operator", ssh.Password("Admin-pw-1")}, {"operator", ssh.PublicKeys(st.ClientKey)},
		{"monitor", ssh.Password("")}, {"monitor", ssh.PublicKeys(opKey)},
		{"nobody", ssh.PublicKeys(st.ClientKey)},
	} {
		if out, err := exec1(bad.user, bad.auth); err == nil {
			t.Errorf("%s logged in with another's credentials: %q", bad.user, out)
		}
	}
	// A password changed on the server works from the next login; the
	// old one no longer does.
	if err := srv.SetPassword("operator", "Op-pw-3"); err != nil {
		t.Fatal(err)
	}
	if _, err := exec1("operator", ssh.Password("Op-pw-2")); err == nil {
		t.Error("the old password still logs in")
	}
	if out, err := exec1("operator", ssh.Password("Op-pw-3")); err != nil || !strings.HasPrefix(out, "operator ran") {
		t.Errorf("the new password: %v %q", err, out)
	}
	if err := srv.SetPassword("nobody", "x"); err == nil {
		t.Error("SetPassword of an unknown user")
	}
	// OpenSSH: each user with its own key, on the one port.
	for _, u := range []struct{ name, key string }{{"operator", "operator_ed25519"}, {"monitor", "monitor_ed25519"}} {
		args := labtest.OpenSSHArgs(t, st.Dir, srv.Port(), u.name, "-i", filepath.Join(st.Dir, u.key))
		out, err := exec.Command("ssh", append(args, "show version")...).CombinedOutput()
		if err != nil || string(out) != u.name+" ran show version\n" {
			t.Errorf("OpenSSH as %s: %v\n%s", u.name, err, out)
		}
	}
}

// TestSSHJumpHost: a server with AllowForward is the jump host to another
// lab server: OpenSSH's ProxyJump (from an ssh_config, as the engine's
// users write it) and an x/crypto/ssh client through the jump's
// direct-tcpip channel both reach the target, pinned to the one
// known_hosts. A forward off loopback is refused, and a server without the
// option refuses every forward.
func TestSSHJumpHost(t *testing.T) {
	st, err := lab.OpenPairState("jump test", t.TempDir(), "admin", "Jump-pw-1")
	if err != nil {
		t.Fatal(err)
	}
	jump, err := st.ServeSSHLogin("jump", "", &lab.Faults{}, whoEcho{}, lab.SSHLogin{AllowForward: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jump.Close() })
	target, err := st.ServeSSHLogin("target", "", &lab.Faults{}, loginEcho{}, lab.SSHLogin{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Close() })
	if err := lab.WriteServerKnownHosts(st.Dir, jump, target); err != nil {
		t.Fatal(err)
	}

	// x/crypto/ssh: the target's SSH connection inside a direct-tcpip
	// channel of the jump's.
	cfg := labtest.ClientConfig(t, st.Dir, st.User, st.ClientKey)
	jc := labtest.Dial(t, "jump", jump.Addr(), cfg)
	conn, err := jc.Dial("tcp", target.Addr())
	if err != nil {
		t.Fatalf("direct-tcpip to the target: %v", err)
	}
	cc, chans, reqs, err := ssh.NewClientConn(conn, target.Addr(), cfg)
	if err != nil {
		t.Fatalf("SSH through the jump: %v", err)
	}
	tc := ssh.NewClient(cc, chans, reqs)
	defer tc.Close()
	if out, err := labtest.Exec(t, tc, "show version"); err != nil || out != "ran show version\n" {
		t.Errorf("through the jump: %v %q", err, out)
	}
	// Off loopback: refused, whatever listens there.
	if c, err := jc.Dial("tcp", "192.0.2.1:22"); err == nil {
		c.Close()
		t.Error("a forward off loopback was accepted")
	}
	// A server without AllowForward refuses (the target as a jump).
	tdirect := labtest.Dial(t, "target", target.Addr(), cfg)
	if c, err := tdirect.Dial("tcp", jump.Addr()); err == nil {
		c.Close()
		t.Error("a server without AllowForward forwarded")
	}

	// OpenSSH: ProxyJump from an ssh_config that names both hosts; the
	// jump's ssh gets the same -F.
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client `ssh` is not installed: skipping the OpenSSH part")
	}
	conf := filepath.Join(st.Dir, "ssh_config")
	text := fmt.Sprintf(`Host jump
  HostName 127.0.0.1
  Port %d
Host target
  HostName 127.0.0.1
  Port %d
  ProxyJump jump
Host *
  User %s
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
  BatchMode yes
  IdentitiesOnly yes
  IdentityFile %s
  LogLevel ERROR
`, jump.Port(), target.Port(), st.User, filepath.Join(st.Dir, lab.KnownHostsFile), filepath.Join(st.Dir, lab.ClientKeyFile))
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ssh", "-F", conf, "target", "show version").CombinedOutput()
	if err != nil || string(out) != "ran show version\n" {
		t.Errorf("OpenSSH ProxyJump: %v\n%s", err, out)
	}
	// The jump host itself answers as itself.
	out, err = exec.CommandContext(ctx, "ssh", "-F", conf, "jump", "show version").CombinedOutput()
	if err != nil || string(out) != "admin ran show version\n" {
		t.Errorf("OpenSSH to the jump: %v\n%s", err, out)
	}
}

// TestSSHPublicKeyThenPassword: with PublicKeyThenPassword the key alone
// and the password alone are refused; the key followed by the password
// (OpenSSH's `AuthenticationMethods publickey,password`) logs in, by the
// password method or by keyboard-interactive. OpenSSH goes on from the
// key to the password by itself (its answer from SSH_ASKPASS).
func TestSSHPublicKeyThenPassword(t *testing.T) {
	for _, kbd := range []bool{false, true} {
		t.Run(fmt.Sprintf("keyboard-interactive=%v", kbd), func(t *testing.T) {
			ll := startLogin(t, lab.SSHLogin{PublicKeyThenPassword: true, KeyboardInteractive: kbd}, nil)
			pw := ssh.AuthMethod(ssh.Password(ll.st.Password))
			if kbd {
				pw = ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
					return []string{ll.st.Password}, nil
				})
			}
			try := func(auth ...ssh.AuthMethod) error {
				cfg := ll.goClient(t)
				cfg.Auth = auth
				c, err := ssh.Dial("tcp", ll.srv.Addr(), cfg)
				if err == nil {
					c.Close()
				}
				return err
			}
			if err := try(ssh.PublicKeys(ll.st.ClientKey)); err == nil {
				t.Error("the key alone logged in")
			}
			if err := try(pw); err == nil {
				t.Error("the password alone logged in")
			}
			if err := try(ssh.PublicKeys(ll.st.ClientKey), pw); err != nil {
				t.Errorf("key then password: %v", err)
			}
			if _, err := exec.LookPath("ssh"); err != nil {
				return
			}
			dir := t.TempDir()
			askpass := filepath.Join(dir, "askpass")
			if err := os.WriteFile(askpass, []byte("#!/bin/sh\nprintf '%s\\n' \"$LAB_ANSWER\"\n"), 0o700); err != nil {
				t.Fatal(err)
			}
			run := func(answer string) (string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				// Not labtest.OpenSSHArgs: its BatchMode=yes (the first
				// value wins) would forbid the password prompt.
				c := exec.CommandContext(ctx, "ssh", "-F", "/dev/null",
					"-o", "UserKnownHostsFile="+filepath.Join(ll.st.Dir, lab.KnownHostsFile),
					"-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
					"-o", "NumberOfPasswordPrompts=1", "-i", filepath.Join(ll.st.Dir, lab.ClientKeyFile),
					"-p", fmt.Sprint(ll.srv.Port()), ll.st.User+"@127.0.0.1", "show version")
				c.Stdin = nil
				c.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "LAB_ANSWER="+answer)
				var out bytes.Buffer
				c.Stdout, c.Stderr = &out, &out
				err := c.Run()
				return out.String(), err
			}
			if out, err := run(ll.st.Password); err != nil || !strings.Contains(out, "ran show version") {
				t.Errorf("OpenSSH key then password: %v\n%s", err, out)
			}
			if out, err := run("wrong"); err == nil {
				t.Errorf("OpenSSH with the key and a wrong password logged in:\n%s", out)
			}
		})
	}
}
