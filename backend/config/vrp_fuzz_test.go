package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseVRP checks that ParseVRP never panics, returns either a tree or
// a *ParseError, and that whatever parses prints back to text that parses
// to an Equal tree.
func FuzzParseVRP(f *testing.F) {
	for _, s := range []string{
		"#\nsysname a\n#\n hrp enable\n#\nreturn\n",
		"aaa\n manager-user a\n  password cipher %@%@x%@%@\n #\n domain d\n",
		"security-policy\n rule name r\n  source-zone trust\n  source-zone dmz\n  action permit\n",
		"isp name \"china mobile\"\n description x\n",
		"header motd %\nhi\n%\n#\nreturn\n",
		"rsa peer-public-key k\n public-key-code begin\n  0A\n public-key-code end\n peer-public-key end\n",
		"# comment\nvlan 10\n    name x\n",
		"2026-10-14 08:02:51.118\n!Software Version V\n#\nsysname a\n",
		"bgp 1\n peer 1.1.1.1 description x\n peer 1.1.1.1 description y\n  balance 4\n",
		"description\ndescription x\n a\n",
		// Found by fuzzing: a banner's line must be its first line.
		"header 0 i\ni\n0",
		// Issue 7's defects: BOM, two-space indent, quit, capture lines.
		"\xef\xbb\xbf#\n  hrp enable\n#\ninterface G0\n  undo shutdown\n  quit\n#\nreturn\n",
		"HRP_M<FW-A>display current-configuration\n#\n  ---- More ----\x1b[42D   \x1b[42Dsysname a\n#\nreturn\nHRP_M<FW-A>\n",
		"[FW-B]dis cu\r\n#\r\n# note\r\nsysname b\r\n#\r\nreturn\r\n",
	} {
		f.Add([]byte(s))
	}
	if src, err := os.ReadFile(filepath.Join("testdata", "vrp", "features.cfg")); err == nil {
		f.Add(src)
	}
	vrpSeedCorpus(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := ParseVRP("fuzz.cfg", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || tr != nil {
				t.Fatalf("error %T %v with tree %v", err, err, tr != nil)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteVRP(&out, tr, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err := ParseVRP("printed", out.Bytes())
		if err != nil {
			t.Fatalf("printed text does not parse: %v\n%s", err, out.String())
		}
		if !Equal(tr.Root, back.Root) {
			t.Fatalf("printed tree differs\n%s", out.String())
		}
		if a, b := nodeComments(tr.Root, nil), nodeComments(back.Root, nil); !reflect.DeepEqual(a, b) {
			t.Fatalf("printing changed the comments\n%q\n%q\n%s", a, b, out.String())
		}
		var again bytes.Buffer
		if err := WriteVRP(&again, back, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		if again.String() != out.String() {
			t.Fatalf("printing is not a fixed point\n%s\n---\n%s", out.String(), again.String())
		}
		var masked bytes.Buffer
		if err := WriteVRP(&masked, tr, PrintOptions{MaskSecrets: true}); err != nil {
			t.Fatal(err)
		}
	})
}

// nodeComments maps the path of every commented node (the root too) to
// its comment, passed through norm when norm is not nil (the set form
// prints a comment on one line).
func nodeComments(root *Node, norm func(string) string) map[string]string {
	m := map[string]string{}
	add := func(key, c string) {
		if norm != nil {
			c = norm(c)
		}
		if c != "" {
			m[key] = c
		}
	}
	add("", root.Comment)
	root.Walk(func(p Path, n *Node) bool {
		add(strings.Join(p, "\x00"), n.Comment)
		return true
	})
	return m
}

// vrpSeedCorpus adds the corpus configurations when the corpus is there;
// without it the fuzz target still runs on its own seeds.
func vrpSeedCorpus(f *testing.F) {
	dir, err := os.Getwd()
	if err != nil {
		return
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return
		}
		dir = parent
	}
	_ = filepath.WalkDir(filepath.Join(dir, "..", "shared", "corpus", "huawei"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".diff") {
			return nil
		}
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
		return nil
	})
}
