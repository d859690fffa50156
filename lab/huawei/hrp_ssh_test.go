package huawei

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
)

func TestHRPOverSSH(t *testing.T) {
	p := hwPair(t, PairOptions{Sessions: 3,
		HRP: HRPOptions{Heartbeat: 20 * time.Millisecond, DeadAfter: 10 * time.Second, BytesPerSecond: 1 << 20}})
	a := hwShell(t, p, p.A)
	b := hwShell(t, p, p.B)
	a.Expect("HRP_M<FW-A>")
	b.Expect("HRP_S<FW-B>")
	a.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	b.Run("screen-length 0 temporary", "HRP_S<FW-B>")
	a.Run("system-view", "HRP_M[FW-A]")
	b.Run("system-view", "HRP_S[FW-B]")

	// A rule typed on FW-A is echoed with (+B) and arrives on FW-B.
	a.Run("security-policy", "HRP_M[FW-A-policy-security]")
	out := a.Run("rule name hrp_ssh_web", "HRP_M[FW-A-policy-security-rule-hrp_ssh_web]")
	if !strings.Contains(out, "rule name hrp_ssh_web (+B)") {
		t.Errorf("no (+B) echo:\n%s", out)
	}
	for _, line := range []string{"source-zone trust", "action permit"} {
		if out := a.Run(line, "]"); !strings.Contains(out, line+" (+B)") {
			t.Errorf("no (+B) echo:\n%s", out)
		}
	}
	hrpEventually(t, "the rule on FW-B", func() bool {
		return hrpHas(p.B.Device, "security-policy", "rule name hrp_ssh_web", "action") &&
			hrpHas(p.B.Device, "security-policy", "rule name hrp_ssh_web", "source-zone")
	})
	if out := b.Run("display current-configuration | include hrp_ssh_web", "HRP_S[FW-B]"); !strings.Contains(out, "rule name hrp_ssh_web") {
		t.Errorf("FW-B does not show the rule:\n%s", out)
	}

	// The standby refuses it, until hrp standby config enable; a local
	// command passes, abbreviated too (HRP sees the expanded line).
	if out := b.Run("security-policy", "HRP_S[FW-B]"); !strings.Contains(out, "Error: The device is in HRP standby state, so this command cannot be executed.") {
		t.Errorf("FW-B did not refuse:\n%s", out)
	}
	if out := b.Run("sysn FW-B", "HRP_S[FW-B]"); strings.Contains(out, "Error") || strings.Contains(out, "(+B)") {
		t.Errorf("a local command on FW-B:\n%s", out)
	}

	// Interface addresses stay local: no (+B).
	a.Run("quit", "HRP_M[FW-A-policy-security]")
	a.Run("quit", "HRP_M[FW-A]")
	a.Run("interface GigabitEthernet1/0/3", "HRP_M[FW-A-GigabitEthernet1/0/3]")
	if out := a.Run("ip address 198.51.100.9 255.255.255.0", "HRP_M[FW-A-GigabitEthernet1/0/3]"); strings.Contains(out, "(+B)") {
		t.Errorf("interface address echoed with (+B):\n%s", out)
	}
	a.Run("quit", "HRP_M[FW-A]")

	// Sessions: FW-A's table copied to FW-B with Remote.
	a.Run("hrp sync connection-status", "HRP_M[FW-A]")
	hrpEventually(t, "the sessions on FW-B", func() bool { return len(p.B.Device.Sessions()) == 3 })
	// The link delivers in order: had the interface address been sent, it
	// would be on FW-B before the sessions.
	if ip := p.B.Device.Running().Root.Lookup(config.Path{"interface GigabitEthernet1/0/3", "ip address"}); ip == nil || strings.Contains(ip.Values[0], "198.51.100.9") {
		t.Errorf("FW-B's interface address changed: %+v", ip)
	}
	if out := b.Run("display firewall session table", "HRP_S[FW-B]"); strings.Count(out, "Remote ") != 3 {
		t.Errorf("FW-B session table without 3 Remote copies:\n%s", out)
	}

	// hrp sync config: no output; FW-B gets what it lacked, keeps the rest.
	want := PlanHRPBackup(p.A.Device.Running(), p.B.Device.Running())
	if len(want.Commands) == 0 {
		t.Fatal("the seeded pair has nothing for hrp sync config to send")
	}
	out = a.Run("hrp sync config", "HRP_M[FW-A]")
	if strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(out, "hrp sync config"), "HRP_M[FW-A]")) != "" {
		t.Errorf("hrp sync config printed:\n%q", out)
	}
	hrpEventually(t, "the batch backup on FW-B", func() bool {
		return config.Equal(p.B.Device.Running().Root, want.Result.Root)
	})

	// A cut link: shown, and commands stop replicating until it returns.
	p.Faults.SetCutHRP(true)
	hrpEventually(t, "the link to go down", func() bool { return !p.HRP.Up() })
	if out := a.Run("display hrp interface", "HRP_M[FW-A]"); !strings.Contains(out, ": down") {
		t.Errorf("display hrp interface while cut:\n%s", out)
	}
	if out := b.Run("display hrp state", "HRP_S[FW-B]"); !strings.Contains(out, "Role: standby, peer: unknown") {
		t.Errorf("display hrp state while cut:\n%s", out)
	}
	if out := a.Run("ip address-set hrp_ssh_cut type object", "]"); strings.Contains(out, "(+B)") {
		t.Errorf("replicated while cut:\n%s", out)
	}
	a.Run("quit", "HRP_M[FW-A]")
	p.Faults.SetCutHRP(false)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if out := a.Run("display hrp state", "HRP_M[FW-A]"); !strings.Contains(out, "Role: active, peer: standby") {
		t.Errorf("display hrp state after the cut:\n%s", out)
	}
	if out := a.Run("ip address-set hrp_ssh_after type object", "]"); !strings.Contains(out, "(+B)") {
		t.Errorf("not replicated after the cut:\n%s", out)
	}
	hrpEventually(t, "replication to resume", func() bool {
		return hrpHas(p.B.Device, "ip address-set hrp_ssh_after type object")
	})
	if hrpHas(p.B.Device, "ip address-set hrp_ssh_cut type object") {
		t.Error("a command typed during the cut reached FW-B")
	}
}
