package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

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
		em.say(true, fmt.Sprintf("not saved: %s is syncing the pair since %s", holder.Holder, holder.Since.Format("15:04:05")))
	case em.cur.Equal(em.read):
		em.say(false, "nothing staged: the map is as read from "+em.carrier)
	case len(em.cur.Rules) == 0:
		em.say(true, "not saved: a sync-map needs at least one rule (a remote-router may name it)")
	case syncmap.Refuses(em.cur.CheckRules(carrier, other)):
		em.say(true, "not saved: fix the refused rules ("+p.glyph("✗", "x")+") first")
	default:
		// The commands as typed, the commit included.
		cmds := append(syncmap.WriteCommands(em.read, em.cur), device.CommitText(device.ApplyOptions{Comment: saveComment(em.cur.Name)}))
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
		// was (device.Apply discards what was not committed).
		if kp.String() == "esc" && p.stopSave != nil {
			p.stopSave()
			p.conf.Stopping = true
		}
		return nil
	}
	switch kp.String() {
	case "left", "right", "tab", "shift+tab", "h", "l":
		p.conf.Apply = !p.conf.Apply
	case "j", "down":
		p.conf.Offset = min(p.conf.Offset+1, 2*len(p.conf.Commands))
	case "k", "up":
		p.conf.Offset = max(p.conf.Offset-1, 0)
	case "esc":
		p.conf = nil
		em.say(false, "not saved: the edits stay staged")
	case "enter":
		if !p.conf.Apply {
			p.conf = nil
			em.say(false, "not saved: the edits stay staged")
			return nil
		}
		return p.startSave(em)
	}
	return nil
}

// saveComment is the commit comment of a map's save.
func saveComment(name string) string { return "hasync: sync-map " + name }

// saveLine is a line of a save, stamped where it was produced.
type saveLine struct {
	at   time.Time
	kind string
	text string
	err  bool
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
	ch := make(chan saveLine, 256)
	idx, key := p.idx, em.key
	read, cur := em.read, em.cur.Clone()
	p.com.Log.Info("sync-map save", logPair, p.rt.spec.Name, logDevice, dev.Name, "map", cur.Name)
	// esc stops the apply (ctx); the lines and the re-read use the
	// console's own context: what the device holds is read either way.
	base := p.com.Ctx
	ctx, stop := context.WithCancel(base)
	p.stopSave = stop
	pr, stateDir, holder := p.rt.p, p.dir, p.holder
	save := func() tea.Msg {
		defer stop()
		defer close(ch)
		emit := func(kind, text string, isErr bool) {
			select {
			case ch <- saveLine{at: time.Now(), kind: kind, text: text, err: isErr}:
			case <-base.Done():
			}
		}
		// The outcome goes to the tab and the Log with saveDoneMsg, not
		// through the stream (the tab would say it twice).
		done := func(err error, reread string) tea.Msg {
			return saveDoneMsg{pair: idx, key: key, err: err, reread: reread, at: time.Now(), dev: dev.Name}
		}
		// reread reads the pair and says whether the device now holds
		// cur (saved) or read (as it was).
		reread := func(what string) tea.Msg {
			emit("sync-map", what+"; re-reading the pair", false)
			snap, err := pr.Refresh(base)
			if snap == nil {
				return done(fmt.Errorf("re-read: %w", err), "")
			}
			if ctx.Err() == nil || base.Err() != nil {
				msg, err := rereadCheck(snap, dev.Name, cur)
				return done(err, msg)
			}
			// Stopped: the device decides what it holds, not the stop.
			if msg, err := rereadCheck(snap, dev.Name, cur); err == nil {
				return done(nil, "the stop came after the commit; "+msg)
			}
			if _, err := rereadCheck(snap, dev.Name, read); err == nil {
				return done(fmt.Errorf("stopped before the commit (esc): %s's sync-map %s is as it was (re-read)", dev.Name, cur.Name), "")
			}
			return done(fmt.Errorf("stopped (esc): %s's sync-map %s is neither as it was nor as staged (re-read): see the Log", dev.Name, cur.Name), "")
		}
		// A save writes to the pair as a sync does: it holds the pair's
		// lock (other sessions' S and saves are told who), over the
		// pair's own session on the device.
		lock, err := hsync.Lock(pr, hsync.Options{StateDir: stateDir, Holder: holder})
		if err != nil {
			return done(err, "")
		}
		defer lock.Unlock()
		emit("sync-map", "writing sync-map "+cur.Name+" on "+dev.Name, false)
		sess, err := pr.Session(ctx, dev.Name)
		if err != nil {
			if ctx.Err() != nil && base.Err() == nil {
				return done(fmt.Errorf("stopped before connecting (esc): %s is as it was", dev.Name), "")
			}
			return done(named(dev.Name, err), "")
		}
		res, err := sess.WriteSyncMap(ctx, read, cur, device.ApplyOptions{
			Comment:   saveComment(cur.Name),
			OnCommand: func(_ int, shown string) { emit("sent", shown, false) },
		}, func(line string) { emit("remote", line, false) })
		for _, e := range res.SyncErrors {
			// Committed here; the device's own push to its peer failed.
			emit("sync-error", e, true)
		}
		switch {
		case ctx.Err() != nil && base.Err() == nil:
			return reread("stopped (esc)")
		case err != nil:
			return done(err, "")
		case !res.Committed && !res.NoChanges:
			return done(fmt.Errorf("%s: the commit did not apply", dev.Name), "")
		}
		// The pair is re-read, so every tab (and the re-read map here)
		// shows what the device now holds.
		return reread("committed on " + dev.Name)
	}
	return tea.Batch(save, drainSaveCmd(idx, key, ch))
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
		if len(msg.lines) > 0 {
			entries := make([]views.LogEntry, 0, len(msg.lines))
			dev := strings.SplitN(msg.key, "/", 2)[0]
			for _, l := range msg.lines {
				entries = append(entries, views.LogEntry{At: l.at, Device: dev, Kind: l.kind, Text: l.text, Err: l.err})
				if em != nil {
					em.status = append(em.status, l.kind+": "+l.text)
				}
			}
			if pm != nil && pm.rt != nil {
				pm.rt.log.Append(entries)
			}
			if em != nil && len(em.status) > statusKeep {
				em.status = em.status[len(em.status)-statusKeep:]
			}
		}
		if msg.closed {
			return nil
		}
		return drainSaveCmd(msg.pair, msg.key, msg.ch)
	case saveDoneMsg:
		p.saving, p.stopSave = false, nil
		p.conf = nil
		pm := p.pairs[msg.pair]
		if pm == nil {
			return nil
		}
		em := pm.find(msg.key)
		if em == nil {
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
