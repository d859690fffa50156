package syncmap

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// smUSG is the shape of a USG configuration as the VRP parser keeps it:
// names are command keys, the rest of a line is a value.
const smUSG = `sysname = USG-DC1-A
hrp enable
hrp interface = Eth-Trunk10 remote 172.31.255.2
hrp mirror session enable
hrp standby-device
hrp adjust ospf-cost enable
interface GigabitEthernet1/0/0
 description = uplink-isp
 ip address = 198.51.100.10 255.255.255.240
 vrrp vrid 10 virtual-ip = 198.51.100.9 active
 vrrp vrid 10 priority = 120
firewall zone trust
 set priority = 85
 add interface = GigabitEthernet1/0/1
firewall hash-mode = source-only
license active = lic-1
ip address-set DNS_SERVERS type object
 address 0 = 10.20.0.53 mask 32
ip route-static 0.0.0.0 0.0.0.0 198.51.100.1
ipv6 route-static :: 0 2001:db8::1
policy-based-route
 rule name pbr1
ospf 1 router-id 10.20.0.2
 area 0.0.0.0
bgp 65001
security-policy
 rule name allow_dns
  action = permit
nat-policy
 rule name snat_servers
aaa
 manager-user admin
  level = 15
`

func TestHRP(t *testing.T) {
	paths := []struct {
		path string
		// want without and with `hrp auto-sync config static-route`
		plain, static Scope
	}{
		{"sysname", Excluded, Excluded},
		{"hrp enable", Protected, Protected},
		{"hrp interface", Protected, Protected},
		{"hrp standby-device", Protected, Protected},
		{"hrp adjust ospf-cost enable", Protected, Protected},
		{"interface GigabitEthernet1/0/0|ip address", Excluded, Excluded},
		{"firewall zone trust|add interface", InScope, InScope},
		{"firewall hash-mode", Excluded, Excluded},
		{"license active", Excluded, Excluded},
		{"ip address-set DNS_SERVERS type object|address 0", InScope, InScope},
		{"ip route-static 0.0.0.0 0.0.0.0 198.51.100.1", Excluded, InScope},
		{"ipv6 route-static :: 0 2001:db8::1", Excluded, InScope},
		{"policy-based-route|rule name pbr1", Excluded, Excluded},
		{"ospf 1 router-id 10.20.0.2|area 0.0.0.0", Excluded, Excluded},
		{"bgp 65001", Excluded, Excluded},
		{"security-policy|rule name allow_dns|action", InScope, InScope},
		{"nat-policy|rule name snat_servers", InScope, InScope},
		{"aaa|manager-user admin|level", InScope, InScope},
	}
	plain := smVRPTree(smUSG)
	static := smVRPTree(smUSG + "hrp auto-sync = config static-route\n")
	for _, tc := range []struct {
		name string
		tr   *config.Tree
		pick func(a, b Scope) Scope
	}{
		{"default", plain, func(a, _ Scope) Scope { return a }},
		{"static-route auto-sync", static, func(_, b Scope) Scope { return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := HRP(tc.tr)
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				want := tc.pick(p.plain, p.static)
				d := m.Decide(smPath(p.path))
				if d.Scope != want {
					t.Errorf("%q: %v, want %v", p.path, d, want)
				}
				if d.Scope == Excluded && (d.Rule == nil || len(d.Rule.Location) == 0) {
					t.Errorf("%q: excluded without naming an exclude rule: %v", p.path, d)
				}
			}
			smCheckAgree(t, m, tc.tr)
		})
	}
	smGolden(t, "hrp", HRP(plain).String()+"\n")

	// The auto-sync line as one key, and policy-based-route on its own.
	pbr := smVRPTree(smUSG + "hrp auto-sync config policy-based-route\n")
	m := HRP(pbr)
	if d := m.Decide(smPath("policy-based-route|rule name pbr1")); d.Scope != InScope {
		t.Errorf("policy-based-route with its auto-sync: %v, want in-scope", d)
	}
	if d := m.Decide(smPath("ip route-static 0.0.0.0 0.0.0.0 198.51.100.1")); d.Scope != Excluded {
		t.Errorf("static route without its auto-sync: %v, want excluded", d)
	}
	undo := smVRPTree(smUSG + "undo hrp auto-sync config static-route\n")
	if d := HRP(undo).Decide(smPath("ip route-static 0.0.0.0 0.0.0.0 198.51.100.1")); d.Scope != Excluded {
		t.Errorf("static route with undo auto-sync: %v, want excluded", d)
	}
}

func TestDefault(t *testing.T) {
	vy := Default(config.Vyatta, nil)
	if vy.Name != "all" || len(vy.Rules) != 1 || vy.Rules[0].Action != Include || len(vy.Rules[0].Location) != 0 {
		t.Errorf("vyatta default = %+v", vy)
	}
	if d := vy.Decide(smPath("system config-sync")); d.Scope != Protected {
		t.Errorf("vyatta default on config-sync: %v", d)
	}
	if d := vy.Decide(smPath("interfaces ethernet eth0 address")); d.Scope != InScope {
		t.Errorf("vyatta default on an address: %v", d)
	}
	hw := Default(config.Huawei, smVRPTree(smUSG))
	if hw.Name != "hrp" || hw.Family != config.Huawei {
		t.Errorf("huawei default = %s %v", hw.Name, hw.Family)
	}
}

func TestScoped(t *testing.T) {
	m := smMap(t, config.Vyatta, "1 include firewall name X", "2 exclude firewall name X rule 20", "3 include system", "4 exclude system ntp")
	a := smSetTree("a", smSample)
	got := m.Scoped(a)
	want := smSetTree("want", `set firewall name X default-action drop
set firewall name X rule 10 action accept
set system host-name vra-a
`)
	if !config.Equal(got.Root, want.Root) {
		t.Errorf("Scoped:\n%s\nwant:\n%s", smOutline(got.Root), smOutline(want.Root))
	}
	if got.Source != "a" || got.Family != config.Vyatta {
		t.Errorf("Scoped lost source or family: %q %v", got.Source, got.Family)
	}
	if a.Root.Lookup(smPath("firewall name X rule 20")) == nil {
		t.Error("Scoped changed its input")
	}

	// Two peers that differ only outside the scope have equal scoped trees.
	b := smSetTree("b", strings.NewReplacer("vra-a", "vra-a", "0.pool", "1.pool", "192.0.2.10/24", "192.0.2.11/24", "rule 20 action drop", "rule 20 action accept").Replace(smSample))
	if !config.Equal(m.Scoped(a).Root, m.Scoped(b).Root) {
		t.Error("peers differing outside the scope compare different")
	}
	c := smSetTree("c", strings.Replace(smSample, "host-name vra-a", "host-name vra-b", 1))
	if config.Equal(m.Scoped(a).Root, m.Scoped(c).Root) {
		t.Error("peers differing inside the scope compare equal")
	}

	// Structure keeps no values: a VRP parent carrying one is out of scope.
	vrp := smVRPTree("interface Eth0 = parent-value\n ip address = 10.0.0.1 24\n")
	s := smMap(t, config.Huawei, "1 include interface Eth0 ip").Scoped(vrp)
	n := s.Root.Child("interface Eth0")
	if n == nil || len(n.Values) != 0 || n.Child("ip address") == nil || n.Child("ip address").Values[0] != "10.0.0.1 24" {
		t.Errorf("Scoped VRP:\n%s", smOutline(s.Root))
	}
	if empty := (&Map{Name: "none"}).Scoped(a); len(empty.Root.Children) != 0 {
		t.Errorf("empty map scoped %d nodes", empty.Root.Count())
	}
}

// TestScopedDropsContainerOfUnshared: a node in scope that is only a
// container of nodes the map does not share has no part to sync, so
// Scoped leaves it out (a push must not create an empty nat-policy); an
// in-scope valueless leaf or empty node stays.
func TestScopedDropsContainerOfUnshared(t *testing.T) {
	vrp := smVRPTree("nat-policy\n rule name a\n  action no-nat\nsecurity-policy\n rule name b\n  action permit\nstelnet server enable\n")
	m := smMap(t, config.Huawei, "1 include nat-policy", "2 exclude nat-policy rule", "3 include security-policy", "4 include stelnet")
	s := m.Scoped(vrp)
	if n := s.Root.Child("nat-policy"); n != nil {
		t.Errorf("Scoped keeps nat-policy, whose only rule is excluded:\n%s", smOutline(s.Root))
	}
	if s.Root.Child("security-policy") == nil || s.Root.Child("stelnet server enable") == nil {
		t.Errorf("Scoped lost an in-scope node:\n%s", smOutline(s.Root))
	}
}

func smOutline(n *config.Node) string {
	var b strings.Builder
	n.Walk(func(p config.Path, c *config.Node) bool {
		b.WriteString(strings.Repeat("  ", len(p)-1) + c.Name + " " + strings.Join(c.Values, ",") + "\n")
		return true
	})
	return b.String()
}

func TestWarnings(t *testing.T) {
	vy := smSetTree("vra-a.conf", smSample+`set high-availability vrrp group LAN priority 150
set high-availability vrrp group LAN vrid 10
set interfaces ethernet eth0 hw-id 00:11:22:33:44:55
set interfaces ethernet eth0 vif 10 vrrp vrrp-group 2 priority 90
set service ssh port 22
`)
	hw := smVRPTree(smUSG)
	tests := []struct {
		name  string
		tree  *config.Tree
		rules []string
		fam   config.Family
		want  []string // "path: rule N"
	}{
		{"firewall only", vy, []string{"1 include firewall"}, config.Vyatta, nil},
		{"system", vy, []string{"1 include system"}, config.Vyatta, []string{"system host-name: 1"}},
		{"system without host-name", vy, []string{"1 include system", "2 exclude system host-name"}, config.Vyatta, nil},
		{"interfaces", vy, []string{"1 include interfaces", "2 exclude interfaces ethernet eth0 vif"}, config.Vyatta, []string{
			"interfaces ethernet eth0 address: 1",
			"interfaces ethernet eth0 vrrp vrrp-group 1 priority: 1",
			"interfaces ethernet eth0 hw-id: 1",
		}},
		{"vif", vy, []string{"7 include interfaces ethernet eth0 vif"}, config.Vyatta, []string{
			"interfaces ethernet eth0 vif 10 address: 7",
			"interfaces ethernet eth0 vif 10 vrrp vrrp-group 2 priority: 7",
		}},
		{"vyos ha and services", vy, []string{"1 include high-availability", "2 include service"}, config.Vyatta, []string{
			"service ssh: 2",
			"high-availability vrrp group LAN priority: 1",
		}},
		{"hrp map", hw, nil, config.Huawei, nil},
		{"huawei everything", hw, []string{"1 include"}, config.Huawei, []string{
			"sysname: 1",
			"interface GigabitEthernet1/0/0 ip address: 1",
			"interface GigabitEthernet1/0/0 vrrp vrid 10 virtual-ip: 1",
			"interface GigabitEthernet1/0/0 vrrp vrid 10 priority: 1",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := HRP(tc.tree)
			if tc.rules != nil {
				m = smMap(t, tc.fam, tc.rules...)
			}
			var got []string
			for _, w := range m.Warnings(tc.tree) {
				got = append(got, w.Path.String()+": "+strconv.Itoa(w.Rule.Number))
				if !strings.Contains(w.Msg, "unique to each device") || !strings.Contains(w.String(), w.Path.String()) {
					t.Errorf("poor message: %s", w)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestHRPStableNumbers(t *testing.T) {
	plain := HRP(smVRPTree(smUSG))
	both := HRP(smVRPTree(smUSG + "hrp auto-sync config static-route\nhrp auto-sync config policy-based-route\n"))
	if len(both.Rules) != len(plain.Rules)-3 {
		t.Fatalf("auto-sync dropped %d rules, want 3", len(plain.Rules)-len(both.Rules))
	}
	for _, r := range both.Rules {
		if d := plain.Decide(config.Path{strings.Join(r.Location, " ")}); len(r.Location) > 0 && (d.Rule == nil || d.Rule.Number != r.Number) {
			t.Errorf("rule %d %v changed number: %v", r.Number, r.Location, d)
		}
	}
}
