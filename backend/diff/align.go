package diff

import (
	"slices"

	"github.com/hasync/hasync/backend/config"
)

// pairKind says how a child appears in the merged order of two parents.
type pairKind uint8

const (
	pairBoth      pairKind = iota // on both sides, in place
	pairMoved                     // on both sides, at its right position
	pairMovedFrom                 // the left position of a moved child
	pairLeft                      // only on the left
	pairRight                     // only on the right
)

// pair is one child in the merged order: li and ri index the parents'
// Children (-1 when absent).
type pair struct {
	l, r   *config.Node
	li, ri int
	kind   pairKind
}

// aligner matches the children of two parents. Its slices are scratch
// space reused from one parent to the next: a parent's pairs are appended
// to buf and the caller truncates buf once it has walked them, so the walk
// below it can reuse the tail.
type aligner struct {
	fam    config.Family
	o      *Options
	buf    []pair
	matchL []int // left index -> right index; -1 unmatched, -2 ignored
	matchR []int
	next   []int
	anchor []bool // left then right: in the longest common order
	tails  []int
	prev   []int
}

const ignoredIdx = -2

// align appends the merged order of l's and r's children to a.buf and
// returns where it starts. Either parent may be nil (a one-sided subtree).
func (a *aligner) align(l, r *config.Node) int {
	start := len(a.buf)
	var lc, rc []*config.Node
	if l != nil {
		lc = l.Children
	}
	if r != nil {
		rc = r.Children
	}
	// Room for the worst case at once: growing a.buf pair by pair would
	// copy it again and again below a large parent.
	a.buf = slices.Grow(a.buf, len(lc)+len(rc))
	switch {
	case len(rc) == 0:
		for i, c := range lc {
			if !a.skip(l, c) {
				a.buf = append(a.buf, pair{l: c, li: i, ri: -1, kind: pairLeft})
			}
		}
	case len(lc) == 0:
		for j, c := range rc {
			if !a.skip(r, c) {
				a.buf = append(a.buf, pair{r: c, li: -1, ri: j, kind: pairRight})
			}
		}
	case sameNames(lc, rc):
		// The common case of two parents with the same children in the
		// same order needs no ordering at all, whatever the parent.
		for i := range lc {
			if !a.skip(l, lc[i]) && !a.skip(r, rc[i]) {
				a.buf = append(a.buf, pair{l: lc[i], r: rc[i], li: i, ri: i, kind: pairBoth})
			}
		}
	case l.Ordered || r.Ordered:
		a.match(l, r)
		a.ordered(lc, rc)
	case sorted(lc) && sorted(rc):
		a.mergeJoin(l, r)
	default:
		a.match(l, r)
		a.unordered(lc, rc)
	}
	return start
}

func (a *aligner) skip(parent, c *config.Node) bool {
	return len(a.o.Ignore) > 0 && a.o.ignored(a.fam, parent, c)
}

func sameNames(lc, rc []*config.Node) bool {
	if len(lc) != len(rc) {
		return false
	}
	for i := range lc {
		if lc[i].Name != rc[i].Name {
			return false
		}
	}
	return true
}

// sorted reports whether names strictly increase in natural order, which
// also rules out duplicate names.
func sorted(cs []*config.Node) bool {
	for i := 1; i < len(cs); i++ {
		if !config.NaturalLess(cs[i-1].Name, cs[i].Name) {
			return false
		}
	}
	return true
}

// mergeJoin aligns two naturally sorted child lists in one pass.
func (a *aligner) mergeJoin(l, r *config.Node) {
	lc, rc := l.Children, r.Children
	i, j := 0, 0
	for i < len(lc) || j < len(rc) {
		if i < len(lc) && a.skip(l, lc[i]) {
			i++
			continue
		}
		if j < len(rc) && a.skip(r, rc[j]) {
			j++
			continue
		}
		switch {
		case i == len(lc):
			a.buf = append(a.buf, pair{r: rc[j], li: -1, ri: j, kind: pairRight})
			j++
		case j == len(rc):
			a.buf = append(a.buf, pair{l: lc[i], li: i, ri: -1, kind: pairLeft})
			i++
		case lc[i].Name == rc[j].Name:
			a.buf = append(a.buf, pair{l: lc[i], r: rc[j], li: i, ri: j, kind: pairBoth})
			i++
			j++
		case config.NaturalLess(lc[i].Name, rc[j].Name):
			a.buf = append(a.buf, pair{l: lc[i], li: i, ri: -1, kind: pairLeft})
			i++
		default:
			a.buf = append(a.buf, pair{r: rc[j], li: -1, ri: j, kind: pairRight})
			j++
		}
	}
}

// match pairs children by name, the k-th occurrence of a name on the left
// with its k-th occurrence on the right, filling matchL and matchR.
func (a *aligner) match(l, r *config.Node) {
	lc, rc := l.Children, r.Children
	a.matchL = fill(a.matchL, len(lc), -1)
	a.matchR = fill(a.matchR, len(rc), -1)
	a.next = fill(a.next, len(rc), -1)
	first := make(map[string]int, len(rc))
	for j := len(rc) - 1; j >= 0; j-- {
		if a.skip(r, rc[j]) {
			a.matchR[j] = ignoredIdx
			continue
		}
		if k, ok := first[rc[j].Name]; ok {
			a.next[j] = k
		}
		first[rc[j].Name] = j
	}
	for i, c := range lc {
		if a.skip(l, c) {
			a.matchL[i] = ignoredIdx
			continue
		}
		j, ok := first[c.Name]
		if !ok {
			continue
		}
		a.matchL[i], a.matchR[j] = j, i
		if a.next[j] >= 0 {
			first[c.Name] = a.next[j]
		} else {
			delete(first, c.Name)
		}
	}
}

// unordered emits matched children in left order, inserting right-only
// children where they sit on the right.
func (a *aligner) unordered(lc, rc []*config.Node) {
	i, j := 0, 0
	for i < len(lc) || j < len(rc) {
		switch {
		case j < len(rc) && (a.matchR[j] == ignoredIdx || (a.matchR[j] >= 0 && a.matchR[j] < i)):
			j++ // ignored, or emitted with its left partner
		case i < len(lc) && a.matchL[i] == ignoredIdx:
			i++
		case i < len(lc) && a.matchL[i] < 0:
			a.buf = append(a.buf, pair{l: lc[i], li: i, ri: -1, kind: pairLeft})
			i++
		case j < len(rc) && a.matchR[j] < 0:
			a.buf = append(a.buf, pair{r: rc[j], li: -1, ri: j, kind: pairRight})
			j++
		case i < len(lc):
			k := a.matchL[i]
			a.buf = append(a.buf, pair{l: lc[i], r: rc[k], li: i, ri: k, kind: pairBoth})
			i++
		default:
			j++ // unreachable: every matched right child has a left partner
		}
	}
}

// ordered keeps the longest common order of the matched children as
// anchors (with unique names the LCS is the longest increasing run of
// right indexes in left order); the other matched children are moves,
// shown at their right position with a placeholder at their left one.
func (a *aligner) ordered(lc, rc []*config.Node) {
	nl, nr := len(lc), len(rc)
	a.lis(nl, nr)
	anchorL, anchorR := a.anchor[:nl], a.anchor[nl:]
	i, j := 0, 0
	for i < nl || j < nr {
		if i < nl && !anchorL[i] {
			switch k := a.matchL[i]; {
			case k == -1:
				a.buf = append(a.buf, pair{l: lc[i], li: i, ri: -1, kind: pairLeft})
			case k >= 0:
				a.buf = append(a.buf, pair{l: lc[i], r: rc[k], li: i, ri: k, kind: pairMovedFrom})
			}
			i++
			continue
		}
		if j < nr && !anchorR[j] {
			switch k := a.matchR[j]; {
			case k == -1:
				a.buf = append(a.buf, pair{r: rc[j], li: -1, ri: j, kind: pairRight})
			case k >= 0:
				a.buf = append(a.buf, pair{l: lc[k], r: rc[j], li: k, ri: j, kind: pairMoved})
			}
			j++
			continue
		}
		if i >= nl || j >= nr {
			break // unreachable: anchors come in pairs
		}
		a.buf = append(a.buf, pair{l: lc[i], r: rc[j], li: i, ri: j, kind: pairBoth})
		i++
		j++
	}
}

// lis marks in a.anchor the matched pairs of one longest increasing
// sequence of matchL (patience method, O(n log n)).
func (a *aligner) lis(nl, nr int) {
	a.anchor = fillBool(a.anchor, nl+nr)
	a.tails = a.tails[:0]
	a.prev = fill(a.prev, nl, -1)
	for i := 0; i < nl; i++ {
		v := a.matchL[i]
		if v < 0 {
			continue
		}
		lo, hi := 0, len(a.tails)
		for lo < hi {
			m := (lo + hi) / 2
			if a.matchL[a.tails[m]] < v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 {
			a.prev[i] = a.tails[lo-1]
		}
		if lo == len(a.tails) {
			a.tails = append(a.tails, i)
		} else {
			a.tails[lo] = i
		}
	}
	if len(a.tails) == 0 {
		return
	}
	for i := a.tails[len(a.tails)-1]; i >= 0; i = a.prev[i] {
		a.anchor[i] = true
		a.anchor[nl+a.matchL[i]] = true
	}
}

func fill(s []int, n, v int) []int {
	if cap(s) < n {
		s = make([]int, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = v
	}
	return s
}

func fillBool(s []bool, n int) []bool {
	if cap(s) < n {
		s = make([]bool, n)
	}
	s = s[:n]
	clear(s)
	return s
}
