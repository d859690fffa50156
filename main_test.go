package main

import (
	"bytes"
	"github.com/hasync/hasync/internal/golden"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hasync runs the command line in-process and returns its exit status,
// standard output and standard error.
func hasync(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDiffOutputs(t *testing.T) {
	pairs := []struct {
		name        string
		left, right string
		extra       []string
	}{
		{"vyatta", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf", nil},
		{"vyatta-map", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf", []string{"--sync-map", "FW"}},
		{"vyatta-flags", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf", []string{"--include", "firewall", "--exclude", "firewall name OUTSIDE-IN rule 30"}},
		{"huawei", "testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg", nil},
	}
	for _, p := range pairs {
		for _, format := range []string{"side", "unified", "json", "commands"} {
			t.Run(p.name+"-"+format, func(t *testing.T) {
				args := append([]string{"diff", "--format", format, "--width", "120", p.left, p.right}, p.extra...)
				code, out, errOut := hasync(t, args...)
				if code != 1 {
					t.Fatalf("exit %d, want 1 (different); stderr: %s", code, errOut)
				}
				goldenOut(t, "diff-"+p.name+"."+format, out)
			})
		}
	}
}

func TestDiffSecretsNeverPrinted(t *testing.T) {
	for _, format := range []string{"side", "unified", "json", "commands"} {
		for _, pair := range [][2]string{{"testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, {"testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"}} {
			_, out, errOut := hasync(t, "diff", "--format", format, "--context", "-1", pair[0], pair[1])
			for _, secret := range []string{"s3cret-one", "$6$aaaa", "$6$bbbb", "k2Z+Rw9", "Zq81Lw0"} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("diff --format %s %s printed the secret %q", format, pair[0], secret)
				}
			}
		}
	}
}

func TestDiffExitStatus(t *testing.T) {
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"diff", "testdata/diff/vra-a.conf", "testdata/diff/vra-a.conf"}, 0},
		{[]string{"diff", "testdata/diff/fw-a.cfg", "testdata/diff/fw-a.cfg"}, 0},
		{[]string{"diff", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, 1},
		// Only the host-name differs inside `system host-name`: out of this map's scope.
		{[]string{"diff", "--include", "interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, 0},
		{[]string{"diff", "--include", "nat", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, 1},
		{[]string{"diff", "--sync-map", "NOPE", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, 2},
		{[]string{"diff", "--format", "nope", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}, 2},
		{[]string{"diff", "testdata/diff/vra-a.conf", "testdata/diff/missing.conf"}, 2},
		{[]string{"diff", "testdata/diff/vra-a.conf", "testdata/diff/fw-a.cfg"}, 2},
	}
	for _, c := range cases {
		if code, _, errOut := hasync(t, c.args...); code != c.code {
			t.Errorf("hasync %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.code, errOut)
		}
	}
}

func TestBadInputNamesFileLineColumn(t *testing.T) {
	for _, args := range [][]string{
		{"diff", "testdata/diff/bad.conf", "testdata/diff/vra-b.conf"},
		{"diff", "testdata/diff/vra-a.conf", "testdata/diff/bad.conf"},
		{"fmt", "testdata/diff/bad.conf"},
	} {
		code, out, errOut := hasync(t, args...)
		if code != 2 {
			t.Errorf("hasync %v: exit %d, want 2", args, code)
		}
		if out != "" {
			t.Errorf("hasync %v: printed a partial result:\n%s", args, out)
		}
		if !regexp.MustCompile(`testdata/diff/bad\.conf:\d+:\d+: expected '}'`).MatchString(errOut) {
			t.Errorf("hasync %v: error %q does not name FILE:LINE:COL and what was expected", args, errOut)
		}
	}
}

func TestFmt(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"vyatta-curly", []string{"fmt", "testdata/diff/vra-a.conf"}},
		{"vyatta-set-masked", []string{"fmt", "--to", "set", "--mask-secrets", "testdata/diff/vra-a.conf"}},
		{"huawei-masked", []string{"fmt", "--mask-secrets", "testdata/diff/fw-a.cfg"}},
	}
	for _, c := range cases {
		code, out, errOut := hasync(t, c.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, errOut)
		}
		goldenOut(t, "fmt-"+c.name, out)
	}
	if code, _, _ := hasync(t, "fmt", "--to", "vrp", "testdata/diff/vra-a.conf"); code != 2 {
		t.Errorf("fmt --to vrp of a Vyatta file: exit %d, want 2", code)
	}
}

// TestFmtSetRoundTrip: the set form printed by fmt reads back to the same
// configuration, which diff confirms with exit 0.
func TestFmtSetRoundTrip(t *testing.T) {
	code, out, errOut := hasync(t, "fmt", "--to", "set", "testdata/diff/vra-a.conf")
	if code != 0 {
		t.Fatalf("fmt: %d %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "vra-a.set")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := hasync(t, "diff", "--show-secrets", "testdata/diff/vra-a.conf", file); code != 0 {
		t.Errorf("diff of a file and its set form: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDemo runs `hasync demo` end to end: an emulated pair on loopback,
// both configurations read over real SSH with verified host keys, the
// in-scope difference and the plan.
func TestDemo(t *testing.T) {
	code, out, errOut := hasync(t, "demo", "--width", "120")
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"vra-a: read ", "over SSH (host key verified)",
		"sync-map LAB-SYNC", "In-scope differences",
		"A sync would send to vra-b",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^(set|delete) (security firewall|resources group|service nat) `).MatchString(out) {
		t.Errorf("demo shows no in-scope command:\n%s", out)
	}
	if regexp.MustCompile(`(?m)^(set|delete) (system|interfaces) `).MatchString(out) {
		t.Errorf("demo plan leaves the sync-map's scope:\n%s", out)
	}
}

func goldenOut(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), got)
}

// TestDiffExitStatusEveryFormat checks that every output format takes its
// exit status from the sync-map's scope: a difference the map leaves out
// gives 0, one it shares gives 1, with and without --only-scope.
func TestDiffExitStatusEveryFormat(t *testing.T) {
	pair := []string{"testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"}
	scopes := []struct {
		include string
		code    int
	}{
		{"interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address", 0},
		{"nat", 1},
		{"firewall", 1},
	}
	for _, format := range []string{"side", "unified", "json", "commands"} {
		for _, only := range []bool{false, true} {
			for _, s := range scopes {
				args := []string{"diff", "--format", format, "--include", s.include}
				if only {
					args = append(args, "--only-scope")
				}
				args = append(args, pair...)
				if code, out, errOut := hasync(t, args...); code != s.code {
					t.Errorf("hasync %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, s.code, out, errOut)
				}
			}
		}
	}
}
