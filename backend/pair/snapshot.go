package pair

import (
	"time"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
)

// DeviceState is one member as last seen. Values are never changed after
// a Snapshot is published: a refresh makes new ones.
type DeviceState struct {
	Name string
	// Reachable: a session to the device is open now.
	Reachable bool
	// Err is the last dial or read error (nil when the last read went
	// through); Reason classifies it.
	Err    error
	Reason Reason
	// ConnectedAt is when the open session was made.
	ConnectedAt time.Time
	// Prompt is the device's prompt as last seen (HRP_M<FW-A>,
	// vyatta@vra-a:~$).
	Prompt string

	// HA is the device's HA state (VRRP groups, HRP role and flags);
	// HAErr why it could not be read.
	HA    device.HAState
	HAErr error
	// Sessions is the session count (Huawei; -1 when unknown or not
	// applicable); SessionsErr why it could not be read.
	Sessions    int
	SessionsErr error
	// SavedDiffers: the running configuration differs from the saved one;
	// SavedKnown false when it could not be read (SavedErr).
	SavedDiffers, SavedKnown bool
	SavedErr                 error

	// Config is the running configuration as fetched (the unambiguous
	// form), Tree parsed from it, FetchedAt when. After a failed read they
	// stay those of the last good fetch (FetchedAt tells their age); nil
	// before the first.
	Config    []byte
	Tree      *config.Tree
	FetchedAt time.Time
	// RESTRead: SSH could not be reached (Err says why) and the last
	// refresh read the configuration over the device's REST API instead
	// (inventory rest_url; DOMAIN.md "Vyatta REST API"); HA, sessions and
	// saved state are then not known. RESTErr is why that read failed.
	RESTRead bool
	RESTErr  error
}

// Snapshot is the state of a pair that every front end reads.
type Snapshot struct {
	Pair   string
	Family config.Family
	// Source is the device the inventory names as the sync's source.
	Source  string
	Devices [2]DeviceState
	// Compare is the comparison of the two configurations under the
	// pair's sync-map (compare.Live: for Vyatta the map is read from the
	// device whose system config-sync carries it, for Huawei the built-in
	// hrp of the active member); nil until both were fetched or when it
	// failed (CompareErr).
	Compare    *compare.Comparison
	CompareErr error
	// At is when the snapshot was made.
	At time.Time
}

// Device returns the member named name.
func (s *Snapshot) Device(name string) (*DeviceState, bool) {
	for i := range s.Devices {
		if s.Devices[i].Name == name {
			return &s.Devices[i], true
		}
	}
	return nil, false
}

// Reachable reports whether both members have an open session.
func (s *Snapshot) Reachable() bool { return s.Devices[0].Reachable && s.Devices[1].Reachable }

// InScope is the number of differences inside the sync-map's scope; -1
// when there is no comparison.
func (s *Snapshot) InScope() int {
	if s.Compare == nil {
		return -1
	}
	return s.Compare.Counts().InScope
}

// Stale reports whether the comparison rests on a configuration that the
// last refresh could not read again (its device is unreachable or its
// read failed): the front end should say so beside the counts.
func (s *Snapshot) Stale() bool {
	if s.Compare == nil {
		return false
	}
	for _, d := range s.Devices {
		if !d.Reachable || d.Err != nil {
			return true
		}
	}
	return false
}
