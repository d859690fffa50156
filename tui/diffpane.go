package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/views"
)

// diffPane is the Diff tab: the views package's side-by-side DiffView,
// fed with DiffData built in a command (BuildDiff walks every row) and
// tagged with a generation, so a build for an older snapshot or another
// pair is dropped.
type diffPane struct {
	com           *Common
	v             *views.DiffView
	width, height int
	// gen is the generation of the latest build asked for; idx the pair.
	gen uint64
	idx int
	// waiting: no data yet for the open pair; err: the last build failed;
	// why: the pair's snapshot has no comparison, and why.
	waiting bool
	err     error
	why     string
	// rt is the pair built for: Render asks it whether a column's device
	// is read now (its live state, newer than the snapshot's).
	rt *pairRT
	// goTo is a path to put the cursor on once the data arrives (a jump
	// from the Log while the Diff was being built), nil none.
	goTo config.Path
}

// diffBuiltMsg is a built Diff for pair idx, generation gen.
type diffBuiltMsg struct {
	idx  int
	gen  uint64
	data *views.DiffData
	err  error
}

func newDiffPane(com *Common) diffPane {
	return diffPane{com: com, v: views.NewDiffView(diffStyles(com)), waiting: true}
}

// diffStyles are the Diff's styles for the session's theme: the
// colour-blind palette (blue / orange) always, glyphs as the console's.
func diffStyles(com *Common) *views.Styles {
	return views.NewStyles(views.Theme{Dark: com.Dark, NoColor: com.NoColor, ColorBlind: true, ASCII: com.Styles.ASCII})
}

func (d *diffPane) SetSize(w, h int) {
	d.width, d.height = w, h
	d.v.SetSize(max(w, 1), max(h, 1))
}

func (d *diffPane) restyle() { d.v.SetStyles(diffStyles(d.com)) }

// build asks for the Diff of pair idx's summary; the result comes back as
// a diffBuiltMsg.
func (d *diffPane) build(idx int, rt *pairRT) tea.Cmd {
	d.gen++
	if idx != d.idx {
		d.waiting = true
	}
	d.idx, d.rt = idx, rt
	s := rt.sum.snap
	d.why = ""
	if s == nil || s.Compare == nil {
		d.err = nil
		if s != nil {
			d.err = s.CompareErr
			d.why = notCompared(s)
		}
		return nil
	}
	// The comparison's left is the sync's source, which need not be the
	// inventory's first device (an HRP failover, a map carried by the
	// second): its trees are named after their devices.
	src := views.DiffSource{Comparison: s.Compare, LeftName: s.Compare.Left.Source, RightName: s.Compare.Right.Source, Mode: plan.Push}
	if s.Family == config.Huawei {
		src.Mode = plan.HRP
	}
	// x swapped the direction: the user's source on the left.
	from := rt.from
	swapped := from != "" && s.Family != config.Huawei
	gen := d.gen
	return func() tea.Msg {
		if swapped {
			c := s.Compare
			if c.Right.Source == from || sourceIs(s, c.Right, from) {
				rev, err := compare.New(c.Right, c.Left, c.Map, c.Map.Name+" (from "+from+")", c.Diff)
				if err != nil {
					return diffBuiltMsg{idx: idx, gen: gen, err: err}
				}
				src.Comparison, src.LeftName, src.RightName = rev, src.RightName, src.LeftName
			}
		}
		data, err := views.BuildDiff(src)
		return diffBuiltMsg{idx: idx, gen: gen, data: data, err: err}
	}
}

// sourceIs reports whether tree t of snapshot s is device name's.
func sourceIs(s *pair.Snapshot, t *config.Tree, name string) bool {
	d, ok := s.Device(name)
	return ok && d.Tree == t
}

// GoToPath puts the Diff's cursor on path p's row, now or once the
// data arrives; it reports false when the data shown has no such row.
func (d *diffPane) GoToPath(p config.Path) bool {
	if d.waiting {
		d.goTo = p
		return true
	}
	return d.v.GoToPath(p)
}

// built takes a build result unless it is stale.
func (d *diffPane) built(msg diffBuiltMsg) bool {
	if msg.gen != d.gen || msg.idx != d.idx {
		return false
	}
	d.err = msg.err
	if msg.err == nil {
		d.v.SetData(msg.data)
		d.waiting = false
		if d.goTo != nil {
			d.v.GoToPath(d.goTo)
			d.goTo = nil
		}
	}
	return true
}

// Capturing: the search input has the keys.
func (d *diffPane) Capturing() bool { return d.v.Capturing() }

// WantsEsc: esc closes something of the Diff's own (search, detail).
func (d *diffPane) WantsEsc() bool {
	if w, ok := any(d.v).(interface{ WantsEsc() bool }); ok {
		return w.WantsEsc()
	}
	_, q := d.v.Matches()
	return d.v.Capturing() || d.v.DetailOpen() || q != ""
}

func (d *diffPane) Update(msg tea.Msg) tea.Cmd {
	if d.waiting {
		return nil
	}
	return d.v.Update(msg)
}

func (d *diffPane) Click(y int) {
	if !d.waiting {
		d.v.Click(y)
	}
}

func (d *diffPane) ShortHelp() []key.Binding  { return d.v.ShortHelp() }
func (d *diffPane) FullHelp() [][]key.Binding { return d.v.FullHelp() }

func (d *diffPane) Render() string {
	switch {
	case d.err != nil:
		return views.PlainLines(d.com.Styles, []string{"no comparison: " + d.err.Error()}, d.width, d.height)
	case d.waiting && d.why != "":
		return views.PlainLines(d.com.Styles, []string{"cannot compare the pair yet:", d.why, "", "it is compared as soon as both configurations are read (r retries now)"}, d.width, d.height)
	case d.waiting:
		return views.PlainLines(d.com.Styles, []string{"reading both configurations…"}, d.width, d.height)
	}
	d.v.SetStale(d.staleNotes())
	return d.v.View()
}

// staleNotes says, for the Diff's left and right columns, whether their
// device is not read now ("not read since 15:04:05"; "" read): a device
// down shows its last known configuration, which the tab must not pass
// off as current.
func (d *diffPane) staleNotes() (left, right string) {
	data := d.v.Data()
	if d.rt == nil || data == nil || d.rt.sum.snap == nil {
		return "", ""
	}
	for i, dev := range d.rt.spec.Devices {
		if d.rt.cell(i).State == views.Up {
			continue
		}
		note := "not read now"
		if at := d.rt.sum.snap.Devices[i].FetchedAt; !at.IsZero() {
			note = "not read since " + at.Format("15:04:05")
		}
		switch dev.Name {
		case data.Left:
			left = note
		case data.Right:
			right = note
		}
	}
	return left, right
}

// notCompared says which member's configuration is missing and why.
func notCompared(s *pair.Snapshot) string {
	var parts []string
	for _, dev := range s.Devices {
		if dev.Tree != nil {
			continue
		}
		why := "not read yet"
		if dev.Err != nil {
			why = dev.Err.Error()
		}
		parts = append(parts, dev.Name+": "+why)
	}
	return strings.Join(parts, "; ")
}
