package huawei

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// The package's tests share one -update flag whoever defines it first: a
// second flag.Bool("update") in the same test binary would panic.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

func hrpUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// hrpGolden compares got with testdata/name, or rewrites it under -update.
func hrpGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if hrpUpdating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func hrpParse(t *testing.T, name, text string) *config.Tree {
	t.Helper()
	tr, err := config.ParseVRP(name, []byte(text))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return tr
}

func hrpReadFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hrpFixtures returns the active and standby fixture trees; extra lines
// are added to the active's global section.
func hrpFixtures(t *testing.T, extra ...string) (a, b *config.Tree) {
	t.Helper()
	at := hrpReadFixture(t, "hrp_active.cfg")
	if len(extra) > 0 {
		at = strings.Replace(at, "#\nreturn\n", "#\n"+strings.Join(extra, "\n")+"\n#\nreturn\n", 1)
	}
	return hrpParse(t, "active", at), hrpParse(t, "standby", hrpReadFixture(t, "hrp_standby.cfg"))
}

func hrpChildNames(n *config.Node) []string {
	var names []string
	for _, c := range n.Children {
		names = append(names, c.Name)
	}
	return names
}

func TestPlanHRPBackupGolden(t *testing.T) {
	a, b := hrpFixtures(t)
	plan := PlanHRPBackup(a, b)
	var out strings.Builder
	out.WriteString("# commands\n")
	for _, c := range plan.Commands {
		out.WriteString(c.String() + "\n")
	}
	out.WriteString("# conflicts\n")
	for _, p := range plan.Conflicts {
		out.WriteString(p.String() + "\n")
	}
	out.WriteString("# result\n")
	if err := config.WriteVRP(&out, plan.Result, config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	hrpGolden(t, "hrp_backup.golden", []byte(out.String()))
}

func TestPlanHRPBackupRules(t *testing.T) {
	a, b := hrpFixtures(t)
	before := b.Root.Clone()
	activeBefore := a.Root.Clone()
	plan := PlanHRPBackup(a, b)
	res := plan.Result.Root

	t.Run("adds what the standby lacks", func(t *testing.T) {
		if res.Lookup(config.Path{"nat-policy", "rule name snat_out", "action"}) == nil {
			t.Error("nat-policy rule snat_out not added")
		}
		set := res.Lookup(config.Path{"ip address-set web_servers type object", "address 1"})
		if set == nil || !slices.Equal(set.Values, []string{"10.1.1.11 mask 32"}) {
			t.Errorf("address-set entry 1 not added: %+v", set)
		}
		zones := res.Lookup(config.Path{"security-policy", "rule name web_in", "source-zone"})
		if zones == nil || !slices.Equal(zones.Values, []string{"untrust", "dmz"}) {
			t.Errorf("web_in source-zone dmz not added: %+v", zones)
		}
	})
	t.Run("never deletes the standby's extras", func(t *testing.T) {
		if res.Lookup(config.Path{"security-policy", "rule name legacy_b_only"}) == nil {
			t.Error("the standby's own rule legacy_b_only was deleted")
		}
		if res.Child("hrp standby-device") == nil {
			t.Error("the standby's hrp standby-device line was deleted")
		}
	})
	t.Run("leaves other parameters alone", func(t *testing.T) {
		act := res.Lookup(config.Path{"security-policy", "rule name ssh_mgmt", "action"})
		if act == nil || !slices.Equal(act.Values, []string{"deny"}) {
			t.Errorf("ssh_mgmt action changed: %+v", act)
		}
		want := config.Path{"security-policy", "rule name ssh_mgmt", "action"}
		if !slices.ContainsFunc(plan.Conflicts, func(p config.Path) bool { return slices.Equal(p, want) }) {
			t.Errorf("conflicts %v lack %v", plan.Conflicts, want)
		}
		for _, p := range plan.Conflicts {
			if strings.Contains(p.String(), "password") {
				t.Errorf("ciphertext reported as a conflict: %v", p)
			}
		}
	})
	t.Run("reorders nothing", func(t *testing.T) {
		got := hrpChildNames(res.Child("security-policy"))
		want := []string{"rule name ssh_mgmt", "rule name web_in", "rule name legacy_b_only", "rule name deny_all"}
		if !slices.Equal(got, want) {
			t.Errorf("rule order %v, want %v", got, want)
		}
	})
	t.Run("skips static routes by default", func(t *testing.T) {
		if res.Child("ip route-static 10.9.0.0 255.255.0.0 10.1.1.254") != nil {
			t.Error("static route copied without hrp auto-sync config static-route")
		}
	})
	t.Run("never touches local lines", func(t *testing.T) {
		if v := res.Child("sysname").Values; !slices.Equal(v, []string{"FW-B"}) {
			t.Errorf("sysname = %v", v)
		}
		if v := res.Child("hrp interface").Values; !slices.Equal(v, []string{"GigabitEthernet1/0/6 remote 10.10.0.1"}) {
			t.Errorf("hrp interface = %v", v)
		}
		ip := res.Lookup(config.Path{"interface GigabitEthernet1/0/1", "ip address"})
		if ip == nil || !slices.Equal(ip.Values, []string{"192.0.2.2 255.255.255.0"}) {
			t.Errorf("interface address = %+v", ip)
		}
		for _, c := range plan.Commands {
			if strings.HasPrefix(c.Line, "hrp ") || strings.HasPrefix(c.Line, "sysname") || slices.ContainsFunc(c.View, func(v string) bool { return strings.HasPrefix(v, "interface ") }) {
				t.Errorf("command %q is not HRP's to send", c)
			}
		}
	})
	t.Run("inputs unchanged", func(t *testing.T) {
		if !config.Equal(before, b.Root) || !config.Equal(activeBefore, a.Root) {
			t.Error("PlanHRPBackup modified its inputs")
		}
	})
	t.Run("a second backup finds nothing to send", func(t *testing.T) {
		again := PlanHRPBackup(a, plan.Result)
		if len(again.Commands) != 0 {
			t.Errorf("second backup sends %v", again.Commands)
		}
	})
}

func TestPlanHRPBackupStaticRouteAutoSync(t *testing.T) {
	a, b := hrpFixtures(t, " hrp auto-sync config static-route")
	plan := PlanHRPBackup(a, b)
	const route = "ip route-static 10.9.0.0 255.255.0.0 10.1.1.254"
	if plan.Result.Root.Child(route) == nil {
		t.Errorf("static route not copied with its auto-sync on; commands %v", plan.Commands)
	}
	if plan.Result.Root.Child("hrp auto-sync config static-route") != nil {
		t.Error("the active's hrp auto-sync line was copied")
	}
}
