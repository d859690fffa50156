package diff

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// TestWritersMaskOneSidedSecrets: a secret only on one side is still a
// change, and no writer prints its value when masking.
func TestWritersMaskOneSidedSecrets(t *testing.T) {
	a := dfTree(config.Vyatta, "a", dfNode("user", dfSecret("password", "$6$topsecret"), dfLeaf("level", "admin")))
	b := dfTree(config.Vyatta, "b", dfNode("user", dfLeaf("level", "admin")), dfNode("new", dfSecret("key", "$6$other")))
	o := Options{MaskSecrets: true}
	cs := Trees(a, b, o)
	if len(cs) != 2 {
		t.Fatalf("changes %q", dfSummary(cs))
	}
	var out bytes.Buffer
	if err := WriteUnified(&out, a, b, cs, o, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&out, cs, o, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteSide(&out, Rows(a, b, RowOptions{Options: o}), 80); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "$6$") || !strings.Contains(s, config.Mask) {
		t.Errorf("secret printed or mask missing:\n%s", s)
	}
	// Without masking the values are there: the test above can fail.
	out.Reset()
	if err := WriteJSON(&out, Trees(a, b, Options{}), Options{}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "$6$topsecret") {
		t.Errorf("unmasked JSON lacks the value:\n%s", out.String())
	}
	var decoded []map[string]any
	if err := json.Unmarshal(out.Bytes(), &decoded); err != nil || len(decoded) != 2 {
		t.Fatalf("JSON does not decode to 2 objects: %v\n%s", err, out.String())
	}
	if decoded[0]["kind"] != "removed" || decoded[0]["right"] != nil {
		t.Errorf("first object %v", decoded[0])
	}
}

// TestWritersCarryScope: unified and JSON tell the scope of each change
// (and the rule that decided), call a one-sided subtree whose nodes have
// several scopes mixed and give each line or node its own, and JSON holds
// a one-sided subtree's content, not only its top node.
func TestWritersCarryScope(t *testing.T) {
	m, err := syncmap.FromFlags([]string{"firewall"}, []string{"firewall group"})
	if err != nil {
		t.Fatal(err)
	}
	a := dfTree(config.Vyatta, "a",
		dfNode("firewall",
			dfNode("group", dfTag("address-group", dfNode("SERVERS", dfLeaf("address", "10.0.1.10")))),
			dfTag("name", dfNode("IN", dfLeaf("default-action", "drop")))),
		dfNode("system", dfLeaf("host-name", "a"), dfNode("config-sync", dfLeaf("remote-router", "192.0.2.3"))))
	b := dfTree(config.Vyatta, "b",
		dfNode("firewall", dfTag("name", dfNode("IN", dfLeaf("default-action", "accept")))),
		dfNode("system", dfLeaf("host-name", "b")))
	cs := Trees(a, b, Options{})
	var uni bytes.Buffer
	if err := WriteUnified(&uni, a, b, cs, Options{}, m.Decide); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"@@ firewall group @@ excluded (rule 2)\n-group\n",
		"@@ firewall name IN default-action @@ in-scope (rule 1)\n",
		"@@ system host-name @@ outside\n",
		"@@ system config-sync @@ protected\n",
	} {
		if !strings.Contains(uni.String(), want) {
			t.Errorf("unified lacks %q:\n%s", want, uni.String())
		}
	}

	// A removed subtree of mixed scope: firewall with its excluded group.
	a2 := dfTree(config.Vyatta, "a", a.Root.Children[0])
	b2 := dfTree(config.Vyatta, "b")
	cs = Trees(a2, b2, Options{})
	uni.Reset()
	if err := WriteUnified(&uni, a2, b2, cs, Options{}, m.Decide); err != nil {
		t.Fatal(err)
	}
	wantUni := "@@ firewall @@ mixed: in-scope, excluded\n" +
		"-firewall  [in-scope (rule 1)]\n" +
		"-    group  [excluded (rule 2)]\n" +
		"-        address-group SERVERS  [excluded (rule 2)]\n" +
		"-            address 10.0.1.10  [excluded (rule 2)]\n" +
		"-    name IN  [in-scope (rule 1)]\n" +
		"-        default-action drop  [in-scope (rule 1)]\n"
	if uni.String() != wantUni {
		t.Errorf("unified of a mixed subtree:\n%s\nwant:\n%s", uni.String(), wantUni)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, cs, Options{}, m.Decide); err != nil {
		t.Fatal(err)
	}
	var decoded []struct {
		Kind     string
		Scope    string
		Rule     *int
		Children []struct {
			Name     string
			Values   []string
			Scope    string
			Rule     *int
			Children []json.RawMessage
		}
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || len(decoded) != 1 {
		t.Fatalf("JSON: %v\n%s", err, js.String())
	}
	d := decoded[0]
	if d.Kind != "removed" || d.Scope != "mixed" || d.Rule != nil || len(d.Children) != 2 {
		t.Fatalf("JSON change %+v\n%s", d, js.String())
	}
	if g := d.Children[0]; g.Name != "group" || g.Scope != "excluded" || g.Rule == nil || *g.Rule != 2 || len(g.Children) != 1 {
		t.Errorf("JSON child %+v", g)
	}
	if !strings.Contains(js.String(), `{"name":"address","values":["10.0.1.10"],"scope":"excluded","rule":2}`) {
		t.Errorf("JSON lacks the subtree's leaf:\n%s", js.String())
	}
}

// TestWriteSideMixedFold: a fold hiding lines of several scopes shows the
// mixed mark '&' and names the scopes, where one of one scope shows that
// scope's mark.
func TestWriteSideMixedFold(t *testing.T) {
	m := syncmap.Default(config.Vyatta, nil)
	var kids []*config.Node
	for i := range 6 {
		kids = append(kids, dfLeaf("n"+strconv.Itoa(i), "v"))
	}
	build := func(host string) *config.Tree {
		return dfTree(config.Vyatta, "t",
			dfNode("system",
				dfNode("config-sync", dfLeaf("remote-router", "192.0.2.3"), dfLeaf("sync-map", "FW")),
				dfNode("domain", kids...),
				dfLeaf("host-name", host)))
	}
	var out bytes.Buffer
	if err := WriteSide(&out, Rows(build("a"), build("b"), RowOptions{Map: m, Context: 1, Fold: true}), 100); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^… 10 unchanged lines \(in-scope, protected\) .* & … 10 unchanged lines`)
	if !want.MatchString(out.String()) {
		t.Errorf("no mixed fold:\n%s", out.String())
	}
	if strings.Count(out.String(), "&") != 1 {
		t.Errorf("want one mixed mark:\n%s", out.String())
	}
}
