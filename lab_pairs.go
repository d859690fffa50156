package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/spf13/pflag"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
)

// addLabPairsFlags adds --pairs and --base-port to `hasync lab`.
func addLabPairsFlags(fl *pflag.FlagSet, f *labFlags) {
	fl.IntVar(&f.pairs, "pairs", 1, "how many pairs of the family to serve from this process (each in DIR/pair-N, one inventory.yaml in DIR)")
	fl.IntVar(&f.basePort, "base-port", 0, "first of the consecutive ports: SSH of every device in pair order, then (vyatta) REST (default: a free range when --pairs > 1)")
}

func checkLabPairsFlags(f labFlags) error {
	if f.pairs < 1 || f.pairs > 500 {
		return fmt.Errorf("lab: --pairs %d: expected 1 to 500", f.pairs)
	}
	if f.basePort < 0 || f.basePort+4*f.pairs > 65536 {
		return fmt.Errorf("lab: --base-port %d: out of range for %d pair(s)", f.basePort, f.pairs)
	}
	if (f.pairs > 1 || f.basePort > 0) && (len(f.sshPorts) > 0 || len(f.restPort) > 0) {
		return errors.New("lab: --ssh-ports and --rest-ports are for one pair without --base-port")
	}
	return nil
}

// labPairs are the pairs one `hasync lab` serves.
type labPairs struct {
	pairs []*labPair
	names []string // the inventory's pair names
	// state is what is printed: the user, the password, the inventory.
	state *lab.PairState
}

// prefix is what names pair i's devices in the output and on the control
// socket: nothing with one pair.
func (lp *labPairs) prefix(i int) string {
	if len(lp.pairs) == 1 {
		return ""
	}
	return lp.names[i] + "/"
}

// control are the devices of every pair for the control socket.
func (lp *labPairs) control() []lab.ControlDevice {
	var out []lab.ControlDevice
	for i, p := range lp.pairs {
		for _, d := range p.control {
			d.Name = lp.prefix(i) + d.Name
			out = append(out, d)
		}
	}
	return out
}

func (lp *labPairs) close() {
	for i := len(lp.pairs) - 1; i >= 0; i-- {
		lp.pairs[i].close()
	}
}

// startLabPairs starts f.pairs pairs of the family. One pair lives in dir
// itself, as always. Several live in dir/pair-1 ... dir/pair-N with the
// password and client key of dir, on consecutive ports, and dir gets one
// known_hosts and one inventory.yaml that lists every pair.
func startLabPairs(ctx context.Context, lf labFamily, f labFlags, dir string, sshAddrs, restAddrs [2]string) (_ *labPairs, err error) {
	lp := &labPairs{}
	defer func() {
		if err != nil {
			lp.close()
		}
	}()
	n := f.pairs
	base := f.basePort
	if base == 0 && n > 1 {
		if base, err = freePortRange(4 * n); err != nil {
			return nil, err
		}
	}
	addrs := func(first int) [2]string {
		return [2]string{"127.0.0.1:" + strconv.Itoa(first), "127.0.0.1:" + strconv.Itoa(first+1)}
	}
	if n == 1 {
		if base > 0 {
			sshAddrs, restAddrs = addrs(base), addrs(base+2)
		}
		p, err := lf.start(ctx, f, dir, sshAddrs, restAddrs)
		if err != nil {
			return nil, err
		}
		lp.pairs, lp.names, lp.state = []*labPair{p}, []string{""}, p.state
		if err := completeLabInventory(p.state.Inventory, f); err != nil {
			lp.close()
			return nil, err
		}
		return lp, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pw, created, err := lab.LoadOrCreatePassword(dir, f.password)
	if err != nil {
		return nil, err
	}
	keyPath := filepath.Join(dir, lab.ClientKeyFile)
	if _, err := lab.LoadOrCreateKey(keyPath); err != nil {
		return nil, err
	}
	f.password = pw
	var inv lab.Inventory
	var knownHosts []byte
	for i := range n {
		sub := filepath.Join(dir, "pair-"+strconv.Itoa(i+1))
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return nil, err
		}
		for _, name := range []string{lab.ClientKeyFile, lab.ClientKeyFile + ".pub"} {
			if err := copyFile(filepath.Join(dir, name), filepath.Join(sub, name)); err != nil {
				return nil, err
			}
		}
		p, err := lf.start(ctx, f, sub, addrs(base+2*i), addrs(base+2*n+2*i))
		if err != nil {
			return nil, fmt.Errorf("lab: pair %d: %w", i+1, err)
		}
		lp.pairs = append(lp.pairs, p)
		b, err := os.ReadFile(p.state.Inventory)
		if err != nil {
			return nil, err
		}
		var one lab.Inventory
		if err := yaml.Unmarshal(b, &one); err != nil {
			return nil, fmt.Errorf("lab: %s: %w", p.state.Inventory, err)
		}
		for _, ip := range one.Pairs {
			completeLabPair(&ip, f)
			ip.Name = fmt.Sprintf("%s-%d", ip.Name, i+1)
			for j := range ip.Devices {
				ip.Devices[j].KeyFile = keyPath
				ip.Devices[j].PasswordFile = filepath.Join(dir, lab.PasswordFile)
				ip.Devices[j].KnownHosts = filepath.Join(dir, lab.KnownHostsFile)
			}
			inv.Pairs = append(inv.Pairs, ip)
			lp.names = append(lp.names, ip.Name)
		}
		kh, err := os.ReadFile(filepath.Join(sub, lab.KnownHostsFile))
		if err != nil {
			return nil, err
		}
		knownHosts = append(knownHosts, kh...)
	}
	if err := lab.WriteFile(filepath.Join(dir, lab.KnownHostsFile), knownHosts, 0o644); err != nil {
		return nil, err
	}
	st := *lp.pairs[0].state
	st.Dir, st.Password, st.PasswordCreated = dir, pw, created
	st.Inventory = filepath.Join(dir, lab.InventoryFile)
	if err := lab.WriteInventory(st.Inventory, inv); err != nil {
		return nil, err
	}
	lp.state = &st
	return lp, nil
}

// completeLabPair fills what only the command knows of a pair's
// inventory entry: the Vyatta flavor of both members (--flavor) and the
// sync-map vra-a's config-sync names; then the family defaults
// (lab.InventoryPair.Complete).
func completeLabPair(ip *lab.InventoryPair, f labFlags) {
	if ip.Family == "vyatta" {
		if fl, err := vyatta.ParseFlavor(f.vyFlavor); err == nil {
			for j := range ip.Devices {
				if ip.Devices[j].Flavor == "" {
					ip.Devices[j].Flavor = string(fl)
				}
			}
		}
		if ip.SyncMap == "" {
			ip.SyncMap = vyatta.SeedSyncMap
		}
	}
	ip.Complete()
}

// completeLabInventory rewrites the inventory at path with every pair
// completed (completeLabPair).
func completeLabInventory(path string, f labFlags) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var inv lab.Inventory
	if err := yaml.Unmarshal(b, &inv); err != nil {
		return fmt.Errorf("lab: %s: %w", path, err)
	}
	for i := range inv.Pairs {
		completeLabPair(&inv.Pairs[i], f)
	}
	return lab.WriteInventory(path, inv)
}

// freePortRange finds n consecutive free ports on 127.0.0.1 and returns
// the first. Another process may still take one before the lab listens;
// the lab then fails to start and says which.
func freePortRange(n int) (int, error) {
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		first := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if first+n > 65536 {
			continue
		}
		ok := true
		var held []net.Listener
		for p := first; p < first+n; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			held = append(held, l)
		}
		for _, l := range held {
			l.Close()
		}
		if ok {
			return first, nil
		}
	}
	return 0, fmt.Errorf("lab: no %d consecutive free ports on 127.0.0.1", n)
}

// copyFile copies src to dst unless dst exists, with src's mode.
func copyFile(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return lab.WriteFile(dst, b, fi.Mode().Perm())
}

// checkOnePairState refuses, for `lab cli`, the top directory of a lab
// that serves several pairs: each pair's state is in its pair-K.
func checkOnePairState(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, lab.InventoryFile))
	if err != nil {
		return nil
	}
	var inv lab.Inventory
	if yaml.Unmarshal(b, &inv) != nil || len(inv.Pairs) < 2 {
		return nil
	}
	return fmt.Errorf("lab cli: %s serves %d pairs: use --state %s", dir, len(inv.Pairs), filepath.Join(dir, "pair-K"))
}
