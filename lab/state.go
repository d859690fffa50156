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

// InventoryDevice is one device as the lab writes it into inventory.yaml.
type InventoryDevice struct {
	Name        string `yaml:"name"`
	Family      string `yaml:"family"`
	Address     string `yaml:"address"`
	Port        int    `yaml:"port"`
	User        string `yaml:"user"`
	PasswordEnv string `yaml:"password_env,omitempty"`
	KeyFile     string `yaml:"key_file,omitempty"`
	KnownHosts  string `yaml:"known_hosts,omitempty"`
	RESTURL     string `yaml:"rest_url,omitempty"`
	CAFile      string `yaml:"ca_file,omitempty"`
}

// InventoryPair is a pair of devices.
type InventoryPair struct {
	Name    string            `yaml:"name"`
	Family  string            `yaml:"family"`
	Devices []InventoryDevice `yaml:"devices"`
}

// Inventory is the inventory.yaml the lab writes for the product.
type Inventory struct {
	Pairs []InventoryPair `yaml:"pairs"`
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
