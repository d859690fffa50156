package diff

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// dfVyattaPair is a small hand-built Vyatta pair touching every kind of row.
func dfVyattaPair() (*config.Tree, *config.Tree) {
	a := dfTree(config.Vyatta, "vra-a",
		dfNode("firewall", dfTag("name", dfNode("WAN_IN",
			dfLeaf("default-action", "drop"),
			dfTag("rule",
				dfNode("10", dfLeaf("action", "accept"), dfNode("state", dfLeaf("established", "enable"))),
				dfNode("20", dfLeaf("action", "drop"), dfLeaf("description", "old rule")))))),
		dfNode("interfaces", dfTag("ethernet",
			dfNode("eth0", dfLeaf("address", "192.0.2.1/24", "2001:db8::1/64"), dfLeaf("description", "WAN")),
			dfNode("eth1", dfLeaf("address", "10.0.0.1/24"), dfLeaf("disable")))),
		dfNode("system",
			dfLeaf("host-name", "vra-a"),
			dfNode("login", dfTag("user", dfNode("vyatta", dfNode("authentication", dfSecret("encrypted-password", "$6$aaa"))))),
			dfNode("ntp", dfTag("server", dfNode("0.pool.ntp.org"), dfNode("1.pool.ntp.org"))),
			dfLeaf("time-zone", "UTC")))
	b := dfTree(config.Vyatta, "vra-b",
		dfNode("firewall", dfTag("name", dfNode("WAN_IN",
			dfLeaf("default-action", "drop"),
			dfTag("rule",
				dfNode("10", dfLeaf("action", "accept"), dfNode("state", dfLeaf("established", "enable"))),
				dfNode("20", dfLeaf("action", "drop"), dfLeaf("description", "new rule")),
				dfNode("30", dfLeaf("action", "reject"), dfLeaf("protocol", "all")))))),
		dfNode("interfaces", dfTag("ethernet",
			dfNode("eth0", dfLeaf("address", "192.0.2.2/24", "2001:db8::1/64"), dfLeaf("description", "WAN")),
			dfNode("eth2", dfLeaf("address", "")))),
		dfNode("system",
			dfLeaf("host-name", "vra-b"),
			dfNode("login", dfTag("user", dfNode("vyatta", dfNode("authentication", dfSecret("encrypted-password", "$6$bbb"))))),
			dfNode("ntp", dfTag("server", dfNode("0.pool.ntp.org"), dfNode("1.pool.ntp.org"))),
			dfLeaf("time-zone", "UTC")))
	return a, b
}

// dfVRPPair is a small hand-built Huawei pair with an ordered policy.
func dfVRPPair() (*config.Tree, *config.Tree) {
	a := dfTree(config.Huawei, "fw-a",
		dfLeaf("sysname", "FW-A"),
		dfLeaf("hrp enable"),
		dfNode("interface GigabitEthernet1/0/1", dfLeaf("ip address", "10.0.0.1 255.255.255.0")),
		dfNode("aaa", dfNode("local-user admin", dfSecret("password cipher", "%@%@aaaa%@%@"))),
		dfOrdered("security-policy",
			dfNode("rule name a", dfLeaf("source-zone", "trust"), dfLeaf("action", "permit")),
			dfNode("rule name b", dfLeaf("action", "deny")),
			dfNode("rule name c", dfLeaf("action", "permit"))))
	b := dfTree(config.Huawei, "fw-b",
		dfLeaf("sysname", "FW-B"),
		dfLeaf("hrp enable"),
		dfNode("interface GigabitEthernet1/0/1", dfLeaf("ip address", "10.0.0.2 255.255.255.0")),
		dfNode("aaa", dfNode("local-user admin", dfSecret("password cipher", "%@%@bbbb%@%@"))),
		dfOrdered("security-policy",
			dfNode("rule name a", dfLeaf("source-zone", "trust"), dfLeaf("action", "permit")),
			dfNode("rule name c", dfLeaf("action", "deny")),
			dfNode("rule name b", dfLeaf("action", "deny")),
			dfNode("rule name d", dfLeaf("action", "permit"))))
	return a, b
}

// dfScope puts firewall / security-policy in scope, protects system login
// and excludes interfaces.
func dfScope(p config.Path) syncmap.Decision {
	if len(p) == 0 {
		return syncmap.Decision{}
	}
	switch {
	case p[0] == "firewall" || p[0] == "security-policy":
		return syncmap.Decision{Scope: syncmap.InScope}
	case p[0] == "interfaces" || strings.HasPrefix(p[0], "interface "):
		return syncmap.Decision{Scope: syncmap.Excluded}
	case len(p) > 1 && p[0] == "system" && p[1] == "login":
		return syncmap.Decision{Scope: syncmap.Protected}
	}
	return syncmap.Decision{}
}

func TestGolden(t *testing.T) {
	pairs := []struct {
		name string
		pair func() (*config.Tree, *config.Tree)
	}{{"vyatta", dfVyattaPair}, {"vrp", dfVRPPair}}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			a, b := p.pair()
			o := Options{MaskSecrets: true}
			var side bytes.Buffer
			if err := WriteSide(&side, Rows(a, b, RowOptions{Options: o, Scope: dfScope}), 100); err != nil {
				t.Fatal(err)
			}
			dfGolden(t, p.name+"_side.golden", side.Bytes())

			var uni bytes.Buffer
			if err := WriteUnified(&uni, a, b, Trees(a, b, o), o, dfScope); err != nil {
				t.Fatal(err)
			}
			dfGolden(t, p.name+"_unified.golden", uni.Bytes())

			var js bytes.Buffer
			if err := WriteJSON(&js, Trees(a, b, o), o, dfScope); err != nil {
				t.Fatal(err)
			}
			dfGolden(t, p.name+"_json.golden", js.Bytes())
			for _, out := range [][]byte{side.Bytes(), uni.Bytes(), js.Bytes()} {
				if bytes.Contains(out, []byte("$6$")) || bytes.Contains(out, []byte("%@%@")) {
					t.Errorf("a secret reached the output:\n%s", out)
				}
			}
		})
	}
}

func TestRowsAlignment(t *testing.T) {
	a, b := dfVyattaPair()
	rows := Rows(a, b, RowOptions{Options: Options{MaskSecrets: true}})
	byLeft := map[string]Row{}
	for _, r := range rows {
		if r.Left != "" && r.Right != "" && r.Kind == Same && strings.TrimSpace(r.Left) != strings.TrimSpace(r.Right) {
			t.Errorf("same row with different texts: %+v", r)
		}
		byLeft[r.Path.String()+"|"+r.Left] = r
	}
	checks := []struct {
		key         string
		kind        Kind
		right       string
		depth       int
		wantMissing bool
	}{
		{key: "firewall name WAN_IN|    name WAN_IN", kind: Same, right: "    name WAN_IN", depth: 1},
		{key: "firewall name WAN_IN rule 20 description|            description 'old rule'", kind: Changed, right: "            description 'new rule'", depth: 3},
		{key: "interfaces ethernet eth0 address|        address 192.0.2.1/24", kind: Removed, depth: 2},
		{key: "interfaces ethernet eth0 address|        address 2001:db8::1/64", kind: Same, right: "        address 2001:db8::1/64", depth: 2},
		{key: "interfaces ethernet eth1 disable|        disable", kind: Removed, depth: 2},
		{key: "system login user vyatta authentication encrypted-password|                encrypted-password ********", kind: Same, right: "                encrypted-password ********", depth: 4},
	}
	for _, c := range checks {
		r, ok := byLeft[c.key]
		if !ok {
			t.Errorf("no row %q", c.key)
			continue
		}
		if r.Kind != c.kind || r.Right != c.right || r.Depth != c.depth {
			t.Errorf("row %q = kind %v right %q depth %d, want %v %q %d", c.key, r.Kind, r.Right, r.Depth, c.kind, c.right, c.depth)
		}
	}
	// A right-only subtree gives one Added row per line, none empty.
	var added []string
	for _, r := range rows {
		if len(r.Path) >= 5 && r.Path[4] == "30" {
			if r.Kind != Added || r.Left != "" {
				t.Errorf("rule 30 row %+v", r)
			}
			added = append(added, strings.TrimSpace(r.Right))
		}
	}
	if strings.Join(added, ",") != "rule 30,action reject,protocol all" {
		t.Errorf("rule 30 rows %q", added)
	}
}

func TestRowsMove(t *testing.T) {
	a, b := dfVRPPair()
	rows := Rows(a, b, RowOptions{})
	var moved []Row
	for _, r := range rows {
		if r.Kind == Moved {
			moved = append(moved, r)
		}
	}
	if len(moved) != 2 {
		t.Fatalf("want a placeholder and a moved row, got %+v", moved)
	}
	if moved[0].Left != " rule name b" || moved[0].Right != "" {
		t.Errorf("placeholder %+v", moved[0])
	}
	if moved[1].Left != " rule name b" || moved[1].Right != " rule name b" {
		t.Errorf("moved row %+v", moved[1])
	}
}

func TestRowsFold(t *testing.T) {
	var la, lb []*config.Node
	for i := range 50 {
		name := "n" + strconv.Itoa(i)
		la = append(la, dfLeaf(name, "v"))
		v := "v"
		if i == 10 || i == 40 {
			v = "w"
		}
		lb = append(lb, dfLeaf(name, v))
	}
	a := dfTree(config.Huawei, "a", la...)
	b := dfTree(config.Huawei, "b", lb...)
	full := Rows(a, b, RowOptions{})
	if len(full) != 50 {
		t.Fatalf("unfolded rows = %d, want 50", len(full))
	}
	for _, ctx := range []int{0, 2, 3, 20} {
		rows := Rows(a, b, RowOptions{Context: ctx, Fold: true})
		shown, folded, changed := 0, 0, 0
		var kinds []string
		for _, r := range rows {
			if r.Folded > 0 {
				folded += r.Folded
				kinds = append(kinds, "fold")
				if !strings.HasPrefix(r.Left, "… "+strconv.Itoa(r.Folded)+" unchanged lines") {
					t.Errorf("summary %q", r.Left)
				}
				continue
			}
			shown++
			if r.Kind == Changed {
				changed++
				kinds = append(kinds, "chg")
			}
		}
		if shown+folded != 50 || changed != 2 {
			t.Errorf("ctx %d: shown %d + folded %d != 50 or changed %d != 2", ctx, shown, folded, changed)
		}
		// Before the first change: 10 same rows, ctx kept; between: 29.
		wantShown := 2 + min(ctx, 10) + 2*min(ctx, 14) + min(ctx, 9)
		if 29-2*ctx < 2 {
			wantShown = 2 + min(ctx, 10) + 29 + min(ctx, 9)
		}
		if 10-ctx < 2 {
			wantShown += 10 - min(ctx, 10)
		}
		if 9-ctx < 2 {
			wantShown += 9 - min(ctx, 9)
		}
		if shown != wantShown {
			t.Errorf("ctx %d: shown %d rows, want %d (%v)", ctx, shown, wantShown, kinds)
		}
	}
}

func TestRowsOnlyScope(t *testing.T) {
	a, b := dfVyattaPair()
	rows := Rows(a, b, RowOptions{Scope: dfScope, OnlyScope: true})
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for _, r := range rows {
		if r.Path[0] != "firewall" {
			t.Errorf("row outside scope kept: %v %q", r.Path, r.Left)
		}
		if r.Scope != syncmap.InScope {
			t.Errorf("row %v scope %v", r.Path, r.Scope)
		}
	}
	// Keep ancestors: a scope that only matches deep rows still shows the
	// rows above them, and nothing else.
	deep := func(p config.Path) syncmap.Decision {
		if len(p) >= 4 && p[3] == "description" {
			return syncmap.Decision{Scope: syncmap.InScope}
		}
		return syncmap.Decision{}
	}
	rows = Rows(a, b, RowOptions{Scope: deep, OnlyScope: true})
	var got []string
	for _, r := range rows {
		got = append(got, strings.TrimSpace(r.Left)+"|"+strings.TrimSpace(r.Right))
	}
	want := "interfaces|interfaces,ethernet eth0|ethernet eth0,description WAN|description WAN"
	if strings.Join(got, ",") != want {
		t.Errorf("rows %q\nwant %q", strings.Join(got, ","), want)
	}
}

func TestLineText(t *testing.T) {
	tests := []struct {
		fam  config.Family
		n    *config.Node
		mask bool
		want []string
	}{
		{config.Vyatta, dfLeaf("description", "two words"), false, []string{"description 'two words'"}},
		{config.Vyatta, dfLeaf("description", ""), false, []string{"description ''"}},
		{config.Vyatta, dfLeaf("address", "a", "b"), false, []string{"address a", "address b"}},
		{config.Vyatta, dfLeaf("disable"), false, []string{"disable"}},
		{config.Vyatta, dfNode("system", dfLeaf("x")), false, []string{"system"}},
		{config.Vyatta, dfTag("ethernet", dfNode("eth0"), dfNode("my if")), false, []string{"ethernet eth0", "ethernet 'my if'"}},
		{config.Vyatta, dfSecret("password", "s3cret"), true, []string{"password ********"}},
		{config.Vyatta, dfSecret("password", "s3cret"), false, []string{"password s3cret"}},
		{config.Huawei, dfLeaf("isp name", `"china mobile"`), false, []string{`isp name "china mobile"`}},
		{config.Huawei, dfSecret("password cipher", "%@%@x"), true, []string{"password cipher ********"}},
		{config.Huawei, dfTag("rule"), false, []string{"rule"}},
	}
	for _, tt := range tests {
		got := LineText(tt.fam, tt.n, tt.mask)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("LineText(%v, %s) = %q, want %q", tt.fam, tt.n.Name, got, tt.want)
		}
	}
}

func TestWriteSideTruncates(t *testing.T) {
	rows := []Row{{Kind: Changed, Left: "ééééééééééééééé", Right: "short", Scope: syncmap.InScope}}
	var buf bytes.Buffer
	if err := WriteSide(&buf, rows, 24); err != nil {
		t.Fatal(err)
	}
	// col = (24-4)/2 = 10 cells.
	want := "ééééééééé… ~* short\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	if err := WriteSide(&buf, rows, 3); err == nil {
		t.Error("width 3 accepted")
	}
}

// BenchmarkRowsMap is BenchmarkRows with the scope of a sync-map, as
// `hasync diff` runs it: the default map, and one whose rules cut inside
// the big pair so that folds must look into the runs they hide.
func BenchmarkRowsMap(b *testing.B) {
	l, r := dfBigPair(100_000)
	cut, err := syncmap.FromFlags([]string{"firewall name BIG rule"}, []string{"firewall name BIG rule 5", "firewall name BIG rule 1000 leaf3"})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []*syncmap.Map{syncmap.Default(config.Vyatta, nil), cut} {
		b.Run(m.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Rows(l, r, RowOptions{Map: m, Fold: true, Context: 3})
			}
		})
	}
}

// TestRowsParallel: rows made on two cores are those made on one, for a
// view of many rows, under the map and under a scope of the caller's.
func TestRowsParallel(t *testing.T) {
	textA := fastSynth(6000, 7)
	a, errA := config.Parse("a", []byte(textA), config.Vyatta)
	b, errB := config.Parse("b", []byte(fastPeer(textA, 10, 8)), config.Vyatta)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	m := syncmap.Default(config.Vyatta, a)
	for _, o := range []RowOptions{{Map: m, Context: 3, Fold: true}, {Map: m, Context: -1}, {Scope: m.Decide, Context: -1}} {
		rowsParallel = 1 << 30
		one := Rows(a, b, o)
		rowsParallel = 64
		two := Rows(a, b, o)
		rowsParallel = 4096
		if len(one) < 1000 || !reflect.DeepEqual(one, two) {
			t.Errorf("%+v: %d rows on one core, %d on two, or they differ", o, len(one), len(two))
		}
	}
}
