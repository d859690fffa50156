package plan

import (
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// vrpForm is one row of the per-command table of VRP command forms
// (DOMAIN.md: "forms differ per command: keep a per-command table"). It is
// data: a pattern of the configuration line, the undo form that removes
// it, and whether repeating the command's key adds a line rather than
// replacing the one there.
type vrpForm struct {
	// view holds the leading words the parent view's line must start
	// with: "" for any view, "/" for the system view only.
	view string
	// line is a pattern of words: "*" matches one word ($1, $2, ... in
	// undo), "..." matches the rest of the line (zero or more words).
	line string
	// undo is the command that removes the line: words, $N for the N-th
	// "*" of line, $0 for the whole line, $key for the node's key (the
	// identity backend/config gives the line).
	undo string
	// multi: issuing the command again with other parameters adds a
	// line (a rule's source-zone, service...); otherwise the new command
	// replaces the old parameters, so a change is made by issuing it.
	multi bool
}

// vrpForms is the table, most specific rows first within a command. A line
// no row matches is removed by `undo` and the whole line, with a warning in
// the plan. A configuration line `undo X` is not in the table: it is
// removed by issuing X.
var vrpForms = []vrpForm{
	// Policy rules: the lists of a rule add a line per command; action
	// and time-range replace.
	{view: "rule name", line: "source-zone *", undo: "undo source-zone $1", multi: true},
	{view: "rule name", line: "destination-zone *", undo: "undo destination-zone $1", multi: true},
	{view: "rule name", line: "source-address ...", undo: "undo $0", multi: true},
	{view: "rule name", line: "destination-address ...", undo: "undo $0", multi: true},
	{view: "rule name", line: "service ...", undo: "undo $0", multi: true},
	{view: "rule name", line: "application ...", undo: "undo $0", multi: true},
	{view: "rule name", line: "user ...", undo: "undo $0", multi: true},
	{view: "rule name", line: "profile * ...", undo: "undo profile $1", multi: true},
	{view: "rule name", line: "action ...", undo: "undo action"},
	{view: "rule name", line: "time-range ...", undo: "undo time-range"},
	{view: "security-policy", line: "rule name *", undo: "undo rule name $1"},
	{view: "nat-policy", line: "rule name *", undo: "undo rule name $1"},

	// Objects and ACLs: an entry goes with its key, the object with its
	// name (the type is not part of the undo).
	{view: "ip address-set", line: "address * ...", undo: "undo address $1"},
	{view: "ip service-set", line: "service * ...", undo: "undo service $1"},
	{view: "acl", line: "rule * description ...", undo: "undo rule $1 description"},
	{view: "acl", line: "rule * ...", undo: "undo rule $1"},
	{view: "/", line: "ip address-set * ...", undo: "undo ip address-set $1"},
	{view: "/", line: "ip service-set * ...", undo: "undo ip service-set $1"},
	{view: "/", line: "acl number * ...", undo: "undo acl number $1"},
	{view: "/", line: "acl name * ...", undo: "undo acl name $1"},
	{view: "/", line: "time-range * ...", undo: "undo time-range $1"},
	{view: "/", line: "nat address-group * ...", undo: "undo nat address-group $1"},
	{view: "/", line: "firewall zone name * ...", undo: "undo firewall zone name $1"},
	{view: "/", line: "firewall zone *", undo: "undo firewall zone $1"},
	{view: "firewall zone", line: "add interface *", undo: "undo add interface $1", multi: true},
	{view: "firewall zone", line: "set priority *", undo: "undo set priority"},

	// AAA: schemes and templates are objects, a domain binds them.
	{view: "aaa", line: "authentication-scheme *", undo: "undo authentication-scheme $1"},
	{view: "aaa", line: "authorization-scheme *", undo: "undo authorization-scheme $1"},
	{view: "aaa", line: "accounting-scheme *", undo: "undo accounting-scheme $1"},
	{view: "aaa", line: "service-scheme *", undo: "undo service-scheme $1"},
	{view: "aaa", line: "domain *", undo: "undo domain $1"},
	{view: "aaa", line: "local-user * * ...", undo: "undo local-user $1 $2"},
	{view: "domain", line: "authentication-scheme *", undo: "undo authentication-scheme"},
	{view: "domain", line: "authorization-scheme *", undo: "undo authorization-scheme"},
	{view: "domain", line: "accounting-scheme *", undo: "undo accounting-scheme"},
	{view: "domain", line: "service-scheme *", undo: "undo service-scheme"},
	{view: "domain", line: "radius-server *", undo: "undo radius-server"},
	{view: "domain", line: "hwtacacs-server *", undo: "undo hwtacacs-server"},
	{view: "/", line: "radius-server template * ...", undo: "undo radius-server template $1"},
	{view: "/", line: "hwtacacs-server template * ...", undo: "undo hwtacacs-server template $1"},

	// Interfaces and VLANs.
	{view: "/", line: "interface * ...", undo: "undo interface $1"},
	{view: "/", line: "vlan batch ...", undo: "undo $0"},
	{view: "/", line: "vlan *", undo: "undo vlan $1"},
	{line: "description ...", undo: "undo description"},
	{line: "alias ...", undo: "undo alias"},
	{line: "mtu *", undo: "undo mtu"},
	{line: "name ...", undo: "undo name"},
	{line: "shutdown", undo: "undo shutdown"},
	{line: "ip address * * sub", undo: "undo ip address $1 $2 sub"},
	{line: "ip address dhcp-alloc ...", undo: "undo ip address dhcp-alloc"},
	{line: "ip address * * ...", undo: "undo ip address $1 $2"},
	{line: "ipv6 address ...", undo: "undo $0"},
	{line: "ip binding vpn-instance *", undo: "undo ip binding vpn-instance $1"},
	{line: "vrrp vrid * virtual-ip * ...", undo: "undo vrrp vrid $1 virtual-ip $2", multi: true},
	{line: "vrrp vrid * priority *", undo: "undo vrrp vrid $1 priority"},
	{line: "port link-type *", undo: "undo port link-type"},
	{line: "port link-mode *", undo: "undo port link-mode"},
	{line: "port default vlan *", undo: "undo port default vlan"},
	{line: "port access vlan *", undo: "undo port access vlan"},
	{line: "port trunk pvid vlan *", undo: "undo port trunk pvid vlan"},

	// System.
	{view: "/", line: "sysname *", undo: "undo sysname"},
	{view: "/", line: "clock timezone ...", undo: "undo clock timezone"},
	{view: "/", line: "ntp-service unicast-server * ...", undo: "undo ntp-service unicast-server $1"},
	{view: "/", line: "ntp-service unicast-peer * ...", undo: "undo ntp-service unicast-peer $1"},
	{view: "/", line: "info-center loghost vpn-instance * * ...", undo: "undo info-center loghost vpn-instance $1 $2"},
	{view: "/", line: "info-center loghost source *", undo: "undo info-center loghost source"},
	{view: "/", line: "info-center loghost * ...", undo: "undo info-center loghost $1"},
	{view: "/", line: "dns server * ...", undo: "undo dns server $1"},
	{view: "/", line: "snmp-agent sys-info contact ...", undo: "undo snmp-agent sys-info contact"},
	{view: "/", line: "snmp-agent sys-info location ...", undo: "undo snmp-agent sys-info location"},
	{view: "/", line: "snmp-agent sys-info version ...", undo: "undo $0"},
	{view: "/", line: "stelnet server enable", undo: "undo stelnet server enable"},
	{view: "/", line: "ip vpn-instance *", undo: "undo ip vpn-instance $1"},
	{view: "/", line: "ip route-static ...", undo: "undo $key"},
	{view: "/", line: "ipv6 route-static ...", undo: "undo $key"},

	// Global switches: the undo names the whole command.
	{view: "/", line: "dhcp enable", undo: "undo dhcp enable"},
	{view: "/", line: "ntp-service enable", undo: "undo ntp-service enable"},
	{view: "/", line: "telnet server enable", undo: "undo telnet server enable"},
	{view: "/", line: "ssh server enable", undo: "undo ssh server enable"},
	{view: "/", line: "lldp global enable", undo: "undo lldp global enable"},
	{view: "/", line: "stp global enable", undo: "undo stp global enable"},
	{view: "/", line: "stp enable", undo: "undo stp enable"},
	{view: "/", line: "stp mode *", undo: "undo stp mode"},
	{view: "/", line: "snmp-agent", undo: "undo snmp-agent"},
	{view: "/", line: "info-center enable", undo: "undo info-center enable"},
	{view: "/", line: "info-center timestamp ...", undo: "undo $0"},
	{view: "/", line: "dns domain ...", undo: "undo $0"},
	{view: "/", line: "dns source-interface ...", undo: "undo $0"},
	{view: "/", line: "header * ...", undo: "undo header $1"},
	{view: "/", line: "ip pool * ...", undo: "undo ip pool $1"},
	{view: "/", line: "dhcp server ip-pool *", undo: "undo dhcp server ip-pool $1"},
	{view: "/", line: "rsa peer-public-key *", undo: "undo rsa peer-public-key $1"},
	{view: "/", line: "radius scheme *", undo: "undo radius scheme $1"},
	{view: "/", line: "hwtacacs scheme *", undo: "undo hwtacacs scheme $1"},
	{view: "/", line: "domain *", undo: "undo domain $1"},
	{view: "/", line: "qos policy *", undo: "undo qos policy $1"},
	{view: "/", line: "traffic classifier * ...", undo: "undo traffic classifier $1"},
	{view: "/", line: "traffic behavior *", undo: "undo traffic behavior $1"},
	{view: "/", line: "role name *", undo: "undo role name $1"},

	// User interfaces.
	{view: "user-interface", line: "authentication-mode *", undo: "undo authentication-mode"},
	{view: "user-interface", line: "user privilege level *", undo: "undo user privilege level"},
	{view: "user-interface", line: "idle-timeout ...", undo: "undo idle-timeout"},
	{view: "user-interface", line: "protocol inbound ...", undo: "undo protocol inbound"},

	// Routing.
	{line: "router-id *", undo: "undo router-id"},
	{view: "/", line: "ospf * ...", undo: "undo ospf $1"},
	{view: "/", line: "bgp *", undo: "undo bgp"},
	{view: "ospf", line: "area *", undo: "undo area $1"},
	{view: "area", line: "network * * ...", undo: "undo network $1 $2", multi: true},
	{view: "bgp", line: "peer * * ...", undo: "undo peer $1 $2"},

	// DHCP pools.
	{view: "ip pool", line: "gateway-list ...", undo: "undo gateway-list"},
	{view: "ip pool", line: "dns-list ...", undo: "undo dns-list"},
	{view: "ip pool", line: "domain-name ...", undo: "undo domain-name"},
	{view: "ip pool", line: "expired ...", undo: "undo expired"},
}

// vrpObject is a kind of named object that other commands bind by name: it
// is created before the commands that use it and removed after them.
type vrpObject struct {
	view string // as in vrpForm
	line string // the pattern of the object's header line
}

// vrpObjects lists the objects other commands bind (DOMAIN.md: an object
// bound elsewhere is unbound first).
var vrpObjects = []vrpObject{
	{view: "/", line: "ip address-set ..."},
	{view: "/", line: "ip service-set ..."},
	{view: "/", line: "acl ..."},
	{view: "/", line: "time-range ..."},
	{view: "/", line: "nat address-group ..."},
	{view: "/", line: "destination-nat address-pool ..."},
	{view: "/", line: "firewall zone ..."},
	{view: "/", line: "radius-server template ..."},
	{view: "/", line: "hwtacacs-server template ..."},
	{view: "/", line: "ip vpn-instance ..."},
	{view: "/", line: "ip pool ..."},
	{view: "/", line: "profile ..."},
	{view: "aaa", line: "authentication-scheme *"},
	{view: "aaa", line: "authorization-scheme *"},
	{view: "aaa", line: "accounting-scheme *"},
	{view: "aaa", line: "service-scheme *"},
}

// vrpBinding is a line that binds an object by name: `$1` in line stands
// for the name, which is the first "*" of the object's pattern.
type vrpBinding struct {
	objView, object string // the object: its view and line pattern
	view, line      string // the binding line: its view and pattern
}

// vrpBindings lists which lines bind which objects.
var vrpBindings = []vrpBinding{
	{"/", "ip address-set * ...", "rule name", "source-address address-set $1"},
	{"/", "ip address-set * ...", "rule name", "destination-address address-set $1"},
	{"/", "ip address-set * ...", "ip address-set", "address * address-set $1 ..."},
	{"/", "ip service-set * ...", "rule name", "service $1"},
	{"/", "time-range * ...", "rule name", "time-range $1"},
	{"/", "nat address-group * ...", "rule name", "action source-nat address-group $1 ..."},
	{"/", "radius-server template * ...", "domain", "radius-server $1"},
	{"/", "hwtacacs-server template * ...", "domain", "hwtacacs-server $1"},
	{"aaa", "authentication-scheme *", "domain", "authentication-scheme $1"},
	{"aaa", "authorization-scheme *", "domain", "authorization-scheme $1"},
	{"aaa", "accounting-scheme *", "domain", "accounting-scheme $1"},
}

// vrpBinds reports whether line (in view) binds the object whose header is
// objLine (in objView).
func vrpBinds(objView, objLine, view, line string) bool {
	ow, lw := vrpWordsOf(objLine), vrpWordsOf(line)
	for _, b := range vrpBindings {
		if !vrpViewMatches(b.objView, objView) || !vrpViewMatches(b.view, view) {
			continue
		}
		caps, ok := vrpMatch(b.object, ow)
		if !ok || len(caps) == 0 {
			continue
		}
		if _, ok := vrpMatch(strings.ReplaceAll(b.line, "$1", caps[0]), lw); ok {
			return true
		}
	}
	return false
}

// vrpBoundObjects returns the objects line (in view) binds: for each, the
// object's view and pattern and the name bound.
func vrpBoundObjects(view, line string) (out []vrpBinding, names []string) {
	lw := vrpWordsOf(line)
	for _, b := range vrpBindings {
		if !vrpViewMatches(b.view, view) {
			continue
		}
		pw := strings.Fields(b.line)
		for i, w := range pw {
			if w != "$1" || i >= len(lw) {
				continue
			}
			if _, ok := vrpMatch(strings.ReplaceAll(b.line, "$1", lw[i]), lw); ok {
				out, names = append(out, b), append(names, lw[i])
			}
		}
	}
	return out, names
}

// vrpHasObject reports whether t holds the object of binding b named name.
func vrpHasObject(t *config.Tree, b vrpBinding, name string) bool {
	found := false
	t.Root.Walk(func(p config.Path, c *config.Node) bool {
		if found {
			return false
		}
		if vrpViewMatches(b.objView, viewOf(p)) {
			if caps, ok := vrpMatch(b.object, vrpWordsOf(c.Name)); ok && len(caps) > 0 && caps[0] == name {
				found = true
			}
		}
		return len(p) < 2 // objects sit at the top or in one view
	})
	return found
}

// vrpWordsOf splits a line into words; a word opening with `"` runs to its
// closing quote, so a quoted name is one word.
func vrpWordsOf(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		j := i + 1
		if s[i] == '"' {
			for j < len(s) && !(s[j] == '"' && (j+1 == len(s) || s[j+1] == ' ')) {
				j++
			}
			j = min(j+1, len(s))
		} else {
			for j < len(s) && s[j] != ' ' {
				j++
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// vrpMatch matches a pattern of vrpForm.line against words; it returns
// the words matched by each "*".
func vrpMatch(pattern string, words []string) ([]string, bool) {
	pw := strings.Fields(pattern)
	var caps []string
	for i, p := range pw {
		if p == "..." {
			return caps, true
		}
		if i >= len(words) {
			return nil, false
		}
		switch p {
		case "*":
			caps = append(caps, words[i])
		default:
			if words[i] != p {
				return nil, false
			}
		}
	}
	return caps, len(words) == len(pw)
}

// vrpViewMatches reports whether a view line (the parent's name, "" for
// the system view) fits a row's view.
func vrpViewMatches(want, view string) bool {
	switch want {
	case "":
		return true
	case "/":
		return view == ""
	}
	return view == want || strings.HasPrefix(view, want+" ")
}

// vrpFormOf returns the row for a line in a view and its captures.
func vrpFormOf(view, line string) (*vrpForm, []string) {
	words := vrpWordsOf(line)
	for i := range vrpForms {
		f := &vrpForms[i]
		if !vrpViewMatches(f.view, view) {
			continue
		}
		if caps, ok := vrpMatch(f.line, words); ok {
			return f, caps
		}
	}
	return nil, nil
}

// vrpUndo returns the command that removes line (whose node is keyed key)
// in view, and whether the table knew the command. A configuration line
// `undo X` is removed by issuing X.
func vrpUndo(view, key, line string) (string, bool) {
	if rest, ok := strings.CutPrefix(line, "undo "); ok {
		return rest, true
	}
	f, caps := vrpFormOf(view, line)
	if f == nil {
		return "undo " + line, false
	}
	var out []string
	for _, w := range strings.Fields(f.undo) {
		switch {
		case w == "$0":
			out = append(out, line)
		case w == "$key":
			out = append(out, key)
		case len(w) > 1 && w[0] == '$':
			n, err := strconv.Atoi(w[1:])
			if err != nil || n < 1 || n > len(caps) {
				return "undo " + line, false
			}
			out = append(out, caps[n-1])
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " "), true
}

// vrpMulti reports whether the command of line adds a line when repeated
// with other parameters.
func vrpMulti(view, line string) bool {
	f, _ := vrpFormOf(view, line)
	return f != nil && f.multi
}

// vrpIsObject reports whether the header line in view is a bindable object.
func vrpIsObject(view, line string) bool {
	words := vrpWordsOf(line)
	for _, o := range vrpObjects {
		if !vrpViewMatches(o.view, view) {
			continue
		}
		if _, ok := vrpMatch(o.line, words); ok {
			return true
		}
	}
	return false
}
