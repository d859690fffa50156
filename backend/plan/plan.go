package plan

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// Mode is how a sync treats the target.
type Mode int

const (
	// Push makes the target's in-scope part equal to the source's: adds,
	// changes, deletes and reorders (hasync push, VRA config-sync).
	Push Mode = iota
	// HRP is what Huawei `hrp sync config` does: it adds what the peer
	// lacks, never deletes the peer's extras and cannot change a command
	// present on both with other parameters; those are Conflicts.
	HRP
	// PushHRP is hasync's push to a Huawei HRP standby over SSH
	// (system-view on the standby, which needs `hrp standby config
	// enable`; DOMAIN.md "HRP"): the commands the peer lacks, as HRP, and
	// `rule move` to restore the order of security-policy and nat-policy
	// rules; the peer's extras are kept and listed; a command present on
	// both with other parameters is listed, and repaired only with
	// Options.Repair (the new command, after `undo` of the old values
	// where the command holds several; a single-valued parameter changes
	// by issuing the new command, DOMAIN.md "Huawei family").
	PushHRP
)

func (m Mode) String() string {
	switch m {
	case HRP:
		return "hrp"
	case PushHRP:
		return "push-hrp"
	}
	return "push"
}

// Options tune Build.
type Options struct {
	Mode Mode
	Diff diff.Options
	// Repair, in PushHRP mode, repairs the commands present on both with
	// other parameters instead of listing them.
	Repair bool
}

// repairs tells whether the plan changes a command present on both with
// other parameters: always in Push, with Repair in PushHRP, never in HRP.
func (o Options) repairs() bool { return o.Mode == Push || o.Mode == PushHRP && o.Repair }

// Conflict is a difference the plan does not resolve by itself.
type Conflict struct {
	Path   config.Path
	Reason string
}

// Plan is what a sync would do to the target.
type Plan struct {
	Family   config.Family
	Mode     Mode
	Source   string
	Target   string
	Map      string
	Commands []string
	// Steps describes Commands one by one (same length, same order): the
	// path each changes, the level it runs in, the change it comes from.
	Steps []Step
	// Basis is the hash of both configurations' text the plan was
	// computed from (Stamp), "" when unknown; see Stale.
	Basis string
	// Conflicts are differences left for a person: in HRP mode, commands
	// present on both sides with other parameters, the peer's extras and
	// order differences; in any mode, masked secrets that must not
	// overwrite real ones.
	Conflicts []Conflict
	// Warnings are facts a person should read before applying: a command
	// whose undo form the per-command table lacks (a fallback was used),
	// a path neither schema table knows.
	Warnings []string
	// masked maps a Vyatta command that carries a secret to its text
	// with the secret masked: what Write prints (DESIGN.md: secrets never
	// reach the screen). Commands keeps the real text for the driver. A
	// VRP command needs no entry: its ciphertext is found in the line
	// itself (config.MaskVRPLine).
	masked map[string]string
}

// mask records shown as the printed form of command c.
func (p *Plan) mask(c, shown string) {
	if p.masked == nil {
		p.masked = map[string]string{}
	}
	p.masked[c] = shown
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Commands) == 0 }

// Build computes the plan that brings target's part in scope of m to the
// source's.
func Build(source, target *config.Tree, m *syncmap.Map, o Options) (*Plan, error) {
	if source.Family != target.Family {
		return nil, fmt.Errorf("plan: source %s is %s, target %s is %s", source.Source, source.Family, target.Source, target.Family)
	}
	p := &Plan{Family: source.Family, Mode: o.Mode, Source: source.Source, Target: target.Source, Map: m.Name}
	src := m.Scoped(source)
	changes := diff.Trees(src, m.Scoped(target), o.Diff)
	if source.Family == config.Huawei {
		buildVRPIn(p, source, src, target, m, changes, o)
	} else {
		buildVyatta(p, source, target, m, changes, o)
	}
	return p, nil
}

// Write prints the plan: the commands, then the conflicts and the warnings
// as comment lines (both dialects read `#` as a comment).
func (p *Plan) Write(w io.Writer) error { return p.Print(w, false) }

// Print is Write; with showSecrets a command that carries a secret prints
// it as it is sent, otherwise as config.Mask.
func (p *Plan) Print(w io.Writer, showSecrets bool) error {
	var b bytes.Buffer
	hidden := 0
	for _, c := range p.Commands {
		if m, ok := p.shown(c); ok && !showSecrets {
			c = m
			hidden++
		}
		b.WriteString(c)
		b.WriteByte('\n')
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "# %d command(s) carry a secret, shown here as %s: the sync sends the real value\n", hidden, config.Mask)
	}
	for _, c := range p.Conflicts {
		fmt.Fprintf(&b, "# not synced: %s: %s\n", c.Path, c.Reason)
	}
	for _, w := range p.Warnings {
		if !showSecrets && p.Family == config.Huawei {
			w = config.MaskVRPLine(w)
		}
		fmt.Fprintf(&b, "# warning: %s\n", w)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// shown returns command c as printed with its secret masked, and whether
// it carries one (a VRP line's ciphertext is a secret too, DESIGN.md).
func (p *Plan) shown(c string) (string, bool) {
	if m, ok := p.masked[c]; ok {
		return m, true
	}
	if p.Family == config.Huawei {
		if m := config.MaskVRPLine(c); m != c {
			return m, true
		}
	}
	return c, false
}

// quoteWord quotes a command word as the Vyatta family's configure shell
// (vbash) needs: syncmap.ShellWord, single quotes whenever the shell would
// read a character of it (a value holding $(...) or a backtick is never
// expanded on the target).
func quoteWord(s string) string { return syncmap.ShellWord(s) }

// joinPath renders a path as command words.
func joinPath(p config.Path) string {
	words := make([]string, len(p))
	for i, w := range p {
		words[i] = quoteWord(w)
	}
	return strings.Join(words, " ")
}

// subtree wraps a copy of n in its ancestors, so that a printer can render it
// at its place in the configuration.
func subtree(fam config.Family, path config.Path, n *config.Node) *config.Tree {
	cur := n.Clone()
	for i := len(path) - 2; i >= 0; i-- {
		cur = &config.Node{Name: path[i], Children: []*config.Node{cur}}
	}
	return &config.Tree{Family: fam, Root: &config.Node{Children: []*config.Node{cur}}}
}

// maskedConflict reports a change the plan must not make because the source
// shows a secret masked: anywhere below a node only the source has, or in the
// values of a changed node (its children are changes of their own).
func maskedConflict(c diff.Change) (Conflict, bool) { return maskedConflictBy(c, isMasked) }

// maskedConflictBy is maskedConflict with masked telling a node whose
// values show a secret masked.
func maskedConflictBy(c diff.Change, masked func(*config.Node) bool) (Conflict, bool) {
	const reason = "the source shows the secret masked; a masked value never overwrites a real one"
	if c.Kind == diff.Removed {
		if sub, ok := hasMasked(c.Left, masked); ok {
			return Conflict{Path: append(c.Path[:len(c.Path):len(c.Path)], sub...), Reason: reason}, true
		}
	} else if masked(c.Left) {
		return Conflict{Path: c.Path, Reason: reason}, true
	}
	return Conflict{}, false
}

func isMasked(n *config.Node) bool {
	for _, v := range n.Values {
		if v == config.Mask || n.Secret && maskLike(v) {
			return true
		}
	}
	return false
}

// maskLike tells a secret shown masked by another tool: a run of one mask
// character (VyOS `strip-private` and config-sync write `xxxxxx`, DOMAIN.md;
// others print stars). Such a value never overwrites a real one.
func maskLike(v string) bool {
	if len(v) < 4 || v[0] != '*' && v[0] != 'x' && v[0] != 'X' {
		return false
	}
	return strings.Count(v, v[:1]) == len(v)
}

// hasMasked reports whether n or a node below it is masked, and the path
// of the first such node below n (nil for n itself).
func hasMasked(n *config.Node, masked func(*config.Node) bool) (config.Path, bool) {
	if masked(n) {
		return nil, true
	}
	var found config.Path
	n.Walk(func(p config.Path, c *config.Node) bool {
		if found == nil && masked(c) {
			found = p
		}
		return found == nil
	})
	return found, found != nil
}

// anyOutside reports whether a node below n (at path) is not in m's scope:
// then a removal of n would take along what the map does not share.
func anyOutside(m *syncmap.Map, path config.Path, n *config.Node) bool {
	for _, c := range n.Children {
		cp := path.Append(c.Name)
		if m.Decide(cp).Scope != syncmap.InScope || anyOutside(m, cp, c) {
			return true
		}
	}
	return false
}
