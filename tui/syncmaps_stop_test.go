package tui

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hasync/hasync/backend/audit"
)

// TestSaveStopCause: a save stopped before its commit says what stopped
// it (esc, or the served session's lost right to write) and is audited
// cancelled; one stopped after it, or failed otherwise, is not.
func TestSaveStopCause(t *testing.T) {
	for _, c := range []struct {
		cause error
		want  string
	}{{errStopEsc, "esc"}, {nil, "esc"}, {errors.New("its key's role is now viewer"), "its key's role is now viewer"}} {
		ctx, stop := context.WithCancelCause(context.Background())
		stop(c.cause)
		if got := (&mapSave{ctx: ctx}).stopWhy(); got != c.want {
			t.Errorf("stopped with %v: says %q, want %q", c.cause, got, c.want)
		}
	}
	stopped := fmt.Errorf("%w before the commit (esc): vra-a's sync-map M is as it was (re-read)", errSaveStopped)
	for _, c := range []struct {
		err       error
		committed bool
		want      audit.Result
	}{
		{stopped, false, audit.Cancelled},
		{stopped, true, audit.Unverified},
		{errors.New("stopped (esc): neither as it was nor as staged"), false, audit.Failed},
		{fmt.Errorf("x: %w", errMapChanged), false, audit.Stale},
	} {
		if got := saveResult(c.err, c.committed); got != c.want {
			t.Errorf("%v (committed %v): audited %q, want %q", c.err, c.committed, got, c.want)
		}
	}
}

// TestSaveStopBeforeCommit: a save is stopped before its commit is sent,
// never after (trial 13d D1), by esc as by a demotion.
func TestSaveStopBeforeCommit(t *testing.T) {
	ctx, stop := context.WithCancelCause(context.Background())
	s := &saveStop{stop: stop, dev: "vra-a"}
	s.commit()
	if s.beforeCommit(errStopEsc) || ctx.Err() != nil {
		t.Error("a save whose commit was sent was stopped")
	}
	ctx, stop = context.WithCancelCause(context.Background())
	s = &saveStop{stop: stop, dev: "vra-a"}
	if !s.beforeCommit(errStopEsc) || context.Cause(ctx) != errStopEsc {
		t.Errorf("a save before its commit was not stopped: %v", context.Cause(ctx))
	}
}
