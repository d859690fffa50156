package compare

import (
	"errors"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
)

const carrier = `set firewall name X rule 10 action accept
set system host-name %s
set system config-sync sync-map M rule 1 action include
set system config-sync sync-map M rule 1 location firewall
set system config-sync sync-map N rule 1 action include
set system config-sync sync-map N rule 1 location nat
`

func vy(t *testing.T, name, src string) Member {
	t.Helper()
	return Member{Name: name, Tree: text(t, name, strings.ReplaceAll(src, "%s", name))}
}

// TestLiveDirection: the device that carries the map is the source,
// whichever member it is; the label says which.
func TestLiveDirection(t *testing.T) {
	plain := "set firewall name X rule 10 action drop\nset system host-name %s\n"
	pushing := carrier + "set system config-sync remote-router 192.0.2.2 sync-map N\n"
	cases := []struct {
		name     string
		a, b     string
		spec     LiveSpec
		source   string
		label    string
		inScope  int
		errParts []string
	}{
		{name: "a carries M", a: carrier, b: plain, spec: LiveSpec{SyncMap: "M"}, source: "a", label: "M (carried by a)", inScope: 1},
		{name: "b carries M", a: plain, b: carrier, spec: LiveSpec{SyncMap: "M"}, source: "b", label: "M (carried by b)", inScope: 1},
		// N covers nat only: the firewall differs outside it.
		{name: "b carries N", a: plain, b: carrier, spec: LiveSpec{SyncMap: "N"}, source: "b", label: "N (carried by b)", inScope: 0},
		{name: "both carry, b pushes", a: carrier, b: pushing, spec: LiveSpec{SyncMap: "N"}, source: "b", label: "N (carried by b)"},
		{name: "both carry, none pushes, source named", a: carrier, b: carrier, spec: LiveSpec{SyncMap: "M", Source: "b"}, source: "b", label: "M (carried by b)"},
		{name: "no map named, a remote-router names N", a: plain, b: pushing, source: "b", label: "N (carried by b, remote-router 192.0.2.2)"},
		{name: "no map anywhere", a: plain, b: plain, spec: LiveSpec{Source: "b"}, source: "b", label: "all (default: all but the protected paths)", inScope: 1},
		{name: "no map named, none pushes", a: carrier, b: plain, source: "a", label: "all (default: all but the protected paths)", inScope: 2},
		{name: "missing map", a: carrier, b: plain, spec: LiveSpec{SyncMap: "Q"}, errParts: []string{"sync-map Q", "neither a nor b", "a: M, a: N"}},
		{name: "missing map, none carried", a: plain, b: plain, spec: LiveSpec{SyncMap: "Q"}, errParts: []string{"neither carries a sync-map"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmp, err := Live(vy(t, "a", c.a), vy(t, "b", c.b), c.spec, diff.Options{})
			if c.errParts != nil {
				if err == nil {
					t.Fatalf("no error; source %s", cmp.Left.Source)
				}
				for _, p := range c.errParts {
					if !strings.Contains(err.Error(), p) {
						t.Errorf("error %q lacks %q", err, p)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmp.Left.Source != c.source || cmp.Right.Source == c.source {
				t.Errorf("source %s, target %s; want source %s", cmp.Left.Source, cmp.Right.Source, c.source)
			}
			if cmp.Label != c.label {
				t.Errorf("label %q, want %q", cmp.Label, c.label)
			}
			// The label's parts, as fields: where the map comes from and
			// the member that carries it (none for the default map).
			carrier := ""
			if !strings.Contains(c.label, "default") {
				carrier = c.source
			}
			if cmp.Map.Name+" ("+cmp.From+")" != c.label || cmp.Carrier != carrier {
				t.Errorf("from %q, carrier %q; want the label's part and %q", cmp.From, cmp.Carrier, carrier)
			}
			if n := cmp.Counts().InScope; n != c.inScope {
				t.Errorf("in scope %d, want %d (%+v)", n, c.inScope, cmp.Counts())
			}
		})
	}
}

// TestLiveHRP: a Huawei pair is scoped by the built-in hrp map, from the
// active member.
func TestLiveHRP(t *testing.T) {
	l, err := Load(ha, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Load(hb, config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	for _, activeB := range []bool{false, true} {
		cmp, err := Live(Member{Name: "FW-A", Tree: l, Active: !activeB}, Member{Name: "FW-B", Tree: r, Active: activeB}, LiveSpec{}, diff.Options{MaskSecrets: true})
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]*config.Tree{false: l, true: r}[activeB]
		if cmp.Left != want || cmp.Map.Name != "hrp" || !strings.Contains(cmp.Label, "active member") {
			t.Errorf("active B %v: source %s, map %s, label %q", activeB, cmp.Left.Source, cmp.Map.Name, cmp.Label)
		}
		if !strings.HasPrefix(cmp.From, "built in: ") || cmp.Carrier != "" {
			t.Errorf("active B %v: from %q, carrier %q: want built in, none", activeB, cmp.From, cmp.Carrier)
		}
		if n := cmp.Counts(); n.InScope != 6 {
			t.Errorf("active B %v: counts %+v", activeB, n)
		}
	}
	// Both active (split brain): no direction, ErrDualActive.
	if cmp, err := Live(Member{Name: "FW-A", Tree: l, Active: true}, Member{Name: "FW-B", Tree: r, Active: true}, LiveSpec{Source: "FW-A"}, diff.Options{}); !errors.Is(err, ErrDualActive) || cmp != nil ||
		!strings.Contains(err.Error(), "dual active: both members active (FW-A and FW-B") {
		t.Errorf("both active: %v, %v; want ErrDualActive and no comparison", cmp, err)
	}
	// No role known: the inventory's source, said in the label.
	cmp, err := Live(Member{Name: "FW-A", Tree: l}, Member{Name: "FW-B", Tree: r}, LiveSpec{Source: "FW-B"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Left != r || !strings.Contains(cmp.Label, "no active member known") {
		t.Errorf("no role: source %s, label %q", cmp.Left.Source, cmp.Label)
	}
	if _, err := Live(Member{Name: "FW-A", Tree: l}, Member{Name: "FW-B", Tree: r}, LiveSpec{SyncMap: "M"}, diff.Options{}); err == nil || !strings.Contains(err.Error(), "only sync-map is the built-in 'hrp'") {
		t.Errorf("named map on Huawei: %v", err)
	}
	v := vy(t, "a", carrier)
	if _, err := Live(v, Member{Name: "FW-B", Tree: r}, LiveSpec{}, diff.Options{}); err == nil || !strings.Contains(err.Error(), "one family") {
		t.Errorf("mixed families: %v", err)
	}
}

// TestRescope: include paths replace a live pair's map, exclude paths
// narrow it; the direction stays.
func TestRescope(t *testing.T) {
	c, err := Live(vy(t, "a", "set nat source rule 1 outbound-interface eth0\nset system host-name %s\n"), vy(t, "b", carrier), LiveSpec{SyncMap: "M"}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Left.Source != "b" || c.Counts().InScope != 1 {
		t.Fatalf("source %s, counts %+v", c.Left.Source, c.Counts())
	}
	ex, err := Rescope(c, MapSpec{Exclude: []string{"firewall"}})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Left.Source != "b" || ex.Label != "M less --exclude (carried by b)" || ex.Counts() != (Counts{Excluded: 1, Outside: 2, Protected: 1}) {
		t.Errorf("narrowed: source %s, label %q, counts %+v", ex.Left.Source, ex.Label, ex.Counts())
	}
	if ex.From != "carried by b" || ex.Carrier != "b" {
		t.Errorf("narrowed: from %q, carrier %q", ex.From, ex.Carrier)
	}
	in, err := Rescope(c, MapSpec{Include: []string{"nat"}})
	if err != nil {
		t.Fatal(err)
	}
	if in.Left.Source != "b" || in.Label != "flags (--include/--exclude)" || in.Counts().InScope != 1 || in.Carrier != "" {
		t.Errorf("included: source %s, label %q, carrier %q, counts %+v", in.Left.Source, in.Label, in.Carrier, in.Counts())
	}
	if _, err := Rescope(c, MapSpec{Name: "N"}); err == nil {
		t.Error("Rescope took a map name")
	}
	if _, err := Rescope(c, MapSpec{Exclude: []string{" "}}); err == nil || !strings.Contains(err.Error(), "--exclude") {
		t.Errorf("blank exclude: %v", err)
	}
}

// TestLiveRefusesEmpty: a member whose read holds no configuration is not
// compared (it would read as "delete everything" on the target).
func TestLiveRefusesEmpty(t *testing.T) {
	empty := &config.Tree{Family: config.Vyatta, Root: &config.Node{}, Source: "b"}
	_, err := Live(vy(t, "a", carrier), Member{Name: "b", Tree: empty}, LiveSpec{}, diff.Options{})
	if err == nil || !strings.Contains(err.Error(), "b: the configuration read holds no configuration") {
		t.Errorf("empty member: %v", err)
	}
	_, err = Live(Member{Name: "a", Tree: &config.Tree{Family: config.Vyatta}}, vy(t, "b", carrier), LiveSpec{}, diff.Options{})
	if err == nil || !strings.Contains(err.Error(), "a: ") {
		t.Errorf("member without a root: %v", err)
	}
}

// TestLiveDualActiveVRRP: both members MASTER of one VRRP group is a split
// brain: no direction; MASTER of different groups (load sharing) is not.
func TestLiveDualActiveVRRP(t *testing.T) {
	a, b := vy(t, "a", carrier), vy(t, "b", carrier)
	a.Masters, b.Masters = []string{"dp0s1/1", "dp0s2/10"}, []string{"dp0s2/10"}
	cmp, err := Live(a, b, LiveSpec{SyncMap: "M"}, diff.Options{})
	if !errors.Is(err, ErrDualActive) || cmp != nil || !strings.Contains(err.Error(), "VRRP MASTER on both for dp0s2/10)") {
		t.Errorf("both MASTER of dp0s2/10: %v, %v", cmp, err)
	}
	a.Masters, b.Masters = []string{"dp0s1/1"}, []string{"dp0s2/10"}
	if _, err := Live(a, b, LiveSpec{SyncMap: "M"}, diff.Options{}); err != nil {
		t.Errorf("load sharing: %v", err)
	}
}
