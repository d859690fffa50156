package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The curly parser collects a block's children while it is open and hands
// them over when it closes; the set parser appends them one by one. The
// same configuration in both forms, with blocks opened again, tag nodes,
// nesting and blocks large enough to outgrow the collecting buffer while
// several are open, must give the same tree.
func TestVyCurlyBlocksMatchSet(t *testing.T) {
	var curly, set strings.Builder
	for round := range 2 {
		curly.WriteString("firewall {\n    group {\n")
		for g := range 30 {
			fmt.Fprintf(&curly, "        address-group G%d {\n", g)
			for a := range 3 + g*5 {
				fmt.Fprintf(&curly, "            address 10.%d.%d.%d\n", round, g, a)
				fmt.Fprintf(&set, "set firewall group address-group G%d address '10.%d.%d.%d'\n", g, round, g, a)
			}
			curly.WriteString("        }\n")
		}
		curly.WriteString("    }\n    name WAN {\n")
		for r := range 40 {
			fmt.Fprintf(&curly, "    rule %d {\n        action 'accept'\n", r*10+round)
			fmt.Fprintf(&set, "set firewall name WAN rule %d action 'accept'\n", r*10+round)
			if r%4 == 0 {
				curly.WriteString("        source {\n            port 22\n        }\n")
				fmt.Fprintf(&set, "set firewall name WAN rule %d source port '22'\n", r*10+round)
			}
			curly.WriteString("    }\n")
		}
		curly.WriteString("    }\n}\n")
	}
	curly.WriteString("system {\n    host-name a\n}\n")
	set.WriteString("set system host-name 'a'\n")

	c, err := ParseVyatta("c", []byte(curly.String()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseVyatta("s", []byte(set.String()))
	if err != nil {
		t.Fatal(err)
	}
	got, want := vrpOutline(c.Root), vrpOutline(s.Root)
	if got != want {
		t.Errorf("curly tree:\n%.3000s\nset tree:\n%.3000s", got, want)
	}
	if n := c.Root.Lookup(Path{"firewall", "group", "address-group", "G29", "address"}); n == nil || len(n.Values) != 2*(3+29*5) {
		t.Errorf("reopened block lost values: %+v", n)
	}
}

// vyIsSecret skips most names by their last byte: every name of the
// secret tables must still be found, and a name ending like none of them
// is not secret.
func TestVyIsSecretTables(t *testing.T) {
	for _, name := range vySecretNames {
		if !vyIsSecret(name, nil) {
			t.Errorf("%q is not told secret", name)
		}
	}
	for _, s := range vySecretUnder {
		for _, a := range s.under {
			if !vyIsSecret(s.name, []string{"x", a}) {
				t.Errorf("%q under %q is not told secret", s.name, a)
			}
		}
		if vyIsSecret(s.name, []string{"interfaces"}) && !slices.Contains(vySecretNames, s.name) {
			t.Errorf("%q outside %v is told secret", s.name, s.under)
		}
	}
	for _, name := range []string{"", "address", "description", "passwords"} {
		if vyIsSecret(name, []string{"authentication"}) {
			t.Errorf("%q is told secret", name)
		}
	}
}
