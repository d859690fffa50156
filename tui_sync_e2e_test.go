package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleSyncTmux runs `hasync demo` in tmux as a user would and
// syncs the Vyatta pair twice: S, the plan with Cancel focused (the
// demo's pair syncs by vra-a's own config-sync), tab to Apply; vra-b
// refuses the change the demo plants (CUST-0000-IN rule 20): the banner
// says so and that vra-b is unchanged, the error is
// pinned, enter jumps to its row in the Diff. Then x swaps the direction
// and S syncs vra-b → vra-a, which asks to type vra-a's name (the active
// member) and succeeds. `hasync diff --pair` against the demo's lab then
// exits 0: the pair is equal within its map. (The tmux helpers are
// tui_e2e_test.go's.)
func TestConsoleSyncTmux(t *testing.T) {
	needTmux(t)
	bin := buildHasync(t)
	tmp := t.TempDir()
	tt := startTmux(t, 120, 36, []string{"TMPDIR=" + tmp, "HOME=" + tmp, "XDG_STATE_HOME=" + tmp}, bin, "demo")
	tt.wait("both pairs up", "hasync demo", "✓ vra-a MASTER", "✓ vra-b BACKUP")
	dir := demoDir(t, tmp)
	inv := filepath.Join(dir, "vyatta", "inventory.yaml")
	diffPair := func() (int, string) {
		cmd := exec.Command(bin, "diff", "--pair", "lab-vyatta", "--inventory", inv, "--format", "commands")
		cmd.Env = append(cmd.Environ(), "HOME="+tmp, "XDG_STATE_HOME="+tmp)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("hasync diff --pair: %v\n%s", err, out)
		}
		return code, string(out)
	}
	if code, out := diffPair(); code != 1 {
		t.Fatalf("before the syncs: diff --pair exits %d, want 1 (drifted)\n%s", code, out)
	}

	tt.keys("Enter")
	tt.wait("the Diff", "vra-a (source)", "vra-b (target)")
	tt.keys("S")
	tt.wait("the plan", "Sync lab-vyatta", "▸[ Cancel ]", "[ Apply 8 to vra-b ]", "CUST-0000-IN rule 20")
	tt.keys("Tab")
	tt.wait("Apply focused", "▸[ Apply 8 to vra-b ]")
	tt.keys("Enter")
	s := tt.wait("the refusal", "vra-b refused the change", "vra-b unchanged (re-read)", "error(s)  ]e next")
	if !strings.Contains(s, "3 Log") {
		t.Errorf("the sync's stream is not on the Log tab:\n%s", s)
	}
	tt.keys("Enter")
	tt.wait("the Diff at the refused rule", "vra-a (source)", "rule 20", "▶")

	tt.keys("x")
	tt.wait("the direction swapped", "vra-b (source)", "vra-a (target)")
	tt.keys("S")
	tt.wait("the swapped plan", "vra-b → vra-a", "[ Apply ")
	tt.keys("Tab", "Enter")
	tt.wait("the name asked", "type vra-a to apply")
	tt.keys("v", "r", "a", "-", "a", "Enter")
	tt.wait("synced", "✓ synced vra-b → vra-a: equal within the map")

	if code, out := diffPair(); code != 0 {
		t.Errorf("after the sync: diff --pair exits %d, want 0\n%s", code, out)
	}
	tt.keys("q")
	tt.wait("the console to quit", "EXITED 0")
}
