package schema

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// The validators of vyos-1x (src/validators/ and vyos-utils) that hasync
// implements, by name; each receives the validator's arguments and the
// value. The "-exclude" forms ("!" then a value the plain validator
// accepts) are derived in check. What is not here passes unchecked
// (Unchecked lists it): file-path, script, timezone, url, sysctl, psk-secret,
// BGP communities, srv6 segments and the like, which need the device. The
// table is made on first use, not at process start.
var validators = sync.OnceValue(func() map[string]func(args, v string) bool {
	return map[string]func(args, v string) bool{
		"numeric":         numeric,
		"ipv4":            func(_, v string) bool { return isAddr(v, 4) || isCIDR(v, 4) },
		"ipv6":            func(_, v string) bool { return isAddr(v, 6) || isCIDR(v, 6) },
		"ipv4-address":    func(_, v string) bool { return isAddr(v, 4) },
		"ipv6-address":    func(_, v string) bool { return isAddr(v, 6) },
		"ip-address":      func(_, v string) bool { return isAddr(v, 4) || isAddr(v, 6) },
		"ipv4-prefix":     func(_, v string) bool { return isNet(v, 4) },
		"ipv6-prefix":     func(_, v string) bool { return isNet(v, 6) },
		"ip-prefix":       func(_, v string) bool { return isNet(v, 4) || isNet(v, 6) },
		"ipv4-host":       func(_, v string) bool { return isHost(v, 4) },
		"ipv6-host":       func(_, v string) bool { return isHost(v, 6) },
		"ip-host":         func(_, v string) bool { return isHost(v, 4) || isHost(v, 6) },
		"ip-cidr":         func(_, v string) bool { return isCIDR(v, 4) || isCIDR(v, 6) },
		"ipv4-multicast":  func(_, v string) bool { a, ok := addr(v, 4); return ok && a.IsMulticast() },
		"ipv6-multicast":  func(_, v string) bool { a, ok := addr(v, 6); return ok && a.IsMulticast() },
		"ipv6-link-local": func(_, v string) bool { a, ok := addr(v, 6); return ok && a.IsLinkLocalUnicast() },
		"ipv6-eui64-prefix": func(_, v string) bool {
			p, err := netip.ParsePrefix(v)
			return err == nil && p.Addr().Is6() && p.Bits() == 64 && p.Masked() == p
		},
		"ipv4-range":  func(_, v string) bool { return isRange(v, 4) },
		"ipv6-range":  func(_, v string) bool { return isRange(v, 6) },
		"mac-address": isMAC,
		"fqdn":        func(_, v string) bool { return isFQDN(v) },
		"port-range":  func(_, v string) bool { return isPortRange(v) },
		"port-multi": func(_, v string) bool {
			for _, p := range strings.Split(v, ",") {
				if !isPortRange(p) {
					return false
				}
			}
			return true
		},
		"ip-protocol": func(_, v string) bool { return isProtocol(v) },
		"vrf-name":    func(_, v string) bool { return isVRFName(v) },
		"base64": func(_, v string) bool {
			_, err := base64.StdEncoding.DecodeString(v)
			return err == nil && v != ""
		},
		"bgp-rd-rt": isRDRT,
	}
})

// nouns name what a validator accepts, for error messages ("is not a valid
// IP host", as VyOS and Vyatta print it), made on first use.
var nouns = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"ipv4": "IPv4 address or prefix", "ipv6": "IPv6 address or prefix",
		"ipv4-address": "IPv4 address", "ipv6-address": "IPv6 address", "ip-address": "IP address",
		"ipv4-prefix": "IPv4 prefix", "ipv6-prefix": "IPv6 prefix", "ip-prefix": "IP prefix",
		"ipv4-host": "IPv4 host", "ipv6-host": "IPv6 host", "ip-host": "IP host",
		"ip-cidr": "IP address with prefix length", "ipv4-multicast": "IPv4 multicast address",
		"ipv6-multicast": "IPv6 multicast address", "ipv6-link-local": "IPv6 link-local address",
		"ipv6-eui64-prefix": "IPv6 /64 prefix", "ipv4-range": "IPv4 address range",
		"ipv6-range": "IPv6 address range", "mac-address": "MAC address",
		"fqdn": "fully qualified domain name", "port-range": "port or port range",
		"port-multi": "list of ports", "ip-protocol": "IP protocol", "vrf-name": "VRF name",
		"base64": "base64 string", "bgp-rd-rt": "route distinguisher or route target",
	}
})

// addr parses a single address of family fam (4 or 6), without a zone
// (fe80::1%eth0) or a prefix length. IPv4-mapped IPv6 addresses
// (::ffff:192.0.2.1) are IPv6.
func addr(v string, fam int) (netip.Addr, bool) {
	a, err := netip.ParseAddr(v)
	if err != nil || (fam == 4) != a.Is4() || a.Zone() != "" {
		return a, false
	}
	return a, true
}

// isAddr: a single address (ipaddrcheck --is-ipv4-single / --is-ipv6-single).
func isAddr(v string, fam int) bool {
	_, ok := addr(v, fam)
	return ok
}

// isCIDR: an address with a prefix length (--is-ipv4-cidr).
func isCIDR(v string, fam int) bool {
	p, err := netip.ParsePrefix(v)
	return err == nil && (fam == 4) == p.Addr().Is4()
}

// isNet: a network address with its prefix length, host bits zero
// (--is-ipv4-net): 192.0.2.0/24, not 192.0.2.1/24.
func isNet(v string, fam int) bool {
	p, err := netip.ParsePrefix(v)
	return err == nil && (fam == 4) == p.Addr().Is4() && p.Masked() == p
}

// isHost: an address with its prefix length that is neither the network
// nor (IPv4) the broadcast address of its subnet (--is-ipv4-host); /31 and
// /32 (/127, /128) admit any address.
func isHost(v string, fam int) bool {
	p, err := netip.ParsePrefix(v)
	if err != nil || (fam == 4) != p.Addr().Is4() {
		return false
	}
	max := p.Addr().BitLen()
	if p.Bits() >= max-1 {
		return true
	}
	if p.Addr() == p.Masked().Addr() {
		return false
	}
	if fam == 4 {
		b := p.Addr().As4()
		u := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		hostMask := uint32(1)<<(32-p.Bits()) - 1
		if u&hostMask == hostMask {
			return false
		}
	}
	return true
}

// isRange: "A-B", two single addresses of the family with A <= B.
func isRange(v string, fam int) bool {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return false
	}
	x, ok1 := addr(a, fam)
	y, ok2 := addr(b, fam)
	return ok1 && ok2 && x.Compare(y) <= 0
}

// isMAC: six pairs of hex digits separated by colons (vyos-1x
// src/validators/mac-address).
func isMAC(_, v string) bool {
	if len(v) != 17 {
		return false
	}
	for i := 0; i < 17; i++ {
		c := v[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isFQDN: labels of letters, digits and hyphens, 1-63 long, not starting
// or ending with a hyphen, dot-separated, at most 253 characters, with an
// optional final dot.
func isFQDN(v string) bool {
	v = strings.TrimSuffix(v, ".")
	if v == "" || len(v) > 253 {
		return false
	}
	for _, l := range strings.Split(v, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// isPortRange: a port 1-65535, a range "A-B" of such ports with A <= B, or
// a service name (vyos-1x src/validators/port-range looks names up in
// /etc/services; hasync accepts any lower-case service-like name).
func isPortRange(v string) bool {
	if a, b, ok := strings.Cut(v, "-"); ok && isDigits(a) && isDigits(b) {
		x, y := port(a), port(b)
		return x > 0 && y > 0 && x <= y
	}
	if isDigits(v) {
		return port(v) > 0
	}
	return isServiceName(v)
}

func port(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isServiceName(v string) bool {
	if v == "" || len(v) > 32 || !(v[0] >= 'a' && v[0] <= 'z') {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+') {
			return false
		}
	}
	return true
}

// protocols are the names of /etc/protocols (netbase) and VyOS's extras
// `all` and `tcp_udp` (vyos-1x src/validators/ip-protocol).
var protocols = []string{
	"all", "tcp_udp", "ip", "hopopt", "icmp", "igmp", "ggp", "ipencap", "st",
	"tcp", "egp", "igp", "pup", "udp", "hmp", "xns-idp", "rdp", "iso-tp4",
	"dccp", "xtp", "ddp", "idpr-cmtp", "ipv6", "ipv6-route", "ipv6-frag",
	"idrp", "rsvp", "gre", "esp", "ah", "skip", "ipv6-icmp", "icmpv6",
	"ipv6-nonxt", "ipv6-opts", "rspf", "vmtp", "eigrp", "ospf", "ax.25",
	"ipip", "etherip", "encap", "pim", "ipcomp", "vrrp", "l2tp", "isis",
	"sctp", "fc", "mobility-header", "udplite", "mpls-in-ip", "manet", "hip",
	"shim6", "wesp", "rohc", "ethernet", "mptcp",
}

// isProtocol: a protocol number 0-255 or name, optionally negated with "!".
func isProtocol(v string) bool {
	v = strings.TrimPrefix(v, "!")
	if isDigits(v) {
		n, err := strconv.Atoi(v)
		return err == nil && n <= 255
	}
	v = strings.ToLower(v)
	for _, p := range protocols {
		if p == v {
			return true
		}
	}
	return false
}

// ifacePrefixes are interface name prefixes a VRF may not be named after
// (vyos-1x src/validators/vrf-name).
var ifacePrefixes = []string{
	"bond", "br", "dum", "eth", "lan", "eno", "ens", "enp", "enx", "gnv",
	"ipoe", "l2tp", "l2tpeth", "macvlan", "peth", "ppp", "pppoe", "pptp",
	"sstp", "tun", "vti", "vtun", "vxlan", "wg", "wlan", "wwan",
}

// isVRFName: 1-15 letters, digits, '-' or '_', not an interface name.
func isVRFName(v string) bool {
	if v == "" || len(v) > 15 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	for _, p := range ifacePrefixes {
		if rest, ok := strings.CutPrefix(v, p); ok && rest != "" && isDigits(strings.SplitN(rest, ".", 2)[0]) {
			return false
		}
	}
	return true
}

// isRDRT: a BGP route distinguisher or route target, ASN:NN or IPv4:NN;
// --route-target-multi takes several separated by spaces (vyos-1x
// src/validators/bgp-rd-rt).
func isRDRT(args, v string) bool {
	items := []string{v}
	if strings.Contains(args, "--route-target-multi") {
		items = strings.Fields(v)
		if len(items) == 0 {
			return false
		}
	}
	for _, it := range items {
		a, n, ok := strings.Cut(it, ":")
		if !ok || !isDigits(n) {
			return false
		}
		nn, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return false
		}
		if isAddr(a, 4) {
			if nn > 65535 {
				return false
			}
			continue
		}
		if !isDigits(a) {
			return false
		}
		asn, err := strconv.ParseUint(a, 10, 64)
		if err != nil || asn > math.MaxUint32 {
			return false
		}
		if asn > 65535 && nn > 65535 || nn > math.MaxUint32 {
			return false
		}
	}
	return true
}

// numericOpts are the arguments of the numeric validator (vyos-utils
// numeric): --range A-B (several: any may hold), --non-negative,
// --positive, --float, --allow-range (the value may be "A-B"), --relative
// (a leading + or -).
type numericOpts struct {
	ranges                              [][2]float64
	nonNeg, pos, float, allowRange, rel bool
}

func parseNumeric(args string) numericOpts {
	var o numericOpts
	f := strings.Fields(args)
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case "--non-negative":
			o.nonNeg = true
		case "--positive":
			o.pos = true
		case "--float":
			o.float = true
		case "--allow-range":
			o.allowRange = true
		case "--relative":
			o.rel = true
		case "--range":
			if i+1 < len(f) {
				i++
				if lo, hi, ok := cutRange(f[i]); ok {
					a, err1 := strconv.ParseFloat(lo, 64)
					b, err2 := strconv.ParseFloat(hi, 64)
					if err1 == nil && err2 == nil {
						o.ranges = append(o.ranges, [2]float64{a, b})
					}
				}
			}
		}
	}
	return o
}

// cutRange splits "A-B" where A may itself be negative ("-10-10").
func cutRange(s string) (string, string, bool) {
	i := strings.Index(s[min(1, len(s)):], "-")
	if i < 0 {
		return "", "", false
	}
	i += min(1, len(s))
	return s[:i], s[i+1:], true
}

func numeric(args, v string) bool {
	o := parseNumeric(args)
	if o.allowRange {
		if lo, hi, ok := cutRange(v); ok {
			a, ok1 := o.number(lo)
			b, ok2 := o.number(hi)
			return ok1 && ok2 && a <= b
		}
	}
	if o.rel && len(v) > 1 && (v[0] == '+' || v[0] == '-') {
		v = v[1:]
	}
	_, ok := o.number(v)
	return ok
}

// number parses v as a number the options allow.
func (o numericOpts) number(v string) (float64, bool) {
	s := strings.TrimPrefix(v, "-")
	if s == "" {
		return 0, false
	}
	if o.float {
		whole, frac, _ := strings.Cut(s, ".")
		if !isDigits(whole) || (frac != "" || strings.HasSuffix(s, ".")) && !isDigits(frac) {
			return 0, false
		}
	} else if !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(n, 0) {
		return 0, false
	}
	if o.nonNeg && n < 0 || o.pos && n <= 0 {
		return 0, false
	}
	if len(o.ranges) == 0 {
		return n, true
	}
	for _, r := range o.ranges {
		if n >= r[0] && n <= r[1] {
			return n, true
		}
	}
	return 0, false
}

// numericNoun names what a numeric validator accepts.
func numericNoun(args string) string {
	o := parseNumeric(args)
	noun := "number"
	switch {
	case o.pos:
		noun = "positive number"
	case o.nonNeg:
		noun = "non-negative number"
	}
	if o.allowRange {
		noun += " or range"
	}
	if len(o.ranges) > 0 {
		var rs []string
		for _, r := range o.ranges {
			rs = append(rs, strconv.FormatFloat(r[0], 'f', -1, 64)+"-"+strconv.FormatFloat(r[1], 'f', -1, 64))
		}
		noun += " in " + strings.Join(rs, ", ")
	}
	return noun
}
