package tui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/audit"
)

// Run shows the console on the terminal until the user quits or ctx
// ends, then closes every connection. extra are more program options
// (input, output, size: tests and the served console).
func Run(ctx context.Context, o Options, extra ...tea.ProgramOption) error {
	m := New(ctx, o)
	defer m.Close()
	opts := append([]tea.ProgramOption{tea.WithContext(m.com.Ctx)}, extra...)
	p := tea.NewProgram(m, opts...)
	_, err := p.Run()
	if err != nil && ctx.Err() == nil && m.com.Ctx.Err() != nil {
		// the user quit: the program's context was ours to cancel
		return nil
	}
	return err
}

// LogPath is the console's log file: console.log in hasync's state
// directory (audit.StateDir: $XDG_STATE_HOME/hasync, else
// ~/.local/state/hasync), beside the audit.
func LogPath() (string, error) {
	dir, err := audit.StateDir()
	if err != nil {
		return "", fmt.Errorf("console log: %w", err)
	}
	return filepath.Join(dir, "console.log"), nil
}

// OpenLog opens (appends to) the log file at path, making its directory;
// the logger writes JSON lines, never to the terminal.
func OpenLog(path string) (*slog.Logger, io.Closer, error) {
	f, err := OpenLogFile(path)
	if err != nil {
		return nil, nil, err
	}
	return slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), f, nil
}

// OpenLogFile opens a log file for appending (0600), making its
// directory (0700): the console's log, hasync serve's.
func OpenLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}
