package testcorpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory, or skips t when it is not there.
func Dir(t testing.TB) string {
	t.Helper()
	return Shared(t, "corpus")
}

// Shared returns ../shared/sub beside the repository (the corpus, the
// schema, the tools). When it is absent the test is skipped with a clear
// message, or failed when the CI environment variable is set: CI always has
// ../shared, so a missing one there is a broken set-up, not a reason to pass.
func Shared(t testing.TB, sub string) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		absent(t, "shared/"+sub+": "+err.Error())
	}
	dir := filepath.Join(root, "..", "shared", sub)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		absent(t, dir+" not found: clone ../shared beside the repository to run this test")
	}
	return dir
}

func absent(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so this fails instead of skipping)")
	}
	t.Skip(msg)
}

// File returns the corpus file at rel (slash-separated, under the
// corpus), skipping t when it is absent and failing it when CI is set.
func File(t testing.TB, rel string) string {
	t.Helper()
	file := filepath.Join(Dir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(file); err != nil {
		absent(t, err.Error())
	}
	return file
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

// ModuleRoot walks up from the working directory to the folder holding
// go.mod (schema/gen uses it too, to find ../shared outside a test).
func ModuleRoot() (string, error) {
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
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
