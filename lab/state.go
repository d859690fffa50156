package lab

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Files of a state directory. A restart with the same directory keeps the
// keys, the password and the devices' saved configurations.
const (
	KnownHostsFile = "known_hosts"
	ClientKeyFile  = "id_ed25519"
	InventoryFile  = "inventory.yaml"
	PasswordFile   = "password"
	// PasswordEnv is the environment variable the inventory names for the
	// lab password.
	PasswordEnv = "HASYNC_LAB_PASSWORD"
)

// HostKeyFile is the file of a device's SSH host key.
func HostKeyFile(device string) string { return device + ".ssh_host_ed25519_key" }

// LoadOrCreateKey reads an ed25519 private key in OpenSSH format from path,
// or creates one there (mode 0600, with path+".pub" beside it).
func LoadOrCreateKey(path string) (ssh.Signer, error) {
	return loadOrCreateTypedKey(path, HostKeyEd25519)
}

// KnownHost is one known_hosts entry: a server address and its key.
type KnownHost struct {
	Addr string // 127.0.0.1:PORT
	Key  ssh.PublicKey
}

// WriteKnownHosts writes the entries in OpenSSH's format; a non-22 port is
// written `[127.0.0.1]:PORT`, as ssh(1) looks it up.
func WriteKnownHosts(path string, hosts []KnownHost) error {
	var b strings.Builder
	for _, h := range hosts {
		b.WriteString(knownhosts.Line([]string{knownhosts.Normalize(h.Addr)}, h.Key))
		b.WriteByte('\n')
	}
	return WriteFile(path, []byte(b.String()), 0o644)
}

// LoadOrCreatePassword returns the lab password: given when not empty
// (and then stored), else the stored one, else a new random one. created
// tells the caller to print it once.
func LoadOrCreatePassword(dir, given string) (pw string, created bool, err error) {
	path := filepath.Join(dir, PasswordFile)
	if given != "" {
		return given, false, WriteFile(path, []byte(given+"\n"), 0o600)
	}
	if b, err := os.ReadFile(path); err == nil {
		if pw := strings.TrimSpace(string(b)); pw != "" {
			return pw, false, nil
		}
	}
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return "", false, err
	}
	pw = strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	return pw, true, WriteFile(path, []byte(pw+"\n"), 0o600)
}

// InventoryDevice is one device as the lab writes it into inventory.yaml,
// in the product's inventory format (backend/inventory; the lab may not
// import it, so the keys are kept equal here and a test in package main
// loads what the lab writes with backend/inventory).
type InventoryDevice struct {
	Name    string `yaml:"name"`
	Family  string `yaml:"family"`
	Flavor  string `yaml:"flavor,omitempty"`
	Address string `yaml:"address"`
	Port    int    `yaml:"port"`
	User    string `yaml:"user"`
	// PasswordEnv and PasswordFile name the lab password (the variable
	// first, then the file); the password itself is never written here.
	PasswordEnv  string `yaml:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty"`
	KeyFile      string `yaml:"key_file,omitempty"`
	KnownHosts   string `yaml:"known_hosts,omitempty"`
	// SSH are the legacy algorithms the device offers (--ssh-legacy), opted
	// in for this device only.
	SSH     *InventorySSH `yaml:"ssh,omitempty"`
	RESTURL string        `yaml:"rest_url,omitempty"`
	CAFile  string        `yaml:"ca_file,omitempty"`
}

// InventorySSH are a device's legacy SSH algorithms, named as
// golang.org/x/crypto/ssh names them.
type InventorySSH struct {
	KeyExchanges      []string `yaml:"kex,omitempty"`
	Ciphers           []string `yaml:"ciphers,omitempty"`
	MACs              []string `yaml:"macs,omitempty"`
	HostKeyAlgorithms []string `yaml:"host_key_algorithms,omitempty"`
}

// Sync modes and the Huawei family's built-in sync-map, as the inventory
// names them.
const (
	SyncModePush       = "push"
	SyncModeConfigSync = "config-sync"
	SyncModeHRP        = "hrp"
	HRPSyncMap         = "hrp"
)

// InventoryPair is a pair of devices.
type InventoryPair struct {
	Name   string `yaml:"name"`
	Family string `yaml:"family"`
	// Source is the device a sync copies from (vra-a, FW-A).
	Source string `yaml:"source,omitempty"`
	// SyncMap is the sync-map that scopes the pair: for vyatta the map
	// vra-a's system config-sync names, for huawei HRPSyncMap.
	SyncMap string `yaml:"sync_map,omitempty"`
	// SyncMode is SyncModeConfigSync (the lab's VRA pair syncs itself on
	// commit), SyncModeHRP or SyncModePush.
	SyncMode string            `yaml:"sync_mode,omitempty"`
	Devices  []InventoryDevice `yaml:"devices"`
}

// Inventory is the inventory.yaml the lab writes for the product.
type Inventory struct {
	Pairs []InventoryPair `yaml:"pairs"`
}

// Complete fills what a pair starter left out: the sync direction (the
// first device), the sync mode of the family (config-sync for vyatta, as
// the lab's vra-a pushes to vra-b on commit; hrp for huawei) and the
// Huawei built-in map.
func (p *InventoryPair) Complete() {
	if p.Source == "" && len(p.Devices) > 0 {
		p.Source = p.Devices[0].Name
	}
	switch p.Family {
	case "vyatta":
		if p.SyncMode == "" {
			p.SyncMode = SyncModeConfigSync
		}
	case "huawei":
		if p.SyncMode == "" {
			p.SyncMode = SyncModeHRP
		}
		if p.SyncMap == "" {
			p.SyncMap = HRPSyncMap
		}
	}
}

// WriteInventory writes inv as YAML to path.
func WriteInventory(path string, inv Inventory) error {
	b, err := yaml.Marshal(inv)
	if err != nil {
		return fmt.Errorf("lab: inventory: %w", err)
	}
	header := "# Written by `hasync lab`: the emulated devices on loopback.\n"
	return WriteFile(path, append([]byte(header), b...), 0o644)
}

// WriteFile writes data to path, with mode, through a temporary file and
// a rename, so a reader never sees half a file.
func WriteFile(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	return nil
}
