package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/testcorpus"
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

// listPair is a Vyatta pair in set form whose address group holds n
// values (198.18.0.0/15, the benchmarking range), of which the peer
// replaces two, drops one and adds one.
func listPair(t *testing.T, n int) (a, b *config.Tree) {
	t.Helper()
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprintf("198.18.%d.%d", i/250, i%250+1)
	}
	peer := slices.Clone(vals)
	peer[7], peer[n/2] = "198.19.0.7", "198.19.0.8"
	peer = slices.Delete(peer, n-20, n-19)
	peer = append(peer, "198.19.0.9")
	text := func(host string, vs []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "set firewall group address-group BIG description 'cluster'\n")
		for _, v := range vs {
			fmt.Fprintf(&b, "set firewall group address-group BIG address '%s'\n", v)
		}
		fmt.Fprintf(&b, "set system host-name '%s'\n", host)
		return b.String()
	}
	a, err := config.Parse("a.conf", []byte(text("r1", vals)), config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	b, err = config.Parse("b.conf", []byte(text("r1", peer)), config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// TestLongListGolden: a change to four values of a 679-value address
// group, parsed from set text, in the side, unified and JSON forms: each
// shows the values that changed (the side view with its context, folds
// for the rest), not the list twice (1,358 lines).
func TestLongListGolden(t *testing.T) {
	a, b := listPair(t, 679)
	o := Options{MaskSecrets: true}
	var side, uni, js bytes.Buffer
	if err := WriteSide(&side, Rows(a, b, RowOptions{Options: o, Scope: dfScope, Context: 3, Fold: true}), 120); err != nil {
		t.Fatal(err)
	}
	dfGolden(t, "list679_side.golden", side.Bytes())
	cs := Trees(a, b, o)
	if err := WriteUnified(&uni, a, b, cs, o, dfScope); err != nil {
		t.Fatal(err)
	}
	dfGolden(t, "list679_unified.golden", uni.Bytes())
	if err := WriteJSON(&js, cs, o, dfScope); err != nil {
		t.Fatal(err)
	}
	dfGolden(t, "list679_json.golden", js.Bytes())
	// One header and the six values that differ; the JSON one change.
	if n := strings.Count(uni.String(), "\n"); n != 7 {
		t.Errorf("unified: %d lines, want 7", n)
	}
	if n := strings.Count(js.String(), "\n"); n != 3 {
		t.Errorf("json: %d lines, want 3", n)
	}
	if n := strings.Count(side.String(), "\n"); n > 40 {
		t.Errorf("side: %d lines, want the changes with their context", n)
	}
}

// TestLongListCorpus: the longest list of the corpus, firewall-big's
// 679-value address group, with four of its values changed as
// listPair changes them: the unified form prints the header and those
// values, the JSON form one change with two removed and two added plus
// the one dropped and the one added.
func TestLongListCorpus(t *testing.T) {
	file := testcorpus.File(t, "vyos/big/firewall-big")
	a, err := config.ParseFile(file, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.ParseFile(file, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	// The longest list of values, on both sides.
	var path config.Path
	longest := 0
	a.Root.Walk(func(p config.Path, n *config.Node) bool {
		if len(n.Values) > longest {
			longest, path = len(n.Values), slices.Clone(p)
		}
		return true
	})
	if longest < 600 {
		t.Fatalf("the longest list of %s has %d values (%s)", file, longest, path)
	}
	n := b.Root.Lookup(path)
	vs := slices.Clone(n.Values)
	gone := []string{vs[7], vs[longest/2], vs[longest-20]}
	vs[7], vs[longest/2] = "198.19.0.7", "198.19.0.8"
	vs = slices.Delete(vs, longest-20, longest-19)
	vs = append(vs, "198.19.0.9")
	n.Values = vs
	o := Options{MaskSecrets: true}
	cs := Trees(a, b, o)
	if len(cs) != 1 || cs[0].Kind != Changed {
		t.Fatalf("changes %q, want one change of %s", dfSummary(cs), path)
	}
	var uni, js bytes.Buffer
	if err := WriteUnified(&uni, a, b, cs, o, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, cs, o, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(uni.String(), "\n"), "\n")
	t.Logf("%s: %d values; unified %d lines, %d bytes; json %d bytes", path, longest, len(lines), uni.Len(), js.Len())
	var want []string
	for _, v := range gone {
		want = append(want, "-"+path[len(path)-1]+" "+v)
	}
	for _, v := range []string{"198.19.0.7", "198.19.0.8", "198.19.0.9"} {
		want = append(want, "+"+path[len(path)-1]+" "+v)
	}
	for i := range lines[1:] {
		lines[1+i] = strings.TrimSpace(lines[1+i])
	}
	if !slices.Equal(lines[1:], want) {
		t.Errorf("unified:\n%s\nwant after the header\n%s", uni.String(), strings.Join(want, "\n"))
	}
	var got []struct{ Removed, Added []string }
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got[0].Removed, gone) || !slices.Equal(got[0].Added, []string{"198.19.0.7", "198.19.0.8", "198.19.0.9"}) {
		t.Errorf("json: %s", js.String())
	}
}
