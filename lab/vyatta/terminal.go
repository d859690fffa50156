package vyatta

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// The terminal of an interactive login, as vyatta-op sets it up: a pager
// on `show` output, `set terminal length|width`, the `| no-more`,
// `| match` and `| except` pipes.
//
// The pager is less with vyatta-op's options (--QUIT-AT-EOF
// --quit-if-one-screen --no-init): after a screen of output less the prompt
// line it prints `:` and waits for a key; space shows the next screen,
// Enter (or j) one more line, q ends the output (the command stops).
// Output that fits on the screen, and the end of the output, print no
// prompt. The prompt is erased (`\r` and erase-line) once answered. Paging
// applies to `show ...` (and `run show ...`) in an interactive session
// with a PTY; exec sessions are never paged. The lab pages only when asked:
// Options.Pager (then the page is the PTY's height until `set terminal
// length N` says otherwise), or `set terminal length N` with N > 0 in the
// session. `set terminal length 0` and `| no-more` turn it off, as on the
// device. `set terminal width N` is accepted and has no effect: the device
// does not wrap output itself.

// pagerPrompt is what less prints when a screen is full.
const pagerPrompt = ":"

// pagerErase erases the prompt line once a key answered it.
const pagerErase = "\r\x1b[K"

// pipes splits words at `|` and returns the command's own words, a filter
// of its output lines, and whether `| no-more` was given.
func pipes(words []string) (cmd []string, filter func(out func(string)) func(string), noMore bool, err error) {
	filter = func(out func(string)) func(string) { return out }
	cmd = words
	for i, w := range words {
		if w == "|" {
			cmd = words[:i]
			break
		}
	}
	if len(cmd) == 0 {
		return nil, nil, false, &UnknownCommandError{Words: words}
	}
	rest := words[len(cmd):]
	for len(rest) > 0 {
		rest = rest[1:] // the |
		j := len(rest)
		for k, w := range rest {
			if w == "|" {
				j = k
				break
			}
		}
		pipe := rest[:j]
		rest = rest[j:]
		if len(pipe) == 0 {
			return nil, nil, false, &UnknownCommandError{Words: words}
		}
		switch {
		case pipe[0] == "no-more" && len(pipe) == 1:
			noMore = true
		case (pipe[0] == "match" || pipe[0] == "except") && len(pipe) == 2:
			re, rerr := regexp.Compile(pipe[1])
			if rerr != nil {
				return nil, nil, false, &UnknownCommandError{Words: words}
			}
			keep := pipe[0] == "match"
			prev := filter
			filter = func(out func(string)) func(string) {
				inner := prev(out)
				return func(l string) {
					if re.MatchString(l) == keep {
						inner(l)
					}
				}
			}
		default:
			return nil, nil, false, &UnknownCommandError{Words: words}
		}
	}
	return cmd, filter, noMore, nil
}

// terminalCommand runs `set terminal length N` / `set terminal width N`
// (words after `set terminal`); ok is false for anything else.
func (c *CLI) terminalCommand(words []string, out func(string)) bool {
	if len(words) < 4 || words[0] != "set" || words[1] != "terminal" {
		return false
	}
	if len(words) != 4 || (words[2] != "length" && words[2] != "width") {
		out((&UnknownCommandError{Words: words}).Error())
		return true
	}
	n, err := strconv.ParseUint(words[3], 10, 32)
	if err != nil {
		out((&UnknownCommandError{Words: words}).Error())
		return true
	}
	if words[2] == "length" {
		c.length = int(n)
	}
	return true
}

// TerminalLength is the session's page length: 0 when output is not
// paged.
func (c *CLI) TerminalLength() int {
	if c.keys == nil {
		return 0
	}
	if c.length >= 0 {
		return c.length
	}
	if !c.d.o.Pager {
		return 0
	}
	if sz, ok := c.term.(lab.Sizer); ok {
		_, rows := sz.Size()
		return rows
	}
	return 0
}

// pager pages output lines on a terminal.
type pager struct {
	w      io.Writer
	keys   lab.KeyReader
	page   int // lines per screen, the prompt line included
	shown  int
	quit   bool
	cancel func()
}

func (p *pager) wrap(inner func(string)) func(string) {
	return func(l string) {
		if p.quit {
			return
		}
		if p.shown >= p.page-1 && !p.more() {
			p.quit = true
			p.cancel()
			return
		}
		inner(l)
		p.shown++
	}
}

// more prompts and reads keys until one says what to show next; false
// means quit.
func (p *pager) more() bool {
	if _, err := io.WriteString(p.w, pagerPrompt); err != nil {
		return false
	}
	for {
		k, err := p.keys.ReadKey()
		if err != nil {
			return false
		}
		switch k {
		case ' ', 'f':
			p.shown = 0
		case '\r', '\n', 'j', 'e':
			p.shown = p.page - 2
		case 'q', 'Q', 3:
			_, _ = io.WriteString(p.w, pagerErase)
			return false
		default:
			continue // less rings the bell
		}
		_, _ = io.WriteString(p.w, pagerErase)
		return true
	}
}

// paged wraps out in a pager when the command's output is paged; the
// returned context ends when the user quits the pager.
func (c *CLI) paged(ctx context.Context, words []string, noMore bool, out func(string)) (context.Context, func(string), func()) {
	cmd := words
	if len(cmd) > 0 && cmd[0] == "run" {
		cmd = cmd[1:]
	}
	n := c.TerminalLength()
	if noMore || n <= 0 || len(cmd) == 0 || cmd[0] != "show" || c.term == nil {
		return ctx, out, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &pager{w: c.term, keys: c.keys, page: max(n, 2), cancel: cancel}
	return ctx, p.wrap(out), cancel
}

// operatorLevel reports whether user has `level operator` in the running
// configuration.
func (d *Device) operatorLevel(user string) bool {
	n := d.snapshot().Root.Lookup(config.Path{"system", "login", "user", user, "level"})
	return n != nil && len(n.Values) > 0 && n.Values[0] == "operator"
}

// confirmAction is what an unconfirmed commit-confirm does, as the
// configuration says (`system config-management commit-confirm action`);
// the schema's default is reboot.
func (d *Device) confirmAction() string {
	n := d.snapshot().Root.Lookup(config.Path{"system", "config-management", "commit-confirm", "action"})
	if n != nil && len(n.Values) > 0 {
		return n.Values[0]
	}
	return "reboot"
}

// askCommitConfirm asks VyOS's question before a commit-confirm; false
// means the user declined. Without a terminal (nothing to ask) it goes on.
func (c *CLI) askCommitConfirm(minutes int, out func(string)) bool {
	if !c.d.o.Flavor.vyos() || c.keys == nil || c.term == nil {
		return true
	}
	out(fmt.Sprintf("commit confirm will be automatically %s in %d minutes unless confirmed", c.d.confirmAction(), minutes))
	if _, err := io.WriteString(c.term, "Proceed? [confirm]"); err != nil {
		return false
	}
	k, err := c.keys.ReadKey()
	_, _ = io.WriteString(c.term, "\n")
	if err != nil {
		return false
	}
	return k == 'y' || k == 'Y' || k == '\r' || k == '\n'
}
