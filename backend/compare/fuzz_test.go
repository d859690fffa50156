package compare

import (
	"os"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
)

// FuzzLive reads two texts as two devices would send them and compares
// them as a live pair: whatever the text, no panic; an error names the
// device; a comparison has the two trees, one of them the source, and
// counts every change once; its rows and its plan agree with its counts
// on whether the pair differs in scope.
func FuzzLive(f *testing.F) {
	for _, file := range []string{va, vb, ha, hb} {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b), string(b), "", false)
		}
	}
	f.Add(carrier, "set firewall name X rule 10 action drop\n", "M", false)
	f.Add("sysname A\n#\nhrp enable\n#\nreturn\n", "sysname B\n#\nreturn\n", "", true)
	f.Add("set a b\n", "", "", false)
	f.Fuzz(func(t *testing.T, a, b, syncMap string, huawei bool) {
		fam := config.Vyatta
		if huawei {
			fam = config.Huawei
		}
		ta, errA := Parse("dev-a", []byte(a), fam)
		tb, errB := Parse("dev-b", []byte(b), fam)
		for _, e := range []error{errA, errB} {
			if e != nil && strings.ContainsRune(e.Error(), 0) {
				t.Fatalf("an error shows a NUL byte: %q", e)
			}
		}
		if errA != nil || errB != nil {
			return
		}
		c, err := Live(Member{Name: "dev-a", Tree: ta, Active: true}, Member{Name: "dev-b", Tree: tb}, LiveSpec{SyncMap: syncMap}, diff.Options{MaskSecrets: true})
		if err != nil {
			if !strings.Contains(err.Error(), "dev-a") && !strings.Contains(err.Error(), "dev-b") && !strings.Contains(err.Error(), "sync-map") {
				t.Fatalf("error names neither device nor map: %v", err)
			}
			return
		}
		if !(c.Left == ta && c.Right == tb || c.Left == tb && c.Right == ta) {
			t.Fatal("the comparison is not of the two trees")
		}
		cs := c.Changes(false)
		if cs.Counts.Total() != len(cs.List) {
			t.Fatalf("counts %+v for %d changes", cs.Counts, len(cs.List))
		}
		differs := cs.Differs()
		if got := c.Rows(RowOptions{Context: 1, Fold: true}).Differs; got != differs {
			t.Fatalf("rows differ %v, changes %v", got, differs)
		}
		if p, err := c.Plan(plan.Push); err == nil && PlanDiffers(p) != differs {
			t.Fatalf("plan differs %v (%d commands, %d conflicts), changes %v", PlanDiffers(p), len(p.Commands), len(p.Conflicts), differs)
		}
	})
}
