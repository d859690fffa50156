package config

import "hash/maphash"

// childIndex finds the children of one large parent by name, for both
// parsers (a large VRP section, a Vyatta rule set). It is a small
// open-addressing table rather than a map[string]*Node because nearly
// every line of a large section is a new name: a map would hash that name
// to look it up, again to insert it, and again each time the map grows,
// where this table hashes it once and keeps the hash for growing.
type childIndex struct {
	seed  maphash.Seed
	slots []childSlot // a power of two long, at most three quarters full
	used  int         // slots holding a node or a tombstone
}

// childSlot is one slot: hash 0 is empty; a hash with a nil node is a
// tombstone left by remove, which lookups step over.
type childSlot struct {
	hash uint64
	node *Node
}

func newChildIndex(seed maphash.Seed, size int) *childIndex {
	n := 16
	for 3*n < 4*size {
		n *= 2
	}
	return &childIndex{seed: seed, slots: newSlots(n)}
}

// newSlots returns n empty slots, written once before use. A large table
// comes in fresh pages, and the probes read a slot before writing it: a
// read maps the shared zero page, and the write after it faults again and
// flushes the TLB of every thread (the other file parses on another
// thread). Clearing first takes one fault per page.
func newSlots(n int) []childSlot {
	s := make([]childSlot, n)
	clear(s)
	return s
}

// hash is never 0, which marks an empty slot.
func (x *childIndex) hash(name string) uint64 { return maphash.String(x.seed, name) | 1 }

// get returns the node named name (nil if none) and the name's hash, for
// put.
func (x *childIndex) get(name string) (*Node, uint64) {
	h := x.hash(name)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		switch {
		case s.hash == 0:
			return nil, h
		case s.hash == h && s.node != nil && s.node.Name == name:
			return s.node, h
		}
	}
}

// put adds n, whose name hashes to h and is not in the table yet.
func (x *childIndex) put(h uint64, n *Node) {
	if 4*(x.used+1) > 3*len(x.slots) {
		x.grow()
	}
	x.insert(h, n)
}

func (x *childIndex) insert(h uint64, n *Node) {
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for x.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = childSlot{hash: h, node: n}
	x.used++
}

// grow doubles the table, dropping tombstones.
func (x *childIndex) grow() {
	old := x.slots
	x.slots = newSlots(2 * len(old))
	x.used = 0
	for _, s := range old {
		if s.node != nil {
			x.insert(s.hash, s.node)
		}
	}
}

// remove takes n out of the table, under its current name.
func (x *childIndex) remove(n *Node) {
	h := x.hash(n.Name)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; x.slots[i].hash != 0; i = (i + 1) & mask {
		if x.slots[i].node == n {
			x.slots[i].node = nil
			return
		}
	}
}

// childIndexes holds, for one parse, the childIndex of each parent that
// reached min children; smaller parents are scanned, which is cheaper
// than hashing.
type childIndexes struct {
	min      int
	seed     maphash.Seed
	byParent map[*Node]*childIndex
	// lastParent and lastIndex cache the index of the parent last looked
	// up: consecutive lines mostly share their parent.
	lastParent *Node
	lastIndex  *childIndex
}

func newChildIndexes(min int) childIndexes {
	return childIndexes{min: min, seed: maphash.MakeSeed(), byParent: make(map[*Node]*childIndex)}
}

// of returns the index of parent's children, or nil when parent is small
// enough to scan: a parent below min children is not looked up at all.
func (xs *childIndexes) of(parent *Node) *childIndex {
	if parent != xs.lastParent {
		var x *childIndex
		if len(parent.Children) >= xs.min {
			x = xs.byParent[parent]
		}
		xs.lastParent, xs.lastIndex = parent, x
	}
	return xs.lastIndex
}

// build indexes parent's children; of two with one name, the first is
// found.
func (xs *childIndexes) build(parent *Node) {
	x := newChildIndex(xs.seed, 2*len(parent.Children))
	for _, c := range parent.Children {
		if old, h := x.get(c.Name); old == nil {
			x.put(h, c)
		}
	}
	xs.byParent[parent] = x
	xs.lastParent, xs.lastIndex = parent, x
}

// drop forgets parent's index, when its children are gone.
func (xs *childIndexes) drop(parent *Node) {
	delete(xs.byParent, parent)
	if parent == xs.lastParent {
		xs.lastIndex = nil
	}
}

// find returns the child of parent named name, or nil; x and h are for
// added when the caller then creates the child.
func (xs *childIndexes) find(parent *Node, name string) (n *Node, x *childIndex, h uint64) {
	if x = xs.of(parent); x != nil {
		n, h = x.get(name)
		return n, x, h
	}
	for _, c := range parent.Children {
		if c.Name == name {
			return c, nil, 0
		}
	}
	return nil, nil, 0
}

// added records c, just added to parent's children after find gave x and
// h for its name: into the index, or by building one when parent has
// reached min children.
func (xs *childIndexes) added(parent, c *Node, x *childIndex, h uint64) {
	switch {
	case x != nil:
		x.put(h, c)
	case len(parent.Children) >= xs.min:
		xs.build(parent)
	}
}

// renamed records that n, a child of parent, is now named n.Name (after
// the index's remove took it out under its old name).
func (xs *childIndexes) renamed(parent, n *Node) {
	if x := xs.of(parent); x != nil {
		if old, h := x.get(n.Name); old == nil {
			x.put(h, n)
		}
		return
	}
	if len(parent.Children) >= xs.min {
		xs.build(parent)
	}
}
