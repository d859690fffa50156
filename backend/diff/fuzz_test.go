package diff

import (
	"bytes"
	"io"
	"reflect"
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
			if want := dfFoldRows(rows, 1); !reflect.DeepEqual(folded, want) {
				t.Fatalf("collapsed rows differ from folding every row:\n got %+v\nwant %+v", folded, want)
			}
			if err := WriteSide(io.Discard, rows, 60); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteUnified(&buf, a, b, ab, o); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&buf, ab, o); err != nil {
				t.Fatal(err)
			}
		}
	})
}
