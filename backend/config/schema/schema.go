package schema

import (
	"sort"
	"strings"
	"sync"
)

// Kind is what a schema node is.
type Kind uint8

const (
	// Unknown: neither table knows the path.
	Unknown Kind = iota
	// Node is a plain container node (`system`, `interfaces`).
	Node
	// Tag is a tag node (`interfaces ethernet`, `firewall name`): its
	// children are tag values.
	Tag
	// Leaf is a leaf node (`system host-name`); see Info.Multi and Info.Valueless.
	Leaf
)

func (k Kind) String() string {
	switch k {
	case Node:
		return "node"
	case Tag:
		return "tag"
	case Leaf:
		return "leaf"
	}
	return "unknown"
}

// Source says which table decided.
type Source uint8

const (
	// None: an unknown path (callers fall back to their own heuristics).
	None Source = iota
	// VyOS is the generated table of ../shared/schema/vyos-1x (vyos.txt).
	VyOS
	// Vyatta is hasync's own table of Vyatta 5600 / VRA nodes (vyatta.txt):
	// its own nodes, and aliases of VyOS subtrees.
	Vyatta
)

func (s Source) String() string {
	switch s {
	case VyOS:
		return "vyos"
	case Vyatta:
		return "vyatta"
	}
	return "none"
}

// Info describes the node a path of configuration words leads to.
// Tag values are words of the path: ["interfaces","ethernet","eth0","address"].
type Info struct {
	Kind      Kind   // for a tag value (eth0 above) Kind is Node and TagValue is true
	TagValue  bool   // the last word is a value of a tag node
	Multi     bool   // a leaf that takes several values (<multi/>)
	Valueless bool   // a leaf with no value (<valueless/>)
	Help      string // the node's help text (first <help>); for a tag value, the tag node's
	Source    Source
	// Alias is, for a node reached through a Vyatta-table alias, the VyOS
	// path that the aliased node (the node itself or its nearest aliased
	// ancestor) stands for, in schema words without tag values
	// ("interfaces ethernet" for everything below `interfaces dataplane`).
	Alias string
}

// schemas holds both tables, read once on first use.
type schemas struct {
	vy, vt *table
	err    error
}

var (
	loadOnce sync.Once
	loaded   schemas
)

// load reads both tables on first use. A broken embedded table (a test
// catches it) leaves that table empty, so every path is Unknown.
func load() *schemas {
	loadOnce.Do(func() { loaded = readTables() })
	return &loaded
}

// readTables builds both tables from the arrays go generate wrote
// (TestTablesGenerated, tables_gen.go): the VyOS table as parsed from
// vyos.txt, and the Vyatta table as parsed from vyatta.txt merged
// (vyatta.merged.txt), with its aliases resolved. A one-shot command
// (hasync diff) thus pays neither parse nor the merge, about a
// millisecond at process start. Should an embedded text differ in length
// from the one the arrays were generated from, both are read here, as
// before generation. An edit that keeps the length is not seen here (a
// checksum of vyatta.txt would cost about as much as the rest of this
// function): TestTablesGenerated fails on any stale file, so CI does not
// pass one.
func readTables() (s schemas) {
	if len(vyosText) == vyosTextLen && len(vyattaText) == vyattaTextLen {
		s.vy = &table{text: vyosText, nodes: vyosNodes, kids: vyosKids, nroot: vyosRoots}
		vt := &table{text: vyattaMergedText, nodes: vyattaNodes, kids: vyattaKids, nroot: vyattaRoots, alias: vyattaAlias}
		vt.aliasPath = make([]string, len(vt.nodes))
		for i, a := range vt.alias {
			if a >= 0 {
				vt.aliasPath[i] = vt.field(int32(i), '=')
			}
		}
		s.vt = vt
		return s
	}
	return parseTables(vyosText, vyattaText)
}

// parseTables reads both tables from their texts: the VyOS table, and
// the Vyatta table merged (mergeText), with its aliases resolved against
// the VyOS table.
func parseTables(vyos, vyatta string) (s schemas) {
	s.vy, s.err = parseTable(vyos, 1, false)
	if s.err != nil {
		s.vy = &table{}
		s.err = errorf("vyos.txt: %v", s.err)
	}
	text, err := mergeText(vyatta, 2)
	var vt *table
	if err == nil {
		vt, err = parseTable(text, 1, true)
	}
	if err != nil {
		vt = &table{}
		if s.err == nil {
			s.err = errorf("vyatta.txt: %v", err)
		}
	}
	vt.alias = make([]int32, len(vt.nodes))
	vt.aliasPath = make([]string, len(vt.nodes))
	for i := range vt.nodes {
		vt.alias[i] = -1
		if vt.nodes[i].flags&flagAlias != 0 {
			a := vt.field(int32(i), '=')
			vt.aliasPath[i] = a
			vt.alias[i] = s.vy.find(strings.Fields(a))
			if vt.alias[i] < 0 && s.err == nil {
				s.err = errorf("vyatta.txt: %s: alias %q is not a VyOS path", vt.name(int32(i)), a)
			}
		}
	}
	s.vt = vt
	return s
}

// Cursor walks the schema one word at a time (parsers use it to avoid
// re-walking from the root). The zero Cursor is Unknown; start from Root.
// A Cursor is a small value: copying it is how a walker keeps a position.
type Cursor struct {
	vy, vt int32 // positions in the VyOS and Vyatta tables: a node index, rootIdx, or -1 (absent)
	al     int32 // the Vyatta node whose alias is in force, or -1
	state  uint8
}

const (
	stUnknown uint8 = iota
	stNode          // at the node (vy, vt)
	stValue         // at a tag value of the tag node (vy, vt)
)

// Root returns the cursor at the root of the schema (above the top-level
// nodes `interfaces`, `system`, ...).
func Root() Cursor {
	load()
	return Cursor{vy: rootIdx, vt: rootIdx, al: -1, state: stNode}
}

// own reports whether the Vyatta node vt decides (it is not an overlay).
func (s *schemas) own(vt int32) bool {
	return vt >= 0 && s.vt.nodes[vt].flags&flagOverlay == 0
}

// kind returns the kind of the node at c (not a tag value).
func (c Cursor) kind(s *schemas) Kind {
	switch {
	case c.vy == rootIdx:
		return Node
	case s.own(c.vt):
		return s.vt.nodes[c.vt].kind
	case c.vy >= 0:
		return s.vy.nodes[c.vy].kind
	}
	return Unknown
}

// Step returns the position after word: a child of the node, a tag value
// of a tag node, or a child of a tag value. Past a leaf (the word is a
// value), or for a word the schema does not know, the cursor is Unknown and
// stays Unknown.
//
// A child is looked up in the Vyatta table first, then in the VyOS table:
// a Vyatta node with an alias continues in the VyOS subtree it names (so
// `interfaces dataplane dp0s9 address` is VyOS's `interfaces ethernet ...
// address`), and a Vyatta wildcard ("*") takes a word both tables lack when
// its constraints accept it (`protocols bgp 64500`, VyOS 1.2/1.3). A step
// costs a binary search in each table; it does not allocate.
func (c Cursor) Step(word string) Cursor {
	if c.state == stUnknown {
		return c
	}
	s := load()
	if c.state == stNode {
		switch c.kind(s) {
		case Tag:
			c.state = stValue
			return c
		case Leaf, Unknown:
			return Cursor{}
		}
	}
	// A node or a tag value: look for the child word, the Vyatta table first.
	n := Cursor{vy: -1, vt: -1, al: c.al, state: stNode}
	if c.vt != -1 && word != "*" { // "*" names a wildcard, never a word
		n.vt = s.vt.child(c.vt, word)
	}
	if n.vt >= 0 && s.vt.alias[n.vt] >= 0 {
		n.vy, n.al = s.vt.alias[n.vt], n.vt
	} else if c.vy != -1 {
		n.vy = s.vy.child(c.vy, word)
	}
	if n.vt < 0 && n.vy < 0 && c.vt != -1 {
		// A Vyatta-table wildcard child "*" stands for a tag value of a
		// legacy tag node the current schema made a plain node
		// (`protocols bgp 64500`): it matches a word its constraints accept.
		if w := s.vt.child(c.vt, "*"); w >= 0 && s.wildcardAccepts(w, word) {
			n.vt = w
			if s.vt.alias[w] >= 0 {
				n.vy, n.al = s.vt.alias[w], w
			}
		}
	}
	if n.vy < 0 && !s.own(n.vt) {
		return Cursor{}
	}
	return n
}

// wildcardAccepts reports whether the Vyatta wildcard node w matches word:
// any of its constraints accepts it (none: any word).
func (s *schemas) wildcardAccepts(w int32, word string) bool {
	any := false
	for rest := s.vt.fields(w); rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, "\t")
		if f == "" || f[0] != '~' && f[0] != '@' {
			continue
		}
		any = true
		if ok, _ := check(f, word); ok {
			return true
		}
	}
	return !any
}

// Shape returns the part of Info that costs no text scan: Kind, TagValue,
// Multi and Valueless (Help, Source and Alias are left empty). Parsers ask
// it of every word.
func (c Cursor) Shape() Info {
	if c.state == stUnknown {
		return Info{}
	}
	s := load()
	var e *entry
	switch {
	case c.vy == rootIdx:
		return Info{Kind: Node}
	case s.own(c.vt):
		e = &s.vt.nodes[c.vt]
	case c.vy >= 0:
		e = &s.vy.nodes[c.vy]
	default:
		return Info{}
	}
	if c.state == stValue || c.vt >= 0 && s.vt.name(c.vt) == "*" {
		return Info{Kind: Node, TagValue: true}
	}
	return Info{Kind: e.kind, Multi: e.flags&flagMulti != 0, Valueless: e.flags&flagValueless != 0}
}

// Info describes the position. Source is Vyatta when a node of the Vyatta
// table decides, or when the position was reached through one of its
// aliases (then Alias names the VyOS path); VyOS when the generated table
// alone decides (an overlay of the Vyatta table, which only adds children
// or value forms, leaves it VyOS).
func (c Cursor) Info() Info {
	in := c.Shape()
	if c.state == stUnknown {
		return in
	}
	s := load()
	switch {
	case c.vy == rootIdx:
		in.Source = VyOS
		return in
	case s.own(c.vt):
		in.Help, in.Source = s.vt.field(c.vt, '?'), Vyatta
		if in.Help == "" && c.vy >= 0 {
			in.Help = s.vy.field(c.vy, '?')
		}
	case c.vy >= 0:
		in.Help, in.Source = s.vy.field(c.vy, '?'), VyOS
	default:
		return Info{}
	}
	if c.al >= 0 {
		in.Source = Vyatta
		in.Alias = s.vt.aliasPath[c.al]
	}
	return in
}

// walk returns the cursor at path.
func walk(path []string) Cursor {
	c := Root()
	for _, w := range path {
		if c = c.Step(w); c.state == stUnknown {
			break
		}
	}
	return c
}

// Lookup describes the node that path leads to. It never panics; paths
// neither table knows (and words past a leaf, which are values) give Kind
// Unknown and Source None. The empty path is the root, a Node. Any word
// after a tag node is its tag value: Lookup does not check tag values
// against the tag's constraints (Validate does).
func Lookup(path []string) Info {
	return walk(path).Info()
}

// Children lists the names the schema knows directly under path (for
// completion), sorted and without duplicates: both tables' children at
// that position. For a Tag node it returns nil (its children are values);
// for a tag value it returns the tag's children; for a leaf or an unknown
// path, nil.
func Children(path []string) []string {
	c := walk(path)
	return c.children()
}

func (c Cursor) children() []string {
	if c.state == stUnknown {
		return nil
	}
	s := load()
	if c.state == stNode && c.kind(s) != Node {
		return nil
	}
	var out []string
	if c.vt != -1 {
		for _, k := range s.vt.children(c.vt) {
			if name := s.vt.name(k); name != "*" {
				out = append(out, name)
			}
		}
	}
	if c.vy != -1 {
		for _, k := range s.vy.children(c.vy) {
			out = append(out, s.vy.name(k))
		}
	}
	sort.Strings(out)
	w := 0
	for i, n := range out {
		if i == 0 || n != out[w-1] {
			out[w] = n
			w++
		}
	}
	return out[:w]
}
