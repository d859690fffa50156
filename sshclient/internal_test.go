package sshclient

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
)

// kexInit builds a server hello: lines before the version, the version,
// and a KEXINIT packet with the name-lists given.
func kexInit(pre, version string, lists [10]string) []byte {
	payload := []byte{20}
	payload = append(payload, make([]byte, 16)...)
	for _, l := range lists {
		payload = binary.BigEndian.AppendUint32(payload, uint32(len(l)))
		payload = append(payload, l...)
	}
	payload = append(payload, 0, 0, 0, 0, 0)
	pad := 4
	b := []byte(pre + version + "\r\n")
	b = binary.BigEndian.AppendUint32(b, uint32(1+len(payload)+pad))
	b = append(b, byte(pad))
	b = append(b, payload...)
	return append(b, make([]byte, pad)...)
}

func TestParseServerHello(t *testing.T) {
	lists := [10]string{"diffie-hellman-group1-sha1,ext-info-s", "ssh-rsa", "aes128-cbc,3des-cbc", "aes128-cbc", "hmac-sha1", "hmac-sha1", "none", "none", "", ""}
	h, err := parseServerHello(kexInit("Welcome\r\n", "SSH-1.99-Cisco-1.25", lists))
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != "SSH-1.99-Cisco-1.25" || strings.Join(h.KeyExchanges, ",") != "diffie-hellman-group1-sha1" ||
		strings.Join(h.HostKeys, ",") != "ssh-rsa" || strings.Join(h.Ciphers, ",") != "aes128-cbc,3des-cbc" ||
		strings.Join(h.MACs, ",") != "hmac-sha1" {
		t.Errorf("parsed %+v", h)
	}
	full := kexInit("", "SSH-2.0-x", lists)
	for i := range full {
		if _, err := parseServerHello(full[:i]); err == nil && i < len(full)-4 {
			t.Errorf("truncated at %d of %d: no error", i, len(full))
		}
	}
}

func FuzzParseServerHello(f *testing.F) {
	f.Add(kexInit("", "SSH-2.0-OpenSSH_9.2", [10]string{"curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none"}))
	f.Add([]byte("SSH-2.0-x\r\n\x00\x00\x00\x0c\x04\x14"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseServerHello(b)
		if err == nil && !strings.HasPrefix(h.Version, "SSH-") {
			t.Errorf("version %q", h.Version)
		}
	})
}

// TestChallengeEcho: keyboard-interactive prompts that want a visible
// answer are refused; echo-off ones get the password; an informational
// round (no prompts) is answered empty.
func TestChallengeEcho(t *testing.T) {
	const pw = "Pw-never-shown-42"
	a := &auth{cfg: Config{Password: func() (string, error) { return pw, nil }}}
	if ans, err := a.challenge("", "", nil, nil); err != nil || len(ans) != 0 {
		t.Errorf("no prompts: %q %v", ans, err)
	}
	ans, err := a.challenge("", "", []string{"Password: "}, []bool{false})
	if err != nil || len(ans) != 1 || ans[0] != pw {
		t.Errorf("password prompt: %v", err)
	}
	_, err = a.challenge("", "", []string{"Username: "}, []bool{true})
	if err == nil {
		t.Fatal("an echoed prompt was answered")
	}
	ae := a.error("h:22", "u", err)
	if !strings.Contains(ae.Error(), "Username:") || !strings.Contains(ae.Error(), "visible") || strings.Contains(ae.Error(), pw) {
		t.Errorf("auth error %v", ae)
	}
}

// BenchmarkNewHostKeys: the host-key policy of one dial with a
// known_hosts of 200 entries (100 lab pairs), parsed once and cached.
func BenchmarkNewHostKeys(b *testing.B) {
	file := filepath.Join(b.TempDir(), "known_hosts")
	var lines []string
	for i := range 200 {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		k, err := ssh.NewPublicKey(pub)
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, knownhosts.Line([]string{fmt.Sprintf("[127.0.0.1]:%d", 2200+i)}, k))
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg := Config{KnownHosts: []string{file}}
	for b.Loop() {
		h, err := newHostKeys(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if len(h.algorithms("127.0.0.1:2250", []string{ssh.KeyAlgoED25519})) != 1 {
			b.Fatal("no algorithm")
		}
	}
}
