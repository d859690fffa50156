// Package syncmap owns sync-maps: the numbered include/exclude rules that
// decide which parts of a configuration two HA peers share, their
// evaluation over a configuration tree (longest matching location wins, an
// exclude wins a tie, protected paths are never in scope), the maps a
// Vyatta configuration carries (`system config-sync`), the maps built from
// command-line flags, the built-in HRP scope of the Huawei family, and the
// warnings raised when a map puts device-unique items (host name, interface
// addresses, VRRP priority, local HRP lines) in scope.
//
// For an editor of maps (edit.go): the problems of each rule as it is
// typed (Check: refused or warned), completion of a location from the
// configurations and the schema, the node's help, the nodes each rule
// matches, what a map covers, the map as text for $EDITOR (Text,
// ParseText) and the device commands that write it (WriteCommands).
//
// Platform knowledge (protected paths, HRP exclusions, device-unique
// patterns) is kept as data tables in tables.go.
//
// Imports: backend/config, backend/config/schema (completion and help)
// and the standard library only. No UI, device or
// Charm package.
package syncmap
