package diff

import (
	"bytes"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// dfBuild turns fuzz text into a tree: one node per line, one space of
// indent per level, "name value..." with markers: a leading '@' makes the
// node Ordered, '%' Secret; names starting with 't' are Vyatta tag nodes.
// Duplicate and unsorted names are kept on purpose.
func dfBuild(fam config.Family, src string) *config.Tree {
	root := &config.Node{}
	stack := []*config.Node{root}
	for _, line := range strings.Split(src, "\n") {
		depth := len(line) - len(strings.TrimLeft(line, " "))
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		n := &config.Node{}
		name := f[0]
		for len(name) > 1 && (name[0] == '@' || name[0] == '%') {
			n.Ordered = n.Ordered || name[0] == '@'
			n.Secret = n.Secret || name[0] == '%'
			name = name[1:]
		}
		n.Name, n.Values, n.Tag = name, f[1:], name[0] == 't'
		if depth+1 < len(stack) {
			stack = stack[:depth+1]
		}
		parent := stack[len(stack)-1]
		parent.Children = append(parent.Children, n)
		stack = append(stack, n)
	}
	return &config.Tree{Family: fam, Root: root}
}

// dfLines counts the displayed lines below n.
func dfLines(fam config.Family, n *config.Node) int {
	total := 0
	for _, c := range n.Children {
		if !isTag(fam, c) {
			total += max(1, len(c.Values))
		}
		total += dfLines(fam, c)
	}
	return total
}

func FuzzTrees(f *testing.F) {
	f.Add(byte(0), "interfaces\n tethernet\n  eth0\n   address 192.0.2.1/24 2001:db8::1/64\n  eth1\nsystem\n host-name a\n %password x",
		"interfaces\n tethernet\n  eth0\n   address 2001:db8::1/64\n  eth2\nsystem\n host-name b\n %password y")
	f.Add(byte(1), "@security-policy\n a\n  action permit\n b\n c\n d\nsysname A\nhrp",
		"sysname B\n@security-policy\n c\n a\n  action deny\n e\n b\nhrp")
	f.Add(byte(1), "x 1\nx 2\ny\nx 3", "y\nx 2\nx 1")
	f.Add(byte(0), "b\na\nc\n a 1 1 2\n", "a\nc\n a 2 1 1\nb 0")
	// Found by fuzzing: two empty trees.
	f.Add(byte(0), "", "")
	f.Add(byte(1), "@p\n a\n b\n c", "@p\n c\n b\n a\n d")
	f.Add(byte(0), "node1\n ttag_node\n  foo\n   multi_node v2 v1\n   single left_val\n  bar\n   node\n    single v0\nnode3\n",
		"node1\n ttag_node\n  baz\n   other_node\n  foo\n   multi_node v3 v1\n   single right_val\n")
	f.Fuzz(func(t *testing.T, famByte byte, left, right string) {
		fam := config.Vyatta
		if famByte%2 == 1 {
			fam = config.Huawei
		}
		a, b := dfBuild(fam, left), dfBuild(fam, right)
		for _, o := range []Options{{}, {MaskSecrets: true}} {
			if cs := Trees(a, a, o); len(cs) != 0 {
				t.Fatalf("a tree differs from itself: %q", dfSummary(cs))
			}
			ab, ba := Trees(a, b, o), Trees(b, a, o)
			if Equal(a, b, o) != (len(ab) == 0) {
				t.Fatalf("Equal disagrees with %d changes", len(ab))
			}
			var nab, nba [5]int
			for _, c := range ab {
				nab[c.Kind]++
			}
			for _, c := range ba {
				nba[c.Kind]++
			}
			if nab[Added] != nba[Removed] || nab[Removed] != nba[Added] || nab[Changed] != nba[Changed] {
				t.Fatalf("asymmetric: %v vs %v", nab, nba)
			}

			rows := Rows(a, b, RowOptions{Options: o})
			left, right := 0, 0
			for _, r := range rows {
				if r.Right != "" {
					right++
				}
				if r.Left != "" && !(r.Kind == Moved && r.Right == "") {
					left++
				}
			}
			if left != dfLines(fam, a.Root) || right != dfLines(fam, b.Root) {
				t.Fatalf("rows show %d/%d lines, trees have %d/%d", left, right, dfLines(fam, a.Root), dfLines(fam, b.Root))
			}
			folded := Rows(a, b, RowOptions{Options: o, Fold: true, Context: 1})
			n := 0
			for _, r := range folded {
				n += max(1, r.Folded)
			}
			if n != len(rows) {
				t.Fatalf("folded rows stand for %d rows, want %d", n, len(rows))
			}
			// Two empty lists are equal, whether nil or not.
			if want := dfFoldRows(rows, 1); (len(folded) > 0 || len(want) > 0) && !reflect.DeepEqual(folded, want) {
				t.Fatalf("collapsed rows differ from folding every row:\n got %+v\nwant %+v", folded, want)
			}
			if err := WriteSide(io.Discard, rows, 60); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteUnified(&buf, a, b, ab, o, nil); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&buf, ab, o, nil); err != nil {
				t.Fatal(err)
			}
		}
		// Applying the changes from a to b to a gives b (names must be
		// unique among siblings for a path to name one node); the values
		// of a Vyatta leaf are a set, so their order may stay a's.
		if !dfDupNames(a.Root) && !dfDupNames(b.Root) {
			got := dfApply(a, Trees(a, b, Options{}))
			if !Equal(got, b, Options{}) || fam != config.Vyatta && !config.Equal(got.Root, b.Root) {
				t.Fatalf("applying the changes does not give b: %q", dfSummary(Trees(got, b, Options{})))
			}
		}
	})
}

// dfDupNames reports whether two siblings anywhere below n share a name.
func dfDupNames(n *config.Node) bool {
	seen := map[string]bool{}
	for _, c := range n.Children {
		if seen[c.Name] || dfDupNames(c) {
			return true
		}
		seen[c.Name] = true
	}
	return false
}

// dfApply applies changes from Trees(a, b) to a copy of a, parent by
// parent: removed children go, changed ones take the right values, added
// and moved ones are placed at their right index (To) in ascending order,
// the others keeping their relative order, as the diff promises.
func dfApply(a *config.Tree, cs []Change) *config.Tree {
	byParent := map[string][]Change{}
	for _, c := range cs {
		key := strings.Join(c.Path[:len(c.Path)-1], "\x00")
		byParent[key] = append(byParent[key], c)
	}
	var apply func(n *config.Node, path []string)
	apply = func(n *config.Node, path []string) {
		type placed struct {
			to   int
			node *config.Node
		}
		var put []placed
		for _, c := range byParent[strings.Join(path, "\x00")] {
			name := c.Path[len(c.Path)-1]
			switch c.Kind {
			case Removed:
				n.Children = slices.DeleteFunc(n.Children, func(x *config.Node) bool { return x.Name == name })
			case Added:
				put = append(put, placed{c.To, c.Right.Clone()})
			case Moved:
				if x := n.Child(name); x != nil {
					n.Children = slices.DeleteFunc(n.Children, func(y *config.Node) bool { return y == x })
					put = append(put, placed{c.To, x})
				}
			}
		}
		slices.SortStableFunc(put, func(x, y placed) int { return x.to - y.to })
		for _, p := range put {
			i := min(max(p.to, 0), len(n.Children))
			n.Children = slices.Insert(n.Children, i, p.node)
		}
		// Values last: a moved node is changed too.
		for _, c := range byParent[strings.Join(path, "\x00")] {
			if x := n.Child(c.Path[len(c.Path)-1]); x != nil && c.Kind == Changed {
				x.Values = append([]string(nil), c.Right.Values...)
			}
		}
		for _, c := range n.Children {
			apply(c, append(path[:len(path):len(path)], c.Name))
		}
	}
	root := root(a).Clone()
	apply(root, nil)
	return &config.Tree{Family: a.Family, Root: root}
}
