package sshclient_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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
