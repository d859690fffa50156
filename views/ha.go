package views

import (
	"fmt"
	"strconv"
	"strings"
)

// HAData is what the HA tab shows of a pair (DOMAIN.md "VRRP", "HRP").
type HAData struct {
	// Family is "vyatta" or "huawei".
	Family  string
	Members [2]HAMember
	// Differences is hasync's count of in-scope differences, shown beside
	// the device's own configuration check; -1 unknown.
	Differences int
	// NotSynced are those a sync's plan leaves to a person (HRP: a rule
	// in another position, other parameters, only on the standby;
	// compare.Tally); -1 unknown.
	NotSynced int
	// At is when the state was read ("" never).
	At string
}

// HAMember is one device's HA state.
type HAMember struct {
	Name      string
	Reachable bool
	// Err is why the state could not be read ("" none).
	Err  string
	Role string
	// VRRP are the Vyatta groups (`show vrrp`).
	VRRP []VRRPRow
	// HRP is the Huawei state; nil for Vyatta or when unread.
	HRP *HRPInfo
	// Sessions is the session count; -1 unknown or not applicable.
	Sessions int
}

// VRRPRow is one VRRP group of a device.
type VRRPRow struct{ Interface, Group, State string }

// HRPInfo is a Huawei member's HRP state.
type HRPInfo struct {
	Prefix, Role, PeerRole, Core, PeerCore string
	// Priority and PeerPriority: -1 unknown.
	Priority, PeerPriority int
	// Heartbeat are the heartbeat interfaces (`hrp interface IF remote
	// IP` of the configuration); Hello the `hrp timer hello` interval.
	Heartbeat []string
	Hello     string
	// Verbose: the auto-sync flags were read.
	Verbose                                  bool
	AutoSyncConfig, AutoSyncSessions         bool
	AutoSyncStaticRoute, AutoSyncPolicyRoute bool
	StandbyConfig                            bool
	// Check is the device's own `hrp configuration check` result.
	Check []HRPCheck
}

// HRPCheck is one module of `display hrp configuration check`.
type HRPCheck struct {
	Module, Result string
	Same           bool
}

// HALines renders the HA tab as lines of at most width cells (the tab
// scrolls them; HA state is short, so it is built whole).
func HALines(s ConsoleStyles, d HAData, width int) []string {
	var out []string
	add := func(st func(...string) string, f string, a ...any) {
		out = append(out, st(conFit(fmt.Sprintf(f, a...), width)))
	}
	at := d.At
	if at == "" {
		at = "not read yet"
	}
	add(s.Dim.Render, "read %s   r refreshes", at)
	for _, m := range d.Members {
		// A member not read now: what follows is its last known state,
		// said so and dimmed, never shown as current.
		body := s.Normal.Render
		if !m.Reachable && (m.Role != "" || len(m.VRRP) > 0 || m.HRP != nil) {
			add(s.Title.Render, "%s  %s (last known)", m.Name, roleOr(m.Role))
			body = s.Dim.Render
		} else {
			add(s.Title.Render, "%s  %s", m.Name, roleOr(m.Role))
		}
		if !m.Reachable && m.Err == "" {
			add(s.Warn.Render, "  %s not connected", s.glyph("✗", "x"))
		}
		if m.Err != "" {
			add(s.Err.Render, "  %s %s", s.glyph("✗", "x"), oneLine(m.Err))
		}
		switch {
		case d.Family == "vyatta":
			if len(m.VRRP) == 0 {
				add(s.Dim.Render, "  no VRRP group")
			}
			for _, g := range m.VRRP {
				add(body, "  VRRP %-10s group %-4s %s %s", g.Interface, g.Group, vrrpGlyph(s, g.State), g.State)
			}
		case m.HRP != nil:
			h := m.HRP
			add(body, "  HRP %s  role %s (peer %s)  priority %s / %s", h.Prefix, orQ(h.Role), orQ(h.PeerRole), prio(h.Priority), prio(h.PeerPriority))
			core := h.Core
			if h.PeerCore != "" {
				core += ", peer " + h.PeerCore
			}
			st := body
			if !strings.EqualFold(h.Core, "normal") {
				st = s.Warn.Render
			}
			add(st, "  core state %s", orQ(core))
			hb := "none configured"
			if len(h.Heartbeat) > 0 {
				hb = strings.Join(h.Heartbeat, ", ")
			}
			if h.Hello != "" {
				hb += "  (hello " + h.Hello + ")"
			}
			add(body, "  heartbeat %s", hb)
			if h.Verbose {
				add(body, "  auto-sync config %s  connection-status %s  static-route %s",
					onOff(s, h.AutoSyncConfig), onOff(s, h.AutoSyncSessions), onOff(s, h.AutoSyncStaticRoute))
				add(body, "  auto-sync policy-route %s  standby config %s",
					onOff(s, h.AutoSyncPolicyRoute), onOff(s, h.StandbyConfig))
			} else {
				add(s.Dim.Render, "  auto-sync flags not read")
			}
			sess := "?"
			if m.Sessions >= 0 {
				sess = strconv.Itoa(m.Sessions)
			}
			add(body, "  sessions %s", sess)
			if len(h.Check) == 0 {
				add(s.Dim.Render, "  hrp configuration check: none run on the device")
			}
			diff := 0
			for _, c := range h.Check {
				g := s.glyph("=", "=")
				st := body
				if !c.Same {
					g, st = s.glyph("≠", "!"), s.Warn.Render
					diff++
				}
				add(st, "  check %s %-16s %s", g, c.Module, c.Result)
			}
			if len(h.Check) > 0 {
				add(body, "  the device's check finds %d of %d modules different; %s", diff, len(h.Check), inScopeText(d.Differences, d.NotSynced))
			}
		default:
			add(s.Dim.Render, "  HRP state not read")
		}
	}
	if d.Family == "vyatta" {
		// "hasync" as everywhere, lower case even first in a line.
		add(s.Normal.Render, "%s", inScopeText(d.Differences, d.NotSynced))
	}
	// What c and C run here (C on a Vyatta pair only says why not).
	add(s.Dim.Render, "%s", FirstFit(width, nativeKeys(d.Family, s.glyph("·", "-"))...))
	return out
}

// nativeKeys says what the HA tab's c and C run for family, longest
// form first, parts joined by dot (DOMAIN.md "config-sync (VRA)", "HRP").
func nativeKeys(family, dot string) []string {
	if family == "huawei" {
		return []string{
			"c runs hrp sync config on the active member " + dot + " C also hrp sync connection-status (the session table)",
			"c hrp sync config " + dot + " C + hrp sync connection-status",
			"c sync " + dot + " C + connection-status",
		}
	}
	return []string{
		"c runs update config-sync on the member that carries the map " + dot + " C: hrp sync connection-status is Huawei HRP only",
		"c update config-sync " + dot + " C: connection-status is Huawei HRP only",
		"c own sync " + dot + " C Huawei only",
	}
}

// HA renders the HA tab in width x height cells from line offset.
func HA(s ConsoleStyles, d HAData, offset, width, height int) string {
	lines := HALines(s, d, width)
	if offset > len(lines) {
		offset = len(lines)
	}
	return conLines(lines[max(offset, 0):], width, height)
}

// inScopeText is hasync's own count of differences in a sentence, with
// those a sync leaves to a person (notSynced > 0).
func inScopeText(n, notSynced int) string {
	var s string
	switch {
	case n < 0:
		return "hasync has not compared the pair yet"
	case n == 1:
		s = "hasync finds 1 difference in the sync-map's scope"
	default:
		s = "hasync finds " + strconv.Itoa(n) + " differences in the sync-map's scope"
	}
	if notSynced > 0 && n > 0 {
		s += ", " + strconv.Itoa(notSynced) + " not synced"
	}
	return s + " (Diff tab)"
}

func roleOr(r string) string {
	if r == "" {
		return "role ?"
	}
	return r
}

func orQ(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func prio(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

func onOff(s ConsoleStyles, on bool) string {
	if on {
		return s.glyph("✓on", "on")
	}
	return s.glyph("·off", "off")
}

func vrrpGlyph(s ConsoleStyles, state string) string {
	switch strings.ToUpper(state) {
	case "MASTER":
		return s.glyph("▲", "^")
	case "BACKUP":
		return s.glyph("▽", "v")
	}
	return s.glyph("✗", "x")
}
