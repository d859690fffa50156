package syncmap

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

const smSyncConfig = `#!/bin/vbash
# sync-maps of vra-a
set system host-name vra-a
set system config-sync sync-map TEST rule 2 action include
set system config-sync sync-map TEST rule 2 location 'security firewall'
set system config-sync sync-map TEST rule 10 action exclude
set system config-sync sync-map TEST rule 10 location 'security firewall name LOCAL'
set system config-sync sync-map TEST rule 1 action include
set system config-sync sync-map TEST rule 1 location 'protocols static'
set system config-sync sync-map EDGE rule 5 action include
set system config-sync sync-map EDGE rule 5 location nat
set system config-sync remote-router 192.168.1.22 username vyatta
set system config-sync remote-router 192.168.1.22 password 'sEcr3t-pw'
set system config-sync remote-router 192.168.1.22 sync-map TEST
`

func TestFromConfig(t *testing.T) {
	maps, remotes, err := FromConfig(smSetTree("vra-a.conf", smSyncConfig))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range maps {
		if m.Family != config.Vyatta {
			t.Errorf("map %s: family %v, want vyatta", m.Name, m.Family)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("map %s: %v", m.Name, err)
		}
		got = append(got, fmt.Sprintf("# %s", m.Name), m.String())
	}
	for _, r := range remotes {
		got = append(got, "# remote "+r.String())
	}
	smGolden(t, "fromconfig", strings.Join(got, "\n")+"\n")

	want := []Remote{{Address: "192.168.1.22", Username: "vyatta", SyncMap: "TEST"}}
	if !slices.Equal(remotes, want) {
		t.Errorf("remotes = %+v, want %+v", remotes, want)
	}
	if len(maps) != 2 || maps[1].Name != "TEST" || len(maps[1].Rules) != 3 {
		t.Fatalf("maps = %v", maps)
	}
	if nums := []int{maps[1].Rules[0].Number, maps[1].Rules[1].Number, maps[1].Rules[2].Number}; !slices.Equal(nums, []int{1, 2, 10}) {
		t.Errorf("rules not sorted by number: %v", nums)
	}
	if d := maps[1].Decide(smPath("security firewall name LOCAL rule 1")); d.Scope != Excluded || d.Rule.Number != 10 {
		t.Errorf("decision = %v, want excluded by rule 10", d)
	}
}

// The commands a map prints read back into the same map.
func TestCommandsRoundTrip(t *testing.T) {
	maps, _, err := FromConfig(smSetTree("vra-a.conf", smSyncConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		back, _, err := FromConfig(smSetTree("round-trip", strings.Join(m.Commands(), "\n")))
		if err != nil {
			t.Fatalf("%s: %v\n%s", m.Name, err, m)
		}
		if len(back) != 1 || back[0].String() != m.String() {
			t.Errorf("%s did not round-trip:\n%s\n---\n%v", m.Name, m, back)
		}
	}
}

func TestRemoteHidesPassword(t *testing.T) {
	_, remotes, err := FromConfig(smSetTree("vra-a.conf", smSyncConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(form, remotes); strings.Contains(s, "sEcr3t") {
			t.Errorf("%s prints the password: %s", form, s)
		}
	}
}

func TestFromConfigNone(t *testing.T) {
	for _, tr := range []*config.Tree{nil, {}, smSetTree("x", "set system host-name a\n")} {
		maps, remotes, err := FromConfig(tr)
		if maps != nil || remotes != nil || err != nil {
			t.Errorf("FromConfig = %v, %v, %v; want nothing", maps, remotes, err)
		}
	}
}

func TestFromConfigErrors(t *testing.T) {
	const head = "set system config-sync sync-map TEST rule 1 action include\nset system config-sync sync-map TEST rule 1 location firewall\n"
	tests := []struct {
		name, text, want string
	}{
		{"bad action", head + "set system config-sync sync-map TEST rule 2 location 'a b'\nset system config-sync sync-map TEST rule 2 action maybe\n",
			"vra-a.conf:4: sync-map TEST rule 2: expected action include or exclude, got 'maybe'"},
		{"rule 0", head + "set system config-sync sync-map TEST rule 0 action include\n",
			"vra-a.conf:3: sync-map TEST rule 0: expected a rule number 1-1024, got '0'"},
		{"rule 1025", head + "set system config-sync sync-map TEST rule 1025 action include\n",
			"vra-a.conf:3: sync-map TEST rule 1025: expected a rule number 1-1024, got '1025'"},
		{"rule not a number", head + "set system config-sync sync-map TEST rule ten action include\n",
			"vra-a.conf:3: sync-map TEST rule ten: expected a rule number 1-1024, got 'ten'"},
		{"leading zero", head + "set system config-sync sync-map TEST rule 02 action include\n",
			"vra-a.conf:3: sync-map TEST rule 02: expected a rule number 1-1024, got '02'"},
		{"missing location", head + "set system config-sync sync-map TEST rule 3 action exclude\n",
			"vra-a.conf:3: sync-map TEST rule 3: expected a location, got none"},
		{"missing action", head + "set system config-sync sync-map TEST rule 3 location nat\n",
			"vra-a.conf:3: sync-map TEST rule 3: expected action include or exclude, got none"},
		{"empty location", head + "set system config-sync sync-map TEST rule 3 action exclude\nset system config-sync sync-map TEST rule 3 location ''\n",
			"vra-a.conf:4: sync-map TEST rule 3: expected a location of one or more words, got ''"},
		{"two actions", head + "set system config-sync sync-map TEST rule 3 action exclude\nset system config-sync sync-map TEST rule 3 action include\n",
			"vra-a.conf:3: sync-map TEST rule 3: expected one action include or exclude, got 2 values"},
		{"unknown map", head + "set system config-sync remote-router 10.0.0.2 username vyatta\nset system config-sync remote-router 10.0.0.2 sync-map NOPE\n",
			"vra-a.conf:4: remote-router 10.0.0.2: expected the name of a sync-map, got 'NOPE'"},
		{"map without rules", head + "set system config-sync sync-map EMPTY description none\n",
			"vra-a.conf:3: sync-map EMPTY: expected at least one rule"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			maps, remotes, err := FromConfig(smSetTree("vra-a.conf", tc.text))
			if err == nil {
				t.Fatalf("no error; maps %v", maps)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if maps != nil || remotes != nil {
				t.Errorf("half-built result on error: %v %v", maps, remotes)
			}
		})
	}
}

// FromConfig through the real parser.
func TestFromConfigParsed(t *testing.T) {
	tr, err := config.Parse("vra-a.conf", []byte(smSyncConfig), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	maps, remotes, err := FromConfig(tr)
	if err != nil {
		t.Fatal(err)
	}
	want, wantRemotes, _ := FromConfig(smSetTree("vra-a.conf", smSyncConfig))
	if len(maps) != len(want) || !slices.Equal(remotes, wantRemotes) {
		t.Fatalf("parsed: %v %v, want %v %v", maps, remotes, want, wantRemotes)
	}
	for i := range maps {
		if maps[i].String() != want[i].String() {
			t.Errorf("parsed map:\n%s\nwant:\n%s", maps[i], want[i])
		}
	}
}

func TestFromFlags(t *testing.T) {
	m, err := FromFlags([]string{"firewall", " protocols  static "}, []string{"firewall name LOCAL"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"set system config-sync sync-map flags rule 1 action include",
		"set system config-sync sync-map flags rule 1 location 'firewall'",
		"set system config-sync sync-map flags rule 2 action include",
		"set system config-sync sync-map flags rule 2 location 'protocols static'",
		"set system config-sync sync-map flags rule 3 action exclude",
		"set system config-sync sync-map flags rule 3 location 'firewall name LOCAL'",
	}
	if got := m.Commands(); !slices.Equal(got, want) {
		t.Errorf("Commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := m.Decide(smPath("firewall name LOCAL rule 1")); d.Scope != Excluded {
		t.Errorf("decision %v, want excluded", d)
	}

	for _, bad := range []struct{ inc, exc []string }{
		{[]string{""}, nil},
		{[]string{"firewall"}, []string{"  "}},
		{make([]string, 1025), nil},
	} {
		if _, err := FromFlags(bad.inc, bad.exc); !errors.Is(err, ErrInvalid) {
			t.Errorf("FromFlags(%q, %q) error = %v, want ErrInvalid", bad.inc, bad.exc, err)
		}
	}
	many := make([]string, 1025)
	for i := range many {
		many[i] = "a"
	}
	if _, err := FromFlags(many, nil); err == nil || !strings.Contains(err.Error(), "1-1024") {
		t.Errorf("1025 flags: error = %v, want a rule-number error", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		m    *Map
		ok   bool
	}{
		{"ok", &Map{Name: "A", Rules: []Rule{{Number: 1, Location: []string{"a"}}, {Number: 1024, Action: Exclude}}}, true},
		{"nil", nil, false},
		{"zero", &Map{Name: "A", Rules: []Rule{{Number: 0}}}, false},
		{"too big", &Map{Name: "A", Rules: []Rule{{Number: 1025}}}, false},
		{"duplicate", &Map{Name: "A", Rules: []Rule{{Number: 3}, {Number: 3}}}, false},
		{"bad action", &Map{Name: "A", Rules: []Rule{{Number: 3, Action: Action(7)}}}, false},
		{"space in word", &Map{Name: "A", Rules: []Rule{{Number: 3, Location: []string{"a b"}}}}, false},
		{"empty word", &Map{Name: "A", Rules: []Rule{{Number: 3, Location: []string{""}}}}, false},
	}
	for _, tc := range tests {
		err := tc.m.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v does not wrap ErrInvalid", tc.name, err)
		}
	}
}

func TestCommandsQuoting(t *testing.T) {
	m := &Map{Name: "my map", Rules: []Rule{{Number: 4, Action: Exclude, Location: []string{"a", "it's"}}, {Number: 5}}}
	want := "set system config-sync sync-map 'my map' rule 4 action exclude\n" +
		"set system config-sync sync-map 'my map' rule 4 location \"a it's\"\n" +
		"set system config-sync sync-map 'my map' rule 5 action include\n" +
		"set system config-sync sync-map 'my map' rule 5 location ''"
	if got := m.String(); got != want {
		t.Errorf("String:\n%s\nwant:\n%s", got, want)
	}
}

// The same maps in curly form through the real parser, with an error
// line number checked against the text.
func TestFromConfigParsedCurly(t *testing.T) {
	const curly = `system {
    config-sync {
        remote-router 192.168.1.22 {
            password xxxxxx
            sync-map TEST
            username vyatta
        }
        sync-map TEST {
            rule 2 {
                action include
                location "security firewall"
            }
            rule 3 {
                action maybe
                location nat
            }
        }
    }
}
`
	tr, err := config.Parse("vra-a.conf", []byte(curly), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = FromConfig(tr)
	want := "vra-a.conf:14: sync-map TEST rule 3: expected action include or exclude, got 'maybe'"
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
	good, _ := config.Parse("vra-a.conf", []byte(strings.Replace(curly, "maybe", "exclude", 1)), config.Vyatta)
	maps, remotes, err := FromConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 1 || len(maps[0].Rules) != 2 || strings.Join(maps[0].Rules[0].Location, " ") != "security firewall" || maps[0].Rules[1].Action != Exclude {
		t.Errorf("maps = %v", maps)
	}
	if want := []Remote{{Address: "192.168.1.22", Username: "vyatta", SyncMap: "TEST"}}; !slices.Equal(remotes, want) {
		t.Errorf("remotes = %v, want %v", remotes, want)
	}
}

// Without a schema an unquoted set value may arrive as a bare child node.
func TestFromConfigBareValues(t *testing.T) {
	leaf := func(name string, line int32, bare ...string) *config.Node {
		n := &config.Node{Name: name, Line: line}
		for _, b := range bare {
			n.Children = append(n.Children, &config.Node{Name: b, Leaf: true, Line: line})
		}
		return n
	}
	rule := &config.Node{Name: "7", Line: 3, Children: []*config.Node{leaf("action", 3, "exclude"), {Name: "location", Values: []string{"nat source"}, Line: 4}}}
	tr := &config.Tree{Source: "bare.conf", Root: &config.Node{Children: []*config.Node{{Name: "system", Children: []*config.Node{{Name: "config-sync", Children: []*config.Node{
		{Name: "sync-map", Children: []*config.Node{{Name: "M", Children: []*config.Node{{Name: "rule", Children: []*config.Node{rule}}}}}},
		{Name: "remote-router", Children: []*config.Node{{Name: "10.0.0.2", Children: []*config.Node{leaf("sync-map", 9, "M"), leaf("username", 8, "vyatta")}}}},
	}}}}}}}
	maps, remotes, err := FromConfig(tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 1 || maps[0].Rules[0].Action != Exclude || len(remotes) != 1 || remotes[0].SyncMap != "M" || remotes[0].Username != "vyatta" {
		t.Errorf("maps %v remotes %v", maps, remotes)
	}
	rule.Children[0] = leaf("action", 3, "include", "exclude")
	if _, _, err := FromConfig(tr); err == nil || err.Error() != "bare.conf:3: sync-map M rule 7: expected one action include or exclude, got 2 values" {
		t.Errorf("two bare actions: %v", err)
	}
}
