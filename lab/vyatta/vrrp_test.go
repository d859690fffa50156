package vyatta

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/labtest"
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

// TestOpenSSHDropInCommitFinishes: with --drop-in-commit the client sees
// the first line of the commit's output and loses the connection; the
// commit, its config-sync to vra-b included, finishes on the device.
func TestOpenSSHDropInCommitFinishes(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", vyopensshArgs(t, p, p.A, "-tt")...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sh := labtest.NewShell(t, stdin)
	cmd.Stdout, cmd.Stderr = sh, sh
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	sh.Expect("vyatta@vra-a:~$ ")
	sh.Send("configure\n")
	sh.Expect("vyatta@vra-a# ")
	sh.Send("set security firewall name WAN-IN rule 90 action accept\n")
	sh.Expect("vyatta@vra-a# ")
	p.A.Faults.SetDropInCommit(true)
	sh.Send("commit\n")
	select {
	case <-exited:
	case <-ctx.Done():
		t.Fatal("the connection was not dropped")
	}
	out := sh.Output()
	tail := out[strings.LastIndex(out, "commit\r\n"):]
	if !strings.Contains(tail, "[ security firewall ]") || strings.Contains(tail, "syncing configuration") || strings.Contains(tail, "vyatta@vra-a# ") {
		t.Errorf("output after commit, want its first line only:\n%q", tail)
	}
	labtest.Eventually(t, "the commit and its sync to finish", 20*time.Second, func() bool {
		return hasRule(p.A.Device, "90") && hasRule(p.B.Device, "90")
	})
}

// TestCommitConfirmRevertLogsOnce: an unconfirmed commit-confirm reverts
// once, and its config-sync is logged once.
func TestCommitConfirmRevertLogsOnce(t *testing.T) {
	p := vysshPair(t, PairOptions{ConfirmUnit: 100 * time.Millisecond})
	s := p.A.Device.NewSession("vyatta")
	devSet(t, s, "set security firewall name WAN-IN rule 95 action accept")
	var out []string
	if err := s.CommitConfirm(context.Background(), 1, func(l string) { out = append(out, l) }); err != nil {
		t.Fatal(err)
	}
	if !syncHas(out, "syncing configuration to remote-router") || syncHas(out, "config-sync error") {
		t.Fatalf("commit-confirm did not sync:\n%s", strings.Join(out, "\n"))
	}
	labtest.Eventually(t, "the revert and its sync", 20*time.Second, func() bool {
		return !hasRule(p.A.Device, "95") && !hasRule(p.B.Device, "95") &&
			strings.Count(syncOp(t, p.A.Device, "show log"), "syncing configuration") >= 2
	})
	log := syncOp(t, p.A.Device, "show log")
	if n := strings.Count(log, "not confirmed in time, reverting"); n != 1 {
		t.Errorf("%d reverts logged:\n%s", n, log)
	}
	// One for the commit, one for the revert.
	if n := strings.Count(log, "syncing configuration to remote-router"); n != 2 {
		t.Errorf("%d syncs logged, want 2:\n%s", n, log)
	}
	if r := p.A.Device.Revisions(); r[0].Via != "commit-confirm" {
		t.Errorf("archive head: %+v", r[0])
	}
}
