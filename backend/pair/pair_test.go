package pair

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/sshclient"
)

// deadline bounds each test's waits: generous, as the tests run under
// -race on a loaded machine; nothing asserts on how long a step took.
const deadline = 2 * time.Minute

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// labVyatta starts an emulated VRA pair and loads the inventory it wrote.
func labVyatta(t *testing.T, o vyatta.PairOptions) (*vyatta.Pair, *inventory.Pair) {
	t.Helper()
	o.Dir = t.TempDir()
	if o.Lines == 0 {
		o.Lines = 300
	}
	p, err := vyatta.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, loadLabPair(t, p.Inventory)
}

// labHuawei starts an emulated USG pair with HRP and loads its inventory.
func labHuawei(t *testing.T, o huawei.PairOptions) (*huawei.Pair, *inventory.Pair) {
	t.Helper()
	o.Dir = t.TempDir()
	if o.Lines == 0 {
		o.Lines = 300
	}
	if o.Sessions == 0 {
		o.Sessions = 7
	}
	p, err := huawei.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, loadLabPair(t, p.Inventory)
}

func loadLabPair(t *testing.T, path string) *inventory.Pair {
	t.Helper()
	t.Setenv(lab.PasswordEnv, "") // the password comes from the lab's file
	inv, err := inventory.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Pairs[0]
}

// testOptions keep the tests away from the user's ~/.ssh and make the
// backoff short.
func testOptions() Options {
	return Options{SSHConfigFile: "none", UserKnownHosts: "none", Backoff: Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond}}
}

func newPair(t *testing.T, spec *inventory.Pair, o Options) *Pair {
	t.Helper()
	p := New(spec, o)
	t.Cleanup(func() { p.Close() })
	return p
}

// checkRead wants d reachable and fully read.
func checkRead(t *testing.T, d *DeviceState) {
	t.Helper()
	if !d.Reachable || d.Err != nil || d.Reason != ReasonNone {
		t.Fatalf("%s: reachable %v, err %v (%s)", d.Name, d.Reachable, d.Err, d.Reason)
	}
	if len(d.Config) == 0 || d.Tree == nil || d.FetchedAt.IsZero() || d.Tree.Root.Count() < 50 {
		t.Errorf("%s: %d bytes of configuration, tree %v", d.Name, len(d.Config), d.Tree != nil)
	}
	if d.HAErr != nil || d.HA.Role == device.RoleUnknown {
		t.Errorf("%s: HA %+v, err %v", d.Name, d.HA, d.HAErr)
	}
	if !d.SavedKnown || d.SavedErr != nil {
		t.Errorf("%s: saved state unknown: %v", d.Name, d.SavedErr)
	}
}

// TestVyattaPairReads: a healthy VRA pair connects and refreshes: both
// configurations as the devices hold them, VRRP roles, the saved state,
// and the comparison under the map vra-a's config-sync carries.
func TestVyattaPairReads(t *testing.T) {
	lp, spec := labVyatta(t, vyatta.PairOptions{})
	p := newPair(t, spec, testOptions())
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := p.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range lp.Members() {
		d := &s.Devices[i]
		checkRead(t, d)
		if d.Name != m.Device.Name() || !config.Equal(d.Tree.Root, m.Device.Running().Root) {
			t.Errorf("%s: fetched configuration differs from the device's", d.Name)
		}
		if d.Sessions != -1 || d.SavedDiffers {
			t.Errorf("%s: sessions %d, saved differs %v", d.Name, d.Sessions, d.SavedDiffers)
		}
	}
	if s.Devices[0].HA.Role != device.RoleActive || s.Devices[1].HA.Role != device.RoleStandby {
		t.Errorf("VRRP roles %s, %s: want active, standby", s.Devices[0].HA.Role, s.Devices[1].HA.Role)
	}
	if s.Compare == nil {
		t.Fatalf("no comparison: %v", s.CompareErr)
	}
	if s.Compare.Map.Name != vyatta.SeedSyncMap || s.Compare.Left.Source != "vra-a" || s.InScope() < 1 {
		t.Errorf("compare %s (%s → %s), %d in scope: want the seeded drift under %s", s.Compare.Label, s.Compare.Left.Source, s.Compare.Right.Source, s.InScope(), vyatta.SeedSyncMap)
	}
	if s.Stale() {
		t.Error("a fresh comparison is stale")
	}
	if got := p.Snapshot(); got != s {
		t.Error("Snapshot is not the last refresh")
	}
}

// TestVyOSPairReads: a VyOS-flavoured pair reads as the VRA pair does.
func TestVyOSPairReads(t *testing.T) {
	_, spec := labVyatta(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS})
	s, err := newPair(t, spec, testOptions()).Refresh(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Devices {
		checkRead(t, &s.Devices[i])
	}
	if s.Compare == nil || s.InScope() < 1 {
		t.Errorf("compare %v: %v", s.Compare != nil, s.CompareErr)
	}
}

// TestHuaweiPairReads: an HRP pair shows the roles, FW-A's sessions, and
// the comparison under the built-in hrp map from the active member; after
// a failover the new roles.
func TestHuaweiPairReads(t *testing.T) {
	lp, spec := labHuawei(t, huawei.PairOptions{})
	ctx := testCtx(t)
	if err := lp.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	p := newPair(t, spec, testOptions())
	s, err := p.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Devices {
		checkRead(t, &s.Devices[i])
	}
	a, b := s.Devices[0], s.Devices[1]
	if a.HA.Role != device.RoleActive || b.HA.Role != device.RoleStandby || !strings.HasPrefix(a.Prompt, "HRP_M") {
		t.Errorf("roles %s (%s), %s: want FW-A active, FW-B standby", a.HA.Role, a.Prompt, b.HA.Role)
	}
	if a.Sessions != 7 || b.SessionsErr != nil {
		t.Errorf("sessions %d (%v), %d (%v): want 7 on FW-A", a.Sessions, a.SessionsErr, b.Sessions, b.SessionsErr)
	}
	if s.Compare == nil || s.Compare.Map.Name != inventory.HRPMap || s.Compare.Left.Source != "FW-A" {
		t.Fatalf("compare %+v: %v", s.Compare, s.CompareErr)
	}
	lp.HRP.Failover()
	// The roles move as HRP negotiates: refresh until they have (each
	// refresh is a real read; the test deadline bounds the wait).
	for {
		s, err = p.Refresh(ctx)
		if err != nil {
			t.Fatalf("roles after failover: %s, %s: %v", s.Devices[0].HA.Role, s.Devices[1].HA.Role, err)
		}
		if s.Devices[0].HA.Role == device.RoleStandby && s.Devices[1].HA.Role == device.RoleActive {
			break
		}
	}
	if s.Compare == nil || s.Compare.Left.Source != "FW-B" {
		t.Errorf("after failover the source is %v: want FW-B, the active member", s.Compare)
	}
}

// TestMemberFaults: a member that refuses, fails authentication, drops
// the connection while it is read or presents a changed host key is
// reported with the reason, and the other member is still read.
func TestMemberFaults(t *testing.T) {
	cases := []struct {
		name   string
		fault  func(f *lab.Faults)
		reason Reason
		is     error
		says   []string
	}{
		{"refuse", func(f *lab.Faults) { f.SetRefuse(true) }, ReasonUnreachable, sshclient.ErrUnreachable, nil},
		{"fail auth", func(f *lab.Faults) { f.SetFailAuth(true) }, ReasonAuth, sshclient.ErrAuth, []string{"FW-B", "publickey"}},
		{"drop", func(f *lab.Faults) { f.SetDropAfterLines(20) }, ReasonLost, nil, []string{"FW-B"}},
		{"changed host key", func(f *lab.Faults) { f.SetChangedHostKey(true) }, ReasonHostKey, sshclient.ErrHostKeyMismatch, []string{"SHA256:", "known_hosts:2", "FW-B"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lp, spec := labHuawei(t, huawei.PairOptions{})
			c.fault(lp.B.Faults)
			p := newPair(t, spec, testOptions())
			sub, stop := p.Subscribe(256)
			defer stop()
			s, err := p.Refresh(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			checkRead(t, &s.Devices[0])
			b := s.Devices[1]
			if b.Reachable || b.Reason != c.reason || b.Err == nil {
				t.Fatalf("FW-B: reachable %v, reason %q, err %v: want %q", b.Reachable, b.Reason, b.Err, c.reason)
			}
			if c.is != nil && !errors.Is(b.Err, c.is) {
				t.Errorf("FW-B: %v is not %v", b.Err, c.is)
			}
			for _, w := range c.says {
				if !strings.Contains(b.Err.Error(), w) {
					t.Errorf("FW-B: %q does not say %q", b.Err, w)
				}
			}
			if c.reason == ReasonHostKey && strings.Count(b.Err.Error(), "SHA256:") < 2 {
				t.Errorf("FW-B: %q does not give both fingerprints", b.Err)
			}
			if strings.Contains(b.Err.Error(), lp.Password) {
				t.Error("the error holds the password")
			}
			if s.Compare != nil {
				t.Error("a comparison without FW-B's configuration")
			}
			// The failure was published, for FW-B only. A lost connection
			// is published by the session's watcher, which may come after
			// Refresh returned: wait for the first, then read what came.
			failed := func(e Event) bool { return e.Kind == Error || e.Kind == Lost }
			e := waitFor(t, testCtx(t), sub, "an error event", failed)
			for {
				if e.Device != "FW-B" || e.Reason != c.reason {
					t.Errorf("event %s %s %s", e.Kind, e.Device, e.Reason)
				}
				if e = nextFailed(sub, failed); e.Kind == 0 { // none left
					break
				}
			}
		})
	}
}

// nextFailed returns the next event already delivered for which ok
// holds, or the zero Event when none is left.
func nextFailed(sub *Subscription, ok func(Event) bool) Event {
	for len(sub.C) > 0 {
		if e := <-sub.C; ok(e) {
			return e
		}
	}
	return Event{}
}

// waitFor reads events until ok holds for one; the test deadline bounds it.
func waitFor(t *testing.T, ctx context.Context, sub *Subscription, what string, ok func(Event) bool) Event {
	t.Helper()
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("no %s before the deadline", what)
		case e, open := <-sub.C:
			if !open {
				t.Fatalf("subscription closed before %s", what)
			}
			if ok(e) {
				return e
			}
		}
	}
}

// TestRunReconnects: under Run, a member whose connection is dropped
// (mid-read by the lab's drop fault, or cut and then refused) is reported
// lost, and reconnects and is read again once the fault is cleared; the
// other member stays connected and read throughout.
func TestRunReconnects(t *testing.T) {
	cases := []struct {
		name  string
		fault func(m *vyatta.Member)
		clear func(m *vyatta.Member)
		// during is what the fault gives while it lasts.
		during Reason
	}{
		// The lab applies the drop fault to sessions started after it is
		// set: cut the open one, so the next login reads with it.
		{"drop mid-read", func(m *vyatta.Member) {
			m.Faults.SetDropAfterLines(20)
			m.SSH.DropSessions()
		}, func(m *vyatta.Member) { m.Faults.SetDropAfterLines(0) }, ReasonLost},
		{"cut then refused", func(m *vyatta.Member) {
			m.Faults.SetRefuse(true)
			m.SSH.DropSessions()
		}, func(m *vyatta.Member) { m.Faults.SetRefuse(false) }, ReasonUnreachable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lp, spec := labVyatta(t, vyatta.PairOptions{})
			p := newPair(t, spec, testOptions())
			sub, stop := p.Subscribe(4096)
			defer stop()
			ctx := testCtx(t)
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- p.Run(runCtx) }()
			both := func(e Event) bool {
				return e.Kind == Refreshed && e.Snapshot.Reachable() && e.Snapshot.Devices[1].Err == nil && e.Snapshot.Devices[1].Tree != nil
			}
			waitFor(t, ctx, sub, "a refresh with both read", both)

			c.fault(lp.B)
			p.RequestRefresh()
			lost := waitFor(t, ctx, sub, "vra-b lost", func(e Event) bool { return e.Kind == Lost && e.Device == "vra-b" })
			if lost.Reason != ReasonLost || !strings.HasPrefix(lost.Err.Error(), "vra-b: ") {
				t.Errorf("lost: %s %v", lost.Reason, lost.Err)
			}
			p.RequestRefresh()
			s := waitFor(t, ctx, sub, "a refresh without vra-b", func(e Event) bool {
				return e.Kind == Refreshed && !e.Snapshot.Devices[1].Reachable && e.Snapshot.Devices[1].Reason == c.during
			}).Snapshot
			if !s.Devices[0].Reachable || s.Devices[0].Err != nil {
				t.Errorf("vra-a while vra-b is down: %v", s.Devices[0].Err)
			}
			// vra-b's last good configuration is kept, and the comparison
			// made with it is marked stale.
			if s.Devices[1].Tree == nil || s.Compare == nil || !s.Stale() {
				t.Errorf("while vra-b is down: tree %v, compare %v, stale %v", s.Devices[1].Tree != nil, s.Compare != nil, s.Stale())
			}

			c.clear(lp.B)
			waitFor(t, ctx, sub, "vra-b connected again", func(e Event) bool { return e.Kind == Connected && e.Device == "vra-b" })
			waitFor(t, ctx, sub, "a refresh with both read again", both)
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Run ended with %v", err)
			}
		})
	}
}

// TestSlowSubscriber: a subscriber that never reads does not hold the
// pair up; it loses the oldest events and keeps the newest.
func TestSlowSubscriber(t *testing.T) {
	_, spec := labHuawei(t, huawei.PairOptions{})
	p := newPair(t, spec, testOptions())
	sub, stop := p.Subscribe(1)
	defer stop()
	ctx := testCtx(t)
	for range 3 {
		if _, err := p.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if sub.Dropped() < 2 {
		t.Errorf("dropped %d events", sub.Dropped())
	}
	if e := <-sub.C; e.Kind != Refreshed || e.Snapshot != p.Snapshot() {
		t.Errorf("kept %s, want the last refresh", e.Kind)
	}
}

// TestCloseEnds: Close ends the connections and the subscriptions, and a
// closed pair dials no more.
func TestCloseEnds(t *testing.T) {
	_, spec := labHuawei(t, huawei.PairOptions{})
	p := New(spec, testOptions())
	sub, _ := p.Subscribe(64)
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	p.Close()
	for range sub.C {
	}
	s, _ := p.Refresh(ctx)
	if s.Devices[0].Reachable || !errors.Is(s.Devices[0].Err, errClosed) {
		t.Errorf("after Close: reachable %v, %v", s.Devices[0].Reachable, s.Devices[0].Err)
	}
}

// TestUnknownHost: a device no known_hosts file lists is refused as
// unknown; with AcceptNew its key is recorded in the inventory's
// known_hosts and the next pair trusts it without the option.
func TestUnknownHost(t *testing.T) {
	_, spec := labHuawei(t, huawei.PairOptions{})
	kh := spec.Devices[1].KnownHosts
	b, err := os.ReadFile(kh)
	if err != nil {
		t.Fatal(err)
	}
	// Keep FW-A's lines only.
	var keep []string
	port := strconv.Itoa(spec.Devices[1].Port)
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.Contains(l, "]:"+port+" ") {
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(kh, []byte(strings.Join(keep, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	s, _ := newPair(t, spec, testOptions()).Refresh(ctx)
	if d := s.Devices[1]; d.Reason != ReasonUnknownHost || !errors.Is(d.Err, sshclient.ErrUnknownHost) {
		t.Fatalf("FW-B unknown: %s %v", d.Reason, d.Err)
	}
	checkRead(t, &s.Devices[0])
	o := testOptions()
	o.AcceptNew = true
	if s, _ = newPair(t, spec, o).Refresh(ctx); s.Devices[1].Err != nil {
		t.Fatalf("FW-B with accept-new: %v", s.Devices[1].Err)
	}
	after, _ := os.ReadFile(kh)
	if !strings.Contains(string(after), "]:"+port+" ") {
		t.Fatalf("FW-B's key not recorded in %s:\n%s", kh, after)
	}
	if s, _ = newPair(t, spec, testOptions()).Refresh(ctx); s.Devices[1].Err != nil {
		t.Errorf("FW-B after it was recorded: %v", s.Devices[1].Err)
	}
}

// TestLoginLayer: each item of the lab's SSH and login layer is met and
// the pair still reads both devices as they hold their configurations:
// legacy algorithms opted in by the inventory, keyboard-interactive with
// a banner, the Huawei first-login question, a pager that must be
// answered (Huawei screen-length refused, Vyatta pager).
func TestLoginLayer(t *testing.T) {
	type member struct {
		name    string
		running func() *config.Tree
	}
	cases := []struct {
		name  string
		start func(t *testing.T) (*inventory.Pair, []member)
		// passwordOnly drops the key so the password is what logs in.
		passwordOnly bool
	}{
		{"huawei legacy, keyboard-interactive, banner, first login", func(t *testing.T) (*inventory.Pair, []member) {
			lp, spec := labHuawei(t, huawei.PairOptions{SSH: lab.SSHLogin{Legacy: true, KeyboardInteractive: true, Banner: "Authorized use only\n"}, FirstLogin: true})
			return spec, []member{{"FW-A", lp.A.Device.Running}, {"FW-B", lp.B.Device.Running}}
		}, true},
		{"huawei screen-length refused", func(t *testing.T) (*inventory.Pair, []member) {
			lp, spec := labHuawei(t, huawei.PairOptions{ScreenLengthRefused: true})
			return spec, []member{{"FW-A", lp.A.Device.Running}, {"FW-B", lp.B.Device.Running}}
		}, false},
		{"vyatta legacy, pager", func(t *testing.T) (*inventory.Pair, []member) {
			lp, spec := labVyatta(t, vyatta.PairOptions{SSH: lab.SSHLogin{Legacy: true}, Pager: true})
			return spec, []member{{"vra-a", lp.A.Device.Running}, {"vra-b", lp.B.Device.Running}}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec, members := c.start(t)
			if c.passwordOnly {
				for _, d := range spec.Devices {
					d.Credentials.IdentityFiles = nil
				}
			}
			s, err := newPair(t, spec, testOptions()).Refresh(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range members {
				d := &s.Devices[i]
				checkRead(t, d)
				if !config.Equal(d.Tree.Root, m.running().Root) {
					t.Errorf("%s: fetched configuration differs from the device's", m.name)
				}
			}
			if s.Compare == nil {
				t.Errorf("no comparison: %v", s.CompareErr)
			}
			if spec.Devices[1].SSH.Empty() {
				return
			}
			// Without the opt-in, negotiation fails and says so.
			spec.Devices[1].SSH = inventory.Algorithms{}
			s, _ = newPair(t, spec, testOptions()).Refresh(testCtx(t))
			if d := s.Devices[1]; d.Reason != ReasonNegotiation || !errors.Is(d.Err, sshclient.ErrNegotiation) {
				t.Errorf("%s without legacy algorithms: %s %v", d.Name, d.Reason, d.Err)
			}
		})
	}
}

// TestConfigSyncError: with Monitor, a config-sync failure the device
// logs (vra-b refuses what vra-a's commit pushes) is published as a
// SyncError of vra-a with the device's line.
func TestConfigSyncError(t *testing.T) {
	lp, spec := labVyatta(t, vyatta.PairOptions{Reject: [][]string{{"security", "firewall", "name", "BLOCKED"}}})
	o := testOptions()
	o.Monitor = true
	p := newPair(t, spec, o)
	sub, stop := p.Subscribe(1024)
	defer stop()
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// `monitor log` starts on its own channel after the connection: commit
	// again until one failure is seen (the test deadline bounds it).
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for rule := 1; ; rule++ {
		s := lp.A.Device.NewSession("vyatta")
		if err := s.Set(strings.Fields("security firewall name BLOCKED rule " + strconv.Itoa(rule) + " action drop")); err != nil {
			t.Fatal(err)
		}
		var out []string
		if err := s.Commit(ctx, func(l string) { out = append(out, l) }); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(out, "\n"), "config-sync error") {
			t.Fatalf("the commit did not fail to sync:\n%s", strings.Join(out, "\n"))
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				t.Fatal("no sync-error event before the deadline")
			case e := <-sub.C:
				if e.Kind == SyncError {
					if e.Device != "vra-a" || !strings.Contains(e.Line, "config-sync error 10.0.0.2:Sync[10.0.0.2]: ") || !strings.Contains(e.Line, "refused") {
						t.Errorf("sync error %s %q", e.Device, e.Line)
					}
					return
				}
			case <-tick.C:
				waiting = false
			}
		}
	}
}

// TestConfigOnly: with ConfigOnly both configurations are read and
// compared, the HRP role comes from the prompt, and nothing else is read.
func TestConfigOnly(t *testing.T) {
	lp, spec := labHuawei(t, huawei.PairOptions{})
	ctx := testCtx(t)
	if err := lp.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.ConfigOnly = true
	s, err := newPair(t, spec, o).Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []device.Role{device.RoleActive, device.RoleStandby} {
		d := s.Devices[i]
		if d.Err != nil || d.Tree == nil || d.HA.Role != want || d.HA.HRP != nil || d.Sessions != -1 || d.SavedKnown {
			t.Errorf("%s: err %v, role %s (want %s), HRP read %v, sessions %d, saved known %v", d.Name, d.Err, d.HA.Role, want, d.HA.HRP != nil, d.Sessions, d.SavedKnown)
		}
	}
	if s.Compare == nil || s.Compare.Left.Source != "FW-A" {
		t.Errorf("compare %v: %v", s.Compare != nil, s.CompareErr)
	}
}

// TestPromptedPassword: a device whose inventory entry says
// password_prompt logs in with what the user types, asked once per
// device even when the connection is cut and made again.
func TestPromptedPassword(t *testing.T) {
	lp, spec := labHuawei(t, huawei.PairOptions{})
	for _, d := range spec.Devices {
		d.Credentials = inventory.Credentials{PasswordPrompt: true}
	}
	var mu sync.Mutex
	asked := map[string]int{}
	o := testOptions()
	o.Prompt = func(who string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		asked[who]++
		return lp.Password, nil
	}
	p := newPair(t, spec, o)
	sub, stop := p.Subscribe(1024)
	defer stop()
	ctx := testCtx(t)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()
	both := func(e Event) bool {
		return e.Kind == Refreshed && e.Snapshot.Reachable() && e.Snapshot.Devices[1].Err == nil
	}
	waitFor(t, ctx, sub, "both read", both)
	lp.B.SSH.DropSessions()
	waitFor(t, ctx, sub, "FW-B lost", func(e Event) bool { return e.Kind == Lost && e.Device == "FW-B" })
	waitFor(t, ctx, sub, "FW-B connected again", func(e Event) bool { return e.Kind == Connected && e.Device == "FW-B" })
	mu.Lock()
	defer mu.Unlock()
	if asked["FW-A"] != 1 || asked["FW-B"] != 1 {
		t.Errorf("asked %v: want once per device", asked)
	}
}

// TestCancelledRefresh: a refresh cancelled by its caller leaves the
// sessions open; the next refresh reads on them without dialling again.
func TestCancelledRefresh(t *testing.T) {
	_, spec := labHuawei(t, huawei.PairOptions{})
	p := newPair(t, spec, testOptions())
	sub, stop := p.Subscribe(1024)
	defer stop()
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.Refresh(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled refresh: %v", err)
	}
	s, err := p.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Devices {
		checkRead(t, &s.Devices[i])
	}
	connected := 0
	for len(sub.C) > 0 {
		switch e := <-sub.C; e.Kind {
		case Connected:
			connected++
		case Lost:
			t.Errorf("%s lost: %v", e.Device, e.Err)
		}
	}
	if connected != 2 {
		t.Errorf("%d connections made, want 2", connected)
	}
}

// TestHRPBackupError: an HRP backup failure the standby prints in its
// session (an asynchronous log line) is published as a SyncError of that
// device; other log lines as Log events.
func TestHRPBackupError(t *testing.T) {
	lp, spec := labHuawei(t, huawei.PairOptions{})
	p := newPair(t, spec, testOptions())
	sub, stop := p.Subscribe(1024)
	defer stop()
	ctx := testCtx(t)
	if err := p.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	lp.B.Device.Log(`%%01HRPI/4/CFGBACKUP(l): Failed to apply the backed-up command "ip route-static 10.9.0.0 16 NULL0": Error: test`)
	// The line reaches the session's reader at once but is handed over as
	// the session reads: refresh until it is (the deadline bounds it).
	for {
		if _, err := p.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		for len(sub.C) > 0 {
			if e := <-sub.C; e.Kind == SyncError {
				if e.Device != "FW-B" || !strings.Contains(e.Line, "Failed to apply the backed-up command") {
					t.Errorf("sync error %s %q", e.Device, e.Line)
				}
				return
			}
		}
	}
}

func TestSyncErrorLine(t *testing.T) {
	cases := []struct {
		fam  config.Family
		line string
		want bool
	}{
		{config.Vyatta, "Nov 30 05:38:20 vra-a config-sync error 10.0.0.2:Sync[10.0.0.2]: Remote user vyatta not in secrets group", true},
		{config.Vyatta, "Nov 30 05:38:20 vra-a commit: ok", false},
		{config.Huawei, "Nov 30 2026 06:00:00 FW-B %%01HRPI/4/CFGBACKUP(l): Failed to apply the backed-up command \"x\": y", true},
		{config.Huawei, "Nov 30 2026 06:00:00 FW-B %%01HRPI/4/CFGBACKUP(l): The batch backup could not be read: z", true},
		{config.Huawei, "Nov 30 2026 06:00:00 FW-B %%01HRPI/4/STATE_CHANGE(l): HRP state changed from active to standby.", false},
		{config.Huawei, "config-sync error x", false},
	}
	for _, c := range cases {
		if got := syncErrorLine(c.fam, c.line); got != c.want {
			t.Errorf("%s %q: %v", c.fam, c.line, got)
		}
	}
}

// TestRESTKept: a member's REST client is made once (its CA file read
// once) and kept, reading over the same client, until Retry or Close; a
// failed client is not kept.
func TestRESTKept(t *testing.T) {
	_, spec := labVyatta(t, vyatta.PairOptions{})
	ctx := testCtx(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pem, err := os.ReadFile(spec.Devices[1].CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	spec.Devices[1].CAFile = ca
	p := New(spec, testOptions())
	r, err := p.REST("vra-b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ca); err != nil {
		t.Fatal(err)
	}
	again, err := p.REST("vra-b")
	if err != nil || again != r {
		t.Fatalf("second REST(vra-b): %p %v, want the first client %p", again, err, r)
	}
	if _, err := again.Fetch(ctx); err != nil {
		t.Errorf("fetch over the kept client: %v", err)
	}
	p.Retry()
	if _, err := p.REST("vra-b"); err == nil || !strings.Contains(err.Error(), "REST CA") {
		t.Errorf("after Retry: %v, want a new client that reads the (removed) CA file", err)
	}
	if err := os.WriteFile(ca, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	if r2, err := p.REST("vra-b"); err != nil || r2 == r {
		t.Errorf("after Retry and a failed make: %p %v, want a new client", r2, err)
	}
	if _, err := p.REST("vra-c"); err == nil {
		t.Error("REST of a device the pair lacks")
	}
	p.Close()
	if _, err := p.REST("vra-b"); err == nil {
		t.Error("REST after Close")
	}
}
