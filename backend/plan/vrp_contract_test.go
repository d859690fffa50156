package plan

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

var maskOpts = diff.Options{MaskSecrets: true}

// vrpEverything is a map that shares every node (HRP's own lines stay
// protected): a push of the whole configuration.
func vrpEverything() *syncmap.Map {
	return &syncmap.Map{Name: "everything", Family: config.Huawei, Rules: []syncmap.Rule{{Number: 1, Action: syncmap.Include}}}
}

// vrpHoles shares everything but some parts inside views: a VLAN, an
// interface, the AAA domains, BGP, the ACLs and a user interface.
func vrpHoles() *syncmap.Map {
	m := &syncmap.Map{Name: "holes", Family: config.Huawei, Rules: []syncmap.Rule{{Number: 1, Action: syncmap.Include}}}
	for i, loc := range []string{"vlan 10", "interface GigabitEthernet1/0/1", "aaa domain", "bgp", "acl", "user-interface vty", "security-policy rule name deny_all", "dhcp server"} {
		m.Rules = append(m.Rules, syncmap.Rule{Number: i + 2, Action: syncmap.Exclude, Location: strings.Fields(loc)})
	}
	return m
}

// vrpOutside returns a copy of t holding only what m does not share: the
// nodes out of scope with their values, and the in-scope ancestors of such
// nodes as bare structure.
func vrpOutside(m *syncmap.Map, t *config.Tree) *config.Tree {
	dec := m.Evaluate(t)
	var keep func(n *config.Node) []*config.Node
	keep = func(n *config.Node) []*config.Node {
		var out []*config.Node
		for _, c := range n.Children {
			kids := keep(c)
			in := dec[c].Scope == syncmap.InScope
			if in && len(kids) == 0 {
				continue
			}
			cp := &config.Node{Name: c.Name, Children: kids, Ordered: c.Ordered, Secret: c.Secret}
			if !in {
				cp.Values = append([]string(nil), c.Values...)
			}
			out = append(out, cp)
		}
		return out
	}
	return &config.Tree{Family: t.Family, Root: &config.Node{Children: keep(t.Root)}}
}

// vrpBuild is Build for tests that cannot fail on its error (both trees
// are Huawei).
func vrpBuild(l, r *config.Tree, m *syncmap.Map, o Options) *Plan {
	p, err := Build(l, r, m, o)
	if err != nil {
		panic(err)
	}
	return p
}

// vrpContract plans L -> R, applies the plan to R with the simulator and
// checks the contract. It returns the plan (for counting) and the first
// failure.
func vrpContract(l, r *config.Tree, m *syncmap.Map, mode Mode) (*Plan, error) {
	p := vrpBuild(l, r, m, Options{Mode: mode, Diff: maskOpts})
	for _, c := range p.Commands {
		if slices.Contains(strings.Fields(c), config.Mask) {
			return p, fmt.Errorf("the plan sends a masked secret: %q", c)
		}
	}
	sim := newVRPSim(r, l)
	if err := sim.Apply(p.Commands); err != nil {
		return p, fmt.Errorf("the device refuses the plan: %v\nplan:\n%s", err, strings.Join(p.Commands, "\n"))
	}
	got := sim.Tree(r.Family)
	fail := func(what string, a, b *config.Tree) error {
		var lines []string
		for _, c := range diff.Trees(a, b, maskOpts) {
			lines = append(lines, fmt.Sprintf("  %s %s", c.Kind, c.Path))
		}
		return fmt.Errorf("%s:\n%s\nplan:\n%s", what, strings.Join(lines, "\n"), strings.Join(p.Commands, "\n"))
	}
	if !diff.Equal(vrpOutside(m, r), vrpOutside(m, got), maskOpts) {
		return p, fail("the plan changed the target outside the map", vrpOutside(m, r), vrpOutside(m, got))
	}
	// A conflict the plan lists (a masked secret; in HRP mode what hrp
	// sync config leaves alone) is exempt.
	listed := func(p0 config.Path) bool { return exempt(p0, p.Conflicts) }
	if mode == Push {
		for _, c := range diff.Trees(m.Scoped(l), m.Scoped(got), maskOpts) {
			if !listed(c.Path) {
				return p, fail("after the plan the in-scope parts differ (source -> result)", m.Scoped(l), m.Scoped(got))
			}
		}
		return p, nil
	}
	// HRP: every in-scope line of L the target lacked is there; the
	// target's extras and conflicts are as they were.
	for _, c := range diff.Trees(m.Scoped(l), m.Scoped(got), maskOpts) {
		if c.Kind == diff.Removed && !listed(c.Path) {
			return p, fail("hrp: a line of the source is still missing", m.Scoped(l), m.Scoped(got))
		}
	}
	for _, c := range diff.Trees(m.Scoped(r), m.Scoped(got), maskOpts) {
		if c.Kind != diff.Added {
			return p, fail("hrp: the plan changed, removed or moved a line of the target", m.Scoped(r), m.Scoped(got))
		}
	}
	return p, nil
}

// vrpCorpusSkip names the files of ../shared/corpus/huawei that are not
// configurations, and why.
var vrpCorpusSkip = map[string]string{
	"comware5_remediation.conf": "a list of remediation commands (undo lines to send), not a configuration",
	"comware5_rollback.conf":    "a list of rollback commands, not a configuration",
}

// vrpCorpusConfigs returns, per directory, the configuration files that
// take part, logging the others with the reason.
func vrpCorpusConfigs(t *testing.T) map[string][]*config.Tree {
	files := testcorpus.Files(t, "huawei")
	out := map[string][]*config.Tree{}
	for _, f := range files {
		base := filepath.Base(f)
		if why, ok := vrpCorpusSkip[base]; ok {
			t.Logf("not a configuration: %s: %s", base, why)
			continue
		}
		if filepath.Ext(f) == ".diff" {
			t.Logf("not a configuration: %s: a compare output (+/- lines)", base)
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := config.Parse(base, b, config.Huawei)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		dir := filepath.Base(filepath.Dir(f))
		out[dir] = append(out[dir], tr)
	}
	return out
}

// TestVRPContractCorpus: every ordered pair of configurations within each
// directory of ../shared/corpus/huawei (a file with itself too), with the
// HRP map and a map of everything, in push and HRP mode.
func TestVRPContractCorpus(t *testing.T) {
	dirs := vrpCorpusConfigs(t)
	var names []string
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	pairs, runs, files := 0, 0, 0
	for _, d := range names {
		trees := dirs[d]
		files += len(trees)
		var taking []string
		for _, tr := range trees {
			taking = append(taking, tr.Source)
		}
		t.Logf("%s: %s", d, strings.Join(taking, ", "))
		for _, l := range trees {
			for _, r := range trees {
				pairs++
				for _, m := range []*syncmap.Map{syncmap.HRP(l), vrpEverything(), vrpHoles()} {
					for _, mode := range []Mode{Push, HRP} {
						runs++
						if _, err := vrpContract(l, r, m, mode); err != nil {
							t.Errorf("%s: %s -> %s, map %s, %s: %v", d, l.Source, r.Source, m.Name, mode, err)
						}
					}
				}
			}
		}
	}
	t.Logf("corpus: %d configurations in %d directories, %d ordered pairs, %d contract runs (3 maps x 2 modes)", files, len(names), pairs, runs)
}

// policyText prints a security-policy and a nat-policy with the rules
// named in order; each rule's body is derived from its name. A policy
// without rules is left out: an empty `nat-policy` line against a policy
// whose rules are all out of the map is a difference syncmap.Scoped keeps
// (reported to the lead), not a plan defect.
func policyText(sec, nat []string) string {
	var b strings.Builder
	b.WriteString("#\nip address-set AS1 type object\n address 0 10.0.0.1 mask 32\n#\nip address-set AS2 type object\n address 0 10.0.0.2 mask 32\n")
	if len(sec) > 0 {
		b.WriteString("#\nsecurity-policy\n")
	}
	for _, n := range sec {
		fmt.Fprintf(&b, " rule name %s\n  source-zone trust\n  destination-address address-set AS%d\n  action %s\n", n, 1+len(n)%2, []string{"permit", "deny"}[len(n)%2])
	}
	if len(nat) > 0 {
		b.WriteString("#\nnat-policy\n")
	}
	for _, n := range nat {
		fmt.Fprintf(&b, " rule name %s\n  source-zone trust\n  action source-nat easy-ip\n", n)
	}
	b.WriteString("#\nreturn\n")
	return b.String()
}

func permutations(s []string, fn func([]string)) {
	var rec func(k int)
	rec = func(k int) {
		if k == len(s) {
			fn(append([]string(nil), s...))
			return
		}
		for i := k; i < len(s); i++ {
			s[k], s[i] = s[i], s[k]
			rec(k + 1)
			s[k], s[i] = s[i], s[k]
		}
	}
	rec(0)
}

// TestVRPContractPolicyPermutations: every order of five rules against
// every order of the same rules, of four of them and of four plus a new
// one (rules added and removed), in both policies; then random policies of
// about twenty rules from a seeded generator.
func TestVRPContractPolicyPermutations(t *testing.T) {
	// The map of everything, and one that leaves a rule of each policy
	// and the address-sets out: the moves keep the rules out of scope
	// where they are.
	partial := mustFlags(t, []string{"security-policy", "nat-policy"}, []string{"security-policy rule name c", "nat-policy rule name bb"})
	cases := 0
	check := func(lsec, rsec, lnat, rnat []string) {
		t.Helper()
		l := parse(t, "l", policyText(lsec, lnat))
		r := parse(t, "r", policyText(rsec, rnat))
		for _, m := range []*syncmap.Map{vrpEverything(), partial} {
			for _, mode := range []Mode{Push, HRP} {
				cases++
				if _, err := vrpContract(l, r, m, mode); err != nil {
					t.Fatalf("map %s, %s: L sec=%v nat=%v, R sec=%v nat=%v: %v", m.Name, mode, lsec, lnat, rsec, rnat, err)
				}
			}
		}
	}
	five := []string{"a", "bb", "c", "dd", "e"}
	var all [][]string
	permutations(five, func(p []string) { all = append(all, p) })
	targets := [][]string{five, {"e", "dd", "c", "bb", "a"}, {"a", "c", "e", "dd"}, {"x", "e", "c", "a", "bb"}, {"dd", "yy", "a", "zz"}, nil}
	for _, l := range all {
		for _, r := range targets {
			check(l, r, r, l)
		}
		// and the reverse direction: the permutation as the target
		check(five, l, l, []string{"c", "a"})
	}
	// every order of four against every order of four
	four := []string{"a", "bb", "c", "dd"}
	var all4 [][]string
	permutations(four, func(p []string) { all4 = append(all4, p) })
	for _, l := range all4 {
		for _, r := range all4 {
			check(l, r, r, l)
		}
	}
	rng := rand.New(rand.NewSource(7))
	randomRules := func() []string {
		n := 15 + rng.Intn(10)
		var out []string
		for _, i := range rng.Perm(30)[:n] {
			out = append(out, fmt.Sprintf("r%d", i))
		}
		return out
	}
	random := 500
	if testing.Short() || vrpRace {
		random = 100
	}
	for range random {
		check(randomRules(), randomRules(), randomRules(), randomRules())
	}
	t.Logf("policy permutations: %d contract runs (2 maps x push and hrp)", cases)
}
