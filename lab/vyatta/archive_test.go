package vyatta

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// testClock is an injectable clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func hasRule(d *Device, rule string) bool {
	return d.Running().Root.Lookup(config.Path{"security", "firewall", "name", "WAN-IN", "rule", rule}) != nil
}

// TestOpenSSHRollbackArchive commits twice on vra-a with the OpenSSH
// client, reads the archive with `show system commit` (and `| match`),
// rolls back to the boot configuration with `rollback 2`, and checks that
// the rollback is a commit of its own: archived, and synced to vra-b.
func TestOpenSSHRollbackArchive(t *testing.T) {
	clk := newTestClock()
	p := vysshPair(t, PairOptions{Now: clk.Now})
	run := openSSHConfigure(t, p, p.A)
	clk.Advance(time.Minute)
	run("set security firewall name WAN-IN rule 50 action accept")
	if out := run("commit"); !strings.Contains(out, "syncing configuration to remote-router") {
		t.Fatalf("commit:\n%s", out)
	}
	clk.Advance(time.Minute)
	run("set security firewall name WAN-IN rule 60 action drop")
	run("commit")
	if !hasRule(p.B.Device, "50") || !hasRule(p.B.Device, "60") {
		t.Fatal("commits did not reach vra-b")
	}
	want := crlf("show system commit\n" +
		"0   2026-11-30 04:02:00 by vyatta via cli\n" +
		"1   2026-11-30 04:01:00 by vyatta via cli\n" +
		"2   2026-11-30 04:00:00 by root via boot-config-loader\n")
	if got := run("run show system commit"); !strings.HasPrefix(strings.TrimPrefix(got, "run "), want) {
		t.Fatalf("show system commit:\n%q\nwant prefix\n%q", got, want)
	}
	if got := run("compare 2"); !strings.Contains(got, "+ rule 50 {") || !strings.Contains(got, "+ rule 60 {") {
		t.Errorf("compare 2:\n%s", got)
	}

	clk.Advance(time.Minute)
	out := run("rollback 2")
	if !strings.Contains(out, "syncing configuration to remote-router") || strings.Contains(out, "config-sync error") {
		t.Fatalf("rollback:\n%s", out)
	}
	if hasRule(p.A.Device, "50") || hasRule(p.A.Device, "60") {
		t.Fatal("rollback 2 left the later commits running")
	}
	if hasRule(p.B.Device, "50") || hasRule(p.B.Device, "60") {
		t.Fatal("rollback did not sync to vra-b")
	}
	if !config.Equal(p.A.Device.Running().Root, p.A.Device.Revisions()[3].Tree.Root) {
		t.Error("running after rollback 2 is not the boot configuration")
	}
	got := run("run show system commit | match rollback|boot")
	lines := regexp.MustCompile(`(?m)^\d+ .*$`).FindAllString(strings.ReplaceAll(got, "\r", ""), -1)
	if len(lines) != 2 || lines[0] != "0   2026-11-30 04:03:00 by vyatta via rollback" || !strings.Contains(lines[1], "boot-config-loader") {
		t.Errorf("show system commit | match:\n%s", got)
	}
	if got := run("run show system commit | no-more"); !strings.Contains(got, "3   2026-11-30 04:00:00 by root via boot-config-loader") {
		t.Errorf("| no-more:\n%s", got)
	}
	if got := run("rollback 9"); !strings.Contains(got, "Invalid revision number") {
		t.Errorf("rollback 9:\n%s", got)
	}
}

// TestOpenSSHLoadMergeCompareSaved merges and loads files on vra-a over
// OpenSSH (each commit syncs to vra-b), and follows `compare saved`
// through a save.
func TestOpenSSHLoadMergeCompareSaved(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	run := openSSHConfigure(t, p, p.A)
	if got := run("compare saved"); !strings.Contains(got, "No changes between working and saved configurations.") {
		t.Fatalf("compare saved at boot:\n%s", got)
	}
	merge := "security {\n    firewall {\n        name WAN-IN {\n            rule 70 {\n                action accept\n                protocol tcp\n            }\n        }\n    }\n}\n"
	if err := os.WriteFile(filepath.Join(p.Dir, "extra.conf"), []byte(merge), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run("merge extra.conf"); !strings.Contains(got, "Merge complete.") {
		t.Fatalf("merge:\n%s", got)
	}
	if got := run("compare"); !strings.Contains(got, "+ rule 70 {") {
		t.Fatalf("compare after merge:\n%s", got)
	}
	run("commit")
	if !hasRule(p.A.Device, "70") || !hasRule(p.B.Device, "70") {
		t.Fatal("merged rule not committed and synced")
	}
	if got := run("compare saved"); !strings.Contains(got, "+ rule 70 {") {
		t.Errorf("compare saved after commit:\n%s", got)
	}

	// load: the file replaces the whole candidate (set form here).
	var b strings.Builder
	if err := config.WriteSet(&b, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(b.String(), "\n") {
		if !strings.Contains(l, "WAN-IN rule 70") && !strings.Contains(l, "WAN-IN rule 10 ") {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "full.conf"), []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run("load full.conf"); !strings.Contains(got, "Loading configuration from 'full.conf'...") || !strings.Contains(got, "Load complete.") {
		t.Fatalf("load:\n%s", got)
	}
	if got := run("commit"); !strings.Contains(got, "syncing configuration to remote-router") {
		t.Fatalf("commit after load:\n%s", got)
	}
	if hasRule(p.A.Device, "70") || hasRule(p.A.Device, "10") || hasRule(p.B.Device, "70") || hasRule(p.B.Device, "10") {
		t.Fatal("load did not replace the configuration, or the change was not synced")
	}
	if got := run("load no-such.conf"); !strings.Contains(got, "Cannot open configuration file no-such.conf") {
		t.Errorf("load of a missing file:\n%s", got)
	}

	// save: the boot file takes the running configuration, and compare
	// saved has nothing left to show.
	if got := run("save"); !strings.Contains(got, "Done") {
		t.Fatalf("save:\n%s", got)
	}
	if got := run("compare saved"); !strings.Contains(got, "No changes between working and saved configurations.") {
		t.Errorf("compare saved after save:\n%s", got)
	}
	boot, err := os.ReadFile(filepath.Join(p.Dir, "vra-a.config.boot"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(boot), "rule 70") {
		t.Error("boot file still holds the loaded-away rule")
	}
	run("set security firewall name WAN-IN rule 80 action accept")
	if got := run("compare saved"); !strings.Contains(got, "+ rule 80 {") {
		t.Errorf("compare saved with an uncommitted change:\n%s", got)
	}
}

func TestLoadRefusesSpecialFiles(t *testing.T) {
	d := devNew(t, Options{StateDir: t.TempDir()}, "set system host-name vra-a")
	s := d.NewSession("vyatta")
	for _, f := range []string{"/dev/zero", "/", "no-such-file"} {
		if err := s.Load(f); err == nil || !strings.HasPrefix(err.Error(), "Cannot ") {
			t.Errorf("load %s: %v", f, err)
		}
	}
}
