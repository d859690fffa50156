package lab

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestControlFaults turns every verb through the socket and reads the
// knobs back.
func TestControlFaults(t *testing.T) {
	dir := t.TempDir()
	f := &Faults{}
	// The server runs requests on its own goroutines.
	var cut, dual atomic.Bool
	var failovers atomic.Int32
	s, err := ServeControl(dir, []ControlDevice{
		{Name: "FW-A", Faults: &Faults{}},
		{Name: "FW-B", Faults: f, CutHRP: cut.Store, DualActive: dual.Store, Failover: func() { failovers.Add(1) }},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Lstat(ControlPath(dir))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("control socket: %v %v", fi.Mode(), err)
	}
	for _, c := range []struct{ req, reply string }{
		{"devices", "FW-A FW-B"},
		{"fault FW-B refuse", "FW-B: refuse on"},
		{"fault FW-B refuse-ssh", "FW-B: refuse-ssh on"},
		{"fault FW-B fail-auth on", "FW-B: fail-auth on"},
		{"fault FW-B changed-host-key", "FW-B: changed-host-key on"},
		{"fault FW-B drop-after-lines 7", "FW-B: drop-after-lines 7"},
		{"fault FW-B drop-in-commit", "FW-B: drop-in-commit on"},
		{"fault FW-B drop-before-commit", "FW-B: drop-before-commit on"},
		{"fault FW-B delay 250ms", "FW-B: delay 250ms"},
		{"fault FW-B cut-hrp", "FW-B: cut-hrp on"},
		{"fault FW-B dual-active on", "FW-B: dual-active on"},
		{"fault FW-B failover", "FW-B: failover"},
		{"fault FW-B drop", "FW-B: dropped 0 SSH connection(s)"},
	} {
		got, err := Control(dir, c.req)
		if err != nil || got != c.reply {
			t.Errorf("%q: got %q, %v; want %q", c.req, got, err, c.reply)
		}
	}
	if !f.Refuse() || !f.refuseSSH.Load() || !f.FailAuth() || !f.ChangedHostKey() || f.DropAfterLines() != 7 || !f.DropInCommit() || !f.DropBeforeCommit() ||
		f.Delay() != 250*time.Millisecond || !cut.Load() || !dual.Load() || failovers.Load() != 1 {
		t.Errorf("faults not set: cut=%v dual=%v failovers=%d", cut.Load(), dual.Load(), failovers.Load())
	}
	if got, err := Control(dir, "fault FW-B clear"); err != nil || got != "FW-B: faults cleared" {
		t.Errorf("clear: %q %v", got, err)
	}
	if f.Refuse() || f.refuseSSH.Load() || f.FailAuth() || f.ChangedHostKey() || f.DropAfterLines() != 0 || f.DropInCommit() || f.DropBeforeCommit() || f.Delay() != 0 || cut.Load() || dual.Load() {
		t.Errorf("clear left faults: cut=%v dual=%v", cut.Load(), dual.Load())
	}
	for _, c := range []struct{ req, want string }{
		{"fault FW-C refuse", `unknown device "FW-C" (this lab has FW-A, FW-B)`},
		{"fault FW-A cut-hrp", "FW-A: cut-hrp: the device has no HRP link (huawei only)"},
		{"fault FW-A failover", "FW-A: failover: not available for this device's pair yet"},
		{"fault FW-B banana", `FW-B: unknown fault "banana"`},
		{"fault FW-B delay soon", "FW-B: delay soon: expected a duration"},
		{"fault FW-B refuse maybe", "FW-B: refuse maybe: expected on or off"},
		{"fault FW-B", "usage: fault DEVICE VERB [ARG]"},
		{"reboot", `unknown request "reboot"`},
	} {
		_, err := Control(dir, c.req)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.req, err, c.want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(ControlPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlives Close: %v", err)
	}
}

// TestControlNoLab: no socket, a stale one, a second lab on the same
// directory.
func TestControlNoLab(t *testing.T) {
	dir := t.TempDir()
	if _, err := Control(dir, "devices"); !errors.Is(err, ErrNoLab) || !strings.Contains(err.Error(), "no "+ControlFile) {
		t.Errorf("no socket: %v", err)
	}
	// A socket whose server is gone, as a killed lab leaves it.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: ControlPath(dir), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if err := os.Chmod(ControlPath(dir), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Control(dir, "devices"); !errors.Is(err, ErrNoLab) || !strings.Contains(err.Error(), "stale") {
		t.Errorf("stale socket: %v", err)
	}
	// A new lab replaces the stale socket; a second one is refused.
	s, err := ServeControl(dir, []ControlDevice{{Name: "vra-a"}})
	if err != nil {
		t.Fatalf("over a stale socket: %v", err)
	}
	defer s.Close()
	if _, err := ServeControl(dir, nil); err == nil || !strings.Contains(err.Error(), "another lab runs") {
		t.Errorf("second lab on the same directory: %v", err)
	}
	if got, err := Control(dir, "devices"); err != nil || got != "vra-a" {
		t.Errorf("devices: %q %v", got, err)
	}
	// A socket others may open is not trusted.
	if err := os.Chmod(ControlPath(dir), 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := Control(dir, "devices"); err == nil || !strings.Contains(err.Error(), "lets others in") {
		t.Errorf("mode 0666: %v", err)
	}
	if _, err := Control(t.TempDir()+"/nope", "devices"); !errors.Is(err, ErrNoLab) {
		t.Errorf("missing directory: %v", err)
	}
}

func TestControlPathTooLong(t *testing.T) {
	dir := t.TempDir() + "/" + strings.Repeat("d", 110)
	if _, err := ServeControl(dir, nil); !errors.Is(err, ErrControlPath) {
		t.Errorf("a %d-byte socket path: %v", len(ControlPath(dir)), err)
	}
}
