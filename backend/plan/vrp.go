package plan

import (
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// vrpScript builds VRP commands that enter and leave views as needed: a
// change at path [a b c] is made inside the views a and b.
type vrpScript struct {
	cmds []string
	// levels holds, per command of cmds, the views it runs in (the views
	// entered before it, outermost first; a view's own header line runs
	// in its parent).
	levels [][]string
	views  []string // the views entered, outermost first
	// sent holds the commands already issued in a view (view path, then
	// the command): a command is never emitted twice.
	sent map[string]bool
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
		s.push("quit")
	}
	for _, v := range path[common:] {
		s.push(v)
		s.views = append(s.views, v)
	}
}

// add issues line in the current view, once.
func (s *vrpScript) add(line string) {
	k := strings.Join(s.views, "\x00") + "\x01" + line
	if s.sent[k] {
		return
	}
	if s.sent == nil {
		s.sent = map[string]bool{}
	}
	s.sent[k] = true
	s.push(line)
}

// push appends one command, run in the current views.
func (s *vrpScript) push(cmds ...string) {
	for _, c := range cmds {
		s.cmds = append(s.cmds, c)
		s.levels = append(s.levels, slices.Clone(s.views))
	}
}

// finish returns to the system view.
func (s *vrpScript) finish() []string {
	s.enter(nil)
	if len(s.cmds) == 0 {
		return nil
	}
	return append([]string{"system-view"}, s.cmds...)
}

// vrpBlockBegin and vrpBlockEnd delimit a key block: its lines are the
// node's values, sent verbatim between them.
const (
	vrpBlockBegin = "public-key-code begin"
	vrpBlockEnd   = "public-key-code end"
)

// vrpCommands are the commands that create node n's own lines: its lines,
// or a key block.
func vrpCommands(n *config.Node) []string {
	if n.Name == vrpBlockBegin {
		return append(append([]string{vrpBlockBegin}, n.Values...), vrpBlockEnd)
	}
	return vrpLines(n)
}

// lines of one node: the key alone, or one line per value.
func vrpLines(n *config.Node) []string {
	if len(n.Values) == 0 {
		return []string{n.Name}
	}
	out := make([]string, len(n.Values))
	for i, v := range n.Values {
		out[i] = vrpLine(n.Name, v)
	}
	return out
}

func vrpLine(key, value string) string {
	if value == "" {
		return key
	}
	return key + " " + value
}

// addSubtree writes n (at path) and everything below it.
func (s *vrpScript) addSubtree(path config.Path, n *config.Node) {
	s.enter(path[:len(path)-1])
	if n.Name == vrpBlockBegin {
		s.push(vrpCommands(n)...) // verbatim, repeats too
		return
	}
	if len(n.Children) == 0 {
		for _, l := range vrpLines(n) {
			s.add(l)
		}
		return
	}
	for _, l := range vrpLines(n)[:len(n.Values)] {
		s.add(l) // value lines of a bare key that also heads a block
	}
	s.enter(path)
	for _, c := range n.Children {
		s.addSubtree(path.Append(c.Name), c)
	}
}

// The phases of a VRP plan, in the order they are sent. Objects other
// commands bind (address-sets, zones, AAA schemes, templates) are created
// before the lines that bind them and removed after the lines that unbind
// them; rules are moved once every new rule is in its policy, and a rule
// only on the target is removed after the moves (it does not change them).
const (
	phaseClear        = iota // removals whose undo would also take a line the plan creates
	phaseObjects             // creations and changes of objects
	phaseLines               // creations, changes and removals of the rest, in tree order
	phaseMoves               // rule moves
	phaseRules               // removals of rules
	phaseRemoveObject        // removals of objects, now unbound (last bound first)
	phases
)

// vrpBuilder collects the steps of a plan by phase.
type vrpBuilder struct {
	p      *Plan
	o      Options
	source *config.Tree // the whole source
	src    *config.Tree // its part in scope
	target *config.Tree // the whole target
	m      *syncmap.Map // the map
	steps  [phases][]func(*vrpScript)
	// added holds, per view, the lines the plan creates there, so that a
	// removal whose undo would also match one of them goes first.
	added map[string][]string
	// extra holds, per view, the lines only the target has.
	extra map[string][]string
	// policies are the ordered parents whose children differ, by path.
	policies map[string]*vrpPolicy
	order    []string
	pending  []vrpRemoval // objects to remove
	warned   map[string]bool
}

// vrpPolicy gathers what a plan does to the children of an ordered parent
// (security-policy, nat-policy), to compute the rule moves at the end.
type vrpPolicy struct {
	path    config.Path
	created []string       // names only on the source: appended, in order
	moved   map[int]string // target index -> name of a moved child
	added   map[int]string // target index -> name of a target-only child
}

func (b *vrpBuilder) step(phase int, fn func(*vrpScript)) {
	b.steps[phase] = append(b.steps[phase], fn)
}

func (b *vrpBuilder) policy(parent config.Path) *vrpPolicy {
	k := strings.Join(parent, "\x00")
	if b.policies == nil {
		b.policies = map[string]*vrpPolicy{}
	}
	pol := b.policies[k]
	if pol == nil {
		pol = &vrpPolicy{path: parent, moved: map[int]string{}, added: map[int]string{}}
		b.policies[k] = pol
		b.order = append(b.order, k)
	}
	return pol
}

// undo returns the removal of line, a line of the node keyed key at path,
// warning when the table lacks the command.
func (b *vrpBuilder) undo(path config.Path, key, line string) string {
	u, known := vrpUndo(viewOf(path), key, line)
	if !known {
		w := vrpWordsOf(line)
		what := strings.Join(w[:min(2, len(w))], " ")
		if !b.warned[what] {
			if b.warned == nil {
				b.warned = map[string]bool{}
			}
			b.warned[what] = true
			b.p.Warnings = append(b.p.Warnings, "the undo form of `"+what+" ...` is not in the per-command table: it is removed with `undo` and its whole line ("+u+"), which the device may refuse")
		}
	}
	return u
}

// viewOf returns the line of the view holding the node at path ("" for the
// system view).
func viewOf(path config.Path) string {
	if len(path) < 2 {
		return ""
	}
	return path[len(path)-2]
}

// isObjectPath reports whether a node on path (the node or an ancestor) is
// an object other commands bind.
func isObjectPath(path config.Path) bool {
	for i := range path {
		view := ""
		if i > 0 {
			view = path[i-1]
		}
		if vrpIsObject(view, path[i]) {
			return true
		}
	}
	return false
}

// buildVRPIn turns changes (from the scoped src to the scoped target) into
// VRP commands. source and target are the whole trees and m the map: a
// node of the target that holds something the map does not share is not
// undone whole; its in-scope parts are, one by one.
func buildVRPIn(p *Plan, source, src, target *config.Tree, m *syncmap.Map, changes []diff.Change, o Options) {
	b := &vrpBuilder{p: p, o: o, source: source, src: src, target: target, m: m, added: map[string][]string{}, extra: map[string][]string{}}
	for _, c := range changes {
		if c.Kind == diff.Removed || c.Kind == diff.Changed && o.repairs() {
			b.creates(c.Path, c.Left)
		}
		if c.Kind == diff.Added {
			k := strings.Join(c.Path[:len(c.Path)-1], "\x00")
			b.extra[k] = append(b.extra[k], vrpLines(c.Right)...)
		}
	}
	for _, c := range changes {
		b.change(c)
	}
	b.removeObjects()
	b.moves()
	var s vrpScript
	for ph := range b.steps {
		steps := b.steps[ph]
		for i := range steps {
			if ph == phaseRemoveObject {
				i = len(steps) - 1 - i // an object may bind one shown before it
			}
			steps[i](&s)
		}
	}
	p.Commands = s.finish()
	p.Steps = vrpSteps(p.Commands, s.levels)
}

func (b *vrpBuilder) creates(path config.Path, n *config.Node) {
	k := strings.Join(path[:len(path)-1], "\x00")
	b.added[k] = append(b.added[k], vrpLines(n)...)
}

// clash tells how a removal u in the view of path meets the lines the plan
// creates there: first when `undo W` would also take a created line (one
// that begins with W, or an `undo V` line for a V that begins W), so the
// removal goes before the creations; skip when u re-enables a default
// (`X` removing the line `undo X`) that a created line `X ...` replaces
// anyway.
func (b *vrpBuilder) clash(path config.Path, u string) (first, skip bool) {
	created := b.added[strings.Join(path[:len(path)-1], "\x00")]
	w, isUndo := strings.CutPrefix(u, "undo ")
	uw := vrpWordsOf(w)
	for _, l := range created {
		lw := vrpWordsOf(l)
		if !isUndo {
			if hasWords(lw, uw) {
				return false, true
			}
			continue
		}
		if hasWords(lw, uw) || len(lw) > 1 && lw[0] == "undo" && hasWords(uw, lw[1:]) || lastWordApart(lw, uw) {
			first = true
		}
	}
	return first, false
}

// lastWordApart reports whether two lines differ only in their last word
// (`firewall session aging-time tcp 600` and `... tcp 1200`): most likely
// one command with another parameter. When the table lacks its undo form
// the old line is undone whole; doing that first is right whether the
// command holds one value (the new line then sets it again) or several.
func lastWordApart(a, b []string) bool {
	n := len(a)
	return n > 1 && n == len(b) && a[n-1] != b[n-1] && slices.Equal(a[:n-1], b[:n-1])
}

// flips reports whether the source's line n, which the target lacks, is
// the other form of a line only the target has: `undo X` against `X ...`,
// or `X ...` against `undo X`. Sending it would change the target's line.
func (b *vrpBuilder) flips(path config.Path, n *config.Node) bool {
	extra := b.extra[strings.Join(path[:len(path)-1], "\x00")]
	for _, l := range vrpLines(n) {
		lw := vrpWordsOf(l)
		for _, e := range extra {
			ew := vrpWordsOf(e)
			if len(lw) > 1 && lw[0] == "undo" && hasWords(ew, lw[1:]) ||
				len(ew) > 1 && ew[0] == "undo" && hasWords(lw, ew[1:]) {
				return true
			}
		}
	}
	return false
}

// hasWords reports whether words begin with prefix.
func hasWords(words, prefix []string) bool {
	return len(words) >= len(prefix) && slices.Equal(words[:len(prefix)], prefix)
}

func (b *vrpBuilder) change(c diff.Change) {
	p, o := b.p, b.o
	parent := c.Path[:len(c.Path)-1]
	ordered := len(parent) > 0 && isOrderedName(parent[len(parent)-1])
	createPhase := phaseLines
	if isObjectPath(c.Path) {
		createPhase = phaseObjects
	}
	switch c.Kind {
	case diff.Removed: // the target lacks it
		if cf, ok := vrpMaskedConflict(c); ok {
			p.Conflicts = append(p.Conflicts, cf)
			return
		}
		path, n := c.Path, c.Left
		if !o.repairs() && b.flips(path, n) {
			reason := "the target has the command in its other form (undo or not): hrp sync config does not change it; fix it by hand"
			if o.Mode == PushHRP {
				reason = "the target has the command in its other form (undo or not): listed; repairing conflicts sends it"
			}
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: reason})
			return
		}
		if n = b.bindable(path, n); n == nil {
			return
		}
		b.step(createPhase, func(s *vrpScript) { s.addSubtree(path, n) })
		if ordered && o.Mode != HRP {
			pol := b.policy(parent)
			pol.created = append(pol.created, n.Name)
		}
	case diff.Added: // only on the target
		if o.Mode == HRP {
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "only on the standby: hrp sync config never deletes it"})
			return
		}
		if o.Mode == PushHRP {
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "only on the standby: the push sends what the peer lacks and keeps its extras"})
			if ordered {
				// Kept where it is: the moves order the other rules
				// around it.
				b.policy(parent).added[c.To] = c.Right.Name
			}
			return
		}
		phase := phaseLines
		if ordered {
			pol := b.policy(parent)
			pol.added[c.To] = c.Right.Name
			phase = phaseRules
		}
		b.removeNode(c.Path, c.Right, phase)
	case diff.Changed:
		if o.Mode == HRP {
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path,
				Reason: "present on both with other parameters: hrp sync config does not change it; fix it by hand"})
			return
		}
		if !o.repairs() {
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path,
				Reason: "present on both with other parameters: listed; repairing conflicts replaces it (undo and the new command)"})
			return
		}
		if cf, ok := vrpMaskedConflict(c); ok {
			p.Conflicts = append(p.Conflicts, cf)
			return
		}
		b.changeValues(c, createPhase)
	case diff.Moved:
		if o.Mode == HRP {
			p.Conflicts = append(p.Conflicts, Conflict{Path: c.Path, Reason: "in another position: hrp sync config does not reorder rules"})
			return
		}
		b.policy(parent).moved[c.To] = c.Right.Name
	}
}

// vrpMaskedConflict is maskedConflict for VRP, where a masked secret sits
// inside its line (`password cipher ********`): a value holding the mask
// as a word is masked.
func vrpMaskedConflict(c diff.Change) (Conflict, bool) {
	if cf, ok := maskedConflict(c); ok {
		return cf, true
	}
	return maskedConflictBy(c, vrpMasked)
}

// vrpMasked reports whether a value of n holds the mask as a word.
func vrpMasked(n *config.Node) bool {
	for _, v := range n.Values {
		if slices.Contains(strings.Fields(v), config.Mask) {
			return true
		}
	}
	return false
}

func isOrderedName(name string) bool {
	for _, o := range []string{"security-policy", "nat-policy"} {
		if name == o || strings.HasPrefix(name, o+" ") {
			return true
		}
	}
	return false
}

// removeNode undoes every line of the target's node n at path: a header
// goes with its subtree, unless the target holds below it something the
// map does not share (an excluded rule of a policy): then only its
// in-scope parts go, and a node the map does not share itself (a bare
// ancestor of in-scope nodes) is never undone.
func (b *vrpBuilder) removeNode(path config.Path, n *config.Node, phase int) {
	real := b.target.Root.Lookup(path)
	in := b.m.Decide(path).Scope == syncmap.InScope
	if real != nil && (!in || anyOutside(b.m, path, real)) {
		if in && len(n.Values) > 0 {
			b.removeNode(path, &config.Node{Name: n.Name, Values: n.Values}, phase)
		}
		for _, c := range n.Children {
			ph := phase
			if len(path) > 0 && isOrderedName(path[len(path)-1]) {
				ph = phaseRules
			}
			b.removeNode(path.Append(c.Name), c, ph)
		}
		return
	}
	if vrpIsObject(viewOf(path), n.Name) {
		// Decided once every change is planned: a line that stays may
		// still bind it.
		b.pending = append(b.pending, vrpRemoval{path, n})
		return
	}
	b.removeLines(path, n, phase)
}

// vrpRemoval is an object to remove, once the plan knows what stays.
type vrpRemoval struct {
	path config.Path
	n    *config.Node
}

// removeObjects removes the objects only the target has, unless a line
// that stays binds one: a line the map does not share, or one the plan
// leaves as a conflict. The device would refuse the undo.
func (b *vrpBuilder) removeObjects() {
	for _, r := range b.pending {
		if by := b.boundOutside(r.path, r.n); by != nil {
			b.p.Conflicts = append(b.p.Conflicts, Conflict{Path: r.path,
				Reason: "bound by `" + by.String() + "`, which stays (outside the map, or a conflict): not removed"})
			continue
		}
		b.removeLines(r.path, r.n, phaseRemoveObject)
	}
}

// removeLines undoes the lines of the target's node n at path.
func (b *vrpBuilder) removeLines(path config.Path, n *config.Node, phase int) {
	parent := path[:len(path)-1]
	lines := vrpLines(n)
	if len(n.Children) > 0 {
		lines = []string{n.Name} // a header: its undo takes the block
	}
	var undos []string
	for _, l := range lines {
		undos = append(undos, b.undo(path, n.Name, l))
	}
	for _, u := range byKey(n, undos) {
		ph := phase
		switch first, skip := b.clash(path, u); {
		case skip:
			continue
		case first && phase != phaseRemoveObject:
			ph = phaseClear // an object stays until its bindings go
		}
		b.step(ph, func(s *vrpScript) {
			s.enter(parent)
			s.add(u)
		})
	}
}

// bindable returns n (at path, to be created) without the lines that bind
// an object neither the target has nor the plan creates (it is outside
// the map on the source): the device would refuse them. Each is a
// conflict. It returns nil when nothing is left to send.
func (b *vrpBuilder) bindable(path config.Path, n *config.Node) *config.Node {
	missing := b.missing
	var prune func(p config.Path, n *config.Node) *config.Node
	prune = func(p config.Path, n *config.Node) *config.Node {
		out := &config.Node{Name: n.Name, Leaf: n.Leaf, Ordered: n.Ordered, Secret: n.Secret}
		if len(n.Values) == 0 && len(n.Children) == 0 {
			if name := missing(p, n.Name); name != "" {
				b.p.Conflicts = append(b.p.Conflicts, Conflict{Path: p, Reason: "binds " + name + ", which the target lacks and the map does not share: not sent"})
				return nil
			}
			return out
		}
		for _, v := range n.Values {
			if name := missing(p, vrpLine(n.Name, v)); name != "" {
				b.p.Conflicts = append(b.p.Conflicts, Conflict{Path: p, Reason: "binds " + name + ", which the target lacks and the map does not share: not sent"})
				continue
			}
			out.Values = append(out.Values, v)
		}
		for _, c := range n.Children {
			if k := prune(p.Append(c.Name), c); k != nil {
				out.Children = append(out.Children, k)
			}
		}
		if len(out.Values) == 0 && len(out.Children) == 0 {
			return nil // every line of it binds a missing object
		}
		return out
	}
	return prune(path, n)
}

// missing returns the name of an object that line (of the node at p)
// binds and that neither the target has nor the plan creates, while the
// source defines it outside the map, or "". A name no configuration
// defines is the device's own (the predefined services http, ftp, dns,
// the default zones): it always exists.
func (b *vrpBuilder) missing(p config.Path, line string) string {
	bs, names := vrpBoundObjects(viewOf(p), line)
	for i, bd := range bs {
		if !vrpHasObject(b.target, bd, names[i]) && !vrpHasObject(b.src, bd, names[i]) &&
			vrpHasObject(b.source, bd, names[i]) {
			return names[i]
		}
	}
	return ""
}

// boundOutside returns the path of a target line that stays and binds the
// object at path (its removal would be refused), or nil: a line the map
// does not share, or one at or below a conflict of the plan.
func (b *vrpBuilder) boundOutside(path config.Path, n *config.Node) config.Path {
	if !vrpIsObject(viewOf(path), n.Name) {
		return nil
	}
	var found config.Path
	b.target.Root.Walk(func(p config.Path, c *config.Node) bool {
		if found != nil {
			return false
		}
		for _, l := range vrpLines(c) {
			if vrpBinds(viewOf(path), n.Name, viewOf(p), l) && (b.m.Decide(p).Scope != syncmap.InScope || b.conflicted(p)) {
				found = p
			}
		}
		return found == nil
	})
	return found
}

// conflicted reports whether the plan leaves the node at p as it is for a
// conflict at p or above it.
func (b *vrpBuilder) conflicted(p config.Path) bool {
	for _, c := range b.p.Conflicts {
		if len(c.Path) <= len(p) && slices.Equal(c.Path, p[:len(c.Path)]) {
			return true
		}
	}
	return false
}

// byKey returns the undos of lines of n: when one of them names n's key
// alone (`undo rule 5` of an ACL entry), it takes the whole entry (its
// description too), so it is the only one sent.
func byKey(n *config.Node, undos []string) []string {
	key := "undo " + strings.Join(vrpWordsOf(n.Name), " ")
	for _, u := range undos {
		if strings.Join(vrpWordsOf(u), " ") == key {
			return []string{u}
		}
	}
	return undos
}

// changeValues brings the values of a node present on both sides to the
// source's: a single-valued command changes by issuing the new command; a
// multi-valued one keeps the longest run of the source's first values the
// target has in that order, undoes the target's other values and adds the
// rest of the source's (a new line is added after the others).
func (b *vrpBuilder) changeValues(c diff.Change, phase int) {
	path, l, r := c.Path, c.Left, c.Right
	parent := path[:len(path)-1]
	view := viewOf(path)
	multi := len(l.Values) > 1 || len(r.Values) > 1
	for _, ln := range append(vrpLines(l), vrpLines(r)...) {
		multi = multi || vrpMulti(view, ln)
	}
	for _, v := range l.Values {
		if name := b.missing(path, vrpLine(l.Name, v)); name != "" {
			b.p.Conflicts = append(b.p.Conflicts, Conflict{Path: path, Reason: "binds " + name + ", which the target lacks and the map does not share: not changed"})
			return
		}
	}
	if !multi || l.Name == vrpBlockBegin {
		b.step(phase, func(s *vrpScript) { s.addSubtree(path, &config.Node{Name: l.Name, Values: l.Values}) })
		return
	}
	// The longest prefix of l's values that is a subsequence of r's.
	k, j := 0, 0
	for k < len(l.Values) {
		for j < len(r.Values) && r.Values[j] != l.Values[k] {
			j++
		}
		if j == len(r.Values) {
			break
		}
		k, j = k+1, j+1
	}
	keep := map[string]bool{}
	for _, v := range l.Values[:k] {
		keep[v] = true
	}
	var undos, adds []string
	for _, v := range r.Values {
		if !keep[v] {
			undos = append(undos, b.undo(path, r.Name, vrpLine(r.Name, v)))
		}
	}
	undos = byKey(r, undos)
	for _, v := range l.Values[k:] {
		adds = append(adds, vrpLine(l.Name, v))
	}
	b.step(phase, func(s *vrpScript) {
		s.enter(parent)
		for _, u := range undos {
			s.add(u)
		}
		for _, a := range adds {
			s.add(a)
		}
	})
}

// moves orders the children of every ordered parent like the source's.
// The model of the target's order is what the device has once the plan's
// removals and creations are made: the target's children without the
// removed ones, then the created ones in the source's order (a new rule
// is appended). The children in the longest common order stay; each other
// one is moved right after its predecessor in the source (or to the top),
// walking the source's order, so that each move acts on the order the
// earlier moves left.
func (b *vrpBuilder) moves() {
	for _, k := range b.order {
		pol := b.policies[k]
		srcParent := b.src.Root.Lookup(pol.path)
		if srcParent == nil {
			continue
		}
		want := make([]string, len(srcParent.Children))
		for i, c := range srcParent.Children {
			want[i] = c.Name
		}
		cur := targetOrder(srcParent, pol)
		cur = append(cur, pol.created...)
		cmds := planMoves(cur, want)
		if len(cmds) == 0 {
			continue
		}
		path := pol.path
		b.step(phaseMoves, func(s *vrpScript) {
			s.enter(path)
			for _, c := range cmds {
				s.add(c)
			}
		})
	}
}

// targetOrder rebuilds the order of the target's (scoped) children from the
// diff, without the ones the plan removes: target-only and moved children
// sit at their target index, the other common children (the common order)
// fill the rest in the source's order.
func targetOrder(srcParent *config.Node, pol *vrpPolicy) []string {
	movedNames := map[string]bool{}
	for _, n := range pol.moved {
		movedNames[n] = true
	}
	created := map[string]bool{}
	for _, n := range pol.created {
		created[n] = true
	}
	var stay []string
	for _, c := range srcParent.Children {
		if !created[c.Name] && !movedNames[c.Name] {
			stay = append(stay, c.Name)
		}
	}
	total := len(stay) + len(pol.moved) + len(pol.added)
	out := make([]string, 0, total)
	next := 0
	for i := 0; i < total; i++ {
		switch {
		case pol.moved[i] != "":
			out = append(out, pol.moved[i])
		case pol.added[i] != "":
			// removed by the plan before the moves
		case next < len(stay):
			out = append(out, stay[next])
			next++
		}
	}
	return out
}

// planMoves returns the `rule move` commands that turn the order cur into
// want (both hold the same names), acting on the order step by step.
func planMoves(cur, want []string) []string {
	pos := map[string]int{}
	for i, n := range cur {
		pos[n] = i
	}
	// The longest run of want in increasing cur positions stays put.
	seq := make([]int, len(want))
	for i, n := range want {
		seq[i] = pos[n]
	}
	stay := config.IncreasingRun(seq)
	order := append([]string(nil), cur...)
	var cmds []string
	for i, n := range want {
		if stay[i] {
			continue
		}
		from := slices.Index(order, n)
		if from < 0 {
			continue
		}
		order = slices.Delete(order, from, from+1)
		at := 0
		if i > 0 {
			at = slices.Index(order, want[i-1]) + 1
		}
		order = slices.Insert(order, at, n)
		if i == 0 {
			cmds = append(cmds, "rule move "+ruleName(n)+" top")
		} else {
			cmds = append(cmds, "rule move "+ruleName(n)+" after "+ruleName(want[i-1]))
		}
	}
	return cmds
}

// ruleName turns the key `rule name web_in` into `web_in`.
func ruleName(key string) string {
	if rest, ok := strings.CutPrefix(key, "rule name "); ok {
		return rest
	}
	return key
}
