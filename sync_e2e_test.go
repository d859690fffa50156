package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
)

// TestDiffCommandsSyncTheLab is the sync contract as a user meets it, with
// the command line itself: both members of the emulated Vyatta pair are
// read over SSH (host keys verified) into files; `hasync diff --format
// commands` under vra-a's own sync-map gives the commands; they are typed
// into vra-b's configure mode, committed and saved; vra-b is read again and
// `hasync diff` exits 0 on the map, while outside it vra-b is as it was.
func TestDiffCommandsSyncTheLab(t *testing.T) {
	p, err := vyatta.StartPair(context.Background(), vyatta.PairOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	cfg := labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
	ca := labtest.Dial(t, p.A.Device.Name(), p.A.SSH.Addr(), cfg)
	cb := labtest.Dial(t, p.B.Device.Name(), p.B.SSH.Addr(), cfg)
	dir := t.TempDir()
	read := func(c *ssh.Client, name string) string {
		out, err := labtest.Exec(t, c, "show configuration commands")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	a, b := read(ca, "vra-a"), read(cb, "vra-b")

	code, cmds, errOut := hasync(t, "diff", "--sync-map", vyatta.SeedSyncMap, "--format", "commands", a, b)
	if code != 1 || cmds == "" {
		t.Fatalf("the seeded pair differs in its map: exit %d, commands %q, stderr %q", code, cmds, errOut)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(cmds), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	sh := labtest.OpenShell(t, cb)
	sh.Expect("vyatta@vra-b:~$ ")
	sh.Run("configure", "vyatta@vra-b# ")
	for _, l := range append(lines, "commit", "save") {
		out := sh.Run(l, "vyatta@vra-b# ")
		for _, bad := range []string{"Error", "failed", "not valid", "Nothing to delete"} {
			if strings.Contains(out, bad) {
				t.Fatalf("vra-b refuses %q:\n%s", l, out)
			}
		}
	}
	sh.Run("exit", "vyatta@vra-b:~$ ")

	b2 := read(cb, "vra-b-after")
	if code, out, errOut := hasync(t, "diff", "--sync-map", vyatta.SeedSyncMap, a, b2); code != 0 {
		t.Errorf("after the sync, hasync diff exits %d, want 0:\n%s%s", code, out, errOut)
	}
	// Outside the map: what vra-b had before and has now differ only where
	// the map reaches. The protected and unshared parts of vra-b compare
	// equal with a map that excludes exactly the shared locations.
	args := []string{"diff"}
	for _, loc := range []string{"security firewall", "resources group", "service nat"} {
		args = append(args, "--exclude", loc)
	}
	if code, out, errOut := hasync(t, append(args, b, b2)...); code != 0 {
		t.Errorf("the sync changed vra-b outside its map: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("%d commands sent to vra-b, then hasync diff exit 0", len(lines))
}
