package huawei

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// FuzzApply types a line in a view of a seeded device: the command line
// never panics, and whatever it accepts leaves a configuration that prints
// and parses back to itself.
func FuzzApply(f *testing.F) {
	for _, s := range []struct{ view, line string }{
		{"", "ip route-static 10.1.0.0 255.255.0.0 10.20.0.254 description x"},
		{"", "hrp auto-sync config static-route"},
		{"", "undo hrp mirror session enable"},
		{"", `ip address-set "china mobile" type object`},
		{"security-policy", "rule move web_in_2 before web_in_1"},
		{"security-policy", "undo rule name web_in_3"},
		{"security-policy\nrule name web_in_1", "source-address 10.0.0.0 mask 255.0.0.0"},
		{"security-policy\nrule name web_in_1", "undo service http"},
		{"interface GigabitEthernet1/0/1", "description link to   core"},
		{"interface GigabitEthernet1/0/1", "undo shutdown"},
		{"aaa\nmanager-user admin", "password cipher Admin@123"},
		{"nat-policy\nrule name n", "action source-nat address-group pool1"},
		{"firewall zone trust", "add interface GigabitEthernet1/0/9"},
		{"", "dis cu | inc hrp"},
	} {
		f.Add(s.view, s.line)
	}
	a, _, err := SeedPair(120)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, view, line string) {
		d, err := New(Options{Name: "FW-A"}, a)
		if err != nil {
			t.Fatal(err)
		}
		var v []string
		if view != "" {
			v = strings.Split(view, "\n")
		}
		if d.Apply(v, line) != nil {
			return
		}
		var buf bytes.Buffer
		if err := config.WriteVRP(&buf, d.Running(), config.PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err := config.ParseVRP("fuzz", buf.Bytes())
		if err != nil {
			t.Fatalf("after %q in %q the configuration does not parse: %v", line, view, err)
		}
		if !config.Equal(back.Root, d.Running().Root) {
			t.Fatalf("after %q in %q the configuration does not read back the same", line, view)
		}
		// The CLI takes the same line without panicking.
		var out bytes.Buffer
		c := d.NewCLI(&out, nil)
		c.Execute(context.Background(), "system-view", nil)
		c.Execute(context.Background(), line, func() (string, error) { return "n", nil })
	})
}
