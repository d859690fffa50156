package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type diffFlags struct {
	syncMap     string
	include     []string
	exclude     []string
	format      string
	width       int
	onlyScope   bool
	family      string
	ignore      []string
	showSecrets bool
	context     int
}

func newDiffCmd() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff LEFT RIGHT",
		Short: "Compare two configurations by configuration path (LEFT is the source of a sync, RIGHT its target)",
		Long: `Compare two configurations by configuration path, within the scope of a
sync-map. LEFT is the source of a sync, RIGHT its target.

Exit status: 0 when the in-scope parts are equal, 1 when they differ, 2 on
an error, like diff(1).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.OutOrStdout(), args[0], args[1], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.syncMap, "sync-map", "", "sync-map NAME carried by LEFT under `system config-sync`, or `hrp` (Huawei built-in)")
	fl.StringArrayVar(&f.include, "include", nil, "include the configuration PATH (repeatable; words separated by spaces)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "exclude the configuration PATH (repeatable)")
	fl.StringVar(&f.format, "format", "side", "output: side, unified, json or commands")
	fl.IntVar(&f.width, "width", 0, "width of the side-by-side view (default: the terminal's width, or $COLUMNS, or 160)")
	fl.BoolVar(&f.onlyScope, "only-scope", false, "show only what the sync-map puts in scope")
	fl.StringVar(&f.family, "family", "auto", "device family: vyatta, huawei or auto (detect from the text)")
	fl.StringArrayVar(&f.ignore, "ignore", nil, "a regular expression: lines matching it compare equal (repeatable)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "compare and print secrets instead of masking them")
	fl.IntVar(&f.context, "context", 3, "unchanged lines kept around each change in the side view (-1: no folding)")
	return cmd
}

func runDiff(out io.Writer, leftFile, rightFile string, f diffFlags) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	fam, err := config.ParseFamily(f.family)
	if err != nil {
		return fail(err)
	}
	left, right, m, err := parsePair(leftFile, rightFile, fam, f)
	if err != nil {
		return fail(err)
	}
	opts := diff.Options{MaskSecrets: !f.showSecrets}
	for _, expr := range f.ignore {
		re, err := regexp.Compile(expr)
		if err != nil {
			return fail(fmt.Errorf("--ignore %q: %v", expr, err))
		}
		opts.Ignore = append(opts.Ignore, re)
	}

	var equal bool
	w := bufio.NewWriterSize(out, 64<<10)
	switch f.format {
	case "side":
		width := f.width
		if width <= 0 {
			width = terminalWidth()
		}
		fmt.Fprintf(w, "--- %s (source)    +++ %s (target)    sync-map: %s\n", left.Source, right.Source, m.Name)
		rows := diff.Rows(left, right, diff.RowOptions{
			Options:   opts,
			Scope:     m.Decide,
			Context:   f.context,
			Fold:      f.context >= 0,
			OnlyScope: f.onlyScope,
		})
		err = diff.WriteSide(w, rows, width)
		equal = !rowsInScope(rows)
	case "unified", "json":
		a, b := left, right
		if f.onlyScope {
			a, b = m.Scoped(left), m.Scoped(right)
		}
		changes := diff.Trees(a, b, opts)
		equal = !changesInScope(m, changes)
		if f.format == "json" {
			err = diff.WriteJSON(w, changes, opts)
		} else {
			fmt.Fprintf(w, "--- %s\n+++ %s\n", left.Source, right.Source)
			err = diff.WriteUnified(w, a, b, changes, opts)
		}
	case "commands":
		var p *plan.Plan
		p, err = plan.Build(left, right, m, plan.Options{Diff: opts})
		if err == nil {
			err = p.Write(w)
			equal = p.Empty() && len(p.Conflicts) == 0
		}
	default:
		return fail(fmt.Errorf("--format %q: expected side, unified, json or commands", f.format))
	}
	if err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if !equal {
		return &exitError{code: 1}
	}
	return nil
}

// parsePair parses both files at once (they are independent, and the
// parse is most of a diff's time), checks that they are of one family,
// and picks the sync-map, which needs only LEFT, while RIGHT may still be
// parsing. Errors come in that order: LEFT's, RIGHT's, the families', the
// sync-map's.
func parsePair(leftFile, rightFile string, fam config.Family, f diffFlags) (left, right *config.Tree, m *syncmap.Map, err error) {
	type result struct {
		t   *config.Tree
		err error
	}
	rc := make(chan result, 1)
	go func() {
		t, err := config.ParseFile(rightFile, fam)
		rc <- result{t, err}
	}()
	left, lerr := config.ParseFile(leftFile, fam)
	var merr error
	if lerr == nil {
		m, merr = chooseMap(left, f)
	}
	r := <-rc
	switch {
	case lerr != nil:
		return nil, nil, nil, lerr
	case r.err != nil:
		return nil, nil, nil, r.err
	case left.Family != r.t.Family:
		return nil, nil, nil, fmt.Errorf("%s is %s text but %s is %s text; give --family to compare them anyway",
			leftFile, left.Family, rightFile, r.t.Family)
	case merr != nil:
		return nil, nil, nil, merr
	}
	return left, r.t, m, nil
}

// rowsInScope reports whether a difference lies in the sync-map's scope.
func rowsInScope(rows []diff.Row) bool {
	for _, r := range rows {
		if r.Kind != diff.Same && r.Scope == syncmap.InScope {
			return true
		}
	}
	return false
}

// changesInScope reports whether a change touches a node in scope: the
// node itself, or for a subtree on one side only, any node below it.
func changesInScope(m *syncmap.Map, changes []diff.Change) bool {
	for _, c := range changes {
		switch c.Kind {
		case diff.Removed:
			if m.AnyInScope(c.Path, c.Left) {
				return true
			}
		case diff.Added:
			if m.AnyInScope(c.Path, c.Right) {
				return true
			}
		default:
			if m.Decide(c.Path).Scope == syncmap.InScope {
				return true
			}
		}
	}
	return false
}

// chooseMap picks the sync-map: --include/--exclude, a named map carried by
// LEFT (or the built-in `hrp`), or the family's default.
func chooseMap(left *config.Tree, f diffFlags) (*syncmap.Map, error) {
	if len(f.include)+len(f.exclude) > 0 {
		if f.syncMap != "" {
			return nil, fmt.Errorf("--sync-map and --include/--exclude do not go together")
		}
		return syncmap.FromFlags(f.include, f.exclude)
	}
	if f.syncMap == "" {
		return syncmap.Default(left.Family, left), nil
	}
	if f.syncMap == "hrp" && left.Family == config.Huawei {
		return syncmap.HRP(left), nil
	}
	maps, _, err := syncmap.FromConfig(left)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range maps {
		if m.Name == f.syncMap {
			return m, nil
		}
		names = append(names, m.Name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--sync-map %s: %s carries no sync-map under 'system config-sync'", f.syncMap, left.Source)
	}
	return nil, fmt.Errorf("--sync-map %s: %s carries only %v", f.syncMap, left.Source, names)
}

// terminalWidth is the width of standard output's terminal, else $COLUMNS,
// else 160.
func terminalWidth() int {
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		return w
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 160
}
