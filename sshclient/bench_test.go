package sshclient_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/sshclient"
)

// benchPair starts a Vyatta lab pair whose configurations have lines
// lines.
func benchPair(b *testing.B, lines int) (*vyatta.Pair, sshclient.Config) {
	b.Helper()
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir(), Lines: lines})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	cfg := sshclient.Config{
		Host: "127.0.0.1", Port: p.A.SSH.Port(), User: p.User,
		SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts:    []string{filepath.Join(p.Dir, lab.KnownHostsFile)},
		IdentityFiles: []string{filepath.Join(p.Dir, lab.ClientKeyFile)},
		Timeout:       30 * time.Second,
	}
	return p, cfg
}

// BenchmarkDialExec: one connection, login and a short command, as a
// status refresh of one device does.
func BenchmarkDialExec(b *testing.B) {
	_, cfg := benchPair(b, 0)
	for b.Loop() {
		c, err := sshclient.Dial(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Exec(context.Background(), "show version", func(string) {}); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkFetch100k: `show configuration commands` of a 100k-line
// device over one connection, every line passed to emit.
func BenchmarkFetch100k(b *testing.B) {
	_, cfg := benchPair(b, 100_000)
	c, err := sshclient.Dial(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	n := 0
	for b.Loop() {
		n = 0
		if err := c.Exec(context.Background(), "show configuration commands", func(string) { n++ }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "lines/op")
}

// BenchmarkOpenSSHFetch100k: the same fetch by the OpenSSH client (a new
// connection each time, its output discarded), for comparison.
func BenchmarkOpenSSHFetch100k(b *testing.B) {
	p, _ := benchPair(b, 100_000)
	args := labtest.OpenSSHArgs(b, p.Dir, p.A.SSH.Port(), p.User)
	for b.Loop() {
		if err := exec.Command("ssh", append(args, "show configuration commands")...).Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// readUntil reads r until want has been read, and returns the bytes read.
func readUntil(b *testing.B, r io.Reader, want []byte) int {
	buf := make([]byte, 64<<10)
	var tail []byte
	n := 0
	for {
		k, err := r.Read(buf)
		n += k
		tail = append(tail, buf[:k]...)
		if bytes.Contains(tail, want) {
			return n
		}
		if len(tail) > 4096 {
			tail = tail[len(tail)-4096:]
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShellFetch100k: the same configuration read through a PTY
// Shell, up to the next prompt.
func BenchmarkShellFetch100k(b *testing.B) {
	_, cfg := benchPair(b, 100_000)
	c, err := sshclient.Dial(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	sh, err := c.Shell(context.Background(), 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer sh.Close()
	readUntil(b, sh, []byte(":~$ "))
	n := 0
	for b.Loop() {
		fmt.Fprint(sh, "show configuration commands\r")
		n = readUntil(b, sh, []byte("vyatta@vra-a:~$ "))
	}
	b.ReportMetric(float64(n), "bytes/op")
}

// BenchmarkShellFetch100kRaw: BenchmarkShellFetch100k on a bare
// x/crypto/ssh session's stdout, the floor for Shell.
func BenchmarkShellFetch100kRaw(b *testing.B) {
	_, cfg := benchPair(b, 100_000)
	c, err := sshclient.Dial(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s, err := c.SSH().NewSession()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestPty("xterm", sshclient.DefaultHeight, sshclient.DefaultWidth, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		b.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	if err := s.Shell(); err != nil {
		b.Fatal(err)
	}
	readUntil(b, out, []byte(":~$ "))
	n := 0
	for b.Loop() {
		fmt.Fprint(in, "show configuration commands\r")
		n = readUntil(b, out, []byte("vyatta@vra-a:~$ "))
	}
	b.ReportMetric(float64(n), "bytes/op")
}
