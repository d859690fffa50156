package huawei

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// hwDevice makes FW-A from the seed, saving into a temporary directory.
func hwDevice(t testing.TB, name string) *Device {
	t.Helper()
	a, b, err := SeedPair(0)
	if err != nil {
		t.Fatal(err)
	}
	initial := a
	if name == "FW-B" {
		initial = b
	}
	d, err := New(Options{Name: name, StateDir: t.TempDir(), Sessions: 5}, initial)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// hwKeys feeds pager keys.
type hwKeys struct{ keys []byte }

func (k *hwKeys) ReadKey() (byte, error) {
	if len(k.keys) == 0 {
		return 0, io.EOF
	}
	b := k.keys[0]
	k.keys = k.keys[1:]
	return b, nil
}

// hwRun runs lines on a CLI and returns the output of each.
func hwRun(t testing.TB, c *CLI, out *bytes.Buffer, lines ...string) []string {
	t.Helper()
	var res []string
	for _, l := range lines {
		out.Reset()
		c.Execute(context.Background(), l, func() (string, error) { return "y", nil })
		res = append(res, out.String())
	}
	return res
}

func hwRule(t *config.Tree, policy, name string) *config.Node {
	return t.Root.Lookup(config.Path{policy, "rule name " + name})
}

func TestCLIPromptsAndViews(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	steps := []struct{ line, prompt string }{
		{"", "<FW-A>"},
		{"sys", "[FW-A]"},
		{"security-policy", "[FW-A-policy-security]"},
		{"rule name web_new", "[FW-A-policy-security-rule-web_new]"},
		{"quit", "[FW-A-policy-security]"},
		{"quit", "[FW-A]"},
		{"interface GigabitEthernet1/0/1", "[FW-A-GigabitEthernet1/0/1]"},
		{"return", "<FW-A>"},
		{"system-view", "[FW-A]"},
		{"firewall zone trust", "[FW-A-zone-trust]"},
		{"quit", "[FW-A]"},
		{"firewall zone name hrp id 4", "[FW-A-zone-hrp]"},
		{"quit", "[FW-A]"},
		{"ip address-set WEB_1", "[FW-A-object-address-set-WEB_1]"},
		{"quit", "[FW-A]"},
		{"nat-policy", "[FW-A-policy-nat]"},
		{"rule name snat_lab_1", "[FW-A-policy-nat-rule-snat_lab_1]"},
		{"return", "<FW-A>"},
		{"system-view", "[FW-A]"},
		{"aaa", "[FW-A-aaa]"},
		{"manager-user admin", "[FW-A-aaa-manager-user-admin]"},
		{"return", "<FW-A>"},
	}
	for _, s := range steps {
		hwRun(t, c, &out, s.line)
		if got := c.Prompt(); got != s.prompt {
			t.Fatalf("after %q: prompt %q, want %q (output %q)", s.line, got, s.prompt, out.String())
		}
	}
	// The view entered into an existing set did not create another one.
	n := 0
	for _, ch := range d.Running().Root.Children {
		if strings.HasPrefix(ch.Name, "ip address-set WEB_1 ") || ch.Name == "ip address-set WEB_1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("ip address-set WEB_1 appears %d times", n)
	}
	if hwRule(d.Running(), "security-policy", "web_new") == nil {
		t.Error("rule name web_new was not created")
	}
}

func TestCLICaretErrors(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	hwRun(t, c, &out, "system-view")
	cases := []struct {
		line  string
		caret int // column of the caret, counted from the prompt's start
		msg   string
	}{
		{"foo", 6, "Error: Unrecognized command found at '^' position."},
		{"display nonsense", 14, "Error: Unrecognized command found at '^' position."},
		{"ip route-static 10.0.0 255.0.0.0 10.1.1.1", 22, "Error: Wrong parameter found at '^' position."},
		{"ip route-static 10.0.0.0", 30, "Error: Incomplete command found at '^' position."},
		{"sysname a b", 16, "Error: Too many parameters found at '^' position."},
		{"hrp s", 10, "Error: Ambiguous command found at '^' position."},
	}
	for _, tc := range cases {
		got := hwRun(t, c, &out, tc.line)[0]
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if len(lines) != 2 {
			t.Errorf("%q: want a caret line and an error, got %q", tc.line, got)
			continue
		}
		if want := strings.Repeat(" ", tc.caret) + "^"; lines[0] != want {
			t.Errorf("%q: caret line %q, want %q", tc.line, lines[0], want)
		}
		if lines[1] != tc.msg {
			t.Errorf("%q: error %q, want %q", tc.line, lines[1], tc.msg)
		}
	}
	if c.Prompt() != "[FW-A]" {
		t.Errorf("an error changed the view: %s", c.Prompt())
	}
}

func TestCLIAbbreviationsAndUndo(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	hwRun(t, c, &out, "sys", "secu", "ru n web_in_1", "undo serv http", "act deny", "q",
		"rule n zz_new", "source-z untrust", "source-zone dmz", "destination-z trust", "source-address 10.9.9.0 mask 255.255.255.0", "ac per")
	r := d.Running()
	web := hwRule(r, "security-policy", "web_in_1")
	if s := web.Child("service"); s == nil || strings.Join(s.Values, ",") != "https" {
		t.Errorf("undo service http: %+v", s)
	}
	if a := web.Child("action"); a == nil || a.Values[0] != "deny" {
		t.Errorf("act deny: %+v", a)
	}
	nw := hwRule(r, "security-policy", "zz_new")
	if nw == nil {
		t.Fatal("zz_new not created")
	}
	var names []string
	for _, ch := range nw.Children {
		names = append(names, ch.Name+"="+strings.Join(ch.Values, "|"))
	}
	want := "source-zone=untrust|dmz destination-zone=trust source-address=10.9.9.0 mask 255.255.255.0 action=permit"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("zz_new body:\n got %s\nwant %s", got, want)
	}
	// A new rule goes at the end of the policy.
	pol := r.Root.Child("security-policy")
	if last := pol.Children[len(pol.Children)-1].Name; last != "rule name zz_new" {
		t.Errorf("last rule %q", last)
	}
	hwRun(t, c, &out, "q", "undo rule name zz_new")
	if hwRule(d.Running(), "security-policy", "zz_new") != nil {
		t.Error("undo rule name did not delete the rule")
	}
	if got := hwRun(t, c, &out, "undo rule name nope")[0]; !strings.Contains(got, "Error: The configuration does not exist.") {
		t.Errorf("undo of a missing rule: %q", got)
	}
	// Interface: undo shutdown / shutdown, and description.
	hwRun(t, c, &out, "q", "int GigabitEthernet1/0/2", "shutdown", "description users floor 2")
	ifc := d.Running().Root.Child("interface GigabitEthernet1/0/2")
	if ifc.Child("undo shutdown") != nil {
		t.Error("shutdown kept undo shutdown")
	}
	if ds := ifc.Child("description"); ds == nil || ds.Values[0] != "users floor 2" {
		t.Errorf("description: %+v", ds)
	}
	hwRun(t, c, &out, "undo shutdown", "undo description")
	ifc = d.Running().Root.Child("interface GigabitEthernet1/0/2")
	if ifc.Child("undo shutdown") == nil || ifc.Child("description") != nil {
		t.Errorf("undo shutdown / undo description: %+v", ifc.Children)
	}
}

func TestCLIRuleMove(t *testing.T) {
	order := func(d *Device) []string {
		var names []string
		for _, c := range d.Running().Root.Child("security-policy").Children {
			names = append(names, strings.TrimPrefix(c.Name, "rule name "))
		}
		return names
	}
	cases := []struct {
		move  string
		check func(o []string) bool
	}{
		{"rule move web_in_5 before web_in_2", func(o []string) bool { return o[1] == "web_in_5" && o[2] == "web_in_2" }},
		{"rule move web_in_1 after web_in_3", func(o []string) bool { return o[0] == "web_in_2" && o[2] == "web_in_1" }},
		{"rule move web_in_2 up", func(o []string) bool { return o[0] == "web_in_2" && o[1] == "web_in_1" }},
		{"rule move web_in_1 down", func(o []string) bool { return o[0] == "web_in_2" && o[1] == "web_in_1" }},
		{"rule move deny_all_log top", func(o []string) bool { return o[0] == "deny_all_log" }},
		{"rule mo web_in_1 bot", func(o []string) bool { return o[len(o)-1] == "web_in_1" }},
	}
	for _, tc := range cases {
		d := hwDevice(t, "FW-A")
		before := len(order(d))
		if err := d.Apply([]string{"security-policy"}, tc.move); err != nil {
			t.Fatalf("%s: %v", tc.move, err)
		}
		o := order(d)
		if len(o) != before || !tc.check(o) {
			t.Errorf("%s: order %v", tc.move, o[:min(5, len(o))])
		}
	}
	d := hwDevice(t, "FW-A")
	if err := d.Apply([]string{"security-policy"}, "rule move nope top"); !errors.Is(err, ErrRuleNotExist) {
		t.Errorf("move of a missing rule: %v", err)
	}
}

func TestCLIPager(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	total := strings.Count(hwText(t, d), "\n")
	// q at the first More: one page.
	c := d.NewCLI(&out, &hwKeys{keys: []byte("q")})
	got := hwRun(t, c, &out, "dis cu")[0]
	if n := strings.Count(got, "\n"); n != DefaultPageLines {
		t.Errorf("q at the first More: %d lines, want %d", n, DefaultPageLines)
	}
	if strings.Count(got, morePrompt) != 1 {
		t.Errorf("want one More prompt: %q", got[len(got)-100:])
	}
	// space, enter, q: two pages and a line.
	c = d.NewCLI(&out, &hwKeys{keys: []byte(" \rq")})
	got = hwRun(t, c, &out, "display current-configuration")[0]
	if n := strings.Count(got, "\n"); n != 2*DefaultPageLines+1 {
		t.Errorf("space, enter, q: %d lines, want %d", n, 2*DefaultPageLines+1)
	}
	// screen-length 0 temporary turns the pager off.
	c = d.NewCLI(&out, &hwKeys{})
	got = hwRun(t, c, &out, "screen-length 0 temporary", "display current-configuration")[1]
	if strings.Contains(got, morePrompt) || strings.Count(got, "\n") != total {
		t.Errorf("pager off: %d lines (want %d), More=%v", strings.Count(got, "\n"), total, strings.Contains(got, morePrompt))
	}
	// The unpaged text parses back to the running configuration.
	tr, err := config.ParseVRP("display", []byte(got))
	if err != nil || !config.Equal(tr.Root, d.Running().Root) {
		t.Errorf("display current-configuration does not parse back: %v", err)
	}
}

func hwText(t testing.TB, d *Device) string {
	t.Helper()
	var b bytes.Buffer
	c := d.NewCLI(&b, nil)
	c.Execute(context.Background(), "display current-configuration", nil)
	return b.String()
}

func TestCLIDisplayFilters(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	res := hwRun(t, c, &out, "dis cu | inc ^ hrp", "display current-configuration | begin ^nat-policy", "dis cu | zzz x")
	if got := res[0]; got != " hrp enable\n hrp interface GigabitEthernet1/0/6 remote 10.10.0.2\n hrp mirror session enable\n" {
		t.Errorf("| include:\n%s", got)
	}
	if !strings.HasPrefix(res[1], "nat-policy\n rule name snat_lab_1\n") || !strings.HasSuffix(res[1], "#\nreturn\n") {
		t.Errorf("| begin:\n%s", res[1])
	}
	if !strings.Contains(res[2], "Error: Unrecognized command found at '^' position.") {
		t.Errorf("bad filter: %q", res[2])
	}
}

func TestCLISessions(t *testing.T) {
	d := hwDevice(t, "FW-A")
	ss := d.Sessions()
	ss[1].Remote = true
	d.SetSessions(ss)
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	res := hwRun(t, c, &out, "dis firewall session table", "display firewall session table verbose")
	lines := strings.Split(strings.TrimSuffix(res[0], "\n"), "\n")
	if lines[0] != " Current Total Sessions : 5" || len(lines) != 6 {
		t.Fatalf("session table:\n%s", res[0])
	}
	if lines[1] != " icmp  VPN: public --> public 10.30.0.10:0[198.51.100.1:10000] --> 203.0.113.10:2048" {
		t.Errorf("icmp line %q", lines[1])
	}
	if !strings.Contains(lines[2], "public Remote 10.30.0.11:40001[") {
		t.Errorf("remote line %q", lines[2])
	}
	if strings.Count(res[1], "PolicyName:") != 5 || !strings.Contains(res[1], " Zone: trust --> untrust  TTL: 00:00:20") {
		t.Errorf("verbose:\n%s", res[1])
	}
}

func TestSaveAndReload(t *testing.T) {
	d := hwDevice(t, "FW-A")
	var out bytes.Buffer
	c := d.NewCLI(&out, nil)
	res := hwRun(t, c, &out, "sys", "sysname FW-A-NEW", "return", "save")
	if c.Prompt() != "<FW-A-NEW>" {
		t.Errorf("sysname did not change the prompt: %s", c.Prompt())
	}
	if !strings.Contains(res[3], "[Y/N]") || !strings.Contains(res[3], "Info: Save the configuration successfully.") {
		t.Errorf("save output: %q", res[3])
	}
	d2, err := New(Options{Name: "FW-A", StateDir: filepath.Dir(d.SavedPath())}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !config.Equal(d2.Running().Root, d.Running().Root) {
		t.Error("the reloaded device differs from the saved one")
	}
	// Answering N saves nothing.
	hwRun(t, c, &out, "sys", "sysname OTHER", "return")
	c.Execute(context.Background(), "save", func() (string, error) { return "n", nil })
	b, _ := os.ReadFile(d.SavedPath())
	if strings.Contains(string(b), "OTHER") {
		t.Error("save answered N wrote the file")
	}
}

func TestPasswordCipherPerMember(t *testing.T) {
	a, b := hwDevice(t, "FW-A"), hwDevice(t, "FW-B")
	view := []string{"aaa", "manager-user ops"}
	for _, d := range []*Device{a, b} {
		if err := d.Apply([]string{"aaa"}, "manager-user ops"); err != nil {
			t.Fatal(err)
		}
		if err := d.Apply(view, "password cipher Secret@123"); err != nil {
			t.Fatal(err)
		}
	}
	pa := a.Running().Root.Lookup(config.Path{"aaa", "manager-user ops", "password"})
	pb := b.Running().Root.Lookup(config.Path{"aaa", "manager-user ops", "password"})
	if pa == nil || pb == nil || !pa.Secret || pa.Values[0] == pb.Values[0] || strings.Contains(pa.Values[0], "Secret@123") {
		t.Errorf("ciphertext: %+v / %+v", pa, pb)
	}
}
