package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
)

// TestGoToPathCrumb: after a jump to a path's row (a sync error's), the
// breadcrumb names that path and the cursor is on its row, for a row in
// the middle, one the in-scope filter hides, and the last.
func TestGoToPathCrumb(t *testing.T) {
	rows := testData(t).Rows
	for _, p := range []config.Path{
		{"firewall", "name", "OUTSIDE-IN", "rule", "20", "action"},
		{"firewall", "group", "address-group", "SERVERS", "address"},
		rows[len(rows)-1].Path,
	} {
		v := newTestView(t, Theme{Dark: true, NoColor: true}, 120, 24)
		press(v, "f") // in scope: hides the excluded group
		if !v.GoToPath(p) {
			t.Fatalf("%s: no row", p)
		}
		lines := strings.Split(ansi.Strip(v.View()), "\n")
		if !strings.HasPrefix(lines[0], "▸ "+p.String()+" ") {
			t.Errorf("%s: breadcrumb %q", p, lines[0])
		}
		if got := rows[v.items[v.cursor].row].Path; got.String() != p.String() {
			t.Errorf("%s: cursor on %s", p, got)
		}
	}
}
