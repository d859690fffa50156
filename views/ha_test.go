package views

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/hasync/hasync/internal/golden"
)

func sampleHA() (vy, hw HAData) {
	vy = HAData{Family: "vyatta", Differences: 4, At: "06:05:08", Members: [2]HAMember{
		{Name: "vra-a", Reachable: true, Role: "MASTER", Sessions: -1, VRRP: []VRRPRow{{"dp0s1", "1", "MASTER"}, {"dp0s2", "10", "MASTER"}}},
		{Name: "vra-b", Reachable: false, Err: "vra-b: connection lost", Sessions: -1},
	}}
	hw = HAData{Family: "huawei", Differences: 8, At: "06:05:28", Members: [2]HAMember{
		{Name: "FW-A", Reachable: true, Role: "HRP_M", Sessions: 1842, HRP: &HRPInfo{Prefix: "HRP_M", Role: "active", PeerRole: "standby",
			Core: "normal", Priority: 45000, PeerPriority: 45000, Heartbeat: []string{"GigabitEthernet1/0/6 remote 10.10.0.2"}, Hello: "1000 ms",
			Verbose: true, AutoSyncConfig: true, AutoSyncSessions: true,
			Check: []HRPCheck{{Module: "acl", Result: "Same Configuration", Same: true}, {Module: "security-policy", Result: "Different Configuration"}}}},
		{Name: "FW-B", Reachable: true, Role: "HRP_S", Sessions: 0, HRP: &HRPInfo{Prefix: "HRP_S", Role: "standby", PeerRole: "active",
			Core: "abnormal(standby)", PeerCore: "abnormal(active)", Priority: 45000, PeerPriority: -1}},
	}}
	return vy, hw
}

func TestHAGolden(t *testing.T) {
	vy, hw := sampleHA()
	for name, d := range map[string]HAData{"vyatta": vy, "huawei": hw} {
		for _, sz := range consoleSizes {
			t.Run(fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				out := HA(PlainConsoleStyles(), d, 0, sz[0], sz[1])
				checkFrame(t, out, sz[0], sz[1])
				golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), ansi.Strip(out))
			})
		}
	}
}

// TestHAShowsBothChecks: the device's own check and hasync's count sit
// side by side; a core state other than normal and a differing module
// are marked by a glyph, not by colour alone.
func TestHAShowsBothChecks(t *testing.T) {
	_, hw := sampleHA()
	out := ansi.Strip(strings.Join(HALines(PlainConsoleStyles(), hw, 200), "\n"))
	for _, want := range []string{
		"the device's check finds 1 of 2 modules different; hasync finds 8 differences in the sync-map's scope",
		"check ≠ security-policy",
		"heartbeat GigabitEthernet1/0/6 remote 10.10.0.2  (hello 1000 ms)",
		"sessions 1842",
		"core state abnormal(standby), peer abnormal(active)",
		"priority 45000 / ?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HA lacks %q:\n%s", want, out)
		}
	}
}

// TestHANativeKeys: the HA tab says what c and C run for its family; on
// a Vyatta pair, that hrp sync connection-status (C) is Huawei HRP only.
func TestHANativeKeys(t *testing.T) {
	vy, hw := sampleHA()
	for _, c := range []struct {
		d    HAData
		want []string
	}{
		{vy, []string{"c runs update config-sync", "C: hrp sync connection-status is Huawei HRP only"}},
		{hw, []string{"c runs hrp sync config on the active member", "C also hrp sync connection-status"}},
	} {
		out := ansi.Strip(strings.Join(HALines(PlainConsoleStyles(), c.d, 200), "\n"))
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s HA lacks %q:\n%s", c.d.Family, w, out)
			}
		}
	}
}
