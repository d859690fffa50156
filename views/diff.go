package views

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
)

// DiffSource is what the Diff tab shows: one comparison of a pair, the
// names of its two members, and the mode a sync would run in (the plan
// the detail quotes).
type DiffSource struct {
	Comparison *compare.Comparison
	// LeftName and RightName name the members ("vra-a"); "" uses the
	// trees' Source.
	LeftName, RightName string
	Mode                plan.Mode
}

// DiffData is a comparison prepared for the Diff tab: every row, unfolded
// (the view folds), secrets masked, the counts and the plan. It is
// immutable once built, so sessions may share it, and a view keeps
// caches keyed by its pointer.
type DiffData struct {
	Rows        []diff.Row
	Family      config.Family
	Left, Right string // member names
	MapLabel    string
	Map         *syncmap.Map
	Counts      compare.Counts
	// Tally splits Counts.InScope into what a sync changes (ToSync) and
	// what its plan leaves to a person (NotSynced): the numbers every
	// front end shows (compare.Tally).
	Tally compare.Tally
	// Plan is what a sync from Left to Right would send (secrets compared
	// masked, as hasync sync and status compare); PlanErr why there is
	// none.
	Plan    *plan.Plan
	PlanErr error
	// shown is Plan.Commands as printed, secrets masked (same order).
	shown []string
	// diffRows counts the rows that differ, for the header.
	diffRows int
}

// BuildDiff prepares a comparison for the Diff tab. It costs time in
// proportion to the configurations (about a hundred milliseconds for 100k
// lines): the tui runs it in a tea.Cmd, never in Update. Secrets are
// masked whatever the comparison's options say (DESIGN.md: secrets never
// reach the screen). The comparison must hold whole trees (compare.Trees,
// Files or Live), not the stubs of compare.FilesView's fast path: the
// rows, the counts and the plan each read them.
func BuildDiff(src DiffSource) (*DiffData, error) {
	c := src.Comparison
	if c == nil || c.Left == nil || c.Right == nil || c.Map == nil {
		return nil, fmt.Errorf("views: diff: expected a comparison of two trees and a sync-map")
	}
	cc := *c
	cc.Diff.MaskSecrets = true
	d := &DiffData{
		Family:   c.Left.Family,
		Left:     src.LeftName,
		Right:    src.RightName,
		MapLabel: c.Label,
		Map:      c.Map,
	}
	// The rows, the counts and the plan each walk both trees, which they
	// only read (compare.Comparison's methods may run concurrently): one
	// goroutine each, so the tab shows after the slowest, not the sum.
	var wg sync.WaitGroup
	wg.Go(func() { d.Rows = cc.Rows(compare.RowOptions{}).Rows })
	var changes *compare.Changes
	wg.Go(func() { changes = cc.Changes(false) })
	// The plan of the masked comparison, as hasync sync builds it and
	// compare.Tally counts it: ciphertext salted per member is no
	// difference a sync resolves. The printed form masks too.
	wg.Go(func() { d.Plan, d.PlanErr = cc.Plan(src.Mode) })
	wg.Wait()
	d.Counts = changes.Counts
	d.Tally = compare.TallyOf(changes, d.Plan)
	if d.Left == "" {
		d.Left = c.Left.Source
	}
	if d.Right == "" {
		d.Right = c.Right.Source
	}
	for i := range d.Rows {
		if d.Rows[i].Kind != diff.Same {
			d.diffRows++
		}
	}
	if d.Plan != nil {
		var b bytes.Buffer
		if err := d.Plan.Print(&b, false); err == nil {
			lines := strings.Split(b.String(), "\n")
			if len(lines) >= len(d.Plan.Commands) {
				d.shown = lines[:len(d.Plan.Commands)]
			}
		}
	}
	return d, nil
}

// DiffRows is the number of rows that differ.
func (d *DiffData) DiffRows() int { return d.diffRows }

// Commands returns the commands of the plan that concern the node at p
// (secrets masked), with the view lines that lead to them for VRP. It
// reads the printed plan: plan.Plan does not say which command serves
// which path.
func (d *DiffData) Commands(p config.Path) []string {
	if d == nil || d.Plan == nil || len(p) == 0 {
		return nil
	}
	if d.Family == config.Huawei {
		return vrpCommandsFor(d.shown, p)
	}
	return vyattaCommandsFor(d.shown, p)
}

// vyattaCommandsFor keeps the set/delete commands at p, below it, or
// deleting an ancestor of it.
func vyattaCommandsFor(cmds []string, p config.Path) []string {
	want := make([]string, len(p))
	for i, w := range p {
		want[i] = quotePathWord(w)
	}
	full := strings.Join(want, " ")
	fullSp := full + " "
	var out []string
	for _, c := range cmds {
		verb, rest, ok := strings.Cut(c, " ")
		if !ok {
			continue
		}
		switch {
		case rest == full || strings.HasPrefix(rest, fullSp):
			out = append(out, c)
		case verb == "delete" && strings.HasPrefix(fullSp, rest) && fullSp[len(rest)] == ' ':
			out = append(out, c) // deletes an ancestor
		}
	}
	return out
}

// quotePathWord quotes a path word as plan's commands do (syncmap.ShellWord).
func quotePathWord(s string) string { return syncmap.ShellWord(s) }

// vrpCommandsFor follows the views a VRP script enters (each element of
// p but the last is a view's header line) and keeps the lines of p's
// node, "undo" ones too, with the view lines that lead to them.
func vrpCommandsFor(cmds []string, p config.Path) []string {
	last := p[len(p)-1]
	views := p[:len(p)-1]
	var out []string
	depth := 0   // views of p entered and not left
	entered := 0 // views of p already written to out
	for _, c := range cmds {
		switch {
		case c == "system-view":
			continue
		case c == "quit":
			// A script leaves the innermost view; views not of p are not
			// followed, so a quit of theirs at depth 0 changes nothing.
			depth = max(0, depth-1)
			continue
		case depth < len(views) && c == views[depth]:
			depth++
			continue
		}
		line := strings.TrimPrefix(c, "undo ")
		if depth == len(views) && (line == last || strings.HasPrefix(line, last+" ")) {
			for ; entered < len(views); entered++ {
				out = append(out, views[entered])
			}
			out = append(out, c)
		}
	}
	return out
}
