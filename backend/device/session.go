package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/sshclient"
)

// DefaultCommandTimeout is Options.CommandTimeout when it is zero.
const DefaultCommandTimeout = 30 * time.Second

// WideColumns is the PTY width to open shells with: wide enough that no
// configuration line is cut, so a device that wraps its output at the
// terminal width (Options.Width) rarely does.
const WideColumns = 4095

// Options configure a Session.
type Options struct {
	Family config.Family
	// Flavor names the variant ("vra", "vyos", "usg"); informational.
	Flavor string
	// CommandTimeout is how long a command (or the login) may go without
	// any output before it fails with ErrTimeout (DefaultCommandTimeout
	// when zero). A whole read is bounded by its context instead, so a
	// long configuration that keeps streaming never times out.
	CommandTimeout time.Duration
	// Name is the device as the user knows it; errors start with it.
	Name string
	// Width is the PTY's width in columns, as the shell was opened (0:
	// unknown). A family whose devices cut output at the terminal width
	// (Huawei) gets lines exactly Width bytes long joined to the next.
	Width int
	// KeepPager leaves the device's pager on and answers it, instead of
	// typing the pager-off commands (for a login whose level cannot turn
	// it off, and to test the pager's state machine).
	KeepPager bool
	// OnLog, when set, gets the device's asynchronous log lines that
	// interleave with command output (Huawei).
	OnLog func(line string)
	// OnOutput, when set, gets every output line of every command as it
	// arrives, with the command: the reads whose signature has no emit
	// (HA, Sessions, SavedDiffers) stream through it too.
	OnOutput func(cmd, line string)
}

// Result is what one command gave.
type Result struct {
	// Lines are the command's output lines, cleaned of escape codes and
	// pager prompts, without the echo and the prompt.
	Lines []string
	// Replicated: the device marked the command as replicated to its HA
	// peer (Huawei ` (+B)`, DOMAIN.md "HRP").
	Replicated bool
	// Prompt is the prompt the device printed after the command.
	Prompt Prompt
}

// Session is one interactive login on a device. Commands run one at a
// time; a Session is safe for use by several goroutines, which then wait
// for each other.
type Session struct {
	opt Options
	p   *platform
	sh  io.ReadWriter

	client    *sshclient.Client // set by Connect; closed with the session
	chunks    chan chunk
	done      chan struct{}
	closeOnce sync.Once
	closed    atomic.Bool // Close was called
	// lost is why the connection went, when CloseLost closed the session.
	lost atomic.Pointer[error]

	mu      sync.Mutex // one command at a time; guards what follows
	pending []byte     // the unfinished last line
	host    string
	prompt  Prompt
	// promptLine is the prompt's line as printed (trailing blanks kept):
	// the next command's first line starts with it.
	promptLine string
	pagerOn    bool // the pager could not be turned off
	broken     error
	banner     []string // LoginLines
}

type chunk struct {
	b   []byte
	err error
}

// Open runs the login state machine on an interactive shell: it waits for
// the first prompt, answering the first-login questions the family's
// table allows (never with a bare Enter) and keeping the lines printed
// before it (LoginLines), then turns the pager off (or notes that it must
// be answered). sh is a PTY shell (*sshclient.Shell); if it is an
// io.Closer, Close closes it (otherwise the goroutine reading it ends
// only when its Read does).
func Open(ctx context.Context, sh io.ReadWriter, opt Options) (*Session, error) {
	if opt.Family != config.Vyatta && opt.Family != config.Huawei {
		return nil, fmt.Errorf("%s: device family %v: want vyatta or huawei", opt.Name, opt.Family)
	}
	if opt.CommandTimeout <= 0 {
		opt.CommandTimeout = DefaultCommandTimeout
	}
	s := &Session{opt: opt, p: platformFor(opt.Family), sh: sh,
		chunks: make(chan chunk, 16), done: make(chan struct{})}
	go s.pump()
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.awaitLogin(ctx)
	if err != nil {
		s.close()
		return nil, err
	}
	s.host = res.Prompt.Host
	if opt.KeepPager {
		s.pagerOn = true
		return s, nil
	}
	cmds := s.p.pagerOff
	if s.p.widthCmd != "" {
		w := opt.Width
		if w <= 0 || w > s.p.maxWidth {
			w = s.p.maxWidth
		}
		cmds = append(cmds[:len(cmds):len(cmds)], s.p.widthCmd+strconv.Itoa(w))
	}
	for i, c := range cmds {
		_, err := s.run(ctx, c, nil)
		switch {
		case errors.Is(err, ErrRejected):
			if i == 0 {
				s.pagerOn = true
			}
		case err != nil:
			s.close()
			return nil, err
		}
	}
	return s, nil
}

// pump moves the shell's output to chunks until it fails or the session
// closes.
func (s *Session) pump() {
	for {
		b := make([]byte, 32<<10)
		n, err := s.sh.Read(b)
		if n > 0 {
			select {
			case s.chunks <- chunk{b: b[:n]}:
			case <-s.done:
				return
			}
		}
		if err != nil {
			select {
			case s.chunks <- chunk{err: err}:
			case <-s.done:
			}
			return
		}
	}
}

// Close ends the session and closes the shell (when it is an io.Closer)
// and the connection Connect made. It does not wait for a running
// command, which ends with ErrClosed.
func (s *Session) Close() error {
	s.closed.Store(true)
	return s.close()
}

// CloseLost closes the session because its connection was lost (cause,
// as the owner of the connection saw it): a command running ends with an
// error that is ErrClosed and ErrConnectionLost, wrapping cause.
func (s *Session) CloseLost(cause error) error {
	s.lost.Store(&cause)
	return s.Close()
}

func (s *Session) close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		if c, ok := s.sh.(io.Closer); ok {
			err = c.Close()
		}
		if s.client != nil {
			s.client.Close()
		}
	})
	return err
}

// Done is closed when the session's connection is lost or closed; nil
// (never ready) for a session made with Open on a shell of its own.
func (s *Session) Done() <-chan struct{} {
	if s.client == nil {
		return nil
	}
	return s.client.Done()
}

// Err is nil while the session is usable; once it closed (Close, or a
// timeout, a lost connection, an interrupt that did not get the prompt
// back), why: the caller reconnects.
func (s *Session) Err() error {
	if s.closed.Load() {
		return ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broken
}

// Prompt is the last prompt the device printed: host, mode, HRP prefix.
func (s *Session) Prompt() Prompt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.prompt
}

// LoginLines are the lines the device printed before its first prompt
// that the family's table does not know (banners, messages of the day).
func (s *Session) LoginLines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.banner...)
}

// PagerOn reports whether the device refused to turn its pager off, so
// the session answers it.
func (s *Session) PagerOn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pagerOn
}

// Name is Options.Name.
func (s *Session) Name() string { return s.opt.Name }

// Family is Options.Family.
func (s *Session) Family() config.Family { return s.opt.Family }

// Run types one command and reads its output until the prompt comes back,
// streaming each output line to emit (may be nil) as it arrives. Output
// lines come back too. Errors: *RejectedError (ErrRejected,
// ErrWrongMember) when the device refused the command, *QuestionError
// (ErrQuestion) when it asked a question the family's allow list does not
// answer for this command (the question is declined); these leave the
// session usable. When ctx ends, the command is interrupted (^C, the
// pager quit) and the error wraps ctx's; the session stays usable when the
// prompt comes back within drainTimeout, else it closes. ErrTimeout and a
// lost connection (ErrConnectionLost, wrapping the shell's error) close
// the session.
func (s *Session) Run(ctx context.Context, cmd string, emit func(line string)) ([]string, error) {
	res, err := s.RunResult(ctx, cmd, emit)
	return res.Lines, err
}

// RunResult is Run with everything the command gave: its lines, whether
// the device marked it replicated to the HA peer, and the prompt after it.
func (s *Session) RunResult(ctx context.Context, cmd string, emit func(line string)) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run(ctx, cmd, emit)
}

// RunMasked is RunResult for a command that carries a secret (a password,
// a key): shown is the command as it may be shown, its secret replaced by
// config.Mask (as backend/plan prints it). Errors name shown, and the
// words of cmd that shown lacks are masked in every output line before it
// is streamed, kept or put in an error (DESIGN.md: secrets never reach the
// screen, a log or an error).
func (s *Session) RunMasked(ctx context.Context, cmd, shown string, emit func(line string)) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runAs(ctx, cmd, shown, emit)
}

func (s *Session) run(ctx context.Context, cmd string, emit func(line string)) (Result, error) {
	return s.runAs(ctx, cmd, "", emit)
}

// runAs types cmd; shown, when not empty, is how it may be shown.
func (s *Session) runAs(ctx context.Context, cmd, shown string, emit func(line string)) (Result, error) {
	if err := s.typeLine(cmd, shown); err != nil {
		return Result{}, err
	}
	return s.readRun(ctx, cmd, shown, emit)
}

// typeLine types cmd and Enter.
func (s *Session) typeLine(cmd, shown string) error {
	cmd = strings.TrimSpace(cmd)
	if shown == "" {
		shown = cmd
	}
	if cmd == "" || strings.ContainsAny(cmd, "\r\n") {
		return fmt.Errorf("%s: command %q: want one non-empty line", s.opt.Name, shown)
	}
	if s.broken != nil || s.closed.Load() {
		return s.closedErr(shown)
	}
	if _, err := io.WriteString(s.sh, cmd+"\r"); err != nil {
		return s.fail(&opError{device: s.opt.Name, command: shown, kind: ErrConnectionLost, err: err})
	}
	return nil
}

// readRun reads the output of cmd, already typed, up to its prompt.
func (s *Session) readRun(ctx context.Context, cmd, shown string, emit func(line string)) (Result, error) {
	cmd = strings.TrimSpace(cmd)
	r := &runState{s: s, cmd: cmd, shown: cmd, emit: emit, caret: -1, echoAt: len(s.promptLine)}
	if shown != "" {
		r.shown, r.secrets = strings.TrimSpace(shown), secretWords(cmd, shown)
	}
	if s.broken != nil || s.closed.Load() {
		return Result{}, s.closedErr(r.shown)
	}
	return s.loop(ctx, r)
}

// secretWords are the words of cmd that shown does not have (quotes
// stripped): the secret shown masked.
func secretWords(cmd, shown string) []string {
	have := map[string]bool{}
	for _, w := range strings.Fields(shown) {
		have[strings.Trim(w, `'"`)] = true
	}
	var out []string
	for _, w := range strings.Fields(cmd) {
		if w = strings.Trim(w, `'"`); w != "" && !have[w] {
			out = append(out, w)
		}
	}
	// Longest first, so a secret that holds another is masked whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// mask replaces the command's secret words in text.
func (r *runState) mask(text string) string {
	for _, w := range r.secrets {
		text = strings.ReplaceAll(text, w, config.Mask)
	}
	return text
}

// awaitLogin reads the login's output up to the first prompt, typing
// only the answers to questions.
func (s *Session) awaitLogin(ctx context.Context) (Result, error) {
	return s.loop(ctx, &runState{s: s, login: true})
}

func (s *Session) closedErr(cmd string) error {
	if cause := s.lost.Load(); cause != nil {
		return fmt.Errorf("%s: %s: %w: %w (%w)", s.opt.Name, cmd, ErrClosed, ErrConnectionLost, *cause)
	}
	if s.broken == nil || s.closed.Load() {
		return fmt.Errorf("%s: %s: %w", s.opt.Name, cmd, ErrClosed)
	}
	return fmt.Errorf("%s: %s: %w (%w)", s.opt.Name, cmd, ErrClosed, s.broken)
}

// fail closes the session after err, which later calls report.
func (s *Session) fail(err error) error {
	s.broken = err
	s.close()
	return err
}

// loop feeds the shell's output to r until the prompt.
func (s *Session) loop(ctx context.Context, r *runState) (Result, error) {
	timer := time.NewTimer(s.opt.CommandTimeout)
	defer timer.Stop()
	// What is already buffered (the previous prompt's line) comes first.
	if done, err := r.feed(); done || err != nil {
		return r.result(err)
	}
	// quiet fires when the output stopped on a line that is a prompt only
	// loosely (runState.loose): then it is taken as the prompt.
	var (
		quiet  *time.Timer
		quietC <-chan time.Time
	)
	defer func() {
		if quiet != nil {
			quiet.Stop()
		}
	}()
	for {
		if r.loose != nil {
			if quiet == nil {
				quiet = time.NewTimer(promptQuiet)
			} else {
				quiet.Reset(promptQuiet)
			}
			quietC = quiet.C
		} else {
			quietC = nil
		}
		select {
		case <-quietC:
			r.takeLoose()
			return r.result(nil)
		case c := <-s.chunks:
			if c.err != nil && s.closed.Load() {
				return Result{Lines: r.lines}, s.closedErr(r.shown)
			}
			if c.err != nil {
				return Result{Lines: r.lines}, s.fail(&opError{device: s.opt.Name, command: r.shown, kind: ErrConnectionLost, err: c.err})
			}
			s.pending = append(s.pending, c.b...)
			timer.Reset(s.opt.CommandTimeout)
			if done, err := r.feed(); done || err != nil {
				return r.result(err)
			}
		case <-timer.C:
			return Result{Lines: r.lines}, s.fail(&opError{device: s.opt.Name, command: r.shown, kind: ErrTimeout,
				err: fmt.Errorf("no output for %v", s.opt.CommandTimeout)})
		case <-ctx.Done():
			return s.interrupt(r, ctx.Err())
		case <-s.done:
			return Result{Lines: r.lines}, s.closedErr(r.shown)
		}
	}
}

// drainTimeout bounds how long an interrupted command may take to give
// the prompt back (at most Options.CommandTimeout).
const drainTimeout = 2 * time.Second

// interrupt stops a command whose caller gave up (cause: its context's
// error): ^C, then the output is read and dropped, a pager quit and a
// question declined, until the prompt comes back; the session stays
// usable. If the prompt does not come back within drainTimeout (nothing
// stops a device's long output), or the link goes, the session closes.
// The error wraps cause either way.
func (s *Session) interrupt(r *runState, cause error) (Result, error) {
	gaveUp := &opError{device: s.opt.Name, command: r.shown, err: cause}
	if _, err := io.WriteString(s.sh, interruptKey); err != nil {
		return Result{}, s.fail(gaveUp)
	}
	// ^C also answers a pager prompt or a question showing now: answered
	// again, the key would be typed ahead into the next command.
	r.draining, r.answered = true, true
	wait := min(s.opt.CommandTimeout, drainTimeout)
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case c := <-s.chunks:
			if c.err != nil {
				return Result{}, s.fail(gaveUp)
			}
			s.pending = append(s.pending, c.b...)
			t.Reset(wait)
			done, err := r.feed()
			switch {
			case err != nil:
				return Result{}, s.fail(gaveUp)
			case done:
				return Result{}, gaveUp
			}
		case <-t.C:
			return Result{}, s.fail(gaveUp)
		case <-s.done:
			return Result{}, s.closedErr(r.shown)
		}
	}
}

// interruptKey is ^C, which both families take as "stop this command".
const interruptKey = "\x03"

// runState is one command's progress through the output.
type runState struct {
	s       *Session
	cmd     string
	shown   string   // cmd as errors and OnOutput show it
	secrets []string // words of cmd masked in output
	login   bool
	emit    func(string)

	lines      []string
	sawLine    bool     // a line ended since the command was typed
	echoed     bool     // the echo was seen
	preEcho    []string // lines before the echo: async noise, or output of a device that does not echo
	wrapped    string   // pieces of a line the device cut at the width
	held       string   // a line held back one step (preamble, blank before a log line)
	holding    bool
	answered   bool // the unfinished line's pager or question was answered
	paged      bool // a pager prompt was answered
	draining   bool // interrupted: output is dropped up to the prompt
	loose      *Prompt
	looseOut   string  // output before a loose prompt on its line
	lineBefore *Prompt // login: a prompt printed as a whole line
	replicated bool
	rejected   []string
	wrong      bool
	question   *QuestionError
	prompt     Prompt
	caret      int // the caret's offset in the command; -1 without one
	echoAt     int // the column the echo starts at (the prompt's length)
}

func (r *runState) result(err error) (Result, error) {
	if err != nil {
		return Result{Lines: r.lines}, err
	}
	s := r.s
	res := Result{Lines: r.lines, Replicated: r.replicated, Prompt: r.prompt}
	switch {
	case r.question != nil:
		return res, r.question
	case len(r.rejected) > 0:
		return res, &RejectedError{Device: s.opt.Name, Command: r.shown, Text: strings.Join(r.rejected, "\n"), WrongMember: r.wrong, Pos: r.caret}
	}
	return res, nil
}

// feed consumes the whole lines of the pending output, then looks at the
// unfinished last line: a new prompt ends the command, a pager prompt or
// a question is answered.
func (r *runState) feed() (done bool, err error) {
	s := r.s
	for {
		i := bytes.IndexByte(s.pending, '\n')
		if i < 0 {
			break
		}
		raw := s.pending[:i]
		s.pending = s.pending[i+1:]
		r.sawLine = true
		r.answered = false
		if r.line(raw) {
			return true, nil
		}
	}
	r.loose = nil
	if r.login && r.lineBefore != nil {
		// At login, a prompt that a log line followed at once: taken
		// once the output stays still, unless a prompt comes after it.
		r.loose, r.looseOut = r.lineBefore, ""
	}
	if len(s.pending) == 0 || !r.login && !r.sawLine {
		// Nothing unfinished, or only the echo being typed after the
		// last prompt: no prompt, pager or question yet.
		return false, nil
	}
	text, _ := cleanLine(s.pending)
	// A prompt ends the command once its echo was seen: a prompt before
	// it is a stray one (after a ^C typed ahead), or a device that does
	// not echo, whose prompt is taken once the output stays still
	// (looseFrom).
	if r.login || r.echoed || r.draining && r.sawLine {
		if p, ok := s.p.parsePrompt(text, s.host); ok {
			s.promptLine = text
			r.finish(p)
			return true, nil
		}
	}
	if ans, ok := s.p.pager(text); ok {
		if !r.answered {
			r.answered, r.paged = true, true
			if r.draining {
				// ^C, not q: if the device already stopped, it reaches a
				// prompt, where ^C is harmless and q would be typed
				// ahead (VRP reads q as quit).
				ans = interruptKey
			}
			return false, r.send(ans)
		}
		return false, nil
	}
	if ans, abort, ok := s.p.question(r.cmd, text); ok {
		if r.draining && !abort {
			ans = s.p.decline(text)
		}
		if !r.answered {
			r.answered = true
			if abort && r.question == nil {
				r.question = &QuestionError{Device: s.opt.Name, Command: r.shown, Question: r.mask(strings.TrimSpace(text))}
			}
			return false, r.send(ans)
		}
		return false, nil
	}
	r.answered = false
	if r.sawLine {
		r.looseFrom(text)
	}
	return false, nil
}

// promptQuiet is how long the output must stay still on a loose prompt
// before it is taken as the prompt.
const promptQuiet = 250 * time.Millisecond

// looseFrom notes a line that is a prompt only loosely: one of another
// host (the command renamed the device: Huawei `sysname`, which changes
// the prompt at once), or the last prompt after output that did not end
// its line. Taken only once the output stops on it.
func (r *runState) looseFrom(text string) {
	s := r.s
	if p, ok := s.p.parsePrompt(text, ""); ok {
		r.loose, r.looseOut = &p, ""
		return
	}
	if s.promptLine == "" || len(text) <= len(s.promptLine) || !strings.HasSuffix(text, s.promptLine) {
		return
	}
	if p, ok := s.p.parsePrompt(s.promptLine, s.host); ok {
		r.loose, r.looseOut = &p, strings.TrimSuffix(text, s.promptLine)
	}
}

// takeLoose ends the command at the loose prompt.
func (r *runState) takeLoose() {
	s := r.s
	p := *r.loose
	if r.looseOut != "" {
		if r.echoed {
			r.output(r.looseOut)
		} else {
			r.preEcho = append(r.preEcho, r.looseOut)
		}
	} else if !r.login {
		s.promptLine, _ = cleanLine(s.pending)
	}
	if r.login {
		// The prompt was a whole line: the next echo starts a line.
		s.promptLine = ""
	} else {
		// The unfinished line is now the prompt alone: the next
		// command's echo follows it.
		s.pending = append(s.pending[:0], s.promptLine...)
	}
	s.host = p.Host
	r.finish(p)
}

func (r *runState) send(answer string) error {
	if _, err := io.WriteString(r.s.sh, answer); err != nil {
		return r.s.fail(&opError{device: r.s.opt.Name, command: r.shown, kind: ErrConnectionLost, err: err})
	}
	return nil
}

// finish ends the command at prompt p.
func (r *runState) finish(p Prompt) {
	s := r.s
	if !r.echoed && !r.login {
		// No echo seen: what came was output, after the prompt it
		// began on.
		pre := r.preEcho
		r.preEcho = nil
		r.echoed = true
		for i, l := range pre {
			if i == 0 && s.promptLine != "" {
				l = strings.TrimPrefix(l, s.promptLine)
			}
			r.output(l)
		}
	}
	if r.holding {
		if m := s.p.preamble.submatch(r.held); m != nil {
			r.holding = false
			p.Level = m[1]
		}
	}
	if r.wrapped != "" {
		w := r.wrapped
		r.wrapped = ""
		r.deliver(w)
	}
	r.release()
	r.prompt = p
	s.prompt = p
}

// line handles one whole line of output; true when it is the prompt that
// ends the command (a whole line when something, such as an async log
// line, followed the prompt at once).
func (r *runState) line(raw []byte) bool {
	s := r.s
	// The \r of \r\n ends the line; without it most lines need no
	// cleaning at all (cleanLine's fast path).
	if n := len(raw); n > 0 && raw[n-1] == '\r' {
		raw = raw[:n-1]
	}
	text, up := cleanLine(raw)
	if up && s.p.mark != "" && strings.TrimSpace(text) == strings.TrimSpace(s.p.mark) {
		// VRP's ` (+B)` written back onto the echoed line.
		r.replicated = true
		return false
	}
	if r.login {
		if p, ok := s.p.parsePrompt(text, ""); ok {
			r.lineBefore = &p
			return false
		}
		switch {
		case s.p.asyncLog.match(text):
			if s.opt.OnLog != nil {
				s.opt.OnLog(text)
			}
		case text != "" && !matchAny(s.p.loginSkip, text):
			s.banner = append(s.banner, text)
		}
		return false
	}
	if r.echoed {
		if p, ok := s.p.parsePrompt(text, s.host); ok {
			s.promptLine = text
			r.finish(p)
			return true
		}
		if pl := s.promptLine; pl != "" && len(text) > len(pl) && strings.HasPrefix(text, pl) {
			if p, ok := s.p.parsePrompt(pl, s.host); ok {
				// The prompt, then the echo of a command typed ahead:
				// this command ends here, and the line goes back for
				// the next one to read as its echo.
				s.pending = append(append(append([]byte(nil), raw...), '\n'), s.pending...)
				r.finish(p)
				return true
			}
		}
	}
	if !r.echoed {
		if r.isEcho(text) {
			r.echoed = true
			for _, l := range r.preEcho {
				if s.p.asyncLog.match(l) && s.opt.OnLog != nil {
					s.opt.OnLog(r.mask(l))
				}
			}
			r.preEcho = nil
			return false
		}
		r.preEcho = append(r.preEcho, text)
		return false
	}
	r.output(text)
	return false
}

// isEcho reports whether text is the typed command echoed, after the
// prompt or alone, with the HA mark stripped.
func (r *runState) isEcho(text string) bool {
	s := r.s
	text = strings.TrimRight(text, " ")
	marked := false
	if s.p.mark != "" {
		if t, ok := strings.CutSuffix(text, s.p.mark); ok {
			text, marked = strings.TrimRight(t, " "), true
		}
	}
	echo := text == r.cmd
	if prefix, ok := strings.CutSuffix(text, r.cmd); ok && !echo {
		_, echo = s.p.parsePrompt(prefix, s.host)
	}
	if echo && marked {
		r.replicated = true
	}
	return echo
}

// output takes a line of the command's output: joins what the device cut
// at the terminal width, then holds lines that may belong to what follows.
func (r *runState) output(text string) {
	s := r.s
	if r.paged {
		for _, pg := range s.p.pagers {
			if pg.re.MatchString(text) {
				return // a pager prompt the device ended with a newline
			}
			if pg.prefix != "" {
				text = strings.TrimPrefix(text, pg.prefix)
			}
		}
	}
	if s.p.wraps && s.opt.Width > 0 {
		if len(text) == s.opt.Width {
			r.wrapped += text
			return
		}
		text = r.wrapped + text
		r.wrapped = ""
	}
	r.deliver(text)
}

// deliver holds back a line that only the next one explains (a preamble,
// a blank before a log line), and passes the rest on.
func (r *runState) deliver(text string) {
	s := r.s
	if s.p.asyncLog.match(text) {
		if r.holding && r.held == "" {
			r.holding = false // the blank the log line starts with
		}
		if s.opt.OnLog != nil {
			s.opt.OnLog(r.mask(text))
		}
		return
	}
	r.release()
	if s.p.preamble.match(text) || s.p.asyncLog.re != nil && text == "" {
		r.held, r.holding = text, true
		return
	}
	r.take(text)
}

// release passes on a held line.
func (r *runState) release() {
	if r.holding {
		r.holding = false
		r.take(r.held)
	}
}

// take is one line of the command's output.
func (r *runState) take(text string) {
	s := r.s
	if r.draining {
		return // the caller gave up on the command
	}
	text = r.mask(text)
	switch {
	case s.p.caret != nil && r.caret < 0 && s.p.caret.MatchString(text):
		// The caret counts from the start of the echoed line: the
		// prompt, then the command.
		r.caret = max(strings.IndexByte(text, '^')-r.echoAt, 0)
	case matchAny(s.p.wrongMember, text):
		r.wrong = true
		r.rejected = append(r.rejected, text)
	case matchAny(s.p.rejected, text):
		r.rejected = append(r.rejected, strings.TrimSpace(text))
	}
	r.lines = append(r.lines, text)
	if r.emit != nil {
		r.emit(text)
	}
	if s.opt.OnOutput != nil {
		s.opt.OnOutput(r.shown, text)
	}
}
