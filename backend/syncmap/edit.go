package syncmap

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/config/schema"
)

// This file holds what an editor of sync-maps needs beside evaluation:
// checking a rule as it is typed, completing a location, the help of the
// node it names, the nodes each rule matches, what a map covers, the map
// as text for $EDITOR and the device commands that write it.

// Severity says whether an Issue stops a save.
type Severity int

const (
	// Warned: the rule may be meant (an unknown path, a device-unique
	// item in scope); saving is allowed.
	Warned Severity = iota
	// Refused: the rule cannot be saved (a number outside 1-1024 or used
	// twice, a protected path, an empty location).
	Refused
)

func (s Severity) String() string {
	if s == Refused {
		return "refused"
	}
	return "warned"
}

// Issue is one problem of one rule of a map being edited.
type Issue struct {
	// Rule is the rule's index in Map.Rules.
	Rule     int
	Severity Severity
	// Field is what the issue is about: "number", "location" or "action".
	Field string
	Msg   string
}

func (i Issue) String() string {
	mark := "!"
	if i.Severity == Refused {
		mark = "✗"
	}
	return mark + " " + i.Msg
}

// protectedReason says why a protected path is never synced (DOMAIN.md
// "config-sync (VRA)", "HRP").
func protectedReason(p string) string {
	switch p {
	case "system config-sync":
		return "it holds the sync's own remote routers, their passwords and the maps; syncing it would break the sync itself"
	case "service https":
		return "it is how the remote is managed and reached by config-sync's REST transport; syncing it could cut the sync off"
	case "service config-sync":
		return "it is VyOS's own config-sync (its secondary key is a secret); syncing it would break the sync itself"
	case "hrp":
		return "each member keeps its own HRP lines (heartbeat interface, peer, role); copying them would break the pair"
	}
	return "it is never synced"
}

// ProtectedLocation reports whether a rule location lies at or under a
// path that is never synced for the family, with that path and why.
func ProtectedLocation(fam config.Family, loc []string) (path, why string, ok bool) {
	for _, p := range ProtectedPaths(fam) {
		if hasPrefix(loc, strings.Fields(p)) {
			return p, protectedReason(p), true
		}
	}
	return "", "", false
}

// Check lists the problems of every rule of m, in rule order: numbers
// outside 1-MaxRule or used twice, empty locations and protected paths
// are Refused; a location no node of trees lies under (and, for the
// Vyatta family, the schema does not know) and a device-unique item the
// map puts in scope are Warned. trees are the pair's configurations (nil
// ones are skipped).
func (m *Map) Check(trees ...*config.Tree) []Issue {
	out := append(m.CheckRules(trees...), m.uniqueIssues(trees)...)
	slices.SortStableFunc(out, func(a, b Issue) int { return a.Rule - b.Rule })
	return out
}

// CheckRules is Check without the device-unique items, which need a walk
// of every node: what a form checks at each key press (it follows only
// the rules' paths).
func (m *Map) CheckRules(trees ...*config.Tree) []Issue {
	return m.checkRules(-1, trees)
}

// CheckRule is CheckRules for the rule at index i alone (its number is
// still compared with the others'): what a form checks as it is typed.
func (m *Map) CheckRule(i int, trees ...*config.Tree) []Issue {
	if i < 0 || i >= len(m.Rules) {
		return nil
	}
	return m.checkRules(i, trees)
}

// checkRules checks rule only (every rule when only < 0).
func (m *Map) checkRules(only int, trees []*config.Tree) []Issue {
	var out []Issue
	count := map[int]int{}
	for _, r := range m.Rules {
		count[r.Number]++
	}
	for i, r := range m.Rules {
		if only >= 0 && i != only {
			continue
		}
		add := func(sev Severity, field, format string, a ...any) {
			out = append(out, Issue{Rule: i, Severity: sev, Field: field, Msg: fmt.Sprintf(format, a...)})
		}
		switch {
		case r.Number < 1 || r.Number > MaxRule:
			add(Refused, "number", "rule %d is outside 1-%d", r.Number, MaxRule)
		case count[r.Number] > 1:
			add(Refused, "number", "rule %d is used twice", r.Number)
		}
		if r.Action != Include && r.Action != Exclude {
			add(Refused, "action", "rule %d: expected include or exclude", r.Number)
		}
		loc := strings.Join(r.Location, " ")
		if len(r.Location) == 0 {
			if m.Family == config.Vyatta {
				add(Refused, "location", "rule %d has no location (a path of one or more words)", r.Number)
			}
			continue
		}
		if w, ok := unsafeWord(r.Location); ok {
			// A path word never holds them; the device's shell would
			// read them (vbash runs $(...) and `...` in double quotes).
			add(Refused, "location", "%q cannot be a location word: no quotes, $, `, \\ or control characters (the device's shell would read them)", w)
			continue
		}
		if p, why, ok := ProtectedLocation(m.Family, r.Location); ok {
			add(Refused, "location", "%s is never synced: %s", p, why)
			continue
		}
		if !known(m.Family, r.Location, trees) {
			if m.Family != config.Huawei && schema.Lookup(r.Location).Kind != schema.Unknown {
				add(Warned, "location", "'%s' matches no node of either configuration (the schema knows it)", loc)
			} else {
				add(Warned, "location", "unknown path '%s': no node of either configuration lies under it", loc)
			}
		}
	}
	return out
}

// uniqueIssues warns once per rule that puts device-unique items in
// scope, naming the first and how many.
func (m *Map) uniqueIssues(trees []*config.Tree) []Issue {
	var out []Issue
	type uniq struct {
		first string
		n     int
	}
	perRule := map[int]*uniq{}
	seenPath := map[string]bool{} // both members hold most items: once each
	for _, t := range trees {
		if t == nil {
			continue
		}
		for _, w := range m.Warnings(t) {
			if w.Rule == nil {
				continue
			}
			i := ruleIndex(m, w.Rule)
			if i < 0 || seenPath[w.Path.String()] {
				continue
			}
			seenPath[w.Path.String()] = true
			u := perRule[i]
			if u == nil {
				u = &uniq{first: w.Path.String() + ": " + w.Msg}
				perRule[i] = u
			}
			u.n++
		}
	}
	for i := range m.Rules {
		if u := perRule[i]; u != nil {
			msg := u.first
			if u.n > 1 {
				msg += fmt.Sprintf(" (and %d more)", u.n-1)
			}
			out = append(out, Issue{Rule: i, Severity: Warned, Field: "location", Msg: msg})
		}
	}
	return out
}

// unsafeWord is the first word of loc holding a quote, $, `, a
// backslash or a control character.
func unsafeWord(loc []string) (string, bool) {
	for _, w := range loc {
		for _, r := range w {
			if r < 0x20 || r == 0x7f || strings.ContainsRune("'\"$`\\", r) {
				return w, true
			}
		}
	}
	return "", false
}

// ruleIndex is the index of the rule r points to in m.Rules, -1 none.
func ruleIndex(m *Map, r *Rule) int {
	for i := range m.Rules {
		if &m.Rules[i] == r {
			return i
		}
	}
	return -1
}

// Refuses reports whether any issue stops a save.
func Refuses(issues []Issue) bool {
	return slices.ContainsFunc(issues, func(i Issue) bool { return i.Severity == Refused })
}

// known: a node of one of trees lies at or under loc.
func known(_ config.Family, loc []string, trees []*config.Tree) bool {
	for _, t := range trees {
		if t != nil && hasNodeUnder(t.Root, loc) {
			return true
		}
	}
	return false
}

// hasNodeUnder reports whether a node below parent has words beginning
// with loc (node names may hold several words: VRP).
func hasNodeUnder(parent *config.Node, loc []string) bool {
	if len(loc) == 0 {
		return true
	}
	if parent == nil {
		return false
	}
	var buf [8]string
	for _, c := range parent.Children {
		w := NameWords(buf[:0], c.Name)
		n := min(len(w), len(loc))
		if !slices.Equal(w[:n], loc[:n]) {
			continue
		}
		if n == len(loc) || hasNodeUnder(c, loc[n:]) {
			return true
		}
	}
	return false
}

// Complete returns the locations that complete input by one word: the
// words typed so far, then each next word that a node of trees, or (the
// Vyatta family) the schema, has there and that begins with the word
// being typed. They are sorted naturally, configuration and schema names
// together, at most limit of them (0: all).
func Complete(fam config.Family, input string, limit int, trees ...*config.Tree) []string {
	return NewCompleter(fam, trees...).Complete(input, limit)
}

// Completer completes locations as Complete does, keeping the next words
// of each path it was asked about: a form asks at every key press, and
// a tag node may have thousands of values to gather and sort.
type Completer struct {
	fam   config.Family
	trees []*config.Tree
	next  map[string][]string
}

// NewCompleter completes over trees (nil ones are skipped), which must
// not change while it is used.
func NewCompleter(fam config.Family, trees ...*config.Tree) *Completer {
	return &Completer{fam: fam, trees: trees, next: map[string][]string{}}
}

// Complete is Complete over the completer's trees.
func (c *Completer) Complete(input string, limit int) []string {
	words := strings.Fields(input)
	partial := ""
	if len(words) > 0 && !strings.HasSuffix(input, " ") && !strings.HasSuffix(input, "\t") {
		partial, words = words[len(words)-1], words[:len(words)-1]
	}
	head := strings.Join(words, " ")
	all, ok := c.next[head]
	if !ok {
		all = c.nextOf(words)
		c.next[head] = all
	}
	if head != "" {
		head += " "
	}
	var out []string
	for _, w := range all {
		if strings.HasPrefix(w, partial) {
			out = append(out, head+w)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out
}

// nextOf is every word that follows words, sorted naturally.
func (c *Completer) nextOf(words []string) []string {
	seen := map[string]bool{}
	for _, t := range c.trees {
		if t != nil {
			nextWords(t.Root, words, seen)
		}
	}
	if c.fam != config.Huawei {
		for _, w := range schema.Children(words) {
			seen[w] = true
		}
	}
	delete(seen, "")
	all := make([]string, 0, len(seen))
	for w := range seen {
		all = append(all, w)
	}
	slices.SortFunc(all, func(a, b string) int {
		switch {
		case config.NaturalLess(a, b):
			return -1
		case config.NaturalLess(b, a):
			return 1
		}
		return strings.Compare(a, b)
	})
	return all
}

// nextWords adds to out the word that follows loc in each node of the
// tree below parent whose words begin with loc.
func nextWords(parent *config.Node, loc []string, out map[string]bool) {
	if parent == nil {
		return
	}
	var buf [8]string // a name's words: one, nearly always; no allocation
	for _, c := range parent.Children {
		w := NameWords(buf[:0], c.Name)
		n := min(len(w), len(loc))
		if !slices.Equal(w[:n], loc[:n]) {
			continue
		}
		if len(w) > len(loc) {
			out[w[len(loc)]] = true
			continue
		}
		nextWords(c, loc[len(w):], out)
	}
}

// NodeHelp describes the node a location names, from the schema (Vyatta
// family, backend/config/schema): its kind and help text, "" when the
// schema does not know it or the family has none.
func NodeHelp(fam config.Family, loc []string) string {
	if fam == config.Huawei || len(loc) == 0 {
		return ""
	}
	in := schema.Lookup(loc)
	if in.Kind == schema.Unknown {
		return ""
	}
	kind := in.Kind.String()
	if in.TagValue {
		kind = "tag value"
	} else if in.Kind == schema.Leaf && in.Multi {
		kind = "multi-valued leaf"
	}
	if in.Help == "" {
		return kind
	}
	return kind + ": " + in.Help
}

// RuleCount is how many nodes of a configuration a rule touches.
type RuleCount struct {
	// Matched: nodes at or under the rule's location.
	Matched int
	// Decided: nodes whose scope the rule decides (the longest match).
	Decided int
}

// Counts returns, per rule of m (by index), the nodes of t it matches and
// decides, in one walk.
func (m *Map) Counts(t *config.Tree) []RuleCount {
	out := make([]RuleCount, len(m.Rules))
	if t == nil || t.Root == nil {
		return out
	}
	m.walk(t.Root, func(_, words []string, _ *config.Node, d Decision) {
		for i := range m.Rules {
			if hasPrefix(words, m.Rules[i].Location) {
				out[i].Matched++
			}
		}
		if d.Rule != nil {
			if i := ruleIndex(m, d.Rule); i >= 0 {
				out[i].Decided++
			}
		}
	})
	return out
}

// Section is a top-level part of a configuration with how much of it a
// map puts in scope.
type Section struct {
	Name           string
	InScope, Total int
}

// Coverage is what a map covers of one configuration.
type Coverage struct {
	InScope, Excluded, Protected, Total int
	// Sections are the top-level nodes with something in scope, in tree
	// order.
	Sections []Section
}

// Cover says what m covers of t: nodes in scope, excluded, protected and
// in all, and per top-level node.
func (m *Map) Cover(t *config.Tree) Coverage {
	var c Coverage
	if t == nil || t.Root == nil {
		return c
	}
	idx := map[string]int{}
	var secs []Section
	m.walk(t.Root, func(path, _ []string, _ *config.Node, d Decision) {
		c.Total++
		top := path[0]
		i, ok := idx[top]
		if !ok {
			i = len(secs)
			idx[top] = i
			secs = append(secs, Section{Name: top})
		}
		secs[i].Total++
		switch d.Scope {
		case InScope:
			c.InScope++
			secs[i].InScope++
		case Excluded:
			c.Excluded++
		case Protected:
			c.Protected++
		}
	})
	for _, s := range secs {
		if s.InScope > 0 {
			c.Sections = append(c.Sections, s)
		}
	}
	return c
}

// Text is the map as an editor shows it: comment lines (#) with the
// header and the format, then one rule a line: NUMBER ACTION LOCATION.
func (m *Map) Text(header ...string) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	b.WriteString("# One rule a line: NUMBER (1-1024) include|exclude LOCATION (words of a configuration path).\n")
	b.WriteString("# Lines starting with # and blank lines are ignored. Save and quit to stage the rules.\n")
	for _, r := range m.Rules {
		fmt.Fprintf(&b, "%d %s %s\n", r.Number, r.Action, strings.Join(r.Location, " "))
	}
	return b.String()
}

// ParseText reads rules in Text's form into a map named name of family
// fam. An error is an *Error naming file and the line, with what was
// expected; numbers are checked for range and repeats, as Validate does.
func ParseText(file, name string, fam config.Family, text string) (*Map, error) {
	m := &Map{Name: name, Family: fam}
	lines := map[int]int{}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(format string, a ...any) error {
			return &Error{File: file, Line: i + 1, Msg: fmt.Sprintf(format, a...)}
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, bad("expected NUMBER include|exclude LOCATION, got '%s'", line)
		}
		n, err := parseRuleNumber(f[0])
		if err != nil {
			return nil, bad("%v", err)
		}
		if prev, dup := lines[n]; dup {
			return nil, bad("rule %d is used twice (also line %d)", n, prev)
		}
		lines[n] = i + 1
		a, err := ParseAction(f[1])
		if err != nil {
			return nil, bad("%v", err)
		}
		if len(f) < 3 && fam == config.Vyatta {
			return nil, bad("rule %d: expected a location after %s", n, a)
		}
		m.Rules = append(m.Rules, Rule{Number: n, Action: a, Location: f[2:]})
	}
	m.Sort()
	return m, nil
}

// WriteCommands are the device commands that replace the sync-map remove
// by add (either may be nil) on a Vyatta-family device: `delete system
// config-sync sync-map NAME`, then add's set commands (Commands), as
// device.Session.WriteSyncMap sends them. The name in the delete is
// quoted for the device's shell.
func WriteCommands(remove, add *Map) []string {
	var out []string
	if remove != nil {
		out = append(out, "delete system config-sync sync-map "+ShellWord(remove.Name))
	}
	if add != nil {
		out = append(out, add.Commands()...)
	}
	return out
}

// ShellWord quotes a word for the Vyatta family's configure shell (vbash)
// when it needs it, in single quotes (a quote inside is closed, escaped and reopened): every command
// word the driver, the plan and the console show or send.
func ShellWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t'\"\\;|&<>()*?[]{}$`!#~") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// Clone is a deep copy of m: an editor changes it without touching the
// map as read.
func (m *Map) Clone() *Map {
	if m == nil {
		return nil
	}
	c := &Map{Name: m.Name, Family: m.Family, Rules: make([]Rule, len(m.Rules))}
	for i, r := range m.Rules {
		r.Location = slices.Clone(r.Location)
		c.Rules[i] = r
	}
	return c
}

// Equal reports whether two maps have the same name and rules.
func (m *Map) Equal(o *Map) bool {
	if m == nil || o == nil {
		return m == o
	}
	if m.Name != o.Name || len(m.Rules) != len(o.Rules) {
		return false
	}
	for i := range m.Rules {
		a, b := m.Rules[i], o.Rules[i]
		if a.Number != b.Number || a.Action != b.Action || !slices.Equal(a.Location, b.Location) {
			return false
		}
	}
	return true
}

// NextNumber is a free rule number after the highest (steps of 10 when
// there is room), 0 when none is left.
func (m *Map) NextNumber() int {
	hi := 0
	used := map[int]bool{}
	for _, r := range m.Rules {
		hi = max(hi, r.Number)
		used[r.Number] = true
	}
	if n := (hi/10 + 1) * 10; n <= MaxRule {
		return n
	}
	for n := 1; n <= MaxRule; n++ {
		if !used[n] {
			return n
		}
	}
	return 0
}

// Renumbered returns m's rules numbered 10, 20, 30... in their order (1,
// 2, 3... when that would pass MaxRule).
func (m *Map) Renumbered() *Map {
	c := m.Clone()
	step := 10
	if len(c.Rules)*step > MaxRule {
		step = 1
	}
	for i := range c.Rules {
		c.Rules[i].Number = (i + 1) * step
	}
	return c
}
