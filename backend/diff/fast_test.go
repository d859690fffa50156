package diff

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
	"github.com/hasync/hasync/internal/testcorpus/fastpair"
)

// fastOutputs is everything a comparison prints and decides, from two
// trees: the side view at a few contexts and widths, the unified and json
// forms, and whether the in-scope parts differ (the exit status).
func fastOutputs(t *testing.T, a, b *config.Tree, m *syncmap.Map, mask bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	opts := Options{MaskSecrets: mask}
	for _, ctx := range []int{0, 3} {
		rows := Rows(a, b, RowOptions{Options: opts, Map: m, Context: ctx, Fold: true})
		var buf bytes.Buffer
		if err := WriteSide(&buf, rows, 160); err != nil {
			t.Fatal(err)
		}
		differ := false
		for _, r := range rows {
			differ = differ || r.Kind != Same && r.Scope == syncmap.InScope
		}
		for _, r := range rows {
			fmt.Fprintf(&buf, "%d %q %d %q %q %d %d %d %d %d\n", r.Kind, r.Path, r.Depth, r.Left, r.Right, r.LeftLine, r.RightLine, r.Scope, r.Folded, r.FoldScopes)
		}
		out[fmt.Sprintf("side context %d", ctx)] = fmt.Sprintf("%s\nin-scope difference %v", buf.String(), differ)
	}
	changes := Trees(a, b, opts)
	var buf bytes.Buffer
	if err := WriteUnified(&buf, a, b, changes, opts, m.Decide); err != nil {
		t.Fatal(err)
	}
	out["unified"] = buf.String()
	buf.Reset()
	if err := WriteJSON(&buf, changes, opts, m.Decide); err != nil {
		t.Fatal(err)
	}
	out["json"] = buf.String()
	var cs []string
	for _, c := range changes {
		cs = append(cs, fmt.Sprintf("%v %q %d %d %s|%s", c.Kind, c.Path, c.From, c.To, fastpair.Node(c.Left, false), fastpair.Node(c.Right, false)))
	}
	out["changes"] = strings.Join(cs, "\n")
	return out
}

// fastPaths are config's fast paths: set text (ParsePairFast), and text
// in blocks, curly or VRP (ParsePairBlocks). Each is checked against the
// full parse on every pair; one that declines a pair is skipped for it.
var fastPaths = []struct {
	name  string
	parse func(fileA, textA, fileB, textB string, fam config.Family, o config.FastOptions) (a, b *config.Tree, ok bool)
}{{"ParsePairFast", config.ParsePairFast}, {"ParsePairBlocks", config.ParsePairBlocks}}

// fastCheck compares, for one pair of texts, what the full parse and each
// fast path give; it reports whether a fast path applied.
func fastCheck(t *testing.T, name, textA, textB string) bool {
	t.Helper()
	fast := false
	for _, fp := range fastPaths {
		fast = fastCheckPath(t, name+" ("+fp.name+")", textA, textB, fp.parse) || fast
	}
	return fast
}

// fastCheckPath is fastCheck for one fast path.
func fastCheckPath(t *testing.T, name, textA, textB string, parse func(fileA, textA, fileB, textB string, fam config.Family, o config.FastOptions) (a, b *config.Tree, ok bool)) bool {
	t.Helper()
	a, errA := config.Parse("a.conf", []byte(textA), config.Auto)
	b, errB := config.Parse("b.conf", []byte(textB), config.Auto)
	fast := false
	for _, useRules := range []bool{false, true} {
		if errA != nil || errB != nil {
			if _, _, ok := parse("a.conf", textA, "b.conf", textB, config.Auto, config.FastOptions{MinEqual: 1}); ok {
				t.Errorf("%s: the fast path parsed a pair that does not parse: %v %v", name, errA, errB)
			}
			return false
		}
		for mi, m := range fastpair.Maps(a, 4, 17) {
			if useRules && mi == 0 {
				continue // the default map has no location to keep
			}
			o := config.FastOptions{MinEqual: 1}
			if useRules {
				for _, r := range m.Rules {
					o.Rules = append(o.Rules, r.Location)
				}
			}
			fa, fb, ok := parse("a.conf", textA, "b.conf", textB, config.Auto, o)
			if !ok {
				continue
			}
			fast = true
			if fa.Family != a.Family || fa.Source != a.Source || !reflect.DeepEqual(fa.Notes, a.Notes) || !reflect.DeepEqual(fa.Meta, a.Meta) {
				t.Errorf("%s: tree fields differ: %v %q %q %q", name, fa.Family, fa.Source, fa.Notes, fa.Meta)
			}
			for _, mask := range []bool{true, false} {
				want := fastOutputs(t, a, b, m, mask)
				// The fast trees are compared twice: fresh, and with the
				// stubs that the first comparison expanded.
				for round := range 1 + fastInt(mask) {
					got := fastOutputs(t, fa, fb, m, mask)
					for k, w := range want {
						if got[k] != w {
							t.Errorf("%s (map %d, rules %v, mask %v, round %d): %s differs:\n%s", name, mi, useRules, mask, round, k, testcorpus.FirstDiff(w, got[k]))
						}
					}
				}
			}
		}
	}
	return fast
}

// fastPeer derives a peer from set text: about pct percent of its lines
// get another value, lose the line or gain a line beside them.
func fastPeer(text string, pct int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		if r.Intn(100) >= pct {
			b.WriteString(line)
			continue
		}
		switch r.Intn(4) {
		case 0: // another value
			if i := strings.LastIndexByte(line, '\''); i > 0 {
				b.WriteString(line[:i] + "x'\n")
				continue
			}
			b.WriteString(line)
		case 1: // gone
		case 2: // a line beside it
			b.WriteString(line)
			b.WriteString(strings.TrimRight(line, "\n") + " extra\n")
		default: // another node
			w := strings.Fields(line)
			if len(w) >= 3 {
				w[len(w)-2] = "peer-" + w[len(w)-2]
			}
			b.WriteString(strings.Join(w, " ") + "\n")
		}
	}
	return b.String()
}

// fastSetText prints a tree as set commands.
func fastSetText(t *testing.T, tr *config.Tree) string {
	var buf bytes.Buffer
	if err := config.WriteSet(&buf, tr, config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestFastPathCorpus checks that the fast path and the full parse give
// the same rows, changes and printed output, and the same exit status, on
// every pair of the corpus: each file as it is (set, curly or VRP text)
// and each Vyatta file as set text, against itself, against peers drifted
// by 1% and 10% (in set form, or in the text's own form), and against
// every other file of its folder; the corpus's own before/after pairs;
// and synthetic pairs. Every pair goes to each of config's fast paths
// (fastPaths); the root package's TestDiffFastPathCorpus does the same
// through the hasync diff command, whichever function the command calls.
func TestFastPathCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	byDir := map[string][]string{}
	for i, f := range append(testcorpus.Files(t, "vyos"), testcorpus.Files(t, "huawei")...) {
		if i%fastStride != 0 {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := config.Parse(f, src, config.Auto)
		if err != nil || len(tr.Root.Children) == 0 {
			continue
		}
		// The file as it is, and a Vyatta file as set text.
		byDir[filepath.Dir(f)] = append(byDir[filepath.Dir(f)], string(src))
		if tr.Family == config.Vyatta {
			if set := fastSetText(t, tr); set != string(src) {
				byDir[filepath.Dir(f)] = append(byDir[filepath.Dir(f)], set)
			}
		}
	}
	// Pairs of a file and a peer of it mostly take the fast path; pairs
	// of two files rarely do (too little is equal), and are checked all
	// the same.
	var peers, peersFast, others, othersFast, forms, formsFast int
	check := func(name, a, b string, peer bool) {
		fast := fastCheck(t, name, a, b)
		switch {
		case !strings.HasPrefix(a, "set ") || !strings.HasPrefix(b, "set "):
			// Curly and VRP text, counted apart.
			forms++
			formsFast += fastInt(fast)
		case peer:
			peers++
			peersFast += fastInt(fast)
		default:
			others++
			othersFast += fastInt(fast)
		}
	}
	for d, texts := range byDir {
		rel, _ := filepath.Rel(dir, d)
		for i, a := range texts {
			check(fmt.Sprintf("%s #%d self", rel, i), a, a, true)
			for _, pct := range []int{1, 10} {
				p := fastPeer(a, pct, int64(i+pct))
				if !strings.HasPrefix(a, "set ") {
					p = testcorpus.Drift(a, pct, int64(i+pct))
				}
				check(fmt.Sprintf("%s #%d %d%%", rel, i, pct), a, p, true)
				check(fmt.Sprintf("%s #%d %d%% reversed", rel, i, pct), p, a, true)
			}
			for j, b := range texts {
				if i < j && (i+j)%7 == 0 {
					check(fmt.Sprintf("%s #%d #%d", rel, i, j), a, b, false)
				}
			}
		}
	}
	for _, p := range [][2]string{{"vyos/hier_config/vyos_running.conf", "vyos/hier_config/vyos_generated.conf"}} {
		a, errA := config.ParseFile(filepath.Join(dir, p[0]), config.Auto)
		b, errB := config.ParseFile(filepath.Join(dir, p[1]), config.Auto)
		if errA == nil && errB == nil {
			check(p[0], fastSetText(t, a), fastSetText(t, b), false)
		}
	}
	for _, n := range []int{300, 3000 / fastStride} {
		for _, pct := range []int{1, 10, 40} {
			a := fastSynth(n, int64(n))
			check(fmt.Sprintf("synthetic %d lines %d%%", n, pct), a, fastPeer(a, pct, int64(pct)), true)
		}
	}
	t.Logf("set text: %d pairs of a file and its peer, %d through the fast path; %d other pairs, %d through it; curly or VRP text: %d pairs, %d through it", peers, peersFast, others, othersFast, forms, formsFast)
	if peersFast < peers/2 {
		t.Errorf("only %d of %d pairs of a file and its peer took the fast path", peersFast, peers)
	}
}

func fastInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fastSynth writes about n lines of set commands as `show configuration
// commands` prints them: interfaces, address groups (long value lists),
// rule sets with numbered rules, valueless leaves, system settings.
func fastSynth(n int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, "set "+format+"\n", args...)
		n--
	}
	for i := range 4 {
		line("interfaces ethernet eth%d address '10.%d.0.2/24'", i, i)
		line("interfaces ethernet eth%d description 'link %d'", i, i)
		if i%2 == 0 {
			line("interfaces ethernet eth%d disable", i)
		}
	}
	for g := range 3 {
		for v := range 20 + r.Intn(40) {
			line("firewall group address-group G%d address '10.%d.%d.%d'", g, g, v/250, v%250)
		}
	}
	for s := 0; n > 20; s++ {
		line("firewall name RS-%d default-action 'drop'", s)
		for i := 1; i <= 30 && n > 20; i++ {
			line("firewall name RS-%d rule %d action '%s'", s, i*10, []string{"accept", "drop"}[r.Intn(2)])
			line("firewall name RS-%d rule %d description 'rule %d of %d'", s, i*10, i, s)
			line("firewall name RS-%d rule %d destination port '%d'", s, i*10, 1000+r.Intn(60000))
			line("firewall name RS-%d rule %d protocol 'tcp'", s, i*10)
			if r.Intn(3) == 0 {
				line("firewall name RS-%d rule %d log", s, i*10)
			}
			line("firewall name RS-%d rule %d source address '172.16.%d.0/24'", s, i*10, r.Intn(250))
		}
	}
	line("system host-name 'r1'")
	line("system config-sync sync-map FW rule 1 action 'include'")
	line("system config-sync sync-map FW rule 1 location 'firewall'")
	line("system login user vyos authentication encrypted-password '$6$abc'")
	return b.String()
}

// FuzzFastPath checks that the fast path and the full parse agree on any
// pair of texts: the same rows, changes and printed output, or the fast
// path declines.
func FuzzFastPath(f *testing.F) {
	a := fastSynth(120, 1)
	f.Add(a, a)
	f.Add(a, fastPeer(a, 10, 2))
	f.Add(fastPeer(a, 30, 3), a)
	f.Add("set a b 'c'\nset a d e f\nset a d e g\nset x y 'z'\n", "set a b 'c'\nset a d e f\nset a d e g\nset x y 'w'\n")
	f.Add("set system host-name r1\nset interfaces ethernet eth0 address '10.0.0.1/24'\nset interfaces ethernet eth0 address '10.0.0.2/24'\nset interfaces ethernet eth0 vif 10 address '10.1.0.1/24'\n",
		"set system host-name r2\nset interfaces ethernet eth0 address '10.0.0.1/24'\nset interfaces ethernet eth0 address '10.0.0.2/24'\nset interfaces ethernet eth0 vif 10 address '10.1.0.1/24'\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 1<<14 {
			return
		}
		fastCheck(t, "fuzz", a, b)
	})
}
