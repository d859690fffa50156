package config

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/internal/testcorpus"
)

// checkCurlyRows checks, for one curly text, that every block fcScan
// counts rows of gives those rows in the full parse (SubtreeRows of its
// node), where the block's node is its own (no block of its name among
// its ancestors' siblings) and its runs hold each value once.
func checkCurlyRows(t *testing.T, name, text string) int {
	t.Helper()
	pre, err := prepare(name, text)
	if err != nil || vyIsSetForm(pre.text) {
		return 0
	}
	ft, ok := fcScan(pre.text, new(vyKinds), true, false)
	if !ok {
		return 0
	}
	tr, err := parseText(name, text, Vyatta)
	if err != nil {
		t.Errorf("%s: the scan takes text that does not parse: %v", name, err)
		return 0
	}
	node := func(i int32, parent *Node) *Node {
		ws := ft.words(i)
		n := parent.Child(ws[0])
		if n != nil && len(ws) == 2 {
			n = n.Child(ws[1])
		}
		return n
	}
	return checkScanRows(t, name, ft, tr, Vyatta, node, true)
}

// checkScanRows walks ft's blocks beside their nodes in tr (node finds a
// block's node below its parent's) and checks that a block whose node is
// its own (below blocks whose children ft found unique) and whose rows ft
// counted gives those rows in SubtreeRows; it returns how many it
// checked. curly: a block without a node is an error wherever it is, and
// a block with runs is checked only where they hold each value once.
func checkScanRows(t *testing.T, name string, ft *fcText, tr *Tree, fam Family, node func(i int32, parent *Node) *Node, curly bool) int {
	t.Helper()
	checked := 0
	var walk func(i int32, parent *Node, own bool)
	walk = func(i int32, parent *Node, own bool) {
		blk := &ft.blocks[i]
		n := node(i, parent)
		if n == nil {
			if own || curly {
				t.Errorf("%s: block %q at line %d has no node", name, ft.key(i), blk.line)
			}
			return
		}
		if own && blk.rows >= 0 && (!curly || blk.flags&(fcRuns|fcRunsIn) == 0 || ft.runsDistinct(i)) {
			checked++
			if got := SubtreeRows(fam, n); got != int(blk.rows) {
				t.Errorf("%s: block %q at line %d: the scan counts %d rows, the parse gives %d", name, ft.key(i), blk.line, blk.rows, got)
			}
		}
		for _, k := range ft.children(i, nil) {
			walk(k, n, own && blk.flags&fcKidsOK != 0)
		}
	}
	for _, k := range ft.children(-1, nil) {
		walk(k, tr.Root, ft.topOK)
	}
	return checked
}

// TestFastCurlyRows checks the scan's row counts against the full parse
// on every curly file of the corpus and on drifted copies.
func TestFastCurlyRows(t *testing.T) {
	checked := 0
	for _, f := range testcorpus.Files(t, "vyos") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		if !strings.Contains(text, "{") {
			continue
		}
		checked += checkCurlyRows(t, f, text)
		checked += checkCurlyRows(t, f+" doubled", text+text)
	}
	checked += checkCurlyRows(t, "seed", curlyRowsSeed)
	if checked < 1000 {
		t.Errorf("only %d blocks checked", checked)
	}
}

// curlyRowsSeed holds what the scan's counts must get right.
const curlyRowsSeed = `interfaces {
    ethernet eth0 {
        address 10.0.0.1/24
        address 10.0.0.2/24
        address 10.0.0.1/24
        vif 10 {
            address 10.1.0.1/24
        }
        vif 10
        disable
    }
    ethernet eth1 {
        address "10.0.1.1/24"
        address 10.0.1.1/24
        description "a b"
        description 'c'
    }
    loopback lo {
    }
}
protocols {
    static {
        route 0.0.0.0/0 {
            next-hop 192.0.2.1 {
            }
        }
        route 10.0.0.0/8 {
            blackhole {
            }
        }
    }
}
firewall {
    name A {
        rule 20 {
            action accept
        }
        rule 10 {
            action drop
        }
        rule 20 {
            log
        }
    }
}
`

// FuzzFastCurlyRows checks the scan's row counts against the full parse
// on any text.
func FuzzFastCurlyRows(f *testing.F) {
	f.Add(curlyRowsSeed)
	f.Add("a {\n    b c\n    b d\n    b c\n}\n")
	f.Add("a {\n    b {\n    }\n    b x\n}\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<14 {
			return
		}
		checkCurlyRows(t, "fuzz", text)
	})
}

// checkVRPRows is checkCurlyRows for VRP text: every block whose rows
// vrScan counted, below parents whose children it found unique, gives
// those rows in the full parse.
func checkVRPRows(t *testing.T, name, text string) int {
	t.Helper()
	pre, err := prepare(name, text)
	if err != nil {
		return 0
	}
	ft, _, ok := vrScan(pre.text, false)
	if !ok {
		return 0
	}
	tr, err := parseText(name, text, Huawei)
	if err != nil {
		t.Errorf("%s: the scan takes text that does not parse: %v", name, err)
		return 0
	}
	node := func(i int32, parent *Node) *Node { return parent.Child(ft.key(i)) }
	return checkScanRows(t, name, ft, tr, Huawei, node, false)
}

// TestFastVRPRows checks vrScan's row counts against the full parse on
// every Huawei file of the corpus.
func TestFastVRPRows(t *testing.T) {
	checked := 0
	for _, f := range testcorpus.Files(t, "huawei") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked += checkVRPRows(t, f, string(src))
	}
	checked += checkVRPRows(t, "seed", vrpRowsSeed)
	a, b := vrpSynthPair()
	checked += checkVRPRows(t, "synth a", a) + checkVRPRows(t, "synth b", b)
	if checked < 100 {
		t.Errorf("only %d blocks checked", checked)
	}
}

// vrpRowsSeed holds what vrScan's counts must get right: keyed lines of
// one key, a repeated line, a header named as a sibling's key.
const vrpRowsSeed = `#
sysname FW
#
acl number 3000
 rule 5 permit ip source 10.0.0.1 0
 rule 10 permit ip
 rule 5 permit ip source 10.0.0.2 0
 description web
#
interface GigabitEthernet1/0/1
 ip address 10.0.0.1 255.255.255.0
 undo shutdown
 undo shutdown
#
security-policy
 rule name a
  action permit
  service http
  service https
 rule name b
  action deny
 rule name a
  source-zone trust
#
ip route-static 0.0.0.0 0 10.0.0.254
ip route-static 10.1.0.0 16 10.0.0.253
#
return
`

// FuzzFastVRPRows checks vrScan's row counts against the full parse on
// any text.
func FuzzFastVRPRows(f *testing.F) {
	f.Add(vrpRowsSeed)
	f.Add("#\na\n b\n  c\n b\n#\nreturn\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<14 {
			return
		}
		checkVRPRows(t, "fuzz", text)
	})
}

// vrpSynthPair is a small pair like bench/diffbench's Huawei pairs:
// address-sets and a security-policy of rules, the target drifted.
func vrpSynthPair() (string, string) {
	var a, b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&a, "ip address-set AS_%d type object\n address 0 10.0.%d.0 mask 24\n address 1 10.1.%d.0 mask 24\n#\n", i, i, i)
	}
	b.WriteString(a.String())
	a.WriteString("security-policy\n")
	b.WriteString("security-policy\n")
	for i := range 60 {
		rule := fmt.Sprintf(" rule name r_%d\n  source-zone trust\n  destination-address address-set AS_%d\n  service https\n  action %%s\n", i, i%40)
		fmt.Fprintf(&a, rule, "permit")
		if i%7 == 3 {
			fmt.Fprintf(&b, rule, "deny")
		} else if i%11 != 5 {
			fmt.Fprintf(&b, rule, "permit")
		}
	}
	a.WriteString("#\nreturn\n")
	b.WriteString("#\nreturn\n")
	return a.String(), b.String()
}

// TestPeers checks the planner's walk that pairs up children by key
// against a lookup of every key, on lists of unique keys with some
// dropped, added and moved, near and far.
func TestPeers(t *testing.T) {
	text := func(keys []string) *fcText {
		ft := &fcText{src: strings.Join(keys, "")}
		at := int32(0)
		for _, k := range keys {
			ft.blocks = append(ft.blocks, fcBlock{keyAt: at, keyLen: int32(len(k))})
			at += int32(len(k))
		}
		return ft
	}
	r := rand.New(rand.NewSource(4))
	for n := range 400 {
		size := 1 + r.Intn(60)
		var ka, kb []string
		for i := range size {
			k := fmt.Sprintf("k%d ", i)
			if r.Intn(10) > 0 {
				ka = append(ka, k)
			}
			if r.Intn(10) > 0 {
				kb = append(kb, k)
			}
		}
		for range r.Intn(4) {
			if len(kb) > 1 {
				i, j := r.Intn(len(kb)), r.Intn(len(kb))
				kb[i], kb[j] = kb[j], kb[i]
			}
		}
		p := &fcPlanner{a: text(ka), b: text(kb)}
		xa, xb := make([]int32, len(ka)), make([]int32, len(kb))
		for i := range xa {
			xa[i] = int32(i)
		}
		for i := range xb {
			xb[i] = int32(i)
		}
		got := p.peers(xa, xb)
		for i, k := range ka {
			want := int32(slices.Index(kb, k))
			if got[i] != want {
				t.Fatalf("case %d: %q in %q: peer at %d, want %d", n, k, kb, got[i], want)
			}
		}
	}
}

// TestVRSetMark checks the VRP scan's set of a group's lines against
// the same marks kept in a map of strings: after each line, whether it
// clashes with one before (the same line, or one a word-prefix of the
// other).
func TestVRSetMark(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	words := []string{"a", "b", "rule", "name", "r_1", "r_10", "x y"}
	for n := range 300 {
		var lines []string
		for range 1 + r.Intn(40) {
			var l []string
			for range 1 + r.Intn(4) {
				l = append(l, words[r.Intn(len(words))])
			}
			lines = append(lines, strings.Join(l, " "))
		}
		sc := &vrScanner{t: &fcText{src: strings.Join(lines, "\n")}}
		set, ref := new(vrSet), map[string]uint8{}
		f, refOK := &vrFrame{kidsOK: true, rowsOK: true}, true
		at := int32(0)
		for i, l := range lines {
			sc.mark(f, set, vrChild{at: at, textLen: int32(len(l))})
			at += int32(len(l)) + 1
			if ref[l] != 0 {
				refOK = false
			}
			for k := range len(l) {
				if l[k] == ' ' {
					if ref[l[:k]]&vrWhole != 0 {
						refOK = false
					}
					ref[l[:k]] |= vrPrefix
				}
			}
			ref[l] |= vrWhole
			if f.kidsOK != refOK || f.rowsOK != refOK {
				t.Fatalf("case %d, after %q: clash %v, want %v", n, lines[:i+1], !f.kidsOK, !refOK)
			}
		}
	}
}

// TestPairForm checks which fast path ParsePairView takes for a pair.
func TestPairForm(t *testing.T) {
	const (
		set   = "set system host-name r1\nset firewall all-ping enable\n"
		curly = "system {\n    host-name r1\n}\n"
		vrp   = "#\nsysname FW-A\n#\ninterface GigabitEthernet0/0/1\n ip address 10.0.0.1 24\n#\nreturn\n"
	)
	for _, c := range []struct {
		a, b string
		fam  Family
		want int
	}{
		{set, set, Auto, formSet},
		{curly, set, Auto, formSet},
		{set, curly, Vyatta, formSet},
		{curly, curly, Auto, formCurly},
		{curly, curly, Vyatta, formCurly},
		{vrp, vrp, Auto, formVRP},
		{curly, curly, Huawei, formVRP},
	} {
		if got := pairForm(c.a, c.b, c.fam); got != c.want {
			t.Errorf("pairForm(%q, %q, %v) = %d, want %d", c.a, c.b, c.fam, got, c.want)
		}
	}
}

// TestFcLine checks the curly scan's reading of a line, eight bytes at
// once, against a reading byte by byte.
func TestFcLine(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	const bytes = "ab /\t\n\r\x00\x7f\x1b\x80\xc3é{}"
	for n := range 3000 {
		var b strings.Builder
		for range r.Intn(40) {
			if r.Intn(3) == 0 {
				b.WriteByte(bytes[r.Intn(len(bytes))])
			} else {
				b.WriteByte('a' + byte(r.Intn(26)))
			}
		}
		src := b.String()
		from := 0
		if len(src) > 0 {
			from = r.Intn(len(src) + 1)
		}
		e, ctrl, slash := fcLine(src, from)
		want := strings.IndexByte(src[from:], '\n')
		if want < 0 {
			want = len(src)
		} else {
			want += from
		}
		line := src[from:want]
		wantCtrl := strings.IndexFunc(line, func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f }) >= 0
		if e != want || ctrl != wantCtrl || slash != strings.Contains(line, "/") {
			t.Fatalf("case %d: fcLine(%q, %d) = %d %v %v, want %d %v %v", n, src, from, e, ctrl, slash, want, wantCtrl, strings.Contains(line, "/"))
		}
	}
}
