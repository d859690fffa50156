package compare

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// Member is one device of a live pair: its name, its running configuration
// as read, and whether it is the HRP active member (Huawei: `HRP_M`, the
// member `hrp sync config` copies from; DOMAIN.md "HRP").
type Member struct {
	Name   string
	Tree   *config.Tree
	Active bool
	// Masters are the VRRP groups the member is MASTER of, as
	// "interface/group" (Vyatta: `show vrrp`, DOMAIN.md "VRRP"); nil when
	// not read.
	Masters []string
}

// DualActive is a *DualActiveError when a and b both claim the active
// role: both Active (HRP), or both MASTER of one VRRP group. nil
// otherwise, also when a role was not read.
func DualActive(a, b Member) error {
	if a.Active && b.Active {
		return &DualActiveError{A: a.Name, B: b.Name}
	}
	var both []string
	for _, g := range b.Masters {
		if slices.Contains(a.Masters, g) && !slices.Contains(both, g) {
			both = append(both, g)
		}
	}
	if len(both) > 0 {
		return &DualActiveError{A: a.Name, B: b.Name, Groups: both}
	}
	return nil
}

// ErrDualActive: both members of a pair claim the active role (Huawei:
// both HRP active, `HRP_M` on both prompts; Vyatta: both VRRP MASTER for
// one group), a split brain (DOMAIN.md "HRP", "VRRP"). No sync direction
// is chosen then: copying either way could overwrite the member that
// actually forwards.
var ErrDualActive = errors.New("dual active: both members active")

// DualActiveError is ErrDualActive for the members (and, for VRRP, the
// groups) that claim the active role.
type DualActiveError struct {
	A, B string
	// Groups are the VRRP groups both claim, as "interface/group"; empty
	// for HRP.
	Groups []string
}

func (e *DualActiveError) Error() string {
	s := fmt.Sprintf("%v (%s and %s", ErrDualActive, e.A, e.B)
	if len(e.Groups) > 0 {
		s += ": VRRP MASTER on both for " + strings.Join(e.Groups, ", ")
	}
	return s + "): no sync direction chosen"
}

func (e *DualActiveError) Is(target error) bool { return target == ErrDualActive }

// LiveSpec is what the inventory says of a pair's scope and direction.
type LiveSpec struct {
	// SyncMap names the pair's sync-map. Vyatta family: a map under
	// `system config-sync sync-map` of either device; "" is the map a
	// device's `remote-router` names, else the default (everything but
	// the protected paths). Huawei: "" or "hrp", the built-in map.
	SyncMap string
	// Source is the device a sync copies from when the configurations do
	// not tell (both or neither carry the map; no HRP role known); "" is
	// the first member.
	Source string
}

// Live compares the two members of a pair as read from the devices. The
// direction and the map come from the devices themselves:
//
//   - Vyatta family: the source is the device whose `system config-sync`
//     carries the map (DOMAIN.md "config-sync (VRA)": the device that
//     carries it pushes on each commit), whichever member it is; when both
//     carry it, the one whose remote-router names it; then spec.Source.
//   - Huawei: the built-in hrp map (syncmap.HRP) of the active member,
//     which is the source (`hrp sync config` runs there).
//
// Both members active (DualActive: both Active, or both MASTER of one
// VRRP group in Masters) is a *DualActiveError (errors.Is ErrDualActive):
// a split brain, no direction is chosen.
//
// Left of the result is the source, Right the target; Label names the map
// and the device that carries it.
func Live(a, b Member, spec LiveSpec, o diff.Options) (*Comparison, error) {
	if a.Tree == nil || b.Tree == nil {
		return nil, fmt.Errorf("compare: %s and %s: expected both configurations", a.Name, b.Name)
	}
	if a.Tree.Family != b.Tree.Family {
		return nil, familiesError(a.Name, b.Name, a.Tree.Family, b.Tree.Family)
	}
	// An empty read (a login that may not see the configuration, a
	// truncated capture) compared with its peer would read as "delete
	// everything".
	for _, m := range []Member{a, b} {
		if m.Tree.Root == nil || len(m.Tree.Root.Children) == 0 {
			return nil, fmt.Errorf("%s: the configuration read holds no configuration: not compared", m.Name)
		}
	}
	if err := DualActive(a, b); err != nil {
		return nil, err
	}
	preferred := func() (Member, Member) {
		if spec.Source != "" && spec.Source == b.Name {
			return b, a
		}
		return a, b
	}
	if a.Tree.Family == config.Huawei {
		if spec.SyncMap != "" && spec.SyncMap != "hrp" {
			return nil, fmt.Errorf("sync-map %s: %s and %s are Huawei devices, whose only sync-map is the built-in 'hrp'", spec.SyncMap, a.Name, b.Name)
		}
		src, dst := preferred()
		switch {
		case a.Active && !b.Active:
			src, dst = a, b
		case b.Active && !a.Active:
			src, dst = b, a
		}
		m := syncmap.HRP(src.Tree)
		from := "built in: what HRP backs up, from the active member " + src.Name
		if !src.Active {
			from = "built in: what HRP backs up; no active member known, " + src.Name + " taken as source"
		}
		return labelled(src.Tree, dst.Tree, m, from, "", o)
	}

	type carried struct {
		maps    []*syncmap.Map
		remotes []syncmap.Remote
	}
	var cs [2]carried
	for i, mb := range []Member{a, b} {
		maps, remotes, err := syncmap.FromConfig(mb.Tree)
		if err != nil {
			return nil, fmt.Errorf("%s: system config-sync: %w", mb.Name, err)
		}
		cs[i] = carried{maps, remotes}
	}
	members := [2]Member{a, b}
	find := func(i int, name string) *syncmap.Map {
		for _, m := range cs[i].maps {
			if m.Name == name {
				return m
			}
		}
		return nil
	}
	names := func(name string) bool { return name != "" }
	pushes := func(i int, name string) bool {
		return slices.ContainsFunc(cs[i].remotes, func(r syncmap.Remote) bool {
			return r.SyncMap == name || name == "" && names(r.SyncMap)
		})
	}
	// pick chooses the source among the members for which ok holds:
	// one alone, else the one that pushes the map, else the preferred.
	pick := func(ok func(i int) bool, name string) (int, bool) {
		var idx []int
		for i := range members {
			if ok(i) {
				idx = append(idx, i)
			}
		}
		switch len(idx) {
		case 0:
			return 0, false
		case 1:
			return idx[0], true
		}
		if pushes(0, name) != pushes(1, name) {
			if pushes(0, name) {
				return 0, true
			}
			return 1, true
		}
		if src, _ := preferred(); src.Name == b.Name {
			return 1, true
		}
		return 0, true
	}
	result := func(i int, m *syncmap.Map, from, carrier string) (*Comparison, error) {
		return labelled(members[i].Tree, members[1-i].Tree, m, from, carrier, o)
	}

	if spec.SyncMap != "" {
		i, ok := pick(func(i int) bool { return find(i, spec.SyncMap) != nil }, spec.SyncMap)
		if !ok {
			var have []string
			for i, mb := range members {
				for _, m := range cs[i].maps {
					have = append(have, mb.Name+": "+m.Name)
				}
			}
			carries := "neither carries a sync-map"
			if len(have) > 0 {
				carries = "they carry " + strings.Join(have, ", ")
			}
			return nil, fmt.Errorf("sync-map %s: neither %s nor %s carries it under 'system config-sync sync-map' (%s)", spec.SyncMap, a.Name, b.Name, carries)
		}
		return result(i, find(i, spec.SyncMap), "carried by "+members[i].Name, members[i].Name)
	}
	// No map named: the one a remote-router pushes with.
	if i, ok := pick(func(i int) bool { return pushes(i, "") }, ""); ok {
		for _, r := range cs[i].remotes {
			if r.SyncMap != "" {
				return result(i, find(i, r.SyncMap), "carried by "+members[i].Name+", remote-router "+r.Address, members[i].Name)
			}
		}
	}
	src, _ := preferred()
	i := 0
	if src.Name == b.Name {
		i = 1
	}
	return result(i, syncmap.Default(config.Vyatta, members[i].Tree), "default: all but the protected paths", "")
}

// labelled is New with the label "MAP (from)" (MAP alone when from is
// empty) and its parts kept (Comparison.From, Carrier).
func labelled(left, right *config.Tree, m *syncmap.Map, from, carrier string, o diff.Options) (*Comparison, error) {
	label := m.Name
	if from != "" {
		label += " (" + from + ")"
	}
	c, err := New(left, right, m, label, o)
	if err != nil {
		return nil, err
	}
	c.From, c.Carrier = from, carrier
	return c, nil
}

// Rescope returns c under the map s gives instead of its own, keeping its
// direction: Include builds a map of those paths, Exclude alone narrows
// c's map. s.Name must be empty: a named map is chosen by Live. The
// result shares c's trees.
func Rescope(c *Comparison, s MapSpec) (*Comparison, error) {
	if s.Name != "" {
		return nil, fmt.Errorf("compare: Rescope takes include and exclude paths, not the map name %s", s.Name)
	}
	var (
		m   *syncmap.Map
		err error
	)
	from, carrier := "--include/--exclude", ""
	switch {
	case len(s.Include) > 0:
		m, err = syncmap.FromFlags(s.Include, s.Exclude)
		err = flagsError(err)
	case len(s.Exclude) > 0:
		m, err = Narrow(c.Map, s.Exclude)
		from, carrier = c.From, c.Carrier
	default:
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	return labelled(c.Left, c.Right, m, from, carrier, c.Diff)
}
