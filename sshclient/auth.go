package sshclient

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// auth collects the authentication methods of one dial and what happened
// to them, for the error. It never keeps a secret beyond the dial.
type auth struct {
	cfg        Config
	identities []string

	mu     sync.Mutex
	tried  []string
	notes  []string
	banner strings.Builder

	pwOnce sync.Once
	pw     string
	pwErr  error

	agentConn net.Conn
	failed    error

	// pause suspends the dial timeout while the user is asked (a
	// password or passphrase prompt), as for an unknown host key.
	pause func() (resume func())

	signOnce sync.Once
	loaded   []ssh.Signer
}

func (a *auth) note(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.notes = append(a.notes, fmt.Sprintf(format, args...))
}

func (a *auth) try(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !slices.Contains(a.tried, method) {
		a.tried = append(a.tried, method)
	}
}

// onBanner keeps the banner and passes it on.
func (a *auth) onBanner(msg string) error {
	a.mu.Lock()
	a.banner.WriteString(msg)
	a.mu.Unlock()
	if a.cfg.Banner != nil {
		a.cfg.Banner(msg)
	}
	return nil
}

// pauseTimeout suspends the dial timeout until the returned func runs.
func (a *auth) pauseTimeout() (resume func()) {
	if a.pause == nil {
		return func() {}
	}
	return a.pause()
}

// password asks the caller once.
func (a *auth) password() (string, error) {
	a.pwOnce.Do(func() {
		if a.cfg.Password == nil {
			a.pwErr = errors.New("no password given")
			return
		}
		resume := a.pauseTimeout()
		a.pw, a.pwErr = a.cfg.Password()
		resume()
		if a.pwErr != nil {
			a.fail(a.pwErr)
		}
	})
	return a.pw, a.pwErr
}

// fail records why authentication could not go on (no password, a
// prompt refused), for the error: x/crypto/ssh would only say "handshake
// failed".
func (a *auth) fail(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failed == nil {
		a.failed = err
	}
}

func (a *auth) failure() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failed
}

// methods are the methods in OpenSSH's order: public keys (agent, then
// identity files), keyboard-interactive, password. x/crypto/ssh goes on
// to the next method after a partial success.
func (a *auth) methods() []ssh.AuthMethod {
	var ms []ssh.AuthMethod
	if a.cfg.Agent || len(a.identities) > 0 {
		ms = append(ms, ssh.PublicKeysCallback(a.signers))
	}
	if a.cfg.Password != nil {
		ms = append(ms, ssh.KeyboardInteractive(a.challenge), ssh.PasswordCallback(func() (string, error) {
			a.try("password")
			return a.password()
		}))
	}
	return ms
}

// signers are the agent's keys and the identity files' keys. A file that
// cannot be read or decrypted is noted (never with its passphrase) and
// skipped.
func (a *auth) signers() ([]ssh.Signer, error) {
	a.try("publickey")
	// x/crypto/ssh asks again after a partial success: load (and ask
	// passphrases) once.
	a.signOnce.Do(func() { a.loaded = a.loadSigners() })
	return a.loaded, nil
}

func (a *auth) loadSigners() []ssh.Signer {
	var out []ssh.Signer
	if a.cfg.Agent {
		if sock := os.Getenv("SSH_AUTH_SOCK"); sock == "" {
			a.note("no ssh-agent (SSH_AUTH_SOCK is not set)")
		} else if c, err := net.Dial("unix", sock); err != nil {
			a.note("ssh-agent: %v", err)
		} else {
			a.mu.Lock()
			a.agentConn = c
			a.mu.Unlock()
			ss, err := agent.NewClient(c).Signers()
			if err != nil {
				a.note("ssh-agent: %v", err)
			}
			out = append(out, ss...)
		}
	}
	for _, f := range a.identities {
		s, err := a.loadKey(f)
		if err != nil {
			a.note("%v", err)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (a *auth) loadKey(file string) (ssh.Signer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	s, err := ssh.ParsePrivateKey(b)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if a.cfg.Passphrase == nil {
			return nil, fmt.Errorf("identity file %s is encrypted and no passphrase can be asked", file)
		}
		resume := a.pauseTimeout()
		pp, perr := a.cfg.Passphrase(file)
		resume()
		if perr != nil {
			return nil, fmt.Errorf("identity file %s: passphrase: %w", file, perr)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(b, pp)
		clear(pp)
		if err != nil {
			// x/crypto's text ("decryption password incorrect") holds no
			// secret, but say it plainly.
			return nil, fmt.Errorf("identity file %s: wrong passphrase or unreadable key", file)
		}
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %w", file, err)
	}
	return s, nil
}

// challenge answers keyboard-interactive: echo-off prompts get the
// password; a prompt that wants a visible answer is refused (hasync does
// not guess what it asks).
func (a *auth) challenge(name, instruction string, questions []string, echos []bool) ([]string, error) {
	a.try("keyboard-interactive")
	if len(questions) == 0 {
		return nil, nil
	}
	answers := make([]string, len(questions))
	for i, q := range questions {
		if i < len(echos) && echos[i] {
			a.note("keyboard-interactive prompt %q wants a visible answer: refused", strings.TrimSpace(q))
			err := errors.New("keyboard-interactive: a prompt wants a visible answer")
			a.fail(err)
			return nil, err
		}
		pw, err := a.password()
		if err != nil {
			return nil, fmt.Errorf("keyboard-interactive: %w", err)
		}
		answers[i] = pw
	}
	return answers, nil
}

func (a *auth) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.agentConn != nil {
		a.agentConn.Close()
		a.agentConn = nil
	}
	a.pw = ""
}

func (a *auth) error(addr, user string, err error) *AuthError {
	// x/crypto/ssh's "ssh: handshake failed: " says nothing here.
	for strings.HasPrefix(err.Error(), "ssh: handshake failed: ") && errors.Unwrap(err) != nil {
		err = errors.Unwrap(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return &AuthError{Addr: addr, User: user, Tried: slices.Clone(a.tried), Notes: slices.Clone(a.notes),
		Banner: a.banner.String(), Err: err}
}
