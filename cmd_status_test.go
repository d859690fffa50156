package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
)

// isolateHome points HOME at an empty directory, so that a live read sees
// no ~/.ssh/config or ~/.ssh/known_hosts of the machine running the test:
// only the lab's own known_hosts, named by its inventory.
func isolateHome(t *testing.T) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
}

// startVyattaPair starts an emulated Vyatta pair for one test and sets the
// lab password in the environment its inventory names.
func startVyattaPair(t *testing.T, o vyatta.PairOptions) *vyatta.Pair {
	t.Helper()
	isolateHome(t)
	o.Dir = t.TempDir()
	p, err := vyatta.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	t.Setenv(lab.PasswordEnv, p.Password)
	return p
}

func startHuaweiPair(t *testing.T) *huawei.Pair {
	t.Helper()
	isolateHome(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := huawei.StartPair(ctx, huawei.PairOptions{Dir: t.TempDir()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); cancel() })
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	t.Setenv(lab.PasswordEnv, p.Password)
	return p
}

// statusJSON runs `hasync status --json` on an inventory and decodes it.
func statusJSON(t *testing.T, inv string, extra ...string) (int, []pairStatus, string) {
	t.Helper()
	args := append([]string{"status", "--json", "--inventory", inv, "--audit", t.TempDir()}, extra...)
	code, out, errOut := hasync(t, args...)
	var st []pairStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\nstdout %q\nstderr %q", err, out, errOut)
	}
	return code, st, errOut
}

func deviceNamed(t *testing.T, p pairStatus, name string) deviceStatus {
	t.Helper()
	for _, d := range p.Devices {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("pair %s has no device %s: %+v", p.Name, name, p.Devices)
	return deviceStatus{}
}

// TestStatusHealthyPair: both members of the emulated Vyatta pair are
// read over SSH; status names their VRRP roles, the drift in scope of
// vra-a's own sync-map, the direction, and no last sync.
func TestStatusHealthyPair(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	code, st, errOut := statusJSON(t, p.Inventory)
	if code != 0 || len(st) != 1 {
		t.Fatalf("exit %d, %d pairs; stderr %s", code, len(st), errOut)
	}
	s := st[0]
	for _, name := range []string{"vra-a", "vra-b"} {
		d := deviceNamed(t, s, name)
		if !d.Reachable || d.Role == "" || d.SavedDiffers == nil {
			t.Errorf("%s: %+v", name, d)
		}
	}
	if s.Differences == nil || s.Differences.InScope == 0 {
		t.Errorf("the drifted pair shows no in-scope difference: %+v", s)
	}
	if s.Source != "vra-a" || s.Target != "vra-b" || s.SyncMap != vyatta.SeedSyncMap || s.SyncMapCarrier != "vra-a" {
		t.Errorf("direction %s → %s, map %q carried by %q; want vra-a → vra-b under %s carried by vra-a", s.Source, s.Target, s.SyncMap, s.SyncMapCarrier, vyatta.SeedSyncMap)
	}
	if s.LastSync != "never" {
		t.Errorf("last sync %q with an empty audit directory", s.LastSync)
	}
	// The text form says the same.
	code, out, errOut := hasync(t, "status", "--inventory", p.Inventory, "--audit", t.TempDir())
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"lab-vyatta (vyatta): ", "in-scope difference", "vra-a → vra-b", "last sync never", "vra-a", "vra-b", "reachable"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

// TestStatusUnreachableReasons: a member that refuses connections, drops
// in the middle of its output, fails authentication or presents another
// host key is shown unreachable with that reason, the other member read,
// and status exits 2.
func TestStatusUnreachableReasons(t *testing.T) {
	cases := []struct {
		name   string
		fault  func(f *lab.Faults)
		reason string
		// why is the text form's reason: only a connection failure
		// reads "unreachable".
		why   string
		extra []string
	}{
		{"refuse", func(f *lab.Faults) { f.SetRefuse(true) }, "refused", "unreachable: refused", nil},
		{"drop", func(f *lab.Faults) { f.SetDropAfterLines(5) }, "dropped", "dropped", nil},
		{"fail-auth", func(f *lab.Faults) { f.SetFailAuth(true) }, "auth failed", "auth failed", nil},
		{"changed-host-key", func(f *lab.Faults) { f.SetChangedHostKey(true) }, "host key changed", "host key changed", nil},
		// Every answer an hour late: the pair's --timeout ends the read.
		{"delay", func(f *lab.Faults) { f.SetDelay(time.Hour) }, "timeout", "timeout after 2s (--timeout)", []string{"--timeout", "2s"}},
	}
	p := startVyattaPair(t, vyatta.PairOptions{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fault(p.B.Faults)
			t.Cleanup(func() {
				f := p.B.Faults
				f.SetRefuse(false)
				f.SetDropAfterLines(0)
				f.SetFailAuth(false)
				f.SetChangedHostKey(false)
				f.SetDelay(0)
			})
			code, st, errOut := statusJSON(t, p.Inventory, c.extra...)
			if code != 2 || len(st) != 1 {
				t.Fatalf("exit %d, %d pairs, want 2; stderr %s", code, len(st), errOut)
			}
			a, b := deviceNamed(t, st[0], "vra-a"), deviceNamed(t, st[0], "vra-b")
			if !a.Reachable {
				t.Errorf("vra-a, without a fault: %+v", a)
			}
			if b.Reachable || b.Reason != c.reason {
				t.Errorf("vra-b: reachable %v, reason %q (%s); want %q", b.Reachable, b.Reason, b.Error, c.reason)
			}
			if st[0].Differences != nil {
				t.Errorf("a pair with one member unread was compared: %+v", st[0].Differences)
			}
			if strings.Contains(b.Error+errOut, p.Password) {
				t.Error("the lab password appears in the output")
			}
			_, out, _ := hasync(t, append([]string{"status", "--inventory", p.Inventory, "--audit", t.TempDir()}, c.extra...)...)
			if !regexp.MustCompile(`(?m)vra-b\s+\S+\s+` + regexp.QuoteMeta(c.why) + `$`).MatchString(out) {
				t.Errorf("text status does not give vra-b's reason %q:\n%s", c.why, out)
			}
			// The device named once, no Go internals.
			for _, bad := range []string{"vra-b: vra-b:", "context deadline exceeded", "ssh: handshake failed", "ssh: unable to authenticate"} {
				if strings.Contains(out, bad) || strings.Contains(b.Error, bad) {
					t.Errorf("%q in the error text:\n%s", bad, out)
				}
			}
			if c.reason == "timeout" && !strings.Contains(b.Error, "2s (--timeout)") {
				t.Errorf("a timeout that does not name --timeout 2s: %s", b.Error)
			}
		})
	}
}

// TestStatusHRPRoles: the HRP pair shows FW-A active and FW-B standby, the
// hrp map from the active member; after a failover the roles and the
// direction turn.
func TestStatusHRPRoles(t *testing.T) {
	p := startHuaweiPair(t)
	roles := func() (string, string, pairStatus) {
		code, st, errOut := statusJSON(t, p.Inventory)
		if code != 0 || len(st) != 1 {
			t.Fatalf("exit %d, %d pairs; stderr %s", code, len(st), errOut)
		}
		return deviceNamed(t, st[0], "FW-A").Role, deviceNamed(t, st[0], "FW-B").Role, st[0]
	}
	a, b, s := roles()
	if a != "active" || b != "standby" {
		t.Errorf("roles FW-A %q, FW-B %q; want active, standby", a, b)
	}
	if s.Source != "FW-A" || s.SyncMap != "hrp" || !strings.HasPrefix(s.SyncMapFrom, "built in") {
		t.Errorf("source %s, map %q", s.Source, s.SyncMap)
	}
	p.HRP.Failover()
	a, b, s = roles()
	if a != "standby" || b != "active" {
		t.Errorf("after the failover: FW-A %q, FW-B %q; want standby, active", a, b)
	}
	if s.Source != "FW-B" {
		t.Errorf("after the failover the source is %s, want FW-B", s.Source)
	}
}

// TestDiffPair: `diff --pair` reads both live members: the drifted lab
// pair exits 1 with the in-scope commands; after a commit on vra-a, whose
// config-sync pushes the map's part to vra-b, it exits 0.
func TestDiffPair(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	code, out, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--format", "commands")
	if code != 1 || !regexp.MustCompile(`(?m)^(set|delete) `).MatchString(out) {
		t.Fatalf("drifted pair: exit %d, want 1\n%s%s", code, out, errOut)
	}
	code, out, errOut = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--width", "120")
	if code != 1 || !strings.Contains(out, "sync-map: "+vyatta.SeedSyncMap+" (carried by vra-a") {
		t.Fatalf("side view: exit %d\n%s%s", code, out, errOut)
	}
	// A commit on vra-a syncs its map's part to vra-b.
	cfg := labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
	sh := labtest.OpenShell(t, labtest.Dial(t, "vra-a", p.A.SSH.Addr(), cfg))
	sh.Expect("vyatta@vra-a:~$ ")
	sh.Run("configure", "vyatta@vra-a# ")
	sh.Run("set system login banner pre-login 'synced by test'", "vyatta@vra-a# ")
	if out := sh.Run("commit", "vyatta@vra-a# "); strings.Contains(out, "error") {
		t.Fatalf("commit on vra-a: %s", out)
	}
	sh.Run("exit", "vyatta@vra-a:~$ ")
	code, out, errOut = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--format", "unified")
	if code != 0 {
		t.Errorf("after config-sync: exit %d, want 0\n%s%s", code, out, errOut)
	}
	// Errors: no such pair, files with --pair.
	if code, _, errOut := hasync(t, "diff", "--pair", "nope", "--inventory", p.Inventory); code != 2 || !strings.Contains(errOut, "lab-vyatta") {
		t.Errorf("unknown pair: exit %d, %q", code, errOut)
	}
	if code, _, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "a", "b"); code != 2 || !strings.Contains(errOut, "--pair") {
		t.Errorf("--pair with files: exit %d, %q", code, errOut)
	}
	p.B.Faults.SetRefuse(true)
	if code, _, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory); code != 2 || !strings.Contains(errOut, "vra-b: unreachable: refused") || strings.Count(errOut, "vra-b") != 1 {
		t.Errorf("refusing member: exit %d, %q", code, errOut)
	}
}

// TestDiffPairVyOS: a VyOS-flavoured pair reads as the VRA pair does: the
// same in-scope commands from the same seed.
func TestDiffPairVyOS(t *testing.T) {
	outs := map[vyatta.Flavor]string{}
	for _, fl := range []vyatta.Flavor{vyatta.FlavorVRA, vyatta.FlavorVyOS} {
		p := startVyattaPair(t, vyatta.PairOptions{Flavor: fl})
		code, out, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--format", "commands")
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1\n%s%s", fl, code, out, errOut)
		}
		outs[fl] = out
		code, st, errOut := statusJSON(t, p.Inventory)
		if code != 0 || st[0].Differences == nil || st[0].Differences.InScope == 0 {
			t.Errorf("%s: status exit %d: %+v %s", fl, code, st, errOut)
		}
	}
	if outs[vyatta.FlavorVRA] != outs[vyatta.FlavorVyOS] {
		t.Errorf("the VyOS pair's plan differs from the VRA pair's:\nVRA:\n%s\nVyOS:\n%s", outs[vyatta.FlavorVRA], outs[vyatta.FlavorVyOS])
	}
}

// TestLastSync reads the newest record of a pair's audit file.
// TestLastSync reads the newest record of a pair's audit log
// (backend/audit), with its result: a sync the remote refused is not
// shown as a sync that went through.
func TestLastSync(t *testing.T) {
	dir := t.TempDir()
	if at, res := lastSyncResult(dir, "p"); at != "never" || res != "" {
		t.Errorf("no file: %q %q", at, res)
	}
	l, err := audit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ok := audit.Record{Time: time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC), Pair: "p", Result: audit.OK}
	refused := audit.Record{Time: time.Date(2026, 11, 30, 6, 0, 0, 0, time.FixedZone("", 3600)), Pair: "p", Result: audit.Refused,
		Errors: []audit.RemoteError{{Path: "nat", Lines: []string{"Commit failed"}}}}
	for _, r := range []audit.Record{ok, refused} {
		if err := l.Append(r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if at, res := lastSyncResult(dir, "p"); at != "2026-11-30T05:00:00Z" || res != "refused (1 error)" {
		t.Errorf("last sync %q %q; want 2026-11-30T05:00:00Z refused (1 error)", at, res)
	}
	if err := l.Append(audit.Record{Time: time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC), Pair: "p", Result: audit.OK}, nil); err != nil {
		t.Fatal(err)
	}
	if at, res := lastSyncResult(dir, "p"); at != "2026-11-30T07:00:00Z" || res != "ok" {
		t.Errorf("last sync %q %q; want ok", at, res)
	}
	if at, _ := lastSyncResult("", "p"); at != "never" {
		t.Errorf("no directory: %q", at)
	}
	missing := filepath.Join(dir, "missing")
	if at, _ := lastSyncResult(missing, "p"); at != "never" {
		t.Errorf("missing directory: %q", at)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("status made the audit directory it only reads")
	}
}

// cancelAfter is a writer that cancels a context after n writes.
type cancelAfter struct {
	n, writes int
	cancel    context.CancelFunc
	buf       strings.Builder
}

func (w *cancelAfter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	w.writes++
	if w.writes >= w.n {
		w.cancel()
	}
	return len(b), nil
}

// TestStatusWatch: --watch reads again after each interval until
// interrupted, then exits as the last complete read says.
func TestStatusWatch(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	for _, refuse := range []bool{false, true} {
		p.B.Faults.SetRefuse(refuse)
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelAfter{n: 3, cancel: cancel}
		err := runStatus(ctx, w, statusFlags{watch: true, interval: time.Millisecond, inventory: p.Inventory,
			jobs: 2, audit: t.TempDir(), timeout: time.Minute})
		cancel()
		if got := strings.Count(w.buf.String(), "hasync status, "); got != 3 {
			t.Errorf("refuse %v: %d reads shown, want 3:\n%s", refuse, got, w.buf.String())
		}
		var ee *exitError
		switch {
		case !refuse && err != nil:
			t.Errorf("all reachable: %v", err)
		case refuse && (!errors.As(err, &ee) || ee.code != 2):
			t.Errorf("vra-b refusing: %v, want exit 2", err)
		}
	}
	p.B.Faults.SetRefuse(false)
}

// TestStatusBadInput: an inventory that does not load, an unknown pair
// and bad flags exit 2 with one line that says what was expected.
func TestStatusBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(bad, []byte("pairs:\n  - name: x\n    colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startVyattaPair(t, vyatta.PairOptions{})
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"status", "--inventory", bad}, []string{bad + ":3:"}},
		{[]string{"status", "--inventory", filepath.Join(dir, "missing.yaml")}, []string{"missing.yaml"}},
		{[]string{"status", "--inventory", p.Inventory, "--pair", "nope"}, []string{"--pair nope", "lab-vyatta"}},
		{[]string{"status", "--inventory", p.Inventory, "--jobs", "0"}, []string{"--jobs 0", "expected"}},
		{[]string{"status", "--inventory", p.Inventory, "--interval", "x"}, []string{"--interval"}},
		{[]string{"status", "--inventory", p.Inventory, "--interval", "5s"}, []string{"--interval 5s", "--watch"}},
		{[]string{"diff", "--pair", "nope", "--inventory", bad}, []string{bad + ":3:"}},
	}
	for _, c := range cases {
		code, out, errOut := hasync(t, c.args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", c.args, code, out)
		}
		if n := strings.Count(errOut, "\n"); n != 1 {
			t.Errorf("%v: %d lines on stderr: %q", c.args, n, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q lacks %q", c.args, errOut, w)
			}
		}
	}
}

// TestStatusUnknownHost: with the lab's known_hosts emptied, both keys are
// unknown and refused (no terminal to ask on); --accept-new reads both
// and records their keys, which the next run checks.
func TestStatusUnknownHost(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	kh := filepath.Join(p.Dir, lab.KnownHostsFile)
	if err := os.WriteFile(kh, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, st, _ := statusJSON(t, p.Inventory)
	for _, name := range []string{"vra-a", "vra-b"} {
		if d := deviceNamed(t, st[0], name); d.Reachable || d.Reason != "unknown host key" {
			t.Errorf("%s with no known key: %+v", name, d)
		}
	}
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if code, st, errOut := statusJSON(t, p.Inventory, "--accept-new"); code != 0 || !st[0].Devices[0].Reachable || !st[0].Devices[1].Reachable {
		t.Fatalf("--accept-new: exit %d %+v %s", code, st, errOut)
	}
	b, err := os.ReadFile(kh)
	if err != nil {
		t.Fatal(err)
	}
	for _, srv := range []*lab.SSHServer{p.A.SSH, p.B.SSH} {
		if !strings.Contains(string(b), fmt.Sprintf("[127.0.0.1]:%d ", srv.Port())) {
			t.Errorf("known_hosts does not record port %d:\n%s", srv.Port(), b)
		}
	}
	if code, _, errOut := statusJSON(t, p.Inventory); code != 0 {
		t.Errorf("after recording: exit %d %s", code, errOut)
	}
}

// TestStatusCompareError: both devices read, but the inventory names a
// sync-map neither carries: the pair is not compared, which status says,
// and it exits 2; diff --pair with that map exits 2 with the same reason.
func TestStatusCompareError(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	b, err := os.ReadFile(p.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(\s*-?\s*)name: lab-vyatta$`)
	if !re.Match(b) {
		t.Fatalf("no pair lab-vyatta in\n%s", b)
	}
	inv := filepath.Join(p.Dir, "nope.yaml")
	text := re.ReplaceAllString(string(b), "${1}name: lab-vyatta\n  sync_map: NOPE")
	text = regexp.MustCompile(`(?m)^  sync_map: [^N].*\n`).ReplaceAllString(text, "")
	if err := os.WriteFile(inv, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, st, errOut := statusJSON(t, inv)
	if code != 2 || len(st) != 1 {
		t.Fatalf("exit %d, %d pairs, want 2; stderr %s\n%s", code, len(st), errOut, text)
	}
	if !st[0].Devices[0].Reachable || !st[0].Devices[1].Reachable || st[0].Differences != nil || !strings.Contains(st[0].CompareError, "sync-map NOPE") {
		t.Errorf("status %+v", st[0])
	}
	if code, _, errOut := hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", p.Inventory, "--sync-map", "NOPE"); code != 2 || !strings.Contains(errOut, "sync-map NOPE") || !strings.Contains(errOut, vyatta.SeedSyncMap) {
		t.Errorf("diff --pair --sync-map NOPE: exit %d, %q", code, errOut)
	}
}

// TestStatusText pins the text form: a compared pair with its direction,
// map, counts and last sync; devices with role, detail, saved state and
// sessions; an unreachable device with its reason, then its error in full.
func TestStatusText(t *testing.T) {
	yes, no, sessions := true, false, 20
	st := []pairStatus{
		{
			Name: "dc1-edge", Family: "vyatta", Source: "vra-a", Target: "vra-b", SyncMap: "EDGE", SyncMapFrom: "carried by vra-a", SyncMapCarrier: "vra-a",
			Differences: &compare.Counts{InScope: 3, Outside: 2, Protected: 1}, LastSync: "2026-11-30T05:00:00Z", LastSyncResult: "refused (1 error)",
			Devices: []deviceStatus{
				{Name: "vra-a", Address: "192.0.2.1:22", Reachable: true, Role: "master", HA: "VRRP dp0s1/1 MASTER", SavedDiffers: &no},
				{Name: "vra-b", Address: "192.0.2.2:22", Reachable: true, Role: "backup", SavedDiffers: &yes},
			},
		},
		{
			Name: "dc2-fw", Family: "huawei", CompareError: "FW-B not read", LastSync: "never",
			Devices: []deviceStatus{
				{Name: "FW-A", Address: "198.51.100.1:22", Reachable: true, Role: "active", HA: "core state normal", SavedDiffers: &no, Sessions: &sessions},
				{Name: "FW-B", Address: "198.51.100.2:22", Reason: "auth failed", Error: "ssh admin@198.51.100.2:22: authentication failed (tried publickey)"},
			},
		},
		{
			Name: "dc3-edge", Family: "vyatta", CompareError: "vra-d not read", LastSync: "2026-11-30T06:48:21Z", LastSyncResult: "ok",
			Devices: []deviceStatus{
				{Name: "vra-c", Address: "192.0.2.3:22", Reason: "refused", why: "unreachable: refused", Error: "ssh 192.0.2.3:22: unreachable: the server closed the connection before the SSH handshake"},
				{Name: "vra-d", Address: "192.0.2.4:22", Reason: "timeout", why: "timeout after 30s (--timeout)", Error: "login: timeout after 30s (--timeout)"},
			},
		},
	}
	var b strings.Builder
	if err := writeStatus(&b, st, false); err != nil {
		t.Fatal(err)
	}
	goldenOut(t, "status", b.String())
	if err := statusExit(st); err == nil {
		t.Error("a pair with an unread device exits 0")
	}
	if err := statusExit(st[:1]); err != nil {
		t.Errorf("a compared pair of two read devices: %v", err)
	}
}

// TestDiffPairHRP: a Huawei pair is compared from its HRP-active member
// under the hrp map, and its commands are those of `hrp sync config`
// (what the standby lacks; the rest listed as not synced). After a
// failover the other member is the source.
func TestDiffPairHRP(t *testing.T) {
	p := startHuaweiPair(t)
	code, out, errOut := hasync(t, "diff", "--pair", "lab-huawei", "--inventory", p.Inventory, "--format", "commands")
	if code != 1 || !regexp.MustCompile(`(?m)^# not synced: .*hrp sync config`).MatchString(out) {
		t.Fatalf("exit %d, want 1 and the HRP plan's conflicts\n%s%s", code, out, errOut)
	}
	source := func() string {
		code, out, errOut := hasync(t, "diff", "--pair", "lab-huawei", "--inventory", p.Inventory, "--format", "unified")
		if code != 1 {
			t.Fatalf("unified: exit %d\n%s%s", code, out, errOut)
		}
		m := regexp.MustCompile(`(?m)^--- (\S+) \(source\)\n\+\+\+ (\S+) \(target\)\nsync-map: hrp `).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no source/target/hrp header:\n%s", out)
		}
		return m[1]
	}
	if s := source(); s != "FW-A" {
		t.Errorf("source %s, want the active FW-A", s)
	}
	p.HRP.Failover()
	if s := source(); s != "FW-B" {
		t.Errorf("after the failover the source is %s, want FW-B", s)
	}
}

// TestStatusLabFaultCommand: the faults as a user turns them on a running
// lab, with `hasync lab fault` through its control socket: a member that
// refuses, then one that drops in the middle of its output, then cleared.
func TestStatusLabFaultCommand(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	ctl, err := lab.ServeControl(p.Dir, vyattaControl(p))
	if errors.Is(err, lab.ErrControlPath) {
		t.Skipf("no control socket in %s: %v", p.Dir, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	fault := func(verb ...string) {
		t.Helper()
		args := append([]string{"lab", "fault", "--state", p.Dir, "--device", "vra-b"}, verb...)
		if code, out, errOut := hasync(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out, errOut)
		}
	}
	for _, c := range []struct {
		verb   []string
		reason string
	}{
		{[]string{"refuse"}, "refused"},
		{[]string{"drop-after-lines", "5"}, "dropped"},
	} {
		fault("clear")
		fault(c.verb...)
		code, st, errOut := statusJSON(t, p.Inventory)
		b := deviceNamed(t, st[0], "vra-b")
		if code != 2 || b.Reachable || b.Reason != c.reason {
			t.Errorf("lab fault %v: exit %d, vra-b %+v, want reason %q; %s", c.verb, code, b, c.reason, errOut)
		}
	}
	fault("clear")
	if code, _, errOut := statusJSON(t, p.Inventory); code != 0 {
		t.Errorf("after lab fault clear: exit %d %s", code, errOut)
	}
}

// TestStatusDualActive: a split brain (the HRP pair with its heartbeat
// lost, both members active) is an error of the pair: status shows both
// active, chooses no direction and exits 2 with the reason; diff --pair
// exits 2 with it too, instead of comparing from one of them.
func TestStatusDualActive(t *testing.T) {
	p := startHuaweiPair(t)
	// As a user turns it: hasync lab fault through the control socket.
	ctl, err := lab.ServeControl(p.Dir, huaweiControl(p))
	if errors.Is(err, lab.ErrControlPath) {
		t.Logf("no control socket in %s (%v): the fault through the Go API", p.Dir, err)
		p.HRP.SetDualActive(true)
	} else if err != nil {
		t.Fatal(err)
	} else {
		t.Cleanup(func() { ctl.Close() })
		if code, out, errOut := hasync(t, "lab", "fault", "--state", p.Dir, "--device", "FW-A", "dual-active"); code != 0 {
			t.Fatalf("lab fault dual-active: exit %d: %s%s", code, out, errOut)
		}
	}
	code, st, errOut := statusJSON(t, p.Inventory)
	if code != 2 || len(st) != 1 {
		t.Fatalf("exit %d, %d pairs, want 2; stderr %s", code, len(st), errOut)
	}
	s := st[0]
	if a, b := deviceNamed(t, s, "FW-A"), deviceNamed(t, s, "FW-B"); a.Role != "active" || b.Role != "active" {
		t.Errorf("roles %q %q, want both active", a.Role, b.Role)
	}
	if s.Source != "" || s.Target != "" || s.Differences != nil || !strings.Contains(s.CompareError, "dual active: both members active") {
		t.Errorf("dual active: source %q target %q differences %v, compare error %q", s.Source, s.Target, s.Differences, s.CompareError)
	}
	_, out, _ := hasync(t, "status", "--inventory", p.Inventory, "--audit", t.TempDir())
	if !strings.Contains(out, "not compared (dual active: both members active") || strings.Contains(out, "→") {
		t.Errorf("text status:\n%s", out)
	}
	code, out, errOut = hasync(t, "diff", "--pair", "lab-huawei", "--inventory", p.Inventory)
	if code != 2 || out != "" || !strings.Contains(errOut, "dual active: both members active") || strings.Contains(errOut, "compare: ") {
		t.Errorf("diff --pair: exit %d, stdout %q, stderr %q; want 2 and the reason", code, out, errOut)
	}
}

// TestFailureText: a missing password is said as such, with the variable
// it was looked for in, and the error names the device once without the
// SSH library's layers.
func TestFailureText(t *testing.T) {
	inner := &inventory.NoPasswordError{Device: "vra-a", Env: "HASYNC_LAB_PASSWORD"}
	err := fmt.Errorf("vra-a: ssh 127.0.0.1:46639: ssh: handshake failed: %w", inner)
	reason, why := failure(err, 30*time.Second)
	if reason != "no password" || why != "no password: HASYNC_LAB_PASSWORD is not set" {
		t.Errorf("reason %q, why %q", reason, why)
	}
	if got := errorText("vra-a", err, 30*time.Second); got != "ssh 127.0.0.1:46639: no password: HASYNC_LAB_PASSWORD is not set" {
		t.Errorf("error text %q", got)
	}
	if got := deviceError("vra-a", err, 0); got != "vra-a: ssh 127.0.0.1:46639: no password: HASYNC_LAB_PASSWORD is not set" {
		t.Errorf("diff --pair's text %q", got)
	}
	err = fmt.Errorf("vra-b: ssh 127.0.0.1:46640: %w", &inventory.NoPasswordError{Device: "vra-b", Prompt: true})
	if got := errorText("vra-b", err, 0); got != "ssh 127.0.0.1:46640: no password: no terminal to ask on (password_prompt)" {
		t.Errorf("password_prompt text %q", got)
	}
	err = fmt.Errorf("vra-b: vra-b: show configuration commands: %w", context.DeadlineExceeded)
	if reason, why := failure(err, 30*time.Second); reason != "timeout" || why != "timeout after 30s (--timeout)" {
		t.Errorf("timeout: %q %q", reason, why)
	}
	if got := errorText("vra-b", err, 30*time.Second); got != "show configuration commands: timeout after 30s (--timeout)" {
		t.Errorf("timeout text %q", got)
	}
}

// TestStatusNoPassword: an inventory whose only credential is a password
// variable that is not set: each device reads "no password: VAR is not
// set" (not "unreachable"), named once; diff --pair says the same.
func TestStatusNoPassword(t *testing.T) {
	p := startVyattaPair(t, vyatta.PairOptions{})
	b, err := os.ReadFile(p.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\s*(key_file|password_file):.*\n`)
	if !re.Match(b) {
		t.Fatalf("no key_file or password_file in\n%s", b)
	}
	inv := filepath.Join(p.Dir, "env-only.yaml")
	if err := os.WriteFile(inv, re.ReplaceAll(b, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(lab.PasswordEnv, "")
	os.Unsetenv(lab.PasswordEnv)
	code, st, errOut := statusJSON(t, inv)
	if code != 2 || len(st) != 1 {
		t.Fatalf("exit %d, %d pairs, want 2; stderr %s", code, len(st), errOut)
	}
	for _, name := range []string{"vra-a", "vra-b"} {
		if d := deviceNamed(t, st[0], name); d.Reachable || d.Reason != "no password" {
			t.Errorf("%s: %+v", name, d)
		}
	}
	_, out, _ := hasync(t, "status", "--inventory", inv, "--audit", t.TempDir())
	want := "no password: " + lab.PasswordEnv + " is not set"
	if !regexp.MustCompile(`(?m)^  vra-a\s+\S+\s+`+regexp.QuoteMeta(want)+`$`).MatchString(out) || strings.Contains(out, "unreachable") || strings.Contains(out, "vra-a: vra-a") {
		t.Errorf("text status:\n%s", out)
	}
	code, _, errOut = hasync(t, "diff", "--pair", "lab-vyatta", "--inventory", inv)
	if code != 2 || !strings.Contains(errOut, want) || strings.Count(errOut, "vra-a") != 1 || strings.Contains(errOut, "handshake") {
		t.Errorf("diff --pair: exit %d, %q", code, errOut)
	}
}
