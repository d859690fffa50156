package plan

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// Random trees for the Vyatta contract: a small alphabet of names and values
// so that the two sides share paths, differ in values, hold multi-valued
// leaves, nodes with both values and children, and values that need
// quoting.

var (
	vyRandNames  = []string{"a", "b", "c", "10", "2", "x y"}
	vyRandValues = []string{"1", "2", "3", "it's", `C:\new`, "two words", ""}
)

// vyRandTree builds a tree from the choices of next (each call returns a
// number below n), so that a fuzz input and a seeded generator drive the
// same code.
func vyRandTree(next func(n int) int, depth int) *config.Node {
	n := &config.Node{}
	kids := next(4)
	if depth == 0 {
		kids = 0
	}
	for range kids {
		name := vyRandNames[next(len(vyRandNames))]
		if n.Child(name) != nil {
			continue
		}
		c := vyRandTree(next, depth-1)
		c.Name = name
		n.Children = append(n.Children, c)
	}
	if kids == 0 || next(4) == 0 {
		for range next(4) {
			v := vyRandValues[next(len(vyRandValues))]
			dup := false
			for _, have := range n.Values {
				dup = dup || have == v
			}
			if !dup {
				n.Values = append(n.Values, v)
			}
		}
		n.Leaf = len(n.Children) == 0
	}
	return n
}

// vyRandMutate returns a copy of n with some values and children changed,
// added, removed or reordered.
func vyRandMutate(next func(n int) int, n *config.Node, depth int) *config.Node {
	out := &config.Node{Name: n.Name, Leaf: n.Leaf, Values: append([]string(nil), n.Values...)}
	switch next(6) {
	case 0:
		if len(out.Values) > 0 {
			out.Values = out.Values[1:]
		}
	case 1:
		v := vyRandValues[next(len(vyRandValues))]
		dup := false
		for _, have := range out.Values {
			dup = dup || have == v
		}
		if !dup {
			out.Values = append(out.Values, v)
		}
	case 2:
		if len(out.Values) > 1 {
			out.Values[0], out.Values[1] = out.Values[1], out.Values[0]
		}
	}
	for _, c := range n.Children {
		switch next(5) {
		case 0: // gone
		case 1:
			out.Children = append(out.Children, c.Clone())
		default:
			out.Children = append(out.Children, vyRandMutate(next, c, depth-1))
		}
	}
	if depth > 0 && !n.Leaf && next(3) == 0 { // a leaf stays a leaf: a path has one kind on a device
		c := vyRandTree(next, depth-1)
		c.Name = vyRandNames[next(len(vyRandNames))]
		if n.Child(c.Name) == nil && out.Child(c.Name) == nil { // not a name of another kind
			out.Children = append(out.Children, c)
		}
	}
	return out
}

// vyRandMap is the default map, or one of a few include/exclude maps over
// the alphabet.
func vyRandMap(t *testing.T, next func(n int) int, l *config.Tree) *syncmap.Map {
	maps := [][2][]string{
		{{"a"}, nil},
		{{"a", "b"}, {"a b"}},
		{{"a b"}, {"a b c"}},
		{{"10"}, {"10 2"}},
	}
	k := next(len(maps) + 1)
	if k == len(maps) {
		return syncmap.Default(config.Vyatta, l)
	}
	m, err := syncmap.FromFlags(maps[k][0], maps[k][1])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func vyRandPair(next func(n int) int) (*config.Tree, *config.Tree) {
	l := vyRandTree(next, 3)
	r := vyRandMutate(next, l, 3)
	return &config.Tree{Family: config.Vyatta, Root: l, Source: "l"}, &config.Tree{Family: config.Vyatta, Root: r, Source: "r"}
}

// TestVyattaContractRandom runs the contract over seeded random pairs.
func TestVyattaContractRandom(t *testing.T) {
	const pairs = 3000
	rng := rand.New(rand.NewPCG(7, 11))
	next := func(n int) int { return rng.IntN(n) }
	cmds := 0
	for i := range pairs {
		l, r := vyRandPair(next)
		m := vyRandMap(t, next, l)
		cmds += checkVyContract(t, "random pair "+strconv.Itoa(i), l, r, m)
		if t.Failed() {
			break
		}
	}
	t.Logf("Vyatta contract: %d random pairs, %d commands applied", pairs, cmds)
}

// FuzzVyattaPlan builds two trees and a map from the fuzz input and checks
// the contract.
func FuzzVyattaPlan(f *testing.F) {
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Add([]byte("seed: multi-valued leaves and nodes with values and children"))
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		next := func(n int) int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1]) % n
		}
		l, r := vyRandPair(next)
		checkVyContract(t, "fuzz pair", l, r, vyRandMap(t, next, l))
	})
}
