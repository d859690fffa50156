package config

import (
	"hash/maphash"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/hasync/hasync/internal/testcorpus"
)

// TestChildIndex fills an index past several growths, renames some nodes
// (remove, then put under the new name) and checks every name against a
// map.
func TestChildIndex(t *testing.T) {
	x := newChildIndex(maphash.MakeSeed(), 1)
	want := map[string]*Node{}
	for i := range 3000 {
		n := &Node{Name: "rule name r_" + strconv.Itoa(i)}
		if old, h := x.get(n.Name); old != nil {
			t.Fatalf("%s found before it was put", n.Name)
		} else {
			x.put(h, n)
		}
		want[n.Name] = n
		if i%7 == 0 { // rename: the old name must no longer be found
			x.remove(n)
			delete(want, n.Name)
			n.Name += " renamed"
			_, h := x.get(n.Name)
			x.put(h, n)
			want[n.Name] = n
		}
	}
	for name, n := range want {
		if got, _ := x.get(name); got != n {
			t.Fatalf("get(%q) = %v, want the node put", name, got)
		}
	}
	for _, name := range []string{"rule name r_0", "rule name r_7", "rule name r_3000", ""} {
		if got, _ := x.get(name); got != nil {
			t.Errorf("get(%q) found %q", name, got.Name)
		}
	}
	if 4*x.used > 3*len(x.slots) {
		t.Errorf("%d of %d slots used: the table is too full", x.used, len(x.slots))
	}
}

// TestParseFileSharesParse checks that ParseFile, which reads the file
// straight into a string, gives what Parse gives on the file's bytes.
func TestParseFileSharesParse(t *testing.T) {
	files := append(testcorpus.Files(t, "vyos/configs"), testcorpus.Files(t, "huawei/constructed")...)
	parsed := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := Parse(f, src, Auto)
		got, gerr := ParseFile(f, Auto)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("%s: Parse error %v, ParseFile error %v", filepath.Base(f), werr, gerr)
		}
		if werr != nil {
			continue
		}
		parsed++
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ParseFile and Parse give different trees", filepath.Base(f))
		}
	}
	if parsed == 0 {
		t.Skip("no corpus file parses")
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.conf"), Auto); !os.IsNotExist(err) {
		t.Errorf("missing file: got %v, want a not-exist error", err)
	}
}
