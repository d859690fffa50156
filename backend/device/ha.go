package device

import (
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// HAState is a device's HA state as it reports it.
type HAState struct {
	Family config.Family
	// Role sums the state up: Huawei from the HRP prefix (or the `Role:`
	// line); Vyatta fault when FAULT in any group, active when master of
	// every group, standby when backup of every group, mixed otherwise,
	// unknown without groups.
	Role Role
	// VRRP are the Vyatta groups (`show vrrp`).
	VRRP []VRRPGroup
	// HRP is the Huawei state (`display hrp state verbose`).
	HRP *HRPState
}

// VRRPGroup is one row of `show vrrp`.
type VRRPGroup struct {
	Interface string
	Group     string // the VRID
	// State: MASTER, BACKUP, FAULT or INIT, as printed.
	State string
}

// HRPState is what `display hrp state [verbose]` prints (DOMAIN.md "HRP").
type HRPState struct {
	// Prefix is the prompt's HRP prefix (HRP_M, HRP_S, HRP_A, HRP_B).
	Prefix string
	// RoleText and PeerRole: ` Role: active, peer: standby`.
	RoleText, PeerRole string
	// Priority and PeerPriority: ` Running priority: 45000, peer:
	// 45000`; -1 when not printed or unknown.
	Priority, PeerPriority int
	// Core and PeerCore: ` Core state: normal`, or `abnormal(standby),
	// peer: abnormal(active)`; PeerCore is empty when not printed.
	Core, PeerCore string
	// Verbose: the auto-sync flags below were printed.
	Verbose bool
	// AutoSyncConfig, AutoSyncSessions: `auto-sync configuration` and
	// `auto-sync connection-status` (on by default); AutoSyncStaticRoute,
	// AutoSyncPolicyRoute (off by default); StandbyConfig: `hrp standby
	// config enable`.
	AutoSyncConfig, AutoSyncSessions         bool
	AutoSyncStaticRoute, AutoSyncPolicyRoute bool
	StandbyConfig                            bool
	// Check is the device's last `hrp configuration check` result, nil
	// when it has none.
	Check []HRPCheckRow
}

// HRPCheckRow is a row of `display hrp configuration check`.
type HRPCheckRow struct {
	Module, State, Start, End, Result string
}

// Same reports whether the check finished and found the module equal.
func (r HRPCheckRow) Same() bool { return strings.EqualFold(r.Result, "Same Configuration") }

func (h HRPState) role() Role {
	switch strings.ToLower(h.RoleText) {
	case "active":
		return RoleActive
	case "standby":
		return RoleStandby
	}
	return RoleUnknown
}

// ParseVRRP reads `show vrrp`: the header line naming Interface, Group
// (or VRID) and State gives the columns; rows follow (the lab's and the
// VRA's table, and VyOS's `Name Interface VRID State ...`).
func ParseVRRP(lines []string) []VRRPGroup {
	iface, group, state := -1, -1, -1
	var out []VRRPGroup
	for _, l := range lines {
		f := strings.Fields(l)
		if iface < 0 || state < 0 || group < 0 {
			for i, w := range f {
				switch w {
				case "Interface":
					iface = i
				case "Group", "VRID":
					if group < 0 {
						group = i
					}
				case "State":
					state = i
				}
			}
			if iface < 0 || state < 0 || group < 0 {
				iface, group, state = -1, -1, -1
			}
			continue
		}
		if len(f) <= max(iface, group, state) || strings.Trim(f[0], "-") == "" {
			continue
		}
		st := strings.ToUpper(f[state])
		switch st {
		case "MASTER", "BACKUP", "FAULT", "INIT":
			out = append(out, VRRPGroup{Interface: f[iface], Group: f[group], State: st})
		}
	}
	return out
}

func vrrpRole(groups []VRRPGroup) Role {
	if len(groups) == 0 {
		return RoleUnknown
	}
	master, backup := 0, 0
	for _, g := range groups {
		switch g.State {
		case "MASTER":
			master++
		case "BACKUP":
			backup++
		case "FAULT":
			return RoleFault
		}
	}
	switch {
	case master == len(groups):
		return RoleActive
	case backup == len(groups):
		return RoleStandby
	}
	return RoleMixed
}

// ParseHRPState reads `display hrp state [verbose]`.
func ParseHRPState(lines []string) HRPState {
	h := HRPState{Priority: -1, PeerPriority: -1, AutoSyncConfig: true, AutoSyncSessions: true}
	for _, l := range lines {
		key, val, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		self, peer, hasPeer := strings.Cut(val, ", peer:")
		self, peer = strings.TrimSpace(self), strings.TrimSpace(peer)
		switch key {
		case "role":
			h.RoleText = self
			if hasPeer {
				h.PeerRole = peer
			}
		case "running priority":
			h.Priority = atoiOr(self, -1)
			if hasPeer {
				h.PeerPriority = atoiOr(peer, -1)
			}
		case "core state":
			h.Core = self
			if hasPeer {
				h.PeerCore = peer
			}
		case "auto-sync configuration":
			h.Verbose, h.AutoSyncConfig = true, val == "on"
		case "auto-sync connection-status":
			h.Verbose, h.AutoSyncSessions = true, val == "on"
		case "auto-sync static-route":
			h.AutoSyncStaticRoute = val == "on"
		case "auto-sync policy-based-route":
			h.AutoSyncPolicyRoute = val == "on"
		case "standby config":
			h.StandbyConfig = val == "on"
		}
	}
	return h
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// ParseHRPCheck reads `display hrp configuration check`: a header
// `Module State Start-time End-time Result`, a rule, then one row per
// module; times are `YYYY-MM-DD hh:mm:ss` (two words) or `-`. Nil when
// there are no rows.
func ParseHRPCheck(lines []string) []HRPCheckRow {
	var rows []HRPCheckRow
	header := false
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if !header {
			header = f[0] == "Module"
			continue
		}
		if strings.Trim(f[0], "-") == "" {
			continue
		}
		r := HRPCheckRow{Module: f[0]}
		rest := f[1:]
		next := func() string {
			if len(rest) == 0 {
				return ""
			}
			w := rest[0]
			rest = rest[1:]
			return w
		}
		r.State = next()
		stamp := func() string {
			w := next()
			if w == "-" || w == "" {
				return w
			}
			if len(rest) > 0 && strings.Count(rest[0], ":") == 2 {
				w += " " + next()
			}
			return w
		}
		r.Start = stamp()
		r.End = stamp()
		r.Result = strings.Join(rest, " ")
		rows = append(rows, r)
	}
	return rows
}

// parseSessionTotal reads ` Current Total Sessions : N`.
func parseSessionTotal(l string) (int, bool) {
	k, v, ok := strings.Cut(l, ":")
	if !ok || !strings.EqualFold(strings.Join(strings.Fields(k), " "), "Current Total Sessions") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil
}
