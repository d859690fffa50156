package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/plan"
)

// applyVyatta sends steps over SSH as one transaction through the
// driver's Apply (backend/device; DOMAIN.md "Commit and compare output"):
// configure, the commands, commit (with the comment, or commit-confirm
// N), exit; a refused command stops before the commit and whatever was
// not committed is discarded (`exit discard`). Every line the target
// prints is streamed as it arrives; each refusal is tied to the plan step
// whose path it names.
func (t *txn) applyVyatta(ctx context.Context, steps []plan.Step) error {
	prep := t.prep
	dev, err := targetDevice(t.p.Spec(), prep.Target)
	if err != nil {
		return err
	}
	if t.sess == nil || t.sess.Err() != nil {
		t.info("connecting to %s", prep.Target)
		t.sess, err = device.Connect(ctx, t.p.SSHConfig(dev), device.Options{
			Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name, CommandTimeout: dev.Timeouts.Command,
		})
		if err != nil {
			return err
		}
		t.info("connected to %s", prep.Target)
	}
	cmds := make([]device.Command, len(steps))
	for i, s := range steps {
		cmds[i] = device.Command{Text: s.Command, Shown: s.Shown, Path: s.Path}
	}
	window := t.o.Window
	if window <= 0 {
		window = DefaultWindow
	}
	opt := device.ApplyOptions{Comment: oneLine(t.o.Comment), ConfirmMinutes: t.o.ConfirmMinutes, Save: t.o.Save, Window: window}
	commit := "commit"
	switch {
	case opt.ConfirmMinutes > 0:
		commit = fmt.Sprintf("commit-confirm %d", opt.ConfirmMinutes)
	case opt.Comment != "":
		commit += " comment " + strconv.Quote(opt.Comment)
	}
	if prep.Family == config.Huawei {
		t.info("sending %d line(s) to %s in system-view (each applies at once)", len(cmds), prep.Target)
	} else {
		t.info("sending %d command(s) to %s in one configuration session, then %s", len(cmds), prep.Target, commit)
	}
	// Each command is shown as it is typed; with one command at a time
	// the lines that follow are its own, so they carry its step.
	cur := -1
	opt.OnCommand = func(i int, shown string) {
		if window == 1 {
			cur = i
		}
		t.emit(Event{Kind: Sent, Device: prep.Target, Line: shown, Step: i})
	}
	res, err := t.sess.Apply(ctx, cmds, opt, t.remote(prep.Target, func() int { return cur }))
	for _, e := range res.Errors {
		t.res.Errors = append(t.res.Errors, t.tie(steps, e))
	}
	for _, l := range res.SyncErrors {
		t.info("%s's own config-sync failed: %s", prep.Target, t.mask(l))
	}
	t.res.Committed = res.Committed
	switch {
	case err == nil:
		return nil
	case errors.Is(err, device.ErrRejected):
		what := "a command was refused, nothing committed"
		if res.Partial {
			what = "the commit was refused in part"
		} else if len(res.Errors) > 0 && res.Errors[0].Command == "" {
			what = "the commit failed"
		}
		return fmt.Errorf("%s: %w: %s", prep.Target, ErrRemoteRefused, what)
	}
	return fmt.Errorf("%s: apply: %w", prep.Target, err)
}

// tie makes a driver's error a RemoteError: the plan step it belongs to
// (the refused command itself, else the step whose path and value share
// the longest prefix with the path the device names), masked.
func (t *txn) tie(steps []plan.Step, e device.ApplyError) RemoteError {
	r := RemoteError{Path: config.Path(e.Path), Step: -1}
	for _, l := range e.Lines {
		r.Lines = append(r.Lines, t.mask(l))
	}
	i := -1
	if e.Command != "" {
		i = slices.IndexFunc(steps, func(s plan.Step) bool { return s.Shown == e.Command })
	}
	if i < 0 && len(e.Path) > 0 {
		i = stepFor(steps, e.Path)
	}
	if i >= 0 {
		s := steps[i]
		r.Step, r.Command, r.Change = i, s.Shown, s.Change
		if len(r.Path) == 0 || len(r.Path) > len(s.Path) && s.HasValue {
			r.Path = s.Path
		}
	}
	return r
}

// confirm sends `confirm` for the commit-confirm of this sync, on the
// session that committed.
func (t *txn) confirm(ctx context.Context) error {
	target := t.prep.Target
	if t.sess == nil || t.sess.Err() != nil {
		return fmt.Errorf("%s: confirm: the session that committed is gone; the target reverts by itself", target)
	}
	t.info("confirming on %s", target)
	err := t.sess.Confirm(ctx, t.remote(target, noStep))
	if err != nil {
		return fmt.Errorf("%s: confirm: %w", target, err)
	}
	t.res.Confirmed = true
	return nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// stepFor is the plan step whose path (and value) shares the longest
// prefix with words, -1 when none shares its first two words.
func stepFor(steps []plan.Step, words []string) int {
	best, bestN := -1, 1
	for i, s := range steps {
		full := []string(s.Path)
		if s.HasValue {
			full = append(full[:len(full):len(full)], s.Value)
		}
		n := 0
		for n < len(full) && n < len(words) && full[n] == words[n] {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// noStep is the step of a line that belongs to no plan step.
func noStep() int { return -1 }
