package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
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

Formats: side (two columns; the gutter shows '|' changed, '<' only in
LEFT, '>' only in RIGHT, '~' moved, then the scope mark: '*' in scope,
'-' excluded, '!' protected, blank outside the map, '&' a fold hiding
lines of several scopes); unified ('@@ path @@ SCOPE' blocks); json (one
object a change, with its scope and, for a subtree on one side only, its
content); commands (what a sync would send to RIGHT).

Exit status: 0 when the in-scope parts are equal, 1 when they differ, 2 on
an error, like diff(1).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &exitError{code: 2, err: fmt.Errorf("diff: expected two files, LEFT RIGHT, got %d", len(args)),
					usage: "usage: " + cmd.UseLine() + " (hasync diff --help lists the flags)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f.widthSet = cmd.Flags().Changed("width")
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
	cmd.SetFlagErrorFunc(diffFlagError)
	return cmd
}

// flagExpects says what each flag of diff that takes a number expects, for
// an error about its value.
var flagExpects = map[string]string{
	"width":   fmt.Sprintf("a whole number of columns, at least %d", diff.MinSideWidth),
	"context": "a whole number of lines, 0 or more, or -1 for all",
}

// diffFlagError turns pflag's message about a flag's value ("invalid
// argument "abc" for "--width" flag: strconv.ParseInt: ...") into one that
// names the flag and what it expects.
func diffFlagError(_ *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		name := ive.GetFlag().Name
		if want, ok := flagExpects[name]; ok {
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
	if f.widthSet && f.width < diff.MinSideWidth {
		return fmt.Errorf("--width %d: expected %s", f.width, flagExpects["width"])
	}
	if f.context < -1 {
		return fmt.Errorf("--context %d: expected %s", f.context, flagExpects["context"])
	}
	if _, err := config.ParseFamily(f.family); err != nil {
		return fmt.Errorf("--family %s: expected vyatta, huawei or auto", f.family)
	}
	if f.syncMap != "" && len(f.include) > 0 {
		return fmt.Errorf("--sync-map %s: goes with --exclude, not --include (a map is either named or built from --include)", f.syncMap)
	}
	return nil
}

func runDiff(out, errOut io.Writer, leftFile, rightFile string, f diffFlags) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	if err := f.check(); err != nil {
		return fail(err)
	}
	fam, _ := config.ParseFamily(f.family)
	opts := diff.Options{MaskSecrets: !f.showSecrets}
	for _, expr := range f.ignore {
		re, err := regexp.Compile(expr)
		if err != nil {
			return fail(fmt.Errorf("--ignore %s: expected a regular expression (Go syntax): %v", expr, err))
		}
		opts.Ignore = append(opts.Ignore, re)
	}
	left, right, m, err := parsePair(leftFile, rightFile, fam, f)
	if err != nil {
		return fail(err)
	}
	// What the parsers left out of a captured file (prompts, the pager),
	// before the comparison, which does not see it.
	for _, t := range []*config.Tree{left, right} {
		for _, note := range t.Notes {
			fmt.Fprintf(errOut, "hasync: %s: %s\n", t.Source, note)
		}
	}
	// A mistyped --include leaves nothing in scope, and the pair would
	// seem to agree: say so of every path that no node lies under.
	for _, fp := range []struct {
		flag  string
		paths []string
	}{{"include", f.include}, {"exclude", f.exclude}} {
		for _, p := range fp.paths {
			loc := strings.Fields(p)
			if !hasNodeUnder(left.Root, loc) && !hasNodeUnder(right.Root, loc) {
				fmt.Fprintf(errOut, "hasync: --%s %s: no node of %s or %s lies under this path (mistyped?)\n",
					fp.flag, p, left.Source, right.Source)
			}
		}
	}

	var equal bool
	w := bufio.NewWriterSize(out, 64<<10)
	switch f.format {
	case "side":
		width := f.width
		if !f.widthSet {
			width = max(diff.MinSideWidth, terminalWidth())
		}
		if err := diff.WriteSideHeader(w, left.Source, right.Source, mapLabel(m, f, left), width); err != nil {
			return fail(err)
		}
		rows := diff.Rows(left, right, diff.RowOptions{
			Options:   opts,
			Map:       m,
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
			err = diff.WriteJSON(w, changes, opts, m.Decide)
		} else {
			fmt.Fprintf(w, "--- %s (source)\n+++ %s (target)\nsync-map: %s\n", left.Source, right.Source, mapLabel(m, f, left))
			err = diff.WriteUnified(w, a, b, changes, opts, m.Decide)
		}
	case "commands":
		var p *plan.Plan
		p, err = plan.Build(left, right, m, plan.Options{Diff: opts})
		if err == nil {
			err = p.Print(w, f.showSecrets)
			equal = p.Empty() && len(p.Conflicts) == 0
		}
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
		t, err := load(rightFile, fam)
		rc <- result{t, err}
	}()
	left, lerr := load(leftFile, fam)
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
		return nil, nil, nil, fmt.Errorf("%s is %s text but %s is %s text: expected two configurations of one family (give --family if one was misread)",
			leftFile, familyTitle(left.Family), rightFile, familyTitle(r.t.Family))
	case merr != nil:
		return nil, nil, nil, merr
	}
	return left, r.t, m, nil
}

// hasNodeUnder reports whether a node below parent has a path whose words
// begin with loc, as a sync-map rule's location matches it (a VRP `undo X`
// line has X's words).
func hasNodeUnder(parent *config.Node, loc []string) bool {
	if len(loc) == 0 {
		return true
	}
	if parent == nil {
		return false
	}
	for _, c := range parent.Children {
		w := syncmap.NameWords(nil, c.Name)
		n := min(len(w), len(loc))
		if !slices.Equal(w[:n], loc[:n]) {
			continue
		}
		if n == len(loc) || hasNodeUnder(c, loc[n:]) {
			return true
		}
	}
	return false
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

// load parses one file. A family given with --family must not contradict
// the text (Huawei text read as Vyatta parses without an error but means
// nothing), and a file without configuration is refused: an empty capture
// compared with a device would look like "delete everything".
func load(file string, fam config.Family) (*config.Tree, error) {
	var (
		t   *config.Tree
		err error
	)
	if fam == config.Auto {
		t, err = config.ParseFile(file, fam)
	} else {
		var src []byte
		if src, err = os.ReadFile(file); err == nil {
			// Binary text has no family to contradict: the parser refuses
			// it without printing its bytes.
			if text := string(src); strings.IndexByte(text, 0) < 0 && utf8.ValidString(text) {
				if other, line, text := contradicts(text, fam); other != config.Auto {
					return nil, fmt.Errorf("--family %s: %s is %s text (line %d: %q), not %s", fam, file, familyTitle(other), line, text, fam)
				}
			}
			t, err = config.Parse(file, src, fam)
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// "open FILE: no such file or directory" reads better as "FILE: no
		// such file or directory".
		return nil, fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	if err != nil {
		return nil, err
	}
	if t.Root == nil || len(t.Root.Children) == 0 {
		return nil, fmt.Errorf("%s: expected a configuration, found none (the file is empty or holds only comments)", file)
	}
	return t, nil
}

// familyTitle is the family's name as a proper noun.
func familyTitle(f config.Family) string {
	switch f {
	case config.Vyatta:
		return "Vyatta"
	case config.Huawei:
		return "Huawei"
	}
	return f.String()
}

// contradicts looks at the first lines of src for lines that only the other
// family writes (braces, set/delete commands and #!/bin/vbash for Vyatta;
// lone '#' separators, 'return', 'sysname' and '!Software Version' for
// Huawei). When there are some and none of fam's own, it returns the other
// family and the first such line; otherwise Auto.
func contradicts(src string, fam config.Family) (config.Family, int, string) {
	var vyLine, hwLine int
	var vyText, hwText string
	for n := 1; n <= 400 && len(src) > 0; n++ {
		line, rest, _ := strings.Cut(src, "\n")
		src = rest
		t := strings.TrimSpace(line)
		switch {
		case t == "#", t == "return", strings.HasPrefix(t, "sysname "), strings.HasPrefix(t, "!Software Version"):
			if hwLine == 0 {
				hwLine, hwText = n, clip(t)
			}
		case strings.HasPrefix(t, "set "), strings.HasPrefix(t, "delete "), strings.HasSuffix(t, "{"), t == "}",
			strings.HasPrefix(t, "#!/bin/vbash"):
			if vyLine == 0 {
				vyLine, vyText = n, clip(t)
			}
		}
	}
	switch {
	case fam == config.Huawei && vyLine > 0 && hwLine == 0:
		return config.Vyatta, vyLine, vyText
	case fam == config.Vyatta && hwLine > 0 && vyLine == 0:
		return config.Huawei, hwLine, hwText
	}
	return config.Auto, 0, ""
}

// clip cuts a line quoted in an error to 60 runes.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// chooseMap picks the sync-map: a named map carried by LEFT (or the
// built-in hrp), one built from --include, or the family's default; then
// --exclude narrows it. --exclude alone thus starts from the default map,
// as an engineer who types "everything but P" means.
func chooseMap(left *config.Tree, f diffFlags) (*syncmap.Map, error) {
	if len(f.include) > 0 {
		m, err := syncmap.FromFlags(f.include, f.exclude)
		return m, flagsError(err)
	}
	var base *syncmap.Map
	switch {
	case f.syncMap == "":
		base = syncmap.Default(left.Family, left)
	case f.syncMap == "hrp" && left.Family == config.Huawei:
		base = syncmap.HRP(left)
	case left.Family == config.Huawei:
		return nil, fmt.Errorf("--sync-map %s: %s is Huawei text, whose only sync-map is the built-in 'hrp' (or build one with --include/--exclude)", f.syncMap, left.Source)
	default:
		var err error
		if base, err = namedMap(left, f.syncMap); err != nil {
			return nil, err
		}
	}
	if len(f.exclude) == 0 {
		return base, nil
	}
	return narrow(base, f.exclude)
}

// mapLabel names the map for a header, with where it comes from: "all
// (default: all but the protected paths)", "FW (carried by
// vra-a.conf)", "flags (--include/--exclude)".
func mapLabel(m *syncmap.Map, f diffFlags, left *config.Tree) string {
	var from string
	switch {
	case len(f.include) > 0:
		from = "--include/--exclude"
	case f.syncMap == "" && left.Family == config.Huawei:
		from = "default: what HRP backs up"
	case f.syncMap == "":
		from = "default: all but the protected paths"
	case left.Family == config.Huawei:
		from = "built in: what HRP backs up"
	default:
		from = "carried by " + left.Source
	}
	return m.Name + " (" + from + ")"
}

// namedMap is the sync-map name carried by the Vyatta configuration t.
func namedMap(t *config.Tree, name string) (*syncmap.Map, error) {
	maps, _, err := syncmap.FromConfig(t)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range maps {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	hint := ""
	if name == "hrp" {
		hint = "'hrp' is the Huawei built-in map; "
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--sync-map %s: %s%s carries no sync-map under 'system config-sync sync-map' (give --include/--exclude, or no --sync-map to compare everything)", name, hint, t.Source)
	}
	return nil, fmt.Errorf("--sync-map %s: %s%s carries only %s", name, hint, t.Source, strings.Join(names, ", "))
}

// narrow returns base with an exclude rule for each path, numbered after
// its rules.
func narrow(base *syncmap.Map, exclude []string) (*syncmap.Map, error) {
	ex, err := syncmap.FromFlags(nil, exclude)
	if err != nil {
		return nil, flagsError(err)
	}
	m := &syncmap.Map{Name: base.Name + " less --exclude", Family: base.Family}
	m.Rules = append(m.Rules, base.Rules...)
	next := 0
	for _, r := range m.Rules {
		next = max(next, r.Number)
	}
	for _, r := range ex.Rules {
		next++
		r.Number = next
		m.Rules = append(m.Rules, r)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// flagsError drops the "flags: " that syncmap puts before its messages
// about --include and --exclude: the message names the flag already.
func flagsError(err error) error {
	var se *syncmap.Error
	if errors.As(err, &se) && se.File == "flags" && se.Line == 0 {
		return errors.New(se.Msg)
	}
	return err
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
