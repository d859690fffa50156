package plan

import (
	"bytes"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// vyattaPlan builds `delete` then `set` commands. A Vyatta commit validates
// the final state as a whole, so inside one commit the order only has to
// put every delete before the sets that refill the same node.
//
// Device semantics (DOMAIN.md, Vyatta family): `set` on a single-valued
// leaf replaces its value and on a multi-valued leaf adds one at the end;
// `delete P 'V'` removes one value; `delete P` removes P and all below.
type vyattaPlan struct {
	p       *Plan
	o       Options
	m       *syncmap.Map
	source  *config.Tree // the whole source, to see what stays named
	target  *config.Tree // the whole target, to see what a delete would take along
	deletes []string
	sets    []string
	// delFrom and setFrom are, per command, the path of the change it
	// comes from (Step.Change); from is the change being planned.
	delFrom, setFrom []config.Path
	from             config.Path
	// named indexes the target's nodes by the values they hold
	// (descriptions aside), in tree order: the lines that may name a
	// node. Built on first use by referencedBy.
	named map[string][]config.Path
}

func buildVyatta(p *Plan, source, target *config.Tree, m *syncmap.Map, changes []diff.Change, o Options) {
	v := &vyattaPlan{p: p, o: o, m: m, source: source, target: target}
	for _, c := range changes {
		v.from = c.Path
		v.change(c)
	}
	p.Commands = append(v.deletes, v.sets...)
	p.Steps = vyattaSteps(p, append(v.delFrom, v.setFrom...))
}

func (v *vyattaPlan) change(c diff.Change) {
	switch c.Kind {
	case diff.Removed: // only on the source: the target lacks it
		if cf, ok := maskedConflict(c); ok {
			v.p.Conflicts = append(v.p.Conflicts, cf)
			return
		}
		if n := v.sendable(c.Path, c.Left); n != nil {
			v.set(v.subtreeLines(c.Path, n)...)
		}
	case diff.Added: // only on the target
		if v.o.Mode == HRP {
			v.p.Conflicts = append(v.p.Conflicts, Conflict{Path: c.Path, Reason: "only on the target; left in place"})
			return
		}
		v.deleteInScope(c.Path, c.Right)
	case diff.Changed:
		if cf, ok := maskedConflict(c); ok {
			v.p.Conflicts = append(v.p.Conflicts, cf)
			return
		}
		if v.o.Mode == HRP {
			v.p.Conflicts = append(v.p.Conflicts, Conflict{Path: c.Path, Reason: "present on both with other values"})
			return
		}
		for _, val := range c.Left.Values {
			if hasControl(val) {
				v.p.Conflicts = append(v.p.Conflicts, Conflict{Path: c.Path, Reason: unsendable})
				return
			}
		}
		v.values(c.Path, c.Left, c.Right)
	}
}

// unsendable is why a value stays out of the commands.
const unsendable = "the value holds a line break or another control character, which one set command cannot carry; copy it by hand"

// sendable returns n, or a copy of it without the values that no set
// command can carry (a multi-line banner), each listed as a conflict; nil
// when nothing is left to send.
func (v *vyattaPlan) sendable(path config.Path, n *config.Node) *config.Node {
	bad := false
	check := func(p config.Path, c *config.Node) {
		for _, val := range c.Values {
			if hasControl(val) {
				v.p.Conflicts = append(v.p.Conflicts, Conflict{Path: p, Reason: unsendable})
				bad = true
				return
			}
		}
	}
	check(path, n)
	n.Walk(func(p config.Path, c *config.Node) bool {
		check(append(path[:len(path):len(path)], p...), c)
		return true
	})
	if !bad {
		return n
	}
	out := n.Clone()
	// A leaf left with no value would be set valueless, a node left with
	// no children would be set empty: they go whole.
	var strip func(c *config.Node) (keep bool)
	strip = func(c *config.Node) bool {
		had, hadKids := len(c.Values), len(c.Children)
		kept := c.Values[:0]
		for _, val := range c.Values {
			if !hasControl(val) {
				kept = append(kept, val)
			}
		}
		c.Values = kept
		kids := c.Children[:0]
		for _, k := range c.Children {
			if strip(k) {
				kids = append(kids, k)
			}
		}
		c.Children = kids
		return len(c.Values) > 0 || len(c.Children) > 0 || had == 0 && hadKids == 0
	}
	if !strip(out) {
		return nil
	}
	return out
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// deleteInScope deletes the node at path, which only the target has in
// scope. n is the node of the target's scoped tree. When the real target
// holds something below path that the map does not share (an excluded or
// protected child, or a bare ancestor kept for in-scope nodes below it),
// `delete path` would take that along: then only the in-scope parts go,
// node by node.
func (v *vyattaPlan) deleteInScope(path config.Path, n *config.Node) {
	real := v.target.Root.Lookup(path)
	if real == nil || (v.m.Decide(path).Scope == syncmap.InScope && !anyOutside(v.m, path, real) && !v.namedBelow(path, real)) {
		if by := v.referencedBy(path); by != nil {
			v.p.Conflicts = append(v.p.Conflicts, Conflict{Path: path,
				Reason: "still named by `" + by.String() + "`, which stays (outside the map, or the same on the source): the commit would fail; not deleted"})
			return
		}
		v.del(vyCommand("delete", path, nil))
		return
	}
	if v.m.Decide(path).Scope == syncmap.InScope {
		for _, val := range real.Values {
			v.del(v.cmd("delete", path, &val, real.Secret))
		}
	}
	for _, c := range n.Children {
		v.deleteInScope(path.Append(c.Name), c)
	}
}

// vyRefParent reports whether name is a tag node whose values other nodes
// refer to by name (a firewall ruleset bound to an interface, a group a
// rule uses); Vyatta 5600 and VyOS forms alike. A commit refuses to delete
// one that is still named (DOMAIN.md, commit validation; the lab's
// cross-checks). A switch, not a map: no work at process start.
func vyRefParent(name string) bool {
	switch name {
	case "name", "ipv6-name", "address-group", "network-group",
		"port-group", "ipv6-address-group", "ipv6-network-group",
		"interface-group", "mac-group", "domain-group",
		"route-map", "prefix-list", "prefix-list6", "access-list",
		"community-list", "as-path-list", "sync-map":
		return true
	}
	return false
}

// referencedBy returns the path of a target leaf outside path that names
// the node at path and stays after the sync (the map does not share it,
// or the source holds it with the same value), or nil. Only a tag value
// of a referable tag node (vyRefParent) can be named.
func (v *vyattaPlan) referencedBy(path config.Path) config.Path {
	if len(path) < 2 || !vyRefParent(path[len(path)-2]) {
		return nil
	}
	if v.named == nil {
		v.named = map[string][]config.Path{}
		v.target.Root.Walk(func(p config.Path, c *config.Node) bool {
			if c.Name != "description" {
				for _, val := range c.Values {
					v.named[val] = append(v.named[val], slices.Clone(p))
				}
			}
			return true
		})
	}
	name := path[len(path)-1]
	for _, p := range v.named[name] {
		if len(p) >= len(path) && slices.Equal(p[:len(path)], path) {
			continue // inside the node itself
		}
		if v.m.Decide(p).Scope != syncmap.InScope {
			return p
		}
		if s := v.source.Root.Lookup(p); s != nil && slices.Contains(s.Values, name) {
			return p
		}
	}
	return nil
}

// namedBelow reports whether a node strictly below path (a ruleset under
// `firewall name`) is named by a target line that stays: then path is not
// deleted whole, its parts go one by one and the named one is listed.
func (v *vyattaPlan) namedBelow(path config.Path, n *config.Node) bool {
	for _, c := range n.Children {
		cp := path.Append(c.Name)
		if v.referencedBy(cp) != nil || v.namedBelow(cp, c) {
			return true
		}
	}
	return false
}

// values makes the target's values of the node at path equal to the
// source's. A node's children are changes of their own: a node that has
// both values and children (`address X` beside `address 5.5.5.5 { … }`)
// keeps its children. A multi-valued leaf changes value by value: its
// values are a set (diff.Options.valuesEqual), so the target's values
// that the source lacks are deleted and the source's that it lacks are
// added; the values both hold stay, in the target's order.
func (v *vyattaPlan) values(path config.Path, l, r *config.Node) {
	secret := l.Secret || r.Secret
	if !isMulti(path, l, r) {
		if len(l.Values) == 0 {
			for _, val := range r.Values {
				v.del(v.cmd("delete", path, &val, secret))
			}
			if len(r.Children) == 0 && len(l.Children) == 0 {
				v.set(vyCommand("set", path, nil)) // the valueless leaf itself
			}
			return
		}
		if len(r.Values) == 1 && !schemaKnows(path) {
			// Neither table knows whether the leaf takes one value or
			// several: deleting the old value first is right either way.
			v.del(v.cmd("delete", path, &r.Values[0], secret))
		}
		v.set(v.cmd("set", path, &l.Values[0], secret))
		return
	}
	// The values are a set (diff.valuesEqual): the ones only the target
	// has go, the ones only the source has are added, in its order; the
	// values both hold stay where they are.
	have := map[string]bool{}
	for _, val := range l.Values {
		have[val] = true
	}
	gone := 0
	for _, val := range r.Values {
		if !have[val] {
			v.del(v.cmd("delete", path, &val, secret))
			gone++
		}
	}
	had := map[string]bool{}
	for _, val := range r.Values {
		had[val] = true
	}
	if gone == len(r.Values) && gone > 0 && len(l.Values) == 0 && len(r.Children) == 0 && len(l.Children) == 0 {
		// Deleting the last value of a leaf removes the leaf; the source
		// has it valueless.
		v.set(vyCommand("set", path, nil))
	}
	for _, val := range l.Values {
		if !had[val] {
			v.set(v.cmd("set", path, &val, secret))
		}
	}
}

// isMulti tells a multi-valued leaf: the schema's <multi/>, or a side that
// holds several values.
func isMulti(path config.Path, l, r *config.Node) bool {
	return len(l.Values) > 1 || len(r.Values) > 1 || schemaMulti(path)
}

// Each change plans commands at its own path, so none is planned twice
// (the contract tests check every plan for repeats).
func (v *vyattaPlan) del(cmds ...string) {
	v.deletes = append(v.deletes, cmds...)
	for range cmds {
		v.delFrom = append(v.delFrom, v.from)
	}
}

func (v *vyattaPlan) set(cmds ...string) {
	v.sets = append(v.sets, cmds...)
	for range cmds {
		v.setFrom = append(v.setFrom, v.from)
	}
}

// vyCommand renders one set or delete command, with the set printer of
// backend/config so that quoting is the same everywhere: path words bare
// or quoted, a value always quoted, the last word of a valueless path never
// quoted (a quoted last word reads as a value).
func vyCommand(verb string, path config.Path, value *string) string {
	n := &config.Node{Name: path[len(path)-1], Leaf: true}
	if value != nil {
		n.Values = []string{*value}
	}
	line := setLines(path, n, false)[0]
	return verb + strings.TrimPrefix(line, "set")
}

// cmd is vyCommand for a value that may be a secret: the plan then keeps
// the command's text with the value masked, which is what it prints.
func (v *vyattaPlan) cmd(verb string, path config.Path, value *string, secret bool) string {
	c := vyCommand(verb, path, value)
	if secret && value != nil {
		mask := config.Mask
		v.p.mask(c, vyCommand(verb, path, &mask))
	}
	return c
}

// subtreeLines is setLines, keeping each line that carries a secret with
// the secret masked for printing.
func (v *vyattaPlan) subtreeLines(path config.Path, n *config.Node) []string {
	lines := setLines(path, n, false)
	if masked := setLines(path, n, true); len(masked) == len(lines) {
		for i := range lines {
			if masked[i] != lines[i] {
				v.p.mask(lines[i], masked[i])
			}
		}
	}
	return lines
}

// setLines renders the subtree n at path as set commands. Comments are not
// configuration: they stay out of the commands.
func setLines(path config.Path, n *config.Node, maskSecrets bool) []string {
	var b bytes.Buffer
	t := subtree(config.Vyatta, path, n)
	t.Root.Walk(func(_ config.Path, c *config.Node) bool {
		c.Comment = ""
		return true
	})
	if err := config.WriteSet(&b, t, config.PrintOptions{MaskSecrets: maskSecrets}); err != nil {
		return []string{"set " + joinPath(path)}
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}
