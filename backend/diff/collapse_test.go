package diff

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

// dfFoldRows folds unfolded rows the way RowOptions.Fold documents it: in
// each run of Same rows, Context rows are kept at each end (none before
// the first row or after the last) and the rest becomes one summary row
// carrying the first hidden row's path, depth, lines and scope, and when
// the hidden rows are of several scopes, their set (FoldScopes, also named
// in the summary). It works on every row, so Rows' collapsing
// of equal subtrees can be checked against it.
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
		var scopes ScopeSet
		for _, r := range rows[i+head : e-tail] {
			scopes = scopes.Add(r.Scope)
		}
		summary := fmt.Sprintf("… %d unchanged lines", hidden)
		if scopes.Len() > 1 {
			summary += " (" + scopes.String() + ")"
		} else {
			scopes = 0
		}
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
			LeftLine: f.LeftLine, RightLine: f.RightLine, Scope: f.Scope, Folded: hidden, FoldScopes: scopes})
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

// dfMaps are sync-maps whose rules cut inside the test trees, so that
// folds hide lines of several scopes: Rows then tells the scopes of
// collapsed runs from the map's rules rather than row by row.
func dfMaps() []*syncmap.Map {
	cut, err := syncmap.FromFlags(
		[]string{"firewall name BIG rule", "interfaces", "policy", "system", "zz", "x"},
		[]string{"x a", "x zz", "firewall name BIG rule 5", "firewall name BIG rule 1000 leaf3", "firewall name BIG rule 2000",
			"interfaces tethernet eth1", "system ntp server 2", "policy r3", "zz last"})
	if err != nil {
		panic(err)
	}
	// Protected paths inside the trees: system config-sync (Vyatta), hrp
	// (Huawei), service https.
	cut.Rules = append(cut.Rules, syncmap.Rule{Number: 100, Action: syncmap.Include, Location: []string{"service"}})
	return []*syncmap.Map{cut, syncmap.Default(config.Vyatta, nil), syncmap.HRP(nil)}
}

// dfCheckFold compares the folded rows of a and b with the unfolded rows
// folded by dfFoldRows, for several contexts, with a scope that depends on
// the whole path and with sync-maps.
func dfCheckFold(t *testing.T, name string, a, b *config.Tree) {
	t.Helper()
	type scoping struct {
		name string
		ro   RowOptions
	}
	scopings := []scoping{{"path scope", RowOptions{Scope: dfPathScope}}}
	for _, m := range dfMaps() {
		scopings = append(scopings, scoping{"map " + m.Name, RowOptions{Map: m}})
	}
	for _, sc := range scopings {
		for _, o := range []Options{{}, {MaskSecrets: true}} {
			sc.ro.Options = o
			dfCheckFoldWith(t, name+" "+sc.name, a, b, sc.ro)
		}
	}
}

func dfCheckFoldWith(t *testing.T, name string, a, b *config.Tree, ro RowOptions) {
	t.Helper()
	o := ro.Options
	{
		all := Rows(a, b, ro)
		for _, ctx := range []int{0, 1, 2, 3, 8} {
			fo := ro
			fo.Context, fo.Fold = ctx, true
			got := Rows(a, b, fo)
			want := dfFoldRows(all, ctx)
			if reflect.DeepEqual(got, want) || len(got) == 0 && len(want) == 0 {
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
		// Protected paths of both families inside equal runs, so that a
		// fold hides in-scope and protected lines together.
		const protected = "hrp\n interface x\n standby y\n" +
			"service\n https\n  listen-address 1\n  port 443\n ssh\n  port 22\n"
		const sync = " config-sync\n  remote-router 1\n  sync-map FW\n host-name a\n"
		src := strings.Replace(src, " host-name a\n", sync, 1) + protected
		dst := strings.Replace(dst, " host-name a\n", sync, 1) + protected
		for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
			dfCheckFold(t, fam.String(), dfBuild(fam, src), dfBuild(fam, dst))
		}
	}
}

// TestRowsFoldScopeAtTheEdges: a scope found only in the rows a fold keeps
// at either end of a collapsed run is not one of the hidden rows'.
func TestRowsFoldScopeAtTheEdges(t *testing.T) {
	// x a (two lines) is excluded, the rest of x in scope: with context 3,
	// x and its two a lines are shown, and so are the last three lines.
	run := "x\n a 1 2\n b\n  c 1\n  d 2\n e\n  f 1\n  g 2\n h\n  i 1\n  j 2\n k\n  l 1\n"
	for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
		a := dfBuild(fam, "w 1\n"+run+"y 1\n")
		b := dfBuild(fam, "w 2\n"+run+"y 2\n")
		dfCheckFold(t, "edges "+fam.String(), a, b)
		dfCheckFold(t, "edges reversed "+fam.String(), dfBuild(fam, "w 1\n"+strings.Replace(run, " a 1 2\n", "", 1)+" zz 1 2\ny 1\n"),
			dfBuild(fam, "w 2\n"+strings.Replace(run, " a 1 2\n", "", 1)+" zz 1 2\ny 2\n"))
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

// FuzzFoldScopes: on random trees and sync-maps whose rules are paths of
// those trees, the scopes a fold shows are those of the rows it hides.
func FuzzFoldScopes(f *testing.F) {
	f.Add("x\n a 1 2\n b\n  c 1\n  d 2\n e\n  f 1\ny 1\n", "x\n a 1 2\n b\n  c 1\n  d 3\n e\n  f 1\ny 2\n", uint8(1), uint8(5))
	f.Add("interfaces\n tethernet\n  eth0\n   mtu 1\n  eth1\n   mtu 2\nsystem\n config-sync\n  a 1\n host-name a\n",
		"interfaces\n tethernet\n  eth0\n   mtu 1\n  eth1\n   mtu 3\nsystem\n config-sync\n  a 1\n host-name b\n", uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, srcA, srcB string, inc, exc uint8) {
		if len(srcA)+len(srcB) > 4000 {
			return
		}
		for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
			a, b := dfBuild(fam, srcA), dfBuild(fam, srcB)
			// Rules at the paths of the inc-th and exc-th nodes of a.
			var paths [][]string
			var walk func(n *config.Node, p []string)
			walk = func(n *config.Node, p []string) {
				for _, c := range n.Children {
					cp := append(p[:len(p):len(p)], strings.Fields(c.Name)...)
					if len(cp) > 0 {
						paths = append(paths, cp)
					}
					walk(c, cp)
				}
			}
			walk(a.Root, nil)
			maps := dfMaps()
			if len(paths) > 0 {
				m := &syncmap.Map{Name: "fuzz", Family: fam, Rules: []syncmap.Rule{
					{Number: 1, Action: syncmap.Include, Location: paths[int(inc)%len(paths)]},
					{Number: 2, Action: syncmap.Exclude, Location: paths[int(exc)%len(paths)]},
				}}
				maps = append(maps, m)
			}
			for _, m := range maps {
				dfCheckFoldWith(t, "fuzz "+m.Name, a, b, RowOptions{Map: m})
			}
		}
	})
}

// TestRowsFoldScopeUndo: a VRP `undo X` line has X's scope (syncmap reads
// it without its `undo`): `undo hrp preempt` hidden in a fold is
// protected like `hrp`.
func TestRowsFoldScopeUndo(t *testing.T) {
	build := func(last string) *config.Tree {
		var kids []*config.Node
		for i := range 12 {
			kids = append(kids, &config.Node{Name: "ip address-set S" + strconv.Itoa(i) + " type object"})
		}
		kids = append(kids, &config.Node{Name: "undo hrp preempt"}, &config.Node{Name: "undo"})
		for i := range 12 {
			kids = append(kids, &config.Node{Name: "firewall zone z" + strconv.Itoa(i)})
		}
		kids = append(kids, &config.Node{Name: "sysname", Values: []string{last}})
		return &config.Tree{Family: config.Huawei, Root: &config.Node{Children: kids}}
	}
	a, b := build("A"), build("B")
	for _, m := range []*syncmap.Map{syncmap.HRP(nil), syncmap.Default(config.Huawei, nil)} {
		dfCheckFold(t, "undo", a, b)
		rows := Rows(a, b, RowOptions{Map: m, Fold: true, Context: 1})
		if !rows[0].FoldScopes.Has(syncmap.Protected) {
			t.Errorf("%s: the fold hiding undo hrp preempt is not marked protected: %+v", m.Name, rows[0])
		}
	}
}
