package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// serveSessions is how many sessions the load benchmark holds open.
const serveSessions = 50

// BenchmarkServe50 holds 50 sessions open on one `hasync serve` (the
// built binary) over a lab pair and reports: the server's memory per
// session (its RSS with 50 sessions less its RSS with none, over 50), the
// SSH connections the lab's devices count (one per device is the goal,
// not one per session), and the time to first screen of a new session
// (dial, key exchange, login, PTY, the pair list with its roles drawn)
// while the 50 are connected. bench/serve.sh runs it.
func BenchmarkServe50(b *testing.B) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		b.Skip("ssh-keygen not installed")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("no /proc: the server's memory cannot be read here")
	}
	bin := filepath.Join(b.TempDir(), "hasync")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	sl := serveLab(b, bin)
	key, err := os.ReadFile(filepath.Join(sl.dir, "vw"))
	if err != nil {
		b.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(key)
	if err != nil {
		b.Fatal(err)
	}
	hk, err := os.ReadFile(filepath.Join(sl.dir, "host_key.pub"))
	if err != nil {
		b.Fatal(err)
	}
	hostKey, _, _, _, err := gossh.ParseAuthorizedKey(hk)
	if err != nil {
		b.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(sl.port)
	cfg := &gossh.ClientConfig{User: "load", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(hostKey), Timeout: time.Minute}
	pid := sl.cmd.Process.Pid

	// The first session waits for the hub's first read of the pair, so
	// that the others measure a console, not a device's login.
	first, _, err := firstScreen(addr, cfg)
	if err != nil {
		b.Fatal(err)
	}
	first.Close()
	settle(pid)
	rss0 := rssKB(b, pid)

	var mu sync.Mutex
	var clients []*loadClient
	var opened []time.Duration
	var wg sync.WaitGroup
	errs := make(chan error, serveSessions)
	for range serveSessions {
		wg.Go(func() {
			c, d, err := firstScreen(addr, cfg)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			clients, opened = append(clients, c), append(opened, d)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	settle(pid)
	rss50 := rssKB(b, pid)
	// Every session opens the pair: its own Diff of the shared
	// configurations.
	for _, c := range clients {
		if _, err := io.WriteString(c.in, "\r"); err != nil {
			b.Fatal(err)
		}
	}
	settle(pid)
	rss50open := rssKB(b, pid)

	// New sessions one after another while the 50 stay connected.
	var next []time.Duration
	for range 10 {
		c, d, err := firstScreen(addr, cfg)
		if err != nil {
			b.Fatal(err)
		}
		next = append(next, d)
		c.Close()
	}
	slices.Sort(next)
	slices.Sort(opened)
	// Counted at the lab: each device's SSH server drops its live
	// connections and says how many there were.
	connA, connB := sl.lab.A.SSH.DropSessions(), sl.lab.B.SSH.DropSessions()

	perSession := float64(rss50-rss0) / serveSessions
	perOpen := float64(rss50open-rss0) / serveSessions
	b.ReportMetric(perSession, "KB/session")
	b.ReportMetric(perOpen, "KB/session-diff-open")
	b.ReportMetric(float64(connA+connB), "device-conns")
	b.ReportMetric(float64(next[len(next)/2].Microseconds())/1000, "ms-first-screen-p50")
	b.ReportMetric(float64(next[len(next)-1].Microseconds())/1000, "ms-first-screen-max")
	fmt.Fprintf(os.Stderr, "serve load: %d sessions on one server, 1 lab pair\n", serveSessions)
	fmt.Fprintf(os.Stderr, "  server RSS: %d KB idle, %d KB with %d sessions on the pair list: %.0f KB per session\n", rss0, rss50, serveSessions, perSession)
	fmt.Fprintf(os.Stderr, "  server RSS: %d KB with each of the %d sessions in the pair's Diff: %.0f KB per session\n", rss50open, serveSessions, perOpen)
	fmt.Fprintf(os.Stderr, "  SSH connections at the lab: vra-a %d, vra-b %d (sessions: %d)\n", connA, connB, serveSessions)
	fmt.Fprintf(os.Stderr, "  first screen of the 50 opened at once: median %v, max %v\n", opened[len(opened)/2].Round(time.Millisecond), opened[len(opened)-1].Round(time.Millisecond))
	fmt.Fprintf(os.Stderr, "  first screen of a new session while %d are connected (10 tries): median %v, max %v\n", serveSessions, next[len(next)/2].Round(time.Millisecond), next[len(next)-1].Round(time.Millisecond))
	if connA != 1 || connB != 1 {
		b.Errorf("the lab counts %d and %d connections, want one per device", connA, connB)
	}
}

// loadClient is a session of the load test: its connection and its
// keyboard.
type loadClient struct {
	*gossh.Client
	in io.Writer
}

// firstScreen logs in, opens an 80x24 terminal and waits for the pair
// list with both devices' roles; it returns the client (still connected)
// and the time from the dial to that screen.
func firstScreen(addr string, cfg *gossh.ClientConfig) (*loadClient, time.Duration, error) {
	start := time.Now()
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, 0, err
	}
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, 0, err
	}
	if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		c.Close()
		return nil, 0, err
	}
	out, err := s.StdoutPipe()
	if err != nil {
		c.Close()
		return nil, 0, err
	}
	in, err := s.StdinPipe()
	if err != nil {
		c.Close()
		return nil, 0, err
	}
	if err := s.Shell(); err != nil {
		c.Close()
		return nil, 0, err
	}
	var seen strings.Builder
	buf := make([]byte, 16<<10)
	deadline := time.AfterFunc(2*time.Minute, func() { c.Close() })
	defer deadline.Stop()
	for {
		n, err := out.Read(buf)
		seen.Write(buf[:n])
		if txt := ansi.Strip(seen.String()); strings.Contains(txt, "MASTER") && strings.Contains(txt, "BACKUP") {
			break
		}
		if err != nil {
			c.Close()
			return nil, 0, fmt.Errorf("first screen: %w; got %q", err, ansi.Strip(seen.String()))
		}
	}
	d := time.Since(start)
	go func() { _, _ = io.Copy(io.Discard, out) }() // keep reading: a session never blocks the server
	return &loadClient{Client: c, in: in}, d, nil
}

// settle gives the server a moment to finish drawing and collect.
func settle(int) { time.Sleep(2 * time.Second) }

// rssKB is the resident memory of process pid in KB (/proc).
func rssKB(b *testing.B, pid int) int {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
