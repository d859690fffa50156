package views

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// DiffFilter chooses the rows the Diff tab shows.
type DiffFilter int

const (
	// FilterAll shows every row, unchanged runs folded.
	FilterAll DiffFilter = iota
	// FilterInScope shows the rows the sync-map shares.
	FilterInScope
	// FilterDiffs shows only the rows that differ.
	FilterDiffs
	nFilters
)

func (f DiffFilter) String() string {
	switch f {
	case FilterInScope:
		return "in scope"
	case FilterDiffs:
		return "differences"
	}
	return "all"
}

// foldContext is the number of unchanged rows kept on each side of a
// difference when folding.
const foldContext = 3

// item is one line of the row list: a row, a fold standing for the
// unchanged rows [row, row+fold), or (fold == placeHeader) a header
// naming where the differences from row on sit.
type item struct {
	row    int32
	fold   int32
	scopes diff.ScopeSet // a fold's hidden scopes
	// ctx: a row the filter does not keep, shown (dimmed) because a row
	// it keeps hangs under it, so the tree reads right.
	ctx bool
}

// placeHeader marks a header item: with differences only, each run of
// differences under one parent is led by that parent's path, the context
// the hidden rows gave.
const placeHeader = -1

// DiffView is the Diff tab: both configurations side by side, aligned by
// path, with a scope gutter, folds, search and a detail pane. Update
// takes keys; View renders exactly the size given to SetSize, touching
// only the visible rows.
type DiffView struct {
	st   *Styles
	keys DiffKeyMap
	// asciiKeys is keys with ASCII labels, made once (asciiKeysOK) for
	// the help under --ascii, not on every ShortHelp.
	asciiKeys   DiffKeyMap
	asciiKeysOK bool
	data        *DiffData

	w, h   int
	filter DiffFilter
	items  []item
	// diffItems are the indexes in items of the rows that differ.
	diffItems []int32
	// opened holds the paths of the first and last hidden rows of each
	// fold the user opened: by path, so that a refresh (new rows, other
	// indexes) keeps them open. unfolded is the rows of data at those
	// paths, ascending: a fold holding any of them stays open.
	opened   []config.Path
	unfolded []int32

	cursor, top int // indexes in items
	xoff        int // horizontal scroll, in cells

	detail    bool
	detailTop int // first line of the detail shown, when it covers the rows
	searching bool
	input     []rune
	typed     string // input in lower case, highlighted while typing
	query     string // the accepted search, lower case
	// queryText is the accepted search as typed (shown: "/MGMT");
	// matchHidden: it matched only rows the filter hid, so a filter
	// that shows them goes to the first.
	queryText   string
	matchHidden bool
	// staleL, staleR say a column's device is not read now ("" it is):
	// "not read since 08:20:21"; the rows are its last known ones.
	staleL, staleR string
	matches        []int32 // rows matching query, ascending
	notice         string  // one-line message for the footer ("no match")

	detailCache struct {
		data  *DiffData
		row   int32
		w     int
		lines []string
	}
}

// NewDiffView returns an empty Diff tab drawn with st.
func NewDiffView(st *Styles) *DiffView {
	return &DiffView{st: st, keys: DefaultDiffKeyMap()}
}

// SetStyles switches the styles (a theme or background change).
func (v *DiffView) SetStyles(st *Styles) {
	v.st = st
	v.detailCache.data = nil
}

// SetKeyMap replaces the key map.
func (v *DiffView) SetKeyMap(km DiffKeyMap) { v.keys, v.asciiKeysOK = km, false }

// KeyMap returns the key map in use.
func (v *DiffView) KeyMap() DiffKeyMap { return v.keys }

// SetSize sets the size View renders at, in cells.
func (v *DiffView) SetSize(w, h int) {
	v.w, v.h = max(0, w), max(0, h)
	v.scrollTo(false)
}

// Size returns the size set.
func (v *DiffView) Size() (int, int) { return v.w, v.h }

// SetStale tells which columns show a device not read now, each note
// "" (read) or why and since when ("not read since 08:20:21"): their
// heads say so and the counts are marked "last known".
func (v *DiffView) SetStale(left, right string) { v.staleL, v.staleR = left, right }

// Data returns the data shown.
func (v *DiffView) Data() *DiffData { return v.data }

// SetData shows d. When d replaces the data of the same pair (a
// refresh, every 20 s: the same member names), the view stays as the user
// left it: the cursor on the same path (or the next row when that path
// has gone) at the same line of the screen, the folds the user opened
// (by path), the horizontal scroll, the filter, the search and the
// detail. Another pair's data starts afresh: top, all rows, folds closed,
// no search, no detail.
func (v *DiffView) SetData(d *DiffData) {
	var keep *diff.Row
	samePair := v.data != nil && d != nil && v.data.Left == d.Left && v.data.Right == d.Right
	keepLine := -1 // the cursor's line in the body
	if samePair && len(v.items) > 0 {
		keep = &v.data.Rows[v.items[v.cursor].row]
		keepLine = v.cursor - v.top
	}
	if !samePair {
		v.filter, v.query, v.matches, v.typed = FilterAll, "", nil, ""
		v.searching, v.detail, v.detailTop, v.xoff, v.notice = false, false, 0, 0, ""
		v.input = v.input[:0]
		v.opened = nil
	}
	v.data = d
	v.detailCache.data = nil
	row := int32(0)
	if keep != nil && d != nil {
		// The cursor's path, or where it was when that path has gone.
		row = min(v.curRow(), int32(max(0, len(d.Rows)-1)))
		if i := rowOf(d.Rows, keep); i >= 0 {
			row = int32(i)
		}
	}
	v.unfolded = v.unfolded[:0]
	if d != nil && len(v.opened) > 0 {
		found := make([]bool, len(v.opened))
		for i := range d.Rows {
			r := &d.Rows[i]
			if r.Kind != diff.Same {
				continue // a fold hides unchanged rows only
			}
			for k, p := range v.opened {
				if slices.Equal(r.Path, p) {
					v.unfolded = append(v.unfolded, int32(i))
					found[k] = true
					break
				}
			}
		}
		// A path the new data lacks is forgotten: the list holds only
		// what is open now, and does not grow with each refresh.
		k := 0
		v.opened = slices.DeleteFunc(v.opened, func(config.Path) bool { k++; return !found[k-1] })
	} else if d == nil {
		v.opened = nil
	}
	if v.query != "" {
		v.matches = v.findMatches(v.query)
	}
	v.rebuild(row)
	if keepLine >= 0 && len(v.items) > 0 {
		// The cursor at the same line of the screen: a refresh does not
		// scroll (scrollTo clamps at the ends).
		v.top = v.cursor - keepLine
		v.scrollTo(false)
	}
}

// rowOf is the index in rows of the row at r's path, -1 when none is.
// Values of a multi-valued leaf share a path ("address"): the row with
// r's text wins, then one with either side's text, then the first.
func rowOf(rows []diff.Row, r *diff.Row) int {
	best, score := -1, -1
	for i := range rows {
		c := &rows[i]
		if !slices.Equal(c.Path, r.Path) {
			continue
		}
		sc := 0
		if c.Left == r.Left {
			sc++
		}
		if c.Right == r.Right {
			sc++
		}
		if sc > score {
			best, score = i, sc
			if sc == 2 {
				break
			}
		}
	}
	return best
}

// unfold opens the fold it (a fold item) and remembers it by the paths
// of its first and last hidden rows.
func (v *DiffView) unfold(it item) {
	first, last := it.row, it.row+it.fold-1
	v.opened = append(v.opened, slices.Clone(v.data.Rows[first].Path), slices.Clone(v.data.Rows[last].Path))
	for _, r := range []int32{first, last} {
		if i, ok := slices.BinarySearch(v.unfolded, r); !ok {
			v.unfolded = slices.Insert(v.unfolded, i, r)
		}
	}
}

// isUnfolded reports whether the user opened a fold hiding rows [a, b].
func (v *DiffView) isUnfolded(a, b int32) bool {
	i, _ := slices.BinarySearch(v.unfolded, a)
	return i < len(v.unfolded) && v.unfolded[i] <= b
}

// Filter returns the filter in use.
func (v *DiffView) Filter() DiffFilter { return v.filter }

// SetFilter chooses the rows shown.
func (v *DiffView) SetFilter(f DiffFilter) {
	if f < 0 || f >= nFilters {
		f = FilterAll
	}
	v.filter = f
	v.rebuild(v.curRow())
}

// Capturing reports whether every key belongs to the Diff tab (the
// search input is open): the root must not take q, tab or 1-4 then.
func (v *DiffView) Capturing() bool { return v.searching }

// WantsEsc reports whether esc belongs to the Diff tab (it closes the
// detail or clears the search) rather than to the root (back to the pair
// list).
func (v *DiffView) WantsEsc() bool { return v.searching || v.detail || v.query != "" }

// DetailOpen reports whether the detail pane is shown.
func (v *DiffView) DetailOpen() bool { return v.detail }

// CursorRow returns the row under the cursor (its index in Data().Rows),
// -1 when there is none.
func (v *DiffView) CursorRow() int {
	if len(v.items) == 0 {
		return -1
	}
	return int(v.items[v.cursor].row)
}

// Init implements the tea.Model habit; the Diff tab needs no command.
func (v *DiffView) Init() tea.Cmd { return nil }

// Update handles the tab's keys, paste and mouse wheel.
func (v *DiffView) Update(msg tea.Msg) tea.Cmd {
	mode := DiffBrowse
	if v.searching {
		mode = DiffSearching
	}
	a := DiffMsgToAction(msg, &v.keys, mode)
	v.apply(a, msg)
	return nil
}

// Click selects the row at line y of the view (0 is its first line), as
// a mouse click there does.
func (v *DiffView) Click(y int) {
	l := v.layout()
	if y < l.bodyY || y >= l.bodyY+l.bodyH || (v.detail && l.overlay) {
		return
	}
	if i := v.top + y - l.bodyY; i < len(v.items) {
		v.cursor = i
	}
}

func (v *DiffView) apply(a DiffAction, msg tea.Msg) {
	if a != DiffActNone {
		v.notice = ""
	}
	if row := v.curRow(); v.detail {
		defer func() {
			if v.curRow() != row || !v.detail {
				v.detailTop = 0 // another row's detail starts at its top
			}
		}()
	}
	switch a {
	case DiffActSearchText, DiffActSearchBackspace, DiffActSearchClear, DiffActSearch:
		defer func() { v.typed = strings.ToLower(string(v.input)) }()
	}
	l := v.layout()
	body := max(1, l.bodyH)
	if v.detail && l.overlay {
		// The detail covers the rows: the arrows scroll it, n/N still
		// walk the rows under it.
		switch a {
		case DiffActUp, DiffActWheelUp:
			v.detailTop = max(0, v.detailTop-1)
			return
		case DiffActDown, DiffActWheelDown:
			v.detailTop = min(v.detailTop+1, max(0, len(v.detailCache.lines)-l.bodyH))
			return
		}
	}
	switch a {
	case DiffActUp:
		v.move(-1)
	case DiffActDown:
		v.move(1)
	case DiffActPageUp:
		v.move(-max(1, body-1))
	case DiffActPageDown:
		v.move(max(1, body-1))
	case DiffActHalfUp:
		v.move(-max(1, body/2))
	case DiffActHalfDown:
		v.move(max(1, body/2))
	case DiffActTop:
		v.cursor = 0
		v.scrollTo(false)
	case DiffActBottom:
		v.cursor = max(0, len(v.items)-1)
		v.scrollTo(false)
	case DiffActWheelUp:
		v.scroll(-3)
	case DiffActWheelDown:
		v.scroll(3)
	case DiffActNext, DiffActPrev:
		dir := 1
		if a == DiffActPrev {
			dir = -1
		}
		if v.query != "" {
			v.nextMatch(dir)
		} else {
			v.nextDiff(dir)
		}
	case DiffActFilter:
		v.SetFilter((v.filter + 1) % nFilters)
		if v.matchHidden && v.query != "" && (v.goToMatchFrom(v.curRow(), 1) || v.goToMatchFrom(0, 1)) {
			v.matchHidden = false
		}
	case DiffActEnter:
		if len(v.items) == 0 {
			return
		}
		if it := v.items[v.cursor]; it.fold > 0 {
			v.unfold(it)
			v.rebuild(it.row)
			return
		}
		v.detail = !v.detail
	case DiffActClose:
		switch {
		case v.detail:
			v.detail = false
		case v.query != "":
			v.query, v.matches = "", nil
		}
	case DiffActSearch:
		v.searching, v.input = true, v.input[:0]
	case DiffActLeft:
		v.xoff = max(0, v.xoff-v.xStep())
	case DiffActRight:
		limit := v.maxXOff()
		if limit == 0 && v.xoff == 0 {
			v.notice = "the lines shown fit their columns: nothing to scroll sideways"
		}
		v.xoff = min(v.xoff+v.xStep(), max(v.xoff, limit))
	case DiffActSearchText:
		var s string
		switch m := msg.(type) {
		case tea.KeyPressMsg:
			s = m.Text
		case tea.PasteMsg:
			s = m.Content
		}
		for _, r := range s {
			if r >= ' ' && r != 0x7f && len(v.input) < 256 {
				v.input = append(v.input, r)
			}
		}
	case DiffActSearchBackspace:
		if n := len(v.input); n > 0 {
			v.input = v.input[:n-1]
		}
	case DiffActSearchClear:
		v.input = v.input[:0]
	case DiffActSearchCancel:
		v.searching = false
	case DiffActSearchAccept:
		v.searching = false
		v.query, v.queryText = strings.ToLower(string(v.input)), string(v.input)
		v.matches, v.matchHidden = nil, false
		if v.query == "" {
			return
		}
		v.matches = v.findMatches(v.query)
		if len(v.matches) == 0 {
			v.notice = "no match for " + strconv.Quote(string(v.input))
			return
		}
		if !v.goToMatchFrom(v.curRow(), 1) && !v.goToMatchFrom(0, 1) {
			v.notice = "no match for " + strconv.Quote(string(v.input)) + " under the filter " + v.filter.String() + " (f shows more)"
			v.matchHidden = true
		}
	}
}

// curRow is the row under the cursor, 0 when there is none.
func (v *DiffView) curRow() int32 {
	if len(v.items) == 0 {
		return 0
	}
	return v.items[v.cursor].row
}

func (v *DiffView) move(d int) {
	v.cursor = max(0, min(v.cursor+d, len(v.items)-1))
	v.scrollTo(false)
}

func (v *DiffView) scroll(d int) {
	body := max(1, v.layout().bodyH)
	v.top = max(0, min(v.top+d, len(v.items)-body))
	v.cursor = max(v.top, min(v.cursor, v.top+body-1))
	v.cursor = max(0, min(v.cursor, len(v.items)-1))
}

// scrollTo keeps the cursor visible; a jump lands it a third down the
// body so that what precedes a difference shows too.
func (v *DiffView) scrollTo(jump bool) {
	body := max(1, v.layout().bodyH)
	switch {
	case len(v.items) == 0:
		v.cursor, v.top = 0, 0
		return
	case jump && (v.cursor < v.top || v.cursor >= v.top+body):
		v.top = v.cursor - body/3
	case v.cursor < v.top:
		v.top = v.cursor
	case v.cursor >= v.top+body:
		v.top = v.cursor - body + 1
	}
	v.top = max(0, min(v.top, len(v.items)-body))
}

// rebuild makes the item list for the filter and the opened folds, the
// cursor on the item holding row (or the next one).
func (v *DiffView) rebuild(row int32) {
	v.items, v.diffItems = v.items[:0], v.diffItems[:0]
	if v.data == nil {
		v.cursor, v.top = 0, 0
		return
	}
	rows := v.data.Rows
	keep := func(r *diff.Row) bool {
		switch v.filter {
		case FilterInScope:
			return r.Scope == syncmap.InScope
		case FilterDiffs:
			return r.Kind != diff.Same
		}
		return true
	}
	// In scope: the ancestors of the rows kept stay, dimmed
	// (ancestorsOf), or "firewall" would read as a child of "resources".
	var ctx []bool
	if v.filter == FilterInScope {
		ctx = ancestorsOf(rows, keep)
	}
	// run holds the kept unchanged rows not yet placed; differences end
	// a run, which keeps its first and last foldContext rows.
	var run []int32
	var lastParent, anchor config.Path // of the last header, and the difference whose subtree goes on
	seenDiff := false
	flush := func(final bool) {
		lead, trail := foldContext, foldContext
		if !seenDiff {
			lead = 0 // nothing before to give context to
		}
		if final {
			trail = 0
		}
		n := len(run)
		if n > lead+trail+1 && v.filter != FilterDiffs && contiguous(run[lead:n-trail]) && !v.isUnfolded(run[lead], run[n-trail-1]) {
			for _, r := range run[:lead] {
				v.items = append(v.items, item{row: r})
			}
			hidden := run[lead : n-trail]
			var set diff.ScopeSet
			for _, r := range hidden {
				set = set.Add(rows[r].Scope)
			}
			v.items = append(v.items, item{row: hidden[0], fold: int32(len(hidden)), scopes: set})
			for _, r := range run[n-trail:] {
				v.items = append(v.items, item{row: r})
			}
		} else {
			for _, r := range run {
				v.items = append(v.items, item{row: r})
			}
		}
		run = run[:0]
	}
	for i := range rows {
		r := &rows[i]
		if !keep(r) {
			// A gap in a run (a filtered row) ends it: a fold stands for
			// consecutive rows only.
			if len(run) > 0 && v.filter == FilterInScope {
				flush(false)
			}
			if ctx != nil && ctx[i] {
				v.items = append(v.items, item{row: int32(i), ctx: true})
			}
			continue
		}
		if r.Kind == diff.Same {
			run = append(run, int32(i))
			continue
		}
		flush(false)
		seenDiff = true
		if v.filter == FilterDiffs {
			// A header when this difference sits elsewhere than the last
			// ones: not inside the subtree of an earlier one (an added
			// node's lines), nor under the same parent.
			if len(anchor) == 0 || !pathHasPrefix(r.Path, anchor) {
				if parent := displayParent(r); len(parent) > 0 && !slices.Equal(parent, lastParent) {
					v.items = append(v.items, item{row: int32(i), fold: placeHeader})
					lastParent = parent
				}
				anchor = r.Path
			}
		}
		v.diffItems = append(v.diffItems, int32(len(v.items)))
		v.items = append(v.items, item{row: int32(i)})
	}
	flush(true)
	v.cursor = v.itemAt(row)
	if v.cursor+1 < len(v.items) && v.items[v.cursor].fold == placeHeader {
		v.cursor++ // onto the row the header leads
	}
	v.scrollTo(true)
}

// ancestorsOf marks the rows keep drops that are ancestors of a row it
// keeps. Rows are in tree order with their display depth, so going
// backwards the first row shallower than a kept one is its parent, the
// first shallower than that its grandparent, and so on.
func ancestorsOf(rows []diff.Row, keep func(*diff.Row) bool) []bool {
	out := make([]bool, len(rows))
	need := -1 // a row shallower than need is the next ancestor wanted
	for i := len(rows) - 1; i >= 0; i-- {
		r := &rows[i]
		switch {
		case keep(r):
			need = r.Depth
		case r.Depth < need:
			out[i] = true
			need = r.Depth
		}
	}
	return out
}

// displayParent is the path of the row a row hangs under: its path less
// its name, and less the tag node's name for a Vyatta tag value ("rule
// 30" hangs under "firewall name X", not "firewall name X rule").
func displayParent(r *diff.Row) config.Path {
	p := r.Path
	n := len(p)
	if n < 2 {
		return nil
	}
	text := r.Left
	if text == "" {
		text = r.Right
	}
	text = strings.TrimLeft(text, " ")
	if tag := p[n-2] + " " + p[n-1]; text == tag || strings.HasPrefix(text, tag+" ") {
		return p[: n-2 : n-2]
	}
	return p[: n-1 : n-1]
}

// contiguous reports whether rows are consecutive indexes.
func contiguous(rows []int32) bool {
	return len(rows) == 0 || int(rows[len(rows)-1]-rows[0]) == len(rows)-1
}

// itemAt is the index of the item holding row, or of the first after it
// (the last item when none is).
func (v *DiffView) itemAt(row int32) int {
	i, _ := slices.BinarySearchFunc(v.items, row, func(it item, r int32) int {
		switch {
		case r < it.row:
			return 1
		case it.fold == placeHeader || r >= it.row+max(1, it.fold):
			return -1 // a header holds no row: the row's item follows it
		}
		return 0
	})
	return max(0, min(i, len(v.items)-1))
}

func (v *DiffView) nextDiff(dir int) {
	if len(v.diffItems) == 0 {
		v.notice = "no differences under the filter " + v.filter.String()
		return
	}
	c := int32(v.cursor)
	var i int
	if dir > 0 {
		i, _ = slices.BinarySearch(v.diffItems, c+1)
		if i == len(v.diffItems) {
			v.notice = "last difference"
			return
		}
	} else {
		i, _ = slices.BinarySearch(v.diffItems, c)
		i--
		if i < 0 {
			v.notice = "first difference"
			return
		}
	}
	v.cursor = int(v.diffItems[i])
	v.scrollTo(true)
}

// DiffPosition returns the cursor's difference, counted from 1, and the
// number of differences shown (0, n when the cursor is not on one).
func (v *DiffView) DiffPosition() (int, int) {
	i, ok := slices.BinarySearch(v.diffItems, int32(v.cursor))
	if !ok {
		return 0, len(v.diffItems)
	}
	return i + 1, len(v.diffItems)
}

// findMatches returns the rows whose text holds q (lower case), ignoring
// ASCII case.
func (v *DiffView) findMatches(q string) []int32 {
	var out []int32
	if v.data == nil {
		return nil
	}
	for i := range v.data.Rows {
		r := &v.data.Rows[i]
		if indexFold(r.Left, q, 0) >= 0 || (r.Right != r.Left && indexFold(r.Right, q, 0) >= 0) {
			out = append(out, int32(i))
		}
	}
	return out
}

// nextMatch goes to the next match after (dir 1) or before (-1) the
// cursor's row. When the filter hides every match it says so rather than
// "first match" or "last match", which would suggest one is on screen.
func (v *DiffView) nextMatch(dir int) {
	if len(v.matches) == 0 {
		v.notice = "no match"
		return
	}
	if v.goToMatchFrom(v.curRow()+int32(dir), dir) {
		return
	}
	switch {
	case !v.shownMatch(0, 1):
		v.notice = "no match for " + strconv.Quote(v.queryText) + " under the filter " + v.filter.String() + " (f shows more)"
		v.matchHidden = true
	case dir > 0:
		v.notice = "last match"
	default:
		v.notice = "first match"
	}
}

// goToMatchFrom moves to the first match at or after row (dir 1), or at or
// before it (-1), that the filter shows, opening the fold that hides it.
func (v *DiffView) goToMatchFrom(row int32, dir int) bool {
	k, m, ok := v.matchFrom(row, dir)
	if !ok {
		return false
	}
	if it := v.items[k]; it.fold > 0 {
		v.unfold(it)
		v.rebuild(m)
		return true
	}
	v.cursor = k
	v.scrollTo(true)
	return true
}

// shownMatch reports whether a match the filter shows lies at or after
// row (dir 1), or at or before it (-1); it moves nothing.
func (v *DiffView) shownMatch(row int32, dir int) bool {
	_, _, ok := v.matchFrom(row, dir)
	return ok
}

// matchFrom finds the first match at or after row (dir 1), or at or before
// it (-1), that the filter shows: the index of its item (a row or the
// fold that hides it) and the matched row.
func (v *DiffView) matchFrom(row int32, dir int) (int, int32, bool) {
	if len(v.items) == 0 {
		return 0, 0, false
	}
	i, _ := slices.BinarySearch(v.matches, row)
	if dir < 0 {
		if i == len(v.matches) || v.matches[i] != row {
			i--
		}
	}
	for ; i >= 0 && i < len(v.matches); i += dir {
		m := v.matches[i]
		k := v.itemAt(m)
		it := v.items[k]
		if (it.fold == 0 && it.row == m) || (it.fold > 0 && m >= it.row && m < it.row+it.fold) {
			return k, m, true
		}
	}
	return 0, 0, false
}

// Matches returns the number of rows matching the search, and the
// search ("" when none).
func (v *DiffView) Matches() (int, string) { return len(v.matches), v.query }

// indexFold is the byte index of q (lower case) in s from byte from on,
// ignoring ASCII case; -1 when absent.
func indexFold(s, q string, from int) int {
	if q == "" {
		return -1
	}
	q0 := q[0]
	for i := from; i+len(q) <= len(s); i++ {
		if lowerASCII(s[i]) != q0 {
			continue
		}
		k := 1
		for k < len(q) && lowerASCII(s[i+k]) == q[k] {
			k++
		}
		if k == len(q) {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// xStep is how far h and l scroll: a third of a column, at least 8
// cells, so a press shows new words.
func (v *DiffView) xStep() int { return max(8, v.layout().colW/3) }

// maxXOff is the farthest horizontal scroll: the end of the longest
// visible line at the middle of its column (0 when every line fits), so
// that a step is never a single column.
func (v *DiffView) maxXOff() int {
	l := v.layout()
	cw := l.colW
	m := 0
	if v.data == nil {
		return 0
	}
	for i := v.top; i < min(len(v.items), v.top+l.bodyH); i++ {
		r := &v.data.Rows[v.items[i].row]
		m = max(m, Width(r.Left), Width(r.Right))
	}
	if m <= cw {
		return 0
	}
	return max(m-cw+1, m-cw/2)
}

// helpKeys is the key map as help shows it: ASCII labels with the ASCII
// glyphs.
func (v *DiffView) helpKeys() *DiffKeyMap {
	if v.st != nil && v.st.Theme.ASCII {
		if !v.asciiKeysOK {
			v.asciiKeys, v.asciiKeysOK = v.keys.ASCII(), true
		}
		return &v.asciiKeys
	}
	return &v.keys
}

// ShortHelp implements help.KeyMap.
func (v *DiffView) ShortHelp() []key.Binding {
	k := v.helpKeys()
	next := k.Next
	if v.query != "" {
		next.SetHelp("n/N", "next/prev match")
	} else {
		next.SetHelp("n/N", "next/prev diff")
	}
	switch {
	case v.searching:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	case v.detail:
		return []key.Binding{next, k.Close, k.Down}
	}
	return []key.Binding{next, k.Filter, k.Enter, k.Search}
}

// FullHelp implements help.KeyMap.
func (v *DiffView) FullHelp() [][]key.Binding {
	k := v.helpKeys()
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom},
		{k.Next, k.Prev, k.Filter, k.Enter, k.Close},
		{k.Search, k.Left, k.Right},
	}
}
