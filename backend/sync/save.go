package sync

import (
	"context"
	"fmt"

	"github.com/hasync/hasync/backend/pair"
)

// SaveUnsaved saves, on each member of p whose running configuration
// differs from its saved one (the last read's saved state), the running
// configuration: what `hasync sync --save` does when the plan has nothing
// to send (issue 10, "After a sync": --save saves what is left unsaved).
// emit gets each line the devices print (as Options.Emit, Kind Remote and
// Info). It returns the names saved, and the re-read snapshot; a member
// whose saved state is unknown is not saved and is named in the error.
func SaveUnsaved(ctx context.Context, p *pair.Pair, emit func(Event)) ([]string, *pair.Snapshot, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	snap, _ := p.Refresh(ctx)
	if err := readable(snap); err != nil {
		return nil, snap, err
	}
	var saved []string
	for _, d := range snap.Devices {
		switch {
		case !d.SavedKnown:
			return saved, snap, fmt.Errorf("%s: its saved state is unknown: not saved", d.Name)
		case !d.SavedDiffers:
			continue
		}
		emit(Event{Kind: Info, Device: d.Name, Line: "save on " + d.Name + " (its running configuration differs from the saved one)", Step: -1})
		s, err := p.Session(ctx, d.Name)
		if err != nil {
			return saved, snap, err
		}
		name := d.Name
		if err := s.Save(ctx, func(l string) { emit(Event{Kind: Remote, Device: name, Line: l, Step: -1}) }); err != nil {
			return saved, snap, fmt.Errorf("%s: save: %w", d.Name, err)
		}
		saved = append(saved, d.Name)
	}
	if len(saved) > 0 {
		snap, _ = p.Refresh(ctx)
	}
	return saved, snap, nil
}
