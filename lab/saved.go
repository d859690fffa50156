package lab

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hasync/hasync/backend/config"
)

// LoadSaved reads the configuration device name saved at path with parse.
// found is false when there is none (or path is empty): the device then
// boots on its seed.
func LoadSaved(name, path string, parse func(file string, src []byte) (*config.Tree, error)) (t *config.Tree, found bool, err error) {
	if path == "" {
		return nil, false, nil
	}
	src, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	if t, err = parse(path, src); err != nil {
		return nil, false, fmt.Errorf("%s: load saved configuration: %w", name, err)
	}
	return t, true, nil
}

// SaveConfig writes t, printed by write, to path for device name (nothing
// when path is empty), through a temporary file so a crash never leaves
// half a file.
func SaveConfig(name, path string, t *config.Tree, write func(io.Writer, *config.Tree, config.PrintOptions) error) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := write(&buf, t, config.PrintOptions{}); err != nil {
		return fmt.Errorf("%s: save: %w", name, err)
	}
	if err := WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("%s: save: %w", name, err)
	}
	return nil
}

// Boot returns the configuration device name starts with: the one saved at
// path when there is one, else a copy of initial, else an empty tree of
// family. The tree is the device's own, named after it (Source).
func Boot(name, path string, family config.Family, initial *config.Tree, parse func(file string, src []byte) (*config.Tree, error)) (*config.Tree, error) {
	t, found, err := LoadSaved(name, path, parse)
	switch {
	case err != nil:
		return nil, err
	case found:
	case initial != nil:
		t = CloneTree(initial)
	default:
		t = &config.Tree{Family: family, Root: &config.Node{}}
	}
	t.Source = name
	return t, nil
}

// CloneTree returns a deep copy of t.
func CloneTree(t *config.Tree) *config.Tree {
	c := *t
	c.Root = t.Root.Clone()
	c.Meta = append([]string(nil), t.Meta...)
	return &c
}
