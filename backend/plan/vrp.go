package plan

import (
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
)

// vrpScript builds VRP commands that enter and leave views as needed: a
// change at path [a b c] is made inside the views a and b.
type vrpScript struct {
	cmds  []string
	views []string // the views entered, outermost first
}

// enter moves to the view of path (a node path: every element is a header
// line of a view).
func (s *vrpScript) enter(path []string) {
	common := 0
	for common < len(s.views) && common < len(path) && s.views[common] == path[common] {
		common++
	}
	for len(s.views) > common {
		s.views = s.views[:len(s.views)-1]
		s.cmds = append(s.cmds, "quit")
	}
	for _, v := range path[common:] {
		s.views = append(s.views, v)
		s.cmds = append(s.cmds, v)
	}
}

func (s *vrpScript) add(line string) { s.cmds = append(s.cmds, line) }

// finish returns to the system view.
func (s *vrpScript) finish() []string {
	s.enter(nil)
	if len(s.cmds) == 0 {
		return nil
	}
	return append([]string{"system-view"}, s.cmds...)
}

// lines of one node: the key alone, or one line per value.
func vrpLines(n *config.Node) []string {
	if len(n.Values) == 0 {
		return []string{n.Name}
	}
	out := make([]string, len(n.Values))
	for i, v := range n.Values {
		out[i] = n.Name + " " + v
	}
	return out
}

// undo is the undo form of a configuration line: `undo shutdown` is undone by
// `shutdown`; a command with values by `undo` and its key (VRP accepts
// `undo description`, `undo ip address` without their parameters), except
// for multi-value commands where the value picks the line to remove.
func undo(line string) string {
	if rest, ok := strings.CutPrefix(line, "undo "); ok {
		return rest
	}
	return "undo " + line
}

// addSubtree writes n (at path) and everything below it.
func (s *vrpScript) addSubtree(path config.Path, n *config.Node) {
	s.enter(path[:len(path)-1])
	if len(n.Children) == 0 {
		for _, l := range vrpLines(n) {
			s.add(l)
		}
		return
	}
	s.enter(path)
	for _, c := range n.Children {
		s.addSubtree(path.Append(c.Name), c)
	}
}

func buildVRP(p *Plan, src *config.Tree, changes []diff.Change, o Options) {
	var s vrpScript
	for _, c := range changes {
		parent := c.Path[:len(c.Path)-1]
		switch c.Kind {
		case diff.Removed: // the target lacks it
			if cf, ok := maskedConflict(c); ok {
				p.Conflicts = append(p.Conflicts, cf)
				continue
			}
			s.addSubtree(c.Path, c.Left)
		case diff.Added: // only on the target
			if o.Mode == HRP {
				p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "only on the standby: hrp sync config never deletes it"})
				continue
			}
			s.enter(parent)
			if len(c.Right.Values) <= 1 {
				s.add(undo(c.Right.Name))
			} else {
				for _, l := range vrpLines(c.Right) {
					s.add(undo(l))
				}
			}
		case diff.Changed:
			if o.Mode == HRP {
				p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path,
					Reason: "present on both with other parameters: hrp sync config does not change it; fix it by hand"})
				continue
			}
			if cf, ok := maskedConflict(c); ok {
				p.Conflicts = append(p.Conflicts, cf)
				continue
			}
			s.enter(parent)
			if len(c.Left.Values) <= 1 && len(c.Right.Values) <= 1 {
				// A single-value command replaces its old parameters.
				for _, l := range vrpLines(c.Left) {
					s.add(l)
				}
				continue
			}
			have := map[string]bool{}
			for _, v := range c.Left.Values {
				have[v] = true
			}
			for _, v := range c.Right.Values {
				if !have[v] {
					s.add(undo(c.Right.Name + " " + v))
				}
			}
			had := map[string]bool{}
			for _, v := range c.Right.Values {
				had[v] = true
			}
			for _, v := range c.Left.Values {
				if !had[v] {
					s.add(c.Left.Name + " " + v)
				}
			}
		case diff.Moved:
			if o.Mode == HRP {
				p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "in another position: hrp sync config does not reorder rules"})
				continue
			}
			s.enter(parent)
			s.add(moveCommand(src, c))
		}
	}
	p.Commands = s.finish()
}

// moveCommand places a rule where the source has it: after its predecessor
// in the source, or at the top.
func moveCommand(src *config.Tree, c diff.Change) string {
	name := ruleName(c.Left.Name)
	parent := src.Root.Lookup(c.Path[:len(c.Path)-1])
	if c.From == 0 || parent == nil || c.From > len(parent.Children) {
		return "rule move " + name + " top"
	}
	return "rule move " + name + " after " + ruleName(parent.Children[c.From-1].Name)
}

// ruleName turns the key `rule name web_in` into `web_in`.
func ruleName(key string) string {
	if rest, ok := strings.CutPrefix(key, "rule name "); ok {
		return rest
	}
	return key
}
