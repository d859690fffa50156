package diff

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// Row is one displayed line of a side-by-side view, left and right aligned
// by path.
type Row struct {
	Kind Kind
	// Path of the node the line belongs to (all lines of a multi-value
	// leaf share it).
	Path config.Path
	// Depth is the display depth: a Vyatta tag value ("ethernet eth0")
	// sits at its tag node's depth, as the tag node has no row.
	Depth int
	// Left and Right are the indented line texts, "" when the side lacks
	// the line.
	Left, Right string
	// LeftLine and RightLine are the source lines of the nodes (0 when
	// absent or built in code).
	LeftLine, RightLine int
	Scope               syncmap.Scope
	// Folded > 0: this row stands for that many unchanged rows, and Left
	// and Right hold a short summary.
	Folded int
	// FoldScopes, for a fold row hiding rows of more than one scope, is
	// the set of those scopes (the summary names them); 0 when the hidden
	// rows share Scope.
	FoldScopes ScopeSet
}

// ScopeSet is a set of scopes.
type ScopeSet uint8

// Add returns s with sc in it.
func (s ScopeSet) Add(sc syncmap.Scope) ScopeSet { return s | 1<<uint(sc) }

// Has reports whether sc is in s.
func (s ScopeSet) Has(sc syncmap.Scope) bool { return s&(1<<uint(sc)) != 0 }

// Len is the number of scopes in s.
func (s ScopeSet) Len() int { return bits.OnesCount8(uint8(s)) }

// scopeOrder is the order in which a set's scopes are named.
var scopeOrder = [...]syncmap.Scope{syncmap.InScope, syncmap.Excluded, syncmap.Protected, syncmap.Outside}

// String names the scopes: "in-scope, protected".
func (s ScopeSet) String() string {
	var names []string
	for _, sc := range scopeOrder {
		if s.Has(sc) {
			names = append(names, sc.String())
		}
	}
	return strings.Join(names, ", ")
}

// RowOptions control Rows.
type RowOptions struct {
	Options
	// Scope decides the scope of a path; nil leaves every row Outside
	// (unless Map is set). The path handed to it is only valid during the
	// call.
	Scope func(config.Path) syncmap.Decision
	// Map, when Scope is nil, decides scopes (Map.Decide). Its rules also
	// tell where a subtree's nodes all share one scope, so that a fold
	// finds the scopes of the rows it hides without deciding each; with
	// Scope alone it decides every hidden row.
	Map *syncmap.Map
	// Context is the number of unchanged rows kept before and after a
	// change when folding.
	Context int
	// Fold replaces runs of unchanged rows by one summary row.
	Fold bool
	// OnlyScope drops the rows whose Scope is not InScope, keeping the
	// ancestors of the rows kept.
	OnlyScope bool
}

// Rows returns the rows of a side-by-side view of a (left) and b (right),
// in merged tree order: left order, right-only nodes inserted where they
// sit on the right. A subtree on one side only gives one Added or Removed
// row per line. A changed single-value leaf is one Changed row with both
// texts; the values of a multi-value leaf are aligned, values on both
// sides sharing a Same row and the others getting Added or Removed rows.
//
// Nodes left out by an Ignore pattern get no row on either side.
//
// A node moved inside an Ordered parent gives two Moved rows: a
// placeholder at its old position holding only its first left line (Right
// empty), and at its new position its full rows on both sides, its
// subtree compared below it.
func Rows(a, b *config.Tree, o RowOptions) []Row {
	// The map's own Decide may run on two cores (rows); a Scope given
	// by the caller is called on one.
	pure := o.Scope == nil
	// A context beyond any view's rows folds nothing, and twice it must
	// not overflow (--context 9223372036854775807).
	o.Context = min(o.Context, maxContext)
	if o.Scope == nil && o.Map != nil {
		o.Scope = o.Map.Decide
	}
	w := &rower{o: &o, fam: family(a, b), stubs: newStubs(a, b), pureScope: pure}
	if o.Map != nil && o.Scope != nil {
		w.shape = newMapShape(o.Map)
	}
	w.al = aligner{fam: w.fam, o: &w.o.Options}
	// Equal subtrees are collapsed only where the result cannot tell: rows
	// are folded, every node shows (no Ignore) and no row's scope is
	// needed before folding (OnlyScope).
	w.collapse = o.Fold && !o.OnlyScope && len(o.Ignore) == 0
	// Growing the buffers by copying costs more than one walk to size
	// them: a node has about one line, a little more on two sides. When
	// collapsing, most of that room is never written, so it never costs
	// a page.
	n := a.NodeCount()
	n += n / 8
	w.refs = make([]rowRef, 0, n)
	w.pnodes = make([]pathNode, 0, n)
	w.walk(root(a), root(b), 0, -1, -1)
	if o.OnlyScope {
		w.onlyScope()
	}
	return w.rows()
}

// maxContext is the most context rows Rows reads from RowOptions: more
// than any configuration has.
const maxContext = 1 << 30

// rowRef is a row before its text is made, so that folded rows cost no
// text.
type rowRef struct {
	l, r   *config.Node // nil: the side lacks the line
	tag    string       // name of the tag parent, for Vyatta tag values
	lv, rv int32        // value index on each side, -1: no value
	depth  int32
	pnode  int32 // index in rower.pnodes
	parent int32 // first row of the parent node, -1 at the top
	// span > 0 makes the ref stand for span unchanged rows (itself the
	// first of them) of a collapsed run of equal subtrees: see collapse.
	span int32
	// run is 1 + the index in rower.runs of the collapsed run a span ref
	// stands for, 0 for none.
	run   int32
	kind  uint8 // a Kind, kept small: there is one rowRef per line
	scope uint8 // a syncmap.Scope
}

// rows is the number of rows the ref stands for.
func (r *rowRef) rows() int { return max(1, int(r.span)) }

// pathNode is one node on the way down; paths are rebuilt from these only
// for rows that are shown.
type pathNode struct {
	name   string
	parent int32
}

// pathChunkSize is the number of path words allocated at once for rows'
// paths.
const pathChunkSize = 4096

type rower struct {
	pathChunk []string        // room for rows' paths (pathOf)
	texts     strings.Builder // room for rows' texts (text)
	o         *RowOptions
	fam       config.Family
	al        aligner
	path      []string
	refs      []rowRef
	pnodes    []pathNode
	// collapse: runs of equal subtrees become a few refs (see collapse).
	collapse bool
	// runs are the collapsed runs, for the scopes of the rows a fold hides.
	runs []collapsedRun
	// shape, from RowOptions.Map, tells where scopes can change; nil: not
	// known, every hidden row is decided.
	shape *mapShape
	// scopeMemo and uniMemo cache, per path node, its scope and whether
	// its subtree is uniform.
	// (by index: 0 not known yet, else the scope + 1, or 1 false and 2
	// true).
	scopeMemo []uint8
	uniMemo   []uint8
	// stubs, for trees of config.ParsePairFast, expands and counts their
	// stubs; nil for others.
	stubs *stubs
	// pureScope: o.Scope may be called from two goroutines at once.
	pureScope bool
}

// collapsedRun is a run of equal pairs collapsed into a span ref: their
// left nodes, the path node of their parent, their tag, and the number of
// rows they give.
type collapsedRun struct {
	nodes    []*config.Node
	parentPN int32
	tag      string
	rows     int
}

// scopeLater marks a row whose scope is decided only if the row is shown:
// most rows of a large view are folded away, and deciding costs a path.
const scopeLater = 255

func (w *rower) scope() uint8 {
	switch {
	case w.o.Scope == nil:
		return uint8(syncmap.Outside)
	case !w.o.OnlyScope:
		return scopeLater
	}
	n := len(w.path)
	return uint8(w.o.Scope(config.Path(w.path[:n:n])).Scope)
}

// shownScope is the scope of a row being shown, with its path.
func (w *rower) shownScope(ref *rowRef, p config.Path) syncmap.Scope {
	if ref.scope == scopeLater {
		return w.o.Scope(p).Scope
	}
	return syncmap.Scope(ref.scope)
}

// walk adds the rows of the children of l and r (either may be nil).
func (w *rower) walk(l, r *config.Node, depth int, parentRow, parentPN int32) {
	tag := tagName(w.fam, l)
	if tag == "" {
		tag = tagName(w.fam, r)
	}
	w.walkTag(l, r, tag, depth, parentRow, parentPN)
}

// walkTag is walk for the children of l and r under the tag node tag
// ("" none): their parent's, or a run's (config.IsRun) parent's.
func (w *rower) walkTag(l, r *config.Node, tag string, depth int, parentRow, parentPN int32) {
	start := w.al.align(l, r)
	end := len(w.al.buf)
	// checked is where the search for equal runs resumes: pairs before it
	// were found in a run too short to fold, and are walked plainly.
	checked := start
	for k := start; k < end; k++ {
		if w.collapse && k >= checked {
			e, n := w.sameRun(k, end)
			if n-2*max(0, w.o.Context) >= 2 {
				w.collapseRun(l, w.al.buf[k:e], n, tag, depth, parentRow, parentPN)
				k = e - 1
				continue
			}
			// The pair that ended the run differs: walking it checks its
			// children, so it need not be checked again.
			checked = e + 1
		}
		w.pair(w.al.buf[k], tag, depth, parentRow, parentPN)
	}
	w.al.buf = w.al.buf[:start]
}

// pair adds the rows of one aligned pair and its subtree.
func (w *rower) pair(p pair, tag string, depth int, parentRow, parentPN int32) {
	w.stubs.expand(p.l, p.r)
	if config.IsRun(p.l) {
		// A run of siblings: its children are its parent's, in its place.
		w.walkTag(p.l, p.r, tag, depth, parentRow, parentPN)
		return
	}
	n := p.r
	if n == nil {
		n = p.l
	}
	pn := w.pathNode(n.Name, parentPN)
	w.path = append(w.path, n.Name)
	sc := w.scope()
	if isTag(w.fam, n) {
		if p.kind != pairMovedFrom {
			w.walk(p.l, p.r, depth, parentRow, pn)
		}
	} else {
		first := int32(len(w.refs))
		w.lines(p, tag, depth, parentRow, pn, sc)
		if p.kind != pairMovedFrom {
			w.walk(p.l, p.r, depth+1, first, pn)
		}
	}
	w.path = w.path[:len(w.path)-1]
}

func (w *rower) pathNode(name string, parent int32) int32 {
	w.pnodes = append(w.pnodes, pathNode{name: name, parent: parent})
	return int32(len(w.pnodes) - 1)
}

// lines adds the rows of one node's own lines.
func (w *rower) lines(p pair, tag string, depth int, parentRow, pn int32, sc uint8) {
	ref := rowRef{tag: tag, lv: -1, rv: -1, depth: int32(depth), pnode: pn, parent: parentRow, scope: sc}
	add := func(kind Kind, l, r *config.Node, lv, rv int) {
		ref.kind, ref.l, ref.r, ref.lv, ref.rv = uint8(kind), l, r, int32(lv), int32(rv)
		w.refs = append(w.refs, ref)
	}
	switch p.kind {
	case pairLeft:
		for v := range max(1, len(p.l.Values)) {
			add(Removed, p.l, nil, firstValue(p.l, v), -1)
		}
		return
	case pairRight:
		for v := range max(1, len(p.r.Values)) {
			add(Added, nil, p.r, -1, firstValue(p.r, v))
		}
		return
	case pairMovedFrom:
		add(Moved, p.l, nil, firstValue(p.l, 0), -1)
		return
	}
	first := len(w.refs)
	l, r := p.l, p.r
	nl, nr := len(l.Values), len(r.Values)
	switch {
	case nl <= 1 && nr <= 1:
		kind := Same
		if !w.o.valuesEqual(w.fam, l, r) {
			kind = Changed
		}
		add(kind, l, r, nl-1, nr-1)
	case nl == 0 || nr == 0:
		// A valueless line against several values: pair it with the
		// first one, so that no line of either side is lost.
		kind := Same
		if !w.o.valuesEqual(w.fam, l, r) {
			kind = Changed
		}
		add(kind, l, r, min(0, nl-1), min(0, nr-1))
		for v := 1; v < nl; v++ {
			add(Removed, l, nil, v, -1)
		}
		for v := 1; v < nr; v++ {
			add(Added, nil, r, -1, v)
		}
	case w.o.MaskSecrets && (l.Secret || r.Secret):
		// Masked values all print alike: pair them by position.
		for v := range max(nl, nr) {
			switch {
			case v >= nr:
				add(Removed, l, nil, v, -1)
			case v >= nl:
				add(Added, nil, r, -1, v)
			default:
				add(Same, l, r, v, v)
			}
		}
	default:
		align := alignValues
		if w.fam == config.Vyatta {
			align = alignValueSet // values of a Vyatta leaf are a set (valuesEqual)
		}
		for _, vp := range align(l.Values, r.Values) {
			switch {
			case vp.r < 0:
				add(Removed, l, nil, vp.l, -1)
			case vp.l < 0:
				add(Added, nil, r, -1, vp.r)
			default:
				add(Same, l, r, vp.l, vp.r)
			}
		}
	}
	if p.kind == pairMoved {
		w.refs[first].kind = uint8(Moved)
	}
}

// firstValue is the value index of line v of n: -1 for a node without
// values.
func firstValue(n *config.Node, v int) int {
	if len(n.Values) == 0 {
		return -1
	}
	return v
}

// Collapsing. Most of a large pair is equal, and folding hides all but
// Context rows at each end of an unchanged run. A run of aligned siblings
// whose subtrees are equal (same names, values and tag flags, in the same
// order) would give only Same rows, so instead of one ref per row it gets
// the Context+1 first rows, of which the last stands for the hidden middle
// (span), and the Context last rows. Every unchanged run of rows thus
// starts and ends with at least Context plain refs, and rows folds it
// exactly as if every row had its ref. A ref inside a collapsed run has
// the run's parent row as parent (only OnlyScope reads it, and it turns
// collapsing off).

// sameRun returns the end of the run of pairs from k on whose subtrees are
// equal, and the number of rows they would give.
func (w *rower) sameRun(k, end int) (int, int) {
	n := 0
	for ; k < end; k++ {
		p := &w.al.buf[k]
		if p.kind != pairBoth {
			break
		}
		c, ok := w.sameRows(p.l, p.r)
		if !ok {
			break
		}
		n += c
	}
	return k, n
}

// sameRows reports whether the subtrees of l and r would give only Same
// rows in the same order, and how many. It stops at the first difference.
func (w *rower) sameRows(l, r *config.Node) (int, bool) {
	if w.stubs != nil && (l.Line < 0 || r.Line < 0) {
		if n, ok := w.stubs.same(l, r); ok {
			return n, true
		}
		w.stubs.expand(l, r)
	}
	if l.Name != r.Name || l.Tag != r.Tag || len(l.Values) != len(r.Values) || len(l.Children) != len(r.Children) {
		return 0, false
	}
	for i := range l.Values {
		if l.Values[i] != r.Values[i] {
			return 0, false
		}
	}
	n := 0
	if !isTag(w.fam, l) && !config.IsRun(l) {
		n = max(1, len(l.Values))
	}
	for i, c := range l.Children {
		k, ok := w.sameRows(c, r.Children[i])
		if !ok {
			return 0, false
		}
		n += k
	}
	return n, true
}

// collapseRun adds the refs of a run of equal pairs giving n rows, n being
// at least 2*Context+2.
func (w *rower) collapseRun(lparent *config.Node, run []pair, n int, tag string, depth int, parentRow, parentPN int32) {
	ctx := max(0, w.o.Context)
	sc := w.scope()
	budget := ctx + 1
	for _, p := range run {
		if budget == 0 {
			break
		}
		pn := w.pathNode(p.l.Name, parentPN)
		w.headRows(p.l, p.r, tag, depth, parentRow, pn, sc, &budget)
	}
	span := &w.refs[len(w.refs)-1]
	span.span = int32(n - 2*ctx)
	if w.o.Scope != nil {
		// The fold that hides this span tells the scopes of its rows: keep
		// the run's left nodes, a slice of the parent's children when they
		// are consecutive there (they nearly always are).
		li := run[0].li
		consecutive := lparent != nil && li >= 0 && li+len(run) <= len(lparent.Children)
		for i := 0; consecutive && i < len(run); i++ {
			consecutive = lparent.Children[li+i] == run[i].l
		}
		var nodes []*config.Node
		if consecutive {
			nodes = lparent.Children[li : li+len(run) : li+len(run)]
		} else {
			nodes = make([]*config.Node, len(run))
			for i, p := range run {
				nodes[i] = p.l
			}
		}
		w.runs = append(w.runs, collapsedRun{nodes: nodes, parentPN: parentPN, tag: tag, rows: n})
		span.run = int32(len(w.runs))
	}
	start := len(w.refs)
	budget = ctx
	for i := len(run) - 1; i >= 0 && budget > 0; i-- {
		pn := w.pathNode(run[i].l.Name, parentPN)
		w.tailRows(run[i].l, run[i].r, tag, depth, parentRow, pn, sc, &budget)
	}
	slices.Reverse(w.refs[start:])
}

// childPlace is where the rows of a node's children go: tag values sit at
// their tag node's depth, under its name.
func (w *rower) childPlace(n *config.Node, depth int) (string, int) {
	if isTag(w.fam, n) {
		return n.Name, depth
	}
	return "", depth + 1
}

// sameRef is the ref of line v of an equal pair.
func sameRef(l, r *config.Node, tag string, v, depth int, parentRow, pn int32, sc uint8) rowRef {
	return rowRef{l: l, r: r, tag: tag, lv: int32(firstValue(l, v)), rv: int32(firstValue(r, v)),
		depth: int32(depth), pnode: pn, parent: parentRow, kind: uint8(Same), scope: sc}
}

// headRows adds the first *budget rows of the equal pair l, r (path node
// pn), in order, and takes them off the budget.
func (w *rower) headRows(l, r *config.Node, tag string, depth int, parentRow, pn int32, sc uint8, budget *int) {
	w.stubs.expand(l, r)
	if config.IsRun(l) {
		// A run of siblings: its children in its place, under its parent.
		ppn := w.pnodes[pn].parent
		for i, c := range l.Children {
			if *budget == 0 {
				return
			}
			w.headRows(c, r.Children[i], tag, depth, parentRow, w.pathNode(c.Name, ppn), sc, budget)
		}
		return
	}
	if !isTag(w.fam, l) {
		first := int32(len(w.refs))
		for v := range max(1, len(l.Values)) {
			if *budget == 0 {
				return
			}
			*budget--
			w.refs = append(w.refs, sameRef(l, r, tag, v, depth, parentRow, pn, sc))
		}
		parentRow = first
	}
	ctag, cdepth := w.childPlace(l, depth)
	for i, c := range l.Children {
		if *budget == 0 {
			return
		}
		w.headRows(c, r.Children[i], ctag, cdepth, parentRow, w.pathNode(c.Name, pn), sc, budget)
	}
}

// tailRows adds the last *budget rows of the equal pair l, r, last first,
// and takes them off the budget.
func (w *rower) tailRows(l, r *config.Node, tag string, depth int, parentRow, pn int32, sc uint8, budget *int) {
	w.stubs.expand(l, r)
	if config.IsRun(l) {
		ppn := w.pnodes[pn].parent
		for i := len(l.Children) - 1; i >= 0 && *budget > 0; i-- {
			c := l.Children[i]
			w.tailRows(c, r.Children[i], tag, depth, parentRow, w.pathNode(c.Name, ppn), sc, budget)
		}
		return
	}
	ctag, cdepth := w.childPlace(l, depth)
	for i := len(l.Children) - 1; i >= 0 && *budget > 0; i-- {
		c := l.Children[i]
		w.tailRows(c, r.Children[i], ctag, cdepth, parentRow, w.pathNode(c.Name, pn), sc, budget)
	}
	if isTag(w.fam, l) {
		return
	}
	for v := max(1, len(l.Values)) - 1; v >= 0 && *budget > 0; v-- {
		*budget--
		w.refs = append(w.refs, sameRef(l, r, tag, v, depth, parentRow, pn, sc))
	}
}

// onlyScope keeps the in-scope rows and their ancestors.
func (w *rower) onlyScope() {
	keep := make([]bool, len(w.refs))
	for i := range w.refs {
		if syncmap.Scope(w.refs[i].scope) != syncmap.InScope {
			continue
		}
		for k := int32(i); k >= 0 && !keep[k]; k = w.refs[k].parent {
			keep[k] = true
		}
	}
	out := w.refs[:0]
	for i, ref := range w.refs {
		if keep[i] {
			out = append(out, ref)
		}
	}
	w.refs = out
}

// rows makes the text of the rows shown, folding unchanged runs.
func (w *rower) rows() []Row {
	refs := w.refs
	ctx := max(0, w.o.Context)
	n := w.shown()
	out := make([]Row, 0, n)
	// The rows shown whole are made after the folding is decided: most of
	// a large view's time, and each row stands alone (rowsInto).
	jobs := make([]rowJob, 0, n)
	show := func(k int) {
		jobs = append(jobs, rowJob{at: int32(len(out)), ref: int32(k)})
		out = append(out, Row{})
	}
	for i := 0; i < len(refs); {
		if !w.o.Fold || Kind(refs[i].kind) != Same {
			show(i)
			i++
			continue
		}
		e, run := w.sameRefs(i)
		head, tail := ctx, ctx
		if i == 0 {
			head = 0
		}
		if e == len(refs) {
			tail = 0
		}
		hidden := run - head - tail
		if hidden < 2 {
			head, hidden = e-i, 0 // folding would save nothing (and no ref spans)
		}
		for k := i; k < i+head; k++ {
			show(k)
		}
		if hidden > 0 {
			var next *rowRef // the first line shown after the fold
			if k := e - tail; k < len(refs) {
				next = &refs[k]
			}
			out = append(out, w.folded(refs[i+head:e-tail], next, hidden))
			for k := e - tail; k < e; k++ {
				show(k)
			}
		}
		i = e
	}
	w.rowsInto(out, jobs)
	return out
}

// rowJob is a row to make: out[at] from refs[ref].
type rowJob struct{ at, ref int32 }

// rowsParallel is the fewest rows that rowsInto makes on two cores (a
// variable for TestRowsParallel).
var rowsParallel = 4096

// rowsInto makes the rows of jobs, the second half on another core when
// they are many and the scope may be decided concurrently: a row reads
// only its ref, the path nodes and the trees, and writes its own texts
// and path (a rower of its own for each core).
func (w *rower) rowsInto(out []Row, jobs []rowJob) {
	mine := jobs
	var wg sync.WaitGroup
	if len(jobs) >= rowsParallel && w.pureScope {
		half := len(jobs) / 2
		mine = jobs[:half]
		other := &rower{o: w.o, fam: w.fam, pnodes: w.pnodes}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, j := range jobs[half:] {
				out[j.at] = other.row(&w.refs[j.ref])
			}
		}()
	}
	for _, j := range mine {
		out[j.at] = w.row(&w.refs[j.ref])
	}
	wg.Wait()
}

// shown bounds the number of rows that rows makes, so that their slice is
// allocated once: one per ref, except that an unchanged run folded shows
// at most 2*Context+1.
func (w *rower) shown() int {
	if !w.o.Fold {
		return len(w.refs)
	}
	n := 0
	ctx := max(0, w.o.Context)
	for i := 0; i < len(w.refs); {
		if Kind(w.refs[i].kind) != Same {
			n++
			i++
			continue
		}
		e, run := w.sameRefs(i)
		if run-2*ctx >= 2 {
			n += min(e-i, 2*ctx+1)
		} else {
			n += e - i
		}
		i = e
	}
	return n
}

// sameRefs returns the end of the run of Same refs from i, and the number
// of rows they stand for.
func (w *rower) sameRefs(i int) (end, rows int) {
	end = i
	for end < len(w.refs) && Kind(w.refs[end].kind) == Same {
		rows += w.refs[end].rows()
		end++
	}
	return end, rows
}

func (w *rower) row(ref *rowRef) Row {
	row := Row{Kind: Kind(ref.kind), Path: w.pathOf(ref.pnode), Depth: int(ref.depth)}
	row.Scope = w.shownScope(ref, row.Path)
	mask := w.o.MaskSecrets
	if ref.l != nil {
		row.Left = w.text(ref.l, ref.tag, ref.lv, ref.depth, mask)
		row.LeftLine = int(ref.l.Line)
	}
	if ref.r != nil {
		if Kind(ref.kind) == Same && ref.l != nil && ref.l.Secret == ref.r.Secret {
			row.Right = row.Left // same node, same values: same text
		} else {
			row.Right = w.text(ref.r, ref.tag, ref.rv, ref.depth, mask)
		}
		row.RightLine = int(ref.r.Line)
	}
	return row
}

func (w *rower) text(n *config.Node, tag string, v, depth int32, mask bool) string {
	size := 4*int(depth) + len(tag) + len(n.Name) + 4
	if v >= 0 && int(v) < len(n.Values) {
		size += len(n.Values[v]) + len(config.Mask)
	}
	// Texts are written one after another into a shared builder and cut
	// from its string: a builder never writes over what String returned,
	// and a new one starts when the room left may not hold the text.
	b := &w.texts
	if b.Cap()-b.Len() < size {
		*b = strings.Builder{}
		b.Grow(max(size, textChunkSize))
	}
	start := b.Len()
	writeIndent(b, w.fam, int(depth))
	writeLine(b, w.fam, tag, n, int(v), mask)
	return b.String()[start:]
}

// textChunkSize is the room in bytes allocated at once for rows' texts.
const textChunkSize = 64 << 10

// folded is the summary row of the n lines that the refs hidden stand for.
// It names the scopes of the hidden lines when they are several ("… 250
// unchanged lines (in-scope, protected)"), and the node that the next line
// shown belongs to, so that a change after a long fold is read in its
// place ("… 250 unchanged lines · security firewall name WAN-IN").
func (w *rower) folded(hidden []rowRef, next *rowRef, n int) Row {
	first := &hidden[0]
	summary := fmt.Sprintf("… %d unchanged lines", n)
	scopes := w.hiddenScopes(hidden)
	if scopes.Len() > 1 {
		summary += " (" + scopes.String() + ")"
	} else {
		scopes = 0
	}
	if next != nil {
		// The parent row's path: the node's path less its name, and less
		// the tag node's name for a Vyatta tag value ("rule 10").
		p := w.pathOf(next.pnode)
		p = p[:len(p)-1]
		if next.tag != "" && len(p) > 0 {
			p = p[:len(p)-1]
		}
		if len(p) > 0 {
			summary += " · " + p.String()
		}
	}
	row := Row{Kind: Same, Path: w.pathOf(first.pnode), Depth: int(first.depth), Left: summary, Right: summary, Folded: n, FoldScopes: scopes}
	row.Scope = w.shownScope(first, row.Path)
	if first.l != nil {
		row.LeftLine = int(first.l.Line)
	}
	if first.r != nil {
		row.RightLine = int(first.r.Line)
	}
	return row
}

// Scopes of hidden rows. A fold must not show one scope for lines of
// several, yet most of a large view is folded and deciding a row costs its
// path. So a row's scope is decided once per path node and inherited from
// the parent when the map's shape says that nothing below the parent can
// differ, and a collapsed run is walked only down to where its subtrees
// become uniform; siblings that no location names share their parent's
// scope without a decision each.

// hiddenScopes returns the scopes of the rows that refs stand for.
func (w *rower) hiddenScopes(refs []rowRef) ScopeSet {
	var set ScopeSet
	if w.o.Scope == nil {
		return set
	}
	for i := range refs {
		ref := &refs[i]
		set = set.Add(w.refScope(ref))
		if ref.run > 0 {
			set = w.runScopes(&w.runs[ref.run-1], set)
		}
	}
	return set
}

// refScope is the scope of one ref's row.
func (w *rower) refScope(ref *rowRef) syncmap.Scope {
	if ref.scope != scopeLater {
		return syncmap.Scope(ref.scope)
	}
	return w.pnScope(ref.pnode)
}

// pnScope is the scope of the node at path node pn, memoized.
func (w *rower) pnScope(pn int32) syncmap.Scope {
	w.scopeMemo = growMemo(w.scopeMemo, pn, len(w.pnodes))
	if m := w.scopeMemo[pn]; m > 0 {
		return syncmap.Scope(m - 1)
	}
	var s syncmap.Scope
	if parent := w.pnodes[pn].parent; parent >= 0 && w.pnUniform(parent) {
		s = w.pnScope(parent)
	} else {
		s = w.o.Scope(w.pathOf(pn)).Scope
	}
	w.scopeMemo[pn] = uint8(s) + 1
	return s
}

// growMemo returns memo with room for path node pn, n path nodes long
// when it grows.
func growMemo(memo []uint8, pn int32, n int) []uint8 {
	if int(pn) < len(memo) {
		return memo
	}
	return append(memo, make([]uint8, max(n, int(pn)+1)-len(memo))...)
}

// pnUniform reports whether every node below path node pn has its scope.
func (w *rower) pnUniform(pn int32) bool {
	if w.shape == nil {
		return false
	}
	w.uniMemo = growMemo(w.uniMemo, pn, len(w.pnodes))
	if m := w.uniMemo[pn]; m > 0 {
		return m == 2
	}
	parent := w.pnodes[pn].parent
	u := parent >= 0 && w.pnUniform(parent)
	if !u {
		var buf [16]string
		u = w.shape.uniform(w.shape.words(buf[:0], w.pathOf(pn)))
	}
	w.uniMemo[pn] = 1
	if u {
		w.uniMemo[pn] = 2
	}
	return u
}

// runItem is a stretch of a collapsed run's rows of one scope: a node's own
// lines, or whole uniform subtrees (rows counted only when needed).
type runItem struct {
	scope syncmap.Scope
	lines int            // own lines of a node, when subs is nil
	subs  []*config.Node // uniform subtrees, consecutive siblings: all their rows
}

// runScopes adds to set the scopes of the hidden middle of a collapsed
// run: its rows but the Context first and last.
func (w *rower) runScopes(run *collapsedRun, set ScopeSet) ScopeSet {
	if run.parentPN >= 0 && w.pnUniform(run.parentPN) {
		return set.Add(w.pnScope(run.parentPN)) // every row has the parent's scope
	}
	var buf [32]string
	path := w.pathOf(run.parentPN)
	var words []string
	if w.shape != nil {
		words = w.shape.words(buf[:0], path)
	}
	var items []runItem
	w.runItems(run.nodes, path, words, &items)

	// An item holds hidden rows when it ends after the first ctx rows and
	// starts before the last ctx: count from each end, exactly only as
	// far as ctx.
	ctx := max(0, w.o.Context)
	after := make([]bool, len(items))
	pos := 0
	for i := range items {
		if pos > ctx {
			after[i] = true
			continue
		}
		pos += w.itemRows(&items[i], ctx-pos+1)
		after[i] = pos > ctx
	}
	pos = 0
	for i := len(items) - 1; i >= 0 && pos <= ctx; i-- {
		pos += w.itemRows(&items[i], ctx-pos+1)
		if pos <= ctx {
			after[i] = false // within the last ctx rows
		}
	}
	for i := range items {
		if after[i] {
			set = set.Add(items[i].scope)
		}
	}
	return set
}

// runItems appends the items of nodes, consecutive siblings in row order
// under the parent at path (words: its words, when the map's shape is
// known), whose subtree is not known to be uniform.
func (w *rower) runItems(nodes []*config.Node, path config.Path, words []string, items *[]runItem) {
	var tails []locTail // the locations below the parent, less its words
	if w.shape != nil {
		tails = w.shape.tails(words)
	}
	parentScope, known := syncmap.Outside, false
	for i, n := range nodes {
		if config.IsRun(n) && (w.shape == nil || len(tails) > 0) {
			// A run of siblings that a location may reach: its children,
			// in its place.
			w.stubs.expand(n, nil)
			w.runItems(n.Children, path, words, items)
			continue
		}
		if w.shape != nil && !touches(tails, n.Name) {
			// No location reaches this child: it and its subtree have
			// the parent's scope.
			if !known {
				parentScope, known = w.o.Scope(path).Scope, true
			}
			addSub(items, nodes, i, parentScope)
			continue
		}
		path = append(path, n.Name)
		cw := words
		if w.shape != nil {
			cw = w.shape.words(words[:len(words):len(words)], path[len(path)-1:])
		}
		d := w.o.Scope(path).Scope
		if w.shape != nil && w.shape.uniform(cw) {
			addSub(items, nodes, i, d)
		} else {
			w.stubs.expand(n, nil) // a left node: its subtree's scopes differ
			if !isTag(w.fam, n) {
				*items = append(*items, runItem{scope: d, lines: max(1, len(n.Values))})
			}
			w.runItems(n.Children, path, cw, items)
		}
		path = path[:len(path)-1]
	}
}

// addSub adds the uniform subtree nodes[i] of scope sc to the items,
// joining it to the last item when that holds its previous sibling.
func addSub(items *[]runItem, nodes []*config.Node, i int, sc syncmap.Scope) {
	if k := len(*items) - 1; k >= 0 && i > 0 {
		last := &(*items)[k]
		if last.subs != nil && last.scope == sc && last.subs[len(last.subs)-1] == nodes[i-1] {
			last.subs = nodes[i-len(last.subs) : i+1]
			return
		}
	}
	*items = append(*items, runItem{scope: sc, subs: nodes[i : i+1]})
}

// locTail is what a location extending a node's words has beyond them.
type locTail struct {
	words []string
	wild  bool // a protected path: '*' matches any word
}

// touches reports whether a location of tails matches or extends a child
// named name: whether its words and the name's agree as far as both go.
// The name is split on the way, without allocating.
func touches(tails []locTail, name string) bool {
	if plainWord(name) {
		// One word (nearly every Vyatta name): compare it with each
		// tail's first.
		for _, t := range tails {
			if len(t.words) == 0 || t.words[0] == name || t.wild && t.words[0] == "*" {
				return true
			}
		}
		return false
	}
	var buf [8]string
	words := syncmap.NameWords(buf[:0], name)
	for _, t := range tails {
		same := true
		for i, tw := range t.words {
			if i >= len(words) {
				break // the name has fewer words: agreed so far
			}
			if words[i] != tw && !(t.wild && tw == "*") {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// plainWord reports whether a node name is one plain word (a name of
// several words, as in VRP, is left to the general case).
func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// itemRows is the number of rows of an item, or at least limit when it has
// that many.
func (w *rower) itemRows(it *runItem, limit int) int {
	if it.subs == nil {
		return it.lines
	}
	n := 0
	var count func(c *config.Node) bool
	count = func(c *config.Node) bool {
		if w.stubs != nil && c.Line < 0 {
			n += w.stubs.rows(c) // a left node
			return n < limit
		}
		if !isTag(w.fam, c) && !config.IsRun(c) {
			n += max(1, len(c.Values))
		}
		if n >= limit {
			return false
		}
		for _, k := range c.Children {
			if !count(k) {
				return false
			}
		}
		return true
	}
	for _, c := range it.subs {
		if !count(c) {
			break
		}
	}
	return n
}

// mapShape is where a sync-map's decisions can change: the locations of
// its rules and the protected paths of its family ('*' in those matches any
// word). A node's scope differs from its parent's only where a location
// names it.
type mapShape struct {
	locs   [][]string
	wild   []bool // locs[i] is a protected path
	maxLen int
}

func newMapShape(m *syncmap.Map) *mapShape {
	s := &mapShape{}
	for _, r := range m.Rules {
		s.locs, s.wild = append(s.locs, r.Location), append(s.wild, false)
		s.maxLen = max(s.maxLen, len(r.Location))
	}
	for _, p := range syncmap.ProtectedPaths(m.Family) {
		w := strings.Fields(p)
		s.locs, s.wild = append(s.locs, w), append(s.wild, true)
		s.maxLen = max(s.maxLen, len(w))
	}
	return s
}

// words appends the words of p to dst, as the map splits them; it stops
// at maxLen words, beyond which nothing changes.
func (s *mapShape) words(dst []string, p config.Path) []string {
	for _, name := range p {
		if len(dst) >= s.maxLen {
			break
		}
		dst = syncmap.NameWords(dst, name) // a plain word costs no allocation
	}
	return dst
}

// extends reports whether location i is longer than words and begins with
// them.
func (s *mapShape) extends(i int, words []string) bool {
	loc := s.locs[i]
	if len(loc) <= len(words) {
		return false
	}
	for k, w := range words {
		if loc[k] != w && !(s.wild[i] && loc[k] == "*") {
			return false
		}
	}
	return true
}

// uniform reports whether every node below the node of these words has its
// scope: no location extends them. It errs only towards false, which
// costs a fold some decisions, never its honesty.
func (s *mapShape) uniform(words []string) bool {
	if len(words) >= s.maxLen {
		return true
	}
	for i := range s.locs {
		if s.extends(i, words) {
			return false
		}
	}
	return true
}

// tails returns what the locations extending words have beyond them: a
// child that none of them reaches has its parent's scope and a uniform
// subtree.
func (s *mapShape) tails(words []string) []locTail {
	if len(words) >= s.maxLen {
		return nil
	}
	var out []locTail
	for i := range s.locs {
		if s.extends(i, words) {
			out = append(out, locTail{words: s.locs[i][len(words):], wild: s.wild[i]})
		}
	}
	return out
}

func (w *rower) pathOf(pn int32) config.Path {
	n := 0
	for k := pn; k >= 0; k = w.pnodes[k].parent {
		n++
	}
	// Rows' paths are cut from shared chunks, capacity capped: one
	// allocation per path would cost more than filling it.
	if len(w.pathChunk) < n {
		w.pathChunk = make([]string, max(n, pathChunkSize))
	}
	p := w.pathChunk[:n:n]
	w.pathChunk = w.pathChunk[n:]
	for k := pn; k >= 0; k = w.pnodes[k].parent {
		n--
		p[n] = w.pnodes[k].name
	}
	return p
}

// valuePair is one line of an aligned multi-value leaf: indexes into the
// left and right values, -1 on the side that lacks it.
type valuePair struct{ l, r int }

// alignValueSet aligns two value lists as alignValues does, then pairs a
// value moved elsewhere on the right with its left line: the values of a
// Vyatta leaf are a set (valuesEqual), so only values one side lacks are
// one-sided.
func alignValueSet(lv, rv []string) []valuePair {
	pairs := alignValues(lv, rv)
	added := map[string][]int{} // a right-only value → its indexes in pairs
	for k, vp := range pairs {
		if vp.l < 0 {
			added[rv[vp.r]] = append(added[rv[vp.r]], k)
		}
	}
	if len(added) == 0 {
		return pairs
	}
	drop := map[int]bool{}
	for k, vp := range pairs {
		if vp.r >= 0 || vp.l < 0 {
			continue
		}
		if ks := added[lv[vp.l]]; len(ks) > 0 {
			pairs[k].r = pairs[ks[0]].r
			drop[ks[0]] = true
			added[lv[vp.l]] = ks[1:]
		}
	}
	out := pairs[:0]
	for k, vp := range pairs {
		if !drop[k] {
			out = append(out, vp)
		}
	}
	return out
}

// alignValues aligns two value lists on a common subsequence: values
// matched by text, k-th occurrence with k-th, then the longest increasing
// run of matches (aligner.lis); values outside it are one-sided. Without
// repeated values that is a longest common subsequence.
func alignValues(lv, rv []string) []valuePair {
	a := aligner{matchL: make([]int, len(lv))}
	first := make(map[string][]int, len(rv))
	for j, v := range rv {
		first[v] = append(first[v], j)
	}
	for i, v := range lv {
		a.matchL[i] = -1
		if js := first[v]; len(js) > 0 {
			a.matchL[i], first[v] = js[0], js[1:]
		}
	}
	a.lis(len(lv), len(rv))
	anchorL, anchorR := a.anchor[:len(lv)], a.anchor[len(lv):]
	out := make([]valuePair, 0, max(len(lv), len(rv)))
	i, j := 0, 0
	for i < len(lv) || j < len(rv) {
		switch {
		case i < len(lv) && !anchorL[i]:
			out = append(out, valuePair{i, -1})
			i++
		case j < len(rv) && !anchorR[j]:
			out = append(out, valuePair{-1, j})
			j++
		case i < len(lv) && j < len(rv):
			out = append(out, valuePair{i, j})
			i++
			j++
		default:
			return out // unreachable: anchors come in pairs
		}
	}
	return out
}
