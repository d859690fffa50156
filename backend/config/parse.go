package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// PrintOptions control the printers.
type PrintOptions struct {
	// MaskSecrets prints Mask instead of the values of Secret nodes.
	MaskSecrets bool
}

// Format is a printed form of a configuration.
type Format int

const (
	// Curly is the Vyatta curly-brace form (config.boot, `show configuration`).
	Curly Format = iota
	// Set is the Vyatta `set` command form (`show configuration commands`).
	Set
	// VRP is the Huawei `display current-configuration` form.
	VRP
)

func (f Format) String() string {
	switch f {
	case Set:
		return "set"
	case VRP:
		return "vrp"
	default:
		return "curly"
	}
}

// ParseFormat reads a format name as given on the command line.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "curly":
		return Curly, nil
	case "set":
		return Set, nil
	case "vrp":
		return VRP, nil
	}
	return Curly, fmt.Errorf("unknown format %q: expected curly, set or vrp", s)
}

// Parse reads configuration text of the given family (Auto detects it).
// file names the source in errors. It never panics on bad input: the
// error is a *ParseError with the line and column.
func Parse(file string, src []byte, fam Family) (*Tree, error) {
	if fam == Auto {
		fam = Detect(src)
	}
	var (
		t   *Tree
		err error
	)
	switch fam {
	case Huawei:
		t, err = ParseVRP(file, src)
	default:
		t, err = ParseVyatta(file, src)
	}
	if err != nil {
		return nil, err
	}
	t.Source = file
	return t, nil
}

// ParseFile reads and parses a file.
func ParseFile(file string, fam Family) (*Tree, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, src, fam)
}

// Detect tells the family from the text: VRP text has `#` separator lines,
// `!Software Version`, `sysname` or `return`; Vyatta text has braces or
// `set` lines.
func Detect(src []byte) Family {
	vrp, vy := 0, 0
	lines := 0
	for len(src) > 0 && lines < 400 {
		var line []byte
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			line, src = src, nil
		}
		lines++
		t := bytes.TrimSpace(line)
		switch {
		case len(t) == 0:
		case bytes.Equal(t, []byte("#")), bytes.Equal(t, []byte("return")),
			bytes.HasPrefix(t, []byte("!Software Version")), bytes.HasPrefix(t, []byte("sysname ")):
			vrp++
		case bytes.HasPrefix(t, []byte("set ")), bytes.HasSuffix(t, []byte("{")), bytes.Equal(t, []byte("}")),
			bytes.HasPrefix(t, []byte("/*")), bytes.HasPrefix(t, []byte("#!/bin/vbash")):
			vy++
		}
	}
	if vrp > vy {
		return Huawei
	}
	return Vyatta
}

// Write prints t in format f.
func Write(w io.Writer, t *Tree, f Format, o PrintOptions) error {
	switch f {
	case Set:
		return WriteSet(w, t, o)
	case VRP:
		return WriteVRP(w, t, o)
	default:
		return WriteCurly(w, t, o)
	}
}
