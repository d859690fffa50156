package lab

import (
	"sync/atomic"
	"time"
)

// Faults are the knobs a test turns to make an emulated device misbehave.
// One Faults value is shared by every server of a device (SSH and REST), so a
// test flips a knob and the next request sees it. A nil *Faults is valid and
// means "no faults"; every method is safe for concurrent use.
type Faults struct {
	dropAfterLines atomic.Int64
	dropInCommit   atomic.Bool
	dropBefore     atomic.Bool
	delay          atomic.Int64 // a time.Duration
	refuse         atomic.Bool
	refuseSSH      atomic.Bool
	failAuth       atomic.Bool
	changedHostKey atomic.Bool
	cutHRP         atomic.Bool
}

// SetDropAfterLines makes every output stream started from now on (an SSH
// exec or shell, a REST op) drop its connection after n more lines; 0 turns
// it off. It models a link lost in the middle of a long output.
func (f *Faults) SetDropAfterLines(n int) {
	f.dropAfterLines.Store(int64(n))
}

// DropAfterLines returns the knob set by SetDropAfterLines.
func (f *Faults) DropAfterLines() int {
	if f == nil {
		return 0
	}
	return int(f.dropAfterLines.Load())
}

// SetDropInCommit makes a commit drop the client's connection after its
// first output line. The commit itself runs to its end on the device, as a
// real commit does when the terminal goes away: the client must re-read to
// learn the outcome.
func (f *Faults) SetDropInCommit(on bool) {
	f.dropInCommit.Store(on)
}

// DropInCommit returns the knob set by SetDropInCommit.
func (f *Faults) DropInCommit() bool {
	if f == nil {
		return false
	}
	return f.dropInCommit.Load()
}

// SetDropBeforeCommit makes the next commit (commit, commit-confirm)
// drop the client's connection when it arrives, before anything is
// applied: the configuration session's uncommitted changes are lost, as
// on a device whose link goes down then. It is one-shot: the commit after
// it runs normally, so a retry succeeds.
func (f *Faults) SetDropBeforeCommit(on bool) {
	f.dropBefore.Store(on)
}

// DropBeforeCommit returns the knob set by SetDropBeforeCommit.
func (f *Faults) DropBeforeCommit() bool {
	if f == nil {
		return false
	}
	return f.dropBefore.Load()
}

// TakeDropBeforeCommit turns the knob off and tells whether it was on:
// the commit that sees true drops the connection.
func (f *Faults) TakeDropBeforeCommit() bool {
	if f == nil {
		return false
	}
	return f.dropBefore.CompareAndSwap(true, false)
}

// SetRefuseSSH makes the SSH server alone close new connections at once
// (the REST API stays up): a device whose SSH cannot be reached while its
// REST API can, for the REST fallback.
func (f *Faults) SetRefuseSSH(on bool) {
	f.refuseSSH.Store(on)
}

// RefuseSSH tells whether the SSH server refuses: SetRefuse or
// SetRefuseSSH.
func (f *Faults) RefuseSSH() bool {
	if f == nil {
		return false
	}
	return f.refuse.Load() || f.refuseSSH.Load()
}

// SetDelay delays every response (SSH command, REST request) and every
// output line by d, on top of the device's own --delay.
func (f *Faults) SetDelay(d time.Duration) {
	f.delay.Store(int64(d))
}

// Delay returns the knob set by SetDelay.
func (f *Faults) Delay() time.Duration {
	if f == nil {
		return 0
	}
	return time.Duration(f.delay.Load())
}

// SetRefuse makes the servers close new connections at once, before any
// protocol exchange, as a device whose service is down.
func (f *Faults) SetRefuse(on bool) {
	f.refuse.Store(on)
}

// Refuse returns the knob set by SetRefuse.
func (f *Faults) Refuse() bool {
	if f == nil {
		return false
	}
	return f.refuse.Load()
}

// SetFailAuth makes every authentication fail, whatever the credentials.
func (f *Faults) SetFailAuth(on bool) {
	f.failAuth.Store(on)
}

// FailAuth returns the knob set by SetFailAuth.
func (f *Faults) FailAuth() bool {
	if f == nil {
		return false
	}
	return f.failAuth.Load()
}

// SetChangedHostKey makes the SSH server present a different host key from
// the one in known_hosts, as a device that was replaced or re-keyed.
func (f *Faults) SetChangedHostKey(on bool) {
	f.changedHostKey.Store(on)
}

// ChangedHostKey returns the knob set by SetChangedHostKey.
func (f *Faults) ChangedHostKey() bool {
	if f == nil {
		return false
	}
	return f.changedHostKey.Load()
}

// SetCutHRP cuts the HRP heartbeat link of a Huawei pair: both members lose
// their peer, and commands stop replicating until the knob is turned off and
// the link comes back.
func (f *Faults) SetCutHRP(on bool) {
	f.cutHRP.Store(on)
}

// CutHRP returns the knob set by SetCutHRP.
func (f *Faults) CutHRP() bool {
	if f == nil {
		return false
	}
	return f.cutHRP.Load()
}
