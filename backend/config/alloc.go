package config

// nodeAlloc hands out nodes, first values and exact children slices in
// chunks, for both parsers: a 100k-line file makes about as many nodes,
// and one allocation each would dominate parsing.
type nodeAlloc struct {
	made  int // nodes handed out
	nodes []Node
	vals  []string
	kids  []*Node
}

// allocChunk is how many nodes or values are allocated at once;
// allocKidChunk how many child pointers (larger children slices get their
// own allocation).
const (
	allocChunk    = 512
	allocKidChunk = 1024
)

// node returns a zero node from the current chunk.
func (a *nodeAlloc) node() *Node {
	if len(a.nodes) == 0 {
		a.nodes = make([]Node, allocChunk)
	}
	n := &a.nodes[0]
	a.nodes = a.nodes[1:]
	a.made++
	return n
}

// addValue appends v to n.Values; a first value takes a one-element slice
// from a shared chunk (its capacity is capped, so a second value copies).
func (a *nodeAlloc) addValue(n *Node, v string) {
	if n.Values != nil {
		n.Values = append(n.Values, v)
		return
	}
	if len(a.vals) == 0 {
		a.vals = make([]string, allocChunk)
	}
	a.vals[0] = v
	n.Values = a.vals[0:1:1]
	a.vals = a.vals[1:]
}

// exactKids copies a closed block's children into a slice of their size
// (nil for none), capacity capped.
func (a *nodeAlloc) exactKids(kids []*Node) []*Node {
	n := len(kids)
	switch {
	case n == 0:
		return nil
	case n > allocKidChunk/4:
		return append([]*Node(nil), kids...)
	}
	if len(a.kids) < n {
		a.kids = make([]*Node, allocKidChunk)
	}
	out := a.kids[:n:n]
	a.kids = a.kids[n:]
	copy(out, kids)
	return out
}

// openRuns holds the children of the open blocks (a Vyatta `{` block, a
// VRP header line), one run per block in nesting order, so that a block's
// children get one exact slice when it closes instead of a slice per
// doubling: most blocks have a handful of children, and those small slices
// were a tenth of the parse. Each open block's Children is its run,
// capacity capped. Other parents (the root, nodes that are not blocks)
// append as usual.
type openRuns struct {
	kids   []*Node
	blocks []openRun
}

// openRun is an open block's node and where its run in kids begins.
type openRun struct {
	node  *Node
	start int
}

// innermost returns the innermost open block, or nil.
func (r *openRuns) innermost() *Node {
	if len(r.blocks) == 0 {
		return nil
	}
	return r.blocks[len(r.blocks)-1].node
}

// open makes n the innermost open block. A block opened again (a second
// `firewall {`, a VRP header merged into one read earlier) brings the
// children it already has.
func (r *openRuns) open(n *Node) {
	r.blocks = append(r.blocks, openRun{node: n, start: len(r.kids)})
	r.kids = append(r.kids, n.Children...)
	r.realias()
}

// close gives the innermost block its children in a slice of their size.
func (r *openRuns) close(a *nodeAlloc) {
	k := len(r.blocks) - 1
	blk := r.blocks[k]
	blk.node.Children = a.exactKids(r.kids[blk.start:])
	r.kids = r.kids[:blk.start]
	r.blocks = r.blocks[:k]
}

// add appends c to p's children: to p's run when p is the innermost open
// block. Children are only added to the innermost block or to a node that
// is not a block: the blocks around it are its ancestors.
func (r *openRuns) add(p, c *Node) {
	k := len(r.blocks) - 1
	if k < 0 || r.blocks[k].node != p {
		p.Children = append(p.Children, c)
		return
	}
	grown := len(r.kids) == cap(r.kids)
	r.kids = append(r.kids, c)
	if grown {
		r.realias()
		return
	}
	p.Children = r.kids[r.blocks[k].start:len(r.kids):len(r.kids)]
}

// remove takes c out of p's children, which is the innermost block's run
// when p is that block, under the same rule as add.
func (r *openRuns) remove(p, c *Node) {
	kids := p.Children
	for i := len(kids) - 1; i >= 0; i-- {
		if kids[i] == c {
			kids = append(kids[:i], kids[i+1:]...)
			if p == r.innermost() {
				r.kids = r.kids[:len(r.kids)-1]
				kids = kids[:len(kids):len(kids)]
			}
			p.Children = kids
			return
		}
	}
}

// realias points each open block's Children at its run of kids, after
// kids moved to a larger array.
func (r *openRuns) realias() {
	for i, blk := range r.blocks {
		end := len(r.kids)
		if i+1 < len(r.blocks) {
			end = r.blocks[i+1].start
		}
		blk.node.Children = r.kids[blk.start:end:end]
	}
}
