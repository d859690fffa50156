package schema

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config/schema/internal/xmlgen"
	"github.com/hasync/hasync/internal/testcorpus"
)

// TestTableFresh regenerates vyos.txt from ../shared/schema in memory and
// fails on any difference from the committed (embedded) table.
func TestTableFresh(t *testing.T) {
	dir := filepath.Join(testcorpus.Shared(t, "schema"), "vyos-1x", "interface-definitions")
	got, st, err := xmlgen.Generate(dir)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if !bytes.Equal(got, []byte(vyosText)) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(vyosText, "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("vyos.txt is stale (run go generate ./backend/config/schema): first difference at line %d:\n  generated: %s\n  committed: %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("vyos.txt is stale (run go generate ./backend/config/schema): %d generated lines, %d committed", len(gl), len(wl))
	}
	if st.Nodes != len(load().vy.nodes) {
		t.Errorf("generator counted %d nodes, the loader read %d", st.Nodes, len(load().vy.nodes))
	}
}

// TestTablesLoad checks that both embedded tables parse and every alias of
// the Vyatta table names a VyOS path.
func TestTablesLoad(t *testing.T) {
	s := load()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if _, err := parseTable(vyosText, 1, true); err != nil {
		t.Fatalf("vyos.txt, every field checked: %v", err)
	}
	if len(s.vy.nodes) < 1000 {
		t.Fatalf("vyos.txt holds only %d nodes", len(s.vy.nodes))
	}
}

// TestVyattaTableReachable walks every node of vyatta.txt as a path (with a
// tag value after each tag node) and checks that Lookup knows it: an
// overlay whose VyOS node does not exist, or a wildcard no word reaches,
// would silently be Unknown.
func TestVyattaTableReachable(t *testing.T) {
	s := load()
	var walkVT func(i int32, c Cursor, path []string)
	walkVT = func(i int32, c Cursor, path []string) {
		for _, k := range s.vt.children(i) {
			name := s.vt.name(k)
			var n Cursor
			word := name
			if name == "*" {
				for _, w := range []string{"65000", "192.0.2.1"} {
					if n = c.Step(w); n.state != stUnknown {
						word = w
						break
					}
				}
			} else {
				n = c.Step(name)
			}
			p := append(path[:len(path):len(path)], word)
			in := n.Info()
			if in.Kind == Unknown {
				t.Errorf("vyatta.txt: %s is Unknown to Lookup", strings.Join(p, " "))
				continue
			}
			if in.Kind == Tag {
				n = n.Step("X")
				p = append(p, "X")
			}
			walkVT(k, n, p)
		}
	}
	walkVT(rootIdx, Root(), nil)
}
