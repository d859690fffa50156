package pair

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/sshclient"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want Reason
	}{
		{nil, ReasonNone},
		{fmt.Errorf("vra-b: %w", &sshclient.HostKeyError{}), ReasonHostKey},
		{fmt.Errorf("vra-b: %w", sshclient.ErrUnknownHost), ReasonUnknownHost},
		{fmt.Errorf("vra-b: %w", &sshclient.AuthError{Err: errors.New("x")}), ReasonAuth},
		{fmt.Errorf("vra-b: %w", inventory.ErrNoPassword), ReasonCredentials},
		{fmt.Errorf("vra-b: %w", sshclient.ErrNegotiation), ReasonNegotiation},
		{fmt.Errorf("vra-b: %w", sshclient.ErrUnreachable), ReasonUnreachable},
		{fmt.Errorf("vra-b: %w", sshclient.ErrConnectionLost), ReasonLost},
		{fmt.Errorf("vra-b: %w", device.ErrConnectionLost), ReasonLost},
		{fmt.Errorf("vra-b: %w", device.ErrClosed), ReasonLost},
		{fmt.Errorf("vra-b: %w", sshclient.ErrTimeout), ReasonTimeout},
		{fmt.Errorf("vra-b: %w", device.ErrTimeout), ReasonTimeout},
		{context.DeadlineExceeded, ReasonTimeout},
		{&device.RejectedError{Device: "FW-B", Command: "x", Text: "Error: y"}, ReasonRejected},
		{&device.QuestionError{Device: "FW-B", Question: "?"}, ReasonQuestion},
		{context.Canceled, ReasonCanceled},
		{errors.New("parse"), ReasonOther},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if connectionLost(&device.RejectedError{}) || !connectionLost(device.ErrConnectionLost) {
		t.Error("connectionLost: a refusal is not a lost connection, ErrConnectionLost is")
	}
}

// TestBackoff: doubling from Min, capped at Max, each delay within a fifth
// of its step.
func TestBackoff(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	steps := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, step := range steps {
		step *= time.Millisecond
		for range 200 {
			d := b.Delay(i + 1)
			if d < step-step/5 || d > step+step/5 {
				t.Fatalf("Delay(%d) = %v, want %v ± 20%%", i+1, d, step)
			}
		}
	}
	if d := b.Delay(1000); d > b.Max+b.Max/5 {
		t.Errorf("Delay(1000) = %v: not capped", d)
	}
	if d := (Backoff{}).Delay(1); d < DefaultBackoff.Min*4/5 {
		t.Errorf("zero Backoff: %v", d)
	}
}

// TestPromptOnce: a typed password is asked once and kept for the next
// dials; a refused one is asked again.
func TestPromptOnce(t *testing.T) {
	asked := 0
	spec := &inventory.Pair{Name: "p", Devices: [2]*inventory.Device{
		{Name: "a", Credentials: inventory.Credentials{PasswordPrompt: true}},
		{Name: "b", Credentials: inventory.Credentials{PasswordEnv: "HASYNC_TEST_UNSET_PW", PasswordPrompt: true}},
	}}
	p := New(spec, Options{Prompt: func(who string) (string, error) { asked++; return "typed-" + who, nil }})
	defer p.Close()
	m := p.members[0]
	for range 3 {
		if pw, err := m.password(); err != nil || pw != "typed-a" {
			t.Fatalf("%q, %v", pw, err)
		}
	}
	if asked != 1 {
		t.Errorf("asked %d times", asked)
	}
	m.forgetTyped()
	m.password()
	if asked != 2 {
		t.Errorf("asked %d times after a refusal", asked)
	}
	t.Setenv("HASYNC_TEST_UNSET_PW", "from-env")
	if pw, _ := p.members[1].password(); pw != "from-env" || asked != 2 {
		t.Errorf("the variable wins over the prompt: %q, asked %d", pw, asked)
	}
}

// TestSSHConfig: every field of an inventory device reaches the SSH
// client's configuration; the password is a reference resolved on use.
func TestSSHConfig(t *testing.T) {
	inv, err := inventory.Load("../inventory/testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := New(inv.Pairs[0], Options{UserKnownHosts: "/u/known_hosts", SSHConfigFile: "none", AcceptNew: false})
	defer p.Close()
	a, b := inv.Pairs[0].Devices[0], inv.Pairs[0].Devices[1]
	ca := p.SSHConfig(a)
	if ca.Host != "192.0.2.1" || ca.Port != 22 || ca.User != "vyatta" || ca.Alias != "" || ca.SSHConfigFile != "none" ||
		ca.Timeout != 10*time.Second || ca.KeepAlive != 15*time.Second || ca.AcceptNew || ca.Password == nil ||
		len(ca.KnownHosts) != 2 || ca.KnownHosts[0] != a.KnownHosts || ca.KnownHosts[1] != "/u/known_hosts" || ca.RecordKnownHosts != a.KnownHosts {
		t.Errorf("vra-a: %+v", ca)
	}
	t.Setenv("HASYNC_DC1_PASSWORD", "pw-from-env")
	if pw, err := ca.Password(); pw != "pw-from-env" || err != nil {
		t.Errorf("vra-a password: %v", err)
	}
	cb := p.SSHConfig(b)
	if !cb.Agent || !cb.AcceptNew || cb.ProxyJump != "admin@bastion:2222" || len(cb.IdentityFiles) != 2 || cb.Port != 0 {
		t.Errorf("vra-b: %+v", cb)
	}
	h := inv.Pairs[1].Devices[0]
	ch := New(inv.Pairs[1], Options{UserKnownHosts: "none"}).SSHConfig(h)
	if ch.Alias != "fw-a" || ch.Host != "" || len(ch.KnownHosts) != 0 ||
		len(ch.Legacy.KeyExchanges) != 1 || ch.Legacy.Ciphers[0] != "aes128-cbc" || ch.Legacy.MACs[0] != "hmac-sha1" || ch.Legacy.HostKeys[0] != "ssh-rsa" {
		t.Errorf("FW-A: %+v", ch)
	}
	// --accept-new for every device.
	if !New(inv.Pairs[1], Options{AcceptNew: true}).SSHConfig(h).AcceptNew {
		t.Error("Options.AcceptNew not applied")
	}
}

// Two Vyatta members MASTER of one VRRP group are dual active: the
// snapshot's comparison is refused, so no front end picks a direction.
func TestSnapshotVRRPDualActive(t *testing.T) {
	tree, err := config.Parse("a.conf", []byte("set system host-name 'r'\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	p := &Pair{spec: &inventory.Pair{Name: "p", Family: config.Vyatta}}
	dev := func(name, state string) DeviceState {
		return DeviceState{Name: name, Tree: tree, HA: device.HAState{VRRP: []device.VRRPGroup{
			{Interface: "dp0s1", Group: "1", State: state}, {Interface: "dp0s2", Group: "10", State: "BACKUP"}}}}
	}
	for _, c := range []struct {
		a, b string
		dual bool
	}{{"MASTER", "BACKUP", false}, {"MASTER", "MASTER", true}, {"FAULT", "MASTER", false}} {
		_, err := compare.Live(p.compareMember(dev("a", c.a)), p.compareMember(dev("b", c.b)), compare.LiveSpec{}, diff.Options{})
		if got := errors.Is(err, compare.ErrDualActive); got != c.dual {
			t.Errorf("VRRP %s/%s: dual active %v, want %v (%v)", c.a, c.b, got, c.dual, err)
		}
	}
	// A member whose HA could not be read claims nothing.
	unread := dev("b", "MASTER")
	unread.HAErr = errors.New("show vrrp: rejected")
	if _, err := compare.Live(p.compareMember(dev("a", "MASTER")), p.compareMember(unread), compare.LiveSpec{}, diff.Options{}); errors.Is(err, compare.ErrDualActive) {
		t.Errorf("HA of b not read: %v", err)
	}
}

// A refused login is not retried by Run's reconnect loop (devices that
// count failures would lock the account), only when the user asks
// (Retry); a dropped connection is, with backoff (TestReconnect*).
func TestRefusedLoginWaitsForRetry(t *testing.T) {
	lp, spec := labHuawei(t, huawei.PairOptions{})
	lp.B.Faults.SetFailAuth(true)
	o := testOptions()
	o.Backoff = Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond}
	p := newPair(t, spec, o)
	sub, stop := p.Subscribe(1024)
	defer stop()
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()
	defer func() { cancel(); <-done }()

	failures := 0
	waitFailure := func(what string) {
		t.Helper()
		for {
			select {
			case e := <-sub.C:
				if e.Kind == Error && e.Device == "FW-B" && e.Reason == ReasonAuth {
					failures++
					return
				}
			case <-ctx.Done():
				t.Fatalf("%s: no auth failure of FW-B published", what)
			}
		}
	}
	waitFailure("first dial")
	// With a 1 ms backoff, a loop that retried would fail hundreds of
	// times while FW-A is read; wait for FW-A's refresh, then count.
	deadline := time.After(time.Second)
	for wait := true; wait; {
		select {
		case e := <-sub.C:
			if e.Kind == Error && e.Device == "FW-B" && e.Reason == ReasonAuth {
				failures++
			}
		case <-deadline:
			wait = false
		}
	}
	if failures != 1 {
		t.Fatalf("FW-B's refused login was tried %d times without Retry, want 1", failures)
	}
	p.Retry()
	waitFailure("after Retry")
	lp.B.Faults.SetFailAuth(false)
	p.Retry()
	for {
		select {
		case e := <-sub.C:
			if e.Kind == Connected && e.Device == "FW-B" {
				return
			}
		case <-ctx.Done():
			t.Fatal("FW-B not connected after the fault was cleared and Retry")
		}
	}
}
