// Package inventory owns the pairs file: which HA pairs hasync manages, the
// two devices of each (address, port, user, flavor, SSH options, REST URL,
// timeouts), the credentials as references only (an environment variable,
// a file, a prompt, identity files, the SSH agent; never a password
// written in the file), which device a sync copies from, the sync-map and
// the sync mode.
//
// The file is YAML, read with github.com/goccy/go-yaml. Every error names
// the file, the line and the column, and says what was expected: a syntax
// error, an unknown key (named, with the keys allowed there), a value of
// the wrong kind, a missing required field (naming the pair or device) and
// every rule of Validate. Relative paths in the file are resolved against
// the file's directory. Load never contacts a device and never reads a
// secret: the password file and environment variable are only named here
// and read by Credentials.Password when a connection needs them.
//
// Imports: backend/config (the family), golang.org/x/crypto/ssh (the names
// of the SSH algorithms it implements, to check the legacy opt-ins), the
// YAML library and the standard library. No UI, device, sshclient or
// Charm package.
package inventory
