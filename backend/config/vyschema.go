package config

import (
	"hash/maphash"

	"github.com/hasync/hasync/backend/config/schema"
)

// vyKinds caches what the parsers and the printer ask of the schema: the
// position after a word and what the schema says of it. schema.Cursor's
// Step searches the children by name, costing more than a lookup here,
// and a configuration visits few distinct positions many times (every
// rule of every rule set steps to the same `action`). The table is
// direct-mapped: a slot holds the last answer whose hash fell on it.
type vyKinds struct {
	steps [vyStepSlots]vyStepSlot
}

const vyStepSlots = 1024

type vyStepSlot struct {
	parent, child schema.Cursor
	word          string
	k             vyKind
	ok            bool
}

// vyKind is the part of schema.Info the parsers use (schema.Cursor.Shape).
type vyKind struct {
	kind      schema.Kind
	multi     bool
	valueless bool
}

// vyKindSeed seeds the hashes of positions and words; it is set once and
// only read.
var vyKindSeed = maphash.MakeSeed()

// vyUnknown is the position of a path the schema does not know.
var vyUnknown schema.Cursor

// hash returns the hash of a position, which step takes so that a parent
// is hashed once for all its children.
func (k *vyKinds) hash(c schema.Cursor) uint64 {
	if c == vyUnknown {
		return 0
	}
	return maphash.Comparable(vyKindSeed, c)
}

// vyWordHash is FNV-1a: words are short, and a call to a general hash
// cost more than the table lookup it serves.
func vyWordHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return h
}

// at returns what the schema says of the position c.
func (k *vyKinds) at(c schema.Cursor) vyKind {
	in := c.Shape()
	return vyKind{kind: in.Kind, multi: in.Multi, valueless: in.Valueless}
}

// step returns the position after word below c (whose hash is ch) and
// what the schema says of it.
func (k *vyKinds) step(c schema.Cursor, ch uint64, word string) (schema.Cursor, vyKind) {
	if c == vyUnknown {
		return c, vyKind{}
	}
	s := &k.steps[(ch^vyWordHash(word))%vyStepSlots]
	if s.ok && s.parent == c && s.word == word {
		return s.child, s.k
	}
	n := c.Step(word)
	v := k.at(n)
	*s = vyStepSlot{parent: c, child: n, word: word, k: v, ok: true}
	return n, v
}
