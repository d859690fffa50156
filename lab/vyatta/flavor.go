package vyatta

import (
	"fmt"
	"strings"
)

// Flavor is which device the lab plays; it sets the formats the device
// prints (DOMAIN.md, "Commit and compare output" and "Configuration text").
type Flavor string

const (
	// FlavorVRA is a VRA / Vyatta 5600: the 5600 commit-failure block, tab
	// indent and the vyatta-config-version footer. It is the default.
	FlavorVRA Flavor = "vra"
	// FlavorVyOS is a VyOS router: `[ path ]` blocks, `Commit failed`,
	// 4-space indent and the `// vyos-config-version` footer.
	FlavorVyOS Flavor = "vyos"
)

// ParseFlavor reads a flavor name as given on the command line; empty is
// the default, VRA.
func ParseFlavor(s string) (Flavor, error) {
	switch Flavor(strings.ToLower(s)) {
	case "", FlavorVRA, "5600", "vyatta":
		return FlavorVRA, nil
	case FlavorVyOS:
		return FlavorVyOS, nil
	}
	return "", fmt.Errorf("unknown Vyatta flavor %q (want vra or vyos)", s)
}

func (f Flavor) vyos() bool { return f == FlavorVyOS }

// bracket prints a path as the flavor's error blocks do: `[ a b ]` (VyOS)
// or `[a b]` (5600).
func (f Flavor) bracket(p string) string {
	if f.vyos() {
		return "[ " + p + " ]"
	}
	return "[" + p + "]"
}

// versionLines are what `show version` prints first.
func (f Flavor) version(v string) (version, description, copyright string) {
	if f.vyos() {
		if v == "" {
			v = "1.4.0"
		}
		return v, "VyOS " + v + " (sagitta, emulated by hasync lab)", "VyOS maintainers and contributors"
	}
	if v == "" {
		v = "VRA 1801zf"
	}
	return v, "Vyatta Router Appliance " + v + " (Vyatta 5600 vRouter, emulated by hasync lab)", "2017-2018 AT&T Intellectual Property."
}

// footer is the metadata a saved or shown configuration ends with.
func (f Flavor) footer() []string {
	if f.vyos() {
		return []string{`// Warning: Do not remove the following line.`,
			`// vyos-config-version: "bgp@4:broadcast-relay@1:cluster@1:config-management@1:conntrack@3:conntrack-sync@2:dhcp-relay@2:dhcp-server@6:dhcpv6-server@1:dns-forwarding@3:firewall@10:flow-accounting@1:https@4:ids@1:interfaces@29:ipoe-server@1:ipsec@12:isis@3:l2tp@4:lldp@1:mdns@1:monitoring@1:nat@5:nat66@1:ntp@2:openconnect@2:ospf@2:policy@5:pppoe-server@6:pptp@2:qos@2:quagga@11:rpki@1:salt@1:snmp@3:ssh@2:sstp@4:system@26:vrf@3:vrrp@3:vyos-accel-ppp@2:wanloadbalance@3:webproxy@2"`,
			`// Release version: 1.4.0`}
	}
	return []string{`/* Warning: Do not remove the following line. */`,
		`/* === vyatta-config-version: "config-management@1:conntrack@1:dhcp-relay@1:dhcp-server@4:firewall@5:ipsec@4:nat@4:qos@1:quagga@2:system@6:vrrp@1:webgui@1:webproxy@1:zone-policy@1" === */`,
		`/* Release version: 1801zf */`}
}

// indentTabs turns the 4-space indent of the curly printer into the tabs
// of the 5600 (`show configuration`); only the leading indent changes.
func indentTabs(line string) string {
	n := 0
	for n+4 <= len(line) && line[n:n+4] == "    " {
		n += 4
	}
	if n == 0 {
		return line
	}
	return strings.Repeat("\t", n/4) + line[n:]
}

// commitError prints a commit failure in the flavor's block.
func (f Flavor) commitError(e *CommitError) string {
	var b strings.Builder
	for i, fl := range e.Failures {
		if f.vyos() {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "[ %s ]\nError: %s\n\n[[%s]] failed\n", strings.Join(fl.Path, " "), fl.Msg, strings.Join(fl.Subtree, " "))
			continue
		}
		fmt.Fprintf(&b, "[%s]\n\n%s\n\n[[%s]] failed.\n\n", strings.Join(fl.Path, " "), fl.Msg, strings.Join(fl.Subtree, " "))
	}
	if f.vyos() {
		b.WriteString("Commit failed")
	} else {
		b.WriteString("Commit failed!")
	}
	return b.String()
}
