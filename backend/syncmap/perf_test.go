package syncmap

import (
	"strconv"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// smBigTree builds a firewall-shaped tree of about n nodes.
func smBigTree(n int) *config.Tree {
	t := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	fw := &config.Node{Name: "firewall"}
	names := &config.Node{Name: "name", Tag: true}
	fw.Children = []*config.Node{names}
	sys := &config.Node{Name: "system", Children: []*config.Node{{Name: "config-sync", Children: []*config.Node{{Name: "x"}}}}}
	t.Root.Children = []*config.Node{fw, sys}
	for i := 0; t.Root.Count() < n; i++ {
		name := &config.Node{Name: "N" + strconv.Itoa(i)}
		rules := &config.Node{Name: "rule", Tag: true}
		name.Children = []*config.Node{rules}
		for r := 1; r <= 100; r++ {
			rules.Children = append(rules.Children, &config.Node{Name: strconv.Itoa(r), Children: []*config.Node{
				{Name: "action", Values: []string{"accept"}},
				{Name: "destination", Children: []*config.Node{{Name: "port", Values: []string{"443"}}}},
			}})
		}
		names.Children = append(names.Children, name)
	}
	return t
}

func smBigMap() *Map {
	m := &Map{Name: "big", Family: config.Vyatta}
	for i := 1; i <= 20; i++ {
		m.Rules = append(m.Rules, Rule{Number: i, Action: Action(i % 2), Location: []string{"firewall", "name", "N" + strconv.Itoa(i), "rule", strconv.Itoa(i)}})
	}
	m.Rules = append(m.Rules, Rule{Number: 100, Location: []string{"firewall"}}, Rule{Number: 101, Action: Exclude, Location: []string{"firewall", "name", "N3"}})
	return m
}

// Evaluate must not allocate per node: the words and paths are carried
// down the walk. Only the result map grows with the tree.
func TestEvaluateAllocations(t *testing.T) {
	tr := smBigTree(20000)
	m := smBigMap()
	nodes := tr.Root.Count()
	allocs := testing.AllocsPerRun(3, func() { m.Evaluate(tr) })
	if allocs > float64(nodes)/20 {
		t.Errorf("Evaluate made %.0f allocations for %d nodes", allocs, nodes)
	}
	smCheckAgree(t, m, smBigTree(3000))
}

func BenchmarkEvaluate100k(b *testing.B) {
	tr := smBigTree(100000)
	m := smBigMap()
	b.ReportAllocs()
	for b.Loop() {
		m.Evaluate(tr)
	}
}

func BenchmarkWalk100k(b *testing.B) {
	tr := smBigTree(100000)
	m := smBigMap()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		m.Walk(tr, func(*config.Node, Decision) { n++ })
	}
}

func TestWalkMatchesEvaluate(t *testing.T) {
	tr := smSetTree("sample", smSample)
	m := smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X", "3 include system")
	dec := m.Evaluate(tr)
	n := 0
	m.Walk(tr, func(node *config.Node, d Decision) {
		n++
		if dec[node] != d {
			t.Errorf("%s: Walk %v, Evaluate %v", node.Name, d, dec[node])
		}
	})
	if n != len(dec) || n != tr.Root.Count() {
		t.Errorf("Walk visited %d nodes, Evaluate decided %d, tree has %d", n, len(dec), tr.Root.Count())
	}
	m.Walk(nil, func(*config.Node, Decision) { t.Error("Walk(nil) called fn") })
}
