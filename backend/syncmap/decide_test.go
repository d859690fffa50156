package syncmap

import (
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func TestDecide(t *testing.T) {
	nested := []string{"1 include firewall", "2 exclude firewall name X", "3 include firewall name X rule 10"}
	tests := []struct {
		name  string
		fam   config.Family
		rules []string
		path  string
		scope Scope
		rule  int // 0: no rule
	}{
		{"nested: include top", config.Vyatta, nested, "firewall group address-group A", InScope, 1},
		{"nested: the top itself", config.Vyatta, nested, "firewall", InScope, 1},
		{"nested: exclude inside", config.Vyatta, nested, "firewall name X default-action", Excluded, 2},
		{"nested: excluded node", config.Vyatta, nested, "firewall name X", Excluded, 2},
		{"nested: include inside exclude", config.Vyatta, nested, "firewall name X rule 10 action", InScope, 3},
		{"nested: sibling rule stays excluded", config.Vyatta, nested, "firewall name X rule 20", Excluded, 2},
		{"nested: other name", config.Vyatta, nested, "firewall name Y rule 10", InScope, 1},
		{"nested: shorter than location", config.Vyatta, nested, "firewall name", InScope, 1},
		{"nested: outside", config.Vyatta, nested, "interfaces ethernet eth0", Outside, 0},
		{"whole words only", config.Vyatta, nested, "firewall-extra x", Outside, 0},
		{"tie: exclude wins", config.Vyatta, []string{"1 include service dns", "2 exclude service dns"}, "service dns forwarding", Excluded, 2},
		{"tie: exclude wins in any order", config.Vyatta, []string{"1 exclude service dns", "2 include service dns"}, "service dns", Excluded, 1},
		{"longest wins over lower number", config.Vyatta, []string{"900 include nat source", "5 exclude nat"}, "nat source rule 10", InScope, 900},
		{"longest wins over higher number", config.Vyatta, []string{"900 exclude nat source", "5 include nat"}, "nat source rule 10", Excluded, 900},
		{"same action tie: lower number", config.Vyatta, []string{"7 include nat", "3 include nat"}, "nat destination", InScope, 3},
		{"empty location includes all", config.Vyatta, []string{"1 include"}, "protocols static", InScope, 1},
		{"no rules: nothing synced", config.Vyatta, nil, "system ntp", Outside, 0},
		{"protected despite include system", config.Vyatta, []string{"1 include system"}, "system config-sync remote-router 10.0.0.2", Protected, 0},
		{"protected node itself", config.Vyatta, []string{"1 include system config-sync"}, "system config-sync", Protected, 0},
		{"protected despite empty location", config.Vyatta, []string{"1 include"}, "service https listen-address", Protected, 0},
		{"protected neighbour is not", config.Vyatta, []string{"1 include"}, "service ssh port", InScope, 1},
		{"ancestor of protected is not", config.Vyatta, []string{"1 include"}, "system", InScope, 1},
		{"vrp words span names", config.Huawei, []string{"1 include", "2 exclude ip route-static"}, "ip route-static 0.0.0.0 0.0.0.0 198.51.100.1", Excluded, 2},
		{"vrp location inside a name", config.Huawei, []string{"1 include interface GigabitEthernet1/0/0"}, "interface GigabitEthernet1/0/0|ip address", InScope, 1},
		{"vrp local hrp line protected", config.Huawei, []string{"1 include"}, "hrp interface", Protected, 0},
		{"vrp other hrp line protected", config.Huawei, []string{"1 include"}, "hrp mirror session enable", Protected, 0},
		{"vrp hrp inside a view not protected", config.Huawei, []string{"1 include"}, "interface Eth-Trunk1|hrp track", InScope, 1},
		{"vyatta paths not protected on huawei", config.Huawei, []string{"1 include"}, "service https", InScope, 1},
		{"auto protects both", config.Auto, []string{"1 include"}, "hrp standby-device", Protected, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := smMap(t, tc.fam, tc.rules...)
			d := m.Decide(smPath(tc.path))
			if d.Scope != tc.scope {
				t.Errorf("Decide(%q) = %v, want %v", tc.path, d, tc.scope)
			}
			got := 0
			if d.Rule != nil {
				got = d.Rule.Number
			}
			if got != tc.rule {
				t.Errorf("Decide(%q) rule = %d, want %d", tc.path, got, tc.rule)
			}
		})
	}
}

// smCheckAgree fails when Evaluate and Decide disagree on any node of tr.
func smCheckAgree(t *testing.T, m *Map, tr *config.Tree) int {
	t.Helper()
	dec := m.Evaluate(tr)
	n := 0
	tr.Root.Walk(func(p config.Path, node *config.Node) bool {
		n++
		got, ok := dec[node]
		if !ok {
			t.Errorf("%s: Evaluate has no decision for %q", tr.Source, p)
			return true
		}
		if want := m.Decide(p); got != want {
			t.Errorf("%s: %q: Evaluate says %v, Decide says %v", tr.Source, p, got, want)
		}
		want := got.Scope == InScope
		node.Walk(func(_ config.Path, c *config.Node) bool {
			want = want || dec[c].Scope == InScope
			return !want
		})
		if m.AnyInScope(p, node) != want {
			t.Errorf("%s: %q: AnyInScope says %v, the decisions below say %v", tr.Source, p, !want, want)
		}
		return true
	})
	if len(dec) != n {
		t.Errorf("%s: Evaluate decided %d nodes, the tree has %d", tr.Source, len(dec), n)
	}
	return n
}

const smSample = `set firewall name X default-action drop
set firewall name X rule 10 action accept
set firewall name X rule 20 action drop
set firewall name Y rule 10 action accept
set firewall group address-group A address 192.0.2.1
set interfaces ethernet eth0 address 192.0.2.10/24
set interfaces ethernet eth0 vrrp vrrp-group 1 priority 200
set interfaces ethernet eth0 vif 10 address 198.51.100.2/24
set protocols static route 0.0.0.0/0 next-hop 192.0.2.1
set service https listen-address 192.0.2.10
set service dns forwarding cache-size 100
set system host-name vra-a
set system ntp server 0.pool.ntp.org
set system config-sync remote-router 192.0.2.11 username vyatta
set system config-sync sync-map TEST rule 1 action include
set system config-sync sync-map TEST rule 1 location firewall
`

func TestEvaluateAgreesWithDecide(t *testing.T) {
	maps := map[string]*Map{
		"nested":  smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X", "3 include firewall name X rule 10"),
		"all":     Default(config.Vyatta, nil),
		"system":  smMap(t, config.Vyatta, "1 include system", "2 exclude system ntp", "3 include interfaces ethernet eth0 vif"),
		"nothing": {Name: "none", Family: config.Vyatta},
	}
	tr := smSetTree("sample", smSample)
	for name, m := range maps {
		t.Run(name, func(t *testing.T) { smCheckAgree(t, m, tr) })
	}
}

func TestEvaluateGolden(t *testing.T) {
	m := smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X", "3 include firewall name X rule 10", "4 include system", "5 exclude system ntp")
	smGolden(t, "evaluate_vyatta", smDump(m, smSetTree("sample", smSample)))
}
