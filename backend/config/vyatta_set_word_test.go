package config

import (
	"testing"
)

// FuzzSetWord checks that the set-form lexer's shortcut for bare words
// (vySet.word) reads every line as the byte-by-byte reader (shellWord)
// does: the same words, texts, positions and errors.
func FuzzSetWord(f *testing.F) {
	for _, s := range []string{
		"set system host-name r1\n",
		"set a 'b c' \"d\\\"e\" f\\ g $'h\\ti' j'k'l # c\n",
		"set it's 'it's a test'\nset x\\\ny\n",
		"set a\tb\r\nset  c  \"unterminated\n",
		"set a$b $ 'x'y\"z\"",
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
			tf, ts := string(fast.buf[wf.start:wf.end]), string(slow.buf[ws.start:ws.end])
			if wf != ws || tf != ts || fast.pos != slow.pos || fast.line != slow.line || fast.lineStart != slow.lineStart {
				t.Fatalf("%q: word %+v %q at %d, byte by byte %+v %q at %d", src, wf, tf, fast.pos, ws, ts, slow.pos)
			}
		}
	})
}
