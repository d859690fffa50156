package config

import (
	"fmt"
	"strings"
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

func (p *vySet) errAt(line, col int, format string, args ...any) *ParseError {
	return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func vySetBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// vyParseSet parses the set form.
func vyParseSet(file string, src string) (*Tree, error) {
	p := &vySet{file: file, src: src, line: 1}
	b := newVyBuilder(src)
	var (
		words []vySetWord
		names []string
	)
	for p.pos < len(src) {
		var comment string
		words = words[:0]
		p.buf = p.buf[:0]
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
		if p.pos < len(src) { // at the newline
			p.pos++
			p.line++
			p.lineStart = p.pos
		}
		if len(words) == 0 {
			continue
		}
		if w := words[0]; w.quoted || string(p.buf[w.start:w.end]) != "set" {
			return nil, p.errAt(w.line, w.col, "expected 'set'")
		}
		if len(words) == 1 {
			w := words[0]
			return nil, p.errAt(w.line, w.col, "expected a path after 'set'")
		}
		var err error
		if names, err = p.apply(b, words[1:], comment, names); err != nil {
			return nil, err
		}
	}
	vyFinish(b.root, true)
	return &Tree{Family: Vyatta, Root: b.root}, nil
}

// apply adds one set line to the tree. By the convention of `show
// configuration commands` a quoted last word is a value of the word before
// it and an unquoted one is a path word; hand-written files break it, so
// values are folded where a node would otherwise hold both values and
// valueless children.
func (p *vySet) apply(b *vyBuilder, path []vySetWord, comment string, names []string) ([]string, error) {
	last := path[len(path)-1]
	if len(path) > vyMaxDepth {
		return names, p.errAt(path[vyMaxDepth].line, path[vyMaxDepth].col, "path deeper than %d levels", vyMaxDepth)
	}
	valueMode := last.quoted && len(path) >= 2
	chain := path[:len(path)-1]
	names = names[:0]
	cur := b.root
	for _, w := range chain {
		if w.end == w.start {
			return names, p.errAt(w.line, w.col, "expected a name, found an empty string")
		}
		name := p.str(b, w)
		cur, _ = b.child(cur, name, path[0].line)
		names = append(names, name)
	}
	text := p.buf[last.start:last.end]
	var target *Node
	switch {
	case valueMode:
		target = cur
		if len(cur.Children) > 0 && vyAllBare(cur.Children) {
			for _, c := range cur.Children {
				b.alloc.addValue(cur, c.Name)
			}
			b.dropChildren(cur)
		}
		b.alloc.addValue(cur, p.str(b, last))
		cur.Leaf = true
	case cur != b.root && (len(cur.Values) > 0 || vyIsSecret(cur.Name, names[:len(names)-1])):
		// An unquoted value after a leaf that has values, or after a
		// secret: a value, or a password would show as a node name.
		target = cur
		b.alloc.addValue(cur, p.str(b, last))
		cur.Leaf = true
	default:
		if len(text) == 0 {
			return names, p.errAt(last.line, last.col, "expected a name, found an empty string")
		}
		n, created := b.child(cur, p.str(b, last), path[0].line)
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

// word reads one word into p.buf.
func (p *vySet) word() (vySetWord, error) {
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
			ok, err := p.segment(c, len(p.buf) > w.start || p.pos > from)
			if err != nil {
				return w, err
			}
			if ok {
				w.quoted = true
				continue
			}
			if len(p.buf) == w.start {
				return w, p.errAt(w.line, w.col, "unterminated string opened at line %d", w.line)
			}
			// VyOS does not escape an apostrophe inside a value: in
			// 'it's' the last quote closes the value, taken as written.
			if c == '\'' && src[from] == '\'' && (p.pos+1 == len(src) || vySetBlank(src[p.pos+1]) || src[p.pos+1] == '\n') {
				p.buf = append(p.buf[:w.start], src[from+1:p.pos]...)
				p.pos++
				continue
			}
			// Any other quote glued to a word that does not close on its
			// line is kept as a character: real files carry such typos.
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

// newlineAt counts a newline at i that is part of a word.
func (p *vySet) newlineAt(i int) {
	if p.src[i] == '\n' {
		p.line++
		p.lineStart = i + 1
	}
}

// segment reads a quoted segment opened by q at p.pos into p.buf; ok is
// false, with nothing consumed, when it is never closed, or, for a segment
// glued to what comes before, not closed on the same line.
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
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\\':
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
			if strings.IndexByte(body, '\\') >= 0 {
				body = vyUnescape(body)
			}
			p.buf = append(p.buf, body...)
			p.pos = j + 1
			return true, nil
		}
	}
	return false, nil
}

// str returns a word as a string, shared with the source where it can be.
func (p *vySet) str(b *vyBuilder, w vySetWord) string {
	if w.srcOff >= 0 {
		return b.sub(w.srcOff, w.end-w.start)
	}
	return string(p.buf[w.start:w.end])
}
