package plan

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/internal/testcorpus"
)

// stepsRoundTrip checks that each Vyatta step names its command: the
// verb, path and value rendered again give the command sent.
func stepsRoundTrip(t *testing.T, name string, p *Plan) {
	t.Helper()
	if len(p.Steps) != len(p.Commands) {
		t.Fatalf("%s: %d steps for %d commands", name, len(p.Steps), len(p.Commands))
	}
	for i, s := range p.Steps {
		if s.Command != p.Commands[i] {
			t.Fatalf("%s: step %d is %q, command %q", name, i, s.Command, p.Commands[i])
		}
		if len(s.Path) == 0 || len(s.Change) == 0 || !slices.Equal(s.Level, []string{"configure"}) {
			t.Fatalf("%s: step %d %q: path %q change %q level %q", name, i, s.Command, s.Path, s.Change, s.Level)
		}
		var v *string
		if s.HasValue {
			v = &s.Value
		}
		if got := vyCommand(s.Verb, s.Path, v); got != s.Command {
			t.Fatalf("%s: step %d: %q reads as verb %q path %q value %q, which renders %q", name, i, s.Command, s.Verb, s.Path, s.Value, got)
		}
		// The command changes something at or below its change's path, or
		// the change is a removal whose parent the command adds to.
		if !hasPrefix(s.Path, s.Change) && !hasPrefix(s.Change, s.Path) {
			t.Fatalf("%s: step %d %q: path %q is not under its change %q", name, i, s.Command, s.Path, s.Change)
		}
	}
}

func hasPrefix(p, pre config.Path) bool {
	return len(p) >= len(pre) && slices.Equal(p[:len(pre)], pre)
}

// TestStepsVyatta: every command of the plan of the test pair carries its
// path, level and change.
func TestStepsVyatta(t *testing.T) {
	a, b := parse(t, "a", vyA), parse(t, "b", vyB)
	p, err := Build(a, b, syncmap.Default(config.Vyatta, a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stepsRoundTrip(t, "vyA → vyB", p)
	if _, err := p.Check(); err != nil {
		t.Fatalf("a valid plan refused: %v", err)
	}
	found := false
	for _, s := range p.Steps {
		if s.Command == "set firewall name IN rule 10 action 'accept'" {
			found = true
			if s.Path.String() != "firewall name IN rule 10 action" || s.Value != "accept" || s.Change.String() != "firewall name IN rule 10 action" {
				t.Errorf("step %+v", s)
			}
		}
	}
	if !found {
		t.Errorf("no step for rule 10's action in\n%s", strings.Join(p.Commands, "\n"))
	}
}

// TestStepsCorpus: steps round-trip on every plan of the Vyatta corpus
// (each configuration sent whole to an empty target), and the schema
// refuses none of its commands once the configuration is given as held by
// the target's version (a peer of the same release holds the same forms).
// The corpus spans VyOS 1.2 to 1.5 and the tables are of one version: the
// log says how many commands the tables alone would refuse.
func TestStepsCorpus(t *testing.T) {
	var trees []*config.Tree
	for _, d := range vyCorpusDirs {
		for _, f := range testcorpus.Files(t, d.dir) {
			if _, skip := d.exclude[filepath.Base(f)]; skip {
				continue
			}
			tr, err := config.ParseFile(f, config.Vyatta)
			if err != nil {
				continue
			}
			trees = append(trees, tr)
		}
	}
	empty := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	plans, cmds, refused := 0, 0, 0
	for _, l := range trees {
		p, err := Build(l, empty, syncmap.Default(config.Vyatta, l), Options{})
		if err != nil {
			t.Fatal(err)
		}
		plans++
		cmds += len(p.Commands)
		stepsRoundTrip(t, filepath.Base(l.Source), p)
		if _, err := p.Check(); err != nil {
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatal(err)
			}
			refused += len(re.Refusals)
		}
		if _, err := p.Check(l); err != nil {
			t.Errorf("%s: %v", l.Source, err)
		}
	}
	t.Logf("%d plans, %d commands; the tables alone refuse %d, none once the target's forms are known", plans, cmds, refused)
}

// TestCheckRefuses: a command the schema rejects is refused with its path
// and reason, and a secret's value never reaches the error.
func TestCheckRefuses(t *testing.T) {
	const secret = "hunter2-Secret"
	src := parse(t, "a", `interfaces {
    ethernet eth1 {
        address 192.168.1/30
    }
}
service {
    ssh {
        port 99999
    }
}
system {
    host-name vra-a
    login {
        user alice {
            authentication {
                plaintext-password `+secret+`
            }
        }
    }
}
vendor-thing {
    knob 1
}
`)
	empty := &config.Tree{Family: config.Vyatta, Root: &config.Node{}}
	p, err := Build(src, empty, syncmap.Default(config.Vyatta, src), Options{Diff: diff.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	warnings, err := p.Check()
	var re *RefusedError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &re) {
		t.Fatalf("want refusals, got %v", err)
	}
	want := map[string]string{
		"interfaces ethernet eth1 address": "192.168.1/30",
		"service ssh port":                 "99999",
	}
	for _, r := range re.Refusals {
		if w, ok := want[r.Path.String()]; ok && strings.Contains(r.Reason, w) {
			delete(want, r.Path.String())
		}
	}
	if len(want) > 0 {
		t.Errorf("not refused: %v; refusals: %v", want, err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("a secret reached the error: %v", err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "vendor-thing") {
		t.Errorf("warnings %q: want one for the unknown vendor-thing", warnings)
	}
}

// TestStale: a stamped plan is stale once either text changes.
func TestStale(t *testing.T) {
	p := &Plan{}
	if p.Stale([]byte("a"), []byte("b")) {
		t.Error("an unstamped plan is stale")
	}
	p.Stamp([]byte("a"), []byte("b"))
	if p.Stale([]byte("a"), []byte("b")) {
		t.Error("stale against its own basis")
	}
	for _, c := range [][2]string{{"a", "c"}, {"c", "b"}, {"ab", ""}, {"", "ab"}} {
		if !p.Stale([]byte(c[0]), []byte(c[1])) {
			t.Errorf("not stale against %q", c)
		}
	}
}

// TestStepsVRP: VRP commands carry the views they run in.
func TestStepsVRP(t *testing.T) {
	cmds := []string{"system-view", "interface GigabitEthernet0/0/1", "description up", "quit", "undo sysname"}
	levels := [][]string{{}, {"interface GigabitEthernet0/0/1"}, {"interface GigabitEthernet0/0/1"}, {}}
	st := vrpSteps(cmds, levels)
	if st[1].Verb != "view" || st[2].Path.String() != "interface GigabitEthernet0/0/1 description up" ||
		!slices.Equal(st[2].Level, []string{"system-view", "interface GigabitEthernet0/0/1"}) || st[3].Verb != "quit" || st[4].Verb != "undo" {
		t.Errorf("%+v", st)
	}
}

// FuzzSplitVyatta: any path and value the set printer renders read back
// as the same verb, path and value.
func FuzzSplitVyatta(f *testing.F) {
	f.Add("firewall\x00name\x00IN\x00rule\x0010\x00description", "it's web", true)
	f.Add("system\x00host-name", "vra-a", true)
	f.Add("interfaces\x00ethernet\x00eth 0", "", false)
	f.Add("a\x00#b\x00c d", `x"y\z$`, true)
	f.Fuzz(func(t *testing.T, path, value string, hasValue bool) {
		words := strings.Split(path, "\x00")
		for _, w := range words {
			if w == "" || hasControl(w) {
				return
			}
		}
		if hasControl(value) {
			return
		}
		var v *string
		if hasValue {
			v = &value
		}
		cmd := vyCommand("set", config.Path(words), v)
		got, quotedLast := splitVyatta(cmd)
		if len(got) == 0 || got[0] != "set" {
			t.Fatalf("%q: words %q", cmd, got)
		}
		got = got[1:]
		n := valueAt(got, quotedLast)
		wantPath := words
		if hasValue {
			if n < 0 || got[n] != value {
				t.Fatalf("%q: value %q lost (%q, at %d)", cmd, value, got, n)
			}
			got = got[:n]
		} else if n >= 0 {
			t.Fatalf("%q: a valueless path read with value %q", cmd, got[n])
		}
		if !slices.Equal(got, wantPath) {
			t.Fatalf("%q: path %q, want %q", cmd, got, wantPath)
		}
	})
}
