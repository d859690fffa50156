package config

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// vrpOutline prints the tree's names, one per line, indented by depth,
// with each node's values: what the parser built, independent of printing.
func vrpOutline(n *Node) string {
	var b strings.Builder
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		for _, c := range n.Children {
			fmt.Fprintf(&b, "%s%s %q\n", strings.Repeat(".", depth), c.Name, c.Values)
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// Children are collected per open header and handed over when it closes:
// reopening a header read earlier, promoting keyed lines, merging into an
// earlier block and closing several levels at once must each keep every
// child in source order.
func TestVRPChildBlocks(t *testing.T) {
	src := `interface G0
 description a
 ip address 10.0.0.1 24
#
bgp 1
 peer 1.1.1.1 as-number 2
 ipv4-family unicast
  peer 1.1.1.1 enable
  import-route direct
   route-policy rp
 peer 2.2.2.2 as-number 3
#
interface G0
 undo shutdown
 description b
#
bgp 1
 ipv4-family unicast
  peer 2.2.2.2 enable
 peer 1.1.1.1 description x
 peer 1.1.1.1 description y
  balance 4
 vlan 5
 vlan 5
  name v
 vlan 6
  name a
 peer 3.3.3.3 as-number 4
 vlan 6
  description b
#
description x
 a
description x
 b
#
sysname s
#
return
`
	tr := vrpParse(t, src)
	want := `interface G0 []
.description ["a" "b"]
.ip address ["10.0.0.1 24"]
.undo shutdown []
bgp 1 []
.peer 1.1.1.1 as-number ["2"]
.ipv4-family unicast []
..peer 1.1.1.1 enable []
..import-route direct []
...route-policy rp []
..peer 2.2.2.2 enable []
.peer 2.2.2.2 as-number ["3"]
.peer 1.1.1.1 description ["x"]
.peer 1.1.1.1 description y []
..balance 4 []
.vlan 5 []
..name ["v"]
.vlan 6 []
..name ["a"]
..description ["b"]
.peer 3.3.3.3 as-number ["4"]
description x []
.a []
.b []
sysname ["s"]
`
	if got := vrpOutline(tr.Root); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

// Many headers with children, some of them large and reopened, make the
// collected children outgrow their buffer while several headers are open.
func TestVRPChildBlocksLarge(t *testing.T) {
	var src, want strings.Builder
	kids := map[int][]string{}
	order := []int{}
	for round := range 2 {
		for h := range 40 {
			fmt.Fprintf(&src, "group g%d\n", h)
			if round == 0 {
				order = append(order, h)
			}
			for k := range 10 + h*7 {
				name := fmt.Sprintf("member m%d-%d", round, k)
				fmt.Fprintf(&src, " %s\n", name)
				kids[h] = append(kids[h], name)
				if k%3 == 0 {
					for d := range k % 7 {
						fmt.Fprintf(&src, "  detail d%d\n", d)
						kids[h] = append(kids[h], fmt.Sprintf(".detail d%d", d))
					}
				}
			}
			src.WriteString("#\n")
		}
	}
	for _, h := range order {
		fmt.Fprintf(&want, "group g%d []\n", h)
		for _, k := range kids[h] {
			fmt.Fprintf(&want, ".%s []\n", k)
		}
	}
	tr := vrpParse(t, src.String())
	if got := vrpOutline(tr.Root); got != want.String() {
		t.Errorf("tree differs from the source's structure:\n%.2000s", got)
	}
}

// vrpControl tests eight bytes at a time: every byte value at every
// position of a group, and in the tail, must give the answer of a test
// byte by byte.
func TestVRPControl(t *testing.T) {
	naive := func(s string) int {
		for i := 0; i < len(s); i++ {
			if vrpIsControl(s[i]) {
				return i
			}
		}
		return -1
	}
	for n := range 20 {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a\xc3\xa9 \t~", 4)[:n])
				b[pos] = byte(c)
				if got, want := vrpControl(string(b)), naive(string(b)); got != want {
					t.Fatalf("vrpControl(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
	// Several odd bytes in one group: borrows between bytes must not hide
	// or invent one.
	odd := []byte{0, 0x1f, 0x20, '\t', 0x7e, 0x7f, 0x80, 0xff, 'a'}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = odd[rng.IntN(len(odd))]
		}
		if got, want := vrpControl(string(b)), naive(string(b)); got != want {
			t.Fatalf("vrpControl(%q) = %d, want %d", b, got, want)
		}
	}
	if got := vrpControl("ip address 10.0.0.1\x7f 24"); got != 19 {
		t.Errorf("DEL found at %d, want 19", got)
	}
}
