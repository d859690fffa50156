package lab

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// SSHLogin is what a device shows a client before its first prompt: the
// version string, the algorithms and host keys it offers, the
// authentication banner and methods. The zero value is the lab's default:
// a modern offer (x/crypto/ssh's defaults), one ed25519 host key, password
// and public-key authentication. It is a plain value, so the pair starters
// and `hasync lab` pass it through unchanged.
type SSHLogin struct {
	// Legacy offers only what old firmware does (LegacyKeyExchanges,
	// LegacyCiphers, LegacyMACs, host keys signed with `ssh-rsa` only) and
	// makes an RSA host key the default. A modern client must be told to
	// accept it (`ssh -o KexAlgorithms=+diffie-hellman-group14-sha1 -o
	// HostKeyAlgorithms=+ssh-rsa -o Ciphers=+aes128-cbc`).
	Legacy bool
	// KeyExchanges, Ciphers and MACs, when set, are the only algorithms
	// offered (they win over Legacy's lists).
	KeyExchanges, Ciphers, MACs []string
	// HostKeyTypes are the host keys presented: "ed25519", "rsa",
	// "ecdsa" (P-256), kept in the state directory (HostKeyPath). Empty is
	// ed25519 alone, or rsa alone with Legacy. The first is the primary
	// key; known_hosts lists them all (WriteServerKnownHosts).
	HostKeyTypes []string
	// Version is the identification string, e.g. "SSH-1.99--" or
	// "SSH-2.0--" as some firmware sends; empty is the lab's usual one.
	Version string
	// Banner is the authentication banner (SSH_MSG_USERAUTH_BANNER) sent
	// before the client authenticates.
	Banner string
	// KeyboardInteractive asks for the password by keyboard-interactive
	// (one echo-off prompt, PasswordPrompt) instead of the "password"
	// method, as Huawei firewalls do. Public keys stay accepted.
	KeyboardInteractive bool
	// PasswordPrompt is the keyboard-interactive prompt; "Password: " when
	// empty.
	PasswordPrompt string
	// PublicKeyThenPassword asks for both, in turn, as OpenSSH's
	// `AuthenticationMethods publickey,password` does: an accepted key is
	// a partial success after which the password (by keyboard-interactive
	// with KeyboardInteractive) must follow; the password alone is
	// refused.
	PublicKeyThenPassword bool
	// AllowForward makes the server a jump host to loopback destinations
	// (SSHOptions.AllowForward).
	AllowForward bool
}

// Host key types of SSHLogin.HostKeyTypes.
const (
	HostKeyEd25519 = "ed25519"
	HostKeyRSA     = "rsa"
	HostKeyECDSA   = "ecdsa"
)

// The legacy offer: what x/crypto/ssh's server implements of old
// firmware's algorithms. It has no aes192-cbc, aes256-cbc, blowfish-cbc,
// hmac-md5 or zlib compression, and speaks no SSH-1 (a "SSH-1.99-" version
// only claims compatibility).
var (
	LegacyKeyExchanges = []string{ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDHGEXSHA1}
	LegacyCiphers      = []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC}
	LegacyMACs         = []string{ssh.HMACSHA1, ssh.InsecureHMACSHA196}
)

// ParseHostKeyTypes reads a comma-separated list of host key types, as
// the --ssh-host-keys flag takes it.
func ParseHostKeyTypes(s string) ([]string, error) {
	var types []string
	for _, t := range strings.Split(s, ",") {
		switch t = strings.ToLower(strings.TrimSpace(t)); t {
		case "":
		case HostKeyEd25519, HostKeyRSA, HostKeyECDSA:
			types = append(types, t)
		default:
			return nil, fmt.Errorf("unknown host key type %q (want ed25519, rsa or ecdsa)", t)
		}
	}
	return types, nil
}

// hostKeyTypes is the list of host key types to present.
func (l SSHLogin) hostKeyTypes() []string {
	switch {
	case len(l.HostKeyTypes) > 0:
		return l.HostKeyTypes
	case l.Legacy:
		return []string{HostKeyRSA}
	}
	return []string{HostKeyEd25519}
}

// HostKeyPath is the file of device's host key of type typ in the state
// directory dir; ed25519 is HostKeyFile's.
func HostKeyPath(dir, device, typ string) string {
	if typ == HostKeyEd25519 || typ == "" {
		return filepath.Join(dir, HostKeyFile(device))
	}
	return filepath.Join(dir, device+".ssh_host_"+typ+"_key")
}

// LoadOrCreateHostKeys returns device's host keys of the login's types,
// read from the state directory dir or created there.
func (l SSHLogin) LoadOrCreateHostKeys(dir, device string) ([]ssh.Signer, error) {
	var keys []ssh.Signer
	for _, typ := range l.hostKeyTypes() {
		path := HostKeyPath(dir, device, typ)
		k, err := loadOrCreateTypedKey(path, typ)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// loadOrCreateTypedKey is LoadOrCreateKey for a key of type typ: RSA (2048
// bits), ECDSA (P-256) or ed25519.
func loadOrCreateTypedKey(path, typ string) (ssh.Signer, error) {
	if b, err := os.ReadFile(path); err == nil {
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("lab: key %s: %w", path, err)
		}
		return s, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("lab: key: %w", err)
	}
	priv, err := generateKey(typ)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "hasync-lab")
	if err != nil {
		return nil, err
	}
	if err := WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	if err := WriteFile(path+".pub", ssh.MarshalAuthorizedKey(s.PublicKey()), 0o644); err != nil {
		return nil, err
	}
	return s, nil
}

// generateKey makes a private key of a host key type.
func generateKey(typ string) (any, error) {
	switch typ {
	case HostKeyRSA:
		return rsa.GenerateKey(rand.Reader, 2048)
	case HostKeyECDSA:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case HostKeyEd25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("lab: unknown host key type %q", typ)
}

// keyType is the host key type (HostKeyRSA, ...) of a public key.
func keyType(k ssh.PublicKey) string {
	switch k.Type() {
	case ssh.KeyAlgoRSA:
		return HostKeyRSA
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return HostKeyECDSA
	}
	return HostKeyEd25519
}

// changedKeys are the host keys the changed-host-key fault presents: a
// new key of each type the server has, made at the first use (an RSA key
// takes a moment).
func (s *SSHServer) changedKeys() []ssh.Signer {
	s.otherOnce.Do(func() {
		for _, k := range append([]ssh.Signer{s.o.HostKey}, s.o.HostKeys...) {
			priv, err := generateKey(keyType(k.PublicKey()))
			if err != nil {
				continue
			}
			if sg, err := ssh.NewSignerFromKey(priv); err == nil {
				s.others = append(s.others, sg)
			}
		}
	})
	return s.others
}

// apply sets the login's offer on a server configuration; hostKeys are
// the keys to present.
func (l SSHLogin) apply(cfg *ssh.ServerConfig, hostKeys []ssh.Signer) {
	if l.Version != "" {
		cfg.ServerVersion = l.Version
	}
	pick := func(set, legacy []string) []string {
		if len(set) > 0 {
			return set
		}
		if l.Legacy {
			return legacy
		}
		return nil
	}
	cfg.KeyExchanges = pick(l.KeyExchanges, LegacyKeyExchanges)
	cfg.Ciphers = pick(l.Ciphers, LegacyCiphers)
	cfg.MACs = pick(l.MACs, LegacyMACs)
	for _, k := range hostKeys {
		if l.Legacy && k.PublicKey().Type() == ssh.KeyAlgoRSA {
			// Old firmware signs with SHA-1 only: offer `ssh-rsa`, not
			// rsa-sha2-256/512.
			if as, ok := k.(ssh.AlgorithmSigner); ok {
				if ms, err := ssh.NewSignerWithAlgorithms(as, []string{ssh.KeyAlgoRSA}); err == nil {
					k = ms
				}
			}
		}
		cfg.AddHostKey(k)
	}
	if l.Banner != "" {
		banner := l.Banner
		cfg.BannerCallback = func(ssh.ConnMetadata) string { return banner }
	}
}

// keyboardInteractive is the keyboard-interactive password check.
func (l SSHLogin) keyboardInteractive(check func(md ssh.ConnMetadata, pw []byte) error) func(ssh.ConnMetadata, ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	prompt := l.PasswordPrompt
	if prompt == "" {
		prompt = "Password: "
	}
	return func(md ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
		answers, err := challenge("", "", []string{prompt}, []bool{false})
		if err != nil {
			return nil, err
		}
		if len(answers) != 1 {
			return nil, ErrAuthFailed
		}
		if err := check(md, []byte(answers[0])); err != nil {
			return nil, err
		}
		return nil, nil
	}
}

// checkPassword is the password check of both password methods.
func (s *SSHServer) checkPassword(md ssh.ConnMetadata, pw []byte) error {
	if s.o.Faults.FailAuth() || !s.CheckPassword(md.User(), string(pw)) {
		return ErrAuthFailed
	}
	return nil
}

// HostKeys are all the public host keys the server presents, the primary
// (HostKey) first.
func (s *SSHServer) HostKeys() []ssh.PublicKey {
	keys := []ssh.PublicKey{s.o.HostKey.PublicKey()}
	for _, k := range s.o.HostKeys {
		keys = append(keys, k.PublicKey())
	}
	return keys
}

// KnownHosts are the known_hosts entries of every host key of the server.
func (s *SSHServer) KnownHosts() []KnownHost {
	var hosts []KnownHost
	for _, k := range s.HostKeys() {
		hosts = append(hosts, KnownHost{Addr: s.Addr(), Key: k})
	}
	return hosts
}

// WriteServerKnownHosts writes known_hosts in the state directory dir
// with every host key of servers (PairState.WriteFiles writes the primary
// ones only).
func WriteServerKnownHosts(dir string, servers ...*SSHServer) error {
	var hosts []KnownHost
	for _, srv := range servers {
		hosts = append(hosts, srv.KnownHosts()...)
	}
	return WriteKnownHosts(filepath.Join(dir, KnownHostsFile), hosts)
}

// ServeSSHLogin is ServeSSH with the login l: its host keys come from
// (or are made in) the state directory.
//
// users are more logins on the same port (SSHOptions.Users); a password
// changed on this device and kept in the state directory
// (StoredPassword) wins over the pair's and theirs.
func (s *PairState) ServeSSHLogin(name, addr string, f *Faults, h Handler, l SSHLogin, prelude Prelude, users ...SSHUser) (*SSHServer, error) {
	keys, err := l.LoadOrCreateHostKeys(s.Dir, name)
	if err != nil {
		return nil, err
	}
	pw, err := StoredPassword(s.Dir, name, s.User, s.Password)
	if err != nil {
		return nil, err
	}
	more := make([]SSHUser, len(users))
	for i, u := range users {
		more[i] = u
		if more[i].Password, err = StoredPassword(s.Dir, name, u.Name, u.Password); err != nil {
			return nil, err
		}
	}
	return ServeSSH(SSHOptions{
		Addr: addr, HostKey: keys[0], HostKeys: keys[1:], User: s.User, Password: pw,
		AuthorizedKeys: []ssh.PublicKey{s.ClientKey.PublicKey()}, Faults: f, Handler: h,
		Login: l, Prelude: prelude, Users: more, AllowForward: l.AllowForward,
	})
}

// DevicePasswordFile is the file, in the state directory, of the password
// user set on device (a change at login): it wins over the pair's
// password for that device and user, across restarts.
func DevicePasswordFile(device, user string) string {
	return device + "." + user + ".password"
}

// StoredPassword is user's password on device: the one kept in the state
// directory dir (DevicePasswordFile) when there is one, else def.
func StoredPassword(dir, device, user, def string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, DevicePasswordFile(device, user)))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return def, nil
	case err != nil:
		return "", fmt.Errorf("lab: %w", err)
	}
	if pw := strings.TrimRight(string(b), "\n"); pw != "" {
		return pw, nil
	}
	return def, nil
}

// ChangePassword sets user's password on device to password: on the SSH
// server serving the session of ctx (ServerOf) from the next login on,
// and in the state directory dir (mode 0600), so a restart keeps it.
func ChangePassword(ctx context.Context, dir, device, user, password string) error {
	srv := ServerOf(ctx)
	if srv == nil {
		return ErrUnknownUser
	}
	if err := WriteFile(filepath.Join(dir, DevicePasswordFile(device, user)), []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	return srv.SetPassword(user, password)
}

// Prelude runs on an interactive session after login and before the
// device's CLI starts: the lines and questions a device prints before its
// first prompt. An error ends the session.
type Prelude func(ctx context.Context, user string, t Terminal) error

// LoginPrelude is a Prelude that prints lines (`Info:` lines, the last
// login), and asks question (a `[Y/N]` one, e.g. whether to change the
// password) at the first interactive login of each user through this
// Prelude (make one per device);
// answered, onAnswer (may be nil) gets the answer, with the session's
// context (ServerOf). A bare Enter asks the question again, as the
// devices do.
func LoginPrelude(lines []string, question string, onAnswer func(ctx context.Context, user string, yes bool, t Terminal) error) Prelude {
	var (
		mu    sync.Mutex
		asked = map[string]bool{}
	)
	return func(ctx context.Context, user string, t Terminal) error {
		if question != "" {
			mu.Lock()
			first := !asked[user]
			asked[user] = true
			mu.Unlock()
			if first {
				yes, err := AskYN(t, question)
				if err != nil {
					return err
				}
				if onAnswer != nil {
					if err := onAnswer(ctx, user, yes, t); err != nil {
						return err
					}
				}
			}
		}
		for _, l := range lines {
			if _, err := fmt.Fprintln(t, l); err != nil {
				return err
			}
		}
		return nil
	}
}

// ReadSecret reads a line from t without echoing it when t can
// (SecretReader), else as a plain line.
func ReadSecret(t Terminal) (string, error) {
	if sr, ok := t.(SecretReader); ok {
		return sr.ReadSecret()
	}
	return t.ReadLine()
}

// AskYN asks a `[Y/N]` question on t until the answer is y or n (either
// case; a bare Enter or anything else asks again) and reports whether it
// was yes. Devices print the question with its own punctuation, e.g.
// "Warning: ... Continue? [Y/N]:".
func AskYN(t Terminal, question string) (bool, error) {
	for {
		if _, err := io.WriteString(t, question); err != nil {
			return false, err
		}
		line, err := t.ReadLine()
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
	}
}

// Sizer is implemented by a Terminal that knows its PTY's size (from the
// client's pty-req and window-change requests), so a CLI can wrap output
// at the width and page at the height.
type Sizer interface {
	// Size returns the PTY's columns and rows; 0, 0 without a PTY. A
	// client that sends 0 for a dimension gets 80 columns or 24 rows.
	Size() (cols, rows int)
}

// Wrap cuts line into pieces of at most cols bytes, as a device that
// wraps its output at the terminal's width prints it; cols <= 0 leaves it
// whole.
func Wrap(line string, cols int) []string {
	if cols <= 0 || len(line) <= cols {
		return []string{line}
	}
	var parts []string
	for len(line) > cols {
		parts = append(parts, line[:cols])
		line = line[cols:]
	}
	return append(parts, line)
}
