package huawei

import (
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// HRPCommand is one configuration command as a user types it: the view it
// is typed in (the header lines entered, nil for the system view) and the
// line.
type HRPCommand struct {
	View []string `json:"view,omitempty"`
	Line string   `json:"line"`
}

func (c HRPCommand) String() string {
	if len(c.View) == 0 {
		return c.Line
	}
	return strings.Join(c.View, " / ") + " / " + c.Line
}

// HRPBackup is what `hrp sync config` does to the standby: the commands it
// lacks, and the commands both members have with other parameters, which
// a batch backup leaves alone (they need a manual fix).
type HRPBackup struct {
	// Commands are the commands the standby lacks, in the active's order.
	Commands []HRPCommand
	// Conflicts are the paths of the commands present on both members
	// with other parameters.
	Conflicts []config.Path
	// Result is the standby's configuration once Commands are applied.
	Result *config.Tree
}

// PlanHRPBackup computes a batch backup from active to standby
// (DOMAIN.md "HRP"): it adds what the standby lacks, never deletes the
// standby's extra commands, leaves a command present on both with other
// parameters as it is, skips what HRP does not cover (syncmap.HRP of the
// active: interfaces, the system name, static routes unless their
// auto-sync is on...) and the local `hrp` lines, and reorders nothing: a
// rule the standby lacks is appended, as the device appends new rules.
// Neither tree is modified.
func PlanHRPBackup(active, standby *config.Tree) HRPBackup {
	p := hrpPlanner{scope: syncmap.HRP(active).Evaluate(active)}
	result := &config.Tree{Family: config.Huawei, Root: &config.Node{}}
	if standby != nil && standby.Root != nil {
		result = &config.Tree{Family: standby.Family, Root: standby.Root.Clone(), Meta: slices.Clone(standby.Meta), Source: standby.Source}
	}
	if active != nil && active.Root != nil {
		p.merge(nil, nil, active.Root, result.Root)
	}
	return HRPBackup{Commands: p.cmds, Conflicts: p.conflicts, Result: result}
}

type hrpPlanner struct {
	scope     map[*config.Node]syncmap.Decision
	cmds      []HRPCommand
	conflicts []config.Path
}

// covered reports whether HRP backs up the active's node n.
func (p *hrpPlanner) covered(n *config.Node) bool {
	return p.scope[n].Scope == syncmap.InScope
}

// merge adds to s (the standby's node at path) what a (the active's)
// holds and s lacks.
func (p *hrpPlanner) merge(view []string, path config.Path, a, s *config.Node) {
	for _, ac := range a.Children {
		if !p.covered(ac) {
			continue
		}
		cp := path.Append(ac.Name)
		sc := s.Child(ac.Name)
		if sc == nil {
			add := p.scopedClone(view, ac)
			s.Children = append(s.Children, add)
			p.emit(view, add)
			continue
		}
		p.mergeValues(view, s.Name, cp, ac, sc)
		if len(ac.Children) > 0 {
			p.merge(hrpAppend(view, ac.Name), cp, ac, sc)
		}
	}
}

// mergeValues handles the values of a command present on both members.
func (p *hrpPlanner) mergeValues(view []string, parent string, path config.Path, a, s *config.Node) {
	if slices.Equal(a.Values, s.Values) || len(a.Values) == 0 {
		return
	}
	if hrpMultiValue(parent, a.Name) {
		// Each line of a multi-value command is a command of its own:
		// the ones the standby lacks are added after its own.
		for _, v := range a.Values {
			if !slices.Contains(s.Values, v) {
				s.Values = append(s.Values, v)
				p.cmds = append(p.cmds, HRPCommand{View: slices.Clone(view), Line: hrpLine(a.Name, v)})
			}
		}
		return
	}
	if a.Secret && s.Secret {
		// Ciphertext differs per member even for equal secrets: not a
		// difference HRP can see.
		return
	}
	p.conflicts = append(p.conflicts, path)
}

// scopedClone copies n without the children HRP does not cover.
func (p *hrpPlanner) scopedClone(view []string, n *config.Node) *config.Node {
	c := *n
	c.Values = slices.Clone(n.Values)
	c.Children = nil
	c.Line = 0
	cv := hrpAppend(view, n.Name)
	for _, ch := range n.Children {
		if p.covered(ch) {
			c.Children = append(c.Children, p.scopedClone(cv, ch))
		}
	}
	return &c
}

// emit records the commands that create n, as WriteVRP prints them: the
// value lines, then the header line, then the children in its view.
func (p *hrpPlanner) emit(view []string, n *config.Node) {
	for _, v := range n.Values {
		p.cmds = append(p.cmds, HRPCommand{View: slices.Clone(view), Line: hrpLine(n.Name, v)})
	}
	if len(n.Values) == 0 || len(n.Children) > 0 {
		p.cmds = append(p.cmds, HRPCommand{View: slices.Clone(view), Line: n.Name})
	}
	cv := hrpAppend(view, n.Name)
	for _, c := range n.Children {
		p.emit(cv, c)
	}
}

func hrpLine(name, value string) string {
	if value == "" {
		return name
	}
	return name + " " + value
}

// hrpAppend returns view+name without sharing view's array.
func hrpAppend(view []string, name string) []string {
	return append(slices.Clone(view), name)
}

// hrpMultiValue reports whether the command key name, inside a parent
// named parent, may be repeated with other parameters (each line adding
// one more zone, address or service to a policy rule), as opposed to a
// command that holds a single setting (`action permit`).
func hrpMultiValue(parent, name string) bool {
	if !strings.HasPrefix(parent, "rule name ") {
		return false
	}
	switch name {
	case "source-zone", "destination-zone", "source-address", "destination-address",
		"service", "application", "user", "profile":
		return true
	}
	return false
}
