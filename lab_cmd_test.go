package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// labStart runs `hasync lab` with args on dir until the test ends, and
// returns its output once it printed "ready" and the inventory path. stop
// interrupts it and checks that it ends cleanly.
func labStart(t *testing.T, dir string, args ...string) (out *labtest.SyncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out = &labtest.SyncBuffer{}
	cmd := newLabCmd()
	cmd.SetArgs(append(args, "--dir", dir))
	cmd.SetOut(out)
	cmd.SetErr(out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	inv := filepath.Join(dir, "inventory.yaml")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "ready\n"+inv+"\n") {
		select {
		case err := <-done:
			t.Fatalf("lab ended early: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ready line:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out, func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("lab ended with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("lab did not stop when interrupted")
		}
	}
}

// labBadFlags runs `hasync lab` with each argument list and wants every
// one refused.
func labBadFlags(t *testing.T, argLists [][]string) {
	t.Helper()
	for _, args := range argLists {
		cmd := newLabCmd()
		cmd.SetArgs(args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err == nil {
			t.Errorf("%q: want an error", args)
		}
	}
}

// TestLabCommand starts `hasync lab`, waits for "ready" and the inventory
// path, then runs `hasync lab cli` on the same state directory.
func TestLabCommand(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--reject", "service nat")
	inv := filepath.Join(dir, "inventory.yaml")
	if !strings.Contains(out.String(), "password of user vyatta: in ") {
		t.Errorf("the password file is named:\n%s", out.String())
	}
	if pw, err := os.ReadFile(filepath.Join(dir, lab.PasswordFile)); err != nil || strings.Contains(out.String(), strings.TrimSpace(string(pw))) {
		t.Errorf("the password is printed (or unreadable: %v):\n%s", err, out.String())
	}
	if _, err := os.Stat(inv); err != nil {
		t.Fatal(err)
	}

	// The CLI of vra-b on stdin/stdout, on the same state.
	var cliOut bytes.Buffer
	cli := newLabCmd()
	cli.SetArgs([]string{"cli", "--family", "vyatta", "--state", dir, "--device", "vra-b"})
	cli.SetIn(strings.NewReader("show version\nconfigure\nset system domain-name cli.example.net\ncommit\nsave\nexit\nexit\n"))
	cli.SetOut(&cliOut)
	if err := cli.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vyatta@vra-b:~$ ", "Hostname:         vra-b", "[edit]\nvyatta@vra-b# ", "[ system domain-name ]", "Done"} {
		if !strings.Contains(cliOut.String(), want) {
			t.Errorf("lab cli output lacks %q:\n%s", want, cliOut.String())
		}
	}
	saved, err := os.ReadFile(filepath.Join(dir, "vra-b.config.boot"))
	if err != nil || !strings.Contains(string(saved), "cli.example.net") {
		t.Errorf("lab cli save did not write the state: %v", err)
	}

	// One operational command as arguments.
	var execOut bytes.Buffer
	one := newLabCmd()
	one.SetArgs([]string{"cli", "--state", dir, "show", "configuration", "commands"})
	one.SetOut(&execOut)
	if err := one.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(execOut.String(), "set system host-name 'vra-a'") {
		t.Errorf("lab cli show configuration commands:\n%.500s", execOut.String())
	}

	stop()
}

func TestLabCommandBadFlags(t *testing.T) {
	labBadFlags(t, [][]string{
		{"--family", "huawei", "--fault-device", "vra-b", "--dir", t.TempDir()},
		{"--family", "huawei", "--reject", "service nat", "--dir", t.TempDir()},
		{"cli", "--family", "huawei", "--state", t.TempDir(), "--device", "vra-a"},
		{"--family", "nope"},
		{"--ssh-ports", "2201", "--dir", t.TempDir()},
		{"--fault-device", "vra-c", "--dir", t.TempDir()},
		{"cli"},
	})
}

// TestLabCommandHuawei starts `hasync lab --family huawei`, then runs
// `hasync lab cli --family huawei` on the same state directory.
func TestLabCommandHuawei(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "huawei", "--lines", "200", "--sessions", "4")
	inv := filepath.Join(dir, "inventory.yaml")
	for _, want := range []string{"FW-A: ssh -p ", "FW-B: ssh -p ", "password of user admin: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lab output lacks %q:\n%s", want, out.String())
		}
	}
	if b, err := os.ReadFile(inv); err != nil || !strings.Contains(string(b), "family: huawei") {
		t.Errorf("inventory: %v\n%s", err, b)
	}

	var cliOut bytes.Buffer
	cli := newLabCmd()
	cli.SetArgs([]string{"cli", "--family", "huawei", "--state", dir, "--device", "FW-B"})
	cli.SetIn(strings.NewReader("system-view\nsysname FW-B-CLI\nreturn\nsave\ny\nquit\n"))
	cli.SetOut(&cliOut)
	if err := cli.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<FW-B>", "[FW-B]", "<FW-B-CLI>", "Info: Save the configuration successfully."} {
		if !strings.Contains(cliOut.String(), want) {
			t.Errorf("lab cli output lacks %q:\n%s", want, cliOut.String())
		}
	}
	saved, err := os.ReadFile(filepath.Join(dir, "FW-B.cfg"))
	if err != nil || !strings.Contains(string(saved), "sysname FW-B-CLI") {
		t.Errorf("lab cli save did not write the state: %v", err)
	}
	stop()
}

// TestLabCommandVyattaFlavor starts `hasync lab --flavor vyos
// --partial-commit` and reads `show version` over SSH with OpenSSH.
func TestLabCommandVyattaFlavor(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--flavor", "vyos", "--partial-commit")
	port := labPort(t, out.String(), "vra-a")
	got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "vyatta"), "show", "version")...).CombinedOutput()
	if err != nil || !strings.Contains(string(got), "Description:      VyOS ") {
		t.Errorf("show version of a --flavor vyos lab: %v\n%s", err, got)
	}
	stop()
}

func TestLabCommandVyattaBadFlags(t *testing.T) {
	labBadFlags(t, [][]string{
		{"--flavor", "banana", "--dir", t.TempDir()},
		{"--family", "huawei", "--flavor", "vyos", "--dir", t.TempDir()},
		{"--family", "huawei", "--partial-commit", "--dir", t.TempDir()},
		{"--family", "huawei", "--vrrp-failover", "--dir", t.TempDir()},
	})
}

// TestLabCommandHuaweiFailover: `hasync lab --family huawei
// --hrp-failover` serves a pair whose roles switched over: FW-A answers
// `display hrp state` as the standby (over the OpenSSH client).
func TestLabCommandHuaweiFailover(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "huawei", "--lines", "200", "--hrp-failover", "--hrp-hello", "100ms")
	defer stop()
	port := labPort(t, out.String(), "FW-A")
	var got string
	labtest.Eventually(t, "FW-A to be standby", 20*time.Second, func() bool {
		b, _ := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "admin"), "display hrp state")...).Output()
		got = string(b)
		return strings.Contains(got, " Role: standby, peer: active\n")
	})
	if !strings.Contains(got, "new_state = normal(standby)") {
		t.Errorf("display hrp state on FW-A:\n%s", got)
	}
}

// TestLabCommandVRRPFailover: `hasync lab --vrrp-failover` serves a pair
// whose VRRP failed over: `show vrrp` over OpenSSH reads FAULT on vra-a,
// MASTER on vra-b.
func TestLabCommandVRRPFailover(t *testing.T) {
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--vrrp-failover")
	defer stop()
	check := func(states map[string]string) {
		t.Helper()
		for name, want := range states {
			port := labPort(t, out.String(), name)
			b, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "vyatta"), "show vrrp | match dp0s1")...).CombinedOutput()
			if f := strings.Fields(string(b)); err != nil || len(f) < 3 || f[0] != "dp0s1" || f[2] != want {
				t.Errorf("%s: show vrrp | match dp0s1: %v\n%s", name, err, b)
			}
		}
	}
	check(map[string]string{"vra-a": "FAULT", "vra-b": "MASTER"})
	// `hasync lab fault ... failover` moves mastership back at run time.
	if code, got, errOut := labFault(t, dir, "vra-b", "failover"); code != 0 || got != "vra-b: failover\n" {
		t.Fatalf("lab fault failover: exit %d %q %q", code, got, errOut)
	}
	check(map[string]string{"vra-a": "MASTER", "vra-b": "FAULT"})
}
