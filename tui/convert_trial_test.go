package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/views"
)

// TestNoDoubledDevice (trial 11 defect 6): an error whose layers each
// name the device ("vra-a: vra-a: unknown host ...") is shown under or
// after the device's name once; a comparison error without "pair NAME:",
// which the row says.
func TestNoDoubledDevice(t *testing.T) {
	err := fmt.Errorf("vra-a: %w", fmt.Errorf("vra-a: %w", errors.New("ssh 127.0.0.1:2201: unknown host")))
	s := &pair.Snapshot{Pair: "lab-huawei", Family: config.Vyatta}
	s.Devices[0] = pair.DeviceState{Name: "vra-a", Err: err, Reason: pair.ReasonUnknownHost}
	s.Devices[1] = pair.DeviceState{Name: "vra-b", Reachable: true}
	if got := lastError(s); strings.Count(got, "vra-a") != 1 {
		t.Errorf("last error %q", got)
	}
	spec := &inventory.Pair{Name: "lab-huawei", Family: config.Vyatta, Devices: [2]*inventory.Device{{Name: "vra-a"}, {Name: "vra-b"}}}
	ha := haData(spec, summary{snap: s, inScope: -1, outScope: -1})
	if got := ha.Members[0].Err; strings.Contains(got, "vra-a") {
		t.Errorf("HA tab, under vra-a: %q", got)
	}
	s2 := &pair.Snapshot{Pair: "lab-huawei", CompareErr: errors.New("pair lab-huawei: compare: dual active")}
	if got := lastError(s2); got != "compare: dual active" {
		t.Errorf("compare error %q", got)
	}
}

// TestPastError (defect 6): the list's last error is the Log's last
// error, with its time and the device once.
func TestPastError(t *testing.T) {
	l := views.NewLog()
	if pastError(l) != "" {
		t.Error("an empty log has a past error")
	}
	at := time.Date(2026, 11, 30, 8, 20, 21, 0, time.Local)
	l.Append([]views.LogEntry{
		{At: at, Device: "vra-b", Kind: "lost", Text: "vra-b: ssh 127.0.0.1:2202: connection lost", Err: true},
		{At: at.Add(time.Second), Device: "vra-b", Kind: "connected", Text: "session open"},
	})
	if got, want := pastError(l), "08:20:21 vra-b: ssh 127.0.0.1:2202: connection lost"; got != want {
		t.Errorf("past error %q, want %q", got, want)
	}
}

// TestDeclinedWord (defect 2): a declined password reads as such, with
// the key that asks again, not as "no password".
func TestDeclinedWord(t *testing.T) {
	if got := reasonWord(pair.ReasonCredentials, fmt.Errorf("vra-b: %w", errDeclined)); got != "declined (r asks again)" {
		t.Errorf("reason %q", got)
	}
}

// TestHATrouble (defect 17): the HRP core state as the cut heartbeat
// leaves it reaches the list's cell; a normal one does not.
func TestHATrouble(t *testing.T) {
	spec := &inventory.Device{Name: "FW-A"}
	bad := pair.DeviceState{Name: "FW-A", Reachable: true, HA: device.HAState{HRP: &device.HRPState{Prefix: "HRP_M", Core: "abnormal(active)", PeerCore: "unknown"}}}
	if got := deviceCell(spec, bad).HATrouble; got != "core state abnormal(active), peer unknown" {
		t.Errorf("trouble %q", got)
	}
	good := pair.DeviceState{Name: "FW-A", Reachable: true, HA: device.HAState{HRP: &device.HRPState{Prefix: "HRP_M", Core: "normal", PeerCore: "normal"}}}
	if got := deviceCell(spec, good).HATrouble; got != "" {
		t.Errorf("trouble %q for a normal core", got)
	}
}

// TestLogDeviceOnce (defect 6): the Log names the device in its column;
// the entry's text does not repeat it ("FW-B lost FW-B: ssh ...").
func TestLogDeviceOnce(t *testing.T) {
	for _, k := range []pair.EventKind{pair.Lost, pair.Error} {
		le := logEntry(pair.Event{Kind: k, Device: "FW-B", Err: fmt.Errorf("FW-B: %w", errors.New("FW-B: ssh 127.0.0.1:32773: connection lost")), Reason: pair.ReasonLost})
		if strings.Contains(le.Text, "FW-B") || !strings.HasPrefix(le.Text, "ssh 127.0.0.1:32773") {
			t.Errorf("%v: %q", k, le.Text)
		}
	}
}

// TestPairsText (defect 18): "2 pairs", not "2 pair(s)".
func TestPairsText(t *testing.T) {
	m := offlineModel(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	if s := m.Render(); !strings.Contains(s, "1 pair") || strings.Contains(s, "pair(s)") {
		t.Errorf("title:\n%s", s)
	}
	if pairsText(2) != "2 pairs" {
		t.Error(pairsText(2))
	}
}

// TestRefreshedText: a refresh's Log line names what it read and never
// says "both devices read" beside a member it did not read (trial 13b).
func TestRefreshedText(t *testing.T) {
	lost := errors.New("dial: connection refused")
	for _, tc := range []struct {
		a, b pair.DeviceState
		want string
	}{
		{pair.DeviceState{Name: "vra-a", Reachable: true}, pair.DeviceState{Name: "vra-b", Reachable: true}, "both devices read"},
		{pair.DeviceState{Name: "vra-a", Reachable: true}, pair.DeviceState{Name: "vra-b", Err: lost}, "vra-a read; vra-b not read"},
		{pair.DeviceState{Name: "vra-a", Err: lost}, pair.DeviceState{Name: "vra-b", Err: lost}, "neither device read (vra-a, vra-b)"},
		{pair.DeviceState{Name: "vra-a", Err: lost, RESTRead: true}, pair.DeviceState{Name: "vra-b", Reachable: true}, "both devices read"},
	} {
		s := &pair.Snapshot{Devices: [2]pair.DeviceState{tc.a, tc.b}}
		if got := logEntry(pair.Event{Kind: pair.Refreshed, Snapshot: s}).Text; got != tc.want {
			t.Errorf("%s/%s: %q, want %q", tc.a.Name, tc.b.Name, got, tc.want)
		}
	}
}
