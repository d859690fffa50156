package syncmap

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func TestCheckRules(t *testing.T) {
	tr := smSetTree("sample", smSample)
	m := smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X")
	m.Rules = append(m.Rules,
		Rule{Number: 2, Action: Include, Location: []string{"system", "ntp"}},
		Rule{Number: 2000, Action: Include, Location: []string{"protocols"}},
		Rule{Number: 30, Action: Include, Location: []string{"system", "config-sync", "sync-map"}},
		Rule{Number: 31, Action: Exclude, Location: []string{"service", "https"}},
		Rule{Number: 40, Action: Include, Location: []string{"frobnicate", "x"}},
		Rule{Number: 41, Action: Include, Location: []string{"service", "lldp"}},
		Rule{Number: 50, Action: Include, Location: []string{"interfaces"}},
		Rule{Number: 60, Action: Include},
	)
	issues := m.Check(tr, tr)
	var lines []string
	for _, i := range issues {
		lines = append(lines, i.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"✗ rule 2 is used twice",
		"✗ rule 2000 is outside 1-1024",
		"✗ system config-sync is never synced: it holds the sync's own remote routers",
		"✗ service https is never synced",
		"! unknown path 'frobnicate x': no node of either configuration lies under it",
		"! 'service lldp' matches no node of either configuration (the schema knows it)",
		"! interfaces ethernet eth0 address: an interface address is unique to each device (and 2 more)",
		"✗ rule 60 has no location",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("issues lack %q:\n%s", want, all)
		}
	}
	if !Refuses(issues) {
		t.Error("Refuses: false")
	}
	ok := smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X")
	if is := ok.Check(tr); len(is) != 0 || Refuses(is) {
		t.Errorf("a good map has issues: %v", is)
	}
	hw := &Map{Name: "x", Family: config.Huawei, Rules: []Rule{{Number: 1, Action: Include, Location: []string{"hrp", "interface"}}}}
	if is := hw.Check(); !Refuses(is) || !strings.Contains(is[0].Msg, "hrp is never synced") {
		t.Errorf("Huawei hrp: %v", is)
	}
}

func TestComplete(t *testing.T) {
	tr := smSetTree("sample", smSample)
	got := Complete(config.Vyatta, "firewall name ", 0, tr)
	if !slices.Equal(got, []string{"firewall name X", "firewall name Y"}) {
		t.Errorf("tag values: %q", got)
	}
	got = Complete(config.Vyatta, "interfaces eth", 0, tr)
	if !slices.Contains(got, "interfaces ethernet") {
		t.Errorf("partial word: %q", got)
	}
	// The schema adds what the configuration lacks.
	got = Complete(config.Vyatta, "service ll", 0, tr)
	if !slices.Contains(got, "service lldp") {
		t.Errorf("schema names: %q", got)
	}
	got = Complete(config.Vyatta, "", 3, tr)
	if len(got) != 3 {
		t.Errorf("limit: %q", got)
	}
	// VRP names of several words complete word by word.
	hw := &config.Tree{Family: config.Huawei, Root: &config.Node{Children: []*config.Node{
		{Name: "ip route-static", Values: []string{"0.0.0.0 0 10.0.0.1"}},
		{Name: "undo ip fast-forward"},
	}}}
	got = Complete(config.Huawei, "ip ", 0, hw)
	if !slices.Equal(got, []string{"ip fast-forward", "ip route-static"}) {
		t.Errorf("VRP: %q", got)
	}
}

func TestNodeHelp(t *testing.T) {
	h := NodeHelp(config.Vyatta, strings.Fields("system host-name"))
	if !strings.HasPrefix(h, "leaf: ") || len(h) < 8 {
		t.Errorf("host-name help: %q", h)
	}
	if h := NodeHelp(config.Vyatta, strings.Fields("frobnicate")); h != "" {
		t.Errorf("unknown: %q", h)
	}
	if h := NodeHelp(config.Huawei, strings.Fields("sysname")); h != "" {
		t.Errorf("huawei: %q", h)
	}
}

func TestCountsAndCover(t *testing.T) {
	tr := smSetTree("sample", smSample)
	m := smMap(t, config.Vyatta, "1 include firewall", "2 exclude firewall name X")
	c := m.Counts(tr)
	// firewall, name, X's 7 nodes, Y's 4, group's 4: 17; X alone 7.
	if c[0].Matched != 17 || c[1].Matched != 7 || c[1].Decided != 7 || c[0].Decided != 10 {
		t.Errorf("counts: %+v", c)
	}
	cov := m.Cover(tr)
	if cov.InScope != 10 || cov.Excluded != 7 || len(cov.Sections) != 1 || cov.Sections[0].Name != "firewall" || cov.Sections[0].InScope != 10 || cov.Sections[0].Total != 17 {
		t.Errorf("cover: %+v", cov)
	}
	if cov.Protected == 0 || cov.Total <= cov.InScope+cov.Excluded {
		t.Errorf("cover totals: %+v", cov)
	}
}

func TestTextRoundTrip(t *testing.T) {
	m := smMap(t, config.Vyatta, "10 include security firewall", "20 exclude security firewall name MGMT-LOCAL")
	m.Name = "LAB-SYNC"
	text := m.Text("sync-map LAB-SYNC on vra-a")
	back, err := ParseText("f.txt", "LAB-SYNC", config.Vyatta, text)
	if err != nil || !back.Equal(m) {
		t.Fatalf("round trip: %v\n%s", err, text)
	}
	for _, tc := range []struct{ text, want string }{
		{"10 include a\n10 exclude b\n", "f.txt:2: rule 10 is used twice (also line 1)"},
		{"\n2000 include a\n", "f.txt:2: expected a rule number 1-1024, got '2000'"},
		{"5 maybe a\n", "f.txt:1: expected action include or exclude, got 'maybe'"},
		{"5\n", "f.txt:1: expected NUMBER include|exclude LOCATION, got '5'"},
		{"5 include\n", "f.txt:1: rule 5: expected a location after include"},
	} {
		_, err := ParseText("f.txt", "M", config.Vyatta, tc.text)
		if err == nil || err.Error() != tc.want || !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: got %v, want %s", tc.text, err, tc.want)
		}
	}
}

func TestWriteCommandsAndEdits(t *testing.T) {
	old := smMap(t, config.Vyatta, "1 include firewall")
	old.Name = "LAB-SYNC"
	nw := old.Clone()
	nw.Rules = append(nw.Rules, Rule{Number: 5, Action: Exclude, Location: []string{"firewall", "name", "X"}})
	if old.Equal(nw) || len(old.Rules) != 1 {
		t.Fatal("Clone shares rules")
	}
	got := WriteCommands(old, nw)
	want := []string{
		"delete system config-sync sync-map LAB-SYNC",
		"set system config-sync sync-map LAB-SYNC rule 1 action include",
		"set system config-sync sync-map LAB-SYNC rule 1 location 'firewall'",
		"set system config-sync sync-map LAB-SYNC rule 5 action exclude",
		"set system config-sync sync-map LAB-SYNC rule 5 location 'firewall name X'",
	}
	if !slices.Equal(got, want) {
		t.Errorf("commands:\n%s", strings.Join(got, "\n"))
	}
	if n := nw.NextNumber(); n != 10 {
		t.Errorf("next: %d", n)
	}
	r := nw.Renumbered()
	if r.Rules[0].Number != 10 || r.Rules[1].Number != 20 || nw.Rules[1].Number != 5 {
		t.Errorf("renumbered: %+v", r.Rules)
	}
	if WriteCommands(&Map{Name: "a b"}, nil)[0] != "delete system config-sync sync-map 'a b'" {
		t.Error("quoting")
	}
}

// FuzzParseText: ParseText never panics; it fails with ErrInvalid naming
// the file and a line, or gives a map that validates and prints back to
// itself.
func FuzzParseText(f *testing.F) {
	f.Add("10 include security firewall\n20 exclude security firewall name X\n")
	f.Add("# c\n\n1 exclude a b c\n")
	f.Add("1024 include x\n1 include y\n")
	f.Add("01 include x\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ParseText("e.txt", "M", config.Vyatta, text)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || m != nil || !strings.HasPrefix(err.Error(), "e.txt:") {
				t.Fatalf("error %v, map %v", err, m)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid map: %v", err)
		}
		back, err := ParseText("e.txt", "M", config.Vyatta, m.Text())
		if err != nil || !back.Equal(m) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestUnsafeLocationRefused: a location word with a quote, $, `, a
// backslash or a control character is refused (trial 12 defect 6), and
// a double-quoted value escapes $ and ` for the device's shell.
func TestUnsafeLocationRefused(t *testing.T) {
	for _, loc := range []string{"interfaces 'q'", `a "dq"`, "a $(id)", "a `id`", `a b\c`, "a b\x01"} {
		m := &Map{Name: "M", Family: config.Vyatta, Rules: []Rule{{Number: 1, Action: Include, Location: strings.Fields(loc)}}}
		is := m.CheckRules()
		if !Refuses(is) || !strings.Contains(is[0].Msg, "cannot be a location word") {
			t.Errorf("%q: %v", loc, is)
		}
	}
	m := &Map{Name: "M", Rules: []Rule{{Number: 1, Action: Include, Location: []string{"it's", "$(id)", "`id`"}}}}
	got := m.Commands()[1]
	if want := "set system config-sync sync-map M rule 1 location \"it's \\$(id) \\`id\\`\""; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
