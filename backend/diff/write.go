package diff

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// ErrWidth is returned by WriteSide for a width too small for two columns.
var ErrWidth = errors.New("diff: side-by-side width too small")

// sideGutter is " M S ": a space, the change marker, the scope mark, a
// space.
const sideGutter = 4

// MinSideWidth is the narrowest side-by-side view: each column holds 8
// runes, enough to tell lines apart.
const MinSideWidth = sideGutter + 2*8

// WriteSide writes rows as two columns in width columns in all, like
// `diff -y`: the left text, a gutter with a change marker (' ' same, '|'
// changed, '<' removed, '>' added, '~' moved) and a scope mark ('*' in
// scope, '-' excluded, '!' protected, ' ' outside), then the right text.
// Text longer than its column is cut with '…' (widths count runes).
// Trailing spaces are trimmed.
func WriteSide(w io.Writer, rows []Row, width int) error {
	if width < MinSideWidth {
		return fmt.Errorf("%w: %d < %d", ErrWidth, width, MinSideWidth)
	}
	col := (width - sideGutter) / 2
	bw := bufio.NewWriter(w)
	var line []byte
	for i := range rows {
		r := &rows[i]
		line = appendCell(line[:0], r.Left, col, true)
		line = append(line, ' ', marker(r), scopeMark(r.Scope), ' ')
		line = appendCell(line, r.Right, col, false)
		for len(line) > 0 && line[len(line)-1] == ' ' {
			line = line[:len(line)-1]
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendCell appends s cut to col runes, padded to col when pad is set.
func appendCell(dst []byte, s string, col int, pad bool) []byte {
	n := utf8.RuneCountInString(s)
	if n > col {
		k := 0
		for i := range s {
			if k == col-1 {
				s = s[:i]
				break
			}
			k++
		}
		dst = append(dst, s...)
		return append(dst, "…"...)
	}
	dst = append(dst, s...)
	if pad {
		// Padding is most of the bytes written: append it in runs.
		for n < col {
			k := min(col-n, len(blanks))
			dst = append(dst, blanks[:k]...)
			n += k
		}
	}
	return dst
}

// blanks is a run of spaces for padding.
const blanks = "                                                                "

func marker(r *Row) byte {
	if r.Folded > 0 {
		return ' '
	}
	switch r.Kind {
	case Changed:
		return '|'
	case Removed:
		return '<'
	case Added:
		return '>'
	case Moved:
		return '~'
	}
	return ' '
}

func scopeMark(s syncmap.Scope) byte {
	switch s {
	case syncmap.InScope:
		return '*'
	case syncmap.Excluded:
		return '-'
	case syncmap.Protected:
		return '!'
	}
	return ' '
}

// WriteUnified writes changes in a path-aware unified form: for each
// change a "@@ path @@" header, then "-" lines for the left and "+" lines
// for the right (the whole subtree of a one-sided node, the node's own
// lines for a changed one), or for a move "~ line from N to M". a and b
// are the trees the changes came from: they give the family and tell a
// Vyatta tag value from a plain node.
func WriteUnified(w io.Writer, a, b *config.Tree, changes []Change, o Options) error {
	u := unified{fam: family(a, b), mask: o.MaskSecrets}
	bw := bufio.NewWriter(w)
	for i := range changes {
		c := &changes[i]
		u.b.Reset()
		fmt.Fprintf(&u.b, "@@ %s @@\n", c.Path)
		switch c.Kind {
		case Removed:
			u.subtree('-', tagOf(u.fam, a, c.Path), c.Left, 0)
		case Added:
			u.subtree('+', tagOf(u.fam, b, c.Path), c.Right, 0)
		case Changed:
			u.own('-', tagOf(u.fam, a, c.Path), c.Left)
			u.own('+', tagOf(u.fam, b, c.Path), c.Right)
		case Moved:
			u.b.WriteString("~")
			writeLine(&u.b, u.fam, tagOf(u.fam, b, c.Path), c.Right, firstValue(c.Right, 0), u.mask)
			fmt.Fprintf(&u.b, " from %d to %d\n", c.From, c.To)
		}
		if _, err := bw.WriteString(u.b.String()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type unified struct {
	fam  config.Family
	mask bool
	b    strings.Builder
}

// own writes the lines of n itself.
func (u *unified) own(sign byte, tag string, n *config.Node) {
	if n == nil {
		return
	}
	for v := range max(1, len(n.Values)) {
		u.b.WriteByte(sign)
		writeLine(&u.b, u.fam, tag, n, firstValue(n, v), u.mask)
		u.b.WriteByte('\n')
	}
}

// subtree writes n and everything below it, indented from depth.
func (u *unified) subtree(sign byte, tag string, n *config.Node, depth int) {
	if n == nil {
		return
	}
	if isTag(u.fam, n) {
		for _, c := range n.Children {
			u.subtree(sign, n.Name, c, depth)
		}
		return
	}
	for v := range max(1, len(n.Values)) {
		u.b.WriteByte(sign)
		writeIndent(&u.b, u.fam, depth)
		writeLine(&u.b, u.fam, tag, n, firstValue(n, v), u.mask)
		u.b.WriteByte('\n')
	}
	for _, c := range n.Children {
		u.subtree(sign, "", c, depth+1)
	}
}

// tagOf is the tag name of the node at p in t: the name of its parent
// when that parent is a Vyatta tag node.
func tagOf(fam config.Family, t *config.Tree, p config.Path) string {
	if fam == config.Huawei || t == nil || t.Root == nil || len(p) < 2 {
		return ""
	}
	return tagName(fam, t.Root.Lookup(p[:len(p)-1]))
}

// jsonChange is the JSON form of a Change.
type jsonChange struct {
	Kind  string   `json:"kind"`
	Path  []string `json:"path"`
	Left  []string `json:"left"`
	Right []string `json:"right"`
	From  *int     `json:"from,omitempty"`
	To    *int     `json:"to,omitempty"`
}

// WriteJSON writes changes as a JSON array, one object per line:
// {"kind","path":[...],"left":[values],"right":[values],"from","to"}.
// left or right is null on the side that lacks the node; from and to are
// there for moves only. Secret values are masked with o.MaskSecrets.
func WriteJSON(w io.Writer, changes []Change, o Options) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i := range changes {
		c := &changes[i]
		jc := jsonChange{
			Kind:  c.Kind.String(),
			Path:  c.Path,
			Left:  jsonValues(c.Left, o.MaskSecrets),
			Right: jsonValues(c.Right, o.MaskSecrets),
		}
		if jc.Path == nil {
			jc.Path = []string{}
		}
		if c.Kind == Moved {
			jc.From, jc.To = &c.From, &c.To
		}
		buf, err := json.Marshal(jc)
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		bw.Write(buf)
	}
	if len(changes) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func jsonValues(n *config.Node, mask bool) []string {
	if n == nil {
		return nil
	}
	out := make([]string, len(n.Values))
	for i, v := range n.Values {
		if mask && n.Secret {
			v = config.Mask
		}
		out[i] = v
	}
	return out
}
