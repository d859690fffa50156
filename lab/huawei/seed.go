package huawei

import (
	"fmt"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// DefaultSeedLines is the default size of a seeded configuration.
const DefaultSeedLines = 300

// Addresses of the HRP heartbeat link in the seeded configurations.
const (
	SeedHeartbeat  = "GigabitEthernet1/0/6"
	SeedHeartbeatA = "10.10.0.1"
	SeedHeartbeatB = "10.10.0.2"
)

// Drift names what the seeded FW-B lacks or has otherwise than FW-A.
type Drift struct {
	// MissingRules are security-policy rules FW-A has and FW-B lacks;
	// MissingNATRule a nat-policy rule.
	MissingRules   []string
	MissingNATRule string
	// ChangedRule is on both, with another action on FW-B.
	ChangedRule string
	// MovedRule is on both, first on FW-B.
	MovedRule string
	// MissingRoute is a static route of FW-A that FW-B lacks
	// (`ip route-static` key: destination, mask, next hop).
	MissingRoute string
	// ExtraRule is a rule only FW-B has.
	ExtraRule string
}

// SeedDrift returns the drift SeedPair builds, for tests and the demo.
func SeedDrift() Drift {
	return Drift{
		MissingRules:   []string{"web_in_98", "web_in_99"},
		MissingNATRule: "snat_lab_9",
		ChangedRule:    "web_in_3",
		MovedRule:      "web_in_6",
		MissingRoute:   "ip route-static 10.250.0.0 255.255.0.0 10.20.0.254",
		ExtraRule:      "temp_debug_b",
	}
}

// seedMember is what differs between the members.
type seedMember struct {
	name      string
	host      int    // last octet of the member's own addresses
	vrrp      string // active or standby
	hbLocal   string
	hbRemote  string
	isStandby bool
}

// SeedPair builds the configurations of FW-A and FW-B: about lines lines
// each of a realistic USG configuration (interfaces with VRRP, zones,
// address-sets, service-sets, security-policy and nat-policy rules, static
// routes, HRP lines that differ per member, manager users with per-member
// ciphertext), with the drift of SeedDrift. The same lines give the same
// pair.
func SeedPair(lines int) (a, b *config.Tree, err error) {
	if lines <= 0 {
		lines = DefaultSeedLines
	}
	ta := seedText(seedMember{name: "FW-A", host: 2, vrrp: "active", hbLocal: SeedHeartbeatA, hbRemote: SeedHeartbeatB}, lines)
	tb := seedText(seedMember{name: "FW-B", host: 3, vrrp: "standby", hbLocal: SeedHeartbeatB, hbRemote: SeedHeartbeatA, isStandby: true}, lines)
	if a, err = config.ParseVRP("FW-A", []byte(ta)); err != nil {
		return nil, nil, fmt.Errorf("seed FW-A: %w", err)
	}
	if b, err = config.ParseVRP("FW-B", []byte(tb)); err != nil {
		return nil, nil, fmt.Errorf("seed FW-B: %w", err)
	}
	return a, b, nil
}

// seedRules is how many security-policy rules fit in lines.
func seedRules(lines int) int {
	// The fixed part is about 110 lines; a rule with its address-set and
	// its share of NAT rules and routes takes about 15.
	return max((lines-110)/15, 10)
}

func seedText(m seedMember, lines int) string {
	drift := SeedDrift()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("!Software Version V600R007C20SPC600")
	w("!Last configuration was updated at 2026-10-13 17:40:02+00:00 by admin")
	w("#")
	w("sysname %s", m.name)
	w("#")
	w(" hrp enable")
	w(" hrp interface %s remote %s", SeedHeartbeat, m.hbRemote)
	w(" hrp mirror session enable")
	if m.isStandby {
		w(" hrp standby-device")
	}
	w("#")
	w(" firewall packet-filter basic-protocol enable")
	w(" update schedule ips-sdb daily 03:15")
	w("#")
	w("clock timezone UTC add 00:00:00")
	ifaces := []struct{ name, desc, net string }{
		{"GigabitEthernet1/0/0", "uplink-isp", "198.51.100"},
		{"GigabitEthernet1/0/1", "servers", "10.20.0"},
		{"GigabitEthernet1/0/2", "users", "10.30.0"},
		{"GigabitEthernet1/0/3", "dmz", "192.0.2"},
	}
	for i, f := range ifaces {
		w("#")
		w("interface %s", f.name)
		w(" description %s", f.desc)
		w(" undo shutdown")
		w(" ip address %s.%d 255.255.255.0", f.net, m.host)
		w(" vrrp vrid %d virtual-ip %s.1 %s", 10*(i+1), f.net, m.vrrp)
		if i == 0 {
			w(" service-manage ping permit")
		}
	}
	w("#")
	w("interface %s", SeedHeartbeat)
	w(" description HRP-heartbeat")
	w(" undo shutdown")
	w(" ip address %s 255.255.255.252", m.hbLocal)
	for _, z := range []struct {
		name  string
		prio  int
		iface string
	}{{"local", 100, ""}, {"trust", 85, "GigabitEthernet1/0/1"}, {"untrust", 5, "GigabitEthernet1/0/0"}, {"dmz", 50, "GigabitEthernet1/0/3"}} {
		w("#")
		w("firewall zone %s", z.name)
		w(" set priority %d", z.prio)
		if z.iface != "" {
			w(" add interface %s", z.iface)
		}
		if z.name == "trust" {
			w(" add interface GigabitEthernet1/0/2")
		}
	}
	w("#")
	w("firewall zone name hrp id 4")
	w(" set priority 90")
	w(" add interface %s", SeedHeartbeat)
	w("#")
	w("aaa")
	w(" manager-user audit-admin")
	w("  password cipher %s", Cipher(m.name, "Audit@2026"))
	w("  service-type web ssh")
	w("  level 3")
	w(" #")
	w(" manager-user admin")
	w("  password cipher %s", Cipher(m.name, "Admin@2026"))
	w("  service-type ssh")
	w("  level 15")

	n := seedRules(lines)
	for i := 1; i <= n; i++ {
		w("#")
		w("ip address-set WEB_%d type object", i)
		w(" address 0 10.20.%d.10 mask 32", i%250)
		w(" address 1 10.20.%d.11 mask 32", i%250)
	}
	w("#")
	w("ip service-set TCP_8443 type object")
	w(" service 0 protocol tcp destination-port 8443")
	w("#")
	w("ip route-static 0.0.0.0 0.0.0.0 198.51.100.1")
	for i := 1; i <= n/4; i++ {
		w("ip route-static 10.%d.0.0 255.255.0.0 10.20.0.254 description branch-%d", 100+i%150, i)
	}
	if !m.isStandby {
		w("%s description lab-only", drift.MissingRoute)
	}
	w("#")
	w("user-interface vty 0 4")
	w(" authentication-mode aaa")
	w(" protocol inbound ssh")

	w("#")
	w("security-policy")
	// Each rule binds the address-set of its position: the drift's rules
	// have other names, never sets that do not exist.
	set := map[string]int{}
	var rules []string
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("web_in_%d", i)
		if i == n-1 {
			name = drift.MissingRules[0]
		} else if i == n {
			name = drift.MissingRules[1]
		}
		rules = append(rules, name)
		set[name] = i
	}
	if m.isStandby {
		rules = rules[:n-2]
		// The moved rule is first on FW-B: a move no diff can read as
		// another rule's.
		for i, r := range rules {
			if r == drift.MovedRule {
				rules = append([]string{r}, append(rules[:i:i], rules[i+1:]...)...)
				break
			}
		}
	}
	for _, name := range rules {
		i := set[name]
		action := "permit"
		if m.isStandby && name == drift.ChangedRule {
			action = "deny"
		}
		w(" rule name %s", name)
		w("  source-zone untrust")
		w("  destination-zone trust")
		w("  destination-address address-set WEB_%d", i)
		if i%3 == 0 {
			w("  service TCP_8443")
		} else {
			w("  service http")
			w("  service https")
		}
		w("  action %s", action)
	}
	if m.isStandby {
		w(" rule name %s", drift.ExtraRule)
		w("  source-zone trust")
		w("  destination-zone untrust")
		w("  action permit")
	}
	w(" rule name deny_all_log")
	w("  policy logging")
	w("  action deny")

	w("#")
	w("nat-policy")
	for i := 1; i <= max(n/10, 9); i++ {
		name := fmt.Sprintf("snat_lab_%d", i)
		if m.isStandby && name == drift.MissingNATRule {
			continue
		}
		w(" rule name %s", name)
		w("  source-zone trust")
		w("  destination-zone untrust")
		w("  source-address 10.30.%d.0 mask 255.255.255.0", i%250)
		w("  action source-nat easy-ip")
	}
	w("#")
	w("return")
	return b.String()
}

// SeedSessions builds n sessions for the session table of the active
// member; the same n gives the same table.
func SeedSessions(n int) []Session {
	ss := make([]Session, 0, n)
	for i := range n {
		s := Session{VPN: "public", SrcZone: "trust", DstZone: "untrust", TTL: 20 * time.Second, Packets: 4 + i%7, Policy: "snat_lab_1"}
		switch i % 3 {
		case 0:
			s.Proto = "icmp"
			s.Src = fmt.Sprintf("10.30.0.%d:0", 10+i%200)
			s.SrcNAT = fmt.Sprintf("198.51.100.1:%d", 10000+i)
			s.Dst = "203.0.113.10:2048"
		case 1:
			s.Proto, s.TTL = "tcp", 1200*time.Second
			s.Src = fmt.Sprintf("10.30.0.%d:%d", 10+i%200, 40000+i)
			s.SrcNAT = fmt.Sprintf("198.51.100.1:%d", 20000+i)
			s.Dst = "203.0.113.20:443"
		default:
			s.Proto, s.TTL, s.SrcZone, s.DstZone, s.Policy = "udp", 120*time.Second, "untrust", "trust", fmt.Sprintf("web_in_%d", 1+i%5)
			s.Src = fmt.Sprintf("203.0.113.%d:%d", 1+i%200, 50000+i)
			s.Dst = fmt.Sprintf("10.20.%d.10:53", 1+i%5)
		}
		s.Bytes = s.Packets * 84
		ss = append(ss, s)
	}
	return ss
}
