package vyatta

import (
	"context"
	"errors"
	"fmt"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// VyOS 1.4+ `service config-sync` (DOMAIN.md "Vyatta REST API"), in the
// VyOS flavor: after a commit that revised any configured section, the
// primary sends all sections to `secondary address` in one request. Its
// post-commit hook (vyos-1x src/helpers/vyos_config_sync.py) logs with
// Python's default format, and those lines are what the commit prints:
//
//	INFO:vyos_config_sync.py:Config synchronization: Mode=set, Secondary=10.0.0.2
//
// and, when the secondary cannot be reached, `An error occurred: ...` and
// `ERROR:vyos_config_sync.py:An error occurred: ...`. A commit the
// secondary rejects is only logged at debug level: the primary's commit
// output shows nothing more, and the primary looks fine.
//
// The lab sends through the secondary's lab REST API (the same as
// system config-sync) with the device's user and `secondary key` as its
// password; mode `load` replaces each section, `set` only adds and
// changes (it never deletes on the secondary).

// serviceSyncLog is the logger name of the hook's lines.
const serviceSyncLog = "vyos_config_sync.py"

// serviceSyncConfig is `service config-sync` as configured.
type serviceSyncConfig struct {
	address, key, mode string
	sections           [][]string
}

// readServiceSync reads `service config-sync`; ok is false unless mode,
// secondary address and key and a section are all set (the hook exits
// quietly then).
func readServiceSync(root *config.Node) (c serviceSyncConfig, ok bool) {
	n := root.Lookup(config.Path{"service", "config-sync"})
	if n == nil {
		return c, false
	}
	value := func(p ...string) string {
		if v := n.Lookup(config.Path(p)); v != nil && len(v.Values) > 0 {
			return v.Values[0]
		}
		return ""
	}
	c.address, c.key, c.mode = value("secondary", "address"), value("secondary", "key"), value("mode")
	if sec := n.Child("section"); sec != nil {
		for _, s := range sec.Children {
			if len(s.Children) == 0 {
				c.sections = append(c.sections, []string{s.Name})
				continue
			}
			for _, sub := range s.Children {
				c.sections = append(c.sections, []string{s.Name, sub.Name})
			}
		}
	}
	return c, c.address != "" && c.key != "" && c.mode != "" && len(c.sections) > 0
}

// serviceSync is the post-commit hook of `service config-sync`.
func (c *ConfigSync) serviceSync(ctx context.Context, running *config.Tree, out func(string)) {
	c.mu.Lock()
	prev := c.synced
	c.synced = running
	c.mu.Unlock()
	sc, ok := readServiceSync(running.Root)
	if !ok {
		return
	}
	revised := false
	m := &syncmap.Map{Name: "service config-sync", Family: config.Vyatta}
	for i, sec := range sc.sections {
		m.Rules = append(m.Rules, syncmap.Rule{Number: i + 1, Action: syncmap.Include, Location: sec})
		var before *config.Node
		if prev != nil {
			before = prev.Root.Lookup(config.Path(sec))
		}
		after := running.Root.Lookup(config.Path(sec))
		if (before == nil) != (after == nil) || (before != nil && !config.Equal(before, after)) {
			revised = true
		}
	}
	if !revised {
		return
	}
	emit := func(line string) {
		out(line)
		c.d.Log(line)
	}
	emit(fmt.Sprintf("INFO:%s:Config synchronization: Mode=%s, Secondary=%s", serviceSyncLog, sc.mode, sc.address))
	t := syncTarget{remote: syncmap.Remote{Address: sc.address, Username: c.d.User()}, m: m, password: sc.key}
	_, err := c.pushMode(ctx, running, t, sc.mode == "set")
	c.mu.Lock()
	c.last[sc.address] = syncResult{err: err}
	c.mu.Unlock()
	var re *RemoteError
	switch {
	case err == nil:
	case errors.As(err, &re):
		// Rejected by the secondary: debug level only.
		c.d.Log(fmt.Sprintf("DEBUG:%s:Set config for sections '%v': %s", serviceSyncLog, sc.sections, syncOneLine(re.Message)))
	default:
		out("An error occurred: " + syncReason(err))
		emit(fmt.Sprintf("ERROR:%s:An error occurred: %s", serviceSyncLog, syncReason(err)))
	}
}

// pushMode is push; setOnly drops the deletions (mode set merges).
func (c *ConfigSync) pushMode(ctx context.Context, running *config.Tree, t syncTarget, setOnly bool) (n int, err error) {
	if !setOnly {
		return c.push(ctx, running, t)
	}
	err = c.inSession(ctx, running, t, func(ctx context.Context, cl *restClient, id string, cmds []syncCmd) error {
		var sets []syncCmd
		for _, cmd := range cmds {
			if !cmd.Delete {
				sets = append(sets, cmd)
			}
		}
		if len(sets) == 0 {
			return nil
		}
		for _, cmd := range sets {
			if err := cl.apply(ctx, id, cmd); err != nil {
				return err
			}
		}
		if _, err := cl.call(ctx, "POST", id+"/commit"); err != nil {
			return err
		}
		n = len(sets)
		_, err := cl.call(ctx, "POST", id+"/save")
		return err
	})
	return n, err
}
