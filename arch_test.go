package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hasync/hasync"

type listedPackage struct {
	ImportPath string
	Deps       []string // transitive, test files excluded
}

// TestImportRules enforces the dependency rules of DESIGN.md: dependencies
// point one way, the back end never depends on the UI, and only main (and
// tests) use the emulated devices.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []listedPackage
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 3 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		for _, v := range importViolations(p.ImportPath, p.Deps) {
			t.Error(v)
		}
	}
}

// importViolations lists the rules that pkg breaks by depending on deps.
func importViolations(pkg string, deps []string) []string {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	under := func(p, dir string) bool {
		r := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
		return strings.HasPrefix(p, module) && (r == dir || strings.HasPrefix(r, dir+"/"))
	}
	var bad []string
	for _, d := range deps {
		// Charm's v2 line lives under charm.land/, its v1 line and x/
		// under github.com/charmbracelet/.
		charm := strings.HasPrefix(d, "github.com/charmbracelet/") || strings.HasPrefix(d, "charm.land/")
		ui := under(d, "tui") || under(d, "views")
		switch {
		case (under(pkg, "backend") || under(pkg, "sshclient")) && charm:
			bad = append(bad, rel+" depends on "+d+": backend and sshclient import no Charm package")
		case (under(pkg, "backend") || under(pkg, "sshclient")) && ui:
			bad = append(bad, rel+" depends on "+d+": backend and sshclient never import the UI (tui, views)")
		case under(pkg, "sshclient") && under(d, "backend"):
			bad = append(bad, rel+" depends on "+d+": sshclient is the transport; the back end uses it, never the reverse (backend/device → sshclient)")
		case under(pkg, "views") && (under(d, "backend/device") || under(d, "sshclient")):
			bad = append(bad, rel+" depends on "+d+": views never reaches devices or SSH")
		case under(d, "lab") && pkg != module && !under(pkg, "lab"):
			bad = append(bad, rel+" depends on "+d+": only main and tests import lab")
		case under(pkg, "sshclient") && strings.Contains(strings.SplitN(d, "/", 2)[0], ".") && !strings.HasPrefix(d, module) && !sshclientDep(d):
			bad = append(bad, rel+" depends on "+d+": sshclient uses the standard library, golang.org/x, kevinburke/ssh_config and skeema/knownhosts only (sshclient/doc.go)")
		case under(pkg, "lab") && under(d, "backend") && !under(d, "backend/config") && !under(d, "backend/syncmap"):
			bad = append(bad, rel+" depends on "+d+": lab reuses backend/config (its schema table included) and syncmap for config-sync only, never plan or diff; it meets the product over SSH and HTTPS")
		}
	}
	return bad
}

// sshclientDep reports whether d is a module sshclient may depend on.
func sshclientDep(d string) bool {
	for _, p := range []string{"golang.org/x/", "github.com/kevinburke/ssh_config", "github.com/skeema/knownhosts"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

// TestImportRulesCatch shows that the rule checker rejects what DESIGN.md
// forbids, so that TestImportRules cannot pass by checking nothing.
func TestImportRulesCatch(t *testing.T) {
	cases := []struct {
		pkg, dep string
		bad      bool
	}{
		{module + "/backend/diff", "github.com/charmbracelet/lipgloss", true},
		{module + "/sshclient", "github.com/charmbracelet/bubbletea", true},
		{module + "/views", module + "/backend/device", true},
		{module + "/views", module + "/sshclient", true},
		{module + "/views", module + "/backend/diff", false},
		{module + "/tui", module + "/lab/vyatta", true},
		{module, module + "/lab/vyatta", false},
		{module + "/lab/vyatta", module + "/backend/config", false},
		{module + "/lab/vyatta", module + "/backend/config/schema", false},
		{module + "/lab/vyatta", module + "/backend/plan", true},
		{module + "/lab/vyatta", module + "/backend/pair", true},
		{module + "/tui", "github.com/charmbracelet/bubbletea", false},
		// Charm's v2 line under charm.land/.
		{module + "/backend/compare", "charm.land/lipgloss/v2", true},
		{module + "/backend/device", "charm.land/bubbletea/v2", true},
		{module + "/sshclient", "charm.land/wish/v2", true},
		{module + "/backend/pair", "github.com/charmbracelet/x/ansi", true},
		{module + "/views", "charm.land/lipgloss/v2", false},
		{module + "/tui", "charm.land/bubbletea/v2", false},
		{module, "charm.land/wish/v2", false},
		// The back end reaches devices through sshclient, never the reverse.
		{module + "/backend/device", module + "/sshclient", false},
		{module + "/backend/pair", module + "/backend/device", false},
		{module + "/sshclient", module + "/backend/device", true},
		{module + "/sshclient", module + "/backend/config", true},
		{module + "/sshclient", module + "/backend", true},
		{module + "/sshclient", "golang.org/x/crypto/ssh", false},
		{module + "/sshclient", "github.com/skeema/knownhosts", false},
		{module + "/sshclient", "github.com/kevinburke/ssh_config", false},
		{module + "/sshclient", "github.com/goccy/go-yaml", true},
		{module + "/sshclient", "gopkg.in/yaml.v3", true},
		// Views never reach devices or SSH, whatever the depth.
		{module + "/views/diffview", module + "/backend/device", true},
		{module + "/views", module + "/sshclient/knownhosts", true},
		{module + "/views", module + "/backend/compare", false},
		// The back end and the transport never import the UI.
		{module + "/backend/compare", module + "/views", true},
		{module + "/backend/pair", module + "/tui", true},
		{module + "/backend/device", module + "/views/styles", true},
		{module + "/sshclient", module + "/tui", true},
		{module + "/tui", module + "/views", false},
		{module + "/tui", module + "/backend/pair", false},
		// A name that only begins like a rule's folder is not under it.
		{module + "/backendx", "charm.land/lipgloss/v2", false},
		{module + "/views", module + "/sshclientx", false},
	}
	for _, c := range cases {
		got := len(importViolations(c.pkg, []string{c.dep})) > 0
		if got != c.bad {
			t.Errorf("%s → %s: violation %v, want %v", c.pkg, c.dep, got, c.bad)
		}
	}
}
