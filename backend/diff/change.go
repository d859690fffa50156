package diff

import (
	"regexp"
	"slices"

	"github.com/hasync/hasync/backend/config"
)

// Kind is the kind of a change or of a row.
type Kind int

const (
	// Same: present on both sides with the same values.
	Same Kind = iota
	// Added: only on the right (the target), like `>` in diff(1).
	Added
	// Removed: only on the left (the source), like `<` in diff(1).
	Removed
	// Changed: the same path on both sides with other values.
	Changed
	// Moved: the same node at another position inside an Ordered parent.
	Moved
)

func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	case Moved:
		return "moved"
	default:
		return "same"
	}
}

// Change is one difference between two trees. A subtree present on one
// side only is one change at its top node.
type Change struct {
	Kind  Kind
	Path  config.Path
	Left  *config.Node // nil for Added
	Right *config.Node // nil for Removed
	// From and To are the indexes of the node in the left and right
	// parent's Children (-1 on the side that lacks it); for Moved they
	// are the old and the new position.
	From, To int
}

// Options control what counts as a difference.
type Options struct {
	// MaskSecrets makes two Secret nodes compare equal whatever their values
	// (ciphertext differs per device) and prints their values as
	// config.Mask.
	MaskSecrets bool
	// Ignore leaves out of the comparison, on both sides, every node one of
	// whose displayed lines (LineText, unmasked) matches a pattern.
	Ignore []*regexp.Regexp
}

// valuesEqual compares the values of two nodes present on both sides. The
// values of a Vyatta multi-valued leaf are a set: `set` adds a value at the
// end and `delete P 'V'` removes one, so a sync changes them one by one
// and two members that hold the same values in another order agree (an
// order the device keeps is not one the pair must share).
func (o *Options) valuesEqual(fam config.Family, l, r *config.Node) bool {
	if o.MaskSecrets && (l.Secret || r.Secret) {
		return true
	}
	if len(l.Values) != len(r.Values) {
		return false
	}
	if fam == config.Vyatta && len(l.Values) > 1 {
		return sameValueSet(l.Values, r.Values)
	}
	for i := range l.Values {
		if l.Values[i] != r.Values[i] {
			return false
		}
	}
	return true
}

// ignored reports whether n (a child of parent) is left out of the
// comparison by an Ignore pattern.
func (o *Options) ignored(fam config.Family, parent, n *config.Node) bool {
	if len(o.Ignore) == 0 || isTag(fam, n) {
		// A tag node has no line of its own; its children are matched one
		// by one.
		return false
	}
	tag := tagName(fam, parent)
	if len(n.Values) == 0 {
		return o.matches(lineText(fam, tag, n, -1, false))
	}
	for i := range n.Values {
		if o.matches(lineText(fam, tag, n, i, false)) {
			return true
		}
	}
	return false
}

func (o *Options) matches(s string) bool {
	for _, re := range o.Ignore {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// sameValueSet reports whether a and b (of one length) hold the same
// values, each as often, in any order.
func sameValueSet(a, b []string) bool {
	if slices.Equal(a, b) {
		return true
	}
	count := make(map[string]int, len(a))
	for _, v := range a {
		count[v]++
	}
	for _, v := range b {
		if count[v] == 0 {
			return false
		}
		count[v]--
	}
	return true
}
