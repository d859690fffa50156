// Package lab holds the parts shared by the emulated devices of hasync's
// lab: the state directory (host keys, the client key id_ed25519,
// known_hosts in OpenSSH's format, the password, inventory.yaml), the TLS CA
// of the REST servers, an SSH server on golang.org/x/crypto/ssh that gives
// a device's CLI a PTY shell and exec requests (several users on one port,
// each with its own password and keys; the login a device offers,
// SSHLogin; an opt-in jump host to loopback), and the fault knobs
// (Faults) that tests turn to make a device misbehave. Both families also
// share here how a pair sets up its state directory and SSH servers
// (PairState), how a device loads and saves its configuration (LoadSaved,
// SaveConfig), and the fan-out of a device's log lines (LogHub).
//
// The device families live below it (lab/vyatta, lab/huawei). Only `main`
// and tests import lab; lab may import backend/config to print
// configurations, and never the product's own packages: the product talks
// to the lab only over real SSH and HTTPS.
package lab
