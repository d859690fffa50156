package sshclient_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports: sshclient imports the standard library, x/crypto,
// kevinburke/ssh_config and skeema/knownhosts only (doc.go).
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "github.com/hasync/hasync/sshclient").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	allowed := []string{"golang.org/x/crypto/", "github.com/kevinburke/ssh_config", "github.com/skeema/knownhosts"}
	for _, imp := range strings.Fields(string(out)) {
		first, _, _ := strings.Cut(imp, "/")
		if !strings.Contains(first, ".") {
			continue // the standard library
		}
		ok := false
		for _, a := range allowed {
			if strings.HasPrefix(imp, a) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("sshclient imports %s", imp)
		}
	}
}
