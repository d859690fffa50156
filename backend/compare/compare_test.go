package compare

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

// The pairs `hasync diff` is tested on (main_test.go).
const (
	va = "../../testdata/diff/vra-a.conf"
	vb = "../../testdata/diff/vra-b.conf"
	ha = "../../testdata/diff/fw-a.cfg"
	hb = "../../testdata/diff/fw-b.cfg"
)

func files(t *testing.T, left, right string, s MapSpec) *Comparison {
	t.Helper()
	c, err := Files(left, right, config.Auto, s, diff.Options{MaskSecrets: true})
	if err != nil {
		t.Fatalf("%s %s %+v: %v", left, right, s, err)
	}
	return c
}

func text(t *testing.T, source, src string) *config.Tree {
	t.Helper()
	tr, err := Parse(source, []byte(src), config.Vyatta)
	if err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	return tr
}

// TestCountsTestdata pins the counts of the testdata pairs, read off their
// unified diffs by hand: each change counted once, by its scope.
func TestCountsTestdata(t *testing.T) {
	cases := []struct {
		name        string
		left, right string
		spec        MapSpec
		want        Counts
		label       string
	}{
		// firewall group, rule 20, rule 30, eth0 address, vrrp priority,
		// nat, host-name in scope; service https and system config-sync
		// protected.
		{"vyatta default", va, vb, MapSpec{}, Counts{InScope: 7, Protected: 2}, "all (default: all but the protected paths)"},
		// FW: firewall (less address-group SERVERS) and nat; the
		// interfaces and host-name are outside.
		{"vyatta FW", va, vb, MapSpec{Name: "FW"}, Counts{InScope: 3, Excluded: 1, Outside: 3, Protected: 2}, "FW (carried by " + va + ")"},
		{"vyatta include", va, vb, MapSpec{Include: []string{"firewall"}, Exclude: []string{"firewall name OUTSIDE-IN rule 30"}}, Counts{InScope: 2, Excluded: 1, Outside: 4, Protected: 2}, "flags (--include/--exclude)"},
		{"vyatta exclude alone", va, vb, MapSpec{Exclude: []string{"firewall", "interfaces", "nat", "system host-name"}}, Counts{Excluded: 7, Protected: 2}, "all less --exclude (default: all but the protected paths)"},
		// sysname and two interface lines are HRP-excluded, hrp interface
		// protected; the address-set, the route and the policies in scope.
		{"huawei hrp", ha, hb, MapSpec{}, Counts{InScope: 6, Excluded: 3, Protected: 1}, "hrp (default: what HRP backs up)"},
		{"huawei named hrp", ha, hb, MapSpec{Name: "hrp"}, Counts{InScope: 6, Excluded: 3, Protected: 1}, "hrp (built in: what HRP backs up)"},
		{"equal", va, va, MapSpec{}, Counts{}, "all (default: all but the protected paths)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmp := files(t, c.left, c.right, c.spec)
			if got := cmp.Counts(); got != c.want {
				t.Errorf("counts %+v, want %+v", got, c.want)
			}
			if cmp.Label != c.label {
				t.Errorf("label %q, want %q", cmp.Label, c.label)
			}
			agree(t, cmp)
		})
	}
}

// agree checks that the three ways of asking "would a sync change the
// target" (the rows, the changes, the plan) give one answer, with and
// without OnlyScope.
func agree(t *testing.T, c *Comparison) {
	t.Helper()
	want := c.Counts().InScope > 0
	for _, only := range []bool{false, true} {
		if got := c.Rows(RowOptions{Context: 3, Fold: true, OnlyScope: only}).Differs; got != want {
			t.Errorf("%s %s (%s) only-scope %v: rows differ %v, changes in scope %v", c.Left.Source, c.Right.Source, c.Label, only, got, want)
		}
		if got := c.Changes(only).Differs(); got != want {
			t.Errorf("%s %s (%s) only-scope %v: scoped changes differ %v, changes in scope %v", c.Left.Source, c.Right.Source, c.Label, only, got, want)
		}
	}
	p, err := c.Plan(plan.Push)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if got := PlanDiffers(p); got != want {
		t.Errorf("%s %s (%s): plan differs %v (%d commands, %d conflicts), changes in scope %v", c.Left.Source, c.Right.Source, c.Label, got, len(p.Commands), len(p.Conflicts), want)
	}
}

// TestCountsCorpus counts vyos-1x's own config-diff pair, whose eleven
// changes TestCorpusVyosLeftRight (backend/diff) reads off by hand: five
// under node1, five under node2, node3.
func TestCountsCorpus(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "vyos", "misc")
	left, right := filepath.Join(dir, "vyos-1x_tests_data_config.left"), filepath.Join(dir, "vyos-1x_tests_data_config.right")
	cases := []struct {
		spec MapSpec
		want Counts
	}{
		{MapSpec{}, Counts{InScope: 11}},
		{MapSpec{Include: []string{"node1"}}, Counts{InScope: 5, Outside: 6}},
		{MapSpec{Include: []string{"node1"}, Exclude: []string{"node2"}}, Counts{InScope: 5, Excluded: 5, Outside: 1}},
		{MapSpec{Exclude: []string{"node1 tag_node foo"}}, Counts{InScope: 9, Excluded: 2}},
		// node2 sub_node tag_node bob is removed whole: one change at its
		// top, in scope through the rule below it.
		{MapSpec{Include: []string{"node2 sub_node tag_node bob"}}, Counts{InScope: 1, Outside: 10}},
	}
	for _, c := range cases {
		cmp, err := Files(left, right, config.Vyatta, c.spec, diff.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := cmp.Counts(); got != c.want {
			t.Errorf("%+v: counts %+v, want %+v", c.spec, got, c.want)
		}
		if got := cmp.Counts().Total(); got != 11 {
			t.Errorf("%+v: %d changes, want 11", c.spec, got)
		}
		agree(t, cmp)
	}
}

// TestCorpusScopePathsAgree: on every corpus configuration compared with
// its vyos-1x migration test counterpart, and under maps that cut through
// them, the rows, the changes and the plan agree on whether the pair
// differs in scope.
func TestCorpusScopePathsAgree(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "vyos")
	tests, err := os.ReadDir(filepath.Join(dir, "config-tests"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no config-tests in the corpus")
	}
	specs := []MapSpec{{}, {Include: []string{"interfaces"}}, {Include: []string{"protocols"}, Exclude: []string{"protocols bgp"}}, {Exclude: []string{"system", "service"}}, {Include: []string{"nothing here"}}}
	pairs := 0
	for _, e := range tests {
		l, r := filepath.Join(dir, "configs", e.Name()), filepath.Join(dir, "config-tests", e.Name())
		if _, err := os.Stat(l); err != nil {
			continue
		}
		for _, s := range specs {
			cmp, err := Files(l, r, config.Vyatta, s, diff.Options{MaskSecrets: true})
			if err != nil {
				t.Errorf("%s: %v", e.Name(), err)
				continue
			}
			agree(t, cmp)
			pairs++
		}
	}
	hw := filepath.Join(testcorpus.Dir(t), "huawei")
	hwSpecs := []MapSpec{{}, {Include: []string{"interface"}}, {Exclude: []string{"interface", "sysname"}}, {Include: []string{"acl"}, Exclude: []string{"acl number 3000"}}}
	for _, p := range [][2]string{
		{"napalm-huawei-vrp/initial.conf", "napalm-huawei-vrp/merge_good.conf"},
		{"napalm-huawei-vrp/initial.conf", "napalm-huawei-vrp/new_good.conf"},
		{"vrp-family-comware/netutils_compliance_hp_comware_full_backup.txt", "vrp-family-comware/netutils_compliance_hp_comware_full_intended.txt"},
		{"hier_config_comware5/comware5_running.conf", "hier_config_comware5/comware5_generated.conf"},
		{"constructed/usg6000-dc1-a.cfg", "napalm-huawei-vrp/initial.conf"},
	} {
		for _, s := range hwSpecs {
			cmp, err := Files(filepath.Join(hw, p[0]), filepath.Join(hw, p[1]), config.Huawei, s, diff.Options{MaskSecrets: true})
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			agree(t, cmp)
			pairs++
		}
	}
	if pairs == 0 {
		t.Fatal("no corpus pair compared")
	}
}

// TestChangeScope: a change's scope is its node's decision; a subtree on
// one side only is in scope when any node below it is, and counts once.
func TestChangeScope(t *testing.T) {
	left := text(t, "a", `set firewall name X rule 10 action accept
set firewall name X rule 20 action drop
set system host-name a
set system config-sync sync-map M rule 1 action include
set system config-sync sync-map M rule 1 location 'firewall name X rule 10'
set system config-sync sync-map M rule 2 action exclude
set system config-sync sync-map M rule 2 location 'system host-name'
`)
	right := text(t, "b", `set system host-name b
`)
	c, err := Trees(left, right, MapSpec{Name: "M"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Changes(false)
	got := map[string]string{}
	for _, ch := range cs.List {
		got[ch.Path.String()] = ch.Kind.String() + " " + ch.Decision.Scope.String() + " " + map[bool]string{true: "in", false: "out"}[ch.InScope]
	}
	want := map[string]string{
		// The firewall is one removed subtree, outside at its top but
		// holding rule 10, which M shares.
		"firewall":           "removed outside in",
		"system host-name":   "changed excluded out",
		"system config-sync": "removed protected out",
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %q, want %q", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	if cs.Counts != (Counts{InScope: 1, Excluded: 1, Protected: 1}) {
		t.Errorf("counts %+v", cs.Counts)
	}
	// Only the scope: the firewall's rule 10, nothing else.
	only := c.Changes(true)
	if len(only.List) != 1 || only.List[0].Path.String() != "firewall" || !only.List[0].InScope {
		t.Errorf("only-scope changes %+v", only.List)
	}
	if only.A.Root.Lookup(config.Path{"firewall", "name", "X", "rule", "20"}) != nil {
		t.Error("the scoped left tree keeps rule 20, which M leaves out")
	}
	agree(t, c)

	// Rule 20 alone in scope of a map without rule 10: the removed
	// firewall is outside, whole.
	c2, err := Trees(left, right, MapSpec{Include: []string{"nat"}}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := c2.Counts(); n != (Counts{Outside: 2, Protected: 1}) {
		t.Errorf("--include nat: counts %+v", n)
	}
	agree(t, c2)
}

// TestChooseMapErrors: each spec that names no map gets an error naming
// the flag, the file and what was expected.
func TestChooseMapErrors(t *testing.T) {
	vyL, err := Load(va, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	hwL, err := Load(ha, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		left *config.Tree
		spec MapSpec
		want []string
	}{
		{vyL, MapSpec{Name: "NOPE"}, []string{"--sync-map NOPE", va, "carries only FW"}},
		{vyL, MapSpec{Name: "hrp"}, []string{"--sync-map hrp", "Huawei built-in", "FW"}},
		{hwL, MapSpec{Name: "FW"}, []string{"--sync-map FW", ha, "only sync-map is the built-in 'hrp'"}},
		{vyL, MapSpec{Name: "FW", Include: []string{"nat"}}, []string{"--sync-map FW", "not --include"}},
		{vyL, MapSpec{Include: []string{" "}}, []string{"--include", "expected a path"}},
		{vyL, MapSpec{Exclude: []string{" "}}, []string{"--exclude", "expected a path"}},
	}
	for _, c := range cases {
		m, err := ChooseMap(c.left, c.spec)
		if err == nil {
			t.Errorf("%+v: map %v, want an error", c.spec, m.Name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", c.spec, err, w)
			}
		}
	}
	// A Vyatta text without any map.
	bare := text(t, "bare", "set system host-name x\n")
	if _, err := ChooseMap(bare, MapSpec{Name: "FW"}); err == nil || !strings.Contains(err.Error(), "carries no sync-map") {
		t.Errorf("bare: %v", err)
	}
	// Narrow numbers its rules after the base's.
	m, err := ChooseMap(vyL, MapSpec{Name: "FW", Exclude: []string{"nat", "firewall name"}})
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, r := range m.Rules {
		nums = append(nums, r.Number)
	}
	if m.Name != "FW less --exclude" || !slices.IsSorted(nums) || len(nums) != 5 || nums[4] != 5 {
		t.Errorf("narrowed map %q rules %v", m.Name, nums)
	}
	if d := m.Decide(config.Path{"nat", "source"}); d.Scope != syncmap.Excluded {
		t.Errorf("nat in the narrowed map: %v", d)
	}
}

// TestLoadRefuses: a family that contradicts the text, an empty file, a
// pair of two families.
func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, []byte("\n# only a comment\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		err  error
		want []string
	}{
		{func() error { _, err := Load(va, config.Huawei); return err }(), []string{"--family huawei", va, "Vyatta text", "line "}},
		{func() error { _, err := Load(ha, config.Vyatta); return err }(), []string{"--family vyatta", ha, "Huawei text"}},
		{func() error { _, err := Load(empty, config.Auto); return err }(), []string{empty, "expected a configuration"}},
		{func() error { _, err := Load(filepath.Join(dir, "missing"), config.Auto); return err }(), []string{"missing: no such file"}},
		{func() error { _, _, _, err := LoadPair(va, ha, config.Auto, MapSpec{}); return err }(), []string{"Vyatta text but", "Huawei text", "one family"}},
		{func() error { _, err := Parse("vra-b", []byte("sysname FW\n#\nreturn\n"), config.Vyatta); return err }(), []string{"vra-b is Huawei text"}},
		{func() error { _, err := Parse("vra-b", []byte("  \n"), config.Vyatta); return err }(), []string{"vra-b: expected a configuration"}},
	}
	for i, c := range cases {
		if c.err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("case %d: error %q lacks %q", i, c.err, w)
			}
		}
	}
	l, _ := Load(va, config.Auto)
	r, _ := Load(ha, config.Auto)
	if _, err := New(l, r, syncmap.Default(config.Vyatta, l), "", diff.Options{}); err == nil {
		t.Error("New compared a Vyatta and a Huawei tree")
	}
}

// TestUnmatched: an include or exclude path no node lies under is
// reported, one that names a node (a tag value, a VRP undo line) is not.
func TestUnmatched(t *testing.T) {
	c := files(t, va, vb, MapSpec{})
	s := MapSpec{Include: []string{"firewal", "nat", "firewall name OUTSIDE-IN"}, Exclude: []string{"nat sorce", "interfaces ethernet eth0 vrrp"}}
	got := s.Unmatched(c.Left, c.Right)
	want := []Unmatched{{"include", "firewal"}, {"exclude", "nat sorce"}}
	if !slices.Equal(got, want) {
		t.Errorf("unmatched %v, want %v", got, want)
	}
	h := files(t, ha, hb, MapSpec{})
	if u := (MapSpec{Exclude: []string{"interface GigabitEthernet1/0/1 shutdown"}}).Unmatched(h.Left, h.Right); len(u) != 0 {
		t.Errorf("undo shutdown not found: %v", u)
	}
}
