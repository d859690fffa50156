package plan

import (
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

func policyOf(rules ...string) string {
	var b strings.Builder
	b.WriteString("#\nsecurity-policy\n")
	for _, r := range rules {
		b.WriteString(" rule name " + r + "\n  action permit\n")
	}
	b.WriteString(" rule name deny_all\n  action deny\n#\nreturn\n")
	return b.String()
}

// simulate plans l -> r in push mode with the map of everything, applies
// the plan with the simulator and returns the plan and the result.
func simulate(t *testing.T, l, r *config.Tree) (*Plan, *config.Tree) {
	t.Helper()
	p := vrpBuild(l, r, vrpEverything(), Options{Diff: maskOpts})
	sim := newVRPSim(r, l)
	if err := sim.Apply(p.Commands); err != nil {
		t.Fatalf("the device refuses the plan: %v\n%s", err, strings.Join(p.Commands, "\n"))
	}
	return p, sim.Tree(r.Family)
}

func ruleOrder(t *config.Tree) []string {
	var out []string
	if sp := t.Root.Child("security-policy"); sp != nil {
		for _, c := range sp.Children {
			out = append(out, ruleName(c.Name))
		}
	}
	return out
}

// TestVRPRuleOrderAgainstCurrentOrder: L = a,b,c and R = c,b,a used to give
// `rule move b after a; rule move a top`, which leaves a,c,b: the moves
// must be computed against the order each move leaves.
func TestVRPRuleOrderAgainstCurrentOrder(t *testing.T) {
	l := parse(t, "l", policyOf("a", "b", "c"))
	r := parse(t, "r", "#\nsecurity-policy\n rule name c\n  action permit\n rule name b\n  action permit\n rule name a\n  action permit\n rule name deny_all\n  action deny\n#\nreturn\n")
	p, got := simulate(t, l, r)
	if want := "a b c deny_all"; strings.Join(ruleOrder(got), " ") != want {
		t.Errorf("order after the plan %v, want %s:\n%s", ruleOrder(got), want, strings.Join(p.Commands, "\n"))
	}
}

// TestVRPNewRuleIsPlaced: a rule only on the source is appended by the
// device, after the final deny: the plan must move it into place.
func TestVRPNewRuleIsPlaced(t *testing.T) {
	l := parse(t, "l", policyOf("a", "new", "b"))
	r := parse(t, "r", policyOf("a", "b"))
	p, got := simulate(t, l, r)
	if want := "a new b deny_all"; strings.Join(ruleOrder(got), " ") != want {
		t.Errorf("order after the plan %v, want %s:\n%s", ruleOrder(got), want, strings.Join(p.Commands, "\n"))
	}
	assertContainsInOrder(t, p.Commands, []string{"rule name new", "action permit", "quit", "rule move new after a"})
}

// TestVRPUndoForms: an undo names the command's key words and drops the
// trailing parameters; a single-valued parameter changes by issuing the
// new command; a keyed ACL entry with its description goes with its key.
func TestVRPUndoForms(t *testing.T) {
	l := parse(t, "l", `#
ntp-service unicast-server 198.51.100.7
#
interface GigabitEthernet1/0/1
 description uplink-new
#
acl number 3000
 rule 5 permit ip
#
return
`)
	r := parse(t, "r", `#
ntp-service unicast-server 198.51.100.123 preference
ntp-service unicast-server 198.51.100.7
#
interface GigabitEthernet1/0/1
 description uplink-old
#
acl number 3000
 rule 5 permit ip
 rule 40 permit ip source 10.0.0.0 0.0.0.255
 rule 40 description old entry
#
return
`)
	p, got := simulate(t, l, r)
	cmds := strings.Join(p.Commands, "\n")
	for _, want := range []string{"undo ntp-service unicast-server 198.51.100.123", "description uplink-new", "undo rule 40"} {
		if !containsLine(p.Commands, want) {
			t.Errorf("plan lacks %q:\n%s", want, cmds)
		}
	}
	for _, bad := range []string{"undo ntp-service unicast-server 198.51.100.123 preference", "undo description uplink-old", "undo description", "undo rule 40 description old entry"} {
		if containsLine(p.Commands, bad) {
			t.Errorf("plan sends %q:\n%s", bad, cmds)
		}
	}
	if strings.Count(cmds, "undo rule 40") != 1 {
		t.Errorf("the ACL entry is not removed once by its key:\n%s", cmds)
	}
	m := vrpEverything()
	if !equalScoped(m, l, got) {
		t.Errorf("after the plan the configurations differ:\n%s", cmds)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings for commands the table has: %q", p.Warnings)
	}
}

// TestVRPUndoFallbackWarns: a command the table lacks is removed with the
// whole line, and the plan says so.
func TestVRPUndoFallbackWarns(t *testing.T) {
	l := parse(t, "l", "#\nsysname A\n#\nreturn\n")
	r := parse(t, "r", "#\nsysname A\n#\nfrobnicate level 3 strict\n#\nreturn\n")
	p, _ := simulate(t, l, r)
	if !containsLine(p.Commands, "undo frobnicate level 3 strict") {
		t.Errorf("fallback undo missing:\n%s", strings.Join(p.Commands, "\n"))
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "frobnicate level") {
		t.Errorf("warnings %q, want one naming the command", p.Warnings)
	}
}

// TestVRPDependencies: an object is created before the line that binds it
// and removed after the line that unbinds it: an address-set used by a
// rule, a RADIUS template and an authentication scheme bound in an AAA
// domain.
func TestVRPDependencies(t *testing.T) {
	l := parse(t, "l", `#
radius-server template new_tpl
#
ip address-set NEW type object
 address 0 10.9.0.1 mask 32
#
aaa
 authentication-scheme new_scheme
 domain default
  authentication-scheme new_scheme
  radius-server new_tpl
#
security-policy
 rule name web
  destination-address address-set NEW
  action permit
#
return
`)
	r := parse(t, "r", `#
radius-server template old_tpl
#
ip address-set OLD type object
 address 0 10.8.0.1 mask 32
#
aaa
 authentication-scheme old_scheme
 domain default
  authentication-scheme old_scheme
  radius-server old_tpl
#
security-policy
 rule name web
  destination-address address-set OLD
  action permit
#
return
`)
	// The simulator refuses a binding of a missing object and the removal
	// of a bound one, so a wrong order fails here.
	p, got := simulate(t, l, r)
	if !equalScoped(vrpEverything(), l, got) {
		t.Errorf("after the plan the configurations differ:\n%s", strings.Join(p.Commands, "\n"))
	}
	// and the other way
	p, got = simulate(t, r, l)
	if !equalScoped(vrpEverything(), r, got) {
		t.Errorf("after the reverse plan the configurations differ:\n%s", strings.Join(p.Commands, "\n"))
	}
}

// TestVRPNoCommandTwice: `undo X` on the source against `X` on the target
// needs one `undo X`, not one to add the line and one to remove the other.
func TestVRPNoCommandTwice(t *testing.T) {
	l := parse(t, "l", "#\nundo info-center enable\n#\nreturn\n")
	r := parse(t, "r", "#\ninfo-center enable\n#\nreturn\n")
	p, got := simulate(t, l, r)
	seen := map[string]bool{}
	for _, c := range p.Commands {
		if c != "quit" && seen[c] {
			t.Errorf("%q sent twice:\n%s", c, strings.Join(p.Commands, "\n"))
		}
		seen[c] = true
	}
	if !equalScoped(vrpEverything(), l, got) {
		t.Errorf("after the plan the configurations differ:\n%s", strings.Join(p.Commands, "\n"))
	}
}

func containsLine(cmds []string, want string) bool {
	for _, c := range cmds {
		if strings.TrimSpace(c) == want {
			return true
		}
	}
	return false
}

func equalScoped(m *syncmap.Map, a, b *config.Tree) bool {
	return diff.Equal(m.Scoped(a), m.Scoped(b), maskOpts)
}

// TestVRPRemovalsStayInMap: the target's policy holds a rule the map
// leaves out and the source has no policy: the plan undoes the in-scope
// rules one by one, never `undo nat-policy`, which would take the
// excluded rule along.
func TestVRPRemovalsStayInMap(t *testing.T) {
	m := mustFlags(t, []string{"nat-policy"}, []string{"nat-policy rule name kept"})
	l := parse(t, "l", "#\nsysname A\n#\nreturn\n")
	r := parse(t, "r", "#\nnat-policy\n rule name a\n  action no-nat\n rule name kept\n  action no-nat\n#\nreturn\n")
	p, err := vrpContract(l, r, m, Push)
	if err != nil {
		t.Fatal(err)
	}
	if containsLine(p.Commands, "undo nat-policy") {
		t.Errorf("the plan undoes the whole policy:\n%s", strings.Join(p.Commands, "\n"))
	}
}

// TestVRPBuildKeepsRemovalsInMap checks Build itself on the case above.
func TestVRPBuildKeepsRemovalsInMap(t *testing.T) {
	m := mustFlags(t, []string{"nat-policy"}, []string{"nat-policy rule name kept"})
	l := parse(t, "l", "#\nsysname A\n#\nreturn\n")
	r := parse(t, "r", "#\nnat-policy\n rule name a\n  action no-nat\n rule name kept\n  action no-nat\n#\nreturn\n")
	p, err := Build(l, r, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if containsLine(p.Commands, "undo nat-policy") {
		t.Errorf("the plan removes the whole nat-policy, and the rule the map excludes with it:\n%s", strings.Join(p.Commands, "\n"))
	}
	if !containsLine(p.Commands, "undo rule name a") {
		t.Errorf("the plan keeps the in-scope rule a:\n%s", strings.Join(p.Commands, "\n"))
	}
}

// TestVRPMaskedCipherIsConflict: VRP masks a secret inside its line
// (`password cipher ********`): such a line is never sent, whether the
// target lacks it or has it with its real ciphertext.
func TestVRPMaskedCipherIsConflict(t *testing.T) {
	l := parse(t, "l", "#\naaa\n manager-user admin\n  password cipher ********\n  level 15\n manager-user ops\n  password cipher ********\n#\nreturn\n")
	r := parse(t, "r", "#\naaa\n manager-user admin\n  password cipher %@%@abc%@%@\n  level 3\n#\nreturn\n")
	p := vrpBuild(l, r, vrpEverything(), Options{})
	for _, c := range p.Commands {
		if strings.Contains(c, config.Mask) {
			t.Errorf("the plan sends a masked secret: %q\n%s", c, strings.Join(p.Commands, "\n"))
		}
	}
	if !containsLine(p.Commands, "level 15") {
		t.Errorf("the plan drops the rest of the change:\n%s", strings.Join(p.Commands, "\n"))
	}
	var got []string
	for _, c := range p.Conflicts {
		got = append(got, c.Path.String())
	}
	if want := "aaa manager-user admin password|aaa manager-user ops password"; strings.Join(got, "|") != want {
		t.Errorf("conflicts %q, want %s", got, want)
	}
}
