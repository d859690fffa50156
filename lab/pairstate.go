package lab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/crypto/ssh"
)

// ErrNoStateDir is a pair started without a state directory.
var ErrNoStateDir = errors.New("no state directory")

// PairState is what both devices of a lab pair share in its state
// directory: the login (user, password, client key) and, once written, the
// inventory that tells the product how to reach them.
type PairState struct {
	Dir       string
	Inventory string // path of inventory.yaml
	User      string
	Password  string
	// PasswordCreated is true when the password was made now and should
	// be printed once.
	PasswordCreated bool
	ClientKey       ssh.Signer
}

// OpenPairState makes the state directory dir when it is missing, and
// loads the pair's password (password when not empty, else the stored one,
// else a new one) and client key. who names the pair in errors.
func OpenPairState(who, dir, user, password string) (PairState, error) {
	s := PairState{Dir: dir, User: user}
	if dir == "" {
		return s, fmt.Errorf("%s: %w", who, ErrNoStateDir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return s, fmt.Errorf("%s: %w", who, err)
	}
	var err error
	if s.Password, s.PasswordCreated, err = LoadOrCreatePassword(dir, password); err != nil {
		return s, err
	}
	if s.ClientKey, err = LoadOrCreateKey(filepath.Join(dir, ClientKeyFile)); err != nil {
		return s, err
	}
	return s, nil
}

// SaveIfMissing calls save when path does not exist yet, so a first start
// leaves the seeded configuration in the state directory and a restart
// keeps what was saved.
func SaveIfMissing(path string, save func() error) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return save()
	}
	return nil
}

// ServeSSH serves device name's CLI h on addr (a free loopback port when
// empty) with the device's host key from the state directory, accepting
// the pair's user with the client key or the password.
func (s *PairState) ServeSSH(name, addr string, f *Faults, h Handler) (*SSHServer, error) {
	hostKey, err := LoadOrCreateKey(filepath.Join(s.Dir, HostKeyFile(name)))
	if err != nil {
		return nil, err
	}
	return ServeSSH(SSHOptions{
		Addr: addr, HostKey: hostKey, User: s.User, Password: s.Password,
		AuthorizedKeys: []ssh.PublicKey{s.ClientKey.PublicKey()}, Faults: f, Handler: h,
	})
}

// InventoryDevice is the inventory entry of device name served by srv,
// logged in as the pair's user with the client key, the password named by
// PasswordEnv or kept in the password file, and the host key pinned in
// known_hosts. A server that offers legacy algorithms only gets them opted
// in; keyboard-interactive needs nothing here (the product answers its
// password prompt with the same password).
func (s *PairState) InventoryDevice(name, family string, srv *SSHServer) InventoryDevice {
	return InventoryDevice{
		Name: name, Family: family, Address: "127.0.0.1", Port: srv.Port(),
		User: s.User, PasswordEnv: PasswordEnv,
		PasswordFile: filepath.Join(s.Dir, PasswordFile),
		KeyFile:      filepath.Join(s.Dir, ClientKeyFile),
		KnownHosts:   filepath.Join(s.Dir, KnownHostsFile),
		SSH:          inventorySSH(srv.o.Login),
	}
}

// inventorySSH are the algorithms a client must opt in to log in to a
// server with login l: nil for the lab's modern default.
func inventorySSH(l SSHLogin) *InventorySSH {
	var a InventorySSH
	if l.Legacy {
		a.KeyExchanges = append([]string(nil), LegacyKeyExchanges...)
		a.Ciphers = append([]string(nil), LegacyCiphers...)
		a.MACs = append([]string(nil), LegacyMACs...)
	}
	if len(l.KeyExchanges) > 0 {
		a.KeyExchanges = append([]string(nil), l.KeyExchanges...)
	}
	if len(l.Ciphers) > 0 {
		a.Ciphers = append([]string(nil), l.Ciphers...)
	}
	if len(l.MACs) > 0 {
		a.MACs = append([]string(nil), l.MACs...)
	}
	// A legacy server signs with its RSA key by ssh-rsa (SHA-1) only.
	if l.Legacy && slices.Contains(l.hostKeyTypes(), HostKeyRSA) {
		a.HostKeyAlgorithms = []string{ssh.KeyAlgoRSA}
	}
	if a.KeyExchanges == nil && a.Ciphers == nil && a.MACs == nil && a.HostKeyAlgorithms == nil {
		return nil
	}
	return &a
}

// WriteFiles writes known_hosts with the host keys of servers and
// inventory.yaml with pair, and sets Inventory to the latter's path.
func (s *PairState) WriteFiles(pair InventoryPair, servers ...*SSHServer) error {
	var hosts []KnownHost
	for _, srv := range servers {
		hosts = append(hosts, KnownHost{Addr: srv.Addr(), Key: srv.HostKey()})
	}
	if err := WriteKnownHosts(filepath.Join(s.Dir, KnownHostsFile), hosts); err != nil {
		return err
	}
	s.Inventory = filepath.Join(s.Dir, InventoryFile)
	pair.Complete()
	return WriteInventory(s.Inventory, Inventory{Pairs: []InventoryPair{pair}})
}
