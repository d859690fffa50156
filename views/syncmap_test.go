package views

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/internal/golden"
)

// sampleSyncMap is the LAB-SYNC map of the demo with a staged rule, an
// inline refusal and a warning.
func sampleSyncMap() SyncMapData {
	return SyncMapData{
		Title: "vra-a: sync-map LAB-SYNC, pushed to 10.0.0.2 (scopes the pair)", Staged: 2, Cursor: 4,
		Rules: []SyncMapRule{
			{Number: 1, Action: "include", Location: "security firewall", Matched: 293},
			{Number: 2, Action: "include", Location: "resources group", Matched: 19},
			{Number: 3, Action: "include", Location: "service nat", Matched: 45},
			{Number: 4, Action: "exclude", Location: "security firewall name MGMT-LOCAL", Matched: 10},
			{Number: 10, Action: "include", Location: "interfaces dataplane", Matched: 31, Staged: true, Issues: []SyncMapIssue{
				{Msg: "interfaces dataplane dp0s1 address: an interface address is unique to each device (and 3 more)"}}},
			{Number: 20, Action: "include", Location: "service snmp", Matched: 4, Staged: true},
		},
		Preview: SyncMapPreview{Carrier: "vra-a", Target: "vra-b", Covered: 382, Total: 516, HasDiff: true,
			InScope: 9, AsRead: 4, Outside: 18, Excluded: 0, Protected: 1, WarnedRules: 1,
			Sections: []SyncMapSection{{"interfaces", 31, 40}, {"resources", 19, 20}, {"security", 283, 294}, {"service", 49, 53}}},
	}
}

func TestSyncMapsGolden(t *testing.T) {
	list := sampleSyncMap()
	form := sampleSyncMap()
	form.Form = &SyncMapForm{Title: "new rule", Number: "30", Action: "< include >", Location: "service https", Field: 2,
		Help: "node: Hypertext Transfer Protocol (HTTP) API", Completion: -1,
		Issues: []SyncMapIssue{{Refused: true, Msg: "service https is never synced: it is how the remote is managed and reached by config-sync's REST transport; syncing it could cut the sync off"}}}
	conf := sampleSyncMap()
	conf.Confirm = &SyncMapConfirm{Device: "vra-a", Map: "LAB-SYNC", Commands: []string{
		"delete system config-sync sync-map LAB-SYNC",
		"set system config-sync sync-map LAB-SYNC rule 1 action include",
		"set system config-sync sync-map LAB-SYNC rule 1 location 'security firewall'",
		"set system config-sync sync-map LAB-SYNC rule 10 action include",
		"set system config-sync sync-map LAB-SYNC rule 10 location 'interfaces dataplane'",
	}}
	hrp := SyncMapData{Title: "FW-A: sync-map hrp (scopes the pair)", ReadOnly: "the built-in hrp map: what HRP backs up, fixed by the device",
		Rules: []SyncMapRule{{Number: 1, Action: "include", Matched: 120}, {Number: 2, Action: "exclude", Location: "sysname", Matched: 1},
			{Number: 3, Action: "exclude", Location: "interface", Matched: 24}},
		Preview: SyncMapPreview{Carrier: "FW-A", Target: "FW-B", Covered: 80, Total: 120, HasDiff: true, InScope: 8, AsRead: 8}}
	saved := sampleSyncMap()
	saved.Staged = 0
	saved.Status = []string{"sent: commit comment 'hasync: sync-map LAB-SYNC'", "remote: [ system config-sync ]",
		"sync-map: saved: vra-a's sync-map LAB-SYNC now has 6 rule(s) (re-read)"}
	for name, d := range map[string]SyncMapData{"list": list, "form": form, "confirm": conf, "hrp": hrp, "saved": saved} {
		for _, sz := range consoleSizes {
			t.Run(fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				out := SyncMaps(PlainConsoleStyles(), d, sz[0], sz[1])
				checkFrame(t, out, sz[0], sz[1])
				golden.Check(t, filepath.Join("testdata", t.Name()+".golden"), ansi.Strip(out))
			})
		}
	}
}

// TestSyncMapsMarks: errors and warnings carry a glyph, not colour
// alone; the cursor's rule shows at every size; the preview says what a
// sync would carry.
func TestSyncMapsMarks(t *testing.T) {
	d := sampleSyncMap()
	d.Rules[1].Issues = []SyncMapIssue{{Refused: true, Msg: "rule 2 is used twice"}}
	for _, sz := range consoleSizes {
		out := ansi.Strip(SyncMaps(PlainConsoleStyles(), d, sz[0], sz[1]))
		if !strings.Contains(out, "▸*10") {
			t.Errorf("%v: the cursor's rule is not shown:\n%s", sz, out)
		}
	}
	out := ansi.Strip(SyncMaps(PlainConsoleStyles(), d, 200, 50))
	for _, want := range []string{"✗ rule 2 is used twice", "! interfaces dataplane dp0s1 address", "a sync would carry 9 difference(s)", "(4 with the map as read)", "*10"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	s := PlainConsoleStyles()
	s.ASCII = true
	out = ansi.Strip(SyncMaps(s, d, 200, 50))
	if !strings.Contains(out, "x rule 2 is used twice") || strings.ContainsAny(out, "✗▸│") {
		t.Errorf("ASCII:\n%s", out)
	}
}

// TestSyncMapsSizes: in colour (dark and light) and in ASCII, every
// state of the tab is exactly its size at every size from 40x10 up.
func TestSyncMapsSizes(t *testing.T) {
	form := sampleSyncMap()
	form.Form = &SyncMapForm{Title: "edit rule", Number: "10", Action: "< exclude >", Location: "interfaces dataplane", Field: 1,
		Help: "tag node: Data plane interface name", Completions: []string{"interfaces dataplane dp0s1", "interfaces dataplane dp0s2"}, Completion: 1,
		Issues: []SyncMapIssue{{Msg: "an interface address is unique to each device"}}}
	conf := sampleSyncMap()
	conf.Confirm = &SyncMapConfirm{Device: "vra-a", Map: "LAB-SYNC", Apply: true, Offset: 3, Commands: []string{
		"delete system config-sync sync-map LAB-SYNC", "set system config-sync sync-map LAB-SYNC rule 1 action include",
		"set system config-sync sync-map LAB-SYNC rule 1 location 'security firewall'"}}
	ascii := PlainConsoleStyles()
	ascii.ASCII = true
	for name, st := range map[string]ConsoleStyles{"dark": NewConsoleStyles(true), "light": NewConsoleStyles(false), "ascii": ascii} {
		for _, d := range []SyncMapData{sampleSyncMap(), form, conf} {
			for w := 40; w <= 200; w += 23 {
				for _, h := range []int{10, 17, 24, 50} {
					out := SyncMaps(st, d, w, h)
					checkFrame(t, out, w, h)
					if name == "ascii" && strings.ContainsAny(ansi.Strip(out), "✗▸│…←→↑↓") {
						t.Fatalf("ascii %dx%d:\n%s", w, h, ansi.Strip(out))
					}
				}
			}
		}
	}
}

// TestSyncMapsCountsWhole: the preview's counts are never cut, however
// narrow its column (the words around them shorten).
func TestSyncMapsCountsWhole(t *testing.T) {
	d := sampleSyncMap()
	for w := 100; w <= 140; w++ {
		out := ansi.Strip(SyncMaps(PlainConsoleStyles(), d, w, 30))
		for _, want := range []string{"9 diff", "18 outside", "382", "516", "283/294"} {
			if !strings.Contains(out, want) {
				t.Errorf("%d wide: %q cut:\n%s", w, want, out)
			}
		}
	}
}

// TestSyncMapConfirmSmall (trial 13d D5): at every small height the save's
// question keeps its buttons; what does not fit (the warning, the
// commands) says how many lines are cut and scrolls (j/k) to the last
// command.
func TestSyncMapConfirmSmall(t *testing.T) {
	d := sampleSyncMap()
	d.Confirm = &SyncMapConfirm{Device: "vra-a", Map: "LAB-SYNC", Note: "vra-a pushes each commit to 10.0.0.2 by its own config-sync: this commit also sends the part of its configuration the map covers there",
		Commands: []string{"delete system config-sync sync-map LAB-SYNC rule 1", "commit comment 'hasync: sync-map LAB-SYNC'"}}
	for h := 3; h <= 14; h++ {
		out := ansi.Strip(SyncMaps(PlainConsoleStyles(), d, 40, h))
		checkFrame(t, out, 40, h)
		if !strings.Contains(out, "[ Cancel ]") || !strings.Contains(out, "Apply") {
			t.Errorf("40x%d: no buttons:\n%s", h, out)
		}
		if !strings.Contains(out, "commit comment") && !strings.Contains(out, "(j/k)") && !strings.Contains(out, "cut: a taller") {
			t.Errorf("40x%d: the commit is not shown, and nothing says so:\n%s", h, out)
		}
		c := *d.Confirm
		c.Offset = 100 // the view stops at the last line
		e := d
		e.Confirm = &c
		if out := ansi.Strip(SyncMaps(PlainConsoleStyles(), e, 40, h)); h >= 5 && !strings.Contains(out, "commit comment") && !strings.Contains(out, "0 below") {
			t.Errorf("40x%d: scrolled to the end, the commit is not shown:\n%s", h, out)
		}
	}
}
