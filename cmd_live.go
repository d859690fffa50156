package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/sshclient"
)

// Reading a live pair for the one-shot commands (status, diff --pair):
// both devices dialled at once, logged in through the family's driver,
// read, and compared through backend/compare. The console's long-lived
// pairs (reconnect, refresh, events) are backend/pair's.

// liveOptions tune a read.
type liveOptions struct {
	// diff is what counts as a difference (masked secrets by default).
	diff diff.Options
	// prompt asks for a password the inventory says to prompt for; nil
	// leaves such a device unread.
	prompt func(who string) (string, error)
	// syncMap, when set, names the map in place of the inventory's.
	syncMap string
	// state: read the HA state and whether the running configuration
	// is saved too (status), not only the configuration (diff). The
	// HRP role of a Huawei member, which gives a pair's direction, comes
	// from its prompt either way.
	state bool
	// acceptNew accepts and records unknown host keys (--accept-new);
	// unknownHost asks about one otherwise (nil refuses it).
	acceptNew   bool
	unknownHost func(ctx context.Context, host string, key ssh.PublicKey) (bool, error)
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

// deviceRead is what one read of a device gave.
type deviceRead struct {
	name, address string
	tree          *config.Tree
	// role and ha are the HA role and its detail.
	role, ha                 string
	active                   bool
	savedDiffers, savedKnown bool
	// err is why the device was not read; nil when it was.
	err error
}

// pairRead is a read of both devices and their comparison.
type pairRead struct {
	devices [2]*deviceRead
	cmp     *compare.Comparison
	cmpErr  error
}

func (r *pairRead) close() {}

// readPair reads both devices of p at once, then compares them (the
// direction and the map from compare.Live).
func readPair(ctx context.Context, p *inventory.Pair, o liveOptions) *pairRead {
	r := &pairRead{}
	var wg sync.WaitGroup
	for i, d := range p.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.devices[i] = readDevice(ctx, d, o)
		}()
	}
	wg.Wait()
	a, b := r.devices[0], r.devices[1]
	switch {
	case a.err != nil && b.err != nil:
		r.cmpErr = errors.New(a.name + " and " + b.name + " not read")
	case a.err != nil:
		r.cmpErr = errors.New(a.name + " not read")
	case b.err != nil:
		r.cmpErr = errors.New(b.name + " not read")
	default:
		r.cmp, r.cmpErr = compare.Live(
			compare.Member{Name: a.name, Tree: a.tree, Active: a.active},
			compare.Member{Name: b.name, Tree: b.tree, Active: b.active},
			compare.LiveSpec{SyncMap: cmp.Or(o.syncMap, p.SyncMap), Source: p.Source}, o.diff)
	}
	return r
}

// sshConfig is how sshclient reaches d, from the inventory.
func sshConfig(d *inventory.Device, o liveOptions) sshclient.Config {
	cfg := sshclient.Config{
		Alias: d.SSHHost, Host: d.Address, Port: d.Port, User: d.User,
		AcceptNew: d.AcceptNew || o.acceptNew, OnUnknownHost: o.unknownHost,
		Agent:         d.Credentials.Agent,
		IdentityFiles: d.Credentials.IdentityFiles,
		Legacy: sshclient.Algorithms{
			KeyExchanges: d.SSH.KeyExchanges, Ciphers: d.SSH.Ciphers,
			MACs: d.SSH.MACs, HostKeys: d.SSH.HostKeyAlgorithms,
		},
		Timeout: d.Timeouts.Connect, KeepAlive: d.Timeouts.KeepAlive,
		ProxyJump: d.ProxyJump,
	}
	// The inventory's own known_hosts, beside the user's.
	if home, err := os.UserHomeDir(); err == nil {
		cfg.KnownHosts = append(cfg.KnownHosts, filepath.Join(home, ".ssh", "known_hosts"))
	}
	if d.KnownHosts != "" {
		cfg.KnownHosts = append(cfg.KnownHosts, d.KnownHosts)
		cfg.RecordKnownHosts = d.KnownHosts
	}
	if d.Credentials.HasPassword() {
		creds, name := d.Credentials, d.Name
		cfg.Password = func() (string, error) { return creds.Password(name, o.prompt) }
	}
	return cfg
}

// readDevice logs in to d and reads its running configuration, HA state
// and whether the running configuration is saved.
func readDevice(ctx context.Context, d *inventory.Device, o liveOptions) *deviceRead {
	r := &deviceRead{name: d.Name, address: net.JoinHostPort(d.Address, strconv.Itoa(d.Port))}
	if d.Address == "" {
		r.address = d.SSHHost
	}
	r.err = func() error {
		c, err := sshclient.Dial(ctx, sshConfig(d, o))
		if err != nil {
			return err
		}
		defer c.Close()
		sh, err := c.Shell(ctx, 512, 50)
		if err != nil {
			return err
		}
		defer sh.Close()
		s, err := device.Open(ctx, sh, device.Options{Family: d.Family, Flavor: d.Flavor, Name: d.Name, CommandTimeout: d.Timeouts.Command})
		if err != nil {
			return err
		}
		defer s.Close()
		text, err := s.Fetch(ctx, nil)
		if err != nil {
			return err
		}
		if r.tree, err = compare.Parse(d.Name, text, d.Family); err != nil {
			return err
		}
		r.active = s.Prompt().Role() == device.RoleActive
		if !o.state {
			return nil
		}
		ha, err := s.HA(ctx)
		if err != nil {
			return err
		}
		r.role, r.ha, r.active = haText(ha)
		if r.savedDiffers, err = s.SavedDiffersFrom(ctx, text); err == nil {
			r.savedKnown = true
		}
		return nil
	}()
	return r
}

// reason says in a few words why a device was not read.
func reason(err error) string {
	switch {
	case errors.Is(err, sshclient.ErrAuth):
		return "auth failed"
	case errors.Is(err, sshclient.ErrHostKeyMismatch):
		return "host key mismatch"
	case errors.Is(err, sshclient.ErrUnknownHost):
		return "unknown host key"
	case errors.Is(err, sshclient.ErrNegotiation):
		return "no common algorithm"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, sshclient.ErrUnreachable):
		// A failed TCP connect carries the network error; without one
		// the server accepted and closed before the SSH handshake: the
		// service is there and refuses.
		var ne *net.OpError
		if errors.As(err, &ne) {
			return "unreachable"
		}
		return "refused"
	case errors.Is(err, sshclient.ErrTimeout), errors.Is(err, device.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, sshclient.ErrConnectionLost), errors.Is(err, device.ErrConnectionLost):
		return "dropped"
	case errors.Is(err, device.ErrRejected):
		return "command rejected"
	case errors.Is(err, device.ErrQuestion):
		return "unexpected question"
	case errors.Is(err, inventory.ErrNoPassword):
		return "no password"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	var pe *config.ParseError
	if errors.As(err, &pe) {
		return "configuration not understood"
	}
	return "error"
}

// haText sums an HA state up for status: the role (VRRP "master",
// "backup" or "mixed"; HRP "active" or "standby") and its detail, and
// whether the device is the HRP active member.
func haText(h device.HAState) (role, detail string, active bool) {
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
		return role, strings.Join(d, ", "), h.Role == device.RoleActive
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
	return role, detail, false
}
