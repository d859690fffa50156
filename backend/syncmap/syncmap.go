package syncmap

import "github.com/hasync/hasync/backend/config"

// Action is what a rule does with the nodes under its location.
type Action int

const (
	// Include puts the nodes under the location in scope.
	Include Action = iota
	// Exclude keeps them out, even under a shorter include.
	Exclude
)

func (a Action) String() string {
	if a == Exclude {
		return "exclude"
	}
	return "include"
}

// Rule is one numbered rule of a sync-map.
type Rule struct {
	Number   int      // 1-1024
	Action   Action   // include or exclude
	Location []string // a path of whole words: "security firewall"
}

// Scope is the decision for one node.
type Scope int

const (
	// Outside: no rule matched; the node is not synced.
	Outside Scope = iota
	// InScope: an include rule decided; the node is synced.
	InScope
	// Excluded: an exclude rule decided; the node is not synced.
	Excluded
	// Protected: under `system config-sync`, `service config-sync` or
	// `service https` (or the family's equivalent, and `undo` lines of
	// them); never synced, whatever the rules say.
	Protected
)

func (s Scope) String() string {
	switch s {
	case InScope:
		return "in-scope"
	case Excluded:
		return "excluded"
	case Protected:
		return "protected"
	default:
		return "outside"
	}
}

// Decision says whether a node is synced and which rule decided (nil when
// none did, or when the node is protected). Rule points into the Map's
// Rules, so it stays valid while the map's rules are left alone.
type Decision struct {
	Scope Scope
	Rule  *Rule
}

// Map is a named sync-map.
type Map struct {
	Name   string
	Family config.Family
	Rules  []Rule // sorted by Number
}
