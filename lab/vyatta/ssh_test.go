package vyatta

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab/labtest"
)

// vysshPair starts a pair in a temporary state directory.
func vysshPair(t testing.TB, o PairOptions) *Pair {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	p, err := StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// vysshConfig is a client config that verifies the host key against the
// pair's known_hosts and logs in with its key.
func vysshConfig(t testing.TB, p *Pair) *ssh.ClientConfig {
	t.Helper()
	return labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey)
}

func vysshDial(t testing.TB, p *Pair, m *Member) *ssh.Client {
	t.Helper()
	return labtest.Dial(t, m.Device.Name(), m.SSH.Addr(), vysshConfig(t, p))
}

func TestSSHExecShowConfiguration(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	c := vysshDial(t, p, p.A)
	got, err := labtest.Exec(t, c, "show configuration commands")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := config.WriteSet(&want, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if got != want.String() {
		t.Errorf("show configuration commands over SSH differs from the running configuration")
	}
	if !strings.Contains(got, "set system config-sync remote-router 10.0.0.2 sync-map 'LAB-SYNC'") {
		t.Errorf("vra-a names vra-b:\n%.2000s", got)
	}
	curly, err := labtest.Exec(t, c, "show configuration")
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := config.ParseVyatta("ssh", []byte(curly)); err != nil || !config.Equal(tr.Root, p.A.Device.Running().Root) {
		t.Errorf("show configuration does not parse back to running: %v", err)
	}
	_, err = labtest.Exec(t, c, "show nonsense")
	var ee *ssh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 1 {
		t.Errorf("unknown command exits 1: %v", err)
	}
}

func TestSSHInteractiveConfigure(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	sh := labtest.OpenShell(t, vysshDial(t, p, p.B))
	sh.Expect("vyatta@vra-b:~$ ")
	sh.Run("configure", "[edit]\r\nvyatta@vra-b# ")
	// Each line typed in configuration mode, and what its output before the
	// next prompt must hold.
	for _, step := range []struct{ line, want string }{
		{"set interfaces dataplane dp0s0 description 'HA link to vra-a'", ""},
		{"set foo bar", "Configuration path: [foo bar] is not valid\r\nSet failed"},
		{"compare", "[interfaces dataplane dp0s0]\r\n- description \"HA link\"\r\n+ description \"HA link to vra-a\""},
		{"exit", "Cannot exit: configuration modified.\r\nUse 'exit discard' to discard the changes and exit."},
		{"commit", "[ interfaces dataplane ]"},
		{"commit", "No configuration changes to commit"},
		{"set interfaces dataplane dp0s0 address 192.168.1/30", "[interfaces dataplane dp0s0 address 192.168.1/30]\r\n192.168.1/30 is not a valid IP host"},
		{"set security firewall name MGMT-LOCAL rule 99 protocol tcp", ""},
		{"commit", "[security firewall name MGMT-LOCAL rule 99]\r\n\r\nRule action must be defined\r\n\r\n[[security firewall name MGMT-LOCAL rule 99]] failed.\r\n\r\nCommit failed!"},
	} {
		if got := sh.Run(step.line, "vyatta@vra-b# "); !strings.Contains(got, step.want) {
			t.Errorf("%s: want %q in:\n%s", step.line, step.want, got)
		}
	}
	sh.Run("exit discard", "vyatta@vra-b:~$ ")
	sh.Line("exit")
	<-sh.Done()
	if got := p.B.Device.Running().Root.Lookup(config.Path(strings.Fields("interfaces dataplane dp0s0 description"))); got == nil || got.Values[0] != "HA link to vra-a" {
		t.Errorf("committed description: %+v", got)
	}
}

func TestSSHPasswordAuth(t *testing.T) {
	p := vysshPair(t, PairOptions{Password: "s3cret-lab"})
	cfg := vysshConfig(t, p)
	cfg.Auth = []ssh.AuthMethod{ssh.Password("s3cret-lab")}
	c, err := ssh.Dial("tcp", p.A.SSH.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	cfg.Auth = []ssh.AuthMethod{ssh.Password("wrong")}
	if _, err := ssh.Dial("tcp", p.A.SSH.Addr(), cfg); err == nil {
		t.Error("a wrong password logged in")
	}
}

func TestSSHFaults(t *testing.T) {
	p := vysshPair(t, PairOptions{Lines: 2000})
	addr := p.A.SSH.Addr()
	f := p.A.Faults

	t.Run("fail auth", func(t *testing.T) {
		f.SetFailAuth(true)
		defer f.SetFailAuth(false)
		_, err := ssh.Dial("tcp", addr, vysshConfig(t, p))
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("want an auth failure, got %v", err)
		}
	})
	t.Run("refuse", func(t *testing.T) {
		f.SetRefuse(true)
		defer f.SetRefuse(false)
		if _, err := ssh.Dial("tcp", addr, vysshConfig(t, p)); err == nil {
			t.Error("a refusing device accepted the connection")
		}
	})
	t.Run("changed host key", func(t *testing.T) {
		f.SetChangedHostKey(true)
		defer f.SetChangedHostKey(false)
		_, err := ssh.Dial("tcp", addr, vysshConfig(t, p))
		var ke *knownhosts.KeyError
		if !errors.As(err, &ke) || len(ke.Want) == 0 {
			t.Errorf("want a known_hosts mismatch, got %v", err)
		}
	})
	t.Run("drop mid-output", func(t *testing.T) {
		f.SetDropAfterLines(100)
		defer f.SetDropAfterLines(0)
		c := vysshDial(t, p, p.A)
		out, err := labtest.Exec(t, c, "show configuration commands")
		if err == nil {
			t.Error("a dropped connection ended cleanly")
		}
		if n := strings.Count(out, "\n"); n > 100 {
			t.Errorf("got %d lines past the drop", n)
		}
	})
	t.Run("delay", func(t *testing.T) {
		f.SetDelay(300 * time.Millisecond)
		defer f.SetDelay(0)
		c := vysshDial(t, p, p.A)
		start := time.Now()
		if _, err := labtest.Exec(t, c, "show version"); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el < 300*time.Millisecond {
			t.Errorf("delayed command took %v", el)
		}
	})
	t.Run("drop in commit", func(t *testing.T) {
		f.SetDropInCommit(true)
		defer f.SetDropInCommit(false)
		sh := labtest.OpenShell(t, vysshDial(t, p, p.A))
		sh.Expect(":~$ ")
		sh.Run("configure", "# ")
		sh.Run("set interfaces dataplane dp0s0 description dropped", "# ")
		sh.Line("commit")
		select {
		case <-sh.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the connection was not dropped")
		}
		// The commit ran to its end on the device.
		deadline := time.Now().Add(20 * time.Second)
		for {
			n := p.A.Device.Running().Root.Lookup(config.Path(strings.Fields("interfaces dataplane dp0s0 description")))
			if n != nil && n.Values[0] == "dropped" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the commit did not complete after the drop")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestSSHMonitorLogStopsWithChannel(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	c := vysshDial(t, p, p.A)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.StdoutPipe()
	if err := s.Start("monitor log"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	p.A.Device.Log("hello from the test")
	buf := make([]byte, 512)
	n, err := out.Read(buf)
	if err != nil || !strings.Contains(string(buf[:n]), "hello from the test") {
		t.Fatalf("monitor log: %q %v", buf[:n], err)
	}
	s.Close()
	// The subscription ends with the channel.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if p.A.Device.log.Subscribers() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("monitor log still subscribed after the channel closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSSHConfigSync: a commit on vra-a over SSH reaches vra-b; a change vra-b
// refuses shows in vra-a's commit output and its monitor log.
func TestSSHConfigSync(t *testing.T) {
	p := vysshPair(t, PairOptions{Reject: [][]string{{"service", "nat", "source", "rule", "999"}}})
	ca := vysshDial(t, p, p.A)

	mon, err := ca.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var monOut labtest.SyncBuffer
	mon.Stdout = &monOut
	if err := mon.Start("monitor log"); err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	time.Sleep(100 * time.Millisecond)

	sh := labtest.OpenShell(t, ca)
	sh.Expect(":~$ ")
	sh.Run("configure", "# ")
	sh.Run("set security firewall name WAN-IN rule 20 action accept", "# ")
	got := sh.Run("commit", "vyatta@vra-a# ")
	if !strings.Contains(got, "syncing configuration to remote-router 10.0.0.2 ..") {
		t.Errorf("commit output lacks the sync line:\n%s", got)
	}
	if strings.Contains(got, "config-sync error") {
		t.Errorf("unexpected sync error:\n%s", got)
	}
	if p.B.Device.Running().Root.Lookup(config.Path(strings.Fields("security firewall name WAN-IN rule 20"))) == nil {
		t.Error("the commit on vra-a did not reach vra-b")
	}

	sh.Run("set service nat source rule 999 outbound-interface dp0s1", "# ")
	sh.Run("set service nat source rule 999 translation address masquerade", "# ")
	got = sh.Run("commit", "vyatta@vra-a# ")
	if !strings.Contains(got, "config-sync error 10.0.0.2:") || !strings.Contains(got, "refused") {
		t.Errorf("commit output lacks vra-b's refusal:\n%s", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(monOut.String(), "config-sync error 10.0.0.2:") {
		if time.Now().After(deadline) {
			t.Fatalf("monitor log lacks the sync error:\n%s", monOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p.B.Device.Running().Root.Lookup(config.Path(strings.Fields("service nat source rule 999"))) != nil {
		t.Error("vra-b applied a change it refused")
	}
}

// TestPairStateDir: the files the product reads are there, and a restart
// with the same directory keeps keys, password and saved configurations.
func TestPairStateDir(t *testing.T) {
	dir := t.TempDir()
	p := vysshPair(t, PairOptions{Dir: dir})
	for _, f := range []string{"inventory.yaml", "known_hosts", "id_ed25519", "id_ed25519.pub", "ca.pem", "vra-a.config.boot", "vra-b.config.boot"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("state dir: %v", err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "id_ed25519")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("id_ed25519 must be 0600: %v %v", fi.Mode(), err)
	}
	kh, _ := os.ReadFile(filepath.Join(dir, "known_hosts"))
	if !strings.HasPrefix(string(kh), "[127.0.0.1]:") {
		t.Errorf("known_hosts format:\n%s", kh)
	}
	inv, _ := os.ReadFile(filepath.Join(dir, "inventory.yaml"))
	for _, want := range []string{"vra-a", "vra-b", p.A.RESTURL, "password_env: HASYNC_LAB_PASSWORD", "ca_file:", "sync_map: " + SeedSyncMap, "flavor: vra"} {
		if !strings.Contains(string(inv), want) {
			t.Errorf("inventory lacks %q:\n%s", want, inv)
		}
	}
	s := p.B.Device.NewSession("vyatta")
	if err := s.Set(strings.Fields("system domain-name kept.example.net")); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(context.Background(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	if err := p.B.Device.Save(); err != nil {
		t.Fatal(err)
	}
	pw := p.Password
	p.Close()

	p2 := vysshPair(t, PairOptions{Dir: dir})
	if p2.Password != pw || p2.PasswordCreated {
		t.Error("the password changed across a restart")
	}
	n := p2.B.Device.Running().Root.Lookup(config.Path{"system", "domain-name"})
	if n == nil || n.Values[0] != "kept.example.net" {
		t.Errorf("saved configuration not kept: %+v", n)
	}
	// The old known_hosts entries still match the host keys.
	c := vysshDial(t, p2, p2.A)
	if _, err := labtest.Exec(t, c, "show version"); err != nil {
		t.Fatal(err)
	}
}

// vysshFreePort is a port free right now on loopback.
func vysshFreePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestPairGivenPorts(t *testing.T) {
	addr := vysshFreePort(t)
	p := vysshPair(t, PairOptions{SSHAddrs: [2]string{addr, ""}})
	if p.A.SSH.Addr() != addr {
		t.Errorf("SSH of vra-a on %s, want %s", p.A.SSH.Addr(), addr)
	}
}

// TestSSHMonitorLogInterrupt: in the interactive shell, ^C ends `monitor
// log` and the prompt comes back; what was typed meanwhile is kept.
func TestSSHMonitorLogInterrupt(t *testing.T) {
	p := vysshPair(t, PairOptions{})
	sh := labtest.OpenShell(t, vysshDial(t, p, p.A))
	sh.Expect("vyatta@vra-a:~$ ")
	sh.Line("monitor log")
	time.Sleep(100 * time.Millisecond)
	p.A.Device.Log("first event")
	sh.Expect("first event")
	sh.Send("\x03")
	sh.Expect("^C")
	sh.Expect("vyatta@vra-a:~$ ")
	if got := sh.Run("show version", "vyatta@vra-a:~$ "); !strings.Contains(got, "Hostname:         vra-a") {
		t.Errorf("the shell does not work after ^C:\n%s", got)
	}
}
