package config_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/bench/synth"
	"github.com/hasync/hasync/internal/testcorpus"
	"github.com/hasync/hasync/internal/testcorpus/fastpair"
)

// blockOutputs is everything a comparison prints and decides, from two
// trees: the side view at two contexts, the unified and JSON forms, the
// changes with their nodes whole, and whether the in-scope parts differ.
func blockOutputs(t *testing.T, a, b *config.Tree, m *syncmap.Map, mask bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	opts := diff.Options{MaskSecrets: mask}
	// The changes first: on fresh trees of the fast path they meet the
	// stubs that no view has expanded yet, as `hasync diff --format
	// unified` does.
	changes := diff.Trees(a, b, opts)
	var buf bytes.Buffer
	if err := diff.WriteUnified(&buf, a, b, changes, opts, m.Decide); err != nil {
		t.Fatal(err)
	}
	out["unified"] = buf.String()
	buf.Reset()
	if err := diff.WriteJSON(&buf, changes, opts, m.Decide); err != nil {
		t.Fatal(err)
	}
	out["json"] = buf.String()
	var cs []string
	for _, c := range changes {
		cs = append(cs, fmt.Sprintf("%v %q %d %d %s|%s", c.Kind, c.Path, c.From, c.To, fastpair.Node(c.Left, true), fastpair.Node(c.Right, true)))
	}
	out["changes"] = strings.Join(cs, "\n")
	for _, ctx := range []int{0, 3} {
		rows := diff.Rows(a, b, diff.RowOptions{Options: opts, Map: m, Context: ctx, Fold: true})
		var buf bytes.Buffer
		if err := diff.WriteSide(&buf, rows, 160); err != nil {
			t.Fatal(err)
		}
		differ := false
		for _, r := range rows {
			differ = differ || r.Kind != diff.Same && r.Scope == syncmap.InScope
			fmt.Fprintf(&buf, "%d %q %d %q %q %d %d %d %d %d\n", r.Kind, r.Path, r.Depth, r.Left, r.Right, r.LeftLine, r.RightLine, r.Scope, r.Folded, r.FoldScopes)
		}
		out[fmt.Sprintf("side context %d", ctx)] = fmt.Sprintf("%s\nin-scope difference %v", buf.String(), differ)
	}
	return out
}

// blockCheck compares what the full parse and ParsePairBlocks give for
// one pair of texts; it reports whether the fast path applied.
func blockCheck(t *testing.T, name, textA, textB string) bool {
	t.Helper()
	return blockCheckMaps(t, name, textA, textB, false)
}

// blockCheckMaps is blockCheck; quick (for the fuzz targets, whose every
// input costs) compares under the default map only, secrets shown.
func blockCheckMaps(t *testing.T, name, textA, textB string, quick bool) bool {
	t.Helper()
	a, errA := config.Parse("a.conf", []byte(textA), config.Auto)
	b, errB := config.Parse("b.conf", []byte(textB), config.Auto)
	if errA != nil || errB != nil || a.Family != b.Family {
		if _, _, ok := config.ParsePairBlocks("a.conf", textA, "b.conf", textB, config.Auto, config.FastOptions{MinEqual: 1}); ok {
			t.Errorf("%s: the fast path took a pair that does not parse: %v %v", name, errA, errB)
		}
		return false
	}
	fast := false
	maps, masks := fastpair.Maps(a, 3, 11), []bool{true, false}
	if quick {
		maps, masks = maps[:1], masks[1:]
	}
	for mi, m := range maps {
		for _, mask := range masks {
			// Under a map with rules, its locations are passed as the
			// compare package could (mask true) or not.
			o := config.FastOptions{MinEqual: 1}
			if mask {
				for _, r := range m.Rules {
					o.Rules = append(o.Rules, r.Location)
				}
			}
			fa, fb, ok := config.ParsePairBlocks("a.conf", textA, "b.conf", textB, config.Auto, o)
			if !ok {
				return false
			}
			fast = true
			if fa.Family != a.Family || fa.Source != a.Source || !reflect.DeepEqual(fa.Notes, a.Notes) || !reflect.DeepEqual(fa.Meta, a.Meta) ||
				!reflect.DeepEqual(fb.Notes, b.Notes) || !reflect.DeepEqual(fb.Meta, b.Meta) || fa.Root.Comment != a.Root.Comment {
				t.Errorf("%s: tree fields differ: %v %q %q %q", name, fa.Family, fa.Source, fa.Notes, fa.Meta)
			}
			want := blockOutputs(t, a, b, m, mask)
			// The fast trees are compared twice: fresh, and with the
			// stubs that the first comparison expanded.
			for round := range 2 {
				got := blockOutputs(t, fa, fb, m, mask)
				for k, w := range want {
					if got[k] != w {
						t.Errorf("%s (map %d, mask %v, round %d): %s differs:\n%s", name, mi, mask, round, k, testcorpus.FirstDiff(w, got[k]))
					}
				}
			}
		}
	}
	return fast
}

// curlyPeer derives a peer from curly text as an HA peer drifts: about
// pct percent of its leaf lines get another value, go, gain a value
// beside them or a new leaf, and as many tags of blocks change.
func curlyPeer(text string, pct int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		t := strings.TrimSpace(line)
		if line == "" || t == "" || t == "}" || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "//") || r.Intn(100) >= pct {
			b.WriteString(line)
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		w := strings.Fields(t)
		if strings.HasSuffix(t, "{") {
			if len(w) == 3 && r.Intn(2) == 0 {
				w[1] += "7"
				b.WriteString(indent + strings.Join(w, " ") + "\n")
			} else {
				b.WriteString(line)
			}
			continue
		}
		switch r.Intn(4) {
		case 0: // another value
			if len(w) > 1 && !strings.ContainsAny(t, `"'`) {
				w[len(w)-1] += "x"
			}
			b.WriteString(indent + strings.Join(w, " ") + "\n")
		case 1: // gone
		case 2: // another value beside it
			b.WriteString(line)
			if len(w) == 2 && !strings.ContainsAny(t, `"'`) {
				b.WriteString(indent + w[0] + " " + w[1] + "y\n")
			}
		default: // a new leaf
			b.WriteString(line)
			b.WriteString(indent + "peer-extra " + fmt.Sprint(r.Intn(9)) + "\n")
		}
	}
	return b.String()
}

// curlyFiles returns the corpus's Vyatta files in curly form.
func curlyFiles(t *testing.T) map[string][]string {
	byDir := map[string][]string{}
	for _, f := range testcorpus.Files(t, "vyos") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := config.Parse(f, src, config.Auto)
		if err != nil || tr.Family != config.Vyatta || strings.HasPrefix(strings.TrimSpace(string(src)), "set ") || !bytes.Contains(src, []byte("{")) {
			continue
		}
		byDir[filepath.Dir(f)] = append(byDir[filepath.Dir(f)], string(src))
	}
	return byDir
}

// TestFastCurlyCorpus checks that the fast path and the full parse give
// the same rows, changes and printed output, and the same exit status,
// on every curly pair of the corpus: each file against itself, against
// peers drifted by 1% and 10% (and back), against its own curly printing,
// and against some other files of its folder.
func TestFastCurlyCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	var pairs, fast int
	check := func(name, a, b string) {
		pairs++
		if blockCheck(t, name, a, b) {
			fast++
		}
	}
	for d, texts := range curlyFiles(t) {
		rel, _ := filepath.Rel(dir, d)
		for i, a := range texts {
			if len(a) > 200_000 && testing.Short() {
				continue
			}
			check(fmt.Sprintf("%s #%d self", rel, i), a, a)
			pcts := []int{1, 10}
			if len(a) > 200_000 {
				pcts = []int{2} // firewall-big: its time is that of the other pairs together
			}
			for _, pct := range pcts {
				p := curlyPeer(a, pct, int64(i+pct))
				check(fmt.Sprintf("%s #%d %d%%", rel, i, pct), a, p)
				check(fmt.Sprintf("%s #%d %d%% reversed", rel, i, pct), p, a)
			}
			if tr, err := config.Parse("x", []byte(a), config.Auto); err == nil {
				var buf bytes.Buffer
				if err := config.WriteCurly(&buf, tr, config.PrintOptions{}); err == nil {
					check(fmt.Sprintf("%s #%d printed", rel, i), a, buf.String())
				}
			}
			for j, b := range texts {
				if i < j && (i+j)%5 == 0 {
					check(fmt.Sprintf("%s #%d #%d", rel, i, j), a, b)
				}
			}
		}
	}
	t.Logf("%d curly pairs, %d through the fast path", pairs, fast)
	if fast < pairs/2 {
		t.Errorf("only %d of %d curly pairs took the fast path", fast, pairs)
	}
}

// curlySeed is curly text with what the fast path must get right: tag
// blocks, multi-value leaves (a repeated value), valueless leaves, a
// comment before a block, quoted values, `system config-sync`.
const curlySeed = `firewall {
    all-ping enable
    group {
        address-group A {
            address 10.0.0.1
            address 10.0.0.2
            address 10.0.0.1
        }
        address-group B {
            address 10.0.1.1
            description "the b group"
        }
    }
    name WAN {
        default-action drop
        rule 10 {
            action accept
            destination {
                port 22
            }
            log
        }
        rule 20 {
            action drop
            source {
                address 10.9.0.0/16
            }
        }
    }
}
/* the interfaces */
interfaces {
    ethernet eth0 {
        address 192.0.2.1/24
        description 'uplink'
    }
    loopback lo {
    }
}
system {
    config-sync {
        sync-map FW {
            rule 1 {
                action include
                location firewall
            }
        }
    }
    host-name r1
    login {
        user vyos {
            authentication {
                encrypted-password $6$abc
            }
        }
    }
}
/* Warning: Do not remove the following line. */
/* === vyatta-config-version: "firewall@5:system@9" === */
`

// FuzzFastCurly checks that the fast path and the full parse agree on
// any pair of texts: the same rows, changes and printed output, or the
// fast path declines.
func FuzzFastCurly(f *testing.F) {
	f.Add(curlySeed, curlySeed)
	f.Add(curlySeed, curlyPeer(curlySeed, 20, 1))
	f.Add(curlyPeer(curlySeed, 30, 2), curlySeed)
	f.Add(curlySeed, strings.Replace(curlySeed, "rule 20 {", "rule 10 {", 1))
	f.Add(curlySeed, strings.Replace(curlySeed, "port 22", "port \"22 {\"", 1))
	f.Add(curlySeed, strings.Replace(curlySeed, "    host-name r1\n", "    host-name r2\n    login {\n    }\n", 1))
	f.Add("vyos@r1:~$ show configuration\n"+curlySeed+"vyos@r1:~$ exit\nlogout\n", strings.Replace(curlySeed, "    group {\n", "  ---- More ----\n    group {\n", 1))
	f.Fuzz(fuzzBlocks)
}

// fuzzBlocks is the fuzz targets' check of a pair: blockCheckMaps,
// quick, on pairs of up to 16 KiB.
func fuzzBlocks(t *testing.T, a, b string) {
	if len(a)+len(b) > 1<<14 {
		return
	}
	blockCheckMaps(t, "fuzz", a, b, true)
}

// TestFastCurlyMutations checks the fast path against the full parse on
// pairs of curly text with bytes changed, dropped and added where the
// scan must be careful: braces, quotes, comment openers, blanks and
// newlines.
func TestFastCurlyMutations(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const marks = "{}\"' \n#/*;\\x\t"
	blockMutations(t, r, marks, func(i int) (a, b []byte) {
		return []byte(curlySeed), []byte(curlyPeer(curlySeed, 20, int64(i)))
	})
}

// blockMutations checks the fast path against the full parse on 600
// pairs (100 with -short) from pair, each with 1 to 4 bytes of either
// text changed to one of marks, dropped, or one of marks added.
func blockMutations(t *testing.T, r *rand.Rand, marks string, pair func(i int) (a, b []byte)) {
	t.Helper()
	n := 600
	if testing.Short() {
		n = 100
	}
	for i := range n {
		a, b := pair(i)
		for range 1 + r.Intn(4) {
			x := &a
			if r.Intn(2) == 0 {
				x = &b
			}
			p := r.Intn(len(*x))
			switch r.Intn(3) {
			case 0:
				(*x)[p] = marks[r.Intn(len(marks))]
			case 1:
				*x = append((*x)[:p], (*x)[p+1:]...)
			default:
				*x = append((*x)[:p], append([]byte{marks[r.Intn(len(marks))]}, (*x)[p:]...)...)
			}
		}
		blockCheck(t, fmt.Sprintf("mutation %d", i), string(a), string(b))
		if t.Failed() {
			t.Logf("a:\n%s\nb:\n%s", a, b)
			return
		}
	}
}

// BenchmarkFastCurly times ParsePairBlocks on firewall-big against a
// peer drifted by 2%, and the full parse of both texts.
func BenchmarkFastCurly(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(testcorpus.Dir(b), "vyos", "big", "firewall-big"))
	if err != nil {
		b.Fatal(err)
	}
	a := string(src)
	peer := curlyPeer(a, 2, 7)
	benchBlocks(b, a, peer)
}

// TestFastVRPCorpus checks the VRP fast path against the full parse on
// every Huawei file of the corpus (against itself and drifted peers,
// both ways) and on the synthetic pairs of bench/diffbench.
func TestFastVRPCorpus(t *testing.T) {
	var pairs, fast int
	check := func(name, a, b string) {
		pairs++
		if blockCheck(t, name, a, b) {
			fast++
		}
	}
	for i, f := range testcorpus.Files(t, "huawei") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := string(src)
		check(f+" self", a, a)
		for _, pct := range []int{1, 10} {
			p := testcorpus.Drift(a, pct, int64(i*10+pct))
			check(fmt.Sprintf("%s %d%%", f, pct), a, p)
			check(fmt.Sprintf("%s %d%% reversed", f, pct), p, a)
		}
	}
	t.Logf("%d VRP corpus pairs, %d through the fast path (most files are small: few blocks of 3 lines or more)", pairs, fast)
	if fast < pairs/4 {
		t.Errorf("only %d of %d VRP pairs took the fast path", fast, pairs)
	}
	for _, n := range []int{300, 3000} {
		a, b := synth.VRPPair(n, 1)
		// Rules moved: the target's rules in another order, here and
		// there (the diff reports the ones off the longest common run).
		rules := strings.SplitAfter(string(b), " rule name ")
		for i := 3; i+7 < len(rules)-1; i += 11 {
			rules[i], rules[i+7] = rules[i+7], rules[i]
		}
		c := []byte(strings.Join(rules, ""))
		for _, p := range [][2][]byte{{a, b}, {b, a}, {a, a}, {a, c}, {c, a}} {
			if !blockCheck(t, fmt.Sprintf("synth %d", n), string(p[0]), string(p[1])) {
				t.Errorf("synth %d: the fast path declined", n)
			}
		}
	}
}

// FuzzFastVRP is FuzzFastCurly for VRP text.
func FuzzFastVRP(f *testing.F) {
	a, b := synth.VRPPair(60, 1)
	f.Add(string(a), string(b))
	f.Add(string(b), string(a))
	f.Add("<FW-A>display current-configuration\n"+string(a)+"<FW-A>quit\n", "HRP_S[FW-B]\n  ---- More ----\x1b[42D          \x1b[42D"+string(b))
	f.Add("#\nsysname A\n#\nacl number 3000\n rule 5 permit ip\n rule 10 deny ip\n#\nsecurity-policy\n rule name a\n  action permit\n  service http\n rule name b\n  action deny\n#\nreturn\n",
		"#\nsysname B\n#\nacl number 3000\n rule 5 permit ip\n rule 10 deny ip\n#\nsecurity-policy\n rule name b\n  action deny\n rule name a\n  action permit\n  service http\n#\nreturn\n")
	f.Fuzz(fuzzBlocks)
}

// TestFastVRPMutations is TestFastCurlyMutations for VRP text.
func TestFastVRPMutations(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	const marks = "# \n\"\t!+-qx"
	seedA, seedB := synth.VRPPair(80, 3)
	blockMutations(t, r, marks, func(int) (a, b []byte) {
		return slices.Clone(seedA), slices.Clone(seedB)
	})
}

// BenchmarkFastVRP times ParsePairBlocks on bench/diffbench's 100k-line
// Huawei pair, and the full parse of both texts.
func BenchmarkFastVRP(b *testing.B) {
	x, y := synth.VRPPair(100000, 1)
	a, peer := string(x), string(y)
	benchBlocks(b, a, peer)
}

// benchBlocks times ParsePairBlocks on a and peer (sub-benchmark fast),
// and the full parse of both texts (full).
func benchBlocks(b *testing.B, a, peer string) {
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := config.ParsePairBlocks("a", a, "b", peer, config.Auto, config.FastOptions{}); !ok {
				b.Fatal("the fast path declined")
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			if _, err := config.Parse("a", []byte(a), config.Auto); err != nil {
				b.Fatal(err)
			}
			if _, err := config.Parse("b", []byte(peer), config.Auto); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestIncreasingRun: one longest strictly increasing run, the last of
// the longest and its predecessors; negatives never marked.
func TestIncreasingRun(t *testing.T) {
	for _, tc := range []struct {
		seq  []int
		want string
	}{
		{nil, ""},
		{[]int{0, 1, 2}, "xxx"},
		{[]int{2, 1, 0}, "..x"},
		{[]int{0, -1, 3, 1, 2}, "x..xx"},
		{[]int{-1, -1}, ".."},
		{[]int{1, 1, 2}, ".xx"},
	} {
		got := ""
		for _, b := range config.IncreasingRun(tc.seq) {
			got += map[bool]string{true: "x", false: "."}[b]
		}
		if got != tc.want {
			t.Errorf("%v: %s, want %s", tc.seq, got, tc.want)
		}
	}
}

// TestFastCapture checks that the fast path takes text with capture
// lines (prompts, a pager, session messages), which the scans find
// themselves, and agrees with the full parse on it.
func TestFastCapture(t *testing.T) {
	lines := strings.SplitAfter(curlySeed, "\n")
	paged := strings.Join(lines[:3], "") + "  ---- More ----\x1b[42D                \x1b[42D" + strings.Join(lines[3:], "")
	va, vb := synth.VRPPair(60, 1)
	vrpA, vrpB := string(va), string(vb)
	for _, c := range []struct{ name, a, b string }{
		{"curly prompt", "vyos@r1:~$ show configuration\n" + curlySeed + "vyos@r1:~$ exit\nlogout\nConnection to r1 closed.\n", curlyPeer(curlySeed, 20, 1)},
		{"curly pager", paged, curlyPeer(curlySeed, 20, 2)},
		{"curly both", "Last login: Mon Nov 30 10:00:00 2026 from 10.0.0.1\nvyos@r1:~$ show configuration\n" + paged, "vyos@r1# show\n[edit]\n" + curlyPeer(curlySeed, 20, 3)},
		{"vrp prompt", "Info: The max number of VTY users is 10, and the number\n<FW-A>display current-configuration\n" + vrpA + "<FW-A>quit\n", vrpB},
		{"vrp hrp", "HRP_M<FW-A>display current-configuration\n" + vrpA, "HRP_S<FW-B>display current-configuration\n  ---- More ----\x1b[42D          \x1b[42D" + vrpB},
	} {
		if !blockCheck(t, c.name, c.a, c.b) {
			t.Errorf("%s: the fast path declined", c.name)
		}
	}
}

// TestFastVRPKeyedHeaders checks the fast path against the full parse on
// VRP text whose block headers are keyed lines (a key and a value, or a
// secret) beside lines of the same key, read before them or after, with
// and without values: the headers the parser names at once for a stub
// (stubHeader) must be what it names line by line.
func TestFastVRPKeyedHeaders(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	heads := []string{"description d%d", "description", "name n%d", "mtu %d", "ip address 10.0.0.%d 24",
		"local-user u%d password cipher %%^%%#x%d%%^%%#", "user-interface vty %d", "interface GigabitEthernet0/0/%d"}
	line := func(i int) string {
		h := heads[r.Intn(len(heads))]
		switch strings.Count(h, "%d") {
		case 0:
			return h
		case 1:
			return fmt.Sprintf(h, i%3)
		}
		return fmt.Sprintf(h, i%3, i%2)
	}
	text := func() string {
		var b strings.Builder
		b.WriteString("#\nsysname A\n")
		for s := range 30 {
			fmt.Fprintf(&b, "#\ninterface Eth%d\n", s)
			for i := range 2 + r.Intn(5) {
				b.WriteString(" " + line(i) + "\n")
				if r.Intn(2) == 0 {
					for k := range 2 + r.Intn(2) {
						fmt.Fprintf(&b, "  undo shutdown %d\n", k)
					}
				}
			}
		}
		b.WriteString("#\nreturn\n")
		return b.String()
	}
	fast := 0
	for n := range 150 {
		a := text()
		lines := strings.SplitAfter(a, "\n")
		for range 3 {
			i := r.Intn(len(lines))
			if strings.HasPrefix(lines[i], "  undo") {
				lines[i] = "  undo shutdown 9\n"
			}
		}
		if blockCheck(t, fmt.Sprintf("case %d", n), a, strings.Join(lines, "")) {
			fast++
		}
	}
	if fast == 0 {
		t.Error("the fast path took no pair")
	}
	t.Logf("%d of 150 pairs took the fast path", fast)
}
