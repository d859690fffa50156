package vyatta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// ErrUnbalancedQuote is a command line with an unterminated quote.
var ErrUnbalancedQuote = errors.New("unbalanced quote in command line")

// CLI is one login's command line: operational mode, and configure mode
// with a configuration session of its own.
type CLI struct {
	d    *Device
	user string
	sess *Session // nil in operational mode
	edit []string // the `edit` level in configure mode
	// drop, when set, cuts the client's connection (fault knob).
	drop func()
	// afterCommand releases what interruptible set up.
	afterCommand func()

	// The interactive terminal (nil outside Shell): the pager and the
	// commit-confirm question write to term and read keys.
	term lab.Terminal
	keys lab.KeyReader
	// length is what `set terminal length` set; -1 is unset. See
	// terminal.go.
	length int
	// operator: the user logged in with `level operator`.
	operator bool
}

// NewCLI starts a command line for user in operational mode.
func (d *Device) NewCLI(user string) *CLI {
	return &CLI{d: d, user: user, length: -1, operator: d.operatorLevel(user)}
}

// Configuring reports whether the CLI is in configure mode.
func (c *CLI) Configuring() bool { return c.sess != nil }

// Prompt is what the device prints before reading a command.
func (c *CLI) Prompt() string {
	if c.sess == nil {
		if c.operator && c.d.o.Flavor.vyos() {
			// VyOS operator-level users (oxidized#670).
			return fmt.Sprintf("%s@%s> ", c.user, c.d.o.Name)
		}
		return fmt.Sprintf("%s@%s:~$ ", c.user, c.d.o.Name)
	}
	level := "[edit]"
	if len(c.edit) > 0 {
		level = "[edit " + strings.Join(c.edit, " ") + "]"
	}
	return fmt.Sprintf("%s\n%s@%s# ", level, c.user, c.d.o.Name)
}

// Execute runs one command line, streaming its output through out. It
// returns true when the line ends the login (exit in operational mode).
func (c *CLI) Execute(ctx context.Context, line string, out func(string)) (logout bool) {
	words, err := SplitWords(line)
	if err != nil {
		out(err.Error())
		return false
	}
	if len(words) == 0 {
		return false
	}
	words, filter, noMore, err := pipes(words)
	if err != nil {
		out(err.Error())
		return false
	}
	ctx, out, stop := c.paged(ctx, words, noMore, out)
	defer stop()
	out = filter(out)
	if c.sess == nil {
		return c.operational(ctx, words, out)
	}
	c.configure(ctx, words, out)
	return false
}

func (c *CLI) operational(ctx context.Context, words []string, out func(string)) bool {
	switch words[0] {
	case "exit", "logout", "quit":
		return true
	case "configure":
		if c.operator {
			out((&UnknownCommandError{Words: words}).Error())
			return false
		}
		c.sess = c.d.NewSession(c.user)
		c.edit = nil
		return false
	}
	if c.terminalCommand(words, out) {
		return false
	}
	if err := c.d.OpAs(ctx, c.user, words, out); err != nil {
		out(err.Error())
	}
	return false
}

func (c *CLI) configure(ctx context.Context, words []string, out func(string)) {
	s := c.sess
	at := func(rest []string) []string { return append(append([]string(nil), c.edit...), rest...) }
	switch cmd, args := words[0], words[1:]; cmd {
	case "set":
		if err := s.Set(at(args)); err != nil {
			out(err.Error())
			out("Set failed")
			out("")
		}
	case "delete":
		if err := s.Delete(at(args)); err != nil {
			out(err.Error())
			out("")
		}
	case "edit":
		p := at(args)
		if !s.Has(p) {
			out((&PathError{Path: p, Msg: "is not valid"}).Error())
			return
		}
		c.edit = p
	case "top":
		c.edit = nil
	case "up":
		if len(c.edit) > 0 {
			c.edit = c.edit[:len(c.edit)-1]
		}
	case "show":
		text, err := s.Show(at(args))
		if err != nil {
			out(err.Error())
			return
		}
		if !c.d.o.Flavor.vyos() {
			emitText(func(l string) { out(indentTabs(l)) }, text)
			return
		}
		emitText(out, text)
	case "compare":
		if len(args) > 0 {
			c.compareWith(args, out)
			return
		}
		text := s.Compare()
		if text == "" {
			out("No changes between working and active configurations.")
			return
		}
		emitText(out, strings.TrimRight(text, "\n"))
	case "commit", "commit-confirm":
		c.commit(ctx, cmd, args, out)
	case "confirm":
		if err := c.d.Confirm(); err != nil {
			out(err.Error())
			return
		}
		out("commit confirmed")
	case "discard":
		s.Discard()
		out("Changes have been discarded")
	case "save":
		if err := c.d.Save(); err != nil {
			out(err.Error())
			return
		}
		out("Saving configuration to '/config/config.boot'...")
		out("Done")
	case "exit", "quit":
		if len(args) == 1 && args[0] == "discard" {
			s.Discard()
			c.sess, c.edit = nil, nil
			return
		}
		if len(args) > 0 {
			out((&UnknownCommandError{Words: words}).Error())
			return
		}
		if len(c.edit) > 0 {
			c.edit = c.edit[:len(c.edit)-1]
			return
		}
		if s.Changed() {
			out("Cannot exit: configuration modified.")
			out("Use 'exit discard' to discard the changes and exit.")
			return
		}
		c.sess = nil
	case "run":
		if len(args) == 0 {
			out("Invalid command: [run]")
			return
		}
		if c.terminalCommand(args, out) {
			return
		}
		if err := c.d.OpAs(ctx, c.user, args, out); err != nil {
			out(err.Error())
		}
	default:
		if !c.more(ctx, words, out) {
			out((&UnknownCommandError{Words: words}).Error())
		}
	}
}

func (c *CLI) commit(ctx context.Context, cmd string, args []string, out func(string)) {
	// A commit runs to its end on the device when the terminal goes away.
	ctx = context.WithoutCancel(ctx)
	if c.drop != nil && c.d.o.Faults.TakeDropBeforeCommit() {
		// The link goes down as the commit arrives: nothing applies, and
		// the session's changes go with it.
		c.drop()
		return
	}
	if c.drop != nil && c.d.o.Faults.DropInCommit() {
		first := true
		inner := out
		out = func(line string) {
			inner(line)
			if first {
				first = false
				c.drop()
			}
		}
	}
	var err error
	if cmd == "commit-confirm" {
		minutes := 10
		if len(args) > 0 {
			n, perr := strconv.Atoi(args[0])
			if perr != nil || n < 1 {
				out(fmt.Sprintf("Invalid value %q: commit-confirm takes a number of minutes", args[0]))
				return
			}
			minutes = n
		}
		// `commit-confirm [minutes] [comment TEXT]`: anything else
		// after the minutes is refused, as the device's CLI does.
		if len(args) > 1 && (args[1] != "comment" || len(args) != 3) {
			out(fmt.Sprintf("Invalid command: [commit-confirm %s]", strings.Join(args, " ")))
			return
		}
		if !c.askCommitConfirm(minutes, out) {
			return
		}
		err = c.sess.CommitConfirm(ctx, minutes, out)
	} else {
		err = c.sess.Commit(ctx, out)
	}
	var ce *CommitError
	switch {
	case errors.As(err, &ce):
		for _, l := range ce.Lines() {
			out(l)
		}
	case err != nil:
		out(err.Error())
	}
}

// emitText streams text line by line.
func emitText(out func(string), text string) {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		out(l)
	}
}

// SplitWords splits a command line into words as the Vyatta shell does:
// spaces separate, 'single' and "double" quotes group, a backslash escapes
// the next character inside double quotes and outside quotes.
func SplitWords(line string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
		quote byte
	)
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0 && ch == quote:
			quote = 0
		case quote == '\'':
			cur.WriteByte(ch)
		case ch == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			in = true
		case quote == '"':
			cur.WriteByte(ch)
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil, ErrUnbalancedQuote
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// Exec runs one operational command line, as an SSH exec request does. It
// returns the exit status.
func (d *Device) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	words, err := SplitWords(cmd)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(words) == 0 {
		return 0
	}
	// Pipes filter as in the shell; an exec session is never paged.
	words, filter, _, err := pipes(words)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(words) >= 2 && words[0] == "set" && words[1] == "terminal" {
		var msg string
		(&CLI{d: d, length: -1}).terminalCommand(words, func(l string) { msg = l })
		if msg != "" {
			fmt.Fprintln(stderr, msg)
			return 1
		}
		return 0
	}
	if err := d.OpAs(ctx, user, words, filter(func(l string) { fmt.Fprintln(stdout, l) })); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// Shell runs the interactive command line on a terminal until the user
// logs out or the terminal goes away.
func (d *Device) Shell(ctx context.Context, user string, t lab.Terminal) int {
	c := d.NewCLI(user)
	_, logout := d.logins.Add(ctx, user, time.Now())
	defer logout()
	if dr, ok := t.(lab.Dropper); ok {
		c.drop = dr.Drop
	}
	c.term = t
	c.keys, _ = t.(lab.KeyReader)
	out := func(l string) { fmt.Fprintln(t, l) }
	out("Welcome to Vyatta (hasync lab)")
	for {
		if _, err := io.WriteString(t, c.Prompt()); err != nil {
			return 0
		}
		line, err := t.ReadLine()
		if err != nil {
			return 0
		}
		logout := c.Execute(c.interruptible(ctx, t, line), line, out)
		if c.afterCommand != nil {
			c.afterCommand()
			c.afterCommand = nil
		}
		if logout {
			return 0
		}
		if ctx.Err() != nil {
			return 0
		}
	}
}

// interruptible gives a streaming command (`monitor ...`) a context that
// ^C cancels. Other commands, a commit above all, run to their end as on
// the device.
func (c *CLI) interruptible(ctx context.Context, t lab.Terminal, line string) context.Context {
	words, _ := SplitWords(line)
	if len(words) > 0 && words[0] == "run" {
		words = words[1:]
	}
	ir, ok := t.(lab.Interrupter)
	if !ok || len(words) == 0 || words[0] != "monitor" {
		return ctx
	}
	cmdCtx, cancel := context.WithCancel(ctx)
	stop := ir.WatchInterrupt(cancel)
	c.afterCommand = func() {
		stop()
		cancel()
	}
	return cmdCtx
}

// showUsers is `show users`: who is logged in, as `who` prints it (VyOS's
// `show users` runs who): user, line, login time, (client address). Who
// is in configure mode it does not say: on the device that is a
// `newgrp vyattacfg` process on the user's tty (vyatta-cfg's config
// notify script finds them with ps), which the operational CLI cannot
// list.
func (d *Device) showUsers(ctx context.Context, args []string, out func(string)) error {
	if len(args) > 0 {
		return &UnknownCommandError{Words: append([]string{"show", "users"}, args...)}
	}
	for _, in := range d.logins.List() {
		out(fmt.Sprintf("%-8s %-12s %s (%s)", in.User, fmt.Sprintf("pts/%d", in.Line), in.Since.Format("2006-01-02 15:04"), in.From))
	}
	return nil
}

// registerBuiltinOps installs the operational commands the device itself
// answers; config-sync registers its own.
func (d *Device) registerBuiltinOps() {
	d.ops["show configuration"] = func(ctx context.Context, args []string, out func(string)) error {
		f := config.Curly
		switch {
		case len(args) == 0:
		case len(args) == 1 && args[0] == "commands":
			f = config.Set
		default:
			return &UnknownCommandError{Words: append([]string{"show", "configuration"}, args...)}
		}
		var buf bytes.Buffer
		run := d.snapshot()
		if f == config.Curly && len(run.Meta) == 0 {
			// The footer the flavor's config.boot ends with.
			withMeta := *run
			withMeta.Meta = d.o.Flavor.footer()
			run = &withMeta
		}
		if err := config.Write(&buf, run, f, config.PrintOptions{MaskSecrets: !d.InSecrets(userOf(ctx))}); err != nil {
			return err
		}
		if f == config.Curly && !d.o.Flavor.vyos() {
			// The 5600 indents with tabs.
			return streamLines(ctx, buf.Bytes(), func(l string) { out(indentTabs(l)) })
		}
		return streamLines(ctx, buf.Bytes(), out)
	}
	d.ops["show version"] = func(ctx context.Context, args []string, out func(string)) error {
		v, desc, copyright := d.o.Flavor.version(d.o.Version)
		up := time.Since(d.booted).Truncate(time.Second)
		for _, l := range []string{
			"Version:          " + v,
			"Description:      " + desc,
			"Copyright:        " + copyright,
			"Hostname:         " + d.o.Name,
			"System type:      hasync lab",
			"Uptime:           " + up.String(),
		} {
			out(l)
		}
		return nil
	}
	d.ops["show users"] = d.showUsers
	d.ops["show vrrp"] = d.showVRRP
	d.ops["show system commit"] = d.showSystemCommit
	d.ops["show interfaces"] = d.showInterfaces
	d.ops["show log"] = func(ctx context.Context, args []string, out func(string)) error {
		for _, l := range d.log.Recent() {
			out(l)
		}
		return nil
	}
	d.ops["monitor log"] = func(ctx context.Context, args []string, out func(string)) error {
		ch, stop := d.SubscribeLog()
		defer stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case l := <-ch:
				out(l)
			}
		}
	}
}

// streamLines sends text line by line, stopping when ctx ends.
func streamLines(ctx context.Context, text []byte, out func(string)) error {
	for len(text) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			out(string(text))
			return nil
		}
		out(string(text[:i]))
		text = text[i+1:]
	}
	return nil
}
