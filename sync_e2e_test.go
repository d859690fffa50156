package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestDiffCommandsSyncTheLab is the sync contract as a user meets it, with
// the command line itself: both members of the emulated Vyatta pair are
// read over SSH (host keys verified) into files; `hasync diff --format
// commands` under vra-a's own sync-map gives the commands; they are typed
// into vra-b's configure mode, committed and saved; vra-b is read again and
// `hasync diff` exits 0 on the map, while outside it vra-b is as it was.
func TestDiffCommandsSyncTheLab(t *testing.T) {
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	cfg := labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
	ca := labtest.Dial(t, p.A.Device.Name(), p.A.SSH.Addr(), cfg)
	cb := labtest.Dial(t, p.B.Device.Name(), p.B.SSH.Addr(), cfg)
	dir := t.TempDir()
	read := func(c *ssh.Client, name string) string {
		out, err := labtest.Exec(t, c, "show configuration commands")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	a, b := read(ca, "vra-a"), read(cb, "vra-b")

	code, cmds, errOut := hasync(t, "diff", "--sync-map", vyatta.SeedSyncMap, "--format", "commands", a, b)
	if code != 1 || cmds == "" {
		t.Fatalf("the seeded pair differs in its map: exit %d, commands %q, stderr %q", code, cmds, errOut)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(cmds), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	sh := labtest.OpenShell(t, cb)
	sh.Expect("vyatta@vra-b:~$ ")
	sh.Run("configure", "vyatta@vra-b# ")
	for _, l := range append(lines, "commit", "save") {
		out := sh.Run(l, "vyatta@vra-b# ")
		for _, bad := range []string{"Error", "failed", "not valid", "Nothing to delete"} {
			if strings.Contains(out, bad) {
				t.Fatalf("vra-b refuses %q:\n%s", l, out)
			}
		}
	}
	sh.Run("exit", "vyatta@vra-b:~$ ")

	b2 := read(cb, "vra-b-after")
	if code, out, errOut := hasync(t, "diff", "--sync-map", vyatta.SeedSyncMap, a, b2); code != 0 {
		t.Errorf("after the sync, hasync diff exits %d, want 0:\n%s%s", code, out, errOut)
	}
	// Outside the map: what vra-b had before and has now differ only where
	// the map reaches. The protected and unshared parts of vra-b compare
	// equal with a map that excludes exactly the shared locations.
	args := []string{"diff"}
	for _, loc := range []string{"security firewall", "resources group", "service nat"} {
		args = append(args, "--exclude", loc)
	}
	if code, out, errOut := hasync(t, append(args, b, b2)...); code != 0 {
		t.Errorf("the sync changed vra-b outside its map: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("%d commands sent to vra-b, then hasync diff exit 0", len(lines))
}

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.RemoveBinary()
	os.Exit(code)
}

// TestSyncThroughRealSSHD: a whole `hasync sync` through real OpenSSH
// servers: each member of the pair is `hasync lab cli` behind its own
// sshd (ForceCommand), so every read and the apply go through OpenSSH's
// PTY; the drifted pair is planned, applied on vra-b (configure, the
// commands, commit, save, exit; typed again one at a time when the
// kernel's echo of lines typed ahead leaves the driver without an
// answer) and verified, and `diff --pair` then exits 0.
func TestSyncThroughRealSSHD(t *testing.T) {
	isolateHome(t)
	bin := labtest.HasyncBinary(t)
	servers := map[string]*labtest.SSHD{}
	for _, name := range []string{"vra-a", "vra-b"} {
		servers[name] = labtest.StartSSHD(t, labtest.SSHDOptions{Bin: bin, Family: "vyatta", Device: name, Need: "the sync through a real sshd"})
	}
	// Alone behind its sshd each router is VRRP MASTER of its groups,
	// which is dual active (sync refuses it): vra-b's VRRP goes, outside
	// the map, and is saved for the logins to come.
	setup := exec.Command(bin, "lab", "cli", "--family", "vyatta", "--state", servers["vra-b"].State, "--device", "vra-b")
	script := "configure\ndelete interfaces dataplane dp0s1 vrrp\n"
	for vif := 10; vif < 40; vif++ { // the seed's customer VLANs
		script += fmt.Sprintf("delete interfaces dataplane dp0s2 vif %d vrrp\n", vif)
	}
	setup.Stdin = strings.NewReader(script + "commit\nsave\nexit\nexit\n")
	if b, err := setup.CombinedOutput(); err != nil || strings.Contains(string(b), "failed") {
		t.Fatalf("vra-b without VRRP: %v\n%s", err, b)
	}
	var inv strings.Builder
	inv.WriteString("pairs:\n  - name: sshd-pair\n    family: vyatta\n    sync_mode: push\n    devices:\n")
	for _, name := range []string{"vra-a", "vra-b"} {
		s := servers[name]
		fmt.Fprintf(&inv, "      - name: %s\n        address: 127.0.0.1\n        port: %d\n        user: %s\n        key_file: %s\n        known_hosts: %s\n        timeouts: {command: 5s}\n",
			name, s.Port, s.User, s.KeyFile, s.KnownHosts)
	}
	file := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(file, []byte(inv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, out, errOut := hasync(t, "diff", "--pair", "sshd-pair", "--inventory", file); code != 1 {
		t.Fatalf("before the sync diff --pair exits %d, want 1:\n%s\n%s", code, out, errOut)
	}
	// The kernel's PTY echoes a line typed ahead as it arrives, while the
	// CLI runs the one before: unless the timing happens to keep the
	// echo in step, the apply typed ahead gets no answer it knows, times
	// out (timeouts: command 5s), and types the plan again one at a time. --save: each login to sshd runs a device instance of
	// its own on the saved configuration, so the next command's login
	// sees what was saved.
	code, out, errOut := hasync(t, "sync", "--pair", "sshd-pair", "--inventory", file, "--state", t.TempDir(), "--yes", "--save")
	t.Logf("diff and sync through sshd: %v", time.Since(start))
	if code != 0 {
		t.Fatalf("sync through sshd: exit %d\n%s\n%s\nsshd vra-b:\n%s", code, out, errOut, servers["vra-b"].Log())
	}
	for _, want := range []string{"transport: ssh", "vra-b> configure", "vra-b> set ", "vra-b> commit", "vra-b> save", "vra-b: running configuration saved", "synced: everything the plan meant to change is equal"} {
		if !strings.Contains(out, want) {
			t.Errorf("sync output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("typed again one at a time: %v", strings.Contains(out, "typing them again one at a time"))
	if code, out, errOut := hasync(t, "diff", "--pair", "sshd-pair", "--inventory", file); code != 0 {
		t.Errorf("after the sync diff --pair exits %d, want 0:\n%s\n%s", code, out, errOut)
	}
}
