package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// step is one exchange with a scripted device: when the session has
// typed exactly expect, the device prints reply.
type step struct{ expect, reply string }

// scripted is a device that follows a script and fails the test when the
// session types anything else: the driver test of the exact commands
// sent (STYLE.md "Tests", 2).
type scripted struct {
	io.Reader
	w *io.PipeWriter

	t     *testing.T
	mu    sync.Mutex
	typed bytes.Buffer
	steps []step
	out   *io.PipeWriter
	done  chan struct{}
}

func newScripted(t *testing.T, banner string, steps []step) *scripted {
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	d := &scripted{Reader: outR, w: inW, t: t, steps: steps, out: outW, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		if _, err := io.WriteString(outW, banner); err != nil {
			return
		}
		b := make([]byte, 1)
		var pending string
		for {
			if _, err := inR.Read(b); err != nil {
				return
			}
			d.mu.Lock()
			d.typed.WriteByte(b[0])
			pending += string(b)
			if len(d.steps) == 0 || !strings.HasPrefix(d.steps[0].expect, pending) {
				t.Errorf("typed %q; the script expected %q", pending, d.nextLocked())
				d.mu.Unlock()
				outW.CloseWithError(io.ErrUnexpectedEOF)
				return
			}
			var reply string
			if pending == d.steps[0].expect {
				reply = d.steps[0].reply
				d.steps = d.steps[1:]
				pending = ""
			}
			d.mu.Unlock()
			if reply != "" {
				if _, err := io.WriteString(outW, reply); err != nil {
					return
				}
			}
		}
	}()
	return d
}

func (d *scripted) nextLocked() string {
	if len(d.steps) == 0 {
		return "(end of script)"
	}
	return d.steps[0].expect
}

func (d *scripted) Write(p []byte) (int, error) { return d.w.Write(p) }

func (d *scripted) Close() error {
	d.w.Close()
	return d.out.Close()
}

func (d *scripted) finished() {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.steps) > 0 {
		d.t.Errorf("script not finished: next %q", d.steps[0].expect)
	}
}

func TestScriptedHuawei(t *testing.T) {
	blanks := strings.Repeat(" ", 42)
	d := newScripted(t, "Info: The max number of VTY users is 10, and the number of current VTY users on line is 1.\r\n"+
		"The current login time is 2026-11-30 05:00:00.\r\nHRP_M<FW-A>", []step{
		{"screen-length 0 temporary\r", "screen-length 0 temporary\r\nInfo: The configuration takes effect on the current user terminal interface only.\r\nHRP_M<FW-A>"},
		{"display current-configuration\r", "display current-configuration\r\n2026-11-30 05:00:00.000\r\n#\r\n sysname FW-A\r\n" +
			// An async log line, after its blank, in the middle of the output.
			"\r\nNov 30 2026 05:00:01 FW-A %%01HRPI/4/STATE_CHANGE(l): HRP state changed from standby to active.\r\n" +
			"#\r\n  ---- More ----"},
		{" ", "\x1b[42D" + blanks + "\x1b[42D" + "return\r\nHRP_M<FW-A>"},
		{"system-view\r", "system-view\r\nEnter system view, return user view with Ctrl+Z.\r\nHRP_M[FW-A]"},
		{"ip address-set X type object\r", "ip address-set X type object\r\n\x1b[1A\x1b[41G (+B)\r\nHRP_M[FW-A-object-address-set-X]"},
		// A log line between the prompt and the echo.
		{"display version\r", "\r\nNov 30 2026 05:00:02 FW-A %%01SHELL/5/CMDRECORD(s)[0]: x.\r\ndisplay version\r\nVRP (R) software\r\nHRP_M[FW-A-object-address-set-X]"},
		{"save\r", "save\r\nThe current configuration will be written to the device. Are you sure to continue?[Y/N]:"},
		{"Y\r", "Y\r\nNow saving the current configuration to the slot 0.\r\nInfo: Save the configuration successfully.\r\nHRP_M[FW-A-object-address-set-X]"},
	})
	var logs []string
	s, err := Open(context.Background(), d, Options{Family: config.Huawei, Name: "FW-A", OnLog: func(l string) { logs = append(logs, l) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.LoginLines() != nil {
		t.Errorf("login lines kept: %q", s.LoginLines())
	}
	text, err := s.Fetch(context.Background(), nil)
	if want := "2026-11-30 05:00:00.000\n#\n sysname FW-A\n#\nreturn\n"; err != nil || string(text) != want {
		t.Errorf("fetch: %v\n%q\nwant %q", err, text, want)
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "STATE_CHANGE") {
		t.Errorf("async logs: %q", logs)
	}
	if _, err := s.Run(context.Background(), "system-view", nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.RunResult(context.Background(), "ip address-set X type object", nil)
	if err != nil || !res.Replicated || len(res.Lines) != 0 || res.Prompt.Level != "object-address-set-X" {
		t.Errorf("replicated: %+v %v", res, err)
	}
	out, err := s.Run(context.Background(), "display version", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"VRP (R) software"}) || len(logs) != 2 {
		t.Errorf("display version: %q %v (logs %q)", out, err, logs)
	}
	out, err = s.Run(context.Background(), "save", nil)
	if err != nil || len(out) != 3 {
		t.Errorf("save: %q %v", out, err)
	}
	d.finished()
}

func TestScriptedVyatta(t *testing.T) {
	d := newScripted(t, "Welcome to VyOS\r\nLast login: Mon Nov 30 05:00:00 2026\r\nA message of the day\r\nvyos@r1:~$ ", []step{
		{"set terminal length 0\r", "set terminal length 0\r\nvyos@r1:~$ "},
		{"set terminal width 512\r", "set terminal width 512\r\nvyos@r1:~$ "},
		{"configure\r", "configure\r\n[edit]\r\nvyos@r1# "},
		// Old compare output: `[edit ...]` headers are output; only the
		// one above the prompt is the prompt's.
		{"compare\r", "compare\r\n[edit interfaces]\r\n+ ethernet eth1\r\n[edit firewall]\r\nvyos@r1# "},
		// A device that does not echo.
		{"show version\r", "Version: 1.4\r\n[edit]\r\nvyos@r1# "},
		{"commit-confirm 5\r", "commit-confirm 5\r\ncommit confirm will be automatically reboot in 5 minutes unless confirmed\r\nProceed? [confirm]"},
		{"y", "\r\n[edit]\r\nvyos@r1# "},
		{"commit\r", "commit\r\nProceed? [confirm]"},
		{"n", "\r\n[edit]\r\nvyos@r1# "},
	})
	s, err := Open(context.Background(), d, Options{Family: config.Vyatta, Name: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.LoginLines(); !reflect.DeepEqual(got, []string{"A message of the day"}) {
		t.Errorf("login lines: %q", got)
	}
	ctx := context.Background()
	if _, err := s.Run(ctx, "configure", nil); err != nil || s.Prompt().Mode != ModeConfigure {
		t.Fatalf("configure: %v %+v", err, s.Prompt())
	}
	out, err := s.Run(ctx, "compare", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"[edit interfaces]", "+ ethernet eth1"}) || s.Prompt().Level != "firewall" {
		t.Errorf("compare: %q %v %+v", out, err, s.Prompt())
	}
	out, err = s.Run(ctx, "show version", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"Version: 1.4"}) || s.Prompt().Level != "" {
		t.Errorf("no echo: %q %v", out, err)
	}
	if _, err := s.Run(ctx, "commit-confirm 5", nil); err != nil {
		t.Errorf("commit-confirm: %v", err)
	}
	_, err = s.Run(ctx, "commit", nil)
	var qe *QuestionError
	if !errorsAs(err, &qe) || qe.Question != "Proceed? [confirm]" {
		t.Errorf("commit's question: %v", err)
	}
	d.finished()
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestScriptedLoosePrompts(t *testing.T) {
	d := newScripted(t, "<FW-A>", []step{
		{"screen-length 0 temporary\r", "screen-length 0 temporary\r\n<FW-A>"},
		{"system-view\r", "system-view\r\n[FW-A]"},
		// The device renamed: its prompt changes at once.
		{"sysname FW-X\r", "sysname FW-X\r\n[FW-X]"},
		// Output that does not end its line before the prompt.
		{"display this\r", "display this\r\n#\r\n sysname FW-X\r\nreturn[FW-X]"},
		{"display version\r", "display version\r\nVRP (R) software\r\n[FW-X]"},
	})
	s, err := Open(context.Background(), d, Options{Family: config.Huawei, Name: "FW-A"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Run(ctx, "system-view", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, "sysname FW-X", nil); err != nil || s.Prompt().Host != "FW-X" || s.Prompt().Mode != ModeSystem {
		t.Errorf("renamed: %v %+v", err, s.Prompt())
	}
	out, err := s.Run(ctx, "display this", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"#", " sysname FW-X", "return"}) {
		t.Errorf("unended output: %q %v", out, err)
	}
	if out, err := s.Run(ctx, "display version", nil); err != nil || !reflect.DeepEqual(out, []string{"VRP (R) software"}) {
		t.Errorf("after the unended output: %q %v", out, err)
	}
	d.finished()
}

// FuzzRun: whatever a device answers to a command, Run returns (the
// answer is followed by a newline and the prompt) and never panics; a
// timeout would mean the prompt was missed.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"VRP (R) software\r\n",
		"display current-configuration\r\n#\r\n  ---- More ----",
		"\x1b[1A\x1b[30G (+B)\r\n",
		"Error: Unrecognized command found at '^' position.\r\n",
		"Continue? [Y/N]:",
		"\r\nNov 30 2026 05:00:02 FW-A %%01SHELL/5/CMDRECORD(s)[0]: x.\r\n",
		"[FW-A]\r\n<FW-B>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, reply []byte) {
		outR, outW := io.Pipe()
		inR, inW := io.Pipe()
		go io.Copy(io.Discard, inR)
		go func() {
			// The echo first, as a PTY gives it (the fuzzer needs no
			// luck to find it; a device without one waits the quiet).
			io.WriteString(outW, "<FW-A>")
			io.WriteString(outW, "display version\r\n")
			outW.Write(reply)
			io.WriteString(outW, "\r\n<FW-A>")
		}()
		sh := struct {
			io.Reader
			io.Writer
		}{outR, inW}
		s, err := Open(context.Background(), sh, Options{Family: config.Huawei, Name: "FW-A", KeepPager: true, CommandTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			s.Close()
			outW.Close()
			inR.Close()
		}()
		_, err = s.Run(context.Background(), "display version", nil)
		if errors.Is(err, ErrTimeout) {
			t.Fatalf("prompt missed after %q: %v", reply, err)
		}
	})
}

// BenchmarkRunLines: the engine's cost per output line, on a 100k-line
// configuration (the size of the diff --pair goal, issue 9), without SSH.
func BenchmarkRunLines(b *testing.B) {
	for _, fam := range []config.Family{config.Vyatta, config.Huawei} {
		b.Run(fam.String(), func(b *testing.B) {
			var body strings.Builder
			for i := range 100000 {
				if fam == config.Huawei {
					fmt.Fprintf(&body, " rule name r%d\r\n", i)
				} else {
					fmt.Fprintf(&body, "set security firewall name WAN rule %d action 'accept'\r\n", i)
				}
			}
			prompt, cmd := "vyatta@r1:~$ ", "show configuration commands"
			if fam == config.Huawei {
				prompt, cmd = "HRP_M<FW-A>", "display current-configuration"
			}
			reply := cmd + "\r\n" + body.String() + prompt
			b.SetBytes(int64(len(reply)))
			b.ReportAllocs()
			for b.Loop() {
				outR, outW := io.Pipe()
				inR, inW := io.Pipe()
				go io.Copy(io.Discard, inR)
				go func() {
					io.WriteString(outW, prompt)
					for r := reply; len(r) > 0; {
						n := min(len(r), 32<<10)
						if _, err := io.WriteString(outW, r[:n]); err != nil {
							return
						}
						r = r[n:]
					}
				}()
				s, err := Open(context.Background(), struct {
					io.Reader
					io.Writer
				}{outR, inW}, Options{Family: fam, Name: "bench", KeepPager: true})
				if err != nil {
					b.Fatal(err)
				}
				lines, err := s.Run(context.Background(), cmd, nil)
				if err != nil || len(lines) != 100000 {
					b.Fatalf("%d lines, %v", len(lines), err)
				}
				s.Close()
				outW.Close()
				inR.Close()
			}
		})
	}
}

func TestScriptedVyattaNoMore(t *testing.T) {
	// A login that may not set the terminal: reads get `| no-more`, and
	// a pager that shows anyway is answered.
	d := newScripted(t, "vyatta@r1:~$ ", []step{
		{"set terminal length 0\r", "set terminal length 0\r\nInvalid command: [set terminal length 0]\r\nvyatta@r1:~$ "},
		{"set terminal width 512\r", "set terminal width 512\r\nInvalid command: [set terminal width 512]\r\nvyatta@r1:~$ "},
		{"show configuration commands | no-more\r", "show configuration commands | no-more\r\nset system host-name 'r1'\r\n:"},
		{" ", "\r\x1b[Kset system time-zone 'UTC'\r\nvyatta@r1:~$ "},
	})
	s, err := Open(context.Background(), d, Options{Family: config.Vyatta, Name: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.PagerOn() {
		t.Error("the refused pager-off is not noted")
	}
	text, err := s.Fetch(context.Background(), nil)
	if want := "set system host-name 'r1'\nset system time-zone 'UTC'\n"; err != nil || string(text) != want {
		t.Errorf("fetch: %q, %v", text, err)
	}
	d.finished()
}

func TestScriptedPromptThenLog(t *testing.T) {
	// A log line right behind the prompt, in the same write: the prompt
	// is a whole line, at login and after a command.
	log := "Nov 30 2026 05:00:01 FW-A %%01HRPI/4/STATE_CHANGE(l): HRP state changed from standby to active.\r\n"
	d := newScripted(t, "Info: The max number of VTY users is 10.\r\nHRP_S<FW-A>\r\n"+log, []step{
		{"screen-length 0 temporary\r", "screen-length 0 temporary\r\nInfo: The configuration takes effect on the current user terminal interface only.\r\nHRP_M<FW-A>\r\n" + log},
		{"display version\r", "display version\r\nVRP (R) software\r\nHRP_M<FW-A>"},
	})
	var logs []string
	s, err := Open(context.Background(), d, Options{Family: config.Huawei, Name: "FW-A", OnLog: func(l string) { logs = append(logs, l) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p := s.Prompt(); p.Host != "FW-A" || p.HRP != "HRP_M" {
		t.Errorf("prompt: %+v", p)
	}
	out, err := s.Run(context.Background(), "display version", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"VRP (R) software"}) {
		t.Errorf("display version: %q %v", out, err)
	}
	if len(logs) != 2 || s.LoginLines() != nil {
		t.Errorf("logs: %q, login lines %q", logs, s.LoginLines())
	}
	d.finished()
}

func TestCloseDuringRun(t *testing.T) {
	// A command whose output never ends: Close does not wait for it, and
	// it ends with ErrClosed.
	d := newScripted(t, "vyos@r1:~$ ", []step{
		{"monitor log\r", "monitor log\r\nline 1\r\n"},
	})
	s, err := Open(context.Background(), d, Options{Family: config.Vyatta, Name: "r1", KeepPager: true})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		_, err := s.Run(context.Background(), "monitor log", func(string) { close(started) })
		got <- err
	}()
	<-started
	s.Close()
	if err := <-got; !errors.Is(err, ErrClosed) {
		t.Errorf("run after Close: %v", err)
	}
	if _, err := s.Run(context.Background(), "show version", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("next run: %v", err)
	}
}

func TestRunMasked(t *testing.T) {
	const secret = "s3cr3t-Pa55"
	cmd := "set system login user u authentication plaintext-password '" + secret + "'"
	shown := "set system login user u authentication plaintext-password '" + config.Mask + "'"
	d := newScripted(t, "vyos@r1# ", []step{
		{cmd + "\r", cmd + "\r\nConfiguration path: [system login user u authentication plaintext-password " + secret + "] is not valid\r\nSet failed\r\n\r\n[edit]\r\nvyos@r1# "},
	})
	var seen []string
	s, err := Open(context.Background(), d, Options{Family: config.Vyatta, Name: "r1", KeepPager: true,
		OnOutput: func(c, l string) { seen = append(seen, c, l) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var emitted []string
	res, err := s.RunMasked(context.Background(), cmd, shown, func(l string) { emitted = append(emitted, l) })
	var re *RejectedError
	if !errors.As(err, &re) || re.Command != shown {
		t.Fatalf("masked run: %v", err)
	}
	all := strings.Join(append(append(append(emitted, seen...), res.Lines...), err.Error(), re.Text), "\n")
	if strings.Contains(all, secret) || !strings.Contains(re.Text, "plaintext-password "+config.Mask+"]") {
		t.Errorf("the secret leaked, or was not masked where the device printed it:\n%s", all)
	}
	d.finished()
}

func TestScriptedInterrupt(t *testing.T) {
	// The caller gives up on a command that never ends: ^C, the prompt
	// comes back, the session goes on.
	d := newScripted(t, "vyos@r1:~$ ", []step{
		{"monitor log\r", "monitor log\r\nNov 30 05:00:00 r1 a log line\r\n"},
		{"\x03", "^C\r\nvyos@r1:~$ "},
		{"show version\r", "show version\r\nVersion: 1.4\r\nvyos@r1:~$ "},
	})
	s, err := Open(context.Background(), d, Options{Family: config.Vyatta, Name: "r1", KeepPager: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = s.Run(ctx, "monitor log", func(string) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted: %v", err)
	}
	out, err := s.Run(context.Background(), "show version", nil)
	if err != nil || !reflect.DeepEqual(out, []string{"Version: 1.4"}) {
		t.Errorf("after the interrupt: %q %v", out, err)
	}
	d.finished()
}
