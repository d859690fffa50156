package device

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// Command is one configuration command to send.
type Command struct {
	// Text is typed as it is.
	Text string
	// Shown is Text with its secrets masked (config.Mask), as errors,
	// output and logs show it; "" when Text carries none.
	Shown string
	// Path is the configuration path the command changes, so an error
	// can be tied to it.
	Path []string
	// Words are the command's words unquoted, the verb first (set
	// path... value), for a transport that takes words rather than a
	// line (REST: one URL segment each); nil splits Text.
	Words []string
}

func (c Command) shown() string {
	if c.Shown != "" {
		return c.Shown
	}
	return c.Text
}

// ApplyOptions say how a change is committed.
type ApplyOptions struct {
	// Comment goes into the commit (Vyatta `commit comment "..."`).
	Comment string
	// Save saves the configuration after a commit that applied.
	Save bool
	// Window > 1 types up to Window commands ahead of the one whose
	// output is read (Vyatta only: a refusal then discards the ones typed
	// after it with the rest). For devices whose CLI echoes a line when
	// it reads it (the lab, readline shells), as a kernel terminal in
	// canonical mode does not. 0 or 1: one command at a time.
	Window int
	// OnCommand, when set, is called as each command is typed: with its
	// index in cmds, or -1 for the apply's own (configure, commit, save,
	// exit, system-view, return), and the command as it may be shown.
	// With Window > 1 a command is typed before the output of the ones
	// before it has been read.
	OnCommand func(i int, shown string)
	// OnCommit, when set, is called once, just before the first request
	// that changes the running configuration is sent, and before its
	// OnCommand: the commit (Vyatta, over SSH or REST), or the first
	// command in system-view (Huawei: each applies at once, DOMAIN.md
	// "Huawei family"): the point of no return. ctx is checked right
	// after it returns, so a caller that cancelled before (or in)
	// OnCommit stops the change there; from then on a caller keeps ctx
	// alive (backend/sync detaches it), since a cancel would cut the
	// commit's answer, or a Huawei push between two lines.
	OnCommit func()
	// ConfirmMinutes > 0 commits with `commit-confirm N` (Vyatta): the
	// device reverts unless Confirm follows within N minutes. Save is
	// refused with it: a save before confirm makes the revert a no-op
	// (DOMAIN.md "Commit and compare output").
	ConfirmMinutes int
}

// ApplyError is one refusal, tied to its path: a refused command
// (Command set) or one error block of a failed commit (DOMAIN.md
// "Commit and compare output": `[ path ]`, the message, `[[subtree]]
// failed`).
type ApplyError struct {
	Path    []string
	Command string
	Lines   []string
}

// ApplyResult is what an apply did.
type ApplyResult struct {
	// Lines are every output line, as emit got them.
	Lines []string
	// Committed: the change applied whole (Vyatta: the commit succeeded;
	// Huawei: every command was taken).
	Committed bool
	// Partial: the commit failed for some subtrees, which devices that
	// commit per priority subtree report while applying the others: a
	// re-read tells what applied.
	Partial bool
	// NoChanges: the device had nothing to commit.
	NoChanges bool
	// Errors are the refusals, in order.
	Errors []ApplyError
	// SyncErrors are the device's own config-sync failures its commit
	// printed: committed locally, the peer did not take it (SyncFailures).
	SyncErrors []string
	// Replicated counts the commands the device marked replicated to its
	// HA peer (Huawei ` (+B)`).
	Replicated int
}

// ErrSaveBeforeConfirm: Save asked with ConfirmMinutes.
var ErrSaveBeforeConfirm = errors.New("save before confirm would make the commit-confirm revert a no-op")

// Apply sends cmds as one change and streams every output line to emit
// (may be nil) as it arrives. Vyatta: `configure`, the commands, `commit`
// (with the comment, or `commit-confirm N`), `save` when asked, `exit`;
// a refused command stops before the commit, and whatever was not
// committed is discarded (`exit discard`). Huawei: `system-view`, the
// commands in order (each applies at once; the first refusal stops, as
// later ones could land in the wrong view), `return`, `save` when asked.
// A refusal gives an error wrapping ErrRejected (ErrWrongMember on an HRP
// standby) with the result's Errors saying which; the commit's success is
// judged from its text, never an exit status.
func (s *Session) Apply(ctx context.Context, cmds []Command, opt ApplyOptions, emit func(line string)) (ApplyResult, error) {
	if opt.Save && opt.ConfirmMinutes > 0 {
		return ApplyResult{}, fmt.Errorf("%s: apply: %w", s.opt.Name, ErrSaveBeforeConfirm)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &applier{s: s, emit: emit, onCommand: opt.OnCommand, onCommit: opt.OnCommit}
	if s.p.family == config.Huawei {
		return a.huawei(ctx, cmds, opt)
	}
	return a.vyatta(ctx, cmds, opt)
}

// applier runs one apply: its lines and refusals.
type applier struct {
	s         *Session
	emit      func(string)
	onCommand func(int, string)
	onCommit  func()
	committed bool // onCommit was called
	res       ApplyResult
}

// committing calls the apply's OnCommit, once.
func (a *applier) committing() {
	if a.onCommit != nil && !a.committed {
		a.onCommit()
	}
	a.committed = true
}

// typeCmd types command i of the apply's list (-1: one of its own).
func (a *applier) typeCmd(i int, c Command) error {
	if a.onCommand != nil {
		a.onCommand(i, c.shown())
	}
	return a.s.typeLine(c.Text, c.Shown)
}

// run runs one of the apply's own commands, its lines kept and streamed.
func (a *applier) run(ctx context.Context, c Command) (Result, error) {
	return a.runAt(ctx, -1, c)
}

// runAt runs command i of the list (-1: one of the apply's own).
func (a *applier) runAt(ctx context.Context, i int, c Command) (Result, error) {
	if err := a.typeCmd(i, c); err != nil {
		return Result{}, err
	}
	return a.read(ctx, c)
}

// read reads the output of c, already typed.
func (a *applier) read(ctx context.Context, c Command) (Result, error) {
	emit := func(l string) {
		a.res.Lines = append(a.res.Lines, l)
		if a.emit != nil {
			a.emit(l)
		}
	}
	res, err := a.s.readRun(ctx, c.Text, c.Shown, emit)
	if res.Replicated {
		a.res.Replicated++
	}
	return res, err
}

// refused records a refused command.
func (a *applier) refused(c Command, err error) {
	var re *RejectedError
	if errors.As(err, &re) {
		a.res.Errors = append(a.res.Errors, ApplyError{Path: c.Path, Command: c.shown(), Lines: strings.Split(re.Text, "\n")})
	}
}

func (a *applier) vyatta(ctx context.Context, cmds []Command, opt ApplyOptions) (ApplyResult, error) {
	s := a.s
	rd := s.p.reads
	if s.prompt.Mode != ModeConfigure {
		if s.prompt.Operator {
			return a.res, fmt.Errorf("%s: apply: %w: an operator login has no configure mode", s.opt.Name, ErrUnsupported)
		}
		if _, err := a.run(ctx, Command{Text: rd.configure}); err != nil {
			return a.res, err
		}
	}
	typed := 0 // commands typed so far
	for i, c := range cmds {
		// Nothing more is typed once ctx is cancelled.
		for typed < len(cmds) && typed < i+max(opt.Window, 1) && ctx.Err() == nil {
			if err := a.typeCmd(typed, cmds[typed]); err != nil {
				return a.res, err
			}
			typed++
		}
		if i == typed {
			return a.res, a.abandon(ctx, nil, ctx.Err())
		}
		if _, err := a.read(ctx, c); err != nil {
			a.refused(c, err)
			return a.res, a.abandon(ctx, cmds[i+1:typed], err)
		}
	}
	if err := ctx.Err(); err != nil {
		// Cancelled after the last command: never commit.
		return a.res, a.leave(ctx, err)
	}
	commit := Command{Text: CommitText(opt)}
	start := len(a.res.Lines)
	a.committing()
	if err := ctx.Err(); err != nil {
		// Cancelled before OnCommit marked the point of no return: the
		// caller refused it there (see ApplyOptions.OnCommit).
		return a.res, a.leave(ctx, err)
	}
	_, err := a.run(ctx, commit)
	out := a.res.Lines[start:]
	if err != nil && !errors.Is(err, ErrRejected) {
		// The session is gone, or the commit's answer was cut (a
		// cancel): the caller re-reads to know what the device kept.
		return a.res, a.leave(ctx, err)
	}
	a.res.SyncErrors = SyncFailures(config.Vyatta, out)
	if CommitFailed(config.Vyatta, out) || errors.Is(err, ErrRejected) {
		blocks, partial := commitErrors(out)
		a.res.Errors = append(a.res.Errors, blocks...)
		a.res.Partial = a.res.Partial || partial
		cerr := &RejectedError{Device: s.opt.Name, Command: commit.Text, Text: strings.Join(trimmed(out), "\n"), Pos: -1}
		return a.res, a.leave(ctx, cerr)
	}
	for _, l := range out {
		if strings.TrimSpace(l) == vyNoChanges {
			a.res.NoChanges = true
		}
	}
	a.res.Committed = true
	if opt.Save {
		if err := ctx.Err(); err != nil {
			return a.res, a.leave(ctx, err)
		}
		if _, err := a.run(ctx, Command{Text: "save"}); err != nil {
			return a.res, a.leave(ctx, err)
		}
	}
	return a.res, a.leave(ctx, nil)
}

// abandon reads what the commands typed ahead said (their refusals
// too), then leaves configure mode discarding every change (leave):
// cause is why the apply stops.
func (a *applier) abandon(ctx context.Context, typedAhead []Command, cause error) error {
	ctx = context.WithoutCancel(ctx)
	for _, c := range typedAhead {
		if _, err := a.read(ctx, c); err != nil && !errors.Is(err, ErrRejected) {
			return errors.Join(cause, err)
		}
	}
	return a.leave(ctx, cause)
}

// vyNoChanges is what a commit with nothing to do prints (DOMAIN.md).
const vyNoChanges = "No configuration changes to commit"

// leave ends configure mode: `exit`, or `exit discard` when the device
// refuses to leave uncommitted changes. cause is the apply's error,
// returned (with a failure to leave joined to it). It runs even when ctx
// was cancelled (each command bounded by the session's command timeout):
// the session, which may be shared (the pair's), goes back to the
// operational mode with nothing uncommitted.
func (a *applier) leave(ctx context.Context, cause error) error {
	ctx = context.WithoutCancel(ctx)
	rd := a.s.p.reads
	if a.s.broken != nil {
		return cause
	}
	exit := rd.exit
	if cause != nil {
		exit = rd.exitDiscard // nothing of a refused change may stay
	}
	_, err := a.run(ctx, Command{Text: exit})
	if errors.Is(err, ErrRejected) && exit == rd.exit {
		_, err = a.run(ctx, Command{Text: rd.exitDiscard})
	}
	if err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

func (a *applier) huawei(ctx context.Context, cmds []Command, opt ApplyOptions) (ApplyResult, error) {
	s := a.s
	if s.prompt.Mode != ModeSystem && (len(cmds) == 0 || cmds[0].Text != hwSystemView) {
		if _, err := a.run(ctx, Command{Text: hwSystemView}); err != nil {
			return a.res, err
		}
	}
	for i, c := range cmds {
		if c.Text != hwSystemView {
			a.committing() // each applies at once
		}
		if err := ctx.Err(); err != nil {
			// Cancelled: no line more (a caller that marked the point of
			// no return at the first line keeps ctx from this).
			return a.res, a.back(ctx, err)
		}
		if _, err := a.runAt(ctx, i, c); err != nil {
			a.refused(c, err)
			return a.res, a.back(ctx, err)
		}
	}
	a.res.Committed = true
	if err := a.back(ctx, nil); err != nil {
		return a.res, err
	}
	if opt.Save {
		if _, err := a.run(ctx, Command{Text: "save"}); err != nil {
			return a.res, err
		}
	}
	return a.res, nil
}

// hwSystemView enters the system view (DOMAIN.md "Huawei family").
const hwSystemView = "system-view"

// back returns a Huawei session to the user view.
func (a *applier) back(ctx context.Context, cause error) error {
	if a.s.broken != nil || a.s.prompt.Mode == ModeUser {
		return cause
	}
	if _, err := a.run(ctx, Command{Text: "return"}); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// Confirm confirms a commit made with ApplyOptions.ConfirmMinutes
// (Vyatta `confirm`, in configure mode), so the device keeps it.
func (s *Session) Confirm(ctx context.Context, emit func(line string)) error {
	if s.p.family != config.Vyatta {
		return fmt.Errorf("%s: confirm: %w", s.opt.Name, ErrUnsupported)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &applier{s: s, emit: emit}
	return a.inConfigure(ctx, "confirm")
}

// inConfigure runs one command in configure mode, entering it first and
// leaving it after when the session was not in it (the caller holds s.mu).
func (a *applier) inConfigure(ctx context.Context, cmd string) error {
	s := a.s
	entered := false
	if s.prompt.Mode != ModeConfigure {
		if _, err := a.run(ctx, Command{Text: s.p.reads.configure}); err != nil {
			return err
		}
		entered = true
	}
	_, err := a.run(ctx, Command{Text: cmd})
	if entered {
		return a.leave(ctx, err)
	}
	return err
}

// Save saves the running configuration: Vyatta `save` in configure mode
// (configure, save, exit); Huawei `save` in the user view, its question
// answered yes (DOMAIN.md "Huawei family"). Lines go to emit.
func (s *Session) Save(ctx context.Context, emit func(line string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &applier{s: s, emit: emit}
	if s.p.family == config.Huawei {
		if err := a.back(ctx, nil); err != nil {
			return err
		}
		_, err := a.run(ctx, Command{Text: "save"})
		return err
	}
	return a.inConfigure(ctx, "save")
}

// NativeSync is a device's own sync to its peer.
type NativeSync int

const (
	// NativeConfig: Huawei `hrp sync config` (on the active member),
	// VRA `update config-sync`.
	NativeConfig NativeSync = iota
	// NativeSessions: Huawei `hrp sync connection-status`.
	NativeSessions
)

// NativeSync runs the device's own sync (DOMAIN.md "Sync paths", "HRP"):
// Huawei `hrp sync config` or `hrp sync connection-status` (the standby
// refuses: ErrWrongMember; it prints nothing when done, so the caller
// re-reads the peer), VRA `update config-sync`. Lines go to emit.
func (s *Session) NativeSync(ctx context.Context, what NativeSync, emit func(line string)) error {
	var cmd string
	switch {
	case s.p.family == config.Huawei && what == NativeConfig:
		cmd = "hrp sync config"
	case s.p.family == config.Huawei && what == NativeSessions:
		cmd = "hrp sync connection-status"
	case s.p.family == config.Vyatta && what == NativeConfig:
		cmd = "update config-sync"
	default:
		return fmt.Errorf("%s: native sync %d: %w", s.opt.Name, what, ErrUnsupported)
	}
	lines, err := s.read(ctx, cmd, emit)
	if err != nil {
		return err
	}
	if f := SyncFailures(s.p.family, lines); len(f) > 0 {
		return &RejectedError{Device: s.opt.Name, Command: cmd, Text: strings.Join(f, "\n"), Pos: -1}
	}
	return nil
}

// WriteSyncMap replaces a Vyatta sync-map: the rules of remove (nil:
// none) are deleted, those of add set, and the change committed as Apply
// does (`system config-sync`, DOMAIN.md "config-sync (VRA)").
func (s *Session) WriteSyncMap(ctx context.Context, remove, add *syncmap.Map, opt ApplyOptions, emit func(line string)) (ApplyResult, error) {
	if s.p.family != config.Vyatta {
		return ApplyResult{}, fmt.Errorf("%s: sync-map: %w", s.opt.Name, ErrUnsupported)
	}
	// The commands the console's save question shows (one list).
	name := ""
	if add != nil {
		name = add.Name
	}
	var cmds []Command
	for i, c := range syncmap.WriteCommands(remove, add) {
		path := []string{"system", "config-sync", "sync-map", name}
		if i == 0 && remove != nil {
			path[3] = remove.Name
		}
		cmds = append(cmds, Command{Text: c, Path: path})
	}
	return s.Apply(ctx, cmds, opt, emit)
}

var (
	// blockHead is a commit error block's path line: `[ a b c ]` (VyOS)
	// or `[a b c]` (5600), DOMAIN.md "Commit and compare output".
	blockHead = lazyRE(`^\[ ?([^\[\]]*[^\[\] ]) ?\]$`)
	// subtreeFailed ends a block: `[[a b]] failed` (`.` on the 5600).
	subtreeFailed = lazyRE(`^\[\[.*\]\] failed\.?$`)
)

// commitBlocks reads a failed commit's error blocks: a path line, the
// message lines, up to `[[subtree]] failed`. A path line with no message
// after it (VyOS lists the subsystems it committed so) is not an error.
func commitBlocks(lines []string) []ApplyError {
	var (
		out []ApplyError
		cur *ApplyError
	)
	flush := func() {
		if cur != nil && hasMessage(cur.Lines) {
			out = append(out, *cur)
		}
		cur = nil
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		head := blockHead().FindStringSubmatch(t)
		switch {
		case head != nil:
			flush()
			cur = &ApplyError{Path: strings.Fields(head[1]), Lines: []string{t}}
		case subtreeFailed().MatchString(t):
			if cur == nil {
				cur = &ApplyError{}
			}
			cur.Lines = append(cur.Lines, t)
			flush()
		case cur != nil && t != "" && !strings.HasPrefix(t, "Commit failed"):
			cur.Lines = append(cur.Lines, t)
		}
	}
	flush()
	return out
}

// hasMessage: the block says more than its path.
func hasMessage(lines []string) bool { return len(lines) > 1 }

// trimmed drops blank lines and trims the others.
func trimmed(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// CommitText is the commit line Apply types for opt: `commit`, `commit
// comment TEXT`, `commit-confirm N` or `commit-confirm N comment TEXT`
// (the Vyatta family's commit-confirm takes a comment as commit does),
// the comment quoted for vbash (syncmap.ShellWord).
func CommitText(opt ApplyOptions) string {
	text := "commit"
	if opt.ConfirmMinutes > 0 {
		text = "commit-confirm " + strconv.Itoa(opt.ConfirmMinutes)
	}
	if opt.Comment != "" {
		text += " comment " + syncmap.ShellWord(opt.Comment)
	}
	return text
}

// commitErrors are the error blocks of a failed commit's output, and
// whether one says a subtree failed while others applied (a partial
// commit, DOMAIN.md "Commit and compare output").
func commitErrors(out []string) (blocks []ApplyError, partial bool) {
	blocks = commitBlocks(out)
	for _, b := range blocks {
		if len(b.Lines) > 0 && subtreeFailed().MatchString(strings.TrimSpace(b.Lines[len(b.Lines)-1])) {
			partial = true
		}
	}
	return blocks, partial
}

// CommitConfirmAction is what an unconfirmed commit-confirm does on a
// Vyatta-family device with configuration t: `reload` (the previous
// configuration) or `reboot` (to the saved one), from `system
// config-management commit-confirm action`; the schema's default is
// reboot (DOMAIN.md "Commit and compare output"), which would reboot an
// HA member: commit-confirm is safe only with reload.
func CommitConfirmAction(t *config.Tree) string {
	if t != nil && t.Root != nil {
		if n := t.Root.Lookup(config.Path{"system", "config-management", "commit-confirm", "action"}); n != nil && len(n.Values) > 0 {
			return n.Values[0]
		}
	}
	return "reboot"
}
