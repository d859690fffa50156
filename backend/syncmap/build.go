package syncmap

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// ErrInvalid is wrapped by every error about a bad sync-map, rule or flag.
var ErrInvalid = errors.New("invalid sync-map")

// Error is a bad sync-map in a configuration or on the command line, with
// where it was found. It wraps ErrInvalid.
type Error struct {
	File string // t.Source, or "flags"
	Line int    // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "<config>"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", file, e.Msg)
}

func (e *Error) Unwrap() error { return ErrInvalid }

// MaxRule is the highest rule number a Vyatta sync-map accepts.
const MaxRule = 1024

// Remote is a `system config-sync remote-router`. The password is never
// read into it, so it cannot leak through a log or the screen.
type Remote struct {
	Address  string
	Username string
	SyncMap  string
}

func (r Remote) String() string {
	s := r.Address
	if r.Username != "" {
		s = r.Username + "@" + s
	}
	if r.SyncMap != "" {
		s += " (sync-map " + r.SyncMap + ")"
	}
	return s
}

// FromConfig reads the sync-maps and remote routers a Vyatta configuration
// carries under `system config-sync`. A configuration without them gives
// no maps and no error. On any error nothing is returned.
func FromConfig(t *config.Tree) ([]*Map, []Remote, error) {
	if t == nil || t.Root == nil {
		return nil, nil, nil
	}
	cs := t.Root.Lookup(config.Path{"system", "config-sync"})
	if cs == nil {
		return nil, nil, nil
	}
	bad := func(n *config.Node, format string, args ...any) error {
		return &Error{File: t.Source, Line: int(n.Line), Msg: fmt.Sprintf(format, args...)}
	}
	var maps []*Map
	if sm := cs.Child("sync-map"); sm != nil {
		for _, mn := range sm.Children {
			m := &Map{Name: mn.Name, Family: config.Vyatta}
			rules := mn.Child("rule")
			if rules == nil || len(rules.Children) == 0 {
				return nil, nil, bad(mn, "sync-map %s: expected at least one rule", mn.Name)
			}
			for _, rn := range rules.Children {
				r, err := ruleFromNode(rn, func(n *config.Node, format string, args ...any) error {
					return bad(n, "sync-map %s rule %s: "+format, append([]any{mn.Name, rn.Name}, args...)...)
				})
				if err != nil {
					return nil, nil, err
				}
				m.Rules = append(m.Rules, r)
			}
			m.Sort()
			maps = append(maps, m)
		}
	}
	// Sorted here rather than trusting the parser's order, so that the
	// result does not depend on the text's form (set lines keep theirs).
	slices.SortFunc(maps, func(a, b *Map) int {
		if config.NaturalLess(a.Name, b.Name) {
			return -1
		}
		if config.NaturalLess(b.Name, a.Name) {
			return 1
		}
		return 0
	})
	var remotes []Remote
	if rr := cs.Child("remote-router"); rr != nil {
		for _, an := range rr.Children {
			r := Remote{Address: an.Name}
			if u := an.Child("username"); u != nil {
				if v := leafValues(u); len(v) > 0 {
					r.Username = v[0]
				}
			}
			if s := an.Child("sync-map"); s != nil {
				v := leafValues(s)
				if len(v) != 1 {
					return nil, nil, bad(s, "remote-router %s: expected one sync-map name, got %d", an.Name, len(v))
				}
				r.SyncMap = v[0]
				if !slices.ContainsFunc(maps, func(m *Map) bool { return m.Name == r.SyncMap }) {
					return nil, nil, bad(s, "remote-router %s: expected the name of a sync-map, got '%s'", an.Name, r.SyncMap)
				}
			}
			remotes = append(remotes, r)
		}
	}
	return maps, remotes, nil
}

// ruleFromNode reads `rule N { action ...; location ... }`.
func ruleFromNode(rn *config.Node, bad func(*config.Node, string, ...any) error) (Rule, error) {
	var r Rule
	num, err := parseRuleNumber(rn.Name)
	if err != nil {
		return r, bad(rn, "%v", err)
	}
	r.Number = num
	an := rn.Child("action")
	if an == nil {
		return r, bad(rn, "expected action include or exclude, got none")
	}
	action := leafValues(an)
	if len(action) != 1 {
		return r, bad(an, "expected one action include or exclude, got %d values", len(action))
	}
	if r.Action, err = ParseAction(action[0]); err != nil {
		return r, bad(an, "%v", err)
	}
	ln := rn.Child("location")
	if ln == nil {
		return r, bad(rn, "expected a location, got none")
	}
	location := leafValues(ln)
	if len(location) != 1 {
		return r, bad(ln, "expected one location (quote a path of several words), got %d values", len(location))
	}
	r.Location = strings.Fields(location[0])
	if len(r.Location) == 0 {
		return r, bad(ln, "expected a location of one or more words, got '%s'", location[0])
	}
	return r, nil
}

// leafValues returns the values of a leaf. Without a schema the parser
// reads an unquoted set value (`action include`) as a valueless child
// node, so bare children count as values too.
func leafValues(n *config.Node) []string {
	if len(n.Values) > 0 {
		return n.Values
	}
	var vs []string
	for _, c := range n.Children {
		if len(c.Values) > 0 || len(c.Children) > 0 {
			return nil
		}
		vs = append(vs, c.Name)
	}
	return vs
}

// parseRuleNumber accepts only canonical numbers 1-1024: "02" would be a
// different node from "2" on the device and would not round-trip.
func parseRuleNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxRule || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("expected a rule number 1-%d, got '%s'", MaxRule, s)
	}
	return n, nil
}

// ParseAction reads "include" or "exclude".
func ParseAction(s string) (Action, error) {
	switch s {
	case "include":
		return Include, nil
	case "exclude":
		return Exclude, nil
	}
	return Include, fmt.Errorf("expected action include or exclude, got '%s'", s)
}

// FromFlags builds the map "flags" from --include and --exclude paths
// (space-separated words). Rules are numbered from 1 in the order given,
// the includes first. An empty path is an error: "everything" is what the
// default map is for.
func FromFlags(include, exclude []string) (*Map, error) {
	m := &Map{Name: "flags"}
	add := func(flag string, a Action, paths []string) error {
		for i, p := range paths {
			loc := strings.Fields(p)
			if len(loc) == 0 {
				return &Error{File: "flags", Msg: fmt.Sprintf("--%s #%d: expected a path of one or more words, got '%s'", flag, i+1, p)}
			}
			m.Rules = append(m.Rules, Rule{Number: len(m.Rules) + 1, Action: a, Location: loc})
		}
		return nil
	}
	if err := add("include", Include, include); err != nil {
		return nil, err
	}
	if err := add("exclude", Exclude, exclude); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Default is the map used when a pair has none: the Vyatta family compares
// everything but the protected paths; the Huawei family uses HRP(t).
func Default(fam config.Family, t *config.Tree) *Map {
	if fam == config.Huawei {
		return HRP(t)
	}
	return &Map{Name: "all", Family: fam, Rules: []Rule{{Number: 1, Action: Include}}}
}

// HRP is the scope of Huawei HRP configuration backup as ordinary rules:
// rule 1 includes everything, the others exclude what HRP never backs up,
// so the UI can name the rule that decided. Static routes and
// policy-based routes are excluded unless t enables their auto-sync.
func HRP(t *config.Tree) *Map {
	m := &Map{Name: "hrp", Family: config.Huawei, Rules: []Rule{{Number: 1, Action: Include}}}
	for i, x := range hrpExclusions() {
		if x.unless != "" && hasLine(t, x.unless) {
			continue
		}
		// Numbered by table position, so a rule keeps its number whether
		// or not the auto-sync options drop the ones before it.
		m.Rules = append(m.Rules, Rule{Number: i + 2, Action: Exclude, Location: strings.Fields(x.location)})
	}
	return m
}

// hasLine reports whether a top-level command of t reads exactly line. The
// VRP parser may keep part of a command in its values, so each value is
// tried after the name's words.
func hasLine(t *config.Tree, line string) bool {
	if t == nil || t.Root == nil {
		return false
	}
	want := strings.Fields(line)
	for _, n := range t.Root.Children {
		// Splitting every top-level name costs more than the rest of the
		// map: skip the names that cannot start with the line's first word.
		if len(want) > 0 && !strings.Contains(n.Name, want[0]) && strings.TrimSpace(n.Name) != "" {
			continue
		}
		w := strings.Fields(n.Name)
		if len(n.Values) == 0 && slices.Equal(w, want) {
			return true
		}
		for _, v := range n.Values {
			if slices.Equal(append(w[:len(w):len(w)], strings.Fields(v)...), want) {
				return true
			}
		}
	}
	return false
}

// Validate checks the rules: numbers 1-1024 and unique, a known action,
// locations of whole words. An empty location is allowed (the built-in
// maps use it for "everything").
func (m *Map) Validate() error {
	if m == nil {
		return &Error{File: "sync-map", Msg: "expected a sync-map, got none"}
	}
	seen := make(map[int]bool, len(m.Rules))
	for _, r := range m.Rules {
		where := fmt.Sprintf("sync-map %s rule %d: ", m.Name, r.Number)
		switch {
		case r.Number < 1 || r.Number > MaxRule:
			return &Error{File: "sync-map", Msg: fmt.Sprintf("sync-map %s: expected a rule number 1-%d, got %d", m.Name, MaxRule, r.Number)}
		case seen[r.Number]:
			return &Error{File: "sync-map", Msg: where + "expected a unique rule number, got it twice"}
		case r.Action != Include && r.Action != Exclude:
			return &Error{File: "sync-map", Msg: where + fmt.Sprintf("expected action include or exclude, got %d", int(r.Action))}
		}
		seen[r.Number] = true
		for _, w := range r.Location {
			if w == "" || strings.ContainsAny(w, " \t\r\n") {
				return &Error{File: "sync-map", Msg: where + fmt.Sprintf("expected a location of whole words, got %q", w)}
			}
		}
	}
	return nil
}

// Sort orders the rules by number, keeping the order of equal ones.
func (m *Map) Sort() {
	slices.SortStableFunc(m.Rules, func(a, b Rule) int { return a.Number - b.Number })
}

// Commands returns the map as Vyatta set commands, two per rule.
func (m *Map) Commands() []string {
	prefix := "set system config-sync sync-map " + ShellWord(m.Name) + " rule "
	out := make([]string, 0, 2*len(m.Rules))
	for _, r := range m.Rules {
		n := strconv.Itoa(r.Number)
		out = append(out,
			prefix+n+" action "+r.Action.String(),
			prefix+n+" location "+quote(strings.Join(r.Location, " ")))
	}
	return out
}

// String prints the map as Vyatta set commands, one per line.
func (m *Map) String() string { return strings.Join(m.Commands(), "\n") }

// quote single-quotes a value as `show configuration commands` does; a
// value holding a single quote is double-quoted with escapes instead.
func quote(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	// Inside double quotes the device's shell (vbash) expands $ and `:
	// they are escaped too, never left to run.
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`")
	return `"` + r.Replace(s) + `"`
}

// Warning says that a map puts a device-unique item in scope.
type Warning struct {
	Path config.Path
	Rule *Rule
	Msg  string
}

func (w Warning) String() string {
	if w.Rule == nil {
		return w.Path.String() + ": " + w.Msg
	}
	return fmt.Sprintf("%s: %s (rule %d includes it)", w.Path, w.Msg, w.Rule.Number)
}

// Warnings lists the in-scope nodes of t that are unique to each device,
// one per node, in tree order. The patterns used are those of t's family
// (both when it is Auto).
func (m *Map) Warnings(t *config.Tree) []Warning {
	if t == nil || t.Root == nil {
		return nil
	}
	type item struct {
		pattern []string
		what    string
	}
	var items []item
	for _, u := range uniqueItems() {
		if t.Family == config.Auto || u.fam == t.Family {
			items = append(items, item{strings.Fields(u.pattern), u.what})
		}
	}
	var out []Warning
	var line []string
	m.walk(t.Root, func(path, words []string, n *config.Node, d Decision) {
		if d.Scope != InScope {
			return
		}
		// A pattern matches a whole subtree; the top of it is warning enough.
		if len(out) > 0 && hasPrefix(path, out[len(out)-1].Path) {
			return
		}
		for _, u := range items {
			if matchLine(u.pattern, words, n.Values, &line) {
				out = append(out, Warning{Path: config.Path(slices.Clone(path)), Rule: d.Rule, Msg: u.what + " is unique to each device"})
				return
			}
		}
	})
	return out
}

// matchLine matches pattern against the node's words, then against its
// words followed by each value's words; buf is scratch space.
func matchLine(pattern, words, values []string, buf *[]string) bool {
	if matchWords(pattern, words) {
		return true
	}
	if len(pattern) <= len(words) {
		return false
	}
	for _, v := range values {
		*buf = appendFields(append((*buf)[:0], words...), v)
		if matchWords(pattern, *buf) {
			return true
		}
	}
	return false
}
