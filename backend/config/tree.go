package config

import (
	"fmt"
	"slices"
	"strings"
)

// Family is a device family; it decides the dialect of the configuration text.
type Family int

const (
	// Auto asks the parser to detect the family from the text.
	Auto Family = iota
	// Vyatta is the Vyatta family: IBM Cloud VRA, Vyatta 5600, VyOS.
	Vyatta
	// Huawei is the Huawei VRP family (USG firewalls with HRP).
	Huawei
)

func (f Family) String() string {
	switch f {
	case Vyatta:
		return "vyatta"
	case Huawei:
		return "huawei"
	default:
		return "auto"
	}
}

// ParseFamily reads a family name as given on the command line.
func ParseFamily(s string) (Family, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "vyatta", "vyos", "vra", "5600":
		return Vyatta, nil
	case "huawei", "vrp", "usg":
		return Huawei, nil
	}
	return Auto, fmt.Errorf("unknown family %q: expected vyatta or huawei", s)
}

// Mask replaces a secret when a printer or a diff masks secrets.
const Mask = "********"

// Node is one configuration node.
type Node struct {
	// Name is the identity of the node within its parent: one word for
	// Vyatta, the command key for VRP (see vrpKey).
	Name string
	// Values are the values of a leaf, in their order. A Vyatta multi-value
	// leaf has several; a VRP node has one per line carrying its key (for
	// most commands at most one).
	Values []string
	// Children in the dialect's order: natural order for Vyatta, source
	// order for VRP.
	Children []*Node
	// Comment is a comment attached to the node (`/* */` before it in curly
	// form, `# ...` after it in set form).
	Comment string
	// Line is the 1-based source line the node was first read from (0 when
	// the node was built in code; negative for a stub of ParsePairFast,
	// which Tree.Expand replaces). It is 32 bits and sits beside the flags
	// so that they share one word: a large configuration has a node per
	// line, and the parsers' time goes mostly to touching fresh memory.
	Line int32

	// Printing hints: they never take part in Equal or in a diff.

	// Tag marks a Vyatta tag node: its children are tag values printed as
	// `name tag {`.
	Tag bool
	// Leaf marks a node read from a leaf line (`name` or `name value`), so an
	// empty node prints as a valueless leaf rather than `name {` `}`.
	Leaf bool
	// Ordered marks a node whose children's order matters (VRP
	// security-policy and nat-policy): a diff reports moves inside it.
	Ordered bool
	// Secret marks a node whose values are secrets (passwords, keys,
	// ciphertext): printers mask them on request and diffs compare them equal
	// when masking.
	Secret bool
}

// Child returns the child named name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Lookup returns the node at path p below n, or nil.
func (n *Node) Lookup(p Path) *Node {
	cur := n
	for _, name := range p {
		if cur = cur.Child(name); cur == nil {
			return nil
		}
	}
	return cur
}

// NodeCount is the number of nodes below the root, or a few more: what
// the parse made, when it counted (a set-form parse: nodes a delete
// dropped are counted too, stubs count one), else Root.Count(). It sizes
// buffers without a walk of the tree.
func (t *Tree) NodeCount() int {
	if t == nil || t.Root == nil {
		return 0
	}
	if t.size > 0 {
		return t.size
	}
	return t.Root.Count()
}

// LookupNatural is Lookup for a Vyatta tree, whose children are in
// natural order: each level is searched by halves, so a path through a
// long list of siblings (thousands of rules) does not read the list
// whole. A level where the search misses (children not in order: a tree
// built in code) is read whole, as Lookup does.
func (n *Node) LookupNatural(p Path) *Node {
	cur := n
	for _, name := range p {
		kids := cur.Children
		i, ok := slices.BinarySearchFunc(kids, name, func(c *Node, name string) int { return naturalCompare(c.Name, name) })
		if ok && kids[i].Name == name {
			cur = kids[i]
			continue
		}
		if cur = cur.Child(name); cur == nil {
			return nil
		}
	}
	return cur
}

// Walk calls fn for every node below n (not n itself), depth first in the
// children's order, with the node's path. fn returning false skips the
// node's children.
func (n *Node) Walk(fn func(p Path, c *Node) bool) {
	var walk func(p Path, parent *Node)
	walk = func(p Path, parent *Node) {
		for _, c := range parent.Children {
			cp := p.Append(c.Name)
			if fn(cp, c) {
				walk(cp, c)
			}
		}
	}
	walk(nil, n)
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	c := *n
	c.Values = append([]string(nil), n.Values...)
	c.Children = make([]*Node, len(n.Children))
	for i, ch := range n.Children {
		c.Children[i] = ch.Clone()
	}
	if len(n.Children) == 0 {
		c.Children = nil
	}
	return &c
}

// Count returns the number of nodes below n.
func (n *Node) Count() int {
	total := 0
	for _, c := range n.Children {
		total += 1 + c.Count()
	}
	return total
}

// Equal reports whether a and b hold the same configuration: the same
// names, values and children, in order where the parent is Ordered.
// Source lines, comments and printing hints are ignored.
func Equal(a, b *Node) bool {
	if a.Name != b.Name || len(a.Values) != len(b.Values) || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Values {
		if a.Values[i] != b.Values[i] {
			return false
		}
	}
	if a.Ordered || b.Ordered {
		for i := range a.Children {
			if !Equal(a.Children[i], b.Children[i]) {
				return false
			}
		}
		return true
	}
	for _, ac := range a.Children {
		bc := b.Child(ac.Name)
		if bc == nil || !Equal(ac, bc) {
			return false
		}
	}
	return true
}

// Tree is a parsed configuration.
type Tree struct {
	Family Family
	// Root has no name; its children are the top-level nodes.
	Root *Node
	// Meta holds the lines that are not configuration but are kept: the
	// Vyatta version footers, the VRP header (timestamp, `!Software
	// Version`, `!Last configuration ...`).
	Meta []string
	// Source names where the text came from (a file name or a device).
	Source string
	// Notes say what the parser left out or changed on the way, one
	// sentence each with the line numbers concerned: capture lines
	// stripped (prompts, command echo, pager), session commands of a
	// script ignored, deletes of absent nodes. Commands print them on
	// stderr as `hasync: FILE: note`; they never take part in Equal.
	Notes []string

	// stubs are the subtrees ParsePairFast left unparsed, indexed by
	// -Line-1 of their node (see fast.go).
	stubs    []stub
	size     int       // nodes its parse made, when it counted them (NodeCount)
	shared   *vyShared // for expanding stubs
	expanded int       // stubs expanded (tests)
	// peer is the other tree of ParsePairFast: stubs of t and peer with
	// one pair number stand for the same bytes.
	peer *Tree
}

// Path is the path of a node: the names from the top level down.
type Path []string

// String joins the path with spaces: "interfaces ethernet eth0 address".
// VRP names are whole command keys, so the string reads like the commands.
func (p Path) String() string { return strings.Join(p, " ") }

// Append returns a new path with name added; p is never modified.
func (p Path) Append(name string) Path {
	q := make(Path, len(p)+1)
	copy(q, p)
	q[len(p)] = name
	return q
}

// Words splits the path into whole words, so that a sync-map location such
// as "security firewall" or "ip route-static" can match a prefix of it in
// either dialect.
func (p Path) Words() []string {
	var w []string
	for _, name := range p {
		w = append(w, strings.Fields(name)...)
	}
	return w
}

// ParseError is an error in configuration text, with its position.
type ParseError struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *ParseError) Error() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Col, e.Msg)
}

// parseErrorf returns a ParseError at line and col of file.
func parseErrorf(file string, line, col int, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}
