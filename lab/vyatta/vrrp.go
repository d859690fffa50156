package vyatta

// VRRP between the members of a pair: which member is master of each
// group follows from both configurations (priority, preempt) and state
// (which member is master now, which has failed), as the protocol decides
// it; `show vrrp` prints it with the time of the last transition.

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// VRRP states as `show vrrp` prints them.
const (
	VRRPMaster = "MASTER"
	VRRPBackup = "BACKUP"
	VRRPFault  = "FAULT"
)

// vrrpLink is the VRRP domain the devices of a pair share: their
// advertisements reach each other (the HA link).
type vrrpLink struct {
	mu    sync.Mutex
	devs  []*Device
	fault map[*Device]bool
	// state: per device, per group ("dp0s1 1"), the state and since when.
	state map[*Device]map[string]vrrpEntry
	// log of transitions, for tests and the soak: how many there were.
	transitions int
}

type vrrpEntry struct {
	state string
	since time.Time
}

// vrrpGroup is one group as one device configures it.
type vrrpGroup struct {
	iface, id string
	// name is the group's name in VyOS's layout (`high-availability vrrp
	// group NAME`); for the 5600 layout (`interfaces ... vrrp vrrp-group
	// ID`), which has none, IFACE-ID.
	name     string
	priority int
	preempt  bool
	addr     netip.Addr // the interface's own address, the tie-breaker
	rfc      bool
	sync     string
	// disabled: VyOS's `disable`; the group takes no part in the election
	// and `show vrrp` lists it as DISABLED.
	disabled bool
}

// LinkVRRP puts devices in one VRRP domain (a pair; a lone device is its
// own) and decides the masters.
func LinkVRRP(devs ...*Device) {
	l := &vrrpLink{devs: devs, fault: map[*Device]bool{}, state: map[*Device]map[string]vrrpEntry{}}
	for _, d := range devs {
		d.mu.Lock()
		d.vrrp = l
		d.mu.Unlock()
	}
	l.resolve()
}

func (d *Device) link() *vrrpLink {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.vrrp
}

// vrrpResolve decides the masters again after d's configuration changed.
func (d *Device) vrrpResolve() {
	if l := d.link(); l != nil {
		l.resolve()
	}
}

// SetVRRPFault fails d's VRRP (its groups go to FAULT, as when the tracked
// interface goes down, and the peer takes mastership) or clears the fault
// (d comes back as backup and takes mastership back only where it has the
// higher priority and preempt).
func (d *Device) SetVRRPFault(on bool) {
	l := d.link()
	l.mu.Lock()
	l.fault[d] = on
	l.mu.Unlock()
	l.resolve()
}

// VRRPState returns d's state of group id on iface ("" when d does not
// have the group), and when it was entered.
func (d *Device) VRRPState(iface, id string) (string, time.Time) {
	l := d.link()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.state[d][iface+" "+id]
	return e.state, e.since
}

// VRRPTransitions counts the state changes of the domain since it was
// linked (the initial states are not changes).
func (d *Device) VRRPTransitions() int {
	l := d.link()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.transitions
}

// vrrpGroups reads the VRRP groups of a configuration, in both layouts:
// the 5600's `interfaces dataplane IF vrrp vrrp-group ID` and VyOS's
// `high-availability vrrp group NAME` (interface, vrid, priority,
// no-preempt, disable; `sync-group SG member NAME`), as the VyOS schema
// defines it.
func vrrpGroups(root *config.Node) map[string]vrrpGroup {
	groups := map[string]vrrpGroup{}
	vyosGroups(root, groups)
	ifaces := root.Lookup(config.Path{"interfaces"})
	if ifaces == nil {
		return groups
	}
	ifaces.Walk(func(p config.Path, n *config.Node) bool {
		if len(p) < 2 || p[len(p)-2] != "vrrp-group" {
			return true
		}
		g := vrrpGroup{iface: p[1], id: p[len(p)-1], priority: 100, preempt: true}
		g.name = g.iface + "-" + g.id
		if v := leafValue(n, "priority"); v != "" {
			if pr, err := strconv.Atoi(v); err == nil {
				g.priority = pr
			}
		}
		if v := leafValue(n, "preempt"); v == "false" {
			g.preempt = false
		}
		g.rfc = n.Child("rfc3768-compatibility") != nil
		g.sync = leafValue(n, "sync-group")
		if ifn := root.Lookup(config.Path(p[:2])); ifn != nil {
			if a := leafValue(ifn, "address"); a != "" {
				if pfx, err := netip.ParsePrefix(a); err == nil {
					g.addr = pfx.Addr()
				}
			}
		}
		groups[g.iface+" "+g.id] = g
		return false
	})
	return groups
}

// vyosGroups adds the groups of VyOS's `high-availability vrrp` to
// groups; one without an interface or a vrid is left out (VyOS refuses
// to commit it).
func vyosGroups(root *config.Node, groups map[string]vrrpGroup) {
	vrrp := root.Lookup(config.Path{"high-availability", "vrrp"})
	if vrrp == nil {
		return
	}
	syncOf := map[string]string{}
	if sg := vrrp.Child("sync-group"); sg != nil {
		for _, s := range sg.Children {
			if m := s.Child("member"); m != nil {
				for _, v := range m.Values {
					syncOf[v] = s.Name
				}
			}
		}
	}
	gs := vrrp.Child("group")
	if gs == nil {
		return
	}
	for _, n := range gs.Children {
		g := vrrpGroup{name: n.Name, iface: leafValue(n, "interface"), id: leafValue(n, "vrid"), priority: 100, preempt: true}
		if g.iface == "" || g.id == "" {
			continue
		}
		if v := leafValue(n, "priority"); v != "" {
			if pr, err := strconv.Atoi(v); err == nil {
				g.priority = pr
			}
		}
		g.preempt = n.Child("no-preempt") == nil
		g.rfc = n.Child("rfc3768-compatibility") != nil
		g.disabled = n.Child("disable") != nil
		g.sync = syncOf[n.Name]
		if a := root.Lookup(config.Path{"interfaces", "ethernet", g.iface}); a != nil {
			if pfx, err := netip.ParsePrefix(leafValue(a, "address")); err == nil {
				g.addr = pfx.Addr()
			}
		}
		groups[g.iface+" "+g.id] = g
	}
}

func leafValue(n *config.Node, name string) string {
	if c := n.Child(name); c != nil && len(c.Values) > 0 {
		return c.Values[0]
	}
	return ""
}

// beats reports whether a (priority, address) wins the election over b.
func (a vrrpGroup) beats(b vrrpGroup) bool {
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	return a.addr.Compare(b.addr) > 0
}

// resolve runs the election of every group: a failed member is FAULT; the
// master stays master unless a member that beats it preempts (or it is
// gone); with no master, the best member becomes it.
//
// The configurations are read under l.mu too (lock order: l.mu, then a
// device's mu), so two resolves after commits on both members never
// install states decided on an older configuration.
func (l *vrrpLink) resolve() {
	l.mu.Lock()
	defer l.mu.Unlock()
	cfg := make(map[*Device]map[string]vrrpGroup, len(l.devs))
	keys := map[string]bool{}
	for _, d := range l.devs {
		cfg[d] = vrrpGroups(d.snapshot().Root)
		for k, g := range cfg[d] {
			if g.disabled {
				delete(cfg[d], k) // no part in the election
				continue
			}
			keys[k] = true
		}
	}
	var now time.Time
	if len(l.devs) > 0 {
		now = l.devs[0].now()
	}
	set := func(d *Device, k, state string) {
		if l.state[d] == nil {
			l.state[d] = map[string]vrrpEntry{}
		}
		old, had := l.state[d][k]
		if had && old.state == state {
			return
		}
		if had {
			l.transitions++
			d.Log(fmt.Sprintf("vrrp: %s group %s: %s -> %s", strings.Fields(k)[0], strings.Fields(k)[1], old.state, state))
		}
		l.state[d][k] = vrrpEntry{state: state, since: now}
	}
	for d, st := range l.state {
		for k := range st {
			if _, ok := cfg[d][k]; !ok {
				delete(st, k) // removed or disabled: no state left
			}
		}
	}
	for k := range keys {
		var master, best *Device
		for _, d := range l.devs {
			g, ok := cfg[d][k]
			if !ok {
				if l.state[d] != nil {
					delete(l.state[d], k)
				}
				continue
			}
			if l.fault[d] {
				set(d, k, VRRPFault)
				continue
			}
			if l.state[d][k].state == VRRPMaster {
				master = d
			}
			if best == nil || g.beats(cfg[best][k]) {
				best = d
			}
		}
		if best == nil {
			continue
		}
		if master == nil || (master != best && cfg[best][k].preempt && cfg[best][k].beats(cfg[master][k])) {
			master = best
		}
		for _, d := range l.devs {
			if _, ok := cfg[d][k]; !ok || l.fault[d] {
				continue
			}
			if d == master {
				set(d, k, VRRPMaster)
			} else {
				set(d, k, VRRPBackup)
			}
		}
	}
}

// showVRRP prints `show vrrp`: the groups of d's configuration with their
// state and the time since the last transition, in the layout of the
// flavor (showVRRPVyOS for VyOS).
func (d *Device) showVRRP(ctx context.Context, args []string, out func(string)) error {
	if len(args) > 0 {
		return &UnknownCommandError{Words: append([]string{"show", "vrrp"}, args...)}
	}
	groups := vrrpGroups(d.snapshot().Root)
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return config.NaturalLess(keys[i], keys[j]) })
	if d.o.Flavor.vyos() {
		d.showVRRPVyOS(groups, keys, out)
		return nil
	}
	out("                                 RFC        Addr   Last        Sync")
	out("Interface         Group  State    Compliant  Owner  Transition  Group")
	out("---------         -----  -----    ---------  -----  ----------  -----")
	now := d.now()
	for _, k := range keys {
		g := groups[k]
		state, since := d.VRRPState(g.iface, g.id)
		if state == "" {
			state = VRRPBackup
			since = now
		}
		rfc := "no"
		if g.rfc {
			rfc = "yes"
		}
		owner := "no"
		if g.priority == 255 {
			owner = "yes"
		}
		out(strings.TrimRight(fmt.Sprintf("%-17s %-6s %-8s %-10s %-6s %-11s %s", g.iface, g.id, state, rfc, owner,
			now.Sub(since).Truncate(time.Second).String(), g.sync), " "))
	}
	return nil
}

// VRRPNoData is what VyOS's `show vrrp` prints when no group runs.
const VRRPNoData = "VRRP data is not available (process not running or no active groups)"

// showVRRPVyOS prints `show vrrp` as VyOS 1.4 does (vyos-1x
// python/vyos/ifconfig/vrrp.py, VRRP.format): a table of Name, Interface,
// VRID, State, Priority and Last Transition, laid out by Python's
// tabulate in its "simple" format (numbers right-aligned, columns two
// spaces apart, each at least two wider than its header), the time since
// the last transition as vyos.utils.convert.seconds_to_human writes it
// (1w2d3h4m5s); disabled groups come last as DISABLED, with no priority.
// DOMAIN.md does not give this layout.
func (d *Device) showVRRPVyOS(groups map[string]vrrpGroup, keys []string, out func(string)) {
	if len(keys) == 0 {
		out(VRRPNoData)
		return
	}
	now := d.now()
	var rows, disabled [][]string
	for _, k := range keys {
		g := groups[k]
		if g.disabled {
			disabled = append(disabled, []string{g.name, g.iface, g.id, "DISABLED", ""})
			continue
		}
		state, since := d.VRRPState(g.iface, g.id)
		if state == "" {
			state, since = VRRPBackup, now
		}
		rows = append(rows, []string{g.name, g.iface, g.id, state, strconv.Itoa(g.priority), secondsToHuman(now.Sub(since))})
	}
	for _, l := range tabulate([]string{"Name", "Interface", "VRID", "State", "Priority", "Last Transition"},
		append(rows, disabled...), []bool{false, false, true, false, true, false}) {
		out(l)
	}
}

// secondsToHuman writes a duration as VyOS does: weeks, days, hours,
// minutes and seconds, each only when not zero ("" for under a second).
func secondsToHuman(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		unit string
	}{{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if q := s / u.n; q > 0 {
			fmt.Fprintf(&b, "%d%s", q, u.unit)
			s %= u.n
		}
	}
	return b.String()
}

// tabulate lays out a table as Python's tabulate does in its "simple"
// format: each column as wide as its widest cell and at least two wider
// than its header, right-aligned where right says (numbers) and
// left-aligned (padded) elsewhere, columns joined by two spaces, the
// header underlined with dashes. Rows shorter than the header are padded
// with empty cells.
func tabulate(header []string, rows [][]string, right []bool) []string {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len(h) + 2
	}
	for _, r := range rows {
		for i := range header {
			if i < len(r) {
				widths[i] = max(widths[i], len(r[i]))
			}
		}
	}
	line := func(cells []string) string {
		parts := make([]string, len(header))
		for i := range header {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			if right[i] {
				parts[i] = fmt.Sprintf("%*s", widths[i], c)
			} else {
				parts[i] = fmt.Sprintf("%-*s", widths[i], c)
			}
		}
		return strings.Join(parts, "  ")
	}
	dashes := make([]string, len(header))
	for i, w := range widths {
		dashes[i] = strings.Repeat("-", w)
	}
	lines := []string{line(header), strings.Join(dashes, "  ")}
	for _, r := range rows {
		lines = append(lines, line(r))
	}
	return lines
}
