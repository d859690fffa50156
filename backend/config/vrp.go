package config

import (
	"bufio"
	"io"
	"strings"
)

// VRP text, as `display current-configuration` prints it:
//
//	2026-10-14 08:02:51.118          Meta
//	!Software Version V600R007C20    Meta
//	#                                section separator
//	 hrp enable                      a "leading-space global": top level
//	#
//	interface GigabitEthernet1/0/0   header
//	 ip address 10.0.0.1 255.0.0.0   child: one space per level
//	#
//	return                           end of the configuration
//
// A line is a child only of a header line above it with a smaller indent in
// the same `#` section; an indented `#` closes the blocks at its level and
// deeper. A top-level node read from an indented line has Leaf set, so the
// printer puts the leading space back.

// vrpBlockBegin and vrpBlockEnd delimit a multi-line key block whose lines
// are kept verbatim as the values of one node.
const (
	vrpBlockBegin = "public-key-code begin"
	vrpBlockEnd   = "public-key-code end"
)

// vrpMaxStep is the deepest indentation step accepted between a header and
// its children: VRP uses one space, some Comware-derived files two or four.
const vrpMaxStep = 4

// ParseVRP reads Huawei VRP `display current-configuration` text (and the
// VRP-derived Comware text). Errors are *ParseError.
func ParseVRP(file string, src []byte) (*Tree, error) {
	return parseText(file, string(src), Huawei)
}

// parseVRP parses text held in one string: names and values are
// substrings of it.
func parseVRP(file, text string) (*Tree, error) {
	p := &vrpParser{
		file:  file,
		src:   text,
		t:     &Tree{Family: Huawei, Root: &Node{}, Source: file},
		index: newChildIndexes(vrpIndexMin),
	}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.t, nil
}

// vrpFrame is an open line that may still get children.
type vrpFrame struct {
	indent int
	line   int
	text   string
	node   *Node // the node holding the line
	parent *Node
	// value is the index of the line's value in node.Values, or -1 when
	// the whole line is the node's name.
	value  int
	secret bool
	// opened tells whether the line has become a header, whose children
	// are the innermost run of vrpParser.runs.
	opened bool
}

type vrpParser struct {
	file string
	// src is the unread rest of the text, kept as one string so that
	// lines, names and values are substrings of it rather than one
	// allocation each (the tree then keeps the text alive, about the size
	// of the file).
	src   string
	line  int // number of the line last read
	t     *Tree
	stack []vrpFrame
	// index finds a child by name in parents with many children.
	index childIndexes
	// step is the indentation step, set by the first child line.
	step     int
	body     bool     // a configuration line or `#` was read: no more header Meta
	comments []string // `# text` lines waiting for the next node
	returned int      // line of `return`, or 0
	quits    []int    // lines of ignored `quit` commands
	words    []vrpSpan
	alloc    nodeAlloc // nodes, first values and children slices
	// runs holds the children of the open headers, in stack order; the
	// root's children are appended as usual: it never closes.
	runs openRuns
	// cut, for the fast path (fast_vrp.go), names the blocks left
	// unread: each one's header becomes a stub.
	cut *vrCut
}

// next returns the next line with trailing blanks removed, after checking
// it for control characters.
func (p *vrpParser) next() (string, bool, error) {
	if len(p.src) == 0 {
		return "", false, nil
	}
	var raw string
	if i := strings.IndexByte(p.src, '\n'); i >= 0 {
		raw, p.src = p.src[:i], p.src[i+1:]
	} else {
		raw, p.src = p.src, ""
	}
	p.line++
	end := len(raw)
	for end > 0 && (raw[end-1] == ' ' || raw[end-1] == '\t' || raw[end-1] == '\r') {
		end--
	}
	raw = raw[:end]
	if i := vrpControl(raw); i >= 0 {
		return "", false, parseErrorf(p.file, p.line, i+1, "expected printable text, found control character %#02x", raw[i])
	}
	return raw, true, nil
}

// vrpIsControl reports whether c may not appear in VRP text.
func vrpIsControl(c byte) bool { return (c < 0x20 && c != '\t') || c == 0x7f }

// vrpControl returns the index of the first control character in s, or
// -1. It tests eight bytes at once, as the text is nearly all printable
// and a test per byte was a tenth of the parse: a group of eight holding
// a byte below 0x20 (a tab too) or 0x7f is then tested byte by byte.
func vrpControl(s string) int {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		del := x ^ (0x7f * ones)
		// The usual tests for a byte below n and for a zero byte: each
		// is non-zero exactly when the group holds such a byte.
		if (x-0x20*ones)&^x&high == 0 && (del-ones)&^del&high == 0 {
			continue
		}
		for k := i; k < i+8; k++ {
			if vrpIsControl(s[k]) {
				return k
			}
		}
	}
	for ; i < len(s); i++ {
		if vrpIsControl(s[i]) {
			return i
		}
	}
	return -1
}

func (p *vrpParser) parse() error {
	for {
		off := -1
		if p.cut != nil {
			off = len(p.cut.text.src) - len(p.src)
		}
		s, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if s == "" {
			continue
		}
		if p.returned > 0 {
			return parseErrorf(p.file, p.line, 1, "expected nothing after return (line %d), found text", p.returned)
		}
		indent := 0
		for indent < len(s) && s[indent] == ' ' {
			indent++
		}
		if s[indent] == '\t' {
			return parseErrorf(p.file, p.line, indent+1, "expected spaces for indentation, found a tab")
		}
		text := s[indent:]
		switch {
		case indent == 0 && text[0] == '!', !p.body && indent == 0 && vrpIsTimestamp(text), indent <= 1 && vrpIsVersionLine(text):
			p.t.Meta = append(p.t.Meta, s)
		case text[0] == '#':
			p.body = true
			p.pop(indent)
			if c := strings.TrimPrefix(text[1:], " "); c != "" {
				p.comments = append(p.comments, c)
			}
		case indent == 0 && text == "return":
			p.returned = p.line
			p.pop(0)
		case text == "quit":
			// A saved script's way up one view: the indentation already
			// says where the next line belongs.
			p.quits = append(p.quits, p.line)
		case p.cut != nil && p.cut.at(off) && len(p.comments) == 0:
			p.body = true
			if err := p.stubHeader(indent, text); err != nil {
				return err
			}
			if err := p.cut.make(p); err != nil {
				return err
			}
		default:
			p.body = true
			if err := p.command(indent, text); err != nil {
				return err
			}
			if p.cut != nil && p.cut.at(off) {
				if err := p.cut.make(p); err != nil {
					return err
				}
			}
		}
	}
	p.pop(0)
	if len(p.comments) > 0 {
		p.t.Root.Comment = strings.Join(p.comments, "\n")
	}
	if len(p.quits) > 0 {
		p.t.Notes = append(p.t.Notes, "ignored "+plural(len(p.quits), "quit line")+": "+lineList(p.quits))
	}
	return nil
}

// pop closes the open lines at indent or deeper.
func (p *vrpParser) pop(indent int) {
	for len(p.stack) > 0 && p.stack[len(p.stack)-1].indent >= indent {
		if p.stack[len(p.stack)-1].opened {
			p.runs.close(&p.alloc)
		}
		p.stack = p.stack[:len(p.stack)-1]
	}
}

// command places one configuration line in the tree.
func (p *vrpParser) command(indent int, text string) error {
	parent, leaf, err := p.place(indent, text)
	if err != nil {
		return err
	}
	if vrpHasWordPrefix(text, "header") {
		if ok, err := p.banner(parent, indent, text, leaf); ok || err != nil {
			return err
		}
	}
	words, bad := vrpWords(text, p.words[:0])
	p.words = words
	if bad >= 0 {
		return parseErrorf(p.file, p.line, indent+bad+1, "expected a closing \" for the quoted word")
	}
	if text == vrpBlockBegin {
		return p.block(parent, indent, text, leaf)
	}

	k := vrpKeyEnd(parent.Name, text, words)
	s := vrpSecretStart(text, words)
	if s >= 0 && s < k {
		k = max(s, 1)
	}
	f := vrpFrame{indent: indent, line: p.line, text: text, parent: parent, value: -1, secret: s >= 0}
	if k >= len(words) {
		f.node = p.add(parent, text, f.secret, leaf)
	} else {
		f.node = p.add(parent, text[:words[k-1].end], f.secret, leaf)
		p.alloc.addValue(f.node, text[words[k].start:])
		f.value = len(f.node.Values) - 1
	}
	p.note(f.node)
	p.stack = append(p.stack, f)
	return nil
}

// place closes the open lines that a configuration line at indent ends,
// and returns the line's parent (making the line above it a header) and
// whether it is a leaf of the root (a leading-space global).
func (p *vrpParser) place(indent int, text string) (*Node, bool, error) {
	if text != "" && (text[0] == '+' || text[0] == '-') {
		// No VRP command starts so: this is a compare output (NAPALM's
		// `+acl ...`), which names changes, not a configuration.
		return nil, false, parseErrorf(p.file, p.line, indent+1, "expected a configuration line, found %q: a line of a compare output (+/-), not a configuration", text[:1])
	}
	p.pop(indent)
	parent := p.t.Root
	if len(p.stack) == 0 {
		// A leading-space global (` hrp enable`) is indented by one step,
		// which the first header may not have told yet.
		if indent > vrpMaxStep {
			return nil, false, parseErrorf(p.file, p.line, 1, "expected at most %d space(s) of indentation: no header line above in this # section", vrpMaxStep)
		}
	} else {
		top := &p.stack[len(p.stack)-1]
		d := indent - top.indent
		switch {
		case p.step == 0 && d > vrpMaxStep:
			return nil, false, parseErrorf(p.file, p.line, 1, "expected an indentation step of 1 to %d spaces, found %d", vrpMaxStep, d)
		case p.step == 0:
			p.step = d
		case d > p.step:
			return nil, false, parseErrorf(p.file, p.line, 1, "expected at most %d more space(s) of indentation than the header line %d", p.step, top.line)
		}
		parent = p.header(top)
		if !top.opened {
			top.opened = true
			p.runs.open(top.node)
		}
	}
	return parent, parent == p.t.Root && indent > 0, nil
}

// stubHeader places, as command does, a line that heads a block the fast
// path leaves as a stub (vrCut): named as a header at once, by its whole
// line, instead of by its key with a value that header then takes back.
// What that would do to a node read before (a secret mark) it does too;
// where header would rename or merge into a node read before, the block
// is no stub (errStubClash). The caller sees to it that no comment is
// waiting.
func (p *vrpParser) stubHeader(indent int, text string) error {
	parent, leaf, err := p.place(indent, text)
	if err != nil {
		return err
	}
	words, bad := vrpWords(text, p.words[:0])
	p.words = words
	if bad >= 0 || text == vrpBlockBegin || vrpHasWordPrefix(text, "header") {
		return errStubClash // the scan takes no such line
	}
	k := vrpKeyEnd(parent.Name, text, words)
	s := vrpSecretStart(text, words)
	if s >= 0 && s < k {
		k = max(s, 1)
	}
	secret := s >= 0
	if k < len(words) {
		if n, _, _ := p.index.find(parent, text[:words[k-1].end]); n != nil {
			if secret {
				n.Secret = true
			}
			if len(n.Values) == 0 {
				return errStubClash
			}
			leaf = n.Leaf
		}
	}
	n := p.add(parent, text, secret, leaf)
	p.stack = append(p.stack, vrpFrame{indent: indent, line: p.line, text: text, parent: parent, value: -1, secret: secret, node: n})
	return nil
}

// vrpIndexMin is the number of children from which a parent gets an index.
const vrpIndexMin = 16

// add returns the child of parent named name, creating it in source order
// on the line read.
func (p *vrpParser) add(parent *Node, name string, secret, leaf bool) *Node {
	return p.addAt(parent, name, secret, leaf, p.line)
}

// addAt is add for a node of line line.
func (p *vrpParser) addAt(parent *Node, name string, secret, leaf bool, line int) *Node {
	n, x, h := p.index.find(parent, name)
	if n == nil {
		n = p.alloc.node()
		n.Name, n.Line, n.Leaf, n.Ordered = name, int32(line), leaf, vrpOrdered(name)
		p.runs.add(parent, n)
		p.index.added(parent, n, x, h)
	}
	if secret {
		n.Secret = true
	}
	return n
}

// note gives the waiting `# text` lines to n.
func (p *vrpParser) note(n *Node) {
	if len(p.comments) == 0 {
		return
	}
	if n.Comment != "" {
		n.Comment += "\n"
	}
	n.Comment += strings.Join(p.comments, "\n")
	p.comments = p.comments[:0]
}

// header turns an open line into a header, now that it has a child: a
// header is named by its whole line, so a keyed line gives up its value.
func (p *vrpParser) header(f *vrpFrame) *Node {
	if f.value < 0 {
		return f.node
	}
	n := f.node
	// The line's value is the last one: any later line would have closed f.
	n.Values = n.Values[:f.value]
	f.value = -1
	if len(n.Values) > 0 {
		// The header's node is of its own line, not of the child's
		// line being read.
		f.node = p.addAt(f.parent, f.text, f.secret, n.Leaf, f.line)
		return f.node
	}
	// n held only this line: rename it, or merge it into a block of the
	// same name read earlier.
	if x := p.index.of(f.parent); x != nil {
		x.remove(n)
	}
	if old, _, _ := p.index.find(f.parent, f.text); old != nil {
		p.runs.remove(f.parent, n)
		f.node = old
		return old
	}
	n.Name = f.text
	n.Values = nil
	n.Ordered = vrpOrdered(n.Name)
	p.index.renamed(f.parent, n)
	return n
}

// banner reads `header motd %...%`, whose text may span lines up to the
// closing delimiter; the value keeps the text verbatim with its newlines.
// It reports false when the line is not a banner.
func (p *vrpParser) banner(parent *Node, indent int, text string, leaf bool) (bool, error) {
	i := len("header")
	for i < len(text) && text[i] == ' ' {
		i++
	}
	kind := i
	for i < len(text) && text[i] != ' ' {
		i++
	}
	if i == kind {
		return false, nil
	}
	key := text[:i]
	for i < len(text) && text[i] == ' ' {
		i++
	}
	if i == len(text) {
		return false, nil
	}
	val, start := text[i:], p.line
	// Huawei writes `header login information "..."`, Comware `header motd %...%`.
	d := i
	if vrpHasWordPrefix(val, "information") {
		d += len("information")
		for d < len(text) && text[d] == ' ' {
			d++
		}
		if d == len(text) {
			return false, nil
		}
	}
	n := p.add(parent, key, false, leaf)
	p.note(n)
	delim := text[d]
	if strings.IndexByte(text[d+1:], delim) < 0 {
		var b strings.Builder
		b.WriteString(val)
		for {
			s, ok, err := p.next()
			if err != nil {
				return true, err
			}
			if !ok {
				return true, parseErrorf(p.file, start, indent+d+1, "expected a closing %c to end the banner begun here", delim)
			}
			b.WriteByte('\n')
			b.WriteString(s)
			if strings.IndexByte(s, delim) >= 0 {
				break
			}
		}
		val = b.String()
	}
	n.Values = append(n.Values, val)
	return true, nil
}

// block reads the lines of a `public-key-code begin` block verbatim.
func (p *vrpParser) block(parent *Node, indent int, text string, leaf bool) error {
	start := p.line
	n := p.add(parent, text, false, leaf)
	p.note(n)
	for {
		s, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			return parseErrorf(p.file, start, indent+1, "expected %q to close the block begun here", vrpBlockEnd)
		}
		if strings.TrimLeft(s, " ") == vrpBlockEnd {
			return nil
		}
		if s != "" {
			n.Values = append(n.Values, s)
		}
	}
}

// vrpWords splits a command into words. A word starting with `"` runs to
// the next `"` that ends a word, so it may hold spaces; after a free-text
// word (description ...) the rest of the line is one word. It returns the
// offset of an unclosed quote, or -1.
func vrpWords(text string, dst []vrpSpan) ([]vrpSpan, int) {
	i := 0
	for i < len(text) {
		if text[i] == ' ' {
			i++
			continue
		}
		start := i
		if text[i] == '"' {
			i++
			for {
				j := strings.IndexByte(text[i:], '"')
				if j < 0 {
					return dst, start
				}
				i += j + 1
				if i == len(text) || text[i] == ' ' {
					break
				}
			}
		} else {
			for i < len(text) && text[i] != ' ' {
				i++
			}
		}
		dst = append(dst, vrpSpan{start, i})
		if vrpIsOneOf(text[start:i], vrpFreeText) {
			for i < len(text) && text[i] == ' ' {
				i++
			}
			if i < len(text) {
				dst = append(dst, vrpSpan{i, len(text)})
			}
			break
		}
	}
	return dst, -1
}

// vrpIsTimestamp reports whether a line starts with a date, as the first
// line of `display current-configuration` does (2026-10-14 08:02:51.118).
// vrpIsVersionLine tells the software version line Comware-family devices
// print at the top of their configuration (`version 7.1.045, Release
// 2418P06`): it says what runs, and no command sets or undoes it.
func vrpIsVersionLine(s string) bool {
	rest, ok := strings.CutPrefix(s, "version ")
	return ok && rest != "" && isDigit(rest[0]) && strings.Contains(rest, ", Release ")
}

func vrpIsTimestamp(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// WriteVRP prints t as VRP text: the Meta lines, then `#`-separated
// sections, then `return`. Each top-level header gets its own section.
// Single-line commands share a section while they were adjacent in the
// source (Line), or, in a tree built in code, while they are consecutive;
// those read with a leading space (Leaf) print with it.
func WriteVRP(w io.Writer, t *Tree, o PrintOptions) error {
	pr := vrpPrinter{w: bufio.NewWriter(w), mask: o.MaskSecrets}
	for _, m := range t.Meta {
		pr.line(0, m)
	}
	var prev *Node // the previous single-line command of the current section
	for _, n := range t.Root.Children {
		header := len(n.Children) > 0 || n.Name == vrpBlockBegin
		if header || !vrpSameSection(prev, n) {
			pr.line(0, "#")
		}
		prev = n
		if header {
			prev = nil
		}
		indent := 0
		if n.Leaf {
			indent = 1
		}
		pr.node(n, indent)
	}
	pr.line(0, "#")
	pr.comment(0, t.Root.Comment)
	pr.line(0, "return")
	return pr.w.Flush()
}

// vrpSameSection reports whether the single-line command n continues the
// section of prev. Reading the printed text back gives the same answer, so
// printing is a fixed point.
func vrpSameSection(prev, n *Node) bool {
	if prev == nil || prev.Leaf != n.Leaf || n.Comment != "" {
		return false
	}
	if prev.Line == 0 || n.Line == 0 {
		return true
	}
	lines := 0
	for _, v := range prev.Values {
		lines += 1 + strings.Count(v, "\n")
	}
	return int(n.Line) == int(prev.Line)+max(lines, 1)
}

type vrpPrinter struct {
	w    *bufio.Writer
	mask bool
}

func (pr *vrpPrinter) line(indent int, s string) {
	for range indent {
		pr.w.WriteByte(' ')
	}
	pr.w.WriteString(s)
	pr.w.WriteByte('\n')
}

func (pr *vrpPrinter) comment(indent int, c string) {
	if c == "" {
		return
	}
	for _, l := range strings.Split(c, "\n") {
		if l != "" {
			pr.line(indent, "# "+l)
		}
	}
}

func (pr *vrpPrinter) node(n *Node, indent int) {
	pr.comment(indent, n.Comment)
	if n.Name == vrpBlockBegin {
		pr.line(indent, n.Name)
		for _, v := range n.Values {
			pr.line(0, v)
		}
		pr.line(indent, vrpBlockEnd)
		return
	}
	for _, v := range n.Values {
		s := n.Name
		if v != "" {
			s += " " + v
		}
		pr.line(indent, pr.secret(n, s))
	}
	// A header line is its name alone. A node can hold values and children
	// when a bare key line (`description`) heads a block: its value lines
	// go first so the children still follow their header.
	if len(n.Values) == 0 || len(n.Children) > 0 {
		pr.line(indent, pr.secret(n, n.Name))
	}
	for i, c := range n.Children {
		// The device separates sub-blocks with an indented `#`, except
		// policy rules.
		if i > 0 && len(c.Children) > 0 && !vrpIsPlainBlock(n.Name) {
			pr.line(indent+1, "#")
		}
		pr.node(c, indent+1)
	}
}

func (pr *vrpPrinter) secret(n *Node, s string) string {
	if pr.mask && n.Secret {
		return vrpMask(s)
	}
	return s
}
