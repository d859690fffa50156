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
		{"nosuch", Info{}},
		{"interfaces nosuch eth0", Info{}},
	}
	for _, c := range cases {
		got := Lookup(strings.Fields(c.path))
		got.Help = ""
		if got != c.want {
			t.Errorf("Lookup(%q) = %+v, want %+v", c.path, got, c.want)
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
// command pays once).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := parseTable(vyosText, 1); err != nil {
			b.Fatal(err)
		}
		if _, err := parseTable(vyattaText, 2); err != nil {
			b.Fatal(err)
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
