package vyatta

import (
	"context"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// vyCommit sets each line's words in a new session of d and commits,
// returning the commit's output.
func vyCommit(t *testing.T, d *Device, user string, lines ...string) string {
	t.Helper()
	s := d.NewSession(user)
	for _, l := range lines {
		words, err := SplitWords(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Set(words); err != nil {
			t.Fatalf("set %s: %v", l, err)
		}
	}
	var out []string
	err := s.Commit(context.Background(), func(l string) { out = append(out, l) })
	if err != nil {
		t.Fatalf("commit: %v\n%s", err, strings.Join(out, "\n"))
	}
	return strings.Join(out, "\n")
}

func timeZone(d *Device) string {
	n := d.Running().Root.Lookup(config.Path{"system", "time-zone"})
	if n == nil || len(n.Values) == 0 {
		return ""
	}
	return n.Values[0]
}

// TestVyOSServiceConfigSync: on a VyOS device, `service config-sync`
// sends its sections to the secondary after a commit that revised one,
// with the hook's INFO line in the commit output; a commit that revised
// none sends nothing; an unreachable secondary prints the ERROR line; a
// secondary that rejects the change leaves the primary's output silent.
func TestVyOSServiceConfigSync(t *testing.T) {
	p := vysshPair(t, PairOptions{Flavor: FlavorVyOS, Reject: [][]string{{"system", "option"}}})
	a, b := p.A.Device, p.B.Device
	info := "INFO:vyos_config_sync.py:Config synchronization: Mode=set, Secondary=" + SeedAddrB

	out := vyCommit(t, a, p.User,
		"service config-sync secondary address "+SeedAddrB,
		"service config-sync secondary key "+p.Password,
		"service config-sync mode set",
		"service config-sync section system time-zone",
		"service config-sync section system option")
	if strings.Contains(out, "vyos_config_sync") {
		t.Errorf("no section was revised, yet:\n%s", out)
	}

	out = vyCommit(t, a, p.User, "system time-zone Europe/Berlin")
	if !strings.Contains(out, info) {
		t.Errorf("commit output lacks %q:\n%s", info, out)
	}
	if got := timeZone(b); got != "Europe/Berlin" {
		t.Errorf("secondary time-zone %q, want Europe/Berlin", got)
	}

	out = vyCommit(t, a, p.User, "system domain-name other.example.net")
	if strings.Contains(out, "vyos_config_sync") {
		t.Errorf("a commit outside the sections synced:\n%s", out)
	}

	// The secondary refuses `system option`: only logged at debug level.
	out = vyCommit(t, a, p.User, "system option reboot-on-panic")
	if !strings.Contains(out, info) || strings.Contains(out, "ERROR") || strings.Contains(out, "error") {
		t.Errorf("a rejected sync shows on the primary:\n%s", out)
	}
	if b.Running().Root.Lookup(config.Path{"system", "option"}) != nil {
		t.Error("the secondary applied what it rejects")
	}
	if log := strings.Join(a.log.Recent(), "\n"); !strings.Contains(log, "DEBUG:vyos_config_sync.py:Set config for sections") {
		t.Errorf("the rejection is not in the primary's log:\n%s", log)
	}

	out = vyCommit(t, a, p.User, "service config-sync secondary address 203.0.113.9", "system time-zone UTC")
	if !strings.Contains(out, "ERROR:vyos_config_sync.py:An error occurred: ") {
		t.Errorf("unreachable secondary:\n%s", out)
	}
}
