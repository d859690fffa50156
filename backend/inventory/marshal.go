package inventory

import (
	"fmt"
	"os"

	"github.com/goccy/go-yaml"
)

// Marshal writes inv in the file's format: what Load reads back equal
// (paths stay absolute; defaults are written out).
func Marshal(inv *Inventory) ([]byte, error) {
	var raw fileYAML
	for _, p := range inv.Pairs {
		rp := pairYAML{
			Name: p.Name, Family: p.Family.String(), Source: p.Source,
			SyncMap: p.SyncMap, SyncMode: string(p.Mode), Refresh: p.Refresh,
		}
		for _, d := range p.Devices {
			if d == nil {
				return nil, fmt.Errorf("inventory: pair %q: a device is missing", p.Name)
			}
			rd := deviceYAML{
				Name: d.Name, Flavor: d.Flavor, Address: d.Address, Port: d.Port, User: d.User,
				PasswordEnv: d.Credentials.PasswordEnv, PasswordFile: d.Credentials.PasswordFile,
				PasswordPrompt: d.Credentials.PasswordPrompt, Agent: d.Credentials.Agent,
				IdentityFiles: d.Credentials.IdentityFiles,
				KnownHosts:    d.KnownHosts, AcceptNew: d.AcceptNew, SSHHost: d.SSHHost, ProxyJump: d.ProxyJump,
				RESTURL: d.RESTURL, CAFile: d.CAFile, Transport: string(d.Transport),
			}
			if !d.SSH.Empty() {
				rd.SSH = &sshYAML{KeyExchanges: d.SSH.KeyExchanges, Ciphers: d.SSH.Ciphers, MACs: d.SSH.MACs, HostKeyAlgorithms: d.SSH.HostKeyAlgorithms}
			}
			if d.Timeouts != (Timeouts{}) {
				rd.Timeouts = &timeoutsYAML{Connect: d.Timeouts.Connect, Command: d.Timeouts.Command, KeepAlive: d.Timeouts.KeepAlive}
			}
			rp.Devices = append(rp.Devices, rd)
		}
		raw.Pairs = append(raw.Pairs, rp)
	}
	b, err := yaml.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	return b, nil
}

// Write writes inv to path (mode 0600) through a temporary file, so a
// reader never sees half a file.
func Write(path string, inv *Inventory) error {
	b, err := Marshal(inv)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	return nil
}
