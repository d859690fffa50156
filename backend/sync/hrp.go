package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hasync/hasync/backend/device"
)

// settleEvery is how often the standby is read again after `hrp sync
// config` while its configuration settles.
const settleEvery = 300 * time.Millisecond

// hrpSync runs `hrp sync config` on the HRP active member (the source),
// then reads the pair again until nothing the plan meant to add is
// missing on the standby, or Options.Settle passes; then verifies as any
// sync: what remains must be the plan's conflicts (the peer's extras,
// commands present on both with other parameters).
func (t *txn) hrpSync(ctx context.Context) error {
	prep := t.prep
	dev, err := targetDevice(t.p.Spec(), prep.Source)
	if err != nil {
		return err
	}
	t.info("connecting to %s (HRP active)", prep.Source)
	sess, err := device.Connect(ctx, t.p.SSHConfig(dev), device.Options{
		Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name, CommandTimeout: dev.Timeouts.Command,
	})
	if err != nil {
		return err
	}
	defer sess.Close()
	t.info("hrp sync config on %s", prep.Source)
	err = sess.NativeSync(ctx, device.NativeConfig, func(line string) {
		t.emit(Event{Kind: Remote, Device: prep.Source, Line: line, Step: -1})
	})
	if errors.Is(err, device.ErrRejected) {
		var re *device.RejectedError
		if errors.As(err, &re) {
			t.res.Errors = append(t.res.Errors, RemoteError{Step: -1, Command: re.Command, Lines: []string{t.mask(re.Text)}})
		}
		return fmt.Errorf("%s: %w: %v", prep.Source, ErrRemoteRefused, err)
	}
	if err != nil {
		return fmt.Errorf("%s: hrp sync config: %w", prep.Source, err)
	}
	t.res.Committed = true
	settle := t.o.Settle
	if settle <= 0 {
		settle = 30 * time.Second
	}
	deadline := time.Now().Add(settle)
	for {
		t.info("re-reading %s and %s", prep.Source, prep.Target)
		after, _ := t.p.Refresh(ctx)
		t.res.After = after
		if err := readable(after); err != nil {
			return err
		}
		t.res.Residue, t.res.Unexpected = nil, nil
		err := t.verify(after)
		if err == nil || !errors.Is(err, ErrUnexpected) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settleEvery):
		}
	}
}
