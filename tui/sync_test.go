package tui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
)

// rejected is the path the test lab's vra-b refuses at commit (startLab).
var rejected = config.Path(strings.Fields("security firewall name CUST-0000-IN rule 20"))

// syncOptions are the lab's console options for the Vyatta pair alone,
// with the syncs' state and audit in a temporary directory.
func syncOptions(t *testing.T, l *testLab) Options {
	o := l.options()
	o.Inventory = onlyVyatta(l)
	dir := t.TempDir()
	o.AuditDir, o.StateDir = filepath.Join(dir, "audit"), dir
	return o
}

// TestSyncRejected: S opens the plan with Cancel focused (enter then
// applies nothing); tab and enter apply it; the Log streams vra-b's
// commit output, vra-b refuses rule 20 of CUST-0000-IN, the banner says
// so and that vra-b is unchanged (re-read); the error is pinned and tied
// to its path: enter jumps to its row in the Diff tab. The audit records
// the refusal.
func TestSyncRejected(t *testing.T) {
	l := startLab(t)
	o := syncOptions(t, l)
	m := New(context.Background(), o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	waitScreen(t, tm, "both up", has("✓ vra-a MASTER", "✓ vra-b BACKUP"))
	keys(tm, "enter")
	waitScreen(t, tm, "the Diff", has("vra-a (source)", "vra-b (target)", "58 diffs"))

	keys(tm, "S")
	s := waitScreen(t, tm, "the plan", has("Sync lab-vyatta", "vra-a → vra-b", "Commands, in order", "▸[ Cancel ]", "[ Apply "))
	if !strings.Contains(s, "set security firewall name CUST-0000-IN rule 20") {
		t.Errorf("the plan does not list the rule the remote will refuse:\n%s", s)
	}
	if !strings.Contains(s, "Not synced: outside the map") && !strings.Contains(s, "outside the map") {
		t.Logf("no out-of-scope section on the first page (it may be below)")
	}
	// Cancel has the focus: enter closes, nothing is sent.
	keys(tm, "enter")
	waitScreen(t, tm, "the plan closed", func(s string) bool { return !strings.Contains(s, "[ Cancel ]") && strings.Contains(s, "1 Diff") })

	keys(tm, "S")
	waitScreen(t, tm, "the plan again", has("▸[ Cancel ]", "[ Apply 8 to vra-b ]"))
	keys(tm, "tab")
	waitScreen(t, tm, "Apply focused", has("▸[ Apply "))
	keys(tm, "enter")
	s = waitScreen(t, tm, "the refusal", has("vra-b refused the change", "vra-b unchanged (re-read)"))
	if !strings.Contains(s, "error(s)  ]e next") {
		t.Errorf("no pinned error:\n%s", s)
	}
	if !strings.Contains(s, "CUST-0000-IN rule 20") {
		t.Errorf("the error does not name its path:\n%s", s)
	}
	keys(tm, "enter")
	waitScreen(t, tm, "the Diff at the refused row", has("vra-a (source)", "vra-b (target)"))

	keys(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Model)
	if fm.tab != TabDiff {
		t.Errorf("enter in the Log left the tab at %v", fm.tab)
	}
	row := fm.diff.v.CursorRow()
	if row < 0 {
		t.Fatal("no row under the cursor")
	}
	got := fm.diff.v.Data().Rows[row].Path
	if len(got) < len(rejected) || !slices.Equal(got[:len(rejected)], rejected) {
		t.Errorf("the cursor is on %s, want a row under %s", got, rejected)
	}
	log, err := audit.Open(o.AuditDir)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok, err := log.Last("lab-vyatta")
	if err != nil || !ok {
		t.Fatalf("no audit record: %v", err)
	}
	if rec.Result != audit.Refused || len(rec.Errors) == 0 {
		t.Errorf("audit: result %s, %d error(s); want refused with its errors", rec.Result, len(rec.Errors))
	}
	if !strings.Contains(rec.User+rec.Host, "") || rec.Target != "vra-b" {
		t.Errorf("audit target %q", rec.Target)
	}
}
