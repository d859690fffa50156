package huawei

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/lab"
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
	hk, err := knownhosts.New(filepath.Join(p.Dir, lab.KnownHostsFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", m.SSH.Addr(), &ssh.ClientConfig{
		User: "admin", Auth: []ssh.AuthMethod{ssh.PublicKeys(p.ClientKey)},
		HostKeyCallback: hk, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("dial %s: %v", m.Device.Name(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// hwShell is an interactive session with a PTY.
type hwShell struct {
	t     testing.TB
	in    io.Writer
	mu    sync.Mutex
	buf   bytes.Buffer
	read  int
	wrote chan struct{}
}

func hwOpenShell(t testing.TB, c *ssh.Client) *hwShell {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 40, 200, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	sh := &hwShell{t: t, in: in, wrote: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			sh.mu.Lock()
			sh.buf.Write(b[:n])
			sh.mu.Unlock()
			select {
			case sh.wrote <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return sh
}

// expect waits for want after what was consumed and returns the text up
// to it.
func (sh *hwShell) expect(want string) string {
	sh.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		sh.mu.Lock()
		all := sh.buf.String()[sh.read:]
		sh.mu.Unlock()
		if i := strings.Index(all, want); i >= 0 {
			sh.read += i + len(want)
			return all[:i+len(want)]
		}
		select {
		case <-sh.wrote:
		case <-deadline:
			sh.t.Fatalf("timeout waiting for %q; got:\n%s", want, all)
		}
	}
}

func (sh *hwShell) send(s string) {
	sh.t.Helper()
	if _, err := io.WriteString(sh.in, s); err != nil {
		sh.t.Fatal(err)
	}
}

func (sh *hwShell) line(s string) { sh.t.Helper(); sh.send(s + "\r") }

func TestSSHPromptsPagerAndErrors(t *testing.T) {
	p := hwPair(t, PairOptions{Sessions: 3})
	sh := hwOpenShell(t, hwDial(t, p, p.A))
	sh.expect("HRP_M<FW-A>")
	// The pager: space, enter, q.
	sh.line("dis cu")
	first := sh.expect(morePrompt)
	if n := strings.Count(first, "\r\n"); n != DefaultPageLines+1 { // the echoed line's end too
		t.Errorf("first page: %d lines", n)
	}
	sh.send(" ")
	sh.expect(morePrompt)
	sh.send("\r")
	got := sh.expect(morePrompt)
	if !strings.HasPrefix(got, moreErase) || strings.Count(got, "\r\n") != 1 {
		t.Errorf("enter shows one line: %q", got)
	}
	sh.send("q")
	sh.expect("HRP_M<FW-A>")
	sh.line("screen-length 0 temporary")
	sh.expect("HRP_M<FW-A>")
	sh.line("display current-configuration")
	got = sh.expect("\r\nreturn\r\n")
	if strings.Contains(got, morePrompt) {
		t.Error("the pager is still on after screen-length 0 temporary")
	}
	sh.expect("HRP_M<FW-A>")
	// A caret error in system view, under the echoed command.
	sh.line("sys")
	sh.expect("HRP_M[FW-A]")
	sh.line("ip route-static 10.1.1 255.0.0.0 10.0.0.1")
	got = sh.expect("HRP_M[FW-A]")
	want := "\r\n" + strings.Repeat(" ", len("HRP_M[FW-A]ip route-static ")) + "^\r\nError: Wrong parameter found at '^' position.\r\n"
	if !strings.Contains(got, want) {
		t.Errorf("caret error:\n%q\nwant %q", got, want)
	}
	sh.line("security-policy")
	sh.expect("HRP_M[FW-A-policy-security]")
	sh.line("rule name web_ssh")
	sh.expect("HRP_M[FW-A-policy-security-rule-web_ssh]")
	sh.line("q")
	sh.line("q")
	sh.line("q")
	sh.expect("HRP_M<FW-A>")
	// Exec: a display without a pager; an unknown command exits 1.
	c := hwDial(t, p, p.A)
	s, _ := c.NewSession()
	defer s.Close()
	out, err := s.Output("display firewall session table")
	if err != nil || !strings.HasPrefix(string(out), " Current Total Sessions : 3\n") {
		t.Errorf("exec: %v\n%s", err, out)
	}
	s2, _ := c.NewSession()
	defer s2.Close()
	if err := s2.Run("display nonsense"); err == nil {
		t.Error("exec of an unknown command succeeded")
	}
}

// TestSSHReplicationAndStandby: a rule added on FW-A arrives on FW-B with
// (+B); FW-B refuses replicated commands; interface addresses stay local.
func TestSSHReplicationAndStandby(t *testing.T) {
	p := hwPair(t, PairOptions{})
	a := hwOpenShell(t, hwDial(t, p, p.A))
	a.expect("HRP_M<FW-A>")
	a.line("system-view")
	a.expect("HRP_M[FW-A]")
	a.line("security-policy")
	a.expect("HRP_M[FW-A-policy-security]")
	a.line("rule name ssh_mgmt")
	if got := a.expect("HRP_M[FW-A-policy-security-rule-ssh_mgmt]"); !strings.Contains(got, "rule name ssh_mgmt (+B)") {
		t.Errorf("no (+B) echo:\n%q", got)
	}
	a.line("source-zone trust")
	a.expect("(+B)")
	a.line("action permit")
	a.expect("(+B)")
	a.line("return")
	a.expect("HRP_M<FW-A>")
	hwEventually(t, "the rule on FW-B", func() bool {
		r := hwRule(p.B.Device.Running(), "security-policy", "ssh_mgmt")
		return r != nil && r.Child("action") != nil && r.Child("source-zone") != nil
	})
	// An interface address is not replicated.
	a.line("sys")
	a.line("interface GigabitEthernet1/0/2")
	a.expect("HRP_M[FW-A-GigabitEthernet1/0/2]")
	a.line("ip address 10.30.0.222 255.255.255.0")
	if got := a.expect("HRP_M[FW-A-GigabitEthernet1/0/2]"); strings.Contains(got, "(+B)") {
		t.Errorf("an interface address was echoed (+B): %q", got)
	}
	time.Sleep(200 * time.Millisecond)
	if ip := p.B.Device.Running().Root.Lookup(config.Path{"interface GigabitEthernet1/0/2", "ip address"}); ip == nil || strings.Contains(ip.Values[0], "10.30.0.222") {
		t.Errorf("FW-B's interface address changed: %+v", ip)
	}
	// The standby refuses a replicated command.
	b := hwOpenShell(t, hwDial(t, p, p.B))
	b.expect("HRP_S<FW-B>")
	b.line("sys")
	b.expect("HRP_S[FW-B]")
	b.line("security-policy")
	if got := b.expect("HRP_S[FW-B]"); !strings.Contains(got, ErrHRPStandby.Error()) {
		t.Errorf("standby refusal:\n%q", got)
	}
}

func hwEventually(t testing.TB, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timeout waiting for %s", what)
}

// TestSSHSaveAndRestart: save over SSH answers the [Y/N] question, and a
// pair restarted on the same directory loads the saved configuration.
func TestSSHSaveAndRestart(t *testing.T) {
	dir := t.TempDir()
	p := hwPair(t, PairOptions{Dir: dir})
	sh := hwOpenShell(t, hwDial(t, p, p.B))
	sh.expect("HRP_S<FW-B>")
	sh.line("system-view")
	sh.line("hrp standby config enable")
	sh.expect("HRP_S[FW-B]")
	sh.line("ip route-static 10.77.0.0 255.255.0.0 10.20.0.254")
	sh.expect("HRP_S[FW-B]")
	sh.line("return")
	sh.line("save")
	sh.expect("[Y/N]:")
	sh.line("y")
	if got := sh.expect("HRP_S<FW-B>"); !strings.Contains(got, "Info: Save the configuration successfully.") {
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
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client `ssh` is not installed: skipping the OpenSSH test")
	}
	p := hwPair(t, PairOptions{})
	args := []string{
		"-F", "/dev/null", "-tt",
		"-o", "UserKnownHostsFile=" + filepath.Join(p.Dir, lab.KnownHostsFile),
		"-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
		"-o", "LogLevel=ERROR", "-i", filepath.Join(p.Dir, lab.ClientKeyFile),
		"-p", fmt.Sprint(p.A.SSH.Port()), "admin@127.0.0.1",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sh := &hwShell{t: t, in: stdin, wrote: make(chan struct{}, 1)}
	cmd.Stdout, cmd.Stderr = (*hwShellWriter)(sh), (*hwShellWriter)(sh)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sh.expect("HRP_M<FW-A>")
	sh.line("screen-length 0 temporary")
	sh.expect("HRP_M<FW-A>")
	sh.line("sys")
	sh.expect("HRP_M[FW-A]")
	sh.line("nat-policy")
	sh.expect("HRP_M[FW-A-policy-nat]")
	sh.line("rule move snat_lab_3 top")
	sh.expect("HRP_M[FW-A-policy-nat]")
	sh.line("dis th")
	if got := sh.expect("HRP_M[FW-A-policy-nat]"); !strings.Contains(got, "nat-policy\r\n rule name snat_lab_3\r\n") {
		t.Errorf("display this after rule move:\n%s", got)
	}
	sh.line("return")
	sh.expect("HRP_M<FW-A>")
	sh.line("quit")
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("ssh: %v", err)
	}
}

type hwShellWriter hwShell

func (w *hwShellWriter) Write(b []byte) (int, error) {
	sh := (*hwShell)(w)
	sh.mu.Lock()
	sh.buf.Write(b)
	sh.mu.Unlock()
	select {
	case sh.wrote <- struct{}{}:
	default:
	}
	return len(b), nil
}
