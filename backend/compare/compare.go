package compare

import (
	"fmt"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
)

// Comparison is one comparison of a pair. Left is the source of a sync,
// Right its target; Map decides what they share. A Comparison holds no
// result: each method computes what it returns, so a front end pays only
// for what it shows (the side view needs rows, the JSON view changes).
// The trees are read, never changed; methods may run concurrently.
type Comparison struct {
	Left, Right *config.Tree
	Map         *syncmap.Map
	// Label names the map and where it comes from, for a header: "FW
	// (carried by vra-a)".
	Label string
	// From is where the map comes from, as Label says it after the
	// name ("carried by vra-a, remote-router 10.0.0.2", "built in: what
	// HRP backs up, ..."), and Carrier the member whose configuration
	// carries it ("" for a built-in, default or flags map). Live sets
	// them, Rescope keeps them; other comparisons leave them empty.
	From, Carrier string
	// Diff says what counts as a difference (masked secrets, ignored
	// lines); it is also the plan's.
	Diff diff.Options
}

// New compares left and right within m. Both trees must be of one family.
// An empty label becomes the map's name.
func New(left, right *config.Tree, m *syncmap.Map, label string, o diff.Options) (*Comparison, error) {
	if left == nil || right == nil || m == nil {
		return nil, fmt.Errorf("compare: expected two trees and a sync-map")
	}
	if left.Family != right.Family {
		return nil, familiesError(left.Source, right.Source, left.Family, right.Family)
	}
	if label == "" {
		label = m.Name
	}
	return &Comparison{Left: left, Right: right, Map: m, Label: label, Diff: o}, nil
}

// Trees compares two parsed configurations with the map s chooses from
// left (ChooseMap), labelled as Label does.
func Trees(left, right *config.Tree, s MapSpec, o diff.Options) (*Comparison, error) {
	if left.Family != right.Family {
		return nil, familiesError(left.Source, right.Source, left.Family, right.Family)
	}
	m, err := ChooseMap(left, s)
	if err != nil {
		return nil, err
	}
	return New(left, right, m, Label(m, s, left), o)
}

// Files reads two configuration files (LoadPair) and compares them.
func Files(leftFile, rightFile string, fam config.Family, s MapSpec, o diff.Options) (*Comparison, error) {
	left, right, m, err := LoadPair(leftFile, rightFile, fam, s)
	if err != nil {
		return nil, err
	}
	return New(left, right, m, Label(m, s, left), o)
}

// RowOptions shape the side-by-side rows.
type RowOptions struct {
	// Context is the number of unchanged rows kept around a change when
	// folding.
	Context int
	// Fold replaces runs of unchanged rows by one summary row.
	Fold bool
	// OnlyScope keeps only the rows in scope (and their ancestors).
	OnlyScope bool
}

// Side is the side-by-side view of a comparison.
type Side struct {
	Rows []diff.Row
	// Differs: a row that differs is in scope, so a sync would change
	// the target.
	Differs bool
}

// Rows aligns both configurations by path (diff.Rows), each row with its
// scope.
func (c *Comparison) Rows(o RowOptions) Side {
	rows := diff.Rows(c.Left, c.Right, diff.RowOptions{
		Options:   c.Diff,
		Map:       c.Map,
		Context:   o.Context,
		Fold:      o.Fold,
		OnlyScope: o.OnlyScope,
	})
	return Side{Rows: rows, Differs: RowsDiffer(rows)}
}

// RowsDiffer reports whether a row that differs lies in scope.
func RowsDiffer(rows []diff.Row) bool {
	for i := range rows {
		if rows[i].Kind != diff.Same && rows[i].Scope == syncmap.InScope {
			return true
		}
	}
	return false
}

// Change is one difference with its scope.
type Change struct {
	diff.Change
	// Decision is the map's decision for the change's node (its top node,
	// for a subtree on one side only).
	Decision syncmap.Decision
	// InScope: the change touches a node the map shares: its node, or
	// for a subtree on one side only, any node below it. A sync resolves
	// exactly these.
	InScope bool
}

// Counts sums the differences of a comparison by scope. Each change counts
// once: InScope when it touches a node in scope, else by its node's
// decision.
type Counts struct {
	InScope   int `json:"in_scope"`  // a sync would resolve them
	Outside   int `json:"outside"`   // no rule of the map covers them
	Excluded  int `json:"excluded"`  // an exclude rule keeps them out
	Protected int `json:"protected"` // never synced (syncmap.Protected)
}

// Total is the number of differences, whatever their scope.
func (n Counts) Total() int { return n.InScope + n.Outside + n.Excluded + n.Protected }

// Changes is the list of changes of a comparison.
type Changes struct {
	// A and B are the trees the changes were taken from: Left and Right,
	// or their in-scope parts when only the scope was asked for.
	A, B   *config.Tree
	List   []Change
	Counts Counts
}

// Differs: a change lies in scope, so a sync would change the target.
func (cs *Changes) Differs() bool { return cs.Counts.InScope > 0 }

// Plain returns the changes without their scope, as the writers of
// backend/diff take them.
func (cs *Changes) Plain() []diff.Change {
	out := make([]diff.Change, len(cs.List))
	for i := range cs.List {
		out[i] = cs.List[i].Change
	}
	return out
}

// Changes lists the differences (diff.Trees), each with its scope. With
// onlyScope it compares only the in-scope parts (syncmap.Map.Scoped).
func (c *Comparison) Changes(onlyScope bool) *Changes {
	a, b := c.Left, c.Right
	if onlyScope {
		a, b = c.Map.Scoped(a), c.Map.Scoped(b)
	}
	changes := diff.Trees(a, b, c.Diff)
	out := &Changes{A: a, B: b, List: make([]Change, len(changes))}
	for i, ch := range changes {
		d := c.Map.Decide(ch.Path)
		in := d.Scope == syncmap.InScope
		if !in {
			switch ch.Kind {
			case diff.Removed:
				in = c.Map.AnyInScope(ch.Path, ch.Left)
			case diff.Added:
				in = c.Map.AnyInScope(ch.Path, ch.Right)
			}
		}
		out.List[i] = Change{Change: ch, Decision: d, InScope: in}
		switch {
		case in:
			out.Counts.InScope++
		case d.Scope == syncmap.Excluded:
			out.Counts.Excluded++
		case d.Scope == syncmap.Protected:
			out.Counts.Protected++
		default:
			out.Counts.Outside++
		}
	}
	return out
}

// Counts sums the differences of the whole configurations by scope.
func (c *Comparison) Counts() Counts { return c.Changes(false).Counts }

// Plan is what a sync from Left to Right would send (plan.Build), in the
// given mode: plan.Push for hasync push and VRA config-sync, plan.HRP for
// Huawei `hrp sync config`.
func (c *Comparison) Plan(mode plan.Mode) (*plan.Plan, error) {
	return plan.Build(c.Left, c.Right, c.Map, plan.Options{Mode: mode, Diff: c.Diff})
}

// PlanDiffers reports whether plan p leaves anything to do: a command to
// send, or a conflict for a person.
func PlanDiffers(p *plan.Plan) bool { return !p.Empty() || len(p.Conflicts) > 0 }
