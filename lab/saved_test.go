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
