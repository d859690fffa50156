package plan

import (
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

// applyVyatta applies set and delete commands to a copy of target the way a
// Vyatta device does within one configure session: delete removes the node;
// set creates the path, replaces the value of an existing single-value leaf
// and adds to a leaf this session is building.
func applyVyatta(t *testing.T, target *config.Tree, cmds []string) *config.Tree {
	t.Helper()
	out := &config.Tree{Family: target.Family, Root: target.Root.Clone()}
	built := map[*config.Node]bool{}
	for _, cmd := range cmds {
		line, err := config.Parse("plan", []byte(strings.Replace(cmd, "delete ", "set ", 1)+"\n"), config.Vyatta)
		if err != nil {
			t.Fatalf("plan command %q does not parse: %v", cmd, err)
		}
		// The one path of the line: descend the single-child chain.
		var path config.Path
		n := line.Root
		for len(n.Children) == 1 {
			n = n.Children[0]
			path = append(path, n.Name)
		}
		if strings.HasPrefix(cmd, "delete ") {
			if len(n.Values) > 0 {
				t.Fatalf("delete with a value is not produced by plan: %q", cmd)
			}
			parent := out.Root.Lookup(path[:len(path)-1])
			if parent == nil || parent.Child(path[len(path)-1]) == nil {
				t.Fatalf("%q: Nothing to delete (the specified node does not exist)", cmd)
			}
			var kept []*config.Node
			for _, c := range parent.Children {
				if c.Name != path[len(path)-1] {
					kept = append(kept, c)
				}
			}
			parent.Children = kept
			continue
		}
		cur := out.Root
		for _, name := range path {
			next := cur.Child(name)
			if next == nil {
				next = &config.Node{Name: name}
				cur.Children = append(cur.Children, next)
				built[next] = true
			}
			cur = next
		}
		if len(n.Values) > 0 {
			if built[cur] {
				cur.Values = append(cur.Values, n.Values...)
			} else {
				cur.Values = n.Values
				built[cur] = true
			}
		}
	}
	return out
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
		got := applyVyatta(t, b, p.Commands)
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
