package huawei

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// FuzzPlanHRPBackup checks the rules of `hrp sync config` on any pair of
// configurations the parser accepts: the standby loses nothing, the local
// hrp lines are never sent, the inputs are left alone, and a second backup
// has nothing left to send.
func FuzzPlanHRPBackup(f *testing.F) {
	var fixtures []string
	for _, name := range []string{"hrp_active.cfg", "hrp_standby.cfg"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		fixtures = append(fixtures, string(b))
	}
	f.Add(fixtures[0], fixtures[1])
	f.Add(fixtures[1], fixtures[0])
	f.Add(fixtures[0]+"#\n hrp auto-sync config static-route\n", "")
	f.Add("security-policy\n rule name a\n  source-zone trust\n  source-zone trust\n", "security-policy\n rule name a\n  source-zone dmz\n")
	f.Add("ip address-set x type object\n address 0 10.0.0.1 mask 32\n", "ip address-set x type object\n")
	f.Add("aaa\n local-user u password cipher %@%@abc%@%@\n", "aaa\n local-user u password cipher %@%@xyz%@%@\n")
	f.Fuzz(func(t *testing.T, activeText, standbyText string) {
		a, err := config.ParseVRP("active", []byte(activeText))
		if err != nil {
			return
		}
		b, err := config.ParseVRP("standby", []byte(standbyText))
		if err != nil {
			return
		}
		aBefore, bBefore := a.Root.Clone(), b.Root.Clone()
		plan := PlanHRPBackup(a, b)
		if !config.Equal(aBefore, a.Root) || !config.Equal(bBefore, b.Root) {
			t.Fatal("PlanHRPBackup modified its inputs")
		}
		b.Root.Walk(func(p config.Path, n *config.Node) bool {
			got := plan.Result.Root.Lookup(p)
			if got == nil {
				t.Fatalf("standby's %v deleted", p)
			}
			if len(got.Values) < len(n.Values) || !slices.Equal(got.Values[:len(n.Values)], n.Values) {
				t.Fatalf("standby's %v values %q became %q", p, n.Values, got.Values)
			}
			return true
		})
		for _, c := range plan.Commands {
			if len(c.View) == 0 && strings.HasPrefix(c.Line, "hrp") {
				t.Fatalf("local line sent: %q", c.Line)
			}
			if strings.HasPrefix(c.Line, "sysname") && len(c.View) == 0 {
				t.Fatalf("sysname sent: %q", c.Line)
			}
		}
		if again := PlanHRPBackup(a, plan.Result); len(again.Commands) != 0 {
			t.Fatalf("second backup sends %v", again.Commands)
		}
	})
}
