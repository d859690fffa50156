package config

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The parser defects of issue 7, one test each (they failed before their
// fix).

// vyValues returns the values at path, failing the test when it is absent.
func vyValues(t *testing.T, tr *Tree, path string) []string {
	t.Helper()
	n := tr.Root.Lookup(Path(strings.Fields(path)))
	if n == nil {
		t.Fatalf("%s missing:\n%s", path, vyPrint(t, tr, WriteSet, PrintOptions{}))
	}
	return n.Values
}

func vyWantValues(t *testing.T, tr *Tree, path string, want ...string) {
	t.Helper()
	if got := vyValues(t, tr, path); !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}

// Defect 1: VyOS does not escape an apostrophe in `show configuration
// commands`: the value runs to the line's last quote.
func TestSetUnescapedApostrophe(t *testing.T) {
	src := "set interfaces ethernet eth0 description 'it's a test'\n" +
		"set interfaces ethernet eth1 description 'don't' # it's mine\n" +
		"set interfaces ethernet eth2 description 'it'\\''s old Vyatta'\n" +
		"set interfaces ethernet eth3 description 'a 'quoted' word'\n"
	tr := vyParse(t, "s", []byte(src))
	vyWantValues(t, tr, "interfaces ethernet eth0 description", "it's a test")
	vyWantValues(t, tr, "interfaces ethernet eth1 description", "don't")
	vyWantValues(t, tr, "interfaces ethernet eth2 description", "it's old Vyatta")
	vyWantValues(t, tr, "interfaces ethernet eth3 description", "a 'quoted' word")
	if c := tr.Root.Lookup(Path{"interfaces", "ethernet", "eth1", "description"}).Comment; c != "it's mine" {
		t.Errorf("comment %q", c)
	}
	vyCheckRoundTrip(t, "apostrophe as set", tr, WriteSet)
	vyCheckRoundTrip(t, "apostrophe as curly", tr, WriteCurly)
}

// Defect 2: a vbash script is read as set commands; session commands are
// ignored (and noted) and delete lines apply to the tree built so far.
func TestSetScript(t *testing.T) {
	src := `#!/bin/vbash
source /opt/vyatta/etc/functions/script-template
configure
set system host-name 'r1'
set system name-server '192.0.2.1'
set system name-server '192.0.2.2'
set firewall name A rule 10 action 'accept'
set firewall name A rule 20 action 'drop'
set interfaces ethernet eth0 disable
delete system name-server '192.0.2.1'
delete firewall name A rule 10
delete interfaces ethernet eth0 disable
delete protocols static
commit
commit-confirm 5
confirm
save
run show interfaces
load
exit
`
	tr, err := Parse("script.sh", []byte(src), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Family != Vyatta {
		t.Fatalf("family %v", tr.Family)
	}
	vyWantValues(t, tr, "system host-name", "r1")
	vyWantValues(t, tr, "system name-server", "192.0.2.2")
	if tr.Root.Lookup(Path{"firewall", "name", "A", "rule", "10"}) != nil {
		t.Error("rule 10 not deleted")
	}
	vyWantValues(t, tr, "firewall name A rule 20 action", "drop")
	if n := tr.Root.Lookup(Path{"interfaces", "ethernet", "eth0"}); n == nil || len(n.Children) != 0 {
		t.Errorf("eth0 should stay, without disable: %+v", n)
	}
	if tr.Root.Child("protocols") != nil || tr.Root.Child("configure") != nil || tr.Root.Child("commit") != nil {
		t.Errorf("session commands or an absent delete became nodes: %q", vyNames(tr.Root))
	}
	notes := strings.Join(tr.Notes, "\n")
	for _, want := range []string{"ignored 9 session commands", "lines 2, 3, 14-20", "not present", "line 13"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q: %q", want, tr.Notes)
		}
	}
	// A whole multi-value leaf, and a value given unquoted.
	tr = vyParse(t, "s", []byte("set a b 'x'\nset a b 'y'\nset a c 'z'\ndelete a b\ndelete a c z\n"))
	if n := tr.Root.Child("a"); n == nil || len(n.Children) != 0 {
		t.Errorf("a: %+v", n)
	}
	// A script that deletes everything leaves an empty tree, not an error.
	tr = vyParse(t, "s", []byte("set a b 'x'\ndelete a\n"))
	if len(tr.Root.Children) != 0 {
		t.Errorf("children %q", vyNames(tr.Root))
	}
	// Other commands are still refused.
	if _, err := ParseVyatta("f", []byte("set a 'b'\nshow a\n")); err == nil || err.Error() != "f:2:1: expected 'set'" {
		t.Errorf("show: %v", err)
	}
}

// Defect 3: `#` lines and `set` lines are Vyatta.
func TestDetectSetWithHashLines(t *testing.T) {
	src := "#\n# Version: VyOS 1.4.3\n#\n#\n# built by\n#\nset system host-name 'r1'\n"
	for _, s := range []string{src, "#!/bin/vbash\n" + src, "#\n#\n#\ndelete system host-name\n"} {
		tr, err := Parse("f", []byte(s), Auto)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if tr.Family != Vyatta {
			t.Errorf("%q: family %v", s, tr.Family)
		}
	}
}

// Defect 4: the 5600 prints empty tag nodes bare wherever they are.
func TestCurlyBareTagNodes(t *testing.T) {
	src := "protocols {\n\tstatic {\n\t\troute 0.0.0.0/0 {\n\t\t\tnext-hop 192.0.2.1\n\t\t}\n\t\troute 10.0.0.0/8\n\t}\n}\n"
	tr := vyParse(t, "f", []byte(src))
	route := tr.Root.Lookup(Path{"protocols", "static", "route"})
	if route == nil || len(route.Values) != 0 || len(route.Children) != 2 || route.Child("10.0.0.0/8") == nil {
		t.Fatalf("route: %+v", route)
	}
	vyCheckRoundTrip(t, "bare tag as curly", tr, WriteCurly)
}

// Defect 5: a quote glued to more text is joined (an unescaped VyOS
// apostrophe) or refused, never split silently.
func TestCurlyGluedQuotes(t *testing.T) {
	tr := vyParse(t, "f", []byte("interfaces {\n    ethernet eth0 {\n        description 'it's a test'\n    }\n}\n"))
	vyWantValues(t, tr, "interfaces ethernet eth0 description", "it's a test")
	for _, c := range []struct{ src, want string }{
		{"a \"a\"b\n", "f:1:6: expected a blank, ';', '{' or '}' after the closing quote, found 'b'"},
		{"a {\n  b 'x'y z\n}\n", "f:2:8: expected a blank, ';', '{' or '}' after the closing quote, found 'y'"},
	} {
		_, err := ParseVyatta("f", []byte(c.src))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %s", c.src, err, c.want)
		}
	}
}

// Defect 6: VRP text with a byte-order mark, two-space indentation and
// `quit` lines.
func TestVRPCaptureQuirks(t *testing.T) {
	tr, err := Parse("f", []byte("\xef\xbb\xbf#\nsysname FW\n#\nreturn\n"), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Family != Huawei || tr.Root.Child("sysname") == nil {
		t.Errorf("BOM: family %v, top %q", tr.Family, vrpNames(tr.Root.Children))
	}
	// Two-space indentation, whatever the order of the sections.
	a := "#\n  hrp enable\n#\ninterface G0\n  undo shutdown\n#\nreturn\n"
	b := "#\ninterface G0\n  undo shutdown\n#\n  hrp enable\n#\nreturn\n"
	ta, err := ParseVRP("a", []byte(a))
	if err != nil {
		t.Fatalf("a: %v", err)
	}
	tb, err := ParseVRP("b", []byte(b))
	if err != nil {
		t.Fatalf("b: %v", err)
	}
	if !Equal(ta.Root, tb.Root) {
		t.Error("section order changed the tree")
	}
	tr, err = ParseVRP("q", []byte("interface G0\n undo shutdown\n quit\nsecurity-policy\n rule name a\n  action permit\n  quit\n quit\nquit\n"))
	if err != nil {
		t.Fatal(err)
	}
	tr.Root.Walk(func(p Path, n *Node) bool {
		if n.Name == "quit" {
			t.Errorf("quit became a node at %s", p)
		}
		return true
	})
	if tr.Root.Lookup(Path{"security-policy", "rule name a", "action"}) == nil {
		t.Error("rule lost")
	}
}

// Defect 7: CRLF, comments before `}`, multi-line comments, repeated values.
func TestCurlyTextQuirks(t *testing.T) {
	tr := vyParse(t, "f", []byte("system {\r\n    login {\r\n        banner {\r\n            pre-login \"line 1\r\nline 2\"\r\n        }\r\n    }\r\n}\r\n"))
	vyWantValues(t, tr, "system login banner pre-login", "line 1\nline 2")

	tr = vyParse(t, "f", []byte("a {\n    b 1\n    /* before the brace */\n}\nc {\n    /* alone */\n}\n"))
	var comments []string
	tr.Root.Walk(func(p Path, n *Node) bool {
		if n.Comment != "" {
			comments = append(comments, n.Comment)
		}
		return true
	})
	if !reflect.DeepEqual(comments, []string{"before the brace", "alone"}) {
		t.Errorf("comments %q", comments)
	}

	src := []byte("/* first line\n   second line\n\n   third */\na {\n    b 1\n}\n")
	once := vyPrint(t, vyParse(t, "f", src), WriteCurly, PrintOptions{})
	twice := vyPrint(t, vyParse(t, "f", once), WriteCurly, PrintOptions{})
	if !bytes.Equal(once, twice) {
		t.Errorf("comment printing not stable:\n%s---\n%s", once, twice)
	}

	tr = vyParse(t, "f", []byte("system {\n    name-server 192.0.2.1\n    name-server 192.0.2.2\n    name-server 192.0.2.1\n}\n"))
	vyWantValues(t, tr, "system name-server", "192.0.2.1", "192.0.2.2")
	tr = vyParse(t, "f", []byte("set system name-server '192.0.2.1'\nset system name-server '192.0.2.1'\n"))
	vyWantValues(t, tr, "system name-server", "192.0.2.1")
}

// Defect 8: a name of Unicode spaces only reads back (a top-level one
// printed bare made the curly text look like set form).
func TestUnicodeSpaceNames(t *testing.T) {
	for _, name := range []string{"\u00a0", "\u3000", "\u2028", "\u0085", " \u00a0"} {
		b := newVyBuilder("")
		a, _ := b.child(b.root, "a", 0)
		n, _ := b.child(a, name, 0)
		n.Leaf = true
		c, _ := b.child(a, "x"+name, 0)
		b.alloc.addValue(c, name)
		vyFinish(b.root, false)
		tr := &Tree{Family: Vyatta, Root: b.root}
		vyCheckRoundTrip(t, "unicode as set", tr, WriteSet)
		vyCheckRoundTrip(t, "unicode as curly", tr, WriteCurly)
		// The name alone at the top.
		b = newVyBuilder("")
		top, _ := b.child(b.root, name, 0)
		top.Leaf = true
		tr = &Tree{Family: Vyatta, Root: b.root}
		vyCheckRoundTrip(t, "unicode top as set", tr, WriteSet)
		// As curly text it is a leaf line and no block, which is no
		// configuration: refused as such, not read as set form.
		out := vyPrint(t, tr, WriteCurly, PrintOptions{})
		if _, err := ParseVyatta("unicode top as curly", out); err == nil || !vyRefusedBlockless(tr, err) {
			t.Errorf("unicode top as curly: %v, want the refusal of a text without a block\n%s", err, out)
		}
	}
}

// Defect 9: backslashes in a one-line quoted value without an inner quote
// are literal; printed commands hold no control character.
func TestBackslashesLiteral(t *testing.T) {
	tr := vyParse(t, "f", []byte("a {\n    b \"fo\\o\"\n    c \"C:\\new\"\n    d 'C:\\temp\\'\n    e \"say \\\"hi\\\"\"\n}\n"))
	vyWantValues(t, tr, "a b", `fo\o`)
	vyWantValues(t, tr, "a c", `C:\new`)
	vyWantValues(t, tr, "a d", `C:\temp\`)
	vyWantValues(t, tr, "a e", `say "hi"`)
	curly := string(vyPrint(t, tr, WriteCurly, PrintOptions{}))
	if !strings.Contains(curly, `c "C:\new"`) {
		t.Errorf("curly output does not keep the backslash as VyOS does:\n%s", curly)
	}
	vyCheckRoundTrip(t, "backslash as curly", tr, WriteCurly)
	vyCheckRoundTrip(t, "backslash as set", tr, WriteSet)

	tr = vyParse(t, "s", []byte("set a c \"C:\\new\"\nset a d 'C:\\new'\n"))
	vyWantValues(t, tr, "a c", `C:\new`)
	vyWantValues(t, tr, "a d", `C:\new`)

	b := newVyBuilder("")
	a, _ := b.child(b.root, "a", 0)
	for i, v := range []string{"two\nlines", "tab\there", "bell\a", "it's\nmulti", "del\x7f", "cr\r"} {
		n, _ := b.child(a, string(rune('b'+i)), 0)
		b.alloc.addValue(n, v)
	}
	vyFinish(b.root, false)
	tr = &Tree{Family: Vyatta, Root: b.root}
	set := vyPrint(t, tr, WriteSet, PrintOptions{})
	for i, c := range set {
		if (c < ' ' && c != '\n') || c == 0x7f {
			t.Errorf("set output holds control character %#x at %d:\n%q", c, i, set)
		}
	}
	if n := bytes.Count(set, []byte("\n")); n != 6 {
		t.Errorf("%d lines for 6 values:\n%s", n, set)
	}
	vyCheckRoundTrip(t, "control as set", tr, WriteSet)
	vyCheckRoundTrip(t, "control as curly", tr, WriteCurly)
}

// Defect 10: captured text: prompts, command echo, pager lines are
// stripped and noted; a `#` line in a curly file is a comment; binary text
// is refused without its bytes.
func TestCaptureLines(t *testing.T) {
	vrp := "HRP_M<FW-A>display current-configuration\n" +
		"2026-10-14 08:02:51.118\n!Software Version V600R007C20SPC600\n#\nsysname FW-A\n#\n" +
		"  ---- More ----\x1b[42D                                          \x1b[42Dinterface G0\n" +
		" undo shutdown\n  ---- More ----\n#\nreturn\nHRP_M<FW-A>\n"
	tr, err := Parse("cap.txt", []byte(vrp), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Family != Huawei {
		t.Fatalf("family %v", tr.Family)
	}
	want := []string{"sysname", "interface G0"}
	if got := vrpNames(tr.Root.Children); !reflect.DeepEqual(got, want) {
		t.Errorf("top %q, want %q", got, want)
	}
	if len(tr.Notes) != 1 || !strings.Contains(tr.Notes[0], "stripped 4 capture lines") || !strings.Contains(tr.Notes[0], "prompt") || !strings.Contains(tr.Notes[0], "pager") || !strings.Contains(tr.Notes[0], "1") {
		t.Errorf("notes %q", tr.Notes)
	}
	tr, err = Parse("b.txt", []byte("[FW-B]display current-configuration\n#\nsysname FW-B\n#\nreturn\n[FW-B]\n"), Auto)
	if err != nil || tr.Family != Huawei || len(tr.Root.Children) != 1 {
		t.Fatalf("FW-B: %v %+v", err, tr)
	}
	// A banner line in brackets is no prompt.
	tr, err = Parse("banner.txt", []byte("#\nheader login information \"\n[WARNING] authorised users only\n\"\n#\nreturn\n"), Auto)
	if err != nil || len(tr.Notes) != 0 || !strings.Contains(tr.Root.Child("header login").Values[0], "[WARNING]") {
		t.Errorf("banner: %v %q", err, tr.Notes)
	}

	// A capture that begins in configuration mode: `[edit]` is Vyatta's,
	// not the VRP prompt of a device named edit.
	tr, err = Parse("edit.txt", []byte("[edit]\nvyos@r1# show\ninterfaces {\n    loopback lo {\n    }\n}\n[edit]\nvyos@r1# \n"), Auto)
	if err != nil || tr.Family != Vyatta || len(tr.Root.Children) != 1 {
		t.Errorf("[edit] first: %v %+v", err, tr)
	}

	vy := "vyos@r1:~$ show configuration commands\nset system host-name 'r1'\nvyos@r1:~$ \n"
	tr, err = Parse("vy.txt", []byte(vy), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Family != Vyatta || len(tr.Root.Children) != 1 || len(tr.Notes) != 1 {
		t.Errorf("vyatta capture: %v %q %q", tr.Family, vyNames(tr.Root), tr.Notes)
	}
	curly := "vyos@r1# show\n# a comment\ninterfaces {\n    # indented\n    loopback lo {\n    }\n}\n[edit]\nvyos@r1# \n"
	tr, err = Parse("c.txt", []byte(curly), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if got := vyNames(tr.Root); !reflect.DeepEqual(got, []string{"interfaces"}) {
		t.Errorf("top %q", got)
	}
	if c := tr.Root.Child("interfaces").Comment; c != "a comment" {
		t.Errorf("comment %q", c)
	}

	bin := "set a 'b'\n\x00\x01\x02\xff\xfe binary \x00\n"
	_, err = Parse("bin", []byte(bin), Auto)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || bytes.ContainsAny([]byte(err.Error()), "\x00\x01") || strings.IndexByte(err.Error(), 0xff) >= 0 {
		t.Errorf("binary: %v", err)
	}
	junk := strings.Repeat("\xff\xfe\xc0", 200)
	if _, err := Parse("junk", []byte("set a 'b'\n"+junk), Auto); err == nil || strings.IndexByte(err.Error(), 0xff) >= 0 {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

// VyOS 1.4+ `service config-sync secondary key` is a secret.
func TestConfigSyncSecondaryKeySecret(t *testing.T) {
	tr := vyParse(t, "f", []byte("set service config-sync secondary address '192.0.2.2'\nset service config-sync secondary key 'sEcReT'\n"))
	n := tr.Root.Lookup(Path{"service", "config-sync", "secondary", "key"})
	if n == nil || !n.Secret {
		t.Fatalf("secondary key not Secret: %+v", n)
	}
	for _, w := range []func(w2 *bytes.Buffer) error{
		func(w2 *bytes.Buffer) error { return WriteSet(w2, tr, PrintOptions{MaskSecrets: true}) },
		func(w2 *bytes.Buffer) error { return WriteCurly(w2, tr, PrintOptions{MaskSecrets: true}) },
	} {
		var buf bytes.Buffer
		if err := w(&buf); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "sEcReT") {
			t.Errorf("masked output shows the key:\n%s", buf.String())
		}
	}
}

// The VyOS schema decides where the text alone is ambiguous; paths it
// does not know keep the text's conventions.
func TestSchemaDecides(t *testing.T) {
	set := vyParse(t, "s", []byte("set system host-name r1\n"+
		"set firewall name A rule 10 action accept\n"+
		"set interfaces ethernet eth0 disable\n"+
		"set interfaces ethernet eth0 address 192.0.2.1/24\n"+
		"set interfaces ethernet eth0 address 2001:db8::1/64\n"+
		"set service ssh\n"+
		"set protocols static interface-route 0.0.0.0/0 next-hop-interface vtun0\n"+
		"set nothing-known here value\n"))
	curly := vyParse(t, "c", []byte("system {\n    host-name r1\n}\nfirewall {\n    name A {\n        rule 10 {\n            action accept\n        }\n    }\n}\n"+
		"interfaces {\n    ethernet eth0 {\n        disable\n        address 192.0.2.1/24\n        address 2001:db8::1/64\n    }\n}\nservice {\n    ssh {\n    }\n}\n"+
		"protocols {\n    static {\n        interface-route 0.0.0.0/0 {\n            next-hop-interface vtun0 {\n            }\n        }\n    }\n}\n"+
		"nothing-known {\n    here {\n        value\n    }\n}\n"))
	if !Equal(set.Root, curly.Root) {
		t.Fatalf("set and curly differ\n%s", vyDiffHint(curly.Root, set.Root))
	}
	out := string(vyPrint(t, set, WriteCurly, PrintOptions{}))
	for _, want := range []string{"        disable\n", "    ssh {\n    }\n", "next-hop-interface vtun0 {\n", "host-name r1\n", "action accept\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("curly output lacks %q:\n%s", want, out)
		}
	}
	// 5600 bare empty tag nodes wherever the schema has a tag node.
	tr := vyParse(t, "f", []byte("firewall {\n\tgroup {\n\t\taddress-group G1\n\t}\n}\n"))
	if g := tr.Root.Lookup(Path{"firewall", "group", "address-group", "G1"}); g == nil {
		t.Errorf("address-group G1 not an empty tag node:\n%s", vyPrint(t, tr, WriteSet, PrintOptions{}))
	}
	vyCheckRoundTrip(t, "schema as curly", set, WriteCurly)
	vyCheckRoundTrip(t, "schema as set", set, WriteSet)
}

// TestCaptureLoginText: text a session prints before the command whose
// output the file keeps (a login banner, `Last login:`, Huawei's `Info:`
// line) and the OpenSSH client's `Connection to HOST closed.` are no
// configuration: they become neither nodes nor commands.
func TestCaptureLoginText(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"vyatta", "Welcome to Vyatta (hasync lab)\nLast login: today\nvyatta@vra-a:~$ show configuration\nsystem {\n    host-name vra-a\n}\nvyatta@vra-a:~$ exit\nConnection to 127.0.0.1 closed.\n", "system host-name"},
		{"huawei", "Info: The max number of VTY users is 10, and the number of current VTY users on line is 1.\nHRP_M<FW-A>display current-configuration\n#\nsysname FW-A\n#\nreturn\nHRP_M<FW-A>\n", "sysname"},
	} {
		tr, err := Parse(c.name, []byte(c.text), Auto)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var paths []string
		tr.Root.Walk(func(p Path, n *Node) bool {
			if len(n.Children) == 0 {
				paths = append(paths, p.String())
			}
			return true
		})
		if len(paths) != 1 || paths[0] != c.want {
			t.Errorf("%s: nodes %q, want only %q", c.name, paths, c.want)
		}
		if len(tr.Notes) == 0 || !strings.Contains(strings.Join(tr.Notes, " "), "login text") && !strings.Contains(strings.Join(tr.Notes, " "), "session message") {
			t.Errorf("%s: the stripped login text is not noted: %q", c.name, tr.Notes)
		}
	}
}

// TestVRPRefusesCompareOutput: a compare output (NAPALM's `+acl ...` lines)
// names changes, not a configuration: it is refused with its position,
// while a banner whose text has lines of dashes still reads.
func TestVRPRefusesCompareOutput(t *testing.T) {
	_, err := Parse("merge.diff", []byte("+acl name vty_access basic\n +rule 5 permit source 192.168.56.0 0.0.0.255\n#\n"), Huawei)
	if err == nil || !strings.Contains(err.Error(), "merge.diff:1:1: expected a configuration line") {
		t.Errorf("a compare output reads as a configuration: %v", err)
	}
	tr, err := Parse("banner.cfg", []byte("#\nsysname FW\n#\nheader motd %\n----------\nAuthorized use only\n----------%\n#\nreturn\n"), Huawei)
	if err != nil {
		t.Fatalf("a banner with dashes: %v", err)
	}
	if tr.Root.Child("sysname FW") == nil && len(tr.Root.Children) < 2 {
		t.Errorf("banner file read as %d nodes", len(tr.Root.Children))
	}
}

// TestVRPVersionLineIsMeta: Comware's `version 7.1.045, Release 2418P06`
// at the top of a configuration says what runs; it is kept as metadata,
// never a node a plan would undo.
func TestVRPVersionLineIsMeta(t *testing.T) {
	tr, err := Parse("c.cfg", []byte("#\n version 7.1.045, Release 2418P06\n#\n sysname R1\n#\nreturn\n"), Huawei)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range tr.Root.Children {
		if strings.HasPrefix(c.Name, "version") {
			t.Errorf("the version line is a node: %q", c.Name)
		}
	}
	if len(tr.Meta) != 1 || !strings.Contains(tr.Meta[0], "Release 2418P06") {
		t.Errorf("meta %q", tr.Meta)
	}
}
