package syncmap

import (
	"errors"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// FuzzFromConfig feeds set text to FromConfig: it must never panic, fail
// only with ErrInvalid and nothing built, and what it reads must validate,
// agree between Evaluate and Decide, and print back to the same maps.
func FuzzFromConfig(f *testing.F) {
	f.Add(smSyncConfig)
	f.Add(smSample)
	f.Add("set system config-sync sync-map A rule 1 action exclude\nset system config-sync sync-map A rule 1 location \"it's here\"\n")
	f.Add("set system config-sync sync-map 'a b' rule 1024 action include\nset system config-sync sync-map 'a b' rule 1024 location 'x\ty'\n")
	f.Add("set system config-sync remote-router 10.0.0.1 sync-map A\n")
	f.Fuzz(func(t *testing.T, text string) {
		tr := smSetTree("fuzz.conf", text)
		if tr == nil {
			return
		}
		maps, remotes, err := FromConfig(tr)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || maps != nil || remotes != nil {
				t.Fatalf("error %v with result %v %v", err, maps, remotes)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.conf:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, m := range maps {
			if err := m.Validate(); err != nil {
				t.Fatalf("FromConfig built an invalid map: %v", err)
			}
			smCheckAgree(t, m, tr)
			back, _, err := FromConfig(smSetTree("back", m.String()))
			if err != nil || len(back) != 1 || back[0].String() != m.String() {
				t.Fatalf("map does not round-trip: %v\n%s\n---\n%v", err, m, back)
			}
		}
	})
}

// FuzzDecide checks that the one-walk Evaluate agrees with Decide on names
// with any spacing, and that FromFlags rejects only what it should.
func FuzzDecide(f *testing.F) {
	f.Add("firewall,firewall name X rule 10", "firewall name X", "firewall|name|X|rule|10")
	f.Add("ip route-static", "interface", "ip route-static 0.0.0.0 0.0.0.0 198.51.100.1|description")
	f.Add("system", "", "system|config-sync|sync-map")
	f.Add("a  b", "a\u00a0b", " a \t|b\u0085|c")
	f.Fuzz(func(t *testing.T, inc, exc, path string) {
		var include, exclude []string
		if inc != "" {
			include = strings.Split(inc, ",")
		}
		if exc != "" {
			exclude = strings.Split(exc, ",")
		}
		m, err := FromFlags(include, exclude)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("FromFlags error %v is not ErrInvalid", err)
			}
			return
		}
		tr := &config.Tree{Root: &config.Node{}, Source: "fuzz"}
		n := tr.Root
		for _, name := range strings.Split(path, "|") {
			c := &config.Node{Name: name}
			n.Children = append(n.Children, c)
			n = c
		}
		for _, fam := range []config.Family{config.Auto, config.Vyatta, config.Huawei} {
			m.Family = fam
			smCheckAgree(t, m, tr)
			_ = m.Warnings(tr)
			_ = m.Scoped(tr)
		}
	})
}
