package diff

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// ErrWidth is returned by WriteSide for a width too small for two columns.
var ErrWidth = errors.New("diff: side-by-side width too small")

// sideGutter is " M S ": a space, the change mark, the scope mark, a
// space, each mark one cell.
const sideGutter = 4

// MinSideWidth is the narrowest side-by-side view: each column holds 8
// cells, enough to tell lines apart.
const MinSideWidth = sideGutter + 2*8

// MaxSideWidth is the widest side-by-side view, in columns: every line is
// padded to the width, and a terminal is never this wide.
const MaxSideWidth = 10000

// Side is the layout of a side-by-side view: its width in terminal cells
// and its marks (the zero Glyphs is ASCIIGlyphs).
type Side struct {
	Width  int
	Glyphs Glyphs
}

// WriteSide writes rows as two columns in width cells in all with the
// ASCII marks: Side{Width: width}.Write.
func WriteSide(w io.Writer, rows []Row, width int) error {
	return Side{Width: width}.Write(w, rows)
}

// WriteSideHeader writes the header of a side-by-side view of width cells
// with the ASCII marks: Side{Width: width}.WriteHeader.
func WriteSideHeader(w io.Writer, left, right, mapName string, width int) error {
	return Side{Width: width}.WriteHeader(w, left, right, mapName)
}

// glyphs is s's set of marks, ASCIIGlyphs when none is set.
func (s *Side) glyphs() *Glyphs {
	if s.Glyphs == (Glyphs{}) {
		return &ASCIIGlyphs
	}
	return &s.Glyphs
}

// Write writes rows as two columns, like `diff -y`: the left text, a
// gutter with the change mark and the scope mark (Glyphs), then the right
// text. Widths are terminal cells (display width: a CJK character takes
// two, a combining mark none), so that columns align whatever the script
// of a description. Text wider than its column is cut with '…'. Trailing
// spaces are trimmed. A width below MinSideWidth is ErrWidth.
func (s Side) Write(w io.Writer, rows []Row) error {
	if s.Width < MinSideWidth {
		return fmt.Errorf("%w: %d < %d", ErrWidth, s.Width, MinSideWidth)
	}
	g := s.glyphs()
	col := (s.Width - sideGutter) / 2
	bw := bufio.NewWriter(w)
	var line []byte
	for i := range rows {
		r := &rows[i]
		line = appendCell(line[:0], r.Left, col, true)
		line = append(line, ' ')
		line = append(line, g.Change(r)...)
		line = append(line, g.Scope(r)...)
		line = append(line, ' ')
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

// WriteHeader writes the two header lines of the view: "--- LEFT
// (source)" over the left column and "+++ RIGHT (target)" over the right
// one, a file name too wide for its column cut at its start
// ("…-vra-a.conf"); then "sync-map: NAME", followed by the legend of the
// scope and change marks, or of the scope marks only, whichever fits.
func (s Side) WriteHeader(w io.Writer, left, right, mapName string) error {
	if s.Width < MinSideWidth {
		return fmt.Errorf("%w: %d < %d", ErrWidth, s.Width, MinSideWidth)
	}
	col := (s.Width - sideGutter) / 2
	var line []byte
	line = appendCell(line, headerCell("--- ", left, " (source)", col), col, true)
	line = append(line, "    "...)
	line = appendCell(line, headerCell("+++ ", right, " (target)", col), col, false)
	line = append(line, '\n')
	m := "sync-map: " + mapName
	for _, legend := range s.glyphs().legends() {
		if cells(m)+cells(legend) <= s.Width {
			m += legend
			break
		}
	}
	line = appendCell(line, m, s.Width, false)
	line = append(line, '\n')
	_, err := w.Write(line)
	return err
}

// headerCell is prefix+name+suffix, the name cut at its start to fit col
// cells when it can be; appendCell cuts what still does not fit.
func headerCell(prefix, name, suffix string, col int) string {
	s := prefix + name + suffix
	over := cells(s) - col
	if over <= 0 {
		return s
	}
	// Drop whole characters from the start of name until what is left
	// and the '…' before it fit.
	cut, dropped := 0, 0
	for g := displaywidth.StringGraphemes(name); dropped < over+1 && g.Next(); {
		cut += len(g.Value())
		dropped += g.Width()
	}
	if cells(name)-dropped < 4 {
		return s
	}
	return prefix + "…" + name[cut:] + suffix
}

// cells is the display width of s in terminal cells.
func cells(s string) int { return displaywidth.String(s) }

// printable reports whether s is printable ASCII only, one cell a byte:
// nearly every configuration line.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// visible is s as the side view shows it, as the console does: a control
// character as '?' (a terminal gives it no width or its own, and a
// description is device data that could move the cursor) and each byte
// of invalid UTF-8 (a Latin-1 or GBK description) as U+FFFD, one cell.
func visible(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r // invalid bytes come as utf8.RuneError and are written as U+FFFD
	}, s)
}

// appendCell appends s cut to col cells (ending in '…'), padded with
// spaces to col cells when pad is set.
func appendCell(dst []byte, s string, col int, pad bool) []byte {
	var n int
	if printable(s) {
		n = len(s)
		if n > col {
			dst = append(dst, s[:col-1]...)
			return append(dst, "…"...) // col cells: no padding
		}
	} else {
		s = visible(s)
		if n = cells(s); n > col {
			s = displaywidth.TruncateString(s, col, "…")
			n = cells(s) // col, or col-1 when a wide character did not fit
		}
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

// ScopeFunc decides the scope of the node at a path (syncmap.Map.Decide);
// the path is only valid during the call.
type ScopeFunc func(config.Path) syncmap.Decision

// changeScope is the scope of a change: the decision of its node, or for a
// subtree on one side only, of every node in it. When the nodes do not all
// share one scope, mixed is set and Decision is of the top node.
type changeScope struct {
	syncmap.Decision
	mixed  bool
	scopes []syncmap.Scope // the distinct scopes, in order of first line
}

// add takes one node's decision into the summary.
func (cs *changeScope) add(d syncmap.Decision, first bool) {
	if first {
		cs.Decision, cs.scopes = d, append(cs.scopes[:0], d.Scope)
		return
	}
	if d.Rule != cs.Rule {
		cs.Rule = nil // one scope, decided by several rules
	}
	if !slices.Contains(cs.scopes, d.Scope) {
		cs.scopes = append(cs.scopes, d.Scope)
		cs.mixed = true
	}
}

// String reads "in-scope (rule 1)", or "mixed: in-scope, excluded".
func (cs *changeScope) String() string {
	if !cs.mixed {
		return cs.Decision.String()
	}
	names := make([]string, len(cs.scopes))
	for i, s := range cs.scopes {
		names[i] = s.String()
	}
	return "mixed: " + strings.Join(names, ", ")
}

// scopeName is the JSON name of the summary's scope.
func (cs *changeScope) scopeName() string {
	if cs.mixed {
		return "mixed"
	}
	return cs.Scope.String()
}

// WriteUnified writes changes in a path-aware unified form: for each
// change a "@@ path @@ SCOPE" header, then "-" lines for the left and "+"
// lines for the right (the whole subtree of a one-sided node, the node's
// own lines for a changed one, but of a long list only the values that
// differ: see valueDelta), or for a move "~ line from N to M". a and b
// are the trees the changes came from: they give the family and tell a
// Vyatta tag value from a plain node.
//
// SCOPE is the change's decision by scope ("in-scope (rule 1)",
// "excluded", "protected", "outside"); a one-sided subtree whose nodes are
// of several scopes reads "mixed: in-scope, excluded" and each of its lines
// ends with its own decision in brackets. A nil scope leaves SCOPE out.
func WriteUnified(w io.Writer, a, b *config.Tree, changes []Change, o Options, scope ScopeFunc) error {
	u := unified{fam: family(a, b), mask: o.MaskSecrets, scope: scope}
	bw := bufio.NewWriter(w)
	for i := range changes {
		c := &changes[i]
		u.b.Reset()
		u.lines, u.decs = u.lines[:0], u.decs[:0]
		u.path = append(u.path[:0], c.Path...)
		switch c.Kind {
		case Removed:
			u.subtree('-', tagOf(u.fam, a, c.Path), c.Left, 0)
		case Added:
			u.subtree('+', tagOf(u.fam, b, c.Path), c.Right, 0)
		case Changed:
			if gone, come, ok := valueDelta(c.Left, c.Right); ok {
				u.values('-', tagOf(u.fam, a, c.Path), c.Left, gone)
				u.values('+', tagOf(u.fam, b, c.Path), c.Right, come)
				break
			}
			u.own('-', tagOf(u.fam, a, c.Path), c.Left)
			u.own('+', tagOf(u.fam, b, c.Path), c.Right)
		case Moved:
			var l strings.Builder
			l.WriteString("~")
			writeLine(&l, u.fam, tagOf(u.fam, b, c.Path), c.Right, firstValue(c.Right, 0), u.mask)
			fmt.Fprintf(&l, " from %d to %d", c.From, c.To)
			u.line(l.String(), u.decide())
		}
		fmt.Fprintf(&u.b, "@@ %s @@", c.Path)
		var sum changeScope
		if scope != nil {
			if len(u.decs) == 0 { // a tag node's subtree without lines
				u.decs = append(u.decs, scope(c.Path))
			}
			for k, d := range u.decs {
				sum.add(d, k == 0)
			}
			u.b.WriteString(" ")
			u.b.WriteString(sum.String())
		}
		u.b.WriteString("\n")
		for k, l := range u.lines {
			u.b.WriteString(l)
			if sum.mixed {
				u.b.WriteString("  [")
				u.b.WriteString(u.decs[k].String())
				u.b.WriteString("]")
			}
			u.b.WriteString("\n")
		}
		if _, err := bw.WriteString(u.b.String()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type unified struct {
	fam   config.Family
	mask  bool
	scope ScopeFunc
	path  config.Path // of the node being written
	b     strings.Builder
	lines []string
	decs  []syncmap.Decision // of each line, when scope is set
}

// decide is the decision of the node at u.path (zero without a scope):
// asked once per node, for all its lines.
func (u *unified) decide() (d syncmap.Decision) {
	if u.scope != nil {
		d = u.scope(u.path)
	}
	return d
}

// line adds one line of the node whose decision is d.
func (u *unified) line(s string, d syncmap.Decision) {
	u.lines = append(u.lines, s)
	if u.scope != nil {
		u.decs = append(u.decs, d)
	}
}

// own writes the lines of n itself.
func (u *unified) own(sign byte, tag string, n *config.Node) {
	if n == nil {
		return
	}
	d := u.decide()
	var l strings.Builder
	for v := range max(1, len(n.Values)) {
		l.Reset()
		l.WriteByte(sign)
		writeLine(&l, u.fam, tag, n, firstValue(n, v), u.mask)
		u.line(l.String(), d)
	}
}

// values writes the lines of n's values at the indexes vs.
func (u *unified) values(sign byte, tag string, n *config.Node, vs []int) {
	if len(vs) == 0 {
		return
	}
	d := u.decide()
	var l strings.Builder
	for _, v := range vs {
		l.Reset()
		l.WriteByte(sign)
		writeLine(&l, u.fam, tag, n, v, u.mask)
		u.line(l.String(), d)
	}
}

// longList is the number of values from which a changed leaf shows only
// the values that differ (valueDelta).
const longList = 8

// valueDelta returns, for a changed leaf with at least longList values on
// each side, the indexes of the values only l has and of those only r
// has, so that a change to a few values of a long list (an address group
// of hundreds) shows those values, not every value twice. ok is false,
// and the whole lists are shown, when the lists are short, a side holds a
// value twice, or the values both hold are not in the same order (then
// the order is the change).
func valueDelta(l, r *config.Node) (gone, come []int, ok bool) {
	if l == nil || r == nil || len(l.Values) < longList || len(r.Values) < longList {
		return nil, nil, false
	}
	inL := make(map[string]int, len(l.Values))
	for i, v := range l.Values {
		if _, dup := inL[v]; dup {
			return nil, nil, false
		}
		inL[v] = i
	}
	inR := make(map[string]bool, len(r.Values))
	last := -1 // index in l of the last value both hold
	for i, v := range r.Values {
		if inR[v] {
			return nil, nil, false
		}
		inR[v] = true
		j, both := inL[v]
		if !both {
			come = append(come, i)
			continue
		}
		if j < last {
			return nil, nil, false
		}
		last = j
	}
	for i, v := range l.Values {
		if !inR[v] {
			gone = append(gone, i)
		}
	}
	return gone, come, len(gone)+len(come) > 0
}

// subtree writes n and everything below it, indented from depth; u.path
// is n's path.
func (u *unified) subtree(sign byte, tag string, n *config.Node, depth int) {
	if n == nil {
		return
	}
	below := func(c *config.Node, tag string, depth int) {
		u.path = append(u.path, c.Name)
		u.subtree(sign, tag, c, depth)
		u.path = u.path[:len(u.path)-1]
	}
	if isTag(u.fam, n) {
		for _, c := range n.Children {
			below(c, n.Name, depth)
		}
		return
	}
	d := u.decide()
	var l strings.Builder
	for v := range max(1, len(n.Values)) {
		l.Reset()
		l.WriteByte(sign)
		writeIndent(&l, u.fam, depth)
		writeLine(&l, u.fam, tag, n, firstValue(n, v), u.mask)
		u.line(l.String(), d)
	}
	for _, c := range n.Children {
		below(c, "", depth+1)
	}
}

// tagOf is the tag name of the node at p in t: the name of its parent
// when that parent is a Vyatta tag node.
func tagOf(fam config.Family, t *config.Tree, p config.Path) string {
	if fam == config.Huawei || t == nil || t.Root == nil || len(p) < 2 {
		return ""
	}
	return tagName(fam, t.Root.LookupNatural(p[:len(p)-1]))
}

// jsonChange is the JSON form of a Change.
type jsonChange struct {
	Kind     string     `json:"kind"`
	Scope    string     `json:"scope,omitempty"`
	Rule     *int       `json:"rule,omitempty"`
	Path     []string   `json:"path"`
	Left     *[]string  `json:"left,omitempty"`
	Right    *[]string  `json:"right,omitempty"`
	Removed  []string   `json:"removed,omitempty"`
	Added    []string   `json:"added,omitempty"`
	From     *int       `json:"from,omitempty"`
	To       *int       `json:"to,omitempty"`
	Children []jsonNode `json:"children,omitempty"`
}

// jsonNode is a node below a one-sided change.
type jsonNode struct {
	Name     string     `json:"name"`
	Values   []string   `json:"values"`
	Scope    string     `json:"scope,omitempty"`
	Rule     *int       `json:"rule,omitempty"`
	Children []jsonNode `json:"children,omitempty"`
}

// WriteJSON writes changes as a JSON array, one object per line:
// {"kind","scope","rule","path":[...],"left":[values],"right":[values],
// "from","to","children"}. left or right is null on the side that lacks
// the node; from and to are there for moves only. A change to a few
// values of a long list (as the unified form shows it, valueDelta) has,
// instead of left and right, "removed":[values only left has] and
// "added":[values only right has]: a change to two addresses of a group
// of hundreds is two values, not the group twice. A subtree on one side
// only (removed, added) has its content in children, each node as
// {"name","values","children"}. Secret values are masked with
// o.MaskSecrets.
//
// With a scope, each change and each node below a one-sided change also
// has its scope: the decision, in-scope, excluded, protected or outside,
// or for a change mixed when the nodes of its subtree differ (each node
// then says its own); rule is the number of the sync-map rule that
// decided, when one did. A nil scope leaves them out.
func WriteJSON(w io.Writer, changes []Change, o Options, scope ScopeFunc) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	var path config.Path
	for i := range changes {
		c := &changes[i]
		jc := jsonChange{Kind: c.Kind.String(), Path: c.Path}
		if gone, come, ok := valueDelta(c.Left, c.Right); ok && c.Kind == Changed {
			jc.Removed = jsonPick(c.Left, gone, o.MaskSecrets)
			jc.Added = jsonPick(c.Right, come, o.MaskSecrets)
		} else {
			left, right := jsonValues(c.Left, o.MaskSecrets), jsonValues(c.Right, o.MaskSecrets)
			jc.Left, jc.Right = &left, &right
		}
		if jc.Path == nil {
			jc.Path = []string{}
		}
		if c.Kind == Moved {
			jc.From, jc.To = &c.From, &c.To
		}
		var sum changeScope
		if scope != nil {
			sum.add(scope(c.Path), true)
		}
		one := c.Left
		if c.Kind == Added {
			one = c.Right
		}
		if c.Kind == Added || c.Kind == Removed {
			path = append(path[:0], c.Path...)
			jc.Children = jsonChildren(one, &path, o.MaskSecrets, scope, &sum)
		}
		if scope != nil {
			jc.Scope = sum.scopeName()
			if !sum.mixed && sum.Rule != nil {
				jc.Rule = &sum.Rule.Number
			}
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

// jsonChildren is the content below n, whose path is *path; each node's
// decision goes into sum.
func jsonChildren(n *config.Node, path *config.Path, mask bool, scope ScopeFunc, sum *changeScope) []jsonNode {
	if n == nil || len(n.Children) == 0 {
		return nil
	}
	out := make([]jsonNode, len(n.Children))
	for i, c := range n.Children {
		*path = append(*path, c.Name)
		jn := jsonNode{Name: c.Name, Values: jsonValues(c, mask)}
		if scope != nil {
			d := scope(*path)
			sum.add(d, false)
			jn.Scope = d.Scope.String()
			if d.Rule != nil {
				jn.Rule = &d.Rule.Number
			}
		}
		jn.Children = jsonChildren(c, path, mask, scope, sum)
		*path = (*path)[:len(*path)-1]
		out[i] = jn
	}
	return out
}

// jsonPick is the values of n at the indexes vs, masked as jsonValues.
func jsonPick(n *config.Node, vs []int, mask bool) []string {
	all := jsonValues(n, mask)
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = all[v]
	}
	return out
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
