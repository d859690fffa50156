package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/internal/testcorpus"
)

// corpusNotConfig names the corpus files that are not configuration text,
// and why: `hasync fmt` is not meant for them.
var corpusNotConfig = map[string]string{
	"SOURCES.md": "the corpus's own list of sources (Markdown)",
	".diff":      "NAPALM compare output (a diff of two configurations)",
}

// TestCorpusFmt does what `hasync fmt FILE` does to every file of the
// corpus: the family is detected, capture lines are stripped, scripts run;
// the native printing reads back Equal and printing it again gives the
// same bytes. Command scripts (the homelab-bjw-s/*.sh files, hier_config's
// remediation and rollback lists) must be read as scripts: no node named
// after a command.
func TestCorpusFmt(t *testing.T) {
	dir := testcorpus.Dir(t)
	n := 0
	for _, f := range testcorpus.Files(t, ".") {
		rel, _ := filepath.Rel(dir, f)
		if why, ok := corpusNotConfig[filepath.Base(rel)]; ok {
			t.Logf("%s: skipped, %s", rel, why)
			continue
		}
		if why, ok := corpusNotConfig[filepath.Ext(rel)]; ok {
			t.Logf("%s: skipped, %s", rel, why)
			continue
		}
		n++
		t.Run(rel, func(t *testing.T) {
			tr, err := ParseFile(f, Auto)
			if err != nil {
				t.Fatal(err)
			}
			want := Vyatta
			if strings.HasPrefix(rel, "huawei") {
				want = Huawei
			}
			if tr.Family != want {
				t.Fatalf("read as %v, want %v", tr.Family, want)
			}
			checkFmt(t, rel, tr)
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Family == Vyatta && vyIsSetForm(string(src)) {
				for _, c := range tr.Root.Children {
					if c.Name == "set" || c.Name == "delete" || vySessionCommand(c.Name) {
						t.Errorf("command %q became a node: the script was not read as one", c.Name)
					}
				}
				if strings.Contains(string(src), "\ndelete ") || strings.HasPrefix(string(src), "delete ") {
					t.Logf("script notes: %q", tr.Notes)
				}
			}
		})
	}
	if n < 90 {
		t.Errorf("only %d corpus files tried", n)
	}
}
