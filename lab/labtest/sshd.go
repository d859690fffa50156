package labtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/lab"
)

// SSHDPath is where the OpenSSH server is looked for (Debian's
// openssh-server).
const SSHDPath = "/usr/sbin/sshd"

// SSHD is a real OpenSSH server on 127.0.0.1 whose ForceCommand runs
// `hasync lab cli` for one lab device, so a client meets the lab device
// through OpenSSH's own PTY, echo and \r\n. It runs until the test ends.
type SSHD struct {
	// Port is where it listens on 127.0.0.1; User the user it lets in
	// (the one running the test).
	Port int
	User string
	// Dir holds its files: the host key ("host"), the client key
	// (lab.ClientKeyFile, with its .pub), authorized_keys, known_hosts
	// (lab.KnownHostsFile, listing the host key as [127.0.0.1]:Port),
	// sshd_config; so OpenSSHArgs(t, Dir, Port, User) reaches it.
	Dir string
	// Bin is the hasync binary the ForceCommand runs; State the lab
	// cli's state directory.
	Bin, State string
	// KeyFile is the client's private key (authorized); KnownHosts the
	// known_hosts file.
	KeyFile, KnownHosts string
	// HostKey is the server's host key.
	HostKey ssh.PublicKey
	log     SyncBuffer
}

// SSHDOptions say what the server runs and how.
type SSHDOptions struct {
	// Bin is the hasync binary (HasyncBinary builds one).
	Bin string
	// Family ("vyatta", "huawei"; "" the lab cli's default) and Device
	// name the lab device ForceCommand runs `hasync lab cli` for.
	Family, Device string
	// Extra lines are appended to sshd_config.
	Extra string
	// Need says what the test checks, for the message when sshd is
	// absent ("the driver test against a real sshd").
	Need string
}

// RequireSSHD skips the test when there is no OpenSSH server at SSHDPath,
// saying what is skipped (need), and fails it when CI is set (.ci/run
// installs openssh-server). As root it makes sshd's privilege separation
// directory (/run/sshd), which the package's service makes at boot.
func RequireSSHD(t testing.TB, need string) {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		msg := "no OpenSSH server (" + SSHDPath + "; apt-get install openssh-server): skipping " + need
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (.ci/run installs it)")
		}
		t.Skip(msg)
	}
	if os.Getuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("sshd as root needs /run/sshd: %v", err)
		}
	}
}

// StartSSHD starts sshd on a free loopback port, with a host key, the
// client key authorized, and ForceCommand `o.Bin lab cli`, and waits until
// it listens; it is stopped when the test ends (its log shown if the test
// failed). Without sshd the test is skipped (failed under CI), as
// RequireSSHD says.
func StartSSHD(t testing.TB, o SSHDOptions) *SSHD {
	t.Helper()
	RequireSSHD(t, o.Need)
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &SSHD{User: u.Username, Dir: dir, Bin: o.Bin, State: filepath.Join(dir, "state"),
		KeyFile: filepath.Join(dir, lab.ClientKeyFile), KnownHosts: filepath.Join(dir, lab.KnownHostsFile)}
	if err := os.Mkdir(s.State, 0o700); err != nil {
		t.Fatal(err)
	}
	s.HostKey = NewKey(t, filepath.Join(dir, "host"))
	s.Authorize(t, NewKey(t, s.KeyFile))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if err := lab.WriteKnownHosts(s.KnownHosts, []lab.KnownHost{{Addr: s.Addr(), Key: s.HostKey}}); err != nil {
		t.Fatal(err)
	}
	force := o.Bin + " lab cli"
	if o.Family != "" {
		force += " --family " + o.Family
	}
	force += " --state " + s.State + " --device " + o.Device
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowUsers %s
ForceCommand %s
%s`, s.Port, filepath.Join(dir, "host"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"),
		s.User, force, o.Extra)
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(SSHDPath, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	srv.Stdout, srv.Stderr = &s.log, &s.log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd:\n%s", s.Log())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.Addr()); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("sshd ended:\n%s", s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen:\n%s", s.Log())
		}
	}
	return s
}

// Addr is the server's address, 127.0.0.1:Port.
func (s *SSHD) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.Port) }

// Log is what sshd wrote so far (-e: its log on stderr).
func (s *SSHD) Log() string { return s.log.String() }

// Authorize adds key to the server's authorized_keys (read at each
// login).
func (s *SSHD) Authorize(t testing.TB, key ssh.PublicKey) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(s.Dir, "authorized_keys"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(ssh.MarshalAuthorizedKey(key)); err != nil {
		t.Fatal(err)
	}
}

// NewKey writes a new ed25519 private key to file (OpenSSH format, mode
// 0600, and file.pub) and returns its public key.
func NewKey(t testing.TB, file string) ssh.PublicKey {
	t.Helper()
	if _, err := os.Stat(file); err == nil {
		t.Fatalf("key %s exists", file)
	}
	s, err := lab.LoadOrCreateKey(file)
	if err != nil {
		t.Fatal(err)
	}
	return s.PublicKey()
}

var (
	buildOnce sync.Once
	binDir    string
	binErr    error
	binOut    []byte
)

// HasyncBinary builds the hasync command once for the test binary and
// returns its path; RemoveBinary (from TestMain, after m.Run) removes it.
func HasyncBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "hasync-test-"); binErr != nil {
			return
		}
		binOut, binErr = exec.Command("go", "build", "-o", filepath.Join(binDir, "hasync"), "github.com/hasync/hasync").CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return filepath.Join(binDir, "hasync")
}

// RemoveBinary removes what HasyncBinary built, if it did.
func RemoveBinary() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}
