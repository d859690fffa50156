package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

func parse(t *testing.T, name, text string) *config.Tree {
	t.Helper()
	tr, err := config.Parse(name, []byte(text), config.Auto)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

const vyA = `firewall {
    group {
        address-group SERVERS {
            address 10.0.1.10
            address 10.0.1.11
        }
    }
    name IN {
        default-action drop
        rule 10 {
            action accept
            description "it's web"
        }
        rule 20 {
            action drop
        }
    }
}
service {
    https {
        listen-address 192.0.2.2
    }
}
system {
    host-name vra-a
}
`

const vyB = `firewall {
    group {
        address-group SERVERS {
            address 10.0.1.11
            address 10.0.1.12
        }
    }
    name IN {
        default-action accept
        rule 10 {
            action drop
        }
        rule 30 {
            action accept
        }
    }
}
service {
    https {
        listen-address 192.0.2.3
    }
}
system {
    host-name vra-b
}
`

func TestVyattaPlanMakesTargetEqualInScope(t *testing.T) {
	a, b := parse(t, "a", vyA), parse(t, "b", vyB)
	for _, m := range []*syncmap.Map{
		syncmap.Default(config.Vyatta, a),
		mustFlags(t, []string{"firewall"}, []string{"firewall group"}),
		mustFlags(t, []string{"firewall name IN rule 10"}, nil),
	} {
		p, err := Build(a, b, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Empty() {
			t.Fatalf("map %s: empty plan for different configurations", m.Name)
		}
		sim := newVySim(b, vyMultiOf(a, b))
		if err := sim.apply(p.Commands); err != nil {
			t.Fatalf("map %s: %v", m.Name, err)
		}
		got := sim.tree()
		if !diff.Equal(m.Scoped(a), m.Scoped(got), diff.Options{}) {
			t.Errorf("map %s: after the plan the in-scope parts still differ:\n%s\nchanges: %+v", m.Name,
				strings.Join(p.Commands, "\n"), diff.Trees(m.Scoped(a), m.Scoped(got), diff.Options{}))
		}
		// Out of scope stays as it was on the target.
		if h := got.Root.Lookup(config.Path{"system", "host-name"}); m.Name != "all" && (h == nil || h.Values[0] != "vra-b") {
			t.Errorf("map %s: the plan touched system host-name", m.Name)
		}
		for _, c := range p.Commands {
			if strings.Contains(c, "service https") || strings.Contains(c, "config-sync") {
				t.Errorf("map %s: the plan touches a protected path: %s", m.Name, c)
			}
		}
	}
}

func TestVyattaPlanNeverSendsMaskedSecrets(t *testing.T) {
	a := parse(t, "a", "system {\n    login {\n        user ops {\n            authentication {\n                plaintext-password \"********\"\n            }\n        }\n    }\n}\n")
	b := parse(t, "b", "system {\n    host-name x\n}\n")
	p, err := Build(a, b, syncmap.Default(config.Vyatta, a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Commands {
		if strings.Contains(c, config.Mask) {
			t.Errorf("plan sends a masked secret: %s", c)
		}
	}
	if len(p.Conflicts) == 0 {
		t.Errorf("plan does not report the masked secret it skipped")
	}
}

// TestPlanMaskedSecretsAreConflicts: in both dialects, a masked value on the
// source never reaches a command, whether it changes a leaf or sits deep in
// a subtree the target lacks; each becomes a conflict at its own path.
func TestPlanMaskedSecretsAreConflicts(t *testing.T) {
	leaf := func(name string, values ...string) *config.Node {
		return &config.Node{Name: name, Values: values, Leaf: true, Secret: true}
	}
	node := func(name string, children ...*config.Node) *config.Node {
		return &config.Node{Name: name, Children: children}
	}
	m, err := syncmap.FromFlags([]string{"svc", "extra"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
		for _, mode := range []Mode{Push, HRP} {
			a := &config.Tree{Family: fam, Root: node("",
				node("svc", leaf("key", config.Mask)),
				node("extra", node("sub", leaf("secret", config.Mask))))}
			b := &config.Tree{Family: fam, Root: node("", node("svc", leaf("key", "real")))}
			p, err := Build(a, b, m, Options{Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Commands) != 0 {
				t.Errorf("%s %s: commands %q", fam, mode, p.Commands)
			}
			var got []string
			for _, c := range p.Conflicts {
				got = append(got, c.Path.String())
			}
			if want := []string{"svc key", "extra sub secret"}; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s %s: conflicts %q, want %q", fam, mode, got, want)
			}
		}
	}
}

const vrpA = `#
sysname FW-A
#
ip address-set DNS type object
 address 0 10.20.0.53 mask 32
 address 1 10.20.0.54 mask 32
#
security-policy
 rule name a
  source-zone trust
  service dns
  service http
  action permit
 rule name b
  action permit
 rule name c
  action deny
#
return
`

const vrpB = `#
sysname FW-B
#
ip address-set DNS type object
 address 0 10.20.0.53 mask 32
#
security-policy
 rule name a
  source-zone trust
  service dns
  service ftp
  action deny
 rule name c
  action deny
 rule name b
  action permit
 rule name extra
  action permit
#
return
`

func TestVRPPlanPushAndHRP(t *testing.T) {
	a, b := parse(t, "fw-a", vrpA), parse(t, "fw-b", vrpB)
	m := syncmap.HRP(a)
	push, err := Build(a, b, m, Options{Mode: Push})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"system-view",
		"ip address-set DNS type object", "address 1 10.20.0.54 mask 32", "quit",
		"security-policy", "rule name a",
		"undo service ftp", "service http", "action permit", "quit",
		"rule move b after a",
		"undo rule name extra",
		"quit",
	}
	assertContainsInOrder(t, push.Commands, want)
	for _, c := range push.Commands {
		if strings.Contains(c, "sysname") {
			t.Errorf("push plan changes the device name: %s", c)
		}
	}

	hrp, err := Build(a, b, m, Options{Mode: HRP})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hrp.Commands {
		if strings.HasPrefix(c, "undo ") || strings.HasPrefix(c, "rule move") || c == "action permit" {
			t.Errorf("HRP plan deletes, reorders or changes an existing command: %s", c)
		}
	}
	assertContainsInOrder(t, hrp.Commands, []string{"ip address-set DNS type object", "address 1 10.20.0.54 mask 32"})
	var reasons []string
	for _, c := range hrp.Conflicts {
		reasons = append(reasons, c.Path.String()+": "+c.Reason)
	}
	joined := strings.Join(reasons, "\n")
	for _, want := range []string{"rule name extra", "rule name a action", "rule name b"} {
		if !strings.Contains(joined, want) {
			t.Errorf("HRP conflicts lack %q:\n%s", want, joined)
		}
	}
}

func assertContainsInOrder(t *testing.T, got, want []string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && strings.TrimSpace(g) == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("commands lack %q (in order):\n%s", want[i], strings.Join(got, "\n"))
	}
}

func mustFlags(t *testing.T, inc, exc []string) *syncmap.Map {
	t.Helper()
	m, err := syncmap.FromFlags(inc, exc)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// vyPlanFor parses two Vyatta texts, plans under the default map and
// checks the contract with the device simulator.
func vyPlanFor(t *testing.T, l, r string) []string {
	t.Helper()
	a, b := parse(t, "l", l), parse(t, "r", r)
	m := syncmap.Default(config.Vyatta, a)
	checkVyContract(t, "l → r", a, b, m)
	p, err := Build(a, b, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Commands
}

// TestVyattaPlanMultiValueOneByOne: the first plan defect. The
// source has one address, the target another: setting the source's only
// adds it to the multi-valued leaf, so the old one must go, by value.
func TestVyattaPlanMultiValueOneByOne(t *testing.T) {
	got := vyPlanFor(t,
		"set interfaces ethernet eth1 address '198.51.100.2/24'\n",
		"set interfaces ethernet eth1 address '198.51.100.3/24'\n")
	want := []string{
		"delete interfaces ethernet eth1 address '198.51.100.3/24'",
		"set interfaces ethernet eth1 address '198.51.100.2/24'",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Several values: only the ones that differ move.
	got = vyPlanFor(t,
		"set firewall group address-group G address '10.0.0.1'\nset firewall group address-group G address '10.0.0.2'\nset firewall group address-group G address '10.0.0.4'\n",
		"set firewall group address-group G address '10.0.0.1'\nset firewall group address-group G address '10.0.0.2'\nset firewall group address-group G address '10.0.0.3'\n")
	want = []string{
		"delete firewall group address-group G address '10.0.0.3'",
		"set firewall group address-group G address '10.0.0.4'",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range got {
		if strings.HasSuffix(c, " address") {
			t.Errorf("the plan deletes the whole multi-valued leaf: %s", c)
		}
	}
}

// TestVyattaPlanValueAndChildren: a node with both values and children
// (`address 10.0.0.1` beside `address 5.5.5.5 { interface eth2 }`) changes
// its values without taking the common child along.
func TestVyattaPlanValueAndChildren(t *testing.T) {
	l := "a {\n    address 10.0.0.1\n    address 10.0.0.2\n    address 5.5.5.5 {\n        interface eth2\n    }\n}\n"
	r := "a {\n    address 10.0.0.9\n    address 5.5.5.5 {\n        interface eth2\n    }\n}\n"
	got := vyPlanFor(t, l, r)
	for _, c := range got {
		if c == "delete a address" {
			t.Errorf("the plan deletes the node and loses its common child: %q", got)
		}
	}
	if len(got) == 0 {
		t.Error("empty plan for different values")
	}
}

// TestVyattaPlanNoControlBytes: a value holding a line break cannot be one
// set command; it is listed, not sent broken in two.
func TestVyattaPlanNoControlBytes(t *testing.T) {
	a := parse(t, "l", "system {\n    login {\n        banner {\n            pre-login \"line one\nline two\"\n        }\n    }\n}\n")
	b := parse(t, "r", "system {\n    host-name x\n}\n")
	p, err := Build(a, b, syncmap.Default(config.Vyatta, a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Commands {
		for i := 0; i < len(c); i++ {
			if c[i] < ' ' || c[i] == 0x7f {
				t.Fatalf("command with a control byte: %q", c)
			}
		}
	}
	if len(p.Conflicts) == 0 {
		t.Error("the multi-line value is neither sent nor listed")
	}
	for _, c := range p.Commands {
		if strings.Contains(c, "banner") {
			t.Errorf("a node left empty by the value that cannot be sent is set anyway: %s", c)
		}
	}
}

// TestVRPFallbackUndoFirst: a command the undo table lacks, present on both
// sides with another last parameter, is undone whole before the new line
// is issued (right whether it holds one value or several), and the plan
// says so in a warning that its printed form carries.
func TestVRPFallbackUndoFirst(t *testing.T) {
	l := parse(t, "l", "#\nfirewall session aging-time tcp 1200\n#\nreturn\n")
	r := parse(t, "r", "#\nfirewall session aging-time tcp 600\n#\nreturn\n")
	p, err := Build(l, r, syncmap.HRP(l), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"system-view", "undo firewall session aging-time tcp 600", "firewall session aging-time tcp 1200"}
	if !slices.Equal(p.Commands, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(p.Commands, "\n"), strings.Join(want, "\n"))
	}
	var b strings.Builder
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) == 0 || !strings.Contains(b.String(), "# warning: the undo form of `firewall session ...`") {
		t.Errorf("the fallback is not warned of in the printed plan:\n%s", b.String())
	}
}

// TestVyattaPlanKeepsNamedRuleset: a ruleset the map shares, which the
// source lacks, is still named by an interface the map does not share: a
// delete would fail the commit on the target (the lab refuses it too), so
// the plan lists it instead of deleting it.
func TestVyattaPlanKeepsNamedRuleset(t *testing.T) {
	l := parse(t, "l", "set security firewall name LAN-IN rule 10 action 'accept'\nset interfaces dataplane dp0s1 address '192.0.2.1/24'\n")
	r := parse(t, "r", "set security firewall name LAN-IN rule 10 action 'accept'\nset security firewall name WAN-IN rule 10 action 'drop'\nset interfaces dataplane dp0s1 firewall in 'WAN-IN'\n")
	m := mustFlags(t, []string{"security firewall"}, nil)
	p, err := Build(l, r, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Commands {
		if strings.Contains(c, "WAN-IN") {
			t.Errorf("the plan deletes a ruleset an interface outside the map still names: %s", c)
		}
	}
	var b strings.Builder
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "# not synced: security firewall name WAN-IN: still named by `interfaces dataplane dp0s1 firewall in`") {
		t.Errorf("the kept ruleset is not listed:\n%s", b.String())
	}
	// Once the source names it no more and the map shares the interface,
	// it goes.
	p, err = Build(l, r, syncmap.Default(config.Vyatta, l), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(p.Commands, "delete security firewall name WAN-IN") {
		t.Errorf("with the interface in the map the ruleset is deleted:\n%s", strings.Join(p.Commands, "\n"))
	}
}

// TestVyattaPlanPrintsSecretsMasked: the plan sends a secret the target
// lacks as it is, but its printed form shows it masked (secrets never
// reach the screen) unless asked.
func TestVyattaPlanPrintsSecretsMasked(t *testing.T) {
	a := parse(t, "a", "set system login user bob authentication plaintext-password 'secret1'\n")
	b := parse(t, "b", "set system host-name 'x'\n")
	p, err := Build(a, b, mustFlags(t, []string{"system login"}, nil), Options{Diff: diff.Options{MaskSecrets: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(p.Commands, "set system login user bob authentication plaintext-password 'secret1'") {
		t.Fatalf("the plan does not send the secret the target lacks: %q", p.Commands)
	}
	var shown, real strings.Builder
	if err := p.Write(&shown); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(&real, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown.String(), "secret1") || !strings.Contains(shown.String(), "plaintext-password '********'") {
		t.Errorf("the printed plan shows the secret:\n%s", shown.String())
	}
	if !strings.Contains(real.String(), "'secret1'") {
		t.Errorf("Print with showSecrets hides it:\n%s", real.String())
	}
}

// TestVRPPlanPrintsCiphertextMasked: a VRP line the target lacks is sent
// with its ciphertext, but printed masked unless asked.
func TestVRPPlanPrintsCiphertextMasked(t *testing.T) {
	a := parse(t, "a", "#\naaa\n local-user ops password cipher %^%#abcdefghijklmnop%^%#\n#\nreturn\n")
	b := parse(t, "b", "#\naaa\n#\nreturn\n")
	p, err := Build(a, b, vrpAll(t), Options{Diff: diff.Options{MaskSecrets: true}})
	if err != nil {
		t.Fatal(err)
	}
	var shown, real strings.Builder
	if err := p.Write(&shown); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(&real, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown.String(), "abcdefghijklmnop") {
		t.Errorf("the printed plan shows the ciphertext:\n%s", shown.String())
	}
	if !strings.Contains(real.String(), "%^%#abcdefghijklmnop%^%#") {
		t.Errorf("the plan does not send the line, or Print hides it with showSecrets:\n%s", real.String())
	}
}

// vrpAll shares everything of a Huawei configuration but HRP's own lines.
func vrpAll(t *testing.T) *syncmap.Map {
	t.Helper()
	return &syncmap.Map{Name: "all", Family: config.Huawei, Rules: []syncmap.Rule{{Number: 1, Action: syncmap.Include}}}
}

// TestReviewFindings: what a second review found, each a case.
func TestReviewFindings(t *testing.T) {
	build := func(l, r string, m *syncmap.Map) *Plan {
		t.Helper()
		a, b := parse(t, "l", l), parse(t, "r", r)
		if m == nil {
			m = syncmap.Default(a.Family, a)
		}
		p, err := Build(a, b, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A secret another tool masked (`xxxxxx`, stars) never overwrites a real one.
	p := build("set vpn ipsec site-to-site peer P authentication pre-shared-secret 'xxxxxx'\n",
		"set vpn ipsec site-to-site peer P authentication pre-shared-secret 'real-one'\n", nil)
	if len(p.Commands) != 0 || len(p.Conflicts) == 0 {
		t.Errorf("a masked-looking secret is sent: %q, conflicts %v", p.Commands, p.Conflicts)
	}
	// A container whose rulesets a line outside the map names is not deleted whole.
	p = build("set firewall group address-group A address '10.0.0.1'\n",
		"set firewall name OLDFW rule 10 action 'drop'\nset firewall name GONE rule 10 action 'drop'\nset interfaces ethernet eth0 firewall in name 'OLDFW'\n",
		mustFlags(t, []string{"firewall"}, nil))
	if slices.Contains(p.Commands, "delete firewall name") || slices.Contains(p.Commands, "delete firewall name OLDFW") {
		t.Errorf("a named ruleset is deleted with its container: %q", p.Commands)
	}
	if !slices.Contains(p.Commands, "delete firewall name GONE") {
		t.Errorf("the ruleset nothing names stays: %q", p.Commands)
	}
	// A leaf neither schema table knows: the old value goes first, right
	// whether it takes one value or several.
	p = build("set service frob listen-on 'eth1'\n", "set service frob listen-on 'eth2'\n", nil)
	if want := []string{"delete service frob listen-on 'eth2'", "set service frob listen-on 'eth1'"}; !slices.Equal(p.Commands, want) {
		t.Errorf("unknown leaf: %q, want %q", p.Commands, want)
	}
	// The printed warnings of a VRP plan do not show ciphertext.
	p = build("#\nfoo-auth key cipher %^%#NEWSECRETNEWSECRET%^%#\n#\nreturn\n", "#\nfoo-auth key cipher %^%#OLDSECRETOLDSECRET%^%#\n#\nreturn\n", vrpAll(t))
	var b strings.Builder
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "SECRET") {
		t.Errorf("the printed plan shows ciphertext:\n%s", b.String())
	}
}

// TestVRPPlanPushHRP: the push to an HRP standby sends what the peer
// lacks and `rule move` to restore the order, keeps the peer's extras
// (listed) and lists a command present on both with other parameters;
// with Repair that one is replaced (undo of the old value, the new one).
func TestVRPPlanPushHRP(t *testing.T) {
	a, b := parse(t, "fw-a", vrpA), parse(t, "fw-b", vrpB)
	m := syncmap.HRP(a)
	p, err := Build(a, b, m, Options{Mode: PushHRP})
	if err != nil {
		t.Fatal(err)
	}
	assertContainsInOrder(t, p.Commands, []string{"system-view", "ip address-set DNS type object", "address 1 10.20.0.54 mask 32", "quit", "security-policy", "rule move b after a", "quit"})
	for _, c := range p.Commands {
		if strings.HasPrefix(c, "undo ") || c == "action permit" || c == "service http" {
			t.Errorf("push without repair changes or deletes an existing command: %s", c)
		}
	}
	var reasons []string
	for _, c := range p.Conflicts {
		reasons = append(reasons, c.Path.String()+": "+c.Reason)
	}
	joined := strings.Join(reasons, "\n")
	for _, want := range []string{"rule name extra: only on the standby: the push sends what the peer lacks and keeps its extras", "rule name a action", "repairing conflicts replaces it"} {
		if !strings.Contains(joined, want) {
			t.Errorf("conflicts lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "rule name b") {
		t.Errorf("the order is listed though rule move restores it:\n%s", joined)
	}
	r, err := Build(a, b, m, Options{Mode: PushHRP, Repair: true})
	if err != nil {
		t.Fatal(err)
	}
	assertContainsInOrder(t, r.Commands, []string{"security-policy", "rule name a", "undo service ftp", "service http", "action permit", "quit", "rule move b after a"})
	for _, c := range r.Commands {
		if c == "undo rule name extra" {
			t.Errorf("repair deletes the peer's extra: %s", c)
		}
	}
	for _, c := range r.Conflicts {
		if strings.Contains(c.Reason, "other parameters") {
			t.Errorf("repaired conflict still listed: %s: %s", c.Path, c.Reason)
		}
	}
}
