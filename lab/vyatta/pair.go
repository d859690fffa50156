package vyatta

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hasync/hasync/lab"
	"golang.org/x/crypto/ssh"
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
	// VRRPFailover starts the pair failed over: vra-a's VRRP is in
	// FAULT, so vra-b is master of every group (--vrrp-failover).
	VRRPFailover bool
	// Now is both devices' clock (nil: the wall clock).
	Now func() time.Time
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

	// The second login user, outside the secrets group: its password
	// and key are kept in the state directory.
	opPass, err := operatorPassword(o.Dir)
	if err != nil {
		return nil, err
	}
	opKey, err := lab.LoadOrCreateKey(filepath.Join(o.Dir, OperatorKeyFile))
	if err != nil {
		return nil, err
	}
	accounts := []Account{{Name: OperatorUser, Password: opPass}}
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
			Flavor: o.Flavor, PartialCommit: o.PartialCommit, Pager: o.Pager, Accounts: accounts, Now: o.Now,
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
		// The operator logs in on the same port as vyatta, with its own
		// key and password, as a second user of a real device does.
		srv, err := p.ServeSSHLogin(names[i], o.SSHAddrs[i], f, d, o.SSH, prelude,
			lab.SSHUser{Name: OperatorUser, Password: opPass, AuthorizedKeys: []ssh.PublicKey{opKey.PublicKey()}})
		if err != nil {
			return nil, err
		}
		p.stops = append(p.stops, func() { srv.Close() })
		m.SSH = srv
	}
	p.A, p.B = members[0], members[1]
	LinkVRRP(p.A.Device, p.B.Device)
	if o.VRRPFailover {
		p.A.Device.SetVRRPFault(true)
	}
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
	inv := lab.InventoryPair{Name: "lab-vyatta", Family: "vyatta", SyncMap: SeedSyncMap}
	flavor := o.Flavor
	if flavor == "" {
		flavor = FlavorVRA
	}
	for _, m := range p.Members() {
		dev := p.InventoryDevice(m.Device.Name(), "vyatta", m.SSH)
		dev.RESTURL, dev.CAFile = m.RESTURL, p.CAPath
		dev.Flavor = string(flavor)
		inv.Devices = append(inv.Devices, dev)
	}
	servers := []*lab.SSHServer{p.A.SSH, p.B.SSH}
	if err := p.WriteFiles(inv, servers...); err != nil {
		return nil, err
	}
	// known_hosts pins every host key the members present.
	if err := lab.WriteServerKnownHosts(p.Dir, servers...); err != nil {
		return nil, err
	}
	return p, nil
}

// VRRPFailover moves mastership as a failure of the master does: the
// member that is master of a group now goes to FAULT (its VRRP fails), the
// other's fault, if any, clears, and the other takes over. Called again,
// it moves mastership back.
func (p *Pair) VRRPFailover() {
	from, to := p.A.Device, p.B.Device
	if !vrrpMasterOfAny(from) && vrrpMasterOfAny(to) {
		from, to = to, from
	}
	l := from.link()
	l.mu.Lock()
	l.fault[to], l.fault[from] = false, true
	l.mu.Unlock()
	l.resolve()
}

// Failover is VRRPFailover, for `hasync lab fault ... failover`.
func (p *Pair) Failover() { p.VRRPFailover() }

func vrrpMasterOfAny(d *Device) bool {
	l := d.link()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.state[d] {
		if e.state == VRRPMaster {
			return true
		}
	}
	return false
}

// OperatorUser is the lab's second login user, outside the secrets group,
// on the same SSH port as vyatta (key DIR/operator_ed25519, password
// DIR/operator.password).
const OperatorUser = "operator"

// OperatorKeyFile is the operator's client key in the state directory.
const OperatorKeyFile = "operator_ed25519"

// OperatorPasswordFile is the operator's password in the state directory.
const OperatorPasswordFile = OperatorUser + ".password"

// operatorPassword loads or makes the operator's password, kept in
// DIR/operator.password (0600).
func operatorPassword(dir string) (string, error) {
	path := filepath.Join(dir, OperatorPasswordFile)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	var raw [12]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	pw := hex.EncodeToString(raw[:])
	return pw, os.WriteFile(path, []byte(pw+"\n"), 0o600)
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
