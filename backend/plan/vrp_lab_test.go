package plan_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/labtest"
)

// logLine is an asynchronous log line: `Nov 30 2026 03:04:15 FW-A %%01...`.
var logLine = regexp.MustCompile(`^[A-Z][a-z]{2} +[0-9]+ [0-9]{4} [0-9:]{8} \S+ %%`)

// labShell logs in to member m over SSH (x/crypto/ssh, the host key
// verified against the pair's known_hosts) and turns the pager off.
func labShell(t *testing.T, p *huawei.Pair, m *huawei.Member, prompt string) *labtest.Shell {
	t.Helper()
	c := labtest.Dial(t, m.Device.Name(), m.SSH.Addr(), labtest.ClientConfig(t, p.Dir, p.User, p.ClientKey))
	sh := labtest.OpenShell(t, c)
	sh.Expect(prompt)
	sh.Run("screen-length 0 temporary", prompt)
	return sh
}

// labConfig reads `display current-configuration` in the user view.
func labConfig(t *testing.T, sh *labtest.Shell, name, prompt string) *config.Tree {
	t.Helper()
	out := sh.Run("display current-configuration", "\r\nreturn\r\n")
	sh.Expect(prompt)
	// Asynchronous log lines may interleave with the output (DOMAIN.md);
	// the first other line is the echoed command.
	var keep []string
	echo := false
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		switch {
		case logLine.MatchString(l):
			t.Logf("%s: log line: %s", name, l)
		case !echo && strings.HasSuffix(l, "display current-configuration"):
			echo = true
		case echo:
			keep = append(keep, l)
		}
	}
	text := strings.Join(keep, "\n")
	tr, err := config.ParseVRP(name, []byte(text))
	if err != nil {
		t.Fatalf("%s: display current-configuration does not parse: %v\n%s", name, err, text)
	}
	return tr
}

// TestVRPPlanOnLab sends a push plan to the lab's USG pair over SSH and
// checks, by re-reading the device, that nothing in scope differs.
//
// Source FW-A (the active member), target FW-B (the standby), map HRP: the
// seeded pair differs by missing, changed, moved and extra rules, a
// missing NAT rule and a missing static route. The standby refuses every
// command HRP replicates unless `hrp standby config enable`, so the test
// sets it first on FW-B: an HRP line, protected by the map (each member
// keeps its own), so it is no part of the comparison. With it, FW-B
// replicates what it is sent to FW-A, as the device does; FW-A already has
// the source's in-scope configuration, so the test also checks that FW-A's
// in-scope part is unchanged.
//
// The second case modifies FW-B first (through the device's own API, not
// replicated): a server added with `preference` (undone by its address
// alone), an address-set bound by a rule only FW-B has (the rule goes
// before the set), an address entry with other parameters (changed by
// issuing it), and an address-set FW-A's new rule binds removed (created
// before the rule).
func TestVRPPlanOnLab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulated Huawei pair")
	}
	t.Run("seeded", func(t *testing.T) { labPush(t, nil) })
	t.Run("modified", func(t *testing.T) {
		labPush(t, func(d *huawei.Device) {
			for _, c := range []struct {
				view []string
				line string
			}{
				{nil, "ntp-service unicast-server 198.51.100.123 preference"},
				{nil, "ip address-set TMP_B type object"},
				{[]string{"ip address-set TMP_B type object"}, "address 0 192.0.2.99 mask 32"},
				{[]string{"security-policy", "rule name temp_debug_b"}, "destination-address address-set TMP_B"},
				{[]string{"ip address-set WEB_2 type object"}, "address 0 10.20.99.10 mask 32"},
				{nil, "undo ip address-set WEB_12"},
			} {
				if err := d.Apply(c.view, c.line); err != nil {
					t.Fatalf("modify FW-B: %v %q: %v", c.view, c.line, err)
				}
			}
		})
	})
}

func labPush(t *testing.T, modify func(*huawei.Device)) {
	p, err := huawei.StartPair(context.Background(), huawei.PairOptions{Dir: t.TempDir(), HRP: huawei.HRPOptions{Heartbeat: 50 * time.Millisecond, DeadAfter: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.HRP.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if modify != nil {
		modify(p.B.Device)
	}
	a := labShell(t, p, p.A, "HRP_M<FW-A>")
	b := labShell(t, p, p.B, "HRP_S<FW-B>")
	src := labConfig(t, a, "FW-A", "HRP_M<FW-A>")
	dst := labConfig(t, b, "FW-B", "HRP_S<FW-B>")
	m := syncmap.HRP(src)
	mask := diff.Options{MaskSecrets: true}
	if diff.Equal(m.Scoped(src), m.Scoped(dst), mask) {
		t.Fatal("the seeded pair has no in-scope difference to sync")
	}
	pl, err := plan.Build(src, dst, m, plan.Options{Mode: plan.Push, Diff: mask})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Warnings) > 0 {
		t.Logf("plan warnings: %q", pl.Warnings)
	}

	b.Run("system-view", "HRP_S[FW-B]")
	b.Run("hrp standby config enable", "HRP_S[FW-B]")
	b.Run("quit", "HRP_S<FW-B>")
	for _, cmd := range pl.Commands {
		b.Line(cmd)
		out := b.Expect("HRP_S")
		rest := b.Expect("]")
		if cmd == "system-view" && !strings.HasPrefix(rest, "[FW-B") {
			t.Fatalf("system-view: prompt %q", rest)
		}
		if strings.Contains(out, "Error") {
			t.Errorf("FW-B refuses %q:\n%s", cmd, out)
		}
	}
	b.Run("return", "HRP_S<FW-B>")
	t.Logf("sent %d commands to FW-B over SSH:\n%s", len(pl.Commands), strings.Join(pl.Commands, "\n"))

	got := labConfig(t, b, "FW-B", "HRP_S<FW-B>")
	if ch := diff.Trees(m.Scoped(src), m.Scoped(got), mask); len(ch) > 0 {
		var lines []string
		for _, c := range ch {
			lines = append(lines, c.Kind.String()+" "+c.Path.String())
		}
		t.Errorf("after the plan FW-B differs from FW-A in scope (hasync diff would exit 1):\n%s\nplan:\n%s",
			strings.Join(lines, "\n"), strings.Join(pl.Commands, "\n"))
	}
	// Out of scope, FW-B keeps its own (its name, interfaces, HRP lines).
	for _, k := range []string{"sysname FW-B"} {
		if !strings.Contains(vrpText(got), k) {
			t.Errorf("FW-B lost %q", k)
		}
	}
	// FW-A got the replicated commands: its in-scope part is as it was.
	if after := labConfig(t, a, "FW-A", "HRP_M<FW-A>"); !diff.Equal(m.Scoped(src), m.Scoped(after), mask) {
		t.Errorf("FW-A's in-scope configuration changed: %v", diff.Trees(m.Scoped(src), m.Scoped(after), mask))
	}
}

func vrpText(t *config.Tree) string {
	var b strings.Builder
	_ = config.WriteVRP(&b, t, config.PrintOptions{})
	return b.String()
}
