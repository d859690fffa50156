package lab

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// labEcho is a Handler that echoes: exec prints the command, the shell
// prints each line back in brackets until "bye".
type labEcho struct{}

func (labEcho) Exec(ctx context.Context, user, cmd string, stdout, stderr io.Writer) int {
	if cmd == "fail" {
		fmt.Fprintln(stderr, "failed")
		return 3
	}
	for i := range 1000 {
		fmt.Fprintf(stdout, "%s %s %d\n", user, cmd, i)
	}
	return 0
}

func (labEcho) Shell(ctx context.Context, user string, t Terminal) int {
	for {
		io.WriteString(t, "> ")
		line, err := t.ReadLine()
		if err != nil || line == "bye" {
			return 0
		}
		if line != "" {
			fmt.Fprintf(t, "[%s]\n", line)
		}
	}
}

type labServer struct {
	srv    *SSHServer
	client ssh.Signer
	dir    string
	faults *Faults
}

func labStart(t *testing.T) *labServer {
	t.Helper()
	dir := t.TempDir()
	host, err := LoadOrCreateKey(filepath.Join(dir, HostKeyFile("dev")))
	if err != nil {
		t.Fatal(err)
	}
	client, err := LoadOrCreateKey(filepath.Join(dir, ClientKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	f := &Faults{}
	srv, err := ServeSSH(SSHOptions{HostKey: host, User: "vyatta", Password: "pw",
		AuthorizedKeys: []ssh.PublicKey{client.PublicKey()}, Faults: f, Handler: labEcho{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := WriteKnownHosts(filepath.Join(dir, KnownHostsFile), []KnownHost{{Addr: srv.Addr(), Key: srv.HostKey()}}); err != nil {
		t.Fatal(err)
	}
	return &labServer{srv: srv, client: client, dir: dir, faults: f}
}

func (l *labServer) dial(t *testing.T, auth ssh.AuthMethod) (*ssh.Client, error) {
	t.Helper()
	hk, err := knownhosts.New(filepath.Join(l.dir, KnownHostsFile))
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Dial("tcp", l.srv.Addr(), &ssh.ClientConfig{User: "vyatta", Auth: []ssh.AuthMethod{auth}, HostKeyCallback: hk, Timeout: 5 * time.Second})
}

func TestSSHServerExec(t *testing.T) {
	l := labStart(t)
	c, err := l.dial(t, ssh.PublicKeys(l.client))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, _ := c.NewSession()
	out, err := s.Output("hello world")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 1000 || lines[999] != "vyatta hello world 999" {
		t.Errorf("exec output: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	s, _ = c.NewSession()
	var stderr bytes.Buffer
	s.Stderr = &stderr
	err = s.Run("fail")
	if ee, ok := err.(*ssh.ExitError); !ok || ee.ExitStatus() != 3 || stderr.String() != "failed\n" {
		t.Errorf("exit status: %v, stderr %q", err, stderr.String())
	}
}

func TestSSHServerShellLineEditing(t *testing.T) {
	l := labStart(t)
	c, err := l.dial(t, ssh.Password("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, _ := c.NewSession()
	if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	var out bytes.Buffer
	s.Stdout = &out
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	// Backspace, an arrow key, ^U and ^C, then \r\n line ends.
	io.WriteString(in, "abx\x7fc\x1b[A\r\n")
	io.WriteString(in, "junk\x15ok\r")
	io.WriteString(in, "dropped\x03")
	io.WriteString(in, "bye\r")
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"[abc]\r\n", "[ok]\r\n", "^C\r\n> "} {
		if !strings.Contains(got, want) {
			t.Errorf("shell output lacks %q:\n%q", want, got)
		}
	}
	if strings.Contains(got, "[]") || strings.Contains(got, "[dropped]") {
		t.Errorf("an empty or cancelled line was run:\n%q", got)
	}
}

func TestSSHServerFaults(t *testing.T) {
	l := labStart(t)
	l.faults.SetFailAuth(true)
	if _, err := l.dial(t, ssh.PublicKeys(l.client)); err == nil {
		t.Error("fail-auth let a key in")
	}
	l.faults.SetFailAuth(false)
	if _, err := l.dial(t, ssh.Password("wrong")); err == nil {
		t.Error("a wrong password got in")
	}
	l.faults.SetChangedHostKey(true)
	_, err := l.dial(t, ssh.PublicKeys(l.client))
	if !strings.Contains(fmt.Sprint(err), "key mismatch") {
		t.Errorf("changed host key: want a known_hosts mismatch, got %v", err)
	}
	l.faults.SetChangedHostKey(false)
	l.faults.SetRefuse(true)
	if _, err := l.dial(t, ssh.PublicKeys(l.client)); err == nil {
		t.Error("refuse let a connection in")
	}
	l.faults.SetRefuse(false)
	l.faults.SetDropAfterLines(10)
	c, err := l.dial(t, ssh.PublicKeys(l.client))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.NewSession()
	out, err := s.Output("x")
	if err == nil || strings.Count(string(out), "\n") > 10 {
		t.Errorf("drop after 10 lines: %d lines, err %v", strings.Count(string(out), "\n"), err)
	}
}

func TestFaultsNil(t *testing.T) {
	var f *Faults
	if f.Refuse() || f.FailAuth() || f.ChangedHostKey() || f.DropInCommit() || f.DropAfterLines() != 0 || f.Delay() != 0 {
		t.Error("nil Faults must mean no faults")
	}
	if f.CutHRP() {
		t.Error("nil Faults must not cut HRP")
	}
	f = &Faults{}
	f.SetDropAfterLines(3)
	f.SetDelay(time.Second)
	f.SetRefuse(true)
	f.SetCutHRP(true)
	if f.DropAfterLines() != 3 || f.Delay() != time.Second || !f.Refuse() || !f.CutHRP() || f.FailAuth() {
		t.Error("a knob does not read back as set")
	}
}

func TestStateFiles(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadOrCreateKey(filepath.Join(dir, ClientKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(filepath.Join(dir, ClientKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1.PublicKey().Marshal(), k2.PublicKey().Marshal()) {
		t.Error("the key changed on reload")
	}
	b, _ := os.ReadFile(filepath.Join(dir, ClientKeyFile))
	if !strings.HasPrefix(string(b), "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Errorf("not an OpenSSH private key:\n%s", b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, ClientKeyFile)); fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", fi.Mode())
	}
	path := filepath.Join(dir, KnownHostsFile)
	if err := WriteKnownHosts(path, []KnownHost{{Addr: "127.0.0.1:2201", Key: k1.PublicKey()}}); err != nil {
		t.Fatal(err)
	}
	kh, _ := os.ReadFile(path)
	want := "[127.0.0.1]:2201 " + string(ssh.MarshalAuthorizedKey(k1.PublicKey()))
	if string(kh) != want {
		t.Errorf("known_hosts:\n%q\nwant\n%q", kh, want)
	}
	pw, created, err := LoadOrCreatePassword(dir, "")
	if err != nil || !created || len(pw) < 12 {
		t.Fatalf("new password %q %v %v", pw, created, err)
	}
	pw2, created, _ := LoadOrCreatePassword(dir, "")
	if pw2 != pw || created {
		t.Error("the stored password is not kept")
	}
	pw3, _, _ := LoadOrCreatePassword(dir, "given")
	if pw4, _, _ := LoadOrCreatePassword(dir, ""); pw3 != "given" || pw4 != "given" {
		t.Error("a given password is used and stored")
	}
}
