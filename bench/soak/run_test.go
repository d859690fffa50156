package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
)

// Options configure Run.
type Options struct {
	// Dir is a state directory Run may fill (one subdirectory per pair).
	Dir string
	// Duration of the load.
	Duration time.Duration
	// Sessions per lab, spread over both members.
	Sessions int
	// Lines of each seeded configuration (the labs' default when zero).
	Lines int
	// Disturb, when set, runs beside the load from its start; Run reads
	// the counters after both the load and Disturb are done
	// (TestSoakCounts fails the pairs over with it).
	Disturb func(vy *vyatta.Pair, hw *huawei.Pair)
}

// The commands each lab's sessions loop, and a line their output must
// hold (an empty or cut output counts as an error).
const (
	vyattaCommand = "show configuration commands"
	vyattaMark    = "set system host-name"
	huaweiCommand = "display current-configuration"
	huaweiMark    = "sysname"
)

// LabResult is the load one lab took.
type LabResult struct {
	Name     string
	Command  string
	Sessions int
	Commands atomic.Int64
	Bytes    atomic.Int64
	Errors   atomic.Int64

	mu        sync.Mutex
	firstErrs []string
}

func (l *LabResult) fail(err error) {
	l.Errors.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.firstErrs) < 5 {
		l.firstErrs = append(l.firstErrs, err.Error())
	}
}

// FirstErrors are the first few errors the sessions met.
func (l *LabResult) FirstErrors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.firstErrs...)
}

// Result is what a soak saw.
type Result struct {
	Duration time.Duration // wall time until the last command (and Disturb) ended
	Vyatta   LabResult
	Huawei   LabResult
	// HRPChanges are the HRP core state changes of both members while
	// the load ran; HRPDownSamples the once-a-hello samples in which the
	// link was not up, of HRPSamples.
	HRPChanges     int64
	HRPDownSamples int
	HRPSamples     int
	// HRPMaxSilent is the longest run of hello intervals a member heard
	// no heartbeat, of HRPDeadIntervals that make the peer faulty.
	HRPMaxSilent     int
	HRPDeadIntervals int
	// VRRPTransitions are the VRRP state changes of the Vyatta pair while
	// the load ran.
	VRRPTransitions int
	// LoadStart and LoadEnd are /proc/loadavg's 1, 5 and 15-minute
	// figures ("n/a" where there is none).
	LoadStart, LoadEnd string
	CPUs               int
}

// OK is true when the load changed no HRP state, made no VRRP transition
// and no session met an error.
func (r *Result) OK() bool {
	return r.HRPChanges == 0 && r.HRPDownSamples == 0 && r.VRRPTransitions == 0 &&
		r.Vyatta.Errors.Load() == 0 && r.Huawei.Errors.Load() == 0
}

// Print writes the figures.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "soak: %s of load on %d CPUs, %d + %d parallel SSH sessions\n",
		r.Duration.Round(time.Millisecond), r.CPUs, r.Vyatta.Sessions, r.Huawei.Sessions)
	for _, l := range []*LabResult{&r.Vyatta, &r.Huawei} {
		secs := r.Duration.Seconds()
		fmt.Fprintf(w, "  %-7s %-31q %6d commands (%.1f/s)  %7.1f MB  %d errors\n",
			l.Name, l.Command, l.Commands.Load(), float64(l.Commands.Load())/secs,
			float64(l.Bytes.Load())/(1<<20), l.Errors.Load())
		for _, e := range l.FirstErrors() {
			fmt.Fprintf(w, "          error: %s\n", e)
		}
	}
	fmt.Fprintf(w, "  HRP state changes      %d (link down in %d of %d samples)\n", r.HRPChanges, r.HRPDownSamples, r.HRPSamples)
	fmt.Fprintf(w, "  longest HRP silence    %d of %d hello intervals\n", r.HRPMaxSilent, r.HRPDeadIntervals)
	fmt.Fprintf(w, "  VRRP transitions       %d\n", r.VRRPTransitions)
	fmt.Fprintf(w, "  load average           start %s, end %s\n", r.LoadStart, r.LoadEnd)
	if r.OK() {
		fmt.Fprintln(w, "soak: OK")
	} else {
		fmt.Fprintln(w, "soak: FAIL")
	}
}

// Run starts both pairs, loads them for o.Duration and returns what it
// saw. Its sessions log in with labtest.ClientConfig (the pair's key, the
// host key checked against its known_hosts), read once per pair.
func Run(ctx context.Context, t testing.TB, o Options) (*Result, error) {
	if o.Sessions < 1 {
		return nil, errors.New("at least one session per lab")
	}
	r := &Result{
		Vyatta:           LabResult{Name: "vyatta", Command: vyattaCommand, Sessions: o.Sessions},
		Huawei:           LabResult{Name: "huawei", Command: huaweiCommand, Sessions: o.Sessions},
		HRPDeadIntervals: huawei.DefaultDeadIntervals,
	}
	vy, err := vyatta.StartPair(ctx, vyatta.PairOptions{Dir: filepath.Join(o.Dir, "vyatta"), Lines: o.Lines})
	if err != nil {
		return nil, err
	}
	defer vy.Close()
	hw, err := huawei.StartPair(ctx, huawei.PairOptions{
		Dir: filepath.Join(o.Dir, "huawei"), Lines: o.Lines,
		HRP: huawei.HRPOptions{Heartbeat: huawei.DefaultHeartbeat},
	})
	if err != nil {
		return nil, err
	}
	defer hw.Close()
	upCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = hw.HRP.WaitUp(upCtx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("HRP did not come up: %w", err)
	}

	// One SSH connection per session, dialled before the clock starts.
	type target struct {
		lab    *LabResult
		client *ssh.Client
		cmd    string
		mark   string
	}
	var targets []target
	defer func() {
		for _, t := range targets {
			t.client.Close()
		}
	}()
	vyAddrs := []string{vy.A.SSH.Addr(), vy.B.SSH.Addr()}
	hwAddrs := []string{hw.A.SSH.Addr(), hw.B.SSH.Addr()}
	vyCfg := labtest.ClientConfig(t, vy.Dir, vy.User, vy.ClientKey)
	hwCfg := labtest.ClientConfig(t, hw.Dir, hw.User, hw.ClientKey)
	for i := range o.Sessions {
		c, err := ssh.Dial("tcp", vyAddrs[i%2], vyCfg)
		if err != nil {
			return nil, fmt.Errorf("vyatta: %w", err)
		}
		targets = append(targets, target{&r.Vyatta, c, vyattaCommand, vyattaMark})
		c, err = ssh.Dial("tcp", hwAddrs[i%2], hwCfg)
		if err != nil {
			return nil, fmt.Errorf("huawei: %w", err)
		}
		targets = append(targets, target{&r.Huawei, c, huaweiCommand, huaweiMark})
	}

	hrpBefore := hw.HRP.Changes()
	vrrpBefore := vy.A.Device.VRRPTransitions()
	r.LoadStart, r.CPUs = loadAvg(), runtime.NumCPU()
	start := time.Now()
	loadCtx, stop := context.WithTimeout(ctx, o.Duration)
	defer stop()
	var wg sync.WaitGroup
	if o.Disturb != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Disturb(vy, hw)
		}()
	}
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for loadCtx.Err() == nil {
				n, err := runOnce(t.client, t.cmd, t.mark)
				if err != nil {
					t.lab.fail(err)
					if errors.Is(err, errSession) {
						return // the connection is gone
					}
					continue
				}
				t.lab.Commands.Add(1)
				t.lab.Bytes.Add(int64(n))
			}
		}()
	}
	// Sample the link once a hello interval: it samples, it times
	// nothing.
	tick := time.NewTicker(huawei.DefaultHeartbeat)
sample:
	for {
		select {
		case <-loadCtx.Done():
			break sample
		case <-tick.C:
			r.HRPSamples++
			if !hw.HRP.Up() {
				r.HRPDownSamples++
			}
		}
	}
	tick.Stop()
	wg.Wait() // the commands in flight (and Disturb) finish
	r.Duration = time.Since(start)
	r.LoadEnd = loadAvg()
	r.HRPChanges = hw.HRP.Changes() - hrpBefore
	r.HRPMaxSilent = hw.HRP.MaxSilentIntervals()
	r.VRRPTransitions = vy.A.Device.VRRPTransitions() - vrrpBefore
	return r, nil
}

// errSession is a session that could not be opened: the connection is
// gone.
var errSession = errors.New("new session")

// runOnce runs cmd in a new exec channel and returns the bytes it printed.
func runOnce(c *ssh.Client, cmd, mark string) (int, error) {
	s, err := c.NewSession()
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errSession, err)
	}
	defer s.Close()
	out, err := s.Output(cmd)
	if err != nil {
		return len(out), fmt.Errorf("%s: %v (after %d bytes)", cmd, err, len(out))
	}
	if !strings.Contains(string(out), mark) {
		return len(out), fmt.Errorf("%s: %d bytes without %q", cmd, len(out), mark)
	}
	return len(out), nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
