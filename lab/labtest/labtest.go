package labtest

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/lab"
)

// ExpectTimeout is how long Shell.Expect waits for its text; long, since
// the machine running the tests may be loaded.
const ExpectTimeout = 10 * time.Second

// ClientConfig logs in as user with key and verifies the host key against
// the known_hosts of the state directory dir, as the product does.
func ClientConfig(t testing.TB, dir, user string, key ssh.Signer) *ssh.ClientConfig {
	t.Helper()
	hk, err := knownhosts.New(filepath.Join(dir, lab.KnownHostsFile))
	if err != nil {
		t.Fatal(err)
	}
	return &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback: hk,
		Timeout:         5 * time.Second,
	}
}

// Dial connects to the device called name at addr; the client is closed
// when the test ends.
func Dial(t testing.TB, name, addr string, cfg *ssh.ClientConfig) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Exec runs one command in a new session and returns its standard output.
func Exec(t testing.TB, c *ssh.Client, cmd string) (string, error) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Output(cmd)
	return string(out), err
}

// Shell is an interactive session read with Expect. Its output is
// whatever is written to it: the PTY session's stdout, or an OpenSSH
// client's.
type Shell struct {
	t     testing.TB
	in    io.Writer
	mu    sync.Mutex
	buf   bytes.Buffer
	read  int // how far Expect has consumed
	done  chan struct{}
	wrote chan struct{}
}

// NewShell is a shell that types into in; the caller writes the output
// into it.
func NewShell(t testing.TB, in io.Writer) *Shell {
	return &Shell{t: t, in: in, wrote: make(chan struct{}, 1)}
}

// OpenShell starts a PTY shell session on c, closed when the test ends.
func OpenShell(t testing.TB, c *ssh.Client) *Shell {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 40, 200, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	sh := NewShell(t, in)
	sh.done = make(chan struct{})
	go func() {
		defer close(sh.done)
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			sh.Write(b[:n])
			if err != nil {
				return
			}
		}
	}()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return sh
}

// Write adds output of the session.
func (sh *Shell) Write(b []byte) (int, error) {
	sh.mu.Lock()
	sh.buf.Write(b)
	sh.mu.Unlock()
	select {
	case sh.wrote <- struct{}{}:
	default:
	}
	return len(b), nil
}

// Done is closed when the session's output ends; nil (never ready) for a
// shell made with NewShell.
func (sh *Shell) Done() <-chan struct{} { return sh.done }

// Expect waits for want in the output after what was already consumed,
// and returns the text up to and including it.
func (sh *Shell) Expect(want string) string {
	sh.t.Helper()
	deadline := time.After(ExpectTimeout)
	for {
		all := sh.unread()
		if i := strings.Index(all, want); i >= 0 {
			sh.read += i + len(want)
			return all[:i+len(want)]
		}
		select {
		case <-sh.wrote:
		case <-sh.done:
			if !strings.Contains(sh.unread(), want) {
				sh.t.Fatalf("session ended waiting for %q; got:\n%s", want, sh.unread())
			}
		case <-deadline:
			sh.t.Fatalf("timeout waiting for %q; got:\n%s", want, all)
		}
	}
}

// Output is all the output so far, consumed or not.
func (sh *Shell) Output() string {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.buf.String()
}

func (sh *Shell) unread() string {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.buf.String()[sh.read:]
}

// Send types s as it is.
func (sh *Shell) Send(s string) {
	sh.t.Helper()
	if _, err := io.WriteString(sh.in, s); err != nil {
		sh.t.Fatal(err)
	}
}

// Line types s and Enter.
func (sh *Shell) Line(s string) { sh.t.Helper(); sh.Send(s + "\r") }

// Run types line and Enter, and returns the output up to prompt.
func (sh *Shell) Run(line, prompt string) string {
	sh.t.Helper()
	sh.Line(line)
	return sh.Expect(prompt)
}

// OpenSSHArgs are the OpenSSH client options that pin the lab's keys: no
// user configuration, strict host key checking against the known_hosts of
// the state directory dir, its client key only; then extra, then
// user@127.0.0.1. The test is skipped when `ssh` is not installed.
func OpenSSHArgs(t testing.TB, dir string, port int, user string, extra ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client `ssh` is not installed: skipping the OpenSSH test")
	}
	args := []string{
		"-F", "/dev/null",
		"-o", "UserKnownHostsFile=" + filepath.Join(dir, lab.KnownHostsFile),
		"-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes",
		"-o", "IdentitiesOnly=yes",
		"-o", "LogLevel=ERROR",
		"-i", filepath.Join(dir, lab.ClientKeyFile),
		"-p", fmt.Sprint(port),
	}
	args = append(args, extra...)
	return append(args, user+"@127.0.0.1")
}

// Eventually waits up to timeout for ok, checking every 10ms.
func Eventually(t testing.TB, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timeout waiting for %s", what)
		}
	}
}

// SyncBuffer is a bytes.Buffer safe for concurrent Write and String, for
// the output of a command running in other goroutines.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
