package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestLabInventoryLoads: what `hasync lab` writes is an inventory the
// product loads without an error and with the lab's values: one pair of
// each family, three pairs, the legacy SSH offer and the VyOS flavor. The
// legacy one is also logged in to with what the inventory says, and
// backend/pair reads every pair of each.
func TestLabInventoryLoads(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		family config.Family
		pairs  int
		flavor string
		legacy bool
	}{
		{"vyatta", []string{"--family", "vyatta"}, config.Vyatta, 1, inventory.FlavorVRA, false},
		{"huawei", []string{"--family", "huawei"}, config.Huawei, 1, inventory.FlavorUSG, false},
		{"vyatta pairs", []string{"--family", "vyatta", "--pairs", "3"}, config.Vyatta, 3, inventory.FlavorVRA, false},
		{"huawei pairs", []string{"--family", "huawei", "--pairs", "3"}, config.Huawei, 3, inventory.FlavorUSG, false},
		{"vyatta legacy", []string{"--family", "vyatta", "--ssh-legacy"}, config.Vyatta, 1, inventory.FlavorVRA, true},
		{"huawei legacy kbd-int", []string{"--family", "huawei", "--ssh-legacy", "--ssh-keyboard-interactive"}, config.Huawei, 1, inventory.FlavorUSG, true},
		{"vyos", []string{"--family", "vyatta", "--flavor", "vyos"}, config.Vyatta, 1, inventory.FlavorVyOS, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, stop := labStart(t, dir, append(c.args, "--lines", "100")...)
			defer stop()
			path := filepath.Join(dir, lab.InventoryFile)
			inv, err := inventory.Load(path)
			if err != nil {
				b, _ := os.ReadFile(path)
				t.Fatalf("%v\n%s", err, b)
			}
			if len(inv.Pairs) != c.pairs {
				t.Fatalf("%d pairs, want %d", len(inv.Pairs), c.pairs)
			}
			pw, _, err := lab.LoadOrCreatePassword(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv(lab.PasswordEnv, "")
			for i, p := range inv.Pairs {
				checkLabPair(t, p, c.family, c.pairs, i, dir, pw, c.flavor, c.legacy)
			}
			if c.legacy {
				labInventoryLogin(t, inv.Pairs[0].Devices[1])
			}
			// The product reads every pair of it as the inventory says.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			ps := pair.All(inv, pair.Options{SSHConfigFile: "none", UserKnownHosts: "none"})
			defer pair.CloseAll(ps)
			for _, s := range pair.RefreshAll(ctx, ps, 0) {
				for _, d := range s.Devices {
					if d.Err != nil || d.Tree == nil || !d.Reachable {
						t.Errorf("%s/%s: %v", s.Pair, d.Name, d.Err)
					}
				}
				if s.Compare == nil {
					t.Errorf("%s: no comparison: %v", s.Pair, s.CompareErr)
				}
			}
		})
	}
}

func checkLabPair(t *testing.T, p *inventory.Pair, fam config.Family, pairs, i int, dir, pw, flavor string, legacy bool) {
	t.Helper()
	names, name, mode, smap := [2]string{"vra-a", "vra-b"}, "lab-vyatta", inventory.ModeConfigSync, vyatta.SeedSyncMap
	if fam == config.Huawei {
		names, name, mode, smap = [2]string{"FW-A", "FW-B"}, "lab-huawei", inventory.ModeHRP, inventory.HRPMap
	}
	if pairs > 1 {
		name += "-" + strconv.Itoa(i+1)
	}
	if p.Name != name || p.Family != fam || p.Source != names[0] || p.Mode != mode || p.SyncMap != smap {
		t.Errorf("pair %+v: want %s, %s, source %s, mode %s, map %s", *p, name, fam, names[0], mode, smap)
	}
	for j, d := range p.Devices {
		if d.Name != names[j] || d.Flavor != flavor || d.Address != "127.0.0.1" || d.Port < 1 || d.User == "" {
			t.Errorf("device %+v", *d)
		}
		if d.KnownHosts != filepath.Join(dir, lab.KnownHostsFile) || !slices.Equal(d.Credentials.IdentityFiles, []string{filepath.Join(dir, lab.ClientKeyFile)}) {
			t.Errorf("%s: known_hosts %s, keys %v: want the lab directory's", d.Name, d.KnownHosts, d.Credentials.IdentityFiles)
		}
		for _, f := range append([]string{d.KnownHosts}, d.Credentials.IdentityFiles...) {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: %v", d.Name, err)
			}
		}
		// The variable is unset: the password comes from the file.
		if got, err := d.Credentials.Password(d.Name, nil); err != nil || got != pw {
			t.Errorf("%s: password from %+v: %v (match %v)", d.Name, d.Credentials, err, got == pw)
		}
		if d.Credentials.PasswordEnv != lab.PasswordEnv {
			t.Errorf("%s: password_env %q", d.Name, d.Credentials.PasswordEnv)
		}
		if (fam == config.Vyatta) != strings.HasPrefix(d.RESTURL, "https://127.0.0.1:") || (d.RESTURL != "") != (d.CAFile != "") {
			t.Errorf("%s: rest %q ca %q", d.Name, d.RESTURL, d.CAFile)
		}
		wantSSH := inventory.Algorithms{}
		if legacy {
			wantSSH = inventory.Algorithms{KeyExchanges: lab.LegacyKeyExchanges, Ciphers: lab.LegacyCiphers, MACs: lab.LegacyMACs, HostKeyAlgorithms: []string{ssh.KeyAlgoRSA}}
		}
		if !slices.Equal(d.SSH.KeyExchanges, wantSSH.KeyExchanges) || !slices.Equal(d.SSH.Ciphers, wantSSH.Ciphers) ||
			!slices.Equal(d.SSH.MACs, wantSSH.MACs) || !slices.Equal(d.SSH.HostKeyAlgorithms, wantSSH.HostKeyAlgorithms) {
			t.Errorf("%s: ssh %+v, want %+v", d.Name, d.SSH, wantSSH)
		}
	}
}

// labInventoryLogin logs in to d with x/crypto/ssh configured from the
// inventory alone: its algorithms appended to the defaults, its
// known_hosts, the password from its file (by password or
// keyboard-interactive).
func labInventoryLogin(t *testing.T, d *inventory.Device) {
	t.Helper()
	hk, err := knownhosts.New(d.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	def := ssh.SupportedAlgorithms()
	cfg := &ssh.ClientConfig{
		User:              d.User,
		HostKeyCallback:   hk,
		HostKeyAlgorithms: append(def.HostKeys, d.SSH.HostKeyAlgorithms...),
		Timeout:           30 * time.Second,
		Auth: []ssh.AuthMethod{
			ssh.PasswordCallback(func() (string, error) { return d.Credentials.Password(d.Name, nil) }),
			ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
				pw, err := d.Credentials.Password(d.Name, nil)
				ans := make([]string, len(qs))
				for i := range ans {
					ans[i] = pw
				}
				return ans, err
			}),
		},
	}
	cfg.KeyExchanges = append(def.KeyExchanges, d.SSH.KeyExchanges...)
	cfg.Ciphers = append(def.Ciphers, d.SSH.Ciphers...)
	cfg.MACs = append(def.MACs, d.SSH.MACs...)
	c, err := ssh.Dial("tcp", net.JoinHostPort(d.Address, strconv.Itoa(d.Port)), cfg)
	if err != nil {
		t.Fatalf("%s: log in as the inventory says: %v", d.Name, err)
	}
	defer c.Close()
	// Without the opt-in, the same login fails: the inventory carries
	// what the device needs.
	plain := *cfg
	plain.KeyExchanges, plain.Ciphers, plain.MACs, plain.HostKeyAlgorithms = nil, nil, nil, nil
	if c2, err := ssh.Dial("tcp", net.JoinHostPort(d.Address, strconv.Itoa(d.Port)), &plain); err == nil {
		c2.Close()
		t.Errorf("%s: logged in without the legacy algorithms", d.Name)
	}
}
