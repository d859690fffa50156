package config

import (
	"bufio"
	"io"
	"strings"
	"unicode"

	"github.com/hasync/hasync/backend/config/schema"
)

// vyIndent is one level of curly-form indentation (VyOS style).
const vyIndent = "    "

// vyPrinter writes lines through one buffer; bufio keeps the first write
// error, reported by Flush.
type vyPrinter struct {
	w     *bufio.Writer
	buf   []byte
	mask  bool
	kinds *vyKinds // the schema's answers, for the curly form
}

func (p *vyPrinter) indent(depth int) {
	for range depth {
		p.buf = append(p.buf, vyIndent...)
	}
}

func (p *vyPrinter) endLine() {
	p.buf = append(p.buf, '\n')
	if len(p.buf) >= 32<<10 {
		p.flushBuf()
	}
}

func (p *vyPrinter) flushBuf() {
	_, _ = p.w.Write(p.buf) // the error sticks in bufio and comes back from Flush
	p.buf = p.buf[:0]
}

func (p *vyPrinter) finish() error {
	p.flushBuf()
	return p.w.Flush()
}

func (p *vyPrinter) value(n *Node, v string) string {
	if p.mask && n.Secret {
		return Mask
	}
	return v
}

// WriteCurly prints t in the curly-brace form: 4-space indent, tag nodes as
// `ethernet eth0 {`, values quoted only when they must be, comments as
// `/* */` before their node, Meta lines last.
func WriteCurly(w io.Writer, t *Tree, o PrintOptions) error {
	if t == nil || t.Root == nil {
		return errVyNilTree
	}
	p := &vyPrinter{w: bufio.NewWriter(w), mask: o.MaskSecrets, kinds: new(vyKinds)}
	root := schema.Root()
	rh := p.kinds.hash(root)
	for _, c := range t.Root.Children {
		p.curlyNode(t.Root, true, root, rh, c, 0, "")
	}
	for _, m := range t.Meta {
		p.buf = append(p.buf, m...)
		p.endLine()
	}
	return p.finish()
}

// curlyNode prints n, a child of parent (at sc in the schema). pre is the
// tag node's name when n is printed as a tag value (`ethernet eth0 {`).
func (p *vyPrinter) curlyNode(parent *Node, parentTop bool, sc schema.Cursor, sch uint64, n *Node, depth int, pre string) {
	if n.Comment != "" {
		// One comment per line keeps the indent; they join back on reading.
		// A line holding `*/` is written as a `//` comment.
		for _, line := range strings.Split(n.Comment, "\n") {
			p.indent(depth)
			if strings.Contains(line, "*/") {
				p.buf = append(p.buf, "// "...)
				p.buf = append(p.buf, line...)
			} else {
				p.buf = append(p.buf, "/* "...)
				p.buf = append(p.buf, line...)
				p.buf = append(p.buf, " */"...)
			}
			p.endLine()
		}
	}
	// At the top, `set`, `delete` or a session command (`commit`) first
	// on a line would make the text read as set form, and a name like a
	// prompt (`r1@vyos#`, `[edit]`) would be stripped as a capture line.
	nTop := depth == 0 && pre == ""
	head := pre + vyCurlyWord(n.Name, nTop && vyTopNeedsQuote(n.Name))
	// A value that would read back as a bare tag line must be quoted.
	var (
		nc  schema.Cursor // n's position and its hash, for its children
		nch uint64
	)
	if len(n.Children) > 0 {
		nc, _ = p.kinds.step(sc, sch, n.Name)
		nch = p.kinds.hash(nc)
	}
	// A value that would print bare and read back as a bare tag line is
	// quoted (the schema is asked once, for the first such value).
	asked, force := false, false
	for _, v := range n.Values {
		p.indent(depth)
		p.buf = append(p.buf, head...)
		p.buf = append(p.buf, ' ')
		v = p.value(n, v)
		if vyCurlyNeedsQuote(v) {
			p.buf = append(p.buf, vyCurlyWord(v, true)...)
		} else {
			if !asked {
				asked = true
				force = pre == "" && vyBareTagAt(p.kinds, sc, sch, parent, parentTop, n.Name)
			}
			if force {
				p.buf = append(p.buf, vyCurlyWord(v, true)...)
			} else {
				p.buf = append(p.buf, v...)
			}
		}
		p.endLine()
	}
	switch {
	case len(n.Children) > 0 && pre == "" && n.Tag && n.Comment == "" && vyTagPrintable(n):
		// (A commented tag node prints as a block: its comment before
		// `name value {` would read back as the value's.)
		for _, c := range n.Children {
			p.curlyNode(n, nTop, nc, nch, c, depth, head+" ")
		}
	case len(n.Children) > 0:
		p.indent(depth)
		p.buf = append(p.buf, head...)
		p.buf = append(p.buf, " {"...)
		p.endLine()
		for _, c := range n.Children {
			p.curlyNode(n, nTop, nc, nch, c, depth+1, "")
		}
		p.indent(depth)
		p.buf = append(p.buf, '}')
		p.endLine()
	case len(n.Values) > 0:
	case n.Leaf && pre == "":
		p.indent(depth)
		p.buf = append(p.buf, head...)
		p.endLine()
	default:
		// A tag value without braces would read back as a value.
		p.indent(depth)
		p.buf = append(p.buf, head...)
		p.buf = append(p.buf, " {"...)
		p.endLine()
		p.indent(depth)
		p.buf = append(p.buf, '}')
		p.endLine()
	}
}

// vyTopNeedsQuote reports whether a top-level name must be quoted to read
// back as curly text: see curlyNode.
func vyTopNeedsQuote(name string) bool {
	return name == "set" || name == "delete" || vySessionCommand(name) ||
		strings.ContainsAny(name, "@[<") || strings.HasPrefix(name, "HRP_")
}

// vyTagPrintable reports whether n's children can be printed as tag values:
// `name child {` has no room for the child's own values.
func vyTagPrintable(n *Node) bool {
	for _, c := range n.Children {
		if len(c.Values) > 0 {
			return false
		}
	}
	return true
}

// vyCurlyWord returns s as a curly-form word: bare when it reads back the
// same, else quoted. A one-line string without quotes is written as it
// is, backslashes and all, as VyOS does (its reader takes them
// literally). Any other takes backslash escapes, with its newlines written
// as they are, and the quote that is not the first to appear in s: the
// text up to the reader's first closing quote then holds a newline or the
// other quote, so it is never taken as a literal string.
func vyCurlyWord(s string, force bool) string {
	if !force && !vyCurlyNeedsQuote(s) {
		return s
	}
	first := strings.IndexAny(s, "\"'")
	if first < 0 && strings.IndexByte(s, '\n') < 0 {
		return `"` + s + `"`
	}
	q := byte('"')
	if first >= 0 && s[first] == '"' {
		q = '\''
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', q:
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func vyCurlyNeedsQuote(s string) bool {
	// A leading # would read as a comment, and hide the line from form
	// detection.
	if s == "" || s[0] == '#' || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
		return true
	}
	high := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ' || c == 0x7f:
			return true
		case c == '*' || c == '{' || c == '}' || c == ';' || c == '\'' || c == '"' || c == '\\':
			return true
		case c >= 0x80:
			high = true
		}
	}
	return high && vyHasUnicodeSpace(s)
}

// vyHasUnicodeSpace reports whether s holds a Unicode space (a name of
// such spaces only would look empty, and trimming readers lose it).
func vyHasUnicodeSpace(s string) bool {
	for _, r := range s {
		if r >= 0x80 && unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// WriteSet prints t as set commands, one per leaf value, values
// single-quoted like VyOS (an embedded quote closes, escapes and reopens
// the string, as older Vyatta does), valueless leaves and empty nodes as
// the path alone. Meta is not printed: the set form has none.
func WriteSet(w io.Writer, t *Tree, o PrintOptions) error {
	if t == nil || t.Root == nil {
		return errVyNilTree
	}
	p := &vyPrinter{w: bufio.NewWriter(w), mask: o.MaskSecrets}
	prefix := make([]byte, 0, 256)
	prefix = append(prefix, "set"...)
	for _, c := range t.Root.Children {
		prefix = p.setNode(prefix, c, true)
	}
	return p.finish()
}

// setNode prints n below the path prefix and returns prefix unchanged (its
// backing array may have grown). plain tells that n's parent has no values
// and is no secret, so that a line ending with n's name reads back as n.
func (p *vyPrinter) setNode(prefix []byte, n *Node, plain bool) []byte {
	base := len(prefix)
	comment := n.Comment
	if len(n.Values) == 0 && len(n.Children) == 0 {
		p.buf = append(p.buf, prefix...)
		p.buf = append(p.buf, ' ')
		p.buf = vyAppendSetFinal(p.buf, n.Name)
		p.setComment(comment)
		p.endLine()
		return prefix
	}
	prefix = append(prefix, ' ')
	prefix = vyAppendSetWord(prefix, n.Name)
	if comment != "" && len(n.Values) == 0 && plain {
		// A node with children only: its own line carries the comment
		// (the node exists, so the line adds nothing else).
		p.buf = append(p.buf, prefix[:base]...)
		p.buf = append(p.buf, ' ')
		p.buf = vyAppendSetFinal(p.buf, n.Name)
		p.setComment(comment)
		p.endLine()
	}
	for _, v := range n.Values {
		p.buf = append(p.buf, prefix...)
		p.buf = append(p.buf, ' ')
		p.buf = vyAppendSetQuoted(p.buf, p.value(n, v))
		p.setComment(comment)
		comment = ""
		p.endLine()
	}
	for _, c := range n.Children {
		prefix = p.setNode(prefix, c, len(n.Values) == 0 && !n.Secret)
	}
	return prefix[:base]
}

// setComment ends a line with the node's comment, on one line.
func (p *vyPrinter) setComment(c string) {
	if c == "" {
		return
	}
	if c = vySetComment(c); c == "" {
		return
	}
	p.buf = append(p.buf, " # "...)
	p.buf = append(p.buf, c...)
}

// vySetComment is a comment as the set form prints it: one line, its
// words joined by single spaces, control characters taken as blanks.
func vySetComment(c string) string {
	if vyHasControl(c) {
		c = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, c)
	}
	return strings.Join(strings.Fields(c), " ")
}

// vyAppendSetQuoted appends s single-quoted; an embedded quote closes the
// string, is escaped and reopens it, shell style. A value with a control
// character (a newline, a tab) is written in bash's $'...' quoting
// instead, so that a command is always one line of printable text.
func vyAppendSetQuoted(b []byte, s string) []byte {
	if vyHasControl(s) {
		const hex = "0123456789abcdef"
		b = append(b, "$'"...)
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '\n':
				b = append(b, `\n`...)
			case '\t':
				b = append(b, `\t`...)
			case '\r':
				b = append(b, `\r`...)
			case '\\', '\'':
				b = append(b, '\\', c)
			default:
				if c < ' ' || c == 0x7f {
					b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
					continue
				}
				b = append(b, c)
			}
		}
		return append(b, '\'')
	}
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b = append(b, `'\''`...)
			continue
		}
		b = append(b, s[i])
	}
	return append(b, '\'')
}

// vyAppendSetWord appends a path word that has more words after it:
// quoted when it holds blanks, quotes or backslashes.
func vyAppendSetWord(b []byte, s string) []byte {
	if !vySetNeedsQuote(s) {
		return append(b, s...)
	}
	return vyAppendSetQuoted(b, s)
}

// vyAppendSetFinal appends the last word of a valueless path. Quoting it
// would make it a value, so special bytes are escaped with a backslash.
func vyAppendSetFinal(b []byte, s string) []byte {
	if !vySetNeedsQuote(s) {
		return append(b, s...)
	}
	if s == "" {
		return append(b, "''"...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if vySetSpecial(c) || i == 0 && c == '#' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return b
}

func vySetNeedsQuote(s string) bool {
	if s == "" || s[0] == '#' {
		return true
	}
	high := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; vySetSpecial(c) {
			return true
		} else if c >= 0x80 {
			high = true
		}
	}
	return high && vyHasUnicodeSpace(s)
}

func vySetSpecial(c byte) bool {
	return c < ' ' || c == ' ' || c == '\'' || c == '"' || c == '\\' || c == '$' || c == 0x7f
}
