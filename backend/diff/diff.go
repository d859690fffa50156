package diff

import "github.com/hasync/hasync/backend/config"

// Trees returns the changes that turn a (LEFT, the source) into b (RIGHT,
// the target), in merged tree order: left order, right-only nodes where
// they sit on the right, a moved node at its right position. A nil tree
// counts as empty.
func Trees(a, b *config.Tree, o Options) []Change {
	d := newDiffer(a, b, &o)
	d.walk(root(a), root(b))
	return d.out
}

// Equal reports whether Trees would return no change; it stops at the
// first difference.
func Equal(a, b *config.Tree, o Options) bool {
	d := newDiffer(a, b, &o)
	d.stop = true
	d.walk(root(a), root(b))
	return len(d.out) == 0
}

type differ struct {
	o    *Options
	al   aligner
	path []string // the path of the node being compared, reused
	out  []Change
	stop bool // Equal: stop at the first change
	// stubs, for trees of config.ParsePairFast: two stubs of one pair
	// are equal; nil for others.
	stubs *stubs
}

func newDiffer(a, b *config.Tree, o *Options) *differ {
	return &differ{o: o, al: aligner{fam: family(a, b), o: o}, path: make([]string, 0, 16), stubs: newStubs(a, b)}
}

func root(t *config.Tree) *config.Node {
	if t == nil || t.Root == nil {
		return &config.Node{}
	}
	return t.Root
}

func (d *differ) emit(c Change) {
	c.Path = append(config.Path(nil), d.path...)
	d.out = append(d.out, c)
}

// walk compares the children of two parents present on both sides.
func (d *differ) walk(l, r *config.Node) {
	if len(l.Children) == 0 && len(r.Children) == 0 {
		return
	}
	start := d.al.align(l, r)
	end := len(d.al.buf)
	d.stubs.indexes(l, r, d.al.buf[start:end])
	for k := start; k < end && !(d.stop && len(d.out) > 0); k++ {
		p := d.al.buf[k]
		if p.kind == pairBoth && config.IsRun(p.l) {
			d.run(p)
			continue
		}
		switch p.kind {
		case pairLeft:
			d.path = append(d.path, p.l.Name)
			d.emit(Change{Kind: Removed, Left: p.l, From: p.li, To: -1})
		case pairRight:
			d.path = append(d.path, p.r.Name)
			d.emit(Change{Kind: Added, Right: p.r, From: -1, To: p.ri})
		case pairMovedFrom:
			continue // reported at its right position
		case pairMoved:
			d.path = append(d.path, p.r.Name)
			d.emit(Change{Kind: Moved, Left: p.l, Right: p.r, From: p.li, To: p.ri})
			d.node(p)
		default:
			d.path = append(d.path, p.r.Name)
			d.node(p)
		}
		d.path = d.path[:len(d.path)-1]
	}
	d.al.buf = d.al.buf[:start]
}

// run compares two runs of siblings (config.IsRun: their trees are of
// one ParsePairFast, where each run has its twin at the same place, of
// the same bytes): equal stubs, or their children compared as their
// parents' own (nothing differs there: the indexes of Change.From and
// To would count from the run's first).
func (d *differ) run(p pair) {
	if _, ok := d.stubs.same(p.l, p.r); ok {
		return
	}
	d.stubs.expand(p.l, p.r)
	d.walk(p.l, p.r)
}

// node compares a node present on both sides, then its children.
func (d *differ) node(p pair) {
	if d.stubs != nil && (p.l.Line < 0 || p.r.Line < 0) {
		if _, ok := d.stubs.same(p.l, p.r); ok {
			return
		}
		d.stubs.expand(p.l, p.r)
	}
	if !d.o.valuesEqual(d.al.fam, p.l, p.r) {
		d.emit(Change{Kind: Changed, Left: p.l, Right: p.r, From: p.li, To: p.ri})
	}
	d.walk(p.l, p.r)
}
