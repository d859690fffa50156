package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// TestInScopeKeepsAncestors (trial 11 defect 11): with the filter "in
// scope", the out-of-scope parents of the rows shown stay (dimmed, not
// counted as differences), so the tree reads right.
func TestInScopeKeepsAncestors(t *testing.T) {
	c, err := compare.Files("testdata/diff-vra-a.conf", "testdata/diff-vra-b.conf", config.Vyatta,
		compare.MapSpec{Include: []string{"firewall name OUTSIDE-IN", "interfaces ethernet eth0 vrrp"}}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := BuildDiff(DiffSource{Comparison: c, LeftName: "vra-a", RightName: "vra-b"})
	if err != nil {
		t.Fatal(err)
	}
	v := NewDiffView(NewStyles(Theme{NoColor: true}))
	v.SetData(d)
	v.SetSize(100, 60)
	v.SetFilter(FilterInScope)
	var ctx []string
	sawInScope := false
	for _, it := range v.items {
		r := d.Rows[it.row]
		if it.ctx {
			if r.Scope == syncmap.InScope {
				t.Errorf("an in-scope row %q marked as context", r.Left)
			}
			ctx = append(ctx, strings.TrimSpace(r.Left+"|"+r.Right))
			continue
		}
		if it.fold == 0 && r.Scope != syncmap.InScope {
			t.Errorf("out-of-scope row %q kept as a row of its own", r.Left)
		}
		if r.Scope == syncmap.InScope && len(r.Path) > 2 && r.Path[0] == "firewall" {
			sawInScope = true
		}
	}
	if !sawInScope {
		t.Fatal("no in-scope firewall row shown")
	}
	joined := strings.Join(ctx, "\n")
	for _, want := range []string{"firewall", "interfaces", "ethernet eth0"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the parent %q is not kept; context rows:\n%s\nscreen:\n%s", want, joined, ansi.Strip(v.View()))
		}
	}
	// The context rows are no differences for n/N.
	for _, di := range v.diffItems {
		if v.items[di].ctx {
			t.Errorf("context row %d is walked as a difference", di)
		}
	}
}
