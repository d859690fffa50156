package diff

import (
	"slices"

	"github.com/hasync/hasync/backend/config"
)

// stubs deals with the stubs of two trees of config.ParsePairFast: two
// stubs of one pair stand for byte-equal subtrees, equal and of known
// rows; anything that needs a stub's content expands it first.
type stubs struct {
	a, b *config.Tree
}

// newStubs returns nil unless a or b may hold stubs.
func newStubs(a, b *config.Tree) *stubs {
	if !a.HasStubs() && !b.HasStubs() {
		return nil
	}
	return &stubs{a: a, b: b}
}

// same reports whether l (of a) and r (of b), aligned at one path, are
// stubs of the same bytes, and the rows each gives.
func (s *stubs) same(l, r *config.Node) (int, bool) {
	if !config.SameStubs(s.a, l, s.b, r) {
		return 0, false
	}
	return s.a.StubRows(l), true
}

// expand parses l (of a) and r (of b) where they are stubs; either may
// be nil.
func (s *stubs) expand(l, r *config.Node) {
	if s == nil {
		return
	}
	if l != nil && r != nil && l.Line < 0 && r.Line < 0 {
		config.ExpandPair(s.a, l, s.b, r)
		return
	}
	if l != nil && l.Line < 0 {
		s.a.Expand(l)
	}
	if r != nil && r.Line < 0 {
		s.b.Expand(r)
	}
}

// rows is the rows of the stub n of a.
func (s *stubs) rows(n *config.Node) int { return s.a.StubRows(n) }

// indexes makes the children's indexes of pairs (li, ri), aligned from
// the children of l and r, count each run among them (config.IsRun) as
// the children it stands for, as Change.From and To do.
func (s *stubs) indexes(l, r *config.Node, pairs []pair) {
	if s == nil {
		return
	}
	lo, ro := runIndexes(s.a, l), runIndexes(s.b, r)
	if lo == nil && ro == nil {
		return
	}
	for i := range pairs {
		p := &pairs[i]
		if lo != nil && p.li >= 0 {
			p.li = lo[p.li]
		}
		if ro != nil && p.ri >= 0 {
			p.ri = ro[p.ri]
		}
	}
}

// runIndexes returns the index of each child of n (of t) counting runs'
// members, or nil when no child is a run.
func runIndexes(t *config.Tree, n *config.Node) []int {
	if n == nil || !slices.ContainsFunc(n.Children, config.IsRun) {
		return nil
	}
	out := make([]int, len(n.Children))
	k := 0
	for i, c := range n.Children {
		out[i] = k
		k += t.RunLen(c)
	}
	return out
}
