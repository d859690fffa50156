package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestCommandTreeNamedAlone: a command line that names a command builds
// the root and that command alone (newRootCmd), and its help, usage and
// errors must read as in the whole tree: same exit status, same output,
// byte for byte. The lines never run a command's work (no lab, no
// server): help, bad flags, missing or extra arguments.
func TestCommandTreeNamedAlone(t *testing.T) {
	whole := newRootCmd(nil)
	if got := len(whole.Commands()); got != len(commands) {
		t.Fatalf("the whole tree has %d commands, commands lists %d", got, len(commands))
	}
	var lines [][]string
	for _, c := range commands {
		if use := strings.Fields(c.build().Use)[0]; use != c.name {
			t.Errorf("commands: %q builds the command %q", c.name, use)
		}
		lines = append(lines,
			[]string{c.name, "--help"},
			[]string{c.name, "-h"},
			[]string{c.name, "--no-such-flag"},
			[]string{c.name, "--no-such-flag", "--help"},
		)
	}
	lines = append(lines,
		[]string{"diff"},
		[]string{"diff", "one"},
		[]string{"diff", "a", "b", "c"},
		[]string{"diff", "--width", "x", "a", "b"},
		[]string{"diff", "--width", "3", "a", "b"},
		[]string{"diff", "--context", "-2", "a", "b"},
		[]string{"diff", "--format", "bogus", "a", "b"},
		[]string{"diff", "--pair", "p", "a", "b"},
		[]string{"diff", "testdata/no-such-file", "testdata/no-such-file"},
		[]string{"fmt"},
		[]string{"fmt", "--to", "bogus", "x"},
		[]string{"fmt", "testdata/no-such-file"},
	)
	for _, args := range lines {
		var wholeOut, wholeErr, aloneOut, aloneErr bytes.Buffer
		wholeCode := runTree(newRootCmd(nil), args, &wholeOut, &wholeErr)
		alone := newRootCmd(args)
		if len(alone.Commands()) != 1 {
			t.Errorf("%q: the tree holds %d commands, want the named one alone", args, len(alone.Commands()))
		}
		aloneCode := runTree(alone, args, &aloneOut, &aloneErr)
		if aloneCode != wholeCode || aloneOut.String() != wholeOut.String() || aloneErr.String() != wholeErr.String() {
			t.Errorf("%q: the named command alone gives\nexit %d\nstdout %q\nstderr %q\nthe whole tree\nexit %d\nstdout %q\nstderr %q",
				args, aloneCode, aloneOut.String(), aloneErr.String(), wholeCode, wholeOut.String(), wholeErr.String())
		}
	}
}
