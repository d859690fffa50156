package lab

import (
	"sync"
	"time"
)

// Faults are the knobs a test turns to make an emulated device misbehave.
// One Faults value is shared by every server of a device (SSH and REST), so a
// test flips a knob and the next request sees it. A nil *Faults is valid and
// means "no faults"; every method is safe for concurrent use.
type Faults struct {
	mu             sync.Mutex
	dropAfterLines int
	dropInCommit   bool
	delay          time.Duration
	refuse         bool
	failAuth       bool
	changedHostKey bool
	cutHRP         bool
}

// SetDropAfterLines makes every output stream started from now on (an SSH
// exec or shell, a REST op) drop its connection after n more lines; 0 turns
// it off. It models a link lost in the middle of a long output.
func (f *Faults) SetDropAfterLines(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropAfterLines = n
}

// DropAfterLines returns the knob set by SetDropAfterLines.
func (f *Faults) DropAfterLines() int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropAfterLines
}

// SetDropInCommit makes a commit drop the client's connection after its
// first output line. The commit itself runs to its end on the device, as a
// real commit does when the terminal goes away: the client must re-read to
// learn the outcome.
func (f *Faults) SetDropInCommit(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropInCommit = on
}

// DropInCommit returns the knob set by SetDropInCommit.
func (f *Faults) DropInCommit() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropInCommit
}

// SetDelay delays every response (SSH command, REST request) and every
// output line by d, on top of the device's own --delay.
func (f *Faults) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// Delay returns the knob set by SetDelay.
func (f *Faults) Delay() time.Duration {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delay
}

// SetRefuse makes the servers close new connections at once, before any
// protocol exchange, as a device whose service is down.
func (f *Faults) SetRefuse(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = on
}

// Refuse returns the knob set by SetRefuse.
func (f *Faults) Refuse() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refuse
}

// SetFailAuth makes every authentication fail, whatever the credentials.
func (f *Faults) SetFailAuth(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAuth = on
}

// FailAuth returns the knob set by SetFailAuth.
func (f *Faults) FailAuth() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failAuth
}

// SetChangedHostKey makes the SSH server present a different host key from
// the one in known_hosts, as a device that was replaced or re-keyed.
func (f *Faults) SetChangedHostKey(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changedHostKey = on
}

// ChangedHostKey returns the knob set by SetChangedHostKey.
func (f *Faults) ChangedHostKey() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changedHostKey
}

// SetCutHRP cuts the HRP heartbeat link of a Huawei pair: both members lose
// their peer, and commands stop replicating until the knob is turned off and
// the link comes back.
func (f *Faults) SetCutHRP(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cutHRP = on
}

// CutHRP returns the knob set by SetCutHRP.
func (f *Faults) CutHRP() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cutHRP
}
