package vyatta

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/config/schema"
)

// What the device knows about its nodes comes from the schema table
// (backend/config/schema: VyOS's definitions plus the Vyatta 5600 / VRA
// table): which word is a node, a tag node, a leaf or a value, which leaves
// keep several values, and what a value must look like. `set` refuses what
// the schema refuses, as VyOS does at set time. A commit adds the checks a
// real commit makes across the configuration, which the schema cannot see:
// a firewall rule needs an action, a referenced group or ruleset must exist,
// config-sync rules and remote routers (crossChecks below).

// ValueSetError is a `set` whose value the schema refuses (VyOS checks values
// at set time). Error() names the path and the value, in the device's
// flavor, with the reason and VyOS's `Value validation failed`; the CLI adds
// `Set failed`.
type ValueSetError struct {
	Path   []string // the leaf or tag node, without the value
	Value  string   // as printed: ******** for a secret
	Reason string   // after the value: "is not valid: MTU must be between 68 and 16000"
	Flavor Flavor
}

func (e *ValueSetError) Error() string {
	p := strings.Join(append(append([]string(nil), e.Path...), e.Value), " ")
	return fmt.Sprintf("%s\n%s %s\nValue validation failed", e.Flavor.bracket(p), e.Value, e.Reason)
}

// valueSetError turns the schema's error into the device's.
func valueSetError(err error, f Flavor) error {
	var ve *schema.ValueError
	if !errors.As(err, &ve) {
		return err
	}
	v := ve.Value
	switch {
	case len(ve.Path) > 0 && secretName(ve.Path[len(ve.Path)-1]):
		v = config.Mask
	case v == "" || strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		v = strconv.Quote(v)
	}
	return &ValueSetError{Path: ve.Path, Value: v, Reason: ve.Reason, Flavor: f}
}

// secretName tells whether a leaf of this name holds a secret (passwords,
// secrets, keys), as the schema package and the printers read them.
func secretName(name string) bool {
	return strings.Contains(name, "password") || strings.Contains(name, "secret") ||
		name == "key" || strings.HasSuffix(name, "-key") || name == "psk"
}

// setStep is what one word of a set path is, as the schema reads it.
type setStep struct {
	kind  schema.Kind
	multi bool // a leaf that keeps several values
	value bool // the word is the leaf's value
}

// readSet reads the words of a set path with the schema: every word must be
// a node the schema knows, a tag value its tag node accepts, or the value of
// the leaf before it (the last word). Values are checked against the
// schema's constraints unless unchecked (the lab's own seed, whose values a
// test checks once). It changes nothing.
func readSet(words []string, f Flavor, unchecked bool) ([]setStep, error) {
	invalid := func() error { return &PathError{Path: words, Msg: "is not valid"} }
	if len(words) == 0 {
		return nil, invalid()
	}
	steps := make([]setStep, 0, len(words))
	c := schema.Root()
	at := schema.Info{Kind: schema.Node}
	for i, w := range words {
		if at.Kind == schema.Leaf {
			// w is the value of the leaf words[:i]: the last word, and only
			// for a leaf that takes one.
			if i != len(words)-1 || at.Valueless || !validWord(w, true) {
				return nil, invalid()
			}
			if !unchecked {
				if err := schema.Validate(words[:i], w); err != nil {
					return nil, valueSetError(err, f)
				}
			}
			steps = append(steps, setStep{kind: at.Kind, multi: at.Multi, value: true})
			return steps, nil
		}
		if !validWord(w, false) {
			return nil, invalid()
		}
		if at.Kind == schema.Tag && !unchecked {
			if err := schema.Validate(words[:i], w); err != nil {
				return nil, valueSetError(err, f)
			}
		}
		c = c.Step(w)
		at = c.Info()
		if at.Kind == schema.Unknown {
			return nil, invalid()
		}
		steps = append(steps, setStep{kind: at.Kind, multi: at.Multi})
	}
	switch {
	case at.Kind == schema.Tag:
		// A tag node needs its tag value: `set interfaces dataplane`.
		return nil, &PathError{Path: words, Msg: "requires a value"}
	case at.Kind == schema.Leaf && !at.Valueless:
		return nil, &PathError{Path: words, Msg: "requires a value"}
	}
	return steps, nil
}

// setPath sets words in the tree under root, deciding from the schema which
// word is a value; a refused set changes nothing.
func setPath(root *config.Node, words []string, f Flavor) error {
	return setWords(root, words, f, false)
}

// setWords is setPath, with the value checks skipped when unchecked.
func setWords(root *config.Node, words []string, f Flavor, unchecked bool) error {
	steps, err := readSet(words, f, unchecked)
	if err != nil {
		return err
	}
	cur := root
	for i, st := range steps {
		w := words[i]
		if st.value {
			if !steps[i-1].multi {
				cur.Values = []string{w}
				return nil
			}
			if indexOf(cur.Values, w) < 0 {
				cur.Values = append(cur.Values, w)
			}
			return nil
		}
		next := findChild(cur, w)
		if next == nil {
			next = &config.Node{Name: w, Tag: st.kind == schema.Tag, Leaf: st.kind == schema.Leaf,
				Secret: st.kind == schema.Leaf && secretName(w)}
			insertChild(cur, next)
		}
		cur = next
	}
	return nil
}

// validWord refuses what no Vyatta node name or value holds: control
// characters (a value may hold a tab or a newline), and in names blanks,
// quotes and braces, which the configuration text could not carry.
func validWord(w string, value bool) bool {
	if !value && w == "" {
		return false
	}
	for _, r := range w {
		switch {
		case value && (r == '\t' || r == '\n'):
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			return false
		case !value && strings.ContainsRune(" \t{}\"';", r):
			return false
		}
	}
	return true
}

// validate checks the configuration a commit would make running: the
// changed leaves against the schema (values that did not come through
// `set`: a configuration loaded from a file), the cross-checks over the
// whole configuration, and the reject fault. It returns the failures in
// the device's format, or nil.
func validate(old, next *config.Node, reject [][]string) *CommitError {
	return validateChanges(next, changesOf(old, next), reject)
}

// changes are the childless nodes (leaves, empty nodes) that differ
// between two configurations, sorted by path.
type changes struct {
	keys []string            // flatten keys
	next map[string][]string // flatten of the new configuration
}

func changesOf(old, next *config.Node) changes {
	nf := flatten(next)
	return changes{keys: diffKeys(flatten(old), nf), next: nf}
}

// validateChanges is validate with the changes already known (a commit
// computes them once for validation and for its output).
func validateChanges(next *config.Node, ch changes, reject [][]string) *CommitError {
	v := &validator{root: next}
	for _, k := range ch.keys {
		if vals, ok := ch.next[k]; ok {
			v.schemaLeaf(splitKey(k), vals)
		}
	}
	v.crossChecks()
	v.rejected(ch.keys, reject)
	return v.result()
}

func (v *validator) result() *CommitError {
	if len(v.failures) == 0 {
		return nil
	}
	sort.SliceStable(v.failures, func(i, j int) bool {
		return strings.Join(v.failures[i].Path, " ") < strings.Join(v.failures[j].Path, " ")
	})
	return &CommitError{Failures: v.failures}
}

type validator struct {
	root     *config.Node
	failures []Failure
}

func (v *validator) fail(p []string, subtree []string, format string, args ...any) {
	v.failures = append(v.failures, Failure{Path: p, Subtree: subtree, Msg: fmt.Sprintf(format, args...)})
}

// schemaLeaf checks a leaf (or an empty node) at p with its values against
// the schema, as set does.
func (v *validator) schemaLeaf(p []string, vals []string) {
	if len(vals) == 0 {
		if _, err := readSet(p, FlavorVyOS, false); err != nil {
			v.failSchema(p, err)
		}
		return
	}
	for _, val := range vals {
		words := append(p[:len(p):len(p)], val)
		steps, err := readSet(words, FlavorVyOS, false)
		if err != nil {
			v.failSchema(words, err)
			continue
		}
		if len(vals) > 1 && !steps[len(steps)-2].multi {
			v.fail(p, subtreeOf(p), "%s takes one value, not %d", p[len(p)-1], len(vals))
			return
		}
	}
}

func (v *validator) failSchema(p []string, err error) {
	var ve *ValueSetError
	if errors.As(err, &ve) {
		v.fail(append(append([]string(nil), ve.Path...), ve.Value), subtreeOf(p), "%s %s", ve.Value, ve.Reason)
		return
	}
	v.fail(p, subtreeOf(p), "%s", err.Error())
}

// crossChecks are the checks of a real commit that look beyond one node.
func (v *validator) crossChecks() {
	for _, base := range rulesetBases {
		v.rulesUnder(base, true)
	}
	for _, base := range [][]string{{"service", "nat"}, {"nat"}} {
		v.rulesUnder(base, false)
	}
	v.interfaceFirewalls()
	v.configSync()
}

// rulesUnder checks each `base NAME rule N` (a firewall ruleset's rules,
// or a NAT direction's).
func (v *validator) rulesUnder(base []string, firewall bool) {
	top := lookup(v.root, base)
	if top == nil {
		return
	}
	for _, c := range top.Children {
		rules := findChild(c, "rule")
		if rules == nil {
			continue
		}
		for _, r := range rules.Children {
			v.rule(append(append([]string(nil), base...), c.Name, "rule", r.Name), r, firewall)
		}
	}
}

// rulesetBases are where rulesets live: VRA `security firewall name`,
// legacy `firewall name` and `firewall ipv6-name`, VyOS 1.4 `firewall ipv4
// name` and `firewall ipv6 name`.
var rulesetBases = [][]string{
	{"security", "firewall", "name"}, {"firewall", "name"}, {"firewall", "ipv6-name"},
	{"firewall", "ipv4", "name"}, {"firewall", "ipv6", "name"},
}

// groupBases are where groups live: VRA `resources group`, VyOS `firewall
// group`.
var groupBases = [][]string{{"resources", "group"}, {"firewall", "group"}}

// lookup finds the node at p under n by binary search (children are kept in
// natural order): commit checks run over configurations of 100k lines.
func lookup(n *config.Node, p []string) *config.Node {
	for _, w := range p {
		if n = findChild(n, w); n == nil {
			return nil
		}
	}
	return n
}

// rule checks one firewall or NAT rule: a firewall rule needs an action,
// and the groups and rulesets it names must exist.
func (v *validator) rule(p []string, n *config.Node, firewall bool) {
	if firewall && findChild(n, "action") == nil {
		v.fail(p, p, "Rule action must be defined")
	}
	for _, side := range []string{"source", "destination"} {
		s := findChild(n, side)
		if s == nil {
			continue
		}
		sp := append(p[:len(p):len(p)], side)
		if a := findChild(s, "address"); a != nil {
			for _, val := range a.Values {
				name := strings.TrimPrefix(val, "!")
				if isGroupName(name) && !v.groupDefined("address-group", name) && !v.groupDefined("network-group", name) {
					v.fail(append(sp, "address", val), p, "address-group %q is not defined", name)
				}
			}
		}
		if pt := findChild(s, "port"); pt != nil {
			for _, val := range pt.Values {
				for _, one := range strings.Split(val, ",") {
					name := strings.TrimPrefix(one, "!")
					if isGroupName(name) && !v.groupDefined("port-group", name) && !serviceName(name) {
						v.fail(append(sp, "port", val), p, "port-group %q is not defined", name)
					}
				}
			}
		}
		if g := findChild(s, "group"); g != nil {
			for _, kind := range g.Children {
				for _, val := range kind.Values {
					name := strings.TrimPrefix(val, "!")
					if !v.groupDefined(kind.Name, name) {
						v.fail(append(sp, "group", kind.Name, val), p, "%s %q is not defined", kind.Name, name)
					}
				}
			}
		}
	}
	for _, w := range []string{"jump-target", "goto-target"} {
		if j := findChild(n, w); j != nil {
			for _, name := range j.Values {
				if !v.rulesetDefined(name) {
					v.fail(append(p[:len(p):len(p)], w, name), p, "firewall ruleset %q is not defined", name)
				}
			}
		}
	}
}

// isGroupName tells a group name from an address, prefix, range or port
// (the schema has already checked those): it starts with a letter.
func isGroupName(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// serviceName reports whether name is one of the /etc/services names a
// firewall port may give instead of a number or a port-group (the common
// ones; a name outside this list must be a port-group). A switch, not a
// map: no work at process start.
func serviceName(name string) bool {
	switch name {
	case "ftp", "ftp-data", "ssh", "telnet", "smtp", "domain",
		"http", "https", "pop3", "imap", "imaps", "pop3s",
		"ntp", "snmp", "snmptrap", "bgp", "ldap", "ldaps",
		"syslog", "tftp", "submission", "isakmp", "ipsec-nat-t",
		"bootps", "bootpc", "netconf-ssh", "www", "kerberos":
		return true
	}
	return false
}

// interfaceFirewalls checks that the rulesets an interface names exist
// (`interfaces dataplane dp0s1 firewall in WAN-IN`, also on vifs).
func (v *validator) interfaceFirewalls() {
	ifaces := findChild(v.root, "interfaces")
	if ifaces == nil {
		return
	}
	var walk func(p []string, n *config.Node)
	walk = func(p []string, n *config.Node) {
		for _, c := range n.Children {
			cp := append(p[:len(p):len(p)], c.Name)
			if c.Name == "firewall" && !n.Tag {
				for _, dir := range c.Children {
					for _, name := range dir.Values {
						if !v.rulesetDefined(name) {
							v.fail(append(cp[:len(cp):len(cp)], dir.Name, name), subtreeOf(cp), "firewall ruleset %q is not defined", name)
						}
					}
				}
				continue
			}
			if len(c.Children) > 0 {
				walk(cp, c)
			}
		}
	}
	walk([]string{"interfaces"}, ifaces)
}

// configSync checks `system config-sync`: rule numbers 1-1024, locations
// that name configuration paths the device knows, one remote router, and
// sync-maps that exist.
func (v *validator) configSync() {
	base := []string{"system", "config-sync"}
	cs := lookup(v.root, base)
	if cs == nil {
		return
	}
	if maps := findChild(cs, "sync-map"); maps != nil {
		for _, m := range maps.Children {
			rules := findChild(m, "rule")
			if rules == nil {
				continue
			}
			for _, r := range rules.Children {
				p := append(append([]string(nil), base...), "sync-map", m.Name, "rule", r.Name)
				if n, err := strconv.Atoi(r.Name); err != nil || n < 1 || n > 1024 {
					v.fail(p, p, "Rule number must be between 1 and 1024")
				}
				if findChild(r, "action") == nil {
					v.fail(p, p, "Rule action must be defined")
				}
				loc := findChild(r, "location")
				if loc == nil || len(loc.Values) == 0 {
					v.fail(p, p, "Rule location must be defined")
					continue
				}
				words := strings.Fields(loc.Values[0])
				if len(words) == 0 || strings.Join(words, " ") != loc.Values[0] || schema.Lookup(words).Kind == schema.Unknown {
					v.fail(append(p[:len(p):len(p)], "location", loc.Values[0]), p, "%q is not a valid configuration path", loc.Values[0])
				}
			}
		}
	}
	if rr := findChild(cs, "remote-router"); rr != nil {
		if len(rr.Children) > 1 {
			p := append(append([]string(nil), base...), "remote-router")
			v.fail(p, p, "Only one remote-router may be configured")
		}
		for _, r := range rr.Children {
			sm := findChild(r, "sync-map")
			if sm == nil {
				continue
			}
			for _, name := range sm.Values {
				if lookup(cs, []string{"sync-map", name}) == nil {
					p := append(append([]string(nil), base...), "remote-router", r.Name, "sync-map", name)
					v.fail(p, p[:5], "sync-map %q is not defined", name)
				}
			}
		}
	}
}

// groupDefined looks a group up where both dialects keep them.
func (v *validator) groupDefined(kind, name string) bool {
	for _, base := range groupBases {
		if g := lookup(v.root, base); g != nil && lookup(g, []string{kind, name}) != nil {
			return true
		}
	}
	return false
}

// rulesetDefined looks a ruleset up in every dialect's place.
func (v *validator) rulesetDefined(name string) bool {
	for _, base := range rulesetBases {
		if rs := lookup(v.root, base); rs != nil && findChild(rs, name) != nil {
			return true
		}
	}
	return false
}

// rejected fails every changed path under one of the reject prefixes; it
// is how the lab shows a remote refusing a synced change.
func (v *validator) rejected(keys []string, reject [][]string) {
	if len(reject) == 0 {
		return
	}
	done := map[int]bool{}
	for _, k := range keys {
		p := splitKey(k)
		for i, r := range reject {
			if !done[i] && hasPrefix(p, r) {
				done[i] = true
				v.fail(p, subtreeOf(p), "changes under [%s] are refused by this device", strings.Join(r, " "))
			}
		}
	}
}

func hasPrefix(p, prefix []string) bool {
	if len(prefix) == 0 || len(p) < len(prefix) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}
