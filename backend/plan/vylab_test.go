package plan

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestVyattaPlanOnLab confirms the contract on the emulated pair over real
// SSH (host keys verified): vra-b is given extra drift by hand, the plan
// vra-a → vra-b under vra-a's own sync-map is typed into vra-b's configure
// mode, committed and saved, and a re-read of vra-b has no in-scope
// difference left, while what the map does not share is as it was.
func TestVyattaPlanOnLab(t *testing.T) {
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	cfg := labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
	ca := labtest.Dial(t, p.A.Device.Name(), p.A.SSH.Addr(), cfg)
	cb := labtest.Dial(t, p.B.Device.Name(), p.B.SSH.Addr(), cfg)

	// Drift inside the map that the seed lacks: an extra value of a
	// multi-valued leaf, a value only vra-b has, a rule only vra-b has.
	vyLabConfigure(t, cb, "vra-b", []string{
		"set resources group address-group LAB-EXTRA address '192.0.2.77'",
		"set resources group address-group LAB-EXTRA address '192.0.2.78'",
		"set security firewall name LAB-ONLY-B rule 10 action 'accept'",
	})

	a := vyLabRead(t, ca, "vra-a")
	b := vyLabRead(t, cb, "vra-b")
	maps, _, err := syncmap.FromConfig(a)
	if err != nil || len(maps) == 0 {
		t.Fatalf("vra-a's sync-maps: %v (%d)", err, len(maps))
	}
	m := maps[0]
	pl, err := Build(a, b, m, Options{Diff: diff.Options{MaskSecrets: true}})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Empty() {
		t.Fatal("the seeded pair has no in-scope drift to sync")
	}
	vyLabConfigure(t, cb, "vra-b", pl.Commands)

	after := vyLabRead(t, cb, "vra-b")
	o := diff.Options{MaskSecrets: true}
	if ch := diff.Trees(m.Scoped(a), m.Scoped(after), o); len(ch) > 0 {
		t.Errorf("after the sync vra-b still differs in map %s: %d changes, first %s %s\nplan:\n%s",
			m.Name, len(ch), ch[0].Kind, ch[0].Path, head(pl.Commands))
	}
	if before, now := vyOutside(b, m), vyOutside(after, m); strings.Join(before, "\n") != strings.Join(now, "\n") {
		t.Errorf("the sync changed vra-b outside map %s: %s", m.Name, firstDiff(before, now))
	}
	t.Logf("lab: %d commands committed on vra-b under map %s:\n%s", len(pl.Commands), m.Name, strings.Join(pl.Commands, "\n"))
}

// vyLabRead reads the running configuration over SSH.
func vyLabRead(t *testing.T, c *ssh.Client, name string) *config.Tree {
	t.Helper()
	out, err := labtest.Exec(t, c, "show configuration commands")
	if err != nil {
		t.Fatalf("%s: show configuration commands: %v", name, err)
	}
	tr, err := config.Parse(name, []byte(out), config.Vyatta)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tr
}

// vyLabConfigure types the commands in configure mode, commits and saves;
// any error output fails the test.
func vyLabConfigure(t *testing.T, c *ssh.Client, name string, cmds []string) {
	t.Helper()
	sh := labtest.OpenShell(t, c)
	sh.Expect("vyatta@" + name + ":~$ ")
	prompt := "vyatta@" + name + "# "
	sh.Run("configure", prompt)
	for _, cmd := range append(cmds, "commit", "save") {
		out := sh.Run(cmd, prompt)
		if strings.Contains(out, "Error") || strings.Contains(out, "failed") || strings.Contains(out, "not valid") || strings.Contains(out, "Nothing to delete") {
			t.Fatalf("%s refuses %q:\n%s", name, cmd, out)
		}
	}
	sh.Run("exit", "vyatta@"+name+":~$ ")
}
