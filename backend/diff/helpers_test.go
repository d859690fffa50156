package diff

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/golden"
)

func dfLeaf(name string, values ...string) *config.Node {
	return &config.Node{Name: name, Values: values, Leaf: true}
}

func dfSecret(name string, values ...string) *config.Node {
	n := dfLeaf(name, values...)
	n.Secret = true
	return n
}

func dfNode(name string, children ...*config.Node) *config.Node {
	return &config.Node{Name: name, Children: children}
}

func dfTag(name string, children ...*config.Node) *config.Node {
	return &config.Node{Name: name, Tag: true, Children: children}
}

func dfOrdered(name string, children ...*config.Node) *config.Node {
	return &config.Node{Name: name, Ordered: true, Children: children}
}

func dfTree(fam config.Family, source string, children ...*config.Node) *config.Tree {
	return &config.Tree{Family: fam, Root: &config.Node{Children: children}, Source: source}
}

// dfGolden compares got with testdata/name, rewriting it with -update.
func dfGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), string(got))
}

// dfSummary renders changes compactly for table tests.
func dfSummary(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		s := c.Kind.String() + " " + c.Path.String()
		if c.Kind == Moved {
			s += " " + strconv.Itoa(c.From) + "->" + strconv.Itoa(c.To)
		}
		out[i] = s
	}
	return out
}
