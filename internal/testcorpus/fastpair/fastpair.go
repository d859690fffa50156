package fastpair

import (
	"fmt"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// Node shows a changed node whole, with its lines and hints, and its
// comments when comments is true.
func Node(n *config.Node, comments bool) string {
	if n == nil {
		return "-"
	}
	var b strings.Builder
	var walk func(n *config.Node, depth int)
	walk = func(n *config.Node, depth int) {
		if comments {
			fmt.Fprintf(&b, "%*s%s %q %q %d %v%v%v%v;", depth, "", n.Name, n.Values, n.Comment, n.Line, n.Tag, n.Leaf, n.Ordered, n.Secret)
		} else {
			fmt.Fprintf(&b, "%*s%s %q %d %v%v%v%v;", depth, "", n.Name, n.Values, n.Line, n.Tag, n.Leaf, n.Ordered, n.Secret)
		}
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// Maps are the sync-maps a pair is compared under: the default, and one
// whose rules reach a few levels down a's paths, so that scopes change
// inside what the fast path leaves unparsed. It includes every third
// path two levels down, and excludes up to 8 paths at least excDepth
// levels down, one in excEvery of the paths walked.
func Maps(a *config.Tree, excDepth, excEvery int) []*syncmap.Map {
	maps := []*syncmap.Map{syncmap.Default(a.Family, a)}
	var inc, exc []string
	k := 0
	a.Root.Walk(func(p config.Path, n *config.Node) bool {
		k++
		switch {
		case len(p) == 2 && k%3 == 0:
			inc = append(inc, p.String())
		case len(p) >= excDepth && k%excEvery == 0 && len(exc) < 8:
			exc = append(exc, p.String())
		}
		return len(p) < 6
	})
	if len(inc) == 0 {
		inc = []string{"interfaces"}
	}
	if m, err := syncmap.FromFlags(inc, exc); err == nil {
		maps = append(maps, m)
	}
	return maps
}
