package device

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab/vyatta"
)

// restTo is a REST client of member m of the lab pair p, trusting the
// lab's CA.
func restTo(t *testing.T, p *vyatta.Pair, m *vyatta.Member) *REST {
	t.Helper()
	r, err := NewREST(RESTConfig{Name: m.Device.Name(), URL: m.RESTURL, CAFile: p.CAPath, User: p.User,
		Password: func() (string, error) { return p.Password, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// TestRESTApply: a change applied over the lab's HTTPS REST API in one
// configuration session (POST /rest/conf, PUT set/delete with one URL
// segment per word, a value with spaces and quotes included, commit,
// save, DELETE) lands in the running configuration and is saved; the
// session is gone afterwards; the read over REST equals the device's.
func TestRESTApply(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	r := restTo(t, p, p.B)
	ctx := testCtx(t)
	var told []string
	var streamed []string
	res, err := r.Apply(ctx, []Command{
		{Text: "set resources group address-group LAB-REST address '192.0.2.10'"},
		{Text: `set resources group address-group LAB-REST description 'it'\''s a / test'`},
		{Text: "delete system domain-name"},
	}, ApplyOptions{Save: true, OnCommand: func(i int, shown string) { told = append(told, shown) }},
		func(l string) { streamed = append(streamed, l) })
	if err != nil || !res.Committed || len(res.Errors) != 0 {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	run := p.B.Device.Running()
	desc := run.Root.Lookup(config.Path{"resources", "group", "address-group", "LAB-REST", "description"})
	if !hasLeaf(run, "resources", "group", "address-group", "LAB-REST", "address") || desc == nil || desc.Values[0] != "it's a / test" || hasLeaf(run, "system", "domain-name") {
		t.Errorf("the change is not in vra-b's running configuration (description %+v)", desc)
	}
	if !slices.Contains(told, "POST /rest/conf") || !slices.ContainsFunc(told, func(s string) bool { return strings.HasSuffix(s, "/commit") }) ||
		!slices.ContainsFunc(told, func(s string) bool { return strings.HasPrefix(s, "DELETE /rest/conf/") }) {
		t.Errorf("requests told: %q", told)
	}
	if !slices.ContainsFunc(streamed, func(s string) bool { return strings.Contains(s, "Saving configuration") }) {
		t.Errorf("the save's answer was not streamed: %q", streamed)
	}
	if s, err := r.Sessions(ctx); err != nil || len(s) != 0 {
		t.Errorf("sessions left open: %+v, %v", s, err)
	}
	text, err := r.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := config.Parse("vra-b", text, config.Vyatta)
	if err != nil || !config.Equal(got.Root, p.B.Device.Running().Root) {
		t.Errorf("the REST read differs from the running configuration (%v)", err)
	}
}

// TestRESTApplyRefusals: a refused set stops before the commit and the
// session is discarded (the running configuration unchanged); a refused
// commit gives its error blocks tied to paths; commit-confirm is refused
// (the API has none).
func TestRESTApplyRefusals(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{Reject: [][]string{{"security", "firewall"}}})
	r := restTo(t, p, p.B)
	ctx := testCtx(t)
	before := p.B.Device.Running()
	res, err := r.Apply(ctx, cmds("set system domain-name refused.example", "set system no-such-node x"), ApplyOptions{}, nil)
	if !errors.Is(err, ErrRejected) || res.Committed || len(res.Errors) != 1 || res.Errors[0].Command != "set system no-such-node x" || len(res.Errors[0].Lines) == 0 {
		t.Fatalf("refused set: %+v, %v", res, err)
	}
	t.Logf("refused set: %q", res.Errors[0].Lines)
	res, err = r.Apply(ctx, cmds("set security firewall name LAB-NEW rule 10 action accept"), ApplyOptions{}, nil)
	if !errors.Is(err, ErrRejected) || res.Committed || len(res.Errors) == 0 || strings.Join(res.Errors[0].Path[:2], " ") != "security firewall" {
		t.Fatalf("refused commit: %+v, %v", res, err)
	}
	t.Logf("refused commit: %+v", res.Errors)
	if !config.Equal(before.Root, p.B.Device.Running().Root) {
		t.Error("a refused apply changed the remote")
	}
	if s, err := r.Sessions(ctx); err != nil || len(s) != 0 {
		t.Errorf("sessions left open: %+v, %v", s, err)
	}
	if _, err := r.Apply(ctx, cmds("set system domain-name x.example"), ApplyOptions{ConfirmMinutes: 5}, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("commit-confirm over REST: %v", err)
	}
}

// TestRESTDropInCommit: the answer to the commit is lost (the lab's
// DropInCommit: the commit completes on the device): the error is a lost
// connection, and the device holds the change (the caller re-reads).
func TestRESTDropInCommit(t *testing.T) {
	p := startVyatta(t, vyatta.PairOptions{})
	r := restTo(t, p, p.B)
	p.B.Faults.SetDropInCommit(true)
	_, err := r.Apply(testCtx(t), cmds("set system domain-name dropped.example"), ApplyOptions{}, nil)
	if !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("dropped commit: %v", err)
	}
	if !hasLeaf(p.B.Device.Running(), "system", "domain-name") {
		t.Error("the commit did not complete on the device")
	}
}

// TestShellWords: lines split into the words the REST API takes.
func TestShellWords(t *testing.T) {
	for line, want := range map[string][]string{
		"set a b 'c d'":              {"set", "a", "b", "c d"},
		`set a 'it'\''s'`:            {"set", "a", "it's"},
		`set a "x \"y\" \\z"`:        {"set", "a", `x "y" \z`},
		"delete  a\tb":               {"delete", "a", "b"},
		"set a ''":                   {"set", "a", ""},
		"set system login banner ''": {"set", "system", "login", "banner", ""},
	} {
		got, err := shellWords(line)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %q, %v; want %q", line, got, err, want)
		}
	}
	for _, bad := range []string{"set a 'b", `set a "b`} {
		if _, err := shellWords(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzShellWords: words quoted as the driver quotes them (syncmap.ShellWord) split
// back to themselves; any line splits without panicking.
func FuzzShellWords(f *testing.F) {
	f.Add("set a b", "c d")
	f.Add("it's", `x\"y`)
	f.Fuzz(func(t *testing.T, a, b string) {
		_, _ = shellWords(a + " " + b)
		if strings.ContainsAny(a+b, "\x00\n\r") {
			return
		}
		got, err := shellWords("set " + syncmap.ShellWord(a) + " " + syncmap.ShellWord(b))
		if err != nil || !slices.Equal(got, []string{"set", a, b}) {
			t.Fatalf("%q %q: %q, %v", a, b, got, err)
		}
	})
}
