package huawei

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// hwAskpass writes an SSH_ASKPASS program answering answer and noting
// each prompt in the file it returns.
func hwAskpass(t *testing.T, answer string) (env []string, prompts string) {
	t.Helper()
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	prompts = filepath.Join(dir, "prompts")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + prompts + "\nprintf '%s\\n' \"$LAB_ANSWER\"\n"
	if err := os.WriteFile(askpass, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "LAB_ANSWER="+answer), prompts
}

// hwOpenSSHKbd is an OpenSSH command that logs in to m by
// keyboard-interactive only (the password from SSH_ASKPASS), showing the
// banner (LogLevel INFO); opt is an option before the destination ("" for
// none), cmd the command after it.
func hwOpenSSHKbd(ctx context.Context, p *Pair, m *Member, env []string, opt string, cmd ...string) *exec.Cmd {
	args := []string{"-F", "/dev/null",
		"-o", "UserKnownHostsFile=" + filepath.Join(p.Dir, lab.KnownHostsFile),
		"-o", "StrictHostKeyChecking=yes",
		"-o", "PreferredAuthentications=keyboard-interactive",
		"-o", "PubkeyAuthentication=no",
		"-o", "NumberOfPasswordPrompts=1",
		"-o", "LogLevel=INFO",
		"-p", fmt.Sprint(m.SSH.Port())}
	if opt != "" {
		args = append(args, opt)
	}
	args = append(append(args, p.User+"@127.0.0.1"), cmd...)
	c := exec.CommandContext(ctx, "ssh", args...)
	c.Env = env
	return c
}

var loginTimeRE = regexp.MustCompile(`Info: The max number of VTY users is 10, and the number of current VTY users on line is 1\.\r\nThe current login time is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\r\nHRP_M<FW-A>`)

// TestHuaweiLoginOpenSSH: the OpenSSH client logs in to FW-A as to a
// real USG: keyboard-interactive `Password:` (from SSH_ASKPASS), the
// banner, the first-login question (a bare Enter asks again, N goes on),
// the `Info:` and login-time lines, the prompt; a display line wider than
// the PTY (OpenSSH -tt without a terminal asks no width: 80) is wrapped at
// 80; `reset saved-configuration` asks its Warning question. A wrong
// password is refused, and an exec has no question.
func TestHuaweiLoginOpenSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client `ssh` is not installed: skipping the OpenSSH test")
	}
	banner := "Huawei lab: authorized users only"
	p := hwPair(t, PairOptions{SSH: lab.SSHLogin{KeyboardInteractive: true, Banner: banner + "\n"}, FirstLogin: true})
	env, prompts := hwAskpass(t, p.Password)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	out, err := hwOpenSSHKbd(ctx, p, p.A, env, "", "display version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "VRP (R) software") || !strings.Contains(string(out), banner) {
		t.Fatalf("OpenSSH exec by keyboard-interactive: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(prompts); err != nil || !strings.Contains(string(b), "Password: ") {
		t.Errorf("askpass prompts: %q %v", b, err)
	}
	wrongEnv, _ := hwAskpass(t, "wrong")
	if out, err := hwOpenSSHKbd(ctx, p, p.A, wrongEnv, "", "display version").CombinedOutput(); err == nil {
		t.Errorf("a wrong password logged in:\n%s", out)
	}

	c := hwOpenSSHKbd(ctx, p, p.A, env, "-tt")
	in, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sh := labtest.NewShell(t, in)
	c.Stdout, c.Stderr = sh, sh
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	t.Cleanup(func() {
		if !waited {
			in.Close()
			c.Wait()
		}
	})
	sh.Expect(FirstLoginQuestion)
	sh.Line("")
	sh.Expect(FirstLoginQuestion)
	sh.Line("n")
	if got := sh.Expect("HRP_M<FW-A>"); !loginTimeRE.MatchString(got) {
		t.Errorf("before the first prompt:\n%q", got)
	}
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Run("system-view", "HRP_M[FW-A]")
	sh.Run("interface GigabitEthernet1/0/2", "HRP_M[FW-A-GigabitEthernet1/0/2]")
	desc := strings.Repeat("d", 100)
	sh.Run("description "+desc, "HRP_M[FW-A-GigabitEthernet1/0/2]")
	sh.Run("return", "HRP_M<FW-A>")
	got := sh.Run("display current-configuration | include dddd", "HRP_M<FW-A>")
	if want := " description " + desc[:67] + "\r\n" + desc[67:] + "\r\n"; !strings.Contains(got, want) {
		t.Errorf("a 113-column line at the default width 80:\n%q\nwant it to contain %q", got, want)
	}

	q := strings.ReplaceAll(Warning("reset saved-configuration"), "\n", "\r\n")
	sh.Line("reset saved-configuration")
	sh.Expect(q)
	sh.Line("")
	sh.Expect(q)
	sh.Line("n")
	sh.Expect("HRP_M<FW-A>")
	if p.A.Device.Saved() == nil {
		t.Fatal("N cleared the saved configuration")
	}
	sh.Line("reset saved-configuration")
	sh.Expect(q)
	if got := sh.Run("y", "HRP_M<FW-A>"); !strings.Contains(got, "Info: Succeeded in clearing the configuration in the device.") {
		t.Errorf("reset saved-configuration, Y:\n%q", got)
	}
	if p.A.Device.Saved() != nil {
		t.Error("Y left the saved configuration")
	}
	if _, err := os.Stat(p.A.Device.SavedPath()); !os.IsNotExist(err) {
		t.Errorf("the saved file is still there: %v", err)
	}
	sh.Line("quit")
	waited = true
	if err := c.Wait(); err != nil {
		t.Errorf("quit: OpenSSH ended with %v\n%s", err, sh.Output())
	}
}

// TestHuaweiFirstLoginGoClient: through x/crypto/ssh, keyboard-interactive
// gets one echo-off `Password: ` prompt and the banner; the first login
// answered Y is asked the old and new passwords without echo. A wrong old
// password and a mismatched confirmation are refused with the device's
// text, the login goes on and the next one asks again; a change that holds
// makes the new password FW-B's from the next login on (the old one is
// refused, OpenSSH logs in with the new one and is not asked again), kept
// in the state directory across a restart, and leaves FW-A's unchanged.
func TestHuaweiFirstLoginGoClient(t *testing.T) {
	banner := "Warning: authorized users only\n"
	login := lab.SSHLogin{KeyboardInteractive: true, Banner: banner}
	dir := t.TempDir()
	p := hwPair(t, PairOptions{Dir: dir, SSH: login, FirstLogin: true})
	var gotBanner string
	cfgFor := func(pw string) *ssh.ClientConfig {
		cfg := labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
		cfg.BannerCallback = func(m string) error { gotBanner = m; return nil }
		cfg.Auth = []ssh.AuthMethod{ssh.KeyboardInteractive(func(name, instr string, qs []string, echos []bool) ([]string, error) {
			if len(qs) != 1 || qs[0] != "Password: " || echos[0] {
				return nil, fmt.Errorf("questions %q echo %v", qs, echos)
			}
			return []string{pw}, nil
		})}
		return cfg
	}
	oldPW, newPW := p.Password, "Changed-1"
	// change logs in with the old password, answers Y and the three
	// prompts, and returns what FW-B printed up to its prompt.
	change := func(old, pw, confirm string) string {
		t.Helper()
		sh := labtest.OpenShell(t, labtest.Dial(t, "FW-B", p.B.SSH.Addr(), cfgFor(oldPW)))
		sh.Expect(FirstLoginQuestion)
		sh.Line("y")
		sh.Expect(PromptOldPassword)
		sh.Line(old)
		sh.Expect(PromptNewPassword)
		sh.Line(pw)
		sh.Expect(PromptConfirmPassword)
		sh.Line(confirm)
		got := sh.Expect("HRP_S<FW-B>")
		for _, secret := range []string{old, pw, confirm} {
			if strings.Contains(sh.Output(), secret) {
				t.Error("a password typed at the change was echoed")
			}
		}
		return got
	}
	// ^C at a password prompt ends the change: no line, the prompt, and
	// the next login asks again.
	sh0 := labtest.OpenShell(t, labtest.Dial(t, "FW-B", p.B.SSH.Addr(), cfgFor(oldPW)))
	sh0.Expect(FirstLoginQuestion)
	sh0.Line("y")
	sh0.Expect(PromptOldPassword)
	sh0.Send("Typed-0\x03")
	if got := sh0.Expect("HRP_S<FW-B>"); !strings.HasPrefix(got, "^C\r\n") || strings.Contains(got, "Error") || strings.Contains(got, "Info: The password") || strings.Contains(got, "Typed-0") {
		t.Errorf("^C at the old password:\n%q", got)
	}
	if got := change("Wrong-0", newPW, newPW); !strings.HasPrefix(got, "\r\n"+ErrOldPassword+"\r\n") || !strings.Contains(got, "The current login time is ") {
		t.Errorf("wrong old password:\n%q", got)
	}
	if gotBanner != banner {
		t.Errorf("banner %q", gotBanner)
	}
	if got := change(oldPW, newPW, "Changed-2"); !strings.HasPrefix(got, "\r\n"+ErrPasswordMismatch+"\r\n") {
		t.Errorf("mismatched confirmation:\n%q", got)
	}
	if got := change(oldPW, newPW, newPW); !strings.HasPrefix(got, "\r\n"+InfoPasswordChanged+"\r\n") {
		t.Errorf("the change:\n%q", got)
	}
	if _, err := ssh.Dial("tcp", p.B.SSH.Addr(), cfgFor(oldPW)); err == nil {
		t.Error("FW-B still takes the old password")
	}
	sh2 := labtest.OpenShell(t, labtest.Dial(t, "FW-B", p.B.SSH.Addr(), cfgFor(newPW)))
	if got := sh2.Expect("HRP_S<FW-B>"); strings.Contains(got, "[Y/N]") {
		t.Errorf("the login after the change was asked again:\n%q", got)
	}
	fi, err := os.Stat(filepath.Join(dir, lab.DevicePasswordFile("FW-B", p.User)))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the stored password: %v %v", fi, err)
	}
	// FW-A keeps its own password: user databases are per device.
	c, err := ssh.Dial("tcp", p.A.SSH.Addr(), cfgFor(oldPW))
	if err != nil {
		t.Errorf("FW-A refuses its unchanged password: %v", err)
	} else {
		c.Close()
	}
	// OpenSSH logs in with the new password (keyboard-interactive).
	if _, err := exec.LookPath("ssh"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		env, _ := hwAskpass(t, newPW)
		if out, err := hwOpenSSHKbd(ctx, p, p.B, env, "", "display version").CombinedOutput(); err != nil || !strings.Contains(string(out), "VRP (R) software") {
			t.Errorf("OpenSSH with the new password: %v\n%s", err, out)
		}
		oldEnv, _ := hwAskpass(t, oldPW)
		if _, err := hwOpenSSHKbd(ctx, p, p.B, oldEnv, "", "display version").CombinedOutput(); err == nil {
			t.Error("OpenSSH logged in with the old password")
		}
	}
	// A restart on the same state directory keeps the new password.
	p.Close()
	p2 := hwPair(t, PairOptions{Dir: dir, SSH: login, FirstLogin: true})
	if _, err := ssh.Dial("tcp", p2.B.SSH.Addr(), cfgFor(oldPW)); err == nil {
		t.Error("after a restart FW-B takes the old password")
	}
	sh3 := labtest.OpenShell(t, labtest.Dial(t, "FW-B", p2.B.SSH.Addr(), cfgFor(newPW)))
	if got := sh3.Expect("HRP_S<FW-B>"); strings.Contains(got, "[Y/N]") {
		t.Errorf("after a restart the changed password was asked again:\n%q", got)
	}
}

// TestHuaweiWrapWidth: display output wraps at the width the client's
// PTY asked for, and at the new one after a window change; a session
// without a PTY (exec) is never wrapped.
func TestHuaweiWrapWidth(t *testing.T) {
	p := hwPair(t, PairOptions{})
	c := hwDial(t, p, p.A)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestPty("xterm", 24, 40, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	sh := labtest.NewShell(t, in)
	s.Stdout = sh
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Run("system-view", "HRP_M[FW-A]")
	sh.Run("interface GigabitEthernet1/0/2", "HRP_M[FW-A-GigabitEthernet1/0/2]")
	desc := strings.Repeat("w", 90)
	sh.Run("description "+desc, "HRP_M[FW-A-GigabitEthernet1/0/2]")
	sh.Run("return", "HRP_M<FW-A>")
	got := sh.Run("display current-configuration | include wwww", "HRP_M<FW-A>")
	line := " description " + desc
	if want := strings.Join(lab.Wrap(line, 40), "\r\n") + "\r\n"; !strings.Contains(got, want) {
		t.Errorf("at 40 columns:\n%q\nwant %q", got, want)
	}
	if err := s.WindowChange(24, 60); err != nil {
		t.Fatal(err)
	}
	want60 := strings.Join(lab.Wrap(line, 60), "\r\n") + "\r\n"
	// The request and the typed line travel apart: ask until the new
	// width shows (it must, once the request is handled).
	for i := 0; ; i++ {
		if got := sh.Run("display current-configuration | include wwww", "HRP_M<FW-A>"); strings.Contains(got, want60) {
			break
		} else if i == 1000 {
			t.Fatalf("after window-change to 60:\n%q", got)
		}
	}
	out, err := labtest.Exec(t, c, "display current-configuration | include wwww")
	if err != nil || !strings.Contains(out, line+"\n") {
		t.Errorf("exec output wrapped: %v\n%q", err, out)
	}
}

// TestHuaweiScreenLengthRefused: with the option, admin's level refuses
// `screen-length 0 temporary` as VRP refuses a command above the user's
// level, so long output stays paged and must be answered (OpenSSH);
// another user on the same port keeps its own level.
func TestHuaweiScreenLengthRefused(t *testing.T) {
	p := hwPair(t, PairOptions{ScreenLengthRefused: true})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sh, quit := hwOpenSSH(ctx, t, p, p.A) // the OpenSSH client
	defer quit()
	sh.Expect("HRP_M<FW-A>")
	got := sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	want := "screen-length 0 temporary\r\n" + strings.Repeat(" ", len("HRP_M<FW-A>")) + "^\r\nError: Unrecognized command found at '^' position.\r\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("screen-length at a low level:\n%q\nwant %q", got, want)
	}
	sh.Line("display current-configuration")
	sh.Expect(morePrompt)
	sh.Send(" ")
	sh.Expect(morePrompt)
	sh.Send("q")
	sh.Expect("HRP_M<FW-A>")
	// Another login on the same port keeps its own level: it takes it.
	key, err := lab.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	p1 := hwPair(t, PairOptions{ScreenLengthRefused: true, Users: []lab.SSHUser{{Name: "audit-admin", AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}}}})
	audit := labtest.OpenShell(t, labtest.Dial(t, "FW-A", p1.A.SSH.Addr(), labtest.ClientConfig(t, p1.Dir, "audit-admin", key)))
	audit.Expect("HRP_M<FW-A>")
	if got := audit.Run("screen-length 0 temporary", "HRP_M<FW-A>"); !strings.Contains(got, "Info: The configuration takes effect") {
		t.Errorf("audit-admin beside a low-level admin: %q", got)
	}
	admin := hwShell(t, p1, p1.A)
	admin.Expect("HRP_M<FW-A>")
	if got := admin.Run("screen-length 0 temporary", "HRP_M<FW-A>"); !strings.Contains(got, "Error: Unrecognized command") {
		t.Errorf("admin on the same port: %q", got)
	}
	// The default level takes it.
	p2 := hwPair(t, PairOptions{})
	sh2 := hwShell(t, p2, p2.A)
	sh2.Expect("HRP_M<FW-A>")
	if got := sh2.Run("screen-length 0 temporary", "HRP_M<FW-A>"); !strings.Contains(got, "Info: The configuration takes effect") {
		t.Errorf("default level: %q", got)
	}
}

// TestHuaweiSeveralUsers: a second login on FW-A's own port with its own
// key and password (OpenSSH with the key, x/crypto with the password);
// admin's credentials do not open it, and its first login asks its own
// password question.
func TestHuaweiSeveralUsers(t *testing.T) {
	dir := t.TempDir()
	auditKey, err := lab.LoadOrCreateKey(filepath.Join(dir, "audit_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	p := hwPair(t, PairOptions{Dir: dir, FirstLogin: true,
		Users: []lab.SSHUser{{Name: "audit-admin", Password: "Audit@2026", AuthorizedKeys: []ssh.PublicKey{auditKey.PublicKey()}}}})
	if _, err := exec.LookPath("ssh"); err == nil {
		args := labtest.OpenSSHArgs(t, p.Dir, p.A.SSH.Port(), "audit-admin", "-i", filepath.Join(dir, "audit_ed25519"))
		if out, err := exec.Command("ssh", append(args, "display version")...).CombinedOutput(); err != nil || !strings.Contains(string(out), "VRP (R) software") {
			t.Errorf("OpenSSH as audit-admin: %v\n%s", err, out)
		}
	}
	cfg := labtest.ClientConfig(t, p.Dir, "audit-admin", p.ClientKey) // admin's key
	if c, err := ssh.Dial("tcp", p.A.SSH.Addr(), cfg); err == nil {
		c.Close()
		t.Error("admin's key opened audit-admin")
	}
	cfg.Auth = []ssh.AuthMethod{ssh.Password(p.Password)}
	if c, err := ssh.Dial("tcp", p.A.SSH.Addr(), cfg); err == nil {
		c.Close()
		t.Error("admin's password opened audit-admin")
	}
	cfg.Auth = []ssh.AuthMethod{ssh.Password("Audit@2026")}
	sh := labtest.OpenShell(t, labtest.Dial(t, "FW-A", p.A.SSH.Addr(), cfg))
	sh.Expect(FirstLoginQuestion)
	sh.Line("n")
	sh.Expect("HRP_M<FW-A>")
}
