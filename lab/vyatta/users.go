package vyatta

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/hasync/hasync/backend/config"
)

// SecretsGroup is the group whose members see secrets (passwords, keys)
// in clear; everyone else sees config.Mask (DOMAIN.md, config-sync).
const SecretsGroup = "secrets"

// Account is a login user of a device besides Options.User.
type Account struct {
	Name, Password string
	// Secrets: the user is in the secrets group.
	Secrets bool
}

// SecretsError is a config-sync whose remote user is not in the remote's
// secrets group: the sync sends nothing, so no masked value ever replaces
// a real secret.
type SecretsError struct{ User string }

func (e *SecretsError) Error() string {
	return fmt.Sprintf("Remote user %s not in %s group", e.User, SecretsGroup)
}

// ErrNotInSecrets is a set of a secret by a user outside the secrets group.
//
//lint:ignore ST1005 the lab's device text
var ErrNotInSecrets = errors.New("Permission denied: user not in secrets group")

type userKey struct{}

// WithUser returns ctx naming the user an operational command runs for:
// `show configuration` masks secrets for users outside the secrets group.
// A context without a user is the device itself (no masking).
func WithUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// userOf is the user ctx names, "" for the device itself.
func userOf(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// InSecrets reports whether user sees secrets in clear: the device itself
// (""), Options.User unless SetSecretsGroup took it out, and accounts in
// the group.
func (d *Device) InSecrets(user string) bool {
	if user == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if in, ok := d.secrets[user]; ok {
		return in
	}
	if user == d.o.User {
		return true
	}
	for _, a := range d.o.Accounts {
		if a.Name == user {
			return a.Secrets
		}
	}
	return false
}

// SetSecretsGroup puts user in the secrets group or takes it out (a Go API
// for tests and the demo: a remote whose config-sync user lacks the group).
func (d *Device) SetSecretsGroup(user string, in bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.secrets == nil {
		d.secrets = map[string]bool{}
	}
	d.secrets[user] = in
}

// CheckPassword reports whether user may log in with password.
func (d *Device) CheckPassword(user, password string) bool {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if user == d.o.User {
		return d.o.Password != "" && eq(password, d.o.Password)
	}
	for _, a := range d.o.Accounts {
		if a.Name == user {
			return a.Password != "" && eq(password, a.Password)
		}
	}
	return false
}

// Accounts returns the device's extra login users.
func (d *Device) Accounts() []Account { return append([]Account(nil), d.o.Accounts...) }

// setsSecret reports whether set words give a secret leaf a value.
func setsSecret(words []string, f Flavor) bool {
	scratch := &config.Node{}
	if setPath(scratch, words, f) != nil {
		return false
	}
	secret := false
	scratch.Walk(func(_ config.Path, n *config.Node) bool {
		if n.Secret {
			secret = true
		}
		return !secret
	})
	return secret
}
