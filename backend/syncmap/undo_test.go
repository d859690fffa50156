package syncmap

import (
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// TestUndoLinesShareScope: a VRP line `undo X` is X switched off: it has
// X's scope and protection, whatever the map (`undo hrp preempt` is
// protected like `hrp preempt delay 60`; `undo info-center enable` is in
// an info-center include; `undo sysname`-like lines follow an exclusion).
func TestUndoLinesShareScope(t *testing.T) {
	vrp := func(names ...string) *config.Tree {
		tr := &config.Tree{Family: config.Huawei, Root: &config.Node{}}
		for _, n := range names {
			tr.Root.Children = append(tr.Root.Children, &config.Node{Name: n})
		}
		return tr
	}
	tr := vrp("hrp preempt delay 60", "undo hrp preempt", "undo info-center enable", "undo ip route-static 10.0.0.0 8 192.0.2.1", "undo")
	flags, err := FromFlags([]string{"info-center", "undo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    *Map
		path string
		want Scope
	}{
		{HRP(tr), "hrp preempt delay 60", Protected},
		{HRP(tr), "undo hrp preempt", Protected},
		{flags, "undo hrp preempt", Protected},
		{flags, "undo info-center enable", InScope},
		{HRP(tr), "undo ip route-static 10.0.0.0 8 192.0.2.1", Excluded},
		// A lone word `undo` is a name like any other.
		{flags, "undo", InScope},
	} {
		if got := c.m.Decide(config.Path{c.path}).Scope; got != c.want {
			t.Errorf("map %s: Decide(%q) = %v, want %v", c.m.Name, c.path, got, c.want)
		}
	}
	// Evaluate and Scoped agree with Decide.
	dec := HRP(tr).Evaluate(tr)
	for _, n := range tr.Root.Children {
		if want := HRP(tr).Decide(config.Path{n.Name}).Scope; dec[n].Scope != want {
			t.Errorf("Evaluate(%q) = %v, Decide says %v", n.Name, dec[n].Scope, want)
		}
	}
	for _, n := range HRP(tr).Scoped(tr).Root.Children {
		if n.Name == "undo hrp preempt" || n.Name == "hrp preempt delay 60" {
			t.Errorf("Scoped keeps the protected %q", n.Name)
		}
	}
}

// TestServiceConfigSyncProtected: VyOS 1.4+ keeps config-sync under
// `service config-sync`; it is never synced, like `system config-sync`.
func TestServiceConfigSyncProtected(t *testing.T) {
	m := Default(config.Vyatta, nil)
	for _, p := range []config.Path{
		{"service", "config-sync", "secondary", "key"},
		{"service", "config-sync", "mode"},
		{"system", "config-sync", "remote-router"},
	} {
		if got := m.Decide(p).Scope; got != Protected {
			t.Errorf("Decide(%q) = %v, want protected", p, got)
		}
	}
	if got := m.Decide(config.Path{"service", "ssh"}).Scope; got != InScope {
		t.Errorf("service ssh: %v, want in-scope", got)
	}
}
