package vyatta

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func devOp(t *testing.T, d *Device, line string) string {
	t.Helper()
	var out []string
	if err := d.Op(context.Background(), strings.Fields(line), func(l string) { out = append(out, l) }); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// TestFlavorFormats: a VRA says so in `show version`, indents `show
// configuration` with tabs and ends it with the vyatta-config-version
// footer; a VyOS device with 4 spaces and the vyos-config-version footer.
// `show configuration commands` is the same on both.
func TestFlavorFormats(t *testing.T) {
	for _, tc := range []struct {
		flavor                Flavor
		version, indent, foot string
	}{
		{"", "Vyatta Router Appliance", "\tdataplane dp0s1 {\n\t\taddress 192.0.2.1/24\n\t}", `/* === vyatta-config-version: "`},
		{FlavorVyOS, "VyOS 1.4.0", "    dataplane dp0s1 {\n        address 192.0.2.1/24\n    }", `// vyos-config-version: "`},
	} {
		d := devNew(t, Options{Flavor: tc.flavor}, devBase...)
		if v := devOp(t, d, "show version"); !strings.Contains(v, "Description:      "+tc.version) {
			t.Errorf("%q: show version:\n%s", tc.flavor, v)
		}
		c := devOp(t, d, "show configuration")
		if !strings.Contains(c, tc.indent) || !strings.Contains(c, tc.foot) {
			t.Errorf("%q: show configuration:\n%s", tc.flavor, c)
		}
		if tr, err := config.Parse("x", []byte(c), config.Vyatta); err != nil || !config.Equal(tr.Root, d.Running().Root) {
			t.Errorf("%q: show configuration does not read back: %v", tc.flavor, err)
		}
		if cmds := devOp(t, d, "show configuration commands"); strings.Contains(cmds, "config-version") || strings.Contains(cmds, "\t") {
			t.Errorf("%q: show configuration commands:\n%s", tc.flavor, cmds)
		}
	}
}

// TestPartialCommitDependents: with PartialCommit, a subtree that refers
// to a failed one fails too (the interface names a ruleset whose new rule
// lacks an action), a subtree that stands alone applies; without it the
// commit applies nothing.
func TestPartialCommitDependents(t *testing.T) {
	sets := []string{
		"set system domain-name ok.example.net",
		"set security firewall name NEW rule 10 protocol tcp",
		"set interfaces dataplane dp0s1 firewall in NEW",
	}
	for _, partial := range []bool{true, false} {
		d := devNew(t, Options{PartialCommit: partial}, devBase...)
		before := d.Running()
		s := d.NewSession("vyatta")
		for _, l := range sets {
			devSet(t, s, l)
		}
		out, err := devCommit(t, s)
		var ce *CommitError
		if !errors.As(err, &ce) {
			t.Fatalf("partial=%v: want a CommitError, got %v", partial, err)
		}
		if !partial {
			if ce.Partial || !config.Equal(before.Root, d.Running().Root) {
				t.Errorf("all or nothing: something was applied (%v)", out)
			}
			continue
		}
		if !ce.Partial || strings.Join(ce.Applied, " ") != "system" {
			t.Errorf("applied %q (partial %v), want system only", ce.Applied, ce.Partial)
		}
		if strings.Join(out, "\n") != "[ system domain-name ]" {
			t.Errorf("output %q", out)
		}
		if got := strings.Join(ce.failedTops(), " "); got != "interfaces security" {
			t.Errorf("failed subtrees %q", got)
		}
		run := d.Running().Root
		if run.Lookup(config.Path(strings.Fields("security firewall name NEW"))) != nil ||
			run.Lookup(config.Path(strings.Fields("interfaces dataplane dp0s1 firewall"))) != nil {
			t.Error("a failed subtree was applied")
		}
		if cerr := validate(&config.Node{}, run, nil); cerr != nil {
			t.Errorf("a partial commit left running invalid:\n%s", cerr)
		}
	}
}

// TestConfigSyncChecks: config-sync rules name real paths and existing
// sync-maps, and one remote-router only.
func TestConfigSyncChecks(t *testing.T) {
	base := append(append([]string(nil), devBase...),
		"set system config-sync sync-map M rule 1 action include",
		"set system config-sync sync-map M rule 1 location 'security firewall'",
		"set system config-sync remote-router 10.0.0.2 username vyatta",
		"set system config-sync remote-router 10.0.0.2 sync-map M",
	)
	for _, tc := range []struct{ set, want string }{
		{"set system config-sync sync-map M rule 2 location 'resources group'", "Rule action must be defined"},
		{"set system config-sync sync-map M rule 2 action exclude", "Rule location must be defined"},
		{"set system config-sync sync-map M rule 1 location 'security  firewall'", `"security  firewall" is not a valid configuration path`},
		{"set system config-sync remote-router 10.0.0.2 sync-map OTHER", `sync-map "OTHER" is not defined`},
		{"set system config-sync remote-router 10.0.0.9 username vyatta", "Only one remote-router may be configured"},
	} {
		d := devNew(t, Options{}, base...)
		s := d.NewSession("vyatta")
		devSet(t, s, tc.set)
		_, err := devCommit(t, s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.set, err, tc.want)
		}
	}
	d := devNew(t, Options{}, base...)
	s := d.NewSession("vyatta")
	devSet(t, s, "set system config-sync sync-map M rule 2 action exclude")
	devSet(t, s, "set system config-sync sync-map M rule 2 location 'security firewall name IN'")
	if _, err := devCommit(t, s); err != nil {
		t.Errorf("a valid sync-map rule: %v", err)
	}
}

// TestSetReadsWithSchema: the schema decides what a word is, as the seed's
// `state established enable` and `preempt true` show.
func TestSetReadsWithSchema(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	s := d.NewSession("vyatta")
	devSet(t, s, "set security firewall name IN rule 10 state established enable")
	devSet(t, s, "set interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt true")
	devSet(t, s, "set interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt false")
	root := s.Candidate().Root
	if n := root.Lookup(config.Path(strings.Fields("security firewall name IN rule 10 state established"))); n == nil || len(n.Children) != 0 || strings.Join(n.Values, ",") != "enable" {
		t.Errorf("state established is a leaf with value enable: %+v", n)
	}
	if n := root.Lookup(config.Path(strings.Fields("interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt"))); n == nil || strings.Join(n.Values, ",") != "false" {
		t.Errorf("preempt is a single-valued leaf: %+v", n)
	}
	if n := root.Lookup(config.Path(strings.Fields("security firewall name"))); n == nil || !n.Tag {
		t.Error("security firewall name is a tag node")
	}
	err := s.Set(strings.Fields("system login user vyatta authentication encrypted-password nothash"))
	if err == nil || strings.Contains(err.Error(), "nothash") || !strings.Contains(err.Error(), config.Mask) {
		t.Errorf("a refused secret is masked in the error: %v", err)
	}
}

// TestValidateSchemaLeaves: a commit checks the changed leaves against the
// schema too, for configurations that did not come through `set` (a file
// loaded at boot): the seed reader does not check values.
func TestValidateSchemaLeaves(t *testing.T) {
	tree, err := treeFromCommands([][]string{
		strings.Fields("interfaces dataplane dp0s1 mtu abc"),
		strings.Fields("system host-name vra-a"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tree.Root.Lookup(config.Path{"system", "host-name"}).Values = []string{"ha", "hb"}
	cerr := validate(&config.Node{}, tree.Root, nil)
	if cerr == nil {
		t.Fatal("no failure")
	}
	cerr.Flavor = FlavorVyOS
	want := "[ interfaces dataplane dp0s1 mtu abc ]\nError: abc is not valid: MTU must be between 68 and 16000\n\n[[interfaces dataplane dp0s1]] failed\n\n" +
		"[ system host-name ]\nError: host-name takes one value, not 2\n\n[[system host-name]] failed\nCommit failed"
	if cerr.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", cerr, want)
	}
}
