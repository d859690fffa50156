package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is registered once per test binary by importing this package.
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the file at path (relative to the package under
// test, usually testdata/NAME.golden); with -update it writes got there
// instead.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (check, then run with -update):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
