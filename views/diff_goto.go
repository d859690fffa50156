package views

import (
	"slices"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// GoToPath puts the cursor on the row of path p (a sync's remote error
// names it): the row at p that differs, else any row at p, else the
// deepest row whose path leads to p, else the first row below p. The
// row is shown whatever the filter and folds (the filter becomes all
// when it hides the row; a fold holding it opens), as the body's top
// row, so that the breadcrumb (the top row's path) names it whole, near
// the end too (blank lines then follow the last row until the next
// move). It reports whether a row was found.
func (v *DiffView) GoToPath(p config.Path) bool {
	if v.data == nil || len(p) == 0 {
		return false
	}
	row := findPathRow(v.data.Rows, p)
	if row < 0 {
		return false
	}
	r := &v.data.Rows[row]
	if v.filter == FilterInScope && r.Scope != syncmap.InScope || v.filter == FilterDiffs && r.Kind == diff.Same {
		v.filter = FilterAll
	}
	v.detail, v.searching = false, false
	v.rebuild(int32(row))
	if it := v.items[v.cursor]; it.fold > 0 {
		v.unfold(it)
		v.rebuild(int32(row))
	}
	v.top = v.cursor
	return true
}

// findPathRow is the index of the row for p in rows, -1 none (see
// GoToPath for the order of preference).
func findPathRow(rows []diff.Row, p config.Path) int {
	exact, prefix, prefixLen, below := -1, -1, 0, -1
	for i := range rows {
		rp := rows[i].Path
		switch {
		case slices.Equal(rp, p):
			if rows[i].Kind != diff.Same {
				return i
			}
			if exact < 0 {
				exact = i
			}
		case len(rp) < len(p) && slices.Equal(rp, p[:len(rp)]):
			if len(rp) > prefixLen || len(rp) == prefixLen && rows[i].Kind != diff.Same && rows[prefix].Kind == diff.Same {
				prefix, prefixLen = i, len(rp)
			}
		case len(rp) > len(p) && slices.Equal(rp[:len(p)], p):
			if below < 0 || rows[below].Kind == diff.Same && rows[i].Kind != diff.Same {
				below = i
			}
		}
	}
	switch {
	case exact >= 0:
		return exact
	case below >= 0:
		return below
	}
	return prefix
}
