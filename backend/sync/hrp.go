package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
)

// settleEvery is how often the standby is read again after `hrp sync
// config` while its configuration settles.
const settleEvery = 300 * time.Millisecond

// nativeSync runs the device's own sync on the source: Huawei `hrp sync
// config` on the HRP active member (and `hrp sync connection-status` with
// Options.ConnectionStatus), VRA `update config-sync` on the member that
// carries the map (Options.Native); then reads the pair again until
// nothing the plan meant to change is left, or Options.Settle passes; then
// verifies as any sync: what remains must be the plan's conflicts (for
// HRP the peer's extras, commands present on both with other parameters).
func (t *txn) nativeSync(ctx context.Context) error {
	prep := t.prep
	dev, err := targetDevice(t.p.Spec(), prep.Source)
	if err != nil {
		return err
	}
	t.info("connecting to %s", prep.Source)
	sess, err := device.Connect(ctx, t.p.SSHConfig(dev), device.Options{
		Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name, CommandTimeout: dev.Timeouts.Command,
	})
	if err != nil {
		return err
	}
	defer sess.Close()
	what := "update config-sync"
	if prep.Family == config.Huawei {
		what = "hrp sync config"
	}
	t.info("%s on %s", what, prep.Source)
	remote := t.remote(prep.Source, noStep)
	err = sess.NativeSync(ctx, device.NativeConfig, remote)
	if err == nil && prep.Family == config.Huawei && t.o.ConnectionStatus {
		t.info("hrp sync connection-status on %s", prep.Source)
		err = sess.NativeSync(ctx, device.NativeSessions, remote)
	}
	if errors.Is(err, device.ErrRejected) {
		var re *device.RejectedError
		if errors.As(err, &re) {
			t.res.Errors = append(t.res.Errors, RemoteError{Step: -1, Command: re.Command, Lines: []string{t.mask(re.Text)}})
		}
		return fmt.Errorf("%s: %w: %v", prep.Source, ErrRemoteRefused, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %w", prep.Source, what, err)
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
		if err == nil && t.o.Save && prep.Family == config.Huawei {
			return t.saveBoth(ctx, sess)
		}
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

// saveBoth saves both members of a Huawei pair: HRP does not back up
// `save` (issue 10, "After a sync"), so the standby's copy is saved on
// the standby. src is the open session on the source.
func (t *txn) saveBoth(ctx context.Context, src *device.Session) error {
	prep := t.prep
	save := func(name string, s *device.Session) error {
		t.info("save on %s", name)
		_, err := s.Apply(ctx, nil, device.ApplyOptions{Save: true}, t.remote(name, noStep))
		if err != nil {
			return fmt.Errorf("%s: save: %w", name, err)
		}
		return nil
	}
	if err := save(prep.Source, src); err != nil {
		return err
	}
	dev, err := targetDevice(t.p.Spec(), prep.Target)
	if err != nil {
		return err
	}
	tgt, err := device.Connect(ctx, t.p.SSHConfig(dev), device.Options{
		Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name, CommandTimeout: dev.Timeouts.Command,
	})
	if err != nil {
		return err
	}
	defer tgt.Close()
	if err := save(prep.Target, tgt); err != nil {
		return err
	}
	after, _ := t.p.Refresh(ctx)
	if readable(after) == nil {
		t.res.After = after
	}
	return nil
}
