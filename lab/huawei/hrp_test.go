package huawei

import (
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// hrpTestPair is FW-A and FW-B on the fixture configurations, linked by a
// real TCP HRP link with a fast heartbeat, up.
type hrpTestPair struct {
	a, b   *Device
	link   *HRPLink
	faults *lab.Faults
}

func hrpStartPair(t *testing.T, bps int, extra ...string) *hrpTestPair {
	t.Helper()
	at, bt := hrpFixtures(t, extra...)
	a, err := New(Options{Name: "FW-A"}, at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Name: "FW-B"}, bt)
	if err != nil {
		t.Fatal(err)
	}
	f := &lab.Faults{}
	link, err := Link(t.Context(), a, b, HRPOptions{Faults: f, Heartbeat: 20 * time.Millisecond, DeadAfter: 10 * time.Second, BytesPerSecond: bps})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := link.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	return &hrpTestPair{a: a, b: b, link: link, faults: f}
}

// hrpType does what the CLI does with a configuration command typed on d:
// ask HRP, apply, replicate. It returns whether the CLI would echo (+B).
func hrpType(t *testing.T, d *Device, view []string, line string) (bool, error) {
	t.Helper()
	h := d.getHRP()
	replicated, refuse := h.Intercept(view, line)
	if refuse != nil {
		return false, refuse
	}
	if err := d.Apply(view, line); err != nil {
		return false, err
	}
	if replicated {
		h.Replicate(view, line)
	}
	return replicated, nil
}

// hrpEventually polls cond until it holds or a deadline passes.
func hrpEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	labtest.Eventually(t, what, 20*time.Second, cond)
}

func hrpHas(d *Device, p ...string) bool { return d.Running().Root.Lookup(p) != nil }

func hrpOp(t *testing.T, d *Device, words string, args ...string) string {
	t.Helper()
	fn := d.op(words)
	if fn == nil {
		t.Fatalf("%s: op %q not registered", d.Name(), words)
	}
	var out strings.Builder
	if err := fn(t.Context(), args, &out); err != nil {
		t.Fatalf("%s: %s: %v", d.Name(), words, err)
	}
	return out.String()
}

var hrpStamp = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)

func TestHRPPrefix(t *testing.T) {
	p := hrpStartPair(t, 0)
	if got := p.a.getHRP().Prefix(); got != "HRP_M" {
		t.Errorf("FW-A prefix %q, want HRP_M", got)
	}
	if got := p.b.getHRP().Prefix(); got != "HRP_S" {
		t.Errorf("FW-B prefix %q, want HRP_S", got)
	}
	if _, err := hrpType(t, p.a, nil, "undo hrp enable"); err != nil {
		t.Fatal(err)
	}
	if got := p.a.getHRP().Prefix(); got != "" {
		t.Errorf("prefix after undo hrp enable %q, want none", got)
	}
	if replicated, err := hrpType(t, p.a, nil, "ip address-set no_hrp type object"); err != nil || replicated {
		t.Errorf("with HRP disabled: replicated=%v err=%v", replicated, err)
	}
}

func TestHRPReplicatesRuleToStandby(t *testing.T) {
	p := hrpStartPair(t, 0)
	rule := []string{"security-policy", "rule name new_web"}
	steps := []struct {
		view []string
		line string
	}{
		{nil, "security-policy"},
		{[]string{"security-policy"}, "rule name new_web"},
		{rule, "source-zone untrust"},
		{rule, "destination-zone dmz"},
		{rule, "action permit"},
	}
	for _, s := range steps {
		replicated, err := hrpType(t, p.a, s.view, s.line)
		if err != nil {
			t.Fatalf("%q: %v", s.line, err)
		}
		if !replicated {
			t.Errorf("%q not echoed with (+B)", s.line)
		}
	}
	hrpEventually(t, "the rule on FW-B", func() bool {
		return hrpHas(p.b, "security-policy", "rule name new_web", "action")
	})
	got := p.b.Running().Root.Lookup(config.Path{"security-policy", "rule name new_web", "destination-zone"})
	if got == nil || !slices.Equal(got.Values, []string{"dmz"}) {
		t.Errorf("FW-B destination-zone %+v", got)
	}
	names := hrpChildNames(p.b.Running().Root.Child("security-policy"))
	if names[len(names)-1] != "rule name new_web" {
		t.Errorf("new rule not appended on FW-B: %v", names)
	}

	// undo and rule move replicate too.
	if _, err := hrpType(t, p.a, []string{"security-policy"}, "rule move new_web top"); err != nil {
		t.Fatal(err)
	}
	if _, err := hrpType(t, p.a, rule, "undo destination-zone dmz"); err != nil {
		t.Fatal(err)
	}
	hrpEventually(t, "the move and undo on FW-B", func() bool {
		r := p.b.Running().Root
		return hrpChildNames(r.Child("security-policy"))[0] == "rule name new_web" &&
			r.Lookup(config.Path{"security-policy", "rule name new_web", "destination-zone"}) == nil
	})
}

func TestHRPLocalCommandsStayLocal(t *testing.T) {
	p := hrpStartPair(t, 0)
	local := []struct {
		view []string
		line string
	}{
		{nil, "sysname FW-A2"},
		{[]string{"interface GigabitEthernet1/0/1"}, "ip address 192.0.2.9 255.255.255.0"},
		{nil, "hrp mirror session enable"},
		{nil, "ip route-static 10.99.0.0 255.255.0.0 10.1.1.254"},
	}
	for _, c := range local {
		replicated, err := hrpType(t, p.a, c.view, c.line)
		if err != nil {
			t.Fatalf("%q: %v", c.line, err)
		}
		if replicated {
			t.Errorf("%q echoed with (+B): HRP does not replicate it", c.line)
		}
	}
	// A replicated command sent after them arrives: had the local ones
	// been sent, they would have arrived before it.
	if _, err := hrpType(t, p.a, nil, "ip address-set marker type object"); err != nil {
		t.Fatal(err)
	}
	hrpEventually(t, "the marker on FW-B", func() bool { return hrpHas(p.b, "ip address-set marker type object") })
	r := p.b.Running().Root
	if v := r.Child("sysname").Values; !slices.Equal(v, []string{"FW-B"}) {
		t.Errorf("FW-B sysname %v", v)
	}
	if ip := r.Lookup(config.Path{"interface GigabitEthernet1/0/1", "ip address"}); ip == nil || ip.Values[0] != "192.0.2.2 255.255.255.0" {
		t.Errorf("FW-B interface address %+v", ip)
	}
	if r.Child("ip route-static 10.99.0.0 255.255.0.0 10.1.1.254") != nil {
		t.Error("static route replicated without its auto-sync")
	}
}

func TestHRPStaticRouteAutoSync(t *testing.T) {
	p := hrpStartPair(t, 0, " hrp auto-sync config static-route")
	const route = "ip route-static 10.99.0.0 255.255.0.0 10.1.1.254"
	replicated, err := hrpType(t, p.a, nil, route)
	if err != nil || !replicated {
		t.Fatalf("static route with auto-sync: replicated=%v err=%v", replicated, err)
	}
	hrpEventually(t, "the static route on FW-B", func() bool { return hrpHas(p.b, route) })
}

func TestHRPStandbyRefusal(t *testing.T) {
	p := hrpStartPair(t, 0)
	_, err := hrpType(t, p.b, []string{"security-policy"}, "rule name from_b")
	if !errors.Is(err, ErrHRPStandby) {
		t.Fatalf("standby accepted a replicated command: %v", err)
	}
	if err.Error() != "Error: The device is in HRP standby state, so this command cannot be executed." {
		t.Errorf("refusal text %q", err)
	}
	if hrpHas(p.b, "security-policy", "rule name from_b") {
		t.Error("refused command applied")
	}
	// Local commands are still accepted on the standby.
	if _, err := hrpType(t, p.b, nil, "sysname FW-B2"); err != nil {
		t.Errorf("standby refused a local command: %v", err)
	}
	if _, err := hrpType(t, p.b, nil, "hrp standby config enable"); err != nil {
		t.Fatal(err)
	}
	replicated, err := hrpType(t, p.b, []string{"security-policy"}, "rule name from_b")
	if err != nil || !replicated {
		t.Fatalf("with hrp standby config enable: replicated=%v err=%v", replicated, err)
	}
	hrpEventually(t, "FW-B's rule on FW-A", func() bool { return hrpHas(p.a, "security-policy", "rule name from_b") })
}

func TestHRPSyncConfig(t *testing.T) {
	const bps = 40000
	p := hrpStartPair(t, bps)
	want := PlanHRPBackup(p.a.Running(), p.b.Running())
	var text strings.Builder
	if err := config.WriteVRP(&text, p.a.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out := hrpOp(t, p.a, "hrp sync config")
	took := time.Since(start)
	if out != "" {
		t.Errorf("hrp sync config printed %q; the device prints nothing", out)
	}
	if min := time.Duration(text.Len()) * time.Second / bps; took < min*9/10 {
		t.Errorf("hrp sync config of %d bytes took %v, want about %v", text.Len(), took, min)
	}
	hrpEventually(t, "the batch backup on FW-B", func() bool {
		return hrpHas(p.b, "nat-policy", "rule name snat_out", "action")
	})
	got := p.b.Running()
	if !config.Equal(got.Root, want.Result.Root) {
		var g, w strings.Builder
		config.WriteVRP(&g, got, config.PrintOptions{})
		config.WriteVRP(&w, want.Result, config.PrintOptions{})
		t.Errorf("FW-B after hrp sync config:\n%s\nwant:\n%s", g.String(), w.String())
	}
	// The conflicting rule keeps its own action; the extra rule stays.
	act := got.Root.Lookup(config.Path{"security-policy", "rule name ssh_mgmt", "action"})
	if act == nil || act.Values[0] != "deny" {
		t.Errorf("ssh_mgmt action on FW-B: %+v", act)
	}
	if !hrpHas(p.b, "security-policy", "rule name legacy_b_only") {
		t.Error("FW-B's extra rule deleted")
	}
	if got.Root.Child("ip route-static 10.9.0.0 255.255.0.0 10.1.1.254") != nil {
		t.Error("static route sent without its auto-sync")
	}

	// The standby cannot start one.
	if err := p.b.op("hrp sync config")(t.Context(), nil, io.Discard); !errors.Is(err, ErrHRPStandby) {
		t.Errorf("hrp sync config on the standby: %v", err)
	}
}

func TestHRPSyncConnectionStatus(t *testing.T) {
	p := hrpStartPair(t, 0)
	p.a.SetSessions([]Session{
		{Proto: "icmp", VPN: "public", Src: "10.3.0.10:0", SrcNAT: "1.1.2.5:10298", Dst: "1.1.1.10:2048"},
		{Proto: "tcp", VPN: "public", Src: "10.3.0.11:51000", Dst: "10.1.1.10:443"},
	})
	own := Session{Proto: "udp", VPN: "public", Src: "10.3.0.99:53", Dst: "8.8.8.8:53"}
	p.b.SetSessions([]Session{own})
	hrpOp(t, p.a, "hrp sync connection-status")
	hrpEventually(t, "the sessions on FW-B", func() bool { return len(p.b.Sessions()) == 3 })
	var remote int
	for _, s := range p.b.Sessions() {
		if s == own {
			continue
		}
		if !s.Remote {
			t.Errorf("copied session without Remote: %+v", s)
		}
		remote++
	}
	if remote != 2 {
		t.Errorf("%d remote sessions on FW-B, want 2", remote)
	}
	// A second sync replaces the copies rather than adding to them.
	hrpOp(t, p.a, "hrp sync connection-status")
	if err := p.link.WaitBackup(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(p.b.Sessions()); n != 3 {
		t.Errorf("%d sessions after a second sync, want 3", n)
	}
	for _, s := range p.a.Sessions() {
		if s.Remote {
			t.Errorf("FW-A's own session marked Remote: %+v", s)
		}
	}
}

// TestHRPWaitBackup: a backup reaches the peer after the command returned
// (held here by HoldBackup, so that it surely has not); WaitBackup returns
// only once each member applied what its peer sent before, both ways, and
// fails while the link is down. A held member lets go when the link is
// cut.
func TestHRPWaitBackup(t *testing.T) {
	p := hrpStartPair(t, 0)
	ctx := t.Context()
	if _, err := hrpType(t, p.b, nil, "hrp standby config enable"); err != nil {
		t.Fatal(err)
	}
	p.link.HoldBackup("FW-A", true)
	p.link.HoldBackup("FW-B", true)
	const n = 100
	for i := range n {
		if replicated, err := hrpType(t, p.a, nil, "ip address-set held_"+strconv.Itoa(i)+" type object"); err != nil || !replicated {
			t.Fatalf("held_%d: replicated=%v err=%v", i, replicated, err)
		}
	}
	if replicated, err := hrpType(t, p.b, []string{"security-policy"}, "rule name from_b"); err != nil || !replicated {
		t.Fatalf("from_b: replicated=%v err=%v", replicated, err)
	}
	if hrpHas(p.b, "ip address-set held_0 type object") || hrpHas(p.a, "security-policy", "rule name from_b") {
		t.Fatal("a held backup was applied")
	}
	// While held, no mark is answered: WaitBackup ends with its context.
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.link.WaitBackup(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitBackup while held: %v, want cancelled", err)
	}
	p.link.HoldBackup("FW-A", false)
	p.link.HoldBackup("FW-B", false)
	if err := p.link.WaitBackup(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !hrpHas(p.b, "ip address-set held_"+strconv.Itoa(i)+" type object") {
			t.Fatalf("WaitBackup returned before FW-B applied held_%d", i)
		}
	}
	if !hrpHas(p.a, "security-policy", "rule name from_b") {
		t.Fatal("WaitBackup returned before FW-A applied FW-B's rule")
	}

	// A held member's reader ends with the link: the link goes down.
	p.link.HoldBackup("FW-B", true)
	if _, err := hrpType(t, p.a, nil, "ip address-set lost type object"); err != nil {
		t.Fatal(err)
	}
	p.faults.SetCutHRP(true)
	hrpEventually(t, "the link to go down", func() bool { return !p.link.active.isUp() && !p.link.standby.isUp() })
	if err := p.link.WaitBackup(ctx); !errors.Is(err, ErrHRPPeerDown) {
		t.Errorf("WaitBackup while the link is down: %v", err)
	}
	if hrpHas(p.b, "ip address-set lost type object") {
		t.Error("a backup held when the link went down was applied")
	}
}

func TestHRPCutLink(t *testing.T) {
	p := hrpStartPair(t, 0)
	if got := hrpOp(t, p.a, "display hrp interface"); got != " GigabitEthernet1/0/6 : running\n" {
		t.Errorf("display hrp interface up: %q", got)
	}
	p.faults.SetCutHRP(true)
	hrpEventually(t, "the link to go down", func() bool { return !p.link.active.isUp() && !p.link.standby.isUp() })
	if got := hrpOp(t, p.a, "display hrp interface"); got != " GigabitEthernet1/0/6 : down\n" {
		t.Errorf("display hrp interface cut: %q", got)
	}
	state := hrpOp(t, p.a, "display hrp state")
	for _, want := range []string{" Role: active, peer: unknown\n", " Core state: abnormal(active), peer: unknown\n", "new_state = abnormal(active)"} {
		if !strings.Contains(state, want) {
			t.Errorf("display hrp state while cut lacks %q:\n%s", want, state)
		}
	}
	replicated, err := hrpType(t, p.a, nil, "ip address-set during_cut type object")
	if err != nil || replicated {
		t.Errorf("while cut: replicated=%v err=%v", replicated, err)
	}
	if err := p.a.op("hrp sync config")(t.Context(), nil, io.Discard); !errors.Is(err, ErrHRPPeerDown) {
		t.Errorf("hrp sync config while cut: %v", err)
	}

	p.faults.SetCutHRP(false)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.link.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hrpOp(t, p.b, "display hrp state"), " Role: standby, peer: active\n") {
		t.Error("FW-B does not see its peer after the link returned")
	}
	replicated, err = hrpType(t, p.a, nil, "ip address-set after_cut type object")
	if err != nil || !replicated {
		t.Fatalf("after the cut: replicated=%v err=%v", replicated, err)
	}
	hrpEventually(t, "replication to resume", func() bool { return hrpHas(p.b, "ip address-set after_cut type object") })
	if hrpHas(p.b, "ip address-set during_cut type object") {
		t.Error("a command typed while the link was cut reached FW-B")
	}
}

func TestHRPDisplayGolden(t *testing.T) {
	p := hrpStartPair(t, 0)
	hrpOp(t, p.a, "hrp configuration check", "all")
	hrpEventually(t, "the check result", func() bool {
		return strings.Contains(hrpOp(t, p.a, "display hrp configuration check"), "Finish")
	})
	var out strings.Builder
	for _, c := range []struct {
		d    *Device
		cmd  string
		args []string
	}{
		{p.a, "display hrp state", nil},
		{p.b, "display hrp state", []string{"verbose"}},
		{p.a, "display hrp interface", nil},
		{p.a, "display hrp configuration check", nil},
	} {
		out.WriteString("<" + c.d.Name() + "> " + strings.Join(append([]string{c.cmd}, c.args...), " ") + "\n")
		out.WriteString(hrpOp(t, c.d, c.cmd, c.args...))
	}
	got := hrpStamp.ReplaceAllString(out.String(), "YYYY-MM-DD hh:mm:ss")
	hrpGolden(t, "hrp_display.golden", []byte(got))
}
