package huawei

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hasync/hasync/lab"
)

// PairOptions configure StartPair.
type PairOptions struct {
	// Dir is the state directory; it must be given.
	Dir string
	// Lines is the size of the seeded configurations (DefaultSeedLines
	// when zero). A saved configuration in Dir wins over the seed.
	Lines int
	// Sessions is the number of sessions in FW-A's session table.
	Sessions int
	// Delay slows each output line.
	Delay time.Duration
	// Password of user admin; empty keeps the stored one or makes one.
	Password string
	// SSHAddrs are the listen addresses of FW-A and FW-B; empty picks a
	// free port on 127.0.0.1.
	SSHAddrs [2]string
	// HRP configures the link; its Faults default to the pair's own.
	HRP HRPOptions
	// Clock is both devices' and the link's time; nil is the wall clock.
	Clock Clock
	// Failover fails the pair over once HRP is up: FW-B becomes active.
	Failover bool
	// DualActive starts the pair with the dual-active fault on.
	DualActive bool
	// SSH is the login both members offer: algorithms, host keys,
	// version, banner, keyboard-interactive (lab.SSHLogin; the zero value
	// is the lab's default).
	SSH lab.SSHLogin
	// Prelude, when set, gives each member (by name) the lab.Prelude run
	// before its CLI on an interactive login; it wins over FirstLogin.
	Prelude func(device string) lab.Prelude
	// FirstLogin makes each member ask, at each user's first interactive
	// login, whether to change the password (FirstLoginQuestion; a bare
	// Enter asks again, Y changes the password on that device as
	// FirstLoginPrelude says, N goes on), and print the login time after
	// the `Info:` line.
	FirstLogin bool
	// Users are more logins on each member's SSH port besides admin, each
	// with its own password and keys (lab.SSHUser); a password changed at
	// a first login is kept per device as admin's is.
	Users []lab.SSHUser
	// ScreenLengthRefused gives admin a level that refuses `screen-length
	// ... temporary`, so long output must be paged through.
	ScreenLengthRefused bool
}

// FirstLoginQuestion is the question of PairOptions.FirstLogin.
const FirstLoginQuestion = "The password needs to be changed. Change now? [Y/N]: "

// The password change of the first login, as VRP's `local-user
// change-password` asks it (the prompts and the success line are VRP's;
// the two refusals are the lab's own words: DOMAIN.md does not give them).
const (
	PromptOldPassword     = "Please enter old password: "
	PromptNewPassword     = "Please enter new password: "
	PromptConfirmPassword = "Please confirm new password: "
	InfoPasswordChanged   = "Info: The password is changed successfully."
	ErrOldPassword        = "Error: The old password is incorrect."
	ErrPasswordMismatch   = "Error: The new password and the confirmed password are different."
	ErrPasswordEmpty      = "Error: The new password cannot be empty."
)

// FirstLoginPrelude is the prelude of PairOptions.FirstLogin for device
// whose state directory is dir: the password question at each user's
// first interactive login, unless the user changed the password on it
// before. Answered Y, it asks the old password, the new one and its
// confirmation without echoing them; a wrong old password, a mismatch or
// an empty new one is refused with its error line and the login goes on
// with the password unchanged (as a device does for a password that is
// not the factory default), and the next login asks again; ^C at a
// password prompt ends the change the same way, without a line; N is not
// asked again. Else the new password is the user's on this
// device from the next login on, kept in the state directory
// (lab.DevicePasswordFile), so a restart keeps it; the peer's is
// unchanged, as user databases are per device.
func FirstLoginPrelude(dir, device string) lab.Prelude {
	var (
		mu    sync.Mutex
		asked = map[string]bool{}
	)
	return func(ctx context.Context, user string, t lab.Terminal) error {
		if _, err := os.Stat(filepath.Join(dir, lab.DevicePasswordFile(device, user))); err == nil {
			return nil // changed already: not asked again
		}
		mu.Lock()
		first := !asked[user]
		asked[user] = true
		mu.Unlock()
		if !first {
			return nil
		}
		yes, err := lab.AskYN(t, FirstLoginQuestion)
		if err != nil || !yes {
			return err
		}
		msg, err := changePassword(ctx, dir, device, user, t)
		if errors.Is(err, lab.ErrInterrupted) {
			// ^C ends the change: the login goes on, the password stays,
			// the next login asks again.
			mu.Lock()
			delete(asked, user)
			mu.Unlock()
			return nil
		}
		if err != nil {
			return err
		}
		if msg != InfoPasswordChanged {
			// Refused: the next login asks again.
			mu.Lock()
			delete(asked, user)
			mu.Unlock()
		}
		_, err = io.WriteString(t, msg+"\n")
		return err
	}
}

// changePassword asks the old password, the new one and its confirmation
// without echoing them, and changes the password when they hold; it
// returns the line the device answers with.
func changePassword(ctx context.Context, dir, device, user string, t lab.Terminal) (string, error) {
	var answers [3]string
	for i, q := range []string{PromptOldPassword, PromptNewPassword, PromptConfirmPassword} {
		if _, err := io.WriteString(t, q); err != nil {
			return "", err
		}
		a, err := lab.ReadSecret(t)
		if err != nil {
			return "", err
		}
		answers[i] = a
	}
	old, pw, confirm := answers[0], answers[1], answers[2]
	srv := lab.ServerOf(ctx)
	switch {
	case srv == nil || !srv.CheckPassword(user, old):
		return ErrOldPassword, nil
	case pw != confirm:
		return ErrPasswordMismatch, nil
	case pw == "":
		return ErrPasswordEmpty, nil
	}
	if err := lab.ChangePassword(ctx, dir, device, user, pw); err != nil {
		return "", err
	}
	return InfoPasswordChanged, nil
}

// Member is one running device of the pair and its SSH server.
type Member struct {
	Device *Device
	Faults *lab.Faults
	SSH    *lab.SSHServer
}

// Pair is a running emulated USG pair: FW-A (configuration-active) and
// FW-B (standby) with SSH on loopback, HRP between them, and the state
// directory the product reads (inventory.yaml, known_hosts, id_ed25519).
type Pair struct {
	lab.PairState
	A, B *Member
	HRP  *HRPLink
	// Faults are the pair's own knobs: SetCutHRP on them cuts the link.
	Faults *lab.Faults

	stops []func()
}

// StartPair starts both devices, links them with HRP and writes the state
// directory. The HRP link comes up in the background (HRP.WaitUp).
func StartPair(ctx context.Context, o PairOptions) (p *Pair, err error) {
	st, err := lab.OpenPairState("huawei pair", o.Dir, "admin", o.Password)
	if err != nil {
		return nil, err
	}
	p = &Pair{PairState: st, Faults: o.HRP.Faults}
	if p.Faults == nil {
		p.Faults = &lab.Faults{}
		o.HRP.Faults = p.Faults
	}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	seedA, seedB, err := SeedPair(o.Lines)
	if err != nil {
		return nil, err
	}
	names := [2]string{"FW-A", "FW-B"}
	members := [2]*Member{}
	for i := range 2 {
		initial, sessions := seedA, o.Sessions
		if i == 1 {
			initial, sessions = seedB, 0
		}
		f := &lab.Faults{}
		d, err := New(Options{
			Name: names[i], User: p.User, Password: p.Password, StateDir: o.Dir,
			Delay: o.Delay, Faults: f, Sessions: sessions, Clock: o.Clock,
			LoginTime: o.FirstLogin, ScreenLengthRefused: o.ScreenLengthRefused,
		}, initial)
		if err != nil {
			return nil, err
		}
		if err := lab.SaveIfMissing(d.SavedPath(), d.Save); err != nil {
			return nil, err
		}
		var prelude lab.Prelude
		switch {
		case o.Prelude != nil:
			prelude = o.Prelude(names[i])
		case o.FirstLogin:
			prelude = FirstLoginPrelude(o.Dir, names[i])
		}
		srv, err := p.ServeSSHLogin(names[i], o.SSHAddrs[i], f, d, o.SSH, prelude, o.Users...)
		if err != nil {
			return nil, err
		}
		p.stops = append(p.stops, func() { srv.Close() })
		members[i] = &Member{Device: d, Faults: f, SSH: srv}
	}
	p.A, p.B = members[0], members[1]
	if p.HRP, err = Link(ctx, p.A.Device, p.B.Device, o.HRP); err != nil {
		return nil, err
	}
	p.stops = append(p.stops, func() { p.HRP.Close() })
	if o.DualActive {
		p.HRP.SetDualActive(true)
	}
	if o.Failover {
		wctx, cancel := context.WithCancel(ctx)
		p.stops = append(p.stops, cancel)
		go func() {
			if p.HRP.WaitUp(wctx) == nil {
				p.HRP.Failover()
			}
		}()
	}
	inv := lab.InventoryPair{Name: "lab-huawei", Family: "huawei"}
	for _, m := range p.Members() {
		inv.Devices = append(inv.Devices, p.InventoryDevice(m.Device.Name(), "huawei", m.SSH))
	}
	if err := p.WriteFiles(inv, p.A.SSH, p.B.SSH); err != nil {
		return nil, err
	}
	// Every host key of both members, not only the primary ones.
	if err := lab.WriteServerKnownHosts(p.Dir, p.A.SSH, p.B.SSH); err != nil {
		return nil, err
	}
	return p, nil
}

// Members returns FW-A and FW-B.
func (p *Pair) Members() []*Member { return []*Member{p.A, p.B} }

// Close stops HRP and every server of the pair.
func (p *Pair) Close() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
}
