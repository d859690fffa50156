package vyatta

// The commit archive (`show system commit`, `rollback N`, `compare N`),
// `load` / `merge` of a file and `compare saved`.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// DefaultCommitRevisions is how many committed configurations the archive
// keeps when `system config-management commit-revisions` is not set.
const DefaultCommitRevisions = 20

// maxLoadSize bounds the file `load` and `merge` read.
const maxLoadSize = 256 << 20

// Revision is one committed configuration of the archive.
type Revision struct {
	Tree *config.Tree // never edited
	At   time.Time
	User string
	Via  string // cli, rest, boot-config-loader, commit-confirm, rollback
}

// now is the device's clock (Options.Now, or the wall clock).
func (d *Device) now() time.Time {
	if d.o.Now != nil {
		return d.o.Now()
	}
	return time.Now()
}

// archiveLocked records run as revision 0; d.mu is held.
func (d *Device) archiveLocked(run *config.Tree, user, via string) {
	keep := DefaultCommitRevisions
	if n := run.Root.Lookup(config.Path{"system", "config-management", "commit-revisions"}); n != nil && len(n.Values) > 0 {
		if v, err := strconv.Atoi(n.Values[0]); err == nil && v > 0 {
			keep = v
		}
	}
	d.revs = append([]Revision{{Tree: run, At: d.now(), User: user, Via: via}}, d.revs...)
	if len(d.revs) > keep {
		d.revs = d.revs[:keep]
	}
}

// Revisions returns the archive, newest (the running configuration) first.
func (d *Device) Revisions() []Revision {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Revision(nil), d.revs...)
}

// revision returns revision n of the archive.
func (d *Device) revision(n string) (*config.Tree, error) {
	i, err := strconv.Atoi(n)
	revs := d.Revisions()
	if err != nil || i < 0 || i >= len(revs) {
		return nil, devErrorf("Invalid revision number %q: the archive holds 0 to %d", n, len(revs)-1)
	}
	return revs[i].Tree, nil
}

// showSystemCommit prints the archive as `show system commit` does.
func (d *Device) showSystemCommit(ctx context.Context, args []string, out func(string)) error {
	if len(args) > 0 {
		return &UnknownCommandError{Words: append([]string{"show", "system", "commit"}, args...)}
	}
	for i, r := range d.Revisions() {
		out(fmt.Sprintf("%-3d %s by %s via %s", i, r.At.Format("2006-01-02 15:04:05"), r.User, r.Via))
	}
	return nil
}

// Rollback makes the session's candidate revision n of the archive and
// commits it; config-sync runs for it as for any commit.
func (s *Session) Rollback(ctx context.Context, n string, out func(string)) error {
	rev, err := s.d.revision(n)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cand = lab.CloneTree(rev)
	s.mu.Unlock()
	return s.commitVia(ctx, out, 0, "rollback")
}

// Load replaces the candidate by the configuration in file (curly or set
// form); Merge adds file's nodes to the candidate. A relative name is read
// in the device's state directory (its /config). Both leave a commit to
// the user; config-sync runs with it.
func (s *Session) Load(file string) error { return s.loadFile(file, false) }

// Merge: see Load.
func (s *Session) Merge(file string) error { return s.loadFile(file, true) }

func (s *Session) loadFile(file string, merge bool) error {
	path := file
	if !filepath.IsAbs(path) {
		if s.d.o.StateDir == "" {
			return devErrorf("Cannot open configuration file %s: no such file", file)
		}
		path = filepath.Join(s.d.o.StateDir, file)
	}
	// Only a regular file of sane size: `load /dev/zero` must not hang
	// the device.
	if fi, err := os.Stat(path); err == nil && (!fi.Mode().IsRegular() || fi.Size() > maxLoadSize) {
		return devErrorf("Cannot load configuration file %s: not a regular configuration file", file)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return devErrorf("Cannot open configuration file %s: %v", file, errors.Unwrap(err))
	}
	t, err := config.ParseVyatta(file, src)
	if err != nil {
		return devErrorf("Cannot load configuration file %s: %v", file, err)
	}
	// Re-read through the device's own set, so every node is typed and
	// checked as a typed set would be.
	s.mu.Lock()
	defer s.mu.Unlock()
	root := &config.Node{}
	if merge {
		root = s.cand.Root.Clone()
	}
	var serr error
	t.Root.Walk(func(p config.Path, n *config.Node) bool {
		if serr != nil || len(n.Children) > 0 {
			return serr == nil
		}
		words := append([]string(nil), p...)
		if n.Secret && slices.Contains(n.Values, config.Mask) {
			// A file saved from a masked show: the mask never replaces
			// the real secret, which stays as the candidate has it.
			if cur := s.cand.Root.Lookup(p); cur != nil {
				for _, v := range cur.Values {
					if serr = setPath(root, append(words, v), s.d.o.Flavor); serr != nil {
						break
					}
				}
			}
			return false
		}
		if len(n.Values) == 0 {
			serr = setPath(root, words, s.d.o.Flavor)
			return false
		}
		for _, v := range n.Values {
			if serr = setPath(root, append(words, v), s.d.o.Flavor); serr != nil {
				break
			}
		}
		return false
	})
	if serr != nil {
		return devErrorf("Cannot load configuration file %s: %v", file, serr)
	}
	s.cand = &config.Tree{Family: config.Vyatta, Root: root, Meta: s.cand.Meta, Source: s.cand.Source}
	return nil
}

// CompareSaved prints the candidate's changes against the saved (boot)
// configuration, as `compare saved` does.
func (s *Session) CompareSaved() (string, error) {
	saved, err := s.d.Saved()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return compareTrees(saved.Root, s.cand.Root), nil
}

// CompareRevision prints the candidate's changes against revision n.
func (s *Session) CompareRevision(n string) (string, error) {
	rev, err := s.d.revision(n)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return compareTrees(rev.Root, s.cand.Root), nil
}

// Saved returns the saved configuration: the boot file of the state
// directory, or, without one, what the last Save (or the boot) kept.
func (d *Device) Saved() (*config.Tree, error) {
	t, found, err := lab.LoadSaved(d.o.Name, d.bootPath(), config.ParseVyatta)
	if err != nil {
		return nil, err
	}
	if found {
		// Typed as the device types its own nodes, so a compare sees
		// only real differences.
		root := &config.Node{}
		t.Root.Walk(func(p config.Path, n *config.Node) bool {
			if len(n.Children) > 0 {
				return true
			}
			if len(n.Values) == 0 {
				_ = setWords(root, append([]string(nil), p...), d.o.Flavor, true)
			}
			for _, v := range n.Values {
				_ = setWords(root, append(append([]string(nil), p...), v), d.o.Flavor, true)
			}
			return false
		})
		return &config.Tree{Family: config.Vyatta, Root: root}, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.saved, nil
}

// more runs the configure-mode commands of this file; false when words
// are none of them.
func (c *CLI) more(ctx context.Context, words []string, out func(string)) bool {
	s := c.sess
	switch cmd, args := words[0], words[1:]; {
	case cmd == "rollback" && len(args) == 1:
		var ce *CommitError
		switch err := s.Rollback(context.WithoutCancel(ctx), args[0], out); {
		case errors.As(err, &ce):
			for _, l := range ce.Lines() {
				out(l)
			}
		case err != nil:
			out(err.Error())
		}
	case (cmd == "load" || cmd == "merge") && len(args) == 1:
		var err error
		if cmd == "load" {
			out(fmt.Sprintf("Loading configuration from '%s'...", args[0]))
			err = s.Load(args[0])
		} else {
			err = s.Merge(args[0])
		}
		switch {
		case err != nil:
			out(err.Error())
		case cmd == "load":
			out("Load complete. Use 'commit' to make changes effective.")
		default:
			out("Merge complete. Use 'commit' to make changes effective.")
		}
	default:
		return false
	}
	return true
}

// compareWith runs `compare saved` and `compare N`.
func (c *CLI) compareWith(args []string, out func(string)) {
	var (
		text string
		err  error
	)
	switch {
	case len(args) == 1 && args[0] == "saved":
		text, err = c.sess.CompareSaved()
	case len(args) == 1:
		text, err = c.sess.CompareRevision(args[0])
	default:
		err = &UnknownCommandError{Words: append([]string{"compare"}, args...)}
	}
	switch {
	case err != nil:
		out(err.Error())
	case text == "" && args[0] == "saved":
		out("No changes between working and saved configurations.")
	case text == "":
		out("No changes between working and revision " + args[0] + " configurations.")
	default:
		emitText(out, strings.TrimRight(text, "\n"))
	}
}

// devErrorf is an error in the device's words (capitalised, as printed).
func devErrorf(format string, a ...any) error { return deviceError(fmt.Sprintf(format, a...)) }

// deviceError is a message the device prints as it is.
type deviceError string

func (e deviceError) Error() string { return string(e) }
