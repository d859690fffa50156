package diff

import (
	"strconv"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// dfBigPair builds two Vyatta trees of about n nodes each, sorted like the
// parser sorts them, where about 1% of the leaves differ: changed values,
// removed and added rules.
func dfBigPair(n int) (*config.Tree, *config.Tree) {
	const leavesPerRule = 8
	rules := n / (leavesPerRule + 1)
	build := func(right bool) *config.Tree {
		var ruleNodes []*config.Node
		for i := range rules {
			drift := right && i%100 == 37 // ~1% of rules touched on the right
			if drift && i%300 == 37 {
				continue // removed on the right
			}
			rule := &config.Node{Name: strconv.Itoa(i + 1)}
			for k := range leavesPerRule {
				v := "value-" + strconv.Itoa(k)
				if drift && k == 3 {
					v = "other"
				}
				rule.Children = append(rule.Children, dfLeaf("leaf"+strconv.Itoa(k), v))
			}
			ruleNodes = append(ruleNodes, rule)
			if drift && i%200 == 137 {
				ruleNodes = append(ruleNodes, &config.Node{Name: "extra-" + strconv.Itoa(i+1), Children: []*config.Node{dfLeaf("action", "accept")}})
			}
		}
		// Keep the children in natural order, as the parser does.
		sortNatural(ruleNodes)
		return dfTree(config.Vyatta, "big", dfNode("firewall", dfTag("name", dfNode("BIG", dfTag("rule", ruleNodes...)))))
	}
	return build(false), build(true)
}

func sortNatural(ns []*config.Node) {
	// insertion sort is enough: the input is nearly sorted
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && config.NaturalLess(ns[j].Name, ns[j-1].Name); j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

func TestBigPair(t *testing.T) {
	a, b := dfBigPair(100_000)
	if c := a.Root.Count(); c < 90_000 {
		t.Fatalf("left tree has %d nodes", c)
	}
	cs := Trees(a, b, Options{})
	if len(cs) < 100 || len(cs) > 2000 {
		t.Errorf("%d changes, want about 1%% of %d rules", len(cs), a.Root.Count()/9)
	}
	rows := Rows(a, b, RowOptions{Fold: true, Context: 3})
	full := Rows(a, b, RowOptions{})
	if len(rows) >= len(full)/5 {
		t.Errorf("folded %d rows of %d", len(rows), len(full))
	}
	// Folded runs cost no text: allocations follow the rows shown, not
	// the rows folded (each shown row costs a path and up to two texts).
	if n := testing.AllocsPerRun(1, func() { Rows(a, b, RowOptions{Fold: true, Context: 3}) }); n > float64(3*len(rows)+100) {
		t.Errorf("Rows with folding: %.0f allocations for %d rows shown", n, len(rows))
	}
	// Trees allocates per change (its path), not per node.
	if n := testing.AllocsPerRun(1, func() { Trees(a, b, Options{}) }); n > float64(2*len(cs)+200) {
		t.Errorf("Trees: %.0f allocations for %d changes", n, len(cs))
	}
}

func BenchmarkTrees(b *testing.B) {
	l, r := dfBigPair(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Trees(l, r, Options{MaskSecrets: true})
	}
}

func BenchmarkEqual(b *testing.B) {
	l, _ := dfBigPair(100_000)
	r, _ := dfBigPair(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if !Equal(l, r, Options{}) {
			b.Fatal("not equal")
		}
	}
}

func BenchmarkRows(b *testing.B) {
	l, r := dfBigPair(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Rows(l, r, RowOptions{Fold: true, Context: 3})
	}
}
