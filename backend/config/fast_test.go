package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// fastCountAll counts the rows of every subtree of a set text that the
// counter takes (a run of lines below a path of k words), and compares
// each count with the rows of the subtree a full parse gives.
func fastCountAll(t *testing.T, text string) (counted int) {
	t.Helper()
	ft, ok := fsScan(text)
	if !ok {
		return 0
	}
	full, err := Parse("a", []byte(text), Vyatta)
	if err != nil || !vyIsSetForm(text) {
		return 0
	}
	kinds := new(vyKinds)
	// Every run of lines below a path of k words, as the planner cuts
	// them (fsPrefix, fsIn).
	n := int32(len(ft.starts) - 1)
	for i := int32(0); i < n; i++ {
		line := ft.line(i)
		for k := 1; ; k++ {
			pe := fsPrefix(line, k)
			if pe < 0 {
				break
			}
			pre := line[:pe]
			if i > 0 && fsIn(ft.line(i-1), pre) {
				continue
			}
			g := i + 1
			for g < n && fsIn(ft.line(g), pre) {
				g++
			}
			s := &stub{text: ft.text(i, g), words: int32(k)}
			got, ok := countStub(s, kinds)
			if !ok {
				continue
			}
			// The node at the run's path in the full tree.
			path := strings.Fields(pre)[1:]
			node := full.Root
			for _, w := range path {
				if node = node.Child(w); node == nil {
					t.Fatalf("no node for run %q", s.text)
				}
			}
			// The run stands for the node's subtree only when no
			// other line names the node or one below it (the parse
			// refuses the stub otherwise: errStubClash).
			whole := true
			for x := int32(0); x < n; x++ {
				f := strings.Fields(ft.line(x))
				for j := range f {
					f[j] = strings.Trim(f[j], "'")
				}
				if (x < i || x >= g) && len(f) > k && slices.Equal(f[1:k+1], path) {
					whole = false
				}
			}
			if want := SubtreeRows(Vyatta, node); whole && got != want {
				t.Errorf("run %q: counted %d rows, the parse gives %d", s.text, got, want)
			}
			counted++
		}
	}
	return counted
}

// TestFastCount: the counter agrees with the parse on lines of each kind
// it takes (values quoted or not, valueless leaves, tag nodes known and
// unknown to the schema, long lists, repeated values, single-valued
// leaves set twice).
func TestFastCount(t *testing.T) {
	text := `set interfaces ethernet eth0 address '10.0.0.1/24'
set interfaces ethernet eth0 address '10.0.0.2/24'
set interfaces ethernet eth0 address '10.0.0.2/24'
set interfaces ethernet eth0 description 'uplink'
set interfaces ethernet eth0 disable
set interfaces ethernet eth0 vif 10 address '10.1.0.1/24'
set interfaces ethernet eth0 vif 10 description 'a'
set interfaces ethernet eth0 vif 20 description 'b'
set system host-name 'r1'
set system host-name 'r2'
set system host-name r3
set firewall name A rule 10 action 'accept'
set firewall name A rule 10 source address '1.2.3.4'
set firewall name A rule 20 action 'drop'
set firewall name A rule 20 log
set unknown thing 1 foo 'x'
set unknown thing 2 foo 'y'
set unknown thing 2 bar
set unknown other a 'x'
set unknown other b 'y'
`
	if n := fastCountAll(t, text); n < 10 {
		t.Errorf("only %d runs counted", n)
	}
}

// FuzzFastCount: on any set text, every count the counter gives is the
// parse's.
func FuzzFastCount(f *testing.F) {
	f.Add("set a b 'c'\nset a b 'd'\nset a e f\nset a e g 'h'\n")
	f.Add("set interfaces ethernet eth0 vif 10 address '10.1.0.1/24'\nset interfaces ethernet eth0 vif 10 description 'a'\nset interfaces ethernet eth0 disable\n")
	f.Add("set system login user u authentication encrypted-password '$6$x'\nset system login user u level 'admin'\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<12 {
			return
		}
		fastCountAll(t, text)
	})
}

// fsLineEndRef is fsLineEnd read byte by byte.
func fsLineEndRef(src string, start int) (int, bool) {
	if len(src)-start <= len("set ") || src[start:start+4] != "set " {
		return 0, false
	}
	inq := false
	for i := start + 4; i <= len(src); i++ {
		if i == len(src) || src[i] == '\n' {
			return i, !inq && i-start > len("set ") && utf8.ValidString(src[start:i])
		}
		switch c := src[i]; {
		case c == '\'':
			if inq && i+1 < len(src) && src[i+1] != ' ' && src[i+1] != '\n' || !inq && src[i-1] != ' ' {
				return 0, false
			}
			inq = !inq
		case c < 0x20 || c == 0x7f:
			return 0, false
		case !inq && (c == '"' || c == '\\' || c == '#' || c == '$'):
			return 0, false
		}
	}
	panic("unreachable")
}

// FuzzFastScan: fsLineEnd, which reads eight bytes at a time, takes and
// cuts the lines that a plain reading byte by byte does.
func FuzzFastScan(f *testing.F) {
	f.Add("set a b 'c d'\nset a 'e' f\n")
	f.Add("set interfaces ethernet eth0 description 'it''s \"quoted\" #1 $x \\y'\nset a\tb\n")
	f.Add("set a b 'c\nd'\nset x y 'z'x\nset  p q%&r\n")
	f.Add("set a b 'caf\xc3\xa9'\nset a b '\xc3'\nset \xff\n")
	f.Fuzz(func(t *testing.T, src string) {
		for start := 0; start < len(src); {
			end, ok := fsLineEnd(src, start)
			wantEnd, wantOK := fsLineEndRef(src, start)
			if ok != wantOK || ok && end != wantEnd {
				t.Fatalf("%q from %d: %d %v, byte by byte %d %v", src, start, end, ok, wantEnd, wantOK)
			}
			if !ok {
				return
			}
			start = end + 1
		}
	})
}

// TestFastScanBytes puts each byte at each place of an eight-byte word
// of a line, inside and outside quotes (FuzzFastScan by hand).
func TestFastScanBytes(t *testing.T) {
	for c := range 256 {
		for pad := range 9 {
			for _, form := range []string{"set a%sX%s b\n", "set a 'v%sX%s' b\n"} {
				p := strings.Repeat("p", pad)
				line := strings.Replace(fmt.Sprintf(form, p, p), "X", string([]byte{byte(c)}), 1)
				end, ok := fsLineEnd(line, 0)
				wantEnd, wantOK := fsLineEndRef(line, 0)
				if ok != wantOK || ok && end != wantEnd {
					t.Fatalf("%q: %d %v, byte by byte %d %v", line, end, ok, wantEnd, wantOK)
				}
			}
		}
	}
}

// TestFastClash: a subtree whose lines are not all in one place cannot
// be a stub; the fast path declines rather than leave the later lines
// out of it.
func TestFastClash(t *testing.T) {
	head := "set a b1 'x'\nset a b2 'x'\nset a b3 'x'\nset c d 'y'\n"
	for _, tail := range []string{
		"set a e 'z'\n",    // a line below the stub's node
		"set a\n",          // the stub's node itself
		"set a b2 c 'w'\n", // deeper below it
		"set a f1 'v'\nset a f2 'v'\nset a f3 'v'\n", // a second stub of the node
	} {
		text := head + tail
		if _, _, ok := ParsePairFast("a", text, "b", text, Vyatta, FastOptions{}); ok {
			t.Errorf("%q: the fast path took it", text)
		}
	}
	text := head + "set c e 'z'\n"
	if _, _, ok := ParsePairFast("a", text, "b", text, Vyatta, FastOptions{}); !ok {
		t.Errorf("%q: the fast path declined", text)
	}
}

// TestReadText: a file reads as its bytes, whatever its size.
func TestReadText(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 100, 2<<20 + 123} {
		file := filepath.Join(dir, fmt.Sprintf("f%d", size))
		want := strings.Repeat("set a b 'c'\n", size/12+1)[:size]
		if err := os.WriteFile(file, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadText(file)
		if err != nil || got != want {
			t.Errorf("%d bytes: read %d bytes, %v", size, len(got), err)
		}
	}
	if _, err := ReadText(filepath.Join(dir, "none")); err == nil {
		t.Error("a missing file read without an error")
	}
}

// TestFastRuns: equal siblings in a row become one run stub, which
// counts, expands and clashes as the siblings it stands for.
func TestFastRuns(t *testing.T) {
	var a, b strings.Builder
	for i := 1; i <= 40; i++ {
		for _, leaf := range []string{"action 'accept'", "description 'rule'", "protocol 'tcp'"} {
			line := fmt.Sprintf("set firewall name X rule %d %s\n", i, leaf)
			a.WriteString(line)
			if i == 20 && strings.HasPrefix(leaf, "protocol") {
				line = fmt.Sprintf("set firewall name X rule %d protocol 'udp'\n", i)
			}
			b.WriteString(line)
		}
	}
	ta, tb, ok := ParsePairFast("a", a.String(), "b", b.String(), Vyatta, FastOptions{})
	if !ok {
		t.Fatal("the fast path declined")
	}
	full, err := Parse("a", []byte(a.String()), Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	rules := full.Root.Child("firewall").Child("name").Child("X").Child("rule")
	parent := ta.Root.Child("firewall").Child("name").Child("X").Child("rule")
	runs := 0
	for _, n := range slices.Clone(parent.Children) {
		if !IsRun(n) {
			continue
		}
		runs++
		k := ta.RunLen(n)
		at := slices.IndexFunc(rules.Children, func(c *Node) bool { return c.Name == n.Name })
		want := 0
		for _, c := range rules.Children[at : at+k] {
			want += SubtreeRows(Vyatta, c)
		}
		if got := ta.StubRows(n); got != want {
			t.Errorf("run %s: %d rows, the siblings give %d", n.Name, got, want)
		}
		ta.Expand(n)
		if !IsRun(n) || n.Line < 0 || len(n.Children) != k {
			t.Fatalf("run %s expanded: %d children, want %d", n.Name, len(n.Children), k)
		}
		for i, c := range n.Children {
			if w := rules.Children[at+i]; !Equal(c, w) || c.Line != w.Line {
				t.Errorf("run %s: child %d is %s (line %d), want %s (line %d)", n.Name, i, c.Name, c.Line, w.Name, w.Line)
			}
		}
		if SubtreeRows(Vyatta, n) != want {
			t.Errorf("run %s expanded: %d rows, want %d", n.Name, SubtreeRows(Vyatta, n), want)
		}
	}
	if runs == 0 || !tb.HasStubs() {
		t.Fatalf("no run stub: %d children", len(parent.Children))
	}
	// A line elsewhere that names a sibling inside a run: the run would
	// not be the whole of it, and the pair is parsed in full.
	tail := "set interfaces ethernet eth0 address '10.0.0.1/24'\nset firewall name X rule 15 log\n"
	if _, _, ok := ParsePairFast("a", a.String()+tail, "b", b.String()+tail, Vyatta, FastOptions{}); ok {
		t.Error("a line naming a sibling inside a run: the fast path took it")
	}
}
