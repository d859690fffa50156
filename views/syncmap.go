package views

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// SyncMapData is what the Sync-maps tab shows: one map of the pair with
// its rules (staged edits included), the form that edits a rule, the
// live preview beside the rules and the save confirmation. The tui
// prepares it in Update; SyncMaps only lays it out.
type SyncMapData struct {
	// Title names the map and where it lives: "vra-a: sync-map
	// LAB-SYNC, pushed to 10.0.0.2".
	Title string
	// Pos is the map's place among the pair's maps, "1/2" ("" one map).
	Pos string
	// ReadOnly is why the map cannot be edited ("" editable): the
	// built-in hrp map, the default map, a read-only console.
	ReadOnly string
	// Staged is the number of edits not saved yet (u undoes the last).
	Staged int
	Rules  []SyncMapRule
	// Cursor is the selected rule's index.
	Cursor int
	// Empty is shown instead of the rules when there are none.
	Empty   string
	Form    *SyncMapForm
	Preview SyncMapPreview
	Confirm *SyncMapConfirm
	// Status are the last lines of a save or an editor round, newest
	// last; StatusErr draws them as an error.
	Status    []string
	StatusErr bool
}

// SyncMapRule is one rule as shown.
type SyncMapRule struct {
	Number   int
	Action   string
	Location string
	// Matched is the number of nodes of the carrier's configuration at
	// or under the location; -1 not counted yet.
	Matched int
	// Staged: the rule differs from the map as read.
	Staged bool
	// Issues are the rule's problems, refused first ("✗ ..." / "! ...").
	Issues []SyncMapIssue
}

// SyncMapIssue is one inline error (Refused) or warning.
type SyncMapIssue struct {
	Refused bool
	Msg     string
}

// SyncMapForm is the rule being added or edited: its inputs as rendered
// by the tui's text inputs, the field in focus (0 number, 1 action, 2
// location), the node's help, completions and the rule's problems.
type SyncMapForm struct {
	Title                    string
	Number, Action, Location string
	Field                    int
	Help                     string
	Completions              []string
	// Completion is the selected completion's index, -1 none.
	Completion int
	Issues     []SyncMapIssue
}

// SyncMapPreview is what the edited map covers and what a sync would
// carry with it.
type SyncMapPreview struct {
	// Pending: the preview is being computed for the latest edit.
	Pending bool
	// Draft: the preview is of the map with the rule being typed.
	Draft bool
	Err   string
	// Carrier is the configuration covered (the map's device).
	Carrier        string
	Covered, Total int
	Sections       []SyncMapSection
	// InScope is how many differences a sync would carry with the
	// edited map; AsRead with the map as read (-1 unknown).
	InScope, AsRead              int
	Outside, Excluded, Protected int
	// Target is the other member, HasDiff: the pair is compared.
	Target                    string
	HasDiff                   bool
	RefusedRules, WarnedRules int
}

// SyncMapSection is a top-level part of the configuration and how much
// of it is in scope.
type SyncMapSection struct {
	Name           string
	InScope, Total int
}

// SyncMapConfirm is the save's question: the exact device commands and
// the two buttons, Apply focused or not (Cancel is, at first).
type SyncMapConfirm struct {
	Device   string
	Map      string
	Commands []string
	Apply    bool
	// Running: the commands are being applied (Status streams);
	// Stopping: esc asked to stop before the commit.
	Running, Stopping bool
	// Offset is the first line shown of the warning and the commands
	// (j/k scroll them when they do not fit).
	Offset int
	// Note warns of what the commit does beyond the commands ("" none).
	Note string
}

// SyncMaps renders the Sync-maps tab in exactly width x height cells.
func SyncMaps(s ConsoleStyles, d SyncMapData, width, height int) string {
	if width <= 0 || height <= 0 {
		return s.lines(nil, width, height)
	}
	dot := s.glyph(" · ", " - ")
	title := d.Title
	if d.Pos != "" {
		title += dot + "map " + d.Pos + " (h/l)"
	}
	// The state is never cut: the title gives way to it first.
	state := ""
	switch {
	case d.ReadOnly != "":
		state = "read-only"
	case d.Staged > 0:
		state = FirstFit(width/2, fmt.Sprintf("%d staged edit(s), w saves, u undoes", d.Staged),
			fmt.Sprintf("%d staged, w saves", d.Staged), fmt.Sprintf("%d staged", d.Staged))
	}
	if state != "" {
		title = Truncate(title, width-Width(state)-Width(dot), s.ellipsis()) + dot + state
	}
	lines := []string{s.Title.Render(s.fit(title, width))}
	if d.Confirm != nil {
		lines = append(lines, confirmLines(s, d, width, height-1)...)
		return s.lines(lines, width, height)
	}
	body := height - 1
	if d.ReadOnly != "" && body > 6 {
		lines = append(lines, s.Dim.Render(s.fit("read-only: "+d.ReadOnly, width)))
		body--
	}
	status := statusLines(s, d, width)
	if len(status) > 0 && body > 4 {
		n := min(len(status), max(body/4, 1))
		status = status[len(status)-n:]
		body -= n
	} else {
		status = nil
	}
	if width >= 100 {
		lw := SyncMapListWidth(width)
		pw := width - lw - 3
		left := listAndForm(s, d, lw, body)
		right := previewLines(s, d.Preview, pw)
		sep := s.Dim.Render(s.glyph(" │ ", " | "))
		for i := range body {
			l := s.fit("", lw)
			if i < len(left) {
				l = left[i]
			}
			r := ""
			if i < len(right) {
				r = right[i]
			}
			lines = append(lines, l+sep+s.fit(r, pw))
		}
	} else {
		// Narrow: one line of preview above the rules, and the whole
		// preview under them where the room is left.
		if body > 3 {
			lines = append(lines, s.Dim.Render(s.fit(previewLine(s, d.Preview), width)))
			body--
		}
		list := listAndForm(s, d, width, body)
		if free := body - len(list); free >= 5 && d.Form == nil {
			pv := previewLines(s, d.Preview, width)
			list = append(append(list, ""), pv[:min(len(pv), free-1)]...)
		}
		lines = append(lines, list...)
	}
	lines = append(lines, status...)
	return s.lines(lines, width, height)
}

// SyncMapListWidth is the width of the rule list (and the form under
// it) when the tab is width cells wide: the preview takes a column of its
// own from 100 cells.
func SyncMapListWidth(width int) int {
	if width < 100 {
		return width
	}
	// At least 36 cells: "a sync would carry 123 difference(s)" whole.
	return width - max(min(46, width/3), 36) - 3
}

// listAndForm is the rule list with the form (when open) right under
// it, in h lines of w cells; the form keeps at least its first lines and
// the list at least two.
func listAndForm(s ConsoleStyles, d SyncMapData, w, h int) []string {
	if d.Form == nil {
		return ruleLines(s, d, w, h)
	}
	form := formLines(s, *d.Form, w)
	if len(form) > h-2 {
		form = form[:max(h-2, min(len(form), 3, h))]
	}
	list := ruleLines(s, d, w, h-len(form))
	return append(list, form...)
}

// ruleLines are the rule list: a header, then each rule with its issues
// below it, scrolled so that the cursor's rule shows; exactly h lines of
// w cells at most.
func ruleLines(s ConsoleStyles, d SyncMapData, w, h int) []string {
	if h <= 0 {
		return nil
	}
	locW := min(max(w-24, 8), 60)
	head := s.fit(fmt.Sprintf("  %-5s %-8s %-*s %s", "rule", "action", locW, "location", "nodes"), w)
	out := []string{s.Header.Render(head)}
	if len(d.Rules) == 0 {
		out = append(out, s.fit(d.Empty, w))
		return out
	}
	type line struct {
		text string
		rule int
		kind int // 0 rule, 1 refused, 2 warned
	}
	var all []line
	cur := s.glyph("▸", ">")
	for i, r := range d.Rules {
		mark := " "
		if i == d.Cursor {
			mark = cur
		}
		star := " "
		if r.Staged {
			star = "*"
		}
		nodes := "?"
		if r.Matched >= 0 {
			nodes = strconv.Itoa(r.Matched)
		}
		loc := r.Location
		if loc == "" {
			loc = "(everything)"
		}
		text := fmt.Sprintf("%s%s%-5d %-8s %s %s", mark, star, r.Number, r.Action, PadRight(loc, locW, s.ellipsis()), nodes)
		all = append(all, line{text: text, rule: i})
		for _, is := range r.Issues {
			k := 2
			g := "! "
			if is.Refused {
				k, g = 1, s.glyph("✗ ", "x ")
			}
			// The reason wraps (up to three lines) rather than being cut.
			parts := strings.Split(ansi.Wrap(g+is.Msg, max(w-10, 10), ""), "\n")
			if len(parts) > 3 {
				parts = append(parts[:2], Truncate(strings.Join(parts[2:], " "), max(w-10, 10), s.ellipsis()))
			}
			for j, part := range parts {
				ind := "        "
				if j > 0 {
					ind = "          "
				}
				all = append(all, line{text: ind + part, rule: i, kind: k})
			}
		}
	}
	rows := h - 1
	first, last := 0, 0
	for i, l := range all {
		if l.rule == d.Cursor {
			if l.kind == 0 {
				first = i
			}
			last = i
		}
	}
	off := 0
	if last-off >= rows {
		off = last - rows + 1
	}
	if first < off {
		off = first
	}
	for _, l := range all[off:min(off+rows, len(all))] {
		t := s.fit(l.text, w)
		switch {
		case l.kind == 0 && l.rule == d.Cursor:
			t = s.paint(s.Selected, s.sgr.selected, t)
		case l.kind == 1:
			t = s.paint(s.Err, s.sgr.err, t)
		case l.kind == 2:
			t = s.paint(s.Warn, s.sgr.warn, t)
		}
		out = append(out, t)
	}
	return out
}

// previewLines is the preview pane beside the rules.
func previewLines(s ConsoleStyles, p SyncMapPreview, w int) []string {
	heads := []string{"Preview (with the staged edits)", "Preview (staged edits)", "Preview"}
	if p.Draft {
		heads = []string{"Preview (with the rule being typed)", "Preview (rule being typed)", "Preview (typed rule)", "Preview"}
	}
	out := []string{s.Header.Render(s.fit(FirstFit(w, heads...), w))}
	switch {
	case p.Err != "":
		return append(out, s.Err.Render(s.fit(p.Err, w)))
	case p.Total == 0 && p.Pending:
		return append(out, s.fit("computing"+s.glyph("…", "..."), w))
	}
	// Counts are never cut: the words around them shorten instead.
	ff := func(forms ...string) string { return s.fit(FirstFit(w, forms...), w) }
	if !p.HasDiff {
		out = append(out, ff("no comparison of the pair yet", "not compared yet"))
	} else {
		n := p.InScope
		out = append(out, ff(fmt.Sprintf("a sync would carry %d difference(s)", n),
			fmt.Sprintf("a sync carries %d diff(s)", n), fmt.Sprintf("sync: %d diff(s)", n), strconv.Itoa(n)))
		if p.AsRead >= 0 && p.AsRead != p.InScope {
			out = append(out, ff(fmt.Sprintf("  (%d with the map as read)", p.AsRead), fmt.Sprintf("  (%d as read)", p.AsRead)))
		}
		if p.Target != "" {
			out = append(out, s.fit("  from "+p.Carrier+" to "+p.Target, w))
		}
		out = append(out, ff(fmt.Sprintf("not carried: %d outside the map,", p.Outside), fmt.Sprintf("not carried: %d outside,", p.Outside),
			fmt.Sprintf("%d outside", p.Outside)),
			ff(fmt.Sprintf("  %d excluded, %d protected", p.Excluded, p.Protected), fmt.Sprintf("  %d excl., %d prot.", p.Excluded, p.Protected)))
	}
	out = append(out, "", ff(fmt.Sprintf("covers %d of %d nodes of %s", p.Covered, p.Total, p.Carrier),
		fmt.Sprintf("covers %d of %d nodes", p.Covered, p.Total), fmt.Sprintf("covers %d/%d", p.Covered, p.Total)))
	for _, sec := range p.Sections {
		count := fmt.Sprintf("%d/%d", sec.InScope, sec.Total)
		name := Truncate(sec.Name, max(w-Width(count)-3, 1), s.ellipsis())
		out = append(out, s.fit("  "+name+strings.Repeat(" ", max(w-2-Width(name)-Width(count), 1))+count, w))
	}
	if p.RefusedRules > 0 || p.WarnedRules > 0 {
		out = append(out, "", ff(fmt.Sprintf("%d rule(s) refused, %d warned", p.RefusedRules, p.WarnedRules),
			fmt.Sprintf("%d refused, %d warned", p.RefusedRules, p.WarnedRules)))
		if p.RefusedRules > 0 {
			out = append(out, s.fit("  refused rules stop a save", w))
		}
	}
	if p.Pending {
		out = append(out, s.Dim.Render(s.fit("updating"+s.glyph("…", "..."), w)))
	}
	return out
}

// previewLine is the preview in one line (narrow screens).
func previewLine(s ConsoleStyles, p SyncMapPreview) string {
	switch {
	case p.Err != "":
		return p.Err
	case !p.HasDiff && p.Total == 0:
		return "preview: computing" + s.glyph("…", "...")
	case !p.HasDiff:
		return fmt.Sprintf("covers %d/%d nodes", p.Covered, p.Total)
	}
	return fmt.Sprintf("sync carries %d diff(s); covers %d/%d nodes", p.InScope, p.Covered, p.Total)
}

// formLines is the rule form under the list.
func formLines(s ConsoleStyles, f SyncMapForm, w int) []string {
	field := func(i int, label, v string) string {
		if i == f.Field {
			return s.Key.Render("["+label+"]") + " " + v
		}
		return label + " " + v
	}
	// What the focused field takes, then the form's keys: the longest
	// wording that fits.
	var hints []string
	switch f.Field {
	case 0:
		hints = []string{"   (a number 1-1024; tab next field, enter stages, esc cancels)", "   (1-1024; tab, enter, esc)"}
	case 1:
		hints = []string{"   (space toggles include/exclude; tab next field, enter stages, esc cancels)", "   (space toggles; tab, enter, esc)"}
	default:
		hints = []string{"   (tab completes or next field, " + s.glyph("↑/↓", "up/down") + " pick, enter stages, esc cancels)",
			"   (tab completes, enter stages, esc cancels)", "   (tab, enter, esc)"}
	}
	title := f.Title + FirstFit(w-Width(f.Title), hints...)
	out := []string{
		s.Header.Render(s.fit(title, w)),
		s.fit(field(0, "rule", f.Number)+"  "+field(1, "action", f.Action), w),
		s.fit(field(2, "location", f.Location), w),
	}
	if f.Help != "" {
		out = append(out, s.Dim.Render(s.fit("  "+f.Help, w)))
	}
	if len(f.Completions) > 0 {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range f.Completions {
			words := strings.Fields(c)
			last := c
			if len(words) > 0 {
				last = words[len(words)-1]
			}
			if i == f.Completion {
				last = "[" + last + "]"
			}
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(last)
			if Width(b.String()) > w {
				break
			}
		}
		out = append(out, s.fit(b.String(), w))
	}
	// An issue's reason is wrapped, not cut: it says why.
	for _, is := range f.Issues {
		st, sgr, g := s.Warn, s.sgr.warn, "! "
		if is.Refused {
			st, sgr, g = s.Err, s.sgr.err, s.glyph("✗ ", "x ")
		}
		for i, l := range strings.Split(ansi.Wrap(g+is.Msg, max(w-4, 10), ""), "\n") {
			if i > 0 {
				l = "  " + l
			}
			out = append(out, s.paint(st, sgr, s.fit("  "+l, w)))
		}
	}
	return out
}

// statusLines are the last lines of a save or an editor round.
func statusLines(s ConsoleStyles, d SyncMapData, w int) []string {
	var out []string
	for _, l := range d.Status {
		// Wrapped, not cut: a reason or a kept file's path is read whole.
		for _, part := range strings.Split(ansi.Wrap(l, max(w, 10), ""), "\n") {
			t := s.fit(part, w)
			if d.StatusErr {
				t = s.paint(s.Err, s.sgr.err, t)
			}
			out = append(out, t)
		}
	}
	return out
}

// confirmLines is the save's question over the tab's body. The title
// and the buttons always show; the warning and the commands scroll
// between them (j/k) when they do not fit, and say how many lines are
// above and below: a small terminal never confirms blind (trial 13d D5).
func confirmLines(s ConsoleStyles, d SyncMapData, w, h int) []string {
	c := d.Confirm
	out := []string{s.fit(fmt.Sprintf("Save sync-map %s on %s: these commands:", c.Map, c.Device), w)}
	var body []string
	if c.Note != "" {
		for _, l := range strings.Split(ansi.Wrap(s.glyph("⚠ ", "! ")+c.Note, max(w-2, 10), ""), "\n") {
			body = append(body, s.paint(s.Warn, s.sgr.warn, s.fit(l, w)))
		}
	}
	btn := func(label string, on bool) string {
		if on {
			return s.Selected.Render("[ " + label + " ]")
		}
		return "  " + label + "  "
	}
	buttons := btn("Cancel", !c.Apply) + "  " + btn("Apply", c.Apply)
	lr := s.glyph("←/→", "left/right")
	hints := []string{"   (" + lr + " choose, enter, esc cancels)", " (" + lr + " enter esc)", " (enter, esc)"}
	switch {
	case c.Stopping:
		buttons, hints = "stopping before the commit"+s.glyph("…", "..."), nil
	case c.Running:
		buttons, hints = "applying"+s.glyph("…", "..."), []string{"   (esc stops before the commit)", " (esc stops)"}
	}
	hint := FirstFit(w-Width(buttons), hints...)
	foot := []string{"", s.fit(buttons+hint, w)}
	// Long commands wrap: what is sent is shown whole, never cut.
	for _, c := range c.Commands {
		for i, part := range strings.Split(ansi.Wrap(c, max(w-6, 10), ""), "\n") {
			if i > 0 {
				part = "    " + part
			}
			body = append(body, s.fit("  "+part, w))
		}
	}
	status := statusLines(s, d, w)
	room := h - len(out) - len(foot)
	if len(status) > 0 {
		n := min(len(status), max(room/2, 1))
		status = status[len(status)-n:]
		room -= n
	}
	if len(body) > room && room < 4 {
		foot, room = foot[1:], room+1 // the blank line gives way first
	}
	if len(body) > 0 && room < 1 {
		out, room = nil, room+1 // then the title, for the line that says what is cut
	}
	switch {
	case len(body) <= max(room, 0):
	case room >= 2:
		off := min(max(c.Offset, 0), len(body)-(room-1))
		more := len(body) - off - (room - 1)
		head := fmt.Sprintf("%s %d above, %d below (j/k)", s.glyph("…", "..."), off, more)
		if off == 0 {
			head = fmt.Sprintf("%s and %d more (j/k)", s.glyph("…", "..."), more)
		}
		body = append(body[off:off+room-1:off+room-1], s.fit("  "+head, w))
	case room == 1:
		body = []string{s.fit(fmt.Sprintf("  %s %d line(s) cut: a taller terminal shows them", s.glyph("…", "..."), len(body)), w)}
	default:
		body = nil
	}
	out = append(out, body...)
	out = append(out, foot...)
	if cut := len(out) + len(status) - h; cut > 0 && len(out) > 0 {
		// No room: the buttons stay.
		out = out[min(cut, len(out)-1):]
	}
	return append(out, status...)
}

// ellipsis ends a cut text: "…", or "$" under --ascii (as the Diff's).
func (s ConsoleStyles) ellipsis() string { return s.glyph("…", "$") }

// fit cuts or pads a line to w cells with the session's ellipsis.
func (s ConsoleStyles) fit(str string, w int) string {
	if !s.ASCII {
		return conFit(str, w)
	}
	return PadRight(str, w, "$")
}

// lines is conLines with the session's ellipsis.
func (s ConsoleStyles) lines(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range h {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out[i] = s.fit(l, w)
	}
	return strings.Join(out, "\n")
}
