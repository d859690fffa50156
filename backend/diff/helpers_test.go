package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

var dfUpdate = flag.Bool("update", false, "rewrite the golden files under testdata")

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
	path := filepath.Join("testdata", name)
	if *dfUpdate {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// dfSummary renders changes compactly for table tests.
func dfSummary(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		s := c.Kind.String() + " " + c.Path.String()
		if c.Kind == Moved {
			s += " " + itoa(c.From) + "->" + itoa(c.To)
		}
		out[i] = s
	}
	return out
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
