package sync

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
)

func labHuawei(t *testing.T) (*huawei.Pair, *pair.Pair) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	hp, err := huawei.StartPair(ctx, huawei.PairOptions{Dir: t.TempDir(), Lines: 300, Sessions: 7})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { hp.Close(); cancel() })
	if err := hp.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	t.Setenv(lab.PasswordEnv, "")
	inv, err := inventory.Load(hp.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	p := pair.New(inv.Pairs[0], pair.Options{SSHConfigFile: "none", UserKnownHosts: "none"})
	t.Cleanup(func() { p.Close() })
	return hp, p
}

// TestSyncHRP: on the emulated USG pair the sync is the device's own `hrp
// sync config` on the HRP active member; afterwards nothing the plan
// meant to add is missing on the standby, and what remains is the plan's
// own conflicts (the standby's extras, other parameters), listed.
func TestSyncHRP(t *testing.T) {
	_, p := labHuawei(t)
	ctx := testCtx(t)
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Plan.Mode != plan.HRP {
		t.Fatalf("mode %v", prep.Plan.Mode)
	}
	t.Logf("%s → %s: %d commands, %d conflicts", prep.Source, prep.Target, len(prep.Plan.Commands), len(prep.Plan.Conflicts))
	var infos []string
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), ConnectionStatus: true, Save: true, Emit: func(e Event) {
		if e.Kind == Info {
			infos = append(infos, e.Line)
		}
	}})
	if err != nil {
		t.Fatalf("hrp sync: %v; unexpected %q", err, res.Unexpected)
	}
	if !slices.Contains(infos, "hrp sync config on "+prep.Source) || !slices.Contains(infos, "hrp sync connection-status on "+prep.Source) {
		t.Errorf("infos %q", infos)
	}
	// --save saves both members (HRP does not back up save).
	for _, d := range res.After.Devices {
		if !d.SavedKnown || d.SavedDiffers {
			t.Errorf("%s: saved known %v, differs %v", d.Name, d.SavedKnown, d.SavedDiffers)
		}
	}
	if len(res.Residue) < len(prep.Plan.Conflicts) {
		t.Errorf("residue %d of %d conflicts", len(res.Residue), len(prep.Plan.Conflicts))
	}
	// The standby's extras are left in place.
	tgt, _ := res.After.Device(prep.Target)
	extras := 0
	for _, c := range prep.Plan.Conflicts {
		if strings.HasPrefix(c.Reason, "only on the") {
			extras++
			if tgt.Tree.Root.Lookup(c.Path) == nil {
				t.Errorf("the standby's extra %s is gone", c.Path)
			}
		}
	}
	t.Logf("%d residue lines, %d extras kept", len(res.Residue), extras)
	// From the standby it is refused with the reason.
	if _, err := Prepare(ctx, p, Options{From: prep.Target}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("from the standby: %v", err)
	}
}

// TestSyncHuaweiPush: push over SSH to the standby is refused with the
// reason while it lacks `hrp standby config enable`; with it, the plan is
// typed in system-view on the standby and verified.
func TestSyncHuaweiPush(t *testing.T) {
	_, p := labHuawei(t)
	ctx := testCtx(t)
	if _, err := Prepare(ctx, p, Options{Push: true}); !errors.Is(err, ErrPushRefused) || !strings.Contains(err.Error(), "hrp standby config enable") {
		t.Fatalf("push without hrp standby config enable: %v", err)
	}
	prep, err := Prepare(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := targetDevice(p.Spec(), prep.Target)
	if err != nil {
		t.Fatal(err)
	}
	s, err := device.Connect(ctx, p.SSHConfig(dev), device.Options{Family: dev.Family, Flavor: dev.Flavor, Name: dev.Name})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"system-view", "hrp standby config enable", "return"} {
		if _, err := s.Run(ctx, c, nil); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	s.Close()
	prep, err = Prepare(ctx, p, Options{Push: true})
	if err != nil {
		t.Fatal(err)
	}
	if prep.Plan.Mode != plan.Push || prep.Plan.Empty() {
		t.Fatalf("push plan: mode %v, %d commands", prep.Plan.Mode, len(prep.Plan.Commands))
	}
	res, err := Apply(ctx, p, prep, Options{StateDir: t.TempDir(), Push: true})
	if err != nil {
		t.Fatalf("push: %v; errors %+v; unexpected %q", err, res.Errors, res.Unexpected)
	}
}
