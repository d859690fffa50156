package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab/labtest"
)

// TestLabCommandSSHLegacy: `hasync lab --ssh-legacy --ssh-host-keys
// rsa,ecdsa --ssh-version SSH-1.99--` serves the old offer, which OpenSSH
// reaches only when told to accept it.
func TestLabCommandSSHLegacy(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--ssh-legacy",
		"--ssh-host-keys", "rsa,ecdsa", "--ssh-version", "SSH-1.99--", "--pager")
	port := labPort(t, out.String(), "vra-a")
	legacy := []string{"-o", "KexAlgorithms=diffie-hellman-group1-sha1", "-o", "HostKeyAlgorithms=ssh-rsa", "-o", "Ciphers=3des-cbc"}
	got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "vyatta", legacy...), "show", "version")...).CombinedOutput()
	if err != nil || !strings.Contains(string(got), "Hostname:         vra-a") {
		t.Errorf("legacy OpenSSH: %v\n%s", err, got)
	}
	if got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "vyatta"), "show", "version")...).CombinedOutput(); err == nil {
		t.Errorf("a default OpenSSH client reached the legacy lab:\n%s", got)
	}
	stop()
}

// TestLabCommandSSHHuawei: `hasync lab --family huawei` takes the login
// flags: a legacy offer with several host keys (all pinned in
// known_hosts), an odd version string, a banner and the Huawei login
// options, which OpenSSH meets when told to accept the old algorithms (the
// banner and the login itself: lab/huawei's login tests).
func TestLabCommandSSHHuawei(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "huawei", "--lines", "200", "--ssh-legacy",
		"--ssh-host-keys", "rsa,ecdsa", "--ssh-version", "SSH-2.0--", "--ssh-banner", "Huawei lab: authorized users only\n",
		"--first-login", "--screen-length-refused", "--hrp-legacy-prefix")
	port := labPort(t, out.String(), "FW-B")
	for _, hk := range []string{"ssh-rsa", "ecdsa-sha2-nistp256"} {
		legacy := []string{"-o", "KexAlgorithms=diffie-hellman-group14-sha1", "-o", "HostKeyAlgorithms=" + hk, "-o", "Ciphers=aes128-cbc"}
		got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "admin", legacy...), "display", "version")...).CombinedOutput()
		if err != nil || !strings.Contains(string(got), "VRP (R) software") {
			t.Errorf("legacy OpenSSH with %s: %v\n%s", hk, err, got)
		}
	}
	if got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "admin"), "display", "version")...).CombinedOutput(); err == nil {
		t.Errorf("a default OpenSSH client reached the legacy Huawei lab:\n%s", got)
	}
	// --hrp-legacy-prefix: FW-B's prompt is HRP_B (an interactive login:
	// "n" answers the first-login question, or is a refused command once
	// it was answered).
	legacy := []string{"-tt", "-o", "KexAlgorithms=diffie-hellman-group14-sha1", "-o", "HostKeyAlgorithms=ssh-rsa", "-o", "Ciphers=aes128-cbc"}
	// HRP comes up in the background: until then the prompt has no prefix.
	labtest.Eventually(t, "FW-B's HRP_B prompt", 20*time.Second, func() bool {
		c := exec.Command("ssh", labtest.OpenSSHArgs(t, dir, port, "admin", legacy...)...)
		c.Stdin = strings.NewReader("n\rquit\r")
		got, _ := c.CombinedOutput()
		return strings.Contains(string(got), "HRP_B<FW-B>")
	})
	stop()
}

func TestLabCommandSSHBadFlags(t *testing.T) {
	labBadFlags(t, [][]string{
		{"--ssh-host-keys", "dsa", "--dir", t.TempDir()},
		{"--family", "huawei", "--pager", "--dir", t.TempDir()},
		{"--family", "vyatta", "--first-login", "--dir", t.TempDir()},
		{"--family", "vyatta", "--screen-length-refused", "--dir", t.TempDir()},
		{"--family", "vyatta", "--hrp-legacy-prefix", "--dir", t.TempDir()},
	})
}

// TestLabCommandSSHPairs: with --pairs the login flags reach every pair,
// and the one known_hosts of the state directory pins every host key.
func TestLabCommandSSHPairs(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--pairs", "2", "--ssh-host-keys", "ed25519,ecdsa")
	ports := regexp.MustCompile(`vra-b: ssh -p (\d+) `).FindAllStringSubmatch(out.String(), -1)
	if len(ports) != 2 {
		t.Fatalf("want the ports of two vra-b in:\n%s", out.String())
	}
	for _, m := range ports {
		port, _ := strconv.Atoi(m[1])
		for _, alg := range []string{"ssh-ed25519", "ecdsa-sha2-nistp256"} {
			got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, port, "vyatta", "-o", "HostKeyAlgorithms="+alg), "show", "version")...).CombinedOutput()
			if err != nil || !strings.Contains(string(got), "Hostname:         vra-b") {
				t.Errorf("port %d with %s: %v\n%s", port, alg, err, got)
			}
		}
	}
	stop()
}

// TestLabCommandJumpAndOperator: with --ssh-allow-forward vra-a is the
// jump host to vra-b (OpenSSH's -W, which ProxyJump uses); the operator
// logs in on vra-a's own port with its key, as the lab prints it.
func TestLabCommandJumpAndOperator(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	dir := t.TempDir()
	out, stop := labStart(t, dir, "--family", "vyatta", "--lines", "200", "--ssh-allow-forward")
	portA, portB := labPort(t, out.String(), "vra-a"), labPort(t, out.String(), "vra-b")
	jump := "ssh " + strings.Join(labtest.OpenSSHArgs(t, dir, portA, "vyatta", "-W", "%h:%p"), " ")
	got, err := exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, portB, "vyatta", "-o", "ProxyCommand="+jump), "show", "version")...).CombinedOutput()
	if err != nil || !strings.Contains(string(got), "Hostname:         vra-b") {
		t.Errorf("vra-b through vra-a: %v\n%s", err, got)
	}
	m := regexp.MustCompile(`vra-a: ssh -p (\d+) .*operator: ssh -p (\d+) -i (\S+) operator@127\.0\.0\.1`).FindStringSubmatch(out.String())
	if m == nil || m[1] != m[2] {
		t.Fatalf("the operator's login is not printed on vra-a's port:\n%s", out.String())
	}
	got, err = exec.Command("ssh", append(labtest.OpenSSHArgs(t, dir, portA, "operator", "-i", m[3]), "show", "configuration", "commands")...).CombinedOutput()
	if err != nil || !strings.Contains(string(got), "********") {
		t.Errorf("operator on vra-a's port: %v\n%.500s", err, got)
	}
	stop()
}
