package huawei

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// The operational commands a console's HA view reads, printed from the
// configuration and the device's state: display version, display
// interface brief, display ip routing-table.

// hwModel is the product the lab plays.
const hwModel = "USG6000V"

// softwareVersion is the configuration's `!Software Version` line, or the
// seed's.
func softwareVersion(t *config.Tree) string {
	for _, m := range t.Meta {
		if v, ok := strings.CutPrefix(m, "!Software Version "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "V600R007C20SPC600"
}

// displayVersion prints `display version`: the software version of the
// configuration and the uptime on the device's clock.
func (d *Device) displayVersion(w io.Writer) error {
	up := max(d.o.Clock.Now().Sub(d.booted), 0)
	days := int(up.Hours()) / 24
	_, err := fmt.Fprintf(w, `Huawei Versatile Routing Platform Software
VRP (R) software, Version 5.170 (%s %s)
Copyright (C) 2014-2020 Huawei Technologies Co., Ltd
%s uptime is %s, %s, %s, %s
`, hwModel, softwareVersion(d.Running()), hwModel,
		plural(days/7, "week"), plural(days%7, "day"), plural(int(up.Hours())%24, "hour"), plural(int(up.Minutes())%60, "minute"))
	return err
}

// plural is "1 day", "0 day", "2 days", as VRP counts.
func plural(n int, unit string) string {
	if n > 1 {
		return fmt.Sprintf("%d %ss", n, unit)
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// hwIface is one interface as the operational commands see it.
type hwIface struct {
	name string
	down bool         // shut down (no `undo shutdown`)
	addr netip.Prefix // zero without an address
}

// interfaces reads the interfaces of the configuration, in its order.
func interfaces(t *config.Tree) []hwIface {
	var out []hwIface
	for _, n := range t.Root.Children {
		name, ok := strings.CutPrefix(n.Name, "interface ")
		if !ok {
			continue
		}
		// Shutdown is the default: the configuration shows `undo
		// shutdown` on the interfaces that are up.
		f := hwIface{name: name, down: n.Child("undo shutdown") == nil}
		for _, c := range n.Children {
			line := nodeLine(c)
			switch {
			case strings.HasPrefix(line, "ip address "):
				w := strings.Fields(line)
				if len(w) >= 4 {
					f.addr = prefixOf(w[2], w[3])
				}
			}
		}
		out = append(out, f)
	}
	return out
}

func nodeLine(n *config.Node) string {
	if len(n.Values) > 0 {
		return n.Name + " " + n.Values[0]
	}
	return n.Name
}

// prefixOf reads an address and a mask (dotted or a length) as a prefix;
// the zero prefix when they do not read.
func prefixOf(addr, mask string) netip.Prefix {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is4() || !isMask(mask) {
		return netip.Prefix{}
	}
	bits, err := strconv.Atoi(mask)
	if err != nil {
		m, _ := netip.ParseAddr(mask)
		b := m.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		bits = 0
		for v != 0 {
			bits++
			v <<= 1
		}
	}
	return netip.PrefixFrom(a, bits)
}

// displayInterfaceBrief prints `display interface brief`: an interface
// is up unless `shutdown` (then `*down`).
func (d *Device) displayInterfaceBrief(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`PHY: Physical
*down: administratively down
^down: standby
(l): loopback
(s): spoofing
(b): BFD down
(e): ETHOAM down
(d): Dampening Suppressed
InUti/OutUti: input utility/output utility
Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors
`)
	for _, f := range interfaces(d.Running()) {
		phy, proto := "up", "up"
		if f.down {
			phy, proto = "*down", "down"
		}
		fmt.Fprintf(&b, "%-27s %-5s %-8s %6s %6s %10d %10d\n", f.name, phy, proto, "0%", "0%", 0, 0)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hwRoute is one active route.
type hwRoute struct {
	dest         netip.Prefix
	proto        string
	pre, cost    int
	flags        string
	nextHop, ifc string
}

// routes are the active routes: the direct routes of the interfaces that
// are up (the subnet, and the address itself as a /32), and the static
// routes whose next hop is in a direct subnet (or that name an
// interface), with their preference (60 unless configured).
func routes(t *config.Tree) []hwRoute {
	var rs []hwRoute
	var direct []hwIface
	for _, f := range interfaces(t) {
		if f.down || !f.addr.IsValid() {
			continue
		}
		direct = append(direct, f)
		rs = append(rs,
			hwRoute{dest: f.addr.Masked(), proto: "Direct", flags: "D", nextHop: f.addr.Addr().String(), ifc: f.name},
			hwRoute{dest: netip.PrefixFrom(f.addr.Addr(), 32), proto: "Direct", flags: "D", nextHop: "127.0.0.1", ifc: f.name})
	}
	for _, n := range t.Root.Children {
		line := nodeLine(n)
		if !strings.HasPrefix(line, "ip route-static ") {
			continue
		}
		w := strings.Fields(line)
		if len(w) < 5 {
			continue
		}
		dest := prefixOf(w[2], w[3])
		if !dest.IsValid() {
			continue
		}
		r := hwRoute{dest: dest.Masked(), proto: "Static", pre: 60, flags: "RD"}
		rest := w[4:]
		if ifnamePattern().MatchString(rest[0]) {
			r.ifc, r.nextHop, r.flags = rest[0], "0.0.0.0", "D"
			rest = rest[1:]
			if len(rest) > 0 && isIPv4(rest[0]) {
				r.nextHop, r.flags = rest[0], "RD"
				rest = rest[1:]
			}
		} else {
			r.nextHop = rest[0]
			rest = rest[1:]
			hop, _ := netip.ParseAddr(r.nextHop)
			for _, f := range direct {
				if f.addr.Masked().Contains(hop) {
					r.ifc = f.name
				}
			}
			if r.ifc == "" {
				continue // unresolved: not active
			}
		}
		for i := 0; i+1 < len(rest); i++ {
			if rest[i] == "preference" {
				r.pre, _ = strconv.Atoi(rest[i+1])
			}
		}
		rs = append(rs, r)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].dest.Addr() != rs[j].dest.Addr() {
			return rs[i].dest.Addr().Less(rs[j].dest.Addr())
		}
		return rs[i].dest.Bits() < rs[j].dest.Bits()
	})
	return rs
}

// displayRoutingTable prints `display ip routing-table`.
func (d *Device) displayRoutingTable(w io.Writer) error {
	rs := routes(d.Running())
	dests := map[netip.Prefix]bool{}
	for _, r := range rs {
		dests[r.dest] = true
	}
	var b strings.Builder
	b.WriteString("Route Flags: R - relay, D - download to fib\n")
	b.WriteString(strings.Repeat("-", 78) + "\n")
	b.WriteString("Routing Tables: Public\n")
	fmt.Fprintf(&b, "         Destinations : %-8d Routes : %d\n\n", len(dests), len(rs))
	b.WriteString("Destination/Mask    Proto   Pre  Cost      Flags NextHop         Interface\n\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "%17s   %-7s %-4d %-9d %-5s %-15s %s\n", r.dest, r.proto, r.pre, r.cost, r.flags, r.nextHop, r.ifc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
