package device

import (
	"reflect"
	"strings"
	"testing"
)

func lines(s string) []string { return strings.Split(strings.TrimPrefix(s, "\n"), "\n") }

func TestParseVRRP(t *testing.T) {
	lab := lines(`
                                 RFC        Addr   Last        Sync
Interface         Group  State    Compliant  Owner  Transition  Group
---------         -----  -----    ---------  -----  ----------  -----
dp0s1             1      MASTER   no         no     1m2s
dp0s2             10     BACKUP   no         no     1m2s        SG1`)
	want := []VRRPGroup{{"dp0s1", "1", "MASTER"}, {"dp0s2", "10", "BACKUP"}}
	if got := ParseVRRP(lab); !reflect.DeepEqual(got, want) {
		t.Errorf("lab table: %+v", got)
	}
	if r := vrrpRole(want); r != RoleMixed {
		t.Errorf("role %v", r)
	}
	// VyOS 1.4's table.
	vyos := lines(`
Name         Interface      VRID  State      Priority  Last Transition
-----------  -----------  ------  -------  ----------  -----------------
LAN          eth1              1  MASTER          200  2m
WAN          eth0             20  FAULT           100  5s`)
	want = []VRRPGroup{{"eth1", "1", "MASTER"}, {"eth0", "20", "FAULT"}}
	if got := ParseVRRP(vyos); !reflect.DeepEqual(got, want) {
		t.Errorf("VyOS table: %+v", got)
	}
	if r := vrrpRole(want); r != RoleFault || r.String() != "fault" {
		t.Errorf("a group in FAULT: %v", r)
	}
	if r := vrrpRole([]VRRPGroup{{"eth1", "1", "BACKUP"}, {"eth2", "2", "BACKUP"}}); r != RoleStandby {
		t.Errorf("all backup: %v", r)
	}
	if got := ParseVRRP(lines("Invalid command: [show vrrp]")); got != nil {
		t.Errorf("no table: %+v", got)
	}
}

func TestParseHRPState(t *testing.T) {
	// DOMAIN.md "HRP", and the lab's verbose block.
	h := ParseHRPState(lines(`
 Role: standby, peer: active
 Running priority: 44998, peer: 45000
 Core state: abnormal(standby), peer: abnormal(active)
 Backup channel usage: 0.00%
 Stable time: 0 days, 0 hours, 11 minutes
 Last state change information: 2026-11-30 05:00:00 HRP core state changed, old_state = normal, new_state = abnormal(standby).

 Configuration:
 hello interval:              1000ms
 auto-sync configuration:     on
 auto-sync connection-status: off
 auto-sync static-route:      on
 auto-sync policy-based-route: off
 standby config:              on`))
	want := HRPState{RoleText: "standby", PeerRole: "active", Priority: 44998, PeerPriority: 45000,
		Core: "abnormal(standby)", PeerCore: "abnormal(active)", Verbose: true,
		AutoSyncConfig: true, AutoSyncStaticRoute: true, StandbyConfig: true}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("got  %+v\nwant %+v", h, want)
	}
	if h.role() != RoleStandby {
		t.Errorf("role %v", h.role())
	}
	short := ParseHRPState(lines(" Role: active, peer: unknown\n Running priority: 45000, peer: unknown\n Core state: normal, peer: unknown"))
	if short.Verbose || short.PeerPriority != -1 || short.RoleText != "active" || !short.AutoSyncConfig {
		t.Errorf("short form: %+v", short)
	}
}

func TestParseHRPCheck(t *testing.T) {
	rows := ParseHRPCheck(lines(`
 Module            State      Start-time            End-time              Result
 ----------------------------------------------------------------------------------------------
 acl               Finish     2026-11-30 05:00:00   2026-11-30 05:00:01   Same Configuration
 security-policy   Finish     2026-11-30 05:00:00   2026-11-30 05:00:01   Different Configuration
 zone              Checking   2026-11-30 05:00:00   -                     -`))
	want := []HRPCheckRow{
		{"acl", "Finish", "2026-11-30 05:00:00", "2026-11-30 05:00:01", "Same Configuration"},
		{"security-policy", "Finish", "2026-11-30 05:00:00", "2026-11-30 05:00:01", "Different Configuration"},
		{"zone", "Checking", "2026-11-30 05:00:00", "-", "-"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %+v", rows)
	}
	if !rows[0].Same() || rows[1].Same() || rows[2].Same() {
		t.Error("Same")
	}
	if ParseHRPCheck(lines(" Module State Start-time End-time Result\n ------")) != nil {
		t.Error("rows from an empty table")
	}
}

func TestParseSessionTotal(t *testing.T) {
	for in, want := range map[string]int{" Current Total Sessions : 2": 2, "Current total sessions: 0": 0} {
		if n, ok := parseSessionTotal(in); !ok || n != want {
			t.Errorf("%q: %d %v", in, n, ok)
		}
	}
	if _, ok := parseSessionTotal(" icmp  VPN: public --> public 10.3.0.10:0 --> 1.1.1.10:2048"); ok {
		t.Error("a session line read as the total")
	}
}

// FuzzParseHA: the HA parsers take any device output without panicking,
// and what they return holds only what they document.
func FuzzParseHA(f *testing.F) {
	f.Add(" Role: active, peer: standby\n Running priority: 45000, peer: 45000\n Core state: normal\n auto-sync configuration: on")
	f.Add("Interface         Group  State    Compliant\n---------\ndp0s1             1      MASTER   no")
	f.Add(" Module State Start-time End-time Result\n ----\n acl Finish 2026-11-30 05:00:00 2026-11-30 05:00:01 Same Configuration")
	f.Add(" Current Total Sessions : 2")
	f.Fuzz(func(t *testing.T, text string) {
		ls := strings.Split(text, "\n")
		for _, g := range ParseVRRP(ls) {
			switch g.State {
			case "MASTER", "BACKUP", "FAULT", "INIT":
			default:
				t.Fatalf("state %q", g.State)
			}
			if g.Interface == "" || g.Group == "" {
				t.Fatalf("group %+v", g)
			}
		}
		h := ParseHRPState(ls)
		_ = h.role()
		for _, r := range ParseHRPCheck(ls) {
			if r.Module == "" {
				t.Fatalf("row %+v", r)
			}
		}
		for _, l := range ls {
			if n, ok := parseSessionTotal(l); ok && !strings.Contains(l, ":") {
				t.Fatalf("%q read as %d", l, n)
			}
		}
	})
}
