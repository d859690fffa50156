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
	priority  int
	preempt   bool
	addr      netip.Addr // the interface's own address, the tie-breaker
	rfc       bool
	sync      string
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

// vrrpGroups reads the VRRP groups of a configuration.
func vrrpGroups(root *config.Node) map[string]vrrpGroup {
	groups := map[string]vrrpGroup{}
	ifaces := root.Lookup(config.Path{"interfaces"})
	if ifaces == nil {
		return groups
	}
	ifaces.Walk(func(p config.Path, n *config.Node) bool {
		if len(p) < 2 || p[len(p)-2] != "vrrp-group" {
			return true
		}
		g := vrrpGroup{iface: p[1], id: p[len(p)-1], priority: 100, preempt: true}
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
		for k := range cfg[d] {
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
// state and the time since the last transition.
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
