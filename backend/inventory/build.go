package inventory

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/config"
)

// build checks the decoded file and turns it into an Inventory.
func build(raw fileYAML, w *walker, name, dir string) (*Inventory, error) {
	inv := &Inventory{Path: name, Dir: dir}
	errAt := func(path string, format string, a ...any) error {
		return &Error{Pos: w.posOf(path), Msg: fmt.Sprintf(format, a...)}
	}
	if len(raw.Pairs) == 0 {
		return nil, errAt("pairs", "no pairs: expected pairs: with at least one pair (name, family, devices)")
	}
	pairAt := map[string]Pos{}
	for i, rp := range raw.Pairs {
		pp := fmt.Sprintf("pairs[%d]", i)
		p, err := buildPair(rp, pp, w, dir, errAt)
		if err != nil {
			return nil, err
		}
		if prev, ok := pairAt[p.Name]; ok {
			return nil, errAt(pp+".name", "pair %q is named twice (first at line %d): expected distinct pair names", p.Name, prev.Line)
		}
		pairAt[p.Name] = p.Pos
		inv.Pairs = append(inv.Pairs, p)
	}
	return inv, nil
}

type errAtFunc func(path string, format string, a ...any) error

func buildPair(rp pairYAML, pp string, w *walker, dir string, errAt errAtFunc) (*Pair, error) {
	p := &Pair{Name: strings.TrimSpace(rp.Name), Pos: w.posOf(pp), Refresh: rp.Refresh}
	if p.Name == "" {
		return nil, errAt(pp, "pair %s: missing name: expected name: NAME", ordinal(pp))
	}
	who := fmt.Sprintf("pair %q", p.Name)
	if strings.TrimSpace(rp.Family) == "" {
		return nil, errAt(pp, "%s: missing family: expected family: vyatta or family: huawei", who)
	}
	fam, err := parseFamily(rp.Family)
	if err != nil {
		return nil, errAt(pp+".family", "%s: family %q: expected vyatta or huawei", who, rp.Family)
	}
	p.Family = fam
	if len(rp.Devices) != 2 {
		return nil, errAt(pp+".devices", "%s: %d device(s): expected exactly two devices", who, len(rp.Devices))
	}
	for j, rd := range rp.Devices {
		dp := fmt.Sprintf("%s.devices[%d]", pp, j)
		d, err := buildDevice(rd, dp, who, fam, w, dir, errAt)
		if err != nil {
			return nil, err
		}
		p.Devices[j] = d
	}
	if p.Devices[0].Name == p.Devices[1].Name {
		return nil, errAt(pp+".devices[1].name", "%s: both devices are named %q: expected two distinct names", who, p.Devices[0].Name)
	}
	p.Source = strings.TrimSpace(rp.Source)
	if p.Source == "" {
		p.Source = p.Devices[0].Name
	} else if _, ok := p.Device(p.Source); !ok {
		return nil, errAt(pp+".source", "%s: source %q: expected one of the pair's devices, %q or %q", who, p.Source, p.Devices[0].Name, p.Devices[1].Name)
	}
	p.Mode = SyncMode(strings.ToLower(strings.TrimSpace(rp.SyncMode)))
	switch fam {
	case config.Vyatta:
		switch p.Mode {
		case "":
			p.Mode = ModePush
		case ModePush, ModeConfigSync:
		default:
			return nil, errAt(pp+".sync_mode", "%s: sync_mode %q: expected push or config-sync for the vyatta family", who, rp.SyncMode)
		}
		p.SyncMap = strings.TrimSpace(rp.SyncMap)
		if strings.ContainsAny(p.SyncMap, " \t'\"") {
			return nil, errAt(pp+".sync_map", "%s: sync_map %q: expected the name of a sync-map under system config-sync (one word)", who, rp.SyncMap)
		}
	case config.Huawei:
		switch p.Mode {
		case "":
			p.Mode = ModeHRP
		case ModePush, ModeHRP:
		default:
			return nil, errAt(pp+".sync_mode", "%s: sync_mode %q: expected hrp or push for the huawei family", who, rp.SyncMode)
		}
		switch m := strings.TrimSpace(rp.SyncMap); m {
		case "", HRPMap:
			p.SyncMap = HRPMap
		default:
			return nil, errAt(pp+".sync_map", "%s: sync_map %q: the huawei family has only the built-in map: expected hrp or nothing", who, rp.SyncMap)
		}
	}
	if p.Refresh == 0 {
		p.Refresh = DefaultRefresh
	}
	return p, nil
}

func buildDevice(rd deviceYAML, dp, pair string, fam config.Family, w *walker, dir string, errAt errAtFunc) (*Device, error) {
	d := &Device{Name: strings.TrimSpace(rd.Name), Family: fam, Pos: w.posOf(dp)}
	if d.Name == "" {
		return nil, errAt(dp, "%s, device %s: missing name: expected name: NAME", pair, ordinal(dp))
	}
	who := fmt.Sprintf("%s, device %q", pair, d.Name)
	if rd.Family != "" {
		df, err := parseFamily(rd.Family)
		if err != nil {
			return nil, errAt(dp+".family", "%s: family %q: expected vyatta or huawei", who, rd.Family)
		}
		if df != fam {
			return nil, errAt(dp+".family", "%s: family %s: expected the pair's family, %s", who, df, fam)
		}
	}
	d.Flavor = strings.ToLower(strings.TrimSpace(rd.Flavor))
	known := flavors(fam)
	if d.Flavor == "" {
		d.Flavor = known[0]
	} else if !slices.Contains(known, d.Flavor) {
		return nil, errAt(dp+".flavor", "%s: flavor %q: expected one of %s for the %s family", who, rd.Flavor, strings.Join(known, ", "), fam)
	}
	d.Address = strings.TrimSpace(rd.Address)
	d.SSHHost = strings.TrimSpace(rd.SSHHost)
	if d.Address == "" && d.SSHHost == "" {
		return nil, errAt(dp, "%s: missing address: expected address: HOST (or ssh_host: an alias of ~/.ssh/config)", who)
	}
	if strings.ContainsAny(d.Address, " \t/@") {
		return nil, errAt(dp+".address", "%s: address %q: expected a host name or IP address (the port goes in port:, the user in user:)", who, rd.Address)
	}
	if _, set := w.pos[dp+".port"]; set && (rd.Port < 1 || rd.Port > 65535) {
		return nil, errAt(dp+".port", "%s: port %d: expected 1-65535", who, rd.Port)
	}
	d.Port = rd.Port
	d.User = strings.TrimSpace(rd.User)
	d.ProxyJump = strings.TrimSpace(rd.ProxyJump)
	if strings.ContainsAny(d.ProxyJump, " \t") {
		return nil, errAt(dp+".proxy_jump", "%s: proxy_jump %q: expected [user@]host[:port] (several comma-separated, no spaces)", who, rd.ProxyJump)
	}
	d.AcceptNew = rd.AcceptNew

	c := &d.Credentials
	c.PasswordEnv = strings.TrimSpace(rd.PasswordEnv)
	if c.PasswordEnv != "" && !envName(c.PasswordEnv) {
		// The value is not repeated: it may be the password itself.
		return nil, errAt(dp+".password_env", "%s: password_env: expected the name of an environment variable (letters, digits, _), not the password", who)
	}
	c.PasswordFile = resolve(dir, rd.PasswordFile)
	c.PasswordPrompt = rd.PasswordPrompt
	c.Agent = rd.Agent
	if f := resolve(dir, rd.KeyFile); f != "" {
		c.IdentityFiles = append(c.IdentityFiles, f)
	}
	for k, f := range rd.IdentityFiles {
		if strings.TrimSpace(f) == "" {
			return nil, errAt(fmt.Sprintf("%s.identity_files[%d]", dp, k), "%s: identity_files: an empty entry: expected a path of a private key", who)
		}
		c.IdentityFiles = append(c.IdentityFiles, resolve(dir, f))
	}
	d.KnownHosts = resolve(dir, rd.KnownHosts)

	if rd.SSH != nil {
		sup, insec := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
		lists := []struct {
			key   string
			names []string
			known []string
			into  *[]string
		}{
			{"kex", rd.SSH.KeyExchanges, append(sup.KeyExchanges, insec.KeyExchanges...), &d.SSH.KeyExchanges},
			{"ciphers", rd.SSH.Ciphers, append(sup.Ciphers, insec.Ciphers...), &d.SSH.Ciphers},
			{"macs", rd.SSH.MACs, append(sup.MACs, insec.MACs...), &d.SSH.MACs},
			{"host_key_algorithms", rd.SSH.HostKeyAlgorithms, append(sup.HostKeys, insec.HostKeys...), &d.SSH.HostKeyAlgorithms},
		}
		for _, l := range lists {
			for k, a := range l.names {
				if !slices.Contains(l.known, a) {
					return nil, errAt(fmt.Sprintf("%s.ssh.%s[%d]", dp, l.key, k), "%s: ssh %s: %q is not an algorithm hasync implements: expected one of %s", who, l.key, a, strings.Join(l.known, ", "))
				}
				*l.into = append(*l.into, a)
			}
		}
	}

	d.RESTURL = strings.TrimSpace(rd.RESTURL)
	d.CAFile = resolve(dir, rd.CAFile)
	if d.RESTURL != "" {
		if fam != config.Vyatta {
			return nil, errAt(dp+".rest_url", "%s: rest_url: the %s family has no REST API here: expected no rest_url", who, fam)
		}
		u, err := url.Parse(d.RESTURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return nil, errAt(dp+".rest_url", "%s: rest_url: expected https://HOST[:PORT] (no user or password in it)", who)
		}
	} else if d.CAFile != "" {
		return nil, errAt(dp+".ca_file", "%s: ca_file without rest_url: expected rest_url: https://... beside it", who)
	}
	switch t := Transport(strings.ToLower(strings.TrimSpace(rd.Transport))); t {
	case "", TransportSSH:
		d.Transport = TransportSSH
	case TransportREST:
		if d.RESTURL == "" {
			return nil, errAt(dp+".transport", "%s: transport: rest needs the device's REST API: expected rest_url: https://... beside it", who)
		}
		d.Transport = t
	default:
		return nil, errAt(dp+".transport", "%s: transport %q: expected ssh or rest", who, rd.Transport)
	}
	if rd.Timeouts != nil {
		d.Timeouts = Timeouts{Connect: rd.Timeouts.Connect, Command: rd.Timeouts.Command, KeepAlive: rd.Timeouts.KeepAlive}
	}
	return d, nil
}

// parseFamily takes the family names the inventory accepts: vyatta or
// huawei (flavors go in flavor:).
func parseFamily(s string) (config.Family, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "vyatta":
		return config.Vyatta, nil
	case "huawei":
		return config.Huawei, nil
	}
	return config.Auto, fmt.Errorf("unknown family %q", s)
}

// resolve makes a path of the file absolute: ~/ is the home directory, a
// relative path is taken against the inventory's directory.
func resolve(dir, p string) string {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return ""
	case p == "~" || strings.HasPrefix(p, "~/"):
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p[1:], "/"))
		}
	case !filepath.IsAbs(p):
		return filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

func envName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// ordinal turns the last index of path into "1st"-style words for the
// messages about an entry that has no name yet: "2" for pairs[1].
func ordinal(path string) string {
	i := strings.LastIndexByte(path, '[')
	j := strings.LastIndexByte(path, ']')
	if i < 0 || j < i {
		return "?"
	}
	var n int
	fmt.Sscanf(path[i+1:j], "%d", &n)
	return itoa(n + 1)
}
