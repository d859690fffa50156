package vyatta

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// The lab has no full Vyatta schema: these tables are the few facts set and
// validation need. They are data, so extending the lab means a line here.

// topLevel are the words a configuration path may start with.
var topLevel = map[string]bool{
	"interfaces": true, "firewall": true, "security": true, "resources": true, "nat": true,
	"service": true, "system": true, "protocols": true, "policy": true, "vpn": true,
	"high-availability": true, "qos-policy": true, "routing": true,
}

// tagNames are nodes whose children are tag values (`ethernet eth0`).
var tagNames = map[string]bool{
	"ethernet": true, "dataplane": true, "bonding": true, "bridge": true, "loopback": true,
	"tunnel": true, "vif": true, "vrrp-group": true, "name": true, "rule": true,
	"address-group": true, "network-group": true, "port-group": true, "route": true,
	"next-hop": true, "remote-router": true, "sync-map": true, "user": true, "server": true,
	"static-mapping": true, "shared-network-name": true, "subnet": true, "neighbor": true,
	"prefix-list": true, "route-map": true, "ipv6-name": true, "facility": true, "community": true,
}

// isTag tells whether a new node name under parent is a tag node. A few
// names are tags in one place and leaves in another.
func isTag(parent, name string) bool {
	if name == "sync-map" {
		return parent == "config-sync"
	}
	return tagNames[name]
}

// valueLeaf are leaves that take a value: the word after them is a value.
var valueLeaf = map[string]bool{
	"address": true, "description": true, "action": true, "protocol": true, "port": true,
	"host-name": true, "domain-name": true, "name-server": true, "time-zone": true,
	"priority": true, "virtual-address": true, "hello-source-address": true, "preempt-delay": true,
	"advertise-interval": true, "network": true, "mtu": true, "speed": true, "duplex": true,
	"in": true, "out": true, "local": true, "location": true, "username": true, "password": true,
	"plaintext-password": true, "encrypted-password": true, "level": true, "full-name": true,
	"outbound-interface": true, "inbound-interface": true, "log": true, "authorization": true,
	"default-action": true, "listen-address": true, "key": true, "type": true,
	"sync-map": true, "distance": true, "jump-target": true, "gateway": true, "hw-id": true,
	"lease": true, "start": true, "stop": true, "default-router": true,
	"timeout": true, "interval": true, "sync-group": true, "ip-address": true,
}

// valuelessLeaf are leaves that stand alone (`disable`).
var valuelessLeaf = map[string]bool{
	"disable": true, "enable": true, "preempt": true, "rfc3768-compatibility": true,
	"disable-log": true, "exclude": true, "masquerade": true, "established": true,
	"related": true, "new": true, "invalid": true,
}

// secretNames are leaves whose values are secrets.
var secretNames = map[string]bool{
	"password": true, "plaintext-password": true, "encrypted-password": true,
	"pre-shared-secret": true, "secret": true, "key": true,
}

// isMulti tells whether the leaf at p keeps several values (an interface
// may have several addresses; a firewall rule matches one).
func isMulti(p []string) bool {
	if len(p) == 0 {
		return false
	}
	switch p[len(p)-1] {
	case "address", "network", "port":
		for _, w := range p {
			if w == "rule" {
				return false
			}
		}
		return len(p) > 1 && p[len(p)-1] != "translation"
	case "virtual-address", "name-server", "listen-address", "member":
		return true
	}
	return false
}

// validate checks the configuration a commit would make running, and
// returns the failures in the device's format, or nil.
func validate(old, next *config.Node, reject [][]string) *CommitError {
	v := &validator{root: next}
	next.Walk(func(p config.Path, n *config.Node) bool {
		v.node(p, n)
		return true
	})
	v.rejected(old, next, reject)
	if len(v.failures) == 0 {
		return nil
	}
	sort.SliceStable(v.failures, func(i, j int) bool {
		return strings.Join(v.failures[i].Path, " ") < strings.Join(v.failures[j].Path, " ")
	})
	return &CommitError{Failures: v.failures}
}

type validator struct {
	root     *config.Node
	failures []Failure
}

func (v *validator) fail(p []string, subtree []string, format string, args ...any) {
	v.failures = append(v.failures, Failure{Path: p, Subtree: subtree, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) node(p config.Path, n *config.Node) {
	withValue := func(val string) []string { return append(append([]string(nil), p...), val) }
	switch {
	case p[0] == "interfaces" && n.Name == "address" && len(p) >= 4:
		for _, a := range n.Values {
			if a == "dhcp" || a == "dhcpv6" {
				continue
			}
			if pr, err := netip.ParsePrefix(a); err != nil || !pr.Addr().IsValid() {
				v.fail(withValue(a), subtreeOf(p), "%s is not a valid IP host", a)
			}
		}
	case n.Name == "virtual-address":
		for _, a := range n.Values {
			if !isAddrOrPrefix(a) {
				v.fail(withValue(a), subtreeOf(p), "%s is not a valid IP address", a)
			}
		}
	case n.Name == "network" && within(p, "network-group"):
		for _, a := range n.Values {
			if _, err := netip.ParsePrefix(a); err != nil {
				v.fail(withValue(a), subtreeOf(p), "%s is not a valid IPv4 prefix", a)
			}
		}
	case n.Name == "address" && within(p, "address-group"):
		for _, a := range n.Values {
			if !isAddrOrRange(a) {
				v.fail(withValue(a), subtreeOf(p), "%s is not a valid IPv4 address or range", a)
			}
		}
	case n.Name == "host-name" && len(p) == 2 && p[0] == "system":
		for _, h := range n.Values {
			if !validHostName(h) {
				v.fail(withValue(h), p, "%q is not a valid host-name: letters, digits and hyphens, 1-63 characters, not starting or ending with a hyphen", h)
			}
		}
	case isRule(p):
		v.rule(p, n)
	case (n.Name == "in" || n.Name == "out" || n.Name == "local") && p[0] == "interfaces" && within(p, "firewall"):
		for _, name := range n.Values {
			if !v.rulesetDefined(name) {
				v.fail(withValue(name), subtreeOf(p), "firewall ruleset %q is not defined", name)
			}
		}
	}
}

// isRule tells whether p is a firewall or NAT rule node (`... rule 10`).
func isRule(p config.Path) bool {
	return len(p) >= 2 && p[len(p)-2] == "rule" && (within(p, "firewall") || within(p, "nat"))
}

func (v *validator) rule(p config.Path, n *config.Node) {
	isFirewall := within(p, "firewall") && !within(p, "nat")
	if isFirewall && n.Child("action") == nil {
		v.fail(p, p, "Rule action must be defined")
	}
	for _, side := range []string{"source", "destination"} {
		s := n.Child(side)
		if s == nil {
			continue
		}
		sp := append(append([]string(nil), p...), side)
		if a := s.Child("address"); a != nil {
			for _, val := range a.Values {
				addr := strings.TrimPrefix(val, "!")
				switch {
				case isAddrOrRange(addr) || isAddrOrPrefix(addr):
				case startsLikeAddress(addr):
					v.fail(append(sp, "address", val), p, "%s is not a valid IP address, prefix or range", val)
				case !v.groupDefined("address-group", addr) && !v.groupDefined("network-group", addr):
					v.fail(append(sp, "address", val), p, "address-group %q is not defined", addr)
				}
			}
		}
		if g := s.Child("group"); g != nil {
			for _, kind := range g.Children {
				for _, name := range kind.Values {
					if !v.groupDefined(kind.Name, name) {
						v.fail(append(sp, "group", kind.Name, name), p, "%s %q is not defined", kind.Name, name)
					}
				}
			}
		}
	}
	if t := n.Child("translation"); t != nil {
		if a := t.Child("address"); a != nil {
			for _, val := range a.Values {
				if val != "masquerade" && !isAddrOrRange(val) && !isAddrOrPrefix(val) {
					v.fail(append(append([]string(nil), p...), "translation", "address", val), p, "%s is not a valid translation address", val)
				}
			}
		}
	}
	if j := n.Child("jump-target"); j != nil {
		for _, name := range j.Values {
			if !v.rulesetDefined(name) {
				v.fail(append(append([]string(nil), p...), "jump-target", name), p, "firewall ruleset %q is not defined", name)
			}
		}
	}
}

// groupDefined looks a group up where both dialects keep them: VRA
// `resources group`, VyOS `firewall group`.
func (v *validator) groupDefined(kind, name string) bool {
	for _, base := range [][]string{{"resources", "group"}, {"firewall", "group"}, {"security", "firewall", "group"}} {
		if v.root.Lookup(append(config.Path(base), kind, name)) != nil {
			return true
		}
	}
	return false
}

// rulesetDefined looks a ruleset up: VRA `security firewall name`, legacy
// `firewall name`, VyOS 1.4 `firewall ipv4 name`.
func (v *validator) rulesetDefined(name string) bool {
	for _, base := range [][]string{{"security", "firewall", "name"}, {"firewall", "name"}, {"firewall", "ipv4", "name"}, {"firewall", "ipv6-name"}} {
		if v.root.Lookup(append(config.Path(base), name)) != nil {
			return true
		}
	}
	return false
}

// rejected fails every changed path under one of the reject prefixes; it
// is how the lab shows a remote refusing a synced change.
func (v *validator) rejected(old, next *config.Node, reject [][]string) {
	if len(reject) == 0 {
		return
	}
	done := map[int]bool{}
	for _, k := range diffKeys(flatten(old), flatten(next)) {
		p := splitKey(k)
		for i, r := range reject {
			if !done[i] && hasPrefix(p, r) {
				done[i] = true
				v.fail(p, subtreeOf(p), "changes under [%s] are refused by this device", strings.Join(r, " "))
			}
		}
	}
}

func hasPrefix(p, prefix []string) bool {
	if len(prefix) == 0 || len(p) < len(prefix) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

func within(p config.Path, word string) bool {
	for _, w := range p {
		if w == word {
			return true
		}
	}
	return false
}

func isAddrOrPrefix(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(s)
	return err == nil
}

func isAddrOrRange(s string) bool {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		_, err := netip.ParseAddr(s)
		return err == nil
	}
	a, err1 := netip.ParseAddr(lo)
	b, err2 := netip.ParseAddr(hi)
	return err1 == nil && err2 == nil && !b.Less(a)
}

// startsLikeAddress tells an address typo (10.0.0.300) from a group name.
func startsLikeAddress(s string) bool {
	if s == "" {
		return true
	}
	if _, err := strconv.Atoi(s[:1]); err == nil {
		return true
	}
	return strings.Contains(s, ":")
}

func validHostName(h string) bool {
	if len(h) == 0 || len(h) > 63 || h[0] == '-' || h[len(h)-1] == '-' {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
