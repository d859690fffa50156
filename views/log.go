package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/hasync/hasync/backend/config"
)

// LogEntry is one event of the Log tab.
type LogEntry struct {
	At time.Time
	// Device is the member concerned ("" the pair).
	Device string
	// Kind is the event's kind (connected, lost, refreshed, error,
	// sync-error, log).
	Kind string
	Text string
	// Err marks errors: they are pinned and walked with ]e / [e.
	Err bool
	// Path is the configuration path an error is tied to (a sync's
	// remote error), nil none: the console jumps to its row in the Diff.
	Path config.Path
}

// Log is the Log tab's state: every event, rendered only where visible
// (virtualized), fed in batches. Errors are pinned above the stream and
// walked with NextError / PrevError. It does no I/O.
type Log struct {
	entries []LogEntry
	errs    []int // indices of Err entries
	// pinFrom is the index into errs of the first error pinned: the
	// errors of the latest sync (SyncStarted), all errors before any.
	pinFrom int
	// top is the first stream entry shown; follow keeps the newest in
	// view as batches arrive.
	top    int
	follow bool
	// sel is the index into errs of the walked error, -1 none.
	sel           int
	width, height int
	// banner is a line above everything (a running sync's state), ""
	// none; bannerErr draws it as an error.
	banner    string
	bannerErr bool
}

// NewLog returns an empty log that follows new entries.
func NewLog() *Log { return &Log{follow: true, sel: -1} }

// Len is the number of entries.
func (l *Log) Len() int { return len(l.entries) }

// Errors is the number of error entries.
func (l *Log) Errors() int { return len(l.errs) }

// SyncStarted says a sync starts: from now on the pinned block shows the
// errors that follow (the latest sync's); the older ones stay in the list
// and ]e / [e still walk them.
func (l *Log) SyncStarted() {
	l.pinFrom = len(l.errs)
	if l.follow {
		l.top = max(len(l.entries)-l.streamHeight(), 0)
	}
	l.clamp()
}

// LastError is the newest entry marked as an error; false when none is.
func (l *Log) LastError() (LogEntry, bool) {
	if len(l.errs) == 0 {
		return LogEntry{}, false
	}
	return l.entries[l.errs[len(l.errs)-1]], true
}

// Unmark makes entry i no error (a duplicate of an error already in the
// Log, such as the monitor's copy of a sync's remote error line).
func (l *Log) Unmark(i int) {
	if i < 0 || i >= len(l.entries) || !l.entries[i].Err {
		return
	}
	l.entries[i].Err = false
	for k, e := range l.errs {
		if e != i {
			continue
		}
		l.errs = append(l.errs[:k], l.errs[k+1:]...)
		if k < l.pinFrom {
			l.pinFrom--
		}
		switch {
		case l.sel == k:
			l.sel = -1
		case l.sel > k:
			l.sel--
		}
		break
	}
	l.clamp()
}

// pinErrs are the errors the pinned block is made of.
func (l *Log) pinErrs() []int { return l.errs[min(l.pinFrom, len(l.errs)):] }

// Entries are the entries in order (not to be changed).
func (l *Log) Entries() []LogEntry { return l.entries }

// Append adds a batch of entries.
func (l *Log) Append(batch []LogEntry) {
	for _, e := range batch {
		if e.Err {
			l.errs = append(l.errs, len(l.entries))
		}
		l.entries = append(l.entries, e)
	}
	if l.follow {
		l.top = max(len(l.entries)-l.streamHeight(), 0)
	}
}

// SetSize sets the cells the log renders into.
func (l *Log) SetSize(w, h int) {
	l.width, l.height = w, h
	if l.follow {
		l.top = max(len(l.entries)-l.streamHeight(), 0)
	}
	l.clamp()
}

// SetBanner shows text on the Log's first line (a sync's progress or
// outcome); "" removes it. isErr draws it as an error.
func (l *Log) SetBanner(text string, isErr bool) {
	had := l.banner != ""
	l.banner, l.bannerErr = text, isErr
	if had != (text != "") && l.follow {
		l.top = max(len(l.entries)-l.streamHeight(), 0)
	}
	l.clamp()
}

// bannerLines is 1 with a banner (when the height leaves room), else 0.
func (l *Log) bannerLines() int {
	if l.banner == "" || l.height < 3 {
		return 0
	}
	return 1
}

// pinned is how many lines the pinned errors take (a title and up to
// three errors, never more than a third of the height). The first error
// always stays pinned (what failed first is usually the cause); the
// newest fill the rest.
func (l *Log) pinned() int {
	n := l.pinnedCount()
	if n == 0 {
		return 0
	}
	return n + 1 + l.firstWrapExtra()
}

// pinnedCount is how many errors are pinned.
func (l *Log) pinnedCount() int {
	if len(l.pinErrs()) == 0 || l.height < 6 {
		return 0
	}
	return min(len(l.pinErrs()), 3, max(l.height/3-1, 1))
}

// firstWrapExtra is how many lines the pinned first error takes beyond
// one: it wraps in full (its reason is usually the cause), yet leaves
// half the height to the stream.
func (l *Log) firstWrapExtra() int {
	if l.pinnedCount() == 0 {
		return 0
	}
	n := len(l.wrapEntry(l.entries[l.pinErrs()[0]], "  ", l.width, false)) - 1
	room := l.height/2 - l.pinnedCount() - 1
	return max(min(n, room), 0)
}

// pinnedErrs are the entry indexes of the pinned errors: the first, then
// the newest.
func (l *Log) pinnedErrs() []int {
	n := l.pinnedCount()
	if n <= 0 {
		return nil
	}
	errs := l.pinErrs()
	if n >= len(errs) {
		return errs
	}
	out := make([]int, 0, n)
	out = append(out, errs[0])
	return append(out, errs[len(errs)-(n-1):]...)
}

func (l *Log) streamHeight() int { return max(l.height-l.pinned()-l.bannerLines(), 1) }

func (l *Log) clamp() {
	maxTop := max(len(l.entries)-l.streamHeight(), 0)
	l.top = min(max(l.top, 0), maxTop)
	l.follow = l.top == maxTop
}

// ScrollBy moves the stream by n entries (negative up).
func (l *Log) ScrollBy(n int) {
	l.top += n
	l.clamp()
}

// Home and End jump to the oldest and newest entries.
func (l *Log) Home() { l.top = 0; l.clamp() }
func (l *Log) End()  { l.top = len(l.entries); l.clamp() }

// Selected is the entry index of the walked error, -1 none.
func (l *Log) Selected() int {
	if l.sel < 0 || l.sel >= len(l.errs) {
		return -1
	}
	return l.errs[l.sel]
}

// Target is the error to jump from: the walked one, else the first
// pinned error (the latest sync's) tied to a path; ok is false when none
// has a path.
func (l *Log) Target() (LogEntry, bool) {
	if i := l.Selected(); i >= 0 && len(l.entries[i].Path) > 0 {
		return l.entries[i], true
	}
	for _, i := range l.pinErrs() {
		if len(l.entries[i].Path) > 0 {
			return l.entries[i], true
		}
	}
	return LogEntry{}, false
}

// TiePath ties the latest sync's pinned errors that name no path to p
// (a sync's result names the path the device refused; its remote lines
// may not).
func (l *Log) TiePath(p config.Path) {
	for _, i := range l.pinErrs() {
		if len(l.entries[i].Path) == 0 {
			l.entries[i].Path = p
		}
	}
}

// NextError and PrevError walk the errors (]e / [e), bringing the one
// walked to the top of the stream; they report whether there was one.
func (l *Log) NextError() bool { return l.walk(1) }
func (l *Log) PrevError() bool { return l.walk(-1) }

// WalkError is PrevError when back, else NextError: one step (]e or [e).
func (l *Log) WalkError(back bool) bool {
	if back {
		return l.PrevError()
	}
	return l.NextError()
}

func (l *Log) walk(d int) bool {
	if len(l.errs) == 0 {
		return false
	}
	switch {
	case l.sel < 0 && d > 0:
		// the first error at or below the top
		l.sel = len(l.errs) - 1
		for i, e := range l.errs {
			if e >= l.top {
				l.sel = i
				break
			}
		}
	case l.sel < 0:
		l.sel = 0
		for i, e := range l.errs {
			if e < l.top {
				l.sel = i
			}
		}
	default:
		l.sel = min(max(l.sel+d, 0), len(l.errs)-1)
	}
	l.top = l.errs[l.sel]
	l.clamp()
	return true
}

// Render draws the pinned errors and the visible part of the stream.
// The pinned first error and the selected (walked) entry wrap in full,
// indented under the text column; the other entries take one line each,
// cut with an ellipsis ("$" under ASCII).
func (l *Log) Render(s ConsoleStyles) string {
	w, h := l.width, l.height
	if w <= 0 || h <= 0 {
		return ""
	}
	fit := func(t string) string { return s.cut(t, w) }
	lines := make([]string, 0, h)
	if l.bannerLines() > 0 {
		if l.bannerErr {
			lines = append(lines, s.BarErr.Render(fit(l.banner)))
		} else {
			lines = append(lines, s.Bar.Render(fit(l.banner)))
		}
	}
	if p := l.pinned(); p > 0 {
		head := fmt.Sprintf("%s %d error(s)  ]e next  [e previous", s.glyph("⚠", "!"), len(l.pinErrs()))
		if _, ok := l.Target(); ok {
			head += "  enter: its row in Diff"
		}
		lines = append(lines, s.Err.Render(fit(head)))
		for k, i := range l.pinnedErrs() {
			if k == 0 {
				wrapped := l.wrapEntry(l.entries[i], "  ", w, s.ASCII)
				keep := 1 + l.firstWrapExtra()
				if len(wrapped) > keep {
					wrapped = wrapped[:keep]
					wrapped[keep-1] = s.cut(wrapped[keep-1]+strings.Repeat(" ", w)+"x", w)
				}
				for _, t := range wrapped {
					lines = append(lines, s.Err.Render(fit(t)))
				}
				continue
			}
			lines = append(lines, s.Err.Render(fit("  "+l.line(s, l.entries[i]))))
		}
	}
	if len(l.entries) == 0 {
		lines = append(lines, s.Dim.Render(fit("no event yet")))
	}
	sel := l.Selected()
	for i := l.top; i < len(l.entries) && len(lines) < h; i++ {
		e := l.entries[i]
		if i == sel {
			for _, t := range l.wrapEntry(e, "", w, s.ASCII) {
				if len(lines) == h {
					break
				}
				lines = append(lines, s.paint(s.Selected, s.sgr.selected, fit(t)))
			}
			continue
		}
		line := fit(l.line(s, e))
		if e.Err {
			line = s.paint(s.Err, s.sgr.err, line)
		} else {
			line = s.paint(s.Normal, s.sgr.normal, line)
		}
		lines = append(lines, line)
	}
	return fittedLines(lines, w, h)
}

// lineHead is an entry's columns before its text: mark, time, device,
// kind.
func lineHead(s ConsoleStyles, e LogEntry) string {
	mark := " "
	if e.Err {
		mark = s.glyph("✗", "x")
	}
	dev := e.Device
	if dev == "" {
		dev = "-"
	}
	return fmt.Sprintf("%s %s %-8s %-10s ", mark, e.At.Format("15:04:05"), dev, e.Kind)
}

func (l *Log) line(s ConsoleStyles, e LogEntry) string {
	return lineHead(s, e) + strings.ReplaceAll(e.Text, "\n", " ")
}

// wrapEntry is an entry in full, word-wrapped to w cells: the first line
// holds prefix, the columns and the text's start; the next lines are
// indented under the text column (or by four cells when that column
// leaves less than twenty). A word wider than a line is broken.
func (l *Log) wrapEntry(e LogEntry, prefix string, w int, ascii bool) []string {
	s := ConsoleStyles{ASCII: ascii}
	head := prefix + lineHead(s, e)
	indent := Width(head)
	if w-indent < 20 {
		indent = min(4, max(w/4, 0))
	}
	pad := strings.Repeat(" ", indent)
	var out []string
	cur, curW, fresh := head, Width(head), true
	flush := func() {
		out = append(out, cur)
		cur, curW, fresh = pad, indent, true
	}
	for _, word := range strings.Fields(e.Text) {
		sep := 1
		if fresh {
			sep = 0
		}
		ww := Width(word)
		switch {
		case curW+sep+ww <= w:
		case ww <= w-indent:
			flush()
			sep = 0
		default:
			// wider than a line: broken where the line ends
			for word != "" {
				room := w - curW - sep
				part := ""
				if room > 0 {
					part = ansi.Truncate(word, room, "")
				}
				if part == "" {
					if fresh {
						break // not even one cell: left to the cut
					}
					flush()
					sep = 0
					continue
				}
				cur += strings.Repeat(" ", sep) + part
				curW += sep + Width(part)
				fresh, sep = false, 1
				word = word[len(part):]
				if word != "" {
					flush()
					sep = 0
				}
			}
			ww = Width(word)
			if word == "" {
				continue
			}
		}
		cur += strings.Repeat(" ", sep) + word
		curW += sep + ww
		fresh = false
	}
	return append(out, cur)
}
