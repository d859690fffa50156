package device

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
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
	s := labtest.StartSSHD(t, labtest.SSHDOptions{Bin: labtest.HasyncBinary(t), Family: family, Device: device,
		Need: "the driver test against a real sshd"})
	return sshclient.Config{
		Host: "127.0.0.1", Port: s.Port, User: s.User,
		SSHConfigFile: "none", ProxyJump: "none",
		KnownHosts: []string{s.KnownHosts}, IdentityFiles: []string{s.KeyFile},
		Timeout: 20 * time.Second,
	}, s.Bin, s.State
}

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.RemoveBinary()
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
