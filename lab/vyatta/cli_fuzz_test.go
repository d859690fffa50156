package vyatta

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/internal/testcorpus"
)

// FuzzCLILine feeds arbitrary command lines to configure mode. The CLI must
// never panic, a refused commit must leave running unchanged, and whatever
// a commit accepts must be valid and print as a configuration that parses
// back to itself.
func FuzzCLILine(f *testing.F) {
	for _, s := range []string{
		"set interfaces dataplane dp0s1 address 192.0.2.1/24",
		"set security firewall name IN rule 10 action accept",
		"set system host-name 'bad name'",
		`set interfaces dataplane dp0s1 description "say \"hi\""`,
		"delete resources group address-group SERVERS address 192.0.2.10",
		"delete interfaces",
		"set system config-sync sync-map M rule 1 location 'security firewall'",
		"set a 'b",
		"set system host-name ''",
		"edit security firewall",
		"show | no-more",
		"run show version | match Version | except x",
		"run set terminal length 0",
		"show | match (",
		"run show configuration | | no-more",
	} {
		f.Add(s)
	}
	// Corpus-like input: the set lines of real configurations.
	for _, file := range testcorpus.Files(f, "vyos/config-tests") {
		fh, err := os.Open(file)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for i := 0; sc.Scan() && i < 20; i++ {
			f.Add(sc.Text())
		}
		fh.Close()
	}
	f.Fuzz(func(t *testing.T, line string) {
		tree, err := treeFromCommands([][]string{
			strings.Fields("system host-name vra-a"),
			strings.Fields("resources group address-group SERVERS address 192.0.2.10"),
			strings.Fields("security firewall name IN rule 10 action accept"),
		})
		if err != nil {
			t.Fatal(err)
		}
		d, err := New(Options{Name: "vra-a"}, tree)
		if err != nil {
			t.Fatal(err)
		}
		before := d.Running()
		c := d.NewCLI("vyatta")
		ctx := context.Background()
		c.Execute(ctx, "configure", func(string) {})
		sess := c.sess
		c.Execute(ctx, line, func(string) {})
		err = sess.Commit(ctx, func(string) {})
		var ce *CommitError
		switch {
		case errors.As(err, &ce):
			if !config.Equal(before.Root, d.Running().Root) {
				t.Fatal("a refused commit changed running")
			}
		case err != nil:
			t.Fatal(err)
		default:
			run := d.Running()
			if cerr := validate(&config.Node{}, run.Root, nil); cerr != nil {
				t.Fatalf("committed an invalid configuration: %v", cerr)
			}
			for _, form := range []config.Format{config.Curly, config.Set} {
				var b strings.Builder
				if err := config.Write(&b, run, form, config.PrintOptions{}); err != nil {
					t.Fatal(err)
				}
				back, err := config.ParseVyatta("fuzz", []byte(b.String()))
				if err != nil {
					t.Fatalf("%v form does not parse back: %v\n%s", form, err, b.String())
				}
				if !config.Equal(back.Root, run.Root) {
					t.Fatalf("%v form parses to another tree:\n%s", form, b.String())
				}
			}
		}
		c.Execute(ctx, "compare", func(string) {})
		c.Execute(ctx, "show", func(string) {})

		// A partial commit never leaves running invalid.
		pd, err := New(Options{Name: "vra-p", PartialCommit: true}, tree)
		if err != nil {
			t.Fatal(err)
		}
		pc := pd.NewCLI("vyatta")
		pc.Execute(ctx, "configure", func(string) {})
		pc.Execute(ctx, line, func(string) {})
		pc.Execute(ctx, "commit", func(string) {})
		if cerr := validate(&config.Node{}, pd.Running().Root, nil); cerr != nil {
			t.Fatalf("a partial commit left running invalid: %v", cerr)
		}
	})
}
