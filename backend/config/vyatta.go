package config

import (
	"errors"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config/schema"
)

// The Vyatta dialect: ParseVyatta reads the curly-brace form (config.boot,
// `show configuration`) and the set form (`show configuration commands`);
// WriteCurly and WriteSet print them. Both parsers build the same word tree:
// every path word is a node, values hang on the last word.

// errVyNilTree is returned by the printers when given no tree.
var errVyNilTree = errors.New("vyatta printer: nil tree")

// vyTagName reports whether name is a well-known Vyatta tag node
// (`ethernet eth0 {`). The set form carries no schema, so a set-parsed
// tree learns tag-ness from this table; it only changes how the curly
// printer lays the node out. (A switch, not a map: no work at process
// start, and faster to look up.)
func vyTagName(name string) bool {
	switch name {
	case "ethernet", "bonding", "bridge", "loopback", "dummy", "vif",
		"vif-s", "vif-c", "tunnel", "wireguard", "openvpn", "pppoe",
		"dataplane", "vti", "geneve", "vxlan", "macsec",
		"pseudo-ethernet", "wireless", "input", "l2tpv3", "rule",
		"name", "ipv6-name", "address-group", "network-group",
		"port-group", "interface-group", "ipv6-address-group",
		"ipv6-network-group", "domain-group", "mac-group", "route",
		"route6", "next-hop", "interface", "neighbor", "peer-group",
		"static-mapping", "shared-network-name", "subnet", "group",
		"sync-group", "user", "server", "prefix-list", "prefix-list6",
		"route-map", "access-list", "access-list6", "community-list",
		"extcommunity-list", "as-path-list", "large-community-list",
		"table", "remote-router", "sync-map", "host", "file", "peer",
		"esp-group", "ike-group", "area", "vrrp-group",
		"virtual-server", "real-server", "vrf", "policy", "zone",
		"from", "community", "listen-address", "static-host-mapping",
		"id":
		return true
	}
	return false
}

// vyBareTagNames are tag nodes that the 5600 prints without braces when
// empty (`vif 10`); under the top-level `interfaces` node every child is a
// tag node (`loopback lo`), and vyBareTagUnder names the tag nodes of other
// parents (`route 0.0.0.0/0` in `protocols static`). An unquoted second
// word on such a line names an empty tag child rather than a value.
var vyBareTagNames = []string{"vif", "vif-s", "vif-c"}

// vyBareTagParent is the top-level node whose children are all tag nodes.
const vyBareTagParent = "interfaces"

// vyBareTagUnder reports whether name is a child of parent that is a tag
// node. (A switch, not a map: no work at process start.)
func vyBareTagUnder(parent, name string) bool {
	switch parent {
	case "static":
		switch name {
		case "route", "route6", "interface-route", "interface-route6", "table":
			return true
		}
	case "ntp":
		return name == "server"
	}
	return false
}

// vySecretNames are leaves whose values are secrets wherever they appear.
// (This list and vySecretUnder are literals: no work at process start.
// Looked up after vySecretLast's filter, a scan of the list costs what a
// map lookup does.)
var vySecretNames = []string{
	"password", "encrypted-password", "plaintext-password",
	"pre-shared-secret", "secret", "private-key",
	"preshared-key", "auth-key", "md5-key",
	"authentication-key", "shared-secret", "psk",
}

// vySecretUnder are leaves that are secrets only below one of the listed
// ancestors: `key` is a secret in `authentication` or `wireguard` but a
// plain name elsewhere. A name in vySecretNames is a secret anywhere,
// whatever this list says.
var vySecretUnder = []struct {
	name  string
	under []string
}{
	{"key", []string{"authentication", "wireguard", "keys", "radius", "tacacs", "tacacs-plus", "config-sync"}},
}

// vySecretLast marks the last bytes of the names in vySecretNames and
// vySecretUnder: most names end otherwise, and are told not secret
// without comparing them. It is built once and only read.
var vySecretLast = vyIndexSecretLast()

func vyIndexSecretLast() (last [256]bool) {
	for _, name := range vySecretNames {
		last[name[len(name)-1]] = true
	}
	for _, s := range vySecretUnder {
		last[s.name[len(s.name)-1]] = true
	}
	return last
}

// vyMetaPrefixes start the comments that are footers, kept in Tree.Meta.
var vyMetaPrefixes = []string{
	"Warning: Do not remove the following line",
	"=== vyatta-config-version",
	"vyatta-config-version",
	"vyos-config-version",
	"Release version",
}

// ParseVyatta reads Vyatta-family text in curly-brace or set form; it tells
// the form from the first line that is not blank or a `#` comment.
func ParseVyatta(file string, src []byte) (*Tree, error) {
	return parseText(file, string(src), Vyatta)
}

// parseVyatta parses text held in one string: names, values and comments
// are substrings of it rather than one allocation each (the tree then
// keeps the text alive, about the size of the file).
func parseVyatta(file, text string) (*Tree, error) {
	if vyIsSetForm(text) {
		return vyParseSet(file, text)
	}
	return vyParseCurly(file, text)
}

// vyIsSetForm reports whether the text is in set form: its first
// significant line is `#!/bin/vbash`, a set or delete command (so that a
// stray `delete` gets a set-form error rather than a curly-brace one), or
// a session command of a script (`configure`, `source ...`). Vyatta has no
// top-level node named set or delete; the curly printer quotes such a
// name if a tree has one.
func vyIsSetForm(src string) bool {
	for len(src) > 0 {
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		if strings.HasPrefix(line, "#!") {
			return true
		}
		t := trimBlanks(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		w := t
		if i := strings.IndexAny(t, " \t"); i >= 0 {
			w = t[:i]
		}
		if w == "set" || w == "delete" || vySessionCommand(w) && !strings.HasSuffix(t, "{") {
			return true
		}
		// A stray first line (`Last login: ...`) before set lines must
		// not turn a set file into curly text: the set parser then names
		// the stray line, where a curly reading would make every set
		// line a node `set`. The form is curly when a brace comes first.
		// (A first line with a quote may open a multi-line value whose
		// text begins `set `: it stays curly.)
		return !strings.HasSuffix(t, "{") && !strings.ContainsAny(t, `"'`) && vySetBeforeBrace(src)
	}
	return true
}

// vySetBeforeBrace reports whether a line beginning `set ` or `delete `
// comes before any line ending with `{`, within the first lines of src.
func vySetBeforeBrace(src string) bool {
	for n := 0; len(src) > 0 && n < 400; n++ {
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		t := trimBlanks(line)
		switch {
		case strings.HasSuffix(t, "{"):
			return false
		case strings.HasPrefix(t, "set ") || strings.HasPrefix(t, "delete "):
			return true
		case strings.ContainsAny(t, `"'`):
			return false // a quote may open a multi-line curly value
		}
	}
	return false
}

// vySessionCommand reports whether name is a command of a configuration
// script that is not configuration: the set parser ignores it and notes
// it. `edit`, `top` and `up` are not among them: they change what later
// lines mean. (A switch, not a map: no work at process start.)
func vySessionCommand(name string) bool {
	switch name {
	case "configure", "commit", "commit-confirm", "confirm", "save",
		"exit", "end", "run", "source", "load", "merge", "discard",
		"compare", "rollback", "echo":
		return true
	}
	return false
}

// vyBuilder builds a tree and finds children by name in constant time:
// real configurations hold thousands of rules under one node.
type vyBuilder struct {
	root  *Node
	index childIndexes
	// text is the source as one string: words without escapes are
	// substrings of it, which spares one allocation per value.
	text  string
	alloc nodeAlloc // nodes, first values and children slices
	// runs holds the children of the curly form's open blocks (tag nodes
	// and every node of the set form append as usual).
	runs openRuns
	// kinds caches the schema's answers for this parse.
	kinds *vyKinds
	// values holds the value sets of long leaves (see addValue).
	values map[*Node]*valueSet
}

// vyIndexMin is the child count from which a node gets a name index; below
// it a linear scan is cheaper than a map.
const vyIndexMin = 8

// vyMaxDepth bounds nesting: real configurations stay under 20 levels, and
// the printers and Equal recurse once per level.
const vyMaxDepth = 1000

func newVyBuilder(text string) *vyBuilder {
	return newVyBuilderKinds(text, new(vyKinds))
}

// newVyBuilderKinds is newVyBuilder with a schema cache to share.
func newVyBuilderKinds(text string, kinds *vyKinds) *vyBuilder {
	return &vyBuilder{
		root:  &Node{},
		index: newChildIndexes(vyIndexMin),
		text:  text,
		kinds: kinds,
	}
}

// sub returns src[off:off+n] as a string without copying.
func (b *vyBuilder) sub(off, n int) string { return b.text[off : off+n] }

// child returns the child of p named name, creating it (at line) if needed;
// created tells whether it is new.
func (b *vyBuilder) child(p *Node, name string, line int) (c *Node, created bool) {
	// Repeated blocks and multi-value leaves follow each other: try the
	// last child first.
	if k := len(p.Children); k > 0 && p.Children[k-1].Name == name {
		return p.Children[k-1], false
	}
	// A parent gets its index when its children reach vyIndexMin and
	// loses it with them (dropChildren).
	c, x, h := b.index.find(p, name)
	if c != nil {
		return c, false
	}
	c = b.alloc.node()
	c.Name, c.Line = name, int32(line)
	b.runs.add(p, c)
	b.index.added(p, c, x, h)
	return c, true
}

// addValue adds v to n's values unless n holds it already: a leaf holds
// a value once (a repeated line, or `set` of a value it has, is one). A
// long list (an address group of hundreds) looks its values up in a set
// instead of scanning them all for every value added.
func (b *vyBuilder) addValue(n *Node, v string) {
	if len(n.Values) < vyValueSetMin {
		for _, x := range n.Values {
			if x == v {
				return
			}
		}
		b.alloc.addValue(n, v)
		return
	}
	s := b.values[n]
	if s == nil || s.n != len(n.Values) {
		s = &valueSet{set: make(map[string]struct{}, 2*len(n.Values))}
		for _, x := range n.Values {
			s.set[x] = struct{}{}
		}
		if b.values == nil {
			b.values = make(map[*Node]*valueSet)
		}
		b.values[n] = s
	}
	if _, ok := s.set[v]; ok {
		return
	}
	s.set[v] = struct{}{}
	b.alloc.addValue(n, v)
	s.n = len(n.Values)
}

// vyValueSetMin is the value count from which addValue keeps a set of a
// leaf's values.
const vyValueSetMin = 32

// valueSet is the set of a long leaf's values, as of when it held n.
type valueSet struct {
	set map[string]struct{}
	n   int
}

// forgetValues drops n's value set after its values were changed other
// than by addValue (a delete, a replaced single value).
func (b *vyBuilder) forgetValues(n *Node) { delete(b.values, n) }

// removeChild takes c out of p's children and its name index.
func (b *vyBuilder) removeChild(p, c *Node) {
	if x := b.index.of(p); x != nil {
		x.remove(c)
	}
	kids := p.Children
	for i := range kids {
		if kids[i] == c {
			p.Children = append(kids[:i:i], kids[i+1:]...)
			break
		}
	}
	if len(p.Children) < vyIndexMin {
		b.index.drop(p)
	}
}

// vyHasControl reports whether s holds a control character (a name may
// not: the set form could not print it).
func vyHasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return true
		}
	}
	return false
}

// dropChildren removes every child of p (when they are folded into values).
func (b *vyBuilder) dropChildren(p *Node) {
	p.Children = nil
	b.index.drop(p)
}

// vyAddComment attaches comment text to n, after any it already has.
func vyAddComment(n *Node, text string) {
	if text == "" {
		return
	}
	if n.Comment == "" {
		n.Comment = text
		return
	}
	n.Comment += "\n" + text
}

// vyFinish sorts children naturally and marks secrets once the whole
// text is read. For a set-parsed tree (markTags) it also lays out nodes as
// the schema knows them (see vyLayout); the curly parser lays out each
// node as it reads it, with the schema's position at hand.
func vyFinish(root *Node, markTags bool) {
	var kinds *vyKinds
	if markTags {
		kinds = new(vyKinds)
	}
	vyFinishKinds(root, kinds)
}

// vyFinishKinds is vyFinish with the schema's cache at hand; nil kinds
// is vyFinish without markTags.
func vyFinishKinds(root *Node, kinds *vyKinds) {
	markTags := kinds != nil
	// anc is one stack shared by the whole walk: a slice passed down by
	// value would reallocate for every sibling whenever it is full.
	anc := make([]string, 0, 32)
	var walk func(n *Node, c schema.Cursor, k vyKind)
	walk = func(n *Node, c schema.Cursor, k vyKind) {
		vySortChildren(n.Children)
		if n != root {
			if vyIsSecret(n.Name, anc) {
				n.Secret = true
			}
			if markTags {
				vyLayout(n, k, false)
			}
			anc = append(anc, n.Name)
		}
		var ch uint64
		if markTags && len(n.Children) > 0 {
			ch = kinds.hash(c)
		}
		for _, x := range n.Children {
			if x.Line < 0 {
				continue // a stub of ParsePairFast: Tree.Expand finishes its subtree
			}
			if markTags {
				xc, xk := kinds.step(c, ch, x.Name)
				walk(x, xc, xk)
			} else {
				walk(x, c, k)
			}
		}
		if n != root {
			anc = anc[:len(anc)-1]
		}
	}
	walk(root, schema.Root(), vyKind{kind: schema.Node})
}

// vyLayout sets n's printing hints from what the schema says of it: a tag
// node of the schema prints as one (`next-hop-interface vtun0 {`), a
// valueless leaf bare, a node or tag value with braces (`ssh {` `}`).
// Where the schema does not know the path, a set-parsed node learns
// tag-ness from vyTagName and digit children; a curly-parsed one
// (fromText) keeps the text's layout, as it does its tag form wherever
// the text wrote one.
func vyLayout(n *Node, in vyKind, fromText bool) {
	switch in.kind {
	case schema.Tag:
		n.Tag = true
	case schema.Leaf:
		if !fromText {
			n.Tag = false
		}
		if len(n.Children) == 0 {
			n.Leaf = true
		}
	case schema.Node:
		if !fromText {
			n.Tag = false
		}
		if len(n.Values) == 0 {
			n.Leaf = false
		}
	default:
		if !fromText && len(n.Children) > 0 && (vyTagName(n.Name) || vyDigitChildren(n)) {
			n.Tag = true
		}
	}
}

// vyBareTagAt tells, from the schema at c (the position of parent) or
// from the text alone where the schema does not know the path, whether
// `word value` (value unquoted, no braces) below parent names an empty
// tag node rather than a leaf's value.
func vyBareTagAt(kinds *vyKinds, c schema.Cursor, ch uint64, parent *Node, parentTop bool, word string) bool {
	_, k := kinds.step(c, ch, word)
	return vyBareTagKind(k, parent, parentTop, word)
}

// vyBareTagKind is vyBareTagAt with the schema's answer for word at hand.
func vyBareTagKind(k vyKind, parent *Node, parentTop bool, word string) bool {
	switch k.kind {
	case schema.Tag:
		return true
	case schema.Leaf, schema.Node:
		return false
	}
	return vyBareTag(parent, parentTop, word)
}

// vyIsSecret tells from the name and its ancestors whether a leaf holds a
// secret.
func vyIsSecret(name string, anc []string) bool {
	if name == "" || !vySecretLast[name[len(name)-1]] {
		return false
	}
	if slices.Contains(vySecretNames, name) {
		return true
	}
	for _, s := range vySecretUnder {
		if s.name != name {
			continue
		}
		for _, a := range s.under {
			for _, x := range anc {
				if x == a {
					return true
				}
			}
		}
	}
	return false
}

// vyDigitChildren reports whether every child name starts with a digit
// (rule numbers, VLAN ids, AS numbers): such a node is a tag node.
func vyDigitChildren(n *Node) bool {
	for _, c := range n.Children {
		if c.Name == "" || !isDigit(c.Name[0]) {
			return false
		}
	}
	return true
}

// vyBareTag reports whether `name word` (word unquoted, no braces) below
// parent names an empty tag child rather than a value.
func vyBareTag(parent *Node, parentTop bool, name string) bool {
	return slices.Contains(vyBareTagNames, name) || (parentTop && parent.Name == vyBareTagParent) ||
		vyBareTagUnder(parent.Name, name)
}

// vyIsMeta reports whether comment text (without delimiters) is a footer.
func vyIsMeta(text string) bool {
	for _, p := range vyMetaPrefixes {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

func vyCompare(a, b *Node) int { return naturalCompare(a.Name, b.Name) }

// vySortChildren puts a node's children in natural order (vyCompare),
// stably. Most lists are in order already. A list of plain numbers
// (rules, sequence numbers: digits only, no leading zero) sorts by
// length, then bytes, as naturalCompare does, without reading each name
// again at every comparison.
func vySortChildren(kids []*Node) {
	if len(kids) < 2 {
		return
	}
	by := vyCompare
	if slices.IndexFunc(kids, func(k *Node) bool { return !plainNumber(k.Name) }) < 0 {
		by = func(a, b *Node) int { return numberCompare(a.Name, b.Name) }
	}
	if !slices.IsSortedFunc(kids, by) {
		slices.SortStableFunc(kids, by)
	}
}
