package huawei

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// hwRender is what a terminal shows for out: the lines of its screen,
// with \r, \b, and the cursor moves the lab writes (CSI n A up, CSI n G
// to a column, CSI n D left, CSI K erase to the end of the line).
func hwRender(out string) []string {
	var screen [][]rune
	row, col := 0, 0
	put := func(r rune) {
		for len(screen) <= row {
			screen = append(screen, nil)
		}
		for len(screen[row]) <= col {
			screen[row] = append(screen[row], ' ')
		}
		screen[row][col] = r
		col++
	}
	rs := []rune(out)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\r':
			col = 0
		case r == '\n':
			row++
			for len(screen) <= row {
				screen = append(screen, nil)
			}
		case r == '\b':
			col = max(col-1, 0)
		case r == 0x1b && i+1 < len(rs) && rs[i+1] == '[':
			j, n := i+2, 0
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
				n = n*10 + int(rs[j]-'0')
				j++
			}
			if j == len(rs) {
				i = j
				break
			}
			n = max(n, 1)
			switch rs[j] {
			case 'A':
				row = max(row-n, 0)
			case 'G':
				col = n - 1
			case 'D':
				col = max(col-n, 0)
			case 'K':
				if row < len(screen) && col < len(screen[row]) {
					screen[row] = screen[row][:col]
				}
			}
			i = j
		default:
			put(r)
		}
	}
	var lines []string
	for _, l := range screen {
		lines = append(lines, strings.TrimRight(string(l), " "))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

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
	// The mark is on the echoed line, after the command as typed; no
	// second line repeats the (expanded) command.
	prompt := "HRP_M[FW-A-policy-security]"
	for _, line := range []string{"rule name hrp_ssh_web", "source-z trust", "action permit"} {
		out := a.Run(line, "]")
		screen := hwRender(prompt + out)
		if len(screen) != 2 || screen[0] != prompt+line+" (+B)" || screen[1] != "HRP_M[FW-A-policy-security-rule-hrp_ssh_web]" {
			t.Errorf("%q: screen %q, want the (+B) on the echoed line (raw %q)", line, screen, out)
		}
		// Written on the echoed line before its end, as the device does:
		// no cursor movement back up to it.
		if !strings.HasPrefix(out, line+" (+B)\r\n") || strings.Contains(out, "\x1b") {
			t.Errorf("%q: raw %q, want the mark before the echoed line's end", line, out)
		}
		prompt = "HRP_M[FW-A-policy-security-rule-hrp_ssh_web]"
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
	out := a.Run("hrp sync config", "HRP_M[FW-A]")
	if strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(out, "hrp sync config"), "HRP_M[FW-A]")) != "" {
		t.Errorf("hrp sync config printed:\n%q", out)
	}
	hrpEventually(t, "the batch backup on FW-B", func() bool {
		return config.Equal(p.B.Device.Running().Root, want.Result.Root)
	})

	// A cut link: shown, and commands stop replicating until it returns.
	p.Faults.SetCutHRP(true)
	hrpEventually(t, "the link to go down", func() bool { return !p.HRP.active.isUp() && !p.HRP.standby.isUp() })
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
