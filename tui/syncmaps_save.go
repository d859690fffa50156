package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/pair"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/views"
)

// The Sync-maps tab's save (the exact commands, a confirmation with
// Cancel focused, the apply streamed into the Log, the pair re-read) and
// its $EDITOR round (a buffer that fails to apply is kept in its file and
// reopened by the next e).

// askSave opens the confirmation with the commands a save sends, unless
// there is nothing to save or a rule is refused.
func (p *syncMapsPane) askSave(em *editMap) tea.Cmd {
	carrier, other := p.trees(em)
	holder, syncing := pair.LockInfo{}, false
	if p.rt.p != nil {
		holder, syncing = p.rt.p.SyncHolder()
	}
	switch {
	case p.saving:
		em.say(false, "a save is running")
	case syncing:
		// The map decides what that sync carries: not changed under it.
		em.say(true, "not saved: "+lockedText(p.rt, holder, p.glyph("→", "->")))
	case em.cur.Equal(em.base()):
		em.say(false, "nothing staged: the map is as read from "+em.carrier)
	case !em.read.Equal(em.base()):
		// Read again since the edits began, and changed: saving would
		// overwrite that change (a lost update).
		em.say(true, "not saved: "+mapChanged(em.carrier, em.cur.Name, p.lastSaver(em)).Error())
	case len(em.cur.Rules) == 0:
		em.say(true, "not saved: a sync-map needs at least one rule (a remote-router may name it)")
	case syncmap.Refuses(em.cur.CheckRules(carrier, other)):
		em.say(true, "not saved: fix the refused rules ("+p.glyph("✗", "x")+") first")
	default:
		// The commands as typed, the commit included.
		cmds := append(syncmap.WriteCommands(em.base(), em.cur), device.CommitText(device.ApplyOptions{Comment: saveComment(em.cur.Name)}))
		p.conf = &views.SyncMapConfirm{Device: em.carrier, Map: em.cur.Name, Commands: cmds}
		if em.remote != "" {
			p.conf.Note = em.carrier + " pushes each commit to " + em.remote + " by its own config-sync: this commit also sends the part of its configuration the map covers there"
		}
		em.say(false)
	}
	return nil
}

// confirmKey is a key while the save's question is open.
func (p *syncMapsPane) confirmKey(em *editMap, msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if p.conf.Running {
		// esc stops a save before its commit: the device is left as it
		// was (device.Apply discards what was not committed). Once the
		// commit is sent it commits whole or not at all, as a sync's.
		if kp.String() == "esc" && p.save != nil && !p.conf.Stopping {
			if p.save.beforeCommit(errStopEsc) {
				p.conf.Stopping = true
			} else {
				em.status = append(em.status, "the commit was sent to "+p.save.dev+": it commits whole or not at all; it cannot be stopped now")
			}
		}
		return nil
	}
	switch kp.String() {
	case "left", "right", "tab", "shift+tab":
		// No letter moves the focus: stray typing (a command line meant
		// for a shell) must not reach Apply and enter (trial 13b #15).
		p.conf.Apply = !p.conf.Apply
	case "j", "down":
		p.conf.Offset = min(p.conf.Offset+1, confirmScroll(p.conf))
	case "k", "up":
		p.conf.Offset = max(p.conf.Offset-1, 0)
	case "pgdown":
		p.conf.Offset = min(p.conf.Offset+confirmPage, confirmScroll(p.conf))
	case "pgup":
		p.conf.Offset = max(p.conf.Offset-confirmPage, 0)
	case "esc":
		p.conf = nil
		em.say(false, "not saved: the edits stay staged")
	case "enter":
		if !p.conf.Apply {
			p.conf = nil
			em.say(false, "not saved: the edits stay staged")
			return nil
		}
		if why := p.readOnly(em); why != "" {
			// Made read-only while the question was open (a served
			// session's key demoted).
			p.conf = nil
			em.say(true, "not saved: read-only: "+why)
			return nil
		}
		return p.startSave(em)
	}
	return nil
}

// confirmPage is what pgdown and pgup scroll the save's question by.
const confirmPage = 4

// confirmScroll bounds the question's offset: its lines (the warning and
// the commands, each wrapped to a few lines on a narrow terminal); the
// view stops at the last one, so k undoes no more than a few presses past
// it.
func confirmScroll(c *views.SyncMapConfirm) int {
	return 3*len(c.Commands) + 8
}

// base is the map the staged edits began from: as read before the first
// of them (the pair may have been read again since: em.read).
func (em *editMap) base() *syncmap.Map {
	if len(em.undo) > 0 {
		return em.undo[0]
	}
	return em.read
}

// errMapChanged: the carrier's map is no longer the one the staged
// edits began from; a save would overwrite that change.
var errMapChanged = errors.New("changed since your edits began")

// mapChanged is errMapChanged for map name on dev, naming who saved it
// last when known ("" not).
func mapChanged(dev, name, who string) error {
	by := ""
	if who != "" {
		by = " (last hasync save: " + who + ")"
	}
	return fmt.Errorf("%s's sync-map %s %w%s: u undoes your edits, r re-reads the map; then stage them again", dev, name, errMapChanged, by)
}

// lastSaver names who saved em's map last as this console saw it (the
// pair's events), "" when it saw no such save.
func (p *syncMapsPane) lastSaver(em *editMap) string {
	st := p.rt.stream
	if st == nil || st.sum.Kind != pair.KindMapSave || st.sum.Map != em.cur.Name || st.sum.Target != em.carrier {
		return ""
	}
	return st.holder
}

// saveComment is the commit comment of a map's save.
func saveComment(name string) string { return "hasync: sync-map " + name }

// saveLine is a line of a save, stamped where it was produced.
type saveLine struct {
	at   time.Time
	kind pair.SyncLineKind
	text string
}

// label is the line's word in the tab's status.
func (l saveLine) label() string {
	if l.kind == pair.SyncInfo {
		return "sync-map"
	}
	return l.kind.String()
}

type (
	// saveLinesMsg is a batch of a save's lines; closed: no more.
	saveLinesMsg struct {
		pair   int
		key    string
		lines  []saveLine
		closed bool
		ch     <-chan saveLine
	}
	// saveDoneMsg ends a save: err nil when the device committed and
	// the re-read map is the one saved.
	saveDoneMsg struct {
		pair int
		key  string
		err  error
		// reread says what the re-read found.
		reread string
		// at is when it ended, dev the device written.
		at  time.Time
		dev string
	}
)

// saveBatch is the most lines one drain returns.
const saveBatch = 128

func (p *syncMapsPane) startSave(em *editMap) tea.Cmd {
	p.saving = true
	em.say(false)
	p.conf.Running = true
	dev := p.rt.spec.Devices[em.dev]
	// esc stops the apply (ctx); the lines and the re-read use base:
	// what the device holds is read either way. A served session's save
	// runs on the hub's context, as its syncs do: the session ending
	// does not cut it, and the server's shutdown waits for it (it holds
	// the pair's lock).
	base := p.com.Ctx
	if p.com.Hub != nil {
		if life, _ := p.com.Hub.syncContext(); life != nil {
			base = life
		}
		// Its re-read is named in every Log (Model.asking).
		base = pair.Asking(base, "sync-map save by "+p.holder)
	}
	ctx, stop := context.WithCancelCause(base)
	p.save = &saveStop{stop: stop, dev: dev.Name}
	s := &mapSave{p: p.rt.p, dev: dev.Name, read: em.base(), cur: em.cur.Clone(), stop: p.save, lineHook: p.lineHook,
		o:      hsync.Options{StateDir: p.dir, AuditDir: p.com.AuditDir, Holder: p.holder},
		served: p.com.Served, ctx: ctx, base: base, ch: make(chan saveLine, 256), quit: p.com.Ctx.Done(), idx: p.idx, key: em.key}
	s.commands = syncmap.WriteCommands(s.read, s.cur)
	p.com.Log.Info("sync-map save", logPair, p.rt.spec.Name, logDevice, dev.Name, "map", s.cur.Name)
	save := func() tea.Msg {
		defer stop(nil)
		return s.run()
	}
	return tea.Batch(save, drainSaveCmd(s.idx, s.key, s.ch))
}

// mapSave is one save of a sync-map, run in a command. It writes to the
// pair as a sync does: it holds the pair's lock, over the pair's own
// session on the device; its lines go to this tab (ch) and, as the
// pair's events (pair.KindMapSave), to the Log of every console watching
// the pair; the audit records it.
type mapSave struct {
	p   *pair.Pair
	dev string
	// read is the map the edits began from, cur the map to save.
	read, cur *syncmap.Map
	// commands are the map's commands, as typed before the commit.
	commands []string
	o        hsync.Options
	served   Identity
	// ctx is what esc cancels; base carries the lines and the re-read.
	ctx, base context.Context
	// ch takes the lines for the tab until the console quits (quit).
	ch   chan saveLine
	quit <-chan struct{}
	idx  int
	key  string
	// stop is what stops ctx, and knows when the commit is sent;
	// lineHook: syncMapsPane.lineHook.
	stop     *saveStop
	lineHook func(pair.SyncLineKind, string)
}

// saveStop stops a running save before its commit, never after: the
// rule of a sync's cancel (syncRun.cancelBeforeCommit). esc and a served
// session's lost right to write use it (trial 13d D1: a demotion after
// the commit was said to stop a save that then committed).
type saveStop struct {
	stop context.CancelCauseFunc
	// dev is the device written.
	dev string

	mu         gosync.Mutex
	committing bool
}

// beforeCommit stops the save with cause and reports true, unless its
// commit was sent (then it does nothing and reports false).
func (s *saveStop) beforeCommit(cause error) bool {
	s.mu.Lock()
	ok := !s.committing
	s.mu.Unlock()
	if ok {
		s.stop(cause)
	}
	return ok
}

// commit marks the commit sent: from now on the save is not stopped.
func (s *saveStop) commit() {
	s.mu.Lock()
	s.committing = true
	s.mu.Unlock()
}

// run takes the lock, writes, records and says how it ended.
func (s *mapSave) run() saveDoneMsg {
	defer close(s.ch)
	sum := pair.SyncSummary{Kind: pair.KindMapSave, Target: s.dev, Map: s.cur.Name, Commands: len(s.commands)}
	lock, err := hsync.Lock(s.p, s.o, sum)
	if err != nil {
		return s.done(err, "")
	}
	defer lock.Unlock()
	start := time.Now()
	started := sum
	s.p.PublishSync(pair.Event{Kind: pair.SyncStarted, Device: s.dev, Holder: s.o.Holder, Step: -1, Sync: &started})
	out, committed := s.write()
	rec := s.record(start, out.err, committed)
	if err := s.audit(rec); err != nil && out.err == nil {
		out.err = err
	}
	sum.Outcome, sum.Committed = string(rec.Result), committed
	s.p.PublishSync(pair.Event{Kind: pair.SyncDone, Device: s.dev, Holder: s.o.Holder, Step: -1, Sync: &sum, Err: out.err})
	return out
}

// emit hands a line to the tab and to every console watching the pair.
func (s *mapSave) emit(kind pair.SyncLineKind, text string) {
	if s.lineHook != nil {
		s.lineHook(kind, text)
	}
	s.p.PublishSync(pair.Event{Kind: pair.SyncLine, Device: s.dev, Holder: s.o.Holder, Line: text, Step: -1, LineKind: kind})
	select {
	case s.ch <- saveLine{at: time.Now(), kind: kind, text: text}:
	case <-s.quit:
	}
}

// done is the save's end; the outcome goes to the tab and the Log with
// it, not through the stream (the tab would say it twice).
func (s *mapSave) done(err error, reread string) saveDoneMsg {
	return saveDoneMsg{pair: s.idx, key: s.key, err: err, reread: reread, at: time.Now(), dev: s.dev}
}

// errSaveStopped wraps the end of a save stopped before its commit (the
// device left as it was): audited as cancelled.
var errSaveStopped = errors.New("stopped")

// errStopEsc is the cause of a save stopped by esc; a served session's
// lost right to write is another (Model.stopWrites).
var errStopEsc = errors.New("esc")

// stopWhy says what stopped the save: "esc", or why the session may no
// longer write.
func (s *mapSave) stopWhy() string {
	if cause := context.Cause(s.ctx); cause != nil && cause != context.Canceled {
		return cause.Error()
	}
	return "esc"
}

// write types the map's commands and the commit, and re-reads the pair;
// committed: the device took the change.
func (s *mapSave) write() (out saveDoneMsg, committed bool) {
	ctx, base, dev, cur := s.ctx, s.base, s.dev, s.cur
	// reread reads the pair and says whether the device now holds cur
	// (saved) or read (as it was).
	reread := func(what string) saveDoneMsg {
		s.emit(pair.SyncInfo, what+"; re-reading the pair")
		snap, err := s.p.Refresh(base)
		if snap == nil {
			return s.done(fmt.Errorf("re-read: %w", err), "")
		}
		if ctx.Err() == nil || base.Err() != nil {
			msg, err := rereadCheck(snap, dev, cur)
			return s.done(err, msg)
		}
		// Stopped: the device decides what it holds, not the stop.
		if msg, err := rereadCheck(snap, dev, cur); err == nil {
			return s.done(nil, "the stop came after the commit; "+msg)
		}
		if _, err := rereadCheck(snap, dev, s.read); err == nil {
			return s.done(fmt.Errorf("%w before the commit (%s): %s's sync-map %s is as it was (re-read)", errSaveStopped, s.stopWhy(), dev, cur.Name), "")
		}
		return s.done(fmt.Errorf("stopped (%s): %s's sync-map %s is neither as it was nor as staged (re-read): see the Log", s.stopWhy(), dev, cur.Name), "")
	}
	s.emit(pair.SyncInfo, "checking that "+dev+"'s sync-map "+cur.Name+" is still the one the edits began from")
	if err := s.stale(ctx); err != nil {
		if ctx.Err() != nil && base.Err() == nil {
			return s.done(fmt.Errorf("%w before writing (%s): %s is as it was", errSaveStopped, s.stopWhy(), dev), ""), false
		}
		return s.done(err, ""), false
	}
	s.emit(pair.SyncInfo, "writing sync-map "+cur.Name+" on "+dev)
	sess, err := s.p.Session(ctx, dev)
	if err != nil {
		if ctx.Err() != nil && base.Err() == nil {
			return s.done(fmt.Errorf("%w before connecting (%s): %s is as it was", errSaveStopped, s.stopWhy(), dev), ""), false
		}
		return s.done(named(dev, err), ""), false
	}
	errLine := device.NewErrorLines(config.Vyatta)
	res, err := sess.WriteSyncMap(ctx, s.read, cur, device.ApplyOptions{
		Comment:   saveComment(cur.Name),
		OnCommand: func(_ int, shown string) { s.emit(pair.SyncSent, shown) },
		OnCommit: func() {
			if s.stop != nil {
				s.stop.commit()
			}
		},
	}, func(line string) {
		kind := pair.SyncRemote
		if errLine.Is(line) {
			kind = pair.SyncRemoteError
		}
		s.emit(kind, line)
	})
	for _, e := range res.SyncErrors {
		// Committed here; the device's own push to its peer failed.
		s.emit(pair.SyncRemoteError, e)
	}
	switch {
	case ctx.Err() != nil && base.Err() == nil:
		// The stop may cut the commit's answer, not the commit: the
		// re-read finding the staged map says it committed.
		out := reread("stopped (" + s.stopWhy() + ")")
		return out, res.Committed || out.err == nil
	case err != nil:
		return s.done(err, ""), res.Committed
	case !res.Committed && !res.NoChanges:
		return s.done(fmt.Errorf("%s: the commit did not apply", dev), ""), false
	}
	// The pair is re-read, so every tab (and the re-read map here)
	// shows what the device now holds.
	return reread("committed on " + dev), res.Committed
}

// stale reads the carrier's maps again (the save holds the pair's lock:
// nobody writes meanwhile) and refuses the save when the map is no longer
// the one the edits began from (another operator's save, a sync, a change
// outside hasync): saving would overwrite that change. The error names
// the map's last save in the audit, when there is one.
func (s *mapSave) stale(ctx context.Context) error {
	sess, err := s.p.Session(ctx, s.dev)
	if err != nil {
		return named(s.dev, err)
	}
	maps, _, err := sess.ReadSyncMaps(ctx)
	if err != nil {
		return fmt.Errorf("not saved: the map could not be checked first: %w", named(s.dev, err))
	}
	for _, m := range maps {
		if m.Name == s.cur.Name && m.Equal(s.read) {
			return nil
		}
	}
	return mapChanged(s.dev, s.cur.Name, s.lastSaver())
}

// lastSaver names the last save of the map in the audit: "dave (key
// SHA256:…) at 12:04:01"; "" when the audit has none.
func (s *mapSave) lastSaver() string {
	l, err := hsync.AuditLog(s.o)
	if err != nil {
		return ""
	}
	all, _ := l.Records(s.p.Name())
	for i := len(all) - 1; i >= 0; i-- {
		r := all[i]
		if r.Kind != audit.MapSave || r.Map != s.cur.Name || r.Target != s.dev || r.Result != audit.OK {
			continue
		}
		who := r.User + "@" + r.Host
		if r.SSHUser != "" {
			who = r.SSHUser + " (key " + shortKey(r.SSHKey) + ")"
		}
		return who + " at " + r.Time.Local().Format(time.TimeOnly)
	}
	return ""
}

// record is the save's audit record: who (the SSH user and key of a
// served session), the map, the commands and the outcome (committed: the
// device took the change, whatever err says of what came after).
func (s *mapSave) record(start time.Time, err error, committed bool) audit.Record {
	u, h := audit.Who()
	r := audit.Record{Kind: audit.MapSave, Time: start, User: u, Host: h, SSHUser: s.served.User, SSHKey: s.served.Key,
		Pair: s.p.Name(), Target: s.dev, Map: s.cur.Name, Commands: s.commands, Comment: saveComment(s.cur.Name),
		Counts: audit.Counts{Commands: len(s.commands)}, Result: audit.OK,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000}
	for _, c := range s.commands {
		switch strings.Fields(c)[0] {
		case "set":
			r.Counts.Sets++
		case "delete":
			r.Counts.Deletes++
		}
	}
	if err != nil {
		r.Result, r.Error = saveResult(err, committed), err.Error()
	}
	return r
}

// saveResult is the audit's result of a save that ended with err (not
// nil); committed: the device took the change.
func saveResult(err error, committed bool) audit.Result {
	switch {
	case committed && !errors.Is(err, device.ErrRejected):
		// Committed; what failed is the re-read that checks it (the
		// server shutting down closed the pair, a link lost).
		return audit.Unverified
	case errors.Is(err, errMapChanged):
		return audit.Stale
	case errors.Is(err, errSaveStopped):
		return audit.Cancelled // stopped before the commit: as it was
	case errors.Is(err, device.ErrRejected):
		return audit.Refused
	}
	return audit.Failed
}

// audit appends r where the pair's syncs are recorded.
func (s *mapSave) audit(r audit.Record) error {
	l, err := hsync.AuditLog(s.o)
	if err != nil {
		return err
	}
	return l.Append(r, nil)
}

// named puts the device's name before err unless err starts with it.
func named(dev string, err error) error {
	if strings.HasPrefix(err.Error(), dev+":") {
		return err
	}
	return fmt.Errorf("%s: %w", dev, err)
}

// rereadCheck compares the map the device carries after a save with the
// one saved.
func rereadCheck(snap *pair.Snapshot, devName string, want *syncmap.Map) (string, error) {
	d, ok := snap.Device(devName)
	if !ok || d.Tree == nil {
		return "", fmt.Errorf("re-read: %s's configuration was not read", devName)
	}
	maps, _, err := syncmap.FromConfig(d.Tree)
	if err != nil {
		return "", fmt.Errorf("re-read: %w", err)
	}
	for _, m := range maps {
		if m.Name == want.Name {
			if !m.Equal(want) {
				return "", fmt.Errorf("re-read: %s's sync-map %s is not the one saved", devName, want.Name)
			}
			return fmt.Sprintf("saved: %s's sync-map %s now has %d rule(s) (re-read)", devName, want.Name, len(m.Rules)), nil
		}
	}
	return "", fmt.Errorf("re-read: %s carries no sync-map %s after the save", devName, want.Name)
}

// drainSaveCmd takes a save's lines in batches, re-armed after each.
func drainSaveCmd(idx int, key string, ch <-chan saveLine) tea.Cmd {
	return func() tea.Msg {
		l, ok := <-ch
		if !ok {
			return saveLinesMsg{pair: idx, key: key, closed: true}
		}
		msg := saveLinesMsg{pair: idx, key: key, lines: []saveLine{l}, ch: ch}
		for len(msg.lines) < saveBatch {
			select {
			case l, ok := <-ch:
				if !ok {
					msg.closed = true
					return msg
				}
				msg.lines = append(msg.lines, l)
			default:
				return msg
			}
		}
		return msg
	}
}

// statusKeep is how many lines of a save the tab keeps under its rules.
const statusKeep = 8

// saveResult takes a save's lines (into the tab and the pair's Log) and
// its end.
func (p *syncMapsPane) saveResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case saveLinesMsg:
		pm := p.pairs[msg.pair]
		var em *editMap
		if pm != nil {
			em = pm.find(msg.key)
		}
		// The Log takes the same lines as the pair's events, as every
		// console watching the pair does.
		if em != nil && len(msg.lines) > 0 {
			for _, l := range msg.lines {
				em.status = append(em.status, l.label()+": "+l.text)
			}
			if len(em.status) > statusKeep {
				em.status = em.status[len(em.status)-statusKeep:]
			}
		}
		if msg.closed {
			return nil
		}
		return drainSaveCmd(msg.pair, msg.key, msg.ch)
	case saveDoneMsg:
		p.saving, p.save = false, nil
		p.conf = nil
		pm := p.pairs[msg.pair]
		if pm == nil {
			return nil
		}
		em := pm.find(msg.key)
		if em == nil {
			return nil
		}
		var locked *pair.LockedError
		if errors.As(msg.err, &locked) && pm.rt != nil {
			// Refused at the pair's lock (another's write took it
			// first): nothing was sent, and no device failed, so no
			// device's error in the Log (the pair list's LAST ERROR).
			why := lockedText(pm.rt, locked.Info, p.glyph("→", "->"))
			pm.rt.log.Append([]views.LogEntry{{At: msg.at, Kind: "sync-map", Text: "not saved: " + why}})
			em.statusErr = true
			em.outcome = "not saved: the edits stay staged (" + why + ")"
			return nil
		}
		// The outcome is said last, after any line still in the drain.
		if pm.rt != nil {
			e := views.LogEntry{At: msg.at, Device: msg.dev, Kind: "sync-map", Text: msg.reread}
			if msg.err != nil {
				e.Text, e.Err = msg.err.Error(), true
			}
			pm.rt.log.Append([]views.LogEntry{e})
		}
		if msg.err != nil {
			em.statusErr = true
			em.outcome = "not saved: the edits stay staged (" + msg.err.Error() + ")"
			return nil
		}
		em.statusErr = false
		em.outcome = msg.reread
		// The device holds the staged map now: it is what was read.
		em.read, em.undo = em.cur.Clone(), nil
		return p.check(em)
	}
	return nil
}

// editor is the user's editor command: $VISUAL, $EDITOR, else vi.
func editor() []string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if f := strings.Fields(os.Getenv(v)); len(f) > 0 {
			return f
		}
	}
	return []string{"vi"}
}

type (
	// editorFileMsg: the map's text is in path, ready for the editor.
	editorFileMsg struct {
		pair int
		key  string
		path string
		err  error
	}
	// editorDoneMsg: the editor exited; text is the file's content.
	editorDoneMsg struct {
		pair int
		key  string
		path string
		text string
		err  error
	}
	// editorRemovedMsg: an applied buffer's file was removed.
	editorRemovedMsg struct{}
)

// openEditor writes the map as text to a file (or takes the kept buffer
// that failed last time) and opens it in the editor.
func (p *syncMapsPane) openEditor(em *editMap) tea.Cmd {
	idx, key := p.idx, em.key
	if em.editorFile != "" {
		path := em.editorFile
		return func() tea.Msg { return editorFileMsg{pair: idx, key: key, path: path} }
	}
	text := em.cur.Text(fmt.Sprintf("sync-map %s on %s (%s)", em.cur.Name, em.carrier, p.rt.spec.Name))
	prefix := "hasync-syncmap-" + safeName(em.carrier) + "-" + safeName(em.cur.Name) + "-*.txt"
	dir := p.dir
	return func() tea.Msg {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return editorFileMsg{pair: idx, key: key, err: err}
			}
		}
		f, err := os.CreateTemp(dir, prefix)
		if err != nil {
			return editorFileMsg{pair: idx, key: key, err: err}
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return editorFileMsg{pair: idx, key: key, path: f.Name(), err: err}
	}
}

// safeName keeps letters, digits, - and _ of a name for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

func (p *syncMapsPane) editorResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editorFileMsg:
		em := p.pairs[msg.pair].find(msg.key)
		if em == nil {
			return nil
		}
		if msg.err != nil {
			em.say(true, "editor: "+msg.err.Error())
			return nil
		}
		args := append(editor(), msg.path)
		c := exec.Command(args[0], args[1:]...)
		pair, key, path := msg.pair, msg.key, msg.path
		return tea.ExecProcess(c, func(err error) tea.Msg {
			b, rerr := os.ReadFile(path)
			if err == nil {
				err = rerr
			}
			return editorDoneMsg{pair: pair, key: key, path: path, text: string(b), err: err}
		})
	case editorDoneMsg:
		pm := p.pairs[msg.pair]
		if pm == nil {
			return nil
		}
		em := pm.find(msg.key)
		if em == nil {
			return nil
		}
		return p.applyBuffer(em, msg)
	}
	return nil
}

// applyBuffer stages an edited buffer, or keeps its file and says why
// it did not apply.
func (p *syncMapsPane) applyBuffer(em *editMap, msg editorDoneMsg) tea.Cmd {
	keep := func(why string) tea.Cmd {
		em.editorFile = msg.path
		em.say(true, "the buffer did not apply: "+why, "it is kept in "+msg.path+"; e reopens it")
		return nil
	}
	if msg.err != nil {
		return keep("editor: " + msg.err.Error())
	}
	m, err := syncmap.ParseText(filepath.Base(msg.path), em.cur.Name, em.cur.Family, msg.text)
	if err != nil {
		return keep(err.Error())
	}
	carrier, other := p.trees(em)
	for _, is := range m.CheckRules(carrier, other) {
		if is.Severity == syncmap.Refused {
			return keep(fmt.Sprintf("rule %d: %s", m.Rules[is.Rule].Number, is.Msg))
		}
	}
	em.editorFile = ""
	path := msg.path
	rm := func() tea.Msg {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return editorRemovedMsg{}
	}
	if m.Equal(em.cur) {
		em.say(false, "the buffer is unchanged")
		return rm
	}
	cmd := p.stage(em, m)
	em.say(false, fmt.Sprintf("staged from the editor: %d rule(s); w saves, u undoes", len(m.Rules)))
	return tea.Batch(cmd, rm)
}
