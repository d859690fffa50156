package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// flushWatch is the program's output: it notes when the bytes the
// renderer flushes to the terminal first hold mark.
type flushWatch struct {
	mu   gosync.Mutex
	tail []byte
	mark []byte
	at   time.Time
}

func (f *flushWatch) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.mark != nil {
		buf := append(f.tail, p...)
		if bytes.Contains(buf, f.mark) {
			f.at, f.mark = time.Now(), nil
		}
		f.tail = append(f.tail[:0], buf[max(len(buf)-64, 0):]...)
	}
	return len(p), nil
}

func (f *flushWatch) arm(mark string) {
	f.mu.Lock()
	f.mark, f.tail, f.at = []byte(mark), f.tail[:0], time.Time{}
	f.mu.Unlock()
}

func (f *flushWatch) seen() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

// probe is the console as a program runs it, noting when a frame first
// holds mark (View is what the renderer draws, once per frame).
type probe struct {
	*Model
	mark atomic.Pointer[string]
	seen chan time.Time
}

func (p *probe) View() tea.View {
	v := p.Model.View()
	if mk := p.mark.Load(); mk != nil && strings.Contains(v.Content, *mk) {
		p.mark.Store(nil)
		p.seen <- time.Now()
	}
	return v
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// BenchmarkSyncErrorToScreen: the time from the remote printing an error
// line to that line on the console's screen (the frame the renderer
// draws), while the remote's commit prints 10,000 lines. Real lab over
// SSH, the console in a tea.Program at 200x50 (output discarded): vra-b's
// commit prints 10,000 lines with `Error: LATENCY-MARK` at line 5,000;
// the line travels SSH, the driver, backend/sync, the pair's events, the
// console's drain, the Log (pinned: an error) and the renderer's frame.
// Reported: latency-ms (mean), and the events the console dropped.
func BenchmarkSyncErrorToScreen(b *testing.B) {
	const lines, markAt = 10000, 5000
	lp, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer lp.Close()
	lp.A.Device.SetCommitHook(nil)
	b.Setenv(lab.PasswordEnv, "")
	inv, err := inventory.Load(lp.Inventory)
	if err != nil {
		b.Fatal(err)
	}
	var printed atomic.Int64
	var round atomic.Int64
	lp.B.Device.SetCommitHook(func(_ context.Context, _ *config.Tree, out func(string)) {
		for i := range lines {
			if i == markAt {
				printed.Store(time.Now().UnixNano())
				out("Error: " + latencyMark(int(round.Load())) + " the remote's error line")
				continue
			}
			out(fmt.Sprintf("commit output line %d of the remote", i))
		}
	})
	dir := b.TempDir()
	m := New(context.Background(), Options{Inventory: inv, NoColor: true, AuditDir: dir + "/audit", StateDir: dir,
		Pair: pair.Options{SSHConfigFile: "none", UserKnownHosts: "none"}})
	defer m.Close()
	pr := &probe{Model: m, seen: make(chan time.Time, 1)}
	fw := &flushWatch{}
	// The hook sees each line as backend/sync hands it over (Emit): the
	// part of the latency before the console.
	var emitted atomic.Int64
	m.syncHook = func(e hsync.Event) {
		if strings.Contains(e.Line, "LATENCY-") {
			emitted.Store(time.Now().UnixNano())
		}
	}
	prog := tea.NewProgram(pr, tea.WithInput(nil), tea.WithOutput(fw), tea.WithWindowSize(200, 50), tea.WithoutSignalHandler())
	go prog.Run() //nolint:errcheck // ended by Quit below
	defer prog.Quit()
	screenText := func() string {
		reply := make(chan string, 1)
		prog.Send(screenMsg{reply: reply})
		select {
		case s := <-reply:
			return ansi.Strip(s)
		case <-time.After(60 * time.Second):
			b.Fatal("the console does not answer")
			return ""
		}
	}
	waitFor := func(what string, ok func(string) bool) {
		deadline := time.Now().Add(120 * time.Second)
		for {
			s := screenText()
			if ok(s) {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("waiting for %s:\n%s", what, s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	send := func(ks ...string) {
		for _, k := range ks {
			prog.Send(press(k))
		}
	}
	waitFor("both up", func(s string) bool { return strings.Contains(s, "✓ vra-a") && strings.Contains(s, "✓ vra-b") })
	send("enter")
	var total, toEmit, flushed time.Duration
	n, nFlushed := 0, 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		n++
		round.Store(int64(n))
		// A change on vra-a for this round's sync to carry.
		s := lp.A.Device.NewSession("vyatta")
		if err := s.Set(strings.Fields(fmt.Sprintf("resources group address-group LAT%d address 198.51.100.1", n))); err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(context.Background(), func(string) {}); err != nil {
			b.Fatal(err)
		}
		send("r")
		waitFor("the change read", func(s string) bool { return !strings.Contains(s, "refreshing") })
		send("S")
		waitFor("the plan", func(s string) bool { return strings.Contains(s, "[ Apply ") })
		send("p") // pushed by hasync: vra-b's own commit prints the 10,000 lines
		waitFor("the pushed plan", func(s string) bool { return strings.Contains(s, "Pushed by hasync") && strings.Contains(s, "[ Apply ") })
		mk := latencyMark(n)
		pr.mark.Store(&mk)
		// The renderer writes only the cells that change: the mark's
		// letters differ from every earlier round's in each cell.
		fw.arm(mk[len("LATENCY-"):])
		b.StartTimer()
		send("tab", "enter")
		var at time.Time
		select {
		case at = <-pr.seen:
		case <-time.After(120 * time.Second):
			b.Fatal("the error line never reached the screen")
		}
		b.StopTimer()
		total += at.Sub(time.Unix(0, printed.Load()))
		for fw.seen().IsZero() && time.Since(at) < 10*time.Second {
			time.Sleep(time.Millisecond)
		}
		if f := fw.seen(); !f.IsZero() {
			flushed += f.Sub(time.Unix(0, printed.Load()))
			nFlushed++
		}
		toEmit += time.Duration(emitted.Load() - printed.Load())
		waitFor("the sync's end", func(s string) bool {
			return !strings.Contains(s, "· running") && !strings.Contains(s, "committing (whole") &&
				(strings.Contains(s, "synced vra-a") || strings.Contains(s, "sync failed"))
		})
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "latency-ms")
	b.ReportMetric(float64(toEmit.Microseconds())/1000/float64(n), "to-emit-ms")
	if nFlushed > 0 {
		b.ReportMetric(float64(flushed.Microseconds())/1000/float64(nFlushed), "to-terminal-ms")
	}
	b.ReportMetric(float64(m.pairs[0].sub.Dropped()), "dropped-events")
}

// latencyMark is round n's mark: twelve of one letter, another letter
// than the round before's.
func latencyMark(n int) string {
	return "LATENCY-" + strings.Repeat(string(rune('A'+n%26)), 12)
}
