package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestLastErrorReadable (trial 11 defect 6): at 120 columns the LAST
// ERROR column shows the device and the cause whole.
func TestLastErrorReadable(t *testing.T) {
	rows := []PairRow{{Name: "lab-vyatta", Family: "vyatta", InScope: 4, OutScope: 24, LastSync: "11-30 08:20 refused",
		Devices:   [2]DeviceCell{{Name: "vra-a", State: Up, Role: "MASTER"}, {Name: "vra-b", State: Down, Role: "BACKUP", LastKnown: true}},
		LastError: "vra-b: dropped (ssh 127.0.0.1:32773: connection lost)"}}
	out := ansi.Strip(PairList(PlainConsoleStyles(), rows, 0, 0, 120, 3))
	for _, want := range []string{"LAST ERROR", "vra-b: dropped (ssh 127.0.0", "11-30 08:20 refused", "✗ vra-b (BACKUP)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the list at 120 lacks %q:\n%s", want, out)
		}
	}
}

// TestPastErrorShown (defect 6): once the device is back, the last error
// stays in its column with its time, instead of "—".
func TestPastErrorShown(t *testing.T) {
	rows := []PairRow{{Name: "lab-vyatta", Family: "vyatta", InScope: 4, OutScope: 24,
		Devices:   [2]DeviceCell{{Name: "vra-a", State: Up}, {Name: "vra-b", State: Up}},
		PastError: "08:20:21 vra-b: connection lost"}}
	out := ansi.Strip(PairList(PlainConsoleStyles(), rows, 0, 0, 120, 3))
	if !strings.Contains(out, "08:20:21 vra-b: connection lost") {
		t.Errorf("the past error is not shown:\n%s", out)
	}
	rows[0].LastError = "vra-a: refused"
	out = ansi.Strip(PairList(PlainConsoleStyles(), rows, 0, 0, 120, 3))
	if !strings.Contains(out, "vra-a: refused") || strings.Contains(out, "08:20:21") {
		t.Errorf("a current error goes before a past one:\n%s", out)
	}
}

// TestHeaderASCIIState (defect 18): under --ascii the pair header says
// "up", not "ok up".
func TestHeaderASCIIState(t *testing.T) {
	s := PlainConsoleStyles()
	s.ASCII = true
	out := ansi.Strip(DeviceHeader(s, "p", [2]DeviceCell{{Name: "vra-a", State: Up}, {Name: "vra-b", State: Down, Why: "refused"}}, 80))
	if strings.Contains(out, "ok up") || !strings.Contains(out, "up vra-a") || !strings.Contains(out, "down vra-b") {
		t.Errorf("header:\n%s", out)
	}
}

// TestHATroubleFlagged (trial 11 defect 17): an HRP member whose core
// state is abnormal is flagged in the list (glyph) and the header
// (words), whatever its role says.
func TestHATroubleFlagged(t *testing.T) {
	devs := [2]DeviceCell{{Name: "FW-A", State: Up, Role: "HRP_M", HATrouble: "core state abnormal(active), peer unknown"}, {Name: "FW-B", State: Up, Role: "HRP_S"}}
	rows := []PairRow{{Name: "lab-huawei", Family: "huawei", InScope: 6, OutScope: 13, Devices: devs}}
	for _, w := range []int{80, 120, 200} {
		out := ansi.Strip(PairList(PlainConsoleStyles(), rows, 0, 0, w, 3))
		if !strings.Contains(out, "FW-A HRP_M ⚠HA") || strings.Contains(out, "FW-B HRP_S ⚠") {
			t.Errorf("%d cols:\n%s", w, out)
		}
	}
	out := ansi.Strip(DeviceHeader(PlainConsoleStyles(), "lab-huawei", devs, 120))
	if !strings.Contains(out, "⚠ HA: core state abnormal(active), peer unknown") {
		t.Errorf("header:\n%s", out)
	}
}
