package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/vhs/lexer"
	"github.com/charmbracelet/vhs/parser"
	"github.com/charmbracelet/vhs/token"
)

// tapeFile is the vhs recording of the demo; TestTapeReplay keeps it true.
const tapeFile = "demo.tape"

// tape is a vhs tape parsed by vhs's own parser, split at its replay
// directives (see parseTape).
type tape struct {
	// segments are the tape's commands, cut at each directive: segment i
	// runs, then directives[i] (none after the last segment).
	segments   [][]parser.Command
	directives []string
	// cols and rows are the terminal size the tape states in its
	// "# Terminal: COLSxROWS" comment.
	cols, rows int
}

// replayDirective is a comment line that vhs ignores and the replay runs
// as a check between two commands: `# replay: hasync ARGS... exits N`.
var replayDirective = regexp.MustCompile(`^#\s*replay:\s*(.+)$`)

// terminalComment states the terminal size of the tape in cells.
var terminalComment = regexp.MustCompile(`(?m)^#\s*Terminal:\s*(\d+)x(\d+)\b`)

// parseTape parses a tape with vhs's parser. Lines `# replay: ...` (vhs
// ignores comments) cut it into segments, each parsed alone; a directive
// can only sit between commands, so the segments are valid tapes.
func parseTape(text string) (*tape, error) {
	tp := &tape{}
	m := terminalComment.FindStringSubmatch(text)
	if m == nil {
		return nil, fmt.Errorf("%s: no \"# Terminal: COLSxROWS\" comment: the replay needs the terminal size in cells", tapeFile)
	}
	tp.cols, _ = strconv.Atoi(m[1])
	tp.rows, _ = strconv.Atoi(m[2])
	var seg []string
	lineNo, segStart := 0, 1
	flush := func() error {
		p := parser.New(lexer.New(strings.Join(seg, "\n") + "\n"))
		cmds := p.Parse()
		if errs := p.Errors(); len(errs) > 0 {
			var b strings.Builder
			for _, e := range errs {
				fmt.Fprintf(&b, "\n%s:%d:%d: %s", tapeFile, e.Token.Line+segStart-1, e.Token.Column, e.Msg)
			}
			return fmt.Errorf("vhs cannot parse the tape:%s", b.String())
		}
		tp.segments = append(tp.segments, cmds)
		seg = nil
		segStart = lineNo + 1
		return nil
	}
	for _, line := range strings.Split(text, "\n") {
		lineNo++
		if d := replayDirective.FindStringSubmatch(strings.TrimSpace(line)); d != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			tp.directives = append(tp.directives, strings.TrimSpace(d[1]))
			// Keep the numbering of lines for the errors of the next segment.
			seg = append(seg, "")
			segStart--
			continue
		}
		seg = append(seg, line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return tp, nil
}

// commands are all of the tape's commands in order.
func (tp *tape) commands() []parser.Command {
	var all []parser.Command
	for _, s := range tp.segments {
		all = append(all, s...)
	}
	return all
}

// settings are the tape's Set commands by name (the last one wins).
func (tp *tape) settings() map[string]string {
	s := map[string]string{}
	for _, c := range tp.commands() {
		if c.Type == token.SET {
			s[c.Options] = c.Args
		}
	}
	return s
}

// vhsCells estimates the terminal size in cells that vhs gives the tape's
// Set Width/Height/FontSize/Padding/LetterSpacing/LineHeight: the xterm.js
// viewport is the frame less twice the padding (and the window bar), and
// a cell of vhs's first font, JetBrains Mono, is 0.6 em wide (plus the
// letter spacing, 1 px by default) and 1.32 em high (its ascent plus
// descent) times the line height. Defaults are vhs v0.10.0's.
func vhsCells(set map[string]string) (cols, rows int, err error) {
	num := func(name string, def float64) (float64, error) {
		v, ok := set[name]
		if !ok {
			return def, nil
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(v, "px"), "em"), 64)
		if err != nil {
			return 0, fmt.Errorf("Set %s %s: expected a number", name, v)
		}
		return f, nil
	}
	var v [7]float64
	for i, s := range []struct {
		name string
		def  float64
	}{{"Width", 1200}, {"Height", 600}, {"FontSize", 22}, {"Padding", 60}, {"LetterSpacing", 1}, {"LineHeight", 1}, {"Margin", 0}} {
		if v[i], err = num(s.name, s.def); err != nil {
			return 0, 0, err
		}
	}
	width, height, font, pad, spacing, lh, margin := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
	if _, ok := set["MarginFill"]; !ok {
		margin = 0
	}
	bar := 0.0
	if set["WindowBar"] != "" {
		if bar, err = num("WindowBarSize", 30); err != nil {
			return 0, 0, err
		}
	}
	cellW := math.Floor(0.6*font) + math.Round(spacing)
	cellH := math.Floor(math.Ceil(1.32*font) * lh)
	cols = int((width - 2*pad - 2*margin) / cellW)
	rows = int((height - 2*pad - 2*margin - bar) / cellH)
	return cols, rows, nil
}

// TestTapeParses checks demo.tape without tmux: vhs's parser accepts it,
// it records demo.gif, it states its terminal size and its Set lines give
// about that size in vhs, every command is one the replay runs, and every
// Wait but the one for the shell's prompt waits for a pattern.
func TestTapeParses(t *testing.T) {
	tp := readTape(t)
	set := tp.settings()
	cols, rows, err := vhsCells(set)
	if err != nil {
		t.Fatal(err)
	}
	near := func(got, want int) bool { return math.Abs(float64(got-want)) <= 0.1*float64(want) }
	if !near(cols, tp.cols) || !near(rows, tp.rows) {
		t.Errorf("the tape states a %dx%d terminal, but its Set Width/Height/FontSize/Padding give about %dx%d in vhs: update one or the other", tp.cols, tp.rows, cols, rows)
	}
	output := false
	for _, c := range tp.commands() {
		switch c.Type {
		case token.OUTPUT:
			output = output || c.Args == "demo.gif"
		case token.WAIT:
			if _, re, ok := strings.Cut(c.Args, " "); !ok && c.Args != "Line" {
				t.Errorf("%s: a Wait without a pattern waits for the shell prompt only on the current line", c.String())
			} else if ok && re == "" {
				t.Errorf("%s: empty pattern", c.String())
			}
		case token.COPY, token.PASTE, token.SCREENSHOT, token.ILLEGAL:
			t.Errorf("%s: the replay does not run this command", c.String())
		}
		if _, err := tmuxKeys(c); err != nil {
			t.Error(err)
		}
	}
	if !output {
		t.Errorf("the tape has no `Output demo.gif`")
	}
	for _, d := range tp.directives {
		if _, _, err := parseDirective(d); err != nil {
			t.Error(err)
		}
	}
}

func readTape(t *testing.T) *tape {
	t.Helper()
	b, err := os.ReadFile(tapeFile)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := parseTape(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// tmuxKeys are the tmux send-keys arguments of a key command, one key per
// element, or nil for a command that is not a key (Type is typed apart,
// literally).
func tmuxKeys(c parser.Command) ([]string, error) {
	repeat := func(k string) ([]string, error) {
		n, err := strconv.Atoi(c.Args)
		if err != nil || n < 1 {
			n = 1
		}
		out := make([]string, n)
		for i := range out {
			out[i] = k
		}
		return out, nil
	}
	switch c.Type {
	case token.ENTER:
		return repeat("Enter")
	case token.TAB:
		return repeat("Tab")
	case token.ESCAPE:
		return repeat("Escape")
	case token.SPACE:
		return repeat("Space")
	case token.BACKSPACE:
		return repeat("BSpace")
	case token.DELETE:
		return repeat("DC")
	case token.INSERT:
		return repeat("IC")
	case token.UP:
		return repeat("Up")
	case token.DOWN:
		return repeat("Down")
	case token.LEFT:
		return repeat("Left")
	case token.RIGHT:
		return repeat("Right")
	case token.PAGE_UP:
		return repeat("PPage")
	case token.PAGE_DOWN:
		return repeat("NPage")
	case token.CTRL:
		// "Ctrl+Alt+Shift+x" is parsed as "Alt Shift x".
		words := strings.Fields(c.Args)
		if len(words) == 0 {
			return nil, fmt.Errorf("%s: no key", c.String())
		}
		prefix := "C-"
		for _, w := range words[:len(words)-1] {
			switch w {
			case "Alt":
				prefix += "M-"
			case "Shift":
				prefix += "S-"
			default:
				return nil, fmt.Errorf("%s: unknown modifier %s", c.String(), w)
			}
		}
		k := words[len(words)-1]
		switch k {
		case "Enter", "Space":
		case "Backspace":
			k = "BSpace"
		default:
			k = strings.ToLower(k)
		}
		return []string{prefix + k}, nil
	case token.ALT:
		// Alt+x, Alt+Enter, Alt+Tab, Alt+[ ...: tmux names them alike.
		return []string{"M-" + c.Args}, nil
	case token.SHIFT:
		switch c.Args {
		case "Tab":
			return []string{"BTab"}, nil
		case "Enter":
			return []string{"S-Enter"}, nil
		}
		return []string{strings.ToUpper(c.Args)}, nil
	}
	return nil, nil
}

// directive is a parsed `# replay: hasync ARGS... exits N`.
func parseDirective(d string) (args []string, code int, err error) {
	w := strings.Fields(d)
	if len(w) < 4 || w[0] != "hasync" || w[len(w)-2] != "exits" {
		return nil, 0, fmt.Errorf("# replay: %s: expected `hasync ARGS... exits N`", d)
	}
	code, err = strconv.Atoi(w[len(w)-1])
	if err != nil {
		return nil, 0, fmt.Errorf("# replay: %s: expected an exit status after exits", d)
	}
	return w[1 : len(w)-2], code, nil
}

// replay runs a tape's commands in a tmux pane.
type replay struct {
	tt      *tmuxTerm
	typing  time.Duration
	timeout time.Duration
	pattern *regexp.Regexp
	// floor is the least a Wait waits: a loaded machine is slower than the
	// one a tape is recorded on, and the deadline only fails a console that
	// never gets there.
	floor time.Duration
	// path is the pane's PATH.
	path string
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// onPath says whether program is an executable file in a directory of
// path (a PATH value), as vhs's Require checks.
func onPath(path, program string) bool {
	for _, dir := range filepath.SplitList(path) {
		if fi, err := os.Stat(filepath.Join(dir, program)); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// run runs one command.
func (r *replay) run(t *testing.T, c parser.Command) {
	t.Helper()
	speed := r.typing
	if c.Options != "" && c.Type != token.SET && c.Type != token.WAIT && c.Type != token.OUTPUT {
		if d, err := time.ParseDuration(c.Options); err == nil {
			speed = d
		}
	}
	switch c.Type {
	case token.SET:
		switch c.Options {
		case "TypingSpeed":
			if d, err := time.ParseDuration(c.Args); err == nil {
				r.typing = d
			}
		case "WaitTimeout":
			if d, err := time.ParseDuration(c.Args); err == nil {
				r.timeout = d
			}
		case "WaitPattern":
			r.pattern = regexp.MustCompile(c.Args)
		}
		// Width, Height, FontSize...: the pane's size (the tape's
		// Terminal comment); the theme and the rest only draw the GIF.
	case token.OUTPUT, token.HIDE, token.SHOW, token.ENV:
		// The GIF's and the recorder's concerns (Env is applied at start).
	case token.REQUIRE:
		if !onPath(r.path, c.Args) {
			t.Fatalf("%s: %s is not on the replay's PATH", c.String(), c.Args)
		}
	case token.SLEEP:
		if d, err := time.ParseDuration(c.Args); err == nil {
			time.Sleep(d)
		}
	case token.TYPE:
		for _, ch := range c.Args {
			lit := string(ch)
			if lit == ";" {
				lit = `\;` // a lone ; separates tmux commands
			}
			r.tt.send("-l", "--", lit)
			time.Sleep(speed)
		}
	case token.WAIT:
		r.wait(t, c)
	default:
		keys, err := tmuxKeys(c)
		if err != nil {
			t.Fatal(err)
		}
		if keys == nil {
			t.Fatalf("%s: the replay does not run this command", c.String())
		}
		for _, k := range keys {
			r.tt.send(k)
			time.Sleep(speed)
		}
	}
}

// wait polls the pane until the command's pattern matches the screen
// (Wait+Screen) or the cursor's line (Wait, Wait+Line), as vhs does, or
// fails with the screen when the deadline passes.
func (r *replay) wait(t *testing.T, c parser.Command) {
	t.Helper()
	scope, expr, ok := strings.Cut(c.Args, " ")
	re := r.pattern
	if ok {
		re = regexp.MustCompile(expr)
	}
	timeout := r.timeout
	if c.Options != "" {
		if d, err := time.ParseDuration(c.Options); err == nil {
			timeout = d
		}
	}
	timeout = max(timeout, r.floor)
	deadline := time.Now().Add(timeout)
	for {
		screen := r.tt.capture()
		text := screen
		if scope == "Line" {
			text = r.tt.cursorLine(screen)
		}
		if re.MatchString(text) {
			return
		}
		if strings.Contains(screen, "\nEXITED ") || time.Now().After(deadline) {
			what := "the screen is"
			if scope == "Line" {
				what = fmt.Sprintf("the cursor's line is %q; the screen is", text)
			}
			t.Fatalf("demo.tape drifted from the console: Wait+%s@%v /%s/ did not match;\n%s:\n%s", scope, timeout, re, what, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTapeReplay replays demo.tape in tmux against `hasync demo` (the
// built binary first on PATH, as `Require hasync` asks), in a pane of the
// size the tape states, with bash as vhs starts it. Each Wait polls
// capture-pane until its pattern matches; a Wait that never matches fails
// with the screen, so the tape cannot drift from the console. Its
// `# replay:` directives run hasync commands against the demo's lab while
// it runs (its inventory is in the demo's directory) and check their exit
// status.
func TestTapeReplay(t *testing.T) {
	needTmux(t)
	if _, err := exec.LookPath("bash"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("bash is required under CI: the tape types into bash, as vhs does")
		}
		t.Skip("bash not installed: the tape types into bash, as vhs does")
	}
	tp := readTape(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	path := filepath.Dir(bin) + string(filepath.ListSeparator) + os.Getenv("PATH")
	env := []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp, "XDG_CONFIG_HOME=" + tmp}
	for _, c := range tp.commands() {
		if c.Type == token.ENV {
			env = append(env, c.Options+"="+c.Args)
		}
	}
	// vhs's bash: no profile, no rc file, no history, its prompt "> ".
	// PATH and PS1 are set through env(1): tmux gives the command the
	// client's PATH whatever -e says, and sh drops PS1.
	tt := startTmux(t, tp.cols, tp.rows, env, "env", shellQuote("PATH="+path), "PS1='> '", "bash", "--noprofile", "--norc", "+o", "history")
	r := &replay{tt: tt, path: path, typing: 50 * time.Millisecond, timeout: 15 * time.Second,
		pattern: regexp.MustCompile(">$"), floor: 90 * time.Second}
	// The shell is ready when its prompt shows.
	r.wait(t, parser.Command{Type: token.WAIT, Args: "Line"})
	for i, seg := range tp.segments {
		for _, c := range seg {
			r.run(t, c)
		}
		if i < len(tp.directives) {
			args, want, _ := parseDirective(tp.directives[i])
			dir := demoDir(t, tmp)
			for j, a := range args {
				args[j] = strings.ReplaceAll(a, "$DEMO", dir)
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "HOME="+tmp, "XDG_STATE_HOME="+tmp, "XDG_CONFIG_HOME="+tmp)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("hasync %s: %v", strings.Join(args, " "), err)
			}
			if code != want {
				t.Fatalf("# replay: hasync %s exited %d, want %d:\n%s\nthe screen is:\n%s", strings.Join(args, " "), code, want, out, tt.capture())
			}
			t.Logf("# replay: hasync %s exited %d", strings.Join(args, " "), code)
		}
	}
	// The tape ends at the shell, the demo's directory gone, and nothing
	// was written outside it: tmp is the pane's TMPDIR, HOME and XDG
	// directories.
	var left []string
	_ = filepath.WalkDir(tmp, func(path string, d os.DirEntry, err error) error {
		if err == nil && path != tmp {
			left = append(left, strings.TrimPrefix(path, tmp+string(filepath.Separator)))
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("the demo (or a # replay: command) left files outside its directory, or the directory itself: %v", left)
	}
}

// FuzzParseTape: any text either fails to parse with an error or gives
// one segment more than directives; the replay's key translation never
// panics on what vhs's parser returns.
func FuzzParseTape(f *testing.F) {
	if b, err := os.ReadFile(tapeFile); err == nil {
		f.Add(string(b))
	}
	f.Add("# Terminal: 80x24\nType \"x\"\n# replay: hasync diff exits 1\nCtrl+Alt+C\nWait+Screen@5s /a/\n")
	f.Add("# Terminal: 1x1\nShift+Tab Alt+[ Ctrl+Shift+Enter Backspace 3 PageUp@1s 2\n#replay:\n")
	f.Fuzz(func(t *testing.T, text string) {
		tp, err := parseTape(text)
		if err != nil {
			return
		}
		if len(tp.segments) != len(tp.directives)+1 {
			t.Fatalf("%d segments for %d directives", len(tp.segments), len(tp.directives))
		}
		for _, c := range tp.commands() {
			_, _ = tmuxKeys(c)
		}
		for _, d := range tp.directives {
			_, _, _ = parseDirective(d)
		}
		_, _, _ = vhsCells(tp.settings())
	})
}

// TestReplayTypesLiterally: the replay types what a tape's Type says,
// character for character (tmux's own syntax, a lone ; or a leading -,
// never interpreted), and its keys reach the program: cat echoes them.
func TestReplayTypesLiterally(t *testing.T) {
	needTmux(t)
	tt := startTmux(t, 80, 10, nil, "cat")
	r := &replay{tt: tt, typing: time.Millisecond, timeout: time.Second, pattern: regexp.MustCompile(">$"), floor: 30 * time.Second}
	text := `a;b -c 'd' "e" $HOME \; ~ # ;`
	// The second line is typed once cat has echoed the first (the
	// terminal's echo and cat's output would interleave otherwise).
	tp, err := parseTape("# Terminal: 80x10\nType `" + text + "`\nEnter\n# replay: hasync wait exits 0\nType \"-x\"\nEnter\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range tp.segments[0] {
		r.run(t, c)
	}
	r.wait(t, parser.Command{Type: token.WAIT, Args: "Screen " + regexp.QuoteMeta(text+"\n"+text+"\n")})
	for _, c := range tp.segments[1] {
		r.run(t, c)
	}
	r.wait(t, parser.Command{Type: token.WAIT, Args: "Screen " + regexp.QuoteMeta(text+"\n"+text+"\n-x\n-x")})
}
