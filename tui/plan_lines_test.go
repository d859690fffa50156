package tui

import (
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
)

// TestPlanSaysWhereItRuns: a device-native sync's plan says where its
// command runs on the commands' heading (not "typed on" the target);
// the map's out-of-scope list is not called "not synced", the word the
// counts line uses for what the plan leaves in scope; the HRP Apply
// names connection-status when C asked for it (trial 12 #10, #12).
func TestPlanSaysWhereItRuns(t *testing.T) {
	run := func(pp *planPanel) (string, string) {
		lines, label, _, _, _ := planLines(rtWithRole(device.RoleStandby), pp, "", "→")
		var out []string
		for _, l := range lines {
			out = append(out, l.Text)
		}
		return strings.Join(out, "\n"), label
	}

	push := prepFor(t, 1)
	all, label := run(&planPanel{kind: syncPush, prep: push, outside: outOfScope(push)})
	if !strings.Contains(all, "Commands, in order (typed on b)") || label != "Apply 2 to b" {
		t.Errorf("push: label %q\n%s", label, all)
	}
	if strings.Contains(all, "Not synced: outside") || !strings.Contains(all, "Outside the map (out of scope") || !strings.Contains(all, "0 not synced") {
		t.Errorf("push: the out-of-scope list is called not synced:\n%s", all)
	}

	native := prepFor(t, 1)
	native.Native, native.NativeWhy = true, "update config-sync on a (sync_mode: config-sync)"
	all, label = run(&planPanel{kind: syncPush, prep: native})
	if strings.Contains(all, "Commands, in order (typed on b)") || !strings.Contains(all, "What update config-sync on a sets on b (it runs on a)") || label != "Apply 2 to b" {
		t.Errorf("config-sync: label %q\n%s", label, all)
	}

	hrp := prepFor(t, 1)
	hrp.Native, hrp.Plan.Mode = true, plan.HRP
	for _, c := range []struct {
		opts hsync.Options
		want string
	}{
		{hsync.Options{}, "Run hrp sync config"},
		{hsync.Options{ConnectionStatus: true}, "Run hrp sync config + connection-status"},
	} {
		if _, label := run(&planPanel{kind: syncNativeSessions, prep: hrp, opts: c.opts}); label != c.want {
			t.Errorf("HRP %+v: label %q, want %q", c.opts, label, c.want)
		}
	}
}
