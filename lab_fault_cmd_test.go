package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// labPort is the SSH port `hasync lab` printed for device (PAIR/NAME with
// --pairs).
func labPort(t *testing.T, out, device string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(device) + `: ssh -p (\d+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no port of %s in:\n%s", device, out)
	}
	p, _ := strconv.Atoi(m[1])
	return p
}

// labFault runs `hasync lab fault` through run, as the binary does.
func labFault(t *testing.T, dir, device string, verb ...string) (code int, stdout, stderr string) {
	t.Helper()
	return hasync(t, append([]string{"lab", "fault", "--state", dir, "--device", device}, verb...)...)
}

func labClientConfig(t *testing.T, dir, user string) *ssh.ClientConfig {
	t.Helper()
	key, err := lab.LoadOrCreateKey(filepath.Join(dir, lab.ClientKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return labtest.ClientConfig(t, dir, user, key)
}

// TestLabFaultCommand drives a running `hasync lab` from outside: `lab
// fault` drops a live SSH session, refuses logins until `clear`, and says
// in one line, exit 2, what it cannot do.
func TestLabFaultCommand(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200")
	if !strings.Contains(out.String(), "control: hasync lab fault --state "+dir) {
		t.Errorf("the lab does not say where its control socket is:\n%s", out.String())
	}
	addr := fmt.Sprintf("127.0.0.1:%d", labPort(t, out.String(), "vra-b"))
	cfg := labClientConfig(t, dir, "vyatta")

	// drop: the live session ends, a new one is served.
	sh := labtest.OpenShell(t, labtest.Dial(t, "vra-b", addr, cfg))
	sh.Expect("vyatta@vra-b:~$ ")
	code, got, errOut := labFault(t, dir, "vra-b", "drop")
	if code != 0 || !strings.HasPrefix(got, "vra-b: dropped ") {
		t.Fatalf("lab fault drop: exit %d %q %q", code, got, errOut)
	}
	select {
	case <-sh.Done():
	case <-time.After(labtest.ExpectTimeout):
		t.Fatal("the session outlived `lab fault drop`")
	}
	if o, err := labtest.Exec(t, labtest.Dial(t, "vra-b", addr, cfg), "show version"); err != nil || !strings.Contains(o, "vra-b") {
		t.Errorf("after drop: %v\n%s", err, o)
	}

	// refuse: no login until clear.
	if code, got, errOut := labFault(t, dir, "vra-b", "refuse"); code != 0 || got != "vra-b: refuse on\n" {
		t.Fatalf("lab fault refuse: exit %d %q %q", code, got, errOut)
	}
	if c, err := ssh.Dial("tcp", addr, cfg); err == nil {
		c.Close()
		t.Error("a login to a refusing device succeeded")
	}
	if code, got, _ := labFault(t, dir, "vra-b", "clear"); code != 0 || got != "vra-b: faults cleared\n" {
		t.Fatalf("lab fault clear: exit %d %q", code, got)
	}
	if o, err := labtest.Exec(t, labtest.Dial(t, "vra-b", addr, cfg), "show version"); err != nil || !strings.Contains(o, "vra-b") {
		t.Errorf("after clear: %v\n%s", err, o)
	}

	// What it cannot do: one line on stderr, exit 2.
	for _, c := range []struct {
		dir, device string
		verb        []string
		want        string
	}{
		{dir, "vra-c", []string{"drop"}, `hasync: lab fault: unknown device "vra-c" (this lab has vra-a, vra-b)`},
		{dir, "vra-a", []string{"cut-hrp"}, "hasync: lab fault: vra-a: cut-hrp: the device has no HRP link (huawei only)"},
		{dir, "vra-a", []string{"delay", "soon"}, "hasync: lab fault: vra-a: delay soon: expected a duration such as 500ms"},
		{t.TempDir(), "vra-a", []string{"drop"}, "hasync: lab fault: no lab running at "},
	} {
		code, got, errOut := labFault(t, c.dir, c.device, c.verb...)
		if code != 2 || got != "" || !strings.HasPrefix(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("lab fault %s %v: exit %d %q, stderr %q; want exit 2 and %q", c.device, c.verb, code, got, errOut, c.want)
		}
	}
	stop()
	if _, err := os.Lstat(lab.ControlPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the control socket outlives the lab: %v", err)
	}
	if code, _, errOut := labFault(t, dir, "vra-b", "clear"); code != 2 || !strings.Contains(errOut, "no lab running at "+dir) {
		t.Errorf("after the lab ended: exit %d %q", code, errOut)
	}
}

// TestLabFaultStaleSocket: a socket a killed lab left says so.
func TestLabFaultStaleSocket(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: lab.ControlPath(dir), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if err := os.Chmod(lab.ControlPath(dir), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := labFault(t, dir, "vra-b", "drop")
	if code != 2 || !strings.Contains(errOut, "stale "+lab.ControlFile) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stale socket: exit %d %q", code, errOut)
	}
}

// TestLabFaultHuawei: cut-hrp reaches the Huawei pair's link, and
// failover switches its roles over (FW-A answers as the standby).
func TestLabFaultHuawei(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "huawei", "--lines", "200", "--hrp-hello", "100ms")
	defer stop()
	if code, got, errOut := labFault(t, dir, "FW-B", "cut-hrp"); code != 0 || got != "FW-B: cut-hrp on\n" {
		t.Errorf("cut-hrp: exit %d %q %q", code, got, errOut)
	}
	if code, got, errOut := labFault(t, dir, "FW-A", "clear"); code != 0 || got != "FW-A: faults cleared\n" {
		t.Errorf("clear: exit %d %q %q", code, got, errOut)
	}
	if code, got, errOut := labFault(t, dir, "FW-B", "failover"); code != 0 || got != "FW-B: failover\n" {
		t.Fatalf("failover: exit %d %q %q", code, got, errOut)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", labPort(t, out.String(), "FW-A"))
	cfg := labClientConfig(t, dir, "admin")
	var got string
	labtest.Eventually(t, "FW-A to be standby", 20*time.Second, func() bool {
		got, _ = labtest.Exec(t, labtest.Dial(t, "FW-A", addr, cfg), "display hrp state")
		return strings.Contains(got, " Role: standby, peer: active\n")
	})
	if !strings.Contains(got, "new_state = normal(standby)") {
		t.Errorf("display hrp state on FW-A after lab fault failover:\n%s", got)
	}
	if code, got, errOut := labFault(t, dir, "FW-A", "dual-active", "on"); code != 0 || got != "FW-A: dual-active on\n" {
		t.Errorf("dual-active: exit %d %q %q", code, got, errOut)
	}
	labtest.Eventually(t, "FW-A to be dual active", 20*time.Second, func() bool {
		got, _ = labtest.Exec(t, labtest.Dial(t, "FW-A", addr, cfg), "display hrp state")
		return strings.Contains(got, " Role: active, peer: active\n") && strings.Contains(got, "peer: abnormal(active)\n")
	})
	if code, _, _ := labFault(t, dir, "FW-A", "clear"); code != 0 {
		t.Errorf("clear: exit %d", code)
	}
	labtest.Eventually(t, "FW-A out of dual active", 20*time.Second, func() bool {
		got, _ = labtest.Exec(t, labtest.Dial(t, "FW-A", addr, cfg), "display hrp state")
		return strings.Contains(got, " Role: standby, peer: active\n")
	})
}

// TestDemoControlSocket: `hasync demo --hold` keeps its lab running with
// a control socket, and removes both on exit.
func TestDemoControlSocket(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &labtest.SyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runDemo(ctx, out, 120, true) }()
	labtest.Eventually(t, "the demo to hold", 60*time.Second, func() bool {
		select {
		case err := <-done:
			t.Fatalf("demo ended: %v\n%s", err, out.String())
		default:
		}
		return strings.HasSuffix(out.String(), "\nready\n")
	})
	m := regexp.MustCompile(`Lab state directory: (\S+) \(control socket (\S+)\)`).FindStringSubmatch(out.String())
	if m == nil || m[2] != lab.ControlPath(m[1]) {
		t.Fatalf("the demo does not print its state directory and socket:\n%s", out.String())
	}
	dir := m[1]
	if code, got, errOut := labFault(t, dir, "vra-b", "refuse"); code != 0 || got != "vra-b: refuse on\n" {
		t.Errorf("fault on the demo's lab: exit %d %q %q", code, got, errOut)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("demo --hold did not end when interrupted")
	}
	if _, err := os.Lstat(lab.ControlPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo leaves its control socket: %v", err)
	}
}

// TestLabPairs: `hasync lab --pairs 3` serves three pairs on consecutive
// ports with one inventory, one known_hosts and one client key, each
// device reachable and its faults separate.
func TestLabPairs(t *testing.T) {
	for _, fam := range []struct{ family, user, a, b, cmd string }{
		{"vyatta", "vyatta", "vra-a", "vra-b", "show version"},
		{"huawei", "admin", "FW-A", "FW-B", "display current-configuration"},
	} {
		t.Run(fam.family, func(t *testing.T) {
			dir := t.TempDir()
			out, stop := labStart(t, dir, "--family", fam.family, "--pairs", "3", "--lines", "100")
			defer stop()
			b, err := os.ReadFile(filepath.Join(dir, lab.InventoryFile))
			if err != nil {
				t.Fatal(err)
			}
			var inv lab.Inventory
			if err := yaml.Unmarshal(b, &inv); err != nil {
				t.Fatal(err)
			}
			if len(inv.Pairs) != 3 {
				t.Fatalf("inventory has %d pairs:\n%s", len(inv.Pairs), b)
			}
			var ports []int
			for i, p := range inv.Pairs {
				if want := fmt.Sprintf("lab-%s-%d", fam.family, i+1); p.Name != want || p.Family != fam.family || len(p.Devices) != 2 {
					t.Errorf("pair %d: %s %s %d devices, want %s", i, p.Name, p.Family, len(p.Devices), want)
				}
				for _, d := range p.Devices {
					ports = append(ports, d.Port)
					if d.KeyFile != filepath.Join(dir, lab.ClientKeyFile) || d.KnownHosts != filepath.Join(dir, lab.KnownHostsFile) {
						t.Errorf("%s/%s: key %s, known_hosts %s: want the lab directory's", p.Name, d.Name, d.KeyFile, d.KnownHosts)
					}
					if got := labPort(t, out.String(), p.Name+"/"+d.Name); got != d.Port {
						t.Errorf("%s/%s: printed port %d, inventory %d", p.Name, d.Name, got, d.Port)
					}
				}
			}
			for i := range ports {
				if ports[i] != ports[0]+i {
					t.Fatalf("ports not consecutive: %v", ports)
				}
			}
			cfg := labClientConfig(t, dir, fam.user)
			for i, p := range inv.Pairs {
				for _, d := range p.Devices {
					addr := fmt.Sprintf("127.0.0.1:%d", d.Port)
					if o, err := labtest.Exec(t, labtest.Dial(t, p.Name+"/"+d.Name, addr, cfg), fam.cmd); err != nil || o == "" {
						t.Errorf("%s/%s (pair %d) %s: %v\n%s", p.Name, d.Name, i+1, fam.cmd, err, o)
					}
				}
			}
			code, got, errOut := hasync(t, "lab", "fault", "--state", dir, "--list")
			if want := fmt.Sprintf("lab-%[1]s-1/%[2]s\nlab-%[1]s-1/%[3]s\n", fam.family, fam.a, fam.b); code != 0 || !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 6 {
				t.Errorf("lab fault --list: exit %d %q %q, want 6 lines from %q", code, got, errOut, want)
			}
			// A fault on pair 2's second device leaves pair 3's alone.
			dev2 := fmt.Sprintf("lab-%s-2/%s", fam.family, fam.b)
			if code, got, errOut := labFault(t, dir, dev2, "refuse"); code != 0 || got != dev2+": refuse on\n" {
				t.Fatalf("fault %s: exit %d %q %q", dev2, code, got, errOut)
			}
			if c, err := ssh.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", inv.Pairs[1].Devices[1].Port), cfg); err == nil {
				c.Close()
				t.Errorf("%s refuses, yet a login succeeded", dev2)
			}
			labtest.Dial(t, "pair 3", fmt.Sprintf("127.0.0.1:%d", inv.Pairs[2].Devices[1].Port), cfg)
			if code, _, errOut := labFault(t, dir, fam.b, "refuse"); code != 2 || !strings.Contains(errOut, "unknown device") {
				t.Errorf("a bare name with several pairs: exit %d %q", code, errOut)
			}
			// lab cli works on one pair's directory, not on the top one.
			if code, _, errOut := hasync(t, "lab", "cli", "--family", fam.family, "--state", dir, fam.cmd); code != 2 || !strings.Contains(errOut, "serves 3 pairs") {
				t.Errorf("lab cli on the top directory: exit %d %q", code, errOut)
			}
			if code, got, errOut := hasync(t, "lab", "cli", "--family", fam.family, "--state", filepath.Join(dir, "pair-2"), "--device", fam.b, fam.cmd); code != 0 || !strings.Contains(got, fam.b) {
				t.Errorf("lab cli on pair-2: exit %d %q\n%.300s", code, errOut, got)
			}
		})
	}
}

// TestLabCLISSHOriginalCommand: with no arguments, `lab cli` runs the
// command OpenSSH's ForceCommand passes in SSH_ORIGINAL_COMMAND.
func TestLabCLISSHOriginalCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(sshOriginalCommand, "show version")
	code, out, errOut := hasync(t, "lab", "cli", "--state", dir, "--device", "vra-b")
	if code != 0 || !strings.Contains(out, "Hostname:         vra-b") {
		t.Errorf("lab cli with SSH_ORIGINAL_COMMAND: exit %d\n%s%s", code, out, errOut)
	}
	// Arguments win over the variable.
	code, out, _ = hasync(t, "lab", "cli", "--state", dir, "show", "configuration", "commands")
	if code != 0 || !strings.Contains(out, "set system host-name 'vra-a'") {
		t.Errorf("lab cli with arguments and SSH_ORIGINAL_COMMAND: exit %d\n%.300s", code, out)
	}
	t.Setenv(sshOriginalCommand, "display current-configuration")
	if code, out, errOut := hasync(t, "lab", "cli", "--family", "huawei", "--state", dir); code != 0 || !strings.Contains(out, "sysname FW-A") {
		t.Errorf("huawei lab cli with SSH_ORIGINAL_COMMAND: exit %d\n%s%s", code, out, errOut)
	}
}

// TestLabCLIForceCommand: a real OpenSSH server on loopback whose
// ForceCommand is `hasync lab cli` runs what the OpenSSH client asks for.
func TestLabCLIForceCommand(t *testing.T) {
	labtest.RequireSSHD(t, "the ForceCommand test")
	bin := labtest.HasyncBinary(t)
	s := labtest.StartSSHD(t, labtest.SSHDOptions{Bin: bin, Device: "vra-b", Need: "the ForceCommand test"})
	sshArgs := labtest.OpenSSHArgs(t, s.Dir, s.Port, s.User)
	got, err := exec.Command("ssh", append(sshArgs, "show", "version")...).CombinedOutput()
	if err != nil || !strings.Contains(string(got), "Hostname:         vra-b") {
		t.Errorf("ssh … show version through ForceCommand: %v\n%s\nsshd:\n%s", err, got, s.Log())
	}
	// No command: the interactive CLI, here on a pipe.
	shell := exec.Command("ssh", append([]string{"-T"}, sshArgs...)...)
	shell.Stdin = strings.NewReader("show version\nexit\n")
	got, err = shell.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "vyatta@vra-b:~$ ") || !strings.Contains(string(got), "Hostname:         vra-b") {
		t.Errorf("ssh shell through ForceCommand: %v\n%s\nsshd:\n%s", err, got, s.Log())
	}
}

func TestLabPairsBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lab", "--pairs", "0", "--dir", t.TempDir()}, "--pairs 0"},
		{[]string{"lab", "--pairs", "2", "--ssh-ports", "2201,2202", "--dir", t.TempDir()}, "--ssh-ports and --rest-ports are for one pair"},
		{[]string{"lab", "--pairs", "3", "--base-port", "65530", "--dir", t.TempDir()}, "--base-port 65530: out of range"},
		{[]string{"lab", "fault", "--device", "vra-b", "drop"}, "--state DIR is required"},
		{[]string{"lab", "fault", "--state", t.TempDir(), "drop"}, "--device NAME is required"},
		{[]string{"lab", "fault", "--state", t.TempDir(), "--device", "vra-b"}, "a VERB is required"},
		{[]string{"lab", "fault", "--state", t.TempDir(), "--list"}, "no lab running at "},
	} {
		code, _, errOut := hasync(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d %q, want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// TestLabFaultBinary drives the built binary as a tmux session would: a
// `hasync lab` process, `hasync lab fault` from another, the socket gone
// after an interrupt, a stale one after a kill, and a new lab over it.
func TestLabFaultBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := labtest.HasyncBinary(t)
	dir := filepath.Join(tmp, "lab")
	start := func() (*exec.Cmd, *labtest.SyncBuffer, chan struct{}) {
		t.Helper()
		cmd := exec.Command(bin, "lab", "--dir", dir, "--lines", "100")
		out := &labtest.SyncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
		labtest.Eventually(t, "the lab to be ready", 30*time.Second, func() bool {
			select {
			case <-exited:
				t.Fatalf("lab ended:\n%s", out.String())
			default:
			}
			return strings.Contains(out.String(), "ready\n")
		})
		return cmd, out, exited
	}
	fault := func(device string, verb ...string) (int, string) {
		t.Helper()
		c := exec.Command(bin, append([]string{"lab", "fault", "--state", dir, "--device", device}, verb...)...)
		b, err := c.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(b)
	}
	wait := func(exited chan struct{}) {
		t.Helper()
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			t.Fatal("the lab did not end")
		}
	}

	lab1, out, exited := start()
	addr := fmt.Sprintf("127.0.0.1:%d", labPort(t, out.String(), "vra-b"))
	cfg := labClientConfig(t, dir, "vyatta")
	sh := labtest.OpenShell(t, labtest.Dial(t, "vra-b", addr, cfg))
	sh.Expect("vyatta@vra-b:~$ ")
	if code, got := fault("vra-b", "drop"); code != 0 || !strings.HasPrefix(got, "vra-b: dropped ") {
		t.Fatalf("drop: exit %d %q", code, got)
	}
	select {
	case <-sh.Done():
	case <-time.After(labtest.ExpectTimeout):
		t.Fatal("the session outlived `lab fault drop`")
	}
	labtest.Dial(t, "vra-b", addr, cfg)
	if err := lab1.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	wait(exited)
	if _, err := os.Lstat(lab.ControlPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlives an interrupted lab: %v", err)
	}

	lab2, _, exited := start()
	if err := lab2.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	wait(exited)
	if code, got := fault("vra-b", "clear"); code != 2 || !strings.Contains(got, "stale "+lab.ControlFile) || strings.Count(got, "\n") != 1 {
		t.Errorf("after a kill: exit %d %q", code, got)
	}
	start()
	if code, got := fault("vra-a", "delay", "10ms"); code != 0 || got != "vra-a: delay 10ms\n" {
		t.Errorf("a new lab over the stale socket: exit %d %q", code, got)
	}
}

// TestLabLongDir: a state directory too deep for a Unix socket still
// runs the lab, without a control socket, and says so.
func TestLabLongDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 100))
	out, stop := labStart(t, dir, "--lines", "100")
	if !strings.Contains(out.String(), "control: none (lab: control: state directory path too long") {
		t.Errorf("no word on the missing control socket:\n%s", out.String())
	}
	stop()
}
