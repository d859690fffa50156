package huawei

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// hrpsshPair starts the lab pair with a fast heartbeat and waits for HRP.
func hrpsshPair(t *testing.T) *Pair {
	t.Helper()
	p, err := StartPair(t.Context(), PairOptions{
		Dir: t.TempDir(), Sessions: 3,
		HRP: HRPOptions{Heartbeat: 20 * time.Millisecond, DeadAfter: 10 * time.Second, BytesPerSecond: 1 << 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// hrpsshShell is an interactive PTY shell on one member, with its host key
// checked against the pair's known_hosts.
type hrpsshShell struct {
	t    *testing.T
	in   io.WriteCloser
	mu   sync.Mutex
	buf  bytes.Buffer
	read int
}

func hrpsshOpen(t *testing.T, p *Pair, m *Member) *hrpsshShell {
	t.Helper()
	hk, err := knownhosts.New(filepath.Join(p.Dir, lab.KnownHostsFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", m.SSH.Addr(), &ssh.ClientConfig{
		User: p.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(p.ClientKey)},
		HostKeyCallback: hk, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("dial %s: %v", m.Device.Name(), err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 40, 200, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	sh := &hrpsshShell{t: t, in: in}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			sh.mu.Lock()
			sh.buf.Write(b[:n])
			sh.mu.Unlock()
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
func (sh *hrpsshShell) expect(want string) string {
	sh.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sh.mu.Lock()
		all := sh.buf.String()[sh.read:]
		sh.mu.Unlock()
		if i := strings.Index(all, want); i >= 0 {
			sh.read += i + len(want)
			return all[:i+len(want)]
		}
		if time.Now().After(deadline) {
			sh.t.Fatalf("timeout waiting for %q; got:\n%s", want, all)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run types line and returns its output up to the next prompt.
func (sh *hrpsshShell) run(line, prompt string) string {
	sh.t.Helper()
	if _, err := io.WriteString(sh.in, line+"\r"); err != nil {
		sh.t.Fatal(err)
	}
	return sh.expect(prompt)
}

func TestHRPOverSSH(t *testing.T) {
	p := hrpsshPair(t)
	a := hrpsshOpen(t, p, p.A)
	b := hrpsshOpen(t, p, p.B)
	a.expect("HRP_M<FW-A>")
	b.expect("HRP_S<FW-B>")
	a.run("screen-length 0 temporary", "HRP_M<FW-A>")
	b.run("screen-length 0 temporary", "HRP_S<FW-B>")
	a.run("system-view", "HRP_M[FW-A]")
	b.run("system-view", "HRP_S[FW-B]")

	// A rule typed on FW-A is echoed with (+B) and arrives on FW-B.
	a.run("security-policy", "HRP_M[FW-A-policy-security]")
	out := a.run("rule name hrp_ssh_web", "HRP_M[FW-A-policy-security-rule-hrp_ssh_web]")
	if !strings.Contains(out, "rule name hrp_ssh_web (+B)") {
		t.Errorf("no (+B) echo:\n%s", out)
	}
	if out := a.run("action permit", "]"); !strings.Contains(out, "action permit (+B)") {
		t.Errorf("no (+B) echo:\n%s", out)
	}
	hrpEventually(t, "the rule on FW-B", func() bool {
		return hrpHas(p.B.Device, "security-policy", "rule name hrp_ssh_web", "action")
	})
	if out := b.run("display current-configuration | include hrp_ssh_web", "HRP_S[FW-B]"); !strings.Contains(out, "rule name hrp_ssh_web") {
		t.Errorf("FW-B does not show the rule:\n%s", out)
	}

	// The standby refuses it, until hrp standby config enable.
	if out := b.run("security-policy", "HRP_S[FW-B]"); !strings.Contains(out, "Error: The device is in HRP standby state, so this command cannot be executed.") {
		t.Errorf("FW-B did not refuse:\n%s", out)
	}
	if out := b.run("sysname FW-B", "HRP_S[FW-B]"); strings.Contains(out, "Error") || strings.Contains(out, "(+B)") {
		t.Errorf("a local command on FW-B:\n%s", out)
	}

	// Interface addresses stay local: no (+B).
	a.run("quit", "HRP_M[FW-A-policy-security]")
	a.run("quit", "HRP_M[FW-A]")
	a.run("interface GigabitEthernet1/0/3", "HRP_M[FW-A-GigabitEthernet1/0/3]")
	if out := a.run("ip address 198.51.100.9 255.255.255.0", "HRP_M[FW-A-GigabitEthernet1/0/3]"); strings.Contains(out, "(+B)") {
		t.Errorf("interface address echoed with (+B):\n%s", out)
	}
	a.run("quit", "HRP_M[FW-A]")

	// Sessions: FW-A's table copied to FW-B with Remote.
	a.run("hrp sync connection-status", "HRP_M[FW-A]")
	hrpEventually(t, "the sessions on FW-B", func() bool { return len(p.B.Device.Sessions()) == 3 })
	if out := b.run("display firewall session table", "HRP_S[FW-B]"); strings.Count(out, "Remote ") != 3 {
		t.Errorf("FW-B session table without 3 Remote copies:\n%s", out)
	}

	// hrp sync config: no output; FW-B gets what it lacked, keeps the rest.
	want := PlanHRPBackup(p.A.Device.Running(), p.B.Device.Running())
	if len(want.Commands) == 0 {
		t.Fatal("the seeded pair has nothing for hrp sync config to send")
	}
	out = a.run("hrp sync config", "HRP_M[FW-A]")
	if strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(out, "hrp sync config"), "HRP_M[FW-A]")) != "" {
		t.Errorf("hrp sync config printed:\n%q", out)
	}
	hrpEventually(t, "the batch backup on FW-B", func() bool {
		return config.Equal(p.B.Device.Running().Root, want.Result.Root)
	})

	// A cut link: shown, and commands stop replicating until it returns.
	p.Faults.SetCutHRP(true)
	hrpEventually(t, "the link to go down", func() bool { return !p.HRP.Up() })
	if out := a.run("display hrp interface", "HRP_M[FW-A]"); !strings.Contains(out, ": down") {
		t.Errorf("display hrp interface while cut:\n%s", out)
	}
	if out := b.run("display hrp state", "HRP_S[FW-B]"); !strings.Contains(out, "Role: standby, peer: unknown") {
		t.Errorf("display hrp state while cut:\n%s", out)
	}
	if out := a.run("ip address-set hrp_ssh_cut type object", "]"); strings.Contains(out, "(+B)") {
		t.Errorf("replicated while cut:\n%s", out)
	}
	a.run("quit", "HRP_M[FW-A]")
	p.Faults.SetCutHRP(false)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if out := a.run("display hrp state", "HRP_M[FW-A]"); !strings.Contains(out, "Role: active, peer: standby") {
		t.Errorf("display hrp state after the cut:\n%s", out)
	}
	if out := a.run("ip address-set hrp_ssh_after type object", "]"); !strings.Contains(out, "(+B)") {
		t.Errorf("not replicated after the cut:\n%s", out)
	}
	hrpEventually(t, "replication to resume", func() bool {
		return hrpHas(p.B.Device, "ip address-set hrp_ssh_after type object")
	})
	if hrpHas(p.B.Device, "ip address-set hrp_ssh_cut type object") {
		t.Error("a command typed during the cut reached FW-B")
	}
}
