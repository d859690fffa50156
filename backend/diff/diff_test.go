package diff

import (
	"regexp"
	"slices"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func TestKindString(t *testing.T) {
	want := map[Kind]string{Same: "same", Added: "added", Removed: "removed", Changed: "changed", Moved: "moved"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
}

func TestTrees(t *testing.T) {
	vy := config.Vyatta
	tests := []struct {
		name string
		a, b *config.Tree
		o    Options
		want []string
	}{
		{
			name: "same",
			a:    dfTree(vy, "a", dfNode("system", dfLeaf("host-name", "r1"))),
			b:    dfTree(vy, "b", dfNode("system", dfLeaf("host-name", "r1"))),
			want: []string{},
		},
		{
			name: "added leaf",
			a:    dfTree(vy, "a", dfNode("system", dfLeaf("host-name", "r1"))),
			b:    dfTree(vy, "b", dfNode("system", dfLeaf("domain-name", "x"), dfLeaf("host-name", "r1"))),
			want: []string{"added system domain-name"},
		},
		{
			name: "removed subtree is one change",
			a: dfTree(vy, "a", dfNode("interfaces", dfTag("ethernet",
				dfNode("eth0", dfLeaf("address", "192.0.2.1/24"), dfLeaf("mtu", "1500")),
				dfNode("eth1", dfLeaf("address", "10.0.0.1/24"))))),
			b: dfTree(vy, "b", dfNode("interfaces", dfTag("ethernet",
				dfNode("eth1", dfLeaf("address", "10.0.0.1/24"))))),
			want: []string{"removed interfaces ethernet eth0"},
		},
		{
			name: "changed value",
			a:    dfTree(vy, "a", dfNode("system", dfLeaf("host-name", "r1"))),
			b:    dfTree(vy, "b", dfNode("system", dfLeaf("host-name", "r2"))),
			want: []string{"changed system host-name"},
		},
		{
			// The values of a Vyatta leaf are a set: a sync changes them
			// one by one and cannot reorder them without deleting most.
			name: "multi-value order does not count",
			a:    dfTree(vy, "a", dfLeaf("address", "a", "b")),
			b:    dfTree(vy, "b", dfLeaf("address", "b", "a")),
			want: nil,
		},
		{
			name: "multi-value set differs",
			a:    dfTree(vy, "a", dfLeaf("address", "a", "b")),
			b:    dfTree(vy, "b", dfLeaf("address", "b", "c")),
			want: []string{"changed address"},
		},
		{
			name: "valueless vs valued",
			a:    dfTree(vy, "a", dfLeaf("disable")),
			b:    dfTree(vy, "b", dfLeaf("disable", "x")),
			want: []string{"changed disable"},
		},
		{
			name: "nested changes in merged order",
			a: dfTree(vy, "a",
				dfNode("a", dfLeaf("x", "1"), dfNode("y", dfLeaf("z", "1"))),
				dfNode("c", dfLeaf("k", "v"))),
			b: dfTree(vy, "b",
				dfNode("a", dfLeaf("x", "2"), dfNode("y", dfLeaf("z", "1"), dfLeaf("zz", "2"))),
				dfNode("b"),
				dfNode("c", dfLeaf("k", "v"))),
			want: []string{"changed a x", "added a y zz", "added b"},
		},
		{
			name: "node with other values and changes below",
			a:    dfTree(config.Huawei, "a", &config.Node{Name: "isp", Values: []string{"x"}, Children: []*config.Node{dfLeaf("a", "1")}}),
			b:    dfTree(config.Huawei, "b", &config.Node{Name: "isp", Values: []string{"y"}, Children: []*config.Node{dfLeaf("a", "2")}}),
			want: []string{"changed isp", "changed isp a"},
		},
		{
			name: "unsorted children matched by name",
			a:    dfTree(config.Huawei, "a", dfLeaf("sysname", "fw"), dfLeaf("hrp enable"), dfLeaf("clock timezone", "UTC")),
			b:    dfTree(config.Huawei, "b", dfLeaf("clock timezone", "CET"), dfLeaf("sysname", "fw"), dfLeaf("new"), dfLeaf("hrp enable")),
			want: []string{"changed clock timezone", "added new"},
		},
		{
			name: "duplicate names pair in order",
			a:    dfTree(config.Huawei, "a", dfLeaf("x", "1"), dfLeaf("x", "2")),
			b:    dfTree(config.Huawei, "b", dfLeaf("x", "1"), dfLeaf("x", "3"), dfLeaf("x", "4")),
			want: []string{"changed x", "added x"},
		},
		{
			name: "ordered move",
			a:    dfTree(config.Huawei, "a", dfOrdered("security-policy", dfNode("rule name a"), dfNode("rule name b"), dfNode("rule name c"))),
			b:    dfTree(config.Huawei, "b", dfOrdered("security-policy", dfNode("rule name a"), dfNode("rule name c"), dfNode("rule name b"))),
			want: []string{"moved security-policy rule name b 1->2"},
		},
		{
			name: "ordered move with change below, add and remove",
			a: dfTree(config.Huawei, "a", dfOrdered("security-policy",
				dfNode("rule name a", dfLeaf("action", "permit")),
				dfNode("rule name b", dfLeaf("action", "deny")),
				dfNode("rule name c"),
				dfNode("rule name d"))),
			b: dfTree(config.Huawei, "b", dfOrdered("security-policy",
				dfNode("rule name e"),
				dfNode("rule name b", dfLeaf("action", "permit")),
				dfNode("rule name c"),
				dfNode("rule name d"),
				dfNode("rule name a", dfLeaf("action", "permit")))),
			want: []string{"added security-policy rule name e", "changed security-policy rule name b action",
				"moved security-policy rule name a 0->4"},
		},
		{
			name: "order ignored outside ordered parents",
			a:    dfTree(config.Huawei, "a", dfNode("p", dfNode("a"), dfNode("b"))),
			b:    dfTree(config.Huawei, "b", dfNode("p", dfNode("b"), dfNode("a"))),
			want: []string{},
		},
		{
			name: "secrets differ without mask",
			a:    dfTree(vy, "a", dfNode("user", dfSecret("password", "$6$a"))),
			b:    dfTree(vy, "b", dfNode("user", dfSecret("password", "$6$b"))),
			want: []string{"changed user password"},
		},
		{
			name: "secrets equal with mask",
			a:    dfTree(vy, "a", dfNode("user", dfSecret("password", "$6$a"))),
			b:    dfTree(vy, "b", dfNode("user", dfSecret("password", "$6$b"))),
			o:    Options{MaskSecrets: true},
			want: []string{},
		},
		{
			name: "mask keeps a one-sided secret",
			a:    dfTree(vy, "a", dfNode("user", dfSecret("password", "$6$a"))),
			b:    dfTree(vy, "b", dfNode("user")),
			o:    Options{MaskSecrets: true},
			want: []string{"removed user password"},
		},
		{
			name: "ignore pattern on both sides",
			a:    dfTree(vy, "a", dfNode("system", dfLeaf("host-name", "r1"), dfLeaf("last-commit", "2024-01-01"))),
			b:    dfTree(vy, "b", dfNode("system", dfLeaf("host-name", "r2"), dfLeaf("last-commit", "2025-02-02"), dfLeaf("time", "x"))),
			o:    Options{Ignore: []*regexp.Regexp{regexp.MustCompile(`^last-commit `), regexp.MustCompile(`^time`)}},
			want: []string{"changed system host-name"},
		},
		{
			name: "ignore a tag value by its line",
			a:    dfTree(vy, "a", dfTag("ethernet", dfNode("eth0"), dfNode("eth9"))),
			b:    dfTree(vy, "b", dfTag("ethernet", dfNode("eth0"))),
			o:    Options{Ignore: []*regexp.Regexp{regexp.MustCompile(`^ethernet eth9$`)}},
			want: []string{},
		},
		{
			name: "ignore in ordered and unsorted parents",
			a:    dfTree(config.Huawei, "a", dfLeaf("z"), dfLeaf("stamp", "1"), dfOrdered("p", dfNode("a"), dfLeaf("stamp", "1"), dfNode("b"))),
			b:    dfTree(config.Huawei, "b", dfLeaf("stamp", "2"), dfLeaf("z"), dfOrdered("p", dfLeaf("stamp", "2"), dfNode("a"), dfNode("b"))),
			o:    Options{Ignore: []*regexp.Regexp{regexp.MustCompile(`^stamp`)}},
			want: []string{},
		},
		{
			name: "nil trees",
			a:    nil,
			b:    dfTree(vy, "b", dfLeaf("x")),
			want: []string{"added x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dfSummary(Trees(tt.a, tt.b, tt.o))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Trees:\n got %q\nwant %q", got, tt.want)
			}
			if eq := Equal(tt.a, tt.b, tt.o); eq != (len(tt.want) == 0) {
				t.Errorf("Equal = %v, want %v", eq, len(tt.want) == 0)
			}
		})
	}
}

func TestTreesChangeFields(t *testing.T) {
	a := dfTree(config.Huawei, "a", dfOrdered("nat-policy", dfNode("rule name a"), dfNode("rule name b"), dfNode("rule name c")))
	b := dfTree(config.Huawei, "b", dfOrdered("nat-policy", dfNode("rule name a"), dfNode("rule name c"), dfNode("rule name b")))
	cs := Trees(a, b, Options{})
	if len(cs) != 1 {
		t.Fatalf("got %d changes, want 1: %q", len(cs), dfSummary(cs))
	}
	c := cs[0]
	if c.Kind != Moved || c.Left != a.Root.Children[0].Children[1] || c.Right != b.Root.Children[0].Children[2] || c.From != 1 || c.To != 2 {
		t.Errorf("move = %+v", c)
	}
	// Paths must not share storage: appending to one must not touch another.
	cs = Trees(dfTree(config.Vyatta, "a", dfNode("s", dfLeaf("a", "1"), dfLeaf("b", "1"))),
		dfTree(config.Vyatta, "b", dfNode("s", dfLeaf("a", "2"), dfLeaf("b", "2"))), Options{})
	if len(cs) != 2 {
		t.Fatalf("want 2 changes, got %q", dfSummary(cs))
	}
	_ = append(cs[0].Path, "x")
	if cs[1].Path.String() != "s b" {
		t.Errorf("second path = %q, want \"s b\"", cs[1].Path)
	}
}

// TestTreesSymmetric: swapping the sides swaps Added and Removed.
func TestTreesSymmetric(t *testing.T) {
	a := dfTree(config.Vyatta, "a", dfNode("a", dfLeaf("x", "1")), dfNode("b"), dfNode("d", dfLeaf("k")))
	b := dfTree(config.Vyatta, "b", dfNode("a", dfLeaf("x", "2")), dfNode("c"), dfNode("d"))
	count := func(cs []Change) map[Kind]int {
		m := map[Kind]int{}
		for _, c := range cs {
			m[c.Kind]++
		}
		return m
	}
	ab, ba := count(Trees(a, b, Options{})), count(Trees(b, a, Options{}))
	if ab[Added] != ba[Removed] || ab[Removed] != ba[Added] || ab[Changed] != ba[Changed] {
		t.Errorf("a→b %v, b→a %v", ab, ba)
	}
	if ab[Added] != 1 || ab[Removed] != 2 || ab[Changed] != 1 {
		t.Errorf("a→b %v, want 1 added, 2 removed, 1 changed", ab)
	}
}
