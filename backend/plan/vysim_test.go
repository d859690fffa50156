package plan

import (
	"fmt"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// vySim applies `set` and `delete` commands to a tree the way a Vyatta
// device does (DOMAIN.md): `set` creates the path, replaces the value of a
// single-valued leaf and appends a value to a multi-valued one; `delete P`
// removes P and all below; `delete P 'V'` removes one value, and the leaf
// with it when it was the last. It is the test's own reading of the
// commands: it shares no code with the plan or the lab, so a wrong command
// is caught rather than echoed.
type vySim struct {
	root  *config.Node
	multi func(path []string) bool
}

func newVySim(t *config.Tree, multi func(path []string) bool) *vySim {
	return &vySim{root: t.Root.Clone(), multi: multi}
}

func (s *vySim) tree() *config.Tree { return &config.Tree{Family: config.Vyatta, Root: s.root} }

// vyWords splits a command line shell-style: bare words (a backslash
// escapes the next byte), 'single' quotes (no escapes inside; `'\”` is a
// closed string, an escaped quote and a reopened one) and "double" quotes
// (backslash escapes). It reports whether the last word was quoted, which
// makes it a value.
func vyWords(line string) (words []string, lastQuoted bool, err error) {
	i := 0
	for {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			return words, lastQuoted, nil
		}
		var b strings.Builder
		quoted := false
		for i < len(line) && line[i] != ' ' {
			switch c := line[i]; c {
			case '\'':
				end := strings.IndexByte(line[i+1:], '\'')
				if end < 0 {
					return nil, false, fmt.Errorf("unterminated ' in %q", line)
				}
				b.WriteString(line[i+1 : i+1+end])
				i += end + 2
				quoted = true
			case '"':
				i++
				for i < len(line) && line[i] != '"' {
					if line[i] == '\\' && i+1 < len(line) {
						i++
					}
					b.WriteByte(line[i])
					i++
				}
				if i >= len(line) {
					return nil, false, fmt.Errorf("unterminated \" in %q", line)
				}
				i++
				quoted = true
			case '\\':
				if i+1 < len(line) {
					i++
				}
				b.WriteByte(line[i])
				i++
			default:
				if c < ' ' || c == 0x7f {
					return nil, false, fmt.Errorf("control byte %#x in %q", c, line)
				}
				b.WriteByte(c)
				i++
			}
		}
		words = append(words, b.String())
		lastQuoted = quoted
	}
}

func (s *vySim) apply(cmds []string) error {
	for _, cmd := range cmds {
		if err := s.one(cmd); err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
	}
	return nil
}

func (s *vySim) one(cmd string) error {
	words, quoted, err := vyWords(cmd)
	if err != nil {
		return err
	}
	if len(words) < 2 {
		return fmt.Errorf("incomplete command")
	}
	path := words[1:]
	var value *string
	if quoted {
		value = &path[len(path)-1]
		path = path[:len(path)-1]
		if len(path) == 0 {
			return fmt.Errorf("a value without a path")
		}
	}
	switch words[0] {
	case "set":
		cur := s.root
		for _, w := range path {
			next := cur.Child(w)
			if next == nil {
				next = &config.Node{Name: w}
				cur.Children = append(cur.Children, next)
			}
			cur = next
		}
		if value == nil {
			return nil
		}
		if !s.multi(path) {
			cur.Values = []string{*value}
			return nil
		}
		for _, v := range cur.Values {
			if v == *value {
				return nil // already there: the device says so and changes nothing
			}
		}
		cur.Values = append(cur.Values, *value)
		return nil
	case "delete":
		parent := s.root.Lookup(config.Path(path[:len(path)-1]))
		var n *config.Node
		if parent != nil {
			n = parent.Child(path[len(path)-1])
		}
		if n == nil {
			return fmt.Errorf("Nothing to delete (the specified node does not exist)")
		}
		if value != nil {
			at := -1
			for i, v := range n.Values {
				if v == *value {
					at = i
				}
			}
			if at < 0 {
				return fmt.Errorf("Nothing to delete (the specified value does not exist)")
			}
			n.Values = append(n.Values[:at:at], n.Values[at+1:]...)
			if len(n.Values) > 0 || len(n.Children) > 0 {
				return nil
			}
		}
		kids := parent.Children[:0:0]
		for _, c := range parent.Children {
			if c != n {
				kids = append(kids, c)
			}
		}
		parent.Children = kids
		return nil
	}
	return fmt.Errorf("not a configuration command")
}
