package schema

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	cases := []struct {
		path string
		want Info // Help is not compared
	}{
		{"", Info{Kind: Node, Source: VyOS}},
		{"interfaces", Info{Kind: Node, Source: VyOS}},
		{"interfaces ethernet", Info{Kind: Tag, Source: VyOS}},
		{"interfaces ethernet eth0", Info{Kind: Node, TagValue: true, Source: VyOS}},
		{"interfaces ethernet eth0 address", Info{Kind: Leaf, Multi: true, Source: VyOS}},
		{"interfaces ethernet eth0 disable", Info{Kind: Leaf, Valueless: true, Source: VyOS}},
		{"interfaces ethernet eth0 vif 10 address", Info{Kind: Leaf, Multi: true, Source: VyOS}},
		{"system host-name", Info{Kind: Leaf, Source: VyOS}},
		{"system host-name r1", Info{}},
		{"firewall ipv4 name X rule 10 action", Info{Kind: Leaf, Source: VyOS}},
		{"protocols static route 0.0.0.0/0", Info{Kind: Node, TagValue: true, Source: VyOS}},
		{"protocols static route 0.0.0.0/0 next-hop", Info{Kind: Tag, Source: VyOS}},
		{"protocols static route 0.0.0.0/0 next-hop 192.0.2.1", Info{Kind: Node, TagValue: true, Source: VyOS}},
		{"protocols static route 0.0.0.0/0 next-hop 192.0.2.1 distance", Info{Kind: Leaf, Source: VyOS}},
		// The Vyatta 5600 / VRA table.
		{"security firewall name X rule 10 action", Info{Kind: Leaf, Source: Vyatta, Alias: "firewall ipv4 name"}},
		{"security firewall name X rule 10 state enable", Info{Kind: Leaf, Valueless: true, Source: Vyatta, Alias: "firewall ipv4 name"}},
		{"security firewall name X rule 10 ttl eq", Info{Kind: Leaf, Source: Vyatta, Alias: "firewall ipv4 name"}}, // VyOS's, through the alias
		{"security firewall global-state-policy tcp", Info{Kind: Leaf, Valueless: true, Source: Vyatta}},
		{"interfaces dataplane", Info{Kind: Tag, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces dataplane dp0s9", Info{Kind: Node, TagValue: true, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces dataplane dp0s9 address", Info{Kind: Leaf, Multi: true, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces dataplane dp0s9 vif 10 address", Info{Kind: Leaf, Multi: true, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces dataplane dp0s9 vif 10 vrrp vrrp-group 1 preempt", Info{Kind: Leaf, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces dataplane dp0s9 firewall in", Info{Kind: Leaf, Multi: true, Source: Vyatta, Alias: "interfaces ethernet"}},
		{"interfaces loopback lo address", Info{Kind: Leaf, Multi: true, Source: VyOS}},
		{"resources group address-group G address", Info{Kind: Leaf, Multi: true, Source: Vyatta}},
		{"resources group port-group WEB port", Info{Kind: Leaf, Multi: true, Source: Vyatta}},
		{"service nat source rule 100 outbound-interface", Info{Kind: Leaf, Source: Vyatta}},
		{"service nat destination rule 10 translation address", Info{Kind: Leaf, Source: Vyatta}},
		{"service ssh port", Info{Kind: Leaf, Multi: true, Source: VyOS}}, // an overlay decides nothing
		{"system config-sync sync-map M rule 1 action", Info{Kind: Leaf, Source: Vyatta}},
		{"system config-sync remote-router 192.0.2.2 sync-map", Info{Kind: Leaf, Source: Vyatta}},
		{"system ntp server 0.pool.ntp.org", Info{Kind: Node, TagValue: true, Source: Vyatta, Alias: "service ntp"}},
		{"system login user vyatta level", Info{Kind: Leaf, Source: Vyatta}},
		{"protocols static interface-route 0.0.0.0/0 next-hop-interface dp0s1 distance", Info{Kind: Leaf, Source: Vyatta, Alias: "protocols static route interface"}},
		// Legacy VyOS 1.2/1.3 paths.
		{"firewall name X rule 10 action", Info{Kind: Leaf, Source: Vyatta, Alias: "firewall ipv4 name"}},
		{"firewall name X rule 10 state established", Info{Kind: Leaf, Source: Vyatta, Alias: "firewall ipv4 name"}},
		{"firewall all-ping", Info{Kind: Leaf, Source: Vyatta, Alias: "firewall global-options all-ping"}},
		{"firewall group address-group G address", Info{Kind: Leaf, Multi: true, Source: VyOS}},
		{"interfaces ethernet eth0 firewall in name", Info{Kind: Leaf, Source: Vyatta}},
		{"protocols bgp 64500", Info{Kind: Node, TagValue: true, Source: Vyatta, Alias: "protocols bgp"}},
		{"protocols bgp 64500 neighbor 192.0.2.1 remote-as", Info{Kind: Leaf, Source: Vyatta, Alias: "protocols bgp"}},
		{"protocols bgp banana", Info{}},
		{"protocols bgp *", Info{}}, // a wildcard is not a word
		{"nosuch", Info{}},
		{"interfaces nosuch eth0", Info{}},
	}
	for _, c := range cases {
		got := Lookup(strings.Fields(c.path))
		got.Help = ""
		if got != c.want {
			t.Errorf("Lookup(%q) = %+v, want %+v", c.path, got, c.want)
		}
		shape, want := walk(strings.Fields(c.path)).Shape(), c.want
		want.Source, want.Alias = None, ""
		if shape != want {
			t.Errorf("Shape at %q = %+v, want %+v", c.path, shape, want)
		}
	}
	if h := Lookup([]string{"system", "host-name"}).Help; h == "" {
		t.Error("system host-name has no help")
	}
}

func TestChildren(t *testing.T) {
	kids := Children([]string{"interfaces", "ethernet", "eth0"})
	for _, want := range []string{"address", "description", "mtu", "vif"} {
		if !contains(kids, want) {
			t.Errorf("Children(interfaces ethernet eth0) lacks %q: %v", want, kids)
		}
	}
	for i := 1; i < len(kids); i++ {
		if kids[i-1] >= kids[i] {
			t.Errorf("Children not sorted/unique at %q, %q", kids[i-1], kids[i])
		}
	}
	if got := Children([]string{"interfaces", "ethernet"}); got != nil {
		t.Errorf("Children of a tag node = %v, want nil", got)
	}
	if got := Children([]string{"system", "host-name"}); got != nil {
		t.Errorf("Children of a leaf = %v, want nil", got)
	}
	if top := Children(nil); !contains(top, "system") || !contains(top, "interfaces") {
		t.Errorf("top-level children: %v", top)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkLoad measures the first load of both tables (what a one-shot
// command pays once): both tables from their generated arrays.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if s := readTables(); s.err != nil {
			b.Fatal(s.err)
		}
	}
}

// BenchmarkParse measures what readTables no longer does at run time:
// parsing both texts, merging vyatta.txt first (parseTables).
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if s := parseTables(vyosText, vyattaText); s.err != nil {
			b.Fatal(s.err)
		}
	}
}

// BenchmarkLookup measures a lookup of a typical depth.
func BenchmarkLookup(b *testing.B) {
	p := strings.Fields("firewall ipv4 name WAN-IN rule 10 destination port")
	Lookup(p)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if Lookup(p).Kind != Leaf {
			b.Fatal("not a leaf")
		}
	}
}

// BenchmarkStep measures one step of a Cursor (a parser's cost per node)
// and reading its Info.
func BenchmarkStep(b *testing.B) {
	c := walk(strings.Fields("firewall ipv4 name WAN-IN rule 10"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if c.Step("destination").Info().Kind != Node {
			b.Fatal("not a node")
		}
	}
}

// FuzzTable feeds arbitrary text to the table readers: an error or a
// table, never a panic, and every node of a table can be named.
func FuzzTable(f *testing.F) {
	f.Add("a\tN\n b\tLm\t~x\t?help\n", 1)
	f.Add("a\t+\n  *\tN\t=a b\n", 2)
	f.Add(vyattaText[:min(len(vyattaText), 2000)], 2)
	f.Fuzz(func(t *testing.T, text string, unit int) {
		if unit < 1 || unit > 4 {
			return
		}
		if merged, err := mergeText(text, unit); err == nil {
			text = merged
			unit = 1
		}
		tb, err := parseTable(text, unit, true)
		if err != nil {
			return
		}
		for i := range tb.nodes {
			_ = tb.name(int32(i))
			_ = tb.field(int32(i), '?')
			_ = tb.children(int32(i))
		}
	})
}
