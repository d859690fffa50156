package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// EnvPath is the environment variable that, when set, names the inventory
// in place of the default path (a --inventory flag wins over both).
const EnvPath = "HASYNC_INVENTORY"

// DefaultPath is where the inventory lives when no --inventory flag names
// one: $HASYNC_INVENTORY when set, else inventory.yaml in the hasync
// directory of the user's configuration directory (os.UserConfigDir:
// $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
// macOS, %AppData% on Windows).
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("inventory: no default path (%w): pass --inventory", err)
	}
	return filepath.Join(dir, "hasync", "inventory.yaml"), nil
}

// Inventory is a loaded pairs file.
type Inventory struct {
	// Path is the file it was read from; Dir its directory, against which
	// relative paths in the file were resolved.
	Path, Dir string
	Pairs     []*Pair
}

// Pair returns the pair named name.
func (inv *Inventory) Pair(name string) (*Pair, bool) {
	for _, p := range inv.Pairs {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// ErrNoPair is a pair name the inventory does not have.
var ErrNoPair = errors.New("no such pair")

// Lookup returns the pair named name, or an error (ErrNoPair) that lists
// the names the inventory has.
func (inv *Inventory) Lookup(name string) (*Pair, error) {
	if p, ok := inv.Pair(name); ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w %q in %s: expected one of %s", ErrNoPair, name, inv.Path, strings.Join(inv.Names(), ", "))
}

// Names lists the pairs' names in file order.
func (inv *Inventory) Names() []string {
	out := make([]string, len(inv.Pairs))
	for i, p := range inv.Pairs {
		out[i] = p.Name
	}
	return out
}

// SyncMode is how a pair is synced.
type SyncMode string

const (
	// ModePush: hasync computes the plan and applies it to the target
	// (REST configuration session or SSH configure/commit/save); any
	// family. The default of the Vyatta family.
	ModePush SyncMode = "push"
	// ModeConfigSync: the Vyatta device-native sync; the source pushes the
	// sync-map's part on each commit (DOMAIN.md "config-sync (VRA)").
	ModeConfigSync SyncMode = "config-sync"
	// ModeHRP: Huawei `hrp sync config` run on the active member (DOMAIN.md
	// "HRP"). The default of the Huawei family.
	ModeHRP SyncMode = "hrp"
)

// HRPMap is the name of the Huawei family's built-in sync-map: what HRP
// backs up (DOMAIN.md "HRP"; backend/syncmap.HRP).
const HRPMap = "hrp"

// DefaultRefresh is how often a pair re-reads both devices when the
// inventory does not say.
const DefaultRefresh = 60 * time.Second

// Pair is one HA pair: two devices of one family.
type Pair struct {
	Name   string
	Family config.Family
	// Devices are the two members, in file order.
	Devices [2]*Device
	// Source is the name of the device a sync copies from (the direction
	// of the sync); the first device when the file does not say.
	Source string
	// SyncMap names the sync-map that scopes the pair. Vyatta: a map under
	// `system config-sync sync-map` of the device that carries it ("" =
	// the one the device's remote-router names); Huawei: always HRPMap.
	SyncMap string
	Mode    SyncMode
	// Refresh is the interval at which the pair re-reads both devices.
	Refresh time.Duration
	// Pos is where the pair starts in the file.
	Pos Pos
}

// SourceDevice is the device a sync copies from.
func (p *Pair) SourceDevice() *Device {
	if p.Devices[1] != nil && p.Devices[1].Name == p.Source {
		return p.Devices[1]
	}
	return p.Devices[0]
}

// TargetDevice is the device a sync changes.
func (p *Pair) TargetDevice() *Device {
	if p.SourceDevice() == p.Devices[0] {
		return p.Devices[1]
	}
	return p.Devices[0]
}

// Device returns the member named name.
func (p *Pair) Device(name string) (*Device, bool) {
	for _, d := range p.Devices {
		if d != nil && d.Name == name {
			return d, true
		}
	}
	return nil, false
}

// Flavors of the Vyatta family: IBM Cloud VRA, Vyatta 5600, VyOS
// (DOMAIN.md "Vyatta family"). The default is FlavorVRA.
const (
	FlavorVRA  = "vra"
	FlavorVyOS = "vyos"
	Flavor5600 = "5600"
)

// Flavors of the Huawei family (DOMAIN.md "Huawei family": USG /
// Eudemon / HiSecEngine with HRP). The default is FlavorUSG.
const (
	FlavorUSG         = "usg"
	FlavorEudemon     = "eudemon"
	FlavorHiSecEngine = "hisecengine"
)

// flavors returns the known flavors of a family; the first is the
// default. (A switch over literal lists, not a map: no work at process
// start.)
func flavors(fam config.Family) []string {
	switch fam {
	case config.Vyatta:
		return vyattaFlavors
	case config.Huawei:
		return huaweiFlavors
	}
	return nil
}

var (
	vyattaFlavors = []string{FlavorVRA, FlavorVyOS, Flavor5600}
	huaweiFlavors = []string{FlavorUSG, FlavorEudemon, FlavorHiSecEngine}
)

// Transport is how a sync reaches a device.
type Transport string

const (
	// TransportSSH: an interactive SSH shell (configure, commands,
	// commit, save, exit).
	TransportSSH Transport = "ssh"
	// TransportREST: one HTTPS REST configuration session (POST
	// /rest/conf, set/delete, commit, save, DELETE); Vyatta only, with
	// rest_url.
	TransportREST Transport = "rest"
)

// Device is one member of a pair.
type Device struct {
	Name   string
	Family config.Family
	// Flavor is one of the family's flavors (FlavorVRA ...), never empty
	// after Load.
	Flavor string
	// Address and Port are where its SSH server listens; Port 0 leaves it
	// to ssh_config (SSHHost), else 22. Address may be empty when SSHHost
	// names an ssh_config alias that gives the HostName.
	Address string
	Port    int
	// User is the login; empty leaves it to ssh_config, else the local user.
	User        string
	Credentials Credentials
	// KnownHosts is the inventory's own known_hosts file (an absolute path),
	// checked beside ~/.ssh/known_hosts; empty when the file names none.
	KnownHosts string
	// AcceptNew accepts and records an unknown host key, as OpenSSH's
	// StrictHostKeyChecking=accept-new; a changed key is still refused.
	AcceptNew bool
	// SSHHost is a Host alias of ~/.ssh/config (HostName, User, Port,
	// IdentityFile, ProxyJump); explicit fields here win over it.
	SSHHost string
	// ProxyJump is a jump host, [user@]host[:port], as ssh -J takes it.
	ProxyJump string
	// SSH are legacy algorithms this device needs, appended to the
	// client's defaults (never on by default).
	SSH Algorithms
	// RESTURL and CAFile are the device's HTTPS REST API and the CA that
	// signs its certificate (an absolute path); Vyatta only.
	RESTURL, CAFile string
	// Transport is how hasync applies a sync to the device: TransportSSH
	// (the default) or TransportREST (the Vyatta REST API at RESTURL,
	// DOMAIN.md "Vyatta REST API"); never empty after Load. The
	// configuration is read over SSH either way; REST is also the
	// fallback when SSH cannot be reached and RESTURL is set.
	Transport Transport
	Timeouts  Timeouts
	// Pos is where the device starts in the file.
	Pos Pos
}

// Addr is where the device is reached, as the inventory gives it: the
// address (or the ssh_config alias), with ":port" when a port is set.
func (d *Device) Addr() string {
	addr := d.Address
	if addr == "" {
		addr = d.SSHHost
	}
	if d.Port != 0 {
		return fmt.Sprintf("%s:%d", addr, d.Port)
	}
	return addr
}

// Target is how the device is named in messages: its name and address.
func (d *Device) Target() string {
	return fmt.Sprintf("%s (%s)", d.Name, d.Addr())
}

// Algorithms are legacy SSH algorithms one device is allowed to use,
// named as golang.org/x/crypto/ssh and OpenSSH name them.
type Algorithms struct {
	KeyExchanges      []string
	Ciphers           []string
	MACs              []string
	HostKeyAlgorithms []string
}

// Empty reports whether no legacy algorithm is opted in.
func (a Algorithms) Empty() bool {
	return len(a.KeyExchanges)+len(a.Ciphers)+len(a.MACs)+len(a.HostKeyAlgorithms) == 0
}

// Timeouts of one device; zero leaves the client's default.
type Timeouts struct {
	// Connect bounds dial, handshake and authentication.
	Connect time.Duration
	// Command bounds one command, from sending it to the next prompt.
	Command time.Duration
	// KeepAlive is the interval of SSH keepalives.
	KeepAlive time.Duration
}

// Credentials are references to the secrets of a login, never the secrets.
type Credentials struct {
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string
	// PasswordFile is a file (absolute path) whose first line is the
	// password.
	PasswordFile string
	// PasswordPrompt asks the user for the password.
	PasswordPrompt bool
	// IdentityFiles are private key files (absolute paths).
	IdentityFiles []string
	// Agent uses the keys of the SSH agent ($SSH_AUTH_SOCK).
	Agent bool
}

// HasPassword reports whether the credentials name a password source.
func (c Credentials) HasPassword() bool {
	return c.PasswordEnv != "" || c.PasswordFile != "" || c.PasswordPrompt
}

// ErrNoPassword is a password asked for when no source of the
// credentials has one. Credentials.Password returns it as a
// *NoPasswordError, which says where it looked.
var ErrNoPassword = errors.New("no password")

// NoPasswordError is ErrNoPassword (errors.Is) with where the password
// was looked for: at most one of Env, File and Prompt is set. It names
// the variable or file, never what it holds.
type NoPasswordError struct {
	Device string
	// Env: the only source, an environment variable that is not set.
	Env string
	// File: the password file, empty (FileErr nil) or unreadable.
	File    string
	FileErr error
	// Prompt: password_prompt, with no terminal to ask on.
	Prompt bool
}

func (e *NoPasswordError) Error() string {
	switch {
	case e.Env != "":
		return fmt.Sprintf("%s: environment variable %s is not set: %v", e.Device, e.Env, ErrNoPassword)
	case e.File != "" && e.FileErr == nil:
		return fmt.Sprintf("%s: password file %s is empty: %v", e.Device, e.File, ErrNoPassword)
	case e.File != "":
		return fmt.Sprintf("%s: password file %s: %v: %v", e.Device, e.File, e.FileErr, ErrNoPassword)
	case e.Prompt:
		return fmt.Sprintf("%s: password_prompt: no terminal to ask on: %v", e.Device, ErrNoPassword)
	}
	return fmt.Sprintf("%s: %v", e.Device, ErrNoPassword)
}

// Is makes errors.Is(err, ErrNoPassword) true.
func (e *NoPasswordError) Is(target error) bool { return target == ErrNoPassword }

// Why is where the password was looked for, in a few words: "VAR is not
// set", "FILE is empty", "FILE: no such file or directory", "no terminal
// to ask on"; "" when the credentials name no source.
func (e *NoPasswordError) Why() string {
	switch {
	case e.Env != "":
		return e.Env + " is not set"
	case e.File != "" && e.FileErr == nil:
		return e.File + " is empty"
	case e.File != "":
		return e.File + ": " + e.FileErr.Error()
	case e.Prompt:
		return "no terminal to ask on"
	}
	return ""
}

// Password resolves the password: the environment variable when it is set
// and not empty, else the file's first line, else prompt (when
// PasswordPrompt is set and prompt is not nil; the front end asks without
// echo). who names the device in errors. Errors name the variable or
// file, never what it holds.
func (c Credentials) Password(who string, prompt func(who string) (string, error)) (string, error) {
	if c.PasswordEnv != "" {
		if v := os.Getenv(c.PasswordEnv); v != "" {
			return v, nil
		}
	}
	if c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		switch {
		case err == nil:
			line, _, _ := strings.Cut(string(b), "\n")
			if line = strings.TrimRight(line, "\r"); line != "" {
				return line, nil
			}
			if !c.PasswordPrompt {
				return "", &NoPasswordError{Device: who, File: c.PasswordFile}
			}
		case !c.PasswordPrompt:
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", &NoPasswordError{Device: who, File: c.PasswordFile, FileErr: err}
		}
	}
	if c.PasswordPrompt && prompt != nil {
		return prompt(who)
	}
	switch {
	case c.PasswordEnv != "" && c.PasswordFile == "" && !c.PasswordPrompt:
		return "", &NoPasswordError{Device: who, Env: c.PasswordEnv}
	case c.PasswordPrompt:
		return "", &NoPasswordError{Device: who, Prompt: true}
	}
	return "", &NoPasswordError{Device: who}
}

// Pos is a position in the inventory file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// ErrInvalid matches (errors.Is) every *Error: a file that does not load.
var ErrInvalid = errors.New("invalid inventory")

// Error is what is wrong with the file and where. Msg says what was
// found and what was expected; it names keys and pairs, never a secret.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }
