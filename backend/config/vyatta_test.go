package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hasync/hasync/internal/golden"
	"github.com/hasync/hasync/internal/testcorpus"
)

// vyParse parses src or fails the test.
func vyParse(t testing.TB, name string, src []byte) *Tree {
	t.Helper()
	tr, err := ParseVyatta(name, src)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if tr == nil || tr.Root == nil || tr.Family != Vyatta {
		t.Fatalf("parse %s: bad tree %+v", name, tr)
	}
	return tr
}

// vyPrint prints tr with write or fails the test.
func vyPrint(t testing.TB, tr *Tree, write func(io.Writer, *Tree, PrintOptions) error, o PrintOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, tr, o); err != nil {
		t.Fatalf("print: %v", err)
	}
	return buf.Bytes()
}

// vyCheckRoundTrip prints tr with write, parses the text again and wants
// an equal tree.
func vyCheckRoundTrip(t *testing.T, what string, tr *Tree, write func(io.Writer, *Tree, PrintOptions) error) *Tree {
	t.Helper()
	out := vyPrint(t, tr, write, PrintOptions{})
	back, err := ParseVyatta(what, out)
	if err != nil {
		t.Fatalf("%s: reparse: %v\n%s", what, err, out)
	}
	if !Equal(tr.Root, back.Root) {
		t.Fatalf("%s: tree changed\n%s", what, vyDiffHint(tr.Root, back.Root))
	}
	return back
}

// vyRefusedBlockless reports whether err is the curly parser's refusal
// of a text without a block (vyCurly.noBlock) and tr, printed in that
// text, has no node below the top level: a set file of top-level leaves
// alone (`set a 'b'`) has no curly form that reads back, as no Vyatta
// configuration is such leaves.
func vyRefusedBlockless(tr *Tree, err error) bool {
	if tr.Family != Vyatta || !strings.Contains(err.Error(), vyNoBlockMsg) {
		return false
	}
	for _, c := range tr.Root.Children {
		if len(c.Children) > 0 {
			return false
		}
	}
	return true
}

// vyDiffHint names the first path where two trees differ, for messages.
func vyDiffHint(a, b *Node) string {
	var sa, sb bytes.Buffer
	_ = WriteSet(&sa, &Tree{Root: a}, PrintOptions{})
	_ = WriteSet(&sb, &Tree{Root: b}, PrintOptions{})
	la, lb := strings.Split(sa.String(), "\n"), strings.Split(sb.String(), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "first difference:\n  want " + la[i] + "\n  got  " + lb[i]
		}
	}
	return "lengths differ"
}

// vyFirstLine returns the 1-based number of the first line starting with
// prefix (after blanks), or 0.
func vyFirstLine(src []byte, prefix string) int {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), prefix) {
			return n
		}
	}
	return 0
}

func TestVyattaCorpus(t *testing.T) {
	files := testcorpus.Files(t, "vyos")
	curly, set := 0, 0
	for _, f := range files {
		rel, _ := filepath.Rel(testcorpus.Dir(t), f)
		t.Run(rel, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// Command scripts (homelab-bjw-s/*.sh, the remediation and
			// rollback lists of hier_config) are read as scripts: their
			// delete lines apply to the tree read so far.
			if vyFirstLine(src, "delete ") > 0 && !vyIsSetForm(string(src)) {
				t.Fatal("a file with delete lines is not read as set form")
			}
			tr := vyParse(t, rel, src)
			if tr.Root.Count() == 0 {
				t.Fatal("empty tree")
			}
			if vyIsSetForm(string(src)) {
				set++
			} else {
				curly++
			}
			vyCheckRoundTrip(t, rel+" as set", tr, WriteSet)
			vyCheckRoundTrip(t, rel+" as curly", tr, WriteCurly)
			// Printing is stable: a second round gives the same text.
			for _, write := range []func(io.Writer, *Tree, PrintOptions) error{WriteSet, WriteCurly} {
				once := vyPrint(t, tr, write, PrintOptions{})
				twice := vyPrint(t, vyParse(t, rel, once), write, PrintOptions{})
				if !bytes.Equal(once, twice) {
					t.Fatalf("printing is not stable:\n%s\n---\n%s", once, twice)
				}
			}
		})
	}
	if curly == 0 || set == 0 {
		t.Errorf("corpus should hold both forms: %d curly, %d set", curly, set)
	}
}

// The curly → set → curly trip through both printers, for every curly file.
func TestVyattaCorpusCurlySetCurly(t *testing.T) {
	for _, sub := range []string{"vyos/configs", "vyos/misc"} {
		for _, f := range testcorpus.Files(t, sub) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first := vyParse(t, f, src)
			set := vyParse(t, f, vyPrint(t, first, WriteSet, PrintOptions{}))
			curly := vyParse(t, f, vyPrint(t, set, WriteCurly, PrintOptions{}))
			if !Equal(first.Root, curly.Root) {
				t.Errorf("%s: curly→set→curly changed the tree\n%s", f, vyDiffHint(first.Root, curly.Root))
			}
		}
	}
}

func TestVyattaCorpusValid(t *testing.T) {
	dir := testcorpus.Dir(t)
	src, err := os.ReadFile(filepath.Join(dir, "vyos/misc/vyos-1x_tests_data_config.valid"))
	if err != nil {
		t.Fatal(err)
	}
	tr := vyParse(t, "config.valid", src)
	nc := tr.Root.Lookup(Path{"normal-node", "normal-node-child"})
	if nc == nil {
		t.Fatal("normal-node normal-node-child missing")
	}
	// A leaf holds a value once (issue 7, defect 7).
	if got := nc.Child("multi-node").Values; !reflect.DeepEqual(got, []string{"value1"}) {
		t.Errorf("multi-node values %q, want one value1", got)
	}
	tag := nc.Child("tag-node")
	if !tag.Tag || len(tag.Children) != 2 || tag.Children[0].Name != "bar" || tag.Children[1].Name != "foo" {
		t.Errorf("tag-node: tag=%v children %v", tag.Tag, vyNames(tag))
	}
	if c := nc.Child("another-valueless-node"); c.Comment != "valueless node comment" || !c.Leaf || len(c.Values) != 0 {
		t.Errorf("another-valueless-node: %+v", c)
	}
	if c := tr.Root.Child("top-level-leaf-node"); c.Comment != "top level leaf node" || !reflect.DeepEqual(c.Values, []string{"foo"}) {
		t.Errorf("top-level-leaf-node: %+v", c)
	}
	if c := tr.Root.Child("empty-node"); c == nil || c.Leaf || len(c.Children) != 0 {
		t.Errorf("empty-node: %+v", c)
	}
	want := []string{"// Trailing comment", "// Another trailing comment"}
	if !reflect.DeepEqual(tr.Meta, want) {
		t.Errorf("Meta = %q, want %q", tr.Meta, want)
	}
	// Natural order of the top level, as the file has it.
	wantTop := []string{"empty-node", "normal-node", "top-level-leaf-node", "top-level-tag-node",
		"top-level-valueless-node", "trailing-leaf-node-option", "trailing-leaf-node-without-value"}
	if got := vyNames(tr.Root); !reflect.DeepEqual(got, wantTop) {
		t.Errorf("top level %q, want %q", got, wantTop)
	}
}

func TestVyattaCorpusFooter(t *testing.T) {
	dir := testcorpus.Dir(t)
	for _, f := range testcorpus.Files(t, "vyos/configs") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr := vyParse(t, f, src)
		var want []string
		for _, l := range strings.Split(string(src), "\n") {
			l = strings.TrimSpace(l)
			if strings.Contains(l, "config-version") || strings.Contains(l, "Release version") || strings.Contains(l, "Do not remove") {
				want = append(want, l)
			}
		}
		if len(want) == 0 || !reflect.DeepEqual(tr.Meta, want) {
			rel, _ := filepath.Rel(dir, f)
			t.Errorf("%s: Meta = %q, want %q", rel, tr.Meta, want)
		}
		tr.Root.Walk(func(p Path, n *Node) bool {
			if strings.Contains(n.Comment, "version") {
				t.Errorf("%s: footer became a comment of %s", f, p)
			}
			return true
		})
	}
}

func vyNames(n *Node) []string {
	var s []string
	for _, c := range n.Children {
		s = append(s, c.Name)
	}
	return s
}

func TestVyattaGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/vyatta/features.conf")
	if err != nil {
		t.Fatal(err)
	}
	tr := vyParse(t, "features.conf", src)
	setTree := vyParse(t, "features.set", vyPrint(t, tr, WriteSet, PrintOptions{}))
	for _, g := range []struct {
		name  string
		write func(io.Writer, *Tree, PrintOptions) error
		tree  *Tree
		o     PrintOptions
	}{
		{"features.curly.golden", WriteCurly, tr, PrintOptions{}},
		{"features.set.golden", WriteSet, tr, PrintOptions{}},
		{"features.masked.curly.golden", WriteCurly, tr, PrintOptions{MaskSecrets: true}},
		{"features.masked.set.golden", WriteSet, tr, PrintOptions{MaskSecrets: true}},
		{"features.set-to-curly.golden", WriteCurly, setTree, PrintOptions{}},
	} {
		got := vyPrint(t, g.tree, g.write, g.o)
		golden.Check(t, filepath.Join("testdata/vyatta", g.name), string(got))
	}
	vyCheckRoundTrip(t, "features as set", tr, WriteSet)
	vyCheckRoundTrip(t, "features as curly", tr, WriteCurly)
	vyCheckRoundTrip(t, "features set as curly", setTree, WriteCurly)
}

// TestVyattaFeatures checks the tree the features file gives, node by node.
func TestVyattaFeatures(t *testing.T) {
	src, err := os.ReadFile("testdata/vyatta/features.conf")
	if err != nil {
		t.Fatal(err)
	}
	tr := vyParse(t, "features.conf", src)
	leaf := func(path string, want ...string) *Node {
		t.Helper()
		n := tr.Root.Lookup(Path(strings.Fields(path)))
		if n == nil {
			t.Fatalf("%s missing", path)
		}
		if len(want) > 0 && !reflect.DeepEqual(n.Values, want) {
			t.Errorf("%s = %q, want %q", path, n.Values, want)
		}
		return n
	}
	leaf("system login banner pre-login", "Welcome\n\tto \"the\" box\\")
	leaf("system login banner post-login", "it's a\nmulti-line banner")
	leaf("system name-server", "192.0.2.53", "192.0.2.54")
	leaf("system host-name", "edge-1")
	leaf("system domain-name", "")
	leaf("interfaces ethernet eth0 description", "two words here")
	leaf("interfaces ethernet eth0 address", "192.0.2.1/24", "2001:db8::1/64")
	if n := leaf("system login user admin authentication plaintext-password"); !n.Secret {
		t.Error("plaintext-password not marked secret")
	}
	if n := leaf("interfaces wireguard wg0 peer site-b key"); !n.Secret {
		t.Error("wireguard key not marked secret")
	}
	if n := leaf("service https api keys id ops key"); !n.Secret {
		t.Error("api key not marked secret")
	}
	if n := leaf("system ntp server 0.pool.ntp.org"); len(n.Children) != 0 || len(n.Values) != 0 {
		t.Errorf("empty tag node: %+v", n)
	}
	if n := leaf("interfaces ethernet eth0 vif 10"); len(n.Children) != 0 || len(n.Values) != 0 {
		t.Errorf("bare vif: %+v", n)
	}
	if n := leaf("interfaces loopback lo"); len(n.Children) != 0 || len(n.Values) != 0 {
		t.Errorf("bare loopback lo: %+v", n)
	}
	if n := leaf("interfaces ethernet eth0 disable"); !n.Leaf {
		t.Error("disable should be a valueless leaf")
	}
	if n := leaf("firewall name WAN-IN"); n.Comment != "inbound\npolicy" {
		t.Errorf("comment %q", n.Comment)
	}
	if n := leaf("firewall name WAN-IN rule 10"); n.Comment != "allow established" || n.Line == 0 {
		t.Errorf("rule 10: comment %q line %d", n.Comment, n.Line)
	}
	rules := vyNames(leaf("firewall name WAN-IN rule"))
	if want := []string{"5", "10", "20", "020", "100"}; !reflect.DeepEqual(rules, want) {
		t.Errorf("rules %q, want %q", rules, want)
	}
	if k := tr.Root.Lookup(Path{"interfaces", "ethernet"}); !k.Tag {
		t.Error("ethernet not marked tag")
	}
	if len(tr.Meta) != 4 || !strings.HasPrefix(tr.Meta[0], "/* Warning") || !strings.HasPrefix(tr.Meta[3], "// Release version") {
		t.Errorf("Meta = %q", tr.Meta)
	}
}

func TestVyattaErrors(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		{"unclosed", "system {\n    host-name r1\n    login {\n", "f:4:1: expected '}' to close 'login' opened at line 3"},
		{"unclosed tag", "interfaces {\n\tethernet eth0 {\n\t\taddress 192.0.2.1/24\n\t}\n", "f:5:1: expected '}' to close 'interfaces' opened at line 1"},
		{"unclosed tag block", "a {\n}\nethernet  \"eth 0\" {\n x y", "f:4:5: expected '}' to close 'ethernet eth 0' opened at line 3"},
		{"unterminated string", "system {\n  host-name \"r1\n}\n", "f:2:13: unterminated string opened at line 2"},
		{"unterminated single", "a 'b\\\n", "f:1:3: unterminated string opened at line 1"},
		{"unterminated comment", "a b\n  /* no end\n", "f:2:3: unterminated comment opened at line 2"},
		{"unexpected close", "system {\n}\n}\n", "f:3:1: unexpected '}'"},
		{"unexpected open", "system {\n  {\n}\n", "f:2:3: unexpected '{'"},
		{"too many words", "a b c {\n}\n", "f:1:5: expected '{' after 'a b'"},
		{"empty name", "a {\n \"\" x\n}\n", "f:2:2: expected a name, found an empty string"},
		{"show line", "set a b 'c'\n\tshow a b\n", "f:2:2: expected 'set'"},
		{"bare delete", "# header\ndelete\n", "f:2:1: expected a path after 'delete'"},
		{"control in a name", "a {\n \"x\ty\" 1\n}\n", "f:2:2: expected a name without control characters"},
		{"control in a set name", "set a 'x\ty' b\n", "f:1:7: expected a name without control characters"},
		{"not set", "set a 'b'\nshow a\n", "f:2:1: expected 'set'"},
		{"quoted set", "set a 'b'\n'set' a\n", "f:2:1: expected 'set'"},
		{"bare set", "set a 'b'\nset   # nothing\n", "f:2:1: expected a path after 'set'"},
		{"set unterminated", "set a b\nset a 'b\n", "f:2:7: unterminated string opened at line 2"},
		{"set empty name", "set a '' b\n", "f:1:7: expected a name, found an empty string"},
		{"too deep", strings.Repeat("a {\n", vyMaxDepth+1), fmt.Sprintf("f:%d:3: nesting deeper than %d levels", vyMaxDepth+1, vyMaxDepth)},
		{"set too deep", "set" + strings.Repeat(" a", vyMaxDepth+1), fmt.Sprintf("f:1:%d: path deeper than %d levels", 4+2*vyMaxDepth+1, vyMaxDepth)},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, err := ParseVyatta("f", []byte(c.src))
			if tr != nil {
				t.Errorf("tree returned with error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want *ParseError, got %v", err)
			}
			if err.Error() != c.want {
				t.Errorf("got  %q\nwant %q", err.Error(), c.want)
			}
		})
	}
}

func TestVyattaSetConventions(t *testing.T) {
	src := `#!/bin/vbash
# hand-written
set system ntp server 10.0.0.40
set system ntp server '10.0.0.41'
set system host-name 'r1'
set system host-name r2
set interfaces ethernet eth0 address '192.0.2.1/24' # uplink
set interfaces ethernet eth0 offload gro
set interfaces pppoe pppoe0 authentication password hunter2
set interfaces loopback lo
set firewall name A rule 10 description 'it'\''s'
set firewall name A rule 10 log "say \"hi\""
   set high-availability vrrp group g1 address '5.5.5.5' interface 'eth2'
set vrf name v protocols static route6 ::/0 next-hop '2001:db8::1'"
set firewall name A rule 20 description 'VyOS's-style'
set firewall name A rule 20 action 'drop'
`
	tr := vyParse(t, "s", []byte(src))
	for _, c := range []struct {
		path string
		want []string
	}{
		{"system ntp server", []string{"10.0.0.40", "10.0.0.41"}},
		// set on a single-valued leaf (the schema says so) replaces it.
		{"system host-name", []string{"r2"}},
		{"interfaces ethernet eth0 address", []string{"192.0.2.1/24"}},
		{"interfaces pppoe pppoe0 authentication password", []string{"hunter2"}},
		{"firewall name A rule 10 description", []string{"it's"}},
		{"firewall name A rule 10 log", []string{`say "hi"`}},
		{"high-availability vrrp group g1 address 5.5.5.5 interface", []string{"eth2"}},
		{"vrf name v protocols static route6 ::/0 next-hop", []string{`2001:db8::1"`}},
		{"firewall name A rule 20 description", []string{"VyOS's-style"}},
		{"firewall name A rule 20 action", []string{"drop"}},
	} {
		n := tr.Root.Lookup(Path(strings.Fields(c.path)))
		if n == nil {
			t.Errorf("%s missing", c.path)
			continue
		}
		if !reflect.DeepEqual(n.Values, c.want) || len(n.Children) != 0 {
			t.Errorf("%s = %q (%d children), want %q", c.path, n.Values, len(n.Children), c.want)
		}
	}
	if n := tr.Root.Lookup(Path{"interfaces", "ethernet", "eth0", "address"}); n.Comment != "uplink" {
		t.Errorf("comment %q", n.Comment)
	}
	if n := tr.Root.Lookup(Path{"interfaces", "ethernet", "eth0", "offload", "gro"}); n == nil || !n.Leaf {
		t.Error("offload gro should be a valueless leaf")
	}
	for _, p := range []string{"interfaces ethernet", "interfaces loopback", "firewall name", "firewall name A rule"} {
		if n := tr.Root.Lookup(Path(strings.Fields(p))); !n.Tag {
			t.Errorf("%s not marked tag", p)
		}
	}
	if n := tr.Root.Lookup(Path{"interfaces", "ethernet", "eth0", "offload"}); n.Tag {
		t.Error("offload marked tag")
	}
	curly := string(vyPrint(t, tr, WriteCurly, PrintOptions{MaskSecrets: true}))
	for _, want := range []string{"    loopback lo {\n    }\n", "password " + `"` + Mask + `"`, "description \"it's\""} {
		if !strings.Contains(curly, want) {
			t.Errorf("curly output lacks %q:\n%s", want, curly)
		}
	}
	if strings.Contains(curly, "hunter2") {
		t.Error("masked output shows the password")
	}
	set := string(vyPrint(t, tr, WriteSet, PrintOptions{}))
	for _, want := range []string{
		"set firewall name A rule 10 description 'it'\\''s'\n",
		"set interfaces loopback lo\n",
		"set interfaces ethernet eth0 address '192.0.2.1/24' # uplink\n",
	} {
		if !strings.Contains(set, want) {
			t.Errorf("set output lacks %q:\n%s", want, set)
		}
	}
	vyCheckRoundTrip(t, "conventions as set", tr, WriteSet)
	vyCheckRoundTrip(t, "conventions as curly", tr, WriteCurly)
}

// Odd path words survive both printers.
func TestVyattaOddWords(t *testing.T) {
	b := newVyBuilder("")
	add := func(parent *Node, name string, values ...string) *Node {
		n, _ := b.child(parent, name, 0)
		n.Values = append(n.Values, values...)
		return n
	}
	g := add(b.root, "group")
	add(g, "with space")
	add(g, "#hash")
	add(g, `back\slash`, "v")
	add(g, "quote'd", `"`, "'", "")
	add(g, "//slashes", "/*x*/", "{", "new\nline", "tab\there")
	add(add(g, "nested word"), "it's")
	vyFinish(b.root, false)
	tr := &Tree{Family: Vyatta, Root: b.root}
	vyCheckRoundTrip(t, "odd as set", tr, WriteSet)
	vyCheckRoundTrip(t, "odd as curly", tr, WriteCurly)
}

func TestVyattaNaturalOrder(t *testing.T) {
	src := "interfaces {\n ethernet eth10 {\n }\n ethernet eth2 {\n }\n ethernet eth1 {\n }\n}\n" +
		"firewall {\n name A {\n  rule 10 {\n  }\n  rule 5 {\n  }\n  rule 05 {\n  }\n  rule 005 {\n  }\n  rule 6 {\n  }\n }\n}\n"
	tr := vyParse(t, "n", []byte(src))
	if got, want := vyNames(tr.Root.Lookup(Path{"interfaces", "ethernet"})), []string{"eth1", "eth2", "eth10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ethernet order %q, want %q", got, want)
	}
	if got, want := vyNames(tr.Root.Lookup(Path{"firewall", "name", "A", "rule"})), []string{"5", "05", "005", "6", "10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rule order %q, want %q", got, want)
	}
	// The same names in another input order give the same order.
	src2 := "firewall {\n name A {\n  rule 005 {\n  }\n  rule 6 {\n  }\n  rule 05 {\n  }\n  rule 10 {\n  }\n  rule 5 {\n  }\n }\n}\n"
	if got, want := vyNames(vyParse(t, "n2", []byte(src2)).Root.Lookup(Path{"firewall", "name", "A", "rule"})), []string{"5", "05", "005", "6", "10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rule order %q, want %q", got, want)
	}
}

func TestVyattaEmptyAndNil(t *testing.T) {
	for _, src := range []string{"", "\n\n", "// only a comment\n", "#!/bin/vbash\n# nothing\n"} {
		tr := vyParse(t, "e", []byte(src))
		if len(tr.Root.Children) != 0 {
			t.Errorf("%q: children %v", src, vyNames(tr.Root))
		}
	}
	if err := WriteCurly(io.Discard, nil, PrintOptions{}); err == nil {
		t.Error("WriteCurly(nil) should fail")
	}
	if err := WriteSet(io.Discard, &Tree{}, PrintOptions{}); err == nil {
		t.Error("WriteSet(empty tree) should fail")
	}
}

// vyFailWriter fails after n bytes, to check that write errors come back.
type vyFailWriter struct{ n int }

func (w *vyFailWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestVyattaWriteError(t *testing.T) {
	tr := vyParse(t, "w", []byte("a {\n    b c\n}\n"))
	if err := WriteCurly(&vyFailWriter{}, tr, PrintOptions{}); err == nil {
		t.Error("WriteCurly ignored a write error")
	}
	if err := WriteSet(&vyFailWriter{}, tr, PrintOptions{}); err == nil {
		t.Error("WriteSet ignored a write error")
	}
}
