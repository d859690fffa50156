package compare

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// MapSpec says which sync-map a comparison uses. Its fields mirror the
// flags of `hasync diff`, whose names the errors quote.
type MapSpec struct {
	// Name is a map LEFT carries under `system config-sync sync-map NAME`
	// (Vyatta family), or "hrp", the built-in map of what Huawei HRP
	// backs up (DOMAIN.md, HRP). "" is the family's default map unless
	// Include is given.
	Name string
	// Include builds a map of these paths (words separated by spaces).
	Include []string
	// Exclude narrows the map: the named one, the Include one, or else
	// the family's default.
	Exclude []string
}

// Check reports a spec that cannot name one map, before any file is read.
func (s MapSpec) Check() error {
	if s.Name != "" && len(s.Include) > 0 {
		return fmt.Errorf("--sync-map %s: goes with --exclude, not --include (a map is either named or built from --include)", s.Name)
	}
	return nil
}

// ChooseMap picks the sync-map for a pair whose source is left: a named
// map carried by left (or the built-in hrp), one built from Include, or
// the family's default; then Exclude narrows it. Exclude alone thus
// starts from the default map, as an engineer who types "everything but
// P" means. Errors name the flag and what was expected, and for a missing
// named map the maps left does carry.
func ChooseMap(left *config.Tree, s MapSpec) (*syncmap.Map, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if len(s.Include) > 0 {
		m, err := syncmap.FromFlags(s.Include, s.Exclude)
		return m, flagsError(err)
	}
	var base *syncmap.Map
	switch {
	case s.Name == "":
		base = syncmap.Default(left.Family, left)
	case s.Name == "hrp" && left.Family == config.Huawei:
		base = syncmap.HRP(left)
	case left.Family == config.Huawei:
		return nil, fmt.Errorf("--sync-map %s: %s is Huawei text, whose only sync-map is the built-in 'hrp' (or build one with --include/--exclude)", s.Name, left.Source)
	default:
		var err error
		if base, err = NamedMap(left, s.Name); err != nil {
			return nil, err
		}
	}
	if len(s.Exclude) == 0 {
		return base, nil
	}
	return Narrow(base, s.Exclude)
}

// Label names the map m chosen by s for a header, with where it comes
// from: "all (default: all but the protected paths)", "FW (carried by
// vra-a.conf)", "flags (--include/--exclude)".
func Label(m *syncmap.Map, s MapSpec, left *config.Tree) string {
	var from string
	switch {
	case len(s.Include) > 0:
		from = "--include/--exclude"
	case s.Name == "" && left.Family == config.Huawei:
		from = "default: what HRP backs up"
	case s.Name == "":
		from = "default: all but the protected paths"
	case left.Family == config.Huawei:
		from = "built in: what HRP backs up"
	default:
		from = "carried by " + left.Source
	}
	return m.Name + " (" + from + ")"
}

// NamedMap is the sync-map name carried by the Vyatta configuration t
// under `system config-sync sync-map`. The error for a map t lacks lists
// the maps it carries.
func NamedMap(t *config.Tree, name string) (*syncmap.Map, error) {
	maps, _, err := syncmap.FromConfig(t)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range maps {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	hint := ""
	if name == "hrp" {
		hint = "'hrp' is the Huawei built-in map; "
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--sync-map %s: %s%s carries no sync-map under 'system config-sync sync-map' (give --include/--exclude, or no --sync-map to compare everything)", name, hint, t.Source)
	}
	return nil, fmt.Errorf("--sync-map %s: %s%s carries only %s", name, hint, t.Source, strings.Join(names, ", "))
}

// Narrow returns base with an exclude rule for each path, numbered after
// its rules, named "BASE less --exclude".
func Narrow(base *syncmap.Map, exclude []string) (*syncmap.Map, error) {
	ex, err := syncmap.FromFlags(nil, exclude)
	if err != nil {
		return nil, flagsError(err)
	}
	m := &syncmap.Map{Name: base.Name + " less --exclude", Family: base.Family}
	m.Rules = append(m.Rules, base.Rules...)
	next := 0
	for _, r := range m.Rules {
		next = max(next, r.Number)
	}
	for _, r := range ex.Rules {
		next++
		r.Number = next
		m.Rules = append(m.Rules, r)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// flagsError drops the "flags: " that syncmap puts before its messages
// about --include and --exclude: the message names the flag already.
func flagsError(err error) error {
	var se *syncmap.Error
	if errors.As(err, &se) && se.File == "flags" && se.Line == 0 {
		return errors.New(se.Msg)
	}
	return err
}

// Unmatched is an Include or Exclude path under which no node of either
// tree lies: most likely mistyped, and a mistyped include leaves nothing
// in scope, so that the pair would seem to agree.
type Unmatched struct {
	Flag string // "include" or "exclude"
	Path string // as given
}

// Unmatched lists the paths of s that match no node of left or right, in
// the order given, includes first.
func (s MapSpec) Unmatched(left, right *config.Tree) []Unmatched {
	var out []Unmatched
	for _, fp := range []struct {
		flag  string
		paths []string
	}{{"include", s.Include}, {"exclude", s.Exclude}} {
		for _, p := range fp.paths {
			loc := strings.Fields(p)
			if !HasNodeUnder(left.Root, loc) && !HasNodeUnder(right.Root, loc) {
				out = append(out, Unmatched{Flag: fp.flag, Path: p})
			}
		}
	}
	return out
}

// HasNodeUnder reports whether a node below parent has a path whose words
// begin with loc, as a sync-map rule's location matches it (a VRP `undo X`
// line has X's words, syncmap.NameWords).
func HasNodeUnder(parent *config.Node, loc []string) bool {
	if len(loc) == 0 {
		return true
	}
	if parent == nil {
		return false
	}
	for _, c := range parent.Children {
		w := syncmap.NameWords(nil, c.Name)
		n := min(len(w), len(loc))
		if !slices.Equal(w[:n], loc[:n]) {
			continue
		}
		if n == len(loc) || HasNodeUnder(c, loc[n:]) {
			return true
		}
	}
	return false
}
