package device

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func TestCleanLine(t *testing.T) {
	for _, c := range []struct {
		raw, want string
		up        bool
	}{
		{raw: " rule name web_in", want: " rule name web_in"},
		// VRP's pager erased, then the next line.
		{raw: "  ---- More ----\x1b[42D                                          \x1b[42D rule name x", want: " rule name x"},
		// less's prompt erased.
		{raw: ":\r\x1b[Kset system host-name 'vra-a'", want: "set system host-name 'vra-a'"},
		// A colour, a title, a bell.
		{raw: "\x1b[1;31mError\x1b[0m: x\a\x1b]0;title\a", want: "Error: x"},
		// ` (+B)` written back on the echoed line.
		{raw: "\x1b[1A\x1b[30G (+B)", want: strings.Repeat(" ", 29) + " (+B)", up: true},
		// Overwriting without erasing keeps what the terminal shows.
		{raw: "abcdef\rxy", want: "xycdef"},
		{raw: "abc\b\bX", want: "aXc"},
		{raw: "ab\x1b[Kc", want: "abc"},
		{raw: "abc\x1b[2K", want: ""},
		// Spaces written in the last pass stay.
		{raw: "\t# \x1b[1D ", want: "\t# "},
		{raw: "x\x1b[", want: "x"},
	} {
		got, up := cleanLine([]byte(c.raw))
		if got != c.want || up != c.up {
			t.Errorf("cleanLine(%q) = %q, %v; want %q, %v", c.raw, got, up, c.want, c.up)
		}
	}
}

func TestParsePrompts(t *testing.T) {
	for _, c := range []struct {
		in, host string
		hw       bool
		ok       bool
		want     Prompt
	}{
		{in: "HRP_M<FW-A>", hw: true, ok: true, want: Prompt{Text: "HRP_M<FW-A>", Host: "FW-A", Mode: ModeUser, HRP: "HRP_M"}},
		{in: "HRP_S[FW-B-policy-security-rule-web_in]", host: "FW-B", hw: true, ok: true,
			want: Prompt{Text: "HRP_S[FW-B-policy-security-rule-web_in]", Host: "FW-B", Mode: ModeSystem, HRP: "HRP_S", Level: "policy-security-rule-web_in"}},
		{in: "[~HUAWEI]", hw: true, ok: true, want: Prompt{Text: "[~HUAWEI]", Host: "HUAWEI", Mode: ModeSystem, TwoStage: true}},
		{in: "[*HUAWEI-GigabitEthernet0/0/1]", host: "HUAWEI", hw: true, ok: true,
			want: Prompt{Text: "[*HUAWEI-GigabitEthernet0/0/1]", Host: "HUAWEI", Mode: ModeSystem, Uncommitted: true, Level: "GigabitEthernet0/0/1"}},
		{in: "HRP_A<FW-A>", hw: true, ok: true, want: Prompt{Text: "HRP_A<FW-A>", Host: "FW-A", Mode: ModeUser, HRP: "HRP_A"}},
		{in: "<FW-B>", host: "FW-A", hw: true},
		{in: "  ---- More ----", hw: true},
		{in: "Change now? [Y/N]: ", hw: true},
		{in: "vyatta@vra-a:~$ ", ok: true, want: Prompt{Text: "vyatta@vra-a:~$", User: "vyatta", Host: "vra-a", Mode: ModeOperational}},
		{in: "vyos@r1# ", ok: true, want: Prompt{Text: "vyos@r1#", User: "vyos", Host: "r1", Mode: ModeConfigure}},
		{in: "operator@r1> ", ok: true, want: Prompt{Text: "operator@r1>", User: "operator", Host: "r1", Mode: ModeOperational, Operator: true}},
		{in: "vyatta@vra-b:~$ ", host: "vra-a"},
		{in: "set system host-name 'a@b'"},
	} {
		parse := parseVyattaPrompt
		if c.hw {
			parse = parseHuaweiPrompt
		}
		got, ok := parse(c.in, c.host)
		if ok != c.ok || got != c.want {
			t.Errorf("parse %q (host %q) = %+v, %v; want %+v, %v", c.in, c.host, got, ok, c.want, c.ok)
		}
	}
}

func TestQuestions(t *testing.T) {
	for _, c := range []struct {
		p          *platform
		cmd, text  string
		answer     string
		abort, isQ bool
	}{
		{p: hwPlatform(), text: "The password needs to be changed. Change now? [Y/N]: ", answer: "N\r", isQ: true},
		{p: hwPlatform(), cmd: "display version", text: "The password needs to be changed. Change now? [Y/N]: ", answer: "N\r", abort: true, isQ: true},
		{p: hwPlatform(), cmd: "save", text: "The current configuration will be written to the device. Are you sure to continue?[Y/N]:", answer: "Y\r", isQ: true},
		{p: hwPlatform(), cmd: "reset saved-configuration", text: "The configuration will be erased to reconfigure. Continue? [Y/N]:", answer: "N\r", abort: true, isQ: true},
		{p: hwPlatform(), cmd: "save", text: "Info: Save the configuration successfully."},
		{p: vyPlatform(), cmd: "commit-confirm 5", text: "Proceed? [confirm]", answer: "y", isQ: true},
		{p: vyPlatform(), cmd: "commit", text: "Proceed? [confirm]", answer: "n", abort: true, isQ: true},
	} {
		ans, abort, ok := c.p.question(c.cmd, c.text)
		if ans != c.answer || abort != c.abort || ok != c.isQ {
			t.Errorf("%v %q %q: %q %v %v", c.p.family, c.cmd, c.text, ans, abort, ok)
		}
		if ok && strings.TrimSpace(ans) == "" {
			t.Errorf("%q answered with a bare Enter", c.text)
		}
	}
}

// FuzzCleanLine: whatever a device sends, a cleaned line holds no control
// byte but tabs, cleaning it again changes nothing, and the classifiers
// take it without panicking.
func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{
		"  ---- More ----\x1b[42D                                          \x1b[42D rule name x",
		":\r\x1b[Kset system host-name 'vra-a'",
		"\x1b[1A\x1b[30G (+B)",
		"HRP_M<FW-A>display current-configuration",
		"vyatta@vra-a:~$ show configuration commands",
		"\x1b[999999999999D\x1b[99999C\x1b[;5Hx",
		"Error: Unrecognized command found at '^' position.",
		"[edit interfaces]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		text, _ := cleanLine(raw)
		for i := 0; i < len(text); i++ {
			if b := text[i]; b < 0x20 && b != '\t' || b == 0x7f {
				t.Fatalf("control byte %#x left in %q", b, text)
			}
		}
		if again, up := cleanLine([]byte(text)); again != text || up {
			t.Fatalf("not idempotent: %q -> %q", text, again)
		}
		for _, p := range []*platform{hwPlatform(), vyPlatform()} {
			if pr, ok := p.parsePrompt(text, ""); ok {
				if pr.Text != strings.TrimRight(text, " ") || pr.Host == "" {
					t.Fatalf("prompt %q read as %+v", text, pr)
				}
				if _, ok := p.parsePrompt(text, pr.Host); !ok {
					t.Fatalf("prompt %q not recognised with its own host %q", text, pr.Host)
				}
			}
			p.pager(text)
			p.question("save", text)
			matchAny(p.rejected, text)
		}
	})
}

// TestPatternLead: the cheap check never refuses a line its regexp takes.
func TestPatternLead(t *testing.T) {
	for _, p := range []*platform{hwPlatform(), vyPlatform()} {
		all := append(append(append(append([]pattern{p.preamble, p.asyncLog}, p.rejected...), p.wrongMember...), p.loginSkip...), append(p.commitFailed, p.syncFailed...)...)
		for _, pt := range all {
			if pt.re == nil {
				continue
			}
			if !strings.Contains(pt.re.String(), regexpQuote(pt.must)) {
				t.Errorf("%s: literal %q not in the regexp", pt.re, pt.must)
			}
		}
	}
	for _, c := range []struct {
		line string
		want bool
	}{
		{"  Invalid command: [show x]", true},
		{"Invalid command: [show x]", true},
		{"set system host-name 'Invalid command:'", false},
		{"Error: Unrecognized command found at '^' position.", true},
	} {
		if got := matchAny(vyPlatform().rejected, c.line) || matchAny(hwPlatform().rejected, c.line); got != c.want {
			t.Errorf("%q: %v", c.line, got)
		}
	}
	if !vyPlatform().rejected[0].lead || !hwPlatform().rejected[0].lead || hwPlatform().wrongMember[0].lead {
		t.Error("lead not derived")
	}
}

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }

func TestCommitFailed(t *testing.T) {
	vyos := lines(`
[ interfaces ethernet eth1 address 192.168.1/30 ]
Error: 192.168.1/30 is not a valid IP host

[[interfaces ethernet eth1]] failed
Commit failed`)
	v5600 := lines(`
[interfaces ethernet dp0s1 address 192.168.1/30]

192.168.1/30 is not a valid IP host

[[interfaces ethernet dp0s1]] failed.

Commit failed!`)
	partial := lines(`
[[interfaces ethernet eth1]] failed`)
	ok := lines(`
syncing configuration to remote-router 10.0.0.2 ..
No configuration changes to commit`)
	for name, c := range map[string]struct {
		l    []string
		want bool
	}{"vyos": {vyos, true}, "5600": {v5600, true}, "partial": {partial, true}, "ok": {ok, false}} {
		if got := CommitFailed(config.Vyatta, c.l); got != c.want {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestSyncFailures(t *testing.T) {
	out := lines(`
syncing configuration to remote-router 10.0.0.2 ..
config-sync error 10.0.0.2:Sync[10.0.0.2]: Remote user vyatta not in secrets group
INFO:vyos_config_sync:Config synchronization: Mode=load, Secondary=10.0.0.2
An error occurred: connection refused
Dec  1 10:00:00 r1 ERROR:vyos_config_sync.py:An error occurred: connection refused`)
	got := SyncFailures(config.Vyatta, out)
	if len(got) != 3 || !strings.HasPrefix(got[0], "config-sync error 10.0.0.2") || got[1] != "An error occurred: connection refused" {
		t.Errorf("%q", got)
	}
	if SyncFailures(config.Vyatta, lines("syncing configuration to remote-router 10.0.0.2 ..")) != nil {
		t.Error("a sync that worked reported as failed")
	}
}

func TestCommitBlocks(t *testing.T) {
	// DOMAIN.md's VyOS and 5600 failures, with VyOS's list of committed
	// subsystems before them (not errors).
	vyos := lines(`
[ system ]
[ interfaces ethernet eth1 address 192.168.1/30 ]
Error: 192.168.1/30 is not a valid IP host

[[interfaces ethernet eth1]] failed
Commit failed`)
	got := commitBlocks(vyos)
	if len(got) != 1 || strings.Join(got[0].Path, " ") != "interfaces ethernet eth1 address 192.168.1/30" ||
		len(got[0].Lines) != 3 || got[0].Lines[2] != "[[interfaces ethernet eth1]] failed" {
		t.Errorf("VyOS: %+v", got)
	}
	v5600 := lines(`
[interfaces ethernet dp0s1 address 192.168.1/30]

192.168.1/30 is not a valid IP host

[[interfaces ethernet dp0s1]] failed.

[security firewall name X]

Rule 10 needs an action

[[security firewall]] failed.

Commit failed!`)
	got = commitBlocks(v5600)
	if len(got) != 2 || got[1].Path[0] != "security" || got[1].Lines[1] != "Rule 10 needs an action" {
		t.Errorf("5600: %+v", got)
	}
}

func TestCommitConfirmAction(t *testing.T) {
	for text, want := range map[string]string{
		"set system host-name 'r1'\n":                                   "reboot",
		"set system config-management commit-confirm action 'reload'\n": "reload",
		"set system config-management commit-confirm action 'reboot'\n": "reboot",
	} {
		tr, err := config.Parse("t", []byte(text), config.Vyatta)
		if err != nil {
			t.Fatal(err)
		}
		if got := CommitConfirmAction(tr); got != want {
			t.Errorf("%q: %s", text, got)
		}
	}
}

// TestErrorLines: the lines a streaming sync marks as remote errors, in
// both Vyatta commit-failure layouts (DOMAIN.md "Commit and compare
// output") and a VRP refusal.
func TestErrorLines(t *testing.T) {
	for _, tc := range []struct {
		family config.Family
		lines  []string
		errs   []bool
	}{
		{config.Vyatta, []string{"[ interfaces ethernet eth1 address 192.168.1/30 ]", "Error: 192.168.1/30 is not a valid IP host", "", "[[interfaces ethernet eth1]] failed", "Commit failed"},
			[]bool{false, true, false, true, true}},
		{config.Vyatta, []string{"[interfaces ethernet dp0s1 address 192.168.1/30]", "", "192.168.1/30 is not a valid IP host", "", "[[interfaces ethernet dp0s1]] failed.", "", "Commit failed!"},
			[]bool{false, false, true, false, true, false, true}},
		{config.Vyatta, []string{"[ security firewall ]", "[ system ]", "vyatta@vra-b# "},
			[]bool{false, false, false}},
		{config.Vyatta, []string{"Configuration path: [a b c] is not valid", "Set failed", "config-sync error 10.0.0.2:Sync[10.0.0.2]: Remote user vyatta not in secrets group", "syncing configuration to remote-router 10.0.0.2 .."},
			[]bool{true, true, true, false}},
		{config.Huawei, []string{"          ^", "Error: Unrecognized command found at '^' position.", "Info: the configuration is saved."},
			[]bool{false, true, false}},
	} {
		c := NewErrorLines(tc.family)
		for i, l := range tc.lines {
			if got := c.Is(l); got != tc.errs[i] {
				t.Errorf("%s %q: error %v, want %v", tc.family, l, got, tc.errs[i])
			}
		}
	}
}

// TestParseLogins: `show users` (who) and VRP `display users` lines.
func TestParseLogins(t *testing.T) {
	vy := ParseLogins(false, []string{
		"vyatta   pts/0        2026-11-30 08:12 (192.0.2.5)",
		"alice    pts/1        2026-11-30 08:13",
		"garbage",
	})
	if len(vy) != 2 || vy[0] != (Login{User: "vyatta", Line: "pts/0", From: "192.0.2.5"}) || vy[1].User != "alice" || vy[1].From != "" {
		t.Errorf("vyatta %+v", vy)
	}
	hw := ParseLogins(true, []string{
		"  User-Intf    Delay    Type   Network Address     AuthenStatus    AuthorcmdFlag",
		"+ 129 VTY 0   00:00:00  SSH    192.0.2.5                   pass           no",
		"  Username : admin",
		"  130 VTY 1   00:01:25  SSH    192.0.2.6                   pass           no",
		"  Username : bob",
		"  0   CON 0   00:00:00                                     pass           no",
	})
	if len(hw) != 3 || hw[0] != (Login{User: "admin", Line: "VTY 0", From: "192.0.2.5", Current: true}) ||
		hw[1] != (Login{User: "bob", Line: "VTY 1", From: "192.0.2.6"}) || hw[2].Line != "CON 0" || hw[2].From != "" {
		t.Errorf("huawei %+v", hw)
	}
}

// FuzzParseLogins: any lines parse without panicking.
func FuzzParseLogins(f *testing.F) {
	f.Add("+ 129 VTY 0   00:00:00  SSH    192.0.2.5   pass  no\n  Username : admin", true)
	f.Add("vyatta   pts/0        2026-11-30 08:12 (192.0.2.5)", false)
	f.Fuzz(func(t *testing.T, text string, huawei bool) {
		_ = ParseLogins(huawei, strings.Split(text, "\n"))
	})
}
