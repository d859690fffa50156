package device

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

func cmds(lines ...string) []Command {
	var out []Command
	for _, l := range lines {
		w := strings.Fields(l)
		out = append(out, Command{Text: l, Path: w[1:]})
	}
	return out
}

func hasLeaf(t *config.Tree, path ...string) bool { return t.Root.Lookup(config.Path(path)) != nil }

func TestVyattaApply(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	b := vyLogin(t, p, p.B, Options{})
	ctx := testCtx(t)
	var streamed []string
	res, err := b.Apply(ctx, cmds(
		"set resources group address-group LAB-APPLY address '192.0.2.10'",
		"set system domain-name apply.example",
	), ApplyOptions{Comment: "hasync test", Save: true}, func(l string) { streamed = append(streamed, l) })
	if err != nil || !res.Committed || res.Partial || len(res.Errors) != 0 {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	run := p.B.Device.Running()
	if !hasLeaf(run, "resources", "group", "address-group", "LAB-APPLY") || !hasLeaf(run, "system", "domain-name") {
		t.Error("the change is not in vra-b's running configuration")
	}
	if b.Prompt().Mode != ModeOperational {
		t.Errorf("apply left %v mode", b.Prompt().Mode)
	}
	if differs, err := b.SavedDiffers(ctx); err != nil || differs {
		t.Errorf("saved after apply with Save: differs %v, %v", differs, err)
	}
	if len(streamed) != len(res.Lines) {
		t.Errorf("streamed %d lines, kept %d", len(streamed), len(res.Lines))
	}
	// Nothing left to commit.
	res, err = b.Apply(ctx, cmds("set system domain-name apply.example"), ApplyOptions{}, nil)
	if err != nil || !res.NoChanges {
		t.Errorf("same again: %+v, %v", res, err)
	}
}

func TestVyattaApplyRefusedCommand(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	b := vyLogin(t, p, p.B, Options{})
	before := p.B.Device.Running()
	res, err := b.Apply(testCtx(t), cmds(
		"set system domain-name refused.example",
		"set system no-such-node x",
		"set system time-zone UTC",
	), ApplyOptions{}, nil)
	if !errors.Is(err, ErrRejected) || res.Committed || len(res.Errors) != 1 ||
		res.Errors[0].Command != "set system no-such-node x" || strings.Join(res.Errors[0].Path, " ") != "system no-such-node x" {
		t.Fatalf("refused set: %+v, %v", res, err)
	}
	if !config.Equal(before.Root, p.B.Device.Running().Root) {
		t.Error("a refused apply changed the remote")
	}
	if b.Prompt().Mode != ModeOperational || b.Err() != nil {
		t.Errorf("after the refusal: %+v, %v", b.Prompt(), b.Err())
	}
	// The first set was discarded with the rest: a new configure
	// session starts clean.
	if differs, err := b.SavedDiffers(testCtx(t)); err != nil || differs {
		t.Errorf("discarded: %v %v", differs, err)
	}
}

func TestVyattaApplyCommitRejected(t *testing.T) {
	// vra-b refuses any change under `security firewall` on commit.
	for _, partial := range []bool{false, true} {
		p := startVyatta(t, vyatta.PairOptions{Reject: [][]string{{"security", "firewall"}}, PartialCommit: partial, Flavor: vyatta.FlavorVyOS})
		b := vyLogin(t, p, p.B, Options{})
		before := p.B.Device.Running()
		res, err := b.Apply(testCtx(t), cmds(
			"set security firewall name LAB-NEW rule 10 action accept",
			"set system domain-name commit.example",
		), ApplyOptions{}, nil)
		if !errors.Is(err, ErrRejected) || res.Committed || len(res.Errors) == 0 {
			t.Fatalf("partial=%v: %+v, %v", partial, res, err)
		}
		e := res.Errors[0]
		if len(e.Path) < 2 || e.Path[0] != "security" || e.Path[1] != "firewall" || len(e.Lines) < 2 {
			t.Errorf("partial=%v: error block %+v", partial, e)
		}
		run := p.B.Device.Running()
		switch {
		case !partial && !config.Equal(before.Root, run.Root):
			t.Error("a rejected commit changed the remote")
		case partial && (!res.Partial || !hasLeaf(run, "system", "domain-name") || hasLeaf(run, "security", "firewall", "name", "LAB-NEW")):
			t.Errorf("partial commit: Partial %v, what applied is wrong", res.Partial)
		}
		if b.Prompt().Mode != ModeOperational {
			t.Errorf("after the failed commit: %v mode", b.Prompt().Mode)
		}
	}
}

func TestVyOSCommitConfirm(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{Flavor: vyatta.FlavorVyOS, ConfirmUnit: time.Minute})
	b := vyLogin(t, p, p.B, Options{})
	ctx := testCtx(t)
	if _, err := b.Apply(ctx, nil, ApplyOptions{ConfirmMinutes: 5, Save: true}, nil); !errors.Is(err, ErrSaveBeforeConfirm) {
		t.Errorf("save with commit-confirm: %v", err)
	}
	// VyOS asks `Proceed? [confirm]` first: the allow list answers it.
	res, err := b.Apply(ctx, cmds("set system domain-name confirm.example"), ApplyOptions{ConfirmMinutes: 5}, nil)
	if err != nil || !res.Committed {
		t.Fatalf("commit-confirm: %+v, %v", res, err)
	}
	if err := b.Confirm(ctx, nil); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if err := b.Confirm(ctx, nil); !errors.Is(err, ErrRejected) {
		t.Errorf("confirm with nothing pending: %v", err)
	}
	if !hasLeaf(p.B.Device.Running(), "system", "domain-name") {
		t.Error("the confirmed change is gone")
	}
}

func TestVyattaWriteSyncMapAndNative(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	a := vyLogin(t, p, p.A, Options{})
	ctx := testCtx(t)
	m, err := syncmap.FromFlags([]string{"system ntp"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.Name = "LAB-TEST"
	if _, err := a.WriteSyncMap(ctx, nil, m, ApplyOptions{}, nil); err != nil {
		t.Fatalf("write: %v", err)
	}
	maps, _, err := a.ReadSyncMaps(ctx)
	if err != nil || !hasMap(maps, "LAB-TEST") {
		t.Fatalf("after write: %v", err)
	}
	if _, err := a.WriteSyncMap(ctx, m, nil, ApplyOptions{}, nil); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if maps, _, _ := a.ReadSyncMaps(ctx); hasMap(maps, "LAB-TEST") {
		t.Error("the map was not removed")
	}
	// A name the shell would split or expand goes quoted
	// (syncmap.ShellWord, the one Vyatta quoting): the device gets it
	// whole, and refuses it by its own pattern, naming it as written.
	m.Name = "LAB $HOME it's"
	res, err := a.WriteSyncMap(ctx, nil, m, ApplyOptions{}, nil)
	if !errors.Is(err, ErrRejected) || len(res.Errors) == 0 || !strings.Contains(strings.Join(res.Errors[0].Lines, "\n"), "[system config-sync sync-map LAB $HOME it's rule 1 action include] is not valid") {
		t.Errorf("write %q: %v, %+v: want refused by name, whole", m.Name, err, res.Errors)
	}
	if err := a.NativeSync(ctx, NativeConfig, nil); err != nil {
		t.Errorf("update config-sync: %v", err)
	}
	p.B.Faults.SetRefuse(true)
	if err := a.NativeSync(ctx, NativeConfig, nil); !errors.Is(err, ErrRejected) {
		t.Errorf("update config-sync with vra-b refusing: %v", err)
	}
}

func hasMap(maps []*syncmap.Map, name string) bool {
	for _, m := range maps {
		if m.Name == name {
			return true
		}
	}
	return false
}

func TestHuaweiApplyAndNative(t *testing.T) {
	p := startHuawei(t, huawei.PairOptions{})
	a := hwLogin(t, p, p.A, Options{}, WideColumns)
	b := hwLogin(t, p, p.B, Options{}, WideColumns)
	ctx := testCtx(t)
	change := cmds("system-view", "ip address-set LAB-APPLY type object", "address 0 192.0.2.20 mask 32", "quit")
	change[2].Path = []string{"ip address-set LAB-APPLY type object", "address 0 192.0.2.20 mask 32"}
	// The standby refuses what HRP replicates: wrong member.
	res, err := b.Apply(ctx, change, ApplyOptions{}, nil)
	if !errors.Is(err, ErrWrongMember) || len(res.Errors) != 1 || res.Errors[0].Command != "ip address-set LAB-APPLY type object" {
		t.Errorf("standby: %+v, %v", res, err)
	}
	if b.Prompt().Mode != ModeUser {
		t.Errorf("standby left in %v", b.Prompt().Mode)
	}
	res, err = a.Apply(ctx, change, ApplyOptions{Save: true}, nil)
	if err != nil || !res.Committed || res.Replicated == 0 {
		t.Fatalf("active: %+v, %v", res, err)
	}
	if a.Prompt().Mode != ModeUser {
		t.Errorf("active left in %v", a.Prompt().Mode)
	}
	if differs, err := a.SavedDiffers(ctx); err != nil || differs {
		t.Errorf("saved: %v %v", differs, err)
	}
	if err := a.NativeSync(ctx, NativeConfig, nil); err != nil {
		t.Errorf("hrp sync config: %v", err)
	}
	if err := a.NativeSync(ctx, NativeSessions, nil); err != nil {
		t.Errorf("hrp sync connection-status: %v", err)
	}
	if err := b.NativeSync(ctx, NativeConfig, nil); !errors.Is(err, ErrWrongMember) {
		t.Errorf("hrp sync config on the standby: %v", err)
	}
	// A refused line stops the rest.
	res, err = a.Apply(ctx, cmds("system-view", "no-such-command x", "ip address-set LAB-NEVER type object"), ApplyOptions{}, nil)
	if !errors.Is(err, ErrRejected) || len(res.Errors) != 1 {
		t.Errorf("refused line: %+v, %v", res, err)
	}
	for _, n := range p.A.Device.Running().Root.Children {
		if strings.Contains(n.Name, "LAB-NEVER") {
			t.Error("a command after the refusal was sent")
		}
	}
}

func TestVyattaApplyWindow(t *testing.T) {
	// Commands typed ahead of the one read: the same outcome as one at a
	// time, whether all are taken or one is refused.
	p := startVyatta(t, vyatta.PairOptions{})
	b := vyLogin(t, p, p.B, Options{})
	ctx := testCtx(t)
	var many []string
	for i := range 100 {
		many = append(many, "set resources group address-group LAB-WIN address '198.51.100."+strconv.Itoa(i+1)+"'")
	}
	var typed []int
	res, err := b.Apply(ctx, cmds(many...), ApplyOptions{Window: 16, OnCommand: func(i int, _ string) { typed = append(typed, i) }}, nil)
	if err != nil || !res.Committed {
		t.Fatalf("window: %+v, %v", res.Errors, err)
	}
	// configure, the 100 in order, commit, exit.
	if len(typed) != 103 || typed[0] != -1 || typed[1] != 0 || typed[100] != 99 || typed[101] != -1 {
		t.Errorf("OnCommand: %d calls, %v...", len(typed), typed[:min(5, len(typed))])
	}
	n := p.B.Device.Running().Root.Lookup(config.Path{"resources", "group", "address-group", "LAB-WIN", "address"})
	if n == nil || len(n.Values) != 100 {
		t.Fatalf("applied: %v", n)
	}
	before := p.B.Device.Running()
	bad := append([]string{}, many[:5]...)
	bad = append(bad, "set system no-such-node x")
	bad = append(bad, "set system domain-name window.example", "set system time-zone UTC")
	res, err = b.Apply(ctx, cmds(bad...), ApplyOptions{Window: 16}, nil)
	if !errors.Is(err, ErrRejected) || len(res.Errors) != 1 || res.Errors[0].Command != "set system no-such-node x" {
		t.Fatalf("refused in a window: %+v, %v", res.Errors, err)
	}
	if !config.Equal(before.Root, p.B.Device.Running().Root) || b.Prompt().Mode != ModeOperational {
		t.Error("a refused windowed apply changed the remote, or left configure mode")
	}
	// The session is in step.
	checkVyattaFetch(t, b, p.B.Device)
}

func TestVyattaApplyDrops(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	change := cmds(
		"set resources group address-group LAB-DROP address '192.0.2.30'",
		"set resources group address-group LAB-DROP address '192.0.2.31'",
		"set resources group address-group LAB-DROP address '192.0.2.32'",
	)
	before := p.B.Device.Running()
	// The link goes before the commit: nothing changes on the remote.
	// Lines out: the welcome, then `[edit]` after configure and after
	// each set: the third goes after the first set.
	p.B.Faults.SetDropAfterLines(3)
	b := vyLogin(t, p, p.B, Options{})
	if _, err := b.Apply(testCtx(t), change, ApplyOptions{}, nil); !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("dropped before the commit: %v", err)
	}
	p.B.Faults.SetDropAfterLines(0)
	if !config.Equal(before.Root, p.B.Device.Running().Root) {
		t.Fatal("a change dropped before its commit reached the remote")
	}
	// A retry on a new session succeeds.
	b = vyLogin(t, p, p.B, Options{})
	if res, err := b.Apply(testCtx(t), change, ApplyOptions{}, nil); err != nil || !res.Committed {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	// The link goes during the commit: the commit runs to its end on the
	// device; a re-read tells.
	p.B.Faults.SetDropInCommit(true)
	b = vyLogin(t, p, p.B, Options{})
	if _, err := b.Apply(testCtx(t), cmds("set resources group address-group LAB-DROP2 address '192.0.2.40'"), ApplyOptions{}, nil); !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("dropped in the commit: %v", err)
	}
	p.B.Faults.SetDropInCommit(false)
	b = vyLogin(t, p, p.B, Options{})
	after, err := b.FetchTree(testCtx(t), nil)
	if err != nil || after.Root.Lookup(config.Path{"resources", "group", "address-group", "LAB-DROP2"}) == nil {
		t.Errorf("re-read after a drop in the commit: the commit should have run to its end (%v)", err)
	}
}

// TestVyattaApplyCancelledNeverCommits: a cancel while the commands are
// typed (one at a time, or typed ahead) stops the typing, never commits,
// discards what was typed and leaves the session usable in operational
// mode (it may be the pair's own).
func TestVyattaApplyCancelledNeverCommits(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	b := vyLogin(t, p, p.B, Options{})
	before := p.B.Device.Running()
	list := cmds("set system domain-name cancel.example", "set system time-zone UTC", "set system login banner pre-login cancelled")
	for _, window := range []int{1, 64} {
		ctx, cancel := context.WithCancel(testCtx(t))
		var typed []string
		res, err := b.Apply(ctx, list, ApplyOptions{Window: window, OnCommand: func(i int, shown string) {
			typed = append(typed, shown)
			if i == 1 {
				cancel()
			}
		}}, nil)
		cancel()
		if !errors.Is(err, context.Canceled) || res.Committed {
			t.Fatalf("window %d: %v, committed %v", window, err, res.Committed)
		}
		if slices.Contains(typed, "commit") || slices.Contains(typed, list[2].Text) {
			t.Errorf("window %d: typed after the cancel: %q", window, typed)
		}
		if !config.Equal(before.Root, p.B.Device.Running().Root) {
			t.Fatalf("window %d: a cancelled apply changed the device", window)
		}
		if b.Err() != nil || b.Prompt().Mode != ModeOperational {
			t.Fatalf("window %d: session %v, mode %v", window, b.Err(), b.Prompt().Mode)
		}
	}
	if differs, err := b.SavedDiffers(testCtx(t)); err != nil || differs {
		t.Errorf("after the cancels: differs %v, %v", differs, err)
	}
}
