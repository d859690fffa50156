package sshclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kevinburke/ssh_config"
	"golang.org/x/crypto/ssh"
)

// Algorithms are SSH algorithm names (as OpenSSH spells them). In
// Config.Legacy they are appended to x/crypto/ssh's defaults for one
// device; nothing legacy is offered by default.
type Algorithms struct{ KeyExchanges, Ciphers, MACs, HostKeys []string }

// Config says how to reach one device.
type Config struct {
	// Alias is the host as the user names it, resolved through ssh_config
	// (HostName, User, Port, IdentityFile, ProxyJump).
	Alias string
	// Host, Port and User are explicit values; they win over ssh_config.
	// Port 0 is ssh_config's or 22; User "" is ssh_config's or the local
	// user's.
	Host string
	Port int
	User string
	// SSHConfigFile is the ssh_config file read; "" is ~/.ssh/config when
	// it exists, "none" reads none.
	SSHConfigFile string
	// KnownHosts are the known_hosts files checked (missing ones are
	// skipped); empty is ~/.ssh/known_hosts.
	KnownHosts []string
	// RecordKnownHosts is the file AcceptNew and an accepting
	// OnUnknownHost record a new key in; "" is the first of KnownHosts
	// that can be appended to (made when missing). Lines are written in
	// OpenSSH's format, not hashed ("[host]:port type base64"), so the
	// user can read them.
	RecordKnownHosts string
	// AcceptNew accepts and records the key of a host that no known_hosts
	// file lists, as OpenSSH's StrictHostKeyChecking=accept-new does. A
	// changed key is refused all the same.
	AcceptNew bool
	// OnUnknownHost, when AcceptNew is off, decides on an unknown host's
	// key (the CLI asks, the TUI shows a dialog); true records and accepts
	// it. Config.Timeout is suspended while it runs. Nil refuses.
	OnUnknownHost func(ctx context.Context, host string, key ssh.PublicKey) (bool, error)
	// Agent uses the keys of the ssh-agent at $SSH_AUTH_SOCK.
	Agent bool
	// IdentityFiles are private key files tried in order (after the
	// agent's keys, before ssh_config's IdentityFile). No default key
	// files are read: name them here or in ssh_config.
	IdentityFiles []string
	// Passphrase returns the passphrase of an encrypted key file; nil
	// skips encrypted keys.
	Passphrase func(file string) ([]byte, error)
	// Password returns the password (resolved by the caller from an
	// environment variable, a file or a prompt); it is called at most once
	// per Dial and also answers keyboard-interactive password prompts.
	// Nil offers no password.
	Password func() (string, error)
	// Legacy are the old algorithms this device needs (opt-in per device;
	// old firmware offers only SHA-1 key exchanges, CBC ciphers and
	// ssh-rsa host keys, as issue 9 reports and the lab's SSHLogin.Legacy
	// emulates). Names x/crypto/ssh does not implement are refused.
	Legacy Algorithms
	// Timeout bounds dial, handshake and authentication; 0 is 30s.
	Timeout time.Duration
	// KeepAlive is the interval of keepalive requests; after three go
	// unanswered the connection is closed (Done, ErrConnectionLost). 0 is
	// 15s; negative turns keepalives off.
	KeepAlive time.Duration
	// Banner is called with the server's authentication banner, which is
	// also kept for the auth error.
	Banner func(msg string)
	// ProxyJump overrides ssh_config's ProxyJump: jump hosts
	// "[user@]host[:port]" separated by commas, each resolved through
	// ssh_config and dialled through the previous one; "none" dials
	// directly. Jump hosts share this Config's known_hosts, policy and
	// credentials, but not Legacy.
	ProxyJump string
}

// Defaults.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultKeepAlive = 15 * time.Second
	// keepAliveMax is how many keepalives may go unanswered, as OpenSSH's
	// ServerAliveCountMax.
	keepAliveMax = 3
)

// target is a Config resolved through ssh_config.
type target struct {
	alias      string
	host       string
	port       int
	user       string
	identities []string
	jumps      []string
}

func (t target) addr() string { return net.JoinHostPort(t.host, strconv.Itoa(t.port)) }

// loadSSHConfig reads the ssh_config file; nil when there is none.
func loadSSHConfig(file string) (*ssh_config.Config, error) {
	explicit := file != ""
	switch file {
	case "none":
		return nil, nil
	case "":
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil
		}
		file = filepath.Join(home, ".ssh", "config")
	}
	f, err := os.Open(file)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("ssh_config: %w", err)
	}
	defer f.Close()
	c, err := ssh_config.Decode(f)
	if err != nil {
		return nil, sshConfigError(file, err)
	}
	return c, nil
}

// sshConfigPos is the position ssh_config's parser puts first in its
// errors: "(line, column): ssh_config: ...".
var sshConfigPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\((\d+), (\d+)\): (?:ssh_config: )?`) })

// sshConfigError names the file, line and column of a parse error, and
// the way out when the file holds what the parser does not read (Match
// on anything but host or all).
func sshConfigError(file string, err error) error {
	msg := err.Error()
	where := file
	if m := sshConfigPos().FindStringSubmatch(msg); m != nil {
		where = fmt.Sprintf("%s:%s:%s", file, m[1], m[2])
		msg = msg[len(m[0]):]
	}
	if strings.Contains(msg, "Match") {
		msg += " (hasync reads Host blocks and Match host or all; give the device another ssh_config file, or none)"
	}
	return fmt.Errorf("ssh_config %s: %s", where, msg)
}

// resolve applies ssh_config to cfg; explicit values win.
func resolve(cfg Config) (target, error) {
	t := target{alias: cfg.Alias}
	if t.alias == "" {
		t.alias = cfg.Host
	}
	if t.alias == "" {
		return t, errors.New("sshclient: no host (Config.Alias or Config.Host)")
	}
	sc, err := loadSSHConfig(cfg.SSHConfigFile)
	if err != nil {
		return t, err
	}
	get := func(key string) string {
		if sc == nil {
			return ""
		}
		v, _ := sc.Get(t.alias, key)
		return strings.TrimSpace(v)
	}
	t.host = cfg.Host
	if t.host == "" {
		t.host = strings.ReplaceAll(get("HostName"), "%h", t.alias)
	}
	if t.host == "" {
		t.host = t.alias
	}
	t.port = cfg.Port
	if t.port == 0 {
		if p := get("Port"); p != "" {
			if t.port, err = strconv.Atoi(p); err != nil || t.port <= 0 || t.port > 65535 {
				return t, fmt.Errorf("ssh_config: Host %s: bad Port %q", t.alias, p)
			}
		}
	}
	if t.port == 0 {
		t.port = 22
	}
	t.user = cfg.User
	if t.user == "" {
		t.user = get("User")
	}
	if t.user == "" {
		if u, err := user.Current(); err == nil {
			t.user = u.Username
		}
	}
	t.identities = append(t.identities, cfg.IdentityFiles...)
	if sc != nil {
		files, _ := sc.GetAll(t.alias, "IdentityFile")
		for _, f := range files {
			t.identities = append(t.identities, expandPath(f, t))
		}
	}
	t.identities = slices.Compact(t.identities)
	jump := cfg.ProxyJump
	if jump == "" {
		jump = get("ProxyJump")
	}
	if jump != "" && !strings.EqualFold(jump, "none") {
		for _, j := range strings.Split(jump, ",") {
			if j = strings.TrimSpace(j); j != "" {
				t.jumps = append(t.jumps, j)
			}
		}
	}
	return t, nil
}

// expandPath expands ~ and the tokens %d (home), %u (local user), %h
// (host), %r (remote user) of an IdentityFile.
func expandPath(p string, t target) string {
	home, _ := os.UserHomeDir()
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = filepath.Join(home, p[1:])
	}
	local := ""
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	return strings.NewReplacer("%d", home, "%u", local, "%h", t.host, "%r", t.user, "%%", "%").Replace(p)
}

// parseJump reads a ProxyJump entry "[user@]host[:port]" (ssh://... too).
func parseJump(s string) (user, host string, port int, err error) {
	s = strings.TrimPrefix(s, "ssh://")
	if i := strings.LastIndex(s, "@"); i >= 0 {
		user, s = s[:i], s[i+1:]
	}
	host = s
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return "", "", 0, fmt.Errorf("ProxyJump %q: %w", s, err)
		}
		host = h
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return "", "", 0, fmt.Errorf("ProxyJump %q: bad port", s)
		}
	}
	if host == "" {
		return "", "", 0, fmt.Errorf("ProxyJump %q: no host", s)
	}
	return user, host, port, nil
}

// algorithms are the client's offer: x/crypto/ssh's defaults, then the
// device's legacy opt-in.
func algorithms(legacy Algorithms) Algorithms {
	def := ssh.SupportedAlgorithms()
	add := func(base, more []string) []string {
		out := slices.Clone(base)
		for _, a := range more {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
		return out
	}
	return Algorithms{
		KeyExchanges: add(def.KeyExchanges, legacy.KeyExchanges),
		Ciphers:      add(def.Ciphers, legacy.Ciphers),
		MACs:         add(def.MACs, legacy.MACs),
		HostKeys:     add(def.HostKeys, legacy.HostKeys),
	}
}

// checkLegacy refuses algorithm names x/crypto/ssh does not implement
// (it would drop them silently, and the device would then fail to
// negotiate for a reason the user cannot see).
func checkLegacy(l Algorithms) error {
	sup, insec := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	kinds := []struct {
		what       string
		want, have []string
	}{
		{"key exchange", l.KeyExchanges, append(sup.KeyExchanges, insec.KeyExchanges...)},
		{"cipher", l.Ciphers, append(sup.Ciphers, insec.Ciphers...)},
		{"MAC", l.MACs, append(sup.MACs, insec.MACs...)},
		{"host key algorithm", l.HostKeys, append(sup.HostKeys, insec.HostKeys...)},
	}
	for _, k := range kinds {
		for _, a := range k.want {
			if !slices.Contains(k.have, a) {
				return fmt.Errorf("sshclient: legacy %s %q is not implemented (known: %s)", k.what, a, strings.Join(k.have, ","))
			}
		}
	}
	return nil
}
