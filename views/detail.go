package views

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/config/schema"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// Detail is what the detail pane tells about one row: the path, both
// values, the rule that decided its scope, what decided its kind, the
// schema's help and the commands a sync would run for it.
type Detail struct {
	Path        string
	Kind        diff.Kind
	Left, Right string // the lines, trimmed; "" when the side lacks it
	LeftLine    int
	RightLine   int
	Scope       syncmap.Scope
	// Rule says which rule of the map decided ("rule 10: include
	// interfaces"), or why none did.
	Rule string
	// KindFrom says whether the schema or a fallback decided the node's
	// kind ("schema (vyos): leaf, multi").
	KindFrom string
	Help     string
	// Commands are the plan's commands for this node, secrets masked;
	// Sync says why there are none.
	Commands []string
	Sync     string
	// Conflicts are the plan's conflicts at or below this node: what a
	// sync leaves to a person.
	Conflicts []string
}

// DetailOf describes row i of d. It costs one map decision, one schema
// lookup and a pass over the plan's commands.
func DetailOf(d *DiffData, i int) Detail {
	r := &d.Rows[i]
	dt := Detail{
		Path: r.Path.String(), Kind: r.Kind,
		Left: strings.TrimSpace(r.Left), Right: strings.TrimSpace(r.Right),
		LeftLine: r.LeftLine, RightLine: r.RightLine,
		Scope: r.Scope,
	}
	if d.Map != nil {
		dec := d.Map.Decide(r.Path)
		dt.Scope = dec.Scope
		switch {
		case dec.Scope == syncmap.Protected:
			dt.Rule = "a protected path: never synced, whatever the rules say"
		case dec.Rule != nil:
			loc := strings.Join(dec.Rule.Location, " ")
			if loc == "" {
				loc = "(everything)"
			}
			dt.Rule = "rule " + strconv.Itoa(dec.Rule.Number) + ": " + dec.Rule.Action.String() + " " + loc
		default:
			dt.Rule = "no rule of the map covers it"
		}
		dt.Rule += " (sync-map " + d.Map.Name + ")"
	}
	if d.Family == config.Huawei {
		dt.KindFrom = "fallback: VRP has no schema table; the parser's command keys decide"
	} else {
		info := schema.Lookup(r.Path.Words())
		if info.Source == schema.None {
			dt.KindFrom = "fallback: the schema does not know this path; the text's shape decided"
		} else {
			k := info.Kind.String()
			if info.TagValue {
				k = "tag value"
			}
			if info.Multi {
				k += ", multi-valued"
			}
			if info.Valueless {
				k += ", valueless"
			}
			dt.KindFrom = "schema (" + info.Source.String() + "): " + k
			if info.Alias != "" {
				dt.KindFrom += " (as VyOS " + info.Alias + ")"
			}
		}
		dt.Help = info.Help
	}
	switch {
	case d.Plan == nil:
		dt.Sync = "no plan"
		if d.PlanErr != nil {
			dt.Sync += ": " + d.PlanErr.Error()
		}
	case r.Kind == diff.Same:
		dt.Sync = "nothing: both sides agree"
	default:
		dt.Commands = d.Commands(r.Path)
		if len(dt.Commands) == 0 {
			switch dt.Scope {
			case syncmap.InScope:
				dt.Sync = "no command of the plan names this path (see the whole plan)"
			default:
				dt.Sync = "nothing: out of the map's scope (" + ScopeWord(dt.Scope) + ")"
			}
		}
	}
	if d.Plan != nil {
		for _, c := range d.Plan.Conflicts {
			if pathHasPrefix(r.Path, c.Path) || pathHasPrefix(c.Path, r.Path) {
				dt.Conflicts = append(dt.Conflicts, c.Path.String()+": "+c.Reason)
			}
		}
	}
	if len(dt.Conflicts) > 0 && len(dt.Commands) == 0 {
		dt.Sync = "" // the conflicts say why
	}
	return dt
}

// pathHasPrefix reports whether p begins with q.
func pathHasPrefix(p, q config.Path) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// detailView renders the detail of the cursor's row in w x h cells, a
// line each; cached by data, row and width.
func (v *DiffView) detailView(w, h int) []string {
	row := v.items[v.cursor].row
	dc := &v.detailCache
	if dc.data != v.data || dc.row != row || dc.w != w {
		dc.data, dc.row, dc.w = v.data, row, w
		dc.lines = v.detailLines(DetailOf(v.data, int(row)), w)
	}
	out := make([]string, h)
	blank := ""
	lines := dc.lines
	if !v.layout().overlay {
		blank = v.sty(segMuted, v.st.Glyphs.Sep)
	} else if len(lines) > h {
		// Scrolled by the arrows; the title stays.
		top := max(0, min(v.detailTop, len(lines)-h+1))
		lines = append([]string{lines[0]}, lines[1+top:]...)
	}
	for i := range out {
		s := blank
		if i < len(lines) {
			s = lines[i]
		}
		if i == h-1 && len(lines) > h {
			// The count is whole: the words after it shorten, then go.
			// --ascii: words and dots instead of the arrow and the
			// ellipsis.
			dots, down := "…", "↓"
			if v.st.Theme.ASCII {
				dots, down = "...", "down"
			}
			n := strconv.Itoa(len(lines) - h + 1)
			more := dots + " " + n + " more lines"
			hint := " (" + down + " scrolls)"
			if blank != "" {
				hint = " (a taller terminal shows them)"
			}
			s = blank + v.sty(segMuted, FirstFit(w-Width(blank), more+hint, more, dots+" "+n+" more", dots))
		}
		out[i] = s
	}
	return out
}

// sty is s in a segment style, as a string.
func (v *DiffView) sty(sg seg, s string) string {
	pre := v.st.seg[0][sg]
	if pre == "" || s == "" {
		return s
	}
	return pre + s + sgrReset
}

// styler is sty for one style, as a function.
func (v *DiffView) styler(sg seg) func(string) string {
	return func(s string) string { return v.sty(sg, s) }
}

// detailLines lays a detail out in lines of exactly w cells: a rule on the
// left when beside the rows, labels in a column, values wrapped.
func (v *DiffView) detailLines(dt Detail, w int) []string {
	g := &v.st.Glyphs
	border := ""
	if !v.layout().overlay {
		border = v.sty(segMuted, g.Sep) + " "
	}
	inner := w - Width(border)
	if inner < 1 {
		return nil
	}
	labelW := 9
	if inner < 60 {
		labelW = 7
	}
	var lines []string
	add := func(s string) {
		lines = append(lines, border+PadRight(s, inner, g.Ellipsis))
	}
	field := func(label, value string, vs func(string) string) {
		if value == "" {
			return
		}
		valW := inner - labelW
		if valW < 8 {
			// Narrow: the label on its own line.
			add(v.sty(segMuted, label))
			for _, l := range strings.Split(ansi.Wrap(sanitize(value), inner, " /-"), "\n") {
				add(vs(l))
			}
			return
		}
		for k, l := range strings.Split(ansi.Wrap(sanitize(value), valW, " /-"), "\n") {
			lab := ""
			if k == 0 {
				lab = label
			}
			add(v.sty(segMuted, PadRight(lab, labelW, "")) + vs(l))
		}
	}
	plain := func(s string) string { return s }
	title := "detail" + g.Dot + "esc closes"
	add(v.sty(segTitle, Truncate(title, inner, g.Ellipsis)))
	field("path", dt.Path, v.styler(segHeader))
	left, right := v.data.Left, v.data.Right
	change := KindWord(dt.Kind)
	switch dt.Kind {
	case diff.Added:
		change = "only on " + right + " (target)"
	case diff.Removed:
		change = "only on " + left + " (source)"
	}
	field("change", g.Change(dt.Kind)+" "+change, plain)
	lv, rv := dt.Left, dt.Right
	if lv == "" {
		lv = "(absent)"
	} else if dt.LeftLine > 0 {
		lv += "  (line " + strconv.Itoa(dt.LeftLine) + ")"
	}
	if rv == "" {
		rv = "(absent)"
	} else if dt.RightLine > 0 {
		rv += "  (line " + strconv.Itoa(dt.RightLine) + ")"
	}
	field("source", left+": "+lv, v.styler(segRemoved))
	field("target", right+": "+rv, v.styler(segAdded))
	field("scope", g.Scope(dt.Scope)+" "+ScopeWord(dt.Scope)+g.Dot+dt.Rule, plain)
	field("kind", dt.KindFrom, plain)
	field("help", dt.Help, plain)
	if len(dt.Commands) > 0 {
		field("sync", dt.Commands[0], v.styler(segKey))
		for _, c := range dt.Commands[1:] {
			field(" ", c, v.styler(segKey))
		}
	}
	field("sync", dt.Sync, plain)
	for _, c := range dt.Conflicts {
		field("manual", c, v.styler(segWarn))
	}
	return lines
}
