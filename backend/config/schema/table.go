package schema

import (
	_ "embed"
	"fmt"
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

//go:generate go run ./gen -o vyos.txt

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
	// alias[i] is the VyOS node an aliased Vyatta node stands for (the
	// Vyatta table only; -1 elsewhere).
	alias []int32
}

// entry is one node: the span of its line and its sibling link. The first
// child of node i, if any, is node i+1 (depth-first order).
type entry struct {
	off   int32 // start of the name in text
	end   int32 // end of the line (before '\n')
	next  int32 // next sibling, or -1
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
func parseTable(text string, unit int) (*table, error) {
	t := &table{text: text}
	t.nodes = make([]entry, 0, strings.Count(text, "\n"))
	var last [256]int32 // last node seen at each depth under the current parent
	for i := range last {
		last[i] = -1
	}
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
		e := entry{off: int32(start + sp), end: int32(eol), next: -1, nlen: uint16(tab), depth: uint8(d)}
		fields := rest[tab+1:]
		kindField, more, _ := strings.Cut(fields, "\t")
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
		for more != "" {
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
		if last[d] >= 0 {
			t.nodes[last[d]].next = i
		}
		last[d] = i
		for k := d + 1; k < len(last) && last[k] >= 0; k++ {
			last[k] = -1
		}
		prevDepth = d
		t.nodes = append(t.nodes, e)
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
func (t *table) field(i int32, c byte) string {
	rest := t.fields(i)
	for rest != "" {
		var f string
		f, rest, _ = strings.Cut(rest, "\t")
		if f != "" && f[0] == c {
			return f[1:]
		}
	}
	return ""
}

// firstChild returns the first child of i (rootIdx for the root), or -1.
func (t *table) firstChild(i int32) int32 {
	if i == rootIdx {
		if len(t.nodes) == 0 {
			return -1
		}
		return 0
	}
	if i < 0 || int(i+1) >= len(t.nodes) || t.nodes[i+1].depth != t.nodes[i].depth+1 {
		return -1
	}
	return i + 1
}

// child returns the child of i named word, or -1.
func (t *table) child(i int32, word string) int32 {
	if i == -1 {
		return -1
	}
	for c := t.firstChild(i); c >= 0; c = t.nodes[c].next {
		if t.name(c) == word {
			return c
		}
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
		} else if strings.HasPrefix(n.line, "\t+") && !strings.HasPrefix(fields, "+") {
			n.line = "\t" + fields
		}
		stack = append(stack, n)
	}
	var b strings.Builder
	var write func(n *mnode, depth int)
	write = func(n *mnode, depth int) {
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
