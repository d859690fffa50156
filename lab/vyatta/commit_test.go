package vyatta

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/labtest"
)

// TestOpenSSHDropInCommitFinishes: with --drop-in-commit the client sees
// the first line of the commit's output and loses the connection; the
// commit, its config-sync to vra-b included, finishes on the device.
func TestOpenSSHDropInCommitFinishes(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, _, sh := startOpenSSH(ctx, t, p, p.A)
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

// TestConfigSyncRemoteDropInCommit: vra-b drops the REST connection of
// config-sync's commit (--drop-in-commit on the default fault device).
// The commit ran on vra-b, as a real commit finishes on the device; the
// save that would have followed never came, so vra-b's boot file does not
// hold the change, and vra-a reports the lost connection.
func TestConfigSyncRemoteDropInCommit(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	p.B.Faults.SetDropInCommit(true)
	out := syncCommit(t, p.A.Device, "set security firewall name WAN-IN rule 91 action accept")
	if !syncHas(out, "config-sync error "+SeedAddrB+":Sync["+SeedAddrB+"]: connection closed by remote") {
		t.Errorf("commit output:\n%s", strings.Join(out, "\n"))
	}
	if !hasRule(p.B.Device, "91") {
		t.Fatal("the remote's commit did not finish")
	}
	s := p.B.Device.NewSession("vyatta")
	if got, err := s.CompareSaved(); err != nil || !strings.Contains(got, "+ rule 91 {") {
		t.Errorf("vra-b compare saved: %v\n%s", err, got)
	}
}
