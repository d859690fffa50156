package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config/schema"
)

type vyTokKind uint8

const (
	vyTokEOF vyTokKind = iota
	vyTokWord
	vyTokLBrace
	vyTokRBrace
	vyTokSemi
	vyTokNewline
	vyTokComment
)

// vyTok is one curly-form token. b is the word (unescaped) or the comment
// text without delimiters; raw is the comment as written, for Meta. Both
// are substrings of the source unless a word had to be unescaped.
type vyTok struct {
	kind      vyTokKind
	line, col int
	b         string
	raw       string
	quoted    bool
}

// vyCurly is the curly-form lexer and parser state.
type vyCurly struct {
	file      string
	src       string
	pos       int
	line      int
	lineStart int
	// uniq tells that no name repeats among the statements of the
	// innermost open block but as a run of lines (the fast path's scan
	// proved it: fcKidsOK), so that a child is the last one or new.
	uniq bool
	// opened tells that a block was opened (or the parse began inside
	// one): a text without any is no configuration (vyNoBlock).
	opened bool
	// first is the first statement of the top level, named by vyNoBlock.
	first vyTok
}

// child is b.child for the innermost open block's statements.
func (p *vyCurly) child(b *vyBuilder, parent *Node, name string, line int) (*Node, bool) {
	if !p.uniq {
		return b.child(parent, name, line)
	}
	if k := len(parent.Children); k > 0 && parent.Children[k-1].Name == name {
		return parent.Children[k-1], false
	}
	c := b.alloc.node()
	c.Name, c.Line = name, int32(line)
	b.runs.add(parent, c)
	return c, true
}

// next reads the next token into t (filled in place: it is read once per
// word, and returning it by value costs more than lexing it). Whitespace
// other than newline is skipped; the parser decides whether a newline
// matters.
func (p *vyCurly) next(t *vyTok) error {
	src := p.src
	// The position is kept in a local while skipping: the indentation
	// is most of the bytes of a curly file.
	pos := p.pos
	for pos < len(src) {
		c := src[pos]
		if c != ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f' {
			break
		}
		pos++
	}
	p.pos = pos
	*t = vyTok{line: p.line, col: p.pos - p.lineStart + 1}
	if p.pos >= len(src) {
		return nil
	}
	start := p.pos
	switch c := src[start]; c {
	case '\n':
		p.pos++
		p.line++
		p.lineStart = p.pos
		t.kind = vyTokNewline
	case '{':
		p.pos++
		t.kind = vyTokLBrace
	case '}':
		p.pos++
		t.kind = vyTokRBrace
	case ';':
		p.pos++
		t.kind = vyTokSemi
	case '"', '\'':
		b, err := p.quoted(c, *t)
		if err != nil {
			return err
		}
		if p.pos < len(src) && !vyCurlyStop(src[p.pos]) {
			// Text glued to the closing quote: VyOS does not escape an
			// apostrophe ('it's a test' runs to the quote that ends a
			// word), anything else is refused rather than split.
			end := -1
			if c == '\'' {
				end = p.vyosQuote(start)
			}
			if end < 0 {
				r, _ := utf8.DecodeRuneInString(src[p.pos:])
				return parseErrorf(p.file, p.line, p.pos-p.lineStart+1, "expected a blank, ';', '{' or '}' after the closing quote, found %s", vyQuoteRune(r))
			}
			b = src[start+1 : end]
			p.pos = end + 1
		}
		t.kind, t.b, t.quoted = vyTokWord, b, true
	case '#':
		if trimBlanks(src[p.lineStart:start]) != "" {
			p.bare(t, start)
			return nil
		}
		// A `#` line is a comment (of a capture or a hand-edited file).
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		p.pos = end
		t.kind = vyTokComment
		t.b = strings.TrimSpace(src[start+1 : end])
		// Kept as Meta at the end of the text, it is written as a `//`
		// comment: a text of `#` lines alone would read as set form.
		t.raw = strings.TrimRight("// "+t.b, " ")
	default:
		if c == '/' && start+1 < len(src) && (src[start+1] == '*' || src[start+1] == '/') {
			return p.comment(t)
		}
		p.bare(t, start)
	}
	return nil
}

// bare reads a bare word starting at start.
func (p *vyCurly) bare(t *vyTok, start int) {
	src := p.src
	i := start
	for i < len(src) && !vyCurlyStop(src[i]) {
		i++
	}
	p.pos = i
	t.kind, t.b = vyTokWord, src[start:i]
}

// vyQuoteRune shows a rune in an error message.
func vyQuoteRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return fmt.Sprintf("%U", r)
	}
	return "'" + string(r) + "'"
}

// vyosQuote returns, for a string opened by ' at open whose first closing
// quote has text glued to it, the first later quote on the same line that
// ends a word (is followed by a blank, ';', '{', '}' or the line's end),
// or -1.
func (p *vyCurly) vyosQuote(open int) int {
	src := p.src
	eol := strings.IndexByte(src[open:], '\n')
	if eol < 0 {
		eol = len(src)
	} else {
		eol += open
	}
	for q := p.pos; q < eol; q++ {
		if src[q] == '\'' && (q+1 == len(src) || vyCurlyStop(src[q+1])) {
			return q
		}
	}
	return -1
}

// vyCurlyStop reports whether c ends a bare word.
func vyCurlyStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\v', '\f', '\n', '{', '}', ';':
		return true
	}
	return false
}

// quoted reads a string opened by q at t; it may span lines. The body is
// a substring of the source unless it holds escapes. As VyOS's loader
// does (DOMAIN.md), the backslashes of a one-line string that holds no
// inner quote are literal ("C:\new" is C:\new); other strings take the
// escapes \\ \" \' \n \t \r.
func (p *vyCurly) quoted(q byte, t vyTok) (string, error) {
	src := p.src
	i := p.pos + 1
	if k := strings.IndexByte(src[i:], q); k >= 0 {
		body := src[i : i+k]
		if strings.IndexByte(body, '\n') < 0 {
			after := i + k + 1
			if strings.IndexByte(body, '\\') < 0 ||
				!strings.ContainsAny(body, "'\"") && (after == len(src) || vyCurlyStop(src[after])) {
				p.pos = after
				return body, nil
			}
		}
	}
	esc := false
	for {
		if i >= len(src) {
			return "", parseErrorf(p.file, t.line, t.col, "unterminated string opened at line %d", t.line)
		}
		c := src[i]
		if c == q {
			break
		}
		switch c {
		case '\\':
			esc = true
			if i+1 < len(src) && src[i+1] == '\n' {
				p.line++
				p.lineStart = i + 2
			}
			i += 2
			continue
		case '\n':
			p.line++
			p.lineStart = i + 1
		}
		i++
	}
	body := src[p.pos+1 : i]
	p.pos = i + 1
	if !esc {
		return body, nil
	}
	return vyUnescape(body), nil
}

// vyUnescape resolves \\ \" \' \n \t; any other backslash is kept as
// written, so that odd text survives a round trip.
func vyUnescape(b string) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		switch n := b[i+1]; n {
		case '\\', '"', '\'':
			out = append(out, n)
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		default:
			out = append(out, c, n)
		}
		i++
	}
	return string(out)
}

// comment reads a `/* */` or `//` comment starting at p.pos.
func (p *vyCurly) comment(t *vyTok) error {
	src := p.src
	start := p.pos
	t.kind = vyTokComment
	if src[start+1] == '/' {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		t.raw = strings.TrimRight(src[start:end], " \t\r")
		t.b = strings.TrimSpace(src[start+2 : end])
		p.pos = end
		return nil
	}
	end := strings.Index(src[start+2:], "*/")
	if end < 0 {
		return parseErrorf(p.file, t.line, t.col, "unterminated comment opened at line %d", t.line)
	}
	end += start + 2
	body := src[start+2 : end]
	if n := strings.Count(body, "\n"); n > 0 {
		p.line += n
		p.lineStart = start + 2 + strings.LastIndexByte(body, '\n') + 1
	}
	p.pos = end + 2
	t.raw = src[start:p.pos]
	t.b = vyCommentText(body)
	return nil
}

// vyCommentText trims each line of a comment and drops blank ones: the
// printer writes one `/* */` per line, so that is what reads back.
func vyCommentText(body string) string {
	body = strings.TrimSpace(body)
	if strings.IndexByte(body, '\n') < 0 {
		return body
	}
	var b strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
		}
	}
	return b.String()
}

// vyFrame is an open block: the node it fills and what opened it.
type vyFrame struct {
	node *Node
	top  bool          // node is a top-level node
	sc   schema.Cursor // the schema's position at node
	sch  uint64        // its hash, for vyKinds.step
	// name and tag are the words that opened the block, for the error
	// of an unclosed block; they are joined only then.
	name, tag string
	line      int
	uniq      bool // see vyCurly.uniq
}

// opener is the text that opened the block: `name` or `name tag`.
func (f vyFrame) opener() string {
	if f.tag == "" {
		return f.name
	}
	return f.name + " " + f.tag
}

// vyParseCurly parses the curly-brace form.
func vyParseCurly(file string, src string) (*Tree, error) {
	return vyParseCurlyCut(file, src, vyCurlyOpts{})
}

// vyCurlyOpts are the fast path's (fast_curly.go) ways into the curly
// parser.
type vyCurlyOpts struct {
	// shared, when set, is a tree's schema cache and node chunks, shared
	// by the parses of its stubs.
	shared *vyShared
	// cut names the blocks left unread: each one's node becomes a stub.
	cut *fcCut
	// within are the opening words of the blocks the text is inside
	// (a stub's ancestors), outermost first: the parse starts with them
	// open, and the text ends with them still open.
	within [][]string
}

// vyParseCurlyCut is vyParseCurly with the fast path's options.
func vyParseCurlyCut(file string, src string, o vyCurlyOpts) (*Tree, error) {
	p := &vyCurly{file: file, src: src, line: 1}
	var b *vyBuilder
	if sh := o.shared; sh != nil {
		b = newVyBuilderKinds(src, sh.kinds)
		b.alloc = sh.alloc
		defer func() { sh.alloc = b.alloc }()
	} else {
		b = newVyBuilder(src)
	}
	cut := o.cut
	t := &Tree{Family: Vyatta, Root: b.root}
	var (
		words   []vyTok
		pending []vyTok
		stack   []vyFrame
		tok     vyTok
	)
	cur, top, sc := b.root, false, schema.Root()
	rootHash := b.kinds.hash(sc)
	sch := rootHash
	for _, ws := range o.within {
		toks := make([]vyTok, len(ws))
		for i, w := range ws {
			toks[i] = vyTok{kind: vyTokWord, b: w}
		}
		fr, err := p.open(b, cur, sc, sch, toks, vyTok{})
		if err != nil {
			return nil, err
		}
		stack = append(stack, fr)
		b.runs.open(fr.node)
		cur, top, sc, sch = fr.node, fr.top, fr.sc, fr.sch
	}
	base := len(o.within)
	p.opened = base > 0
	p.uniq = cut != nil && cut.text.topOK
	for {
		if err := p.next(&tok); err != nil {
			return nil, err
		}
		switch tok.kind {
		case vyTokWord:
			words = append(words, tok)
		case vyTokNewline, vyTokSemi:
			if len(words) > 0 {
				if err := p.leaf(b, cur, top, sc, sch, words, pending, stack); err != nil {
					return nil, err
				}
				words, pending = words[:0], pending[:0]
			}
		case vyTokComment:
			if vyIsMeta(tok.b) {
				t.Meta = append(t.Meta, tok.raw)
			} else {
				pending = append(pending, tok)
			}
		case vyTokLBrace:
			fr, err := p.open(b, cur, sc, sch, words, tok)
			if err != nil {
				return nil, err
			}
			p.opened = true
			if len(stack) >= vyMaxDepth {
				return nil, parseErrorf(p.file, tok.line, tok.col, "nesting deeper than %d levels", vyMaxDepth)
			}
			vyAttach(fr.node, pending)
			words, pending = words[:0], pending[:0]
			if cut != nil {
				stub, err := cut.block(p, t, &fr)
				if err != nil {
					return nil, err
				}
				if stub {
					continue
				}
			}
			stack = append(stack, fr)
			b.runs.open(fr.node)
			cur, top, sc, sch = fr.node, fr.top, fr.sc, fr.sch
			p.uniq = fr.uniq
		case vyTokRBrace:
			if len(words) > 0 {
				if err := p.leaf(b, cur, top, sc, sch, words, pending, stack); err != nil {
					return nil, err
				}
				words = words[:0]
			}
			if len(stack) == base {
				return nil, parseErrorf(p.file, tok.line, tok.col, "unexpected '}'")
			}
			// A comment just before `}` goes to the block's last child, or
			// to the block itself when it is empty.
			if len(pending) > 0 {
				n := cur
				if k := len(cur.Children); k > 0 {
					n = cur.Children[k-1]
				}
				vyAttach(n, pending)
				pending = pending[:0]
			}
			stack = stack[:len(stack)-1]
			b.runs.close(&b.alloc)
			cur, top, sc, sch = b.root, false, schema.Root(), rootHash
			p.uniq = cut != nil && cut.text.topOK
			if len(stack) > 0 {
				fr := &stack[len(stack)-1]
				cur, top, sc, sch = fr.node, fr.top, fr.sc, fr.sch
				p.uniq = fr.uniq
			}
		case vyTokEOF:
			if len(words) > 0 {
				if err := p.leaf(b, cur, top, sc, sch, words, pending, stack); err != nil {
					return nil, err
				}
				pending = pending[:0]
			}
			if len(stack) > base {
				fr := stack[len(stack)-1]
				return nil, parseErrorf(p.file, tok.line, tok.col, "expected '}' to close '%s' opened at line %d", fr.opener(), fr.line)
			}
			if !p.opened && len(b.root.Children) > 0 {
				return nil, p.noBlock()
			}
			for range base {
				b.runs.close(&b.alloc)
			}
			for _, c := range pending {
				t.Meta = append(t.Meta, c.raw)
			}
			if cut != nil && cut.next < len(cut.spans) {
				return nil, errStubClash // a stub's block was not where the scan saw it
			}
			vyFinish(b.root, false)
			return t, nil
		}
	}
}

// open handles `name {` and `name tag {`.
func (p *vyCurly) open(b *vyBuilder, cur *Node, sc schema.Cursor, sch uint64, words []vyTok, brace vyTok) (vyFrame, error) {
	switch {
	case len(words) == 0:
		return vyFrame{}, parseErrorf(p.file, brace.line, brace.col, "unexpected '{'")
	case len(words) > 2:
		return vyFrame{}, parseErrorf(p.file, words[2].line, words[2].col, "expected '{' after '%s %s'", words[0].b, words[1].b)
	}
	for _, w := range words {
		if err := p.checkName(w); err != nil {
			return vyFrame{}, err
		}
	}
	w0 := words[0]
	n, _ := p.child(b, cur, w0.b, w0.line)
	fr := vyFrame{node: n, top: cur == b.root, name: w0.b, line: w0.line}
	var k vyKind
	fr.sc, k = b.kinds.step(sc, sch, w0.b)
	fr.sch = b.kinds.hash(fr.sc)
	vyLayout(n, k, true)
	if len(words) == 2 {
		n.Tag = true
		w1 := words[1]
		fr.node, _ = p.child(b, n, w1.b, w1.line)
		fr.top = false
		fr.tag = w1.b
		fr.sc, _ = b.kinds.step(fr.sc, fr.sch, w1.b)
		fr.sch = b.kinds.hash(fr.sc)
		fr.node.Leaf = false
	}
	return fr, nil
}

// leaf handles a statement without braces: `name`, `name value`, the 5600
// bare tag line `loopback lo`, and the odd `name two words` (one value,
// see multiWord). stack is the open blocks, for the leaf's path.
func (p *vyCurly) leaf(b *vyBuilder, cur *Node, top bool, sc schema.Cursor, sch uint64, words, pending []vyTok, stack []vyFrame) error {
	w0 := words[0]
	if err := p.checkName(w0); err != nil {
		return err
	}
	if cur == b.root && p.first.kind == vyTokEOF {
		p.first = w0
	}
	name := w0.b
	_, k := b.kinds.step(sc, sch, name)
	n, created := p.child(b, cur, name, w0.line)
	switch {
	case len(words) == 1:
		if created {
			n.Leaf = true
		}
		vyLayout(n, k, true)
	case len(words) == 2 && !words[1].quoted && vyBareTagKind(k, cur, top, name):
		if err := p.checkName(words[1]); err != nil {
			return err
		}
		n.Tag = true
		n, _ = b.child(n, words[1].b, words[1].line)
	default:
		n.Leaf = true
		if len(words) == 2 {
			b.addValue(n, words[1].b)
		} else {
			parts := make([]string, 0, len(words)-1)
			for _, w := range words[1:] {
				parts = append(parts, w.b)
			}
			v := strings.Join(parts, " ")
			if err := p.multiWord(k, stack, words, v); err != nil {
				return err
			}
			b.addValue(n, v)
		}
	}
	vyAttach(n, pending)
	return nil
}

// multiWord decides on a leaf line with more than one word after its
// name (`description test string`), whose value v is those words joined.
// Every printer quotes a value with spaces (DOMAIN.md) and VyOS's loader
// refuses such a line, so it is a typo (`address 192.0.2.1/24 oops`) or
// not configuration at all (prose) and is refused, naming the first
// extra word. Hand-written files in the wild (VyOS's own Ansible test
// fixtures) leave a free-text value unquoted, so a leaf the schema knows
// whose constraints accept v (a description) is read as that one value.
func (p *vyCurly) multiWord(k vyKind, stack []vyFrame, words []vyTok, v string) error {
	if k.kind == schema.Leaf && !k.valueless {
		path := make([]string, 0, 2*len(stack)+1)
		for _, fr := range stack {
			path = append(path, fr.name)
			if fr.tag != "" {
				path = append(path, fr.tag)
			}
		}
		if schema.Validate(append(path, words[0].b), v) == nil {
			return nil
		}
	}
	if len(stack) == 0 && !p.opened {
		return p.noBlock()
	}
	w := words[2]
	return parseErrorf(p.file, w.line, w.col, "expected one value after '%s', found %d words (%s): a value with spaces must be quoted",
		words[0].b, len(words)-1, vyShowValue(v))
}

// vyShowValue quotes a value for an error message, cut to 60 runes.
func vyShowValue(v string) string {
	if r := []rune(v); len(r) > 60 {
		v = string(r[:59]) + "…"
	}
	return fmt.Sprintf("%q", v)
}

// noBlock is the error for a text whose top level holds only leaf lines:
// every Vyatta configuration is blocks (`interfaces {`) or set commands,
// and no top-level node is a leaf, so such a text (a README, a note) is
// not configuration, and reading it as one would plan to delete
// everything the other side has.
func (p *vyCurly) noBlock() error {
	w := p.first
	line := p.lineText(w)
	hint := ""
	if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-") {
		hint = " (a line of a compare output?)"
	}
	return parseErrorf(p.file, w.line, w.col, "expected a configuration (blocks such as 'interfaces {', or 'set' lines), found %s%s, and %s",
		vyShowValue(line), hint, vyNoBlockMsg)
}

// vyNoBlockMsg ends the error of vyCurly.noBlock.
const vyNoBlockMsg = "no block: not configuration text"

// lineText returns the text of the line of w from w on, blanks trimmed.
func (p *vyCurly) lineText(w vyTok) string {
	start := 0
	for l := 1; l < w.line; l++ {
		i := strings.IndexByte(p.src[start:], '\n')
		if i < 0 {
			return w.b
		}
		start += i + 1
	}
	line := p.src[start:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if w.col-1 <= len(line) {
		line = line[w.col-1:]
	}
	return trimBlanks(line)
}

// checkName refuses a word that cannot be a node's name.
func (p *vyCurly) checkName(w vyTok) error {
	switch {
	case len(w.b) == 0:
		return parseErrorf(p.file, w.line, w.col, "expected a name, found an empty string")
	case vyHasControl(w.b):
		return parseErrorf(p.file, w.line, w.col, "expected a name without control characters")
	}
	return nil
}

// vyAttach gives the comments read before a statement to its node.
func vyAttach(n *Node, comments []vyTok) {
	for _, c := range comments {
		vyAddComment(n, c.b)
	}
}
