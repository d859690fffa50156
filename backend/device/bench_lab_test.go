package device

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/sshclient"
)

// BenchmarkLabFetch100k: Fetch of a 100k-line lab configuration over real
// SSH through the driver (PTY shell, echo, prompt), against sshclient's
// Exec of the same command (no PTY, no prompt): the driver's overhead.
func BenchmarkLabFetch100k(b *testing.B) {
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir(), Lines: 100000})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	cfg := sshclient.Config{Host: "127.0.0.1", Port: p.A.SSH.Port(), User: p.User, SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts: []string{filepath.Join(p.Dir, lab.KnownHostsFile)}, IdentityFiles: []string{filepath.Join(p.Dir, lab.ClientKeyFile)}}
	b.Run("driver", func(b *testing.B) {
		s, err := Connect(context.Background(), cfg, Options{Family: config.Vyatta, Name: "vra-a"})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		for b.Loop() {
			text, err := s.Fetch(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
		}
	})
	b.Run("raw-shell", func(b *testing.B) {
		// The same PTY shell read with no processing: until the prompt's
		// bytes come back.
		c, err := sshclient.Dial(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		sh, err := c.Shell(context.Background(), WideColumns, shellRows)
		if err != nil {
			b.Fatal(err)
		}
		defer sh.Close()
		buf := make([]byte, 64<<10)
		var tail []byte
		readTo := func(want string) int {
			n := 0
			for {
				k, err := sh.Read(buf)
				if err != nil {
					b.Fatal(err)
				}
				n += k
				tail = append(tail, buf[:k]...)
				if len(tail) > 256 {
					tail = tail[len(tail)-256:]
				}
				if strings.HasSuffix(string(tail), want) {
					tail = tail[:0]
					return n
				}
			}
		}
		readTo("$ ")
		io.WriteString(sh, "set terminal length 0\r")
		readTo("$ ")
		for b.Loop() {
			io.WriteString(sh, "show configuration commands\r")
			b.SetBytes(int64(readTo("vyatta@vra-a:~$ ")))
		}
	})
	b.Run("exec", func(b *testing.B) {
		c, err := sshclient.Dial(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		for b.Loop() {
			n := 0
			if err := c.Exec(context.Background(), "show configuration commands", func(l string) { n += len(l) + 1 }); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
		}
	})
}

// BenchmarkLabApply10k: one Apply of 10,000 set commands as one commit
// on a lab router over real SSH (issue 10's goal: within 5 s).
func BenchmarkLabApply10k(b *testing.B) {
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	cfg := sshclient.Config{Host: "127.0.0.1", Port: p.B.SSH.Port(), User: p.User, SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts: []string{filepath.Join(p.Dir, lab.KnownHostsFile)}, IdentityFiles: []string{filepath.Join(p.Dir, lab.ClientKeyFile)}}
	s, err := Connect(context.Background(), cfg, Options{Family: config.Vyatta, Name: "vra-b"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	round := 0
	window := 1
	if w := os.Getenv("HASYNC_BENCH_WINDOW"); w != "" {
		window, _ = strconv.Atoi(w)
	}
	for b.Loop() {
		round++
		cmds := make([]Command, 10000)
		for i := range cmds {
			cmds[i] = Command{Text: fmt.Sprintf("set resources group address-group BENCH%d-%d address '198.51.100.%d'", round, i/200, i%200+1)}
		}
		res, err := s.Apply(context.Background(), cmds, ApplyOptions{Window: window}, nil)
		if err != nil || !res.Committed {
			b.Fatalf("%+v %v", res.Errors, err)
		}
	}
}
