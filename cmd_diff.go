package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/plan"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	widthSet    bool // --width was given
	pair        string
	inventory   string
	acceptNew   bool
	glyphs      string // --glyphs: the marks of the side view, ascii or unicode
}

func newDiffCmd() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff LEFT RIGHT",
		Short: "Compare two configurations by configuration path (LEFT is the source of a sync, RIGHT its target)",
		Long: `Compare two configurations by configuration path, within the scope of a
sync-map. LEFT is the source of a sync, RIGHT its target.

Scope: --sync-map NAME uses a map LEFT carries under 'system config-sync
sync-map NAME' (Vyatta), or 'hrp', the built-in map of what Huawei HRP
backs up. --include PATH builds a map of the paths given. --exclude PATH
narrows the map: the named map, the --include map, or else the family's
default map (Vyatta: everything; Huawei: hrp). The longest matching path
decides; on a tie exclude wins. 'system config-sync' and 'service https'
(Vyatta) and 'hrp' (Huawei) are protected: never synced.

Formats: side (two columns; the gutter shows '~' changed, '-' only in
LEFT, '+' only in RIGHT, '^' moved, then the scope mark: '*' in scope,
'o' excluded, '!' protected (never synced), '.' outside the map, '&' a
fold hiding lines of several scopes; --glyphs unicode: the console's
marks, '⇄' moved and '●' '○' '·' '⊘' '◐'); unified ('@@ path @@ SCOPE' blocks); json (one
object a change, with its scope and, for a subtree on one side only, its
content); commands (what a sync would send to RIGHT).

A file named '-' is standard input (one side only), as in diff(1).

Live: --pair NAME compares the two devices of the inventory's pair NAME,
read over SSH, instead of two files. The direction and the map come from
the devices: the Vyatta member whose 'system config-sync' carries the
pair's sync-map (the inventory's sync_map, or --sync-map, or else the map
its remote-router names) is the source, whichever member it is; a Huawei
pair is compared under the built-in hrp map from its HRP-active member.
--include and --exclude rescope it as for files.

Exit status: 0 when the in-scope parts are equal, 1 when they differ, 2 on
an error, like diff(1).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.pair != "" {
				if len(args) != 0 {
					return &exitError{code: 2, err: fmt.Errorf("--pair %s: compares the pair's live devices: expected no LEFT RIGHT files, got %d", f.pair, len(args))}
				}
				return nil
			}
			if len(args) != 2 {
				return &exitError{code: 2, err: fmt.Errorf("diff: expected two files, LEFT RIGHT, got %d", len(args)),
					usage: "usage: " + cmd.UseLine() + " (hasync diff --help lists the flags)"}
			}
			if args[0] == config.Stdin && args[1] == config.Stdin {
				return &exitError{code: 2, err: fmt.Errorf("diff: LEFT and RIGHT are both %s: standard input can be one of them, not both", config.Stdin)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f.widthSet = cmd.Flags().Changed("width")
			if f.pair != "" {
				ctx := cmd.Context()
				if ctx == nil {
					ctx = context.Background()
				}
				return runDiffPair(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
			}
			return runDiff(cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], args[1], f)
		},
	}
	// A backquoted word in a usage text is the flag's placeholder in
	// --help (pflag): each usage has exactly one, and no other backquote.
	fl := cmd.Flags()
	fl.StringVar(&f.syncMap, "sync-map", "", "the sync-map `NAME` that LEFT carries under 'system config-sync sync-map', or 'hrp' (Huawei built-in)")
	fl.StringArrayVar(&f.include, "include", nil, "include the configuration `PATH`, words separated by spaces (repeatable)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "exclude the configuration `PATH` from the map (repeatable); alone, from the family's default map")
	fl.StringVar(&f.format, "format", "side", "output `FORMAT`: side, unified, json or commands")
	fl.IntVar(&f.width, "width", 0, fmt.Sprintf("width `N` of the side-by-side view, at least %d (default: the terminal's width, or $COLUMNS, or 160)", diff.MinSideWidth))
	fl.BoolVar(&f.onlyScope, "only-scope", false, "show only what the sync-map puts in scope")
	fl.StringVar(&f.family, "family", "auto", "device `FAMILY`: vyatta, huawei or auto (detect from the text)")
	fl.StringArrayVar(&f.ignore, "ignore", nil, "a regular expression `REGEXP`: lines matching it compare equal (repeatable)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "compare and print secrets instead of masking them")
	fl.IntVar(&f.context, "context", 3, "`N` unchanged lines kept around each change in the side view (-1: all, no folding)")
	fl.StringVar(&f.pair, "pair", "", "compare the live devices of the inventory's pair `NAME` (no LEFT RIGHT)")
	fl.StringVar(&f.inventory, "inventory", "", "the inventory `FILE` of --pair (default: $"+inventory.EnvPath+", else inventory.yaml in the user's hasync configuration directory)")
	fl.StringVar(&f.glyphs, "glyphs", "ascii", "marks `SET` of the side view: ascii, or unicode (as the console: + - ~ ⇄ and ● ○ · ⊘ ◐; needs a terminal that draws them one cell wide)")
	fl.BoolVar(&f.acceptNew, "accept-new", false, "with --pair: accept and record the host key of a device no known_hosts file lists (a changed key is still refused)")
	cmd.SetFlagErrorFunc(diffFlagError)
	return cmd
}

// flagExpects says what a flag of diff that takes a number expects, for an
// error about its value, or "" for another flag. (A function, not a map:
// no work at process start.)
func flagExpects(name string) string {
	switch name {
	case "width":
		return fmt.Sprintf("a whole number of columns, %d to %d", diff.MinSideWidth, diff.MaxSideWidth)
	case "context":
		return "a whole number of lines, 0 or more, or -1 for all"
	}
	return ""
}

// diffFlagError turns pflag's message about a flag's value ("invalid
// argument "abc" for "--width" flag: strconv.ParseInt: ...") into one that
// names the flag and what it expects.
func diffFlagError(_ *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		name := ive.GetFlag().Name
		if want := flagExpects(name); want != "" {
			err = fmt.Errorf("--%s %s: expected %s", name, ive.GetValue(), want)
		}
	}
	return &exitError{code: 2, err: err}
}

// check validates the flags that need no file, so that a mistake is told
// before any file is read.
func (f *diffFlags) check() error {
	switch f.format {
	case "side", "unified", "json", "commands":
	default:
		return fmt.Errorf("--format %s: expected side, unified, json or commands", f.format)
	}
	if f.widthSet && (f.width < diff.MinSideWidth || f.width > diff.MaxSideWidth) {
		return fmt.Errorf("--width %d: expected %s", f.width, flagExpects("width"))
	}
	if _, err := diff.ParseGlyphs(f.glyphs); err != nil {
		return fmt.Errorf("--glyphs %s: expected ascii or unicode", f.glyphs)
	}
	if f.context < -1 {
		return fmt.Errorf("--context %d: expected %s", f.context, flagExpects("context"))
	}
	if _, err := config.ParseFamily(f.family); err != nil {
		return fmt.Errorf("--family %s: expected vyatta, huawei or auto", f.family)
	}
	return f.mapSpec().Check()
}

func runDiff(out, errOut io.Writer, leftFile, rightFile string, f diffFlags) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	if err := f.check(); err != nil {
		return fail(err)
	}
	fam, _ := config.ParseFamily(f.family)
	opts, err := f.diffOptions()
	if err != nil {
		return fail(err)
	}
	spec := f.mapSpec()
	c, err := compare.FilesView(leftFile, rightFile, fam, spec, opts, compare.View{Format: f.format, Context: f.context, OnlyScope: f.onlyScope})
	if err != nil {
		return fail(err)
	}
	// What the parsers left out of a captured file (prompts, the pager),
	// before the comparison, which does not see it.
	printNotes(errOut, c)
	// A mistyped --include leaves nothing in scope, and the pair would
	// seem to agree: say so of every path that no node lies under.
	for _, u := range spec.Unmatched(c.Left, c.Right) {
		fmt.Fprintf(errOut, "hasync: --%s %s: no node of %s or %s lies under this path (mistyped?)\n",
			u.Flag, u.Path, c.Left.Source, c.Right.Source)
	}
	differs, err := writeComparison(out, c, f, plan.Push)
	if err != nil {
		return fail(err)
	}
	if differs {
		return &exitError{code: 1}
	}
	return nil
}

// diffOptions is what counts as a difference: secrets masked unless
// --show-secrets, lines matching an --ignore left out.
func (f *diffFlags) diffOptions() (diff.Options, error) {
	opts := diff.Options{MaskSecrets: !f.showSecrets}
	for _, expr := range f.ignore {
		re, err := regexp.Compile(expr)
		if err != nil {
			return opts, fmt.Errorf("--ignore %s: expected a regular expression (Go syntax): %v", expr, err)
		}
		opts.Ignore = append(opts.Ignore, re)
	}
	return opts, nil
}

// runDiffPair is diff --pair: both devices of the pair read over SSH,
// then compared and printed as two files are.
func runDiffPair(ctx context.Context, out, errOut io.Writer, f diffFlags) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	if err := f.check(); err != nil {
		return fail(err)
	}
	if f.family != "auto" {
		return fail(fmt.Errorf("--family %s: goes with files; a pair's family is the inventory's", f.family))
	}
	opts, err := f.diffOptions()
	if err != nil {
		return fail(err)
	}
	inv, err := loadInventory(f.inventory)
	if err != nil {
		return fail(err)
	}
	pairs, err := selectPairs(inv, f.pair)
	if err != nil {
		return fail(err)
	}
	p := pairs[0]
	tty := openTerminal()
	defer tty.close()
	r := readPair(ctx, p, tty.options(liveOptions{diff: opts, syncMap: f.syncMap, acceptNew: f.acceptNew}))
	for _, d := range r.devices {
		if d.err != nil {
			return fail(fmt.Errorf("diff --pair %s: %s", p.Name, deviceError(d.name, d.err, 0)))
		}
	}
	if r.cmpErr != nil {
		return fail(fmt.Errorf("diff --pair %s: %s", p.Name, compareText(r.cmpErr)))
	}
	spec := compare.MapSpec{Include: f.include, Exclude: f.exclude}
	c, err := compare.Rescope(r.cmp, spec)
	if err != nil {
		return fail(err)
	}
	printNotes(errOut, c)
	for _, u := range spec.Unmatched(c.Left, c.Right) {
		fmt.Fprintf(errOut, "hasync: --%s %s: no node of %s or %s lies under this path (mistyped?)\n",
			u.Flag, u.Path, c.Left.Source, c.Right.Source)
	}
	// The commands are what the pair's own sync would do: Huawei `hrp
	// sync config` adds what the peer lacks and leaves the rest as
	// conflicts (plan.HRP).
	mode := plan.Push
	if p.Mode == inventory.ModeHRP {
		mode = plan.HRP
	}
	differs, err := writeComparison(out, c, f, mode)
	if err != nil {
		return fail(err)
	}
	if differs {
		return &exitError{code: 1}
	}
	return nil
}

// mapSpec is the sync-map the flags name.
func (f *diffFlags) mapSpec() compare.MapSpec {
	return compare.MapSpec{Name: f.syncMap, Include: f.include, Exclude: f.exclude}
}

// printNotes says on errOut what the parsers left out of each side. A
// file compared with itself has the same notes on both sides: they are
// said once; where one name has other notes on each side, each note
// says its side.
func printNotes(errOut io.Writer, c *compare.Comparison) {
	l, r := c.Left, c.Right
	same := l.Source == r.Source
	if same && slices.Equal(l.Notes, r.Notes) {
		r = &config.Tree{Source: r.Source}
	}
	for i, t := range []*config.Tree{l, r} {
		name := t.Source
		if same && len(r.Notes) > 0 {
			name += [...]string{" (LEFT)", " (RIGHT)"}[i]
		}
		for _, note := range t.Notes {
			fmt.Fprintf(errOut, "hasync: %s: %s\n", name, note)
		}
	}
}

// writeComparison prints c in the format of f (the commands of a sync in
// mode) and reports whether the pair differs in scope (exit status 1).
func writeComparison(out io.Writer, c *compare.Comparison, f diffFlags, mode plan.Mode) (differs bool, err error) {
	w := bufio.NewWriterSize(out, 64<<10)
	switch f.format {
	case "side":
		width := f.width
		if !f.widthSet {
			width = max(diff.MinSideWidth, terminalWidth())
		}
		glyphs, _ := diff.ParseGlyphs(f.glyphs) // checked by f.check
		sw := diff.Side{Width: width, Glyphs: glyphs}
		if err := sw.WriteHeader(w, c.Left.Source, c.Right.Source, c.Label); err != nil {
			return false, err
		}
		side := c.Rows(compare.RowOptions{Context: f.context, Fold: f.context >= 0, OnlyScope: f.onlyScope})
		err = sw.Write(w, side.Rows)
		differs = side.Differs
	case "unified", "json":
		cs := c.Changes(f.onlyScope)
		differs = cs.Differs()
		if f.format == "json" {
			err = diff.WriteJSON(w, cs.Plain(), c.Diff, c.Map.Decide)
		} else {
			fmt.Fprintf(w, "--- %s (source)\n+++ %s (target)\nsync-map: %s\n", c.Left.Source, c.Right.Source, c.Label)
			err = diff.WriteUnified(w, cs.A, cs.B, cs.Plain(), c.Diff, c.Map.Decide)
		}
	case "commands":
		var p *plan.Plan
		p, err = c.Plan(mode)
		if err == nil {
			err = p.Print(w, f.showSecrets)
			differs = compare.PlanDiffers(p)
		}
	}
	if err != nil {
		return false, err
	}
	return differs, w.Flush()
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
