package config

import "strings"

// vrpKeyRule says how much of a VRP command line is its identity (the key)
// and how much is its value. A line matching no rule is identified by the
// whole line.
type vrpKeyRule struct {
	// match holds the leading words the line must start with.
	match []string
	// key is the number of words in the key (at least len(match)); the
	// rest of the line is one value. Zero means: the key ends before the
	// first word listed in until (or is the whole line).
	key int
	// until lists option words that start the value of a key=0 rule.
	until []string
	// parent, when set, holds the leading words the parent's name must
	// start with for the rule to apply.
	parent string
}

// vrpKeyRules is the per-command identity table. Repeating a key in the
// same parent adds a value (multi-value commands such as source-zone in a
// security-policy rule), so "same command, other parameters" is a value
// change rather than a delete plus an add.
var vrpKeyRules = []vrpKeyRule{
	// security-policy and nat-policy rule bodies: one node per key, one
	// value per line, in order.
	{match: []string{"action"}, key: 1, parent: "rule name"},
	{match: []string{"source-zone"}, key: 1, parent: "rule name"},
	{match: []string{"destination-zone"}, key: 1, parent: "rule name"},
	{match: []string{"source-address"}, key: 1, parent: "rule name"},
	{match: []string{"destination-address"}, key: 1, parent: "rule name"},
	{match: []string{"service"}, key: 1, parent: "rule name"},
	{match: []string{"application"}, key: 1, parent: "rule name"},
	{match: []string{"user"}, key: 1, parent: "rule name"},
	{match: []string{"time-range"}, key: 1, parent: "rule name"},
	{match: []string{"profile"}, key: 1, parent: "rule name"},

	// Object sets and ACLs: entries are identified by their number.
	{match: []string{"address"}, key: 2, parent: "ip address-set"},
	{match: []string{"service"}, key: 2, parent: "ip service-set"},
	{match: []string{"rule"}, key: 2, parent: "acl"},

	// Interfaces, zones, VLANs.
	{match: []string{"description"}, key: 1},
	{match: []string{"alias"}, key: 1},
	{match: []string{"name"}, key: 1},
	{match: []string{"mtu"}, key: 1},
	{match: []string{"ip", "address"}, key: 2},
	{match: []string{"ipv6", "address"}, key: 2},
	{match: []string{"ip", "binding", "vpn-instance"}, key: 3},
	{match: []string{"vrrp", "vrid"}, key: 4},
	{match: []string{"set", "priority"}, key: 2},
	{match: []string{"port", "link-type"}, key: 2},
	{match: []string{"port", "link-mode"}, key: 2},
	{match: []string{"port", "default", "vlan"}, key: 3},
	{match: []string{"port", "access", "vlan"}, key: 3},
	{match: []string{"port", "trunk", "pvid", "vlan"}, key: 4},

	// System and HRP.
	{match: []string{"sysname"}, key: 1},
	{match: []string{"clock", "timezone"}, key: 2},
	{match: []string{"hrp", "interface"}, key: 2},
	{match: []string{"hrp", "priority"}, key: 2},
	{match: []string{"snmp-agent", "sys-info", "contact"}, key: 3},
	{match: []string{"snmp-agent", "sys-info", "location"}, key: 3},
	{match: []string{"snmp-agent", "sys-info", "version"}, key: 3},

	// Users, AAA and user interfaces.
	{match: []string{"password"}, key: 1},
	{match: []string{"level"}, key: 1},
	{match: []string{"service-type"}, key: 1},
	{match: []string{"local-user"}, key: 3},
	{match: []string{"key"}, key: 2},
	{match: []string{"authentication-mode"}, key: 1},
	{match: []string{"idle-timeout"}, key: 1},
	{match: []string{"protocol", "inbound"}, key: 2},
	{match: []string{"user", "privilege", "level"}, key: 3},

	// Routing.
	{match: []string{"router-id"}, key: 1},
	{match: []string{"route-distinguisher"}, key: 1},
	{match: []string{"peer"}, key: 3},
	// A static route is identified by destination, mask and next hop: the
	// trailing options are its value.
	{match: []string{"ip", "route-static"}, until: []string{"preference", "tag", "description", "track", "bfd", "permanent", "inherit-cost"}},
	{match: []string{"ipv6", "route-static"}, until: []string{"preference", "tag", "description", "track", "bfd", "permanent", "inherit-cost"}},

	// DHCP pools.
	{match: []string{"gateway-list"}, key: 1},
	{match: []string{"domain-name"}, key: 1},
	{match: []string{"expired"}, key: 1},
}

// vrpOrderedNames are the first words of the nodes whose children's order
// matters: the device evaluates their rules top down.
var vrpOrderedNames = []string{"security-policy", "nat-policy"}

// vrpPlainBlockNames are the first words of the nodes whose sub-blocks the
// device prints back to back, without an indented `#` between them.
var vrpPlainBlockNames = []string{"security-policy", "nat-policy"}

func vrpIsPlainBlock(name string) bool {
	for _, o := range vrpPlainBlockNames {
		if vrpHasWordPrefix(name, o) {
			return true
		}
	}
	return false
}

// vrpFreeText are the words after which the rest of a line is free text:
// no quoting rules apply to it and it is one word.
var vrpFreeText = []string{"description", "remark", "comment"}

// vrpCipherWords introduce a ciphertext: the word after them is secret.
var vrpCipherWords = []string{"cipher", "irreversible-cipher"}

// vrpCipherMarks occur in the ciphertext words themselves (Huawei
// `%^%#...%^%#`, `%@%@...%@%@`, `%$%$...%$%$`; Comware `$c$...`, `$h$...`).
var vrpCipherMarks = []string{"%^%#", "%@%@", "%$%$"}
var vrpCipherPrefixes = []string{"$c$", "$h$"}

// vrpKeyIndex holds the rules by the first byte of their first word, so
// a line is checked against a handful of rules, in table order, without
// hashing its first word. It is built once and only read.
var vrpKeyIndex = vrpIndexRules(vrpKeyRules)

func vrpIndexRules(rules []vrpKeyRule) *[256][]vrpKeyRule {
	// One array holds every byte's rules, each byte's slice sized before
	// it is filled: two allocations at process start, not one per append.
	var n [256]int
	for i := range rules {
		n[rules[i].match[0][0]]++
	}
	all := make([]vrpKeyRule, len(rules))
	var idx [256][]vrpKeyRule
	at := 0
	for c, k := range n {
		idx[c] = all[at : at : at+k]
		at += k
	}
	for _, r := range rules {
		c := r.match[0][0]
		idx[c] = append(idx[c], r)
	}
	return &idx
}

// vrpSpan is a word of a line: text[start:end].
type vrpSpan struct{ start, end int }

// vrpKeyEnd returns how many words of the line form its key, given the
// name of its parent. A result of len(words) means the whole line.
func vrpKeyEnd(parent, text string, words []vrpSpan) int {
	if len(words) == 0 {
		return 0
	}
	rules := vrpKeyIndex[text[words[0].start]]
	for i := range rules {
		r := &rules[i]
		if !vrpRuleMatches(r, parent, text, words) {
			continue
		}
		if r.key > 0 {
			return min(r.key, len(words))
		}
		for i := len(r.match); i < len(words); i++ {
			if vrpIsOneOf(text[words[i].start:words[i].end], r.until) {
				return i
			}
		}
		return len(words)
	}
	return len(words)
}

func vrpRuleMatches(r *vrpKeyRule, parent, text string, words []vrpSpan) bool {
	if len(words) < len(r.match) {
		return false
	}
	for i, m := range r.match {
		if text[words[i].start:words[i].end] != m {
			return false
		}
	}
	return r.parent == "" || vrpHasWordPrefix(parent, r.parent)
}

// vrpHasWordPrefix reports whether s starts with the whole words of prefix.
func vrpHasWordPrefix(s, prefix string) bool {
	return strings.HasPrefix(s, prefix) && (len(s) == len(prefix) || s[len(prefix)] == ' ')
}

func vrpIsOneOf(w string, set []string) bool {
	for _, s := range set {
		if w == s {
			return true
		}
	}
	return false
}

// vrpOrdered reports whether a node of this name keeps its children's order.
func vrpOrdered(name string) bool {
	for _, o := range vrpOrderedNames {
		if vrpHasWordPrefix(name, o) {
			return true
		}
	}
	return false
}

// vrpIsCiphertext reports whether a word is device ciphertext.
func vrpIsCiphertext(w string) bool {
	for _, m := range vrpCipherMarks {
		if strings.Contains(w, m) {
			return true
		}
	}
	for _, p := range vrpCipherPrefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// vrpSecretStart returns the index of the word where the secret part of a
// line begins (a cipher keyword or a ciphertext), or -1.
func vrpSecretStart(text string, words []vrpSpan) int {
	// Ciphertext always holds a % or a $: most lines have neither, and
	// then only a cipher keyword can start a secret.
	marks := strings.IndexByte(text, '%') >= 0 || strings.IndexByte(text, '$') >= 0
	for i, s := range words {
		w := text[s.start:s.end]
		if vrpIsOneOf(w, vrpCipherWords) || marks && vrpIsCiphertext(w) {
			return i
		}
	}
	return -1
}

// MaskVRPLine returns a VRP command line with its ciphertext (`cipher
// %^%#...%^%#`, `%@%@...%@%@`, DOMAIN.md) replaced by Mask, for showing a
// command that carries a secret.
func MaskVRPLine(s string) string { return vrpMask(s) }

// vrpMask replaces the ciphertext in a printed line by Mask, keeping the
// cipher keyword so that `password cipher ********` still reads well.
func vrpMask(s string) string {
	var b strings.Builder
	afterCipher := false
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			b.WriteByte(' ')
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		w := s[i:j]
		if afterCipher || vrpIsCiphertext(w) {
			b.WriteString(Mask)
		} else {
			b.WriteString(w)
		}
		afterCipher = vrpIsOneOf(w, vrpCipherWords)
		i = j
	}
	return b.String()
}
