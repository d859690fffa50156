package huawei

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/hasync/hasync/backend/config"
)

// Reason is why the command line refused a command's syntax.
type Reason int

// The reasons VRP gives under its caret line.
const (
	ReasonUnrecognized Reason = iota
	ReasonWrongParameter
	ReasonIncomplete
	ReasonTooMany
	ReasonAmbiguous
)

func (r Reason) String() string {
	switch r {
	case ReasonWrongParameter:
		return "Wrong parameter"
	case ReasonIncomplete:
		return "Incomplete command"
	case ReasonTooMany:
		return "Too many parameters"
	case ReasonAmbiguous:
		return "Ambiguous command"
	}
	return "Unrecognized command"
}

// CommandError is a command refused for its syntax. Pos is the byte offset
// in the typed line the caret points at.
type CommandError struct {
	Pos    int
	Reason Reason
}

func (e *CommandError) Error() string {
	return "Error: " + e.Reason.String() + " found at '^' position."
}

// viewKind is the kind of a view: it decides which commands are valid.
type viewKind int

const (
	viewNone viewKind = iota
	viewUser
	viewSystem
	viewInterface
	viewZone
	viewAddressSet
	viewServiceSet
	viewSecurityPolicy
	viewSecurityRule
	viewNATPolicy
	viewNATRule
	viewAAA
	viewManagerUser
	viewOSPF
	viewOSPFArea
	viewUserInterface
	viewAuthScheme
	viewDomain
	viewACL
)

// class is what a command does.
type class int

const (
	classConfig  class = iota // changes the configuration
	classOp                   // a display or an HRP operation
	classBuiltin              // navigation and session commands the CLI runs
)

// tmpl is one command of a view. Its tokens are keywords (abbreviable),
// enumerations `{a|b|c}` (keywords too: one of them), and typed slots
// (the table slotTypes): `<ip>`, `<mask>`, `<int:LO-HI>`, `<name>`,
// `<ifname>`, `<time>`, `<hhmm>`, `<ip6prefix>`, references that must
// exist when used (`<zone>`, `<addrset>`, `<service>`, `<authscheme>`),
// and the rest of the line `<text>` (descriptions only) or `<any>` (the
// arguments of a display command, which checks them itself).
//
// The reason each check gives under the caret (DOMAIN.md "Errors"):
//   - a word that is no keyword (nor enumeration value) where only
//     keywords may follow: Unrecognized command (matchWords);
//   - a word a typed slot refuses (a bad address, a non-contiguous mask,
//     a number out of its range, a malformed name): Wrong parameter
//     (matchWords, slotTypes);
//   - a reference to an object that is not configured: Wrong parameter,
//     at the reference (checkRefs);
//   - an abbreviation of two keywords: Ambiguous command; words after a
//     complete command: Too many parameters; a command cut short:
//     Incomplete command (at the end of the line).
type tmpl struct {
	toks  []string
	class class
	enter viewKind
	move  bool   // rule move
	op    string // the registered op's words
}

func cfg(s string) tmpl                { return tmpl{toks: strings.Fields(s)} }
func enter(s string, k viewKind) tmpl  { return tmpl{toks: strings.Fields(s), enter: k} }
func builtin(s string) tmpl            { return tmpl{toks: strings.Fields(s), class: classBuiltin} }
func display(s string, op string) tmpl { return tmpl{toks: strings.Fields(s), class: classOp, op: op} }
func movecmd(s string) tmpl            { return tmpl{toks: strings.Fields(s), move: true} }
func templates(ts ...tmpl) []tmpl      { return ts }

// cfgs makes one command per suffix: a command with optional trailing
// parameters is one line per form.
func cfgs(s string, suffixes ...string) []tmpl {
	var ts []tmpl
	for _, x := range suffixes {
		ts = append(ts, cfg(s+" "+x))
	}
	return ts
}

func ruleMoves() []tmpl {
	return templates(
		movecmd("rule move <name> before <name>"),
		movecmd("rule move <name> after <name>"),
		movecmd("rule move <name> {up|down|top|bottom}"),
	)
}

func addrs(key string) []tmpl {
	return []tmpl{
		cfg(key + " <ip> mask <mask>"),
		cfg(key + " <ip> <mask>"),
		cfg(key + " address-set <addrset>"),
		cfg(key + " range <ip> <ip>"),
		cfg(key + " any"),
	}
}

// Value sets of the enumerations used in more than one command.
const (
	enumServiceType = "{web|ssh|telnet|terminal|api|ftp}"
	enumProfile     = "{av|ips|url-filter|file-block|data-filter|app-control|mail-filter}"
	enumWeekday     = "{monday|tuesday|wednesday|thursday|friday|saturday|sunday}"
	enumSignature   = "{ips-sdb|av-sdb|sa-sdb|cnc|ip-reputation|url-sdb}"
	enumLogLevel    = "{emergencies|alerts|critical|errors|warnings|notifications|informational|debugging}"
)

// viewTemplates are the configuration commands of each view. Platform
// knowledge is data: a command the lab should accept is one line here,
// with the type of each parameter (ranges from the USG CLI reference and
// DOMAIN.md; where they are silent, the choice is named in a comment).
func viewTemplates(k viewKind) []tmpl {
	switch k {
	case viewUser:
		return templates(
			builtin("system-view"),
			builtin("screen-length <int:0-512> temporary"),
			builtin("undo screen-length temporary"),
			builtin("reset saved-configuration"),
		)
	case viewSystem:
		ts := templates(
			cfg("sysname <name>"),
			cfg("clock timezone <name> {add|minus} <time>"),
			enter("interface <ifname>", viewInterface),
			enter("firewall zone name <name>", viewZone),
			// Zone ids: the four built-in zones take 0-3 (the seed's
			// `firewall zone name hrp id 4`); 2047 is the lab's bound.
			enter("firewall zone name <name> id <int:4-2047>", viewZone),
			enter("firewall zone <zone>", viewZone),
			cfg("firewall packet-filter basic-protocol enable"),
			cfg("firewall packet-filter default {permit|deny} all"),
			cfg("firewall session aging-time {tcp|udp|icmp|dns|http|https|ftp} <int:1-65535>"),
			cfg("firewall session link-state check"),
			cfg("firewall detect {ftp|sip|h323|rtsp|dns|pptp|tftp|mgcp|sqlnet}"),
			enter("ip address-set <name>", viewAddressSet),
			enter("ip address-set <name> type {object|group}", viewAddressSet),
			enter("ip service-set <name>", viewServiceSet),
			enter("ip service-set <name> type {object|group}", viewServiceSet),
			// ACL numbers: basic 2000-2999, advanced 3000-3999.
			enter("acl number <int:2000-3999>", viewACL),
			enter("acl <int:2000-3999>", viewACL),
			enter("security-policy", viewSecurityPolicy),
			enter("nat-policy", viewNATPolicy),
			enter("aaa", viewAAA),
			enter("ospf", viewOSPF),
			enter("ospf <int:1-65535>", viewOSPF),
			enter("ospf <int:1-65535> router-id <ip>", viewOSPF),
			enter("user-interface vty <int:0-4>", viewUserInterface),
			enter("user-interface vty <int:0-4> <int:0-4>", viewUserInterface),
			enter("user-interface console 0", viewUserInterface),
			cfg("hrp enable"),
			cfg("hrp interface <ifname> remote <ip>"),
			cfg("hrp mirror session enable"),
			// hrp auto-sync [config | connection-status | config
			// static-route | config policy-based-route] (DOMAIN.md).
			cfg("hrp auto-sync"),
			cfg("hrp auto-sync {config|connection-status}"),
			cfg("hrp auto-sync config {static-route|policy-based-route}"),
			cfg("hrp standby config enable"),
			cfg("hrp standby-device"),
			cfg("hrp preempt"),
			cfg("hrp preempt delay <int:1-1800>"),
			// DOMAIN.md: hello 500-60000 ms.
			cfg("hrp timer hello <int:500-60000>"),
			cfg("hrp track interface <ifname>"),
			cfg("hrp adjust {ospf-cost|ospfv3-cost|bgp-cost} enable"),
			cfg("stelnet server enable"),
			cfg("ssh user <name> authentication-type {password|rsa|ecc|all}"),
			cfg("ssh user <name> service-type {stelnet|sftp|all}"),
			cfg("ssh authentication-type default password"),
			cfg("snmp-agent"),
			cfg("snmp-agent sys-info version {v2c|v3|all}"),
			cfg("snmp-agent sys-info {contact|location} <text>"),
			cfg("info-center enable"),
			cfg("info-center loghost <ip>"),
			cfg("info-center source default channel <int:0-9> log level "+enumLogLevel),
			cfg("ntp-service enable"),
			cfg("update schedule "+enumSignature+" enable"),
			cfg("update schedule "+enumSignature+" daily <hhmm>"),
			cfg("update schedule "+enumSignature+" weekly "+enumWeekday+" <hhmm>"),
		)
		ts = append(ts, cfgs("ntp-service unicast-server <ip>", "", "preference", "source-interface <ifname>")...)
		// ip route-static DEST MASK {NEXTHOP | IFNAME [NEXTHOP]} [preference
		// P] [description TEXT]; preference 1-255.
		for _, hop := range []string{"<ip>", "<ifname>", "<ifname> <ip>"} {
			ts = append(ts, cfgs("ip route-static <ip> <mask> "+hop,
				"", "preference <int:1-255>", "description <text>", "preference <int:1-255> description <text>")...)
		}
		return ts
	case viewInterface:
		return templates(
			cfg("description <text>"),
			cfg("ip address <ip> <mask>"),
			cfg("ip address <ip> <mask> sub"),
			cfg("ipv6 enable"),
			cfg("ipv6 address <ip6prefix>"),
			cfg("vrrp vrid <int:1-255> virtual-ip <ip>"),
			cfg("vrrp vrid <int:1-255> virtual-ip <ip> {active|standby}"),
			cfg("service-manage enable"),
			cfg("service-manage {ping|http|https|ssh|telnet|snmp|netconf} {permit|deny}"),
			cfg("shutdown"),
			cfg("mtu <int:46-9600>"),
			cfg("alias <name>"),
		)
	case viewACL:
		ts := templates(cfg("description <text>"))
		// rule ID {permit|deny} [PROTOCOL] [source A W] [destination A W]
		// [destination-port eq PORT] (ports for tcp and udp only).
		const rule = "rule <int:0-4294967294> {permit|deny}"
		addrs := []string{"", " source <ip> <wildcard>", " destination <ip> <wildcard>", " source <ip> <wildcard> destination <ip> <wildcard>"}
		for _, proto := range []string{"", " {ip|icmp|gre|ospf}", " {tcp|udp}"} {
			for _, a := range addrs {
				ts = append(ts, cfg(rule+proto+a))
				if proto == " {tcp|udp}" {
					ts = append(ts, cfg(rule+proto+a+" destination-port eq <int:0-65535>"))
				}
			}
		}
		return ts
	case viewZone:
		return templates(
			cfg("set priority <int:1-100>"),
			cfg("add interface <ifname>"),
			cfg("description <text>"),
		)
	case viewAddressSet:
		return templates(
			cfg("description <text>"),
			cfg("address <int:0-4294967294> <ip> mask <mask>"),
			cfg("address <int:0-4294967294> <ip> <mask>"),
			cfg("address <int:0-4294967294> range <ip> <ip>"),
			cfg("address <int:0-4294967294> address-set <addrset>"),
		)
	case viewServiceSet:
		ts := templates(
			cfg("description <text>"),
			cfg("service <int:0-4294967294> protocol {icmp|icmpv6}"),
			cfg("service <int:0-4294967294> protocol <int:0-255>"),
			cfg("service <int:0-4294967294> service-set <service>"),
		)
		for _, ports := range []string{"destination-port <int:0-65535>", "destination-port <int:0-65535> to <int:0-65535>",
			"source-port <int:0-65535> to <int:0-65535> destination-port <int:0-65535>",
			"source-port <int:0-65535> to <int:0-65535> destination-port <int:0-65535> to <int:0-65535>"} {
			ts = append(ts, cfg("service <int:0-4294967294> protocol {tcp|udp|sctp} "+ports))
		}
		return ts
	case viewSecurityPolicy:
		return append(templates(enter("rule name <name>", viewSecurityRule)), ruleMoves()...)
	case viewNATPolicy:
		return append(templates(enter("rule name <name>", viewNATRule)), ruleMoves()...)
	case viewSecurityRule, viewNATRule:
		ts := templates(
			cfg("description <text>"),
			cfg("source-zone <zone>"),
			cfg("destination-zone <zone>"),
			cfg("service <service>"),
			cfg("application app <name>"),
			cfg("application category <name>"),
			cfg("user <name>"),
			cfg("user user-group <name>"),
			cfg("time-range <name>"),
			cfg("profile "+enumProfile+" <name>"),
		)
		ts = append(ts, addrs("source-address")...)
		ts = append(ts, addrs("destination-address")...)
		if k == viewSecurityRule {
			return append(ts,
				cfg("action {permit|deny}"),
				cfg("policy logging"),
				cfg("session logging"),
				cfg("session aging-time <int:1-65535>"),
			)
		}
		return append(ts,
			cfg("action source-nat easy-ip"),
			cfg("action source-nat address-group <name>"),
			cfg("action no-nat"),
			cfg("action destination-nat static address-to-address address <ip>"),
			cfg("action destination-nat static port-to-port address <ip> <int:0-65535>"),
			cfg("egress-interface <ifname>"),
		)
	case viewAAA:
		return templates(
			enter("manager-user <name>", viewManagerUser),
			enter("authentication-scheme <name>", viewAuthScheme),
			enter("domain <name>", viewDomain),
		)
	case viewManagerUser:
		ts := templates(
			cfg("password cipher <secret>"),
			cfg("password irreversible-cipher <secret>"),
			// DOMAIN-silent: manager-user levels are 0-15 as user levels.
			cfg("level <int:0-15>"),
		)
		for i := 1; i <= 4; i++ {
			ts = append(ts, cfg("service-type"+strings.Repeat(" "+enumServiceType, i)))
		}
		return ts
	case viewAuthScheme:
		return templates(
			cfg("authentication-mode {local|radius|hwtacacs|none}"),
			cfg("authentication-mode {local|radius|hwtacacs} {local|radius|hwtacacs|none}"),
		)
	case viewDomain:
		return templates(
			cfg("authentication-scheme <authscheme>"),
			cfg("service-type {internetaccess|ssl-vpn|l2tp|ike|administrator}"),
			cfg("description <text>"),
		)
	case viewOSPF:
		return templates(
			enter("area <ip>", viewOSPFArea),
			enter("area <int:0-4294967295>", viewOSPFArea),
			cfg("import-route {static|direct|rip|bgp|unr}"),
			cfg("silent-interface <ifname>"),
			cfg("silent-interface all"),
			cfg("default-route-advertise"),
			cfg("default-route-advertise always"),
		)
	case viewOSPFArea:
		return templates(
			cfg("network <ip> <ip>"),
			cfg("authentication-mode md5 <int:1-255> cipher <secret>"),
			cfg("authentication-mode simple cipher <secret>"),
		)
	case viewUserInterface:
		return templates(
			cfg("authentication-mode {aaa|password|none}"),
			cfg("protocol inbound {ssh|telnet|all}"),
			cfg("user privilege level <int:0-15>"),
			cfg("idle-timeout <int:0-35791>"),
			cfg("idle-timeout <int:0-35791> <int:0-59>"),
		)
	}
	return nil
}

// commonTemplates are valid in every view.
func commonTemplates(k viewKind) []tmpl {
	ts := templates(
		display("display current-configuration <any>", "display current-configuration"),
		display("display this", "display this"),
		display("display saved-configuration", "display saved-configuration"),
		display("display version", "display version"),
		display("display interface brief", "display interface brief"),
		display("display ip routing-table", "display ip routing-table"),
		display("display firewall session table <any>", "display firewall session table"),
		display("display users", "display users"),
		builtin("save"),
		builtin("quit"),
	)
	if k != viewUser {
		ts = append(ts, builtin("return"))
	}
	return ts
}

// match is a resolved command line.
type match struct {
	t     *tmpl
	words []string // expanded words (keywords in full); for undo, without "undo"
	line  string   // the canonical line: expanded words, free text as typed
	undo  bool
	args  []string // the words after an op's fixed words
	refs  []ref    // the references the line makes, to check they exist
}

// ref is a parameter naming an object that must exist when it is used.
type ref struct {
	kind string // the slot: zone, addrset, service, authscheme
	name string
	pos  int // where the word starts in the typed line
}

// word is one word of a typed line and where it starts.
type word struct {
	s     string
	start int
}

// splitLine splits a typed line into words; a word starting with `"` runs
// to the next `"` that ends a word, so a quoted name keeps its spaces.
func splitLine(line string) []word {
	var ws []word
	i := 0
	for i < len(line) {
		if line[i] == ' ' || line[i] == '\t' {
			i++
			continue
		}
		start := i
		if line[i] == '"' {
			j := strings.Index(line[i+1:], "\" ")
			if j < 0 {
				i = len(line)
			} else {
				i += j + 2
			}
		} else {
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				i++
			}
		}
		ws = append(ws, word{s: line[start:i], start: start})
	}
	return ws
}

// grammar returns the commands of a view kind, with the registered ops.
func (d *Device) grammar(k viewKind) []tmpl {
	ts := append(viewTemplates(k), commonTemplates(k)...)
	for _, w := range d.opWords() {
		ts = append(ts, display(w+" <any>", w))
	}
	return ts
}

// resolve checks a typed line against the commands of a view kind and
// expands its abbreviations. An `undo` line matches the commands without
// their trailing parameters.
func (d *Device) resolve(k viewKind, line string) (*match, error) {
	for i := 0; i < len(line); i++ {
		if c := line[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return nil, &CommandError{Pos: i, Reason: ReasonWrongParameter}
		}
	}
	ws := splitLine(line)
	if len(ws) == 0 {
		return nil, &CommandError{Reason: ReasonIncomplete}
	}
	ts := d.grammar(k)
	var cands []*tmpl
	for i := range ts {
		cands = append(cands, &ts[i])
	}
	// `undo` is a keyword of every view; it competes with the first
	// keywords of the view for abbreviations.
	undo := false
	if first := ws[0].s; strings.HasPrefix("undo", first) {
		ambiguous := false
		for _, t := range cands {
			if isLiteral(t.toks[0]) && strings.HasPrefix(t.toks[0], first) {
				ambiguous = true
			}
		}
		if first != "undo" && ambiguous {
			return nil, &CommandError{Pos: ws[0].start, Reason: ReasonAmbiguous}
		}
		undo = true
	}
	if undo {
		ws = ws[1:]
		if len(ws) == 0 {
			return nil, &CommandError{Pos: len(line), Reason: ReasonIncomplete}
		}
		var keep []*tmpl
		for _, t := range cands {
			if t.class == classConfig || (t.class == classBuiltin && t.toks[0] == "undo") {
				keep = append(keep, t)
			}
		}
		cands = keep
		// `undo screen-length temporary` is spelled with its undo.
		for _, t := range cands {
			if t.toks[0] == "undo" {
				t.toks = t.toks[1:]
			}
		}
	}
	m, err := matchWords(cands, ws, line, undo)
	if err != nil {
		return nil, err
	}
	m.undo = undo && m.t.class == classConfig
	return m, nil
}

func isLiteral(tok string) bool { return !strings.HasPrefix(tok, "<") }

func isRest(tok string) bool { return tok == "<text>" || tok == "<any>" }

// matchWords runs the words through the templates side by side.
func matchWords(cands []*tmpl, ws []word, line string, undo bool) (*match, error) {
	words := make([]string, len(ws))
	rest := map[*tmpl]int{} // templates whose rest token took the words from index
	for i, w := range ws {
		var alive []*tmpl
		for _, t := range cands {
			if _, ok := rest[t]; ok {
				alive = append(alive, t)
			}
		}
		var next []*tmpl
		var lits []string
		for _, t := range cands {
			if _, ok := rest[t]; ok || i >= len(t.toks) {
				continue
			}
			next = append(next, t)
			if tok := t.toks[i]; isLiteral(tok) {
				for _, a := range alts(tok) {
					if strings.HasPrefix(a, w.s) && !isOneOf(a, lits) {
						lits = append(lits, a)
					}
				}
			}
		}
		if len(next) == 0 {
			if len(alive) > 0 {
				words[i] = w.s
				cands = alive
				continue
			}
			return nil, &CommandError{Pos: w.start, Reason: ReasonTooMany}
		}
		var kept []*tmpl
		switch {
		case len(lits) > 0:
			kw := ""
			if isOneOf(w.s, lits) {
				kw = w.s
			} else if len(lits) == 1 {
				kw = lits[0]
			} else {
				return nil, &CommandError{Pos: w.start, Reason: ReasonAmbiguous}
			}
			words[i] = kw
			for _, t := range next {
				if isLiteral(t.toks[i]) && isOneOf(kw, alts(t.toks[i])) {
					kept = append(kept, t)
				}
			}
		default:
			words[i] = w.s
			params := false
			for _, t := range next {
				tok := t.toks[i]
				if isLiteral(tok) {
					continue
				}
				params = true
				if accepts(tok, w.s) {
					kept = append(kept, t)
					if isRest(tok) {
						rest[t] = i
					}
				}
			}
			if len(kept) == 0 {
				if len(alive) > 0 {
					cands = alive
					continue
				}
				reason := ReasonUnrecognized
				if params {
					reason = ReasonWrongParameter
				}
				return nil, &CommandError{Pos: w.start, Reason: reason}
			}
		}
		cands = append(kept, alive...)
	}
	// The line is complete for a template that was used up, or whose
	// remaining tokens may be empty; an undo may stop at its parameters
	// (`undo rule 5`, `undo action`: at a parameter or an enumeration).
	var done *tmpl
	for _, t := range cands {
		n := len(ws)
		if _, ok := rest[t]; ok || n == len(t.toks) || (n < len(t.toks) && t.toks[n] == "<any>") ||
			(undo && n < len(t.toks) && n > 0 && (!isLiteral(t.toks[n]) || len(alts(t.toks[n])) > 1)) {
			done = t
			break
		}
	}
	if done == nil {
		return nil, &CommandError{Pos: len(line), Reason: ReasonIncomplete}
	}
	m := &match{t: done, words: words}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if from, ok := rest[done]; ok && i == from && done.toks[from] == "<text>" {
			b.WriteString(strings.TrimRight(line[ws[i].start:], " \t"))
			break
		}
		b.WriteString(w)
	}
	m.line = b.String()
	for i, w := range words {
		if i < len(done.toks) {
			if k, ok := refSlot(done.toks[i]); ok {
				m.refs = append(m.refs, ref{kind: k, name: strings.Trim(w, `"`), pos: ws[i].start})
			}
		}
	}
	if done.class == classOp {
		n := len(strings.Fields(done.op))
		m.args = append([]string(nil), words[min(n, len(words)):]...)
	}
	return m, nil
}

// alts are the keywords a literal token stands for: itself, or each of
// an enumeration `{a|b|c}`.
func alts(tok string) []string {
	if strings.HasPrefix(tok, "{") && strings.HasSuffix(tok, "}") {
		return strings.Split(tok[1:len(tok)-1], "|")
	}
	return []string{tok}
}

// refSlot returns, for a slot naming an object that must exist when used,
// the kind of object (objectExists). (A switch, not a map: no work at
// process start.)
func refSlot(tok string) (string, bool) {
	switch tok {
	case "<zone>", "<addrset>", "<service>", "<authscheme>":
		return tok[1 : len(tok)-1], true
	}
	return "", false
}

// slotTypes are the typed slots: each takes the words its func accepts. A
// word it refuses is a Wrong parameter under the caret (matchWords). The
// table is made on first use, not at process start.
var slotTypes = sync.OnceValue(func() map[string]func(string) bool {
	return map[string]func(string) bool{
		"<ip>": isIPv4,
		// An ACL wildcard: any dotted IPv4 value (its ones need not be
		// contiguous), or 0 for the host.
		"<wildcard>":  func(w string) bool { return w == "0" || isIPv4(w) },
		"<mask>":      isMask,
		"<ifname>":    func(w string) bool { return ifnamePattern().MatchString(w) },
		"<time>":      func(w string) bool { return isClock(w, 3) },
		"<hhmm>":      func(w string) bool { return isClock(w, 2) },
		"<ip6prefix>": isIPv6Prefix,
		// Names: one word (a quoted name may hold spaces), at most 64
		// characters; passwords up to 128.
		"<name>":       isName(64),
		"<secret>":     isName(128),
		"<zone>":       isName(64),
		"<addrset>":    isName(64),
		"<service>":    isName(64),
		"<authscheme>": isName(64),
		// The rest of the line: descriptions (<text>), and the arguments of
		// display commands, which check them themselves (<any>).
		"<text>": func(string) bool { return true },
		"<any>":  func(string) bool { return true },
	}
})

// ifnamePattern is an interface name as the USG prints it.
var ifnamePattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(GigabitEthernet|XGigabitEthernet|25GE|40GE|100GE|Eth-Trunk|LoopBack|Vlanif|Tunnel|Virtual-if|Virtual-Template|Dialer|MEth|NULL)[0-9]+(/[0-9]+)*(\.[0-9]+)?$`)
})

func isIPv4(w string) bool {
	a, err := netip.ParseAddr(w)
	return err == nil && a.Is4()
}

// isMask: a mask length 0-32, or a dotted mask whose ones are contiguous.
func isMask(w string) bool {
	if n, err := strconv.Atoi(w); err == nil {
		return n >= 0 && n <= 32 && w == strconv.Itoa(n)
	}
	a, err := netip.ParseAddr(w)
	if err != nil || !a.Is4() {
		return false
	}
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	inv := ^v
	return inv&(inv+1) == 0 // the zeros are a run at the end
}

func isIPv6Prefix(w string) bool {
	p, err := netip.ParsePrefix(w)
	return err == nil && p.Addr().Is6()
}

// isClock: HH:MM (parts 2) or HH:MM:SS (parts 3).
func isClock(w string, parts int) bool {
	f := strings.Split(w, ":")
	if len(f) != parts {
		return false
	}
	for i, p := range f {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 || n < 0 || (i == 0 && n > 23) || (i > 0 && n > 59) {
			return false
		}
	}
	return true
}

func isName(maxLen int) func(string) bool {
	return func(w string) bool {
		if strings.HasPrefix(w, `"`) {
			w = strings.Trim(w, `"`)
		}
		return w != "" && len(w) <= maxLen
	}
}

// intRange reads the bounds of `<int:LO-HI>`.
func intRange(tok string) (lo, hi uint64, ok bool) {
	r, ok := strings.CutPrefix(tok, "<int:")
	if !ok {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(strings.TrimSuffix(r, ">"), "-")
	if !ok {
		return 0, 0, false
	}
	lo, err1 := strconv.ParseUint(a, 10, 64)
	hi, err2 := strconv.ParseUint(b, 10, 64)
	return lo, hi, err1 == nil && err2 == nil
}

// accepts reports whether a parameter token takes a word.
func accepts(tok, w string) bool {
	if lo, hi, ok := intRange(tok); ok {
		n, err := strconv.ParseUint(w, 10, 64)
		return err == nil && n >= lo && n <= hi && w == strconv.FormatUint(n, 10)
	}
	if f, ok := slotTypes()[tok]; ok {
		return f(w)
	}
	return false
}

// predefinedServices are the services a USG knows without a service-set.
var predefinedServices = []string{
	"any", "http", "https", "ftp", "ssh", "telnet", "smtp", "pop3", "imap", "dns", "icmp", "icmpv6",
	"snmp", "snmptrap", "ntp", "tftp", "sip", "h323", "rtsp", "ldap", "radius", "syslog", "bgp", "ospf", "rip",
	"netbios-name", "netbios-datagram", "netbios-session", "sqlnet", "ms-sql", "mysql", "rdp", "l2tp", "pptp", "gre", "esp", "ah",
}

// builtinZones exist on every USG without configuration.
var builtinZones = []string{"local", "trust", "untrust", "dmz"}

// objectExists reports whether the object a reference names is
// configured in root (the running configuration).
func objectExists(root *config.Node, kind, name string) bool {
	header := func(parent *config.Node, prefix string) bool {
		return parent != nil && findHeader(parent, prefix+name) != nil
	}
	switch kind {
	case "zone":
		return isOneOf(name, builtinZones) || header(root, "firewall zone ") || header(root, "firewall zone name ")
	case "addrset":
		return header(root, "ip address-set ")
	case "service":
		return isOneOf(name, predefinedServices) || header(root, "ip service-set ")
	case "authscheme":
		return header(root.Child("aaa"), "authentication-scheme ")
	}
	return false
}

// checkRefs refuses a line whose references name objects that do not
// exist: Wrong parameter at the reference, as the device does for a
// parameter it cannot resolve. An undo is not checked: removing a value
// that is not there is ErrNotExist.
func checkRefs(root *config.Node, m *match) error {
	if m.undo {
		return nil
	}
	for _, r := range m.refs {
		if !objectExists(root, r.kind, r.name) {
			return &CommandError{Pos: r.pos, Reason: ReasonWrongParameter}
		}
	}
	return nil
}
