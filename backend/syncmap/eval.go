package syncmap

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
)

// state is what a node hands down to its children during a walk: the
// decision so far depends only on the rules whose location is no longer
// than the node's words, so children only need to look at longer ones.
type state struct {
	protected bool
	best      *Rule
}

func (s state) decision() Decision {
	switch {
	case s.protected:
		return Decision{Scope: Protected}
	case s.best == nil:
		return Decision{Scope: Outside}
	case s.best.Action == Exclude:
		return Decision{Scope: Excluded, Rule: s.best}
	}
	return Decision{Scope: InScope, Rule: s.best}
}

// start is the state above the top level: only rules with an empty
// location match there.
func (m *Map) start() state {
	var st state
	for i := range m.Rules {
		if r := &m.Rules[i]; len(r.Location) == 0 {
			st.best = better(st.best, r)
		}
	}
	return st
}

// matcher is a map prepared for a walk: the protected patterns split into
// words, and the longest location, beyond which no rule can match anew.
type matcher struct {
	m         *Map
	protected [][]string
	maxLen    int
}

func (m *Map) matcher() matcher {
	mt := matcher{m: m, protected: protectedWords()[m.Family]}
	for _, w := range mt.protected {
		mt.maxLen = max(mt.maxLen, len(w))
	}
	for _, r := range m.Rules {
		mt.maxLen = max(mt.maxLen, len(r.Location))
	}
	return mt
}

// step extends st, which holds for words[:from], to all of words.
func (mt *matcher) step(words []string, from int, st state) state {
	if st.protected || from >= mt.maxLen {
		return st
	}
	for _, p := range mt.protected {
		if len(p) > from && matchWords(p, words) {
			return state{protected: true}
		}
	}
	for i := range mt.m.Rules {
		r := &mt.m.Rules[i]
		if n := len(r.Location); n > from && n <= len(words) && hasPrefix(words, r.Location) {
			st.best = better(st.best, r)
		}
	}
	return st
}

// better returns the rule that decides between two matching rules: the
// longer location wins; on a tie exclude wins; otherwise the first one
// seen (the lower number, as rules are sorted) stays.
func better(cur, r *Rule) *Rule {
	switch {
	case cur == nil, len(r.Location) > len(cur.Location):
		return r
	case len(r.Location) == len(cur.Location) && r.Action == Exclude && cur.Action == Include:
		return r
	}
	return cur
}

// Decide returns the decision for the node at path p. It is a pure
// function of the path and the map.
func (m *Map) Decide(p config.Path) Decision {
	mt := m.matcher()
	var buf [32]string // most paths have fewer words: no allocation
	words := buf[:0]
	for _, name := range p {
		words = NameWords(words, name)
	}
	return mt.step(words, 0, m.start()).decision()
}

// protectedWords holds ProtectedPaths split into words, per family, built
// once: Decide runs for every row of a view.
var protectedWords = sync.OnceValue(func() map[config.Family][][]string {
	out := map[config.Family][][]string{}
	for _, fam := range []config.Family{config.Auto, config.Vyatta, config.Huawei} {
		for _, p := range ProtectedPaths(fam) {
			out[fam] = append(out[fam], strings.Fields(p))
		}
	}
	return out
})

// visitFunc receives each node with its path and words (both reused by the
// walk: copy them to keep them) and its decision.
type visitFunc func(path []string, words []string, n *config.Node, d Decision)

// walk visits every node of the tree below root once, depth first,
// carrying the words and the decision down instead of recomputing them.
func (m *Map) walk(root *config.Node, fn visitFunc) {
	if root == nil {
		return
	}
	mt := m.matcher()
	var visit func(parent *config.Node, path, words []string, st state)
	visit = func(parent *config.Node, path, words []string, st state) {
		for _, c := range parent.Children {
			cp := append(path, c.Name)
			cw := NameWords(words, c.Name)
			cs := mt.step(cw, len(words), st)
			fn(cp, cw, c, cs.decision())
			visit(c, cp, cw, cs)
		}
	}
	visit(root, make([]string, 0, 32), make([]string, 0, 64), m.start())
}

// Walk calls fn with the decision of every node of t, depth first in the
// children's order, in one walk. It is Evaluate without the map, for
// callers that go through the tree once anyway.
func (m *Map) Walk(t *config.Tree, fn func(n *config.Node, d Decision)) {
	if t == nil {
		return
	}
	m.walk(t.Root, func(_, _ []string, n *config.Node, d Decision) { fn(n, d) })
}

// AnyInScope reports whether the node n at path p, or a node below it, is
// in scope: whether a subtree present on one side only is a difference the
// map shares. It decides p once and carries the decision down, where a
// Decide per node would go through its whole path again.
func (m *Map) AnyInScope(p config.Path, n *config.Node) bool {
	mt := m.matcher()
	var words []string
	for _, name := range p {
		words = NameWords(words, name)
	}
	st := mt.step(words, 0, m.start())
	if st.decision().Scope == InScope {
		return true
	}
	var below func(parent *config.Node, words []string, st state) bool
	below = func(parent *config.Node, words []string, st state) bool {
		if st.protected || len(words) >= mt.maxLen {
			return false // no rule matches anew below: the decision stays
		}
		for _, c := range parent.Children {
			cw := NameWords(words, c.Name)
			cs := mt.step(cw, len(words), st)
			if cs.decision().Scope == InScope || below(c, cw, cs) {
				return true
			}
		}
		return false
	}
	return below(n, words, st)
}

// Evaluate decides every node of t in one walk.
func (m *Map) Evaluate(t *config.Tree) map[*config.Node]Decision {
	if t == nil || t.Root == nil {
		return map[*config.Node]Decision{}
	}
	out := make(map[*config.Node]Decision, t.Root.Count())
	m.walk(t.Root, func(_, _ []string, n *config.Node, d Decision) {
		out[n] = d
	})
	return out
}

// Scoped returns a copy of t holding only its in-scope nodes, with their
// ancestors as bare structure (name and printing hints, no values or
// comments). Two peers agree on everything the map shares exactly when
// their scoped trees are config.Equal.
func (m *Map) Scoped(t *config.Tree) *config.Tree {
	out := &config.Tree{Root: &config.Node{}}
	if t == nil {
		return out
	}
	out.Family, out.Source = t.Family, t.Source
	out.Meta = append([]string(nil), t.Meta...)
	if t.Root == nil {
		return out
	}
	// One walk that decides each node and copies it on the way back up,
	// rather than Evaluate's map and a second walk to read it.
	mt := m.matcher()
	var scoped func(parent *config.Node, words []string, st state) []*config.Node
	scoped = func(parent *config.Node, words []string, st state) []*config.Node {
		var kids []*config.Node
		for _, c := range parent.Children {
			cw := NameWords(words, c.Name)
			cs := mt.step(cw, len(words), st)
			grand := scoped(c, cw, cs)
			in := cs.decision().Scope == InScope
			if len(grand) == 0 && (!in || len(c.Values) == 0 && len(c.Children) > 0 && !c.Leaf) {
				// Out of scope, or in scope but only a container of
				// nodes the map does not share (not a leaf of its
				// own): no part of it is synced.
				continue
			}
			n := &config.Node{
				Name: c.Name, Line: c.Line, Children: grand,
				Tag: c.Tag, Leaf: c.Leaf, Ordered: c.Ordered, Secret: c.Secret,
			}
			if in {
				n.Values = append([]string(nil), c.Values...)
				n.Comment = c.Comment
			}
			kids = append(kids, n)
		}
		return kids
	}
	out.Root.Children = scoped(t.Root, make([]string, 0, 64), m.start())
	return out
}

// NameWords appends the words of a node's name to w, as a rule's location
// matches them; every front end that asks "does a location name this
// node" splits names with it. A VRP line `undo X`
// is X switched off, so it has X's words: it shares X's scope and
// protection (`undo hrp preempt` is protected like `hrp preempt delay
// 60`). A name of the one word `undo` stays as it is.
func NameWords(w []string, name string) []string {
	n := len(w)
	w = appendFields(w, name)
	if len(w) > n+1 && w[n] == "undo" {
		w = append(w[:n], w[n+1:]...)
	}
	return w
}

// appendFields appends the words of s to w as strings.Fields (and so
// config.Path.Words) splits them, without allocating a slice per name: a
// name is nearly always one plain word.
func appendFields(w []string, s string) []string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= utf8.RuneSelf {
			return append(w, strings.Fields(s)...)
		}
	}
	if s == "" {
		return w
	}
	return append(w, s)
}

// hasPrefix compares from the end: a location's last word is the one
// most likely to differ (firewall name A / firewall name B), and its
// first words have often been matched by the node's ancestors already.
func hasPrefix(words, prefix []string) bool {
	if len(prefix) > len(words) {
		return false
	}
	for i := len(prefix) - 1; i >= 0; i-- {
		if words[i] != prefix[i] {
			return false
		}
	}
	return true
}

// matchWords reports whether pattern words p ("*" = any one word) are a
// prefix of words.
func matchWords(p, words []string) bool {
	if len(p) > len(words) {
		return false
	}
	for i, w := range p {
		if w != "*" && w != words[i] {
			return false
		}
	}
	return true
}

// String reads like the UI shows it: "in-scope (rule 10)".
func (d Decision) String() string {
	if d.Rule == nil {
		return d.Scope.String()
	}
	return d.Scope.String() + " (rule " + strconv.Itoa(d.Rule.Number) + ")"
}
