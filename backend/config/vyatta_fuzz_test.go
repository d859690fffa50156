package config

import (
	"bytes"
	"os"
	"testing"
)

// vySetLossy reports whether the set form cannot hold n exactly: a bare
// child next to values, or below a secret, reads back as one more value
// (the fold that hand-written set files need).
func vySetLossy(n *Node, anc []string) bool {
	for _, c := range n.Children {
		bare := len(c.Values) == 0 && len(c.Children) == 0
		if bare && n != nil && len(anc) > 0 && (len(n.Values) > 0 || vyIsSecret(n.Name, anc[:len(anc)-1])) {
			return true
		}
		if vySetLossy(c, append(anc, c.Name)) {
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
		back, err := ParseVyatta("curly", curly.Bytes())
		if err != nil {
			t.Fatalf("curly output does not parse: %v\n%s", err, curly.Bytes())
		}
		if !Equal(tr.Root, back.Root) {
			t.Fatalf("curly round trip changed the tree\n%s\n%s", vyDiffHint(tr.Root, back.Root), curly.Bytes())
		}
		var set bytes.Buffer
		if err := WriteSet(&set, tr, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err = ParseVyatta("set", set.Bytes())
		if err != nil {
			t.Fatalf("set output does not parse: %v\n%s", err, set.Bytes())
		}
		if !vySetLossy(tr.Root, nil) && !Equal(tr.Root, back.Root) {
			t.Fatalf("set round trip changed the tree\n%s\n%s", vyDiffHint(tr.Root, back.Root), set.Bytes())
		}
		// Masked output must not show a secret value.
		var masked bytes.Buffer
		_ = WriteSet(&masked, tr, PrintOptions{MaskSecrets: true})
		if _, err := ParseVyatta("masked", masked.Bytes()); err != nil {
			t.Fatalf("masked output does not parse: %v", err)
		}
	})
}
