package diff

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// TestUnifiedLongList: a change to a few values of a long list shows only
// those values; a short list, a reordered one or one holding a value
// twice still shows both lists whole.
func TestUnifiedLongList(t *testing.T) {
	list := func(n int) []string {
		var vs []string
		for i := range n {
			vs = append(vs, fmt.Sprintf("10.0.0.%d", i))
		}
		return vs
	}
	long := list(40)
	edited := slices.Clone(long)
	edited[7] = "192.0.2.7"                 // one value replaced
	edited = append(edited, "198.51.100.1") // one added
	edited = slices.Delete(edited, 20, 21)  // one removed
	reordered := slices.Clone(long)
	reordered[0], reordered[1] = reordered[1], reordered[0]
	twice := append(slices.Clone(long[:39]), long[0])
	for _, c := range []struct {
		name        string
		left, right []string
		want        []string // the lines after the @@ header
	}{
		{"edited", long, edited, []string{"-address 10.0.0.7", "-address 10.0.0.20", "+address 192.0.2.7", "+address 198.51.100.1"}},
		{"short", list(3), []string{"10.0.0.0", "10.0.0.9", "10.0.0.2"}, []string{"-address 10.0.0.0", "-address 10.0.0.1", "-address 10.0.0.2", "+address 10.0.0.0", "+address 10.0.0.9", "+address 10.0.0.2"}},
		{"reordered", long, reordered, nil},
		{"twice", long, twice, nil},
	} {
		a := dfTree(config.Vyatta, "a", dfNode("group", dfLeaf("address", c.left...)))
		b := dfTree(config.Vyatta, "b", dfNode("group", dfLeaf("address", c.right...)))
		cs := Trees(a, b, Options{})
		if c.name == "reordered" {
			// The values of a Vyatta leaf are a set: no change to print.
			if len(cs) != 0 {
				t.Errorf("reordered: changes %q", dfSummary(cs))
			}
			continue
		}
		var out bytes.Buffer
		if err := WriteUnified(&out, a, b, cs, Options{}, nil); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) == 0 || lines[0] != "@@ group address @@" {
			t.Fatalf("%s: output\n%s", c.name, out.String())
		}
		want := c.want
		if want == nil { // both lists whole
			for _, v := range c.left {
				want = append(want, "-address "+v)
			}
			for _, v := range c.right {
				want = append(want, "+address "+v)
			}
		}
		for i := range lines[1:] {
			lines[1+i] = strings.TrimSpace(lines[1+i])
		}
		if !slices.Equal(lines[1:], want) {
			t.Errorf("%s: lines\n%s\nwant\n%s", c.name, strings.Join(lines[1:], "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestJSONLongList: in JSON, a change to a few values of a long list (a
// 679-value address group) gives the values removed and added, not both
// lists whole; a short list still gives left and right whole.
func TestJSONLongList(t *testing.T) {
	var long []string
	for i := range 679 {
		long = append(long, fmt.Sprintf("10.%d.%d.1", i/250, i%250))
	}
	edited := slices.Clone(long)
	edited[7] = "192.0.2.7"
	edited = append(edited, "198.51.100.1")
	for _, c := range []struct {
		name        string
		left, right []string
		want        string
	}{
		{"long", long, edited, `{"kind":"changed","path":["group","address"],"removed":["10.0.7.1"],"added":["192.0.2.7","198.51.100.1"]}`},
		{"short", []string{"a", "b"}, []string{"a", "c"}, `{"kind":"changed","path":["group","address"],"left":["a","b"],"right":["a","c"]}`},
	} {
		a := dfTree(config.Vyatta, "a", dfNode("group", dfLeaf("address", c.left...)))
		b := dfTree(config.Vyatta, "b", dfNode("group", dfLeaf("address", c.right...)))
		var out bytes.Buffer
		if err := WriteJSON(&out, Trees(a, b, Options{}), Options{}, nil); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(strings.Trim(strings.TrimSpace(out.String()), "[]")); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
		if c.name == "long" && strings.Count(out.String(), "10.") > 1 {
			t.Errorf("long: the unchanged values are printed: %d bytes", out.Len())
		}
	}
}
