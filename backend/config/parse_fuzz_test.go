package config

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse reads any text with family detection, capture stripping and
// binary refusal (what `hasync fmt` does): either a *ParseError, or a tree
// whose native printing reads back Equal under the same family and prints
// the same bytes again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"HRP_M<FW-A>display current-configuration\n2026-10-14 08:02:51.118\n#\nsysname FW-A\n#\n  ---- More ----\x1b[42D    \x1b[42Dinterface G0\n undo shutdown\n#\nreturn\nHRP_M<FW-A>\n",
		"vyos@r1:~$ show configuration commands\nset system host-name 'r1'\nvyos@r1:~$ \n",
		"vyos@r1# show\n# c\ninterfaces {\n    loopback lo\n}\n[edit]\nvyos@r1# \n",
		"#\n# Version: VyOS\n#\nset a b 'c'\n",
		"\xef\xbb\xbf#\r\nsysname a\r\n#\r\nreturn\r\n",
		"#!/bin/vbash\nconfigure\nset a 'b'\ndelete a\ncommit\nexit\n",
		"set a 'b'\n\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := Parse("fuzz", src, Auto)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || tr != nil {
				t.Fatalf("error %T %v with tree %v", err, err, tr != nil)
			}
			if bytes.ContainsAny([]byte(err.Error()), "\x00") {
				t.Fatalf("error shows a NUL byte: %q", err)
			}
			return
		}
		checkFmt(t, "fuzz", tr)
	})
}

// checkFmt does what `hasync fmt` does to tr: its native printing (curly
// or VRP) reads back Equal, and printing that again gives the same bytes.
func checkFmt(t *testing.T, name string, tr *Tree) {
	t.Helper()
	format := Curly
	if tr.Family == Huawei {
		format = VRP
	}
	var once bytes.Buffer
	if err := Write(&once, tr, format, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(name+" (fmt)", once.Bytes(), tr.Family)
	if err != nil && vyRefusedBlockless(tr, err) {
		return
	}
	if err != nil {
		t.Fatalf("fmt output does not parse: %v\n%s", err, once.Bytes())
	}
	if !Equal(tr.Root, back.Root) {
		t.Fatalf("fmt output reads back differently\n%s\n%s", vyDiffHint(tr.Root, back.Root), once.Bytes())
	}
	var twice bytes.Buffer
	if err := Write(&twice, back, format, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once.Bytes(), twice.Bytes()) {
		t.Fatalf("fmt twice gives other bytes:\n%s\n---\n%s", once.Bytes(), twice.Bytes())
	}
}
