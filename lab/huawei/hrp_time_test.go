package huawei

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/labtest"
)

// hwFakeStart is the fake clock's start: a fixed instant, so the stamps
// the devices print are known.
var hwFakeStart = time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)

// hwFakePair is a pair on a fake clock with the device's default hello.
func hwFakePair(t *testing.T, o PairOptions) (*Pair, *FakeClock) {
	t.Helper()
	fc := NewFakeClock(hwFakeStart)
	o.Clock = fc
	o.HRP.Heartbeat = DefaultHeartbeat
	p := hwPair(t, o)
	// The link is up once the hellos crossed; each member's heartbeat
	// ticker may start a moment later. Time moves only once both tick,
	// or a loaded machine would see one member miss the first move.
	labtest.Eventually(t, "both heartbeat tickers", 10*time.Second, func() bool { return fc.liveTickers() == 2 })
	return p, fc
}

// hwAdvance moves the fake clock by d, then waits until every ticker's
// tick was taken, so the next move is a tick of its own.
func hwAdvance(t *testing.T, fc *FakeClock, d time.Duration) {
	t.Helper()
	fc.Advance(d)
	labtest.Eventually(t, "the ticks to be taken", 10*time.Second, fc.Idle)
}

// TestHRPHeartbeatUnderLoad: with the device's defaults (hello 1000 ms,
// faulty after five silent intervals) and two cores, ten SSH sessions
// printing the configuration over and over for a few seconds change no
// HRP state. It samples: it counts the state changes and the longest
// silence seen; it times nothing.
func TestHRPHeartbeatUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of load")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	p := hwPair(t, PairOptions{Lines: 3000, HRP: HRPOptions{Heartbeat: DefaultHeartbeat}})
	before := p.HRP.Changes()
	var outputs, bytes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 10 {
		m := p.Members()[i%2]
		c := hwDial(t, p, m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s, err := c.NewSession()
				if err != nil {
					t.Error(err)
					return
				}
				out, err := s.Output("display current-configuration")
				s.Close()
				if err != nil {
					t.Error(err)
					return
				}
				outputs.Add(1)
				bytes.Add(int64(len(out)))
			}
		}()
	}
	// Sample for two hello intervals more than the five that would make
	// a peer faulty.
	for range 7 {
		time.Sleep(DefaultHeartbeat)
		if !p.HRP.Up() {
			t.Error("the link went down under load")
		}
	}
	close(stop)
	wg.Wait()
	changes := p.HRP.Changes() - before
	t.Logf("10 sessions: %d outputs of display current-configuration (%d MB) in 7 hello intervals; HRP state changes %d; longest silence %d of %d intervals",
		outputs.Load(), bytes.Load()>>20, changes, p.HRP.MaxSilentIntervals(), DefaultDeadIntervals)
	if changes != 0 {
		t.Errorf("%d HRP state changes under load, want 0", changes)
	}
	if outputs.Load() < 10 {
		t.Errorf("only %d outputs: the load did not run", outputs.Load())
	}
}

// TestHRPSilentPeerFakeClock: a member that stops sending heartbeats is
// taken as faulty after five silent hello intervals, not before; the
// intervals are ticks of the fake clock.
func TestHRPSilentPeerFakeClock(t *testing.T) {
	p, fc := hwFakePair(t, PairOptions{})
	hwAdvance(t, fc, DefaultHeartbeat)
	before := p.HRP.Changes()
	p.HRP.SetSilent("FW-B", true)
	// The tick in flight when FW-B fell silent may still count as heard.
	for i := 1; i <= 4; i++ {
		hwAdvance(t, fc, DefaultHeartbeat)
		if n := p.HRP.Changes(); n != before {
			t.Fatalf("state changed after %d silent intervals", i)
		}
	}
	for i := 5; p.HRP.Changes() == before; i++ {
		if i > 6 {
			t.Fatal("no state change after 6 silent intervals")
		}
		hwAdvance(t, fc, DefaultHeartbeat)
		if i == 6 {
			labtest.Eventually(t, "the peer taken as faulty", 10*time.Second, func() bool { return p.HRP.Changes() != before })
		}
	}
	if got := p.HRP.active.lastChangeText(); !strings.Contains(got, "old_state = normal, new_state = abnormal(active)") {
		t.Errorf("last change: %q", got)
	}
}

func (m *hrpMember) lastChangeText() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastChange
}

// TestHRPStateFromConfiguration: `display hrp state verbose` reads the
// hello interval, preemption and auto-sync switches from the
// configuration, and the roles and priorities from the state.
func TestHRPStateFromConfiguration(t *testing.T) {
	p, _ := hwFakePair(t, PairOptions{})
	op := func(d *Device, args ...string) string {
		var b strings.Builder
		if err := d.op("display hrp state")(t.Context(), args, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got := op(p.A.Device, "verbose")
	for _, want := range []string{" hello interval:              1000ms\n", " preempt:                     60s\n", " auto-sync connection-status: on\n", " Running priority: 45000, peer: 45000\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("default verbose lacks %q:\n%s", want, got)
		}
	}
	for _, line := range []string{"hrp timer hello 3000", "hrp preempt delay 30", "undo hrp auto-sync connection-status", "hrp timer hello 2000"} {
		if err := p.A.Device.Apply(nil, line); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
	}
	got = op(p.A.Device, "verbose")
	for _, want := range []string{" hello interval:              2000ms\n", " preempt:                     30s\n", " auto-sync connection-status: off\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("verbose lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(hwText(t, p.A.Device), "hrp timer hello"); n != 1 {
		t.Errorf("%d hrp timer hello lines, want the last one only", n)
	}
}

// TestSessionsAgeFakeClock: a new session is copied to the standby with
// Remote (connection-status auto-sync is on by default) and ages out of
// both tables by its TTL, on the fake clock.
func TestSessionsAgeFakeClock(t *testing.T) {
	p, fc := hwFakePair(t, PairOptions{Sessions: 2})
	p.A.Device.AddSession(Session{Proto: "tcp", VPN: "public", Src: "10.30.0.77:40077", Dst: "203.0.113.20:443",
		SrcZone: "trust", DstZone: "untrust", Policy: "web_in_1", TTL: 30 * time.Second})
	isNew := func(s Session) bool { return s.Src == "10.30.0.77:40077" }
	count := func(d *Device) (n int, remote bool) {
		for _, s := range d.Sessions() {
			if isNew(s) {
				n++
				remote = s.Remote
			}
		}
		return n, remote
	}
	labtest.Eventually(t, "the session on FW-B", 10*time.Second, func() bool { n, _ := count(p.B.Device); return n == 1 })
	if _, remote := count(p.B.Device); !remote {
		t.Error("the copy on FW-B lacks Remote")
	}
	hwAdvance(t, fc, 29*time.Second)
	var b strings.Builder
	if err := p.A.Device.runOp(t.Context(), &match{t: &tmpl{op: "display firewall session table"}, args: []string{"verbose"}}, nil, &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "TTL: 00:00:30  Left: 00:00:01") {
		t.Errorf("verbose after 29 s:\n%s", b.String())
	}
	for _, d := range []*Device{p.A.Device, p.B.Device} {
		if n, _ := count(d); n != 1 {
			t.Errorf("%s: the session aged early", d.Name())
		}
	}
	hwAdvance(t, fc, 2*time.Second)
	for _, d := range []*Device{p.A.Device, p.B.Device} {
		if n, _ := count(d); n != 0 {
			t.Errorf("%s: the session outlived its TTL", d.Name())
		}
	}
	// The seeded sessions carry traffic: they stay.
	if n := len(p.A.Device.Sessions()); n != 2 {
		t.Errorf("FW-A has %d sessions, want the 2 seeded", n)
	}
}

// TestFailoverOverSSH: a failover swaps the roles as a switchover does:
// the prompts change, `display hrp state` shows the new roles, the
// priorities and when (on the fake clock), the new active replicates and
// the new standby refuses; a second failover switches back.
func TestFailoverOverSSH(t *testing.T) {
	p, fc := hwFakePair(t, PairOptions{})
	a, b := hwShell(t, p, p.A), hwShell(t, p, p.B)
	a.Expect("HRP_M<FW-A>")
	b.Expect("HRP_S<FW-B>")
	a.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	b.Run("screen-length 0 temporary", "HRP_S<FW-B>")
	hwAdvance(t, fc, 90*time.Minute)
	p.HRP.Failover()
	a.Run("", "HRP_S<FW-A>")
	b.Run("", "HRP_M<FW-B>")
	stamp := hwFakeStart.Add(90 * time.Minute).Format("2006-01-02 15:04:05")
	hwAdvance(t, fc, 2*time.Hour+3*time.Minute)
	gotA := a.Run("display hrp state", "HRP_S<FW-A>")
	for _, want := range []string{
		" Role: standby, peer: active\r\n",
		" Running priority: 44998, peer: 45000\r\n",
		" Core state: normal\r\n",
		" Stable time: 0 days, 2 hours, 3 minutes\r\n",
		" Last state change information: " + stamp + " HRP core state changed, old_state = normal(active), new_state = normal(standby), local_priority = 44998, peer_priority = 45000.\r\n",
	} {
		if !strings.Contains(gotA, want) {
			t.Errorf("FW-A after failover lacks %q:\n%s", want, gotA)
		}
	}
	if got := b.Run("display hrp state", "HRP_M<FW-B>"); !strings.Contains(got, " Role: active, peer: standby\r\n") {
		t.Errorf("FW-B after failover:\n%s", got)
	}
	// The new active's commands replicate; the new standby refuses them.
	b.Run("system-view", "HRP_M[FW-B]")
	out := b.Run("ip address-set after_failover type object", "HRP_M[FW-B-object-address-set-after_failover]")
	if !strings.Contains(out, "(+B)") {
		t.Errorf("not replicated from the new active:\n%q", out)
	}
	labtest.Eventually(t, "the set on FW-A", 10*time.Second, func() bool {
		return p.A.Device.Running().Root.Child("ip address-set after_failover type object") != nil
	})
	a.Run("system-view", "HRP_S[FW-A]")
	if got := a.Run("ip address-set on_new_standby type object", "HRP_S[FW-A]"); !strings.Contains(got, ErrHRPStandby.Error()) {
		t.Errorf("the new standby accepted a replicated command:\n%s", got)
	}
	p.HRP.Failover()
	a.Run("", "HRP_M[FW-A]")
	b.Run("", "HRP_S[FW-B-object-address-set-after_failover]")
}

// TestDualActiveOverSSH: the dual-active fault makes both members active
// (both prompts HRP_M) with the abnormal forms on both; cleared, the link
// comes back and the roles are as before.
func TestDualActiveOverSSH(t *testing.T) {
	p := hwPair(t, PairOptions{})
	a, b := hwShell(t, p, p.A), hwShell(t, p, p.B)
	a.Expect("HRP_M<FW-A>")
	b.Expect("HRP_S<FW-B>")
	p.HRP.SetDualActive(true)
	labtest.Eventually(t, "the link down", 10*time.Second, func() bool { return !p.HRP.active.isUp() && !p.HRP.standby.isUp() })
	for _, c := range []struct {
		sh     *labtest.Shell
		prompt string
	}{{a, "HRP_M<FW-A>"}, {b, "HRP_M<FW-B>"}} {
		c.sh.Run("", c.prompt)
		got := c.sh.Run("display hrp state", c.prompt)
		for _, want := range []string{" Role: active, peer: active\r\n", " Core state: abnormal(active), peer: abnormal(active)\r\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s in dual active lacks %q:\n%s", c.prompt, want, got)
			}
		}
	}
	p.HRP.SetDualActive(false)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	a.Run("", "HRP_M<FW-A>")
	b.Run("", "HRP_S<FW-B>")
	if got := b.Run("display hrp state", "HRP_S<FW-B>"); !strings.Contains(got, " Core state: normal\r\n") {
		t.Errorf("FW-B after dual active:\n%s", got)
	}
}

// TestDisplaySavedConfiguration: `display saved-configuration` shows what
// `save` wrote, not the running configuration, until the next save.
func TestDisplaySavedConfiguration(t *testing.T) {
	p := hwPair(t, PairOptions{})
	sh := hwShell(t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	sh.Run("system-view", "HRP_M[FW-A]")
	sh.Run("ip route-static 10.66.0.0 255.255.0.0 10.20.0.254", "HRP_M[FW-A]")
	sh.Run("return", "HRP_M<FW-A>")
	route := "ip route-static 10.66.0.0 255.255.0.0 10.20.0.254"
	if got := sh.Run("display saved-configuration", "HRP_M<FW-A>"); strings.Contains(got, route) || !strings.Contains(got, "sysname FW-A") {
		t.Errorf("saved configuration before save:\n%s", got)
	}
	if got := sh.Run("display current-configuration | include 10.66.0.0", "HRP_M<FW-A>"); !strings.Contains(got, route) {
		t.Errorf("running configuration lacks the route:\n%s", got)
	}
	sh.Run("save", "[Y/N]:")
	sh.Run("y", "HRP_M<FW-A>")
	if got := sh.Run("display saved-configuration", "HRP_M<FW-A>"); !strings.Contains(got, route) {
		t.Errorf("saved configuration after save lacks the route:\n%s", got)
	}
}

// TestOperationalDisplaysOverSSH: display version, display interface
// brief and display ip routing-table follow the configuration and the
// device's clock.
func TestOperationalDisplaysOverSSH(t *testing.T) {
	p, fc := hwFakePair(t, PairOptions{})
	sh := hwShell(t, p, p.A)
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	hwAdvance(t, fc, 9*24*time.Hour+2*time.Hour+5*time.Minute)
	if got := sh.Run("display version", "HRP_M<FW-A>"); !strings.Contains(got, "USG6000V uptime is 1 week, 2 days, 2 hours, 5 minutes\r\n") ||
		!strings.Contains(got, "(USG6000V V600R007C20SPC600)") {
		t.Errorf("display version:\n%s", got)
	}
	sh.Run("system-view", "HRP_M[FW-A]")
	sh.Run("interface GigabitEthernet1/0/3", "HRP_M[FW-A-GigabitEthernet1/0/3]")
	sh.Run("shutdown", "HRP_M[FW-A-GigabitEthernet1/0/3]")
	sh.Run("quit", "HRP_M[FW-A]")
	sh.Run("ip route-static 10.66.0.0 255.255.0.0 10.20.0.254 preference 70", "HRP_M[FW-A]")
	sh.Run("ip route-static 10.67.0.0 16 172.31.0.1", "HRP_M[FW-A]")
	got := sh.Run("display interface brief", "HRP_M[FW-A]")
	for _, want := range []string{
		"GigabitEthernet1/0/3        *down down         0%     0%          0          0\r\n",
		"GigabitEthernet1/0/1        up    up           0%     0%          0          0\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("display interface brief lacks %q:\n%s", want, got)
		}
	}
	got = sh.Run("display ip routing-table", "HRP_M[FW-A]")
	if !strings.Contains(got, "    10.66.0.0/16   Static  70   0         RD    10.20.0.254     GigabitEthernet1/0/1\r\n") {
		t.Errorf("the new static route is not active:\n%s", got)
	}
	for _, gone := range []string{"10.67.0.0/16", "192.0.2.0/24"} {
		if strings.Contains(got, gone) {
			t.Errorf("%s is active (unresolved next hop, or its interface is down):\n%s", gone, got)
		}
	}
}

// TestHRPLegacyPrefix: older firmware prompts HRP_A and HRP_B, as the
// OpenSSH client sees them; a failover swaps them as it swaps HRP_M and
// HRP_S.
func TestHRPLegacyPrefix(t *testing.T) {
	p := hwPair(t, PairOptions{HRP: HRPOptions{LegacyPrefix: true}})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	a, quitA := hwOpenSSH(ctx, t, p, p.A)
	a.Expect("HRP_A<FW-A>")
	b, quitB := hwOpenSSH(ctx, t, p, p.B)
	if got := b.Expect("<FW-B>"); !strings.HasSuffix(got, "HRP_B<FW-B>") {
		t.Errorf("FW-B's prompt: %q", got)
	}
	a.Run("system-view", "HRP_A[FW-A]")
	p.HRP.Failover()
	a.Run("", "HRP_B[FW-A]")
	b.Run("", "HRP_A<FW-B>")
	quitB()
	a.Run("return", "HRP_B<FW-A>")
	quitA()
}
