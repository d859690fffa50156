package schema

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// vyosText is the generated table of VyOS nodes (gen, from
// ../shared/schema/vyos-1x/interface-definitions).
//
//go:embed vyos.txt
var vyosText string

// vyattaText is the hand-written table of Vyatta 5600 / VRA nodes.
//
//go:embed vyatta.txt
var vyattaText string

// vyattaMergedText is vyattaText merged (mergeText), as go generate
// writes it (TestTablesGenerated).
//
//go:embed vyatta.merged.txt
var vyattaMergedText string

// The VyOS table's text, then what is generated from the two texts:
// vyatta.merged.txt and tables_gen.go (both tables' arrays).
//go:generate go run ./gen -o vyos.txt
//go:generate go test -run ^TestTablesGenerated$ -update .

// A table is one of the two schema tables, read from its text without
// copying: every string of a node is a substring of the embedded text.
//
// Text format (one node a line, depth-first, children sorted in vyos.txt):
// depth is the number of leading spaces divided by the table's indent unit;
// fields are tab-separated: name, kind, then any of ~regex, @validator
// arguments, !constraint error message, ?help, =alias (Vyatta table only).
// Kind is N (node), T (tag node), L (leaf) with m (multi) and v (valueless),
// or + (Vyatta table only: an overlay that adds children to the VyOS node of
// the same path and decides nothing itself). Lines starting with '#' (after
// the indent) and blank lines are skipped.
type table struct {
	text  string
	nodes []entry
	// kids holds the children of every node, each node's in one run
	// (entry.kids, entry.nkids), sorted by name; the root's come first.
	kids  []int32
	nroot int32
	// alias[i] is the VyOS node an aliased Vyatta node stands for, and
	// aliasPath[i] its path as written (the Vyatta table only; -1 and ""
	// elsewhere).
	alias     []int32
	aliasPath []string
}

// entry is one node: the span of its line and its run of children.
type entry struct {
	off   int32 // start of the name in text
	end   int32 // end of the line (before '\n')
	kids  int32 // first child in table.kids
	nkids int32
	nlen  uint16
	depth uint8
	kind  Kind
	flags uint8
}

const (
	flagMulti uint8 = 1 << iota
	flagValueless
	flagOverlay // Vyatta table: '+' kind
	flagAlias   // Vyatta table: has an =alias field
	flagCons    // has constraints (~ or @ fields)
)

// rootIdx is the position of a table's root in a Cursor.
const rootIdx int32 = -2

// parseTable reads text with the given indent unit (spaces per level).
// With scanFields it also checks every field and the order of siblings,
// and sets flagCons and flagAlias, which only the Vyatta table needs; the
// VyOS table is read without (the generator writes it sorted, and a test
// reads it with every check), which keeps the first load short.
func parseTable(text string, unit int, scanFields bool) (*table, error) {
	t := &table{text: text}
	t.nodes = make([]entry, 0, len(text)/64+16) // vyos.txt averages 79 bytes a line
	parents := make([]int32, 0, cap(t.nodes))
	var last [256]int32 // the last node seen at each depth
	lineNo := 0
	prevDepth := -1
	for pos := 0; pos < len(text); {
		lineNo++
		eol := strings.IndexByte(text[pos:], '\n')
		if eol < 0 {
			eol = len(text)
		} else {
			eol += pos
		}
		line := text[pos:eol]
		start := pos
		pos = eol + 1
		sp := 0
		for sp < len(line) && line[sp] == ' ' {
			sp++
		}
		if sp == len(line) || line[sp] == '#' {
			continue
		}
		if sp%unit != 0 || sp/unit > prevDepth+1 || sp/unit > 250 {
			return nil, fmt.Errorf("line %d: bad indentation", lineNo)
		}
		d := sp / unit
		rest := line[sp:]
		tab := strings.IndexByte(rest, '\t')
		if tab <= 0 || tab > 0xffff {
			return nil, fmt.Errorf("line %d: no name and kind", lineNo)
		}
		e := entry{off: int32(start + sp), end: int32(eol), nlen: uint16(tab), depth: uint8(d)}
		fields := rest[tab+1:]
		k := 0 // the kind field is a few bytes: scan it by hand
		for k < len(fields) && fields[k] != '\t' {
			k++
		}
		kindField, more := fields[:k], ""
		if k < len(fields) {
			more = fields[k+1:]
		}
		if kindField == "" {
			return nil, fmt.Errorf("line %d: no kind", lineNo)
		}
		switch kindField[0] {
		case 'N':
			e.kind = Node
		case 'T':
			e.kind = Tag
		case 'L':
			e.kind = Leaf
		case '+':
			e.flags |= flagOverlay
		default:
			return nil, fmt.Errorf("line %d: unknown kind %q", lineNo, kindField)
		}
		for _, f := range kindField[1:] {
			switch f {
			case 'm':
				e.flags |= flagMulti
			case 'v':
				e.flags |= flagValueless
			default:
				return nil, fmt.Errorf("line %d: unknown flag %q", lineNo, f)
			}
		}
		for scanFields && more != "" {
			var f string
			f, more, _ = strings.Cut(more, "\t")
			if f == "" {
				return nil, fmt.Errorf("line %d: empty field", lineNo)
			}
			switch f[0] {
			case '~', '@':
				e.flags |= flagCons
			case '=':
				e.flags |= flagAlias
			case '!', '?':
			default:
				return nil, fmt.Errorf("line %d: unknown field %q", lineNo, f)
			}
		}
		i := int32(len(t.nodes))
		p := rootIdx
		if d > 0 {
			p = last[d-1]
		}
		if scanFields && prevDepth >= d {
			// last[d] is the previous sibling: siblings must be sorted
			// (children are found by binary search).
			if prev := t.nodes[last[d]]; t.text[prev.off:prev.off+int32(prev.nlen)] >= rest[:tab] {
				return nil, fmt.Errorf("line %d: %q is not after its previous sibling in byte order", lineNo, rest[:tab])
			}
		}
		if p == rootIdx {
			t.nroot++
		} else {
			t.nodes[p].nkids++
		}
		last[d] = i
		prevDepth = d
		t.nodes = append(t.nodes, e)
		parents = append(parents, p)
	}
	// Lay out the runs of children: the root's first, then each node's.
	t.kids = make([]int32, len(t.nodes))
	pos := t.nroot
	for i := range t.nodes {
		t.nodes[i].kids, pos = pos, pos+t.nodes[i].nkids
		t.nodes[i].nkids = 0
	}
	nroot := int32(0)
	for i, p := range parents {
		if p == rootIdx {
			t.kids[nroot] = int32(i)
			nroot++
		} else {
			t.kids[t.nodes[p].kids+t.nodes[p].nkids] = int32(i)
			t.nodes[p].nkids++
		}
	}
	return t, nil
}

// name returns node i's name.
func (t *table) name(i int32) string {
	e := &t.nodes[i]
	return t.text[e.off : e.off+int32(e.nlen)]
}

// fields returns node i's fields after its kind.
func (t *table) fields(i int32) string {
	e := &t.nodes[i]
	line := t.text[e.off+int32(e.nlen)+1 : e.end]
	_, rest, _ := strings.Cut(line, "\t")
	return rest
}

// field returns the first field of node i starting with c (without c).
// No field holds a tab (the generator and the loader check), so "\t"+c
// starts a field wherever it occurs; the name and kind come first.
func (t *table) field(i int32, c byte) string {
	e := &t.nodes[i]
	line := t.text[e.off+int32(e.nlen) : e.end] // "\tKIND\t..."
	if last := strings.LastIndexByte(line, '\t'); last > 0 && last+1 < len(line) && line[last+1] == c {
		// The generator writes the help last: found from the end, it
		// costs its own length, not the line's.
		return line[last+2:]
	}
	k := strings.IndexByte(line[1:], '\t')
	if k < 0 {
		return ""
	}
	line = line[1+k:]
	for {
		j := strings.IndexByte(line, '\t')
		if j < 0 || j+1 >= len(line) {
			return ""
		}
		line = line[j+1:]
		if line[0] == c {
			if end := strings.IndexByte(line, '\t'); end >= 0 {
				return line[1:end]
			}
			return line[1:]
		}
	}
}

// children returns the children of i (rootIdx for the root), sorted by
// name; nil for -1.
func (t *table) children(i int32) []int32 {
	switch {
	case i == rootIdx:
		return t.kids[:t.nroot]
	case i < 0:
		return nil
	}
	e := &t.nodes[i]
	return t.kids[e.kids : e.kids+e.nkids]
}

// child returns the child of i named word, or -1.
func (t *table) child(i int32, word string) int32 {
	kids := t.children(i)
	lo, hi := 0, len(kids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.name(kids[m]) < word {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(kids) && t.name(kids[lo]) == word {
		return kids[lo]
	}
	return -1
}

// find returns the node at path (names only, no tag values), or -1.
func (t *table) find(path []string) int32 {
	i := rootIdx
	for _, w := range path {
		if i = t.child(i, w); i < 0 {
			return -1
		}
	}
	return i
}

// mergeText rewrites a hand-written table (indent unit spaces a level, with
// comments and blank lines) into the loader's form (one space a level, no
// comments), merging nodes of the same name under the same parent: a
// hand-written table groups its entries by source, so a node such as
// `system` may open several groups. When both are own nodes (not
// overlays), the first one's line decides; an overlay yields to an own node.
func mergeText(text string, unit int) (string, error) {
	type mnode struct {
		name, line string // line: the fields after the name, with the leading tab
		kids       []*mnode
	}
	root := &mnode{}
	stack := []*mnode{root}
	lineNo := 0
	for _, line := range strings.Split(text, "\n") {
		lineNo++
		sp := len(line) - len(strings.TrimLeft(line, " "))
		rest := line[sp:]
		if rest == "" || rest[0] == '#' {
			continue
		}
		if sp%unit != 0 || sp/unit+1 > len(stack) {
			return "", fmt.Errorf("line %d: bad indentation", lineNo)
		}
		d := sp / unit
		stack = stack[:d+1]
		name, fields, ok := strings.Cut(rest, "\t")
		if !ok || name == "" {
			return "", fmt.Errorf("line %d: no name and kind", lineNo)
		}
		parent := stack[d]
		var n *mnode
		for _, k := range parent.kids {
			if k.name == name {
				n = k
			}
		}
		if n == nil {
			n = &mnode{name: name, line: "\t" + fields}
			parent.kids = append(parent.kids, n)
		} else if line := "\t" + fields; line != n.line && fields != "+" {
			if n.line != "\t+" {
				return "", fmt.Errorf("line %d: %s is defined again differently", lineNo, name)
			}
			n.line = line
		}
		stack = append(stack, n)
	}
	var b strings.Builder
	var write func(n *mnode, depth int)
	write = func(n *mnode, depth int) {
		sort.Slice(n.kids, func(i, j int) bool { return n.kids[i].name < n.kids[j].name })
		for _, k := range n.kids {
			b.WriteString(strings.Repeat(" ", depth))
			b.WriteString(k.name)
			b.WriteString(k.line)
			b.WriteByte('\n')
			write(k, depth+1)
		}
	}
	write(root, 0)
	return b.String(), nil
}
