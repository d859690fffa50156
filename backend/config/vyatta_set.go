package config

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/hasync/hasync/backend/config/schema"
)

// vySet is the set-form lexer state. Words follow shell rules, as the
// lines are commands: 'single' quotes take everything literally (an
// embedded quote closes, escapes and reopens the string), "double" quotes
// take backslash escapes, a backslash outside quotes escapes the next
// byte, and ` #` starts a comment.
type vySet struct {
	file      string
	src       string
	pos       int
	line      int
	lineStart int
	buf       []byte // the words of the current line, unquoted
	root      vyPos  // the schema's root
	// scNodes and scCurs are the chain of nodes of the previous line and
	// the schema's position at each: consecutive lines share most of
	// their path, so a line only steps from where they part (the nodes
	// are compared, not their names).
	scNodes []*Node
	scPos   []vyPos
	// same is how many path words of the current line are those of the
	// line before's chain, byte for byte (sharedWords): walkChain takes
	// their nodes without comparing names.
	same    int
	noReuse bool // apply looks up every word of the path (tests)
}

// sharedWords appends to words the words of prev, the words of the line
// before (read from prevStart, its first byte), that the line at p.pos
// shares with it whole: the same bytes at the same places, each plain
// (read from the source, unquoted) and followed by the same blank. It
// moves p.pos past them and sets p.same.
func (p *vySet) sharedWords(words, prev []vySetWord, prevStart int) []vySetWord {
	src := p.src
	d := p.pos - prevStart
	// m: how many bytes the two lines share from their starts (the line
	// before ends at its newline, which a word never holds).
	m := commonPrefix(src[prevStart:p.pos], src[p.pos:])
	n := 0
	for _, w := range prev {
		end := w.srcOff + w.end - w.start // in prev
		if w.srcOff < 0 || w.quoted || end-prevStart >= m || !vySetBlank(src[end]) {
			break
		}
		n++
	}
	if n == 0 {
		return words
	}
	for _, w := range prev[:n] {
		w.srcOff += d
		w.line = p.line
		words = append(words, w)
	}
	last := words[len(words)-1]
	p.pos = last.srcOff + last.end - last.start
	// The chain of the line before holds its path but its last word.
	p.same = min(n, len(prev)-1) - 1
	return words
}

// vyPos is a position in the schema with what the schema says of it, and
// its hash (for vyKinds.step) once a child has been stepped to from it.
type vyPos struct {
	c      schema.Cursor
	k      vyKind
	h      uint64
	hashed bool
}

// posAt returns the schema's position at n, the i-th node of the current
// line's chain, whose parent is at *parent.
func (p *vySet) posAt(b *vyBuilder, i int, n *Node, parent *vyPos) *vyPos {
	if i < len(p.scNodes) && p.scNodes[i] == n {
		return &p.scPos[i]
	}
	if !parent.hashed {
		parent.h, parent.hashed = b.kinds.hash(parent.c), true
	}
	var x vyPos
	x.c, x.k = b.kinds.step(parent.c, parent.h, n.Name)
	p.scNodes, p.scPos = p.scNodes[:i], p.scPos[:i]
	p.scNodes = append(p.scNodes, n)
	p.scPos = append(p.scPos, x)
	return &p.scPos[i]
}

// forgetChain cuts the previous line's chain to its first n nodes, after
// nodes below them left the tree.
func (p *vySet) forgetChain(n int) {
	n = min(n, len(p.scNodes))
	p.scNodes, p.scPos = p.scNodes[:n], p.scPos[:n]
}

// commonPrefix is the length of the longest common prefix of a and b,
// compared eight bytes at a time.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	if n >= 8 {
		// Little-endian loads: the first byte of a word is its lowest.
		ba, bb := unsafe.Slice(unsafe.StringData(a), n), unsafe.Slice(unsafe.StringData(b), n)
		for ; i+8 <= n; i += 8 {
			if x := binary.LittleEndian.Uint64(ba[i:]) ^ binary.LittleEndian.Uint64(bb[i:]); x != 0 {
				return i + bits.TrailingZeros64(x)/8
			}
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// vySetWord is one word of a line: buf[start:end].
type vySetWord struct {
	start, end int
	quoted     bool
	line, col  int
	// srcOff is where the word's text lies whole in the source (one bare
	// run or one quoted segment without escapes), or -1.
	srcOff int
}

func vySetBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// vyParseSet parses the set form: `show configuration commands`, and
// scripts of set and delete commands (`#!/bin/vbash`, hier_config
// remediation lists). A delete applies to the tree built so far; a delete
// of a node or value that is not there is ignored and noted: the device
// refuses that one line ("Nothing to delete (the specified node does not
// exist)", DOMAIN.md) and a script goes on, so the result is the same. The session commands of
// a script (configure, commit, save, exit, ...) are ignored and noted.
func vyParseSet(file string, src string) (*Tree, error) {
	return vyParseSetReuse(file, src, true)
}

// vyParseSetReuse is vyParseSet; reuse false turns off the reuse of the
// previous line's nodes (FuzzSetChain compares both).
func vyParseSetReuse(file string, src string, reuse bool) (*Tree, error) {
	return vyParseSetStubs(file, src, reuse, nil, nil)
}

// vyParseSetStubs is vyParseSetReuse that makes a stub of each run of
// lines in stubs (see fast.go) instead of reading it. sh, when not nil,
// lends the parse its schema cache and node chunks, for the many small
// parses of Tree.Expand.
func vyParseSetStubs(file string, src string, reuse bool, stubs *setStubs, sh *vyShared) (*Tree, error) {
	p := &vySet{file: file, src: src, line: 1, noReuse: !reuse}
	var b *vyBuilder
	if sh != nil {
		b = newVyBuilderKinds(src, sh.kinds)
		b.alloc = sh.alloc
		defer func() { sh.alloc = b.alloc }()
	} else {
		b = newVyBuilder(src)
	}
	p.root.c = schema.Root()
	p.root.k = vyKind{kind: schema.Node}
	var (
		words   []vySetWord
		names   []string
		session []int    // lines of ignored session commands
		cmds    []string // their names, once each
		absent  []int    // lines of deletes of absent nodes
	)
	// prev holds the words of the line before, read here from prevStart
	// (-1: none to reuse): a line takes the words it shares with it
	// whole, without reading them again (sharedWords).
	var prev []vySetWord
	prevStart := -1
	for p.pos < len(src) {
		if stubs != nil && stubs.at(p.pos) {
			p.same = 0
			if err := stubs.make(p, b); err != nil {
				return nil, err
			}
			prevStart = -1
			continue
		}
		var comment string
		words = words[:0]
		p.buf = p.buf[:0]
		p.same = 0
		start := p.pos
		if prevStart >= 0 {
			words = p.sharedWords(words, prev, prevStart)
		}
		// Read one line: words up to an unquoted newline or a comment.
		for p.pos < len(src) {
			c := src[p.pos]
			switch {
			case vySetBlank(c):
				p.pos++
				continue
			case c == '\n':
			case c == '#':
				end := strings.IndexByte(src[p.pos:], '\n')
				if end < 0 {
					end = len(src) - p.pos
				}
				comment = strings.TrimSpace(src[p.pos+1 : p.pos+end])
				p.pos += end
				continue
			default:
				w, err := p.word()
				if err != nil {
					return nil, err
				}
				words = append(words, w)
				continue
			}
			break
		}
		prevStart = -1
		if p.pos < len(src) { // at the newline
			if !p.noReuse && comment == "" && start == p.lineStart {
				prev, prevStart = append(prev[:0], words...), start
			}
			p.pos++
			p.line++
			p.lineStart = p.pos
		}
		if len(words) == 0 {
			continue
		}
		w := words[0]
		first := p.text(w)
		del := !w.quoted && string(first) == "delete"
		switch {
		case !w.quoted && string(first) == "set", del:
		case !w.quoted && vySessionCommand(string(first)):
			if len(session) == 0 || session[len(session)-1] != w.line {
				session = append(session, w.line)
			}
			if cmd := string(first); !slices.Contains(cmds, cmd) {
				cmds = append(cmds, cmd)
			}
			continue
		default:
			return nil, parseErrorf(p.file, w.line, w.col, "expected 'set'")
		}
		if len(words) == 1 {
			return nil, parseErrorf(p.file, w.line, w.col, "expected a path after '%s'", first)
		}
		var err error
		if del {
			found, err := p.delete(b, words[1:])
			if err != nil {
				return nil, err
			}
			if !found {
				absent = append(absent, w.line)
			}
			continue
		}
		if names, err = p.apply(b, words[1:], comment, names); err != nil {
			return nil, err
		}
	}
	vyFinishKinds(b.root, b.kinds)
	t := &Tree{Family: Vyatta, Root: b.root, size: b.alloc.made}
	if stubs != nil {
		t.stubs = stubs.list
	}
	if len(session) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("ignored %s (%s): %s",
			plural(len(session), "session command"), strings.Join(cmds, ", "), lineList(session)))
	}
	if len(absent) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("ignored %s of a node or value not present: %s",
			plural(len(absent), "delete"), lineList(absent)))
	}
	return t, nil
}

// delete applies `delete PATH`: the node at PATH and all below it, or,
// when the last word is a value of the leaf before it (quoted, or not a
// child's name), that one value; a leaf left without values goes too.
// found is false when there was nothing to delete.
func (p *vySet) delete(b *vyBuilder, path []vySetWord) (found bool, err error) {
	if len(path) > vyMaxDepth {
		return false, parseErrorf(p.file, path[vyMaxDepth].line, path[vyMaxDepth].col, "path deeper than %d levels", vyMaxDepth)
	}
	parents := make([]*Node, 0, len(path))
	cur := b.root
	last := path[len(path)-1]
	for _, w := range path[:len(path)-1] {
		c, _, _ := b.index.find(cur, p.str(b, w))
		if c == nil {
			return false, nil
		}
		parents = append(parents, cur)
		cur = c
	}
	word := p.str(b, last)
	leaf := false
	if len(path) >= 2 {
		c := schema.Root()
		for _, w := range path[:len(path)-1] {
			c = c.Step(p.str(b, w))
		}
		leaf = b.kinds.at(c).kind == schema.Leaf
	}
	if !leaf && (!last.quoted || len(path) < 2) {
		if c, _, _ := b.index.find(cur, word); c != nil {
			b.removeChild(cur, c)
			p.forgetChain(0)
			return true, nil
		}
	}
	if len(path) < 2 {
		return false, nil
	}
	i := slices.Index(cur.Values, word)
	if i < 0 {
		return false, nil
	}
	cur.Values = slices.Delete(slices.Clip(cur.Values), i, i+1)
	b.forgetValues(cur)
	if len(cur.Values) == 0 && len(cur.Children) == 0 {
		b.removeChild(parents[len(parents)-1], cur)
		p.forgetChain(0)
	}
	return true, nil
}

// apply adds one set line to the tree. By the convention of `show
// configuration commands` a quoted last word is a value of the word before
// it and an unquoted one is a path word; hand-written files break it, so
// values are folded where a node would otherwise hold both values and
// valueless children.
func (p *vySet) apply(b *vyBuilder, path []vySetWord, comment string, names []string) ([]string, error) {
	last := path[len(path)-1]
	if len(path) > vyMaxDepth {
		return names, parseErrorf(p.file, path[vyMaxDepth].line, path[vyMaxDepth].col, "path deeper than %d levels", vyMaxDepth)
	}
	chain := path[:len(path)-1]
	cur, sc, names, err := p.walkChain(b, chain, path[0].line, names)
	if err != nil {
		return names, err
	}
	// A quoted last word is a value, by the convention of `show
	// configuration commands`. An unquoted one (hand-written lines) is a
	// value when the schema says the node before it is a leaf that takes
	// one (`set system host-name r1`), a node when the schema knows the
	// path otherwise, and where it does not, a value only after a leaf
	// that has values or a secret (below).
	in := sc.k
	known := in.kind != schema.Unknown
	valueMode := last.quoted && len(path) >= 2 || in.kind == schema.Leaf && !in.valueless
	if valueMode && in.kind == schema.Leaf && !in.multi && len(cur.Values) > 0 {
		// `set` on a single-valued leaf replaces its value.
		cur.Values = cur.Values[:0]
		b.forgetValues(cur)
	}
	var target *Node
	switch {
	case valueMode:
		target = cur
		if len(cur.Children) > 0 && vyAllBare(cur.Children) {
			for _, c := range cur.Children {
				b.addValue(cur, c.Name)
			}
			b.dropChildren(cur)
			p.forgetChain(len(chain)) // the dropped children may be on it
		}
		b.addValue(cur, p.str(b, last))
		cur.Leaf = true
	case !known && cur != b.root && (len(cur.Values) > 0 || vyIsSecret(cur.Name, names[:len(names)-1])):
		// An unquoted value after a leaf that has values, or after a
		// secret: a value, or a password would show as a node name.
		target = cur
		b.addValue(cur, p.str(b, last))
		cur.Leaf = true
	default:
		if last.end == last.start {
			return names, parseErrorf(p.file, last.line, last.col, "expected a name, found an empty string")
		}
		name := p.str(b, last)
		if vyHasControl(name) {
			return names, parseErrorf(p.file, last.line, last.col, "expected a name without control characters")
		}
		n, created := b.child(cur, name, path[0].line)
		if n.Line < 0 {
			return names, errStubClash // a stub's node (walkChain)
		}
		if created {
			n.Leaf = true
		}
		target = n
	}
	if len(comment) > 0 {
		vyAddComment(target, comment)
	}
	return names, nil
}

// walkChain finds or makes the nodes of chain, path words from the top
// (line is the line that makes any new one), and returns the last with
// the schema's position there; names gets the chain's names.
func (p *vySet) walkChain(b *vyBuilder, chain []vySetWord, line int, names []string) (*Node, *vyPos, []string, error) {
	names = names[:0]
	cur := b.root
	sc := &p.root
	for i, w := range chain {
		if w.end == w.start {
			return cur, sc, names, parseErrorf(p.file, w.line, w.col, "expected a name, found an empty string")
		}
		name := p.str(b, w)
		// Consecutive lines share most of their path: a word naming the
		// previous line's node at this depth, below the same parent, is
		// that node (checked and found then).
		if !p.noReuse && i < len(p.scNodes) && (i < p.same || p.scNodes[i].Name == name) && (i == 0 || p.scNodes[i-1] == cur) {
			cur, sc = p.scNodes[i], &p.scPos[i]
			names = append(names, name)
			continue
		}
		if vyHasControl(name) {
			return cur, sc, names, parseErrorf(p.file, w.line, w.col, "expected a name without control characters")
		}
		cur, _ = b.child(cur, name, line)
		if cur.Line < 0 {
			// A stub of ParsePairFast: this line lies below it, so the
			// stub is not its whole subtree.
			return cur, sc, names, errStubClash
		}
		sc = p.posAt(b, i, cur, sc)
		names = append(names, name)
	}
	return cur, sc, names, nil
}

// vyAllBare reports whether every node is a valueless, childless node:
// unquoted values of a hand-written multi-value leaf.
func vyAllBare(ns []*Node) bool {
	for _, n := range ns {
		if len(n.Values) > 0 || len(n.Children) > 0 {
			return false
		}
	}
	return true
}

// word reads one word. Most words are a bare run without quotes or
// escapes, or one plain single-quoted string: their text is the source's
// (srcOff), not copied into p.buf, and start and end only give its
// length (read it with text). shellWord reads any word the same way,
// byte by byte, into p.buf (FuzzSetWord compares them).
func (p *vySet) word() (vySetWord, error) {
	src := p.src
	j := p.pos
	for j < len(src) && !vySetWordEnds[src[j]] {
		j++
	}
	if j == len(src) || vySetBlank(src[j]) || src[j] == '\n' {
		w := vySetWord{end: j - p.pos, line: p.line, col: p.pos - p.lineStart + 1, srcOff: p.pos}
		p.pos = j
		return w, nil
	}
	if j == p.pos && src[j] == '\'' {
		// 'value', closed before a blank or the line's end, on one line.
		if end := strings.IndexByte(src[j+1:], '\''); end >= 0 {
			body := src[j+1 : j+1+end]
			k := j + 1 + end + 1
			if (k == len(src) || vySetBlank(src[k]) || src[k] == '\n') && strings.IndexByte(body, '\n') < 0 {
				w := vySetWord{end: len(body), quoted: true, line: p.line, col: p.pos - p.lineStart + 1, srcOff: j + 1}
				p.pos = k
				return w, nil
			}
		}
	}
	return p.shellWord()
}

// vySetWordEnds holds the bytes that end a bare run of a word's bytes (see
// vySetWordEnd).
var vySetWordEnds = func() (t [256]bool) {
	for c := range 256 {
		t[c] = vySetWordEnd(byte(c))
	}
	return t
}()

// text is a word's text: the source's where it lies whole there, else
// what shellWord copied into p.buf.
func (p *vySet) text(w vySetWord) string {
	if w.srcOff >= 0 {
		return p.src[w.srcOff : w.srcOff+w.end-w.start]
	}
	return string(p.buf[w.start:w.end])
}

// shellWord reads one word into p.buf by the shell's rules.
func (p *vySet) shellWord() (vySetWord, error) {
	src := p.src
	w := vySetWord{start: len(p.buf), line: p.line, col: p.pos - p.lineStart + 1, srcOff: -1}
	from := p.pos
	for p.pos < len(src) {
		c := src[p.pos]
		if vySetBlank(c) || c == '\n' {
			break
		}
		switch c {
		case '\'', '"':
			if c == '\'' && p.pos == from {
				// VyOS does not escape an apostrophe inside a value:
				// in 'it's a test' the value runs to the line's last
				// quote.
				if end := p.vyosQuote(); end >= 0 {
					p.buf = append(p.buf, src[from+1:end]...)
					p.pos = end + 1
					w.quoted = true
					continue
				}
			}
			ok, err := p.segment(c, len(p.buf) > w.start || p.pos > from)
			if err != nil {
				return w, err
			}
			if ok {
				w.quoted = true
				continue
			}
			if len(p.buf) == w.start {
				return w, parseErrorf(p.file, w.line, w.col, "unterminated string opened at line %d", w.line)
			}
			// Any other quote glued to a word that does not close on its
			// line is kept as a character: real files carry such typos.
			p.buf = append(p.buf, c)
			p.pos++
		case '$':
			if p.pos+1 < len(src) && src[p.pos+1] == '\'' {
				if err := p.ansiC(w); err != nil {
					return w, err
				}
				w.quoted = true
				continue
			}
			p.buf = append(p.buf, c)
			p.pos++
		case '\\':
			if p.pos+1 < len(src) {
				p.newlineAt(p.pos + 1)
				p.buf = append(p.buf, src[p.pos+1])
				p.pos += 2
			} else {
				p.buf = append(p.buf, c)
				p.pos++
			}
		default:
			p.buf = append(p.buf, c)
			p.pos++
		}
	}
	w.end = len(p.buf)
	// Most words are one bare run or one plain quoted string: then the
	// text can be shared with the source instead of copied.
	text, n := p.buf[w.start:w.end], p.pos-from
	switch {
	case n == len(text) && src[from:p.pos] == string(text):
		w.srcOff = from
	case n == len(text)+2 && src[from+1:p.pos-1] == string(text):
		w.srcOff = from + 1
	}
	return w, nil
}

// vyosQuote looks at a word opened by ' at p.pos whose shell reading
// would glue text to the closing quote ('it's a test'): it returns the
// quote that ends the value as VyOS prints it, the first one on the line
// followed only by blanks or a comment, or -1 to read the word by shell
// rules (the older Vyatta escape 'it'\”s, or no such quote).
func (p *vySet) vyosQuote() int {
	src := p.src
	i := p.pos + 1
	end := strings.IndexByte(src[i:], '\'')
	if end < 0 {
		return -1
	}
	end += i
	if end+1 == len(src) || vySetBlank(src[end+1]) || src[end+1] == '\n' {
		return -1 // a plain 'value' (nearly every one)
	}
	eol := strings.IndexByte(src[i:], '\n')
	if eol < 0 {
		eol = len(src)
	} else {
		eol += i
	}
	if end > eol || vySetLineEnds(src[end+1:eol]) {
		return -1
	}
	if next := src[end+1 : eol]; strings.HasPrefix(next, "\\''") || vySetBlank(next[0]) {
		return -1
	}
	for q := end + 1; q < eol; q++ {
		if src[q] == '\'' && vySetLineEnds(src[q+1:eol]) {
			return q
		}
	}
	return -1
}

// vySetLineEnds reports whether rest, the remainder of a line, is blank or
// a comment.
func vySetLineEnds(rest string) bool {
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '#':
			return i > 0
		case !vySetBlank(c):
			return false
		}
	}
	return true
}

// ansiC reads a $'...' word part (bash ANSI-C quoting, which the set
// printer uses for values with control characters): \n \t \r \a \b \e
// \f \v \\ \' \" and \xHH; any other backslash is kept.
func (p *vySet) ansiC(w vySetWord) error {
	src := p.src
	for i := p.pos + 2; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\'':
			p.pos = i + 1
			return nil
		case '\n':
			p.newlineAt(i)
		case '\\':
			if i+1 >= len(src) {
				break
			}
			i++
			switch e := src[i]; e {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			case 'a':
				c = 7
			case 'b':
				c = 8
			case 'e', 'E':
				c = 0x1b
			case 'f':
				c = '\f'
			case 'v':
				c = '\v'
			case '\\', '\'', '"', '?':
				c = e
			case 'x':
				if i+2 < len(src) && isHex(src[i+1]) && isHex(src[i+2]) {
					c = unhex(src[i+1])<<4 | unhex(src[i+2])
					if c == 0 {
						return parseErrorf(p.file, p.line, i-p.lineStart, "expected no NUL character in a $'...' string")
					}
					i += 2
				} else {
					p.buf = append(p.buf, '\\')
					c = e
				}
			default:
				p.buf = append(p.buf, '\\')
				c = e
				p.newlineAt(i)
			}
		}
		p.buf = append(p.buf, c)
	}
	return parseErrorf(p.file, w.line, w.col, "unterminated string opened at line %d", w.line)
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// newlineAt counts a newline at i that is part of a word.
func (p *vySet) newlineAt(i int) {
	if p.src[i] == '\n' {
		p.line++
		p.lineStart = i + 1
	}
}

// segment reads a quoted segment opened by q at p.pos into p.buf; ok is
// false, with nothing consumed, when it is never closed, or, for a segment
// glued to what comes before, not closed on the same line. Double quotes
// follow the shell: a backslash escapes only \ " $ ` and a newline (which
// it removes); any other backslash is literal ("C:\new" is C:\new).
func (p *vySet) segment(q byte, glued bool) (ok bool, err error) {
	src := p.src
	i := p.pos + 1
	if q == '\'' {
		end := strings.IndexByte(src[i:], '\'')
		if end < 0 || glued && strings.IndexByte(src[i:i+end], '\n') >= 0 {
			return false, nil
		}
		p.buf = append(p.buf, src[i:i+end]...)
		for j := i; j < i+end; j++ {
			p.newlineAt(j)
		}
		p.pos = i + end + 1
		return true, nil
	}
	esc := false
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\\':
			esc = true
			j++
		case '\n':
			if glued {
				return false, nil
			}
		case '"':
			body := src[i:j]
			for k := i; k < j; k++ {
				p.newlineAt(k)
			}
			if esc {
				p.buf = vyShellUnescape(p.buf, body)
			} else {
				p.buf = append(p.buf, body...)
			}
			p.pos = j + 1
			return true, nil
		}
	}
	return false, nil
}

// vyShellUnescape appends the body of a double-quoted shell string.
func vyShellUnescape(dst []byte, b string) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			switch n := b[i+1]; n {
			case '\\', '"', '$', '`':
				dst = append(dst, n)
				i++
				continue
			case '\n':
				i++
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// str returns a word as a string, shared with the source where it can be.
func (p *vySet) str(b *vyBuilder, w vySetWord) string {
	if w.srcOff >= 0 {
		return b.sub(w.srcOff, w.end-w.start)
	}
	return string(p.buf[w.start:w.end])
}

// vySetWordEnd reports whether c ends a bare run of a word's bytes: a
// blank, a newline, a quote, '$' or a backslash.
func vySetWordEnd(c byte) bool {
	return vySetBlank(c) || c == '\n' || c == '\'' || c == '"' || c == '$' || c == '\\'
}
