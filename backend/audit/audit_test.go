package audit

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAppendMasksSecrets: a secret of the plan never reaches the file, in
// any field, raw or JSON-escaped; the file is 0600 in a 0700 directory.
func TestAppendMasksSecrets(t *testing.T) {
	const secret = `s3cr"et\pass`
	l, err := Open(filepath.Join(t.TempDir(), "audit"))
	if err != nil {
		t.Fatal(err)
	}
	r := Record{Pair: "lab", Source: "a", Target: "b", Result: Refused, Comment: "rotate " + secret,
		Errors: []RemoteError{{Path: "system login user x authentication plaintext-password", Lines: []string{"[ system login user x authentication plaintext-password " + secret + " ]", "Error: bad"}}}}
	if err := l.Append(r, []string{secret, ""}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(l.File("lab"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr") {
		t.Fatalf("the secret reached the record: %s", b)
	}
	if !strings.Contains(string(b), Mask) {
		t.Fatalf("no mask in %s", b)
	}
	fi, _ := os.Stat(l.File("lab"))
	di, _ := os.Stat(l.Dir())
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v", fi.Mode(), di.Mode())
	}
	last, ok, err := l.Last("lab")
	if err != nil || !ok || last.Result != Refused || last.Time.IsZero() || len(last.Errors) != 1 {
		t.Fatalf("last %+v %v %v", last, ok, err)
	}
}

// TestAppendConcurrent: concurrent appends give whole lines, none lost.
func TestAppendConcurrent(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	long := strings.Repeat("x", 20000)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Append(Record{Pair: "p/q", Result: OK, Comment: long}, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	all, err := l.Records("p/q")
	if err != nil || len(all) != 20 {
		t.Fatalf("%d records, %v", len(all), err)
	}
	if filepath.Base(l.File("p/q")) != "p_q.jsonl" {
		t.Error(l.File("p/q"))
	}
}

func TestStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if d, _ := DefaultDir(); d != "/x/state/hasync/audit" {
		t.Error(d)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := StateDir(); d != "/home/u/.local/state/hasync" {
		t.Error(d)
	}
}

// TestLastSkipsMapSaves: a sync-map save after a sync is recorded, but
// Last (what a rollback undoes, what status names) is still the sync.
func TestLastSkipsMapSaves(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Record{Pair: "lab", Target: "vra-b", Result: OK}, nil); err != nil {
		t.Fatal(err)
	}
	save := Record{Kind: MapSave, Pair: "lab", Target: "vra-a", Map: "LAB-SYNC", Commands: []string{"delete system config-sync sync-map LAB-SYNC rule 30"}, Result: OK}
	if err := l.Append(save, nil); err != nil {
		t.Fatal(err)
	}
	all, err := l.Records("lab")
	if err != nil || len(all) != 2 || all[1].Kind != MapSave || len(all[1].Commands) != 1 {
		t.Fatalf("records %+v %v", all, err)
	}
	last, ok, err := l.Last("lab")
	if err != nil || !ok || last.Kind != "" || last.Target != "vra-b" {
		t.Errorf("last %+v %v %v: want the sync", last, ok, err)
	}
}
