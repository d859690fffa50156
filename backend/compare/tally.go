package compare

import (
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/plan"
)

// Tally is a comparison's differences as every front end counts them (the
// console's pair list, HA tab and Diff tab, hasync status): by scope, and
// the in-scope ones split by what a sync does with them.
//
// Secrets are compared masked (diff.Options.MaskSecrets): a device stores
// a secret as ciphertext salted per device, so two members holding the
// same password differ in text; counted unmasked they would add
// differences no sync resolves, and the count would depend on a display
// option.
type Tally struct {
	Counts
	// ToSync are the in-scope differences the plan resolves: what a sync
	// would change on the target.
	ToSync int `json:"to_sync"`
	// NotSynced are the in-scope differences the plan leaves to a person
	// (plan.Conflict): in HRP mode a rule in another position, a command
	// on both sides with other parameters, one only on the standby; in
	// any mode a masked secret that must not overwrite a real one.
	NotSynced int `json:"not_synced"`
}

// ModeFor is the mode a sync of a pair of family fam runs in by default:
// plan.HRP (Huawei `hrp sync config`, DOMAIN.md "HRP") for Huawei,
// plan.Push otherwise.
func ModeFor(fam config.Family) plan.Mode {
	if fam == config.Huawei {
		return plan.HRP
	}
	return plan.Push
}

// Masked is c comparing secrets masked (a copy; c is unchanged).
func (c *Comparison) Masked() *Comparison {
	cc := *c
	cc.Diff.MaskSecrets = true
	return &cc
}

// Tally counts c's differences (secrets masked) and those the plan of
// mode resolves. It walks both trees twice (the changes and the plan):
// front ends call it in the background, never in a UI's update loop.
// The error is the plan's.
func (c *Comparison) Tally(mode plan.Mode) (Tally, error) {
	m := c.Masked()
	cs := m.Changes(false)
	if cs.Counts.InScope == 0 {
		// Nothing in scope: nothing to sync, no plan to build (the
		// steady state of a synced pair, at a tenth of the cost).
		return Tally{Counts: cs.Counts}, nil
	}
	p, err := m.Plan(mode)
	if err != nil {
		return Tally{Counts: cs.Counts, ToSync: -1, NotSynced: -1}, err
	}
	return TallyOf(cs, p), nil
}

// TallyOf is the Tally of changes cs (taken with secrets masked) and the
// plan p of the same comparison, for a caller that has both already.
// An in-scope change is not synced when a conflict of p lies at its path,
// above or below it.
func TallyOf(cs *Changes, p *plan.Plan) Tally {
	t := Tally{Counts: cs.Counts}
	if p == nil {
		t.ToSync, t.NotSynced = -1, -1
		return t
	}
	// at: the conflicts' paths; under: every proper prefix of one.
	at, under := map[string]bool{}, map[string]bool{}
	for _, cf := range p.Conflicts {
		at[pathKey(cf.Path)] = true
		for i := 1; i < len(cf.Path); i++ {
			under[pathKey(cf.Path[:i])] = true
		}
	}
	for i := range cs.List {
		ch := &cs.List[i]
		if !ch.InScope {
			continue
		}
		if conflicted(ch.Path, at, under) {
			t.NotSynced++
		} else {
			t.ToSync++
		}
	}
	return t
}

// conflicted: a conflict lies at path, above it (at holds a prefix) or
// below it (under holds path).
func conflicted(path config.Path, at, under map[string]bool) bool {
	if len(at) == 0 {
		return false
	}
	if under[pathKey(path)] {
		return true
	}
	for i := 1; i <= len(path); i++ {
		if at[pathKey(path[:i])] {
			return true
		}
	}
	return false
}

// pathKey is a path as a map key (its words joined by a byte no
// configuration word holds).
func pathKey(p config.Path) string { return strings.Join(p, "\x00") }
