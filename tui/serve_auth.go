package tui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Role is what a served session may do.
type Role int

const (
	// RoleViewer reads: every action that writes is shown disabled. The
	// default of a key without HASYNC_ROLE.
	RoleViewer Role = iota
	// RoleOperator may also edit sync-maps and sync.
	RoleOperator
)

func (r Role) String() string {
	if r == RoleOperator {
		return "operator"
	}
	return "viewer"
}

// ParseRole reads a role name (viewer, operator).
func ParseRole(s string) (Role, error) {
	switch s {
	case "viewer":
		return RoleViewer, nil
	case "operator":
		return RoleOperator, nil
	}
	return RoleViewer, fmt.Errorf("role %q: expected viewer or operator", s)
}

// RoleEnv is the environment variable an authorized_keys line sets to
// give its key a role: environment="HASYNC_ROLE=operator" (an option
// OpenSSH's sshd accepts too, with PermitUserEnvironment).
const RoleEnv = "HASYNC_ROLE"

// authKey is one line of the authorized_keys file.
type authKey struct {
	key     ssh.PublicKey
	role    Role
	comment string
	line    int
}

// harmlessOption reports whether name is an authorized_keys option the
// served console accepts and has nothing to do for: it never forwards
// ports, agents or X11 and runs no rc file or command of the user's. (A
// switch, not a map: no work at process start.)
func harmlessOption(name string) bool {
	switch name {
	case "restrict", "no-port-forwarding", "no-agent-forwarding",
		"no-x11-forwarding", "no-user-rc", "pty":
		return true
	}
	return false
}

// parseAuthorizedKeys reads an OpenSSH authorized_keys file. Options that
// restrict a key in a way the served console does not implement (from=,
// command=, expiry-time=, no-pty, ...) are refused rather than ignored,
// so a line never grants more here than under sshd. A line that does not
// parse or is refused is skipped: its key is not let in, the others are
// (as sshd does). The error joins one error per skipped line, each naming
// the file and line.
func parseAuthorizedKeys(path string, data []byte) ([]authKey, error) {
	var keys []authKey
	var refused []error
	for i, raw := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		line := bytes.TrimSpace(raw)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, err := parseAuthorizedLine(path, n, line)
		if err != nil {
			refused = append(refused, err)
			continue
		}
		keys = append(keys, k)
	}
	return keys, errors.Join(refused...)
}

// parseAuthorizedLine reads line n (not blank, not a comment).
func parseAuthorizedLine(path string, n int, line []byte) (authKey, error) {
	pk, comment, opts, rest, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		return authKey{}, fmt.Errorf("%s:%d: expected an authorized key ([options] type base64 [comment]): %w", path, n, err)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return authKey{}, fmt.Errorf("%s:%d: expected one key per line", path, n)
	}
	k := authKey{key: pk, comment: comment, line: n}
	for _, o := range opts {
		name, val, hasVal := strings.Cut(o, "=")
		name = strings.ToLower(name)
		switch {
		case name == "environment" && hasVal:
			env, err := unquoteOption(val)
			if err != nil {
				return authKey{}, fmt.Errorf("%s:%d: environment: %w", path, n, err)
			}
			v, ok := strings.CutPrefix(env, RoleEnv+"=")
			if !ok {
				continue // another variable: nothing to the console
			}
			if k.role, err = ParseRole(v); err != nil {
				return authKey{}, fmt.Errorf("%s:%d: %s: %w", path, n, RoleEnv, err)
			}
		case harmlessOption(name) && !hasVal:
		default:
			return authKey{}, fmt.Errorf("%s:%d: option %q is not supported by hasync serve (it takes environment=\"%s=viewer|operator\", restrict, no-port-forwarding, no-agent-forwarding, no-x11-forwarding, no-user-rc, pty)", path, n, name, RoleEnv)
		}
	}
	return k, nil
}

// unquoteOption reads an option value: "text" with \" escapes.
func unquoteOption(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf("expected a quoted value, got %s", v)
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

// authorizedKeys is the file the server checks keys against; it is read
// again when it changes, so adding or removing a key needs no restart. A
// line that does not parse or has an option the console does not
// implement refuses that line's key only (logged with its file:line,
// each time the file is read); a file that cannot be read refuses every
// key until mended, never falls back to the old set.
type authorizedKeys struct {
	path string

	mu    sync.Mutex
	mod   time.Time
	size  int64
	keys  []authKey
	err   error
	onErr func(error)
	// refused counts the lines the last read skipped.
	refused int
}

func loadAuthorizedKeys(path string, onErr func(error)) (*authorizedKeys, error) {
	a := &authorizedKeys{path: path, onErr: onErr}
	if err := a.reload(); err != nil {
		return nil, err
	}
	return a, nil
}

// reload reads the file when its time or size changed (a.mu held or not
// yet shared).
func (a *authorizedKeys) reload() error {
	fi, err := os.Stat(a.path)
	if err != nil {
		a.keys, a.err = nil, fmt.Errorf("authorized keys: %w", err)
		return a.err
	}
	if a.keys != nil && a.err == nil && fi.ModTime().Equal(a.mod) && fi.Size() == a.size {
		return nil
	}
	data, err := os.ReadFile(a.path)
	if err != nil {
		a.keys, a.err = nil, fmt.Errorf("authorized keys: %w", err)
		return a.err
	}
	keys, refused := parseAuthorizedKeys(a.path, data)
	a.refused = 0
	if refused != nil {
		a.refused = len(refused.(interface{ Unwrap() []error }).Unwrap())
		if a.onErr != nil {
			a.onErr(fmt.Errorf("lines refused (their keys are not let in): %w", refused))
		}
	}
	if keys == nil {
		keys = []authKey{} // read: an empty file lets nobody in
	}
	a.mod, a.size, a.keys, a.err = fi.ModTime(), fi.Size(), keys, nil
	return nil
}

// errNoKeys: the authorized_keys file lists no key.
var errNoKeys = errors.New("lists no key")

// lookup finds key in the file as it is now.
func (a *authorizedKeys) lookup(key ssh.PublicKey) (authKey, bool) {
	keys, err := a.current()
	if err != nil {
		if a.onErr != nil {
			a.onErr(err)
		}
		return authKey{}, false
	}
	return findKey(keys, key)
}

// current is the file's keys as they are now (read again when it
// changed). reload replaces the slice whole, so the caller may keep it.
func (a *authorizedKeys) current() ([]authKey, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reload(); err != nil {
		return nil, err
	}
	return a.keys, nil
}

// findKey finds key among keys.
func findKey(keys []authKey, key ssh.PublicKey) (authKey, bool) {
	kb := key.Marshal()
	for _, k := range keys {
		if bytes.Equal(k.key.Marshal(), kb) {
			return k, true
		}
	}
	return authKey{}, false
}

// Refused is how many lines of the file its last read skipped (each is
// in the server's log with its file and line).
func (a *authorizedKeys) Refused() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refused
}
