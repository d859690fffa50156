package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/testcorpus"
)

// fastVariants are the hasync diff command lines each pair is compared
// with: every output format, the side view folded and with no context,
// and secrets shown as well as masked. Views the fast path does not take
// (commands) are compared all the same: the test is of the command, not of
// one parser, so a fast path added later for any view or form is covered.
var fastVariants = [][]string{
	{"--format", "side"},
	{"--format", "side", "--context", "0"},
	{"--format", "side", "--show-secrets"},
	{"--format", "unified"},
	{"--format", "unified", "--show-secrets"},
	{"--format", "json"},
	{"--format", "json", "--show-secrets"},
	{"--format", "commands"},
}

// fastCorpusFile is one file of a corpus folder, as it is or as rendered.
type fastCorpusFile struct {
	name string // the corpus path, with " (set)" for a rendering
	path string // the file compared
	text string
	form string // set, curly, vrp, or "does not parse"
}

// fastForm says which of the fast path's forms text is in.
func fastForm(t *config.Tree, err error, text string) string {
	switch {
	case err != nil:
		return "does not parse"
	case t.Family == config.Huawei:
		return "vrp"
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "set ") {
			return "set"
		}
		return "curly"
	}
	return "set"
}

// fastCorpus reads every corpus file by folder, each Vyatta file that
// parses also rendered as set commands (the form of `show configuration
// commands`), into files under dir.
func fastCorpus(t *testing.T, dir string) (map[string][]fastCorpusFile, int) {
	t.Helper()
	root := testcorpus.Dir(t)
	byDir := map[string][]fastCorpusFile{}
	n := 0
	for _, f := range append(testcorpus.Files(t, "vyos"), testcorpus.Files(t, "huawei")...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		folder := filepath.Dir(rel)
		add := func(name, text, form string) {
			n++
			path := filepath.Join(dir, fmt.Sprintf("%03d-%s", n, filepath.Base(name)))
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			byDir[folder] = append(byDir[folder], fastCorpusFile{name: name, path: path, text: text, form: form})
		}
		tr, err := config.Parse(f, src, config.Auto)
		form := fastForm(tr, err, string(src))
		add(rel, string(src), form)
		if err == nil && tr.Family == config.Vyatta && form != "set" && len(tr.Root.Children) > 0 {
			var set bytes.Buffer
			if err := config.WriteSet(&set, tr, config.PrintOptions{}); err != nil {
				t.Fatal(err)
			}
			add(rel+" (set)", set.String(), "set")
		}
	}
	return byDir, n
}

// fastWithMap is a Vyatta file in set or curly form that carries the
// sync-map FW: rules that include every third path two words deep and
// exclude a few deeper ones (as fastpair.Maps picks them for backend/diff's tests), in
// the file's own form. ok is false for other files and for a file without
// such paths.
func fastWithMap(f fastCorpusFile) (fastCorpusFile, bool) {
	if f.form != "set" && f.form != "curly" {
		return f, false
	}
	tr, err := config.Parse("map.conf", []byte(f.text), config.Vyatta)
	if err != nil {
		return f, false
	}
	plain := func(p config.Path) bool {
		for _, w := range p {
			if w == "" || strings.ContainsAny(w, " '\"\\{};#") {
				return false
			}
		}
		return true
	}
	type rule struct{ action, location string }
	var rules []rule
	k, excl := 0, 0
	tr.Root.Walk(func(p config.Path, n *config.Node) bool {
		k++
		switch {
		case !plain(p) || p[0] == "system":
		case len(p) == 2 && k%3 == 0:
			rules = append(rules, rule{"include", p.String()})
		case len(p) >= 4 && k%17 == 0 && excl < 8:
			rules = append(rules, rule{"exclude", p.String()})
			excl++
		}
		return len(p) < 6
	})
	if len(rules) == 0 {
		return f, false
	}
	var b strings.Builder
	if f.form == "set" {
		for i, r := range rules {
			fmt.Fprintf(&b, "set system config-sync sync-map FW rule %d action '%s'\n", i+1, r.action)
			fmt.Fprintf(&b, "set system config-sync sync-map FW rule %d location '%s'\n", i+1, r.location)
		}
		b.WriteString(f.text)
	} else {
		var m strings.Builder
		m.WriteString("    config-sync {\n        sync-map FW {\n")
		for i, r := range rules {
			fmt.Fprintf(&m, "            rule %d {\n                action %s\n                location \"%s\"\n            }\n", i+1, r.action, r.location)
		}
		m.WriteString("        }\n    }\n")
		// Into the top-level system block, or a block of its own.
		if i := strings.Index(f.text, "\nsystem {\n"); i >= 0 || strings.HasPrefix(f.text, "system {\n") {
			at := i + len("\nsystem {\n")
			if i < 0 {
				at = len("system {\n")
			}
			b.WriteString(f.text[:at] + m.String() + f.text[at:])
		} else {
			b.WriteString(f.text)
			if !strings.HasSuffix(f.text, "\n") {
				b.WriteString("\n")
			}
			b.WriteString("system {\n" + m.String() + "}\n")
		}
	}
	f.name += " (sync-map FW)"
	f.text = b.String()
	return f, true
}

// TestDiffFastPathCorpus checks, through the hasync diff command, that
// the fast path and the full parse (HASYNC_FULL_PARSE=1) print the same
// bytes, on standard output and standard error, and exit alike, in every
// output format, on every pair of the corpus: each file (as it is, in set,
// curly or VRP form, and each Vyatta file rendered as set commands)
// against itself, against peers of it drifted by 1% and 10% in its own
// form (both ways), and against every other file of its folder in the
// same form (the corpus's own before/after pairs among them); and each
// Vyatta file given a sync-map with rules inside its own paths, against
// itself and its drifted peers under that map (--sync-map). Under the
// race detector it runs every tenth pair (diffFastStride).
func TestDiffFastPathCorpus(t *testing.T) {
	dir := t.TempDir()
	byDir, files := fastCorpus(t, dir)
	folders := make([]string, 0, len(byDir))
	for d := range byDir {
		folders = append(folders, d)
	}
	sort.Strings(folders)
	type count struct{ pairs, runs, fast int }
	counts := map[string]*count{}
	runs, peerN, pairN := 0, 0, 0
	check := func(name, form string, a, b fastCorpusFile, extra ...string) {
		pairN++
		if pairN%diffFastStride != 0 {
			return
		}
		c := counts[form]
		if c == nil {
			c = &count{}
			counts[form] = c
		}
		c.pairs++
		for _, v := range fastVariants {
			args := append(append(append([]string{"diff", "--width", "160"}, v...), extra...), a.path, b.path)
			t.Setenv("HASYNC_FULL_PARSE", "1")
			wantCode, wantOut, wantErr := hasync(t, args...)
			t.Setenv("HASYNC_FULL_PARSE", "")
			before := compare.FastTaken()
			code, out, errOut := hasync(t, args...)
			runs++
			// Which runs took the fast path, as the command made its
			// comparison, for the log and the check that the test is
			// not vacuous.
			c.runs++
			if compare.FastTaken() > before {
				c.fast++
			}
			if code != wantCode || out != wantOut || errOut != wantErr {
				t.Errorf("%s: hasync %s: the fast path exits %d where the full parse exits %d;\nstdout %s\nstderr %s",
					name, strings.Join(args[:len(args)-2], " "), code, wantCode, fastFirstDiffText(wantOut, out), fastFirstDiffText(wantErr, errOut))
			}
		}
	}
	for _, d := range folders {
		fs := byDir[d]
		for i, a := range fs {
			check(a.name+" self", a.form, a, a)
			for _, pct := range []int{1, 10} {
				peerN++
				text := testcorpus.Drift(a.text, pct, int64(peerN))
				p := fastCorpusFile{name: fmt.Sprintf("%s %d%%", a.name, pct), path: filepath.Join(dir, fmt.Sprintf("peer-%d", peerN)), text: text, form: a.form}
				if err := os.WriteFile(p.path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				check(p.name, a.form, a, p)
				check(p.name+" reversed", a.form, p, a)
			}
			for _, b := range fs[i+1:] {
				if b.form == a.form {
					check(a.name+" / "+b.name, a.form, a, b)
				}
			}
			// A Vyatta file carrying a sync-map with rules at several
			// depths of its own paths, compared under that map: scopes
			// change inside what a fast path leaves unparsed.
			m, ok := fastWithMap(a)
			if !ok {
				continue
			}
			peerN++
			m.path = filepath.Join(dir, fmt.Sprintf("map-%d", peerN))
			if err := os.WriteFile(m.path, []byte(m.text), 0o600); err != nil {
				t.Fatal(err)
			}
			check(m.name+" self", m.form, m, m, "--sync-map", "FW")
			for _, pct := range []int{1, 10} {
				peerN++
				p := fastCorpusFile{name: fmt.Sprintf("%s %d%%", m.name, pct), path: filepath.Join(dir, fmt.Sprintf("peer-%d", peerN)), text: testcorpus.Drift(m.text, pct, int64(peerN)), form: m.form}
				if err := os.WriteFile(p.path, []byte(p.text), 0o600); err != nil {
					t.Fatal(err)
				}
				check(p.name, m.form, m, p, "--sync-map", "FW")
			}
		}
	}
	forms := make([]string, 0, len(counts))
	for f := range counts {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	var sum []string
	for _, f := range forms {
		sum = append(sum, fmt.Sprintf("%s %d pairs, %d runs (%d on the fast path)", f, counts[f].pairs, counts[f].runs, counts[f].fast))
	}
	t.Logf("%d files, %d pairs, %d checked, %d hasync diff runs each way: %s", files, pairN, pairN/diffFastStride, runs, strings.Join(sum, "; "))
	// The test is not vacuous: the set, curly and VRP forms have fast paths,
	// and many of their runs (a file and its peer, the side, unified and
	// JSON views) take them.
	for form, share := range map[string]int{"set": 3, "curly": 10, "vrp": 10} {
		if c := counts[form]; c == nil || c.fast < c.runs/share {
			t.Errorf("%s form: too few runs took the fast path: %+v", form, c)
		}
	}
}

// fastFirstDiffText shows where two outputs part, or "same".
func fastFirstDiffText(want, got string) string {
	if want == got {
		return "same"
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("differs at byte %d:\nfull …%q\nfast …%q", i, want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}
