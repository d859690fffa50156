package huawei

import (
	"net/netip"
	"strconv"
	"strings"
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
)

// class is what a command does.
type class int

const (
	classConfig  class = iota // changes the configuration
	classOp                   // a display or an HRP operation
	classBuiltin              // navigation and session commands the CLI runs
)

// tmpl is one command of a view: literal keywords (abbreviable) and
// parameters: <word> any word, <int>, <ip>, <mask> (dotted or a length),
// <text> the rest of the line (at least a word), <any> the rest (maybe
// nothing).
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

func ruleMoves() []tmpl {
	return templates(
		movecmd("rule move <word> before <word>"),
		movecmd("rule move <word> after <word>"),
		movecmd("rule move <word> up"),
		movecmd("rule move <word> down"),
		movecmd("rule move <word> top"),
		movecmd("rule move <word> bottom"),
	)
}

func addrs(key string) []tmpl {
	return []tmpl{
		cfg(key + " <ip> mask <mask>"),
		cfg(key + " <ip> <int>"),
		cfg(key + " address-set <word>"),
		cfg(key + " range <ip> <ip>"),
	}
}

// viewTemplates are the configuration commands of each view. Platform
// knowledge is data: a command the lab should accept is one line here.
func viewTemplates(k viewKind) []tmpl {
	switch k {
	case viewUser:
		return templates(
			builtin("system-view"),
			builtin("screen-length <int> temporary"),
			builtin("undo screen-length temporary"),
		)
	case viewSystem:
		return templates(
			cfg("sysname <word>"),
			cfg("clock timezone <text>"),
			enter("interface <word>", viewInterface),
			enter("firewall zone name <word> <any>", viewZone),
			enter("firewall zone <word>", viewZone),
			cfg("firewall packet-filter <text>"),
			cfg("firewall session <text>"),
			cfg("firewall detect <text>"),
			enter("ip address-set <word> <any>", viewAddressSet),
			enter("ip service-set <word> <any>", viewServiceSet),
			cfg("ip route-static <ip> <mask> <word> <any>"),
			enter("security-policy", viewSecurityPolicy),
			enter("nat-policy", viewNATPolicy),
			enter("aaa", viewAAA),
			enter("ospf <any>", viewOSPF),
			enter("user-interface <text>", viewUserInterface),
			cfg("hrp enable"),
			cfg("hrp interface <word> remote <ip>"),
			cfg("hrp mirror session enable"),
			cfg("hrp auto-sync <any>"),
			cfg("hrp standby config enable"),
			cfg("hrp standby-device"),
			cfg("hrp preempt <any>"),
			cfg("hrp track <text>"),
			cfg("hrp adjust <text>"),
			cfg("stelnet server enable"),
			cfg("ssh <text>"),
			cfg("snmp-agent <any>"),
			cfg("info-center <text>"),
			cfg("ntp-service <text>"),
			cfg("update <text>"),
		)
	case viewInterface:
		return templates(
			cfg("description <text>"),
			cfg("ip address <ip> <mask> <any>"),
			cfg("ipv6 address <text>"),
			cfg("vrrp vrid <int> virtual-ip <ip> <any>"),
			cfg("service-manage <text>"),
			cfg("shutdown"),
			cfg("mtu <int>"),
			cfg("alias <word>"),
		)
	case viewZone:
		return templates(
			cfg("set priority <int>"),
			cfg("add interface <word>"),
			cfg("description <text>"),
		)
	case viewAddressSet:
		return templates(
			cfg("description <text>"),
			cfg("address <int> <ip> mask <mask>"),
			cfg("address <int> range <ip> <ip>"),
		)
	case viewServiceSet:
		return templates(
			cfg("description <text>"),
			cfg("service <int> protocol <word> <any>"),
		)
	case viewSecurityPolicy:
		return append(templates(enter("rule name <word>", viewSecurityRule)), ruleMoves()...)
	case viewNATPolicy:
		return append(templates(enter("rule name <word>", viewNATRule)), ruleMoves()...)
	case viewSecurityRule, viewNATRule:
		ts := templates(
			cfg("description <text>"),
			cfg("source-zone <word>"),
			cfg("destination-zone <word>"),
			cfg("service <word>"),
			cfg("application <text>"),
			cfg("user <text>"),
			cfg("time-range <word>"),
			cfg("profile <text>"),
		)
		ts = append(ts, addrs("source-address")...)
		ts = append(ts, addrs("destination-address")...)
		if k == viewSecurityRule {
			return append(ts, cfg("action permit"), cfg("action deny"), cfg("policy logging"), cfg("session logging"))
		}
		return append(ts,
			cfg("action source-nat easy-ip"),
			cfg("action source-nat address-group <word>"),
			cfg("action no-nat"),
			cfg("action destination-nat <text>"),
			cfg("egress-interface <word>"),
		)
	case viewAAA:
		return templates(enter("manager-user <word>", viewManagerUser))
	case viewManagerUser:
		return templates(
			cfg("password cipher <word>"),
			cfg("service-type <text>"),
			cfg("level <int>"),
		)
	case viewOSPF:
		return templates(
			enter("area <word>", viewOSPFArea),
			cfg("import-route <text>"),
			cfg("silent-interface <word>"),
			cfg("default-route-advertise <any>"),
		)
	case viewOSPFArea:
		return templates(cfg("network <ip> <ip>"), cfg("authentication-mode <text>"))
	case viewUserInterface:
		return templates(
			cfg("authentication-mode <text>"),
			cfg("protocol inbound <text>"),
			cfg("user privilege level <int>"),
			cfg("idle-timeout <any>"),
		)
	}
	return nil
}

// commonTemplates are valid in every view.
func commonTemplates(k viewKind) []tmpl {
	ts := templates(
		display("display current-configuration <any>", "display current-configuration"),
		display("display this", "display this"),
		display("display firewall session table <any>", "display firewall session table"),
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
			if tok := t.toks[i]; isLiteral(tok) && strings.HasPrefix(tok, w.s) && !isOneOf(tok, lits) {
				lits = append(lits, tok)
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
				if t.toks[i] == kw {
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
	// remaining tokens may be empty; an undo may stop at its parameters.
	var done *tmpl
	for _, t := range cands {
		n := len(ws)
		if _, ok := rest[t]; ok || n == len(t.toks) || (n < len(t.toks) && t.toks[n] == "<any>") ||
			(undo && n < len(t.toks) && !isLiteral(t.toks[n]) && n > 0) {
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
	if done.class == classOp {
		n := len(strings.Fields(done.op))
		m.args = append([]string(nil), words[min(n, len(words)):]...)
	}
	return m, nil
}

// accepts reports whether a parameter token takes a word.
func accepts(tok, w string) bool {
	switch tok {
	case "<int>":
		_, err := strconv.ParseUint(w, 10, 32)
		return err == nil
	case "<ip>":
		a, err := netip.ParseAddr(w)
		return err == nil && a.Is4()
	case "<mask>":
		if n, err := strconv.Atoi(w); err == nil {
			return n >= 0 && n <= 32
		}
		a, err := netip.ParseAddr(w)
		return err == nil && a.Is4()
	case "<word>":
		return len(w) <= 64
	}
	return true
}
