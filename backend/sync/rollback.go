package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
)

// ErrNoRollback: there is no sync to roll back (none recorded, or the
// last one did not change the target, or its kept configuration is gone).
var ErrNoRollback = errors.New("nothing to roll back")

// fixedSource is a source that is a kept configuration, not a device.
type fixedSource struct {
	text []byte
	tree *config.Tree
}

// PrepareRollback plans the inverse of the pair's last sync: from what
// the target holds now back to the configuration kept before that sync
// (Result.Previous), within the pair's map. It is checked against the
// audit record: the last sync record of the pair must be one that changed
// the target and read it again after (TargetAfter: a verified sync, or
// one that ended with unexpected differences, a partial commit, a changed
// source), whose target still holds exactly what the sync left;
// otherwise ErrStale (the target changed since) or ErrNoRollback (with
// the reason), and always ErrPushRefused on a Huawei pair, before any
// read. Apply runs the plan as any sync (lock, stale check,
// verification, audit).
func PrepareRollback(ctx context.Context, p *pair.Pair, o Options) (*Prepared, error) {
	_, auditDir, err := dirs(o)
	if err != nil {
		return nil, err
	}
	log, err := audit.Open(auditDir)
	if err != nil {
		return nil, err
	}
	name := p.Name()
	rec, ok, err := log.Last(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("pair %s: %w: no sync recorded for this pair", name, ErrNoRollback)
	}
	if p.Spec().Family == config.Huawei {
		// Refused before any read: a rollback is a push onto the target,
		// the HRP standby, which takes configuration only with hrp
		// standby config enable, and then HRP backs what is typed up to
		// the active member, changing the source too (DOMAIN.md "HRP";
		// review 15: offered, it never applied).
		return nil, fmt.Errorf("pair %s: %w: a rollback is a push onto %s, the HRP standby: it takes configuration only with hrp standby config enable, and with it HRP would back the rollback up to the active member, changing it too; change the active member and sync again from it instead",
			name, ErrPushRefused, rec.Target)
	}
	if rec.Result == audit.Committing {
		return nil, fmt.Errorf("pair %s: %w: the last sync (%s) ended after its commit was sent and before it was verified: what %s holds is not known; compare the pair (hasync diff --pair %s)",
			name, ErrNoRollback, rec.Time.UTC().Format(time.RFC3339), rec.Target, name)
	}
	switch rec.Result {
	case audit.Cancelled, audit.Refused, audit.Stale:
		return nil, fmt.Errorf("pair %s: %w: the last recorded sync (%s, result %s) did not change the target", name, ErrNoRollback, rec.Time.UTC().Format(time.RFC3339), rec.Result)
	}
	switch {
	case rec.Counts.Commands == 0:
		return nil, fmt.Errorf("pair %s: %w: the last recorded sync (%s) sent nothing", name, ErrNoRollback, rec.Time.UTC().Format(time.RFC3339))
	case rec.Previous == "" || rec.TargetAfter == "":
		// A sync that failed before its change was read again (the
		// link lost): what the target holds is not known.
		return nil, fmt.Errorf("pair %s: %w: the last recorded sync (%s, result %s) has no read of %s after its change: compare the pair (hasync diff --pair %s)",
			name, ErrNoRollback, rec.Time.UTC().Format(time.RFC3339), rec.Result, rec.Target, name)
	}
	text, err := os.ReadFile(rec.Previous)
	if err != nil {
		return nil, fmt.Errorf("pair %s: %w: %v", name, ErrNoRollback, err)
	}
	snap, _ := p.Refresh(ctx)
	if err := readable(snap); err != nil {
		return nil, err
	}
	tgt, ok := snap.Device(rec.Target)
	if !ok {
		return nil, fmt.Errorf("pair %s has no device %q (the audit's target)", name, rec.Target)
	}
	if textHash(tgt.Config) != rec.TargetAfter {
		return nil, fmt.Errorf("pair %s: %w: %s changed since the sync of %s; a rollback would undo those changes too",
			name, ErrStale, rec.Target, rec.Time.UTC().Format(time.RFC3339))
	}
	if snap.CompareErr != nil {
		return nil, snap.CompareErr
	}
	label := "previous configuration of " + rec.Target + " (before the sync of " + rec.Time.UTC().Format(time.RFC3339) + ")"
	prev, err := compare.Parse(label, text, snap.Family)
	if err != nil {
		return nil, err
	}
	cmp, err := compare.New(prev, tgt.Tree, snap.Compare.Map, snap.Compare.Map.Name+" (rollback)", snap.Compare.Diff)
	if err != nil {
		return nil, err
	}
	pl, err := cmp.Plan(plan.Push)
	if err != nil {
		return nil, err
	}
	pl.Stamp(basis(text), basis(tgt.Config))
	prep := &Prepared{Pair: name, Family: snap.Family, Source: label, Target: rec.Target, Plan: pl, Comparison: cmp,
		targetText: slices.Clone(tgt.Config), fixed: &fixedSource{text: text, tree: prev}, Rollback: true}
	prep.Transport, prep.TransportWhy = transport(p.Spec(), snap, rec.Target, false)
	_, cerr := pl.Check(tgt.Tree)
	prep.Warnings = slices.Clone(pl.Warnings)
	return prep, cerr
}
