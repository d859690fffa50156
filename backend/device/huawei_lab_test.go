package device

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/labtest"
	"github.com/hasync/hasync/sshclient"
)

func startHuawei(t *testing.T, o huawei.PairOptions) *huawei.Pair {
	t.Helper()
	o.Dir = t.TempDir()
	p, err := huawei.StartPair(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatalf("HRP link: %v", err)
	}
	return p
}

func hwLogin(t *testing.T, p *huawei.Pair, m *huawei.Member, opt Options, width int) *Session {
	t.Helper()
	opt.Family, opt.Name = config.Huawei, m.Device.Name()
	return labLogin(t, p.Dir, p.User, filepath.Join(p.Dir, lab.ClientKeyFile), m.SSH.Addr(), opt, width)
}

// checkFetch fetches the running configuration and compares it, parsed,
// with what the lab device holds.
func checkHuaweiFetch(t *testing.T, s *Session, d *huawei.Device) []byte {
	t.Helper()
	var streamed int
	text, err := s.Fetch(testCtx(t), func(string) { streamed++ })
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if streamed != strings.Count(string(text), "\n") {
		t.Errorf("streamed %d lines, returned %d", streamed, strings.Count(string(text), "\n"))
	}
	got, err := config.Parse(d.Name(), text, config.Huawei)
	if err != nil {
		t.Fatalf("parse fetched: %v\n%s", err, head(string(text)))
	}
	if want := d.Running(); !config.Equal(got.Root, want.Root) {
		t.Errorf("fetched configuration differs from the device's: %d nodes fetched, %d held\n%s",
			got.Root.Count(), want.Root.Count(), head(string(text)))
	}
	return text
}

func head(s string) string {
	l := strings.SplitN(s, "\n", 30)
	if len(l) == 30 {
		l[29] = "..."
	}
	return strings.Join(l, "\n")
}

func TestHuaweiPairRolesAndFetch(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{Sessions: 7})
	var streamed []string
	a := hwLogin(t, p, p.A, Options{OnOutput: func(cmd, line string) {
		if cmd == "display hrp state verbose" {
			streamed = append(streamed, line)
		}
	}}, WideColumns)
	b := hwLogin(t, p, p.B, Options{}, WideColumns)
	if pa, pb := a.Prompt(), b.Prompt(); pa.HRP != "HRP_M" || pa.Host != "FW-A" || pa.Mode != ModeUser ||
		pb.HRP != "HRP_S" || pb.Host != "FW-B" || pb.Role() != RoleStandby {
		t.Errorf("prompts: %+v / %+v", pa, pb)
	}
	if a.PagerOn() {
		t.Error("screen-length 0 temporary was accepted, yet the session answers the pager")
	}
	checkHuaweiFetch(t, a, p.A.Device)
	checkHuaweiFetch(t, b, p.B.Device)

	ha, err := a.HA(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if ha.Role != RoleActive || ha.HRP.RoleText != "active" || ha.HRP.PeerRole != "standby" || ha.HRP.Core != "normal" ||
		!ha.HRP.Verbose || !ha.HRP.AutoSyncConfig || !ha.HRP.AutoSyncSessions || ha.HRP.Priority != 45000 {
		t.Errorf("FW-A HA: %+v %+v", ha, *ha.HRP)
	}
	if len(streamed) == 0 || !strings.HasPrefix(streamed[0], " Role: active") {
		t.Errorf("HA's lines not streamed through OnOutput: %q", streamed)
	}
	hb, err := b.HA(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if hb.Role != RoleStandby || hb.HRP.RoleText != "standby" {
		t.Errorf("FW-B HA: %+v %+v", hb, *hb.HRP)
	}
	maps, remotes, err := a.ReadSyncMaps(testCtx(t))
	if err != nil || len(maps) != 1 || maps[0].Name != "hrp" || remotes != nil {
		t.Errorf("FW-A sync-maps: %v %v %v", maps, remotes, err)
	}
	n, err := a.Sessions(testCtx(t))
	if err != nil || n != 7 {
		t.Errorf("FW-A sessions: %d, %v (want 7)", n, err)
	}

	// The failover fault: FW-B becomes active; the prompts and the state
	// say so.
	p.HRP.Failover()
	labtest.Eventually(t, "FW-B active", 30*time.Second, func() bool {
		h, err := b.HA(testCtx(t))
		return err == nil && h.Role == RoleActive && h.HRP.RoleText == "active"
	})
	if got := b.Prompt().HRP; got != "HRP_M" {
		t.Errorf("FW-B's prompt after failover: %q", got)
	}
	ha, err = a.HA(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if ha.Role != RoleStandby || a.Prompt().HRP != "HRP_S" {
		t.Errorf("FW-A after failover: %v, prompt %q", ha.Role, a.Prompt().Text)
	}
}

func TestHuaweiSavedDiffers(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	ctx := testCtx(t)
	differs, err := a.SavedDiffers(ctx)
	if err != nil || differs {
		t.Fatalf("fresh device: differs %v, %v", differs, err)
	}
	if err := p.A.Device.Apply(nil, "ip address-set LAB-NEW type object"); err != nil {
		t.Fatal(err)
	}
	differs, err = a.SavedDiffers(ctx)
	if err != nil || !differs {
		t.Fatalf("after a change: differs %v, %v", differs, err)
	}
	running, err := a.Fetch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if differs, err := a.SavedDiffersFrom(ctx, running); err != nil || !differs {
		t.Errorf("SavedDiffersFrom: %v, %v", differs, err)
	}
}

func TestHuaweiLoginQuestionAndPager(t *testing.T) {
	// First login asks to change the password (answered N, never a bare
	// Enter, which asks again) and prints the login time; admin cannot
	// turn the pager off, so it is answered.
	p := startHuawei(t, huawei.PairOptions{FirstLogin: true, ScreenLengthRefused: true})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	if !a.PagerOn() {
		t.Error("screen-length was refused, yet the session does not answer the pager")
	}
	for _, l := range a.LoginLines() {
		if strings.HasPrefix(l, "Info:") || strings.HasPrefix(l, "The current login time") {
			t.Errorf("login line not skipped: %q", l)
		}
	}
	text := checkHuaweiFetch(t, a, p.A.Device)
	if strings.Contains(string(text), "More") || strings.Contains(string(text), "\x1b") {
		t.Errorf("pager left in the text:\n%s", head(string(text)))
	}
	// A second login of the same user is not asked again.
	hwLogin(t, p, p.A, Options{}, WideColumns)
}

func TestHuaweiWrappedOutput(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	// A width at which some lines are cut and none is exactly as long
	// (which no reader can tell from a cut one).
	lens := map[int]bool{}
	longest := 0
	var b strings.Builder
	if err := config.WriteVRP(&b, p.A.Device.Running(), config.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		lens[len(l)] = true
		longest = max(longest, len(l))
	}
	width := 0
	for w := 40; w < longest; w++ {
		if !lens[w] {
			width = w
			break
		}
	}
	if width == 0 {
		t.Fatalf("no width below the longest line (%d) that no line has", longest)
	}
	// The lab does cut lines at this width: read without joining them,
	// the configuration differs.
	raw := hwLogin(t, p, p.A, Options{Width: -1}, width)
	text, err := raw.Fetch(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := config.Parse("raw", text, config.Huawei); err == nil && config.Equal(got.Root, p.A.Device.Running().Root) {
		t.Fatal("the lab did not wrap at the PTY width: the test proves nothing")
	}
	a := hwLogin(t, p, p.A, Options{}, width)
	text = checkHuaweiFetch(t, a, p.A.Device)
	t.Logf("width %d, longest line %d, %d bytes fetched", width, longest, len(text))
}

func TestHuaweiLegacyPrefix(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{HRP: huawei.HRPOptions{LegacyPrefix: true}})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	b := hwLogin(t, p, p.B, Options{}, WideColumns)
	if a.Prompt().HRP != "HRP_A" || a.Prompt().Role() != RoleActive || b.Prompt().HRP != "HRP_B" || b.Prompt().Role() != RoleStandby {
		t.Errorf("legacy prompts: %q %q", a.Prompt().Text, b.Prompt().Text)
	}
	checkHuaweiFetch(t, b, p.B.Device)
}

func TestHuaweiRefusals(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	b := hwLogin(t, p, p.B, Options{}, WideColumns)
	ctx := testCtx(t)

	_, err := a.Run(ctx, "display nonsense", nil)
	var re *RejectedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRejected) || errors.Is(err, ErrWrongMember) ||
		re.Text != "Error: Unrecognized command found at '^' position." || re.Pos != len("display ") {
		t.Errorf("unknown command: %v (caret at %d)", err, re.Pos)
	}

	// An unexpected [Y/N] question is declined and reported; nothing
	// happens on the device.
	_, err = a.Run(ctx, "reset saved-configuration", nil)
	var qe *QuestionError
	if !errors.As(err, &qe) || !strings.Contains(qe.Question, "[Y/N]") {
		t.Errorf("reset saved-configuration: %v", err)
	}
	if p.A.Device.Saved() == nil {
		t.Error("the saved configuration was reset")
	}
	// The session is still in step.
	checkHuaweiFetch(t, a, p.A.Device)

	// The standby refuses a replicated command: wrong member.
	if _, err := b.Run(ctx, "system-view", nil); err != nil {
		t.Fatal(err)
	}
	if pr := b.Prompt(); pr.Mode != ModeSystem || pr.Text != "HRP_S[FW-B]" {
		t.Errorf("system view prompt: %+v", pr)
	}
	_, err = b.Run(ctx, "ip address-set LAB-NEW type object", nil)
	if !errors.Is(err, ErrWrongMember) || !errors.Is(err, ErrRejected) {
		t.Errorf("standby refusal: %v", err)
	}
	// The active replicates it: ` (+B)`.
	if _, err := a.Run(ctx, "system-view", nil); err != nil {
		t.Fatal(err)
	}
	res, err := a.RunResult(ctx, "ip address-set LAB-NEW type object", nil)
	if err != nil || !res.Replicated || res.Prompt.Level != "object-address-set-LAB-NEW" {
		t.Errorf("replicated command: %+v, %v", res, err)
	}
	if _, err := a.Run(ctx, "return", nil); err != nil || a.Prompt().Mode != ModeUser {
		t.Errorf("return: %v, %+v", err, a.Prompt())
	}
}

func TestHuaweiDropMidFetch(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	// Every output stream started from now drops after 60 lines: the
	// login and the pager-off take a few, the fetch the rest.
	p.A.Faults.SetDropAfterLines(60)
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	var got int
	_, err := a.Fetch(testCtx(t), func(string) { got++ })
	if !errors.Is(err, ErrConnectionLost) || !errors.Is(err, sshclient.ErrConnectionLost) {
		t.Fatalf("fetch over a dropped link: %v", err)
	}
	if got == 0 {
		t.Error("nothing streamed before the drop")
	}
	if !errors.Is(a.Err(), ErrConnectionLost) {
		t.Errorf("session after the drop: %v", a.Err())
	}
	if _, err2 := a.Run(testCtx(t), "display version", nil); !errors.Is(err2, ErrClosed) || !errors.Is(err2, ErrConnectionLost) {
		t.Errorf("after the drop: %v", err2)
	}
	t.Logf("%d lines before the drop: %v", got, err)
}

func TestHuaweiTimeoutAndCancel(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	a := hwLogin(t, p, p.A, Options{CommandTimeout: 200 * time.Millisecond}, WideColumns)
	p.A.Faults.SetDelay(time.Minute)
	_, err := a.Fetch(testCtx(t), nil)
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("slow device: %v", err)
	}
	p.A.Faults.SetDelay(0)

	b := hwLogin(t, p, p.B, Options{}, WideColumns)
	p.B.Faults.SetDelay(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err = b.Fetch(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled fetch: %v", err)
	}
}

func TestHuaweiUnknownLoginQuestion(t *testing.T) {
	// A question at login that the table does not allow: declined and
	// reported, and the login fails.
	p := startHuawei(t, huawei.PairOptions{Prelude: func(string) lab.Prelude {
		return lab.LoginPrelude([]string{"Info: a line before the prompt"}, "Warning: The license expires. Renew now? [Y/N]:", nil)
	}})
	cfg := labConfig(t, p.Dir, p.User, filepath.Join(p.Dir, lab.ClientKeyFile), p.A.SSH.Addr())
	_, err := Connect(testCtx(t), cfg, Options{Family: config.Huawei, Name: "FW-A"})
	var qe *QuestionError
	if !errors.As(err, &qe) || !strings.Contains(qe.Question, "Renew now? [Y/N]") {
		t.Errorf("login question: %v", err)
	}
}

func TestHuaweiHRPCheck(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	ctx := testCtx(t)
	if h, err := a.HA(ctx); err != nil || h.HRP.Check != nil {
		t.Fatalf("before any check: %+v, %v", h.HRP, err)
	}
	rows, err := a.HRPCheck(ctx, 10*time.Millisecond)
	if err != nil || len(rows) == 0 {
		t.Fatalf("check: %+v, %v", rows, err)
	}
	for _, r := range rows {
		if r.State != "Finish" || (r.Result != "Same Configuration" && r.Result != "Different Configuration") {
			t.Errorf("row %+v", r)
		}
	}
	h, err := a.HA(ctx)
	if err != nil || !reflect.DeepEqual(h.HRP.Check, rows) {
		t.Errorf("HA's check: %+v, %v", h.HRP.Check, err)
	}
	// The peer cut: the device refuses to check.
	p.Faults.SetCutHRP(true)
	labtest.Eventually(t, "link down", 30*time.Second, func() bool { return !p.HRP.Up() })
	if _, err := a.HRPCheck(ctx, 0); !errors.Is(err, ErrRejected) {
		t.Errorf("check with the link cut: %v", err)
	}
}

func TestHuaweiLogDuringFetch(t *testing.T) {
	// The device's log lines interleave with command output (DOMAIN.md
	// "Huawei family"): one logged while the configuration streams is
	// left out of it and given to OnLog.
	// Paced and long enough that output is flushed (32 KiB at a time)
	// while the device still prints.
	p := startHuawei(t, huawei.PairOptions{Delay: 200 * time.Microsecond, Lines: 2000})
	var (
		mu   sync.Mutex
		logs []string
	)
	onLog := func(l string) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, l)
	}
	a := hwLogin(t, p, p.A, Options{OnLog: onLog}, WideColumns)
	n := 0
	text, err := a.Fetch(testCtx(t), func(string) {
		if n++; n == 10 {
			p.A.Device.Log("%%01SHELL/5/CMDRECORD(s)[0]: a line logged during the fetch.")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := config.Parse("FW-A", text, config.Huawei)
	if err != nil || !config.Equal(got.Root, p.A.Device.Running().Root) || strings.Contains(string(text), "CMDRECORD") {
		t.Fatalf("fetch with a log line: %v\n%s", err, head(string(text)))
	}
	mu.Lock()
	t.Logf("log lines seen during the fetch: %d", len(logs))
	mu.Unlock()
	labtest.Eventually(t, "the log line", 30*time.Second, func() bool {
		if _, err := a.Run(testCtx(t), "display version", nil); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return len(logs) > 0 && strings.Contains(logs[0], "a line logged during the fetch")
	})
}

func TestHuaweiInterruptPagedFetch(t *testing.T) {
	// A fetch given up at the pager: the pager is quit, the session
	// reads on.
	p := startHuawei(t, huawei.PairOptions{ScreenLengthRefused: true})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := a.Fetch(ctx, func(string) {
		if n++; n == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || a.Err() != nil {
		t.Fatalf("interrupted fetch: %v (session: %v)", err, a.Err())
	}
	checkHuaweiFetch(t, a, p.A.Device)
}
