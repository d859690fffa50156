package config

import (
	"slices"
	"strings"
	"sync"

	"github.com/hasync/hasync/backend/config/schema"
)

// The fast path for the Vyatta curly form (config.boot, `show
// configuration`; DOMAIN.md "Configuration text"). A scan of each text,
// line by line, finds its blocks (`name {` or `name tag {` ending a
// line, `}` alone on a line) and counts the rows each gives: a row per
// statement line, none for a node the schema makes a tag node, one per
// distinct value of a leaf's run of lines. The blocks at one path whose
// bytes are the same on both sides become stubs (fast.go), and a block
// that differs is looked into, block by block; the stubs that end a run
// of stubs, whose rows a view shows as context, are parsed instead
// (edges, as the set form's planner does). The rest is parsed by the
// curly parser, which leaves the stubs' blocks unread and, in a block
// whose names the scan found unique, adds children without looking them
// up (vyParseCurlyCut).
//
// The scan is certain of a block's bounds only in plain text: whatever
// it is not certain of sends the pair to the full parse. That is a `;`,
// a backslash, a string that does not close on its line or has text
// glued to its closing quote, a brace anywhere but ending an opening
// line or alone on a closing one, a comment inside a block or after a
// word, a control character other than a tab. A block is parsed rather
// than left as a stub when a name repeats among its siblings (repeated
// blocks merge), when a comment stands before it (the comment is its
// node's), or when it holds `system config-sync`, which the sync-maps
// are read from. A stub whose rows the scan is not certain of (a value
// twice in a run) is counted by parsing it (Tree.StubRows).

// fcBlock is one block of curly text: its opening line to its closing
// `}` line.
type fcBlock struct {
	// start is where the opening line starts, end where the line after
	// the closing line starts (or the text's end), close where its `}`
	// is.
	start, end, close int32
	line              int32 // the opening line, 1-based
	lines             int32 // lines from the opening line to the closing one
	// next is the index of the first block after this one's subtree:
	// its children are the blocks from its index + 1 to next, each
	// followed by its own subtree. parent is the block it is in, -1 at
	// the top level.
	next, parent int32
	// rows is the number of rows its node's subtree gives (SubtreeRows),
	// or -1 where the scan cannot be certain of it.
	rows int32
	// keyAt and keyLen place in the text the opening words as written,
	// `name` or `name tag` (fcText.key): offsets, not a string, keep the
	// blocks free of pointers (no write barriers, nothing for the GC to scan).
	keyAt, keyLen int32
	flags         uint8
}

// key returns the opening words of block i as written.
func (t *fcText) key(i int32) string {
	b := &t.blocks[i]
	return t.src[b.keyAt : b.keyAt+b.keyLen]
}

const (
	// fcKidsOK: no name repeats among the block's statements, so that
	// its blocks may be stubs.
	fcKidsOK uint8 = 1 << iota
	// fcComment: a comment stands before the block.
	fcComment
	// fcTwo: the block opens with two words (`name tag {`).
	fcTwo
	// fcNever: the block holds `system config-sync` or is in it.
	fcNever
	// fcRuns: a leaf of the block has a run of values, which fcScan
	// counted a row each; fcRunsIn: a block below has one.
	fcRuns
	fcRunsIn
	// fcLeaves: a VRP block has children that are no blocks.
	fcLeaves
)

// fcText is curly text cut into its blocks, in the order of the text.
type fcText struct {
	src    string
	blocks []fcBlock
	// topOK is fcKidsOK of the top level.
	topOK bool
	lines int32
	// capture tells that the scan, asked to look for them, stopped at a
	// line that may be a capture line (lineMayCapture).
	capture bool
}

// scanCapture reports whether a line that a scan reads may be a capture
// line, one that prepare blanks (lineMayCapture): rest is the text from
// the line's start, s the line from its first byte that is not a blank,
// indented whether blanks come before s. Only a pager line may start
// with blanks.
func scanCapture(rest, s string, indented bool) bool {
	if !indented {
		return lineMayCapture(rest)
	}
	return s[0] == '-' && strings.HasPrefix(s, "---- More")
}

// The kinds of statement the scan tells apart.
const (
	fcNone uint8 = iota
	fcLeafBare
	fcLeafValue
	fcOpen1
	fcOpen2
)

// fcFrame is an open block of the scan (or the top level, blk -1).
type fcFrame struct {
	blk int32
	// c is the schema's position at the block's node, h the hash of its
	// path (fcMix).
	c schema.Cursor
	h uint64
	// rows counts the rows of the statements read so far, -1 once not
	// certain; own is the node's own row (0 for a tag node).
	rows, own int32
	kidsOK    bool
	// sorted tells that the statements' first words so far increase
	// (natural order): then a word differing from the last one is new.
	sorted bool
	// kind, w0 and w1 are the last statement's kind, first word and
	// second (a tag); run counts the values of its run of lines.
	kind   uint8
	run    int32
	w0, w1 string
	names  int // where the block's first words start in the scan's names
	// tags is where the tags of its last statement's run of `name tag
	// {` blocks start in the scan's tags; tagSet holds them once they
	// come out of order.
	tags   int
	tagSet map[string]struct{}
}

// fcMix is the hash the scan gives a block's path, from its parent's and
// the block's first word: vyKinds.step takes any hash that a position's
// path decides, and a path's words (tag values left out, as they all
// lead to one position) cost less to hash than the position. A position
// reached by two paths takes two slots, which costs a schema lookup, not
// an answer.
func fcMix(h, wordHash uint64) uint64 {
	return (h ^ wordHash) * 0x9e3779b97f4a7c15
}

// fcMaxDepth bounds the nesting the scan takes.
const fcMaxDepth = 64

// fcIndent is the indentation of the deepest block whose lines the scan
// skips at once: VyOS indents by 4 spaces a level.
const fcIndent = "                                                                "

// fcScan cuts curly text into its blocks, if it is certain of them (see
// above); kinds is the schema cache to use. Without count it leaves the
// rows uncounted (-1): the planner takes a stub's rows from a's side.
// With gate, src is text that has not been through prepare's capture
// gate: at a line that may be a capture line, the scan stops and returns
// a text with capture set, and false.
func fcScan(src string, kinds *vyKinds, count, gate bool) (*fcText, bool) {
	n := len(src)
	if n == 0 || n >= 1<<31-1 || strings.IndexByte(src, ';') >= 0 || strings.IndexByte(src, '\\') >= 0 {
		return nil, false
	}
	// Every block has its `{`: counting them first sizes the list.
	braces := strings.Count(src, "{")
	t := &fcText{src: src, blocks: make([]fcBlock, 0, braces)}
	sc := &fcScanner{t: t, kinds: kinds, names: make([]string, 0, 64), count: count}
	root := fcFrame{blk: -1, h: 1, kidsOK: true, sorted: true, rows: -1}
	if count {
		root.c, root.rows = schema.Root(), 0
	}
	sc.stack = append(make([]fcFrame, 0, 32), root)
	var (
		opens, closes int
		comment       bool
		line          int32
	)
	for pos := 0; pos < n; {
		line++
		b, start := pos, pos
		// Most lines are indented as deep as the block they are in.
		if ind := 4 * (len(sc.stack) - 1); ind > 0 && ind <= len(fcIndent) && b+ind < n && src[b:b+ind] == fcIndent[:ind] {
			b += ind
		}
		for b < n && (src[b] == ' ' || src[b] == '\t') {
			b++
		}
		// The line's end, read with its bytes (fcLine).
		e, ctrl, slash := fcLine(src, b)
		pos = e + 1
		if b == e {
			continue
		}
		end := e
		for src[end-1] == ' ' || src[end-1] == '\t' {
			end--
		}
		s := src[b:end]
		if gate && (b == start || s[0] == '-') && scanCapture(src[start:], s, b != start) {
			t.capture = true
			return t, false
		}
		if ctrl || slash && fcAfterWord(s) {
			return nil, false
		}
		c0 := s[0]
		switch {
		case c0 == '}':
			if len(s) != 1 || len(sc.stack) == 1 {
				return nil, false
			}
			closes++
			sc.close(int32(b), int32(min(pos, n)), line)
			continue
		case c0 == '#' || c0 == '/' && len(s) > 1 && (s[1] == '*' || s[1] == '/'):
			// A comment: at the top level only, on one line.
			if len(sc.stack) > 1 || c0 == '/' && s[1] == '*' && (len(s) < 4 || strings.Index(s[2:], "*/") != len(s)-4) {
				return nil, false
			}
			opens += strings.Count(s, "{")
			closes += strings.Count(s, "}")
			comment = true
			continue
		case c0 == '"' || c0 == '\'':
			return nil, false // a quoted name
		case s[len(s)-1] == '{':
			opens++
			if opens > braces || !sc.open(s, int32(start), int32(b), line, comment) {
				return nil, false
			}
			comment = false
			continue
		}
		comment = false
		// A leaf: `name`, `name value`.
		i := 1
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			i++
		}
		w0 := s[:i]
		f := &sc.stack[len(sc.stack)-1]
		if i < len(s) {
			if fcMultiWord(s[i:]) {
				// `description two words`: the parser decides (a free
				// text value or an error, vyCurly.multiWord), on every
				// line, stub or not.
				return nil, false
			}
			if f.kind == fcLeafValue && w0 == f.w0 {
				// One more value of the leaf before: endRun and
				// runsDistinct see to a value twice.
				f.run++
				if f.rows >= 0 {
					f.rows++
				}
				continue
			}
			sc.statement(f, fcLeafValue, w0, "")
			if f.rows >= 0 {
				f.rows++
			}
			continue
		}
		sc.statement(f, fcLeafBare, w0, "")
		if f.rows >= 0 {
			// A valueless leaf is a row, but none where the schema
			// makes it a tag node.
			if _, k, _ := sc.step(f.c, f.h, w0); k.kind == schema.Tag {
				f.rows = -1
			} else {
				f.rows++
			}
		}
	}
	if len(sc.stack) != 1 || braces != opens || strings.Count(src, "}") != closes || !fcQuotesOK(src) {
		return nil, false
	}
	t.topOK = sc.stack[0].kidsOK
	t.lines = line
	return t, true
}

// fcScanner is the state of fcScan.
type fcScanner struct {
	t     *fcText
	kinds *vyKinds
	stack []fcFrame
	names []string // the first words of the open blocks' statements
	tags  []string // the tags of their runs of `name tag {` blocks
	count bool     // count rows
}

// step is kinds.step with the path hashes of fcMix: the position after
// word below c (path hash h), what the schema says of it, and the path
// hash there.
func (sc *fcScanner) step(c schema.Cursor, h uint64, word string) (schema.Cursor, vyKind, uint64) {
	wh := vyWordHash(word)
	if s := &sc.kinds.steps[(h^wh)%vyStepSlots]; s.ok && s.parent == c && s.word == word {
		return s.child, s.k, fcMix(h, wh)
	}
	n, k := sc.kinds.step(c, h, word)
	return n, k, fcMix(h, wh)
}

// statement records a statement of f, the innermost open block, that
// does not continue a run of values: its kind, first word and second (a
// tag), and whether its name repeats.
func (sc *fcScanner) statement(f *fcFrame, kind uint8, w0, w1 string) {
	if f.kind != fcNone && w0 == f.w0 {
		// The name of the last statement again: the next tag of a tag
		// node, or a name that merges. A repeated tag merges too: the
		// tags' order rules it out, else their set.
		f.run = 0
		if kind != fcOpen2 || f.kind != fcOpen2 {
			f.kidsOK, f.rows = false, -1
			f.kind, f.w1 = kind, w1
			return
		}
		if f.tagSet != nil || !fcNaturalLess(f.w1, w1) {
			if f.tagSet == nil {
				f.tagSet = make(map[string]struct{}, 2*(len(sc.tags)-f.tags))
				for _, tag := range sc.tags[f.tags:] {
					f.tagSet[tag] = struct{}{}
				}
			}
			if _, dup := f.tagSet[w1]; dup {
				f.kidsOK, f.rows = false, -1
			}
			f.tagSet[w1] = struct{}{}
		}
		sc.tags = append(sc.tags, w1)
		f.w1 = w1
		return
	}
	sc.endRun(f)
	sc.tags, f.tagSet = sc.tags[:f.tags], nil
	if kind == fcOpen2 {
		sc.tags = append(sc.tags, w1)
	}
	if kind == fcLeafValue {
		f.run = 1
	}
	if f.kind != fcNone && !(f.sorted && fcNaturalLess(f.w0, w0)) {
		f.sorted = false
		for _, w := range sc.names[f.names:] {
			if w == w0 {
				f.kidsOK, f.rows = false, -1
				break
			}
		}
	}
	sc.names = append(sc.names, w0)
	f.kind, f.w0, f.w1 = kind, w0, w1
}

// endRun ends the run of values of f's last statement: a run of two or
// more counted a row each, which holds only where they are distinct
// (fcText.runsDistinct checks it where it matters).
func (sc *fcScanner) endRun(f *fcFrame) {
	if f.run > 1 && f.blk >= 0 {
		sc.t.blocks[f.blk].flags |= fcRuns
	}
	f.run = 0
}

// fcDistinct reports whether the strings of vals are distinct.
func fcDistinct(vals []string) bool {
	if len(vals) <= 16 {
		for i, v := range vals {
			for _, w := range vals[:i] {
				if w == v {
					return false
				}
			}
		}
		return true
	}
	set := make(map[string]struct{}, len(vals))
	for _, v := range vals {
		if _, ok := set[v]; ok {
			return false
		}
		set[v] = struct{}{}
	}
	return true
}

// fcNaturalLess is naturalCompare(a, b) < 0, deciding at the first byte
// that differs where no digit is near it.
func fcNaturalLess(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i < len(a) && i < len(b) && !isDigit(a[i]) && !isDigit(b[i]) && (i == 0 || !isDigit(a[i-1])) {
		return a[i] < b[i]
	}
	return naturalCompare(a, b) < 0
}

// fcWord cuts the first word off s (blanks trimmed at both ends, not
// empty): the word, the rest with its blanks trimmed.
func fcWord(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		i++
	}
	w, rest := s[:i], s[i:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	return w, rest
}

// fcValue is the value the parser reads from the words after a leaf's
// name, if the scan can tell: one bare word, or one quoted string.
func fcValue(rest string) (string, bool) {
	if q := rest[0]; q == '"' || q == '\'' {
		if len(rest) < 2 || strings.IndexByte(rest[1:], q) != len(rest)-2 {
			return "", false
		}
		return rest[1 : len(rest)-1], true
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == ' ' || c == '\t' || c == '"' || c == '\'' {
			return "", false
		}
	}
	return rest, true
}

// open reads an opening line s (ending `{`), which starts at byte b; s
// itself starts at byte at (after the indent).
func (sc *fcScanner) open(s string, b, at, line int32, comment bool) bool {
	if len(sc.stack) >= fcMaxDepth {
		return false
	}
	key := s[:len(s)-1]
	for len(key) > 0 && (key[len(key)-1] == ' ' || key[len(key)-1] == '\t') {
		key = key[:len(key)-1]
	}
	if key == "" {
		return false
	}
	w0, tag := fcWord(key)
	kind, name := fcOpen1, ""
	if tag != "" {
		var ok bool
		if name, ok = fcValue(tag); !ok || name == "" {
			return false
		}
		kind = fcOpen2
	}
	parent := &sc.stack[len(sc.stack)-1]
	sc.statement(parent, kind, w0, name)
	blk := fcBlock{start: b, line: line, keyAt: at, keyLen: int32(len(key)), rows: -1, parent: parent.blk}
	if comment {
		blk.flags |= fcComment
	}
	fr := fcFrame{blk: int32(len(sc.t.blocks)), kidsOK: true, sorted: true, names: len(sc.names), tags: len(sc.tags), own: 1}
	if kind == fcOpen2 {
		blk.flags |= fcTwo
	}
	if sc.count {
		var k vyKind
		fr.c, k, fr.h = sc.step(parent.c, parent.h, w0)
		switch {
		case kind == fcOpen2 && k.kind == schema.Tag:
			fr.c = fr.c.Step(name) // a tag value: one position for all
			fr.h = fcMix(fr.h, 0)
		case kind == fcOpen2:
			fr.c, _, _ = sc.step(fr.c, fr.h, name)
			fr.h = fcMix(fr.h, 0)
		case k.kind == schema.Tag:
			fr.own = 0
		}
	} else {
		fr.rows = -1
	}
	// The sync-maps are read from `system config-sync`: it and what
	// holds it are parsed.
	switch {
	case parent.blk < 0 && key == "system":
		blk.flags |= fcNever
	case parent.blk >= 0 && sc.t.blocks[parent.blk].flags&fcNever != 0 && (key == "config-sync" || len(sc.stack) > 2):
		blk.flags |= fcNever
	}
	sc.t.blocks = append(sc.t.blocks, blk)
	sc.stack = append(sc.stack, fr)
	return true
}

// close ends the innermost block at its `}` (byte b), before next.
func (sc *fcScanner) close(b, next, line int32) {
	f := &sc.stack[len(sc.stack)-1]
	sc.endRun(f)
	sc.names, sc.tags = sc.names[:f.names], sc.tags[:f.tags]
	blk := &sc.t.blocks[f.blk]
	blk.close, blk.end = b, next
	blk.lines = line - blk.line + 1
	blk.next = int32(len(sc.t.blocks))
	if f.kidsOK {
		blk.flags |= fcKidsOK
	}
	if f.rows >= 0 {
		blk.rows = f.own + f.rows
	}
	rows, runs := blk.rows, blk.flags&(fcRuns|fcRunsIn) != 0
	sc.stack = sc.stack[:len(sc.stack)-1]
	p := &sc.stack[len(sc.stack)-1]
	if p.blk >= 0 && runs {
		sc.t.blocks[p.blk].flags |= fcRunsIn
	}
	if p.rows >= 0 {
		if rows < 0 {
			p.rows = -1
		} else {
			p.rows += rows
		}
	}
}

// runsDistinct reports whether the runs of values in block i and below
// (fcRuns, fcRunsIn) hold each value once, as fcScan counted them.
func (t *fcText) runsDistinct(i int32) bool {
	blk := &t.blocks[i]
	if blk.flags&fcRunsIn != 0 {
		for j := i + 1; j < blk.next; j = t.blocks[j].next {
			if t.blocks[j].flags&(fcRuns|fcRunsIn) != 0 && !t.runsDistinct(j) {
				return false
			}
		}
	}
	if blk.flags&fcRuns == 0 {
		return true
	}
	src := t.src
	var (
		name string
		vals []string
	)
	pos := int(blk.start)
	pos += strings.IndexByte(src[pos:], '\n') + 1 // past the opening line
	kid := i + 1
	for pos < int(blk.close) {
		if kid < blk.next && int(t.blocks[kid].start) == pos {
			pos, kid = int(t.blocks[kid].end), t.blocks[kid].next
			name = ""
			continue
		}
		e := strings.IndexByte(src[pos:], '\n') + pos
		line := strings.Trim(src[pos:e], " \t")
		pos = e + 1
		if line == "" {
			continue // a blank line: the run goes on
		}
		w0, rest := fcWord(line)
		if rest == "" || w0 != name {
			if !fcDistinct(vals) {
				return false
			}
			vals = vals[:0]
			name = ""
			if rest == "" {
				continue
			}
			name = w0
		}
		v, ok := fcValue(rest)
		if !ok {
			return false
		}
		vals = append(vals, v)
	}
	return fcDistinct(vals)
}

// fcMultiWord reports whether rest, the text of a leaf line after its
// name (its end trimmed of blanks), holds more than one word: a value
// with blanks in quotes is one.
func fcMultiWord(rest string) bool {
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
		j := strings.IndexByte(rest[1:], rest[0])
		return j >= 0 && j+2 < len(rest)
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] == ' ' || rest[i] == '\t' {
			return true
		}
	}
	return false
}

// fcQuotesOK reports whether every string of src (a quote starting a
// word) closes on its line, before a blank or the line's end.
func fcQuotesOK(src string) bool {
	for _, q := range []byte{'"', '\''} {
		for i := 0; ; {
			k := strings.IndexByte(src[i:], q)
			if k < 0 {
				break
			}
			i += k
			if i > 0 && src[i-1] != ' ' && src[i-1] != '\t' && src[i-1] != '\n' {
				i++ // inside a bare word
				continue
			}
			k = strings.IndexByte(src[i+1:], q)
			if k < 0 {
				return false
			}
			j := i + 1 + k
			if strings.IndexByte(src[i+1:j], '\n') >= 0 || j+1 < len(src) && src[j+1] != ' ' && src[j+1] != '\t' && src[j+1] != '\n' {
				return false
			}
			i = j + 1
		}
	}
	return true
}

// fcLine reads the line of src from b, which starts no line but is where
// its text starts (after its blanks): it returns where the line ends (its
// newline, or len(src)), whether the text from b holds a control
// character other than a tab, and whether it holds a slash. It tests
// eight bytes at once, as vrpControl does, finding the newline with them.
func fcLine(src string, b int) (e int, ctrl, slash bool) {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	n := len(src)
	i := b
	for ; i+8 <= n; i += 8 {
		w := src[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		nl, del, sl := x^(0x0a*ones), x^(0x7f*ones), x^('/'*ones)
		if (nl-ones)&^nl&high != 0 {
			break // the newline: the bytes before it are read one by one
		}
		if (x-0x20*ones)&^x&high != 0 || (del-ones)&^del&high != 0 {
			if vrpControl(w) >= 0 {
				ctrl = true
			}
		}
		if (sl-ones)&^sl&high != 0 {
			slash = true
		}
	}
	for ; i < n && src[i] != '\n'; i++ {
		if vrpIsControl(src[i]) {
			ctrl = true
		}
		slash = slash || src[i] == '/'
	}
	return i, ctrl, slash
}

// fcAfterWord reports whether a statement's line holds a comment after a
// word (which the scan does not take): `/*` or `//` after a blank.
func fcAfterWord(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '/' && (s[i+1] == '*' || s[i+1] == '/') && (s[i-1] == ' ' || s[i-1] == '\t') {
			return true
		}
	}
	return false
}

// fcCut is what the parse of one side leaves out: its stubs' blocks, in
// the order of the text.
type fcCut struct {
	text  *fcText
	file  string
	spans []fcSpan
	next  int   // the next span
	blk   int32 // the scan's block the parser opens next
	stubs []stub
	// srcs are the blocks of a parsed to be copied to b (fcPlanner.srcA),
	// srcNodes their nodes once opened (nil: one not fresh), nsrc the next.
	srcs     []int32
	srcNodes []*Node
	nsrc     int
	// copies are the stubs of b that get a copy of a's parse.
	copies []fcCopyTo
}

// fcCopyTo is a stub of b that becomes a copy of the node of a's block
// srcA[k], its lines moved to line on.
type fcCopyTo struct {
	node *Node
	k    int32
	line int32
}

// fcSpan is a block left as a stub, the number of its pair and the
// rows it gives (-1: not certain).
type fcSpan struct {
	blk, pair, rows int32
	// copy, when above 0, makes the stub of b a copy of the parse of
	// a's block fcPlanner.srcA[copy-1] (fcCopy).
	copy int32
}

// block takes the block the parser has just opened (fr) at the scan's
// next block: it makes its node the stub when it is the next stub's,
// moving the parser past it, or tells the frame whether its names are
// unique. It reports whether the block is a stub.
func (c *fcCut) block(p *vyCurly, t *Tree, fr *vyFrame) (bool, error) {
	blocks := c.text.blocks
	if int(c.blk) >= len(blocks) || blocks[c.blk].start != int32(p.lineStart) {
		return false, errStubClash // the parser and the scan disagree
	}
	i := c.blk
	n := fr.node
	fresh := n.Values == nil && n.Children == nil && int(n.Line) == p.line
	if c.nsrc < len(c.srcs) && c.srcs[c.nsrc] == i {
		if fresh {
			c.srcNodes[c.nsrc] = n
		}
		c.nsrc++
	}
	if c.next >= len(c.spans) || c.spans[c.next].blk != i {
		// A block reopening a node read before (repeated blocks merge)
		// finds its children's names among the node's.
		fr.uniq = fresh && blocks[i].flags&fcKidsOK != 0
		c.blk++
		return false, nil
	}
	sp := c.spans[c.next]
	c.next++
	blk := &blocks[i]
	c.blk = blk.next
	if !fresh {
		return false, errStubClash // a node read before: the block merges into it
	}
	if t.stubs == nil {
		t.stubs = c.stubs // room for them all
	}
	t.stubs = append(t.stubs, stub{
		file: c.file, text: c.text.src[blk.start:blk.end], line: blk.line, pair: sp.pair, rows: sp.rows,
		form: (*fcForm)(c.text), block: i,
	})
	n.Values = stubMark[:1:1]
	n.Line = -int32(len(t.stubs))
	if sp.copy > 0 {
		c.copies = append(c.copies, fcCopyTo{node: n, k: sp.copy - 1, line: blk.line})
	}
	p.pos = int(blk.close) + 1
	p.line = int(blk.line + blk.lines - 1)
	p.lineStart = strings.LastIndexByte(c.text.src[:blk.close], '\n') + 1
	return true, nil
}

// fcForm parses the stubs of one curly text (stubForm).
type fcForm fcText

// parseStub reads a stub's block alone, inside the blocks around it,
// and returns its node with the lines of its file.
func (f *fcForm) parseStub(t *Tree, s *stub) *Node {
	ft := (*fcText)(f)
	anc := ft.ancestors(s.block)
	within := make([][]string, len(anc))
	for i, a := range anc {
		within[i] = ft.words(a)
	}
	st, err := vyParseCurlyCut(s.file, s.text, vyCurlyOpts{shared: t.share(), within: within})
	if err != nil {
		panic("config: a stub's text does not parse alone: " + err.Error())
	}
	n := st.Root
	for _, a := range append(anc, s.block) {
		n = n.Children[0]
		if ft.blocks[a].flags&fcTwo != 0 {
			n = n.Children[0]
		}
	}
	shiftLines(n, s.line-1)
	return n
}

// words returns the names that open block i: its first word and its tag,
// unquoted.
func (t *fcText) words(i int32) []string {
	w0, tag := fcWord(t.key(i))
	if tag == "" {
		return []string{w0}
	}
	name, _ := fcValue(tag)
	return []string{w0, name}
}

// ancestors returns the blocks around block i, outermost first.
func (t *fcText) ancestors(i int32) []int32 {
	var out []int32
	for j := t.blocks[i].parent; j >= 0; j = t.blocks[j].parent {
		out = append(out, j)
	}
	slices.Reverse(out)
	return out
}

// fcPlanner matches the blocks of two curly texts by path and picks the
// pairs of byte-equal blocks to leave as stubs.
type fcPlanner struct {
	a, b           *fcText
	spansA, spansB []fcSpan
	pairs          int32
	stubbed        int32 // lines of a in stubs
	kids           [][2][]int32
	dec            [][]fcDecision
	// edges turns on edgesOf (see fcEdgeLines).
	edges bool
	// rules are the sync-map's locations (FastOptions.Rules), path the
	// words of the blocks looked into, when there are rules.
	rules [][]string
	path  []string
	// ordered tells, for VRP, the blocks whose children's order counts
	// (vrpOrdered); nil for the curly form.
	ordered func(key string) bool
	// copies turns the byte-equal blocks edgesOf parses into fcCopy: a
	// parses its block, b copies that parse (curly form only). srcA are
	// those blocks of a, in the order of its text.
	copies bool
	srcA   []int32
}

// stubOK reports whether block x of a, below p.path, may be a stub: no
// rule's location lies strictly inside it, so that its rows share one
// scope (a fold expands a stub it must look into all the same).
func (p *fcPlanner) stubOK(x int32) bool {
	if len(p.rules) == 0 {
		return true
	}
	path := append(p.path[:len(p.path):len(p.path)], p.a.words(x)...)
	for _, loc := range p.rules {
		if len(loc) > len(path) && slices.Equal(loc[:len(path)], path) {
			return false
		}
	}
	return true
}

// fcDecision is what the planner does with a block of a: parse it, leave
// it and its peer (index in b) as stubs, or look into both.
type fcDecision struct {
	what uint8
	peer int32
}

// What the planner does with a block of a.
const (
	fcParse = iota
	fcStub
	fcLook
	// fcCopy parses a's block, and b's, byte-equal, becomes a copy of
	// that parse (the ends of a run of stubs, edgesOf).
	fcCopy
)

// fcMinEqual is the share of a's lines (in percent) that the planner
// must leave in stubs for the fast path to pay: below it, the pair is
// parsed in full.
const fcMinEqual = 25

// fcEdgeMax is the most lines of a block at the end of a run of stubs
// that the planner parses; a larger one is looked into. Texts of fewer
// than fcEdgeLines lines keep every stub, so that the tests over small
// files cover the expanding of stubs.
const (
	fcEdgeMax   = 12
	fcEdgeLines = 1000
)

// fcEdgeRows is how many rows at either end of a run of stubs the
// planner parses instead: a view shows the context rows beside a change
// (3 by default) and would expand those stubs at once.
const fcEdgeRows = 4

// fcMinStub is the fewest lines a stub stands for.
const fcMinStub = 3

// children appends the indexes of the blocks directly below block i (-1:
// the top level) to dst.
func (t *fcText) children(i int32, dst []int32) []int32 {
	j, end := int32(0), int32(len(t.blocks))
	if i >= 0 {
		j, end = i+1, t.blocks[i].next
	}
	// Counted first: a parent of thousands would grow dst by copying.
	n := 0
	for k := j; k < end; k = t.blocks[k].next {
		n++
	}
	dst = slices.Grow(dst, n)
	for j < end {
		dst = append(dst, j)
		j = t.blocks[j].next
	}
	return dst
}

// kidsOK reports whether the blocks below block i (-1: the top level)
// may be stubs.
func (t *fcText) kidsOK(i int32) bool {
	if i < 0 {
		return t.topOK
	}
	return t.blocks[i].flags&fcKidsOK != 0
}

// enough tells whether the match found pairs and left at least
// minEqual percent of a's lines (0 or less: fcMinEqual) in stubs.
func (p *fcPlanner) enough(lines int32, minEqual int) bool {
	m := int32(minEqual)
	if m <= 0 {
		m = fcMinEqual
	}
	return p.pairs != 0 && p.stubbed*100 >= lines*m
}

// match decides the blocks below block x of a and y of b, which are at
// one path, depth levels down.
func (p *fcPlanner) match(x, y int32, depth int) {
	for len(p.kids) <= depth {
		p.kids = append(p.kids, [2][]int32{})
		p.dec = append(p.dec, nil)
	}
	ka := p.a.children(x, p.kids[depth][0][:0])
	kb := p.b.children(y, p.kids[depth][1][:0])
	p.kids[depth] = [2][]int32{ka, kb}
	stubs := p.a.kidsOK(x) && p.b.kidsOK(y)
	ordered := stubs && p.ordered != nil && x >= 0 && p.ordered(p.a.key(x))
	if ordered && (p.a.blocks[x].flags|p.b.blocks[y].flags)&fcLeaves != 0 {
		stubs = false // children that are no blocks: their names are keys, not read
	}
	same := len(ka) == len(kb)
	for i := 0; same && i < len(ka); i++ {
		same = p.a.key(ka[i]) == p.b.key(kb[i])
	}
	if !stubs {
		// Names repeat: a block merges with another of its name, and
		// all below is for the parser. So is all below a parent whose
		// children's order counts: a child moved is shown whole.
		return
	}
	var pos []int32
	if !same {
		pos = p.peers(ka, kb)
	}
	dec := slices.Grow(p.dec[depth][:0], len(ka))
	if p.spansA == nil {
		// A block is a stub or a copy once at most: room for them all,
		// of which only what is used is touched.
		p.spansA = make([]fcSpan, 0, len(p.a.blocks))
		p.spansB = make([]fcSpan, 0, len(p.b.blocks))
	}
	var moved []bool
	if ordered && !same {
		moved = movedOf(pos)
	}
	for i, xa := range ka {
		d := fcDecision{peer: -1}
		if same {
			d.peer = kb[i]
		} else if pos[i] >= 0 {
			d.peer = kb[pos[i]]
		}
		if d.peer >= 0 && moved != nil && moved[i] {
			// A child moved is shown whole (diff.Trees, diff.Rows):
			// it and all below it are parsed.
			dec = append(dec, fcDecision{peer: d.peer})
			continue
		}
		if d.peer >= 0 {
			ba, bb := &p.a.blocks[xa], &p.b.blocks[d.peer]
			switch {
			case (ba.flags|bb.flags)&(fcComment|fcNever) == 0 && ba.lines >= fcMinStub &&
				ba.end-ba.start == bb.end-bb.start && p.a.src[ba.start:ba.end] == p.b.src[bb.start:bb.end] && p.stubOK(xa):
				d.what = fcStub
			case depth+1 < fcMaxDepth && ba.next > xa+1 && bb.next > d.peer+1:
				d.what = fcLook
			}
		}
		dec = append(dec, d)
	}
	if p.edges {
		p.edgesOf(ka, dec)
	}
	p.dec[depth] = dec
	for i, d := range dec {
		switch d.what {
		case fcStub:
			// Both blocks are the same bytes: a's rows are b's.
			rows := p.a.blocks[ka[i]].rows
			if p.a.blocks[ka[i]].flags&(fcRuns|fcRunsIn) != 0 && !p.a.runsDistinct(ka[i]) {
				rows = -1
			}
			p.spansA = append(p.spansA, fcSpan{blk: ka[i], pair: p.pairs, rows: rows})
			p.spansB = append(p.spansB, fcSpan{blk: d.peer, pair: p.pairs, rows: rows})
			p.pairs++
			p.stubbed += p.a.blocks[ka[i]].lines
		case fcCopy:
			p.spansB = append(p.spansB, fcSpan{blk: d.peer, pair: -1, rows: -1, copy: int32(len(p.srcA)) + 1})
			p.srcA = append(p.srcA, ka[i])
		case fcLook:
			n := len(p.path)
			if len(p.rules) > 0 {
				p.path = append(p.path, p.a.words(ka[i])...)
			}
			p.match(ka[i], d.peer, depth+1) // with the scratch of deeper levels
			p.path = p.path[:n]
		}
	}
}

// fcLookahead is how far down b's children peers looks for a child of
// a before it leaves the child for the lookup of what is left.
const fcLookahead = 8

// peers returns, for each of the children ka of a block of a, the
// position of its peer (the child of the same key) among kb, the
// children of its peer in b, or -1. Keys are unique among the children
// of each side (fcKidsOK), so the two lists are walked side by side, as
// most children keep their order: a child of a is matched to b's next
// child of its key, or to one of the next few (those skipped being
// inserted or moved), and only the children left over are looked up in
// a map of b's children not matched.
func (p *fcPlanner) peers(ka, kb []int32) []int32 {
	pos := make([]int32, len(ka))
	var pending []int   // children of a not matched on the walk
	var skipped []int32 // positions in kb not matched on the walk
	j := 0
	for i, xa := range ka {
		key := p.a.key(xa)
		pos[i] = -1
		for d := 0; d <= fcLookahead && j+d < len(kb); d++ {
			if p.b.key(kb[j+d]) == key {
				for k := j; k < j+d; k++ {
					skipped = append(skipped, int32(k))
				}
				pos[i], j = int32(j+d), j+d+1
				break
			}
		}
		if pos[i] < 0 {
			pending = append(pending, i)
		}
	}
	if len(pending) == 0 {
		return pos
	}
	for k := j; k < len(kb); k++ {
		skipped = append(skipped, int32(k))
	}
	idx := make(map[string]int32, len(skipped))
	for _, k := range skipped {
		idx[p.b.key(kb[k])] = k
	}
	for _, i := range pending {
		if k, ok := idx[p.a.key(ka[i])]; ok {
			pos[i] = k
		}
	}
	return pos
}

// movedOf returns, for the children of an Ordered parent of a whose
// children are all blocks (as its peer's are), given the positions of
// their peers among b's children (peers), which ones the diff reports
// moved: those off the longest increasing run of the positions, found as
// backend/diff's aligner finds it (patience, the last of the longest run
// and its predecessors), so that the two agree.
func movedOf(pos []int32) []bool {
	match := make([]int, len(pos))
	for i, v := range pos {
		match[i] = int(v)
	}
	run := IncreasingRun(match)
	moved := make([]bool, len(pos))
	for i, v := range match {
		moved[i] = v >= 0 && !run[i]
	}
	return moved
}

// IncreasingRun marks one longest strictly increasing run of seq's
// values, negative values left out and never marked: the last element of
// a longest run and its predecessors, by patience (binary search over the
// run ends), as backend/diff's aligner finds it, so that a plan's moves
// and a fast path's agree with the diff's. O(n log n).
func IncreasingRun(seq []int) []bool {
	var tails []int // indexes into seq: the end of the best run of each length
	prev := make([]int, len(seq))
	for i, v := range seq {
		prev[i] = -1
		if v < 0 {
			continue
		}
		lo, hi := 0, len(tails)
		for lo < hi {
			m := (lo + hi) / 2
			if seq[tails[m]] < v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 {
			prev[i] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	run := make([]bool, len(seq))
	if len(tails) > 0 {
		for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
			run[i] = true
		}
	}
	return run
}

// edgesOf turns into parsed (or looked into) blocks the stubs that a view
// would expand at once: those giving the first and the last fcEdgeRows
// rows of each run of stubs.
func (p *fcPlanner) edgesOf(ka []int32, dec []fcDecision) {
	for i := 0; i < len(dec); {
		if dec[i].what != fcStub {
			i++
			continue
		}
		j := i
		for j < len(dec) && dec[j].what == fcStub {
			j++
		}
		rows := int32(0)
		for k := i; k < j && rows < fcEdgeRows; k++ {
			rows += p.edge(ka[k], &dec[k])
		}
		rows = 0
		for k := j - 1; k >= i && rows < fcEdgeRows; k-- {
			rows += p.edge(ka[k], &dec[k])
		}
		i = j
	}
}

// edge takes a stub of a run's end out of the stubs: a small one is
// parsed, a larger one looked into. It returns the rows it gives.
func (p *fcPlanner) edge(x int32, d *fcDecision) int32 {
	blk := &p.a.blocks[x]
	if d.what == fcStub {
		d.what = fcParse
		if p.copies {
			d.what = fcCopy
		}
		if blk.lines > fcEdgeMax && blk.next > x+1 {
			d.what = fcLook
		}
	}
	if blk.rows < 0 {
		return fcEdgeRows
	}
	return blk.rows
}

// scanPrepared prepares text as Parse would, but for the capture gate,
// and scans it (scan, with gate true: the scan looks for capture lines
// itself). Where the scan refuses a text that may hold capture lines, the
// text as prepare cleans it is scanned again (gate false). ok is false
// where neither scan takes it, or prepare fails (the full parse then says
// why).
func scanPrepared(file, text string, scan func(pre prepared, gate bool) (*fcText, bool)) (pre prepared, t *fcText, ok bool) {
	pre, err := prepareText(file, text)
	for gate := true; err == nil; gate = false {
		if t, ok = scan(pre, gate); ok {
			return pre, t, true
		}
		if !gate || (t == nil || !t.capture) && !mayHoldCapture(pre.text) {
			break
		}
		pre, err = prepare(file, text)
	}
	return prepared{}, nil, false
}

// ParsePairCurly is ParsePairFast for two texts in curly form: ok is
// false when the fast path does not apply (text the scan is not certain
// of, another family or form, too little equal, a parse error), and the
// caller then parses both texts in full.
func ParsePairCurly(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	type side struct {
		pre prepared
		t   *fcText
		ok  bool
	}
	read := func(file, text string, count bool) (s side) {
		s.pre, s.t, s.ok = scanPrepared(file, text, func(pre prepared, gate bool) (*fcText, bool) {
			if pre.family(fam) != Vyatta || vyIsSetForm(pre.text) {
				return nil, false
			}
			return fcScan(pre.text, new(vyKinds), count, gate)
		})
		return s
	}
	var sa, sb side
	both(len(textA)+len(textB), func() { sa = read(fileA, textA, true) }, func() { sb = read(fileB, textB, false) })
	if !sa.ok || !sb.ok {
		return nil, nil, false
	}
	p := &fcPlanner{a: sa.t, b: sb.t, edges: sa.t.lines >= fcEdgeLines, rules: o.Rules, copies: true}
	p.match(-1, -1, 0)
	if !p.enough(sa.t.lines, o.MinEqual) {
		return nil, nil, false
	}
	sortSpans(p.spansB, sb.t)
	var (
		errA, errB error
		cutA, cutB *fcCut
	)
	both(len(textA)+len(textB), func() { a, cutA, errA = sa.t.parse(fileA, sa.pre, p.spansA, p.srcA) },
		func() { b, cutB, errB = sb.t.parse(fileB, sb.pre, p.spansB, nil) })
	if errA != nil || errB != nil {
		return nil, nil, false
	}
	for _, c := range cutB.copies {
		if src := cutA.srcNodes[c.k]; src != nil {
			*c.node = *b.copyOf(src, c.line-sa.t.blocks[p.srcA[c.k]].line)
		} else {
			*c.node = *b.parseStub(&b.stubs[-c.node.Line-1])
		}
	}
	a.peer, b.peer = b, a
	return a, b, true
}

// both runs b on another goroutine while it runs a, and returns when
// both have returned; below parallelMin bytes of text to work on (size)
// it runs a, then b: a goroutine wakes a second thread that a small pair
// does not repay (about 0.2 ms of a one-line diff, measured).
func both(size int, a, b func()) {
	if size < parallelMin {
		a()
		b()
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b()
	}()
	a()
	wg.Wait()
}

// sortSpans puts spans in the order of their blocks in t's text.
func sortSpans(spans []fcSpan, t *fcText) {
	sorted := true
	for i := 1; i < len(spans) && sorted; i++ {
		sorted = spans[i-1].blk < spans[i].blk
	}
	if !sorted {
		slices.SortFunc(spans, func(x, y fcSpan) int { return int(x.blk - y.blk) })
	}
}

// parse reads the text but the spans' blocks, which become stubs.
// srcs are blocks parsed whose nodes the cut keeps (fcCut.srcNodes).
func (t *fcText) parse(file string, pre prepared, spans []fcSpan, srcs []int32) (*Tree, *fcCut, error) {
	cut := &fcCut{text: t, file: file, spans: spans, stubs: make([]stub, 0, len(spans)), srcs: srcs, srcNodes: make([]*Node, len(srcs))}
	tr, err := vyParseCurlyCut(file, t.src, vyCurlyOpts{cut: cut})
	if err != nil {
		return nil, nil, err
	}
	tr.Source = file
	if len(pre.notes) > 0 {
		tr.Notes = append(pre.notes, tr.Notes...)
	}
	return tr, cut, nil
}

// ParsePairView is the fast path of a comparison shown once
// (compare.FilesView): it tells the form of the pair once, from the
// first lines of the texts, and takes the fast path of that form, the
// set form's (ParsePairFast), the curly form's (ParsePairCurly) or
// VRP's (ParsePairVRP). Each checks its sides as Parse would read them
// (BOM, line ends, capture lines) and returns ok false where it does not
// apply; the caller then parses both texts in full. o is as for those
// paths.
func ParsePairView(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	form := pairForm(textA, textB, fam)
	if form == formSet {
		return ParsePairFast(fileA, textA, fileB, textB, fam, o)
	}
	return parsePairBlocks(form, fileA, textA, fileB, textB, fam, o)
}

// parsePairBlocks takes the fast path of form, the curly form or VRP.
func parsePairBlocks(form int, fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	if form == formVRP {
		return ParsePairVRP(fileA, textA, fileB, textB, fam, o)
	}
	return ParsePairCurly(fileA, textA, fileB, textB, fam, o)
}

// The forms a pair may take the fast path of (pairForm).
const (
	formCurly = iota
	formSet
	formVRP
)

// pairForm tells which fast path a pair of texts is for: VRP where the
// family is Huawei, or the first text reads as Huawei's; the set form
// where either text reads as set lines; else the curly form. It looks at
// the first lines only (detect, vyIsSetForm): the path checks the rest.
func pairForm(textA, textB string, fam Family) int {
	switch {
	case fam == Huawei || fam == Auto && detect(textA) == Huawei:
		return formVRP
	case vyIsSetForm(textA) || vyIsSetForm(textB):
		return formSet
	}
	return formCurly
}

// ParsePairBlocks is ParsePairView for text in blocks, the curly form
// and VRP: ok is false for set text too. o.MinEqual is the share of a's
// lines, in percent, that must be left in stubs (0: fcMinEqual); a block
// with one of o.Rules strictly inside it is no stub.
func ParsePairBlocks(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	form := pairForm(textA, textB, fam)
	if form == formSet {
		return nil, nil, false
	}
	return parsePairBlocks(form, fileA, textA, fileB, textB, fam, o)
}
