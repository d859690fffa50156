package main

import (
	"bytes"
	"encoding/json"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/internal/golden"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
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

// TestDiffHelpPlaceholders: every flag of `diff --help` shows a short
// placeholder (NAME, PATH, N, ...), never a backquoted word of its usage
// text, and no usage text keeps a backquote.
func TestDiffHelpPlaceholders(t *testing.T) {
	code, out, errOut := hasync(t, "diff", "--help")
	if code != 0 {
		t.Fatalf("diff --help: exit %d: %s", code, errOut)
	}
	want := map[string]string{
		"--sync-map": "NAME", "--include": "PATH", "--exclude": "PATH", "--format": "FORMAT",
		"--width": "N", "--context": "N", "--family": "FAMILY", "--ignore": "REGEXP",
	}
	for flag, ph := range want {
		re := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(flag) + ` (\S+)`)
		m := re.FindStringSubmatch(out)
		if m == nil || m[1] != ph {
			t.Errorf("diff --help shows %q, want %s %s", m, flag, ph)
		}
	}
	if strings.Contains(out, "`") {
		t.Errorf("diff --help keeps a backquote:\n%s", out)
	}
	for _, bare := range []string{"--only-scope ", "--show-secrets "} {
		if regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(bare) + `\S`).MatchString(out) {
			t.Errorf("boolean flag %s shows a placeholder:\n%s", bare, out)
		}
	}
}

// TestDiffBadUsage: each mistake gets one line on stderr that names the
// flag or file and what was expected, exit 2 and nothing on stdout; too
// few arguments also print the usage line.
func TestDiffBadUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.conf")
	blank := filepath.Join(dir, "blank.conf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blank, []byte("\n  \n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, "binary")
	// A NUL byte, and a line a Vyatta file would end with.
	if err := os.WriteFile(binary, []byte("\x7fELF\x00\x01\x02 {\nfoo\x03\x04 {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	ha, hb := "testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"
	cases := []struct {
		args []string
		want []string // each must appear in the error line
	}{
		{[]string{"diff"}, []string{"LEFT RIGHT", "got 0"}},
		{[]string{"diff", va}, []string{"LEFT RIGHT", "got 1"}},
		{[]string{"diff", va, vb, hb}, []string{"LEFT RIGHT", "got 3"}},
		{[]string{"diff", "--width", "abc", va, vb}, []string{"--width abc", "expected", "number"}},
		{[]string{"diff", "--width", "5", va, vb}, []string{"--width 5", "20 to 10000"}},
		{[]string{"diff", "--width", "1000000000", va, vb}, []string{"--width 1000000000", "20 to 10000"}},
		{[]string{"diff", "--context", "-5", va, vb}, []string{"--context -5", "-1"}},
		{[]string{"diff", "--context", "x", va, vb}, []string{"--context x", "expected"}},
		{[]string{"diff", "--family", "cisco", va, vb}, []string{"--family cisco", "vyatta", "huawei"}},
		{[]string{"diff", "--family", "huawei", va, vb}, []string{"--family huawei", va, "Vyatta"}},
		{[]string{"diff", "--family", "vyatta", ha, hb}, []string{"--family vyatta", ha, "Huawei"}},
		{[]string{"diff", "--sync-map", "FOO", ha, hb}, []string{"--sync-map FOO", ha, "hrp"}},
		{[]string{"diff", "--sync-map", "FOO", va, vb}, []string{"--sync-map FOO", va, "FW"}},
		{[]string{"diff", "--sync-map", "hrp", va, vb}, []string{"--sync-map hrp", "Huawei", "FW"}},
		{[]string{"diff", "--format", "yaml", va, vb}, []string{"--format yaml", "side, unified, json or commands"}},
		{[]string{"diff", "--ignore", "(", va, vb}, []string{"--ignore (", "expected a regular expression"}},
		{[]string{"diff", "--include", " ", va, vb}, []string{"--include", "expected a path"}},
		{[]string{"diff", "--sync-map", "FW", "--include", "nat", va, vb}, []string{"--sync-map", "--include"}},
		{[]string{"diff", empty, vb}, []string{empty, "empty"}},
		{[]string{"diff", va, blank}, []string{blank, "empty"}},
		{[]string{"diff", va, "testdata/diff/missing.conf"}, []string{"hasync: testdata/diff/missing.conf: no such file"}},
		{[]string{"diff", va, "testdata/diff"}, []string{"hasync: testdata/diff: is a directory"}},
		{[]string{"diff", "--family", "huawei", binary, va}, []string{binary, "NUL"}},
	}
	for _, c := range cases {
		code, out, errOut := hasync(t, c.args...)
		name := "hasync " + strings.Join(c.args, " ")
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
		if out != "" {
			t.Errorf("%s: printed on stdout:\n%s", name, out)
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if len(c.args) < 3 || c.args[len(c.args)-1] == hb && len(c.args) == 4 && c.args[1] == va {
			// The argument count: the error, then the usage line.
			if len(lines) != 2 || !strings.HasPrefix(lines[1], "usage: hasync diff LEFT RIGHT") {
				t.Errorf("%s: want an error and the usage line, got %q", name, errOut)
			}
		} else if len(lines) != 1 {
			t.Errorf("%s: want one line on stderr, got %q", name, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%s: error %q lacks %q", name, lines[0], w)
			}
		}
		if strings.ContainsAny(errOut, "\x00\x01\x02\x03\x04\x7f") || strings.Contains(errOut, `\x0`) {
			t.Errorf("%s: error %q shows the bytes of a binary file", name, errOut)
		}
	}
}

// TestDiffExcludeAlone: --exclude without --include or --sync-map narrows
// the family's default map (everything, less the protected paths) rather
// than leaving nothing in scope; it also narrows a named map.
func TestDiffExcludeAlone(t *testing.T) {
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	cases := []struct {
		args []string
		code int
	}{
		// nat is excluded, but the firewall still differs.
		{[]string{"--exclude", "nat"}, 1},
		// Every top-level node that differs (service https and system
		// config-sync are protected anyway).
		{[]string{"--exclude", "firewall", "--exclude", "interfaces", "--exclude", "nat", "--exclude", "system host-name"}, 0},
		// A named map narrowed: FW holds the firewall, less its rule 20.
		{[]string{"--sync-map", "FW", "--exclude", "firewall name"}, 1},
	}
	for _, c := range cases {
		for _, format := range []string{"side", "unified", "json", "commands"} {
			args := append(append([]string{"diff", "--format", format}, c.args...), va, vb)
			code, out, errOut := hasync(t, args...)
			if code != c.code {
				t.Errorf("hasync %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, c.code, out, errOut)
			}
		}
	}
	_, out, _ := hasync(t, "diff", "--width", "120", "--exclude", "nat", va, vb)
	if !regexp.MustCompile(`(?m)^nat +-o *$`).MatchString(out) || !strings.Contains(out, "sync-map: all less --exclude") {
		t.Errorf("--exclude nat: nat is not shown excluded from the default map:\n%s", out)
	}
}

// TestDiffFormatsCarryScope: unified and json give each change its scope,
// and their exit status follows it as side's does: 1 exactly when a change
// (or a node of a one-sided subtree) is in scope. Protected and excluded
// differences alone exit 0 in every format.
func TestDiffFormatsCarryScope(t *testing.T) {
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	ha, hb := "testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"
	runs := [][]string{
		{va, vb},
		{"--sync-map", "FW", va, vb},
		{"--include", "firewall", "--exclude", "firewall name OUTSIDE-IN rule 30", va, vb},
		{"--include", "nat source rule 100 translation", va, vb},
		{"--include", "system", "--include", "service", va, vb}, // protected and host-name... in scope
		{"--include", "system config-sync", "--include", "service https", va, vb},
		{"--exclude", "firewall", "--exclude", "interfaces", "--exclude", "nat", "--exclude", "system", va, vb},
		{ha, hb},
		{"--include", "hrp", ha, hb},
	}
	type node struct {
		Scope    string
		Children []node
	}
	var anyIn func(ns []node) bool
	anyIn = func(ns []node) bool {
		for _, n := range ns {
			if n.Scope == "in-scope" || anyIn(n.Children) {
				return true
			}
		}
		return false
	}
	for _, r := range runs {
		codes := map[string]int{}
		for _, format := range []string{"side", "unified", "json", "commands"} {
			args := append([]string{"diff", "--format", format}, r...)
			code, out, errOut := hasync(t, args...)
			codes[format] = code
			switch format {
			case "json":
				var changes []struct {
					Kind     string
					Scope    string
					Children []node
				}
				if err := json.Unmarshal([]byte(out), &changes); err != nil {
					t.Fatalf("%v: %v\n%s", args, err, out)
				}
				in := false
				for _, c := range changes {
					switch c.Scope {
					case "in-scope":
						in = true
					case "mixed":
						in = in || anyIn(c.Children)
					case "excluded", "protected", "outside":
					default:
						t.Errorf("%v: change %+v has no scope", args, c)
					}
				}
				if want := map[bool]int{false: 0, true: 1}[in]; code != want {
					t.Errorf("%v: exit %d, but the changes' scopes say %d\n%s%s", args, code, want, out, errOut)
				}
			case "unified":
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "@@ ") && !regexp.MustCompile(`@@ (in-scope|excluded|protected|outside|mixed: .*)( \(rule \d+\))?$`).MatchString(l) {
						t.Errorf("%v: unified header %q carries no scope", args, l)
					}
				}
			}
		}
		if codes["unified"] != codes["side"] || codes["json"] != codes["side"] {
			t.Errorf("%v: exit statuses differ by format: %v", r, codes)
		}
	}
}

// TestREADMEBuildsBeforeUse: a new user reads how to build or install
// hasync, and that the first build takes minutes, before the usage section
// runs it.
func TestREADMEBuildsBeforeUse(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	usage := strings.Index(s, "## Usage")
	if usage < 0 {
		t.Fatal("README has no Usage section")
	}
	for _, want := range []string{"go build -o hasync .", "go install .", "first build", "minutes"} {
		if i := strings.Index(s, want); i < 0 || i > usage {
			t.Errorf("README does not say %q before its Usage section", want)
		}
	}
}

// TestDiffSideFitsWidth: every line of the side view, its header
// included, fits --width, and the header still tells which file is the
// source, which the target, and the sync-map.
func TestDiffSideFitsWidth(t *testing.T) {
	long := filepath.Join(t.TempDir(), "a-configuration-file-with-a-rather-long-name-vra-a.conf")
	src, err := os.ReadFile("testdata/diff/vra-a.conf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(long, src, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][]string{
		{long, "testdata/diff/vra-b.conf"},
		{"testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"},
		{"--sync-map", "FW", "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"},
	} {
		for _, width := range []int{20, 21, 37, 60, 80, 120} {
			args := append([]string{"diff", "--context", "1", "--width", strconv.Itoa(width)}, pair...)
			code, out, errOut := hasync(t, args...)
			if code != 1 {
				t.Fatalf("%v: exit %d: %s", args, code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > width {
					t.Errorf("%v: a line of %d runes:\n%s", args, n, l)
				}
			}
			if !strings.HasPrefix(lines[0], "--- ") || !strings.Contains(lines[0], "+++ ") {
				t.Errorf("%v: header %q does not name source and target", args, lines[0])
			}
			if !strings.HasPrefix(lines[1], "sync-map: ") {
				t.Errorf("%v: second line %q does not name the sync-map", args, lines[1])
			}
		}
	}
}

// TestDiffPrintsNotes: what a parser left out of a captured file (prompt
// lines, the pager) is said on stderr as "hasync: FILE: note", and the
// comparison goes on.
func TestDiffPrintsNotes(t *testing.T) {
	dir := t.TempDir()
	capture := func(name, from, prompt string) string {
		src, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, append([]byte(prompt+"\n"), src...), 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	va := capture("vra-a.txt", "testdata/diff/vra-a.conf", "vyatta@vra-a:~$ show configuration")
	ha := capture("fw-a.txt", "testdata/diff/fw-a.cfg", "HRP_M<FW-A>display current-configuration")
	for _, c := range [][2]string{{va, "testdata/diff/vra-b.conf"}, {ha, "testdata/diff/fw-b.cfg"}} {
		for _, format := range []string{"side", "json"} {
			code, out, errOut := hasync(t, "diff", "--format", format, c[0], c[1])
			if code != 1 || out == "" {
				t.Errorf("diff %s %s: exit %d, %d bytes out: %s", c[0], c[1], code, len(out), errOut)
			}
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "hasync: "+c[0]+": ") || !strings.Contains(lines[0], "line 1") {
				t.Errorf("diff %s %s: stderr %q, want one note on %s naming line 1", c[0], c[1], errOut, c[0])
			}
		}
	}
}

// TestDiffWarnsOfPathsThatMatchNothing: a mistyped --include leaves
// nothing in scope and would exit 0 silently, as if the pair agreed; a
// path that no node of either file lies under is told on stderr.
func TestDiffWarnsOfPathsThatMatchNothing(t *testing.T) {
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	code, _, errOut := hasync(t, "diff", "--include", "firewal", "--include", "nat", "--exclude", "nat sorce", va, vb)
	if code != 1 {
		t.Errorf("exit %d, want 1 (nat differs)", code)
	}
	for _, want := range []string{"hasync: --include firewal: no node of", "hasync: --exclude nat sorce: no node of"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	if strings.Count(errOut, "\n") != 2 {
		t.Errorf("want two warnings, got %q", errOut)
	}
	// Paths that exist give no warning; a path of the tag form
	// ("ethernet eth0") and a path inside a VRP command are found too.
	for _, args := range [][]string{
		{"--include", "firewall name OUTSIDE-IN", "--exclude", "interfaces ethernet eth0 vrrp", va, vb},
		{"--include", "security-policy rule name allow_web", "--exclude", "interface GigabitEthernet1/0/1", "testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"},
		// `undo shutdown` has the words of `shutdown`, as syncmap reads it.
		{"--exclude", "interface GigabitEthernet1/0/1 shutdown", "testdata/diff/fw-a.cfg", "testdata/diff/fw-b.cfg"},
	} {
		if _, _, errOut := hasync(t, append([]string{"diff"}, args...)...); errOut != "" {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}
}

// TestFmtBadUsage: fmt tells each mistake in one line naming the flag or
// the file and what it expected (the argument count with the usage line),
// exits 2 and prints nothing on stdout, as diff does.
func TestFmtBadUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	va, ha := "testdata/diff/vra-a.conf", "testdata/diff/fw-a.cfg"
	cases := []struct {
		args  []string
		want  []string
		usage bool
	}{
		{[]string{"fmt"}, []string{"one FILE", "got 0"}, true},
		{[]string{"fmt", va, ha}, []string{"one FILE", "got 2"}, true},
		{[]string{"fmt", "--family", "cisco", va}, []string{"--family cisco", "vyatta, huawei or auto"}, false},
		{[]string{"fmt", "--family", "huawei", va}, []string{"--family huawei", va, "Vyatta"}, false},
		{[]string{"fmt", "--family", "vyatta", ha}, []string{"--family vyatta", ha, "Huawei"}, false},
		{[]string{"fmt", "--to", "vrp", va}, []string{"--to vrp", va, "curly or set"}, false},
		{[]string{"fmt", "--to", "set", ha}, []string{"--to set", ha, "vrp"}, false},
		{[]string{"fmt", "--to", "xml", va}, []string{"--to xml", "curly, set or vrp"}, false},
		{[]string{"fmt", empty}, []string{empty, "empty"}, false},
		{[]string{"fmt", "testdata/diff/missing.conf"}, []string{"hasync: testdata/diff/missing.conf: no such file"}, false},
	}
	for _, c := range cases {
		code, out, errOut := hasync(t, c.args...)
		name := "hasync " + strings.Join(c.args, " ")
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, stdout %q; want 2 and nothing", name, code, out)
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if want := 1 + map[bool]int{true: 1}[c.usage]; len(lines) != want || c.usage && !strings.HasPrefix(lines[1], "usage: hasync fmt") {
			t.Errorf("%s: want %d line(s) on stderr, got %q", name, want, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%s: error %q lacks %q", name, lines[0], w)
			}
		}
	}
	_, help, _ := hasync(t, "fmt", "--help")
	for _, w := range []string{"--to FORM", "--family FAMILY"} {
		if !strings.Contains(help, w) {
			t.Errorf("fmt --help lacks the placeholder %q:\n%s", w, help)
		}
	}
}

// TestREADMEInventoryLoads: the inventory example of the README is one
// that hasync reads.
func TestREADMEInventoryLoads(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## The inventory\n.*?```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no yaml block under '## The inventory'")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(file, m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(file)
	if err != nil {
		t.Fatalf("the README's inventory: %v", err)
	}
	if len(inv.Pairs) != 2 {
		t.Errorf("%d pairs, want 2", len(inv.Pairs))
	}
}

// TestDiffHugeContext: a context larger than any file folds nothing and
// shows what --context -1 shows; twice it overflowed and panicked (the
// trial of issue 14).
func TestDiffHugeContext(t *testing.T) {
	va, vb := "testdata/diff/vra-a.conf", "testdata/diff/vra-b.conf"
	wantCode, want, _ := hasync(t, "diff", "--width", "120", "--context", "-1", va, vb)
	for _, ctx := range []string{"4611686018427387905", "9223372036854775807"} {
		for _, env := range []string{"", "1"} {
			t.Setenv("HASYNC_FULL_PARSE", env)
			code, out, errOut := hasync(t, "diff", "--width", "120", "--context", ctx, va, vb)
			if code != wantCode || out != want || errOut != "" {
				t.Errorf("--context %s (HASYNC_FULL_PARSE=%q): exit %d, stderr %q; stdout same as --context -1: %v", ctx, env, code, errOut, out == want)
			}
		}
	}
}
