package plan

import (
	"bytes"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
)

// buildVyatta turns changes into `delete` then `set` commands. A commit
// validates the final state as a whole, so the order inside one commit only
// has to keep a delete of a leaf before the sets that refill it.
func buildVyatta(p *Plan, changes []diff.Change, o Options) {
	var deletes, sets []string
	for _, c := range changes {
		switch c.Kind {
		case diff.Removed: // only on the source: the target lacks it
			if cf, ok := maskedConflict(c); ok {
				p.Conflicts = append(p.Conflicts, cf)
				continue
			}
			sets = append(sets, setLines(c.Path, c.Left)...)
		case diff.Added: // only on the target
			if o.Mode == HRP {
				p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "only on the target; left in place"})
				continue
			}
			deletes = append(deletes, "delete "+joinPath(c.Path))
		case diff.Changed:
			if cf, ok := maskedConflict(c); ok {
				p.Conflicts = append(p.Conflicts, cf)
				continue
			}
			if o.Mode == HRP {
				p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "present on both with other values"})
				continue
			}
			leaf := &config.Node{Name: c.Left.Name, Values: c.Left.Values, Leaf: true}
			if len(c.Left.Values) > 1 || len(c.Right.Values) > 1 || len(c.Left.Values) == 0 {
				// A multi-value leaf keeps its order: replace it whole.
				deletes = append(deletes, "delete "+joinPath(c.Path))
			}
			sets = append(sets, setLines(c.Path, leaf)...)
		}
	}
	p.Commands = append(deletes, sets...)
}

// setLines renders the subtree n at path as set commands, with the set
// printer of backend/config so that quoting is the same everywhere.
func setLines(path config.Path, n *config.Node) []string {
	var b bytes.Buffer
	if err := config.WriteSet(&b, subtree(config.Vyatta, path, n), config.PrintOptions{}); err != nil {
		return []string{"set " + joinPath(path)}
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}
