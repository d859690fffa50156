package views

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// diffLayout is where the parts of the Diff tab go, in lines and cells.
type diffLayout struct {
	crumb, head, foot bool
	footH             int // 2 when the legend takes two lines
	bodyY, bodyH      int
	listW             int // the row list's width (less the side pane)
	paneW             int // the detail side pane's width, 0 when none
	overlay           bool
	colW, colW2       int // left and right text columns
}

// gutter is the cells of a row outside its two text columns: cursor,
// scope mark, space; then space, change mark, space between the columns.
const gutter = 6

// sidePaneMin is the narrowest view that shows the detail beside the rows
// rather than over them.
const sidePaneMin = 100

// detailFullBelow is the height under which the detail, over the rows,
// takes the whole tab (breadcrumb and legend too).
const detailFullBelow = 8

func (v *DiffView) layout() diffLayout {
	l := diffLayout{listW: v.w}
	h := v.h
	switch {
	case h >= 6:
		l.crumb, l.head, l.foot = true, true, true
	case h >= 4:
		l.crumb, l.foot = true, true
	}
	if v.detail && v.w < sidePaneMin && h < detailFullBelow {
		// A short tab with the detail over the rows: the detail takes
		// every line (it has its own path line), the footer only for a
		// search's input.
		l.crumb, l.head, l.foot = false, false, v.searching
	}
	if l.crumb {
		l.bodyY++
		h--
	}
	if l.head {
		l.bodyY++
		h--
	}
	if l.foot {
		l.footH = 1
		if h >= legendTwoLines && !v.legendFits() {
			l.footH = 2
		}
		h -= l.footH
	}
	l.bodyH = max(0, h)
	if v.detail {
		if v.w >= sidePaneMin {
			l.paneW = v.w * 2 / 5
			l.listW = v.w - l.paneW
		} else {
			l.overlay = true
		}
	}
	inner := max(0, l.listW-gutter)
	l.colW = inner / 2
	l.colW2 = inner - l.colW
	return l
}

// View renders the tab: exactly the size set, each line at most its width
// in cells; only the visible rows are drawn.
func (v *DiffView) View() string {
	if v.w <= 0 || v.h <= 0 {
		return strings.Repeat("\n", max(0, v.h-1))
	}
	l := v.layout()
	var b strings.Builder
	b.Grow(v.h * (v.w + 64))
	lines := 0
	nl := func() {
		lines++
		if lines < v.h {
			b.WriteByte('\n')
		}
	}
	if l.crumb {
		v.renderCrumb(&b)
		nl()
	}
	var pane []string
	if v.detail && len(v.items) > 0 {
		pw := l.paneW
		if l.overlay {
			pw = v.w
		}
		ph := l.bodyH
		if l.head {
			ph++
		}
		pane = v.detailView(pw, ph)
	}
	if l.head {
		if l.overlay && pane != nil {
			b.WriteString(pane[0])
		} else {
			v.renderHead(&b, l)
			if pane != nil {
				b.WriteString(pane[0])
			}
		}
		nl()
	}
	if pane != nil && l.head {
		pane = pane[1:]
	}
	for y := range l.bodyH {
		switch {
		case l.overlay && pane != nil:
			b.WriteString(pane[y])
		case y == 0 && len(v.items) == 0:
			msg := "waiting for both configurations…"
			switch {
			case v.data != nil && len(v.data.Rows) > 0:
				msg = "no rows under the filter " + v.filter.String() + " (f changes it)"
			case v.data != nil:
				msg = "both configurations are empty"
			}
			v.styled(&b, segMuted, PadRight("   "+msg, l.listW, v.st.Glyphs.Ellipsis), false)
			if pane != nil {
				b.WriteString(pane[y])
			}
		default:
			i := v.top + y
			if i < len(v.items) {
				v.renderItem(&b, v.items[i], i == v.cursor, l)
			} else {
				b.WriteString(strings.Repeat(" ", l.listW))
			}
			if pane != nil {
				b.WriteString(pane[y])
			}
		}
		nl()
	}
	for i := range l.footH {
		v.renderFoot(&b, i, l.footH)
		nl()
	}
	return b.String()
}

// renderCrumb writes the sticky breadcrumb: the path of the top row, and
// on the right the filter and the counts.
func (v *DiffView) renderCrumb(b *strings.Builder) {
	g := &v.st.Glyphs
	path := ""
	if len(v.items) > 0 {
		path = v.data.Rows[v.items[v.top].row].Path.String()
	}
	if path == "" {
		path = "(top)"
	}
	left := g.Crumb + " " + path
	// The status keeps whole parts, never a cut count: parts go from the
	// end until it leaves the path a third of the line; the path is what
	// gets cut.
	right := ""
	for _, parts := range v.status() {
		if s := strings.Join(parts, g.Dot); Width(s)+1 <= v.w*2/3 {
			right = s
			break
		}
	}
	rw := Width(right)
	lw := v.w - rw - 1
	if rw == 0 {
		lw = v.w
	}
	v.styled(b, segCrumb, PadRight(sanitize(left), lw, g.Ellipsis), false)
	if rw > 0 {
		b.WriteByte(' ')
		v.styled(b, segMuted, right, false)
	}
}

// status is the right part of the breadcrumb, in the forms to try, each
// shorter than the one before: "in scope · 3/12 diffs · ● 5 to sync · 3
// not synced" is the filter when it hides rows, the cursor's difference
// among the rows that differ, the in-scope changes a sync would resolve
// and those its plan leaves to a person (compare.Tally).
func (v *DiffView) status() [][]string {
	if v.data == nil {
		return nil
	}
	cur, n := v.DiffPosition()
	pos := strconv.Itoa(n) + " diffs"
	if cur > 0 {
		pos = strconv.Itoa(cur) + "/" + pos
	}
	t := v.data.Tally
	toSync := t.ToSync
	if toSync < 0 { // no plan
		toSync = t.InScope
	}
	sync := v.st.Glyphs.InMap + " " + strconv.Itoa(toSync) + " to sync"
	var forms [][]string
	if t.NotSynced > 0 {
		not := strconv.Itoa(t.NotSynced) + " not synced"
		forms = append(forms, []string{pos, sync, not})
	}
	forms = append(forms, []string{pos, sync}, []string{pos})
	if v.staleL != "" || v.staleR != "" {
		// A device is not read now: the counts are its last known ones.
		for i := range forms {
			forms[i] = append([]string{"last known"}, forms[i]...)
		}
	}
	if v.filter == FilterAll {
		return forms
	}
	f := v.filter.String()
	out := make([][]string, 0, len(forms)+1)
	for _, fm := range forms[:len(forms)-1] {
		out = append(out, append([]string{f}, fm...))
	}
	return append(out, []string{f, pos}, []string{pos})
}

// renderHead writes the column headers: each member's name and role.
func (v *DiffView) renderHead(b *strings.Builder, l diffLayout) {
	g := &v.st.Glyphs
	left, right := "", ""
	if v.data != nil {
		left, right = v.data.Left, v.data.Right
	}
	if l.colW < 1 {
		v.styled(b, segHeader, PadRight(v.headName(left, "source", v.staleL, l.listW), l.listW, g.Ellipsis), false)
		return
	}
	b.WriteString("   ")
	v.styled(b, segHeader, PadRight(v.headName(left, "source", v.staleL, l.colW), l.colW, g.Ellipsis), false)
	b.WriteString("   ")
	v.styled(b, segHeader, PadRight(v.headName(right, "target", v.staleR, l.colW2), l.colW2, g.Ellipsis), false)
}

// headName is a column's header in w cells: the member's name, its role
// and, scrolled sideways, the first column shown; stale, when the device
// is not read now, says so ("not read since 08:20:21", at least "last
// known"). The name is what gets cut; the role and the column number
// are whole or left out.
func (v *DiffView) headName(name, role, stale string, w int) string {
	if name == "" {
		return ""
	}
	g := &v.st.Glyphs
	name = sanitize(name)
	var tails []string
	if v.xoff > 0 {
		// Scrolled sideways: say from which column the text shows.
		col := strconv.Itoa(v.xoff + 1)
		tails = append(tails, " ("+role+")"+g.Dot+"from column "+col, g.Dot+"from column "+col, g.Dot+"col "+col)
	}
	if stale != "" {
		// Never dropped: the rows are the device's last known ones.
		tails = append(tails[:0], " ("+role+", "+stale+")", " ("+stale+")", " (last known)")
	} else {
		tails = append(tails, " ("+role+")", "")
	}
	for _, t := range tails {
		if Width(name)+Width(t) <= w {
			return name + t
		}
	}
	// The shortest tail with a cut name, while the name keeps a few cells.
	for _, t := range tails[len(tails)-2:] {
		if w-Width(t) >= 4 {
			return Truncate(name, w-Width(t), g.Ellipsis) + t
		}
	}
	return name
}

// legendTwoLines is the least height of the tab whose legend takes a
// second line when one does not hold all of it.
const legendTwoLines = 12

// legendChange is the change part of the legend, from its longest wording
// to its shortest; legendScope the scope part: backend/diff's, the one
// source of the legend's words (hasync diff's header says the same).
// The wordings of the two sets are made once, not per layout() or frame.
func (g *Glyphs) legendChange() []string { return g.legendWords()[0] }

func (g *Glyphs) legendScope() []string { return g.legendWords()[1] }

// legendSets holds the wordings of the two glyph sets, made on first use
// (not at process start).
var legendSets = sync.OnceValue(func() map[diff.Glyphs][2][]string {
	return map[diff.Glyphs][2][]string{
		diff.UnicodeGlyphs: {diff.UnicodeGlyphs.ChangeLegend(), diff.UnicodeGlyphs.ScopeLegend()},
		diff.ASCIIGlyphs:   {diff.ASCIIGlyphs.ChangeLegend(), diff.ASCIIGlyphs.ScopeLegend()},
	}
})

func (g *Glyphs) legendWords() [2][]string {
	if w, ok := legendSets()[g.Glyphs]; ok {
		return w // read only: the slices are shared
	}
	return [2][]string{g.Glyphs.ChangeLegend(), g.Glyphs.ScopeLegend()}
}

// legendGap separates the parts of the legend.
const legendGap = "   "

// legendFits reports whether the whole legend (longest wordings, and the
// sync-map's name) holds in one line.
func (v *DiffView) legendFits() bool {
	g := &v.st.Glyphs
	n := Width(g.legendChange()[0]) + len(legendGap) + Width(g.legendScope()[0])
	if lab := v.mapLabel(); lab != "" {
		n += len(legendGap) + Width(lab)
	}
	return n <= v.w
}

// mapLabel names the sync-map for the legend, "" when none is known.
func (v *DiffView) mapLabel() string {
	if v.data == nil || v.data.MapLabel == "" {
		return ""
	}
	return "sync-map " + sanitize(v.data.MapLabel)
}

// legendLine is the legend in one line of w cells: both parts in the
// longest wordings that fit, the change part alone when both do not (the
// scope marks are the gutter's, the change marks the rows'), and the
// sync-map's name after them when label is set and room is left (the
// name is what gets cut).
func (v *DiffView) legendLine(w int, label bool) string {
	g := &v.st.Glyphs
	cs, ss := g.legendChange(), g.legendScope()
	s := ""
	best := len(cs) + len(ss) // the sum of the wordings' ranks: lower is longer
	for i, c := range cs {
		for k, sc := range ss {
			if Width(c)+len(legendGap)+Width(sc) <= w && i+k < best {
				s, best = c+legendGap+sc, i+k
			}
		}
	}
	if s == "" {
		s = fitOrLast(w, cs)
	}
	if lab := v.mapLabel(); label && lab != "" {
		s = appendCut(s, legendGap, lab, w, g.Ellipsis)
	}
	return s
}

// appendCut appends sep and tail to s when the first word of tail and a
// few more cells fit in w cells besides s; tail is cut to fit, ending in
// ellipsis.
func appendCut(s, sep, tail string, w int, ellipsis string) string {
	first, _, _ := strings.Cut(tail, " ")
	room := w - Width(s) - Width(sep)
	if room < Width(first)+4 {
		return s
	}
	return s + sep + Truncate(tail, room, ellipsis)
}

// renderFoot writes line i of the n lines of the footer: the search
// input, the search's state or a notice, and the legend of the marks (in
// two lines when the tab is tall enough and one does not hold it).
func (v *DiffView) renderFoot(b *strings.Builder, i, n int) {
	g := &v.st.Glyphs
	switch {
	case i > 0:
		// The scope part, in the same words whether a search's state
		// or the change part is above it.
		s := fitOrLast(v.w, g.legendScope())
		v.styled(b, segMuted, PadRight(s, v.w, g.Ellipsis), false)
	case v.searching:
		cursor := "█"
		if v.st.Theme.ASCII {
			cursor = "_"
		}
		s := "/" + sanitize(string(v.input)) + cursor
		if over := Width(s) - v.w; over > 0 {
			// Keep the end, where the typing is.
			s = ansi.TruncateLeft(s, over+Width(g.Ellipsis), g.Ellipsis)
		}
		v.styled(b, segText, PadRight(s, v.w, g.Ellipsis), false)
	case v.notice != "":
		v.styled(b, segMuted, PadRight(v.notice, v.w, g.Ellipsis), false)
	case v.query != "":
		v.styled(b, segMuted, PadRight(v.searchState(), v.w, g.Ellipsis), false)
	case n > 1:
		// The change part and the sync-map; the scope part below.
		s := fitOrLast(v.w, g.legendChange())
		if lab := v.mapLabel(); lab != "" {
			s = appendCut(s, legendGap, lab, v.w, g.Ellipsis)
		}
		v.styled(b, segMuted, PadRight(s, v.w, g.Ellipsis), false)
	default:
		v.styled(b, segMuted, PadRight(v.legendLine(v.w, true), v.w, g.Ellipsis), false)
	}
}

// searchState is the footer while a search is accepted: the count of
// matching lines is whole; the query is what gets cut, then the hints
// drop.
func (v *DiffView) searchState() string {
	g := &v.st.Glyphs
	count := strconv.Itoa(len(v.matches)) + " matching lines"
	if len(v.matches) == 1 {
		count = "1 matching line"
	}
	shown := v.queryText
	if shown == "" {
		shown = v.query
	}
	q := "/" + sanitize(shown)
	for _, hints := range []string{g.Dot + "n/N next/prev" + g.Dot + "esc clears", g.Dot + "n/N, esc", ""} {
		rest := g.Dot + count + hints
		if room := v.w - Width(rest); room >= min(Width(q), 4) {
			return Truncate(q, room, g.Ellipsis) + rest
		}
	}
	if len(v.matches) == 1 {
		return "1 match"
	}
	return strconv.Itoa(len(v.matches)) + " matches"
}

// styled writes s in a segment style.
func (v *DiffView) styled(b *strings.Builder, sg seg, s string, cur bool) {
	pre := v.st.seg[b2i(cur)][sg]
	b.WriteString(pre)
	b.WriteString(s)
	if pre != "" {
		b.WriteString(sgrReset)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// renderItem writes one row (or fold) of the list, listW cells wide.
func (v *DiffView) renderItem(b *strings.Builder, it item, cur bool, l diffLayout) {
	g := &v.st.Glyphs
	r := &v.data.Rows[it.row]
	w := l.listW
	// Cursor and scope mark.
	cursor := " "
	if cur {
		cursor = g.Cursor
	}
	scope, scopeSeg := g.Scope(r.Scope), scopeSegOf(r.Scope)
	if it.fold > 0 && it.scopes.Len() > 1 {
		scope, scopeSeg = g.Mixed, segMuted
	}
	if it.fold == placeHeader {
		// Where the differences below sit: the parent's path, across.
		p := displayParent(r).String()
		v.styled(b, segText, cursor, cur)
		v.styled(b, segCrumb, PadRight(" "+g.Crumb+" "+sanitize(p), w-Width(cursor), g.Ellipsis), cur)
		return
	}
	if w < gutter+2 {
		// Too narrow for two columns: the marks and what fits of the left.
		s := cursor + scope + g.Change(r.Kind) + " " + r.Left
		v.styled(b, segText, PadRight(sanitize(s), w, ""), cur)
		return
	}
	v.styled(b, segText, cursor, cur)
	v.styled(b, scopeSeg, scope, cur)
	v.styled(b, segText, " ", cur)
	if it.fold > 0 {
		// One text for both columns, made once, in the narrower's width
		// (the columns differ by a cell at most).
		sum := v.foldSummary(it, min(l.colW, l.colW2))
		v.text(b, sum, segMuted, -1, -1, segMuted, cur, 0, l.colW)
		v.styled(b, segMuted, " "+g.Sep+" ", cur)
		v.text(b, sum, segMuted, -1, -1, segMuted, cur, 0, l.colW2)
		return
	}
	left, right := r.Left, r.Right
	if step := indentStep(l.colW); step < 4 && v.data.Family != config.Huawei && r.Depth > 0 {
		left, right = reindent(left, r.Depth, step), reindent(right, r.Depth, step)
	}
	ls, rs := segText, segText
	mark, markSeg := g.Sep, segMuted
	le0, le1, re0, re1 := -1, -1, -1, -1
	switch r.Kind {
	case diff.Added:
		rs, mark, markSeg = segAdded, g.Added, segAdded
	case diff.Removed:
		ls, mark, markSeg = segRemoved, g.Removed, segRemoved
	case diff.Changed:
		ls, rs, mark, markSeg = segRemoved, segAdded, g.Changed, segChanged
		le0, le1, re0, re1 = wordDelta(left, right)
	case diff.Moved:
		ls, rs, mark, markSeg = segMoved, segMoved, g.Moved, segMoved
	}
	if it.ctx {
		// Kept for the tree's sake (an out-of-scope parent): dimmed.
		ls, rs, markSeg = segMuted, segMuted, segMuted
		le0, le1, re0, re1 = -1, -1, -1, -1
	}
	v.text(b, left, ls, le0, le1, segEmphRemoved, cur, v.xoff, l.colW)
	v.styled(b, segText, " ", cur)
	v.styled(b, markSeg, mark, cur)
	v.styled(b, segText, " ", cur)
	v.text(b, right, rs, re0, re1, segEmphAdded, cur, v.xoff, l.colW2)
}

// foldSummary is a fold's text in w cells: the count of lines it hides,
// always whole (the words after it shorten, then go), the scopes it mixes
// when they fit, and where the next line shown sits (a path, which may
// be cut).
func (v *DiffView) foldSummary(it item, w int) string {
	g := &v.st.Glyphs
	n := g.Fold + " " + strconv.Itoa(int(it.fold))
	s := FirstFit(w, n+" unchanged lines", n+" unchanged", n+" lines", n)
	if s == "" {
		return ""
	}
	if it.scopes.Len() > 1 {
		if sc := " (" + it.scopes.String() + ")"; Width(s)+Width(sc) <= w {
			s += sc
		}
	}
	// Name where the next line shown sits, so that what follows a long
	// fold is read in its place (as `hasync diff` does).
	if next := int(it.row + it.fold); next < len(v.data.Rows) {
		if p := v.data.Rows[next].Path; len(p) > 1 {
			s = appendCut(s, g.Dot, sanitize(p[:len(p)-1].String()), w, g.Ellipsis)
		}
	}
	return s
}

// indentStep is the cells per depth level a column of w cells indents
// by: Vyatta's four where there is room, fewer in narrow columns so that
// deep lines still show their words.
func indentStep(w int) int {
	switch {
	case w >= 48:
		return 4
	case w >= 24:
		return 2
	}
	return 1
}

// reindent replaces the four-space indentation of a row of depth by step
// spaces a level.
func reindent(s string, depth, step int) string {
	n := 4 * depth
	if len(s) < n || strings.TrimLeft(s[:n], " ") != "" {
		return s
	}
	return strings.Repeat(" ", depth*step) + s[n:]
}

func scopeSegOf(s syncmap.Scope) seg {
	switch s {
	case syncmap.InScope:
		return segScopeIn
	case syncmap.Excluded:
		return segScopeExcluded
	case syncmap.Protected:
		return segScopeProtected
	}
	return segScopeOutside
}

// text writes s from cell xoff on in exactly w cells: base style, the
// bytes [e0, e1) in emph, search matches highlighted, control characters
// shown as '?', a cut marked with the ellipsis.
func (v *DiffView) text(b *strings.Builder, s string, base seg, e0, e1 int, emph seg, cur bool, xoff, w int) {
	if w <= 0 {
		return
	}
	pre := &v.st.seg[b2i(cur)]
	q := v.query
	if v.searching {
		q = v.typed // highlight as the query is typed
	}
	m0, m1 := -1, -1 // the current search match, bytes
	if q != "" {
		if m0 = indexFold(s, q, 0); m0 >= 0 {
			m1 = m0 + len(q)
		}
	}
	end := xoff + w // first cell past the window
	active := seg(255)
	set := func(sg seg) {
		if sg == active {
			return
		}
		if active != 255 && pre[active] != "" {
			b.WriteString(sgrReset)
		}
		active = sg
		b.WriteString(pre[sg])
	}
	pos := 0 // cell of the next cluster
	for i := 0; i < len(s); {
		if m1 >= 0 && i >= m1 {
			if m0 = indexFold(s, q, m1); m0 >= 0 {
				m1 = m0 + len(q)
			} else {
				m0, m1 = -1, -1
			}
		}
		c := s[i]
		var cl string
		cw := 1
		if c < utf8.RuneSelf {
			cl = s[i : i+1]
			if c < ' ' || c == 0x7f {
				cl = "?"
			}
		} else {
			cl, cw = ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			if r, _ := utf8.DecodeRuneInString(cl); r < 0xa0 || r == utf8.RuneError {
				cl, cw = "?", 1 // C1 controls and broken UTF-8
			}
		}
		n := len(cl)
		if cl == "?" && c >= utf8.RuneSelf {
			_, n = utf8.DecodeRuneInString(s[i:])
		}
		sg := base
		switch {
		case m0 >= 0 && i >= m0 && i < m1:
			sg = segMatch
		case i >= e0 && i < e1:
			sg = emph
		}
		switch {
		case pos+cw <= xoff:
			// left of the window
		case pos < xoff:
			// a wide cluster cut by the left edge
			set(base)
			b.WriteString(strings.Repeat(" ", pos+cw-xoff))
		case pos+cw > end || (pos+cw == end && i+n < len(s)):
			// the last cell, and more follows: mark the cut
			set(segMuted)
			b.WriteString(strings.Repeat(" ", end-pos-1))
			b.WriteString(v.st.Glyphs.Ellipsis)
			pos = end
		default:
			set(sg)
			b.WriteString(cl)
		}
		if pos >= end {
			break
		}
		pos += cw
		i += n
	}
	if pos < xoff {
		pos = xoff
	}
	if pos < end {
		set(segText)
		b.WriteString(strings.Repeat(" ", end-pos))
	}
	if active != 255 && pre[active] != "" {
		b.WriteString(sgrReset)
	}
}

// wordDelta returns the byte ranges of a and b that differ, widened to
// whole words: what a changed leaf's emphasis covers. -1s when the texts
// differ nowhere.
func wordDelta(a, b string) (a0, a1, b0, b1 int) {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	if p == len(a) && p == len(b) {
		return -1, -1, -1, -1
	}
	for p > 0 && a[p-1] != ' ' {
		p--
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for s > 0 && a[len(a)-s] != ' ' {
		s--
	}
	return p, len(a) - s, p, len(b) - s
}

// sanitize replaces control characters, which a device's text may carry
// and a terminal would obey.
func sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		for _, r := range s {
			if r >= 0x80 && r < 0xa0 {
				clean = false
				break
			}
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
