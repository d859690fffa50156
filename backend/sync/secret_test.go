package sync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
)

// TestSecretNeverReachesAudit: a secret the plan sends never reaches the
// audit file, the events or the errors, even when the remote echoes it in
// an error block.
func TestSecretNeverReachesAudit(t *testing.T) {
	const secret = "Zq8-very-secret-4242"
	src, err := config.Parse("vra-a", []byte(`vpn {
    ipsec {
        site-to-site {
            peer 192.0.2.9 {
                authentication {
                    pre-shared-secret `+secret+`
                }
            }
        }
    }
}
`), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	tgt := &config.Tree{Family: config.Vyatta, Source: "vra-b", Root: &config.Node{}}
	cmp, err := compare.New(src, tgt, syncmap.Default(config.Vyatta, src), "", diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := cmp.Plan(0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(pl.Commands, "\n"), secret) {
		t.Fatalf("the plan does not send the secret: %q", pl.Commands)
	}
	prep := &Prepared{Pair: "p", Source: "vra-a", Target: "vra-b", Plan: pl, Comparison: cmp}
	var events []string
	// A pair never dialled: its subscribers get the sync's lines too.
	p := pair.New(&inventory.Pair{Name: "p", Family: config.Vyatta,
		Devices: [2]*inventory.Device{{Name: "vra-a", Family: config.Vyatta}, {Name: "vra-b", Family: config.Vyatta}}}, pair.Options{})
	defer p.Close()
	sub, end := p.Subscribe(64)
	defer end()
	tx := &txn{p: p, prep: prep, res: &Result{Prepared: prep}, secrets: secrets(pl),
		o: Options{Emit: func(e Event) { events = append(events, e.Line) }}}
	out := []string{
		"[ vpn ipsec site-to-site peer 192.0.2.9 authentication pre-shared-secret " + secret + " ]",
		"Error: " + secret + " is too weak", "", "[[vpn]] failed", "Commit failed",
	}
	for _, l := range out {
		tx.emit(Event{Kind: Remote, Line: l})
	}
	for range out {
		e := <-sub.C
		events = append(events, e.Line)
	}
	// The driver's error block, as backend/device reads it from the
	// commit (its lines unmasked: the commit command carries no secret).
	block := device.ApplyError{Path: strings.Fields("vpn ipsec site-to-site peer 192.0.2.9 authentication pre-shared-secret " + secret), Lines: out[:2]}
	tx.res.Errors = []RemoteError{tx.tie(pl.Steps, block)}
	if len(tx.res.Errors) != 1 || tx.res.Errors[0].Step < 0 {
		t.Fatalf("errors %+v", tx.res.Errors)
	}
	rec := tx.record(time.Now(), ErrRemoteRefused)
	dir := t.TempDir()
	log, err := audit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Append(rec, tx.secrets); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "p.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"audit file": string(b), "events": strings.Join(events, "\n"), "errors": strings.Join(tx.res.Errors[0].Lines, "\n") + tx.res.Errors[0].Command} {
		if strings.Contains(text, secret) {
			t.Errorf("the secret reached the %s:\n%s", what, text)
		}
	}
	if !strings.Contains(string(b), "pre-shared-secret") {
		t.Errorf("the record lost the error's path: %s", b)
	}
}

// TestDeviceUniqueWarned: a plan that changes a member's own values (its
// host name, an interface address) is warned about, once per path.
func TestDeviceUniqueWarned(t *testing.T) {
	src, err := config.Parse("a", []byte("interfaces {\n    ethernet eth1 {\n        address 10.0.0.1/24\n        address 10.0.0.9/24\n    }\n}\nsystem {\n    host-name vra-a\n}\n"), config.Vyatta)
	if err != nil {
		t.Fatal(err)
	}
	tgt := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	pl, err := plan.Build(src, tgt, syncmap.Default(config.Vyatta, src), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := deviceUnique(pl)
	if len(w) != 2 || !strings.Contains(w[0]+w[1], "interfaces ethernet eth1 address") || !strings.Contains(w[0]+w[1], "system host-name") {
		t.Errorf("warnings %q for %q", w, pl.Commands)
	}
}
