package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

func TestSaveConfigAndLoadSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.config.boot")
	if _, found, err := LoadSaved("dev", path, config.ParseVyatta); found || err != nil {
		t.Fatalf("nothing saved yet: found=%v err=%v", found, err)
	}
	in, err := config.ParseVyatta("seed", []byte("system {\n    host-name dev\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveConfig("dev", path, in, config.WriteCurly); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v %v", fi, err)
	}
	out, found, err := LoadSaved("dev", path, config.ParseVyatta)
	if err != nil || !found || !config.Equal(out.Root, in.Root) {
		t.Fatalf("load after save: found=%v err=%v", found, err)
	}
	if err := os.WriteFile(path, []byte("system {\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSaved("dev", path, config.ParseVyatta); err == nil || !strings.HasPrefix(err.Error(), "dev: load saved configuration: ") {
		t.Errorf("a broken saved file: %v", err)
	}
	if err := SaveConfig("dev", "", in, config.WriteCurly); err != nil {
		t.Errorf("no path saves nothing: %v", err)
	}
}

func TestBootPrefersSavedThenInitialThenEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.config.boot")
	initial, err := config.ParseVyatta("seed", []byte("system {\n    host-name seed\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Boot("dev", path, config.Vyatta, nil, config.ParseVyatta); err != nil || got.Family != config.Vyatta || len(got.Root.Children) != 0 || got.Source != "dev" {
		t.Fatalf("no saved, no initial: %+v %v", got, err)
	}
	source := initial.Source
	got, err := Boot("dev", path, config.Vyatta, initial, config.ParseVyatta)
	if err != nil || !config.Equal(got.Root, initial.Root) || got.Source != "dev" {
		t.Fatalf("initial: %+v %v", got, err)
	}
	if got.Root == initial.Root || initial.Source != source {
		t.Error("Boot shares or changes the initial tree")
	}
	if err := os.WriteFile(path, []byte("system {\n    host-name saved\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = Boot("dev", path, config.Vyatta, initial, config.ParseVyatta)
	if n := got.Root.Lookup(config.Path{"system", "host-name"}); err != nil || n == nil || n.Values[0] != "saved" || got.Source != "dev" {
		t.Fatalf("saved: %+v %v", got, err)
	}
}
