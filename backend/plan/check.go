package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/config/schema"
)

// ErrRefused: the schema refused a command of the plan; nothing may be
// sent. The error is a *RefusedError.
var ErrRefused = errors.New("plan refused by the schema")

// Refusal is one command the schema rejects, with its path and why.
type Refusal struct {
	Step   int    // index in Plan.Steps / Plan.Commands
	Shown  string // the command, its secret masked
	Path   config.Path
	Reason string
}

func (r Refusal) String() string {
	return fmt.Sprintf("%s: %s (`%s`)", r.Path, r.Reason, r.Shown)
}

// RefusedError lists every refusal of a plan.
type RefusedError struct{ Refusals []Refusal }

func (e *RefusedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan: the schema refuses %d command(s), nothing sent:", len(e.Refusals))
	for _, r := range e.Refusals {
		b.WriteString("\n  ")
		b.WriteString(r.String())
	}
	return b.String()
}

func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Check checks the plan's commands against the schema tables of
// backend/config/schema before anything is sent (issue 10, "Plans that
// are safe to send"): the node a set names exists, its value fits the
// node's constraints, a tag node gets a tag value and a leaf is not used
// as a node, nor a node as a leaf. Deletes name what the target holds and
// are not judged. A path neither table knows passes with a warning; VRP
// has no table here, so a Huawei plan passes unchecked.
//
// The tables are of one schema version; devices run others (VyOS 1.2's
// `compression disable`, a facility name a later release dropped). held
// are configurations a device accepted, normally the target's running
// configuration: a command the schema rejects passes with a warning when
// one of them holds a value of the same node that the schema rejects too
// (the device's version takes that form), so only a form the device has
// never taken is refused.
//
// It returns the warnings (also appended to p.Warnings, once) and a
// *RefusedError (ErrRefused) listing every refused command, or nil.
// Error texts never carry a secret: values of secret leaves print masked.
func (p *Plan) Check(held ...*config.Tree) (warnings []string, err error) {
	if p.Family == config.Huawei {
		return nil, nil
	}
	var refused []Refusal
	var forms map[string]bool
	unknown := map[string]bool{}
	for i, s := range p.Steps {
		if s.Verb != "set" {
			continue
		}
		reason, known := checkSet(s)
		if !known {
			top := s.Path
			if len(top) > 2 {
				top = top[:2]
			}
			if k := top.String(); !unknown[k] {
				unknown[k] = true
				warnings = append(warnings, "neither schema table knows `"+k+"`: its commands are sent unchecked")
			}
			continue
		}
		if reason == "" {
			continue
		}
		if forms == nil {
			forms = rejectedForms(held)
		}
		if k := schemaKey(s.Path); forms[k] {
			if w := "the schema rejects `" + k + "` as the target holds it too: the device's version takes it; sent unchecked"; !slices.Contains(warnings, w) {
				warnings = append(warnings, w)
			}
			continue
		}
		refused = append(refused, Refusal{Step: i, Shown: s.Shown, Path: s.Path, Reason: reason})
	}
	for _, w := range warnings {
		if !slices.Contains(p.Warnings, w) {
			p.Warnings = append(p.Warnings, w)
		}
	}
	if len(refused) > 0 {
		return warnings, &RefusedError{Refusals: refused}
	}
	return warnings, nil
}

// schemaKey is path with its tag values as "*": one key per schema node.
func schemaKey(path config.Path) string {
	c := schema.Root()
	key := make([]string, len(path))
	for i, w := range path {
		c = c.Step(w)
		if in := c.Shape(); in.TagValue {
			w = "*"
		}
		key[i] = w
	}
	return strings.Join(key, " ")
}

// rejectedForms are the schema keys of the nodes of trees that the schema
// rejects as a set would (checkSet): forms their devices took.
func rejectedForms(trees []*config.Tree) map[string]bool {
	out := map[string]bool{}
	for _, t := range trees {
		if t == nil || t.Root == nil {
			continue
		}
		t.Root.Walk(func(p config.Path, n *config.Node) bool {
			steps := []Step{{Verb: "set", Path: p}}
			if len(n.Values) > 0 {
				steps = steps[:0]
				for _, v := range n.Values {
					steps = append(steps, Step{Verb: "set", Path: p, Value: v, HasValue: true})
				}
			} else if len(n.Children) > 0 {
				return true
			}
			for _, s := range steps {
				if reason, known := checkSet(s); known && reason != "" {
					out[schemaKey(p)] = true
					break
				}
			}
			return true
		})
	}
	return out
}

// checkSet judges one set command; known is false when the schema knows
// too little of its path to judge.
func checkSet(s Step) (reason string, known bool) {
	words := []string(s.Path)
	c := schema.Root()
	for i, w := range words {
		info := c.Shape()
		if info.Kind == schema.Leaf && i > 0 {
			return fmt.Sprintf("`%s` is a leaf: it takes a value, not the node `%s` below it", config.Path(words[:i]), w), true
		}
		if info.Kind == schema.Tag {
			if err := schema.Validate(words[:i], w); err != nil {
				return "tag value " + valueErrorReason(err), true
			}
		}
		if c = c.Step(w); c.Shape().Kind == schema.Unknown {
			// Not a child the tables know. They may lack a vendor's node
			// (a typo and an unlisted node look alike): unknown, sent
			// with a warning, rather than refused.
			return "", false
		}
	}
	end := c.Info()
	switch {
	case end.Kind == schema.Tag && !s.HasValue:
		return fmt.Sprintf("`%s` is a tag node: it needs a value (%s)", s.Path, "a name below it"), true
	case end.Kind == schema.Leaf && end.Valueless && s.HasValue:
		return fmt.Sprintf("`%s` takes no value", s.Path), true
	case end.Kind == schema.Leaf && !end.Valueless && !s.HasValue:
		return fmt.Sprintf("`%s` is a leaf: it needs a value", s.Path), true
	case (end.Kind == schema.Node || end.Kind == schema.Tag) && s.HasValue:
		return fmt.Sprintf("`%s` is a node, not a leaf: it takes no value", s.Path), true
	case end.Kind == schema.Leaf && s.HasValue:
		if err := schema.Validate(words, s.Value); err != nil {
			return valueErrorReason(err), true
		}
	}
	return "", true
}

// valueErrorReason is a schema value error as a reason after the path:
// the value (masked when secret, as ValueError prints it) and why.
func valueErrorReason(err error) string {
	var ve *schema.ValueError
	if errors.As(err, &ve) {
		full := ve.Error()
		if _, after, ok := strings.Cut(full, "] Error: "); ok {
			return after
		}
	}
	return err.Error()
}
