package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffRefusesProse (trial 15 F1): a README is no configuration. fmt
// printed it as nodes with exit 0, and diff against a router planned to
// delete its every section (exit 1); both now exit 2 naming FILE:LINE:COL
// and what was expected, and print nothing on stdout.
func TestDiffRefusesProse(t *testing.T) {
	dir := t.TempDir()
	readme := filepath.Join(dir, "readme.txt")
	if err := os.WriteFile(readme, []byte("Hello,\nthis is a README file for my project.\nIt has sentences.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"fmt", readme},
		{"fmt", "--family", "vyatta", readme},
		{"diff", readme, "testdata/diff/vra-a.conf", "--format", "commands"},
		{"diff", "testdata/diff/vra-a.conf", readme},
	} {
		code, out, errOut := hasync(t, args...)
		if code != 2 || out != "" {
			t.Errorf("hasync %s: exit %d, stdout %q, want 2 and nothing", strings.Join(args, " "), code, out)
		}
		if want := "hasync: " + readme + `:1:1: expected a configuration (blocks such as 'interfaces {', or 'set' lines), found "Hello,"`; !strings.HasPrefix(errOut, want) {
			t.Errorf("hasync %s: stderr %q, want it to start %q", strings.Join(args, " "), errOut, want)
		}
	}
}

// TestDiffRefusesUnquotedWords (trial 15 F1): `address 192.0.2.1/24 oops
// typo` was read as one value. It is refused at the first extra word,
// also where both files hold the line in a block that is the same on
// both sides (which the fast path leaves unparsed: it panicked there),
// while an unquoted description stays one value, as before.
func TestDiffRefusesUnquotedWords(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	conf := func(addr, host string) string {
		return "interfaces {\n    ethernet eth0 {\n        address " + addr + "\n        description uplink to core\n    }\n}\nsystem {\n    host-name " + host + "\n}\n"
	}
	a := write("a.conf", conf("192.0.2.1/24 oops typo", "a"))
	b := write("b.conf", conf("192.0.2.1/24 oops typo", "b"))
	for _, full := range []string{"", "1"} {
		t.Setenv("HASYNC_FULL_PARSE", full)
		for _, args := range [][]string{{"diff", a, b}, {"diff", "--format", "unified", a, b}, {"fmt", a}} {
			code, out, errOut := hasync(t, args...)
			want := "hasync: " + a + `:3:30: expected one value after 'address', found 3 words ("192.0.2.1/24 oops typo"): a value with spaces must be quoted` + "\n"
			if code != 2 || out != "" || errOut != want {
				t.Errorf("HASYNC_FULL_PARSE=%s hasync %s: exit %d, stdout %q, stderr %q; want 2, nothing, %q", full, strings.Join(args, " "), code, out, errOut, want)
			}
		}
	}
	a = write("a.conf", conf("192.0.2.1/24", "a"))
	code, out, errOut := hasync(t, "fmt", a)
	if code != 0 || !strings.Contains(out, `description "uplink to core"`) {
		t.Errorf("fmt of an unquoted description: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// withStdin runs f with os.Stdin reading text.
func withStdin(t *testing.T, text string, f func()) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	f()
}

// TestDiffStdin (trial 15 F2): '-' is standard input, as in diff(1), on
// either side of diff and for fmt, and is named '-' in headers and
// errors; both sides '-' is refused.
func TestDiffStdin(t *testing.T) {
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	text := func(f string) string {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, format := range []string{"side", "unified", "commands"} {
		_, byName, _ := hasync(t, "diff", "--format", format, "--width", "120", va, vb)
		for i, args := range [][]string{{"-", vb}, {va, "-"}} {
			in, want := text(va), byName
			switch {
			case i == 1:
				in = text(vb)
				want = strings.Replace(want, "+++ "+vb+" (target)", "+++ - (target)", 1)
			default:
				want = strings.Replace(want, "--- "+va+" (source)", "--- - (source)", 1)
			}
			withStdin(t, in, func() {
				code, out, errOut := hasync(t, append([]string{"diff", "--format", format, "--width", "120"}, args...)...)
				if code != 1 || errOut != "" {
					t.Errorf("diff %s %v: exit %d, stderr %q, want 1 and nothing", format, args, code, errOut)
				}
				switch format {
				case "side":
					// The header names '-' where the file was named.
					if head, _, _ := strings.Cut(out, "\n"); !strings.Contains(head, [2]string{"--- - (source)", "+++ - (target)"}[i]) {
						t.Errorf("diff %v: header does not name '-': %q", args, head)
					}
				default:
					if out != want {
						t.Errorf("diff --format %s %v: got\n%s\nwant\n%s", format, args, out, want)
					}
				}
			})
		}
	}
	// --family goes through another reader (compare.Load).
	withStdin(t, text(va), func() {
		if code, _, errOut := hasync(t, "diff", "--family", "vyatta", "-", va); code != 0 || errOut != "" {
			t.Errorf("diff --family vyatta - %s: exit %d, stderr %q, want 0", va, code, errOut)
		}
	})
	withStdin(t, text(va), func() {
		_, want, _ := hasync(t, "fmt", va)
		code, out, errOut := hasync(t, "fmt", "-")
		if code != 0 || out != want || errOut != "" {
			t.Errorf("fmt -: exit %d, stderr %q, stdout same as fmt %s: %v", code, errOut, va, out == want)
		}
	})
	withStdin(t, "interfaces {\n", func() {
		code, out, errOut := hasync(t, "diff", "-", va)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "hasync: -:2:1: expected '}'") {
			t.Errorf("diff - of bad text: exit %d, stdout %q, stderr %q; want 2 and the error at -:2:1", code, out, errOut)
		}
	})
	code, out, errOut := hasync(t, "diff", "-", "-")
	if code != 2 || out != "" || errOut != "hasync: diff: LEFT and RIGHT are both -: standard input can be one of them, not both\n" {
		t.Errorf("diff - -: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestDiffNotesOnce (trial 15 F3): a captured file compared with itself
// said its capture note twice; it is said once.
func TestDiffNotesOnce(t *testing.T) {
	src, err := os.ReadFile("testdata/diff/fw-a.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cap := filepath.Join(t.TempDir(), "cap.cfg")
	if err := os.WriteFile(cap, append([]byte("HRP_M<FW-A>display current-configuration\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"side", "json", "commands"} {
		code, _, errOut := hasync(t, "diff", "--format", format, cap, cap)
		if code != 0 || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "hasync: "+cap+": stripped ") {
			t.Errorf("diff --format %s %s %s: exit %d, stderr %q; want 0 and the note once", format, cap, cap, code, errOut)
		}
	}
}
