package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
)

// applyVyatta sends steps as one transaction on the target (DOMAIN.md
// "Commit and compare output", "Vyatta REST API"), over the plan's
// transport: SSH through the driver's Apply (configure, the commands,
// commit with its comment or commit-confirm N, exit; a refused command
// stops before the commit and whatever was not committed is discarded,
// `exit discard`), or one REST configuration session (set/delete,
// commit, save, DELETE). When SSH cannot be reached and the device has a
// REST API, the sync goes on over REST and says so. Every line the
// target prints is streamed as it arrives; each refusal is tied to the
// plan step whose path it names.
func (t *txn) applyVyatta(ctx context.Context, steps []plan.Step) error {
	prep := t.prep
	dev, err := targetDevice(t.p.Spec(), prep.Target)
	if err != nil {
		return err
	}
	cmds := make([]device.Command, len(steps))
	for i, s := range steps {
		cmds[i] = device.Command{Text: s.Command, Shown: s.Shown, Path: s.Path}
		if prep.Family == config.Vyatta && (s.Verb == "set" || s.Verb == "delete") {
			words := append([]string{s.Verb}, s.Path...)
			if s.HasValue {
				words = append(words, s.Value)
			}
			cmds[i].Words = words
		}
	}
	window := t.o.Window
	if window <= 0 {
		window = DefaultWindow
	}
	opt := device.ApplyOptions{Comment: oneLine(t.o.Comment), ConfirmMinutes: t.o.ConfirmMinutes, Save: t.o.Save, Window: window}
	if t.transport != inventory.TransportREST && (t.sess == nil || t.sess.Err() != nil) {
		t.info("connecting to %s", prep.Target)
		t.sess, err = t.p.Session(ctx, prep.Target)
		if err != nil && t.restFallback(dev, err) {
			t.info("%s cannot be reached over SSH (%v): applying over its REST API instead", prep.Target, err)
		} else if err != nil {
			return err
		} else {
			t.info("connected to %s", prep.Target)
		}
	}
	commit := device.CommitText(opt)
	switch {
	case prep.Family == config.Huawei:
		t.info("sending %d line(s) to %s in system-view (each applies at once)", len(cmds), prep.Target)
	case t.transport == inventory.TransportREST:
		t.info("sending %d command(s) to %s in one REST configuration session, then commit", len(cmds), prep.Target)
		if opt.Comment != "" {
			t.info("the REST API's commit takes no comment: the comment is in the audit record only")
		}
	default:
		t.info("sending %d command(s) to %s in one configuration session, then %s", len(cmds), prep.Target, commit)
	}
	// Each command is shown as it is typed; with one command at a time
	// (and over REST, where each request waits for its answer) the lines
	// that follow are its own, so they carry its step.
	cur := -1
	committing, mark := false, false // the commit is being sent; its line carries Event.Commit
	opt.OnCommit = func() { committing, mark = true, t.markCommit() }
	opt.OnCommand = func(i int, shown string) {
		if window == 1 || t.transport == inventory.TransportREST {
			cur = i
		}
		t.emit(Event{Kind: Sent, Device: prep.Target, Line: shown, Step: i, Commit: mark})
		mark = false
	}
	remote := t.remote(prep.Target, func() int { return cur })
	var res device.ApplyResult
	if t.transport == inventory.TransportREST {
		var r *device.REST
		if r, err = t.p.REST(dev.Name); err != nil {
			return err
		}
		res, err = r.Apply(ctx, cmds, opt, remote)
	} else {
		res, err = t.sess.Apply(ctx, cmds, opt, remote)
		if errors.Is(err, device.ErrTimeout) && window > 1 && !committing && prep.Family == config.Vyatta {
			// A CLI behind a kernel PTY that echoes lines as they arrive,
			// while the one before runs (OpenSSH's ForceCommand; a shell
			// between two readline prompts), garbles the echo of lines
			// typed ahead, and the driver waits in vain. Nothing was
			// committed, and the timed-out session is gone with its
			// uncommitted changes: type the plan again, one at a time.
			t.info("%s: no answer while commands were typed ahead (%v): its terminal may echo lines as they arrive; typing them again one at a time", prep.Target, err)
			t.o.Window = 1
			return t.applyVyatta(ctx, steps)
		}
	}
	for _, e := range res.Errors {
		t.res.Errors = append(t.res.Errors, t.tie(steps, e))
	}
	for _, l := range res.SyncErrors {
		t.info("%s's own config-sync failed: %s", prep.Target, t.mask(l))
	}
	t.res.Committed = res.Committed
	if res.Committed && opt.Save && err == nil {
		t.res.Saved = append(t.res.Saved, prep.Target) // the driver's save
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, device.ErrRejected):
		what := "a command was refused, nothing committed"
		if res.Partial {
			// A subtree failed: whether another applied (a partial commit)
			// or none did (an all-or-nothing device), only the re-read tells.
			what = "the commit failed in a subtree (the re-read tells whether any other applied)"
		} else if len(res.Errors) > 0 && res.Errors[0].Command == "" {
			what = "the commit failed"
		}
		return fmt.Errorf("%s: %w: %s", prep.Target, ErrRemoteRefused, what)
	}
	return named(prep.Target, "apply", err)
}

// restFallback decides, after the SSH dial to dev failed with err,
// whether the sync goes on over dev's REST API: when SSH cannot be
// reached (unreachable, timeout), the inventory gives a rest_url, and no
// commit-confirm is asked (the API has none).
func (t *txn) restFallback(dev *inventory.Device, err error) bool {
	r := pair.Classify(err)
	if dev.RESTURL == "" || t.prep.Family != config.Vyatta || t.o.ConfirmMinutes > 0 ||
		r != pair.ReasonUnreachable && r != pair.ReasonTimeout {
		return false
	}
	t.transport = inventory.TransportREST
	t.transportWhy = "fallback: SSH cannot be reached: " + err.Error()
	return true
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
