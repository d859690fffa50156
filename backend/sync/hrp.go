package sync

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/pair"
)

// settleEvery is how often the standby is read again after `hrp sync
// config` while its configuration settles; settleSay how often a read
// that changes nothing is said.
const (
	settleEvery = 300 * time.Millisecond
	settleSay   = 5 * time.Second
)

// nativeSync runs the device's own sync on the source: Huawei `hrp sync
// config` on the HRP active member (and `hrp sync connection-status` with
// Options.ConnectionStatus), VRA `update config-sync` on the member that
// carries the map (Options.Native); then reads the pair again until
// nothing the plan meant to change is left, or Options.Settle passes; then
// verifies as any sync: what remains must be the plan's conflicts (for
// HRP the peer's extras, commands present on both with other parameters).
//
// A connection lost while the device's own sync runs does not stop it
// there (as a commit, DOMAIN.md): the target, tgt before the sync, is
// read again until it changes or Options.Settle passes; changed, it is
// verified as any sync. A verification read that fails is tried again
// until Settle passes.
func (t *txn) nativeSync(ctx context.Context, tgt *pair.DeviceState) error {
	prep := t.prep
	dev, err := targetDevice(t.p.Spec(), prep.Source)
	if err != nil {
		return err
	}
	t.info("connecting to %s", prep.Source)
	sess, err := t.p.Session(ctx, dev.Name)
	if err != nil {
		return err
	}
	what := "update config-sync"
	if prep.Family == config.Huawei {
		what = "hrp sync config"
	}
	t.emit(Event{Kind: Info, Line: what + " on " + prep.Source, Step: -1, Commit: t.markCommit()})
	if err := t.stopBeforeSending(ctx); err != nil {
		return err
	}
	lines := 0 // what the device printed, streamed as it comes
	remote := t.remote(prep.Source, noStep)
	counted := func(l string) { lines++; remote(l) }
	start := time.Now()
	err = sess.NativeSync(ctx, device.NativeConfig, counted)
	t.nativeDone(what, lines, start, err)
	// The session table's copy is its own command: its failure is said
	// and returned as its own once the configuration is verified, never
	// taken for the configuration's (review 15).
	var statusErr error
	if err == nil && prep.Family == config.Huawei && t.o.ConnectionStatus {
		const status = "hrp sync connection-status"
		t.info("%s on %s", status, prep.Source)
		lines, start = 0, time.Now()
		statusErr = sess.NativeSync(ctx, device.NativeSessions, counted)
		t.nativeDone(status, lines, start, statusErr)
		if statusErr != nil {
			statusErr = named(prep.Source, status, statusErr)
			t.info("%v: the session table was not copied; the configuration is verified all the same", statusErr)
		}
	}
	// Both said: the configuration's outcome first.
	return errors.Join(t.settleVerify(ctx, what, tgt, err), statusErr)
}

// named is err of the command what on dev, named once: the driver's
// errors name the device and their command already.
func named(dev, what string, err error) error {
	if strings.HasPrefix(err.Error(), dev+": ") {
		return err
	}
	return fmt.Errorf("%s: %s: %w", dev, what, err)
}

// settleVerify follows a device-native sync (what) that ended with err:
// a refusal is tied to its paths and the target re-read; a lost
// connection is followed by reads of the target (ranOn); then the pair is
// read until it settles, and verified (see nativeSync).
func (t *txn) settleVerify(ctx context.Context, what string, tgt *pair.DeviceState, err error) error {
	prep := t.prep
	if errors.Is(err, device.ErrRejected) {
		var re *device.RejectedError
		if errors.As(err, &re) {
			for _, l := range strings.Split(re.Text, "\n") {
				t.res.Errors = append(t.res.Errors, t.tieSyncError(re.Command, l))
			}
		}
		// The peer refused the commit its config-sync sent: re-read to
		// tell whether it kept anything (DOMAIN.md: the remote commits
		// the map's part whole or not at all).
		if after, _ := t.p.Refresh(ctx); readable(after) == nil {
			t.res.After = after
			before := prep.Comparison.Right
			if d, ok := after.Device(prep.Target); ok && before != nil {
				t.res.TargetUnchanged = config.Equal(d.Tree.Root, before.Root)
			}
		}
		return fmt.Errorf("%s: %w: %v", prep.Source, ErrRemoteRefused, err)
	}
	if err != nil {
		err = named(prep.Source, what, err)
		// ErrUnsupported comes before anything is typed: nothing to
		// wait for.
		if errors.Is(err, device.ErrUnsupported) || !t.ranOn(ctx, what+" on "+prep.Source, tgt, err) {
			return err
		}
	}
	t.res.Committed = true
	settle := t.settle()
	deadline := time.Now().Add(settle)
	said, saidAt := -1, time.Now()     // the last round line: its count, when
	unread, unreadAt := "", time.Now() // the last unreadable line: its text, when
	before := len(prep.Plan.Steps)     // lines missing at the round before: all of them before the sync
	for round := 0; ; round++ {
		switch {
		case round == 0:
			t.info("re-reading %s and %s to verify", prep.Source, prep.Target)
		case len(t.res.Unexpected) != said || time.Since(saidAt) >= settleSay:
			// Not the same line again, nor one a read: the standby is
			// still taking the batch (trial10 #10, trial 15 S6).
			t.info("re-reading %s and %s again (round %d): %d difference(s) the plan did not expect remain while %s settles", prep.Source, prep.Target, round+1, len(t.res.Unexpected), prep.Target)
			said, saidAt = len(t.res.Unexpected), time.Now()
		}
		readAt := time.Now()
		after, _ := t.p.Refresh(ctx)
		t.res.After = after
		if err := readable(after); err != nil {
			// A lost connection, a device not taking a new one yet:
			// read again while Settle lasts.
			if readAt.After(deadline) {
				return err
			}
			// Said when the reason changes, or every settleSay: not a
			// line a read (trial 15b S8.1).
			if msg := err.Error(); msg != unread || time.Since(unreadAt) >= settleSay {
				t.info("%v: reading again", err)
				unread, unreadAt = msg, time.Now()
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(settleEvery):
			}
			continue
		}
		t.res.Residue, t.res.Unexpected = nil, nil
		err := t.verify(after)
		if err == nil && t.o.Save {
			return t.saveAfterNative(ctx)
		}
		// Settling is waiting for what the plan meant to add: a
		// difference of order alone does not settle (hrp sync config
		// does not reorder, DOMAIN.md "HRP"). Past Settle, a read that
		// found fewer lines missing than the one before is followed by
		// another: the standby is still taking them (a slow read may
		// span the whole Settle, trial 15 S10).
		progress := t.toSend < before
		before = t.toSend
		// The verdict comes from a read begun after Settle: a read that
		// began before and ended after it (a slow device) is followed by
		// another (trial 15b S10).
		if err == nil || !errors.Is(err, ErrUnexpected) || t.toSend == 0 || readAt.After(deadline) && !progress {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settleEvery):
		}
	}
}

// ranOn tells, after err cut what (a device's own sync) short, whether
// the target changed all the same (reread, awaiting it), and says so.
func (t *txn) ranOn(ctx context.Context, what string, tgt *pair.DeviceState, err error) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterFailure+t.settle())
	defer cancel()
	if _, _, ok := t.reread(ctx, what, tgt, err, true); !ok || t.res.TargetUnchanged {
		return false
	}
	t.info("%s changed: %s ran on after the connection was lost; verifying", t.prep.Target, what)
	return true
}

// syncErrorPath is the first `[path]` of a config-sync error line (the
// peer's commit error block, one-lined: DOMAIN.md "config-sync (VRA)",
// "Commit and compare output"); the `Sync[ADDR]` tag is skipped.
var syncErrorPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\]:.*?\[ ?([^\[\]]*[^\[\] ]) ?\]`) })

// tieSyncError makes a device-native sync's error line a RemoteError,
// tied to the plan step whose path the peer's error names, if any.
func (t *txn) tieSyncError(command, line string) RemoteError {
	r := RemoteError{Step: -1, Command: command, Lines: []string{t.mask(line)}}
	m := syncErrorPath().FindStringSubmatch(line)
	if m == nil {
		return r
	}
	words := strings.Fields(m[1])
	r.Path = config.Path(words)
	if i := stepFor(t.prep.Plan.Steps, words); i >= 0 {
		s := t.prep.Plan.Steps[i]
		r.Step, r.Change = i, s.Change
	}
	return r
}

// nativeDone says that the device's own sync command returned, and
// when it printed nothing, that this is the device's way (DOMAIN.md
// "HRP": `hrp sync config` prints no completion message), so the user
// watching the stream knows it ended and what comes next.
func (t *txn) nativeDone(what string, lines int, start time.Time, err error) {
	if err != nil {
		return
	}
	quiet := ""
	if lines == 0 {
		quiet = ", printing nothing, as the device does"
	}
	t.info("%s on %s returned after %.1f s%s: verifying by re-reading %s", what, t.prep.Source, time.Since(start).Seconds(), quiet, t.prep.Target)
}

// saveAfterNative saves what a verified device-native sync leaves
// unsaved: the source of a VRA config-sync, which commits and saves the
// remote only (DOMAIN.md "config-sync (VRA)"), or both members of a
// Huawei pair, as HRP does not back up `save` (issue 10, "After a sync").
// The pair is read again after.
func (t *txn) saveAfterNative(ctx context.Context) error {
	prep := t.prep
	names := []string{prep.Source, prep.Target}
	why := ""
	if prep.Family != config.Huawei {
		names = names[:1]
		why = " (config-sync saved " + prep.Target + "; the local member is saved only by hand)"
	}
	for _, name := range names {
		if err := t.save(ctx, name, why); err != nil {
			return err
		}
	}
	if after, _ := t.p.Refresh(ctx); readable(after) == nil {
		t.res.After = after
	}
	return nil
}
