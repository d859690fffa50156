package tui

import (
	"os"
	"testing"
)

// TestMain points the user's state directory at a temporary one: the
// console's writes (a sync-map save's lock, logs) must never land in the
// real $XDG_STATE_HOME of whoever runs the tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hasync-tui-test-state")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
