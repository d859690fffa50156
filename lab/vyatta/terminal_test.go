package vyatta

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// openSSHShell logs in to m with `ssh -tt` (stdin from a pipe: the PTY is
// 80x24, OpenSSH sends no size) and waits for prompt. Lines are typed
// with "\n" as OpenSSH passes Enter.
func openSSHShell(t *testing.T, p *Pair, m *Member, prompt string, extra ...string) *labtest.Shell {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd, stdin, sh := startOpenSSH(ctx, t, p, m, extra...)
	t.Cleanup(func() {
		stdin.Close()
		cancel()
		_ = cmd.Wait()
	})
	sh.Expect(prompt)
	return sh
}

// pagedLines counts the output lines of a command's echo-less output up
// to the pager prompt.
func pagedLines(got string) int {
	got = strings.TrimSuffix(got, "\r\n"+pagerPrompt)
	return len(strings.Split(got, "\r\n"))
}

// TestPagerOpenSSH: with Options.Pager the device pages `show` output on
// the PTY's 24 rows (23 lines and `:`); space shows a screen, Enter a line,
// q ends the output; `| no-more` and `set terminal length 0` turn it off.
func TestPagerOpenSSH(t *testing.T) {
	p := vysshPair(t, PairOptions{Pager: true})
	prompt := "vyatta@vra-a:~$ "
	sh := openSSHShell(t, p, p.A, prompt)
	send := func(s string) { t.Helper(); sh.Send(s) }

	send("show configuration commands\n")
	sh.Expect("show configuration commands\r\n")
	if n := pagedLines(sh.Expect("\r\n" + pagerPrompt)); n != 23 {
		t.Errorf("first screen: %d lines, want 23", n)
	}
	send(" ")
	sh.Expect(pagerErase)
	if n := pagedLines(sh.Expect("\r\n" + pagerPrompt)); n != 23 {
		t.Errorf("second screen: %d lines, want 23", n)
	}
	send("\n")
	sh.Expect(pagerErase)
	if n := pagedLines(sh.Expect(pagerPrompt)); n != 1 {
		t.Errorf("Enter showed %d lines, want 1", n)
	}
	send("q")
	if got := sh.Expect(prompt); strings.Contains(got, pagerPrompt+"set") {
		t.Errorf("output went on after q:\n%q", got)
	}

	var want bytes.Buffer
	if err := config.WriteSet(&want, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	send("show configuration commands | no-more\n")
	got := sh.Expect(prompt)
	if !strings.Contains(got, crlf(want.String())) || strings.Contains(got, pagerErase) {
		t.Errorf("| no-more output is not the whole configuration unpaged (%d bytes)", len(got))
	}

	send("set terminal length 0\n")
	if got := sh.Expect(prompt); got != "set terminal length 0\r\n"+prompt {
		t.Errorf("set terminal length 0 answered %q", got)
	}
	send("set terminal width 200\n")
	if got := sh.Expect(prompt); got != "set terminal width 200\r\n"+prompt {
		t.Errorf("set terminal width 200 answered %q", got)
	}
	send("show configuration commands\n")
	if got := sh.Expect(prompt); !strings.Contains(got, crlf(want.String())) || strings.Contains(got, pagerErase) {
		t.Errorf("after set terminal length 0 the output is still paged")
	}
	send("set terminal length banana\n")
	if got := sh.Expect(prompt); !strings.Contains(got, "Invalid command: [set terminal length banana]") {
		t.Errorf("set terminal length banana answered %q", got)
	}
}

// TestPagerOffByDefault: without Options.Pager nothing is paged (the demo
// and the other tests see whole outputs) until the session asks with `set
// terminal length N`; `run` in configure mode reaches the same commands.
func TestPagerOffByDefault(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	sh := labtest.OpenShell(t, vysshDial(t, p, p.A))
	prompt := "vyatta@vra-a:~$ "
	sh.Expect(prompt)
	if got := sh.Run("show configuration commands", prompt); strings.Contains(got, pagerErase) || strings.Count(got, "\r\n") < 100 {
		t.Errorf("default session paged or cut its output (%d lines)", strings.Count(got, "\r\n"))
	}
	sh.Run("configure", "# ")
	sh.Run("run set terminal length 5", "# ")
	sh.Line("run show configuration commands")
	sh.Expect("run show configuration commands\r\n")
	if n := pagedLines(sh.Expect("\r\n" + pagerPrompt)); n != 4 {
		t.Errorf("set terminal length 5: %d lines before the prompt, want 4", n)
	}
	sh.Send("q")
	sh.Expect("vyatta@vra-a# ")
}

// TestPipesExec: an exec session takes `| no-more` (and is never paged),
// `| match` and `| except`, and `set terminal length 0` as netmiko sends
// them.
func TestPipesExec(t *testing.T) {
	p := vysshPair(t, PairOptions{Pager: true})
	c := vysshDial(t, p, p.A)
	plain, err := labtest.Exec(t, c, "show configuration commands")
	if err != nil {
		t.Fatal(err)
	}
	noMore, err := labtest.Exec(t, c, "show configuration commands | no-more")
	if err != nil || noMore != plain {
		t.Errorf("| no-more changed the output (%v)", err)
	}
	match, err := labtest.Exec(t, c, "show configuration commands | match host-name")
	if err != nil || match != "set system host-name 'vra-a'\n" {
		t.Errorf("| match host-name: %q %v", match, err)
	}
	except, err := labtest.Exec(t, c, "show configuration commands | except ^set | no-more")
	if err != nil || except != "" {
		t.Errorf("| except ^set: %q %v", except, err)
	}
	if out, err := labtest.Exec(t, c, "set terminal length 0"); err != nil || out != "" {
		t.Errorf("set terminal length 0: %q %v", out, err)
	}
	if _, err := labtest.Exec(t, c, "show version | frobnicate"); err == nil {
		t.Error("an unknown pipe was accepted")
	}
}

// TestVyOSOperatorPrompt: on a VyOS device a user with `level operator`
// sees `user@host> ` and cannot configure; on a VRA the prompt stays.
func TestVyOSOperatorPrompt(t *testing.T) {
	for _, f := range []Flavor{FlavorVyOS, FlavorVRA} {
		t.Run(string(f), func(t *testing.T) {
			p := vysshPair(t, PairOptions{Flavor: f})
			s := p.A.Device.NewSession(p.User)
			if err := s.Set([]string{"system", "login", "user", p.User, "level", "operator"}); err != nil {
				t.Fatal(err)
			}
			if err := s.Commit(context.Background(), func(string) {}); err != nil {
				t.Fatal(err)
			}
			sh := labtest.OpenShell(t, vysshDial(t, p, p.A))
			prompt := "vyatta@vra-a:~$ "
			if f == FlavorVyOS {
				prompt = "vyatta@vra-a> "
			}
			sh.Expect(prompt)
			if got := sh.Run("configure", prompt); !strings.Contains(got, "Invalid command: [configure]") {
				t.Errorf("operator configure: %q", got)
			}
			if got := sh.Run("show version", prompt); !strings.Contains(got, "Hostname:         vra-a") {
				t.Errorf("operator show version: %q", got)
			}
		})
	}
}

// TestVyOSCommitConfirmQuestion: VyOS asks `Proceed? [confirm]` before a
// commit-confirm (napalm-vyos#16): n commits nothing, y (or Enter) goes
// on. The VRA does not ask.
func TestVyOSCommitConfirmQuestion(t *testing.T) {
	p := vysshPair(t, PairOptions{Flavor: FlavorVyOS, ConfirmUnit: time.Hour})
	sh := openSSHShell(t, p, p.A, "vyatta@vra-a:~$ ")
	prompt := "vyatta@vra-a# "
	sh.Send("configure\n")
	sh.Expect(prompt)
	sh.Send("set system domain-name confirm.example.net\n")
	sh.Expect(prompt)
	sh.Send("commit-confirm 5\n")
	sh.Expect("commit confirm will be automatically reboot in 5 minutes unless confirmed\r\nProceed? [confirm]")
	sh.Send("n")
	if got := sh.Expect(prompt); strings.Contains(got, "Initialized commit-confirm") {
		t.Fatalf("n committed:\n%s", got)
	}
	if n := p.A.Device.Running().Root.Lookup(config.Path{"system", "domain-name", "confirm.example.net"}); n != nil {
		t.Fatal("the declined commit-confirm was applied")
	}
	sh.Send("commit-confirm 5\n")
	sh.Expect("Proceed? [confirm]")
	sh.Send("y")
	if got := sh.Expect(prompt); !strings.Contains(got, "Initialized commit-confirm; 5 minutes to confirm before revert") {
		t.Errorf("y did not commit:\n%s", got)
	}
	sh.Send("confirm\n")
	sh.Expect("commit confirmed")

	// The VRA commits at once.
	v := vysshPair(t, PairOptions{ConfirmUnit: time.Hour})
	vsh := labtest.OpenShell(t, vysshDial(t, v, v.A))
	vsh.Expect("vyatta@vra-a:~$ ")
	vsh.Run("configure", prompt)
	vsh.Run("set system domain-name confirm.example.net", prompt)
	if got := vsh.Run("commit-confirm 5", prompt); strings.Contains(got, "Proceed?") || !strings.Contains(got, "Initialized commit-confirm") {
		t.Errorf("VRA commit-confirm:\n%s", got)
	}
}

// TestLegacySSHPair: a pair started with the legacy offer and several host
// keys is reached by OpenSSH given the old algorithms, with every key in
// known_hosts.
func TestLegacySSHPair(t *testing.T) {
	p := vysshPair(t, PairOptions{SSH: lab.SSHLogin{Legacy: true, HostKeyTypes: []string{lab.HostKeyRSA, lab.HostKeyECDSA}, Version: "SSH-2.0--"}})
	args := append(vyopensshArgs(t, p, p.B,
		"-o", "KexAlgorithms=diffie-hellman-group14-sha1",
		"-o", "HostKeyAlgorithms=ssh-rsa",
		"-o", "Ciphers=aes128-cbc"), "show", "version")
	out, err := exec.Command("ssh", args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Hostname:         vra-b") {
		t.Fatalf("legacy ssh: %v\n%s", err, out)
	}
	kh, err := os.ReadFile(filepath.Join(p.Dir, lab.KnownHostsFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(kh), "\n"); n != 4 {
		t.Errorf("known_hosts has %d lines, want 4 (two keys of two devices):\n%s", n, kh)
	}
	if !strings.Contains(string(kh), "ssh-rsa ") || !strings.Contains(string(kh), "ecdsa-sha2-nistp256 ") {
		t.Errorf("known_hosts lacks a key type:\n%s", kh)
	}
}

// TestPreludeOpenSSH: a pair's Prelude asks its [Y/N] question at the
// first interactive login (a bare Enter asks again) and prints its lines
// before the first prompt; an exec session is not asked.
func TestPreludeOpenSSH(t *testing.T) {
	q := "Change the password now? [Y/N]: "
	p := vysshPair(t, PairOptions{Prelude: func(string) lab.Prelude { return lab.LoginPrelude([]string{"Last login: lab"}, q, nil) }})
	out, err := exec.Command("ssh", append(vyopensshArgs(t, p, p.A), "show", "version")...).CombinedOutput()
	if err != nil || strings.Contains(string(out), "[Y/N]") {
		t.Errorf("exec session: %v\n%s", err, out)
	}
	sh := openSSHShell(t, p, p.A, q)
	sh.Send("\n")
	sh.Expect(q)
	sh.Send("y\n")
	if got := sh.Expect("vyatta@vra-a:~$ "); !strings.Contains(got, "Last login: lab\r\nWelcome to Vyatta") {
		t.Errorf("before the prompt:\n%q", got)
	}
}

// TestUsersOnOnePort: vyatta (level admin, in the secrets group) and
// operator (`level operator`, outside it) are logged in to vra-a's one SSH
// port at once with the OpenSSH client, each with its own key: in the
// VyOS flavor operator gets the operator prompt, cannot configure and sees
// secrets masked, while vyatta configures and sees them.
func TestUsersOnOnePort(t *testing.T) {
	p := vysshPair(t, PairOptions{Flavor: FlavorVyOS})
	syncCommitNoSync(t, p.A.Device, "set system login user operator level operator")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := labtest.OpenSSHArgs(t, p.Dir, p.A.SSH.Port(), OperatorUser, "-tt", "-i", filepath.Join(p.Dir, OperatorKeyFile))
	cmd := exec.CommandContext(ctx, "ssh", args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	op := labtest.NewShell(t, stdin)
	cmd.Stdout, cmd.Stderr = op, op
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cancel()
		_ = cmd.Wait()
	}()
	opPrompt := "operator@vra-a> "
	op.Expect(opPrompt)
	own := openSSHShell(t, p, p.A, "vyatta@vra-a:~$ ")

	if got := op.Run("configure", opPrompt); !strings.Contains(got, "Invalid command: [configure]") {
		t.Errorf("operator configure: %q", got)
	}
	if got := own.Run("configure", "vyatta@vra-a# "); !strings.Contains(got, "[edit]") {
		t.Errorf("vyatta configure: %q", got)
	}
	own.Run("exit", "vyatta@vra-a:~$ ")
	// The outputs hold the password: they are checked, never printed.
	if got := op.Run("show configuration commands | match remote-router", opPrompt); !strings.Contains(got, "password '"+config.Mask+"'") || strings.Contains(got, p.Password) {
		t.Error("operator sees the config-sync password, or no mask")
	}
	if got := own.Run("show configuration commands | match remote-router", "vyatta@vra-a:~$ "); !strings.Contains(got, p.Password) {
		t.Error("vyatta does not see the config-sync password")
	}
}
