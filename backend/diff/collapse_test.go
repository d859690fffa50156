package diff

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

// dfFoldRows folds unfolded rows the way RowOptions.Fold documents it: in
// each run of Same rows, Context rows are kept at each end (none before
// the first row or after the last) and the rest becomes one summary row
// carrying the first hidden row's path, depth, lines and scope. It works on
// every row, so Rows' collapsing of equal subtrees can be checked against
// it.
func dfFoldRows(rows []Row, ctx int) []Row {
	var out []Row
	for i := 0; i < len(rows); {
		if rows[i].Kind != Same {
			out = append(out, rows[i])
			i++
			continue
		}
		e := i
		for e < len(rows) && rows[e].Kind == Same {
			e++
		}
		head, tail := ctx, ctx
		if i == 0 {
			head = 0
		}
		if e == len(rows) {
			tail = 0
		}
		hidden := e - i - head - tail
		if hidden < 2 {
			out = append(out, rows[i:e]...)
			i = e
			continue
		}
		out = append(out, rows[i:i+head]...)
		f := rows[i+head]
		summary := fmt.Sprintf("… %d unchanged lines", hidden)
		if e-tail < len(rows) {
			// Named after the parent row of the next line shown.
			next := rows[e-tail]
			for k := e - tail - 1; k >= 0; k-- {
				if rows[k].Depth == next.Depth-1 {
					summary += " · " + rows[k].Path.String()
					break
				}
			}
		}
		out = append(out, Row{Kind: Same, Path: f.Path, Depth: f.Depth, Left: summary, Right: summary,
			LeftLine: f.LeftLine, RightLine: f.RightLine, Scope: f.Scope, Folded: hidden})
		out = append(out, rows[e-tail:e]...)
		i = e
	}
	return out
}

// dfPathScope is a scope that depends on the whole path, so that a row given
// the wrong path gets the wrong scope.
func dfPathScope(p config.Path) syncmap.Decision {
	n := 0
	for _, name := range p {
		n += len(name)
	}
	if n%3 == 0 {
		return syncmap.Decision{Scope: syncmap.InScope}
	}
	return syncmap.Decision{Scope: syncmap.Excluded}
}

// dfCheckFold compares the folded rows of a and b with the unfolded rows
// folded by dfFoldRows, for several contexts.
func dfCheckFold(t *testing.T, name string, a, b *config.Tree) {
	t.Helper()
	for _, o := range []Options{{}, {MaskSecrets: true}} {
		all := Rows(a, b, RowOptions{Options: o, Scope: dfPathScope})
		for _, ctx := range []int{0, 1, 3, 8} {
			got := Rows(a, b, RowOptions{Options: o, Scope: dfPathScope, Context: ctx, Fold: true})
			want := dfFoldRows(all, ctx)
			if reflect.DeepEqual(got, want) {
				continue
			}
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%s mask=%v context %d: row %d of %d/%d:\n got %+v\nwant %+v",
						name, o.MaskSecrets, ctx, i, len(got), len(want), got[i], want[i])
				}
			}
			t.Fatalf("%s mask=%v context %d: %d rows, want %d", name, o.MaskSecrets, ctx, len(got), len(want))
		}
	}
}

// TestRowsCollapseFolds checks that collapsing runs of equal subtrees
// gives exactly the rows that folding every row would.
func TestRowsCollapseFolds(t *testing.T) {
	a, b := dfBigPair(20_000)
	dfCheckFold(t, "big pair", a, b)
	dfCheckFold(t, "big pair reversed", b, a)
	dfCheckFold(t, "big pair with itself", a, a)

	// Equal subtrees in every shape: tag nodes, multi-value leaves,
	// secrets, moves in an ordered parent, a change at either end.
	src := "interfaces\n tethernet\n  eth0\n   address 1 2 3\n   mtu 1500\n  eth1\n   address 4\n" +
		"@policy\n r1\n  action permit\n  service a b\n r2\n  action deny\n r3\n  action permit\n r4\n  action deny\n r5\n" +
		"system\n %password x y\n host-name a\n ntp\n  server 1\n  server 2\n  server 3\n"
	for _, dst := range []string{
		src,
		"interfaces\n tethernet\n  eth0\n   address 1 2 3\n   mtu 1500\n  eth1\n   address 5\n" +
			"@policy\n r1\n  action permit\n  service a b\n r3\n  action permit\n r2\n  action deny\n r4\n  action deny\n r5\n" +
			"system\n %password x z\n host-name a\n ntp\n  server 1\n  server 2\n  server 3\n",
		"zz first\n" + src + "zz last\n",
	} {
		for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
			dfCheckFold(t, fam.String(), dfBuild(fam, src), dfBuild(fam, dst))
		}
	}
}

// TestCorpusCollapseFolds runs the same check on the corpus pairs.
func TestCorpusCollapseFolds(t *testing.T) {
	dir := testcorpus.Dir(t)
	pairs := [][2]string{
		{"vyos/hier_config/vyos_running.conf", "vyos/hier_config/vyos_generated.conf"},
		{"huawei/hier_config_comware5/comware5_running.conf", "huawei/hier_config_comware5/comware5_generated.conf"},
		{"huawei/napalm-huawei-vrp/initial.conf", "huawei/napalm-huawei-vrp/new_good.conf"},
		{"huawei/constructed/usg6000-dc1-a.cfg", "huawei/constructed/usg6000-dc1-a.cfg"},
	}
	for _, p := range pairs {
		a, errA := config.ParseFile(filepath.Join(dir, p[0]), config.Auto)
		b, errB := config.ParseFile(filepath.Join(dir, p[1]), config.Auto)
		if errA != nil || errB != nil {
			t.Logf("%s: does not parse: %v %v", p[0], errA, errB)
			continue
		}
		dfCheckFold(t, filepath.Base(p[0]), a, b)
		dfCheckFold(t, filepath.Base(p[1])+" reversed", b, a)
	}
}
