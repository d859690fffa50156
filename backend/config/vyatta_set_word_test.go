package config

import (
	"os"
	"reflect"
	"testing"

	"github.com/hasync/hasync/internal/testcorpus"
)

// FuzzSetWord checks that the set-form lexer's shortcuts for bare words
// and plain quoted ones (vySet.word) read every line as the byte-by-byte
// reader (shellWord) does: the same words, texts, positions and errors.
func FuzzSetWord(f *testing.F) {
	for _, s := range []string{
		"set system host-name r1\n",
		"set a 'b c' \"d\\\"e\" f\\ g $'h\\ti' j'k'l # c\n",
		"set it's 'it's a test'\nset x\\\ny\n",
		"set a\tb\r\nset  c  \"unterminated\n",
		"set a$b $ 'x'y\"z\"",
		"set a 'b' 'c d'\nset e '' 'f\ng' 'h'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fast := &vySet{src: src, line: 1}
		slow := &vySet{src: src, line: 1}
		for fast.pos < len(src) {
			if c := src[fast.pos]; vySetBlank(c) || c == '\n' || c == '#' {
				fast.pos++
				slow.pos++
				if c == '\n' {
					fast.line++
					slow.line++
					fast.lineStart, slow.lineStart = fast.pos, slow.pos
				}
				continue
			}
			wf, ef := fast.word()
			ws, es := slow.shellWord()
			if (ef == nil) != (es == nil) || ef != nil && ef.Error() != es.Error() {
				t.Fatalf("%q at %d: errors %v and %v", src, fast.pos, ef, es)
			}
			if ef != nil {
				return
			}
			// A word read from the source has no place in buf: start and
			// end only give its length.
			tf, ts := fast.text(wf), slow.text(ws)
			same := wf.quoted == ws.quoted && wf.line == ws.line && wf.col == ws.col && wf.srcOff == ws.srcOff &&
				wf.end-wf.start == ws.end-ws.start
			if !same || tf != ts || fast.pos != slow.pos || fast.line != slow.line || fast.lineStart != slow.lineStart {
				t.Fatalf("%q: word %+v %q at %d, byte by byte %+v %q at %d", src, wf, tf, fast.pos, ws, ts, slow.pos)
			}
		}
	})
}

// FuzzSetChain checks that reusing the previous line's nodes (vySet.apply)
// builds the tree that looking up every word builds: the same nodes,
// values, flags, lines, notes and errors.
func FuzzSetChain(f *testing.F) {
	for _, s := range []string{
		"set a b c 'v'\nset a b d 'w'\nset a e 'x'\nset a b c 'y'\n",
		"set a b 'x'\nset a b c\nset a b 'y'\nset a b c d\n",
		"set a b c d\nset a b 'v'\nset a b c e\n",
		"set a b c\ndelete a b\nset a b c d\nset a b c e\n",
		"set a b 'x'\nset a b 'y'\ndelete a b 'x'\ndelete a b 'y'\nset a b c\n",
		"set interfaces ethernet eth0 address '192.0.2.1/24'\nset interfaces ethernet eth0 address '192.0.2.2/24'\nset interfaces ethernet eth1 description 'x'\n",
		"set system login user u authentication encrypted-password 'x'\nset system login user u authentication public-keys k key 'y'\n",
		"set a b\x01 c\nset a b c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		a, ea := vyParseSetReuse("f", src, true)
		b, eb := vyParseSetReuse("f", src, false)
		if (ea == nil) != (eb == nil) || ea != nil && ea.Error() != eb.Error() {
			t.Fatalf("%q: errors %v and %v", src, ea, eb)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: trees differ\n%s", src, vyDiffHint(a.Root, b.Root))
		}
	})
}

// TestSetChainCorpus runs FuzzSetChain's comparison on every corpus file
// read as set form (most are not: their errors must agree too).
func TestSetChainCorpus(t *testing.T) {
	for _, f := range testcorpus.Files(t, "vyos") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, ea := vyParseSetReuse(f, string(src), true)
		b, eb := vyParseSetReuse(f, string(src), false)
		if (ea == nil) != (eb == nil) || ea != nil && ea.Error() != eb.Error() {
			t.Errorf("%s: errors %v and %v", f, ea, eb)
			continue
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: trees differ\n%s", f, vyDiffHint(a.Root, b.Root))
		}
	}
}
