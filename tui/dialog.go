package tui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/hasync/hasync/views"
)

// dialog is one entry of the overlay stack: a question from the back end
// (password, passphrase, unknown host key) or a notice to acknowledge (a
// refused host key). Secrets typed are never echoed.
type dialog struct {
	req   *promptReq // nil for a notice
	title string
	body  []string
	// answer is the line that says which keys answer the dialog: it is
	// the box's last line and stays on screen however small the
	// terminal; the body is cut above it.
	answer string
	input  textinput.Model
	// secret: the input is a password or passphrase.
	secret bool
	// device is the inventory device the question is about ("" unknown).
	device string
}

// newPromptDialog asks req; device names the device of a host key
// question ("" when the host is not the inventory's).
func newPromptDialog(req *promptReq, device string) *dialog {
	d := &dialog{req: req, device: device}
	if req.kind == askPassword {
		d.device = req.who
	}
	switch req.kind {
	case askPassword, askPassphrase:
		d.secret = true
		d.title = "Password for " + req.who
		if req.kind == askPassphrase {
			d.title = "Passphrase of " + req.who
		}
		d.body = []string{"It is not shown as you type."}
		d.answer = "enter sends, esc cancels"
		if req.refused {
			d.body = append([]string{"The device refused the password typed before."}, d.body...)
		}
		d.input = textinput.New()
		d.input.EchoMode = textinput.EchoNone
		d.input.Prompt = "> "
		d.input.Focus()
	case askHostKey:
		d.title = "Unknown host key: " + req.who
		if device != "" {
			d.title = "Unknown host key: " + device + " (" + req.who + ")"
		}
		d.body = []string{
			"No known_hosts file lists this device. It presents",
			"  " + req.keyType + " " + req.fingerprint,
			"Check the fingerprint out of band.",
		}
		d.answer = "Trust it and record it? (y / n)"
	}
	return d
}

// queueDialog adds d to the overlay stack (the last is on screen) without
// replacing the dialog on screen: d waits under the others and shows when
// they are closed, so what the user is typing never goes to another
// dialog.
func queueDialog(stack []*dialog, d *dialog) []*dialog {
	return append([]*dialog{d}, stack...)
}

func newNoticeDialog(title string, body ...string) *dialog {
	return &dialog{title: title, body: body, answer: "enter or esc closes"}
}

// update handles a key; done reports the dialog closed.
func (d *dialog) update(msg tea.KeyPressMsg) (cmd tea.Cmd, done bool) {
	if d.req == nil {
		switch msg.String() {
		case "enter", "esc", "q":
			return nil, true
		}
		return nil, false
	}
	switch d.req.kind {
	case askHostKey:
		switch msg.String() {
		case "y", "Y":
			d.req.reply <- promptAnswer{yes: true}
			return nil, true
		case "n", "N", "esc":
			d.req.reply <- promptAnswer{yes: false, device: d.device}
			return nil, true
		}
		return nil, false
	default:
		switch msg.String() {
		case "enter":
			d.req.reply <- promptAnswer{text: d.input.Value()}
			d.input.Reset()
			return nil, true
		case "esc":
			d.req.reply <- promptAnswer{err: errDeclined, device: d.device}
			return nil, true
		}
		d.input, cmd = d.input.Update(msg)
		return cmd, false
	}
}

// cancel answers a pending question as declined (the console quits).
func (d *dialog) cancel() {
	if d.req != nil {
		select {
		case d.req.reply <- promptAnswer{err: errDeclined}:
		default:
		}
	}
}

// overlay draws the dialog box centred over the screen base (width x
// height cells).
func (d *dialog) overlay(s views.ConsoleStyles, base string, width, height int) string {
	box := d.box(s, width, height)
	x := max((width-lipgloss.Width(box))/2, 0)
	y := max((height-lipgloss.Height(box))/2, 0)
	out := lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(box).X(x).Y(y).Z(1)).Render()
	return views.Fit(out, width, height)
}

// box is the dialog's bordered box, at most width cells wide and height
// lines high. The answer line (and a secret's prompt) are always in it:
// when the terminal is too small, the blank lines go first, then the
// body's last lines, a cut body ending in a marked line.
func (d *dialog) box(s views.ConsoleStyles, width, height int) string {
	w := max(min(width-2, 76), 10)
	var body []string
	for _, b := range d.body {
		if s.ASCII {
			b = views.ASCIIText(b) // spelt before it is wrapped: "->" is wider than the arrow
		}
		// Words whole; a path longer than a line breaks after a "/",
		// not in the middle of a directory's name.
		body = append(body, strings.Split(wrapWords(b, w-4), "\n")...)
	}
	var foot []string
	if d.secret {
		// the input shows nothing of the secret (EchoNone), only a count
		// would leak its length: show the prompt alone.
		foot = append(foot, "> ")
	}
	if d.answer != "" {
		foot = append(foot, strings.Split(wrapWords(d.answer, w-4), "\n")...)
	}
	title := d.title
	if s.ASCII {
		title = views.ASCIIText(title)
	}
	title = views.Truncate(title, w-4, views.GlyphSet(s.ASCII).Ellipsis)
	room := max(height-2, 1) // the border's two lines
	gapTop, gapFoot := 1, 1
	if len(foot) == 0 {
		gapFoot = 0
	}
	tall := func() int { return 1 + gapTop + len(body) + gapFoot + len(foot) }
	for _, gap := range []*int{&gapFoot, &gapTop} {
		if tall() > room {
			*gap = 0
		}
	}
	if over := tall() - room; over > 0 {
		keep := max(len(body)-over-1, 0)
		cut := len(body) - keep
		body = append(body[:keep:keep], views.Truncate(views.GlyphSet(s.ASCII).Fold+" "+strconv.Itoa(cut)+" more: widen the terminal", w-4, ""))
		if tall() > room {
			body = nil // not even the marker fits: the title and the answer
		}
	}
	lines := []string{s.Title.Render(title)}
	if gapTop > 0 {
		lines = append(lines, "")
	}
	lines = append(lines, body...)
	if gapFoot > 0 {
		lines = append(lines, "")
	}
	lines = append(lines, foot...)
	if len(lines) > room {
		lines = lines[len(lines)-room:] // the answer last of all
	}
	st := s.Dialog
	if s.ASCII {
		st = st.Border(lipgloss.ASCIIBorder()) // + - | for --ascii
	}
	return st.Width(w).Render(strings.Join(lines, "\n"))
}

// wrapWords wraps text at spaces to lines of at most w cells; a word
// longer than a line (a path) breaks after a "/", and only a part with no
// "/" that is itself too long is cut where the line ends.
func wrapWords(text string, w int) string {
	w = max(w, 1)
	text = strings.ToValidUTF8(text, "?")
	var lines []string
	cur := ""
	put := func(piece string) {
		switch {
		case cur == "":
			cur = piece
		case lipgloss.Width(cur)+lipgloss.Width(piece) <= w:
			cur += piece
		default:
			lines = append(lines, strings.TrimRight(cur, " "))
			cur = strings.TrimLeft(piece, " ")
		}
		for lipgloss.Width(cur) > w {
			cut := views.Truncate(cur, w, "")
			if cut == "" {
				_, n := utf8.DecodeRuneInString(cur) // a rune wider than the line
				cut = cur[:n]
			}
			lines = append(lines, cut)
			cur = cur[len(cut):]
		}
	}
	for i, word := range strings.Split(text, " ") {
		sep := ""
		if i > 0 {
			sep = " "
		}
		if lipgloss.Width(sep+word) <= w || !strings.Contains(word, "/") {
			put(sep + word)
			continue
		}
		parts := strings.SplitAfter(word, "/")
		for j, p := range parts {
			if j == 0 {
				p = sep + p
			}
			put(p)
		}
	}
	return strings.Join(append(lines, cur), "\n")
}
