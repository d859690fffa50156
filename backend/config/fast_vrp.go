package config

import (
	"strings"
)

// The fast path for Huawei VRP text (`display current-configuration`;
// DOMAIN.md "Configuration text"), as fast_curly.go is for the curly
// form: a scan of each text finds its blocks (a header line and the
// lines indented below it, up to a line or `#` as shallow as it) and
// counts their rows, the planner of the curly form pairs them up and
// picks the byte-equal ones as stubs, and the VRP parser leaves those
// blocks unread (vrpParser.cut).
//
// A VRP node is named by its key (vrpKeyEnd), a header by its whole
// line, and lines of one name merge. The scan reads no key: it takes a
// block's rows as its lines, and its children as stubs, only where no
// line below one parent is a word-prefix of a sibling's (or the same):
// only then can two lines name one node, or a line without a value
// merge into another. Below a parent whose children's order counts
// (security-policy), the children the diff reports moved are parsed
// whole, as the diff shows them. Whatever else the
// parser would do with a line besides placing it sends the pair to the
// full parse: a comment, `quit`, a banner, a key block, a Meta line
// after the configuration began, text after `return`, a tab in the
// indentation, an indentation step the parser refuses, an unclosed
// quote, a control character.

// vrChild is what the scan keeps of a parent's child: its first word,
// its line, and whether it heads a block. The words are offsets in the
// text (vrScanner.w0, vrScanner.text): records without pointers cost no
// write barrier when appended.
type vrChild struct {
	at, w0Len, textLen int32
	header             bool
}

// w0 returns c's first word.
func (sc *vrScanner) w0(c vrChild) string { return sc.t.src[c.at : c.at+c.w0Len] }

// text returns c's line, without its indentation.
func (sc *vrScanner) text(c vrChild) string { return sc.t.src[c.at : c.at+c.textLen] }

// vrFrame is an open line of the scan: it becomes a block when a line
// below it comes. Its words are offsets, as vrChild's, to keep it small:
// the scan opens one for every line.
type vrFrame struct {
	indent int32
	start  int32 // where its line starts
	line   int32
	// w0Len and textLen are the lengths of its first word and its line
	// after the indentation.
	w0Len, textLen int32
	blk            int32 // its block, -1 until it has a child
	// lines counts the scan's content lines when it opened, for its rows.
	lines int32
	// kids is where its children start in the scan's kids; rowsOK and
	// kidsOK are fcKidsOK and the certainty of its rows so far.
	kids           int32
	rowsOK, kidsOK bool
	// groups holds its children by first word once they are many.
	groups map[string]*vrGroup
}

// vrScanner is the state of vrScan.
type vrScanner struct {
	t     *fcText
	stack []vrFrame
	kids  []vrChild
	root  vrFrame
	lines int32 // content lines so far
	step  int
}

// vrSmall is the most children a parent's check compares pairwise.
const vrSmall = 16

// vrScan cuts VRP text into its blocks, if it is certain of them (see
// above); step is the indentation step the text uses (0: none). With
// gate, as for fcScan, it stops at a line that may be a capture line.
func vrScan(src string, gate bool) (t *fcText, step int, ok bool) {
	n := len(src)
	if n == 0 || n >= 1<<31-1 {
		return nil, 0, false
	}
	// A block is a line and those below it, and most children are of a
	// few parents: a quarter of the lines sizes both lists, which grow
	// where that is short. (Room not used is not touched.)
	room := strings.Count(src, "\n")/4 + 16
	t = &fcText{src: src, blocks: make([]fcBlock, 0, room)}
	sc := &vrScanner{t: t, root: vrFrame{blk: -1, rowsOK: true, kidsOK: true}, kids: make([]vrChild, 0, room)}
	var (
		line     int32
		body     bool
		returned bool
		words    []vrpSpan
	)
	for pos := 0; pos < n; {
		line++
		e, next := lineEnd(src, pos, n)
		start := pos
		pos = next
		end := e
		for end > start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r') {
			end--
		}
		if end == start {
			continue
		}
		s := src[start:end]
		indent := 0
		for s[indent] == ' ' {
			indent++
		}
		text := s[indent:]
		if gate && (indent == 0 || text[0] == '-') && scanCapture(src[start:], text, indent > 0) {
			t.capture = true
			return t, 0, false
		}
		if vrpControl(s) >= 0 || returned {
			return nil, 0, false
		}
		switch {
		case text[0] == '\t', text[0] == '+', text[0] == '-':
			return nil, 0, false
		case indent == 0 && text[0] == '!', !body && indent == 0 && vrpIsTimestamp(text), indent <= 1 && vrpIsVersionLine(text):
			if body {
				return nil, 0, false // Meta amid the configuration
			}
			continue
		case text[0] == '#':
			if text != "#" {
				return nil, 0, false // a comment: it is the next node's
			}
			body = true
			sc.pop(indent, int32(start), line)
			continue
		case indent == 0 && text == "return":
			body, returned = true, true
			sc.pop(0, int32(start), line)
			continue
		case text == "quit", vrpHasWordPrefix(text, "header"), text == vrpBlockBegin:
			return nil, 0, false
		}
		if strings.IndexByte(text, '"') >= 0 {
			var bad int
			if words, bad = vrpWords(text, words[:0]); bad >= 0 {
				return nil, 0, false
			}
		}
		body = true
		if !sc.content(indent, text, int32(start), line) {
			return nil, 0, false
		}
	}
	sc.pop(0, int32(n), line+1)
	sc.done(&sc.root)
	t.topOK = sc.root.kidsOK
	t.lines = line
	return t, sc.step, true
}

// content places a configuration line as the parser would, and reports
// whether the parser takes its indentation.
func (sc *vrScanner) content(indent int, text string, start, line int32) bool {
	sc.pop(indent, start, line)
	if len(sc.stack) == 0 {
		if indent > vrpMaxStep {
			return false
		}
	} else {
		p := &sc.stack[len(sc.stack)-1]
		d := indent - int(p.indent)
		switch {
		case sc.step == 0 && d > vrpMaxStep:
			return false
		case sc.step == 0:
			sc.step = d
		case d > sc.step:
			return false
		}
		if p.blk < 0 {
			// Its first child: the line heads a block.
			up := int32(-1)
			if len(sc.stack) > 1 {
				up = sc.stack[len(sc.stack)-2].blk
			}
			p.blk = int32(len(sc.t.blocks))
			sc.t.blocks = append(sc.t.blocks, fcBlock{start: p.start, line: p.line, keyAt: p.start + p.indent, keyLen: p.textLen, rows: -1, parent: up})
		}
	}
	sc.lines++
	w0 := len(text)
	if i := strings.IndexByte(text, ' '); i >= 0 {
		w0 = i
	}
	sc.stack = append(sc.stack, vrFrame{indent: int32(indent), start: start, line: line, w0Len: int32(w0), textLen: int32(len(text)), blk: -1,
		lines: sc.lines, kids: int32(len(sc.kids)), rowsOK: true, kidsOK: true})
	return true
}

// pop closes the open lines at indent or deeper, before the line that
// starts at start.
func (sc *vrScanner) pop(indent int, start, line int32) {
	for len(sc.stack) > 0 && int(sc.stack[len(sc.stack)-1].indent) >= indent {
		f := &sc.stack[len(sc.stack)-1]
		sc.done(f)
		parent := &sc.root
		if len(sc.stack) > 1 {
			parent = &sc.stack[len(sc.stack)-2]
		}
		// The line is its parent's child, now that it is whole.
		c := vrChild{at: f.start + f.indent, w0Len: f.w0Len, textLen: f.textLen, header: f.blk >= 0}
		if f.blk >= 0 {
			blk := &sc.t.blocks[f.blk]
			blk.end, blk.close = start, start
			blk.lines = line - blk.line
			blk.next = int32(len(sc.t.blocks))
			if f.kidsOK {
				blk.flags |= fcKidsOK
			}
			if f.rowsOK {
				blk.rows = sc.lines - f.lines + 1
			}
			if !f.rowsOK || blk.rows < 0 {
				parent.rowsOK = false
			}
		}
		sc.kids = sc.kids[:f.kids]
		sc.stack = sc.stack[:len(sc.stack)-1]
		if !c.header && parent.blk >= 0 {
			sc.t.blocks[parent.blk].flags |= fcLeaves
		}
		sc.child(parent, c)
	}
}

// child records a whole child of f and whether its name may be one of
// its siblings'.
func (sc *vrScanner) child(f *vrFrame, c vrChild) {
	kids := sc.kids[f.kids:]
	sc.kids = append(sc.kids, c)
	if f.groups == nil && len(kids) < vrSmall {
		for _, k := range kids {
			sc.clash(f, k, c)
		}
		return
	}
	if f.groups == nil {
		f.groups = make(map[string]*vrGroup)
		for i := range kids {
			sc.group(f, i)
		}
	}
	sc.group(f, len(kids))
}

// vrGroup is what a parent of many children keeps of those of one first
// word (only they can name one node): headers while their lines
// increase (naturally, so all differ), then a set of their lines and
// word-prefixes.
type vrGroup struct {
	last string
	set  *vrSet
}

// group adds child i of f to its group, noting a clash with a sibling.
func (sc *vrScanner) group(f *vrFrame, i int) {
	kids := sc.kids[f.kids:]
	c := kids[i]
	w0 := sc.w0(c)
	g := f.groups[w0]
	if g == nil {
		g = &vrGroup{}
		f.groups[w0] = g
	}
	if g.set == nil {
		if text := sc.text(c); c.header && (g.last == "" || fcNaturalLess(g.last, text)) {
			g.last = text
			return
		}
		g.set = newVRSet(3 * (i + 1))
		for _, k := range kids[:i] {
			if sc.w0(k) == w0 {
				sc.mark(f, g.set, k)
			}
		}
	}
	sc.mark(f, g.set, c)
}

// vrWhole and vrPrefix mark, in a parent's set, a child's line and a
// proper word-prefix of one.
const (
	vrWhole uint8 = 1 << iota
	vrPrefix
)

// mark adds c to set, noting in f a clash with a sibling (see clash).
func (sc *vrScanner) mark(f *vrFrame, set *vrSet, c vrChild) {
	text := sc.text(c)
	h := uint64(vrHashStart)
	for i := 0; i < len(text); i++ {
		if text[i] == ' ' {
			// h is the hash of text[:i], a word-prefix.
			if set.or(h, vrPrefix)&vrWhole != 0 {
				f.rowsOK, f.kidsOK = false, false
			}
		}
		h = (h ^ uint64(text[i])) * vrHashPrime
	}
	if set.or(h, vrWhole) != 0 {
		f.rowsOK, f.kidsOK = false, false
	}
}

// vrHashStart and vrHashPrime are FNV-1a's, the hash vrSet keys by.
const (
	vrHashStart = 14695981039346656037
	vrHashPrime = 1099511628211
)

// vrSet is a group's set of lines and word-prefixes (vrWhole, vrPrefix),
// keyed by their 64-bit FNV-1a hash, built as the line is read, one
// prefix after the other. Two strings of one hash would look like one:
// a clash noted where there is none, which costs a parse, never a
// wrong stub.
type vrSet struct {
	keys  []uint64 // 0: empty (a hash of 0 is kept as 1)
	flags []uint8
	n     int
}

// or sets flags on the entry of hash h and returns the flags it had.
func (s *vrSet) or(h uint64, flags uint8) uint8 {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.keys) {
		s.grow()
	}
	mask := uint64(len(s.keys) - 1)
	for i := (h ^ h>>29) & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			old := s.flags[i]
			s.flags[i] |= flags
			return old
		case 0:
			s.keys[i], s.flags[i] = h, flags
			s.n++
			return 0
		}
	}
}

// newVRSet returns a set with room for n entries before it grows.
func newVRSet(n int) *vrSet {
	size := 64
	for size < 2*n {
		size *= 2
	}
	return &vrSet{keys: make([]uint64, size), flags: make([]uint8, size)}
}

// grow doubles the set's table.
func (s *vrSet) grow() {
	old, oldFlags := s.keys, s.flags
	size := max(64, 2*len(old))
	s.keys, s.flags, s.n = make([]uint64, size), make([]uint8, size), 0
	for i, h := range old {
		if h != 0 {
			s.or(h, oldFlags[i])
		}
	}
}

// clash notes whether k and c, two children of f, may name one node: a
// node is named by its line's key, a word-prefix of the line, or by the
// whole line (a header, or a line without a value), so two lines name
// one node, or merge a line without a value into another, only where
// one line is a word-prefix of the other or the same. Two lines of one
// key with values each give a row.
func (sc *vrScanner) clash(f *vrFrame, k, c vrChild) {
	if k.w0Len != c.w0Len || sc.w0(k) != sc.w0(c) {
		return
	}
	if kt, ct := sc.text(k), sc.text(c); vrpHasWordPrefix(kt, ct) || vrpHasWordPrefix(ct, kt) {
		f.rowsOK, f.kidsOK = false, false
	}
}

// done ends f's children (the top level's at the end).
func (sc *vrScanner) done(f *vrFrame) {
	f.groups = nil
}

// vrCut is what the VRP parse of one side leaves out: its stubs'
// blocks, in the order of the text.
type vrCut struct {
	text  *fcText
	file  string
	spans []fcSpan
	next  int
	stubs []stub
	form  *vrForm
}

// at reports whether the line starting at offset off opens the next
// stub.
func (c *vrCut) at(off int) bool {
	return c.next < len(c.spans) && int(c.text.blocks[c.spans[c.next].blk].start) == off
}

// make turns the line just read into the next stub's header node, and
// moves the parser past its block.
func (c *vrCut) make(p *vrpParser) error {
	sp := c.spans[c.next]
	c.next++
	blk := &c.text.blocks[sp.blk]
	f := &p.stack[len(p.stack)-1]
	n := p.header(f)
	if n.Values != nil || n.Children != nil || int(n.Line) != p.line {
		return errStubClash
	}
	if p.t.stubs == nil {
		p.t.stubs = c.stubs
	}
	p.t.stubs = append(p.t.stubs, stub{
		file: c.file, text: c.text.src[blk.start:blk.end], line: blk.line, pair: sp.pair, rows: sp.rows,
		form: c.form, block: sp.blk,
	})
	n.Values = stubMark[:1:1]
	n.Line = -int32(len(p.t.stubs))
	p.src = c.text.src[blk.end:]
	p.line = int(blk.line + blk.lines - 1)
	return nil
}

// vrForm parses the stubs of one VRP text (stubForm).
type vrForm struct {
	text *fcText
	step int
}

// parseStub reads a stub's block alone, below a parent of its parent's
// name, and returns its node with the lines of its file.
func (f *vrForm) parseStub(t *Tree, s *stub) *Node {
	ft := f.text
	anc := ft.ancestors(s.block)
	// The stubs of one tree take their nodes from one chunk (Tree.share),
	// not a chunk each: a stub is a few lines.
	sh := t.share()
	p := &vrpParser{
		file:  s.file,
		src:   s.text,
		t:     &Tree{Family: Huawei, Root: &Node{}, Source: s.file},
		index: newChildIndexes(vrpIndexMin),
		step:  f.step,
		body:  true,
		alloc: sh.alloc,
	}
	defer func() { sh.alloc = p.alloc }()
	parent := p.t.Root
	if len(anc) > 0 {
		// The parent's line, open: the stub's header is its child.
		a := anc[len(anc)-1]
		key := ft.key(a)
		parent = &Node{Name: key, Ordered: vrpOrdered(key)}
		p.stack = append(p.stack, vrpFrame{indent: ft.indentOf(a), text: key, node: parent, value: -1, opened: true})
		p.runs.open(parent)
	}
	if err := p.parse(); err != nil {
		panic("config: a stub's text does not parse alone: " + err.Error())
	}
	n := parent.Children[0]
	shiftLines(n, s.line-1)
	return n
}

// indentOf is the indentation of block i's header line.
func (t *fcText) indentOf(i int32) int {
	s := t.src[t.blocks[i].start:]
	k := 0
	for k < len(s) && s[k] == ' ' {
		k++
	}
	return k
}

// ParsePairVRP is ParsePairFast for two VRP texts: ok is false when the
// fast path does not apply, and the caller then parses both in full.
func ParsePairVRP(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	type side struct {
		pre  prepared
		t    *fcText
		step int
		ok   bool
	}
	read := func(file, text string) (s side) {
		s.pre, s.t, s.ok = scanPrepared(file, text, func(pre prepared, gate bool) (*fcText, bool) {
			if pre.family(fam) != Huawei {
				return nil, false
			}
			t, step, ok := vrScan(pre.text, gate)
			s.step = step
			return t, ok
		})
		return s
	}
	var sa, sb side
	both(len(textA)+len(textB), func() { sa = read(fileA, textA) }, func() { sb = read(fileB, textB) })
	if !sa.ok || !sb.ok {
		return nil, nil, false
	}
	p := &fcPlanner{a: sa.t, b: sb.t, edges: sa.t.lines >= fcEdgeLines, ordered: vrpOrdered}
	p.match(-1, -1, 0)
	if !p.enough(sa.t.lines, o.MinEqual) {
		return nil, nil, false
	}
	sortSpans(p.spansB, sb.t)
	var errA, errB error
	both(len(textA)+len(textB), func() { a, errA = vrParseCut(fileA, sa.pre, sa.t, sa.step, p.spansA) },
		func() { b, errB = vrParseCut(fileB, sb.pre, sb.t, sb.step, p.spansB) })
	if errA != nil || errB != nil {
		return nil, nil, false
	}
	a.peer, b.peer = b, a
	return a, b, true
}

// vrParseCut parses a VRP text but the spans' blocks, which become
// stubs.
func vrParseCut(file string, pre prepared, t *fcText, step int, spans []fcSpan) (*Tree, error) {
	p := &vrpParser{
		file:  file,
		src:   t.src,
		t:     &Tree{Family: Huawei, Root: &Node{}, Source: file},
		index: newChildIndexes(vrpIndexMin),
		cut:   &vrCut{text: t, file: file, spans: spans, stubs: make([]stub, 0, len(spans)), form: &vrForm{text: t, step: step}},
	}
	if err := p.parse(); err != nil {
		return nil, err
	}
	if p.cut.next < len(spans) {
		return nil, errStubClash
	}
	if len(pre.notes) > 0 {
		p.t.Notes = append(pre.notes, p.t.Notes...)
	}
	return p.t, nil
}

// lineEnd returns where the line that starts at pos of src ends (its
// newline, or n where it has none) and where the next line starts (n
// after the last line).
func lineEnd(src string, pos, n int) (e, next int) {
	i := strings.IndexByte(src[pos:], '\n')
	if i < 0 {
		return n, n
	}
	return pos + i, pos + i + 1
}
