package device

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/sshclient"
)

func startVyatta(t *testing.T, o vyatta.PairOptions) *vyatta.Pair {
	t.Helper()
	o.Dir = t.TempDir()
	p, err := vyatta.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func vyLogin(t *testing.T, p *vyatta.Pair, m *vyatta.Member, opt Options) *Session {
	t.Helper()
	opt.Family, opt.Name = config.Vyatta, m.Device.Name()
	return labLogin(t, p.Dir, p.User, filepath.Join(p.Dir, lab.ClientKeyFile), m.SSH.Addr(), opt, WideColumns)
}

// checkVyattaFetch fetches and compares, parsed, with the device's
// running configuration.
func checkVyattaFetch(t *testing.T, s *Session, d *vyatta.Device) *config.Tree {
	t.Helper()
	var streamed int
	text, err := s.Fetch(testCtx(t), func(string) { streamed++ })
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if streamed != strings.Count(string(text), "\n") {
		t.Errorf("streamed %d lines, returned %d", streamed, strings.Count(string(text), "\n"))
	}
	got, err := config.Parse(d.Name(), text, config.Vyatta)
	if err != nil {
		t.Fatalf("parse fetched: %v\n%s", err, head(string(text)))
	}
	if want := d.Running(); !config.Equal(got.Root, want.Root) {
		t.Errorf("fetched configuration differs from the device's: %d nodes fetched, %d held\n%s",
			got.Root.Count(), want.Root.Count(), head(string(text)))
	}
	return got
}

func TestVyattaFlavorsReadAlike(t *testing.T) {
	var trees []*config.Tree
	for _, fl := range []vyatta.Flavor{vyatta.FlavorVRA, vyatta.FlavorVyOS} {
		// One password, which config-sync's remote-router carries.
		p := startVyatta(t, vyatta.PairOptions{Flavor: fl, Password: "lab-password"})
		a := vyLogin(t, p, p.A, Options{Flavor: string(fl)})
		if pr := a.Prompt(); pr.Text != "vyatta@vra-a:~$" || pr.Mode != ModeOperational || pr.Host != "vra-a" {
			t.Errorf("%s prompt: %+v", fl, pr)
		}
		tr := checkVyattaFetch(t, a, p.A.Device)
		trees = append(trees, tr)

		ha, err := a.HA(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(ha.VRRP) == 0 || ha.Role != RoleActive {
			t.Errorf("%s vra-a VRRP: %+v", fl, ha)
		}
		maps, remotes, err := a.ReadSyncMaps(testCtx(t))
		if err != nil || len(maps) == 0 || len(remotes) == 0 {
			t.Errorf("%s sync-maps: %d maps, %v remotes, %v", fl, len(maps), remotes, err)
		}
		if _, err := a.Sessions(testCtx(t)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s sessions: %v", fl, err)
		}
	}
	if !config.Equal(trees[0].Root, trees[1].Root) {
		t.Error("the VRA and the VyOS flavor read differently")
	}
}

func TestVyattaFailoverRoles(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	a := vyLogin(t, p, p.A, Options{})
	b := vyLogin(t, p, p.B, Options{})
	ctx := testCtx(t)
	for _, c := range []struct {
		s    *Session
		want Role
	}{{a, RoleActive}, {b, RoleStandby}} {
		h, err := c.s.HA(ctx)
		if err != nil || h.Role != c.want {
			t.Errorf("%s: %+v, %v (want %v)", c.s.Name(), h, err, c.want)
		}
	}
	p.VRRPFailover()
	for _, c := range []struct {
		s    *Session
		want Role
	}{{a, RoleFault}, {b, RoleActive}} {
		h, err := c.s.HA(ctx)
		if err != nil || h.Role != c.want {
			t.Errorf("after failover %s: %+v, %v (want %v)", c.s.Name(), h, err, c.want)
		}
	}
}

func TestVyattaPagerAnswered(t *testing.T) {
	// The device pages `show` output at the PTY's height; the session
	// leaves the pager on and answers it.
	p := startVyatta(t, vyatta.PairOptions{Pager: true})
	a := vyLogin(t, p, p.A, Options{KeepPager: true})
	checkVyattaFetch(t, a, p.A.Device)
	// With the pager turned off, the same.
	b := vyLogin(t, p, p.B, Options{})
	if b.PagerOn() {
		t.Error("set terminal length 0 was accepted, yet the session answers the pager")
	}
	checkVyattaFetch(t, b, p.B.Device)
}

func TestVyattaRejectedAndSaved(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	a := vyLogin(t, p, p.A, Options{})
	ctx := testCtx(t)
	_, err := a.Run(ctx, "show nonsense", nil)
	var re *RejectedError
	if !errors.As(err, &re) || re.Text != "Invalid command: [show nonsense]" {
		t.Errorf("unknown command: %v", err)
	}
	differs, err := a.SavedDiffers(ctx)
	if err != nil || differs {
		t.Fatalf("fresh device: differs %v, %v", differs, err)
	}
	if a.Prompt().Mode != ModeOperational {
		t.Errorf("SavedDiffers left the session in %v", a.Prompt().Mode)
	}
	// A change committed and not saved.
	for _, c := range []string{"configure", "set system domain-name lab.example", "commit"} {
		if _, err := a.Run(ctx, c, nil); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if pr := a.Prompt(); pr.Mode != ModeConfigure || pr.Level != "" || pr.Text != "vyatta@vra-a#" {
		t.Errorf("configure prompt: %+v", pr)
	}
	if _, err := a.Run(ctx, "edit system", nil); err != nil || a.Prompt().Level != "system" {
		t.Errorf("edit system: %v, %+v", err, a.Prompt())
	}
	if _, err := a.Run(ctx, "top", nil); err != nil {
		t.Fatal(err)
	}
	// Reads work from configure mode too (through `run`).
	checkVyattaFetch(t, a, p.A.Device)
	differs, err = a.SavedDiffers(ctx)
	if err != nil || !differs {
		t.Errorf("after a commit: differs %v, %v", differs, err)
	}
	if a.Prompt().Mode != ModeConfigure {
		t.Errorf("SavedDiffers left configure mode")
	}
	_, err = a.Run(ctx, "set system bogus-node x", nil)
	if !errors.Is(err, ErrRejected) {
		t.Errorf("invalid set: %v", err)
	}
	if _, err := a.Run(ctx, "set system domain-name other.example", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "exit", nil); !errors.Is(err, ErrRejected) || a.Prompt().Mode != ModeConfigure {
		t.Errorf("exit with changes: %v", err)
	}
	if _, err := a.Run(ctx, "exit discard", nil); err != nil || a.Prompt().Mode != ModeOperational {
		t.Errorf("exit discard: %v, %+v", err, a.Prompt())
	}
}

func TestVyattaDropMidFetch(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	p.A.Faults.SetDropAfterLines(40)
	a := vyLogin(t, p, p.A, Options{})
	var got int
	_, err := a.Fetch(testCtx(t), func(string) { got++ })
	if !errors.Is(err, ErrConnectionLost) || !errors.Is(err, sshclient.ErrConnectionLost) || got == 0 {
		t.Errorf("fetch over a dropped link: %d lines, %v", got, err)
	}
}

func TestVyOSOperatorPrompt(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS, Password: "lab-password"})
	// Make the login operator-level (DOMAIN.md: VyOS operator users see
	// `user@host>`), through the driver as the admin user.
	admin := vyLogin(t, p, p.A, Options{})
	for _, c := range []string{"configure", "set system login user operator level operator", "commit", "exit"} {
		if _, err := admin.Run(testCtx(t), c, nil); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	s := labLogin(t, p.Dir, vyatta.OperatorUser, filepath.Join(p.Dir, vyatta.OperatorKeyFile), p.A.SSH.Addr(),
		Options{Family: config.Vyatta, Name: "vra-a", Flavor: "vyos"}, WideColumns)
	if pr := s.Prompt(); pr.Text != "operator@vra-a>" || !pr.Operator || pr.Mode != ModeOperational {
		t.Errorf("operator prompt: %+v", pr)
	}
	text, err := s.Fetch(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "lab-password") || !strings.Contains(string(text), config.Mask) {
		t.Error("an operator outside the secrets group saw a secret, or no masked one")
	}
	got, err := config.Parse("vra-a", text, config.Vyatta)
	if err != nil || got.Root.Count() != p.A.Device.Running().Root.Count() {
		t.Errorf("operator fetch: %v", err)
	}
	if _, err := s.SavedDiffers(testCtx(t)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("operator SavedDiffers: %v", err)
	}
}

func TestVyattaInterruptMonitor(t *testing.T) {
	// `monitor log` runs until ^C: a cancelled Run interrupts it and the
	// session reads on.
	p := startVyatta(t, vyatta.PairOptions{})
	a := vyLogin(t, p, p.A, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	seen := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(ctx, "monitor log", func(l string) {
			if strings.Contains(l, "hasync-test") {
				select {
				case seen <- struct{}{}:
				default:
				}
			}
		})
		done <- err
	}()
	labtest.Eventually(t, "monitor log streaming", 30*time.Second, func() bool {
		p.A.Device.Log("hasync-test line")
		select {
		case <-seen:
			return true
		default:
			return false
		}
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("monitor log: %v", err)
	}
	checkVyattaFetch(t, a, p.A.Device)
}

func TestVyattaCommitSyncFailure(t *testing.T) {
	// vra-a's config-sync cannot reach vra-b: the commit stands locally
	// and its output says the sync failed.
	p := startVyatta(t, vyatta.PairOptions{})
	a := vyLogin(t, p, p.A, Options{})
	ctx := testCtx(t)
	p.B.Faults.SetRefuse(true)
	var out []string
	for _, c := range []string{"configure", "set system domain-name lab.example", "commit"} {
		lines, err := a.Run(ctx, c, nil)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		out = lines
	}
	if CommitFailed(config.Vyatta, out) || len(SyncFailures(config.Vyatta, out)) == 0 {
		t.Errorf("commit output, sync failed expected:\n%s", strings.Join(out, "\n"))
	}
	p.B.Faults.SetRefuse(false)
	for _, c := range []string{"set system domain-name lab2.example", "commit"} {
		var err error
		if out, err = a.Run(ctx, c, nil); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if CommitFailed(config.Vyatta, out) || SyncFailures(config.Vyatta, out) != nil {
		t.Errorf("commit output, all well expected:\n%s", strings.Join(out, "\n"))
	}
}
