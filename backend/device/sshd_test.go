package device

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/sshclient"
)

// The driver against a real OpenSSH server: sshd's ForceCommand runs
// `hasync lab cli` for one device, so the shell is a real PTY of the
// kernel (its echo, its \r\n), not the lab's own SSH server.

// realSSHD starts sshd on 127.0.0.1 for the device of family with a
// state directory of its own; it returns the sshclient configuration, the
// hasync binary and the state directory. It skips where sshd is absent,
// and fails when CI is set (.ci/run installs openssh-server).
func realSSHD(t *testing.T, family, device string) (sshclient.Config, string, string) {
	t.Helper()
	const sshd = "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		msg := "no OpenSSH server (" + sshd + "; apt-get install openssh-server): skipping the driver test against a real sshd"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (.ci/run installs it)")
		}
		t.Skip(msg)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	bin := hasyncBinary(t)
	hostKey := writeTestKey(t, filepath.Join(dir, "host"))
	clientKey := writeTestKey(t, filepath.Join(dir, "client"))
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(clientKey), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	known := filepath.Join(dir, "known_hosts")
	if err := lab.WriteKnownHosts(known, []lab.KnownHost{{Addr: fmt.Sprintf("127.0.0.1:%d", port), Key: hostKey}}); err != nil {
		t.Fatal(err)
	}
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
ForceCommand %s lab cli --family %s --state %s --device %s
`, port, filepath.Join(dir, "host"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"),
		u.Username, bin, family, state, device)
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("sshd as root needs /run/sshd: %v", err)
		}
	}
	srv := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	var out labtest.SyncBuffer
	srv.Stdout, srv.Stderr = &out, &out
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd:\n%s", out.String())
		}
	})
	labtest.Eventually(t, "sshd listening", 20*time.Second, func() bool {
		select {
		case <-exited:
			t.Fatalf("sshd ended:\n%s", out.String())
		default:
		}
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return sshclient.Config{
		Host: "127.0.0.1", Port: port, User: u.Username,
		SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts: []string{known}, IdentityFiles: []string{filepath.Join(dir, "client")},
		Timeout: 20 * time.Second,
	}, bin, state
}

func writeTestKey(t *testing.T, file string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

var (
	buildOnce sync.Once
	binDir    string
	binErr    error
	binOut    []byte
)

// hasyncBinary builds the hasync command once for the package's tests
// (TestMain removes it).
func hasyncBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "device-test-"); binErr != nil {
			return
		}
		binOut, binErr = exec.Command("go", "build", "-o", filepath.Join(binDir, "hasync"), "github.com/hasync/hasync").CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return filepath.Join(binDir, "hasync")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func TestRealSSHDFetch(t *testing.T) {
	for _, c := range []struct {
		family config.Family
		device string
		read   string
	}{
		{config.Vyatta, "vra-b", "show configuration commands"},
		{config.Huawei, "FW-B", "display current-configuration"},
	} {
		t.Run(c.family.String(), func(t *testing.T) {
			cfg, bin, state := realSSHD(t, c.family.String(), c.device)
			s, err := Connect(testCtx(t), cfg, Options{Family: c.family, Name: c.device})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if p := s.Prompt(); p.Host != c.device {
				t.Errorf("prompt %+v", p)
			}
			got, err := s.FetchTree(testCtx(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := exec.Command(bin, append([]string{"lab", "cli", "--family", c.family.String(), "--state", state, "--device", c.device},
				strings.Fields(c.read)...)...).Output()
			if err != nil {
				t.Fatal(err)
			}
			wt, err := config.Parse(c.device, want, c.family)
			if err != nil {
				t.Fatal(err)
			}
			if wt.Root.Count() < 10 || !config.Equal(got.Root, wt.Root) {
				t.Errorf("fetched %d nodes through sshd's PTY, the device has %d", got.Root.Count(), wt.Root.Count())
			}
			ha, err := s.HA(testCtx(t))
			switch {
			case err != nil:
				t.Errorf("HA: %v", err)
			case c.family == config.Huawei && (ha.HRP != nil || ha.Role != RoleUnknown):
				t.Errorf("HA of a device without HRP: %+v", ha)
			case c.family == config.Vyatta && ha.Role != RoleActive:
				t.Errorf("HA of a lone router, master of its groups: %+v", ha)
			}
			if _, err := s.Run(testCtx(t), "nonsense", nil); !errorsAs(err, new(*RejectedError)) {
				t.Errorf("refusal through sshd: %v", err)
			}
			// A change applied through sshd's PTY, read back.
			change := cmds("set resources group address-group LAB-SSHD address 192.0.2.99")
			if c.family == config.Huawei {
				change = cmds("system-view", "ip address-set LAB-SSHD type object", "quit")
			}
			if res, err := s.Apply(testCtx(t), change, ApplyOptions{}, nil); err != nil || !res.Committed {
				t.Fatalf("apply through sshd: %+v, %v", res, err)
			}
			after, err := s.FetchTree(testCtx(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			if after.Root.Count() <= got.Root.Count() {
				t.Errorf("the applied change is not in the configuration read back (%d nodes, %d before)", after.Root.Count(), got.Root.Count())
			}
		})
	}
}
