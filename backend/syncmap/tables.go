package syncmap

import "github.com/hasync/hasync/backend/config"

// The tables below are functions returning literals rather than package
// variables, so that no caller can change them for everyone else.
//
// A pattern is a path of whole words; "*" stands for any one word. A
// pattern matches a node when its words are a prefix of the node's words.

// vyattaProtected are the paths config-sync never carries (DOMAIN.md):
// syncing them would break the sync itself or the remote's management.
// VyOS 1.4+ keeps its config-sync under `service config-sync` (whose
// `secondary key` is a secret).
func vyattaProtected() []string {
	return []string{
		"system config-sync",
		"service config-sync",
		"service https",
	}
}

// huaweiProtected are HRP's own top-level lines (`hrp interface ...
// remote`, `hrp standby-device`, `hrp adjust ... cost`, `hrp enable`,
// `hrp auto-sync ...`, `hrp standby config enable`, ...): each member keeps
// its own, HRP neither replicates nor backs them up, and copying the
// heartbeat interface or peer address to the peer would break the pair.
func huaweiProtected() []string {
	return []string{"hrp"}
}

// ProtectedPaths returns the paths that are never in scope for the family,
// whatever the rules say. Auto gets both families' paths: they cannot
// occur in the other dialect, so the union is safe.
func ProtectedPaths(fam config.Family) []string {
	switch fam {
	case config.Vyatta:
		return vyattaProtected()
	case config.Huawei:
		return huaweiProtected()
	}
	return append(vyattaProtected(), huaweiProtected()...)
}

// unique is a device-unique item: a map that puts it in scope copies one
// device's own identity onto its peer.
type unique struct {
	fam     config.Family
	pattern string
	what    string
}

// uniqueItems lists the device-unique items. Patterns are matched against
// a node's path words followed by the words of one of its values, so that
// both dialects fit: VRP keeps parts of a command (`active`) in its value.
func uniqueItems() []unique {
	const (
		vy = config.Vyatta
		hw = config.Huawei
	)
	return []unique{
		{vy, "system host-name", "the host name"},
		{vy, "interfaces * * address", "an interface address"},
		{vy, "interfaces * * vif * address", "a VLAN interface address"},
		{vy, "interfaces * * vif-s * address", "a QinQ interface address"},
		{vy, "interfaces * * vif-s * vif-c * address", "a QinQ interface address"},
		{vy, "interfaces * * hw-id", "an interface MAC address"},
		{vy, "interfaces * * mac", "an interface MAC address"},
		{vy, "interfaces * * vrrp vrrp-group * priority", "a VRRP priority"},
		{vy, "interfaces * * vif * vrrp vrrp-group * priority", "a VRRP priority"},
		{vy, "high-availability vrrp group * priority", "a VRRP priority"},
		{vy, "high-availability vrrp group * hello-source-address", "a VRRP source address"},
		{vy, "high-availability vrrp group * peer-address", "a VRRP peer address"},
		// Not device-unique, but unsafe on releases that sync over NETCONF:
		// the sync would reconfigure its own transport.
		{vy, "service netconf", "the NETCONF service (unsafe when config-sync uses NETCONF)"},
		{vy, "service ssh", "the SSH service (unsafe when config-sync uses NETCONF)"},

		{hw, "sysname", "the device name"},
		{hw, "interface * ip address", "an interface address"},
		{hw, "interface * ipv6 address", "an interface address"},
		{hw, "interface * vrrp vrid * priority", "a VRRP priority"},
		{hw, "interface * vrrp vrid * virtual-ip * active", "a VRRP active/standby role"},
		{hw, "interface * vrrp vrid * virtual-ip * standby", "a VRRP active/standby role"},
		{hw, "hrp interface", "the local HRP heartbeat interface"},
		{hw, "hrp standby-device", "the local HRP standby role"},
		{hw, "hrp adjust", "the local HRP cost adjustment"},
	}
}

// hrpExclusion is a part of a VRP configuration HRP never backs up.
type hrpExclusion struct {
	location string
	// unless names the auto-sync option that, when the tree enables it,
	// makes HRP back the part up after all.
	unless string
}

// hrpExclusions lists what HRP does not back up (DOMAIN.md "HRP"). The
// local HRP lines are protected rather than excluded (see huaweiProtected).
func hrpExclusions() []hrpExclusion {
	return []hrpExclusion{
		{location: "sysname"}, // each member keeps its own name (HRP_M<FW-A>, HRP_S<FW-B>)
		{location: "interface"},
		{location: "ospf"},
		{location: "ospfv3"},
		{location: "bgp"},
		{location: "rip"},
		{location: "ripng"},
		{location: "isis"},
		{location: "firewall hash-mode"},
		{location: "firewall hash-gene"},
		{location: "license"},
		{location: "ip route-static", unless: "hrp auto-sync config static-route"},
		{location: "ipv6 route-static", unless: "hrp auto-sync config static-route"},
		{location: "policy-based-route", unless: "hrp auto-sync config policy-based-route"},
	}
}
