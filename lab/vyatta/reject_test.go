package vyatta

import (
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// openSSHConfigure logs in to m with the OpenSSH client (`ssh -tt`, stdin
// from a pipe, so the device gets a PTY) and enters configure mode. run
// types lines one by one and returns the last one's output up to the next
// configure prompt.
func openSSHConfigure(t *testing.T, p *Pair, m *Member) (run func(lines ...string) string) {
	t.Helper()
	name := m.Device.Name()
	sh := openSSHShell(t, p, m, "vyatta@"+name+":~$ ")
	sh.Send("configure\n")
	sh.Expect("[edit]\r\nvyatta@" + name + "# ")
	return func(lines ...string) (out string) {
		t.Helper()
		for _, l := range lines {
			sh.Send(l + "\n")
			out = sh.Expect("vyatta@" + name + "# ")
		}
		return out
	}
}

// crlf writes an expected device text with the PTY's line ends.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// rejectCase is an input the device must refuse: the lines typed (a
// trailing "commit" for a commit-time check), and the device's exact error
// text, as the last line's output holds it.
type rejectCase struct {
	name  string
	lines []string
	want  string
}

// vraRejects are the rejections of issue 8 on a VRA (5600 formats), typed
// into vra-a, whose seeded configuration has ruleset WAN-IN, port-group WEB
// and config-sync to vra-b.
var vraRejects = []rejectCase{
	{"unknown node", []string{"set interfaces frobnicate dp0s9 wibble 7"},
		"Configuration path: [interfaces frobnicate dp0s9 wibble 7] is not valid\nSet failed"},
	{"rule number out of range", []string{"set security firewall name X rule 99999 action accept"},
		"[security firewall name X rule 99999]\n99999 is not valid: Rule number must be between 1 and 9999\nValue validation failed\nSet failed"},
	{"action not in the enumeration", []string{"set security firewall name WAN-IN rule 10 action banana"},
		"[security firewall name WAN-IN rule 10 action banana]\nbanana is not one of accept, drop, reject\nValue validation failed\nSet failed"},
	{"mtu not a number", []string{"set interfaces dataplane dp0s1 mtu abc"},
		"[interfaces dataplane dp0s1 mtu abc]\nabc is not valid: MTU must be between 68 and 16000\nValue validation failed\nSet failed"},
	{"route prefix", []string{"set protocols static route 999.1.1.0/24 next-hop 192.0.2.1"},
		"[protocols static route 999.1.1.0/24]\n999.1.1.0/24 is not a valid IPv4 prefix\nValue validation failed\nSet failed"},
	{"next-hop not an address", []string{"set protocols static route 192.0.2.0/24 next-hop banana"},
		"[protocols static route 192.0.2.0/24 next-hop banana]\nbanana is not a valid IPv4 address\nValue validation failed\nSet failed"},
	{"MAC address", []string{"set interfaces dataplane dp0s1 mac 00:11:22:33:44:zz"},
		"[interfaces dataplane dp0s1 mac 00:11:22:33:44:zz]\n00:11:22:33:44:zz is not a valid MAC address\nValue validation failed\nSet failed"},
	{"IPv6 prefix length", []string{"set protocols static route6 2001:db8::/129 next-hop 2001:db8::1"},
		"[protocols static route6 2001:db8::/129]\n2001:db8::/129 is not a valid IPv6 prefix\nValue validation failed\nSet failed"},
	{"IPv6 next-hop", []string{"set protocols static route6 2001:db8::/64 next-hop 2001:db8:::1"},
		"[protocols static route6 2001:db8::/64 next-hop 2001:db8:::1]\n2001:db8:::1 is not a valid IPv6 address\nValue validation failed\nSet failed"},
	{"interface address", []string{"set interfaces dataplane dp0s1 address 2001:db8::1/200"},
		"[interfaces dataplane dp0s1 address 2001:db8::1/200]\n2001:db8::1/200 is not a valid IP host or one of dhcp, dhcpv6\nValue validation failed\nSet failed"},
	{"host-name against its regex", []string{"set system host-name -bad-"},
		"[system host-name -bad-]\n-bad- is not matching [A-Za-z0-9][-.A-Za-z0-9]*[A-Za-z0-9]\nValue validation failed\nSet failed"},
	{"leaf used as a node", []string{"set system host-name vra-a extra"},
		"Configuration path: [system host-name vra-a extra] is not valid\nSet failed"},
	{"tag node without its value", []string{"set interfaces dataplane"},
		"Configuration path: [interfaces dataplane] requires a value\nSet failed"},
	{"config-sync rule number", []string{"set system config-sync sync-map LAB-SYNC rule 2000 action include"},
		"[system config-sync sync-map LAB-SYNC rule 2000]\n2000 is not valid: Rule number must be between 1 and 1024\nValue validation failed\nSet failed"},
	{"rule without action (commit)", []string{"set security firewall name WAN-IN rule 20 protocol tcp", "commit"},
		"[security firewall name WAN-IN rule 20]\n\nRule action must be defined\n\n[[security firewall name WAN-IN rule 20]] failed.\n\nCommit failed!"},
	{"missing address-group (commit)", []string{
		"set security firewall name WAN-IN rule 30 action accept",
		"set security firewall name WAN-IN rule 30 source address NO-SUCH-GROUP", "commit"},
		"[security firewall name WAN-IN rule 30 source address NO-SUCH-GROUP]\n\naddress-group \"NO-SUCH-GROUP\" is not defined\n\n[[security firewall name WAN-IN rule 30]] failed.\n\nCommit failed!"},
	{"missing port-group (commit)", []string{
		"set security firewall name WAN-IN rule 40 action accept",
		"set security firewall name WAN-IN rule 40 destination port NO-SUCH-PORTS", "commit"},
		"[security firewall name WAN-IN rule 40 destination port NO-SUCH-PORTS]\n\nport-group \"NO-SUCH-PORTS\" is not defined\n\n[[security firewall name WAN-IN rule 40]] failed.\n\nCommit failed!"},
	{"missing ruleset (commit)", []string{"set interfaces dataplane dp0s1 firewall out NO-SUCH-RULESET", "commit"},
		"[interfaces dataplane dp0s1 firewall out NO-SUCH-RULESET]\n\nfirewall ruleset \"NO-SUCH-RULESET\" is not defined\n\n[[interfaces dataplane dp0s1]] failed.\n\nCommit failed!"},
	{"second remote-router (commit)", []string{
		"set system config-sync remote-router 10.0.0.3 username vyatta",
		"set system config-sync remote-router 10.0.0.3 sync-map LAB-SYNC", "commit"},
		"[system config-sync remote-router]\n\nOnly one remote-router may be configured\n\n[[system config-sync remote-router]] failed.\n\nCommit failed!"},
	{"config-sync location not a path (commit)", []string{
		"set system config-sync sync-map LAB-SYNC rule 9 action include",
		"set system config-sync sync-map LAB-SYNC rule 9 location 'security frobnicate'", "commit"},
		"[system config-sync sync-map LAB-SYNC rule 9 location security frobnicate]\n\n\"security frobnicate\" is not a valid configuration path\n\n[[system config-sync sync-map LAB-SYNC rule 9]] failed.\n\nCommit failed!"},
}

// TestOpenSSHRejects types each refused input into vra-a with the OpenSSH
// client: the output holds the device's exact error text, and afterwards
// neither the candidate nor the running configuration of either member
// changed (a refused commit syncs nothing).
func TestOpenSSHRejects(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	run := openSSHConfigure(t, p, p.A)
	beforeA, beforeB := p.A.Device.Running(), p.B.Device.Running()
	for _, tc := range vraRejects {
		got := run(tc.lines...)
		if !strings.Contains(got, crlf(tc.want)) {
			t.Errorf("%s: want\n%s\nin:\n%s", tc.name, tc.want, got)
		}
		if strings.Contains(got, "syncing configuration") {
			t.Errorf("%s: a refused commit synced:\n%s", tc.name, got)
		}
		if tc.lines[len(tc.lines)-1] != "commit" {
			// A refused set leaves the candidate as it was.
			if c := run("compare"); !strings.Contains(c, "No changes between working and active configurations.") {
				t.Errorf("%s: a refused set changed the candidate:\n%s", tc.name, c)
			}
		}
		run("discard")
		if !config.Equal(beforeA.Root, p.A.Device.Running().Root) {
			t.Errorf("%s: the running configuration of vra-a changed", tc.name)
		}
		if !config.Equal(beforeB.Root, p.B.Device.Running().Root) {
			t.Errorf("%s: the running configuration of vra-b changed", tc.name)
		}
	}
	if len(vraRejects) < 10 {
		t.Errorf("only %d rejected inputs", len(vraRejects))
	}
}

// TestOpenSSHRejectsVyOS: the VyOS flavor prints its own blocks.
func TestOpenSSHRejectsVyOS(t *testing.T) {
	p := vysshPair(t, PairOptions{Flavor: FlavorVyOS})
	run := openSSHConfigure(t, p, p.B)
	before := p.B.Device.Running()
	for _, tc := range []rejectCase{
		{"mtu", []string{"set interfaces dataplane dp0s1 mtu abc"},
			"[ interfaces dataplane dp0s1 mtu abc ]\nabc is not valid: MTU must be between 68 and 16000\nValue validation failed\nSet failed"},
		{"rule without action", []string{"set security firewall name WAN-IN rule 20 protocol tcp", "commit"},
			"[ security firewall name WAN-IN rule 20 ]\nError: Rule action must be defined\n\n[[security firewall name WAN-IN rule 20]] failed\nCommit failed"},
	} {
		got := run(tc.lines...)
		if !strings.Contains(got, crlf(tc.want)) || strings.Contains(got, "Commit failed!") {
			t.Errorf("%s: want\n%s\nin:\n%s", tc.name, tc.want, got)
		}
		run("discard")
	}
	if !config.Equal(before.Root, p.B.Device.Running().Root) {
		t.Error("the running configuration changed")
	}
}

// TestOpenSSHPartialCommit: with --partial-commit a commit whose second
// subtree (security, after system) fails leaves the first applied, prints
// what it applied and the failure, and keeps the failed change in the
// candidate; config-sync runs for what was applied. Without it the same
// commit applies nothing.
func TestOpenSSHPartialCommit(t *testing.T) {
	lines := []string{
		"set system domain-name partial.example.net",
		"set security firewall name WAN-IN rule 20 protocol tcp",
	}
	t.Run("partial", func(t *testing.T) {
		p := vysshPair(t, PairOptions{PartialCommit: true})
		run := openSSHConfigure(t, p, p.A)
		got := run(append(lines, "commit")...)
		want := crlf("[ system domain-name ]\n" +
			"syncing configuration to remote-router 10.0.0.2 ..\n" +
			"[security firewall name WAN-IN rule 20]\n\nRule action must be defined\n\n[[security firewall name WAN-IN rule 20]] failed.\n\nCommit failed!")
		if !strings.Contains(got, want) {
			t.Errorf("partial commit output: want\n%s\nin:\n%s", want, got)
		}
		if v := devLeaf(p.A.Device, "system domain-name"); len(v) != 1 || v[0] != "partial.example.net" {
			t.Errorf("the first subtree was not applied: %q", v)
		}
		if p.A.Device.Running().Root.Lookup(config.Path(strings.Fields("security firewall name WAN-IN rule 20"))) != nil {
			t.Error("the failed subtree was applied")
		}
		if c := run("compare"); !strings.Contains(c, crlf("[security firewall name WAN-IN]\n+ rule 20 {\n+     protocol \"tcp\"\n+ }")) || strings.Contains(c, "domain-name") {
			t.Errorf("after a partial commit the candidate keeps only the failed change:\n%s", c)
		}
		// Fixing the failed subtree commits it.
		run("set security firewall name WAN-IN rule 20 action accept")
		if got := run("commit"); !strings.Contains(got, "[ security firewall ]") || strings.Contains(got, "failed") {
			t.Errorf("commit after the fix:\n%s", got)
		}
	})
	t.Run("all or nothing", func(t *testing.T) {
		p := vysshPair(t, PairOptions{})
		before := p.A.Device.Running()
		run := openSSHConfigure(t, p, p.A)
		got := run(append(lines, "commit")...)
		if !strings.Contains(got, "Commit failed!") || strings.Contains(got, "[ system domain-name ]") {
			t.Errorf("commit output:\n%s", got)
		}
		if !config.Equal(before.Root, p.A.Device.Running().Root) {
			t.Error("a failed commit applied part of its changes")
		}
	})
}
