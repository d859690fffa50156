package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/views"
)

// pairRT is one pair while the console runs: the back end's pair, its
// subscription, the last summary, the pending refresh request and the
// pair's own log.
type pairRT struct {
	spec  *inventory.Pair
	p     *pair.Pair
	sub   *pair.Subscription
	unsub func()
	// reqID is the ID of the latest refresh asked for; results of older
	// requests are dropped.
	reqID uint64
	sum   summary
	// refreshing: a read is in flight (the spinner turns): the first
	// connection's read, a refresh asked for (reqPending), or the read
	// that follows a connection (connRead). Once both first dials
	// reported, a dial that failed with neither pending is no read:
	// the spinner stops.
	refreshing           bool
	reqPending, connRead bool
	// dialling: the device's first dial has not reported yet (the
	// first read waits on it).
	dialling [2]bool
	spin     spinner.Model
	// lastSync is the last sync of the pair in the audit ("" none).
	lastSync string
	// spinView is spin's frame as last rendered, updated on its tick
	// (View reads it, never renders it).
	spinView string
	log      *views.Log
	// live is each device's connection state from the events, newer
	// than the snapshot's when a device drops or comes back between
	// refreshes.
	live [2]liveState
	// downs is each device's last loss or error (its time and cause
	// word), kept once it is back: the list's past error leads with it.
	downs [2]liveState
	// shownHostKeyErr: the refused host key of a device was shown once
	// in a dialog (reconnects would show it again at every try).
	shownHostKeyErr map[string]bool
	// from is the source the user chose with x ("" the pair's
	// direction); run is the pair's running sync (nil none).
	from string
	run  *syncRun
	// stream is the pair's last sync as its events told it (any
	// session's); dropped the subscription's dropped count last seen.
	stream  *syncStream
	dropped int
	// ownEnd is when this console's last sync of the pair ended: the
	// pair's events of it up to then are skipped (its lines came through
	// Emit).
	ownEnd time.Time
}

// syncing: a sync of the pair runs, this console's or another session's.
func (rt *pairRT) syncing() bool {
	return rt.run != nil || rt.stream != nil && !rt.stream.done
}

// liveState is a device's connection as the last event told it.
type liveState struct {
	at    time.Time
	state views.ConnState
	why   string
}

// track records a connection event of device name.
func (rt *pairRT) track(e pair.Event) {
	for i, d := range rt.spec.Devices {
		if d.Name != e.Device {
			continue
		}
		switch e.Kind {
		case pair.Connected:
			rt.live[i] = liveState{at: e.At, state: views.Up}
		case pair.Lost, pair.Error:
			if cancelledRead(e.Err) {
				// A read the console gave up (a cancelled sync's): not the
				// device's state.
				continue
			}
			why := reasonWord(e.Reason, e.Err)
			if why == "" {
				why = errText(e.Err, "error")
			}
			rt.live[i] = liveState{at: e.At, state: views.Down, why: why}
			rt.downs[i] = liveState{at: e.At, state: views.Down, why: why}
		}
	}
}

// cell is device i as shown: the snapshot's, with the connection state
// of a newer event.
func (rt *pairRT) cell(i int) views.DeviceCell {
	st := rt.p.Snapshot().Devices[i]
	at := time.Time{}
	if rt.sum.snap != nil {
		st, at = rt.sum.snap.Devices[i], rt.sum.snap.At
	}
	c := deviceCell(rt.spec.Devices[i], st)
	if l := rt.live[i]; !l.at.IsZero() && l.at.After(at) {
		c.State, c.Why = l.state, l.why
	}
	c.LastKnown = c.State != views.Up
	return c
}

// Messages from the back end's commands.
type (
	// eventsMsg is a batch of a pair's events, with the summary of the
	// newest snapshot among them (computed in the command).
	eventsMsg struct {
		idx    int
		events []pair.Event
		sum    *summary
		closed bool
	}
	// refreshMsg is the result of refresh request id.
	refreshMsg struct {
		idx int
		id  uint64
		sum summary
		err error
	}
	// runEndedMsg: a pair's Run returned.
	runEndedMsg struct {
		idx int
		err error
	}
	// promptMsg: the back end asks the user something (password, host
	// key); the answer goes back on the request's channel.
	promptMsg struct{ req *promptReq }
)

// eventBatch is the most events one drain returns; eventBuffer is each
// pair's subscription (a sync streams thousands of lines: the pair drops
// the oldest only when the console is that far behind).
const (
	eventBatch  = 1024
	eventBuffer = 8192
)

// runCmd keeps the pair connected and fresh until ctx ends (pair.Run:
// reconnects with backoff).
func runCmd(ctx context.Context, idx int, p *pair.Pair) tea.Cmd {
	return func() tea.Msg {
		return runEndedMsg{idx: idx, err: p.Run(ctx)}
	}
}

// drainCmd waits for the pair's next event, then takes whatever else is
// queued (up to eventBatch) without waiting: one message per batch. The
// model re-arms it after each batch.
func drainCmd(idx int, sub *pair.Subscription) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-sub.C
		if !ok {
			return eventsMsg{idx: idx, closed: true}
		}
		batch := []pair.Event{e}
	more:
		for len(batch) < eventBatch {
			select {
			case e, ok := <-sub.C:
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		msg := eventsMsg{idx: idx, events: batch}
		for i := len(batch) - 1; i >= 0; i-- {
			if batch[i].Kind == pair.Refreshed && batch[i].Snapshot != nil {
				s := summarize(batch[i].Snapshot)
				msg.sum = &s
				break
			}
		}
		return msg
	}
}

// refreshCmd reads both devices now (request id).
func refreshCmd(ctx context.Context, idx int, id uint64, p *pair.Pair, retry bool) tea.Cmd {
	return func() tea.Msg {
		// The user asked: a device whose login was refused may be tried
		// again (Run holds those until asked).
		if retry {
			p.Wake() // not Retry: this is the refresh (one read, one Log line)
		}
		s, err := p.Refresh(ctx)
		return refreshMsg{idx: idx, id: id, sum: summarize(s), err: err}
	}
}

// cancelledRead: err is a read the console gave up (a sync cancelled
// during its re-read, the console quitting), not the device's fault.
func cancelledRead(err error) bool { return errors.Is(err, context.Canceled) }

// logEntry is an event as the Log tab shows it.
func logEntry(e pair.Event) views.LogEntry {
	le := views.LogEntry{At: e.At, Device: e.Device, Kind: e.Kind.String()}
	switch {
	case (e.Kind == pair.Lost || e.Kind == pair.Error) && cancelledRead(e.Err):
		// Asked for (esc during a sync's re-read): no error mark, no
		// error count, no LAST ERROR (trial 15 T3).
		le.Kind, le.Text = "cancelled", "read stopped: cancelled, not a device error"
		return le
	}
	switch e.Kind {
	case pair.Connected:
		le.Text = "session open"
	case pair.Lost:
		le.Text, le.Err = dropDevice(e.Device, errText(e.Err, "connection lost")), true // the device once (H)
	case pair.Error:
		if errors.Is(e.Err, errDeclined) {
			// The user closed the dialog: no login was refused, so
			// not the sshclient's "authentication failed".
			le.Kind, le.Text = "declined", declinedText
			break
		}
		le.Text, le.Err = dropDevice(e.Device, errText(e.Err, string(e.Reason))), true // the device once (H)
	case pair.SyncError:
		le.Text, le.Err = e.Line, true
	case pair.Log:
		le.Text = e.Line
	case pair.Refreshed:
		le.Text = "both devices read"
		if s := e.Snapshot; s != nil {
			le.Text = refreshedText(s)
			if e.Asker != "" {
				le.Text = e.Asker + ": " + le.Text // who read, and why (trial 13d D7)
			}
			if s.CompareErr != nil {
				le.Text += "; " + s.CompareErr.Error()
				le.Err = true
			}
		}
	}
	return le
}

// refreshedText says which members a refresh read: both (and the map
// compared within), one, or neither. A member counts as read when its
// configuration came in on this refresh, over SSH or REST.
func refreshedText(s *pair.Snapshot) string {
	var read, unread []string
	cut := false // a read given up (a cancel), not failed
	for _, d := range s.Devices {
		switch {
		case d.Reachable && d.Err == nil || d.RESTRead && d.RESTErr == nil:
			read = append(read, d.Name)
		case cancelledRead(d.Err):
			cut = true
			fallthrough
		default:
			unread = append(unread, d.Name)
		}
	}
	switch {
	case len(unread) == 0 && s.Compare != nil:
		return "both devices read, compared within sync-map " + s.Compare.Label
	case len(unread) == 0:
		return "both devices read"
	case len(read) == 0 && cut:
		return "neither device read (" + strings.Join(unread, ", ") + "): cancelled"
	case len(read) == 0:
		return "neither device read (" + strings.Join(unread, ", ") + ")"
	case cut:
		return read[0] + " read; " + unread[0] + "'s read cancelled"
	default:
		return read[0] + " read; " + unread[0] + " not read"
	}
}

func errText(err error, fallback string) string {
	if err == nil {
		return fallback
	}
	return err.Error()
}

// promptKind is what a prompt asks.
type promptKind int

const (
	askPassword promptKind = iota
	askPassphrase
	askHostKey
)

// promptReq is a question from the back end, answered through reply.
type promptReq struct {
	kind promptKind
	// who is the device (password), the key file (passphrase) or the
	// host (host key).
	who string
	// keyType and fingerprint of an unknown host key.
	keyType, fingerprint string
	// refused: a password was typed for this device before and the
	// device refused it (asked again).
	refused bool
	reply   chan promptAnswer
}

type promptAnswer struct {
	text string
	yes  bool
	err  error
	// device is the inventory device the dialog named ("" unknown): a
	// declined host key is remembered under it too (prompter.allow).
	device string
}

// errDeclined is the answer to a dialog the user closed. It is an
// inventory.ErrNoPassword, so the pair's reconnect loop holds the device
// until the user asks (pair.Retry) instead of asking again after its
// backoff.
var errDeclined error = declinedError{}

type declinedError struct{}

// declinedText is what the Log and the console's log file say of a
// device whose password question was declined.
const declinedText = "password not given (esc in the dialog; r asks again)"

// eventErr is an event's error as the console's log file records it: a
// declined question is not an authentication failure.
func eventErr(err error) any {
	if errors.Is(err, errDeclined) {
		return declinedText
	}
	return err
}

func (declinedError) Error() string        { return "declined in the console" }
func (declinedError) Is(target error) bool { return target == inventory.ErrNoPassword }

// prompter carries the back end's questions to the model: the pair's
// callbacks (on the pair's goroutines) send a request and wait for the
// answer; waitPromptCmd delivers the requests one by one.
//
// One question at a time: a request goes to the model only once the one
// before it was answered, so a dialog on screen is never replaced by the
// next device's (which waits its turn) and what is typed in it answers
// its own device only. A question the user declined (esc, n) is not
// asked again for that device until the user asks (allow: r, or enter on
// the pair): the pair's refreshes and reconnects get errDeclined at once.
type prompter struct {
	ctx context.Context
	ch  chan *promptReq
	// turn is held (a token in it) while a question is with the model.
	turnOnce sync.Once
	turn     chan struct{}
	// answered are the devices a password was typed for: the back end
	// keeps a typed password and asks again only when the device refused
	// it (pair's member.forgetTyped).
	mu       sync.Mutex
	answered map[string]bool
	// declined: who (device, key file or host) → the device it names
	// ("" unknown), for the questions the user declined.
	declined map[string]string
}

// take waits for the prompter's turn (false when ctx ended first).
func (pr *prompter) take() bool {
	pr.turnOnce.Do(func() { pr.turn = make(chan struct{}, 1) })
	select {
	case pr.turn <- struct{}{}:
		return true
	case <-pr.ctx.Done():
		return false
	}
}

func (pr *prompter) release() { <-pr.turn }

// isDeclined tells whether the user declined a question about who.
func (pr *prompter) isDeclined(who string) bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	_, ok := pr.declined[who]
	return ok
}

// allow lets the questions about the named devices (inventory names) be
// asked again: the user asked for them (r, enter on the pair). It tells
// whether one had been declined.
func (pr *prompter) allow(devices ...string) (any bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for who, dev := range pr.declined {
		for _, d := range devices {
			// "" (a key file's passphrase, a host the inventory does
			// not name): any request of the user's asks again.
			if dev == "" || (d != "" && (who == d || dev == d)) {
				delete(pr.declined, who)
				any = true
			}
		}
	}
	return any
}

func (pr *prompter) ask(req *promptReq) promptAnswer {
	if pr.isDeclined(req.who) {
		return promptAnswer{err: errDeclined}
	}
	if !pr.take() {
		return promptAnswer{err: pr.ctx.Err()}
	}
	defer pr.release()
	// Declined while this one waited its turn (another request of the
	// same device).
	if pr.isDeclined(req.who) {
		return promptAnswer{err: errDeclined}
	}
	req.reply = make(chan promptAnswer, 1)
	select {
	case pr.ch <- req:
	case <-pr.ctx.Done():
		return promptAnswer{err: pr.ctx.Err()}
	}
	var a promptAnswer
	select {
	case a = <-req.reply:
	case <-pr.ctx.Done():
		return promptAnswer{err: pr.ctx.Err()}
	}
	if errors.Is(a.err, errDeclined) || (req.kind == askHostKey && a.err == nil && !a.yes) {
		pr.mu.Lock()
		if pr.declined == nil {
			pr.declined = map[string]string{}
		}
		pr.declined[req.who] = a.device
		pr.mu.Unlock()
	}
	return a
}

// password answers pair.Options.Prompt with a dialog.
func (pr *prompter) password(who string) (string, error) {
	pr.mu.Lock()
	again := pr.answered[who]
	pr.mu.Unlock()
	a := pr.ask(&promptReq{kind: askPassword, who: who, refused: again})
	if a.err == nil {
		pr.mu.Lock()
		if pr.answered == nil {
			pr.answered = map[string]bool{}
		}
		pr.answered[who] = true
		pr.mu.Unlock()
	}
	return a.text, a.err
}

// passphrase answers pair.Options.Passphrase with a dialog.
func (pr *prompter) passphrase(file string) ([]byte, error) {
	a := pr.ask(&promptReq{kind: askPassphrase, who: file})
	if a.err != nil {
		return nil, a.err
	}
	return []byte(a.text), nil
}

// hostKey answers pair.Options.OnUnknownHost with a dialog.
func (pr *prompter) hostKey(ctx context.Context, host string, key ssh.PublicKey) (bool, error) {
	a := pr.ask(&promptReq{kind: askHostKey, who: host, keyType: key.Type(), fingerprint: ssh.FingerprintSHA256(key)})
	return a.yes, a.err
}

func waitPromptCmd(pr *prompter) tea.Cmd {
	return func() tea.Msg {
		select {
		case req := <-pr.ch:
			return promptMsg{req: req}
		case <-pr.ctx.Done():
			return nil
		}
	}
}

// noticeClearMsg clears notice id after its time.
type noticeClearMsg struct{ id int }

func noticeClearCmd(id int, after time.Duration) tea.Cmd {
	return tea.Tick(after, func(time.Time) tea.Msg { return noticeClearMsg{id: id} })
}

// lastSyncMsg is the last sync of pair idx as the audit records it.
type lastSyncMsg struct {
	idx  int
	text string
}

// lastSyncCmd reads the pair's last audit record (a file read: a command).
func lastSyncCmd(l *audit.Log, idx int, name string) tea.Cmd {
	if l == nil {
		return nil
	}
	return func() tea.Msg {
		r, ok, err := l.Last(name)
		if err != nil || !ok {
			return nil
		}
		text := r.Time.Local().Format("01-02 15:04") + " " + string(r.Result)
		return lastSyncMsg{idx: idx, text: text}
	}
}

// dialled notes that the first dial of device name reported.
func (rt *pairRT) dialled(name string) {
	for i, d := range rt.spec.Devices {
		if d != nil && d.Name == name {
			rt.dialling[i] = false
		}
	}
}
