package huawei

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// DefaultPageLines is how many lines the pager shows before
// `  ---- More ----` until `screen-length` says otherwise.
const DefaultPageLines = 24

// The pager's prompt, and what erases it once a key is read (VRP moves
// the cursor back 42 columns, blanks them, and moves back again).
const (
	morePrompt = "  ---- More ----"
	moreErase  = "\x1b[42D                                          \x1b[42D"
)

// errPagerQuit stops an output when the user typed q at the pager.
var errPagerQuit = errors.New("output stopped at the pager")

// argError is a display command's refused argument: i indexes the words
// after the command's fixed words.
type argError struct {
	i      int
	reason Reason
}

func (e *argError) Error() string { return (&CommandError{Reason: e.reason}).Error() }

// CLI is one login's command line.
type CLI struct {
	d *Device
	// system is false in the user view; view holds the header lines of the
	// sub-views entered below the system view.
	system bool
	view   []string
	// page is the pager's length; 0 turns it off.
	page int
	keys lab.KeyReader
	out  io.Writer
	// eol, when set, is the end of the echoed line the terminal left open
	// (lab.LineEnder): ` (+B)` goes on it before its end; the first other
	// output ends it first.
	eol *lineEnd
	// cols is the PTY's width, at which display output wraps; nil (or a
	// width <= 0) leaves lines whole.
	cols func() int
	// interrupt, when set, lets ^C stop a display running without the
	// pager (with the pager, ^C at `---- More ----` stops it).
	interrupt lab.Interrupter
	// lowLevel: the login's level refuses screen-length
	// (Options.ScreenLengthRefused, for admin).
	lowLevel bool
}

// Warning returns the `Warning: ... Continue? [Y/N]:` question that a
// command asks before it acts, as on real USGs, or "" for a command that
// asks none; N (or no) cancels, a bare Enter asks again (lab.AskYN).
// `save` asks its own question (builtin). Kept short on purpose: only
// commands the lab is sure ask one on real devices are listed; `hrp sync
// config`, `undo hrp enable` and `reset firewall session table` are not
// (unsure). (A switch, not a map: no work at process start.)
func Warning(command string) string {
	switch command {
	case "reset saved-configuration":
		return "Warning: The action will delete the saved configuration in the device.\n" +
			"The configuration will be erased to reconfigure. Continue? [Y/N]:"
	}
	return ""
}

// lineTerminal is a lab.Terminal of the CLI's output and its line reader,
// for lab.AskYN.
type lineTerminal struct {
	io.Writer
	read func() (string, error)
}

func (l lineTerminal) ReadLine() (string, error) { return l.read() }

// NewCLI starts a command line in the user view, writing to out. keys may
// be nil: the output is then never paged.
func (d *Device) NewCLI(out io.Writer, keys lab.KeyReader) *CLI {
	return &CLI{d: d, out: out, keys: keys, page: DefaultPageLines, lowLevel: d.o.ScreenLengthRefused}
}

// View returns the sub-view path below the system view (nil at the top).
func (c *CLI) View() []string { return append([]string(nil), c.view...) }

// Prompt is what the device prints before reading a command:
// `HRP_M<FW-A>`, `[FW-A]`, `HRP_S[FW-B-policy-security-rule-web_in]`.
func (c *CLI) Prompt() string {
	prefix := ""
	if h := c.d.getHRP(); h != nil {
		prefix = h.Prefix()
	}
	name := c.d.sysname()
	if !c.system {
		return prefix + "<" + name + ">"
	}
	return prefix + "[" + name + c.viewSuffix() + "]"
}

// viewSuffix names the sub-views as the prompt shows them.
func (c *CLI) viewSuffix() string {
	var b strings.Builder
	kind := viewSystem
	for _, h := range c.view {
		m, err := c.d.resolve(kind, h)
		if err != nil {
			break
		}
		kind = m.t.enter
		w := m.words
		arg := func(i int) string {
			if i < len(w) {
				return strings.Trim(w[i], `"`)
			}
			return ""
		}
		switch kind {
		case viewInterface:
			b.WriteString("-" + arg(1))
		case viewZone:
			if arg(2) == "name" {
				b.WriteString("-zone-" + arg(3))
			} else {
				b.WriteString("-zone-" + arg(2))
			}
		case viewAddressSet:
			b.WriteString("-object-address-set-" + arg(2))
		case viewServiceSet:
			b.WriteString("-object-service-set-" + arg(2))
		case viewSecurityPolicy:
			b.WriteString("-policy-security")
		case viewNATPolicy:
			b.WriteString("-policy-nat")
		case viewSecurityRule, viewNATRule:
			b.WriteString("-rule-" + arg(2))
		case viewACL:
			kind := "-acl-adv-"
			if n := w[len(w)-1]; n < "3000" {
				kind = "-acl-basic-"
			}
			b.WriteString(kind + w[len(w)-1])
		case viewAAA:
			b.WriteString("-aaa")
		case viewManagerUser:
			b.WriteString("-manager-user-" + arg(1))
		case viewOSPF:
			b.WriteString("-ospf-" + arg(1))
		case viewOSPFArea:
			b.WriteString("-area-" + arg(1))
		case viewUserInterface:
			b.WriteString("-ui-" + strings.Join(w[1:min(2, len(w))], "") + strings.Join(w[min(2, len(w)):], "-"))
		}
	}
	return b.String()
}

func (c *CLI) kind() (viewKind, error) {
	if !c.system {
		return viewUser, nil
	}
	return c.d.viewKind(c.view)
}

func (c *CLI) println(s string) { fmt.Fprintln(c.out, s) }

// printError prints a refusal; a syntax error gets its caret line under
// the echoed command, which follows the prompt.
func (c *CLI) printError(prompt string, err error) {
	var ce *CommandError
	if errors.As(err, &ce) {
		c.println(strings.Repeat(" ", len(prompt)+ce.Pos) + "^")
	}
	c.println(err.Error())
}

// Execute runs one typed line. It returns true when the line ends the
// login (quit in the user view).
func (c *CLI) Execute(ctx context.Context, line string, readLine func() (string, error)) (logout bool) {
	if strings.TrimSpace(line) == "" {
		return false
	}
	prompt := c.Prompt()
	kind, err := c.kind()
	if err != nil {
		c.printError(prompt, err)
		return false
	}
	m, err := c.d.resolve(kind, line)
	if err != nil {
		c.printError(prompt, err)
		return false
	}
	switch m.t.class {
	case classBuiltin:
		if m.words[0] == "screen-length" && c.lowLevel {
			// Above the login's level: VRP does not know the command.
			c.printError(prompt, &CommandError{Pos: splitLine(line)[0].start, Reason: ReasonUnrecognized})
			return false
		}
		return c.builtin(m, readLine)
	case classOp:
		c.runOp(ctx, prompt, line, m)
		return false
	}
	// A reference to a missing object is refused before HRP sees the
	// command, so the refusal is never replicated.
	if err := c.d.checkRefs(m); err != nil {
		c.printError(prompt, err)
		return false
	}
	h := c.d.getHRP()
	replicated := false
	if h != nil {
		var refuse error
		if replicated, refuse = h.Intercept(c.view, canonical(m)); refuse != nil {
			c.println(refuse.Error())
			return false
		}
	}
	name, err := c.d.apply(c.view, canonical(m))
	if err != nil {
		c.printError(prompt, err)
		return false
	}
	if replicated {
		c.markReplicated(line)
		h.Replicate(c.view, canonical(m))
	}
	if name != "" {
		c.view = append(c.view, name)
	}
	return false
}

// markReplicated shows ` (+B)` after the command on its echoed line
// (DOMAIN.md "HRP"), not on a line of its own: on a terminal that left the
// echoed line open (lab.LineEnder) the mark goes on it before its end.
// Without an echo (an in-process CLI, a stream, a session without a PTY),
// the line is printed once with its mark.
func (c *CLI) markReplicated(line string) {
	if c.eol != nil && c.eol.open {
		c.eol.end(" (+B)")
		return
	}
	c.println(line + " (+B)")
}

// lineEnd is the CLI's output on a terminal that leaves the end of the
// echoed line to the CLI: while open, the first write ends the line
// before it, so output never runs on after the typed command.
type lineEnd struct {
	w    io.Writer
	open bool
}

func (l *lineEnd) Write(p []byte) (int, error) {
	if l.open {
		l.end("")
	}
	return l.w.Write(p)
}

// end writes mark and the end of the echoed line, if it is still open.
func (l *lineEnd) end(mark string) {
	if l.open {
		l.open = false
		_, _ = io.WriteString(l.w, mark+"\n")
	}
}

// canonical is the line as the device records it: abbreviations
// expanded, undo spelled out.
func canonical(m *match) string {
	if m.undo {
		return "undo " + m.line
	}
	return m.line
}

func (c *CLI) builtin(m *match, readLine func() (string, error)) bool {
	switch m.words[0] {
	case "system-view":
		c.system, c.view = true, nil
		c.println("Enter system view, return user view with Ctrl+Z.")
	case "quit":
		switch {
		case !c.system:
			return true
		case len(c.view) == 0:
			c.system = false
		default:
			c.view = c.view[:len(c.view)-1]
		}
	case "return":
		c.system, c.view = false, nil
	case "reset": // reset saved-configuration
		yes, err := lab.AskYN(lineTerminal{Writer: c.out, read: readLine}, Warning("reset saved-configuration"))
		if err != nil || !yes {
			return false
		}
		c.println("Warning: Now clearing the configuration in the device.")
		if err := c.d.ResetSaved(); err != nil {
			c.println("Error: Failed to clear the configuration in the device.")
			return false
		}
		c.println("Info: Succeeded in clearing the configuration in the device.")
	case "screen-length":
		if len(m.words) >= 2 && m.words[1] == "temporary" { // undo screen-length temporary
			c.page = DefaultPageLines
		} else {
			fmt.Sscan(m.words[1], &c.page)
		}
		c.println("Info: The configuration takes effect on the current user terminal interface only.")
	case "save":
		fmt.Fprint(c.out, "The current configuration will be written to the device. Are you sure to continue?[Y/N]:")
		answer, err := readLine()
		if err != nil || !strings.EqualFold(strings.TrimSpace(answer), "y") {
			c.println("")
			return false
		}
		c.println("Now saving the current configuration to the slot 0.")
		if err := c.d.Save(); err != nil {
			c.println("Error: Failed to save the configuration.")
			return false
		}
		c.println("Info: Save the configuration successfully.")
	}
	return false
}

func (c *CLI) runOp(ctx context.Context, prompt, line string, m *match) {
	var w io.Writer = c.out
	var pg *pager
	if c.keys != nil && c.page > 0 {
		pg = &pager{w: c.out, keys: c.keys, page: c.page, left: c.page}
		w = pg
	} else if c.interrupt != nil {
		// ^C stops the output, as VRP's Ctrl+C stops the current
		// command; the prompt follows.
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		stop := c.interrupt.WatchInterrupt(cancel)
		defer cancel()
		defer stop()
	}
	// Lines wider than the PTY are cut at its width before the pager
	// counts them, as the device's terminal does.
	var wr *wrapWriter
	if c.cols != nil {
		if cols := c.cols(); cols > 0 {
			wr = &wrapWriter{w: w, cols: cols}
			w = wr
		}
	}
	err := c.d.runOp(ctx, m, c.view, w)
	if wr != nil && err == nil {
		err = wr.flush()
	}
	if pg != nil && err == nil {
		err = pg.flush()
	}
	var ae *argError
	switch {
	case err == nil, errors.Is(err, errPagerQuit), errors.Is(err, context.Canceled) && ctx.Err() != nil:
	case errors.As(err, &ae):
		ws := splitLine(line)
		pos := len(line)
		if i := len(m.words) - len(m.args) + ae.i; i < len(ws) {
			pos = ws[i].start
		}
		c.printError(prompt, &CommandError{Pos: pos, Reason: ae.reason})
	default:
		c.printError(prompt, err)
	}
}

// loginKey marks a shell's context with its login's line (displayUsers
// marks it +).
type loginKey struct{}

// displayUsers is `display users`: one entry per login, the current one
// marked `+`, as VRP prints it (User-Intf: the index and VTY N; Delay:
// the idle time, which the lab does not track; Type; the client's
// address; Username on the next line).
func (d *Device) displayUsers(ctx context.Context, w io.Writer) error {
	current, isShell := ctx.Value(loginKey{}).(int)
	fmt.Fprintln(w, "  User-Intf    Delay    Type   Network Address     AuthenStatus    AuthorcmdFlag")
	for _, in := range d.logins.List() {
		mark := " "
		if isShell && in.Line == current {
			mark = "+"
		}
		intf := fmt.Sprintf("%d VTY %d", 129+in.Line, in.Line)
		fmt.Fprintf(w, "%s %-12s 00:00:00  SSH    %-26s  pass           no\n", mark, intf, in.From)
		fmt.Fprintf(w, "  Username : %s\n", in.User)
	}
	return nil
}

// runOp runs a display or a registered operation.
func (d *Device) runOp(ctx context.Context, m *match, view []string, w io.Writer) error {
	switch m.t.op {
	case "display current-configuration":
		return d.displayConfig(ctx, m.args, w)
	case "display this":
		return d.displayThis(view, w)
	case "display version":
		return d.displayVersion(w)
	case "display interface brief":
		return d.displayInterfaceBrief(w)
	case "display ip routing-table":
		return d.displayRoutingTable(w)
	case "display users":
		return d.displayUsers(ctx, w)
	case "display saved-configuration":
		// What `save` wrote, as the device prints its saved file; nothing
		// when the device was never saved.
		t := d.Saved()
		if t == nil {
			return nil
		}
		return config.WriteVRP(&pacedWriter{ctx: ctx, d: d, w: w}, t, config.PrintOptions{})
	case "display firewall session table":
		verbose := false
		for i, a := range m.args {
			if a != "verbose" && !(strings.HasPrefix("verbose", a) && a != "") {
				return &argError{i: i, reason: ReasonUnrecognized}
			}
			verbose = true
		}
		return writeSessions(w, d.Sessions(), verbose, d.o.Clock.Now())
	}
	fn := d.op(m.t.op)
	if fn == nil {
		return &CommandError{Reason: ReasonUnrecognized}
	}
	return fn(ctx, m.args, &pacedWriter{ctx: ctx, d: d, w: w})
}

// displayConfig prints the running configuration, filtered by
// `| include RE`, `| exclude RE` or `| begin RE`.
func (d *Device) displayConfig(ctx context.Context, args []string, w io.Writer) error {
	var filter func(lines []string) []string
	if len(args) > 0 {
		if args[0] != "|" {
			return &argError{i: 0, reason: ReasonUnrecognized}
		}
		if len(args) < 3 {
			return &argError{i: len(args), reason: ReasonIncomplete}
		}
		kw := ""
		for _, k := range []string{"include", "exclude", "begin"} {
			if strings.HasPrefix(k, args[1]) {
				if kw != "" {
					return &argError{i: 1, reason: ReasonAmbiguous}
				}
				kw = k
			}
		}
		if kw == "" {
			return &argError{i: 1, reason: ReasonUnrecognized}
		}
		re, err := regexp.Compile(strings.Join(args[2:], " "))
		if err != nil {
			return &argError{i: 2, reason: ReasonWrongParameter}
		}
		filter = func(lines []string) []string {
			var outLines []string
			for i, l := range lines {
				switch {
				case kw == "begin" && re.MatchString(l):
					return append(outLines, lines[i:]...)
				case kw == "include" && re.MatchString(l), kw == "exclude" && !re.MatchString(l):
					outLines = append(outLines, l)
				}
			}
			return outLines
		}
	}
	t := d.Running()
	t.Meta = append([]string{d.o.Clock.Now().Format("2006-01-02 15:04:05.000")}, t.Meta...)
	var buf bytes.Buffer
	if err := config.WriteVRP(&buf, t, config.PrintOptions{}); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if filter != nil {
		lines = filter(lines)
	}
	pw := &pacedWriter{ctx: ctx, d: d, w: w}
	for _, l := range lines {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := io.WriteString(pw, l+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// displayThis prints the configuration of the current view.
func (d *Device) displayThis(view []string, w io.Writer) error {
	t := d.Running()
	if len(view) > 0 {
		n := t.Root
		for _, h := range view {
			if n = findHeader(n, h); n == nil {
				return nil
			}
		}
		t.Root = &config.Node{Children: []*config.Node{n}}
	}
	t.Meta = nil
	return config.WriteVRP(w, t, config.PrintOptions{})
}

// WriteSessions prints a session table as `display firewall session
// table [verbose]` does; backed-up sessions carry Remote.
func WriteSessions(w io.Writer, ss []Session, verbose bool) error {
	return writeSessions(w, ss, verbose, time.Now())
}

// writeSessions is WriteSessions at now, which decides what is Left.
func writeSessions(w io.Writer, ss []Session, verbose bool, now time.Time) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, " Current Total Sessions : %d\n", len(ss))
	for _, s := range ss {
		vpn := s.VPN
		if vpn == "" {
			vpn = "public"
		}
		addr := s.Src
		if s.SrcNAT != "" {
			addr += "[" + s.SrcNAT + "]"
		}
		addr += " --> " + s.Dst
		if s.Remote {
			addr = "Remote " + addr
		}
		if !verbose {
			fmt.Fprintf(bw, " %-5s VPN: %s --> %s %s\n", s.Proto, vpn, vpn, addr)
			continue
		}
		hms := func(d time.Duration) string {
			d = max(d, 0).Truncate(time.Second)
			return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
		}
		fmt.Fprintf(bw, " %-5s VPN: %s --> %s\n", s.Proto, vpn, vpn)
		fmt.Fprintf(bw, " Zone: %s --> %s  TTL: %s  Left: %s\n", s.SrcZone, s.DstZone, hms(s.TTL), hms(s.left(now)))
		fmt.Fprintf(bw, " <--packets: %d bytes: %d --> packets: %d bytes: %d\n", s.Packets, s.Bytes, s.Packets, s.Bytes)
		fmt.Fprintf(bw, " %s PolicyName: %s\n", addr, s.Policy)
	}
	return bw.Flush()
}

// pacedWriter waits the device's delay before each line.
type pacedWriter struct {
	ctx context.Context
	d   *Device
	w   io.Writer
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	if p.d.o.Delay+p.d.o.Faults.Delay() == 0 {
		return p.w.Write(b)
	}
	written := 0
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		chunk := b
		if i >= 0 {
			chunk = b[:i+1]
			p.d.pace(p.ctx)
		}
		n, err := p.w.Write(chunk)
		written += n
		if err != nil {
			return written, err
		}
		b = b[len(chunk):]
	}
	return written, nil
}

// pager shows page lines, then `  ---- More ----`: space shows the next
// page, Enter the next line, q (or ^C) stops the output.
type pager struct {
	w    io.Writer
	keys lab.KeyReader
	page int
	left int
	buf  []byte
	quit bool
}

func (p *pager) Write(b []byte) (int, error) {
	if p.quit {
		return 0, errPagerQuit
	}
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		if p.left == 0 {
			if _, err := io.WriteString(p.w, morePrompt); err != nil {
				return 0, err
			}
			k, err := p.keys.ReadKey()
			if _, err := io.WriteString(p.w, moreErase); err != nil {
				return 0, err
			}
			switch {
			case err != nil, k == 'q', k == 'Q', k == 3:
				p.quit = true
				p.buf = nil
				return 0, errPagerQuit
			case k == '\r' || k == '\n':
				p.left = 1
			default:
				p.left = p.page
			}
		}
		if _, err := p.w.Write(p.buf[:i+1]); err != nil {
			return 0, err
		}
		p.left--
		p.buf = p.buf[i+1:]
	}
}

// wrapWriter cuts each line of display output at cols bytes (lab.Wrap).
type wrapWriter struct {
	w    io.Writer
	cols int
	buf  []byte
}

func (ww *wrapWriter) Write(b []byte) (int, error) {
	ww.buf = append(ww.buf, b...)
	for {
		i := bytes.IndexByte(ww.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		if err := ww.line(string(ww.buf[:i])); err != nil {
			return 0, err
		}
		ww.buf = ww.buf[i+1:]
	}
}

func (ww *wrapWriter) line(l string) error {
	for _, part := range lab.Wrap(l, ww.cols) {
		if _, err := io.WriteString(ww.w, part+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// flush writes a last line that had no end of line.
func (ww *wrapWriter) flush() error {
	if len(ww.buf) == 0 {
		return nil
	}
	err := ww.line(string(ww.buf))
	ww.buf = nil
	return err
}

// flush writes a last line that had no end of line.
func (p *pager) flush() error {
	if len(p.buf) == 0 || p.quit {
		return nil
	}
	_, err := p.w.Write(append(p.buf, '\n'))
	p.buf = nil
	return err
}

// lockedWriter serialises the CLI's output with the log lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Shell runs the interactive command line on a terminal until the user
// quits or the terminal goes away.
func (d *Device) Shell(ctx context.Context, user string, t lab.Terminal) int {
	login, logout := d.logins.Add(ctx, user, d.o.Clock.Now())
	defer logout()
	ctx = context.WithValue(ctx, loginKey{}, login.Line)
	out := &lockedWriter{w: t}
	keys, _ := t.(lab.KeyReader)
	c := d.NewCLI(out, keys)
	c.lowLevel = d.o.ScreenLengthRefused && user == d.o.User
	// A terminal that echoes what is typed (an SSH session with a PTY)
	// leaves the end of each echoed line to the CLI, for ` (+B)`; a stream
	// does not echo.
	readLine := t.ReadLine
	if e, ok := t.(lab.Echoer); ok && e.Echoes() {
		if le, ok := t.(lab.LineEnder); ok {
			c.eol = &lineEnd{w: out}
			c.out = c.eol
			readLine = func() (string, error) {
				line, err := le.ReadLineOpen()
				c.eol.open = err == nil
				return line, err
			}
		}
		if sz, ok := t.(lab.Sizer); ok {
			c.cols = func() int { cols, _ := sz.Size(); return cols }
		}
		c.interrupt, _ = t.(lab.Interrupter)
	}
	logs, stop := d.subscribeLog()
	defer stop()
	logDone := make(chan struct{})
	defer close(logDone)
	go func() {
		for {
			select {
			case <-logDone:
				return
			case <-ctx.Done():
				return
			case l := <-logs:
				fmt.Fprintf(out, "\n%s\n", l)
			}
		}
	}()
	fmt.Fprintln(out, "Info: The max number of VTY users is 10, and the number of current VTY users on line is 1.")
	if d.o.LoginTime {
		fmt.Fprintf(out, "The current login time is %s.\n", d.o.Clock.Now().Format("2006-01-02 15:04:05"))
	}
	for {
		if _, err := io.WriteString(out, c.Prompt()); err != nil {
			return 0
		}
		line, err := readLine()
		if err != nil {
			return 0
		}
		logout := c.Execute(ctx, line, t.ReadLine)
		if c.eol != nil {
			c.eol.end("") // an empty or ^C line, or a command that printed nothing
		}
		if logout || ctx.Err() != nil {
			return 0
		}
	}
}

// Exec runs one command in the user view, as an SSH exec request does,
// without a pager. Errors go to stderr; it returns the exit status.
func (d *Device) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	if strings.TrimSpace(cmd) == "" {
		return 0
	}
	m, err := d.resolve(viewUser, cmd)
	if err == nil && m.t.class != classOp {
		err = &CommandError{Reason: ReasonUnrecognized}
	}
	if err == nil {
		err = d.runOp(ctx, m, nil, stdout)
	}
	if err == nil {
		return 0
	}
	var ae *argError
	if errors.As(err, &ae) {
		err = &CommandError{Reason: ae.reason}
	}
	d.NewCLI(stderr, nil).printError("", err)
	return 1
}
