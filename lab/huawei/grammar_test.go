package huawei

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab/labtest"
)

// hwRefusal is a command a USG refuses: typed after enter (from the
// system view), refused with reason under the caret at the word at.
type hwRefusal struct {
	enter  []string
	prompt string // the prompt of the view the line is typed in
	line   string
	at     string // the word the caret points at
	reason string
}

// hwRefusals are the inputs of issue 8 and more, each with the device's
// caret error. The prompts are FW-A's, without the HRP prefix.
var hwRefusals = []hwRefusal{
	{nil, "[FW-A]", "ip route-static 10.9.0.0 255.255.0.0 999.1.1.1", "999.1.1.1", "Wrong parameter"},
	{nil, "[FW-A]", "ip route-static 10.9.0.0 255.0.255.0 10.0.0.1", "255.0.255.0", "Wrong parameter"},
	{nil, "[FW-A]", "ip route-static 10.9.0.0 33 10.0.0.1", "33", "Wrong parameter"},
	{nil, "[FW-A]", "hrp auto-sync banana split", "banana", "Unrecognized command"},
	{nil, "[FW-A]", "hrp timer hello 499", "499", "Wrong parameter"},
	{nil, "[FW-A]", "hrp timer hello 60001", "60001", "Wrong parameter"},
	{nil, "[FW-A]", "firewall zone nozone", "nozone", "Wrong parameter"},
	{nil, "[FW-A]", "clock timezone UTC add 25:00:00", "25:00:00", "Wrong parameter"},
	{nil, "[FW-A]", "interface Frobnicate0/0/1", "Frobnicate0/0/1", "Wrong parameter"},
	{nil, "[FW-A]", "acl number 5000", "5000", "Wrong parameter"},
	{[]string{"security-policy", "rule name web_in_1"}, "[FW-A-policy-security-rule-web_in_1]", "source-zone nozone", "nozone", "Wrong parameter"},
	{[]string{"security-policy", "rule name web_in_1"}, "[FW-A-policy-security-rule-web_in_1]", "destination-address address-set DOES_NOT_EXIST", "DOES_NOT_EXIST", "Wrong parameter"},
	{[]string{"security-policy", "rule name web_in_1"}, "[FW-A-policy-security-rule-web_in_1]", "service NO_SUCH_SERVICE", "NO_SUCH_SERVICE", "Wrong parameter"},
	{[]string{"security-policy", "rule name web_in_1"}, "[FW-A-policy-security-rule-web_in_1]", "action banana", "banana", "Unrecognized command"},
	{[]string{"security-policy", "rule name web_in_1"}, "[FW-A-policy-security-rule-web_in_1]", "source-address 10.1.1.0 mask 255.255.0.255", "255.255.0.255", "Wrong parameter"},
	{[]string{"firewall zone trust"}, "[FW-A-zone-trust]", "set priority 101", "101", "Wrong parameter"},
	{[]string{"firewall zone trust"}, "[FW-A-zone-trust]", "set priority 0", "0", "Wrong parameter"},
	{[]string{"aaa", "manager-user admin"}, "[FW-A-aaa-manager-user-admin]", "level 16", "16", "Wrong parameter"},
	{[]string{"ip address-set WEB_1 type object"}, "[FW-A-object-address-set-WEB_1]", "address 5 10.1.1.300 mask 32", "10.1.1.300", "Wrong parameter"},
	{[]string{"user-interface vty 0 4"}, "[FW-A-ui-vty0-4]", "user privilege level 16", "16", "Wrong parameter"},
	{[]string{"interface GigabitEthernet1/0/1"}, "[FW-A-GigabitEthernet1/0/1]", "mtu abc", "abc", "Wrong parameter"},
}

// want is the caret line and the error the device prints after the
// echoed prompt and line.
func (r hwRefusal) want(prefix string) string {
	pos := strings.Index(r.line, " "+r.at) + 1
	return strings.Repeat(" ", len(prefix+r.prompt)+pos) + "^\n" + "Error: " + r.reason + " found at '^' position.\n"
}

// TestGrammarRefusals types each refused input on a CLI and checks the
// exact caret error and that the configuration did not change.
func TestGrammarRefusals(t *testing.T) {
	for _, r := range hwRefusals {
		t.Run(r.line, func(t *testing.T) {
			d := hwDevice(t, "FW-A")
			var out bytes.Buffer
			c := d.NewCLI(&out, nil)
			hwRun(t, c, &out, append([]string{"system-view"}, r.enter...)...)
			if got := c.Prompt(); got != r.prompt {
				t.Fatalf("prompt %q, want %q", got, r.prompt)
			}
			before := d.Running()
			got := hwRun(t, c, &out, r.line)[0]
			if got != r.want("") {
				t.Errorf("output:\n%q\nwant\n%q", got, r.want(""))
			}
			if !config.Equal(before.Root, d.Running().Root) {
				t.Error("the refused command changed the configuration")
			}
			// Apply (the path HRP and tests use) refuses it as well.
			if err := d.Apply(r.enter, r.line); err == nil {
				t.Error("Apply accepted it")
			}
		})
	}
}

// TestGrammarAccepts: the typed slots take what the device takes.
func TestGrammarAccepts(t *testing.T) {
	d := hwDevice(t, "FW-A")
	for _, c := range []struct {
		view []string
		line string
	}{
		{nil, "ip route-static 10.9.0.0 255.255.0.0 10.0.0.1"},
		{nil, "ip route-static 10.8.0.0 16 10.0.0.1 preference 70 description via core"},
		{nil, "ip route-static 0.0.0.0 0 NULL0"},
		{nil, "ip route-static 10.7.0.0 255.255.255.255 GigabitEthernet1/0/1 10.20.0.254"},
		{nil, "hrp auto-sync config static-route"},
		{nil, "hrp auto-sync config policy-based-route"},
		{nil, "hrp timer hello 500"},
		{nil, "hrp timer hello 60000"},
		{nil, "firewall zone name guests id 9"},
		{[]string{"firewall zone name guests"}, "set priority 1"},
		{[]string{"security-policy", "rule name web_in_1"}, "source-zone guests"},
		{[]string{"security-policy", "rule name web_in_1"}, "service ssh"},
		{[]string{"security-policy", "rule name web_in_1"}, "service TCP_8443"},
		{[]string{"security-policy", "rule name web_in_1"}, "source-address 10.0.0.0 mask 255.0.0.0"},
		{[]string{"security-policy", "rule name web_in_1"}, "source-address 10.0.0.0 8"},
		{[]string{"security-policy", "rule name web_in_1"}, "act deny"},
		{[]string{"aaa", "manager-user admin"}, "level 0"},
		{[]string{"aaa"}, "authentication-scheme admin_local"},
		{[]string{"aaa", "authentication-scheme admin_local"}, "authentication-mode local"},
		{[]string{"aaa", "domain default"}, "authentication-scheme admin_local"},
	} {
		if err := d.Apply(c.view, c.line); err != nil {
			t.Errorf("%v %q: %v", c.view, c.line, err)
		}
	}
	// A domain cannot name a scheme that does not exist.
	if err := d.Apply([]string{"aaa", "domain default"}, "authentication-scheme nope"); err == nil {
		t.Error("a missing authentication-scheme was accepted")
	}
}

// TestACLGrammar: ACL numbers and rules are typed: numbers by kind,
// actions and protocols as keywords, addresses and wildcards, ports; a
// rule goes with its number.
func TestACLGrammar(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	hwRun(t, c, &out, "system-view", "acl number 3000")
	if got := c.Prompt(); got != "[FW-A-acl-adv-3000]" {
		t.Fatalf("prompt %q", got)
	}
	for _, line := range []string{
		"description web servers",
		"rule 5 permit tcp source 10.0.0.0 0.0.0.255 destination-port eq 443",
		"rule 10 deny ip",
		"rule 15 permit icmp destination 192.0.2.1 0",
	} {
		if got := hwRun(t, c, &out, line)[0]; got != "" {
			t.Errorf("%q: %q", line, got)
		}
	}
	for _, r := range []struct{ line, at, reason string }{
		{"rule 20 allow ip", "allow", "Unrecognized command"},
		{"rule 20 permit ip source 10.0.0.300 0", "10.0.0.300", "Wrong parameter"},
		{"rule 20 permit tcp destination-port eq 65536", "65536", "Wrong parameter"},
		{"rule 4294967295 permit", "4294967295", "Wrong parameter"},
		{"rule 20 permit ip destination-port eq 80", "destination-port", "Unrecognized command"},
	} {
		want := hwRefusal{prompt: "[FW-A-acl-adv-3000]", line: r.line, at: r.at, reason: r.reason}.want("")
		if got := hwRun(t, c, &out, r.line)[0]; got != want {
			t.Errorf("%q:\n%q\nwant\n%q", r.line, got, want)
		}
	}
	hwRun(t, c, &out, "undo rule 10")
	acl := d.Running().Root.Child("acl number 3000")
	if acl == nil || acl.Child("rule 10") != nil || acl.Child("rule 5") == nil || acl.Child("rule 15") == nil {
		t.Errorf("acl after undo rule 10: %+v", acl)
	}
	hwRun(t, c, &out, "quit", "acl 2001")
	if got := c.Prompt(); got != "[FW-A-acl-basic-2001]" {
		t.Errorf("prompt %q", got)
	}
}

func TestMaskSlot(t *testing.T) {
	for w, ok := range map[string]bool{
		"0": true, "32": true, "33": false, "-1": false, "08": false,
		"255.255.255.0": true, "0.0.0.0": true, "255.255.255.255": true, "255.255.128.0": true,
		"255.0.255.0": false, "0.255.255.255": false, "255.255.255.1": false, "999.0.0.0": false,
	} {
		if isMask(w) != ok {
			t.Errorf("isMask(%q) = %v", w, !ok)
		}
	}
}

// TestSeedLinesTypeCheck: every line of the seeded configurations, typed
// in its view, is accepted by the grammar, references included; so the
// seed is a configuration a real device could hold.
func TestSeedLinesTypeCheck(t *testing.T) {
	for _, lines := range []int{0, 1500} {
		a, b, err := SeedPair(lines)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range []*config.Tree{a, b} {
			d, err := New(Options{Name: tr.Source}, tr)
			if err != nil {
				t.Fatal(err)
			}
			var walk func(view []string, n *config.Node)
			walk = func(view []string, n *config.Node) {
				for _, c := range n.Children {
					line := c.Name
					if len(c.Values) > 0 {
						line += " " + c.Values[0]
					}
					kind, err := d.viewKind(view)
					if err != nil {
						t.Fatalf("%s: view %q: %v", tr.Source, view, err)
					}
					m, err := d.resolve(kind, line)
					if err == nil {
						err = d.checkRefs(m)
					}
					if err != nil {
						t.Errorf("%s: %q in %q: %v", tr.Source, line, view, err)
						continue
					}
					if len(c.Children) > 0 {
						walk(append(append([]string(nil), view...), c.Name), c)
					}
				}
			}
			walk(nil, tr.Root)
		}
	}
}

// TestRefusalsOverOpenSSH types the refused inputs on FW-A with the
// OpenSSH client: each gets its exact caret error, and neither member's
// configuration changes (nothing is replicated).
func TestRefusalsOverOpenSSH(t *testing.T) {
	p := hwPair(t, PairOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sh, quit := hwOpenSSH(ctx, t, p, p.A)
	beforeA, beforeB := p.A.Device.Running(), p.B.Device.Running()
	sh.Expect("HRP_M<FW-A>")
	sh.Run("screen-length 0 temporary", "HRP_M<FW-A>")
	for _, r := range hwRefusals {
		sh.Run("system-view", "HRP_M[FW-A]")
		for _, e := range r.enter {
			sh.Line(e)
			sh.Expect("]")
		}
		prompt := "HRP_M" + r.prompt
		sh.Line(r.line)
		got := sh.Expect(prompt)
		want := r.line + "\r\n" + strings.ReplaceAll(r.want("HRP_M"), "\n", "\r\n") + prompt
		if got != want {
			t.Errorf("%q:\n%q\nwant\n%q", r.line, got, want)
		}
		sh.Run("return", "HRP_M<FW-A>")
	}
	quit()
	// Replication is asynchronous: a marker sent after the refusals has
	// arrived on FW-B once everything before it would have.
	if !config.Equal(beforeA.Root, p.A.Device.Running().Root) {
		t.Error("FW-A's configuration changed")
	}
	hrpMarker(t, p)
	if !config.Equal(beforeB.Root, p.B.Device.Running().Root) {
		t.Error("FW-B's configuration changed")
	}
}

// hrpMarker replicates a command FW-B does not have to FW-B and waits for
// it, then removes it from both: what was sent before it has arrived.
func hrpMarker(t *testing.T, p *Pair) {
	t.Helper()
	h := p.A.Device.getHRP()
	for _, line := range []string{"ip address-set zz_marker type object", "undo ip address-set zz_marker type object"} {
		if replicated, err := h.Intercept(nil, line); err != nil || !replicated {
			t.Fatalf("marker %q: replicated=%v err=%v", line, replicated, err)
		}
		if err := p.A.Device.Apply(nil, line); err != nil {
			t.Fatal(err)
		}
		h.Replicate(nil, line)
		has := !strings.HasPrefix(line, "undo")
		labtest.Eventually(t, "the marker on FW-B", 10*time.Second, func() bool {
			return (p.B.Device.Running().Root.Child("ip address-set zz_marker type object") != nil) == has
		})
	}
}

// FuzzTypedSlots checks the slot types against the standard library: a
// mask is what net.IPMask calls canonical (or a length 0-32), an IPv4
// address is what net.ParseIP reads as one without leading zeros, an
// integer range takes exactly the canonical numbers inside it.
func FuzzTypedSlots(f *testing.F) {
	for _, s := range []string{"255.255.0.0", "255.0.255.0", "32", "33", "0", "08", "10.1.1.300", "1.2.3.4", "::1", "60000", "499"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		wantMask := false
		if n, err := strconv.Atoi(w); err == nil && strconv.Itoa(n) == w {
			wantMask = n >= 0 && n <= 32
		} else if ip := net.ParseIP(w); ip != nil && ip.To4() != nil && strings.Count(w, ".") == 3 && isIPv4(w) {
			m := net.IPMask(ip.To4())
			_, bits := m.Size()
			wantMask = bits == 32
		}
		if got := isMask(w); got != wantMask {
			t.Errorf("isMask(%q) = %v, want %v", w, got, wantMask)
		}
		n, err := strconv.ParseUint(w, 10, 64)
		wantHello := err == nil && strconv.FormatUint(n, 10) == w && n >= 500 && n <= 60000
		if got := accepts("<int:500-60000>", w); got != wantHello {
			t.Errorf("hello %q: %v, want %v", w, got, wantHello)
		}
	})
}
