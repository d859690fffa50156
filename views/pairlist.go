package views

import (
	"fmt"
	"strconv"
	"strings"
)

// DeviceCell is one member of a pair as the pair list and the pair
// header show it.
type DeviceCell struct {
	Name, Address string
	// State: Up (a session is open), Down (Why says why), Connecting.
	State ConnState
	Why   string
	// Role is the HA role as the device reports it: MASTER / BACKUP /
	// mixed (Vyatta VRRP), HRP_M / HRP_S (Huawei); "" unknown.
	Role string
	// Unsaved: the running configuration differs from the saved one;
	// UnsavedKnown false when it could not be read.
	Unsaved, UnsavedKnown bool
	// LastKnown: the device is not read now (down or connecting): Role
	// and Unsaved are from its last read, shown as such.
	LastKnown bool
	// HATrouble is what is wrong with its HA beyond the role ("core state
	// abnormal(active), peer unknown"); "" none. The list marks it with
	// a glyph, the header says it.
	HATrouble string
}

// ConnState is a device's connection state.
type ConnState int

const (
	Connecting ConnState = iota
	Up
	Down
)

func (c ConnState) String() string {
	switch c {
	case Up:
		return "up"
	case Down:
		return "down"
	}
	return "connecting"
}

// glyph is the state's glyph: it carries the meaning without colour.
func (c ConnState) glyph(s ConsoleStyles) string {
	switch c {
	case Up:
		// Not "+": that is the Diff's "only on the target".
		return s.glyph("✓", "ok")
	case Down:
		return s.glyph("✗", "!!")
	}
	return s.glyph("…", "..")
}

// PairRow is one pair of the list.
type PairRow struct {
	Name, Family string
	Devices      [2]DeviceCell
	// InScope and OutScope are the counts of differences inside and
	// outside the sync-map's scope; -1 before the first comparison.
	InScope, OutScope int
	// Stale: the counts rest on a configuration the last refresh could
	// not read again (pair.Snapshot.Stale); shown in parentheses.
	Stale bool
	// LastSync is when hasync last synced the pair ("" never); LastError
	// the current error ("" none); PastError, shown when there is none,
	// the last error since mended, with its time ("15:04:05 vra-b: ...").
	LastSync, LastError, PastError string
	// Spinner is the frame shown while the pair refreshes ("" idle).
	Spinner string
}

// PairList renders the list of pairs in width x height cells: a header
// line, then the rows from offset, the row at cursor selected. Columns
// are measured by display width and dropped from the right as the width
// shrinks (last error, last sync, then the roles).
func PairList(s ConsoleStyles, rows []PairRow, cursor, offset, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	cols := pairColumns(width)
	lines := []string{s.Header.Render(conFit(cols.header(), width))}
	if len(rows) == 0 {
		lines = append(lines, s.Dim.Render(conFit("  no pair matches", width)))
	}
	for i := offset; i < len(rows) && len(lines) < height; i++ {
		line := s.cut(cols.row(s, rows[i]), width)
		switch {
		case i == cursor:
			line = s.paint(s.Selected, s.sgr.selected, line)
		case rows[i].LastError != "":
			line = s.paint(s.Warn, s.sgr.warn, line)
		default:
			line = s.paint(s.Normal, s.sgr.normal, line)
		}
		lines = append(lines, line)
	}
	return fittedLines(lines, width, height)
}

// PairListVisible is how many pair rows fit in height (one line is the
// header).
func PairListVisible(height int) int { return max(height-1, 1) }

type pairCols struct {
	name, dev, count, sync, err int
	roles                       bool
}

// pairColumns lays the list out by the width alone, so the columns do
// not come and go with what a filter or a scroll shows: from 120 cells
// every column, the last error with at least 32 cells (its device and
// cause whole); from 60 the last error without the last sync; below 60
// the devices without their roles and no last error. Longer names are
// cut, never the counts.
func pairColumns(width int) pairCols {
	c := pairCols{count: 5, roles: true}
	switch {
	case width >= 160:
		c.name, c.dev, c.sync = 22, 24, 22
	case width >= 120:
		// "11-30 08:20 refused" is 19 cells; a role cell "✓ vra-a
		// (BACKUP)" 17.
		c.name, c.dev, c.sync = 16, 21, 20
	case width >= 80:
		c.name, c.dev = 16, 21
	case width >= 60:
		c.name, c.dev = 14, 18
	default:
		c.roles = false
		c.name = min(max(width*30/100, 6), 14)
		c.dev = max((width-c.name-2*c.count)/2, 4)
	}
	if rest := width - c.name - 2*c.dev - 2*c.count - c.sync; rest >= 8 {
		c.err = rest
	}
	return c
}

func (c pairCols) header() string {
	var b strings.Builder
	b.WriteString(conFit("  PAIR", c.name))
	b.WriteString(conFit(" DEVICE A", c.dev))
	b.WriteString(conFit(" DEVICE B", c.dev))
	b.WriteString(conFit(" IN", c.count))
	b.WriteString(conFit(" OUT", c.count))
	if c.sync > 0 {
		b.WriteString(conFit(" LAST SYNC", c.sync))
	}
	if c.err > 0 {
		b.WriteString(conFit(" LAST ERROR", c.err))
	}
	return b.String()
}

func (c pairCols) row(s ConsoleStyles, r PairRow) string {
	var b strings.Builder
	spin := r.Spinner
	if spin == "" {
		spin = " "
	}
	b.WriteString(s.cut(spin+" "+r.Name, c.name))
	for _, d := range r.Devices {
		cell := " " + d.State.glyph(s) + " " + d.Name
		if c.roles && d.Role != "" {
			if d.LastKnown {
				// Last known, not current: in parentheses.
				cell += " (" + d.Role + ")"
			} else {
				cell += " " + d.Role
			}
		}
		if d.HATrouble != "" && !d.LastKnown {
			// HA in trouble whatever the role says (a cut heartbeat):
			// a glyph here, the words in the header and the HA tab.
			cell += " " + s.glyph("⚠", "!") + "HA"
		}
		b.WriteString(s.cut(cell, c.dev))
	}
	b.WriteString(s.cut(" "+staleCount(r.InScope, r.Stale), c.count))
	b.WriteString(s.cut(" "+staleCount(r.OutScope, r.Stale), c.count))
	if c.sync > 0 {
		ls := r.LastSync
		if ls == "" {
			ls = "never"
		}
		b.WriteString(s.cut(" "+ls, c.sync))
	}
	if c.err > 0 {
		e := r.LastError
		if e == "" {
			e = r.PastError
		}
		if e == "" {
			e = "—"
			if s.ASCII {
				e = "-"
			}
		}
		b.WriteString(s.cut(" "+s.oneLine(e), c.err))
	}
	return b.String()
}

// countText is a count, or "?" when unknown.
func countText(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

// staleCount is a count, in parentheses when it is from an older read.
func staleCount(n int, stale bool) string {
	if stale && n >= 0 {
		return "(" + strconv.Itoa(n) + ")"
	}
	return countText(n)
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// oneLine keeps the first line of t, marked as cut (in the styles'
// glyphs) when more follow.
func (s ConsoleStyles) oneLine(t string) string {
	if i := strings.IndexByte(t, '\n'); i >= 0 {
		return t[:i] + " " + GlyphSet(s.ASCII).Ellipsis
	}
	return t
}

// DeviceHeader renders the pair view's header: one line per device
// (name, address, role, connection state, unsaved changes).
func DeviceHeader(s ConsoleStyles, pairName string, devs [2]DeviceCell, width int) string {
	lines := make([]string, 0, 2)
	for _, d := range devs {
		state := d.State.glyph(s) + " " + d.State.String()
		if s.ASCII {
			// The word says it: "ok up" reads as two states.
			state = d.State.String()
		}
		role := d.Role
		if role == "" {
			role = "role ?"
		}
		saved := "saved ?"
		if d.UnsavedKnown {
			saved = "saved"
			if d.Unsaved {
				saved = s.glyph("● unsaved changes", "* unsaved changes")
			}
		}
		if d.LastKnown && (d.Role != "" || d.UnsavedKnown) {
			// Not read now: what is shown is the last read's.
			role = "last known: " + role
			saved += " (last known)"
		}
		// Most telling first: the address is what a narrow screen cuts.
		line := fmt.Sprintf("%s %s  %s  %s  %s", state, d.Name, role, saved, d.Address)
		if d.State == Down && d.Why != "" {
			line += "  " + s.oneLine(d.Why)
		}
		if d.HATrouble != "" && !d.LastKnown {
			line = fmt.Sprintf("%s %s  %s  %s HA: %s  %s  %s", state, d.Name, role, s.glyph("⚠", "!"), d.HATrouble, saved, d.Address)
		}
		st := s.Normal
		switch {
		case d.State == Down:
			st = s.Warn
		case d.LastKnown:
			st = s.Dim
		}
		lines = append(lines, st.Render(s.cut(line, width)))
	}
	title := s.Title.Render(s.cut(pairName, width))
	return title + "\n" + strings.Join(lines, "\n")
}

// textWidth is the display width of s.
func textWidth(s string) int { return Width(s) }
