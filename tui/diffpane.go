package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/views"
)

// diffPane is the Diff tab. Until the views package's side-by-side
// component lands it shows the comparison's counts (placeholder, replaced
// by views' Diff component).
type diffPane struct {
	com           *Common
	width, height int
	sum           summary
}

func (d *diffPane) SetSize(w, h int)       { d.width, d.height = w, h }
func (d *diffPane) SetSummary(s summary)   { d.sum = s }
func (d *diffPane) Capturing() bool        { return false }
func (d *diffPane) Update(tea.Msg) tea.Cmd { return nil }

func (d *diffPane) Render() string {
	lines := []string{}
	switch {
	case d.sum.snap == nil || d.sum.snap.Compare == nil:
		lines = append(lines, "waiting for both configurations")
		if d.sum.snap != nil && d.sum.snap.CompareErr != nil {
			lines = append(lines, d.sum.snap.CompareErr.Error())
		}
	default:
		lines = append(lines,
			fmt.Sprintf("sync-map %s", d.sum.mapLabel),
			fmt.Sprintf("%d difference(s) in scope, %d outside", d.sum.inScope, d.sum.outScope))
	}
	return views.PlainLines(d.com.Styles, lines, d.width, d.height)
}
