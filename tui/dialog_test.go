package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/views"
)

// onlyVyatta keeps the lab's Vyatta pair, its devices copied so a test
// may change them.
func onlyVyatta(l *testLab) *inventory.Inventory {
	p := *l.inv.Pairs[0]
	for i, d := range p.Devices {
		dc := *d
		p.Devices[i] = &dc
	}
	return &inventory.Inventory{Path: l.inv.Path, Dir: l.inv.Dir, Pairs: []*inventory.Pair{&p}}
}

// TestPasswordDialog: a device whose inventory says password_prompt asks
// in a dialog; what is typed is never on the screen; the device then
// connects with it.
func TestPasswordDialog(t *testing.T) {
	l := startLab(t)
	inv := onlyVyatta(l)
	inv.Pairs[0].Devices[1].Credentials = inventory.Credentials{PasswordPrompt: true}
	o := l.options()
	o.Inventory = inv
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	s := waitScreen(t, tm, "the password dialog", has("Password for vra-b", "not shown as you type"))
	if strings.Contains(s, "refused") {
		t.Errorf("the first dialog says a password was refused:\n%s", s)
	}
	// A wrong password: the dialog comes back and says so.
	tm.Type("not-" + l.vy.Password)
	keys(tm, "enter")
	waitScreen(t, tm, "the dialog again", has("Password for vra-b", "refused the password typed before"))
	tm.Type(l.vy.Password)
	s = screen(t, tm)
	if strings.Contains(s, l.vy.Password) {
		t.Fatalf("the password is on the screen:\n%s", s)
	}
	keys(tm, "enter")
	waitScreen(t, tm, "vra-b connected with the password", has("✓ vra-b"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestUnknownHostDialog: a device no known_hosts file lists asks in a
// dialog with its key's fingerprint; y trusts it (and connects), and the
// other device, whose key is known, is never asked about.
func TestUnknownHostDialog(t *testing.T) {
	l := startLab(t)
	inv := onlyVyatta(l)
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	inv.Pairs[0].Devices[1].KnownHosts = empty
	o := l.options()
	o.Inventory = inv
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 24))
	s := waitScreen(t, tm, "the host key dialog", has("Unknown host key: vra-b", "SHA256:", "(y / n)"))
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "│") && strings.Contains(line, "vra-a") {
			t.Errorf("the dialog is about vra-a, whose key is known:\n%s", s)
		}
	}
	keys(tm, "y")
	waitScreen(t, tm, "vra-b connected", has("✓ vra-b"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestRefusedHostKeyDialog: a device whose host key changed is refused;
// a dialog shows both fingerprints and the known_hosts file and line.
func TestRefusedHostKeyDialog(t *testing.T) {
	l := startLab(t)
	o := l.options()
	o.Inventory = onlyVyatta(l)
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	waitScreen(t, tm, "vra-b up", has("✓ vra-b"))
	l.vy.B.Faults.SetChangedHostKey(true)
	l.vy.B.SSH.DropSessions()
	s := waitScreen(t, tm, "the refused host key", has("Host key refused: vra-b", "known_hosts:"))
	if strings.Count(s, "SHA256:") < 2 {
		t.Errorf("the dialog does not show both fingerprints:\n%s", s)
	}
	keys(tm, "enter")
	waitScreen(t, tm, "the list, vra-b down", has("✗ vra-b"))
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestHostKeyDialogNamesDevice: the host key dialog names the inventory's
// device, also when the address came from an ssh_config alias (the port
// tells which).
func TestHostKeyDialogNamesDevice(t *testing.T) {
	spec := &inventory.Pair{Name: "p", Family: config.Vyatta, Devices: [2]*inventory.Device{
		{Name: "vra-a", Family: config.Vyatta, Address: "192.0.2.1", Port: 2201},
		{Name: "vra-b", Family: config.Vyatta, SSHHost: "vrb", Port: 46639}}}
	m := New(context.Background(), Options{Inventory: &inventory.Inventory{Pairs: []*inventory.Pair{spec}}})
	t.Cleanup(m.Close)
	for host, want := range map[string]string{"[192.0.2.1]:2201": "vra-a", "192.0.2.1:2201": "vra-a", "[127.0.0.1]:46639": "vra-b", "[127.0.0.1]:22": ""} {
		if got := m.hostName(host); got != want {
			t.Errorf("hostName(%q) = %q, want %q", host, got, want)
		}
	}
}

// TestDialogAnswerLineSmall (trial 11, still there): at 40x10 and smaller
// the dialog keeps its answer line (the keys that answer it) and its
// bottom border; the body is cut above it, with a mark saying so.
func TestDialogAnswerLineSmall(t *testing.T) {
	hostKey := &promptReq{kind: askHostKey, who: "[127.0.0.1]:46639", keyType: "ssh-ed25519",
		fingerprint: "SHA256:Jb3x0pN3v5cQk1m2Yt8Wq9ZrL4sD6fH7gK0aB1cE2dF"}
	password := &promptReq{kind: askPassword, who: "fw-a-with-a-long-name.example.net", refused: true}
	notice := newNoticeDialog("Host key refused: vra-b", strings.Repeat("the key in known_hosts line 3 differs from the one presented ", 4))
	for _, tc := range []struct {
		name string
		d    *dialog
		want []string
	}{
		{"host key", newPromptDialog(hostKey, "vra-b"), []string{"(y / n)"}},
		{"password", newPromptDialog(password, ""), []string{"> ", "esc cancels"}},
		{"notice", notice, []string{"enter or esc closes"}},
	} {
		for _, sz := range [][2]int{{80, 24}, {40, 10}, {40, 8}, {30, 7}} {
			for _, ascii := range []bool{false, true} {
				st := views.PlainConsoleStyles()
				st.ASCII = ascii
				base := strings.TrimSuffix(strings.Repeat(strings.Repeat(".", sz[0])+"\n", sz[1]), "\n")
				out := ansi.Strip(tc.d.overlay(st, base, sz[0], sz[1]))
				lines := strings.Split(out, "\n")
				if len(lines) != sz[1] {
					t.Errorf("%s %dx%d: %d lines", tc.name, sz[0], sz[1], len(lines))
				}
				for _, w := range tc.want {
					if !strings.Contains(out, w) {
						t.Errorf("%s %dx%d ascii=%v: the answer %q is off screen:\n%s", tc.name, sz[0], sz[1], ascii, w, out)
					}
				}
				if strings.Count(out, "+-") < 2 && strings.Count(out, "┌")+strings.Count(out, "└") < 2 {
					t.Errorf("%s %dx%d: the box lost a border:\n%s", tc.name, sz[0], sz[1], out)
				}
				if ascii && strings.ContainsFunc(out, func(r rune) bool { return r > 0x7e }) {
					t.Errorf("%s %dx%d ascii: a non-ASCII glyph in the text:\n%s", tc.name, sz[0], sz[1], out)
				}
			}
		}
	}
	// Large enough, nothing is cut: the fingerprint is whole.
	out := ansi.Strip(newPromptDialog(hostKey, "vra-b").overlay(views.PlainConsoleStyles(), strings.Repeat(".\n", 23)+".", 100, 24))
	if !strings.Contains(out, hostKey.fingerprint) || strings.Contains(out, "more:") {
		t.Errorf("100x24 cut the dialog:\n%s", out)
	}
}
