package plan

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// vrpGen writes a VRP configuration chosen by the bytes it reads: the
// commands a USG pair carries (objects, policies with their lists, AAA
// bindings, undo lines, keyed ACL entries, static routes), so that two
// inputs give two configurations that overlap, differ in parameters,
// order and objects. Every reference is to an object the same
// configuration defines.
type vrpGen struct {
	b []byte
	i int
}

func (g *vrpGen) next() int {
	if g.i >= len(g.b) {
		return 0
	}
	g.i++
	return int(g.b[g.i-1])
}

func (g *vrpGen) more() bool { return g.i < len(g.b) }

func vrpGenText(b []byte) string {
	g := &vrpGen{b: b}
	var top, sets, rules, nats, acl, aaa, tpls []string
	used := map[string]bool{}
	defSets, defSchemes, defTpls := []int{}, []int{}, []int{}
	once := func(k string) bool {
		if used[k] {
			return false
		}
		used[k] = true
		return true
	}
	for n := 0; g.more() && n < 24; n++ {
		switch c := g.next(); c % 11 {
		case 0:
			ip := g.next() % 8
			if once(fmt.Sprint("ntp", ip)) {
				l := fmt.Sprintf("ntp-service unicast-server 192.0.2.%d", ip)
				if g.next()%2 == 0 {
					l += " preference"
				}
				top = append(top, l)
			}
		case 1:
			k := g.next() % 4
			if once(fmt.Sprint("as", k)) {
				s := fmt.Sprintf("ip address-set AS%d type object\n", k)
				for j := range 1 + g.next()%3 {
					s += fmt.Sprintf(" address %d 10.0.%d.%d mask 32\n", j, k, g.next()%4)
				}
				sets = append(sets, s)
				defSets = append(defSets, k)
			}
		case 2:
			k := g.next() % 4
			if once(fmt.Sprint("if", k)) {
				s := fmt.Sprintf("interface GigabitEthernet1/0/%d\n", k)
				if g.next()%2 == 0 {
					s += fmt.Sprintf(" description link %d\n", g.next()%3)
				}
				s += fmt.Sprintf(" ip address 10.1.%d.1 255.255.255.0\n", g.next()%3)
				// This device shows both states of a port.
				s += []string{" shutdown\n", " undo shutdown\n"}[g.next()%2]
				top = append(top, "\x00"+s)
			}
		case 3, 4:
			k := g.next() % 8
			if !once(fmt.Sprint("rule", k)) {
				continue
			}
			s := fmt.Sprintf(" rule name r%d\n", k)
			if g.next()%3 != 0 {
				s += fmt.Sprintf("  description rule %d\n", g.next()%2)
			}
			// A device shows a list's entry once.
			seen := map[string]bool{}
			zones := []string{"trust", "untrust", "dmz"}
			for z := range 1 + g.next()%2 {
				if l := "  source-zone " + zones[(z+g.next())%3] + "\n"; !seen[l] {
					s += l
					seen[l] = true
				}
			}
			if len(defSets) > 0 {
				s += fmt.Sprintf("  destination-address address-set AS%d\n", defSets[g.next()%len(defSets)])
			}
			svcs := []string{"http", "dns", "ftp", "https"}
			for v := range g.next() % 3 {
				if l := "  service " + svcs[(v+g.next())%4] + "\n"; !seen[l] {
					s += l
					seen[l] = true
				}
			}
			s += "  action " + []string{"permit", "deny"}[g.next()%2] + "\n"
			rules = append(rules, s)
		case 5:
			k := g.next() % 4
			if once(fmt.Sprint("nat", k)) {
				nats = append(nats, fmt.Sprintf(" rule name n%d\n  source-zone trust\n  action source-nat easy-ip\n", k))
			}
		case 6:
			k := g.next() % 3
			if once(fmt.Sprint("scheme", k)) {
				aaa = append(aaa, fmt.Sprintf(" authentication-scheme S%d\n", k))
				defSchemes = append(defSchemes, k)
			}
		case 7:
			k := g.next() % 3
			if once(fmt.Sprint("tpl", k)) {
				tpls = append(tpls, fmt.Sprintf("radius-server template T%d\n", k))
				defTpls = append(defTpls, k)
			}
		case 8:
			k := g.next() % 2
			if once(fmt.Sprint("domain", k)) {
				s := fmt.Sprintf(" domain D%d\n", k)
				if len(defSchemes) > 0 {
					s += fmt.Sprintf("  authentication-scheme S%d\n", defSchemes[g.next()%len(defSchemes)])
				}
				if len(defTpls) > 0 {
					s += fmt.Sprintf("  radius-server T%d\n", defTpls[g.next()%len(defTpls)])
				}
				aaa = append(aaa, s)
			}
		case 9:
			k := g.next() % 6
			if once(fmt.Sprint("acl", k)) {
				s := fmt.Sprintf(" rule %d permit ip source 10.%d.0.0 0.0.255.255\n", k*5, g.next()%3)
				if g.next()%2 == 0 {
					s += fmt.Sprintf(" rule %d description entry %d\n", k*5, g.next()%2)
				}
				acl = append(acl, s)
			}
		case 10:
			switch g.next() % 5 {
			case 4:
				// A manager with a ciphertext, or a masked one (a source
				// read with secrets masked): never sent masked.
				if once("manager") {
					pw := []string{"%@%@c1%@%@", "%@%@c2%@%@", config.Mask}[g.next()%3]
					aaa = append(aaa, fmt.Sprintf(" manager-user admin\n  password cipher %s\n  level %d\n", pw, g.next()%3))
				}
			case 0:
				if once("info") {
					top = append(top, []string{"undo info-center enable", "info-center enable"}[g.next()%2])
				}
			case 1:
				if once("sysname") {
					top = append(top, fmt.Sprintf("sysname FW%d", g.next()%2))
				}
			default:
				k := g.next() % 4
				if once(fmt.Sprint("route", k)) {
					l := fmt.Sprintf("ip route-static 10.%d.0.0 255.255.0.0 192.0.2.1", k)
					if g.next()%2 == 0 {
						l += " preference 70"
					}
					top = append(top, l)
				}
			}
		}
	}
	var out strings.Builder
	section := func(s string) { out.WriteString("#\n" + s) }
	for _, l := range top {
		if rest, ok := strings.CutPrefix(l, "\x00"); ok {
			section(rest)
		} else {
			section(l + "\n")
		}
	}
	for _, s := range tpls {
		section(s)
	}
	for _, s := range sets {
		section(s)
	}
	if len(acl) > 0 {
		section("acl number 3000\n" + strings.Join(acl, ""))
	}
	if len(aaa) > 0 {
		section("aaa\n" + strings.Join(aaa, ""))
	}
	if len(rules) > 0 {
		section("security-policy\n" + strings.Join(rules, ""))
	}
	if len(nats) > 0 {
		section("nat-policy\n" + strings.Join(nats, ""))
	}
	out.WriteString("#\nreturn\n")
	return out.String()
}

// vrpContractBytes builds two configurations from a and b and checks the
// contract both ways, in push and HRP mode, with the HRP map, the map of
// everything and a map with holes. It returns the number of runs.
func vrpContractBytes(t *testing.T, a, b []byte) int {
	t.Helper()
	l, err := config.ParseVRP("l", []byte(vrpGenText(a)))
	if err != nil {
		t.Fatalf("generated text does not parse: %v\n%s", err, vrpGenText(a))
	}
	r, err := config.ParseVRP("r", []byte(vrpGenText(b)))
	if err != nil {
		t.Fatalf("generated text does not parse: %v\n%s", err, vrpGenText(b))
	}
	// A map with holes: parts of policies, AAA and an ACL left out.
	holes, err := syncmap.FromFlags([]string{"security-policy", "nat-policy", "aaa", "acl", "ip address-set", "ntp-service"},
		[]string{"security-policy rule name r1", "nat-policy rule name n0", "aaa domain D0", "acl number 3000 rule 5", "ip address-set AS2"})
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, pair := range [][2]*config.Tree{{l, r}, {r, l}} {
		for _, m := range []*syncmap.Map{vrpEverything(), syncmap.HRP(pair[0]), holes} {
			for _, mode := range []Mode{Push, HRP} {
				runs++
				if _, err := vrpContract(pair[0], pair[1], m, mode); err != nil {
					t.Fatalf("map %s, %s: %v\nL:\n%s\nR:\n%s", m.Name, mode, err, vrpText(pair[0]), vrpText(pair[1]))
				}
			}
		}
	}
	return runs
}

func vrpText(t *config.Tree) string {
	var b strings.Builder
	if err := config.WriteVRP(&b, t, config.PrintOptions{}); err != nil {
		return err.Error()
	}
	return b.String()
}

// FuzzVRPPlan: two configurations from the fuzzer's bytes; the plan of
// one onto the other, applied by the simulator, keeps the contract.
func FuzzVRPPlan(f *testing.F) {
	f.Add([]byte{3, 1, 2, 3, 3, 4, 5, 6, 1, 0}, []byte{3, 4, 5, 6, 3, 1, 2, 3, 0})
	f.Add([]byte{1, 0, 2, 3, 4, 0, 8, 0, 9}, []byte{1, 1, 1, 3, 0, 1, 1, 1, 1})
	f.Add([]byte{6, 0, 7, 1, 8, 0, 0, 0, 9, 2, 1, 0, 10, 0, 1}, []byte{6, 1, 7, 0, 8, 0, 0, 0, 9, 2, 0, 10, 0, 0})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		vrpContractBytes(t, a, b)
	})
}

// TestVRPContractRandomTrees runs the fuzz target's check over random
// inputs from a seeded generator.
func TestVRPContractRandomTrees(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	n := 800
	if testing.Short() || vrpRace {
		n = 150
	}
	runs := 0
	for range n {
		a := make([]byte, rng.Intn(120))
		b := make([]byte, rng.Intn(120))
		rng.Read(a)
		if rng.Intn(3) == 0 {
			// a mutation of a: mostly the same configuration
			b = append(b[:0], a...)
			for range 1 + rng.Intn(4) {
				if len(b) > 0 {
					b[rng.Intn(len(b))] = byte(rng.Intn(256))
				}
			}
		} else {
			rng.Read(b)
		}
		runs += vrpContractBytes(t, a, b)
	}
	t.Logf("random trees: %d pairs, %d contract runs", n, runs)
}
