package testcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory, or skips t when it is not there.
func Dir(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Skipf("corpus: %v", err)
	}
	dir := filepath.Join(root, "..", "shared", "corpus")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("corpus not found at %s: clone ../shared beside the repository to run this test", dir)
	}
	return dir
}

// Files returns the regular files under dir/sub (recursively), skipping t
// when the corpus is absent and failing it when sub holds no file.
func Files(t testing.TB, sub string) []string {
	t.Helper()
	base := filepath.Join(Dir(t), sub)
	var files []string
	err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("corpus %s: %v", sub, err)
	}
	if len(files) == 0 {
		t.Fatalf("corpus %s: no files", sub)
	}
	return files
}

// moduleRoot walks up from the working directory to the folder holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
