package vyatta

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// vrrpRow is the `show vrrp` row of dp0s1 group 1 on m, read with the
// OpenSSH client, as its fields.
func vrrpRow(t *testing.T, p *Pair, m *Member) []string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("ssh", append(vyopensshArgs(t, p, m), "show", "vrrp")...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh show vrrp: %v\n%s", err, stderr.String())
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "dp0s1" {
			return f
		}
	}
	t.Fatalf("no dp0s1 row in:\n%s", out)
	return nil
}

func wantVRRP(t *testing.T, p *Pair, m *Member, state, since string) {
	t.Helper()
	f := vrrpRow(t, p, m)
	// Interface Group State Compliant Owner Transition SyncGroup
	if len(f) != 7 || f[1] != "1" || f[2] != state || f[5] != since || f[6] != "SG1" {
		t.Errorf("%s: show vrrp row %q, want state %s since %s", m.Device.Name(), f, state, since)
	}
}

// TestVRRPElectionAndFailover: priority decides the first master (vra-a,
// 200 against 100), a failover moves mastership and `show vrrp` shows the
// transition time on the device's clock; preempt brings the higher
// priority back, and without preempt the new master stays.
func TestVRRPElectionAndFailover(t *testing.T) {
	clk := newTestClock()
	p := vysshPair(t, PairOptions{Now: clk.Now})
	clk.Advance(90 * time.Second)
	wantVRRP(t, p, p.A, VRRPMaster, "1m30s")
	wantVRRP(t, p, p.B, VRRPBackup, "1m30s")

	p.VRRPFailover()
	clk.Advance(5 * time.Second)
	wantVRRP(t, p, p.A, VRRPFault, "5s")
	wantVRRP(t, p, p.B, VRRPMaster, "5s")
	// Two groups (dp0s1 1, dp0s2 10), each changing on both members.
	if n := p.A.Device.VRRPTransitions(); n != 4 {
		t.Errorf("transitions after one failover: %d, want 4", n)
	}

	// Again: the master (now vra-b) fails, vra-a's fault clears and it
	// takes mastership back.
	p.VRRPFailover()
	clk.Advance(time.Second)
	wantVRRP(t, p, p.A, VRRPMaster, "1s")
	wantVRRP(t, p, p.B, VRRPFault, "1s")
	// vra-b recovers as backup: its priority is lower.
	p.B.Device.SetVRRPFault(false)
	clk.Advance(time.Second)
	wantVRRP(t, p, p.A, VRRPMaster, "2s")
	wantVRRP(t, p, p.B, VRRPBackup, "1s")

	// vra-a without preempt: once it fails and comes back, vra-b keeps
	// mastership although its priority is lower.
	syncCommit(t, p.A.Device, "set interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt false")
	p.A.Device.SetVRRPFault(true)
	p.A.Device.SetVRRPFault(false)
	clk.Advance(time.Second)
	wantVRRP(t, p, p.A, VRRPBackup, "1s")
	wantVRRP(t, p, p.B, VRRPMaster, "1s")
	// A higher priority without preempt does not take over either.
	syncCommit(t, p.A.Device, "set interfaces dataplane dp0s1 vrrp vrrp-group 1 priority 250")
	wantVRRP(t, p, p.B, VRRPMaster, "1s")
	// With preempt, the higher priority takes over at once.
	syncCommit(t, p.A.Device, "set interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt true")
	wantVRRP(t, p, p.A, VRRPMaster, "0s")
	wantVRRP(t, p, p.B, VRRPBackup, "0s")
	if log := syncOp(t, p.A.Device, "show log"); !strings.Contains(log, "vrrp: dp0s1 group 1: BACKUP -> MASTER") {
		t.Errorf("no transition in the log:\n%s", log)
	}
}

// TestVRRPFailoverOption starts the pair failed over (--vrrp-failover).
func TestVRRPFailoverOption(t *testing.T) {
	p := vysshPair(t, PairOptions{VRRPFailover: true})
	if s, _ := p.A.Device.VRRPState("dp0s1", "1"); s != VRRPFault {
		t.Errorf("vra-a: %s", s)
	}
	if s, _ := p.B.Device.VRRPState("dp0s1", "1"); s != VRRPMaster {
		t.Errorf("vra-b: %s", s)
	}
}

// TestShowInterfaces reads vra-a's `show interfaces` over OpenSSH: each
// configured interface with its address, state and description.
func TestShowInterfaces(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	syncCommit(t, p.A.Device, "set interfaces dataplane dp0s3 disable", "set interfaces dataplane dp0s3 description spare")
	b, err := exec.Command("ssh", append(vyopensshArgs(t, p, p.A), "show", "interfaces")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		"Codes: S - State, L - Link, u - Up, D - Down, A - Admin Down\n",
		"dp0s0            10.0.0.1/30                       u/u  HA link\n",
		"dp0s1            203.0.113.11/24                   u/u  uplink\n",
		"dp0s3            -                                 A/D  spare\n",
		"lo               10.255.255.1/32                   u/u\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("show interfaces lacks %q:\n%s", want, got)
		}
	}
}
