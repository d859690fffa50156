package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hasync/hasync/lab"
)

// labSSHFlags are the flags of the SSH login layer of `hasync lab`: what
// a client meets before the first prompt (lab.SSHLogin), and the Vyatta
// pager.
type labSSHFlags struct {
	legacy   bool
	hostKeys string
	version  string
	banner   string
	kbdInt   bool
	pager    bool
	forward  bool
	keyThen  bool
	// Huawei only: the first-login password question and login time, and
	// a user level that refuses screen-length.
	hwFirstLogin          bool
	hwScreenLengthRefused bool
	hwLegacyPrefix        bool
}

// addLabSSHFlags registers the SSH login flags on the lab command; they
// land in f.ssh.
func addLabSSHFlags(cmd *cobra.Command, f *labFlags) {
	fl := cmd.Flags()
	s := &f.ssh
	fl.BoolVar(&s.legacy, "ssh-legacy", false, "offer only old firmware's SSH algorithms: diffie-hellman-group1/group14/group-exchange-sha1, aes128-cbc and 3des-cbc, an ssh-rsa host key")
	fl.StringVar(&s.hostKeys, "ssh-host-keys", "", "host key types the devices present, kept in the state directory: ed25519, rsa, ecdsa, comma-separated (default ed25519; rsa with --ssh-legacy)")
	fl.StringVar(&s.version, "ssh-version", "", `SSH identification string, e.g. "SSH-1.99--" or "SSH-2.0--" as some firmware sends`)
	fl.StringVar(&s.banner, "ssh-banner", "", "authentication banner shown before login")
	fl.BoolVar(&s.kbdInt, "ssh-keyboard-interactive", false, "ask the password by keyboard-interactive instead of the password method")
	fl.BoolVar(&s.keyThen, "ssh-key-then-password", false, "ask for the client key and then the password, as OpenSSH's AuthenticationMethods publickey,password (either alone is refused)")
	fl.BoolVar(&s.forward, "ssh-allow-forward", false, "let each device be an SSH jump host (ProxyJump, -W) to loopback destinations, e.g. to its peer")
	fl.BoolVar(&s.pager, "pager", false, "vyatta: page show output in interactive sessions (':' as less) until 'set terminal length 0' or '| no-more'")
	fl.BoolVar(&s.hwFirstLogin, "first-login", false, "huawei: ask each user's first interactive login whether to change the password ([Y/N]; Y asks old, new and confirmation and keeps the new one for that device in DIR/DEVICE.USER.password), and print the login time before the prompt")
	fl.BoolVar(&s.hwLegacyPrefix, "hrp-legacy-prefix", false, "huawei: prompt HRP_A / HRP_B as older firmware does, instead of HRP_M / HRP_S")
	fl.BoolVar(&s.hwScreenLengthRefused, "screen-length-refused", false, "huawei: admin's level refuses 'screen-length 0 temporary', so long output must be paged through")
}

// checkLabSSHFamily refuses the login flags of the other family: the pager is
// Vyatta's (the Huawei pager is always on until screen-length), the
// first-login and screen-length flags are Huawei's.
func checkLabSSHFamily(cmd *cobra.Command, lf labFamily, family string) error {
	other := []string{"pager"}
	if lf.rest {
		other = []string{"first-login", "screen-length-refused", "hrp-legacy-prefix"}
	}
	for _, name := range other {
		if cmd.Flags().Changed(name) {
			return fmt.Errorf("lab: --%s: not a flag of --family %s", name, family)
		}
	}
	return nil
}

// login is the lab.SSHLogin the flags ask for.
func (s labSSHFlags) login() (lab.SSHLogin, error) {
	types, err := lab.ParseHostKeyTypes(s.hostKeys)
	if err != nil {
		return lab.SSHLogin{}, fmt.Errorf("lab: --ssh-host-keys: %w", err)
	}
	return lab.SSHLogin{Legacy: s.legacy, HostKeyTypes: types, Version: s.version, Banner: s.banner, KeyboardInteractive: s.kbdInt, AllowForward: s.forward, PublicKeyThenPassword: s.keyThen}, nil
}
