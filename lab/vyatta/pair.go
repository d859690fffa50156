package vyatta

import (
	"context"
	"time"

	"github.com/hasync/hasync/lab"
)

// PairOptions configure StartPair.
type PairOptions struct {
	// Dir is the state directory; it must be given (the command makes a
	// temporary one).
	Dir string
	// Lines is the size of the seeded configurations (DefaultSeedLines
	// when zero). A saved configuration in Dir wins over the seed.
	Lines int
	// Delay slows each output line.
	Delay time.Duration
	// Reject lists the path prefixes vra-b refuses on commit.
	Reject [][]string
	// Password of user vyatta; empty keeps the stored one or makes one.
	Password string
	// SSHAddrs and RESTAddrs are the listen addresses of vra-a and vra-b;
	// empty picks a free port on 127.0.0.1.
	SSHAddrs, RESTAddrs [2]string
	// ConfirmUnit is the commit-confirm minute (tests shorten it).
	ConfirmUnit time.Duration
	// Flavor is which device both members play: VRA / Vyatta 5600 (the
	// default) or VyOS; it sets `show version`, the commit-failure block,
	// the indent and the footer of `show configuration`.
	Flavor Flavor
	// PartialCommit makes both members commit per priority subtree (a
	// failing subtree is left out, the others apply); the default is all
	// or nothing.
	PartialCommit bool
	// Pager pages `show` output in interactive sessions (see
	// Options.Pager); the default is no pager.
	Pager bool
	// SSH is the login both members offer: algorithms, host keys, version
	// string, banner, keyboard-interactive (the zero value: the lab's
	// modern default).
	SSH lab.SSHLogin
	// Prelude, when set, gives each member (by name) the lab.Prelude run
	// before each interactive session's first prompt; one per member, so a
	// first-login question is asked once per device.
	Prelude func(device string) lab.Prelude
}

// Member is one running device of the pair and its servers.
type Member struct {
	Device  *Device
	Faults  *lab.Faults
	SSH     *lab.SSHServer
	RESTURL string
	// HAAddr is the address the peer's config-sync names it by.
	HAAddr string
	Sync   *ConfigSync
}

// Pair is a running emulated VRA pair: vra-a and vra-b with SSH and HTTPS
// REST on loopback, config-sync from vra-a to vra-b, and the state
// directory the product reads (inventory.yaml, known_hosts, id_ed25519,
// ca.pem).
type Pair struct {
	lab.PairState
	CAPath string
	A, B   *Member

	cancel context.CancelFunc
	stops  []func()
}

// StartPair starts both devices and writes the state directory.
func StartPair(ctx context.Context, o PairOptions) (p *Pair, err error) {
	st, err := lab.OpenPairState("vyatta pair", o.Dir, "vyatta", o.Password)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	p = &Pair{PairState: st, cancel: cancel}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	tlsFiles, err := lab.LoadTLS(o.Dir)
	if err != nil {
		return nil, err
	}
	p.CAPath = tlsFiles.CAPath
	seedA, seedB, err := SeedPair(o.Lines)
	if err != nil {
		return nil, err
	}
	// config-sync logs in to vra-b with the credentials of vra-a's
	// configuration, as the real device does: give it the lab's.
	if err := setPath(seedA.Root, []string{"system", "config-sync", "remote-router", SeedAddrB, "password", p.Password}, FlavorVRA); err != nil {
		return nil, err
	}

	names := [2]string{"vra-a", "vra-b"}
	haAddrs := [2]string{SeedAddrA, SeedAddrB}
	members := [2]*Member{}
	for i := range 2 {
		initial := seedA
		var reject [][]string
		if i == 1 {
			initial, reject = seedB, o.Reject
		}
		f := &lab.Faults{}
		d, err := New(Options{
			Name: names[i], User: p.User, Password: p.Password, StateDir: o.Dir,
			Delay: o.Delay, Reject: reject, Faults: f, ConfirmUnit: o.ConfirmUnit,
			Flavor: o.Flavor, PartialCommit: o.PartialCommit, Pager: o.Pager,
		}, initial)
		if err != nil {
			return nil, err
		}
		if err := lab.SaveIfMissing(d.bootPath(), d.Save); err != nil {
			return nil, err
		}
		m := &Member{Device: d, Faults: f, HAAddr: haAddrs[i]}
		members[i] = m
		restAddr := o.RESTAddrs[i]
		if restAddr == "" {
			restAddr = "127.0.0.1:0"
		}
		url, stop, err := ServeREST(ctx, d, restAddr, tlsFiles.ServerConfig(), RESTOptions{Faults: f})
		if err != nil {
			return nil, err
		}
		p.stops = append(p.stops, stop)
		m.RESTURL = url
		var prelude lab.Prelude
		if o.Prelude != nil {
			prelude = o.Prelude(names[i])
		}
		srv, err := p.ServeSSHLogin(names[i], o.SSHAddrs[i], f, d, o.SSH, prelude)
		if err != nil {
			return nil, err
		}
		p.stops = append(p.stops, func() { srv.Close() })
		m.SSH = srv
	}
	p.A, p.B = members[0], members[1]
	resolve := func(addr string) (string, bool) {
		for _, m := range members {
			if addr == m.HAAddr || addr == m.Device.Name() {
				return m.RESTURL, true
			}
		}
		return "", false
	}
	for _, m := range members {
		m.Sync = EnableConfigSync(m.Device, SyncOptions{Resolve: resolve, TLS: tlsFiles.ClientConfig()})
	}
	inv := lab.InventoryPair{Name: "lab-vyatta", Family: "vyatta"}
	for _, m := range p.Members() {
		dev := p.InventoryDevice(m.Device.Name(), "vyatta", m.SSH)
		dev.RESTURL, dev.CAFile = m.RESTURL, p.CAPath
		inv.Devices = append(inv.Devices, dev)
	}
	if err := p.WriteFiles(inv, p.A.SSH, p.B.SSH); err != nil {
		return nil, err
	}
	// known_hosts pins every host key the members present.
	if err := lab.WriteServerKnownHosts(p.Dir, p.A.SSH, p.B.SSH); err != nil {
		return nil, err
	}
	return p, nil
}

// Members returns vra-a and vra-b.
func (p *Pair) Members() []*Member { return []*Member{p.A, p.B} }

// Close stops every server of the pair.
func (p *Pair) Close() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
	p.cancel()
}
