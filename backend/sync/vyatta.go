package sync

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/plan"
)

// applyVyatta sends the plan over SSH in one configuration session
// (DOMAIN.md "Commit and compare output"): configure, every command (each
// refusal is collected, the rest still typed so that all are reported),
// commit, exit. After any refusal nothing is committed: `exit discard`
// ends the session, which drops its uncommitted changes.
//
// Until backend/device has Apply (helper D), the session is driven here
// through Session.RunResult / RunMasked.
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
	}
	sess := t.sess
	run := func(step int, cmd, shown string) ([]string, error) {
		t.emit(Event{Kind: Sent, Device: prep.Target, Line: shown, Step: step})
		remote := func(line string) {
			t.emit(Event{Kind: Remote, Device: prep.Target, Line: line, Step: step})
		}
		var res device.Result
		var err error
		if shown != cmd {
			res, err = sess.RunMasked(ctx, cmd, shown, remote)
		} else {
			res, err = sess.RunResult(ctx, cmd, remote)
		}
		return res.Lines, err
	}
	if _, err := run(-1, "configure", "configure"); err != nil {
		return fmt.Errorf("%s: configure: %w", prep.Target, err)
	}
	for i, s := range steps {
		_, err := run(i, s.Command, s.Shown)
		var re *device.RejectedError
		if errors.As(err, &re) {
			lines := []string{}
			for _, l := range strings.Split(re.Text, "\n") {
				lines = append(lines, t.mask(l))
			}
			t.res.Errors = append(t.res.Errors, RemoteError{Path: s.Path, Step: i, Command: s.Shown, Change: s.Change, Lines: lines})
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", prep.Target, s.Shown, err)
		}
	}
	if len(t.res.Errors) > 0 {
		t.discard(ctx, run)
		return fmt.Errorf("%s: %w: %d command(s) refused, nothing committed", prep.Target, ErrRemoteRefused, len(t.res.Errors))
	}
	commit := "commit"
	if t.o.ConfirmMinutes > 0 {
		commit = fmt.Sprintf("commit-confirm %d", t.o.ConfirmMinutes)
	}
	if c := oneLine(t.o.Comment); c != "" {
		commit += " comment '" + strings.ReplaceAll(c, "'", "") + "'"
	}
	t.info("committing on %s", prep.Target)
	out, err := run(-1, commit, commit)
	if err != nil {
		return fmt.Errorf("%s: commit: %w", prep.Target, err)
	}
	if device.CommitFailed(config.Vyatta, out) {
		t.res.Errors = append(t.res.Errors, t.commitErrors(steps, out)...)
		t.discard(ctx, run)
		return fmt.Errorf("%s: %w: the commit failed", prep.Target, ErrRemoteRefused)
	}
	t.res.Committed = true
	if _, err := run(-1, "exit", "exit"); err != nil {
		t.discard(ctx, run)
	}
	return nil
}

// confirm sends `confirm` for the commit-confirm of this sync, on the
// session that committed (configure mode entered for it).
func (t *txn) confirm(ctx context.Context) error {
	target := t.prep.Target
	if t.sess == nil || t.sess.Err() != nil {
		return fmt.Errorf("%s: confirm: the session that committed is gone; the target reverts by itself", target)
	}
	for _, c := range []string{"configure", "confirm", "exit"} {
		t.emit(Event{Kind: Sent, Device: target, Line: c, Step: -1})
		_, err := t.sess.Run(ctx, c, func(line string) {
			t.emit(Event{Kind: Remote, Device: target, Line: line, Step: -1})
		})
		if err != nil {
			return fmt.Errorf("%s: %s: %w", target, c, err)
		}
	}
	t.res.Confirmed = true
	return nil
}

// discard leaves configure mode dropping what was not committed.
func (t *txn) discard(ctx context.Context, run func(int, string, string) ([]string, error)) {
	if _, err := run(-1, "exit discard", "exit discard"); err != nil {
		t.info("exit discard: %v", err)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// blockHeader is the path line of a commit error: VyOS `[ a b c ]`, the
// 5600 `[a b c]`; never `[[a]] failed` nor `[edit ...]`.
var blockHeader = regexp.MustCompile(`^\[ ?([^\[\]]+?) ?\]$`)

// commitErrors splits a failed commit's output into its error blocks
// (DOMAIN.md "Commit and compare output") and ties each to the plan step
// whose path it names (the longest common path wins).
func (t *txn) commitErrors(steps []plan.Step, out []string) []RemoteError {
	var errs []RemoteError
	cur := -1
	for _, raw := range out {
		l := strings.TrimSpace(t.mask(raw))
		if l == "" {
			continue
		}
		if m := blockHeader.FindStringSubmatch(l); m != nil && !strings.HasPrefix(m[1], "edit") {
			words := strings.Fields(m[1])
			e := RemoteError{Path: config.Path(words), Step: -1, Lines: []string{l}}
			if i := stepFor(steps, words); i >= 0 {
				s := steps[i]
				e.Step, e.Command, e.Change = i, s.Shown, s.Change
				if len(words) > len(s.Path) && s.HasValue {
					e.Path = s.Path
				}
			}
			errs = append(errs, e)
			cur = len(errs) - 1
			continue
		}
		if l == "Commit failed" || l == "Commit failed!" {
			continue
		}
		if cur < 0 {
			errs = append(errs, RemoteError{Step: -1})
			cur = 0
		}
		errs[cur].Lines = append(errs[cur].Lines, l)
	}
	return errs
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
