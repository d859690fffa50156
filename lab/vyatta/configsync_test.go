package vyatta

import (
	"context"
	"github.com/hasync/hasync/internal/golden"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab"
)

// syncWords splits a set line into words; '...' quotes one word.
func syncWords(line string) []string {
	var words []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] == '\'' {
			end := strings.IndexByte(line[1:], '\'')
			if end < 0 {
				end = len(line) - 1
			}
			words = append(words, line[1:end+1])
			line = line[min(end+2, len(line)):]
			continue
		}
		w, rest, _ := strings.Cut(line, " ")
		words, line = append(words, w), rest
	}
	return words
}

// syncTree builds a tree from set lines with the device's own set rules.
func syncTree(t *testing.T, lines ...string) *config.Tree {
	t.Helper()
	tr := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	for _, l := range lines {
		words := syncWords(l)
		if len(words) == 0 || words[0] != "set" {
			t.Fatalf("not a set line: %q", l)
		}
		if err := setPath(tr.Root, words[1:], FlavorVRA); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
	}
	return tr
}

// syncPairLocal is vra-a: the map shares firewall (but not the LOCAL
// ruleset) and system login.
var syncPairLocal = []string{
	"set system host-name vra-a",
	"set system config-sync sync-map TEST rule 1 action include",
	"set system config-sync sync-map TEST rule 1 location firewall",
	"set system config-sync sync-map TEST rule 2 action exclude",
	"set system config-sync sync-map TEST rule 2 location 'firewall name LOCAL'",
	"set system config-sync sync-map TEST rule 3 action include",
	"set system config-sync sync-map TEST rule 3 location 'system login'",
	"set system config-sync remote-router 10.0.0.2 username vyatta",
	"set system config-sync remote-router 10.0.0.2 password 's3cret'",
	"set system config-sync remote-router 10.0.0.2 sync-map TEST",
	"set system login user admin full-name 'Lab Admin'",
	"set system login user admin authentication plaintext-password '********'",
	"set firewall group address-group SERVERS address 10.1.0.5",
	"set firewall group address-group SERVERS address 10.1.0.6",
	"set firewall name WAN_IN default-action drop",
	"set firewall name WAN_IN rule 10 action accept",
	"set firewall name WAN_IN rule 10 description 'web to \"servers\"'",
	"set firewall name WAN_IN rule 10 destination group address-group SERVERS",
	"set firewall name WAN_IN rule 10 state established enable",
	"set firewall name LOCAL rule 1 action accept",
	"set service https listen-address 10.0.0.1",
}

// syncPairRemote is vra-b, drifted inside and outside the map.
var syncPairRemote = []string{
	"set system host-name vra-b",
	"set system config-sync sync-map OTHER rule 1 action include",
	"set system config-sync sync-map OTHER rule 1 location nat",
	"set system login user admin authentication plaintext-password 'real-secret'",
	"set firewall group address-group SERVERS address 10.1.0.7",
	"set firewall name WAN_IN default-action accept",
	"set firewall name WAN_IN rule 10 action accept",
	"set firewall name OLD rule 5 action drop",
	"set firewall name LOCAL rule 99 action drop",
	"set service https listen-address 10.0.0.2",
}

func syncTestMap(t *testing.T, local *config.Tree) *syncmap.Map {
	t.Helper()
	ts, err := syncTargets(local)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].m == nil || ts[0].password != "s3cret" {
		t.Fatalf("targets = %+v", ts)
	}
	return ts[0].m
}

func TestSyncPlanGolden(t *testing.T) {
	local, remote := syncTree(t, syncPairLocal...), syncTree(t, syncPairRemote...)
	cmds := syncPlan(syncTestMap(t, local), local.Root, remote.Root)
	var b strings.Builder
	for _, c := range cmds {
		b.WriteString(c.String() + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "configsync_plan.golden"), b.String())
}

// TestSyncPlanConverges applies the plan to the remote with the device's
// own set/delete and checks that the mapped parts are then equal, that the
// rest of the remote is untouched, and that a second plan is empty.
func TestSyncPlanConverges(t *testing.T) {
	local, remote := syncTree(t, syncPairLocal...), syncTree(t, syncPairRemote...)
	m := syncTestMap(t, local)
	before := remote.Root.Clone()
	for _, c := range syncPlan(m, local.Root, remote.Root) {
		var err error
		if c.Delete {
			err = deletePath(remote.Root, c.Path)
		} else {
			err = setPath(remote.Root, c.Path, FlavorVRA)
		}
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if again := syncPlan(m, local.Root, remote.Root); len(again) != 0 {
		t.Fatalf("second plan not empty: %v", again)
	}
	// Outside the map nothing changed.
	for _, p := range []config.Path{
		{"system", "host-name"},
		{"system", "config-sync"},
		{"service", "https"},
		{"firewall", "name", "LOCAL"},
		{"system", "login", "user", "admin", "authentication", "plaintext-password"},
	} {
		b, a := before.Lookup(p), remote.Root.Lookup(p)
		if (b == nil) != (a == nil) || (b != nil && !config.Equal(a, b)) {
			t.Errorf("%s changed on the remote", p)
		}
	}
	// Inside it, the remote now has local's values.
	got := remote.Root.Lookup(config.Path{"firewall", "group", "address-group", "SERVERS", "address"})
	if got == nil || !slices.Equal(got.Values, []string{"10.1.0.5", "10.1.0.6"}) {
		t.Fatalf("SERVERS address = %v", got)
	}
	if remote.Root.Lookup(config.Path{"firewall", "name", "OLD"}) != nil {
		t.Fatal("remote-only ruleset OLD was not deleted")
	}
}

// TestSyncPlanNeverSendsProtected uses a map that includes everything at
// the top: system config-sync and service https must still never be sent.
func TestSyncPlanNeverSendsProtected(t *testing.T) {
	local, remote := syncTree(t, syncPairLocal...), syncTree(t, syncPairRemote...)
	m := &syncmap.Map{Name: "ALL", Family: config.Vyatta, Rules: []syncmap.Rule{
		{Number: 1, Action: syncmap.Include, Location: []string{"system"}},
		{Number: 2, Action: syncmap.Include, Location: []string{"service"}},
		{Number: 3, Action: syncmap.Include, Location: []string{"firewall"}},
	}}
	cmds := syncPlan(m, local.Root, remote.Root)
	if len(cmds) == 0 {
		t.Fatal("empty plan for drifted trees")
	}
	for _, c := range cmds {
		s := strings.Join(c.Path, " ")
		if strings.HasPrefix(s, "system config-sync") || strings.HasPrefix(s, "service https") {
			t.Errorf("protected path sent: %s", c)
		}
		if slices.Contains(c.Path, config.Mask) {
			t.Errorf("masked secret sent: %s", c)
		}
	}
	// host-name is in this map: it is synced (hasync warns about it, the
	// device does as told).
	if !slices.ContainsFunc(cmds, func(c syncCmd) bool { return c.String() == "set system host-name 'vra-a'" }) {
		t.Errorf("host-name not in the plan: %v", cmds)
	}
}

func TestSyncCmdString(t *testing.T) {
	for _, c := range []struct {
		cmd  syncCmd
		want string
	}{
		{syncCmd{Path: []string{"firewall", "name", "A", "rule", "10", "action", "accept"}, HasValue: true}, "set firewall name A rule 10 action 'accept'"},
		{syncCmd{Path: []string{"firewall", "name", "A", "rule", "10", "state", "established"}}, "set firewall name A rule 10 state established"},
		{syncCmd{Delete: true, Path: []string{"firewall", "name", "my rules"}}, "delete firewall name 'my rules'"},
	} {
		if got := c.cmd.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestSyncReasonIsOneLine(t *testing.T) {
	err := &RemoteError{Status: 400, Message: ": [ firewall name X ]\nError: refused\n\n[[firewall name X]] failed\nCommit failed"}
	if got, want := syncReason(err), "[ firewall name X ]; Error: refused; [[firewall name X]] failed; Commit failed"; got != want {
		t.Fatalf("reason = %q, want %q", got, want)
	}
	if got := syncReason(&RemoteError{Status: 401, Message: "Authorization Required"}); !strings.Contains(got, "Authentication failed") {
		t.Fatalf("401 reason = %q", got)
	}
}

// syncPair is vra-a with config-sync to vra-b (10.0.0.2), vra-b serving
// its REST API over HTTPS with the lab CA. vra-b refuses changes under
// firewall name BLOCKED.
type syncPair struct {
	a, b   *Device
	cs     *ConfigSync
	bFault *lab.Faults
	bDir   string
}

func syncStartPair(t *testing.T) *syncPair {
	t.Helper()
	tl, err := lab.LoadTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := &syncPair{bFault: &lab.Faults{}, bDir: t.TempDir()}
	p.b, err = New(Options{
		Name: "vra-b", User: "vyatta", Password: "s3cret", StateDir: p.bDir,
		Reject: [][]string{{"firewall", "name", "BLOCKED"}}, Faults: p.bFault,
	}, syncTree(t, syncPairRemote...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	urlB, stop, err := ServeREST(ctx, p.b, "127.0.0.1:0", tl.ServerConfig(), RESTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	p.a, err = New(Options{Name: "vra-a", User: "vyatta", Password: "s3cret"}, syncTree(t, syncPairLocal...))
	if err != nil {
		t.Fatal(err)
	}
	p.cs = EnableConfigSync(p.a, SyncOptions{
		Resolve: func(addr string) (string, bool) { return urlB, addr == "10.0.0.2" },
		TLS:     tl.ClientConfig(),
		Timeout: 10 * time.Second,
	})
	return p
}

// syncCommit commits set lines on d and returns the commit output.
func syncCommit(t *testing.T, d *Device, lines ...string) []string {
	t.Helper()
	s := d.NewSession("vyatta")
	for _, l := range lines {
		words := syncWords(l)
		var err error
		if words[0] == "delete" {
			err = s.Delete(words[1:])
		} else {
			err = s.Set(words[1:])
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", d.Name(), l, err)
		}
	}
	var out []string
	if err := s.Commit(context.Background(), func(l string) { out = append(out, l) }); err != nil {
		t.Fatalf("%s: commit: %v", d.Name(), err)
	}
	return out
}

func syncOp(t *testing.T, d *Device, cmd string) string {
	t.Helper()
	return opAs(t, d, "", cmd)
}

func syncHas(lines []string, sub string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, sub) })
}

func TestConfigSyncCommitReachesRemote(t *testing.T) {
	p := syncStartPair(t)
	out := syncCommit(t, p.a, "set firewall name WEB rule 10 action accept")
	if !syncHas(out, "syncing configuration to remote-router 10.0.0.2 ..") || syncHas(out, "config-sync error") {
		t.Fatalf("commit output:\n%s", strings.Join(out, "\n"))
	}
	b := p.b.Running().Root
	if n := b.Lookup(config.Path{"firewall", "name", "WEB", "rule", "10", "action"}); n == nil || n.Values[0] != "accept" {
		t.Fatal("the commit on vra-a did not reach vra-b")
	}
	// The whole mapped part came along (the seed drift included) ...
	if b.Lookup(config.Path{"firewall", "name", "OLD"}) != nil {
		t.Fatal("vra-b kept a ruleset vra-a does not have")
	}
	// ... and nothing else did.
	if h := b.Lookup(config.Path{"system", "host-name"}); h == nil || h.Values[0] != "vra-b" {
		t.Fatalf("vra-b host-name = %v", h)
	}
	if b.Lookup(config.Path{"system", "config-sync", "remote-router"}) != nil {
		t.Fatal("system config-sync was sent to vra-b")
	}
	if h := b.Lookup(config.Path{"service", "https", "listen-address"}); h == nil || h.Values[0] != "10.0.0.2" {
		t.Fatal("service https was changed on vra-b")
	}
	if pw := b.Lookup(config.Path{"system", "login", "user", "admin", "authentication", "plaintext-password"}); pw == nil || pw.Values[0] != "real-secret" {
		t.Fatal("a masked secret overwrote vra-b's real one")
	}
	// The remote saved what it committed.
	saved, err := os.ReadFile(filepath.Join(p.bDir, "vra-b.config.boot"))
	if err != nil || !strings.Contains(string(saved), "WEB") {
		t.Fatalf("vra-b did not save: %v", err)
	}
	if got := syncOp(t, p.a, "show config-sync difference"); !strings.Contains(got, "remote-router 10.0.0.2 (sync-map TEST): in sync") {
		t.Fatalf("difference after sync:\n%s", got)
	}
	if got := syncOp(t, p.a, "show config-sync status"); !strings.Contains(got, "ok, ") || !strings.Contains(got, "state:      in sync") {
		t.Fatalf("status after sync:\n%s", got)
	}
}

func TestConfigSyncRemoteRejects(t *testing.T) {
	p := syncStartPair(t)
	logs, unsub := p.a.SubscribeLog()
	defer unsub()
	out := syncCommit(t, p.a, "set firewall name BLOCKED rule 1 action drop")
	want := "config-sync error 10.0.0.2:Sync[10.0.0.2]: "
	if !syncHas(out, want) || !syncHas(out, "are refused by this device") {
		t.Fatalf("commit output lacks the remote's refusal:\n%s", strings.Join(out, "\n"))
	}
	// The local commit stands; the remote is unchanged.
	if p.a.Running().Root.Lookup(config.Path{"firewall", "name", "BLOCKED"}) == nil {
		t.Fatal("local commit lost")
	}
	if p.b.Running().Root.Lookup(config.Path{"firewall", "name", "BLOCKED"}) != nil {
		t.Fatal("vra-b took a change it refuses")
	}
	deadline := time.After(5 * time.Second)
	for found := false; !found; {
		select {
		case l := <-logs:
			found = strings.Contains(l, want)
		case <-deadline:
			t.Fatal("no config-sync error in vra-a's log")
		}
	}
	diff := syncOp(t, p.a, "show config-sync difference")
	if !strings.Contains(diff, "set firewall name BLOCKED rule 1 action 'drop'") {
		t.Fatalf("difference does not show the refused change:\n%s", diff)
	}
	if st := syncOp(t, p.a, "show config-sync status"); !strings.Contains(st, "failed: ") || !strings.Contains(st, "out of sync") {
		t.Fatalf("status:\n%s", st)
	}
}

func TestConfigSyncUpdateRepairsDrift(t *testing.T) {
	p := syncStartPair(t)
	syncCommit(t, p.a, "set firewall name WEB rule 10 action accept")
	// Someone edits vra-b's mapped part by hand.
	syncCommit(t, p.b, "set firewall name WEB rule 10 action drop")
	if d := syncOp(t, p.a, "show config-sync difference"); !strings.Contains(d, "set firewall name WEB rule 10 action 'accept'") {
		t.Fatalf("difference misses the drift:\n%s", d)
	}
	out := syncOp(t, p.a, "update config-sync")
	if !strings.Contains(out, "syncing configuration to remote-router 10.0.0.2 ..") || strings.Contains(out, "error") {
		t.Fatalf("update config-sync:\n%s", out)
	}
	if n := p.b.Running().Root.Lookup(config.Path{"firewall", "name", "WEB", "rule", "10", "action"}); n == nil || n.Values[0] != "accept" {
		t.Fatal("update config-sync did not repair vra-b")
	}
}

func TestConfigSyncRemoteFailures(t *testing.T) {
	p := syncStartPair(t)
	p.bFault.SetFailAuth(true)
	out := syncCommit(t, p.a, "set firewall name WEB rule 10 action accept")
	if !syncHas(out, "config-sync error 10.0.0.2:Sync[10.0.0.2]: Authentication failed") {
		t.Fatalf("auth failure not reported:\n%s", strings.Join(out, "\n"))
	}
	p.bFault.SetFailAuth(false)
	p.bFault.SetRefuse(true)
	out = syncCommit(t, p.a, "set firewall name WEB rule 20 action accept")
	if !syncHas(out, "config-sync error 10.0.0.2:Sync[10.0.0.2]: ") {
		t.Fatalf("refused connection not reported:\n%s", strings.Join(out, "\n"))
	}
	for _, l := range out {
		if strings.Contains(l, "s3cret") || strings.Contains(l, "127.0.0.1") {
			t.Fatalf("error line leaks a password or the lab URL: %q", l)
		}
	}
	p.bFault.SetRefuse(false)
	if p.b.Running().Root.Lookup(config.Path{"firewall", "name", "WEB"}) != nil {
		t.Fatal("vra-b changed although every push failed")
	}
}

func TestConfigSyncUnknownRemote(t *testing.T) {
	p := syncStartPair(t)
	p.cs.o.Resolve = func(string) (string, bool) { return "", false }
	out := syncCommit(t, p.a, "set firewall name WEB rule 10 action accept")
	if !syncHas(out, "config-sync error 10.0.0.2:Sync[10.0.0.2]: "+ErrNoRemoteURL.Error()) {
		t.Fatalf("output:\n%s", strings.Join(out, "\n"))
	}
}

func TestConfigSyncNotConfigured(t *testing.T) {
	d, err := New(Options{Name: "vra-a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	EnableConfigSync(d, SyncOptions{})
	for _, cmd := range []string{"show config-sync difference", "show config-sync status"} {
		if got := syncOp(t, d, cmd); got != "config-sync is not configured\n" {
			t.Errorf("%s on a router without remote routers: %q", cmd, got)
		}
	}
}
