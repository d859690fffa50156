package device

import (
	"regexp"
	"strings"
	"sync"
)

// Mode is the command mode a prompt shows.
type Mode int

const (
	ModeUnknown Mode = iota
	// ModeOperational: Vyatta `user@host:~$` or an operator's `user@host>`.
	ModeOperational
	// ModeConfigure: Vyatta `user@host#` (after `configure`).
	ModeConfigure
	// ModeUser: Huawei user view `<host>`.
	ModeUser
	// ModeSystem: Huawei system view or a sub-view `[host]`, `[host-view]`.
	ModeSystem
)

func (m Mode) String() string {
	switch m {
	case ModeOperational:
		return "operational"
	case ModeConfigure:
		return "configure"
	case ModeUser:
		return "user view"
	case ModeSystem:
		return "system view"
	}
	return "unknown"
}

// Role is an HA member's role as its prompt shows it.
type Role int

const (
	RoleUnknown Role = iota
	// RoleActive: HRP_M (HRP_A on older firmware), the
	// configuration-active member; for VRRP, master of every group.
	RoleActive
	// RoleStandby: HRP_S (HRP_B); for VRRP, backup of every group.
	RoleStandby
	// RoleMixed: VRRP master of some groups and backup of others.
	RoleMixed
	// RoleFault: VRRP in FAULT in some group (the member failed there:
	// its peer took over), whatever the others.
	RoleFault
)

func (r Role) String() string {
	switch r {
	case RoleActive:
		return "active"
	case RoleStandby:
		return "standby"
	case RoleMixed:
		return "mixed"
	case RoleFault:
		return "fault"
	}
	return "unknown"
}

// Prompt is the last prompt a device printed, read (DOMAIN.md "Commit and
// compare output" for Vyatta, "Huawei family" and "HRP" for Huawei).
type Prompt struct {
	// Text is the prompt as printed, without trailing blanks:
	// `vyatta@vra-a:~$`, `HRP_M<FW-A>`, `HRP_S[FW-B-policy-security]`.
	Text string
	// User is the Vyatta login user (empty for Huawei).
	User string
	// Host is the host name (Vyatta) or sysname (Huawei).
	Host string
	Mode Mode
	// Operator: a VyOS operator-level login (`user@host>`), which has no
	// configure mode.
	Operator bool
	// Level is the Vyatta `[edit ...]` level in configure mode
	// ("firewall" after `edit firewall`), or the Huawei sub-view after
	// the sysname ("policy-security").
	Level string
	// HRP is the Huawei HRP prefix: HRP_M, HRP_S (HRP_A, HRP_B on older
	// firmware), or "".
	HRP string
	// Uncommitted: a Huawei two-stage prompt `[*host]`: changes wait for
	// `commit`. TwoStage: `[~host]`, two-stage mode with nothing pending.
	Uncommitted, TwoStage bool
}

// Role is the HA role the HRP prefix shows; RoleUnknown without one.
func (p Prompt) Role() Role {
	switch p.HRP {
	case "HRP_M", "HRP_A":
		return RoleActive
	case "HRP_S", "HRP_B":
		return RoleStandby
	}
	return RoleUnknown
}

var (
	// vyPromptRE: `user@host:~$`, `user@host>`, `user@host#`, with the
	// optional path after `:` (DOMAIN.md "Commit and compare output").
	vyPromptRE = lazyRE(`^([A-Za-z0-9_.][A-Za-z0-9_.-]*)@([A-Za-z0-9_.][A-Za-z0-9_.-]*)(?::[^\s$#>]*)?([$#>])$`)
	// hwPromptRE: an optional HRP_x prefix, then `<name>`, `[name]`,
	// `[~name]` or `[*name]` (DOMAIN.md "Huawei family", "HRP").
	hwPromptRE = lazyRE(`^(HRP_[A-Z])?(?:<([^<>\[\]\s]+)>|\[([~*]?)([^<>\[\]\s~*][^<>\[\]\s]*)\])$`)
)

// lazyRE compiles re on first use (no work at program start).
func lazyRE(re string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(re) })
}

// parseVyattaPrompt reads a Vyatta prompt; host, when known, must match.
func parseVyattaPrompt(s, host string) (Prompt, bool) {
	s = strings.TrimRight(s, " ")
	m := vyPromptRE().FindStringSubmatch(s)
	if m == nil || host != "" && m[2] != host {
		return Prompt{}, false
	}
	p := Prompt{Text: s, User: m[1], Host: m[2], Mode: ModeOperational}
	switch m[3] {
	case "#":
		p.Mode = ModeConfigure
	case ">":
		p.Operator = true
	}
	return p, true
}

// parseHuaweiPrompt reads a Huawei prompt. host, when known (learnt from
// the user view at login), must match the sysname and splits a sub-view
// off it (`[FW-A-policy-security]`: FW-A, policy-security); unknown, the
// whole name is the host.
func parseHuaweiPrompt(s, host string) (Prompt, bool) {
	s = strings.TrimRight(s, " ")
	m := hwPromptRE().FindStringSubmatch(s)
	if m == nil {
		return Prompt{}, false
	}
	p := Prompt{Text: s, HRP: m[1]}
	name := m[2]
	if name != "" {
		p.Mode = ModeUser
	} else {
		p.Mode = ModeSystem
		name = m[4]
		p.Uncommitted, p.TwoStage = m[3] == "*", m[3] == "~"
	}
	p.Host = name
	if host != "" {
		switch {
		case name == host:
		case p.Mode == ModeSystem && strings.HasPrefix(name, host+"-"):
			p.Host, p.Level = host, name[len(host)+1:]
		default:
			return Prompt{}, false
		}
	}
	return p, true
}
