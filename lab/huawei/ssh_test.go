package huawei

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/lab/labtest"
)

// hwPair starts a pair in a temporary state directory and waits for HRP.
func hwPair(t testing.TB, o PairOptions) *Pair {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	if o.HRP.Heartbeat == 0 {
		o.HRP.Heartbeat = 50 * time.Millisecond
	}
	p, err := StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// hwDial logs in with the pair's key, verifying the host key against the
// generated known_hosts.
func hwDial(t testing.TB, p *Pair, m *Member) *ssh.Client {
	t.Helper()
	return labtest.Dial(t, m.Device.Name(), m.SSH.Addr(), labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey))
}

// hwOpenSSH starts the OpenSSH client on a PTY (-tt) to member m with
// the pair's key and host key pinned. quit types quit, closes the
// client's input and waits for it to exit cleanly.
func hwOpenSSH(ctx context.Context, t *testing.T, p *Pair, m *Member) (sh *labtest.Shell, quit func()) {
	t.Helper()
	args := labtest.OpenSSHArgs(t, p.Dir, m.SSH.Port(), p.User, "-tt")
	cmd := exec.CommandContext(ctx, "ssh", args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sh = labtest.NewShell(t, stdin)
	cmd.Stdout, cmd.Stderr = sh, sh
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return sh, func() {
		t.Helper()
		sh.Line("quit")
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("ssh: %v", err)
		}
	}
}

// hwShell is an interactive PTY shell on member m.
func hwShell(t testing.TB, p *Pair, m *Member) *labtest.Shell {
	t.Helper()
	return labtest.OpenShell(t, hwDial(t, p, m))
}

func TestSSHPromptsPagerAndErrors(t *testing.T) {
	p := hwPair(t, PairOptions{Sessions: 3})
	sh := hwShell(t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	// The pager: space, enter, q.
	sh.Line("dis cu")
	first := sh.Expect(morePrompt)
	if n := strings.Count(first, "\r\n"); n != DefaultPageLines+1 { // the echoed line's end too
		t.Errorf("first page: %d lines", n)
	}
	sh.Send(" ")
	sh.Expect(morePrompt)
	sh.Send("\r")
	got := sh.Expect(morePrompt)
	if !strings.HasPrefix(got, moreErase) || strings.Count(got, "\r\n") != 1 {
		t.Errorf("enter shows one line: %q", got)
	}
	sh.Send("q")
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Line("display current-configuration")
	got = sh.Expect("\r\nreturn\r\n")
	if strings.Contains(got, morePrompt) {
		t.Error("the pager is still on after screen-length 0 temporary")
	}
	sh.Expect("HRP_M<FW-A>")
	// A caret error in system view, under the echoed command.
	sh.Run("sys", "HRP_M[FW-A]")
	sh.Line("ip route-static 10.1.1 255.0.0.0 10.0.0.1")
	got = sh.Expect("HRP_M[FW-A]")
	want := "\r\n" + strings.Repeat(" ", len("HRP_M[FW-A]ip route-static ")) + "^\r\nError: Wrong parameter found at '^' position.\r\n"
	if !strings.Contains(got, want) {
		t.Errorf("caret error:\n%q\nwant %q", got, want)
	}
	sh.Run("security-policy", "HRP_M[FW-A-policy-security]")
	sh.Run("rule name web_ssh", "HRP_M[FW-A-policy-security-rule-web_ssh]")
	sh.Line("q")
	sh.Line("q")
	sh.Run("q", "HRP_M<FW-A>")
	// Exec: a display without a pager; an unknown command exits 1.
	c := hwDial(t, p, p.A)
	out, err := labtest.Exec(t, c, "display firewall session table")
	if err != nil || !strings.HasPrefix(out, " Current Total Sessions : 3\n") {
		t.Errorf("exec: %v\n%s", err, out)
	}
	if _, err := labtest.Exec(t, c, "display nonsense"); err == nil {
		t.Error("exec of an unknown command succeeded")
	}
}

// TestSSHSaveAndRestart: save over SSH answers the [Y/N] question, and a
// pair restarted on the same directory loads the saved configuration.
func TestSSHSaveAndRestart(t *testing.T) {
	dir := t.TempDir()
	p := hwPair(t, PairOptions{Dir: dir})
	sh := hwShell(t, p, p.B)
	sh.Expect("HRP_S<FW-B>")
	sh.Line("system-view")
	sh.Run("hrp standby config enable", "HRP_S[FW-B]")
	sh.Run("ip route-static 10.77.0.0 255.255.0.0 10.20.0.254", "HRP_S[FW-B]")
	sh.Line("return")
	sh.Run("save", "[Y/N]:")
	sh.Line("y")
	if got := sh.Expect("HRP_S<FW-B>"); !strings.Contains(got, "Info: Save the configuration successfully.") {
		t.Errorf("save: %q", got)
	}
	p.Close()
	p2 := hwPair(t, PairOptions{Dir: dir})
	if p2.B.Device.Running().Root.Child("ip route-static 10.77.0.0 255.255.0.0 10.20.0.254") == nil {
		t.Error("the restarted FW-B lost the saved route")
	}
	if p2.Password != p.Password {
		t.Error("the restart changed the password")
	}
}

// TestSeedDrift: the saved configurations parse with backend/config and
// differ by exactly the seeded drift, beside the per-member lines.
func TestSeedDrift(t *testing.T) {
	p := hwPair(t, PairOptions{})
	a, err := config.ParseFile(p.A.Device.SavedPath(), config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.ParseFile(p.B.Device.SavedPath(), config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(hwText(t, p.A.Device), "\n"); n < DefaultSeedLines*8/10 || n > DefaultSeedLines*13/10 {
		t.Errorf("FW-A has %d lines, want about %d", n, DefaultSeedLines)
	}
	var got []string
	for _, c := range diff.Trees(a, b, diff.Options{MaskSecrets: true}) {
		got = append(got, c.Kind.String()+" "+c.Path.String())
	}
	sort.Strings(got)
	d := SeedDrift()
	want := []string{
		"added security-policy rule name " + d.ExtraRule,
		"added hrp standby-device",
		"changed hrp interface",
		"changed security-policy rule name " + d.ChangedRule + " action",
		"moved security-policy rule name " + d.MovedRule,
		"removed nat-policy rule name " + d.MissingNATRule,
		"removed " + d.MissingRoute,
		"changed sysname",
		"removed security-policy rule name " + d.MissingRules[0],
		"removed security-policy rule name " + d.MissingRules[1],
	}
	for i := range 5 {
		iface := "interface GigabitEthernet1/0/" + fmt.Sprint(i)
		if i == 4 {
			iface = "interface " + SeedHeartbeat
		} else {
			want = append(want, "changed "+iface+" vrrp vrid "+fmt.Sprint(10*(i+1))+" virtual-ip")
		}
		want = append(want, "changed "+iface+" ip address")
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	// Without masking, the per-member ciphertext differs too.
	if n := len(diff.Trees(a, b, diff.Options{})) - len(got); n != 2 {
		t.Errorf("unmasked diff has %d more changes, want the 2 passwords", n)
	}
}

// TestOpenSSH drives the CLI with the OpenSSH client, host key pinned.
func TestOpenSSH(t *testing.T) {
	p := hwPair(t, PairOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sh, quit := hwOpenSSH(ctx, t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Run("sys", "HRP_M[FW-A]")
	sh.Run("nat-policy", "HRP_M[FW-A-policy-nat]")
	sh.Run("rule move snat_lab_3 top", "HRP_M[FW-A-policy-nat]")
	sh.Line("dis th")
	if got := sh.Expect("HRP_M[FW-A-policy-nat]"); !strings.Contains(got, "nat-policy\r\n rule name snat_lab_3\r\n") {
		t.Errorf("display this after rule move:\n%s", got)
	}
	sh.Run("return", "HRP_M<FW-A>")
	quit()
}

// TestSSHCtrlCAbandonsLine: ^C at the prompt abandons what was typed (it
// is never run) and the CLI shows a fresh prompt on the next line, as VRP
// does; Enter on an empty line also just prompts again.
func TestSSHCtrlCAbandonsLine(t *testing.T) {
	p := hwPair(t, PairOptions{})
	sh := hwShell(t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	sh.Run("system-view", "HRP_M[FW-A]")
	sh.Send("sysname HACKED")
	sh.Send("\x03")
	if got := sh.Expect("HRP_M[FW-A]"); got != "sysname HACKED^C\r\nHRP_M[FW-A]" {
		t.Errorf("^C: %q", got)
	}
	if got := sh.Run("", "HRP_M[FW-A]"); got != "\r\nHRP_M[FW-A]" {
		t.Errorf("empty line: %q", got)
	}
	if got := sh.Run("sysname FW-A", "HRP_M[FW-A]"); got != "sysname FW-A\r\nHRP_M[FW-A]" {
		t.Errorf("after ^C: %q", got)
	}
	if n := p.A.Device.Running().Root.Lookup(config.Path{"sysname"}); n == nil || n.Values[0] != "FW-A" {
		t.Errorf("sysname after an abandoned line: %+v", n)
	}
}

// TestSSHCtrlCStopsDisplay: with the pager off, ^C stops a display that
// is still printing (VRP's Ctrl+C stops the current command): the output
// ends early, `^C` is echoed and the prompt comes back, and the session
// goes on. A large configuration printed with a per-line delay keeps the
// display running far longer than the ^C takes. Driven by the OpenSSH
// client.
func TestSSHCtrlCStopsDisplay(t *testing.T) {
	p := hwPair(t, PairOptions{Lines: 2000, Delay: 20 * time.Millisecond}) // tens of seconds of output
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sh, quit := hwOpenSSH(ctx, t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Line("display current-configuration")
	sh.Expect("sysname FW-A\r\n")
	sh.Send("\x03")
	got := sh.Expect("HRP_M<FW-A>")
	if !strings.Contains(got, "^C\r\n") || strings.Contains(got, "\r\nreturn\r\n") {
		t.Errorf("^C did not stop the display:\n%q", got)
	}
	if got := sh.Run("display version", "HRP_M<FW-A>"); !strings.Contains(got, "VRP (R) software") {
		t.Errorf("after ^C: %q", got)
	}
	quit()
}
