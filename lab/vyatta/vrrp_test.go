package vyatta

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
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

// TestVRRPShowVyOS: in the VyOS flavor `show vrrp` is VyOS 1.4's table
// (Name, Interface, VRID, State, Priority, Last Transition, as Python's
// tabulate lays it out), read over OpenSSH; groups of VyOS's own layout
// (`high-availability vrrp group`) join the election with the 5600 ones,
// `no-preempt` keeps a lower master, a disabled group is listed as
// DISABLED, and a failover shows in the state and the transition time.
func TestVRRPShowVyOS(t *testing.T) {
	clk := newTestClock()
	p := vysshPair(t, PairOptions{Now: clk.Now, Flavor: FlavorVyOS})
	show := func(m *Member) string {
		t.Helper()
		var stderr bytes.Buffer
		cmd := exec.Command("ssh", append(vyopensshArgs(t, p, m), "show", "vrrp")...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ssh show vrrp: %v\n%s", err, stderr.String())
		}
		return string(out)
	}
	clk.Advance(3*time.Hour + 90*time.Second)
	want := "" +
		"Name      Interface      VRID  State      Priority  Last Transition  \n" +
		"--------  -----------  ------  -------  ----------  -----------------\n" +
		"dp0s1-1   dp0s1             1  MASTER          200  3h1m30s          \n" +
		"dp0s2-10  dp0s2            10  MASTER          200  3h1m30s          \n"
	if got := show(p.A); got != want {
		t.Errorf("vra-a show vrrp:\n%q\nwant\n%q", got, want)
	}
	if got := show(p.B); !strings.Contains(got, "dp0s1-1   dp0s1             1  BACKUP          100  3h1m30s") {
		t.Errorf("vra-b show vrrp:\n%s", got)
	}

	// VyOS's own layout: vra-b has the higher priority but no-preempt,
	// so vra-a, master first, stays master; a disabled group is listed
	// last and takes no part.
	for _, m := range []struct {
		d    *Device
		prio string
	}{{p.A.Device, "100"}, {p.B.Device, "150"}} {
		syncCommitNoSync(t, m.d,
			"set high-availability vrrp group LAN interface dp0s1",
			"set high-availability vrrp group LAN vrid 20",
			"set high-availability vrrp group LAN priority "+m.prio,
			"set high-availability vrrp group LAN address 203.0.113.20/24",
			"set high-availability vrrp group LAN no-preempt",
			"set high-availability vrrp group OFF interface dp0s2",
			"set high-availability vrrp group OFF vrid 30",
			"set high-availability vrrp group OFF address 198.51.100.30/24",
			"set high-availability vrrp group OFF disable")
		if m.d == p.A.Device {
			clk.Advance(time.Minute) // vra-a comes up first and takes mastership
		}
	}
	clk.Advance(8*24*time.Hour + 2*time.Second)
	wantA := "" +
		"Name      Interface      VRID  State       Priority  Last Transition  \n" +
		"--------  -----------  ------  --------  ----------  -----------------\n" +
		"dp0s1-1   dp0s1             1  MASTER           200  1w1d3h2m32s      \n" +
		"LAN       dp0s1            20  MASTER           100  1w1d1m2s         \n" +
		"dp0s2-10  dp0s2            10  MASTER           200  1w1d3h2m32s      \n" +
		"OFF       dp0s2            30  DISABLED                               \n"
	if got := show(p.A); got != wantA {
		t.Errorf("vra-a with VyOS groups:\n%q\nwant\n%q", got, wantA)
	}
	wantB := "" +
		"Name      Interface      VRID  State       Priority  Last Transition  \n" +
		"--------  -----------  ------  --------  ----------  -----------------\n" +
		"dp0s1-1   dp0s1             1  BACKUP           100  1w1d3h2m32s      \n" +
		"LAN       dp0s1            20  BACKUP           150  1w1d2s           \n" +
		"dp0s2-10  dp0s2            10  BACKUP           100  1w1d3h2m32s      \n" +
		"OFF       dp0s2            30  DISABLED                               \n"
	if got := show(p.B); got != wantB {
		t.Errorf("vra-b with VyOS groups (no-preempt keeps vra-a master):\n%q\nwant\n%q", got, wantB)
	}

	// A failover: vra-a's groups go to FAULT, vra-b is master of all.
	p.VRRPFailover()
	clk.Advance(5 * time.Second)
	for _, row := range []string{
		"dp0s1-1   dp0s1             1  FAULT            200  5s               \n",
		"LAN       dp0s1            20  FAULT            100  5s               \n",
	} {
		if got := show(p.A); !strings.Contains(got, row) {
			t.Errorf("vra-a after the failover lacks %q:\n%s", row, got)
		}
	}
	if got := show(p.B); !strings.Contains(got, "LAN       dp0s1            20  MASTER           150  5s               \n") {
		t.Errorf("vra-b after the failover:\n%s", got)
	}
	// No group at all: VyOS's message instead of a table.
	lone, err := New(Options{Name: "lone", Flavor: FlavorVyOS, Now: clk.Now}, &config.Tree{Root: &config.Node{}})
	if err != nil {
		t.Fatal(err)
	}
	LinkVRRP(lone)
	if got := syncOp(t, lone, "show vrrp"); strings.TrimSpace(got) != VRRPNoData {
		t.Errorf("no groups: %q", got)
	}
	if got := secondsToHuman(0); got != "" {
		t.Errorf("0s: %q", got)
	}
}
