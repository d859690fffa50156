package sync

import (
	"context"
	"fmt"

	"github.com/hasync/hasync/backend/pair"
)

// saveUnsaved saves, on each member whose running configuration differs
// from its saved one in snap, the running configuration (Options.Save
// with nothing to send); a member whose saved state is unknown is not
// saved, and is the error. The pair is read again after a save.
func (t *txn) saveUnsaved(ctx context.Context, snap *pair.Snapshot) error {
	for _, d := range snap.Devices {
		switch {
		case !d.SavedKnown:
			return fmt.Errorf("%s: its saved state is unknown: not saved", d.Name)
		case d.SavedDiffers:
			if err := t.save(ctx, d.Name, " (its running configuration differs from the saved one)"); err != nil {
				return err
			}
		}
	}
	if len(t.res.Saved) == 0 {
		t.res.After = snap
		return nil
	}
	after, _ := t.p.Refresh(ctx)
	t.res.After = after
	return readable(after)
}

// save saves the running configuration of the member name on the pair's
// session, said (why ends the line) and streamed, and adds it to
// Result.Saved.
func (t *txn) save(ctx context.Context, name, why string) error {
	s, err := t.p.Session(ctx, name)
	if err != nil {
		return err
	}
	// The save is the point of no return of a save alone (SaveUnsaved);
	// after a sync's commit, marked already, it is not marked again.
	t.emit(Event{Kind: Info, Device: name, Line: "save on " + name + why, Step: -1, Commit: t.markCommit()})
	if err := t.stopBeforeSending(ctx); err != nil {
		return err
	}
	if err := s.Save(ctx, t.remote(name, noStep)); err != nil {
		return fmt.Errorf("%s: save: %w", name, err)
	}
	t.res.Saved = append(t.res.Saved, name)
	return nil
}
