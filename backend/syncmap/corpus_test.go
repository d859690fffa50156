package syncmap

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/testcorpus"
)

// Evaluate must agree with Decide on every node of real configurations.
func TestEvaluateCorpus(t *testing.T) {
	vyMaps := []*Map{
		Default(config.Vyatta, nil),
		smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name", "3 include interfaces", "4 exclude interfaces ethernet eth0", "5 include system", "6 exclude system login"),
		smMap(t, config.Vyatta, "1 include service", "2 exclude service", "3 include protocols static", "9 include nat source rule 100"),
	}
	parsed, nodes := 0, 0
	for _, sub := range []string{"vyos/configs", "vyos/config-tests", "huawei/constructed"} {
		for _, file := range testcorpus.Files(t, sub) {
			tr, err := config.ParseFile(file, config.Auto)
			if err != nil {
				t.Logf("%s: not parsed: %v", filepath.Base(file), err)
				continue
			}
			parsed++
			maps := vyMaps
			if tr.Family == config.Huawei {
				maps = []*Map{HRP(tr), smMap(t, config.Huawei, "1 include", "2 exclude security-policy", "3 include security-policy rule name allow_dns")}
			}
			for _, m := range maps {
				nodes += smCheckAgree(t, m, tr)
				if s := m.Scoped(tr); s.Root.Count() > tr.Root.Count() {
					t.Errorf("%s: scoped tree larger than the tree", file)
				}
			}
		}
	}
	if parsed == 0 {
		t.Fatal("no corpus file parsed")
	}
	t.Logf("%d files, %d node decisions checked", parsed, nodes)
}

// The constructed USG file holds exactly the HRP cases DOMAIN.md lists.
func TestHRPCorpus(t *testing.T) {
	file := filepath.Join(testcorpus.Dir(t), "huawei", "constructed", "usg6000-dc1-a.cfg")
	tr, err := config.ParseFile(file, config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	m := HRP(tr)
	dec := m.Evaluate(tr)
	seen := map[Scope]bool{}
	tr.Root.Walk(func(p config.Path, n *config.Node) bool {
		w := strings.Join(p.Words(), " ")
		want := InScope
		switch {
		case w == "hrp" || strings.HasPrefix(w, "hrp "):
			want = Protected
		case strings.HasPrefix(w, "interface "), strings.HasPrefix(w, "ospf "), w == "sysname" || strings.HasPrefix(w, "sysname "):
			want = Excluded
		}
		// The file enables static-route auto-sync: its routes are in scope.
		if got := dec[n].Scope; got != want {
			t.Errorf("%q: %v, want %v", p, dec[n], want)
		}
		seen[dec[n].Scope] = true
		return true
	})
	if !seen[InScope] || !seen[Excluded] || !seen[Protected] {
		t.Errorf("expected all three scopes in the file, saw %v", seen)
	}

	all := smMap(t, config.Huawei, "1 include")
	var got []string
	for _, w := range all.Warnings(tr) {
		got = append(got, w.Path.String())
	}
	for _, want := range []string{"sysname", "interface GigabitEthernet1/0/0 ip address", "interface GigabitEthernet1/0/0 vrrp vrid 10 virtual-ip"} {
		if !slices.Contains(got, want) {
			t.Errorf("no warning for %q in %q", want, got)
		}
	}
	if w := m.Warnings(tr); len(w) != 0 {
		t.Errorf("the HRP map itself warns: %v", w)
	}
}
