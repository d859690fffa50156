package vyatta

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
)

// secretsDevice is vra-a of the sync test pair with a second login user,
// operator, outside the secrets group.
func secretsDevice(t *testing.T) *Device {
	t.Helper()
	lines := append(append([]string(nil), syncPairLocal...),
		"set system login user ops authentication plaintext-password 'op-secret-1'")
	d, err := New(Options{Name: "vra-a", User: "vyatta", Password: "s3cret",
		Accounts: []Account{{Name: "operator", Password: "op pass"}}}, syncTree(t, lines...))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// opAs runs an operational command as user ("" for the device itself)
// and returns its output.
func opAs(t *testing.T, d *Device, user, cmd string) string {
	t.Helper()
	var b strings.Builder
	if err := d.OpAs(context.Background(), user, strings.Fields(cmd), func(l string) { b.WriteString(l + "\n") }); err != nil {
		t.Fatalf("%s as %s: %v", cmd, user, err)
	}
	return b.String()
}

func TestSecretsMaskedOutsideGroup(t *testing.T) {
	d := secretsDevice(t)
	for _, cmd := range []string{"show configuration", "show configuration commands"} {
		op := opAs(t, d, "operator", cmd)
		if strings.Contains(op, "op-secret-1") || strings.Contains(op, "s3cret") || !strings.Contains(op, config.Mask) {
			t.Errorf("%s as operator shows a secret or no mask (output not printed: it may hold one)", cmd)
		}
		if own := opAs(t, d, "vyatta", cmd); !strings.Contains(own, "op-secret-1") || !strings.Contains(own, "s3cret") {
			t.Errorf("%s as vyatta (secrets group) masks (output not printed: it holds secrets)", cmd)
		}
	}
	if got := opAs(t, d, "operator", "show configuration commands"); !strings.Contains(got, "set system login user ops authentication plaintext-password '********'") {
		t.Errorf("masked set line missing:\n%s", got)
	}

	// The interactive CLI: configure-mode show masks too, and a set of a
	// secret is refused for a user outside the group.
	var out labtest.SyncBuffer
	in := strings.NewReader("configure\nshow system login\nset system login user ops authentication plaintext-password 'x'\nexit discard\nexit\n")
	d.Shell(context.Background(), "operator", lab.NewStreamTerminal(in, &out))
	if s := out.String(); strings.Contains(s, "op-secret-1") || !strings.Contains(s, `plaintext-password "********"`) || !strings.Contains(s, ErrNotInSecrets.Error()) {
		t.Errorf("operator's configure session:\n%s", s)
	}
	if v := devLeaf(d, "system login user ops authentication plaintext-password"); len(v) != 1 || v[0] != "op-secret-1" {
		t.Errorf("secret changed: %v", v)
	}

	// REST /show over HTTPS, trusting only the lab CA.
	dir := t.TempDir()
	tl, err := lab.LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, stop, err := ServeREST(ctx, d, "127.0.0.1:0", tl.ServerConfig(), RESTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	h := &restHarness{t: t, url: url, http: restClientFor(t, tl.CAPath)}
	show := func(user, pass string) string {
		t.Helper()
		r := h.doAs(http.MethodPost, "rest/conf", user, pass)
		h.want(r, http.StatusCreated, user+": open")
		r = h.doAs(http.MethodGet, r.location+"/show/system/login", user, pass)
		h.want(r, http.StatusOK, user+": show")
		return r.message
	}
	// An operational command over REST runs as the authenticated user.
	op := func(user, pass string) string {
		t.Helper()
		out, _ := restRunOpAs(t, h, user, pass, "show/configuration/commands")
		return out
	}
	if got := op("operator", "op pass"); strings.Contains(got, "op-secret-1") || !strings.Contains(got, "plaintext-password '********'") {
		t.Errorf("REST op show configuration commands as operator:\n%s", got)
	}
	if got := op("vyatta", "s3cret"); !strings.Contains(got, "op-secret-1") {
		t.Errorf("REST op as vyatta:\n%s", got)
	}
	if got := show("operator", "op pass"); strings.Contains(got, "op-secret-1") || !strings.Contains(got, config.Mask) {
		t.Errorf("REST /show as operator:\n%s", got)
	}
	if got := show("vyatta", "s3cret"); !strings.Contains(got, "op-secret-1") {
		t.Errorf("REST /show as vyatta:\n%s", got)
	}
}

// What config-sync would send, as `show config-sync difference` lists it,
// is masked for a user outside the secrets group.
func TestSecretsMaskedInSyncDifference(t *testing.T) {
	p := syncStartPair(t)
	p.a.o.Accounts = []Account{{Name: "operator", Password: "op pass"}}
	syncCommitNoSync(t, p.a, "set system login user ops authentication plaintext-password 'op-secret-1'")
	op := opAs(t, p.a, "operator", "show config-sync difference")
	if strings.Contains(op, "op-secret-1") || !strings.Contains(op, "set system login user ops authentication plaintext-password '********'") {
		t.Error("difference as operator shows a secret or no mask (output not printed)")
	}
	if own := opAs(t, p.a, "vyatta", "show config-sync difference"); !strings.Contains(own, "'op-secret-1'") {
		t.Error("difference as vyatta masks (output not printed: it holds secrets)")
	}
}

// syncCommitNoSync commits on d with its config-sync hook out of the way.
func syncCommitNoSync(t *testing.T, d *Device, lines ...string) {
	t.Helper()
	d.mu.Lock()
	hook := d.hook
	d.hook = nil
	d.mu.Unlock()
	defer d.SetCommitHook(hook)
	syncCommit(t, d, lines...)
}

// A remote whose config-sync user is not in the secrets group shows its
// secrets masked: the sync reports it in the device's words, sends
// nothing, and the remote keeps its real secret.
func TestConfigSyncRefusesRemoteOutsideSecrets(t *testing.T) {
	p := syncStartPair(t)
	p.b.SetSecretsGroup("vyatta", false)
	out := syncCommit(t, p.a, "set firewall name WEB rule 10 action accept")
	want := "config-sync error 10.0.0.2:Sync[10.0.0.2]: Remote user vyatta not in secrets group"
	if !syncHas(out, "syncing configuration to remote-router 10.0.0.2 ..") || !syncHas(out, want) {
		t.Fatalf("commit output:\n%s", strings.Join(out, "\n"))
	}
	b := p.b.Running().Root
	if v := b.Lookup(config.Path{"system", "login", "user", "admin", "authentication", "plaintext-password"}); v == nil || v.Values[0] != "real-secret" {
		t.Fatalf("the remote's secret was overwritten: %v", v)
	}
	if b.Lookup(config.Path{"firewall", "name", "WEB"}) != nil {
		t.Fatal("a refused sync changed the remote")
	}
	if st := syncOp(t, p.a, "show config-sync status"); !strings.Contains(st, "  state:      refused: Remote user vyatta not in secrets group") ||
		!strings.Contains(st, "failed: Remote user vyatta not in secrets group") {
		t.Errorf("status:\n%s", st)
	}
	// Back in the group, the sync goes through, and the local mask still
	// never replaces the remote's real secret.
	p.b.SetSecretsGroup("vyatta", true)
	if up := syncOp(t, p.a, "update config-sync"); strings.Contains(up, "config-sync error") {
		t.Fatalf("update:\n%s", up)
	}
	b = p.b.Running().Root
	if b.Lookup(config.Path{"firewall", "name", "WEB"}) == nil {
		t.Fatal("update did not sync")
	}
	if v := b.Lookup(config.Path{"system", "login", "user", "admin", "authentication", "plaintext-password"}); v == nil || v.Values[0] != "real-secret" {
		t.Fatalf("a mask replaced the remote's secret: %v", v)
	}
}

// TestOpenSSHOperatorSeesMasks logs in to vra-a as operator (outside the
// secrets group, with its key from the state directory) with the OpenSSH
// client, on the same port as vyatta: both forms of `show configuration`
// mask the secrets vyatta sees.
func TestOpenSSHOperatorSeesMasks(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	for _, cmdline := range [][]string{{"show", "configuration", "commands"}, {"show", "configuration"}} {
		args := labtest.OpenSSHArgs(t, p.Dir, p.A.SSH.Port(), OperatorUser,
			"-i", filepath.Join(p.Dir, OperatorKeyFile))
		var stderr bytes.Buffer
		cmd := exec.Command("ssh", append(args, cmdline...)...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ssh operator: %v\n%s", err, stderr.String())
		}
		s := string(out)
		if strings.Contains(s, "lab-sync-secret") || strings.Contains(s, p.Password) || !strings.Contains(s, config.Mask) {
			t.Errorf("%v as operator shows a secret or no mask (output not printed)", cmdline)
		}
		own, err := exec.Command("ssh", append(vyopensshArgs(t, p, p.A), cmdline...)...).Output()
		if err != nil || !strings.Contains(string(own), p.Password) {
			t.Errorf("%v as vyatta: %v, or no secret in clear (output not printed)", cmdline, err)
		}
	}
}

// A file saved from a masked `show configuration` and loaded back keeps
// the real secrets: a mask never replaces one.
func TestLoadOfMaskedFileKeepsSecrets(t *testing.T) {
	dir := t.TempDir()
	lines := append(append([]string(nil), syncPairLocal...),
		"set system login user ops authentication plaintext-password 'op-secret-1'")
	d, err := New(Options{Name: "vra-a", User: "vyatta", Password: "s3cret", StateDir: dir,
		Accounts: []Account{{Name: "operator", Password: "op pass"}}}, syncTree(t, lines...))
	if err != nil {
		t.Fatal(err)
	}
	masked := opAs(t, d, "operator", "show configuration")
	if err := os.WriteFile(filepath.Join(dir, "masked.conf"), []byte(masked), 0o600); err != nil {
		t.Fatal(err)
	}
	s := d.NewSession("vyatta")
	if err := s.Load("masked.conf"); err != nil {
		t.Fatal(err)
	}
	if s.Changed() {
		t.Errorf("loading the masked show back changes:\n%s", s.Compare())
	}
}
