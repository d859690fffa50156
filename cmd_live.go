package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
)

// Reading a live pair for the commands (status, diff --pair): backend/pair
// dials both devices at once, logs in through the family's driver, reads
// them and compares them (compare.Live). diff --pair refreshes it once;
// status keeps it across --watch reads. The console keeps its pairs
// running.

// liveOptions tune a read.
type liveOptions struct {
	// diff is what counts as a difference.
	diff diff.Options
	// prompt asks for a password the inventory says to prompt for; nil
	// leaves such a device unread.
	prompt func(who string) (string, error)
	// syncMap, when set, names the map in place of the inventory's.
	syncMap string
	// state: read and show the HA state, whether the running
	// configuration is saved and the session count (status); without it
	// only the configurations are read (diff --pair: pair.ConfigOnly,
	// the HRP role taken from the prompt).
	state bool
	// acceptNew accepts and records unknown host keys (--accept-new);
	// unknownHost asks about one otherwise (nil refuses it).
	acceptNew   bool
	unknownHost func(ctx context.Context, host string, key ssh.PublicKey) (bool, error)
}

// deviceRead is what one read of a device gave.
type deviceRead struct {
	name, address string
	// role and ha are the HA role and its detail.
	role, ha                 string
	savedDiffers, savedKnown bool
	// sessions is the firewall session count, -1 when not read.
	sessions int
	// err is why the device was not read; nil when it was.
	err error
}

// pairRead is a read of both devices and their comparison.
type pairRead struct {
	devices [2]*deviceRead
	cmp     *compare.Comparison
	cmpErr  error
}

// terminal asks the user on the controlling terminal, one question at a
// time (several devices are read at once): a password without echo, and
// whether to accept an unknown host key. Without a terminal it has no
// questions: such a password is missing and such a key refused.
type terminal struct {
	mu  sync.Mutex
	tty *os.File
}

// openTerminal opens /dev/tty when standard input is a terminal; nil
// otherwise.
func openTerminal() *terminal {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	return &terminal{tty: tty}
}

func (t *terminal) close() {
	if t != nil {
		t.tty.Close()
	}
}

// options sets the questions of o that t can ask.
func (t *terminal) options(o liveOptions) liveOptions {
	if t == nil {
		return o
	}
	o.prompt = t.password
	if !o.acceptNew {
		o.unknownHost = t.unknownHost
	}
	return o
}

func (t *terminal) password(who string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.tty, "%s: password: ", who)
	b, err := term.ReadPassword(int(t.tty.Fd()))
	fmt.Fprintln(t.tty)
	return string(b), err
}

func (t *terminal) unknownHost(_ context.Context, host string, key ssh.PublicKey) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.tty, "hasync: %s presents a host key no known_hosts file lists:\n  %s %s\nAccept it and record it? [y/N] ", host, key.Type(), ssh.FingerprintSHA256(key))
	line, err := bufio.NewReader(t.tty).ReadString('\n')
	if err != nil {
		return false, err
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

// newLivePair is the backend/pair of the inventory's pair p.
func newLivePair(p *inventory.Pair, o liveOptions) *pair.Pair {
	spec := *p
	if o.syncMap != "" {
		spec.SyncMap = o.syncMap
	}
	return pair.New(&spec, pair.Options{
		Prompt: o.prompt, Diff: o.diff, ConfigOnly: !o.state,
		AcceptNew: o.acceptNew, OnUnknownHost: o.unknownHost,
	})
}

// readPair reads both devices of p at once and compares them, once.
func readPair(ctx context.Context, p *inventory.Pair, o liveOptions) *pairRead {
	lp := newLivePair(p, o)
	defer lp.Close()
	snap, _ := lp.Refresh(ctx)
	return fromSnapshot(p, snap, o.state)
}

// fromSnapshot is what the commands show of a snapshot of p.
func fromSnapshot(p *inventory.Pair, snap *pair.Snapshot, state bool) *pairRead {
	r := &pairRead{cmp: snap.Compare, cmpErr: snap.CompareErr}
	var unread []string
	for i, ds := range snap.Devices {
		dev := p.Devices[i]
		d := &deviceRead{name: ds.Name, address: dev.Target(), sessions: -1}
		if dev.Address != "" {
			d.address = net.JoinHostPort(dev.Address, strconv.Itoa(dev.Port))
		}
		switch {
		case !ds.Reachable:
			d.err = ds.Err
			if d.err == nil {
				d.err = errors.New("not connected")
			}
		case ds.Tree == nil && ds.Err != nil:
			// Logged in, but the configuration read was not understood.
			d.err = ds.Err
		}
		if d.err != nil {
			unread = append(unread, d.name)
		}
		if state && ds.HAErr == nil && d.err == nil {
			d.role, d.ha = haText(ds.HA)
		}
		d.savedDiffers, d.savedKnown = ds.SavedDiffers, ds.SavedKnown && d.err == nil
		if state && ds.SessionsErr == nil && d.err == nil && ds.Sessions >= 0 {
			d.sessions = ds.Sessions
		}
		r.devices[i] = d
	}
	if r.cmp == nil && r.cmpErr == nil && len(unread) > 0 {
		r.cmpErr = errors.New(strings.Join(unread, " and ") + " not read")
	}
	return r
}

// haText sums an HA state up for status: the role (VRRP "master",
// "backup" or "mixed"; HRP "active" or "standby") and its detail.
func haText(h device.HAState) (role, detail string) {
	if h.HRP != nil {
		role = h.Role.String()
		var d []string
		if h.HRP.Core != "" {
			d = append(d, "core state "+h.HRP.Core)
		}
		if h.HRP.PeerRole != "" {
			d = append(d, "peer "+h.HRP.PeerRole)
		}
		same, checked := true, false
		for _, r := range h.HRP.Check {
			checked = true
			same = same && r.Same()
		}
		switch {
		case checked && same:
			d = append(d, "configuration check: same")
		case checked:
			d = append(d, "configuration check: differs")
		}
		return role, strings.Join(d, ", ")
	}
	switch h.Role {
	case device.RoleActive:
		role = "master"
	case device.RoleStandby:
		role = "backup"
	case device.RoleMixed:
		role = "mixed"
	default:
		role = "no VRRP"
	}
	var groups []string
	for _, g := range h.VRRP {
		groups = append(groups, g.Interface+"/"+g.Group+" "+g.State)
	}
	if len(groups) > 0 {
		detail = "VRRP " + strings.Join(groups, ", ")
	}
	return role, detail
}
