package config

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/hasync/hasync/backend/config/schema"
)

// The fast path of a comparison: most of a real pair is identical bytes,
// and byte-equal text parses to equal subtrees. ParsePairFast compares
// the two texts line by line as diff(1) does (the equal runs of lines
// between the changed ones), and leaves unparsed the
// subtrees whose every line lies in one equal run: each becomes a stub
// node on each side, with its name in place (so that its parent sorts,
// indexes and lays out its children as a full parse does) and its line
// count, rows and text kept aside. A comparison walks two stubs of one
// pair as an equal subtree of known rows; whatever needs their content (a
// context row, a scope that changes inside) expands them with
// Tree.Expand, which parses their text alone. Nothing else may read a
// tree with stubs: it is for one comparison (backend/diff), not for a
// plan, a printer or a sync-map.
//
// Siblings left as stubs one after another in their parent's natural
// order, with their lines in a row on both sides, become one run stub
// (IsRun): a large pair with changes spread through it has thousands of
// equal siblings between them, and a stub each cost more than their
// lines. A run is named as its first sibling; expanded, it is a
// container of the siblings that views and diffs read in its place, as
// their parent's children. The planner makes runs only of siblings that
// no other child sorts among (markEnds), and the parse checks it
// (checkRuns).
//
// Only text whose every line can be cut from its neighbours is taken:
// today the Vyatta set form (`show configuration commands`, one `set`
// line each, no comments, escapes or multi-line values). Anything else
// returns ok false and the caller parses both texts in full. A stub
// stands for a subtree only if no line outside it names a node inside
// it: the text is not read to prove that, the parser refuses it instead
// (errStubClash) when a line outside a stub reaches into it, and the
// pair is then parsed in full.

// FastOptions tune ParsePairFast.
type FastOptions struct {
	// Rules are the locations (words) of the sync-map's rules: a subtree
	// with a rule's location strictly inside it is parsed, so that the
	// scopes of its rows are known without expanding it. Any location
	// still works: a fold expands what it must.
	Rules [][]string
	// MinEqual is the share of a's lines, in percent, that must be left
	// in stubs for ParsePairBlocks (curly form, VRP) to take its fast
	// path (0: fcMinEqual). ParsePairFast (set form) does not read it:
	// its line diff finds every byte-equal subtree, whatever the share.
	MinEqual int
}

// parallelMin is the fewest bytes of a pair's texts that its fast path
// works on with two goroutines (both).
const parallelMin = 64 << 10

// fastMinStub is the fewest lines a stub stands for: a smaller one costs
// more to expand, as most are (they sit beside a change), than to parse.
const fastMinStub = 3

// errStubClash ends a fast parse in which a line outside a stub names
// the stub's node or one below it (the stub is not the whole subtree):
// the caller parses in full.
var errStubClash = errors.New("config: a line reaches into a stub")

// stubMark is a stub node's Values until it is expanded: a stub must not
// look like a bare node to the parser (vyAllBare), and nothing reads it.
var stubMark = []string{"\x00stub"}

// runMark is the Values of a run stub, before and after it is expanded
// (see IsRun).
var runMark = []string{"\x00run"}

// IsRun reports whether n is a run of siblings of ParsePairFast rather
// than one node: a stub standing for several consecutive children of its
// parent (set form), named as its first, or, once expanded, a container
// whose children are those siblings. A run has no row and no path of its
// own: a view or a diff reads its children as its parent's, in its place
// (their natural order puts them there: the planner checked it).
func IsRun(n *Node) bool {
	return n != nil && len(n.Values) == 1 && unsafe.StringData(n.Values[0]) == unsafe.StringData(runMark[0])
}

// RunLen is the number of its parent's children that n, a child of a
// node of t, stands for: those of a run (IsRun), else 1.
func (t *Tree) RunLen(n *Node) int {
	switch {
	case !IsRun(n):
		return 1
	case n.Line >= 0:
		return len(n.Children)
	}
	return int(t.stubs[-n.Line-1].members)
}

// stub is a subtree left unparsed: the run of lines text (whole lines,
// each a `set` command whose first words path words name the node), read
// from line on in file.
type stub struct {
	file  string
	text  string
	line  int32
	words int32
	// pair numbers the stubs of one ParsePairFast that the planner
	// found byte-equal on both sides (the peer tree's stub with the
	// same number).
	pair int32
	// rows is the number of rows the subtree gives (see SubtreeRows), -1
	// until counted.
	rows int32
	// form and block, for a stub of curly or VRP text: the scan that
	// found it (fast_curly.go, fast_vrp.go) and its block there; nil for
	// set form.
	form  stubForm
	block int32
	// run: the stub stands for members sibling subtrees (IsRun), whose
	// path is words path words each.
	run     bool
	members int32
}

// stubForm parses the stubs of a form other than set.
type stubForm interface {
	parseStub(t *Tree, s *stub) *Node
}

// IsStub reports whether n is a stub of ParsePairFast not yet expanded.
func IsStub(n *Node) bool { return n.Line < 0 }

// SameStubs reports whether l, a stub of t, and r, a stub of u, stand for
// the same bytes. Two stubs at one path with the same bytes are equal
// subtrees.
func SameStubs(t *Tree, l *Node, u *Tree, r *Node) bool {
	if l.Line >= 0 || r.Line >= 0 {
		return false
	}
	ls, rs := &t.stubs[-l.Line-1], &u.stubs[-r.Line-1]
	if ls.pair >= 0 && ls.pair == rs.pair && t.peer == u {
		return true // the planner compared them
	}
	return ls.text == rs.text
}

// StubRows returns the number of rows (see SubtreeRows) of the subtree a
// stub of t stands for, n itself included.
func (t *Tree) StubRows(n *Node) int {
	s := &t.stubs[-n.Line-1]
	if s.rows < 0 && s.form != nil {
		s.rows = int32(SubtreeRows(t.Family, t.parseStub(s)))
	}
	if s.rows < 0 {
		sh := t.share()
		if rows, ok := countStub(s, sh.kinds); ok {
			s.rows = int32(rows)
		} else {
			s.rows = int32(SubtreeRows(t.Family, t.parseStub(s)))
		}
	}
	return int(s.rows)
}

// Expand parses the subtree that the stub n of t stands for into n, in
// place; any other node is left as it is. The text was checked when the
// stub was made, so it parses.
func (t *Tree) Expand(n *Node) {
	if n.Line >= 0 {
		return
	}
	s := t.stubs[-n.Line-1]
	*n = *t.parseStub(&s)
	t.expanded++
}

// ExpandPair expands l, a stub of t, and r, a stub of u, when they are
// stubs of the same bytes (SameStubs): r gets a copy of l's expansion,
// its lines moved to r's own, instead of a parse of its own.
func ExpandPair(t *Tree, l *Node, u *Tree, r *Node) {
	if !SameStubs(t, l, u, r) {
		t.Expand(l)
		u.Expand(r)
		return
	}
	d := u.stubs[-r.Line-1].line - t.stubs[-l.Line-1].line
	t.Expand(l)
	*r = *u.copyOf(l, d)
	u.expanded++
}

// copyOf copies n, an expanded node (no stub below it), and its subtree
// into u, lines moved by d.
func (u *Tree) copyOf(n *Node, d int32) *Node {
	c := u.share().alloc.node()
	*c = *n
	c.Line += d
	if len(n.Children) > 0 {
		c.Children = make([]*Node, len(n.Children))
		for i, k := range n.Children {
			c.Children[i] = u.copyOf(k, d)
		}
	}
	return c
}

func (t *Tree) share() *vyShared {
	if t.shared == nil {
		t.shared = &vyShared{kinds: new(vyKinds)}
	}
	return t.shared
}

// vyShared is what the parses of one tree's stubs share: the schema's
// cache and the node chunks.
type vyShared struct {
	kinds *vyKinds
	alloc nodeAlloc
}

// parseStub reads the stub's text alone and returns its node, with the
// lines of the whole file.
func (t *Tree) parseStub(s *stub) *Node {
	if s.form != nil {
		return s.form.parseStub(t, s)
	}
	st, err := vyParseSetStubs(s.file, s.text, true, nil, t.share())
	if err != nil {
		panic("config: a stub's text does not parse alone: " + err.Error())
	}
	n := st.Root
	rest := s.text[len("set "):]
	for i := range s.words {
		rest = strings.TrimLeft(rest, " ")
		w := rest[:strings.IndexByte(rest, ' ')]
		rest = rest[len(w):]
		if s.run && i == s.words-1 {
			// n is the run's parent: a container of its children (all
			// the run's, nothing else) stands in the run's place.
			c := &Node{Name: w, Values: runMark[:1:1], Children: n.Children, Line: s.line}
			for _, k := range c.Children {
				shiftLines(k, s.line-1)
			}
			return c
		}
		if n = n.Child(w); n == nil {
			panic("config: a stub's text lacks its own path")
		}
	}
	shiftLines(n, s.line-1)
	return n
}

// countStub counts the rows of a stub's subtree from its text, if it
// can (see fsCounter).
func countStub(s *stub, kinds *vyKinds) (int, bool) {
	ft := fsLines(s.text)
	c := &fsCounter{t: ft, kinds: kinds}
	return c.span(fsSpan{from: 0, to: int32(len(ft.starts) - 1), words: s.words, run: s.run})
}

// shiftLines adds d to the source line of n and every node below it,
// stubs left out (their line is kept aside).
func shiftLines(n *Node, d int32) {
	if n.Line < 0 {
		return
	}
	n.Line += d
	for _, c := range n.Children {
		shiftLines(c, d)
	}
}

// SubtreeRows is the number of rows of a side-by-side view that n's
// subtree gives (n included): one per value of each node (one for a node
// without values), none for a Vyatta tag node, whose values' rows carry
// its name.
func SubtreeRows(fam Family, n *Node) int {
	rows := 0
	if !(n.Tag && fam != Huawei) && !IsRun(n) {
		rows = max(1, len(n.Values))
	}
	for _, c := range n.Children {
		rows += SubtreeRows(fam, c)
	}
	return rows
}

// ParsePairFast parses the two texts of one comparison (a, the source,
// from fileA; b from fileB), leaving the byte-equal parts of both as
// stubs (see above). ok is false when the fast path does not apply: the
// family or form is not one it reads, a line is not one it can cut, a
// stub clashes with a line outside it, or a parse failed; the caller
// then parses each text with Parse, which also gives any error.
func ParsePairFast(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	if fam == Huawei {
		return nil, nil, false
	}
	// Each side is read as Parse would: the family, the form, nothing
	// for prepare to change. Text that fsScan takes has every line
	// begin `set ` and holds no NUL, carriage return or other control
	// character, so it has no byte-order mark, and no line is a capture
	// line (captureLine: a pager line begins with blanks or the pager, a
	// session message, a VRP prompt or a Vyatta prompt with its own
	// first word; `set ` is none of them): prepare would change nothing
	// and note nothing. Its test for binary text fails only on UTF-8
	// that is not valid, which fsScan refuses too.
	read := func(text string) bool {
		return (fam != Auto || detect(text) == Vyatta) && vyIsSetForm(text)
	}
	// Both sides are cut into lines at once.
	var (
		ta, tb   *fsText
		okA, okB bool
	)
	both(len(textA)+len(textB), func() {
		ta, okA = fsScan(textA)
		okA = okA && read(textA)
	}, func() {
		tb, okB = fsScan(textB)
		okB = okB && read(textB)
	})
	if !okA || !okB {
		return nil, nil, false
	}
	pl := planPair(ta, tb, o.Rules)
	// Each side counts the rows of half the pairs (the bytes are the
	// same), then parses what is left of its text.
	rows := make([]int32, pl.pairs)
	var errA, errB error
	both(len(textA)+len(textB), func() {
		ta.countRows(rows, 0)
		a, errA = ta.parse(fileA)
	}, func() {
		tb.countRows(rows, 1)
		b, errB = tb.parse(fileB)
	})
	if errA != nil || errB != nil {
		return nil, nil, false
	}
	for _, x := range []struct {
		t  *Tree
		ft *fsText
	}{{a, ta}, {b, tb}} {
		for i := range x.t.stubs {
			x.t.stubs[i].rows = rows[x.ft.spans[i].pair]
		}
	}
	a.Source, b.Source = fileA, fileB
	a.peer, b.peer = b, a
	return a, b, true
}

// fsText is set-form text cut into lines, and the spans of it that the
// planner leaves as stubs.
type fsText struct {
	src string
	// starts holds where each line starts, and len(src) last.
	starts  []int32
	spans   []fsSpan
	stubbed int32 // lines in spans
}

// fsSpan is a run of lines [from, to) to leave as a stub whose path is
// the first words words of its lines; pair numbers the pair of spans.
type fsSpan struct {
	from, to int32
	words    int32
	pair     int32
	// pre is the length of the path prefix of its lines (fsPrefix):
	// their first words words, each with the blank after it.
	pre int32
	// run: the span is a run of members sibling subtrees, each of words
	// path words (pre is its first one's), one stub (IsRun).
	run     bool
	members int32
}

// fsClass sorts bytes for fsLineEnd: 1 a newline, 2 a quote, 3 a byte
// that the fast path never reads (a control character), 4 one it reads
// only inside single quotes (a double quote, an escape, a comment, `$`),
// 5 a blank.
var fsClass = func() (c [256]uint8) {
	for i := range 0x20 {
		c[i] = 3
	}
	c[0x7f] = 3
	c['\n'] = 1
	c['\''] = 2
	for _, b := range []byte{'"', '\\', '#', '$'} {
		c[b] = 4
	}
	c[' '] = 5
	return c
}()

// fsScan cuts src into lines, if every line is a `set` command of valid
// UTF-8 whose quoted words are whole single-quoted words (a blank before
// the opening quote, a blank or the line's end after the closing one),
// and that holds no other quoting or escape, no comment and no control
// character outside them: such a line is read alone as it is read in its
// file.
func fsScan(src string) (*fsText, bool) {
	if len(src) == 0 || len(src) >= 1<<31-1 {
		return nil, false
	}
	n := strings.Count(src, "\n") + 2
	t := &fsText{src: src, starts: make([]int32, 0, n)}
	for start := 0; start < len(src); {
		end, ok := fsLineEnd(src, start)
		if !ok {
			return nil, false
		}
		t.starts = append(t.starts, int32(start))
		start = end + 1
	}
	t.starts = append(t.starts, int32(len(src)))
	return t, true
}

// SWAR constants: a byte of ones and of high bits in each byte.
const (
	fsOnes = 0x0101010101010101
	fsHigh = 0x8080808080808080
)

// fsZeros marks the zero bytes of x by their high bit; the lowest mark
// is exact (a borrow only moves up), those above it may not be.
func fsZeros(x uint64) uint64 { return (x - fsOnes) &^ x & fsHigh }

// fsLineEnd returns where the line that starts at start ends (its
// newline, or the end of src), and whether fsScan takes it. Eight bytes
// are looked at a time for the first that matters: a control character
// (the newline among them), a quote, and outside quotes a double quote,
// an escape, a comment or `$`.
func fsLineEnd(src string, start int) (int, bool) {
	if len(src)-start <= len("set ") || src[start:start+4] != "set " {
		return 0, false
	}
	// Little-endian loads: the first byte of a word is its lowest, and
	// the lowest mark is the first byte that matters.
	bs := unsafe.Slice(unsafe.StringData(src), len(src))
	inq := false
	// high: a byte above ASCII was seen, so the line must be valid UTF-8
	// (Parse refuses text that is not: binary).
	var high uint64
	ends := func(i int) (int, bool) {
		return i, !inq && i-start > len("set ") && (high == 0 || utf8.ValidString(src[start:i]))
	}
	for i := start + 4; ; i++ {
		for i+8 <= len(src) {
			x := binary.LittleEndian.Uint64(bs[i:])
			high |= x & fsHigh
			// Below a blank, or the DEL.
			m := (x-fsOnes*0x20)&^x&fsHigh | fsZeros(x^(fsOnes*0x7f))
			if inq {
				m |= fsZeros(x ^ (fsOnes * '\''))
			} else {
				// '"' to '\'' (with '%' and '&', let through below), and
				// the escape.
				t := x &^ fsHigh
				m |= (fsOnes*(127+'\''+1)-t)&^x&(t+fsOnes*(127-'"'+1))&fsHigh | fsZeros(x^(fsOnes*'\\'))
			}
			if m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i == len(src) {
			return ends(i)
		}
		high |= uint64(src[i] & 0x80)
		switch fsClass[src[i]] {
		case 1: // the newline
			return ends(i)
		case 2:
			if inq {
				if i+1 < len(src) && src[i+1] != ' ' && src[i+1] != '\n' {
					return 0, false
				}
			} else if src[i-1] != ' ' {
				return 0, false
			}
			inq = !inq
		case 3:
			return 0, false
		case 4:
			if !inq {
				return 0, false
			}
		}
	}
}

// fsBlock is a run of n lines equal on both sides: a's from line a on,
// b's from line b on.
type fsBlock struct{ a, b, n int32 }

// fsWindow is how far (lines on both sides together) fsDiff looks for the
// next equal lines after a change before it looks them up in a table;
// fsAnchor is how many equal lines it takes for the sides to meet again.
const (
	fsWindow = 64
	fsAnchor = 2
)

// fsDiff returns the runs of equal lines of two texts, in order. It
// compares the lines themselves where they follow each other (most do:
// the comparison ends at the first byte that differs), and looks lines
// up by a hash only when a change is longer than fsWindow. Unlike
// diff(1) it does not look for the shortest script: after a change it
// takes the nearest place where fsAnchor lines agree, so a run may be
// shorter than diff's. Nothing depends on the runs being the longest.
func fsDiff(a, b *fsText) []fsBlock {
	na, nb := int32(len(a.starts)-1), int32(len(b.starts)-1)
	eq := func(i, j int32) bool { return a.line(i) == b.line(j) }
	var blocks []fsBlock
	meet := func(i, j int32) bool {
		for k := int32(0); k < fsAnchor; k++ {
			if i+k == na || j+k == nb {
				return i+k == na && j+k == nb
			}
			if !eq(i+k, j+k) {
				return false
			}
		}
		return true
	}
	var first map[string]int32 // b's first line of each text, when wanted
	i, j := int32(0), int32(0)
	for i < na && j < nb {
		k := int32(0)
		for i+k < na && j+k < nb && eq(i+k, j+k) {
			k++
		}
		if k > 0 {
			blocks = append(blocks, fsBlock{i, j, k})
			i, j = i+k, j+k
			continue
		}
		found := false
		for d := int32(1); d <= fsWindow && !found; d++ {
			for x := int32(0); x <= d; x++ {
				if i+x < na && j+d-x < nb && meet(i+x, j+d-x) {
					i, j, found = i+x, j+d-x, true
					break
				}
			}
		}
		if found {
			continue
		}
		if first == nil {
			first = make(map[string]int32, nb)
			for y := nb - 1; y >= 0; y-- {
				first[b.line(y)] = y
			}
		}
		for x := i; x < na && !found; x++ {
			if y, ok := first[a.line(x)]; ok && y >= j && meet(x, y) {
				i, j, found = x, y, true
			}
		}
		if !found {
			break
		}
	}
	return blocks
}

// fsPlanner cuts the equal runs of lines of two set texts into spans:
// the subtrees whose every line lies in one run, the same bytes at the
// same path on both sides.
type fsPlanner struct {
	a, b  *fsText
	rules [][]string
	pairs int32
	// items are the spans found and the lines left to the parser, in a's
	// order (b's lines are a's moved by the block's offset).
	items []fsItem
	// edges: a small span at either end of a row of sibling spans is
	// parsed instead, a larger one is cut into its children (see finish).
	edges bool
	path  []string
	// groups numbers markEnds' lists of children (fsItem.group), for
	// every planner of one pair.
	groups *atomic.Int32
}

// fsItem is lines [from, to) of a, and of b from bFrom on: a span of
// words path words, or (words 0) lines to parse.
type fsItem struct {
	from, to, bFrom int32
	words           int32
	// pre is the length of a span's path prefix (fsPrefix).
	pre int32
	// end says whether a span ends a row of span siblings in the trees'
	// order (natural order, which need not be the text's): 1 it does, 2
	// it does not, 0 not known (the text's order decides).
	end int8
	// group numbers the list of a parent's children (both sides) that
	// put a span in natural order (markEnds; 0: none), and rank is its
	// place there. lone: no other child of that list has its name.
	group, rank int32
	lone        bool
}

// fastEdgeMax is the most lines of a span that ends a row of sibling
// spans that the planner parses instead: a view shows the rows beside a
// change and the first and last rows of a fold, so it would expand it at
// once; a larger one is cut into its children. Texts of fewer than
// fastEdgeLines lines keep every span: their time does not matter, and
// the tests over small corpus files then cover the expanding of stubs.
const (
	fastEdgeMax   = 12
	fastEdgeLines = 1000
)

// line is line i without its newline.
func (t *fsText) line(i int32) string {
	return t.src[t.starts[i]:t.eol(i)]
}

// fsPrefix returns the length of the first k path words of line, each
// with the one blank after it, or -1 when the line has no word after
// them, a word is quoted or two blanks part them.
func fsPrefix(line string, k int) int {
	p := len("set ")
	for range k {
		e := strings.IndexByte(line[p:], ' ')
		if e <= 0 {
			return -1
		}
		p += e + 1
	}
	if p >= len(line) || line[p] == ' ' || strings.IndexByte(line[:p], '\'') >= 0 {
		return -1
	}
	return p
}

// fsIn reports whether line lies below the path prefix p (fsPrefix): it
// begins with p and has a word after it.
func fsIn(line, p string) bool {
	return len(line) > len(p) && line[:len(p)] == p
}

// fsShared is the number of path words that line shares with prev (at
// most: blanks in their common bytes).
func fsShared(line, prev string) int {
	m := commonPrefix(line, prev)
	if m <= len("set ") {
		return 0
	}
	return strings.Count(line[len("set "):m], " ")
}

// block cuts one equal run into items.
func (p *fsPlanner) block(bl fsBlock) {
	a, b := p.a, p.b
	end := bl.a + bl.n
	off := bl.b - bl.a
	na, nb := int32(len(a.starts)-1), int32(len(b.starts)-1)
	for i := bl.a; i < end; {
		line := a.line(i)
		// The shallowest path of line i whose lines all lie in the run:
		// not the line before it (on either side, at the run's start)
		// nor, where they reach the run's end, the line after it.
		k := 1
		if i > 0 {
			k = fsShared(line, a.line(i-1)) + 1
		}
		if i == bl.a && bl.b > 0 {
			k = max(k, fsShared(line, b.line(bl.b-1))+1)
		}
		var g int32
		var pe int
		for ; ; k++ {
			pe = fsPrefix(line, k)
			if pe < 0 {
				g, k = i+1, 0 // no subtree of its own: parsed
				break
			}
			pre := line[:pe]
			if i > 0 && fsIn(a.line(i-1), pre) || i == bl.a && bl.b > 0 && fsIn(b.line(bl.b-1), pre) {
				continue
			}
			g = i + 1
			for g < end && fsIn(a.line(g), pre) {
				g++
			}
			if g == end && (end < na && fsIn(a.line(end), pre) || end+off < nb && fsIn(b.line(end+off), pre)) {
				continue
			}
			if !p.stubOK(pre, k) {
				continue
			}
			// The run's lines are equal on both sides (fsDiff); only the
			// text's last may differ in its newline.
			if g-i < fastMinStub || (g == na || g+off == nb) && a.text(i, g) != b.text(i+off, g+off) {
				k = 0
			}
			break
		}
		p.item(fsItem{from: i, to: g, bFrom: i + off, words: int32(k), pre: int32(pe)})
		i = g
	}
}

// item adds an item, joining lines to parse to those before them.
func (p *fsPlanner) item(it fsItem) {
	if n := len(p.items) - 1; it.words == 0 && n >= 0 {
		if x := &p.items[n]; x.words == 0 && x.to == it.from && x.bFrom+(x.to-x.from) == it.bFrom {
			x.to = it.to
			return
		}
	}
	p.items = append(p.items, it)
}

// stubOK reports whether the node of path prefix pre (k words) may be a
// stub: not one that holds a sync-map rule's location strictly inside
// it, and nothing that touches `system config-sync`, which the
// sync-maps are read from.
func (p *fsPlanner) stubOK(pre string, k int) bool {
	if len(p.rules) == 0 {
		// Only system and system config-sync to look for: the words
		// themselves need not be cut out.
		rest := pre[len("set "):]
		return !strings.HasPrefix(rest, "system ") || k > 1 && !strings.HasPrefix(rest[len("system "):], "config-sync ")
	}
	p.path = p.path[:0]
	rest := pre[len("set ") : len(pre)-1]
	for range k {
		w, r, _ := strings.Cut(rest, " ")
		p.path = append(p.path, w)
		rest = r
	}
	q := p.path
	if q[0] == "system" && (len(q) == 1 || q[1] == "config-sync") {
		return false
	}
	for _, loc := range p.rules {
		if len(loc) > len(q) && slices.Equal(loc[:len(q)], q) {
			return false
		}
	}
	return true
}

// text is the bytes of lines [from, to).
func (t *fsText) text(from, to int32) string {
	return t.src[t.starts[from]:t.starts[to]]
}

// planPair diffs the lines of a and b and plans their spans: each half
// of the runs of equal lines on one core, then each half of the items
// (finish).
func planPair(a, b *fsText, rules [][]string) *fsPlanner {
	blocks := fsDiff(a, b)
	edges := len(a.starts) > fastEdgeLines
	groups := new(atomic.Int32)
	pl := &fsPlanner{a: a, b: b, rules: rules, edges: edges, groups: groups}
	other := &fsPlanner{a: a, b: b, rules: rules, edges: edges, groups: groups}
	half := len(blocks) / 2
	// About an item for each four lines: the items are sized once.
	for _, x := range []struct {
		p      *fsPlanner
		blocks []fsBlock
	}{{pl, blocks[:half]}, {other, blocks[half:]}} {
		n := 0
		for _, bl := range x.blocks {
			n += int(bl.n)
		}
		x.p.items = make([]fsItem, 0, n/4+16)
	}
	both(len(a.src)+len(b.src), func() {
		for _, bl := range blocks[:half] {
			pl.block(bl)
		}
	}, func() {
		for _, bl := range blocks[half:] {
			other.block(bl)
		}
	})
	for _, it := range other.items {
		pl.item(it)
	}
	pl.finish()
	return pl
}

// finish turns the items into each side's spans, numbering their pairs.
// With edges, a span at either end of a row of sibling spans (in the
// text's order, which is the trees' where it matters: elsewhere a view
// expands what it needs) is parsed when small, and cut into its
// children's items when larger, whose own ends are treated alike; each
// half of the items on one core.
func (p *fsPlanner) finish() {
	items := p.items
	var cut []fsCut
	var cuts [2]map[int32][]fsItem // a larger end's children, by its index
	p.naturalEnds(items)
	if p.edges {
		cut = make([]fsCut, len(items))
		half := len(items) / 2
		other := &fsPlanner{a: p.a, b: p.b, rules: p.rules, groups: p.groups}
		both(len(p.a.src)+len(p.b.src), func() {
			cuts[0] = p.edgeCuts(items, 0, half, 0, cut)
		}, func() {
			cuts[1] = other.edgeCuts(items, half, len(items), 0, cut)
		})
	}
	// Each side's spans, numbered in a's order: counted, then added.
	each := func(f func(fsItem)) {
		for i, it := range items {
			switch {
			case cut == nil || cut[i] == fsKeep:
				f(it)
			case cut[i] == fsSplit:
				for _, kid := range cuts[0][int32(i)] {
					f(kid)
				}
				for _, kid := range cuts[1][int32(i)] {
					f(kid)
				}
			}
		}
	}
	n := 0
	each(func(it fsItem) {
		if it.words != 0 {
			n++
		}
	})
	p.a.spans = slices.Grow(p.a.spans, n)
	p.b.spans = slices.Grow(p.b.spans, n)
	var last fsItem // the last span added
	each(func(it fsItem) {
		if it.words == 0 {
			last = it
			return
		}
		n := it.to - it.from
		if p.joins(last, it) {
			// One more sibling of the run that the last span began.
			x, y := &p.a.spans[len(p.a.spans)-1], &p.b.spans[len(p.b.spans)-1]
			x.to, y.to, x.run, y.run = it.to, it.bFrom+n, true, true
			x.members++
			y.members++
			p.a.stubbed += n
			p.b.stubbed += n
			last = it
			return
		}
		p.a.add(fsSpan{from: it.from, to: it.to, words: it.words, pair: p.pairs, pre: it.pre, members: 1})
		p.b.add(fsSpan{from: it.bFrom, to: it.bFrom + n, words: it.words, pair: p.pairs, pre: it.pre, members: 1})
		p.pairs++
		last = it
	})
}

// joins reports whether the span y joins the span x (the one before it)
// in one run stub: siblings whose lines follow each other on both sides,
// and in the list of their parent's children (both sides, natural order:
// markEnds) too, no other child between them and each the only one of its
// name. A run thus stands for consecutive children, every line of which
// it holds, and no other child sorts among them; the list is made from
// the lines about the parent's spans only, so a line far away that names
// one of them is caught by the parse instead (checkRuns). Their names
// begin with a digit alike, as the run's name tells for all
// (setStubs.make).
func (p *fsPlanner) joins(x, y fsItem) bool {
	return x.words != 0 && y.words == x.words && x.group != 0 && y.group == x.group && y.rank == x.rank+1 &&
		x.lone && y.lone && x.to == y.from && y.bFrom == x.bFrom+(x.to-x.from) &&
		isDigit(p.a.src[p.a.nameAt(x)]) == isDigit(p.a.src[p.a.nameAt(y)])
}

// nameAt is where the name of the span's own node begins in the text:
// the last word of its path prefix.
func (t *fsText) nameAt(it fsItem) int {
	start := int(t.starts[it.from])
	return start + strings.LastIndexByte(t.src[start:start+int(it.pre)-1], ' ') + 1
}

// fsCut is what the edge rule does with an item: keep it, parse its
// lines, or split it into its children's items.
type fsCut uint8

const (
	fsKeep fsCut = iota
	fsParse
	fsSplit
)

// edgeCuts decides the edge rule for items[from:to] at depth (fsItem.words;
// 0 any) into cut, without changing items (the other half reads them),
// and returns the children's items of those it splits.
func (p *fsPlanner) edgeCuts(items []fsItem, from, to, depth int, cut []fsCut) map[int32][]fsItem {
	var kids map[int32][]fsItem
	for i := from; i < to; i++ {
		it := items[i]
		if it.words == 0 || (depth > 0 && int(it.words) != depth) || !p.isEnd(items, i) {
			continue
		}
		if it.to-it.from <= fastEdgeMax {
			cut[i] = fsParse
			continue
		}
		k := p.children(it)
		p.childEnds(k, int(it.words)+1)
		if kids == nil {
			kids = map[int32][]fsItem{}
		}
		kids[int32(i)] = p.cutEdges(k, int(it.words)+1)
		cut[i] = fsSplit
	}
	return kids
}

// isEnd reports whether the span items[i] ends a row of span siblings:
// by its end, or where that is not known by the text's order.
func (p *fsPlanner) isEnd(items []fsItem, i int) bool {
	it := items[i]
	if it.end != 0 {
		return it.end == 1
	}
	line := p.a.line(it.from)
	px := line[:max(0, fsPrefix(line, int(it.words)-1))]
	sibling := func(x, y fsItem) bool {
		return x.words != 0 && y.words == x.words && x.to == y.from && x.bFrom+(x.to-x.from) == y.bFrom && fsIn(p.a.line(y.from), px)
	}
	return i == 0 || !sibling(items[i-1], it) || i == len(items)-1 || !sibling(it, items[i+1])
}

// cutEdges applies the edge rule to items, the children of one span at
// depth, and returns the items that result.
func (p *fsPlanner) cutEdges(items []fsItem, depth int) []fsItem {
	cut := make([]fsCut, len(items))
	kids := p.edgeCuts(items, 0, len(items), depth, cut)
	out := make([]fsItem, 0, len(items))
	for i, it := range items {
		switch cut[i] {
		case fsKeep:
			out = append(out, it)
		case fsParse:
			it.words = 0
			out = append(out, it)
		case fsSplit:
			out = append(out, kids[int32(i)]...)
		}
	}
	return out
}

// fsChild is a child of one parent met in the text: its name and its
// span (an index in the items), or -1 when it is not one span.
type fsChild struct {
	name string
	span int32
}

// fsChildName is the word of line at off (where a parent's path prefix
// ends): the name of the parent's child that the line lies in.
func fsChildName(line string, off int) string {
	if e := strings.IndexByte(line[off:], ' '); e >= 0 {
		return line[off : off+e]
	}
	return line[off:]
}

// markEnds sets end on the spans among kids, the children of one parent
// on both sides: 1 where a neighbour in natural order is not a span or
// there is none, 2 elsewhere.
func markEnds(kids []fsChild, items []fsItem, group int32) {
	cmp := func(x, y fsChild) int { return naturalCompare(x.name, y.name) }
	if slices.IndexFunc(kids, func(c fsChild) bool { return !plainNumber(c.name) }) < 0 {
		cmp = func(x, y fsChild) int { return numberCompare(x.name, y.name) } // rules: see vySortChildren
	}
	if !slices.IsSortedFunc(kids, cmp) {
		slices.SortStableFunc(kids, cmp)
	}
	span := func(i int) bool { return i >= 0 && i < len(kids) && kids[i].span >= 0 }
	for i, c := range kids {
		if c.span < 0 {
			continue
		}
		it := &items[c.span]
		it.group, it.rank = group, int32(i)
		it.lone = (i == 0 || kids[i-1].name != c.name) && (i == len(kids)-1 || kids[i+1].name != c.name)
		// The same name twice: one span and a line elsewhere, which the
		// parse refuses (errStubClash); any answer will do.
		if span(i-1) && span(i+1) {
			items[c.span].end = 2
		} else {
			items[c.span].end = 1
		}
	}
}

// naturalEnds sets fsItem.end on the spans of items (in a's order, of
// depth any): for each parent, its children on both sides are listed
// from the text (a span's by its name, the lines between by theirs) and
// put in natural order.
func (p *fsPlanner) naturalEnds(items []fsItem) {
	byParent := map[string][]int32{}
	var parents []string
	// Siblings' spans mostly follow each other: the last parent's list
	// is kept at hand, the map looked up when the parent changes.
	var last string
	var list []int32
	for i, it := range items {
		if it.words == 0 {
			continue
		}
		line := p.a.line(it.from)
		pe := fsPrefix(line, int(it.words)-1)
		if pe < 0 {
			continue
		}
		px := line[:pe]
		if list == nil || px != last {
			if list != nil {
				byParent[last] = list
			}
			var ok bool
			if list, ok = byParent[px]; !ok {
				parents = append(parents, px)
			}
			last = px
		}
		list = append(list, int32(i))
	}
	if list != nil {
		byParent[last] = list
	}
	// Each half of the parents on one core: they set the ends of their
	// own spans.
	half := len(parents) / 2
	both(len(p.a.src)+len(p.b.src), func() {
		p.parentEnds(items, parents[:half], byParent)
	}, func() {
		p.parentEnds(items, parents[half:], byParent)
	})
}

// parentEnds sets the ends of the spans of parents (naturalEnds).
func (p *fsPlanner) parentEnds(items []fsItem, parents []string, byParent map[string][]int32) {
	var kids []fsChild
	for _, px := range parents {
		spans := byParent[px]
		kids = kids[:0]
		ok := true
		for side, t := range []*fsText{p.a, p.b} {
			start := func(it *fsItem) int32 {
				if side == 0 {
					return it.from
				}
				return it.bFrom
			}
			n := int32(len(t.starts) - 1)
			lo, hi := start(&items[spans[0]]), start(&items[spans[len(spans)-1]])+items[spans[len(spans)-1]].to-items[spans[len(spans)-1]].from
			lo = t.groupStart(lo, px)
			hi = t.groupEnd(hi, n, px)
			j := 0
			last := ""
			for x := lo; x < hi; {
				if j < len(spans) && x == start(&items[spans[j]]) {
					it := &items[spans[j]]
					if side == 0 {
						kids = append(kids, fsChild{name: fsChildName(t.line(x), len(px)), span: spans[j]})
					}
					x += it.to - it.from
					j++
					last = ""
					continue
				}
				line := t.line(x)
				if !fsIn(line, px) {
					x++
					continue
				}
				name := fsChildName(line, len(px))
				if name != last {
					kids = append(kids, fsChild{name: name, span: -1})
					last = name
				}
				// The child's other lines, skipped in one search, up to
				// the next span.
				end := hi
				if j < len(spans) {
					end = start(&items[spans[j]])
				}
				if pe := len(px) + len(name); pe < len(line) {
					x = t.groupEnd(x+1, end, line[:pe+1])
				} else {
					x++
				}
			}
			ok = ok && j == len(spans)
		}
		if ok {
			markEnds(kids, items, p.groups.Add(1))
		}
	}
}

// groupEnd returns the first line from x on, before limit, that does
// not lie below the path prefix pre, the lines below it being together
// (where they are not, the parse refuses the stubs: any answer will do).
// It looks ahead in doubling steps, then halves.
func (t *fsText) groupEnd(x, limit int32, pre string) int32 {
	in := func(i int32) bool { return fsIn(t.line(i), pre) }
	if x >= limit || !in(x) {
		return x
	}
	lo, step := x, int32(1) // lo is in the group
	for lo+step < limit && in(lo+step) {
		lo += step
		step *= 2
	}
	hi := min(lo+step, limit) // hi is not, or the limit
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if in(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// groupStart returns the first line of the lines below pre that end
// just before x (x when line x-1 is not below it), as groupEnd looking
// back.
func (t *fsText) groupStart(x int32, pre string) int32 {
	in := func(i int32) bool { return fsIn(t.line(i), pre) }
	if x == 0 || !in(x-1) {
		return x
	}
	hi, step := x-1, int32(1) // hi is in the group
	for hi-step >= 0 && in(hi-step) {
		hi -= step
		step *= 2
	}
	lo := max(hi-step, -1) // lo is not, or before the text
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if in(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// childEnds sets fsItem.end on the spans among the items of one span's
// children (children), of depth k.
func (p *fsPlanner) childEnds(kids []fsItem, k int) {
	list := make([]fsChild, 0, len(kids))
	for i, it := range kids {
		line := p.a.line(it.from)
		pe := fsPrefix(line, k-1)
		if pe < 0 {
			return
		}
		span := int32(-1)
		if it.words != 0 {
			span = int32(i)
		}
		list = append(list, fsChild{name: fsChildName(line, pe), span: span})
	}
	markEnds(list, kids, p.groups.Add(1))
}

// children cuts a span's lines into the items of its children: a span
// for each child with lines of its own below it, lines to parse for the
// rest.
func (p *fsPlanner) children(it fsItem) []fsItem {
	k := int(it.words) + 1
	var out []fsItem
	for i := it.from; i < it.to; {
		line := p.a.line(i)
		pe := fsPrefix(line, k)
		g := i + 1
		words := int32(0)
		if pe >= 0 && p.stubOK(line[:pe], k) {
			pre := line[:pe]
			for g < it.to && fsIn(p.a.line(g), pre) {
				g++
			}
			if g-i >= fastMinStub {
				words = int32(k)
			}
		}
		out = append(out, fsItem{from: i, to: g, bFrom: it.bFrom + (i - it.from), words: words, pre: int32(pe)})
		i = g
	}
	return out
}

func (t *fsText) add(s fsSpan) {
	t.spans = append(t.spans, s)
	t.stubbed += s.to - s.from
}

// parse reads the text with its spans as stubs.
func (t *fsText) parse(file string) (*Tree, error) {
	s := &setStubs{text: t, file: file, list: make([]stub, 0, len(t.spans))}
	tr, err := vyParseSetStubs(file, t.src, true, s, nil)
	if err == nil {
		err = s.checkRuns()
	}
	return tr, err
}

// fsLines cuts text that fsScan took already (a stub's) into lines.
func fsLines(src string) *fsText {
	t := &fsText{src: src, starts: make([]int32, 0, 16)}
	for start := 0; start < len(src); {
		t.starts = append(t.starts, int32(start))
		i := strings.IndexByte(src[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
	}
	t.starts = append(t.starts, int32(len(src)))
	return t
}

// eol is where line i ends, before its newline.
func (t *fsText) eol(i int32) int32 {
	// Every line but the last ends with its newline: the byte before
	// the next line's start, not read (it is seldom in the cache).
	e := t.starts[i+1]
	if int(i) < len(t.starts)-2 || e > 0 && t.src[e-1] == '\n' {
		e--
	}
	return e
}

// setStubs hands the set parser its spans in order.
type setStubs struct {
	text  *fsText
	file  string
	next  int
	list  []stub
	words []vySetWord
	names []string
	// parent is the parent node of the last stub made, and parentKey
	// its line up to the stub's own word: a run of sibling stubs finds
	// it once.
	parent    *Node
	parentKey string
	// runs are the run stubs made, for checkRuns.
	runs []runStub
}

// runStub is a run stub made: its node, its parent and the name of its
// last sibling.
type runStub struct {
	n, parent *Node
	last      string
}

// checkRuns makes sure that each run stub stands for consecutive
// children of its parent, now in natural order: the sibling after it
// sorts after its last. A line elsewhere that names a child inside the
// run made a node of that name (only the run's first name is looked up),
// and it sorts inside the run: errStubClash.
func (s *setStubs) checkRuns() error {
	for _, r := range s.runs {
		kids := r.parent.Children
		i, found := slices.BinarySearchFunc(kids, r.n, vyCompare)
		for found && i < len(kids) && kids[i] != r.n {
			i++ // a node of the run's own name: the parse refused it already
		}
		if !found || i == len(kids) || i+1 < len(kids) && naturalCompare(kids[i+1].Name, r.last) <= 0 {
			return errStubClash
		}
	}
	return nil
}

// at reports whether the line at pos begins the next span.
func (s *setStubs) at(pos int) bool {
	return s.next < len(s.text.spans) && int(s.text.starts[s.text.spans[s.next].from]) == pos
}

// make makes the next span's stub node, where the parser stands, and
// moves the parser past its lines.
func (s *setStubs) make(p *vySet, b *vyBuilder) error {
	sp := s.text.spans[s.next]
	s.next++
	src := p.src
	// The planner's prefix is plain words, each with one blank after it
	// (fsPrefix): the stub's name is its last word.
	pre := p.pos + int(sp.pre)
	at := strings.LastIndexByte(src[p.pos:pre-1], ' ') + 1 + p.pos
	// The stub's parent is found as a line's would be, once for a run of
	// siblings; the stub's node needs no place in the schema (nothing is
	// read below it).
	k := int(sp.words) - 1
	q := s.parent
	if key := src[p.pos:at]; q == nil || key != s.parentKey {
		s.words = s.words[:0]
		for i := p.pos + len("set "); i < at; {
			j := i + strings.IndexByte(src[i:at], ' ')
			s.words = append(s.words, vySetWord{end: j - i, line: p.line, col: i - p.lineStart + 1, srcOff: i})
			i = j + 1
		}
		var err error
		q, _, s.names, err = p.walkChain(b, s.words, p.line, s.names)
		if err != nil {
			return err
		}
		s.parent, s.parentKey = q, key
	}
	name := b.sub(at, pre-1-at)
	// The stub's node is new: a line before it made it, or a node below
	// it, and then the stub is not the whole subtree.
	q, created := b.child(q, name, p.line)
	p.forgetChain(k)
	if !created {
		return errStubClash
	}
	end := int(s.text.starts[sp.to])
	s.list = append(s.list, stub{
		file: s.file, text: src[p.pos:end], line: int32(p.line), words: sp.words, pair: sp.pair, rows: -1, run: sp.run, members: sp.members,
	})
	q.Values = stubMark[:1:1]
	if sp.run {
		// Where the schema does not know the parent, its tag-ness comes
		// from whether its children's names begin with a digit
		// (vyDigitChildren), which the run's name must then tell for all:
		// its first and last agree, and all between them sort alike.
		last := fsChildName(s.text.line(sp.to-1), at-p.pos)
		if isDigit(name[0]) != isDigit(last[0]) {
			return errStubClash
		}
		q.Values = runMark[:1:1]
		s.runs = append(s.runs, runStub{n: q, parent: s.parent, last: last})
	}
	q.Line = -int32(len(s.list))
	p.pos = end
	p.line += int(sp.to - sp.from)
	p.lineStart = p.pos
	return nil
}

// HasStubs reports whether t came from ParsePairFast with stubs.
func (t *Tree) HasStubs() bool { return t != nil && len(t.stubs) > 0 }

// countRows counts, for the spans of t whose pair is odd (half 1) or
// even (half 0), the rows of their subtrees into rows (by pair), or -1
// where the count is not certain (Tree.StubRows then parses the stub).
func (t *fsText) countRows(rows []int32, half int32) {
	c := &fsCounter{t: t, kinds: new(vyKinds)}
	for _, sp := range t.spans {
		if sp.pair%2 != half {
			continue
		}
		rows[sp.pair] = -1
		if n, ok := c.span(sp); ok {
			rows[sp.pair] = int32(n)
		}
	}
}

// span counts the rows of a span's subtree, or of each subtree of a run.
func (c *fsCounter) span(sp fsSpan) (int, bool) {
	if !sp.run {
		pe := fsPrefix(c.t.line(sp.from), int(sp.words))
		if pe < 0 {
			return 0, false
		}
		name, pos, k := c.path(sp)
		return c.count(name, pos, k, sp.from, sp.to, pe)
	}
	total := 0
	for i := sp.from; i < sp.to; {
		line := c.t.line(i)
		pe := fsPrefix(line, int(sp.words))
		if pe < 0 {
			return 0, false
		}
		m := fsSpan{from: i, to: c.t.groupEnd(i, sp.to, line[:pe]), words: sp.words}
		name, pos, k := c.path(m)
		n, ok := c.count(name, pos, k, m.from, m.to, pe)
		if !ok {
			return 0, false
		}
		total += n
		i = m.to
	}
	return total, true
}

// fsCounter counts the rows of a stub's subtree from its lines, as the
// set parser and vyFinish would build it, without building it. It
// handles the lines of `show configuration commands` (quoted values,
// unquoted path words and valueless leaves where the schema knows the
// path) and gives up on anything whose reading depends on the order of
// the lines.
type fsCounter struct {
	t     *fsText
	kinds *vyKinds
	// chain is the path of the last stub with the schema's positions, so
	// that the next one steps only from where they part.
	chain []fsStep
	stack []fsFrame // the open nodes, the span's own first
	words []string  // scratch: a line's words
	vals  []string  // scratch values
	set   map[string]struct{}
}

type fsStep struct {
	word string
	pos  schema.Cursor
	k    vyKind
}

// path returns the name of a span's node and the schema's position and
// answer there.
func (c *fsCounter) path(sp fsSpan) (string, schema.Cursor, vyKind) {
	src := c.t.src
	i := int(c.t.starts[sp.from]) + len("set ")
	pos, k := schema.Root(), vyKind{kind: schema.Node}
	var word string
	for d := range int(sp.words) {
		for src[i] == ' ' {
			i++
		}
		j := i
		for src[j] != ' ' {
			j++
		}
		word = src[i:j]
		i = j
		if d < len(c.chain) && c.chain[d].word == word {
			pos, k = c.chain[d].pos, c.chain[d].k
			continue
		}
		c.chain = c.chain[:d]
		pos, k = c.kinds.step(pos, c.kinds.hash(pos), word)
		c.chain = append(c.chain, fsStep{word: word, pos: pos, k: k})
	}
	return word, pos, k
}

// count returns the rows of the node name (schema position pos, answer
// k) made from lines [from, to), whose path is the same pre bytes on
// each (fsPrefix). It reads each line once, keeping the nodes of the line before
// open (a stack): a line closes those it does not share and opens its
// own. It gives up (ok false) where the parse would read the lines in
// another way than their order tells: a quoted path word, a child
// named again after its lines ended, values beside valueless
// children, or a word ending a line where the schema does not know
// whether it is a value.
func (c *fsCounter) count(name string, pos schema.Cursor, k vyKind, from, to int32, pre int) (int, bool) {
	src := c.t.src
	c.stack = c.stack[:0]
	c.push(name, pos, k)
	for i := from; i < to; i++ {
		// The line's words after the path of the span.
		p, e := int(c.t.starts[i])+pre, int(c.t.eol(i))
		c.words = c.words[:0]
		for p < e {
			if src[p] == ' ' {
				p++
				continue
			}
			q := p
			if src[p] == '\'' {
				q = p + 1 + strings.IndexByte(src[p+1:e], '\'') + 1 // whole (fsScan)
			}
			for q < e && src[q] != ' ' {
				q++
			}
			c.words = append(c.words, src[p:q])
			p = q
		}
		m := len(c.words)
		if m == 0 {
			return 0, false
		}
		// The open nodes it shares: frame d+1 is its word d.
		j := 0
		for j < m-1 && j+1 < len(c.stack) && c.stack[j+1].name == c.words[j] {
			j++
		}
		for len(c.stack) > j+1 {
			if !c.close() {
				return 0, false
			}
		}
		for _, w := range c.words[j : m-1] {
			top := &c.stack[len(c.stack)-1]
			if w[0] == '\'' || top.closed(w) {
				return 0, false
			}
			if !top.hashed {
				top.h, top.hashed = c.kinds.hash(top.pos), true
			}
			cpos, ck := c.kinds.step(top.pos, top.h, w)
			c.push(w, cpos, ck)
		}
		top := &c.stack[len(c.stack)-1]
		top.own = append(top.own, c.words[m-1])
	}
	for len(c.stack) > 1 {
		if !c.close() {
			return 0, false
		}
	}
	return c.rows(&c.stack[0])
}

// fsFrame is a node open in fsCounter.count.
type fsFrame struct {
	name   string
	pos    schema.Cursor
	k      vyKind
	h      uint64 // the hash of pos, once hashed
	hashed bool
	// rows and kids sum the children closed so far, and names holds
	// them; digits: every child's name begins with a digit.
	rows, kids int
	digits     bool
	names      []string
	set        map[string]struct{} // names, once they are many (useSet)
	useSet     bool
	// own holds the words that end a line at this node.
	own []string
}

// push opens a node, in a frame whose slices a node closed before
// left room in.
func (c *fsCounter) push(name string, pos schema.Cursor, k vyKind) {
	n := len(c.stack)
	if n < cap(c.stack) {
		c.stack = c.stack[:n+1]
	} else {
		c.stack = append(c.stack, fsFrame{})
	}
	f := &c.stack[n]
	*f = fsFrame{name: name, pos: pos, k: k, digits: true, own: f.own[:0], names: f.names[:0], set: f.set}
}

// closed reports whether the node has a child w closed already.
func (f *fsFrame) closed(w string) bool {
	if f.useSet {
		_, ok := f.set[w]
		return ok
	}
	return slices.Contains(f.names, w)
}

// close counts the top node and adds it to its parent.
func (c *fsCounter) close() bool {
	f := &c.stack[len(c.stack)-1]
	n, ok := c.rows(f)
	if !ok {
		return false
	}
	parent := &c.stack[len(c.stack)-2]
	parent.rows += n
	parent.kids++
	parent.digits = parent.digits && isDigit(f.name[0])
	parent.names = append(parent.names, f.name)
	switch {
	case parent.useSet:
		parent.set[f.name] = struct{}{}
	case len(parent.names) > 16:
		if parent.set == nil {
			parent.set = make(map[string]struct{}, 2*len(parent.names))
		}
		clear(parent.set)
		for _, w := range parent.names {
			parent.set[w] = struct{}{}
		}
		parent.useSet = true
	}
	c.stack = c.stack[:len(c.stack)-1]
	return true
}

// rows is the rows of a node whose children are all closed.
func (c *fsCounter) rows(f *fsFrame) (int, bool) {
	// The words ending a line: values, or valueless children.
	valueMode := f.k.kind == schema.Leaf && !f.k.valueless
	vals := c.vals[:0]
	var bare []string // valueless children
	for _, w := range f.own {
		switch {
		case w[0] == '\'':
			vals = append(vals, w[1:len(w)-1])
		case valueMode:
			vals = append(vals, w)
		case f.k.kind == schema.Unknown:
			return 0, false // a value or a child: the parser looks at what came before
		default:
			bare = append(bare, w)
		}
	}
	c.vals = vals
	if len(vals) > 0 && len(bare) > 0 {
		return 0, false // values fold bare children in, by the order of the lines
	}
	nvals := c.distinct(vals)
	if nvals > 0 && f.k.kind == schema.Leaf && !f.k.multi {
		nvals = 1 // each `set` replaces the value
	}
	rows, kids, digits := f.rows, f.kids, f.digits
	if len(bare) > 0 && !f.hashed {
		f.h, f.hashed = c.kinds.hash(f.pos), true
	}
	for i, w := range bare {
		if slices.Contains(bare[:i], w) || f.closed(w) {
			continue // the same node
		}
		_, ck := c.kinds.step(f.pos, f.h, w)
		if ck.kind != schema.Tag {
			rows++
		}
		kids++
		digits = digits && isDigit(w[0])
	}
	tag := false
	switch f.k.kind {
	case schema.Tag:
		tag = true
	case schema.Leaf, schema.Node:
	default:
		tag = kids > 0 && (vyTagName(f.name) || digits)
	}
	if !tag {
		rows += max(1, nvals)
	}
	return rows, true
}

// distinct counts the distinct values of vals.
func (c *fsCounter) distinct(vals []string) int {
	if len(vals) < vyValueSetMin {
		n := 0
		for i, v := range vals {
			if !slices.Contains(vals[:i], v) {
				n++
			}
		}
		return n
	}
	if c.set == nil {
		c.set = make(map[string]struct{}, len(vals))
	}
	clear(c.set)
	for _, v := range vals {
		c.set[v] = struct{}{}
	}
	return len(c.set)
}

// Expanded is the number of stubs of t expanded so far.
func (t *Tree) Expanded() int { return t.expanded }

// ReadText reads a file into a string that a tree may share (see
// ParsePairFast): no copy beyond the read. The file is read, not mapped:
// a mapped file that another process truncates or rewrites during the
// run would crash the process (SIGBUS) or change a string already
// checked, where a read gives an error or a consistent copy; mapping
// saved about 10% CPU and no wall time on the 100k-line pair (issue 14).
func ReadText(file string) (string, error) { return readText(file) }

// ParseText is Parse for text already in a string (ReadText), which the
// tree then shares.
func ParseText(file, text string, fam Family) (*Tree, error) { return parseText(file, text, fam) }
