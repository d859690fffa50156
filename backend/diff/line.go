package diff

import (
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// LineText returns the displayed lines of n, one string per line, without
// indentation. Vyatta: a plain node is "name", a leaf "name value" (value
// single-quoted only when empty or holding white space), one line per value
// of a multi-value leaf, a valueless leaf "name"; a tag node has no line of
// its own and returns one "name tag" line per child (its children's lines
// need the tag node's name, so pass the tag node, not a tag value). VRP:
// Name, then " " and the value, one line per value. With mask, Secret
// values print as config.Mask.
func LineText(fam config.Family, n *config.Node, mask bool) []string {
	if n == nil {
		return nil
	}
	if isTag(fam, n) {
		out := make([]string, 0, len(n.Children))
		for _, c := range n.Children {
			out = append(out, lineText(fam, n.Name, c, -1, mask))
		}
		return out
	}
	if len(n.Values) == 0 {
		return []string{lineText(fam, "", n, -1, mask)}
	}
	out := make([]string, len(n.Values))
	for i := range n.Values {
		out[i] = lineText(fam, "", n, i, mask)
	}
	return out
}

// lineText is one displayed line of n: its value number v (-1: no value).
// tag is the name of n's tag parent ("" when n is not a tag value).
func lineText(fam config.Family, tag string, n *config.Node, v int, mask bool) string {
	var b strings.Builder
	writeLine(&b, fam, tag, n, v, mask)
	return b.String()
}

func writeLine(b *strings.Builder, fam config.Family, tag string, n *config.Node, v int, mask bool) {
	if fam == config.Huawei {
		b.WriteString(n.Name)
		if v >= 0 && v < len(n.Values) {
			b.WriteByte(' ')
			if mask && n.Secret {
				b.WriteString(config.Mask)
			} else {
				b.WriteString(n.Values[v])
			}
		}
		return
	}
	if tag != "" {
		b.WriteString(tag)
		b.WriteByte(' ')
		writeQuoted(b, n.Name)
	} else {
		b.WriteString(n.Name)
	}
	if v >= 0 && v < len(n.Values) {
		b.WriteByte(' ')
		if mask && n.Secret {
			b.WriteString(config.Mask)
		} else {
			writeQuoted(b, n.Values[v])
		}
	}
}

// writeIndent writes the indentation of a line at depth.
func writeIndent(b *strings.Builder, fam config.Family, depth int) {
	unit := "    "
	if fam == config.Huawei {
		unit = " "
	}
	for range depth {
		b.WriteString(unit)
	}
}

// writeQuoted writes a Vyatta word, single-quoted when it would not read
// back as one word.
func writeQuoted(b *strings.Builder, s string) {
	if s != "" && !strings.ContainsAny(s, " \t\n") {
		b.WriteString(s)
		return
	}
	b.WriteByte('\'')
	b.WriteString(s)
	b.WriteByte('\'')
}

// isTag reports whether n is a Vyatta tag node, which has no line of its
// own.
func isTag(fam config.Family, n *config.Node) bool {
	return n != nil && n.Tag && fam != config.Huawei
}

// tagName is the prefix of the lines of parent's children: parent's name
// when parent is a tag node, "" otherwise.
func tagName(fam config.Family, parent *config.Node) string {
	if isTag(fam, parent) {
		return parent.Name
	}
	return ""
}

// family picks the family of a pair of trees.
func family(a, b *config.Tree) config.Family {
	if a != nil && a.Family != config.Auto {
		return a.Family
	}
	if b != nil {
		return b.Family
	}
	return config.Auto
}
