package diff

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/testcorpus"
)

func dfParse(t *testing.T, file string, fam config.Family) *config.Tree {
	t.Helper()
	tr, err := config.ParseFile(file, fam)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return tr
}

// TestCorpusVyosLeftRight checks the diff of vyos-1x's own config-diff test
// pair against changes read off the two files by hand.
func TestCorpusVyosLeftRight(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "vyos", "misc")
	a := dfParse(t, filepath.Join(dir, "vyos-1x_tests_data_config.left"), config.Vyatta)
	b := dfParse(t, filepath.Join(dir, "vyos-1x_tests_data_config.right"), config.Vyatta)

	type want struct{ kind, path, left, right string }
	wants := []want{
		{"removed", "node1 tag_node bar", "", ""},
		{"added", "node1 tag_node baz", "", ""},
		{"changed", "node1 tag_node foo multi_node", "v2 v1", "v3 v1"},
		{"changed", "node1 tag_node foo single", "left_val", "right_val"},
		{"changed", "node1 tag_node other leaf", "leaf_l", "leaf_r"},
		{"removed", "node2 sub_node tag_node bob", "", ""},
		{"removed", "node2 sub_node tag_node duff", "", ""},
		{"added", "node2 sub_node tag_node other multi", "", "mv"},
		{"removed", "node2 sub_node tag_node other single", "val", ""},
		{"removed", "node2 sub_node_other", "", ""},
		{"removed", "node3", "", ""},
	}
	var got, exp []string
	for _, c := range Trees(a, b, Options{}) {
		var l, r string
		if c.Left != nil {
			l = strings.Join(c.Left.Values, " ")
		}
		if c.Right != nil {
			r = strings.Join(c.Right.Values, " ")
		}
		got = append(got, c.Kind.String()+" "+c.Path.String()+" ["+l+"]["+r+"]")
	}
	for _, w := range wants {
		exp = append(exp, w.kind+" "+w.path+" ["+w.left+"]["+w.right+"]")
	}
	// The order follows the parser's child order; compare as sets.
	slices.Sort(got)
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		t.Errorf("changes:\n got %q\nwant %q", got, exp)
	}

	// The multi-value leaf aligns v1 on both sides.
	for _, r := range Rows(a, b, RowOptions{}) {
		if strings.Contains(r.Left, "multi_node v1") && r.Kind != Same {
			t.Errorf("multi_node v1 row %+v", r)
		}
	}
}

// TestCorpusSelf: every corpus file compared with itself and with a clone
// has no change, and its rows are all Same, one per displayed line.
func TestCorpusSelf(t *testing.T) {
	var files []string
	for _, sub := range []string{"vyos/configs", "vyos/misc", "vyos/ansible-vyos", "huawei"} {
		files = append(files, testcorpus.Files(t, sub)...)
	}
	parsed := 0
	for _, f := range files {
		tr, err := config.ParseFile(f, config.Auto)
		if err != nil {
			continue // parser coverage is backend/config's business
		}
		parsed++
		clone := &config.Tree{Family: tr.Family, Root: tr.Root.Clone()}
		for _, o := range []Options{{}, {MaskSecrets: true}} {
			if cs := Trees(tr, clone, o); len(cs) != 0 {
				t.Errorf("%s: %d changes against its clone, first %v %v", f, len(cs), cs[0].Kind, cs[0].Path)
			}
			if !Equal(tr, clone, o) {
				t.Errorf("%s: not Equal to its clone", f)
			}
		}
		rows := Rows(tr, clone, RowOptions{})
		for _, r := range rows {
			if r.Kind != Same || r.Left != r.Right {
				t.Errorf("%s: row %+v", f, r)
				break
			}
		}
		if folded := Rows(tr, clone, RowOptions{Fold: true}); len(rows) > 1 && (len(folded) != 1 || folded[0].Folded != len(rows)) {
			t.Errorf("%s: identical trees fold into %d rows", f, len(folded))
		}
	}
	if parsed == 0 {
		t.Fatal("no corpus file parsed")
	}
}

// TestCorpusPairs diffs the real before/after pairs of the corpus both ways:
// the changes mirror each other and WriteSide shows one row per line.
func TestCorpusPairs(t *testing.T) {
	dir := testcorpus.Dir(t)
	pairs := [][2]string{
		{"vyos/hier_config/vyos_running.conf", "vyos/hier_config/vyos_generated.conf"},
		{"huawei/hier_config_comware5/comware5_running.conf", "huawei/hier_config_comware5/comware5_generated.conf"},
		{"huawei/vrp-family-comware/netutils_compliance_hp_comware_full_backup.txt", "huawei/vrp-family-comware/netutils_compliance_hp_comware_full_intended.txt"},
		{"huawei/napalm-huawei-vrp/initial.conf", "huawei/napalm-huawei-vrp/new_good.conf"},
	}
	for _, p := range pairs {
		t.Run(filepath.Base(p[0]), func(t *testing.T) {
			a, errA := config.ParseFile(filepath.Join(dir, p[0]), config.Auto)
			b, errB := config.ParseFile(filepath.Join(dir, p[1]), config.Auto)
			if errA != nil || errB != nil {
				t.Fatalf("parse: %v %v", errA, errB)
			}
			ab, ba := Trees(a, b, Options{}), Trees(b, a, Options{})
			if len(ab) == 0 {
				t.Fatal("no change between two different files")
			}
			count := func(cs []Change) map[Kind]int {
				m := map[Kind]int{}
				for _, c := range cs {
					m[c.Kind]++
				}
				return m
			}
			cab, cba := count(ab), count(ba)
			if cab[Added] != cba[Removed] || cab[Removed] != cba[Added] || cab[Changed] != cba[Changed] || cab[Moved] != cba[Moved] {
				t.Errorf("a→b %v, b→a %v", cab, cba)
			}
			rows := Rows(a, b, RowOptions{})
			changed := 0
			for _, r := range rows {
				if r.Kind != Same {
					changed++
				}
			}
			if changed < len(ab) {
				t.Errorf("%d changed rows for %d changes", changed, len(ab))
			}
		})
	}
}

// TestCorpusUSGMutations edits a clone of the USG sample and checks that
// each edit is reported as exactly the expected change.
func TestCorpusUSGMutations(t *testing.T) {
	tr := dfParse(t, filepath.Join(testcorpus.Dir(t), "huawei", "constructed", "usg6000-dc1-a.cfg"), config.Huawei)
	var policy *config.Node
	var secret config.Path
	tr.Root.Walk(func(p config.Path, n *config.Node) bool {
		if policy == nil && n.Ordered && len(n.Children) >= 3 {
			policy = n
		}
		if secret == nil && n.Secret && len(n.Values) > 0 {
			secret = p
		}
		return true
	})
	if policy == nil || secret == nil {
		t.Fatalf("sample lacks an ordered policy with 3 rules (%v) or a secret (%v)", policy != nil, secret)
	}

	// Swap two rules: the one moved down is reported, once.
	moved := &config.Tree{Family: tr.Family, Root: tr.Root.Clone()}
	var mp *config.Node
	moved.Root.Walk(func(p config.Path, n *config.Node) bool {
		if mp == nil && n.Ordered && n.Name == policy.Name {
			mp = n
		}
		return true
	})
	mp.Children[0], mp.Children[1] = mp.Children[1], mp.Children[0]
	cs := Trees(tr, moved, Options{})
	if len(cs) != 1 || cs[0].Kind != Moved || cs[0].Left != policy.Children[0] || cs[0].From != 0 || cs[0].To != 1 {
		t.Errorf("swap: got %q", dfSummary(cs))
	}

	// Change a secret: visible without masking, equal with it.
	sec := &config.Tree{Family: tr.Family, Root: tr.Root.Clone()}
	n := sec.Root.Lookup(secret)
	n.Values[0] += "x"
	if cs := Trees(tr, sec, Options{}); len(cs) != 1 || cs[0].Kind != Changed || cs[0].Path.String() != secret.String() {
		t.Errorf("secret edit: got %q", dfSummary(cs))
	}
	if !Equal(tr, sec, Options{MaskSecrets: true}) {
		t.Error("secret edit seen with MaskSecrets")
	}
}
