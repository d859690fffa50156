package syncmap

import (
	"github.com/hasync/hasync/internal/golden"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// smSetTree builds a Vyatta tree from `set` lines without the config
// parser (written concurrently elsewhere): every word but the last is a
// path, the last is the leaf's value. Lines are numbered from 1; blank
// and `#` lines count but add nothing. It returns nil on a line it cannot
// read, so fuzzing can feed it anything.
func smSetTree(source, text string) *config.Tree {
	t := &config.Tree{Family: config.Vyatta, Root: &config.Node{}, Source: source}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, ok := smSplit(line)
		if !ok || len(words) < 3 || words[0] != "set" {
			return nil
		}
		path, value := words[1:len(words)-1], words[len(words)-1]
		n := t.Root
		for _, name := range path {
			c := n.Child(name)
			if c == nil {
				c = &config.Node{Name: name, Line: int32(i + 1)}
				n.Children = append(n.Children, c)
			}
			n = c
		}
		n.Leaf = true
		n.Values = append(n.Values, value)
	}
	return t
}

// smSplit splits a set line into words; 'single' quotes are literal,
// "double" quotes take backslash escapes.
func smSplit(line string) ([]string, bool) {
	var words []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return words, true
		}
		switch line[0] {
		case '\'':
			end := strings.IndexByte(line[1:], '\'')
			if end < 0 {
				return nil, false
			}
			words = append(words, line[1:1+end])
			line = line[2+end:]
		case '"':
			var b strings.Builder
			i := 1
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				b.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, false
			}
			words = append(words, b.String())
			line = line[i+1:]
		default:
			end := strings.IndexAny(line, " \t")
			if end < 0 {
				end = len(line)
			}
			words = append(words, line[:end])
			line = line[end:]
		}
	}
}

// smVRPTree builds a VRP tree from an indented outline: one space per
// level, "key" or "key = value" (the value as the VRP parser keeps it).
func smVRPTree(outline string) *config.Tree {
	t := &config.Tree{Family: config.Huawei, Root: &config.Node{}, Source: "vrp-test"}
	stack := []*config.Node{t.Root}
	for i, raw := range strings.Split(outline, "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		depth := len(raw) - len(strings.TrimLeft(raw, " "))
		if depth+1 > len(stack) {
			depth = len(stack) - 1
		}
		stack = stack[:depth+1]
		key, value, hasValue := strings.Cut(strings.TrimSpace(raw), " = ")
		n := &config.Node{Name: key, Line: int32(i + 1)}
		if hasValue {
			n.Values = []string{value}
		}
		parent := stack[depth]
		parent.Children = append(parent.Children, n)
		stack = append(stack, n)
	}
	return t
}

// smMap builds a map from "N include|exclude location words" lines.
func smMap(t *testing.T, fam config.Family, rules ...string) *Map {
	t.Helper()
	m := &Map{Name: "TEST", Family: fam}
	for _, r := range rules {
		f := strings.Fields(r)
		if len(f) < 2 {
			t.Fatalf("bad rule %q", r)
		}
		n, err := parseRuleNumber(f[0])
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseAction(f[1])
		if err != nil {
			t.Fatal(err)
		}
		m.Rules = append(m.Rules, Rule{Number: n, Action: a, Location: f[2:]})
	}
	m.Sort()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

// smPath splits "a b c" into a one-word-per-name Vyatta path; "|" separates
// multi-word VRP names: "interface GigabitEthernet1/0/0|ip address".
func smPath(s string) config.Path {
	if strings.Contains(s, "|") {
		return config.Path(strings.Split(s, "|"))
	}
	return config.Path(strings.Fields(s))
}

// smDump lists every node of t with its decision, one per line.
func smDump(m *Map, t *config.Tree) string {
	var b strings.Builder
	dec := m.Evaluate(t)
	t.Root.Walk(func(p config.Path, n *config.Node) bool {
		b.WriteString(strings.Join(p, " / "))
		b.WriteString("\t")
		b.WriteString(dec[n].String())
		b.WriteString("\n")
		return true
	})
	return b.String()
}

// smGolden compares got with testdata/name.golden.
func smGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), got)
}
