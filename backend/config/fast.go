package config

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config/schema"
)

// The fast path of a comparison: most of a real pair is identical bytes,
// and byte-equal text parses to equal subtrees. ParsePairFast finds the
// runs of lines that are byte-equal on both sides and stand for whole
// subtrees at the same path, and leaves them unparsed: each becomes a
// stub node on each side, with its name in place (so that its parent
// sorts, indexes and lays out its children as a full parse does) and its
// line count, rows and text kept aside. A comparison walks two stubs of
// one pair as an equal subtree of known rows; whatever needs their
// content (a context row, a scope that changes inside) expands them with
// Tree.Expand, which parses their text alone. Nothing else may read a
// tree with stubs: it is for one comparison (backend/diff), not for a
// plan, a printer or a sync-map.
//
// Only text whose every line can be cut from its neighbours is taken:
// today the Vyatta set form (`show configuration commands`, one `set`
// line each, no comments, escapes or multi-line values). Anything else
// returns ok false and the caller parses both texts in full. A pair of
// which little is equal takes the fast path all the same, with the few
// stubs the planner found before it gave up: the texts are cut and
// checked already, and parsing them from there costs no more than
// starting again.

// FastOptions tune ParsePairFast.
type FastOptions struct {
	// Rules are the locations (words) of the sync-map's rules: a subtree
	// with a rule's location strictly inside it is parsed, so that the
	// scopes of its rows are known without expanding it. Any location
	// still works: a fold expands what it must.
	Rules [][]string
	// MinEqual is the share of each text's lines, in percent, that the
	// planner expects to leave unparsed: it stops looking for stubs once
	// more lines are left to the parser than that allows (or, a
	// sixteenth planned, the share so far runs a quarter above it), and
	// the rest is parsed. 0 is the default (fastMinEqual).
	MinEqual int
}

// fastMinEqual is the share of lines (in percent) that the planner
// expects in stubs on each side: below it, planning costs more than the
// stubs it finds save. A pair with 10% of its lines changed (genconf.py
// --drift 10) leaves about 30% in stubs; one with 25%, 5%.
const fastMinEqual = 25

// fastMinStub is the fewest lines a stub stands for: a smaller one costs
// more to expand, as most are (they sit beside a change), than to parse.
const fastMinStub = 3

// fastMaxDepth bounds the path words the planner looks into.
const fastMaxDepth = 24

// errStubClash ends a fast parse whose stub's node was already made by
// another line: the caller parses in full.
var errStubClash = errors.New("config: a stub's node exists already")

// stubMark is a stub node's Values until it is expanded: a stub must not
// look like a bare node to the parser (vyAllBare), and nothing reads it.
var stubMark = []string{"\x00stub"}

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
	// same number); -1 for a stub made by an expansion.
	pair int32
	// rows is the number of rows the subtree gives (see SubtreeRows), -1
	// until counted.
	rows int32
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
	if s.rows < 0 {
		sh := t.share()
		if rows, ok := countStub(s, sh.kinds); ok {
			s.rows = int32(rows)
		} else {
			s.rows = int32(SubtreeRows(t.Family, t.parseStub(s, false)))
		}
	}
	return int(s.rows)
}

// Expand parses the subtree that the stub n of t stands for into n, in
// place; any other node is left as it is. The runs of lines below it
// that stand for whole subtrees become stubs in turn, so that expanding
// a large stub to show a few of its rows costs little. The text was
// checked when the stub was made, so it parses.
func (t *Tree) Expand(n *Node) {
	if n.Line >= 0 {
		return
	}
	s := t.stubs[-n.Line-1]
	*n = *t.parseStub(&s, true)
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
	*r = *u.copyOf(t, l, d)
	u.expanded++
}

// copyOf copies n, a node of t, and its subtree into u, lines moved by d;
// the stubs below it become stubs of u with the same text.
func (u *Tree) copyOf(t *Tree, n *Node, d int32) *Node {
	c := u.share().alloc.node()
	*c = *n
	if n.Line < 0 {
		s := t.stubs[-n.Line-1]
		s.line += d
		u.stubs = append(u.stubs, s)
		c.Line = -int32(len(u.stubs))
		return c
	}
	c.Line += d
	if len(n.Children) > 0 {
		c.Children = make([]*Node, len(n.Children))
		for i, k := range n.Children {
			c.Children[i] = u.copyOf(t, k, d)
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
// lines of the whole file; with sub, the runs below it become stubs of t.
func (t *Tree) parseStub(s *stub, sub bool) *Node {
	var ss *setStubs
	// A small stub has no run below it worth a stub of its own.
	if sub && strings.Count(s.text, "\n") >= 2*fastMinStub {
		if ft := fsLines(s.text); ft != nil {
			ft.skipWords(int(s.words))
			ft.subSpans(int(s.words))
			slices.SortFunc(ft.spans, func(x, y fsSpan) int { return int(x.from - y.from) })
			ss = &setStubs{text: ft, file: s.file, base: len(t.stubs), lineBase: s.line - 1}
		}
	}
	st, err := vyParseSetStubs(s.file, s.text, true, ss, t.share())
	if err != nil {
		panic("config: a stub's text does not parse alone: " + err.Error())
	}
	if ss != nil {
		t.stubs = append(t.stubs, ss.list...)
	}
	n := st.Root
	rest := s.text[len("set "):]
	for range s.words {
		rest = strings.TrimLeft(rest, " ")
		w := rest[:strings.IndexByte(rest, ' ')]
		rest = rest[len(w):]
		if n = n.Child(w); n == nil {
			panic("config: a stub's text lacks its own path")
		}
	}
	shiftLines(n, s.line-1)
	return n
}

// skipWords moves each line's position past its first n path words.
func (t *fsText) skipWords(n int) {
	src := t.src
	for i := range t.cur {
		p := t.cur[i]
		for range n {
			for src[p] == ' ' {
				p++
			}
			for src[p] != ' ' {
				p++
			}
		}
		t.cur[i] = p
	}
}

// subSpans adds the spans of the runs of the text's lines at their next
// word, below the node of their first k path words.
func (t *fsText) subSpans(k int) {
	runs, own, unsafe, ok := t.runs(0, int32(len(t.cur)), k, nil, nil)
	if !ok {
		return
	}
	for _, r := range runs {
		if r.to-r.from >= fastMinStub && !fsOwns(own, r.key) && !slices.Contains(unsafe, r.key) {
			t.add(fsSpan{from: r.from, to: r.to, words: int32(k + 1), pair: -1})
		}
	}
}

// countStub counts the rows of a stub's subtree from its text, if it
// can (see fsCounter).
func countStub(s *stub, kinds *vyKinds) (int, bool) {
	ft := fsLines(s.text)
	c := &fsCounter{t: ft, kinds: kinds, base: int(s.words)}
	sp := fsSpan{from: 0, to: int32(len(ft.cur)), words: s.words}
	name, pos, k := c.path(sp)
	ft.skipWords(int(s.words))
	return c.count(name, pos, k, sp.from, sp.to, 0)
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
	if !(n.Tag && fam != Huawei) {
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
// family or form is not one it reads, a line is not one it can cut, or a
// parse failed; the caller then parses each text with Parse, which also
// gives any error.
func ParsePairFast(fileA, textA, fileB, textB string, fam Family, o FastOptions) (a, b *Tree, ok bool) {
	if fam == Huawei {
		return nil, nil, false
	}
	// Each side is read as Parse would: the family, the form, nothing
	// for prepare to change. Text that fsIndex takes has every line
	// begin `set ` and holds no NUL, carriage return or other control
	// character, so it has no byte-order mark, and no line is a capture
	// line (captureLine: a pager line begins with blanks or the pager, a
	// session message, a VRP prompt or a Vyatta prompt with its own
	// first word; `set ` is none of them): prepare would change nothing
	// and note nothing. What is left to check is its test for binary
	// text, which only UTF-8 that is not valid can fail.
	read := func(text string) bool {
		if fam == Auto && detect(text) != Vyatta || !vyIsSetForm(text) {
			return false
		}
		return utf8.ValidString(text)
	}
	// Each side is cut into lines at once; then, while the planner
	// (one core) matches them, the other core reads both sides.
	var (
		tb      *fsText
		okB     bool
		readOK  bool
		indexed = make(chan struct{})
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tb, okB = fsIndex(textB)
		close(indexed)
		if okB {
			readOK = read(textB) && read(textA)
		}
	}()
	ta, okA := fsIndex(textA)
	<-indexed
	if !okA || !okB {
		wg.Wait()
		return nil, nil, false
	}
	minEqual := int32(o.MinEqual)
	if minEqual <= 0 {
		minEqual = fastMinEqual
	}
	pl := &fsPlanner{a: ta, b: tb, rules: o.Rules}
	if len(ta.cur) >= fastEdgeLines {
		pl.edgeMax = fastEdgeMax
	}
	// The planner gives up as soon as more lines must be parsed than
	// looking for stubs is worth; the stubs found so far are kept.
	pl.limitA = int32(int64(len(ta.cur)) * int64(100-minEqual) / 100)
	pl.limitB = int32(int64(len(tb.cur)) * int64(100-minEqual) / 100)
	pl.match(0, 0, int32(len(ta.cur)), 0, int32(len(tb.cur)))
	wg.Wait()
	if !readOK {
		return nil, nil, false
	}
	// Each side counts the rows of half the pairs (the bytes are the
	// same), then parses what is left of its text.
	rows := make([]int32, pl.pairs)
	var errA, errB error
	wg.Add(1)
	go func() {
		defer wg.Done()
		tb.countRows(rows, 1)
		b, errB = tb.parse(fileB)
	}()
	ta.countRows(rows, 0)
	a, errA = ta.parse(fileA)
	wg.Wait()
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

// fsText is set-form text cut into lines, with the planner's position in
// each.
type fsText struct {
	src string
	// starts holds where each line starts, and len(src) last.
	starts []int32
	// cur is, for each line, where the next path word to look at starts.
	cur []int32
	// lcp is, for each line, how many of its first path words (each
	// with the blank after it) are the bytes of the line before's, and
	// nw how many path words it has (both at most 255); nil for a text
	// that fsLines cut. They let runs put a line on the run before it
	// without reading it.
	lcp, nw []uint8
	spans   []fsSpan
	stubbed int32 // lines in spans
}

// fsSpan is a run of lines [from, to) to leave as a stub whose path is
// the first words words of its lines; pair numbers the pair of spans.
type fsSpan struct {
	from, to int32
	words    int32
	pair     int32
}

// fsClass sorts bytes for fsIndex: 1 a newline, 2 a quote, 3 a byte
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

// fsMaxEnds is how many word ends of a line fsIndex keeps to compare
// with the next line's: a line sharing more path words with the line
// before is read (runs) from the last word kept.
const fsMaxEnds = 32

// fsIndex cuts src into lines, if every line is a `set` command whose
// quoted words are whole single-quoted words (a blank before the opening
// quote, a blank or the line's end after the closing one), and that holds
// no other quoting or escape, no comment and no control character
// outside them: such a line is read alone as it is read in its file.
func fsIndex(src string) (*fsText, bool) {
	if len(src) == 0 || len(src) >= 1<<31-1 {
		return nil, false
	}
	n := strings.Count(src, "\n") + 2
	t := &fsText{src: src, starts: make([]int32, 0, n), lcp: make([]uint8, 0, n), nw: make([]uint8, 0, n)}
	start, inq := 0, false
	lineOK := func(end int) bool {
		return !inq && end-start > len("set ") && src[start:start+4] == "set "
	}
	// ends holds where (from the line's start) the current line's path
	// words end with a blank after them, prev the line before's.
	var (
		ends, prev [fsMaxEnds]int32
		ne, nprev  int
		prevStart  int
	)
	endLine := func(end int) {
		words := ne
		if end-start > len("set ") && src[end-1] != ' ' {
			words++ // the last word, with no blank after it
		}
		shared := 0
		if len(t.starts) > 0 {
			m := min(ne, nprev, fsMaxEnds)
			for shared < m && ends[shared] == prev[shared] {
				shared++
			}
			for shared > 0 && src[start+4:start+int(ends[shared-1])+1] != src[prevStart+4:prevStart+int(prev[shared-1])+1] {
				shared--
			}
		}
		t.starts = append(t.starts, int32(start))
		t.lcp = append(t.lcp, uint8(min(shared, 255)))
		t.nw = append(t.nw, uint8(min(words, 255)))
		prev, nprev, prevStart = ends, ne, start
		ne = 0
	}
	for i := 0; i < len(src); i++ {
		// Most bytes are none of the classes: skip them in a tight loop.
		for fsClass[src[i]] == 0 {
			if i++; i == len(src) {
				break
			}
		}
		if i == len(src) {
			break
		}
		switch fsClass[src[i]] {
		case 5:
			if !inq && i-start > len("set ") && src[i-1] != ' ' {
				if ne < fsMaxEnds {
					ends[ne] = int32(i - start)
				}
				ne++
			}
		case 1:
			if !lineOK(i) {
				return nil, false
			}
			endLine(i)
			start = i + 1
		case 2:
			if inq {
				if i+1 < len(src) && src[i+1] != ' ' && src[i+1] != '\n' {
					return nil, false
				}
			} else if i == start || src[i-1] != ' ' {
				return nil, false
			}
			inq = !inq
		case 4:
			if !inq {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if start < len(src) {
		if !lineOK(len(src)) {
			return nil, false
		}
		endLine(len(src))
	}
	t.starts = append(t.starts, int32(len(src)))
	t.cur = make([]int32, len(t.starts)-1)
	for i := range t.cur {
		t.cur[i] = t.starts[i] + int32(len("set "))
	}
	return t, true
}

// fsLines cuts text that fsIndex took already (a stub's) into lines.
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
	t.cur = make([]int32, len(t.starts)-1)
	for i := range t.cur {
		t.cur[i] = t.starts[i] + int32(len("set "))
	}
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

// fsRun is a run of consecutive lines [from, to) whose next path word is
// key.
type fsRun struct {
	key      string
	from, to int32
}

// runs cuts lines [from, to) at their next path word (word k of each,
// from 0) into runs, moving each line's position past it. own gets the words that end a line (as
// written), and unsafe the path words that must be parsed wherever they
// are: one that repeats (two runs of it), or one quoted, which names the
// same node as its bare form. ok is false when a line has no word left.
func (t *fsText) runs(from, to int32, k int, out []fsRun, ownBuf []string) (runs []fsRun, own, unsafe []string, ok bool) {
	src := t.src
	runs, own = out[:0], ownBuf[:0]
	for i := from; i < to; i++ {
		if t.lcp != nil && i > from && int(t.lcp[i]) > k && int(t.nw[i]) > k+1 {
			// The line shares word k and the bytes before it with the
			// line before, which went on the last run, and has more
			// words after it: it goes on that run, its position as far
			// into it.
			if n := len(runs) - 1; n >= 0 && runs[n].to == i {
				t.cur[i] = t.starts[i] + (t.cur[i-1] - t.starts[i-1])
				runs[n].to = i + 1
				continue
			}
		}
		p, e := t.cur[i], t.eol(i)
		if k := len(runs) - 1; k >= 0 && runs[k].to == i {
			// Most lines go on the run before them: the same word at
			// the same place, a blank and more words after it.
			key := runs[k].key
			q := p
			if q < e && src[q] == ' ' {
				q++
			}
			end := q + int32(len(key))
			if end+1 < e && src[end] == ' ' && src[end+1] != ' ' && src[q:end] == key {
				t.cur[i] = end
				runs[k].to = i + 1
				continue
			}
		}
		for p < e && src[p] == ' ' {
			p++
		}
		ws := p
		if p < e && src[p] == '\'' {
			// A quoted word, whole (fsIndex).
			p += 1 + int32(strings.IndexByte(src[p+1:e], '\'')) + 1
		}
		for p < e && src[p] != ' ' {
			p++
		}
		if ws == p {
			return nil, nil, nil, false
		}
		word := src[ws:p]
		q := p
		for q < e && src[q] == ' ' {
			q++
		}
		if q == e {
			own = append(own, word)
			continue
		}
		if strings.IndexByte(word, '\'') >= 0 {
			unsafe = append(unsafe, strings.Trim(word, "'"))
			continue
		}
		t.cur[i] = p
		if k := len(runs) - 1; k >= 0 && runs[k].to == i && runs[k].key == word {
			runs[k].to = i + 1
			continue
		}
		runs = append(runs, fsRun{key: word, from: i, to: i + 1})
	}
	return runs, own, fsRepeated(runs, unsafe), true
}

// fsRepeated appends to dst the keys that more than one run has.
func fsRepeated(runs []fsRun, dst []string) []string {
	sorted := true
	for i := 1; i < len(runs) && sorted; i++ {
		sorted = runs[i-1].key < runs[i].key
	}
	if !sorted {
		sorted = true
		for i := 1; i < len(runs) && sorted; i++ {
			sorted = naturalCompare(runs[i-1].key, runs[i].key) < 0
		}
	}
	if sorted {
		return dst
	}
	seen := make(map[string]int, len(runs))
	for _, r := range runs {
		if seen[r.key]++; seen[r.key] == 2 {
			dst = append(dst, r.key)
		}
	}
	return dst
}

// fsOwns reports whether a word ending a line, quoted or not, is key.
func fsOwns(own []string, key string) bool {
	for _, w := range own {
		if strings.Trim(w, "'") == key {
			return true
		}
	}
	return false
}

// fsPlanner matches the lines of two set texts by path and marks the
// byte-equal runs as stubs.
type fsPlanner struct {
	a, b *fsText
	// parsedA and parsedB count the lines left to the parser so far;
	// past limitA or limitB the planner stops.
	parsedA, parsedB int32
	limitA, limitB   int32

	rules   [][]string
	path    []string
	pairs   int32
	scratch []fsScratch // per depth
	order   []int32     // edges' scratch
	// edgeMax is the most lines of a stub that edges parses instead; 0
	// turns edges off.
	edgeMax int32
}

// fsScratch is the planner's room for one depth's runs.
type fsScratch struct {
	ra, rb     []fsRun
	ownA, ownB []string
	dec        []fsDecision
}

// match looks at lines [a0, a1) of a and [b0, b1) of b, which share
// their first k path words (p.path).
func (p *fsPlanner) match(k int, a0, a1, b0, b1 int32) {
	for len(p.scratch) <= k {
		p.scratch = append(p.scratch, fsScratch{})
	}
	sc := &p.scratch[k]
	ra, ownA, unsafeA, okA := p.a.runs(a0, a1, k, sc.ra, sc.ownA)
	rb, ownB, unsafeB, okB := p.b.runs(b0, b1, k, sc.rb, sc.ownB)
	sc.ra, sc.rb, sc.ownA, sc.ownB = ra, rb, ownA, ownB
	if !okA || !okB || p.over() {
		p.parsedA += a1 - a0
		p.parsedB += b1 - b0
		return
	}
	// Lines of runs not stubbed or looked into go to the parser.
	coveredA, coveredB := int32(0), int32(0)
	defer func() {
		p.parsedA += a1 - a0 - coveredA
		p.parsedB += b1 - b0 - coveredB
	}()
	var idx map[string]int
	same := len(ra) == len(rb)
	for i := 0; same && i < len(ra); i++ {
		same = ra[i].key == rb[i].key
	}
	if !same {
		idx = make(map[string]int, len(rb))
		for j, r := range rb {
			idx[r.key] = j
		}
	}
	// Each run of a is decided first (its peer in b, stub or look
	// into), then a small stub at either end of a row of stubs is
	// parsed instead: the view shows the rows beside a change, and the
	// main parse reads those lines for less than expanding a stub.
	dec := sc.dec[:0]
	for i, x := range ra {
		j := i
		if !same {
			var found bool
			if j, found = idx[x.key]; !found {
				dec = append(dec, fsDecision{peer: -1})
				continue
			}
		}
		y := rb[j]
		d := fsDecision{peer: int32(j)}
		switch {
		case fsOwns(ownA, x.key) || fsOwns(ownB, x.key) || slices.Contains(unsafeA, x.key) || slices.Contains(unsafeB, x.key):
			// the word also ends a line (a value or a leaf of its own), repeats, or is quoted
		case x.to-x.from >= fastMinStub && p.stubOK(x.key, k) && p.a.text(x) == p.b.text(y):
			d.what = fsStub
		case k+1 < fastMaxDepth && x.to-x.from > 1 && y.to-y.from > 1:
			d.what = fsLook
		}
		dec = append(dec, d)
	}
	sc.dec = dec
	p.edges(k, dec, ra, rb)
	for i, d := range dec {
		if d.what == fsParse {
			continue
		}
		x, y := ra[i], rb[d.peer]
		p.path = append(p.path[:k], x.key)
		if d.what == fsStub {
			p.a.add(fsSpan{from: x.from, to: x.to, words: int32(k + 1), pair: p.pairs})
			p.b.add(fsSpan{from: y.from, to: y.to, words: int32(k + 1), pair: p.pairs})
			p.pairs++
		} else {
			p.match(k+1, x.from, x.to, y.from, y.to)
		}
		coveredA += x.to - x.from
		coveredB += y.to - y.from
		if p.over() {
			return
		}
	}
}

// fsDecision is what the planner does with a run of a: parse it (its
// lines go to the parser), make a stub of it and its peer run of b, or
// look into both at their next word.
type fsDecision struct {
	what uint8
	peer int32 // its run of b, or -1
}

const (
	fsParse = iota
	fsStub
	fsLook
)

// fastEdgeMax is the most lines of a stub that the planner parses
// instead because it ends a row of stubs (see edges): a larger one is
// expanded into stubs of its own where it is shown. Texts of fewer than
// fastEdgeLines lines keep every stub: their time does not matter, and
// the tests over small corpus files then cover the expanding of stubs.
const (
	fastEdgeMax   = 12
	fastEdgeLines = 1000
)

// edges turns into parsed runs the small stubs at either end of a row of
// consecutive stubs (at word k), and looks into the larger ones, in the order of the trees' children (natural order,
// which need not be the text's), b's runs without a peer among them:
// the planner looks into a parent only where its text differs, and a
// view shows the rows beside a change and the first and last rows of a
// fold, so it would expand them at once.
func (p *fsPlanner) edges(k int, dec []fsDecision, ra, rb []fsRun) {
	if p.edgeMax == 0 {
		return
	}
	// order holds the runs of a (i) and those of b without a peer (-1-j).
	order := p.order[:0]
	for i := range dec {
		order = append(order, int32(i))
	}
	if len(rb) > len(dec) || slices.ContainsFunc(dec, func(d fsDecision) bool { return d.peer < 0 }) {
		peered := make([]bool, len(rb))
		for _, d := range dec {
			if d.peer >= 0 {
				peered[d.peer] = true
			}
		}
		for j, ok := range peered {
			if !ok {
				order = append(order, int32(-1-j))
			}
		}
	}
	key := func(x int32) string {
		if x < 0 {
			return rb[-1-x].key
		}
		return ra[x].key
	}
	sorted := true
	for i := 1; i < len(order) && sorted; i++ {
		sorted = naturalCompare(key(order[i-1]), key(order[i])) < 0
	}
	if !sorted {
		slices.SortStableFunc(order, func(x, y int32) int { return naturalCompare(key(x), key(y)) })
	}
	p.order = order
	stub := func(o int) bool { return o >= 0 && o < len(order) && order[o] >= 0 && dec[order[o]].what == fsStub }
	var cut []int32
	for o, x := range order {
		if stub(o) && (!stub(o-1) || !stub(o+1)) {
			cut = append(cut, x)
		}
	}
	// A small stub is parsed; a larger one is looked into, so that only
	// its own first or last children are parsed.
	for _, x := range cut {
		d := &dec[x]
		y := rb[d.peer]
		switch {
		case ra[x].to-ra[x].from <= p.edgeMax:
			d.what = fsParse
		case k+1 < fastMaxDepth && ra[x].to-ra[x].from > 1 && y.to-y.from > 1:
			d.what = fsLook
		}
	}
}

// over reports whether more lines are left to the parser than the fast
// path allows.
func (p *fsPlanner) over() bool {
	return p.limitA > 0 && p.parsedA > p.limitA || p.limitB > 0 && p.parsedB > p.limitB ||
		p.trend(p.a, p.parsedA, p.limitA) || p.trend(p.b, p.parsedB, p.limitB)
}

// trend reports whether, a sixteenth of t's lines or more planned, the
// share left to the parser so far is a quarter above what the fast path
// allows: the planner then gives up early rather than near the end of a
// pair that drifts throughout.
func (p *fsPlanner) trend(t *fsText, parsed, limit int32) bool {
	done := int64(parsed) + int64(t.stubbed)
	n := int64(len(t.cur))
	return done*16 >= n && int64(parsed)*n*4 > int64(limit)*done*5
}

// stubOK reports whether the node at p.path may be a stub: not one that
// holds a sync-map rule's location strictly inside it, and nothing that
// touches `system config-sync`, which the sync-maps are read from.
func (p *fsPlanner) stubOK(key string, k int) bool {
	p.path = append(p.path[:k], key)
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

// text is the bytes of run r's lines.
func (t *fsText) text(r fsRun) string {
	return t.src[t.starts[r.from]:t.starts[r.to]]
}

func (t *fsText) add(s fsSpan) {
	t.spans = append(t.spans, s)
	t.stubbed += s.to - s.from
}

// parse reads the text with its spans as stubs.
func (t *fsText) parse(file string) (*Tree, error) {
	slices.SortFunc(t.spans, func(x, y fsSpan) int { return int(x.from - y.from) })
	s := &setStubs{text: t, file: file, list: make([]stub, 0, len(t.spans))}
	return vyParseSetStubs(file, t.src, true, s, nil)
}

// setStubs hands the set parser its spans in order.
type setStubs struct {
	text  *fsText
	file  string
	next  int
	list  []stub
	words []vySetWord
	names []string
	// base is the index in its tree of the first stub made, lineBase
	// what to add to a line of the text for the line in its file.
	base     int
	lineBase int32
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
	i := p.pos + len("set ")
	s.words = s.words[:0]
	for range sp.words {
		for src[i] == ' ' {
			i++
		}
		j := i
		for src[j] != ' ' {
			j++
		}
		s.words = append(s.words, vySetWord{end: j - i, line: p.line, col: i - p.lineStart + 1, srcOff: i})
		i = j
	}
	// The stub's parent is found as a line's would be; the stub's node
	// needs no place in the schema (nothing is read below it).
	k := len(s.words) - 1
	q, _, names, err := p.walkChain(b, s.words[:k], p.line, s.names)
	s.names = names
	if err != nil {
		return err
	}
	w := s.words[k]
	name := p.str(b, w)
	if w.end == w.start || vyHasControl(name) {
		return errStubClash // fsIndex takes neither: parsed in full, with its error
	}
	q, _ = b.child(q, name, p.line)
	p.forgetChain(k)
	if q.Values != nil || q.Children != nil {
		return errStubClash
	}
	end := int(s.text.starts[sp.to])
	s.list = append(s.list, stub{
		file: s.file, text: src[p.pos:end], line: int32(p.line) + s.lineBase, words: sp.words, pair: sp.pair, rows: -1,
	})
	q.Values = stubMark[:1:1]
	q.Line = -int32(s.base + len(s.list))
	p.pos = end
	p.line += int(sp.to - sp.from)
	p.lineStart = p.pos
	return nil
}

// shared appends to words those of prev, the words of the line before
// (`set` first), that line (1-based, d bytes after it) shares with it
// by fsIndex: the same bytes at the same places, moved by d. It appends
// none where fsIndex did not look (a stub's text) or a word was not read
// whole from the source.
func (s *setStubs) shared(words, prev []vySetWord, line, d int) []vySetWord {
	lcp := s.text.lcp
	if line-1 >= len(lcp) || int(lcp[line-1]) == 0 || len(prev) <= int(lcp[line-1]) {
		return words
	}
	n := int(lcp[line-1]) + 1
	for _, w := range prev[:n] {
		if w.srcOff < 0 {
			return words
		}
	}
	for _, w := range prev[:n] {
		w.srcOff += d
		w.line = line
		words = append(words, w)
	}
	return words
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
		name, pos, k := c.path(sp)
		c.base = int(sp.words)
		if n, ok := c.count(name, pos, k, sp.from, sp.to, 0); ok {
			rows[sp.pair] = int32(n)
		}
	}
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
	// base is the path words of the span counted: count's depth 0 reads
	// word base of its lines.
	base int
	// chain is the path of the last stub with the schema's positions, so
	// that the next one steps only from where they part.
	chain []fsStep
	runs  [][]fsRun  // scratch runs per depth
	owns  [][]string // scratch words ending a line, per depth
	vals  []string   // scratch values
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
// k) made from lines [from, to), whose positions stand after its name.
func (c *fsCounter) count(name string, pos schema.Cursor, k vyKind, from, to int32, depth int) (int, bool) {
	for len(c.runs) <= depth {
		c.runs = append(c.runs, nil)
	}
	for len(c.owns) <= depth {
		c.owns = append(c.owns, nil)
	}
	runs, own, unsafe, ok := c.t.runs(from, to, c.base+depth, c.runs[depth], c.owns[depth])
	c.runs[depth], c.owns[depth] = runs, own
	if !ok || len(unsafe) > 0 {
		return 0, false
	}
	// The words ending a line: values, or valueless children.
	valueMode := k.kind == schema.Leaf && !k.valueless
	vals := c.vals[:0]
	var bare []string // valueless children
	for _, w := range own {
		switch {
		case w[0] == '\'':
			vals = append(vals, w[1:len(w)-1])
		case valueMode:
			vals = append(vals, w)
		case k.kind == schema.Unknown:
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
	if nvals > 0 && k.kind == schema.Leaf && !k.multi {
		nvals = 1 // each `set` replaces the value
	}
	rows, kids, digits := 0, 0, true
	var h uint64
	if len(runs) > 0 || len(bare) > 0 {
		h = c.kinds.hash(pos)
	}
	// runs is scratch of this depth: the children's counts reuse deeper
	// ones, so it is read by index after they return.
	for i := 0; i < len(c.runs[depth]); i++ {
		r := c.runs[depth][i]
		cpos, ck := c.kinds.step(pos, h, r.key)
		n, ok := c.count(r.key, cpos, ck, r.from, r.to, depth+1)
		if !ok {
			return 0, false
		}
		rows += n
		kids++
		digits = digits && isDigit(r.key[0])
	}
	for i, w := range bare {
		if slices.Contains(bare[:i], w) || fsHasKey(c.runs[depth], w) {
			continue // the same node
		}
		_, ck := c.kinds.step(pos, h, w)
		if ck.kind != schema.Tag {
			rows++
		}
		kids++
		digits = digits && isDigit(w[0])
	}
	tag := false
	switch k.kind {
	case schema.Tag:
		tag = true
	case schema.Leaf, schema.Node:
	default:
		tag = kids > 0 && (vyTagNames[name] || digits)
	}
	if !tag {
		rows += max(1, nvals)
	}
	return rows, true
}

// fsHasKey reports whether a run has key w.
func fsHasKey(runs []fsRun, w string) bool {
	for _, r := range runs {
		if r.key == w {
			return true
		}
	}
	return false
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
// ParsePairFast): no copy beyond the read.
func ReadText(file string) (string, error) { return readText(file) }

// ParseText is Parse for text already in a string (ReadText), which the
// tree then shares.
func ParseText(file, text string, fam Family) (*Tree, error) { return parseText(file, text, fam) }
