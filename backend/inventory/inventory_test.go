package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
)

// good is a valid pair the malformed cases change one thing of.
const good = `pairs:
  - name: p1
    family: vyatta
    devices:
      - name: a
        address: 10.0.0.1
        user: vyatta
        password_env: PW
      - name: b
        address: 10.0.0.2
        user: vyatta
        key_file: id_ed25519
`

// TestMalformed: each broken inventory is refused with the file, line and
// column of the fault and what was expected there.
func TestMalformed(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"empty", "", "inv.yaml:1:1: empty inventory: expected pairs: with at least one pair"},
		{"comment only", "# nothing\n", "inv.yaml:1:1: empty inventory"},
		{"syntax", "pairs: [\n", "inv.yaml:1:8: YAML: "},
		{"tab indent", "pairs:\n\t- name: x\n", "inv.yaml:2:"},
		{"top not mapping", "- a\n- b\n", "inv.yaml:1:1: expected a mapping with the key pairs, found a list"},
		{"unknown top key", "pairs: []\nversion: 2\n", `inv.yaml:2:1: unknown key "version" in the inventory: expected one of pairs`},
		{"no pairs", "pairs: []\n", "inv.yaml:1:8: no pairs: expected pairs: with at least one pair"},
		{"pairs not list", "pairs: p1\n", "inv.yaml:1:8: pairs: expected a list of pairs (- name: ...)"},
		{"unknown pair key", strings.Replace(good, "    family: vyatta\n", "    family: vyatta\n    mode: push\n", 1),
			`inv.yaml:4:5: unknown key "mode" in a pair: expected one of devices, family, name, refresh, source, sync_map, sync_mode`},
		{"unknown device key", strings.Replace(good, "        user: vyatta\n        key_file", "        user: vyatta\n        hostname: b\n        key_file", 1),
			`inv.yaml:12:9: unknown key "hostname" in a device: expected one of accept_new, address, agent,`},
		{"plain password", strings.Replace(good, "password_env: PW", "password: hunter2", 1),
			"inv.yaml:8:9: password: a password is never written in the inventory: use password_env (a variable), password_file (a file) or password_prompt: true"},
		{"plain password upper", strings.Replace(good, "password_env: PW", "Password: hunter2", 1),
			"inv.yaml:8:9: Password: a password is never written"},
		{"passwd", strings.Replace(good, "password_env: PW", "passwd: hunter2", 1), "inv.yaml:8:9: passwd: a password is never written"},
		{"password in ssh", strings.Replace(good, "password_env: PW", "ssh: {password: hunter2}", 1), "inv.yaml:8:15: password: a password is never written"},
		{"duplicate key", strings.Replace(good, "        user: vyatta\n        password_env", "        user: vyatta\n        user: root\n        password_env", 1),
			`inv.yaml:8:9: YAML: mapping key "user" already defined at [7:9]`},
		{"missing pair name", strings.Replace(good, "  - name: p1\n    family", "  - family", 1), "inv.yaml:2:5: pair 1: missing name: expected name: NAME"},
		{"missing family", strings.Replace(good, "    family: vyatta\n", "", 1), `inv.yaml:2:5: pair "p1": missing family: expected family: vyatta or family: huawei`},
		{"unknown family", strings.Replace(good, "family: vyatta", "family: cisco", 1), `inv.yaml:3:13: pair "p1": family "cisco": expected vyatta or huawei`},
		{"one device", good[:strings.Index(good, "      - name: b")], `inv.yaml:5:7: pair "p1": 1 device(s): expected exactly two devices`},
		{"three devices", good + "      - name: c\n        address: 10.0.0.3\n", `inv.yaml:5:7: pair "p1": 3 device(s): expected exactly two devices`},
		{"no devices", strings.Replace(good, "    devices:\n", "    devices:\n    x:\n", 1)[:0] + "pairs:\n  - name: p1\n    family: vyatta\n",
			`inv.yaml:2:5: pair "p1": 0 device(s): expected exactly two devices`},
		{"missing device name", strings.Replace(good, "      - name: b\n        address", "      - address", 1), `inv.yaml:9:9: pair "p1", device 2: missing name: expected name: NAME`},
		{"same names", strings.Replace(good, "name: b", "name: a", 1), `inv.yaml:9:15: pair "p1": both devices are named "a": expected two distinct names`},
		{"missing address", strings.Replace(good, "        address: 10.0.0.2\n", "", 1), `inv.yaml:9:9: pair "p1", device "b": missing address: expected address: HOST (or ssh_host: an alias of ~/.ssh/config)`},
		{"address with port", strings.Replace(good, "10.0.0.2", "10.0.0.2/24", 1), `inv.yaml:10:18: pair "p1", device "b": address "10.0.0.2/24": expected a host name or IP address`},
		{"port zero", strings.Replace(good, "        user: vyatta\n        key_file", "        port: 0\n        user: vyatta\n        key_file", 1), `inv.yaml:11:15: pair "p1", device "b": port 0: expected 1-65535`},
		{"port high", strings.Replace(good, "        user: vyatta\n        key_file", "        port: 65536\n        user: vyatta\n        key_file", 1), `inv.yaml:11:15: pair "p1", device "b": port 65536: expected 1-65535`},
		{"port text", strings.Replace(good, "        user: vyatta\n        key_file", "        port: ssh\n        user: vyatta\n        key_file", 1), `inv.yaml:11:15: port: expected a whole number, found text`},
		{"port decimal", strings.Replace(good, "        user: vyatta\n        key_file", "        port: 22.5\n        user: vyatta\n        key_file", 1), `inv.yaml:11:15: port: expected a whole number, found a decimal number`},
		{"family disagrees", strings.Replace(good, "      - name: b\n", "      - name: b\n        family: huawei\n", 1), `inv.yaml:10:17: pair "p1", device "b": family huawei: expected the pair's family, vyatta`},
		{"unknown flavor", strings.Replace(good, "      - name: b\n", "      - name: b\n        flavor: edgeos\n", 1), `inv.yaml:10:17: pair "p1", device "b": flavor "edgeos": expected one of vra, vyos, 5600 for the vyatta family`},
		{"huawei flavor on vyatta", strings.Replace(good, "      - name: b\n", "      - name: b\n        flavor: usg\n", 1), `inv.yaml:10:17: pair "p1", device "b": flavor "usg": expected one of vra, vyos, 5600 for the vyatta family`},
		{"bool as text", strings.Replace(good, "        user: vyatta\n        key_file", "        agent: yes please\n        user: vyatta\n        key_file", 1), `inv.yaml:11:16: agent: expected true or false, found text`},
		{"bad duration", strings.Replace(good, "    devices:", "    refresh: soon\n    devices:", 1), `inv.yaml:4:14: refresh: "soon": expected a positive duration such as 10s or 2m`},
		{"duration number", strings.Replace(good, "    devices:", "    refresh: 30\n    devices:", 1), `inv.yaml:4:14: refresh: expected a duration such as 10s or 2m`},
		{"bad timeout", strings.Replace(good, "        key_file", "        timeouts: {connect: -1s}\n        key_file", 1), `inv.yaml:12:29: connect: "-1s": expected a positive duration`},
		{"unknown timeout", strings.Replace(good, "        key_file", "        timeouts: {dial: 1s}\n        key_file", 1), `inv.yaml:12:20: unknown key "dial" in timeouts: expected one of command, connect, keepalive`},
		{"source unknown", strings.Replace(good, "    devices:", "    source: c\n    devices:", 1), `inv.yaml:4:13: pair "p1": source "c": expected one of the pair's devices, "a" or "b"`},
		{"sync mode", strings.Replace(good, "    devices:", "    sync_mode: hrp\n    devices:", 1), `inv.yaml:4:16: pair "p1": sync_mode "hrp": expected push or config-sync for the vyatta family`},
		{"huawei map", strings.Replace(strings.Replace(good, "vyatta", "huawei", 1), "    devices:", "    sync_map: LAB\n    devices:", 1), `inv.yaml:4:15: pair "p1": sync_map "LAB": the huawei family has only the built-in map: expected hrp or nothing`},
		{"vyatta map spaces", strings.Replace(good, "    devices:", "    sync_map: two words\n    devices:", 1), `inv.yaml:4:15: pair "p1": sync_map "two words": expected the name of a sync-map`},
		{"unknown kex", strings.Replace(good, "        key_file", "        ssh:\n          kex: [diffie-hellman-group1-sha1, dh-fast]\n        key_file", 1), `inv.yaml:13:45: pair "p1", device "b": ssh kex: "dh-fast" is not an algorithm hasync implements: expected one of`},
		{"kex not list", strings.Replace(good, "        key_file", "        ssh:\n          kex: diffie-hellman-group1-sha1\n        key_file", 1), `inv.yaml:13:16: kex: expected a list ([a, b] or - a)`},
		{"unknown ssh key", strings.Replace(good, "        key_file", "        ssh:\n          kexalgorithms: [x]\n        key_file", 1), `inv.yaml:13:11: unknown key "kexalgorithms" in ssh: expected one of ciphers, host_key_algorithms, kex, macs`},
		{"password env value", strings.Replace(good, "password_env: PW", "password_env: hunter2!", 1), `inv.yaml:8:23: pair "p1", device "a": password_env: expected the name of an environment variable (letters, digits, _), not the password`},
		{"rest on huawei", strings.Replace(strings.Replace(good, "vyatta", "huawei", 1), "        key_file", "        rest_url: https://10.0.0.2\n        key_file", 1), `inv.yaml:12:19: pair "p1", device "b": rest_url: the huawei family has no REST API here: expected no rest_url`},
		{"rest http", strings.Replace(good, "        key_file", "        rest_url: http://10.0.0.2\n        key_file", 1), `inv.yaml:12:19: pair "p1", device "b": rest_url: expected https://HOST[:PORT]`},
		{"rest with user", strings.Replace(good, "        key_file", "        rest_url: https://u:hunter2@10.0.0.2\n        key_file", 1), `inv.yaml:12:19: pair "p1", device "b": rest_url: expected https://HOST[:PORT] (no user or password in it)`},
		{"transport unknown", strings.Replace(good, "        key_file", "        transport: netconf\n        key_file", 1), `inv.yaml:12:20: pair "p1", device "b": transport "netconf": expected ssh or rest`},
		{"transport rest without url", strings.Replace(good, "        key_file", "        transport: rest\n        key_file", 1), `inv.yaml:12:20: pair "p1", device "b": transport: rest needs the device's REST API: expected rest_url: https://... beside it`},
		{"ca without rest", strings.Replace(good, "        key_file", "        ca_file: ca.pem\n        key_file", 1), `inv.yaml:12:18: pair "p1", device "b": ca_file without rest_url`},
		{"duplicate pair", good + strings.TrimPrefix(good, "pairs:\n"), `inv.yaml:13:11: pair "p1" is named twice (first at line 2): expected distinct pair names`},
		{"two documents", good + "---\n" + good, "inv.yaml:14:1: a second YAML document (document 2): expected one"},
		{"alias unknown", strings.Replace(good, "user: vyatta\n        password_env", "user: *who\n        password_env", 1), "inv.yaml:7:"},
		{"device not mapping", strings.Replace(good, "      - name: b\n        address: 10.0.0.2\n        user: vyatta\n        key_file: id_ed25519\n", "      - b\n", 1), "inv.yaml:9:9: devices: expected a device as a mapping (key: value), found text"},
		{"name a list", strings.Replace(good, "name: p1", "name: [p1]", 1), "inv.yaml:2:11: name: expected a text value, found a list"},
		{"identity empty", strings.Replace(good, "        key_file: id_ed25519\n", "        identity_files: ['']\n", 1), `inv.yaml:12:26: pair "p1", device "b": identity_files: an empty entry`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := Parse([]byte(c.text), "inv.yaml", "/inv")
			if err == nil {
				t.Fatalf("loaded %d pair(s), want error %q\n%s", len(inv.Pairs), c.want, c.text)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got  %s\nwant %s...\n%s", err, c.want, numbered(c.text))
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats a secret: %s", err)
			}
		})
	}
}

func numbered(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(text, "\n") {
		b.WriteString(strings.Repeat(" ", 3-len(itoa(i+1))) + itoa(i+1) + "| " + l + "\n")
	}
	return b.String()
}

// TestExample reads every field of a full inventory.
func TestExample(t *testing.T) {
	inv, err := Load(filepath.Join("testdata", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata")
	home, _ := os.UserHomeDir()
	if got := inv.Names(); !reflect.DeepEqual(got, []string{"dc1-edge", "dc2-fw"}) {
		t.Fatalf("pairs %v", got)
	}
	p, _ := inv.Pair("dc1-edge")
	if p.Family != config.Vyatta || p.Source != "vra-a" || p.SyncMap != "EDGE-SYNC" || p.Mode != ModeConfigSync || p.Refresh != 30*time.Second {
		t.Errorf("dc1-edge: %+v", *p)
	}
	if p.SourceDevice().Name != "vra-a" || p.TargetDevice().Name != "vra-b" {
		t.Errorf("direction %s -> %s", p.SourceDevice().Name, p.TargetDevice().Name)
	}
	a, b := p.Devices[0], p.Devices[1]
	wantA := Device{Name: "vra-a", Family: config.Vyatta, Flavor: "vra", Address: "192.0.2.1", Port: 22, User: "vyatta",
		Credentials: Credentials{PasswordEnv: "HASYNC_DC1_PASSWORD", PasswordFile: filepath.Join(dir, "secrets/dc1.password")},
		KnownHosts:  filepath.Join(dir, "known_hosts"), RESTURL: "https://192.0.2.1", CAFile: filepath.Join(dir, "ca.pem"), Transport: TransportREST,
		Timeouts: Timeouts{Connect: 10 * time.Second, Command: 2 * time.Minute, KeepAlive: 15 * time.Second},
		Pos:      Pos{File: filepath.Join("testdata", "example.yaml"), Line: 10, Col: 9}}
	if !reflect.DeepEqual(*a, wantA) {
		t.Errorf("vra-a:\n got %+v\nwant %+v", *a, wantA)
	}
	if b.Port != 0 || b.Transport != TransportSSH || !b.Credentials.Agent || !b.AcceptNew || b.ProxyJump != "admin@bastion:2222" || b.KnownHosts != "/etc/hasync/known_hosts" ||
		!reflect.DeepEqual(b.Credentials.IdentityFiles, []string{filepath.Join(home, ".ssh/id_ed25519"), filepath.Join(dir, "keys/extra_rsa")}) {
		t.Errorf("vra-b: %+v", *b)
	}
	h, _ := inv.Pair("dc2-fw")
	if h.Family != config.Huawei || h.SyncMap != HRPMap || h.Mode != ModeHRP || h.Source != "FW-A" || h.Refresh != DefaultRefresh {
		t.Errorf("dc2-fw: %+v", *h)
	}
	fa := h.Devices[0]
	if fa.SSHHost != "fw-a" || fa.Address != "" || fa.Flavor != FlavorUSG || !fa.Credentials.PasswordPrompt ||
		!reflect.DeepEqual(fa.SSH, Algorithms{KeyExchanges: []string{"diffie-hellman-group14-sha1"}, Ciphers: []string{"aes128-cbc"}, MACs: []string{"hmac-sha1"}, HostKeyAlgorithms: []string{"ssh-rsa"}}) {
		t.Errorf("FW-A: %+v", *fa)
	}
	if fb := h.Devices[1]; fb.Port != 2222 || fb.User != "admin" || fb.Target() != "FW-B (198.51.100.2:2222)" {
		t.Errorf("FW-B: %+v", *fb)
	}
}

// TestRoundTrip: what Marshal writes loads back equal, and writing that
// again gives the same bytes.
func TestRoundTrip(t *testing.T) {
	inv, err := Load(filepath.Join("testdata", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := Write(path, inv); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		b, _ := os.ReadFile(path)
		t.Fatalf("%v\n%s", err, b)
	}
	if d := diffInventories(inv, back); d != "" {
		t.Error(d)
	}
	b1, _ := Marshal(inv)
	b2, _ := Marshal(back)
	if string(b1) != string(b2) {
		t.Errorf("second write differs:\n%s\n---\n%s", b1, b2)
	}
}

// diffInventories compares two inventories but for where they were read.
func diffInventories(a, b *Inventory) string {
	if len(a.Pairs) != len(b.Pairs) {
		return "pair counts differ"
	}
	for i := range a.Pairs {
		pa, pb := *a.Pairs[i], *b.Pairs[i]
		pa.Pos, pb.Pos = Pos{}, Pos{}
		pa.Devices, pb.Devices = [2]*Device{}, [2]*Device{}
		if !reflect.DeepEqual(pa, pb) {
			return "pair " + pa.Name + " differs"
		}
		for j := range 2 {
			da, db := *a.Pairs[i].Devices[j], *b.Pairs[i].Devices[j]
			da.Pos, db.Pos = Pos{}, Pos{}
			if !reflect.DeepEqual(da, db) {
				return "device " + da.Name + " differs"
			}
		}
	}
	return ""
}

// TestLoadErrors: a missing file says how to name another; the errors of
// a file name it as given.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "none.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "--inventory") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte("pairs:\n  - name: x\n    famly: vyatta\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	var e *Error
	if !errors.As(err, &e) || e.Pos != (Pos{File: path, Line: 3, Col: 5}) || !strings.Contains(e.Msg, `unknown key "famly"`) {
		t.Errorf("bad file: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvPath, "")
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("HOME", "/home/u")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if dir, _ := os.UserConfigDir(); p != filepath.Join(dir, "hasync", "inventory.yaml") {
		t.Errorf("default %s", p)
	}
	t.Setenv(EnvPath, "/x/inv.yaml")
	if p, _ := DefaultPath(); p != "/x/inv.yaml" {
		t.Errorf("$%s: %s", EnvPath, p)
	}
}

// TestPassword: the sources in order, and errors that name the source but
// never the secret.
func TestPassword(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("from-file\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HASYNC_TEST_PW", "from-env")
	t.Setenv("HASYNC_TEST_EMPTY", "")
	prompt := func(who string) (string, error) { return "typed for " + who, nil }
	cases := []struct {
		c       Credentials
		want    string
		wantErr string
	}{
		{Credentials{PasswordEnv: "HASYNC_TEST_PW", PasswordFile: file}, "from-env", ""},
		{Credentials{PasswordEnv: "HASYNC_TEST_EMPTY", PasswordFile: file}, "from-file", ""},
		{Credentials{PasswordEnv: "HASYNC_TEST_EMPTY", PasswordPrompt: true}, "typed for vra-a", ""},
		{Credentials{PasswordEnv: "HASYNC_TEST_EMPTY"}, "", "vra-a: environment variable HASYNC_TEST_EMPTY is not set: no password"},
		{Credentials{PasswordFile: filepath.Join(dir, "none")}, "", "vra-a: password file " + filepath.Join(dir, "none") + ": no such file or directory: no password"},
		{Credentials{}, "", "vra-a: no password"},
	}
	for _, c := range cases {
		got, err := c.c.Password("vra-a", prompt)
		if got != c.want || (err == nil) != (c.wantErr == "") || (err != nil && err.Error() != c.wantErr) {
			t.Errorf("%+v: got %q, %v; want %q, %s", c.c, got, err, c.want, c.wantErr)
		}
		var npe *NoPasswordError
		if err != nil && (!errors.Is(err, ErrNoPassword) || !errors.As(err, &npe) || npe.Device != "vra-a") {
			t.Errorf("%v is not a NoPasswordError of vra-a", err)
		}
	}
}

// TestMerge: a device may take shared fields from an anchor of the other.
func TestMerge(t *testing.T) {
	text := "pairs:\n  - name: p\n    family: vyatta\n    devices:\n      - &d {name: a, address: h, user: u, password_env: PW}\n      - <<: *d\n        name: b\n"
	inv, err := Parse([]byte(text), "inv.yaml", "/")
	if err != nil {
		t.Fatal(err)
	}
	b := inv.Pairs[0].Devices[1]
	if b.Name != "b" || b.Address != "h" || b.User != "u" || b.Credentials.PasswordEnv != "PW" || b.Pos.Line != 6 {
		t.Errorf("merged device %+v", *b)
	}
	late := "pairs:\n  - name: p\n    family: vyatta\n    devices:\n      - &d {name: a, address: h}\n      - name: b\n        <<: *d\n"
	if _, err := Parse([]byte(late), "inv.yaml", "/"); err == nil || !strings.HasPrefix(err.Error(), "inv.yaml:7:9: <<: expected the merge key before the keys of a device") {
		t.Errorf("late merge: %v", err)
	}
}

func TestLookup(t *testing.T) {
	inv, err := Load(filepath.Join("testdata", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := inv.Lookup("dc2-fw"); err != nil || p.Name != "dc2-fw" {
		t.Errorf("dc2-fw: %v", err)
	}
	_, err = inv.Lookup("dc3")
	if !errors.Is(err, ErrNoPair) || !strings.Contains(err.Error(), `"dc3"`) || !strings.Contains(err.Error(), "expected one of dc1-edge, dc2-fw") {
		t.Errorf("dc3: %v", err)
	}
}
