package plan

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

// The sync contract for the Vyatta family: for a pair (L, R) and a map m,
// applying plan(L, R, m) to R with the device's semantics (vySim) leaves
// R's in-scope part equal to L's and its out-of-scope part as it was.
// Masked secrets are exempt: the plan lists them instead of sending them.

// vyCorpusDirs are the corpus directories whose files are configurations,
// with the files that are not: command scripts and remediation lists are
// edits to a configuration, not a configuration a device holds.
var vyCorpusDirs = []struct {
	dir     string
	exclude map[string]string // file → why it does not take part
}{
	{dir: "vyos/configs"},
	{dir: "vyos/config-tests"},
	{dir: "vyos/ansible-vyos"},
	{dir: "vyos/misc"},
	{dir: "vyos/edgeos"},
	{dir: "vyos/oxidized"},
	{dir: "vyos/hier_config", exclude: map[string]string{
		"vyos_remediation.conf": "a remediation list (delete/set commands), not a configuration",
		"vyos_rollback.conf":    "a rollback list (delete/set commands), not a configuration",
	}},
	// vyos/homelab-bjw-s holds command scripts (#!/bin/vbash, configure,
	// set, commit, save), each a part of one configuration: no pair of them
	// is two members of a pair. vyos/big has one file: it is paired with a
	// peer that ../shared/tools/mkpeer.py derives (TestVyattaContractBig).
}

// vyMaps are the maps each pair is tried under: the family's default (all
// but the protected paths), the sync-maps L itself carries, and maps built
// from L's own top-level nodes with an exclude inside an include, so that
// a plan that reaches outside its map is caught.
func vyMaps(t *testing.T, l *config.Tree) []*syncmap.Map {
	t.Helper()
	maps := []*syncmap.Map{syncmap.Default(config.Vyatta, l)}
	if own, _, err := syncmap.FromConfig(l); err == nil {
		maps = append(maps, own...)
	}
	tops := l.Root.Children
	if len(tops) == 0 {
		return maps
	}
	first := tops[0]
	inc := []string{first.Name}
	if len(tops) > 2 {
		inc = append(inc, tops[len(tops)/2].Name)
	}
	var exc []string
	if len(first.Children) > 0 {
		exc = append(exc, first.Name+" "+first.Children[0].Name)
		if c := first.Children[len(first.Children)-1]; len(c.Children) > 0 {
			inc = append(inc, first.Name+" "+c.Name+" "+c.Children[0].Name)
		}
	}
	m, err := syncmap.FromFlags(inc, exc)
	if err != nil {
		t.Fatalf("map from %q minus %q: %v", inc, exc, err)
	}
	return append(maps, m)
}

// vyMultiOf is what the device knows of a leaf: the schema's <multi/>, or a
// side that holds several values.
func vyMultiOf(l, r *config.Tree) func(path []string) bool {
	return func(path []string) bool {
		for _, t := range []*config.Tree{l, r} {
			if n := t.Root.Lookup(config.Path(path)); n != nil && len(n.Values) > 1 {
				return true
			}
		}
		return schemaMulti(config.Path(path))
	}
}

// checkVyContract builds the plan for (l, r, m), applies it to r and checks
// the contract. It returns the number of commands.
func checkVyContract(t *testing.T, name string, l, r *config.Tree, m *syncmap.Map) int {
	t.Helper()
	p, err := Build(l, r, m, Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if dup := duplicate(p.Commands); dup != "" {
		t.Errorf("%s (map %s): command sent twice: %s", name, m.Name, dup)
	}
	stepsRoundTrip(t, name+" (map "+m.Name+")", p)
	sim := newVySim(r, vyMultiOf(l, r))
	if err := sim.apply(p.Commands); err != nil {
		t.Errorf("%s (map %s): the device refuses the plan: %v\nplan:\n%s", name, m.Name, err, head(p.Commands))
		return len(p.Commands)
	}
	got := sim.tree()
	var left []string
	for _, c := range diff.Trees(m.Scoped(l), m.Scoped(got), diff.Options{}) {
		if !exempt(c.Path, p.Conflicts) {
			left = append(left, c.Kind.String()+" "+c.Path.String())
		}
	}
	if len(left) > 0 {
		t.Errorf("%s (map %s): after the plan the in-scope parts still differ:\n  %s\nplan:\n%s", name, m.Name,
			strings.Join(left, "\n  "), head(p.Commands))
	}
	if before, after := vyOutside(r, m), vyOutside(got, m); !slices.Equal(before, after) {
		t.Errorf("%s (map %s): the plan changed the target outside the map:\n  before %s\n  after  %s\nplan:\n%s", name, m.Name,
			firstDiff(before, after), firstDiff(after, before), head(p.Commands))
	}
	return len(p.Commands)
}

// exempt reports whether path is at or below a conflict's path (a masked
// secret the plan lists rather than sends), or above one: a ruleset kept
// because a line that stays names it keeps its ancestors too.
func exempt(path config.Path, conflicts []Conflict) bool {
	for _, c := range conflicts {
		n := min(len(c.Path), len(path))
		if slices.Equal(c.Path[:n], path[:n]) {
			return true
		}
	}
	return false
}

func duplicate(cmds []string) string {
	seen := map[string]bool{}
	for _, c := range cmds {
		if seen[c] && !isVRPView(c) {
			return c
		}
		seen[c] = true
	}
	return ""
}

// isVRPView is true for the lines a VRP plan repeats to enter a view again;
// only Vyatta commands are checked for repeats here.
func isVRPView(c string) bool {
	return !strings.HasPrefix(c, "set ") && !strings.HasPrefix(c, "delete ")
}

// vyOutside lists what the map does not share: every value of a node that is
// not in scope, and every such node that has neither values nor children
// (a valueless leaf, an empty node), one line each, sorted. A container
// emptied because its in-scope children went is not listed: on the device
// it only holds structure.
func vyOutside(t *config.Tree, m *syncmap.Map) []string {
	var out []string
	t.Root.Walk(func(p config.Path, n *config.Node) bool {
		if m.Decide(p).Scope == syncmap.InScope {
			return true
		}
		for _, v := range n.Values {
			out = append(out, p.String()+" = "+v)
		}
		if len(n.Values) == 0 && len(n.Children) == 0 && n.Leaf {
			out = append(out, p.String())
		}
		return true
	})
	sort.Strings(out)
	return out
}

func firstDiff(a, b []string) string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	for _, s := range a {
		if !in[s] {
			return s
		}
	}
	return "(nothing)"
}

func TestVyattaContractCorpus(t *testing.T) {
	pairs, plans, cmds := 0, 0, 0
	for _, d := range vyCorpusDirs {
		var trees []*config.Tree
		for _, f := range testcorpus.Files(t, d.dir) {
			if _, skip := d.exclude[filepath.Base(f)]; skip {
				continue
			}
			tr, err := config.ParseFile(f, config.Vyatta)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			trees = append(trees, tr)
		}
		for _, l := range trees {
			for _, r := range trees {
				if l == r && len(trees) > 1 {
					continue
				}
				pairs++
				for _, m := range vyMaps(t, l) {
					plans++
					cmds += checkVyContract(t, filepath.Base(l.Source)+" → "+filepath.Base(r.Source), l, r, m)
				}
			}
		}
	}
	t.Logf("Vyatta contract: %d ordered corpus pairs, %d plans, %d commands applied", pairs, plans, cmds)
}

// TestVyattaContractBig pairs VyOS's 43k-line firewall-big with the peer
// that ../shared/tools/mkpeer.py derives from it, both ways.
func TestVyattaContractBig(t *testing.T) {
	src := filepath.Join(testcorpus.Dir(t), "vyos", "big", "firewall-big")
	tool := filepath.Join(testcorpus.Shared(t, "tools"), "mkpeer.py")
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is needed to derive the peer of firewall-big")
		}
		t.Skip("python3 not found: cannot derive the peer of firewall-big")
	}
	peer := filepath.Join(t.TempDir(), "firewall-big-peer")
	if out, err := exec.Command(py, tool, src, peer, "--pct", "5").CombinedOutput(); err != nil {
		t.Fatalf("mkpeer: %v\n%s", err, out)
	}
	a, err := config.ParseFile(src, config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.ParseFile(peer, config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range vyMaps(t, a) {
		n += checkVyContract(t, "firewall-big → peer", a, b, m)
		n += checkVyContract(t, "peer → firewall-big", b, a, m)
	}
	if n == 0 {
		t.Error("the peer of firewall-big differs in nothing: mkpeer did not drift it")
	}
	t.Logf("firewall-big: %d commands applied", n)
}

// head shows the start of a plan in a failure message.
func head(cmds []string) string {
	const n = 12
	if len(cmds) <= n {
		return strings.Join(cmds, "\n")
	}
	return strings.Join(cmds[:n], "\n") + "\n… " + strconv.Itoa(len(cmds)-n) + " more"
}
