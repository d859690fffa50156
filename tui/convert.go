package tui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/views"
)

// summary is what the console shows of a snapshot, computed in a command
// (the counts walk both trees), never in Update.
type summary struct {
	snap              *pair.Snapshot
	inScope, outScope int
	// notSynced are the in-scope differences a sync's plan leaves to a
	// person (compare.Tally; -1 unknown).
	notSynced int
	// maps are the sync-maps each device carries (read side of the
	// Sync-maps tab).
	maps [2][]*syncmap.Map
	// remotes are the config-sync remote routers each Vyatta device
	// names (never their passwords: syncmap.Remote holds none).
	remotes [2][]syncmap.Remote
	// heartbeat and hello per member, from its configuration (Huawei).
	heartbeat [2][]string
	hello     [2]string
}

// summarize derives the summary of s.
func summarize(s *pair.Snapshot) summary {
	sum := summary{snap: s, inScope: -1, outScope: -1, notSynced: -1}
	if s == nil {
		return sum
	}
	if s.Compare != nil {
		// The numbers every front end shows (hasync status, the Diff
		// tab): secrets compared masked, the plan's conflicts apart.
		n, _ := s.Compare.Tally(compare.ModeFor(s.Family))
		sum.inScope, sum.outScope = n.InScope, n.Outside+n.Excluded+n.Protected
		sum.notSynced = n.NotSynced
	}
	for i, d := range s.Devices {
		if d.Tree == nil {
			continue
		}
		switch s.Family {
		case config.Vyatta:
			if maps, remotes, err := syncmap.FromConfig(d.Tree); err == nil {
				sum.maps[i], sum.remotes[i] = maps, remotes
			}
		case config.Huawei:
			sum.maps[i] = []*syncmap.Map{syncmap.HRP(d.Tree)}
			if n := d.Tree.Root.Child("hrp interface"); n != nil {
				sum.heartbeat[i] = n.Values
			}
			if n := d.Tree.Root.Child("hrp timer hello"); n != nil && len(n.Values) > 0 {
				sum.hello[i] = n.Values[0] + " ms"
			}
		}
	}
	return sum
}

// roleText is a device's HA role as the console shows it.
func roleText(d pair.DeviceState) string {
	// FAULT in any group says the member failed: shown before anything
	// else (a mixed list would hide it at the list's width).
	if d.HA.Role == device.RoleFault {
		return "FAULT"
	}
	for _, g := range d.HA.VRRP {
		if strings.EqualFold(g.State, "FAULT") {
			return "FAULT"
		}
	}
	if h := d.HA.HRP; h != nil && h.Prefix != "" {
		return h.Prefix
	}
	if p := d.Prompt; strings.HasPrefix(p, "HRP_") && len(p) >= 5 {
		return p[:5]
	}
	if len(d.HA.VRRP) > 0 {
		// From the groups as the device prints them: one state for all
		// (MASTER, BACKUP, FAULT) or mixed.
		states := make([]string, 0, len(d.HA.VRRP))
		same := true
		for _, g := range d.HA.VRRP {
			st := strings.ToUpper(g.State)
			same = same && st == strings.ToUpper(d.HA.VRRP[0].State)
			states = append(states, st)
		}
		if same {
			return states[0]
		}
		return "mixed " + strings.Join(states, "/")
	}
	if d.HA.Role == device.RoleActive {
		return "active"
	}
	return ""
}

// haTrouble is what is wrong with a member's HA beyond its role ("" all
// well): an HRP core state other than normal, its own or its peer's as
// it sees it ("abnormal(active)", peer "unknown": a cut heartbeat;
// DOMAIN.md "HRP").
func haTrouble(d pair.DeviceState) string {
	h := d.HA.HRP
	if h == nil {
		return ""
	}
	var out []string
	if h.Core != "" && !strings.EqualFold(h.Core, "normal") {
		out = append(out, "core state "+h.Core)
	}
	if h.PeerCore != "" && !strings.EqualFold(h.PeerCore, "normal") {
		out = append(out, "peer "+h.PeerCore)
	}
	return strings.Join(out, ", ")
}

// deviceCell is a member as the list and the header show it.
func deviceCell(spec *inventory.Device, d pair.DeviceState) views.DeviceCell {
	c := views.DeviceCell{Name: spec.Name, Address: spec.Addr(), Role: roleText(d),
		Unsaved: d.SavedDiffers, UnsavedKnown: d.SavedKnown, HATrouble: haTrouble(d)}
	switch {
	case d.Reachable:
		c.State = views.Up
	case d.Err != nil:
		c.State = views.Down
		c.Why = reasonWord(d.Reason, d.Err)
		if c.Why == "" {
			c.Why = d.Err.Error()
		}
	}
	c.LastKnown = c.State != views.Up
	return c
}

// reasonWord is the short cause of a device error, said first where the
// room is short ("refused", "auth failed", "host key changed"): the
// back end's words (pair.Describe, or the reason's Text without the
// error); "" none.
func reasonWord(r pair.Reason, err error) string {
	if errors.Is(err, errDeclined) {
		// Not "no password": the user closed the dialog.
		return "declined (r asks again)"
	}
	if err != nil {
		return pair.Describe(err)
	}
	return r.Text()
}

// causeFirst is a device error as the list's last error shows it: the
// device, the short cause, then the error's text without the device's
// name again.
func causeFirst(dev string, r pair.Reason, err error) string {
	w := reasonWord(r, err)
	if w == "" || w == "error" {
		return dev + ": " + dropDevice(dev, err.Error())
	}
	return dev + ": " + w + " (" + dropDevice(dev, err.Error()) + ")"
}

// dropDevice is text without the layers of "dev: " it starts with (each
// layer of the back end names the device once more: "vra-a: vra-a: ssh
// ..."), for a place that names the device already.
func dropDevice(dev, text string) string {
	if dev == "" {
		return text
	}
	for strings.HasPrefix(text, dev+": ") {
		text = text[len(dev)+2:]
	}
	return text
}

// lastError is the pair's most telling current error ("" none); a
// comparison error without "pair NAME: ", which the row says.
func lastError(s *pair.Snapshot) string {
	if s == nil {
		return ""
	}
	for _, d := range s.Devices {
		if d.Err != nil && !cancelledRead(d.Err) {
			return causeFirst(d.Name, d.Reason, d.Err)
		}
	}
	if s.CompareErr != nil {
		return strings.TrimPrefix(s.CompareErr.Error(), "pair "+s.Pair+": ")
	}
	return ""
}

// pastError is the pair's last error as its Log keeps it, for the list's
// LAST ERROR once the device is back: the error is not forgotten, only
// shown as past. Its head says what failed and where, and when; the
// column cuts the tail: "vra-b: lost at 08:20:21 (ssh 127.0.0.1:2202:
// connection lost)", the cause word from downs (each device's last loss
// or error, pairRT.downs) when it is that entry's. "" none.
func pastError(l *views.Log, downs [2]liveState, devs [2]string) string {
	if l == nil {
		return ""
	}
	e, ok := l.LastError()
	if !ok {
		return ""
	}
	text := oneLineText(dropDevice(e.Device, e.Text))
	at := e.At.Format("15:04:05")
	if e.Device == "" {
		return at + " " + text
	}
	for i, d := range devs {
		if d == e.Device && downs[i].at.Equal(e.At) && downs[i].why != "" && downs[i].why != text {
			return e.Device + ": " + downs[i].why + " at " + at + " (" + text + ")"
		}
	}
	return e.Device + " at " + at + ": " + text
}

// pairsText is a count of pairs in words: "1 pair", "2 pairs".
func pairsText(n int) string {
	if n == 1 {
		return "1 pair"
	}
	return strconv.Itoa(n) + " pairs"
}

// oneLineText is the first line of s.
func oneLineText(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// haData is the HA tab's data of a summary.
func haData(spec *inventory.Pair, sum summary) views.HAData {
	d := views.HAData{Family: spec.Family.String(), Differences: sum.inScope, NotSynced: sum.notSynced}
	s := sum.snap
	if s == nil {
		for i, dev := range spec.Devices {
			d.Members[i] = views.HAMember{Name: dev.Name, Sessions: -1}
		}
		return d
	}
	if !s.At.IsZero() && (s.Devices[0].FetchedAt.After(time.Time{}) || s.Devices[1].FetchedAt.After(time.Time{})) {
		d.At = s.At.Format("15:04:05")
	}
	for i, ds := range s.Devices {
		m := views.HAMember{Name: ds.Name, Reachable: ds.Reachable, Role: roleText(ds), Sessions: ds.Sessions}
		// Under the member's name: its errors without the name again.
		if ds.HAErr != nil {
			m.Err = dropDevice(ds.Name, ds.HAErr.Error())
		} else if ds.Err != nil && !cancelledRead(ds.Err) {
			m.Err = dropDevice(ds.Name, ds.Err.Error())
		}
		for _, g := range ds.HA.VRRP {
			m.VRRP = append(m.VRRP, views.VRRPRow{Interface: g.Interface, Group: g.Group, State: g.State})
		}
		if h := ds.HA.HRP; h != nil {
			hi := &views.HRPInfo{
				Prefix: h.Prefix, Role: h.RoleText, PeerRole: h.PeerRole, Core: h.Core, PeerCore: h.PeerCore,
				Priority: h.Priority, PeerPriority: h.PeerPriority, Verbose: h.Verbose,
				AutoSyncConfig: h.AutoSyncConfig, AutoSyncSessions: h.AutoSyncSessions,
				AutoSyncStaticRoute: h.AutoSyncStaticRoute, AutoSyncPolicyRoute: h.AutoSyncPolicyRoute,
				StandbyConfig: h.StandbyConfig, Heartbeat: sum.heartbeat[i], Hello: sum.hello[i],
			}
			for _, c := range h.Check {
				hi.Check = append(hi.Check, views.HRPCheck{Module: c.Module, Result: c.Result, Same: c.Same()})
			}
			m.HRP = hi
		}
		d.Members[i] = m
	}
	return d
}

// haDataOf is the HA tab's data of the pair as shown now: haData, with
// each member's connection as the events tell it when they are newer
// than the snapshot (a device that dropped is not read now: its roles
// are its last known ones).
func haDataOf(rt *pairRT) views.HAData {
	d := haData(rt.spec, rt.sum)
	if d.At != "" {
		// The members not read then, with their last read.
		d.At = strings.TrimPrefix(readNote(rt, ", ", time.TimeOnly), "read ")
	}
	for i := range d.Members {
		if c := rt.cell(i); c.State != views.Up && d.Members[i].Reachable {
			d.Members[i].Reachable = false
			if d.Members[i].Err == "" {
				d.Members[i].Err = c.Why
			}
		}
	}
	return d
}

// readNote is when the pair was read, for the pair view's title: "read
// 15:04:05", and the members not read then with their last read ("read
// 08:20:30 · vra-b not since 08:20:21"), times in layout; "" never read.
func readNote(rt *pairRT, dot, layout string) string {
	s := rt.sum.snap
	if s == nil {
		return ""
	}
	note := "read " + s.At.Format(layout)
	for i, dev := range rt.spec.Devices {
		if rt.cell(i).State == views.Up {
			continue
		}
		since := "not read"
		if at := s.Devices[i].FetchedAt; !at.IsZero() {
			since = "not since " + at.Format(layout)
		}
		note += dot + dev.Name + " " + since
	}
	return note
}
