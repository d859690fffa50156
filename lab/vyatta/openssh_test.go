package vyatta

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab/labtest"
)

// vyopensshArgs are the OpenSSH client options that pin the lab's keys:
// no user configuration, strict host key checking against the generated
// known_hosts, the generated client key only.
func vyopensshArgs(t testing.TB, p *Pair, m *Member, extra ...string) []string {
	t.Helper()
	return labtest.OpenSSHArgs(t, p.Dir, m.SSH.Port(), p.User, extra...)
}

// startOpenSSH starts `ssh -tt` to m under ctx with stdin from a pipe, so
// the device gets a PTY (80x24: OpenSSH sends no size), and returns the
// command, its stdin and the shell its output goes to.
func startOpenSSH(ctx context.Context, t *testing.T, p *Pair, m *Member, extra ...string) (*exec.Cmd, io.WriteCloser, *labtest.Shell) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "ssh", vyopensshArgs(t, p, m, append(extra, "-tt")...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sh := labtest.NewShell(t, stdin)
	cmd.Stdout, cmd.Stderr = sh, sh
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, sh
}

func TestOpenSSHExec(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	args := append(vyopensshArgs(t, p, p.A), "show", "configuration", "commands")
	cmd := exec.Command("ssh", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh: %v\n%s", err, stderr.String())
	}
	var want bytes.Buffer
	if err := config.WriteSet(&want, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if string(out) != want.String() {
		t.Errorf("OpenSSH exec output differs from running (%d vs %d bytes)", len(out), want.Len())
	}
	// A changed host key must stop OpenSSH too.
	p.A.Faults.SetChangedHostKey(true)
	defer p.A.Faults.SetChangedHostKey(false)
	err = exec.Command("ssh", append(vyopensshArgs(t, p, p.A), "show", "version")...).Run()
	if err == nil {
		t.Error("OpenSSH accepted a changed host key")
	}
}

// TestOpenSSHInteractive drives configure → set → commit → exit through
// `ssh -tt` with stdin from a pipe, so the device gets a PTY.
func TestOpenSSHInteractive(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, stdin, sh := startOpenSSH(ctx, t, p, p.A)
	// OpenSSH gives the device's PTY a newline for Enter.
	send := func(line string) { t.Helper(); sh.Send(line + "\n") }
	sh.Expect("vyatta@vra-a:~$ ")
	send("configure")
	sh.Expect("[edit]\r\nvyatta@vra-a# ")
	send("set system domain-name openssh.example.net")
	sh.Expect("vyatta@vra-a# ")
	send("commit")
	if got := sh.Expect("vyatta@vra-a# "); !strings.Contains(got, "[ system domain-name ]") {
		t.Errorf("commit output:\n%s", got)
	}
	send("exit")
	sh.Expect("vyatta@vra-a:~$ ")
	send("exit")
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("ssh ended with %v:\n%s", err, sh.Output())
	}
	n := p.A.Device.Running().Root.Lookup(config.Path{"system", "domain-name"})
	if n == nil || n.Values[0] != "openssh.example.net" {
		t.Errorf("the commit did not apply: %+v", n)
	}
}

// BenchmarkShowConfigOpenSSH: `show configuration commands` of a 100k-line
// configuration over SSH on loopback with the OpenSSH client, beside `cat`
// of the same text. Run with
//
//	go test -run '^$' -bench ShowConfigOpenSSH -benchtime 5x ./lab/vyatta
func BenchmarkShowConfigOpenSSH(b *testing.B) {
	p := vysshPair(b, PairOptions{Lines: 100_000})
	var text bytes.Buffer
	if err := config.WriteSet(&text, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(b.TempDir(), "config.set")
	if err := os.WriteFile(file, text.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	lines := bytes.Count(text.Bytes(), []byte("\n"))
	run := func(b *testing.B, name string, args ...string) {
		b.SetBytes(int64(text.Len()))
		for b.Loop() {
			var n countWriter
			cmd := exec.Command(name, args...)
			cmd.Stdout = &n
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			if int(n.n) != text.Len() {
				b.Fatalf("%s printed %d bytes, want %d", name, n.n, text.Len())
			}
		}
		b.ReportMetric(float64(lines), "lines")
	}
	b.Run("ssh", func(b *testing.B) {
		run(b, "ssh", append(vyopensshArgs(b, p, p.A), "show", "configuration", "commands")...)
	})
	b.Run("cat", func(b *testing.B) { run(b, "cat", file) })
	// The fixed cost of an OpenSSH login and a one-line command.
	b.Run("ssh-login", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command("ssh", append(vyopensshArgs(b, p, p.A), "show", "version")...).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type countWriter struct {
	mu sync.Mutex
	n  int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += int64(len(p))
	return len(p), nil
}
