package vyatta

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// Addresses the seeded configurations give the pair on their HA link;
// vra-a's `system config-sync remote-router` names vra-b by SeedAddrB.
const (
	SeedAddrA = "10.0.0.1"
	SeedAddrB = "10.0.0.2"
	// SeedSyncMap is the sync-map vra-a uses for vra-b.
	SeedSyncMap = "LAB-SYNC"
	// DefaultSeedLines is the default size of a seeded configuration.
	DefaultSeedLines = 300
)

// seedPasswordHash is a well-formed sha512-crypt hash (`$6$`, a 16-character
// salt, `$`, 86 characters of [./0-9A-Za-z]) for the seeded user; no
// password is known to match it.
const seedPasswordHash = "$6$hasynclabsalt012$" +
	"Gq3ZsUeX0Cm0uFv2yTnVx1hAsYnClAbVyAtTaLaB0123456789./abcdefghijklmnopqrstuvwxyzABCDEFGH"

// SeedPair builds the configurations of vra-a and vra-b: about lines
// `set` lines each (interfaces with VRRP, firewall rulesets and groups,
// NAT, services, system with a config-sync sync-map on vra-a naming vra-b),
// with a drift between the two both inside the sync-map and outside it.
// The same lines give the same pair: the generator is seeded.
func SeedPair(lines int) (a, b *config.Tree, err error) {
	if lines <= 0 {
		lines = DefaultSeedLines
	}
	ca, cb := seedCommands(lines)
	if a, err = treeFromCommands(ca); err != nil {
		return nil, nil, fmt.Errorf("seed vra-a: %w", err)
	}
	if b, err = treeFromCommands(cb); err != nil {
		return nil, nil, fmt.Errorf("seed vra-b: %w", err)
	}
	a.Source, b.Source = "vra-a", "vra-b"
	return a, b, nil
}

// treeFromCommands applies set commands to an empty tree with the same
// rules as the CLI's `set`, reading every word with the schema. The values
// are not checked one by one, so that a seed of 100k lines boots fast:
// TestSeedPair checks the seed whole, as a commit would.
func treeFromCommands(cmds [][]string) (*config.Tree, error) {
	t := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	for _, c := range cmds {
		if err := setWords(t.Root, c, FlavorVRA, true); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// seedGen writes the commands of one member.
type seedGen struct {
	cmds [][]string
}

func (g *seedGen) set(line string, value ...string) {
	words := strings.Fields(line)
	g.cmds = append(g.cmds, append(words, value...))
}

// seedCommands returns the set commands of vra-a and vra-b. Both are
// generated from the same random stream; the members differ in their own
// addresses and priorities, and in the drift added at the end.
func seedCommands(lines int) (a, b [][]string) {
	member := func(self string) *seedGen {
		r := rand.New(rand.NewPCG(1801, 5600))
		g := &seedGen{}
		host, last := "vra-a", "1"
		prio := "200"
		if self == "b" {
			host, last, prio = "vra-b", "2", "100"
		}
		g.set("system host-name", host)
		g.set("system domain-name", "dc1.example.net")
		g.set("system name-server", "192.0.2.53")
		g.set("system name-server", "198.51.100.53")
		g.set("system time-zone", "UTC")
		g.set("system ntp server 0.pool.ntp.org")
		g.set("system ntp server 1.pool.ntp.org")
		g.set("system login user vyatta level", "admin")
		g.set("system login user vyatta authentication encrypted-password", seedPasswordHash)
		g.set("system syslog global facility all level", "notice")
		g.set("service ssh port", "22")
		g.set("service https")
		g.set("service snmp community lab-ro authorization", "ro")
		if self == "a" {
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 1 action", "include")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 1 location", "security firewall")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 2 action", "include")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 2 location", "resources group")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 3 action", "include")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 3 location", "service nat")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 4 action", "exclude")
			g.set("system config-sync sync-map "+SeedSyncMap+" rule 4 location", "security firewall name MGMT-LOCAL")
			g.set("system config-sync remote-router "+SeedAddrB+" username", "vyatta")
			g.set("system config-sync remote-router "+SeedAddrB+" password", "lab-sync-secret")
			g.set("system config-sync remote-router "+SeedAddrB+" sync-map", SeedSyncMap)
		}

		// The HA link and the uplink.
		g.set("interfaces dataplane dp0s0 description", "HA link")
		g.set("interfaces dataplane dp0s0 address", "10.0.0."+last+"/30")
		g.set("interfaces dataplane dp0s1 description", "uplink")
		g.set("interfaces dataplane dp0s1 address", "203.0.113.1"+last+"/24")
		g.set("interfaces dataplane dp0s1 vrrp vrrp-group 1 virtual-address", "203.0.113.1/24")
		g.set("interfaces dataplane dp0s1 vrrp vrrp-group 1 priority", prio)
		g.set("interfaces dataplane dp0s1 vrrp vrrp-group 1 sync-group", "SG1")
		g.set("interfaces dataplane dp0s1 vrrp vrrp-group 1 preempt", "true")
		g.set("interfaces dataplane dp0s1 firewall in", "WAN-IN")
		g.set("interfaces loopback lo address", "10.255.255."+last+"/32")
		g.set("protocols static route 0.0.0.0/0 next-hop 203.0.113.254")

		g.set("security firewall name MGMT-LOCAL default-action", "drop")
		g.set("security firewall name MGMT-LOCAL rule 10 action", "accept")
		g.set("security firewall name MGMT-LOCAL rule 10 protocol", "tcp")
		g.set("security firewall name MGMT-LOCAL rule 10 destination port", "22")
		g.set("security firewall name MGMT-LOCAL rule 10 source address", "10.0.0.0/8")
		g.set("security firewall name WAN-IN default-action", "drop")
		g.set("security firewall name WAN-IN rule 10 action", "accept")
		g.set("security firewall name WAN-IN rule 10 state established", "enable")
		g.set("security firewall name WAN-IN rule 10 state related", "enable")
		g.set("resources group port-group WEB port", "80")
		g.set("resources group port-group WEB port", "443")

		// Customer VLANs until the configuration has its size: each adds an
		// interface with VRRP, groups, a ruleset and NAT rules.
		for i := 0; len(g.cmds) < lines; i++ {
			g.vlan(r, i, last, prio)
		}
		return g
	}
	ga, gb := member("a"), member("b")
	gb.drift(gb.cmds)
	return ga.cmds, gb.cmds
}

// vlan adds customer VLAN i: about 40 lines.
func (g *seedGen) vlan(r *rand.Rand, i int, last, prio string) {
	// 4000 VLANs a port; past that the sub-interfaces move to the next port.
	net := fmt.Sprintf("10.%d.%d", 100+i/250, i%250)
	ifc := fmt.Sprintf("interfaces dataplane dp0s%d vif %d", 2+i/4000, 10+i%4000)
	name := fmt.Sprintf("CUST-%04d", i)
	g.set(ifc+" description", "customer "+name)
	g.set(ifc+" address", net+"."+last+"/24")
	g.set(ifc+" vrrp vrrp-group 10 virtual-address", net+".254/24")
	g.set(ifc+" vrrp vrrp-group 10 priority", prio)
	g.set(ifc+" vrrp vrrp-group 10 sync-group", "SG1")
	g.set(ifc+" firewall in", name+"-IN")
	g.set("resources group address-group "+name+"-SERVERS address", net+".10")
	g.set("resources group address-group "+name+"-SERVERS address", net+".11")
	g.set("resources group address-group "+name+"-SERVERS address", fmt.Sprintf("%s.%d-%s.%d", net, 20, net, 20+r.IntN(20)))
	rs := "security firewall name " + name + "-IN"
	g.set(rs+" default-action", "drop")
	g.set(rs+" description", "inbound to "+name)
	for j, n := 1, 4+r.IntN(3); j <= n; j++ {
		rule := fmt.Sprintf("%s rule %d", rs, j*10)
		g.set(rule+" action", []string{"accept", "accept", "drop", "reject"}[r.IntN(4)])
		g.set(rule+" protocol", []string{"tcp", "udp", "tcp"}[r.IntN(3)])
		g.set(rule+" destination address", name+"-SERVERS")
		if r.IntN(2) == 0 {
			g.set(rule+" destination port", fmt.Sprint(1024+r.IntN(60000)))
		} else {
			g.set(rule+" destination port", "WEB")
		}
		g.set(rule+" description", fmt.Sprintf("%s service %d", name, j))
	}
	nat := fmt.Sprintf("service nat source rule %d", 100+i)
	g.set(nat+" outbound-interface", "dp0s1")
	g.set(nat+" source address", net+".0/24")
	g.set(nat+" translation address", "masquerade")
}

// drift changes vra-b's commands: inside the sync-map (a rule action, a
// missing rule, an extra group address, an extra NAT rule) and outside it
// (an interface description, an NTP server, the syslog level).
func (g *seedGen) drift(cmds [][]string) {
	var out [][]string
	droppedRule := false
	changedAction := false
	for _, c := range cmds {
		line := strings.Join(c, " ")
		switch {
		case !droppedRule && strings.HasPrefix(line, "security firewall name CUST-") && strings.Contains(line, " rule 20 "):
			// vra-b lacks rule 20 of the first customer ruleset; its
			// description is the rule's last line.
			droppedRule = c[len(c)-2] == "description"
			continue
		case !changedAction && strings.HasPrefix(line, "security firewall name WAN-IN rule 10 action"):
			c = append(c[:len(c)-1:len(c)-1], "drop")
			changedAction = true
		case line == "system ntp server 1.pool.ntp.org":
			c = strings.Fields("system ntp server 2.pool.ntp.org")
		case strings.HasPrefix(line, "system syslog global facility all level"):
			c = append(c[:len(c)-1:len(c)-1], "warning")
		}
		out = append(out, c)
	}
	out = append(out,
		strings.Fields("interfaces dataplane dp0s0 mtu 9000"),
		append(strings.Fields("resources group address-group CUST-0000-SERVERS address"), "10.100.0.99"),
		append(strings.Fields("service nat destination rule 10 inbound-interface"), "dp0s1"),
		append(strings.Fields("service nat destination rule 10 protocol"), "tcp"),
		append(strings.Fields("service nat destination rule 10 destination port"), "8443"),
		append(strings.Fields("service nat destination rule 10 translation address"), "10.100.0.10"),
	)
	g.cmds = out
}
