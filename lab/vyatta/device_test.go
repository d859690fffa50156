package vyatta

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/golden"
)

// devNew makes a device seeded from set commands.
func devNew(t *testing.T, o Options, lines ...string) *Device {
	t.Helper()
	var cmds [][]string
	for _, l := range lines {
		w, err := SplitWords(l)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, w[1:])
	}
	tree, err := treeFromCommands(cmds)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if o.Name == "" {
		o.Name = "vra-a"
	}
	d, err := New(o, tree)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var devBase = []string{
	"set system host-name vra-a",
	"set interfaces dataplane dp0s1 address 192.0.2.1/24",
	"set resources group address-group SERVERS address 192.0.2.10",
	"set security firewall name IN default-action drop",
	"set security firewall name IN rule 10 action accept",
	"set security firewall name IN rule 10 destination address SERVERS",
}

func devSet(t *testing.T, s *Session, line string) {
	t.Helper()
	w, err := SplitWords(line)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(w[1:]); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
}

// devCommit commits and returns the output lines.
func devCommit(t *testing.T, s *Session) ([]string, error) {
	t.Helper()
	var out []string
	err := s.Commit(context.Background(), func(l string) { out = append(out, l) })
	return out, err
}

func devLeaf(d *Device, path string) []string {
	n := d.Running().Root.Lookup(config.Path(strings.Fields(path)))
	if n == nil {
		return nil
	}
	return n.Values
}

func TestSetDecidesValues(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	s := d.NewSession("vyatta")
	devSet(t, s, "set interfaces dataplane dp0s1 address 198.51.100.1/24")
	devSet(t, s, "set system host-name edge-1")
	devSet(t, s, "set interfaces dataplane dp0s1 description 'uplink to ISP'")
	devSet(t, s, "set interfaces dataplane dp0s1 disable")
	root := s.Candidate().Root
	if got := root.Lookup(config.Path{"interfaces", "dataplane", "dp0s1", "address"}).Values; len(got) != 2 {
		t.Errorf("interface address is multi-value: got %q", got)
	}
	if got := root.Lookup(config.Path{"system", "host-name"}).Values; len(got) != 1 || got[0] != "edge-1" {
		t.Errorf("host-name is replaced: got %q", got)
	}
	if got := root.Lookup(config.Path{"interfaces", "dataplane", "dp0s1", "description"}).Values; len(got) != 1 || got[0] != "uplink to ISP" {
		t.Errorf("quoted value: got %q", got)
	}
	if n := root.Lookup(config.Path{"interfaces", "dataplane", "dp0s1", "disable"}); n == nil || !n.Leaf || len(n.Values) != 0 {
		t.Errorf("disable is a valueless leaf: %+v", n)
	}
	if !root.Lookup(config.Path{"interfaces", "dataplane"}).Tag {
		t.Error("dataplane is a tag node")
	}
}

func TestSetErrors(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	s := d.NewSession("vyatta")
	for _, tc := range []struct{ line, want string }{
		{"set foo bar", "Configuration path: [foo bar] is not valid"},
		{"set system host-name a b", "Configuration path: [system host-name a b] is not valid"},
		{"set system domain-name", "Configuration path: [system domain-name] requires a value"},
		{"set interfaces dataplane", "Configuration path: [interfaces dataplane] requires a value"},
		{"set interfaces dataplane dp0s1 disable yes", "Configuration path: [interfaces dataplane dp0s1 disable yes] is not valid"},
		{"set interfaces dataplane dp0s1 mtu 1500 extra", "Configuration path: [interfaces dataplane dp0s1 mtu 1500 extra] is not valid"},
	} {
		w, _ := SplitWords(tc.line)
		err := s.Set(w[1:])
		var pe *PathError
		if !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.line, err, tc.want)
		}
	}
	if s.Changed() {
		t.Errorf("refused sets changed the candidate:\n%s", s.Compare())
	}
}

func TestDelete(t *testing.T) {
	d := devNew(t, Options{}, append(devBase, "set resources group address-group SERVERS address 192.0.2.11")...)
	s := d.NewSession("vyatta")
	if err := s.Delete(strings.Fields("resources group address-group SERVERS address 192.0.2.10")); err != nil {
		t.Fatal(err)
	}
	got := s.Candidate().Root.Lookup(config.Path(strings.Fields("resources group address-group SERVERS address"))).Values
	if len(got) != 1 || got[0] != "192.0.2.11" {
		t.Errorf("deleting one value keeps the other: %q", got)
	}
	if err := s.Delete(strings.Fields("interfaces dataplane dp9")); !errors.Is(err, ErrNothingToDelete) {
		t.Errorf("missing node: got %v", err)
	}
	if err := s.Delete(strings.Fields("interfaces dataplane dp0s1")); err != nil {
		t.Fatal(err)
	}
	if s.Candidate().Root.Lookup(config.Path{"interfaces", "dataplane"}) != nil {
		t.Error("an emptied tag node goes with its last value")
	}
}

func TestCommitAppliesAndStreams(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	var hooked *config.Tree
	d.SetCommitHook(func(ctx context.Context, running *config.Tree, out func(string)) {
		hooked = running
		out("hook ran")
	})
	s := d.NewSession("vyatta")
	devSet(t, s, "set security firewall name IN rule 20 action drop")
	devSet(t, s, "set interfaces dataplane dp0s1 description uplink")
	if devLeaf(d, "security firewall name IN rule 20 action") != nil {
		t.Fatal("running changed before commit")
	}
	out, err := devCommit(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[ interfaces dataplane ]", "[ security firewall ]", "hook ran"}
	if strings.Join(out, "\n") != strings.Join(want, "\n") {
		t.Errorf("commit output:\n%s\nwant:\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
	if got := devLeaf(d, "security firewall name IN rule 20 action"); len(got) != 1 || got[0] != "drop" {
		t.Errorf("running after commit: %q", got)
	}
	if hooked == nil || hooked.Root.Lookup(config.Path(strings.Fields("security firewall name IN rule 20"))) == nil {
		t.Error("the commit hook did not get the new running configuration")
	}
	if s.Changed() {
		t.Error("after commit the session has no changes")
	}
	out, err = devCommit(t, s)
	if err != nil || len(out) != 1 || out[0] != "No configuration changes to commit" {
		t.Errorf("empty commit: %q %v", out, err)
	}
}

func TestCommitValidation(t *testing.T) {
	for _, tc := range []struct {
		name, set string
		want      string
		reject    [][]string
	}{
		{"no action", "set security firewall name IN rule 30 protocol tcp",
			"[security firewall name IN rule 30]\n\nRule action must be defined\n\n[[security firewall name IN rule 30]] failed.\n\nCommit failed!", nil},
		{"undefined group", "set security firewall name IN rule 10 source address NOPE",
			"[security firewall name IN rule 10 source address NOPE]\n\naddress-group \"NOPE\" is not defined\n\n[[security firewall name IN rule 10]] failed.\n\nCommit failed!", nil},
		{"undefined ruleset", "set interfaces dataplane dp0s1 firewall in MISSING",
			"[interfaces dataplane dp0s1 firewall in MISSING]\n\nfirewall ruleset \"MISSING\" is not defined\n\n[[interfaces dataplane dp0s1]] failed.\n\nCommit failed!", nil},
		{"reject", "set security firewall name IN rule 10 description x",
			"[security firewall name IN rule 10 description]\n\nchanges under [security firewall] are refused by this device\n\n[[security firewall name]] failed.\n\nCommit failed!", [][]string{{"security", "firewall"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := devNew(t, Options{Reject: tc.reject}, devBase...)
			before := d.Running()
			s := d.NewSession("vyatta")
			devSet(t, s, tc.set)
			_, err := devCommit(t, s)
			var ce *CommitError
			if !errors.As(err, &ce) {
				t.Fatalf("want a CommitError, got %v", err)
			}
			if err.Error() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tc.want)
			}
			if !config.Equal(before.Root, d.Running().Root) {
				t.Error("a refused commit changed the running configuration")
			}
			if !s.Changed() {
				t.Error("a refused commit keeps the candidate")
			}
		})
	}
}

func TestConcurrentSessions(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	s1, s2 := d.NewSession("alice"), d.NewSession("bob")
	devSet(t, s1, "set interfaces dataplane dp0s1 description alice")
	devSet(t, s2, "set security firewall name IN rule 20 action drop")
	if _, err := devCommit(t, s1); err != nil {
		t.Fatal(err)
	}
	// Bob's change does not touch Alice's: it merges onto the new running.
	if _, err := devCommit(t, s2); err != nil {
		t.Fatal(err)
	}
	if devLeaf(d, "interfaces dataplane dp0s1 description") == nil || devLeaf(d, "security firewall name IN rule 20 action") == nil {
		t.Errorf("both changes are in running:\n%s", compareTrees(&config.Node{}, d.Running().Root))
	}
	// Now both change the same leaf differently: the second is refused.
	s3, s4 := d.NewSession("alice"), d.NewSession("bob")
	devSet(t, s3, "set system host-name vra-x")
	devSet(t, s4, "set system host-name vra-y")
	if _, err := devCommit(t, s3); err != nil {
		t.Fatal(err)
	}
	_, err := devCommit(t, s4)
	var ce *CommitError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "changed by another session") {
		t.Fatalf("conflict: got %v", err)
	}
	if got := devLeaf(d, "system host-name"); got[0] != "vra-x" {
		t.Errorf("the first commit stands: %q", got)
	}
}

func TestCommitConfirm(t *testing.T) {
	d := devNew(t, Options{ConfirmUnit: 50 * time.Millisecond}, devBase...)
	logs, stop := d.SubscribeLog()
	defer stop()
	s := d.NewSession("vyatta")
	devSet(t, s, "set system host-name vra-new")
	var out []string
	if err := s.CommitConfirm(context.Background(), 1, func(l string) { out = append(out, l) }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(out, "\n"), "1 minutes to confirm") {
		t.Errorf("commit-confirm output: %q", out)
	}
	if devLeaf(d, "system host-name")[0] != "vra-new" {
		t.Fatal("commit-confirm applies at once")
	}
	deadline := time.After(5 * time.Second)
	for devLeaf(d, "system host-name")[0] != "vra-a" {
		select {
		case <-deadline:
			t.Fatal("not reverted after the confirm time")
		case <-logs:
		case <-time.After(10 * time.Millisecond):
		}
	}
	// Confirmed in time: kept.
	s = d.NewSession("vyatta")
	devSet(t, s, "set system host-name vra-kept")
	if err := s.CommitConfirm(context.Background(), 2, func(string) {}); err != nil {
		t.Fatal(err)
	}
	if err := d.Confirm(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := devLeaf(d, "system host-name")[0]; got != "vra-kept" {
		t.Errorf("confirmed commit reverted: %q", got)
	}
	if err := d.Confirm(); !errors.Is(err, ErrNoConfirmPending) {
		t.Errorf("confirm with nothing pending: %v", err)
	}
}

func TestCompareGolden(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	s := d.NewSession("vyatta")
	devSet(t, s, "set interfaces dataplane dp0s1 address 198.51.100.1/24")
	devSet(t, s, "set interfaces dataplane dp0s2 address 10.1.1.1/24")
	devSet(t, s, "set security firewall name IN rule 10 action drop")
	devSet(t, s, "set system host-name 'vra-a2'")
	if err := s.Delete(strings.Fields("resources group")); err != nil {
		t.Fatal(err)
	}
	devGolden(t, "compare.golden", s.Compare())
}

func TestLogSubscribe(t *testing.T) {
	d := devNew(t, Options{}, devBase...)
	ch, stop := d.SubscribeLog()
	d.Log("config-sync error 10.0.0.2:Sync[10.0.0.2]: refused")
	select {
	case l := <-ch:
		if !strings.HasSuffix(l, "vra-a config-sync error 10.0.0.2:Sync[10.0.0.2]: refused") {
			t.Errorf("log line: %q", l)
		}
	case <-time.After(time.Second):
		t.Fatal("no log line")
	}
	stop()
	stop() // twice is harmless
	d.Log("after stop")
}

func TestOps(t *testing.T) {
	d := devNew(t, Options{}, append(devBase,
		"set interfaces dataplane dp0s1 vrrp vrrp-group 1 virtual-address 192.0.2.254/24",
		"set interfaces dataplane dp0s1 vrrp vrrp-group 1 priority 200")...)
	var out []string
	if err := d.Op(context.Background(), strings.Fields("show vrrp"), func(l string) { out = append(out, l) }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(out, "\n"), "dp0s1             1      MASTER") {
		t.Errorf("show vrrp:\n%s", strings.Join(out, "\n"))
	}
	err := d.Op(context.Background(), strings.Fields("show nonsense"), func(string) {})
	var ue *UnknownCommandError
	if !errors.As(err, &ue) || err.Error() != "Invalid command: [show nonsense]" {
		t.Errorf("unknown op: %v", err)
	}
	d.RegisterOp("show config-sync status", func(ctx context.Context, args []string, out func(string)) error {
		out("args=" + strings.Join(args, ","))
		return nil
	})
	out = nil
	if err := d.Op(context.Background(), strings.Fields("show config-sync status extra"), func(l string) { out = append(out, l) }); err != nil || len(out) != 1 || out[0] != "args=extra" {
		t.Errorf("registered op: %q %v", out, err)
	}
}

func TestSeedPair(t *testing.T) {
	for _, n := range []int{300, 3000} {
		a, b, err := SeedPair(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range []*config.Tree{a, b} {
			if cerr := validate(&config.Node{}, tr.Root, nil); cerr != nil {
				t.Fatalf("seed %d %s is not valid:\n%s", n, tr.Source, cerr)
			}
			lines := 0
			for _, v := range flatten(tr.Root) {
				lines += max(1, len(v))
			}
			if lines < n*9/10 || lines > n*11/10+60 {
				t.Errorf("seed %d %s has %d lines", n, tr.Source, lines)
			}
		}
		if a.Root.Lookup(config.Path{"system", "config-sync", "remote-router", SeedAddrB, "sync-map"}) == nil {
			t.Error("vra-a names vra-b in config-sync")
		}
		// Drift inside the map and outside it.
		in, out := 0, 0
		for _, k := range diffKeys(flatten(a.Root), flatten(b.Root)) {
			p := splitKey(k)
			switch {
			case p[0] == "system" && p[1] == "config-sync":
			case hasPrefix(p, []string{"security", "firewall"}) || hasPrefix(p, []string{"resources", "group"}) || hasPrefix(p, []string{"service", "nat"}):
				in++
			default:
				out++
			}
		}
		if in == 0 || out == 0 {
			t.Errorf("seed %d: drift inside the map %d, outside %d", n, in, out)
		}
	}
	a1, _, _ := SeedPair(500)
	a2, _, _ := SeedPair(500)
	if !config.Equal(a1.Root, a2.Root) {
		t.Error("the seed is not deterministic")
	}
}

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`set a b 'c d'`, []string{"set", "a", "b", "c d"}},
		{`set x "say \"hi\""`, []string{"set", "x", `say "hi"`}},
		{`set x ''`, []string{"set", "x", ""}},
		{`  show   configuration  `, []string{"show", "configuration"}},
	} {
		got, err := SplitWords(tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q %v", tc.in, got, err)
		}
	}
	if _, err := SplitWords(`set a 'b`); !errors.Is(err, ErrUnbalancedQuote) {
		t.Errorf("unbalanced: %v", err)
	}
}

// TestCommitStreams: with a delay each commit line arrives on its own, so
// a client sees the commit proceed subsystem by subsystem.
func TestCommitStreams(t *testing.T) {
	const delay = 60 * time.Millisecond
	d := devNew(t, Options{Delay: delay}, devBase...)
	s := d.NewSession("vyatta")
	devSet(t, s, "set interfaces dataplane dp0s1 description uplink")
	devSet(t, s, "set security firewall name IN rule 20 action drop")
	devSet(t, s, "set system domain-name example.net")
	var stamps []time.Time
	start := time.Now()
	if err := s.Commit(context.Background(), func(string) { stamps = append(stamps, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if len(stamps) != 3 {
		t.Fatalf("want 3 commit lines, got %d", len(stamps))
	}
	prev := start
	for i, st := range stamps {
		if gap := st.Sub(prev); gap < delay*3/4 {
			t.Errorf("line %d came %v after the previous one, want about %v", i, gap, delay)
		}
		prev = st
	}
}

// devGolden compares got with testdata/name.
func devGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

func TestCLIEditLevel(t *testing.T) {
	c := devNew(t, Options{}, "set system host-name vra-a").NewCLI("vyatta")
	ctx := context.Background()
	c.Execute(ctx, "configure", func(string) {})
	var out []string
	c.Execute(ctx, "edit interfaces", func(l string) { out = append(out, l) })
	if len(out) != 1 || !strings.Contains(out[0], "is not valid") || c.Prompt() != "[edit]\nvyatta@vra-a# " {
		t.Errorf("edit of a missing path: %q, prompt %q", out, c.Prompt())
	}
	out = nil
	c.Execute(ctx, "edit system", func(l string) { out = append(out, l) })
	if len(out) != 0 || c.Prompt() != "[edit system]\nvyatta@vra-a# " {
		t.Errorf("edit of a present path: %q, prompt %q", out, c.Prompt())
	}
}
