package vyatta

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ssh"

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
	Dir       string
	Inventory string // path of inventory.yaml
	User      string
	Password  string
	// PasswordCreated is true when the password was made now and should
	// be printed once.
	PasswordCreated bool
	ClientKey       ssh.Signer
	CAPath          string
	A, B            *Member

	cancel context.CancelFunc
	stops  []func()
}

// StartPair starts both devices and writes the state directory.
func StartPair(ctx context.Context, o PairOptions) (p *Pair, err error) {
	if o.Dir == "" {
		return nil, errors.New("vyatta pair: no state directory")
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("vyatta pair: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	p = &Pair{Dir: o.Dir, User: "vyatta", cancel: cancel}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.Password, p.PasswordCreated, err = lab.LoadOrCreatePassword(o.Dir, o.Password); err != nil {
		return nil, err
	}
	if p.ClientKey, err = lab.LoadOrCreateKey(filepath.Join(o.Dir, lab.ClientKeyFile)); err != nil {
		return nil, err
	}
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
	if err := setPath(seedA.Root, []string{"system", "config-sync", "remote-router", SeedAddrB, "password", p.Password}); err != nil {
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
		}, initial)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(d.bootPath()); errors.Is(err, os.ErrNotExist) {
			if err := d.Save(); err != nil {
				return nil, err
			}
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
		hostKey, err := lab.LoadOrCreateKey(filepath.Join(o.Dir, lab.HostKeyFile(names[i])))
		if err != nil {
			return nil, err
		}
		srv, err := lab.ServeSSH(lab.SSHOptions{
			Addr: o.SSHAddrs[i], HostKey: hostKey, User: p.User, Password: p.Password,
			AuthorizedKeys: []ssh.PublicKey{p.ClientKey.PublicKey()}, Faults: f, Handler: d,
		})
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
	if err := p.writeFiles(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Pair) writeFiles() error {
	var hosts []lab.KnownHost
	inv := lab.InventoryPair{Name: "lab-vyatta", Family: "vyatta"}
	for _, m := range []*Member{p.A, p.B} {
		key := m.SSH.HostKey()
		hosts = append(hosts, lab.KnownHost{Addr: m.SSH.Addr(), Key: key})
		inv.Devices = append(inv.Devices, lab.InventoryDevice{
			Name: m.Device.Name(), Family: "vyatta", Address: "127.0.0.1", Port: m.SSH.Port(),
			User: p.User, PasswordEnv: lab.PasswordEnv,
			KeyFile:    filepath.Join(p.Dir, lab.ClientKeyFile),
			KnownHosts: filepath.Join(p.Dir, lab.KnownHostsFile),
			RESTURL:    m.RESTURL, CAFile: p.CAPath,
		})
	}
	if err := lab.WriteKnownHosts(filepath.Join(p.Dir, lab.KnownHostsFile), hosts); err != nil {
		return err
	}
	p.Inventory = filepath.Join(p.Dir, lab.InventoryFile)
	return lab.WriteInventory(p.Inventory, lab.Inventory{Pairs: []lab.InventoryPair{inv}})
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
