package config

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config/schema"
)

// vySetLossy reports whether the set form cannot hold n exactly: a bare
// child next to values, or below a secret, reads back as one more value
// (the fold that hand-written set files need); a bare child of a node the
// schema calls a leaf taking a value reads back as its value; and a
// single-valued leaf of the schema keeps only its last value.
func vySetLossy(n *Node, anc []string) bool {
	return vySetLossyAt(n, anc, schema.Root())
}

func vySetLossyAt(n *Node, anc []string, sc schema.Cursor) bool {
	in := sc.Info()
	if len(anc) > 0 && in.Kind == schema.Leaf && !in.Multi && len(n.Values) > 1 {
		return true
	}
	for _, c := range n.Children {
		// A commented node's comment line ends with its name too.
		bare := len(c.Values) == 0 && (len(c.Children) == 0 || c.Comment != "")
		if bare && len(anc) > 0 && (len(n.Values) > 0 || vyIsSecret(n.Name, anc[:len(anc)-1])) {
			return true
		}
		if bare && len(anc) > 0 && in.Kind == schema.Leaf && !in.Valueless {
			return true
		}
		if vySetLossyAt(c, append(anc, c.Name), sc.Step(c.Name)) {
			return true
		}
	}
	return false
}

func FuzzParseVyatta(f *testing.F) {
	if src, err := os.ReadFile("testdata/vyatta/features.conf"); err == nil {
		f.Add(src)
	}
	for _, s := range []string{
		"interfaces {\n    ethernet eth0 {\n        address 192.0.2.1/24\n        address \"2001:db8::1/64\"\n    }\n    loopback lo {\n    }\n}\n",
		"interfaces {\n\tdataplane dp0s3 {\n\t\taddress dhcp\n\t\tvif 10\n\t}\n\tloopback lo\n}\n",
		"a 'b\\'c'; d \"e\\nf\" ; g\n/* c */ h {\n}\n// t\n",
		"system {\n    host-name r1\n}\n/* Warning: Do not remove the following line. */\n/* === vyatta-config-version: \"x@1\" === */\n/* Release version: 1.2.6 */\n",
		"top-level-tag-node foo {\n    child v\n}\ntop-level-tag-node bar {\n}\nmulti v1\nmulti v1\nbare\n",
		"#!/bin/vbash\n# c\nset interfaces ethernet eth0 address '192.0.2.1/24' # up\nset interfaces ethernet eth0 offload gro\n",
		"set system ntp server 10.0.0.40\nset system ntp server '10.0.0.41'\nset a b 'it'\\''s'\nset a \"c d\" e\n",
		"set vrf name v next-hop '2001:db8::1'\"\nset x y\\ z\n",
		"set interfaces pppoe pppoe0 authentication password hunter2\n",
		// Issue 7's defects.
		"set a description 'it's a test'\nset a b 'it'\\''s'\n",
		"#!/bin/vbash\nconfigure\nset a b 'x'\nset a b 'y'\ndelete a b 'x'\ndelete c\ncommit\nsave\nexit\n",
		"protocols {\n\tstatic {\n\t\troute 0.0.0.0/0\n\t}\n}\n",
		"a {\n    b 'it's a test'\n    /* before */\n}\n/* x\n\n   y */\nc \"C:\\new\"\n",
		"a {\r\n    b \"1\r\n2\"\r\n    c 1\r\n    c 1\r\n}\r\n",
		"\"\u00a0\"\n",
		"set a b $'x\\ny\\t\\x01'\nset a c \"C:\\new\"\n",
		"vyos@r1:~$ show configuration\n# c\ninterfaces {\n    loopback lo\n}\n[edit]\nvyos@r1# \n",
		// Trial 15 F1: words after a value, and prose.
		"interfaces {\n    ethernet eth0 {\n        address 192.0.2.1/24 oops\n        description test string\n    }\n}\n",
		"Hello,\nthis is a README file.\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := ParseVyatta("fuzz", src)
		if err != nil {
			if tr != nil {
				t.Fatal("tree returned with an error")
			}
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error is %T, not *ParseError", err)
			}
			return
		}
		var curly bytes.Buffer
		if err := WriteCurly(&curly, tr, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		// Invalid UTF-8 that the input held in small amounts may add up
		// to a binary refusal once names repeat in the printed text.
		notUTF8 := !utf8.Valid(src)
		refusedUTF8 := func(err error) bool {
			return notUTF8 && strings.Contains(err.Error(), "not UTF-8")
		}
		back, err := ParseVyatta("curly", curly.Bytes())
		if err != nil && refusedUTF8(err) {
			return
		}
		if err != nil && vyRefusedBlockless(tr, err) {
			// The set form still reads back.
			back, err = ParseVyatta("set", vyPrint(t, tr, WriteSet, PrintOptions{}))
			if err != nil {
				t.Fatalf("set output does not parse: %v", err)
			}
			vyCheckReread(t, "set", tr, back, vyPrint(t, tr, WriteSet, PrintOptions{}), WriteSet, vySetComment)
			return
		}
		if err != nil {
			t.Fatalf("curly output does not parse: %v\n%s", err, curly.Bytes())
		}
		// Comments survive the curly form as they are.
		vyCheckReread(t, "curly", tr, back, curly.Bytes(), WriteCurly, nil)
		var set bytes.Buffer
		if err := WriteSet(&set, tr, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		for i, c := range set.Bytes() {
			if (c < ' ' && c != '\n') || c == 0x7f {
				t.Fatalf("set output holds control character %#x at %d:\n%q", c, i, set.Bytes())
			}
		}
		back, err = ParseVyatta("set", set.Bytes())
		if err != nil && refusedUTF8(err) {
			return
		}
		if err != nil {
			t.Fatalf("set output does not parse: %v\n%s", err, set.Bytes())
		}
		if !vySetLossy(tr.Root, nil) {
			// The set form keeps a comment on one line.
			vyCheckReread(t, "set", tr, back, set.Bytes(), WriteSet, vySetComment)
		}
		// Masked output must not show a secret value.
		var masked bytes.Buffer
		_ = WriteSet(&masked, tr, PrintOptions{MaskSecrets: true})
		if _, err := ParseVyatta("masked", masked.Bytes()); err != nil && !refusedUTF8(err) {
			t.Fatalf("masked output does not parse: %v", err)
		}
	})
}

// vyCheckReread checks back, read from out (tr printed in form by write):
// it equals tr, keeps its comments (compared through norm), and printing it
// again gives the same bytes.
func vyCheckReread(t *testing.T, form string, tr, back *Tree, out []byte, write func(io.Writer, *Tree, PrintOptions) error, norm func(string) string) {
	t.Helper()
	if !Equal(tr.Root, back.Root) {
		t.Fatalf("%s round trip changed the tree\n%s\n%s", form, vyDiffHint(tr.Root, back.Root), out)
	}
	if a, b := nodeComments(tr.Root, norm), nodeComments(back.Root, norm); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s round trip changed the comments\n%q\n%q\n%s", form, a, b, out)
	}
	var again bytes.Buffer
	if err := write(&again, back, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again.Bytes()) {
		t.Fatalf("%s printing is not stable\n%s\n---\n%s", form, out, again.Bytes())
	}
}
