package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/sshclient"
	"github.com/hasync/hasync/views"
)

// Options start the console.
type Options struct {
	Inventory *inventory.Inventory
	// Pair is the base of every pair's options (known hosts, ssh_config,
	// refresh interval, monitor); the console fills the prompts in.
	Pair     pair.Options
	ReadOnly bool
	Logger   *slog.Logger
	// Title names the console in the window title and the top line.
	Title string
	// AuditDir is the audit directory the last sync of each pair is read
	// from ("" none) and a sync's record written to ("" hasync's).
	AuditDir string
	// StateDir holds the syncs' locks and previous configurations; ""
	// is the directory holding AuditDir, else hasync's state directory.
	StateDir string
	// NoColor turns colour off; ASCII uses ASCII glyphs.
	NoColor, ASCII bool
	// ReadOnlyReason says why ReadOnly ("" with ReadOnly: "started with
	// --read-only").
	ReadOnlyReason string
	// Pairs, when given, are the pairs shown instead of the inventory's:
	// pairs the console does not own (the served console's Hub runs
	// them for every session, contract 3). The console watches and
	// refreshes them but never runs or closes them, and never asks a
	// password or host key for them (their owner made them without
	// prompts). Inventory then only names devices.
	Pairs []*pair.Pair
	// Served is the session's SSH identity (hasync serve).
	Served Identity
	// Hub, when given, provides the shared pairs (when Pairs is nil) and
	// what happened to them before this console began (Hub.Recent).
	Hub *Hub
}

// Model is the console's root model: one message switch routes window
// sizes to every component, keys to the focused one and back-end results
// to the pair that owns them, shown or not.
type Model struct {
	com    *Common
	cancel context.CancelFunc
	title  string
	pairs  []*pairRT
	pr     *prompter

	screen Screen
	// pair list
	cursor, offset int
	filter         textinput.Model
	filtering      bool
	visible        []int // indices of the pairs the filter keeps
	// pair view
	open    int
	tab     Tab
	haGen   uint64
	scroll  [tabCount]int
	diff    diffPane
	maps    *syncMapsPane // Sync-maps tab
	pending string

	help    bool
	helpOff int
	mouse   bool
	dialogs []*dialog

	audit *audit.Log

	// plan is the plan screen (nil closed); planGen tells its plan from
	// an older one's; syncID numbers the syncs run. stateDir and
	// auditDir are the syncs' (sync.Options).
	plan *planPanel
	// syncHook, when set (tests), sees each sync event on the sync's
	// goroutine before the console does.
	syncHook func(hsync.Event)
	// rereadHook, when set (tests), runs on the sync's goroutine after
	// the console was told the sync ended and before its re-read.
	rereadHook         func()
	planGen, syncID    uint64
	stateDir, auditDir string
	// holder names this console's syncs (the lock, the audit, the
	// pair's events).
	holder string

	// hostNames names the inventory's devices by the host forms an SSH
	// host key callback gets ("[addr]:port", "addr:port", "addr").
	hostNames map[string]string

	notice    string
	noticeErr bool
	noticeID  int
	quitting  bool

	// shared: the pairs are Options.Pairs, run and closed by their owner
	// (served (E)).
	shared bool
}

// New makes the console's model over the inventory's pairs. Nothing is
// dialled until the program runs Init's commands.
func New(ctx context.Context, o Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	keys := DefaultKeyMap()
	if o.ASCII {
		keys = keys.ASCII()
	}
	com := &Common{Ctx: ctx, Keys: keys, Log: log, ReadOnly: o.ReadOnly, ReadOnlyReason: o.ReadOnlyReason,
		Served: o.Served, Dark: true, NoColor: o.NoColor, Hub: o.Hub, AuditDir: o.AuditDir}
	if com.ReadOnly && com.ReadOnlyReason == "" {
		com.ReadOnlyReason = "started with --read-only"
	}
	com.Styles.ASCII = o.ASCII
	com.restyle()
	m := &Model{com: com, cancel: cancel, title: o.Title, pr: &prompter{ctx: ctx, ch: make(chan *promptReq)}}
	m.stateDir, m.auditDir, m.holder = o.stateDir(), o.AuditDir, holder() // the syncs' (B)
	if h := com.Holder(); h != "" {
		m.holder = h // served (E): the SSH user and key, for the lock, the events and the audit
	}
	if m.title == "" {
		m.title = "hasync"
	}
	m.diff = newDiffPane(com)
	m.maps = newSyncMapsPane(com)                    // Sync-maps tab
	m.maps.dir, m.maps.holder = m.stateDir, m.holder // Sync-maps tab: $EDITOR buffers, the pair's lock
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.Placeholder = "filter pairs"
	popt := o.Pair
	popt.Prompt, popt.Passphrase, popt.OnUnknownHost = m.pr.password, m.pr.passphrase, m.pr.hostKey
	// Secrets compare masked, as hasync status and hasync sync compare
	// them: a re-encrypted password is not a difference to sync.
	popt.Diff.MaskSecrets = true
	if o.AuditDir != "" {
		if l, err := audit.Open(o.AuditDir); err == nil {
			m.audit = l
		} else {
			log.Warn("audit", logErr, err)
		}
	}
	spin := spinner.MiniDot
	if o.ASCII {
		spin = spinner.Line
	}
	m.hostNames = map[string]string{}
	specs := o.Pairs
	if specs == nil && o.Hub != nil {
		specs = o.Hub.Pairs()
	}
	if specs == nil && o.Inventory != nil {
		for _, spec := range o.Inventory.Pairs {
			specs = append(specs, pair.New(spec, popt))
		}
	}
	m.shared = specs != nil && (o.Pairs != nil || o.Hub != nil)
	{ // served (E): over the inventory's pairs, or shared ones
		for i, p := range specs {
			spec := p.Spec()
			for _, d := range spec.Devices {
				port := d.Port
				if port == 0 {
					port = 22
				}
				if d.Address != "" {
					hp := net.JoinHostPort(d.Address, strconv.Itoa(port))
					m.hostNames[hp], m.hostNames["["+d.Address+"]:"+strconv.Itoa(port)], m.hostNames[d.Address] = d.Name, d.Name, d.Name
				}
				if d.SSHHost != "" {
					m.hostNames[d.SSHHost] = d.Name
				}
				if d.Port != 0 {
					// An ssh_config alias resolves to an address the
					// inventory does not name: the port, when it is one
					// device's alone, still tells which.
					k := ":" + strconv.Itoa(d.Port)
					if _, dup := m.hostNames[k]; dup {
						m.hostNames[k] = ""
					} else {
						m.hostNames[k] = d.Name
					}
				}
			}
			since := time.Now()
			sub, unsub := p.Subscribe(eventBuffer)
			rt := &pairRT{spec: spec, p: p, sub: sub, unsub: unsub, log: views.NewLog(),
				refreshing: true, dialling: [2]bool{true, true}, spin: spinner.New(spinner.WithSpinner(spin)), spinView: spin.Frames[0],
				sum: summary{inScope: -1, outScope: -1}, shownHostKeyErr: map[string]bool{}}
			if snap := p.Snapshot(); m.shared && read(snap) {
				// A shared pair was read before this session began: show
				// that at once, not after the next refresh.
				rt.sum, rt.refreshing = summarize(snap), false
			}
			m.pairs = append(m.pairs, rt)
			if o.Hub != nil {
				// What the other sessions saw before this one: through
				// the same path as live events (its commands are Init's).
				if missed := o.Hub.Recent(i, since); len(missed) > 0 {
					_ = m.events(eventsMsg{idx: i, events: missed})
				}
			}
		}
	}
	m.notice = "" // served (E): no notice of a replayed event: it is old news
	m.applyFilter()
	return m
}

// Close ends every pair's connections (after the program returned).
func (m *Model) Close() {
	m.cancel()
	for _, d := range m.dialogs {
		d.cancel()
	}
	for _, rt := range m.pairs {
		rt.unsub()
		if !m.shared { // served (E): the owner closes shared pairs
			rt.p.Close()
		}
	}
}

// Init starts every pair (connect, refresh, reconnect: pair.Run), the
// event drains, the prompt listener and the spinners.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, waitPromptCmd(m.pr)}
	for i, rt := range m.pairs {
		if !m.shared { // served (E): the owner runs shared pairs
			cmds = append(cmds, runCmd(m.com.Ctx, i, rt.p))
		}
		cmds = append(cmds, drainCmd(i, rt.sub), rt.spin.Tick, lastSyncCmd(m.audit, i, rt.spec.Name))
	}
	return tea.Batch(cmds...)
}

// keyState is the state ActionOf reads.
func (m *Model) keyState() KeyState {
	st := KeyState{Screen: m.screen, Tab: m.tab, Help: m.help, Dialog: len(m.dialogs) > 0,
		Filtering: m.filtering, DiffCapture: m.diff.Capturing(), DiffWantsEsc: m.diff.WantsEsc(), Pending: m.pending,
		MapsCapture: m.maps.Capturing()} // Sync-maps tab
	if m.plan != nil {
		st.Plan, st.PlanTyping = true, m.plan.typing
	}
	if m.screen == ScreenPair && m.open < len(m.pairs) {
		st.Syncing = m.pairs[m.open].run != nil
	}
	return st
}

// Update is the one message switch.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.Width, m.com.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.com.Dark = msg.IsDark()
		m.com.restyle()
		m.diff.restyle()
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.plan != nil && m.plan.typing {
			var cmd tea.Cmd
			m.plan.input, cmd = m.plan.input.Update(msg)
			return m, cmd
		}
		if m.screen == ScreenPair && m.tab == TabSyncMaps && m.maps.Capturing() && len(m.dialogs) == 0 { // Sync-maps tab
			return m, m.maps.Update(msg)
		}
		if m.filtering {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			m.applyFilter()
			return m, cmd
		}
		if len(m.dialogs) > 0 {
			d := m.dialogs[len(m.dialogs)-1]
			if d.secret {
				var cmd tea.Cmd
				d.input, cmd = d.input.Update(msg)
				return m, cmd
			}
		}
		return m, nil
	case tea.MouseWheelMsg:
		if !m.mouse {
			return m, nil
		}
		if m.screen == ScreenPair && m.tab == TabDiff {
			return m, m.diff.Update(msg)
		}
		if msg.Button == tea.MouseWheelUp {
			m.move(-3)
		} else if msg.Button == tea.MouseWheelDown {
			m.move(3)
		}
		return m, nil
	case tea.MouseClickMsg:
		if m.mouse && m.screen == ScreenPair && m.tab == TabDiff && len(m.dialogs) == 0 && !m.help {
			m.diff.Click(msg.Y - pairBodyTop)
			return m, nil
		}
		if m.mouse && m.screen == ScreenList && len(m.dialogs) == 0 && !m.help {
			row := m.offset + msg.Y - 2 // title line, header line
			if row >= m.offset && row < len(m.visible) {
				m.cursor = row
			}
		}
		return m, nil
	case spinner.TickMsg:
		var cmds []tea.Cmd
		for _, rt := range m.pairs {
			if rt.refreshing && msg.ID == rt.spin.ID() {
				var cmd tea.Cmd
				rt.spin, cmd = rt.spin.Update(msg)
				rt.spinView = rt.spin.View()
				cmds = append(cmds, cmd)
			}
		}
		return m, tea.Batch(cmds...)
	case eventsMsg:
		return m, m.events(msg)
	case refreshMsg:
		rt := m.pairs[msg.idx]
		if msg.id != rt.reqID {
			m.com.Log.Debug("stale refresh dropped", logPair, rt.spec.Name, logReq, msg.id)
			return m, nil
		}
		rt.refreshing, rt.reqPending = false, false
		return m, m.apply(msg.idx, msg.sum)
	case runEndedMsg:
		if msg.err != nil && !errors.Is(msg.err, context.Canceled) {
			m.com.Log.Error("pair run ended", logPair, m.pairs[msg.idx].spec.Name, logErr, msg.err)
		}
		return m, nil
	case promptMsg:
		m.dialogs = queueDialog(m.dialogs, newPromptDialog(msg.req, m.hostName(msg.req.who)))
		return m, waitPromptCmd(m.pr)
	case screenMsg:
		// The screen as text, read on the program's goroutine (tests,
		// the end-to-end probe).
		msg.reply <- m.Render()
		return m, nil
	case lastSyncMsg:
		m.pairs[msg.idx].lastSync = msg.text
		return m, nil
	case diffBuiltMsg:
		if !m.diff.built(msg) {
			m.com.Log.Debug("stale diff dropped", logReq, msg.gen)
		} else if msg.err != nil {
			m.com.Log.Error("diff", logPair, m.pairs[msg.idx].spec.Name, logErr, msg.err)
		}
		return m, nil
	case haTickMsg:
		if msg.gen != m.haGen || m.screen != ScreenPair || m.tab != TabHA || m.open != msg.idx {
			return m, nil
		}
		return m, tea.Batch(m.refresh(false), haTickCmd(m.haGen, m.open))
	case planMsg:
		m.planned(msg)
		return m, nil
	case syncLinesMsg:
		return m, m.syncLines(msg)
	case noticeClearMsg:
		if msg.id == m.noticeID {
			m.notice = ""
		}
		return m, nil
	}
	if cmd, ok := m.maps.handle(msg); ok { // Sync-maps tab
		return m, cmd
	}
	if m.screen == ScreenPair && m.tab == TabDiff {
		return m, m.diff.Update(msg)
	}
	if m.screen == ScreenPair && m.tab == TabSyncMaps && m.maps.Capturing() { // Sync-maps tab: the inputs' blink
		return m, m.maps.Update(msg)
	}
	return m, nil
}

// screenMsg asks for the rendered screen on reply.
type screenMsg struct{ reply chan string }

// key handles a key press through ActionOf.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	act, pending := ActionOf(m.com.Keys, m.keyState(), msg)
	m.pending = pending
	if m.plan != nil && !m.help && len(m.dialogs) == 0 && act != ActForceQuit && act != ActHelp {
		return m.planKey(act, msg)
	}
	if act == ActQuit && m.syncing() {
		m.setNotice("a sync is running: wait for its end, or esc cancels it before the commit (ctrl+c quits at once)", true)
		return noticeClearCmd(m.noticeID, 6*time.Second)
	}
	switch act {
	case ActSync:
		return m.startPlan(syncPush)
	case ActRollback:
		return m.startPlan(syncRollback)
	case ActNative:
		return m.startPlan(syncNative)
	case ActNativeSessions:
		return m.startPlan(syncNativeSessions)
	case ActSwap:
		return m.swap()
	case ActCancelSync:
		return m.cancelSync()
	case ActJump:
		return m.jump()
	case ActForceQuit, ActQuit:
		if why, hold := m.maps.holdQuit(act == ActQuit); hold { // Sync-maps tab: staged edits
			m.setNotice(why, true)
			return noticeClearCmd(m.noticeID, 10*time.Second)
		}
		m.quitting = true
		for _, d := range m.dialogs {
			d.cancel()
		}
		m.dialogs = nil
		m.cancel()
		return tea.Quit
	case ActDialog:
		d := m.dialogs[len(m.dialogs)-1]
		cmd, done := d.update(msg)
		if done {
			m.dialogs = m.dialogs[:len(m.dialogs)-1]
		}
		return cmd
	case ActHelp:
		m.help, m.helpOff = !m.help, 0
	case ActMouse:
		m.mouse = !m.mouse
		m.setNotice(fmt.Sprintf("mouse %s", map[bool]string{true: "on (wheel scrolls, click selects; text selection off)", false: "off"}[m.mouse]), false)
		return noticeClearCmd(m.noticeID, 4*time.Second)
	case ActFilter:
		m.filtering = true
		return m.filter.Focus()
	case ActFilterAccept:
		m.filtering = false
		m.filter.Blur()
	case ActFilterCancel:
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		m.applyFilter()
	case ActText:
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.applyFilter()
		return cmd
	case ActOpen:
		if m.cursor < len(m.visible) {
			return m.openPair(m.visible[m.cursor])
		}
	case ActBack:
		m.screen = ScreenList
		m.haGen++
	case ActRefresh:
		return m.refresh(true)
	case ActNextTab:
		return m.setTab((m.tab + 1) % tabCount)
	case ActPrevTab:
		return m.setTab((m.tab + tabCount - 1) % tabCount)
	case ActTab1, ActTab2, ActTab3, ActTab4:
		return m.setTab(Tab(act - ActTab1))
	case ActNextError, ActPrevError:
		if m.screen == ScreenPair && m.tab == TabLog {
			l := m.pairs[m.open].log
			if !l.WalkError(act == ActPrevError) {
				m.setNotice("no error in the log", false)
				return noticeClearCmd(m.noticeID, 3*time.Second)
			}
		}
	case ActUp:
		m.move(-1)
	case ActDown:
		m.move(1)
	case ActPageUp:
		m.move(-m.page())
	case ActPageDown:
		m.move(m.page())
	case ActHome:
		m.move(-1 << 30)
	case ActEnd:
		m.move(1 << 30)
	case ActPassThrough:
		if m.tab == TabSyncMaps { // Sync-maps tab
			return m.maps.Update(msg)
		}
		return m.diff.Update(msg)
	}
	return nil
}

func (m *Model) setTab(t Tab) tea.Cmd {
	m.tab = t
	m.resize()
	if t == TabHA {
		// The HA tab refreshes its pair on a timer of its own while shown.
		m.haGen++
		return haTickCmd(m.haGen, m.open)
	}
	return nil
}

// haRefresh is how often the shown HA tab re-reads its pair.
const haRefresh = 15 * time.Second

// haTickMsg is the HA tab's timer; a tick of an older generation (the tab
// was left or another pair opened) is dropped.
type haTickMsg struct {
	gen uint64
	idx int
}

func haTickCmd(gen uint64, idx int) tea.Cmd {
	return tea.Tick(haRefresh, func(time.Time) tea.Msg { return haTickMsg{gen: gen, idx: idx} })
}

func (m *Model) openPair(i int) tea.Cmd {
	m.open, m.screen = i, ScreenPair
	if m.pr.allow(m.pairs[i].spec.Devices[0].Name, m.pairs[i].spec.Devices[1].Name) { // declined questions asked again (H)
		m.pairs[i].p.Retry()
	}
	m.scroll = [tabCount]int{}
	return tea.Batch(m.setTab(m.tab), m.diff.build(i, m.pairs[i]), m.maps.setPair(i, m.pairs[i])) // Sync-maps tab
}

// refresh asks the open pair (or the selected one on the list) for a
// refresh now, with a new request ID; retry, when the user asked, also
// retries a device whose login was refused (pair.Retry).
func (m *Model) refresh(retry bool) tea.Cmd {
	idx := m.open
	if m.screen == ScreenList {
		if m.cursor >= len(m.visible) {
			return nil
		}
		idx = m.visible[m.cursor]
	}
	rt := m.pairs[idx]
	if retry {
		m.pr.allow(rt.spec.Devices[0].Name, rt.spec.Devices[1].Name) // declined questions asked again (H)
	}
	rt.reqID++
	was := rt.refreshing
	rt.refreshing, rt.reqPending = true, true
	m.com.Log.Info("refresh requested", logPair, rt.spec.Name, logReq, rt.reqID)
	what := "r"
	if !retry {
		what = "HA tab" // its own refresh, every haRefresh
	}
	cmds := []tea.Cmd{refreshCmd(m.asking(m.com.Ctx, what), idx, rt.reqID, rt.p, retry)}
	if !was {
		cmds = append(cmds, rt.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// events applies a batch of a pair's events and re-arms the drain.
func (m *Model) events(msg eventsMsg) tea.Cmd {
	rt := m.pairs[msg.idx]
	if msg.closed {
		return nil
	}
	entries := make([]views.LogEntry, 0, len(msg.events))
	var cmds []tea.Cmd
	syncSeen, syncDone := false, false
	for _, e := range msg.events {
		switch e.Kind {
		case pair.SyncStarted, pair.SyncLine, pair.SyncDone:
			if e.Holder == m.holder && (rt.run != nil || !e.At.After(rt.ownEnd)) {
				continue // this console's own sync: its lines came through Emit
			}
			entries = append(entries, m.syncEvent(msg.idx, e))
			syncSeen, syncDone = true, syncDone || e.Kind == pair.SyncDone
			continue
		}
		le := logEntry(e)
		if e.Kind == pair.SyncError && rt.stream != nil && rt.stream.monitorError(e.Line, rt.log.Len()+len(entries)) {
			le.Err = false // the sync's remote error line, already in the Log
		}
		if e.Kind != pair.Refreshed || le.Err || !rt.syncing() {
			// While a sync runs, its reads (one per settle round) are
			// said by its own progress lines, a read that changes nothing
			// at most every 5 s: a line per read would flood the Log
			// (trial 15 T4).
			entries = append(entries, le)
		}
		rt.track(e)
		m.com.Log.Info("event", logPair, e.Pair, logDevice, e.Device, logKind, e.Kind.String(), logErr, eventErr(e.Err))
		switch e.Kind {
		case pair.Connected:
			rt.dialled(e.Device)
			rt.connRead = true // a read follows each connection (pair.Run)
			if !rt.refreshing {
				rt.refreshing = true
				cmds = append(cmds, rt.spin.Tick)
			}
		case pair.Refreshed:
			rt.refreshing, rt.connRead = false, false
			cmds = append(cmds, lastSyncCmd(m.audit, msg.idx, rt.spec.Name))
		case pair.SyncError:
			m.setNotice(fmt.Sprintf("%s %s: config-sync error: %s", rt.spec.Name, e.Device, e.Line), true)
			cmds = append(cmds, noticeClearCmd(m.noticeID, 15*time.Second))
		case pair.Lost:
			if cancelledRead(e.Err) {
				break
			}
			m.setNotice(fmt.Sprintf("%s: %s lost: %s", rt.spec.Name, e.Device, dropDevice(e.Device, errText(e.Err, ""))), true) // the device once (H)
			cmds = append(cmds, noticeClearCmd(m.noticeID, 10*time.Second))
		case pair.Error:
			rt.dialled(e.Device)
			if !rt.reqPending && !rt.connRead && rt.dialling == [2]bool{} {
				// A dial failed (or a question was declined) and no
				// read waits on it: nothing is in progress.
				rt.refreshing = false
			}
			var hk *sshclient.HostKeyError
			if errors.As(e.Err, &hk) && !rt.shownHostKeyErr[e.Device] {
				rt.shownHostKeyErr[e.Device] = true
				m.dialogs = queueDialog(m.dialogs, newNoticeDialog("Host key refused: "+e.Device, hk.Error()))
			}
		}
	}
	rt.log.Append(entries)
	rt.stream.flushUnmark(rt.log)
	if syncSeen {
		cmds = append(cmds, m.syncEvents(msg.idx, syncDone))
	}
	if n := rt.sub.Dropped(); n > rt.dropped && rt.run == nil && time.Since(rt.ownEnd) > 5*time.Second {
		// The console fell behind the pair's events (a long sync
		// stream): say how many lines the Log lacks.
		rt.log.Append([]views.LogEntry{{At: time.Now(), Kind: "console", Err: true,
			Text: fmt.Sprintf("%d event(s) dropped: the console fell behind the stream (the audit has the outcome)", n-rt.dropped)}})
		rt.dropped = n
	} else if n > rt.dropped {
		// During this console's own sync: its own lines (they came
		// complete through Emit) filled the subscription.
		rt.dropped = n
	}
	if msg.sum != nil {
		cmds = append(cmds, m.apply(msg.idx, *msg.sum))
	}
	cmds = append(cmds, drainCmd(msg.idx, rt.sub))
	return tea.Batch(cmds...)
}

// apply takes a new summary unless an older snapshot than the one shown;
// the open pair's Diff is rebuilt from it.
func (m *Model) apply(idx int, s summary) tea.Cmd {
	rt := m.pairs[idx]
	if s.snap == nil {
		return nil
	}
	if rt.sum.snap != nil && s.snap.At.Before(rt.sum.snap.At) {
		m.com.Log.Debug("older snapshot dropped", logPair, rt.spec.Name)
		return nil
	}
	if prev := rt.sum.snap; prev != nil {
		m.roleChanges(rt, prev, s.snap)
	}
	rt.sum = s
	if m.screen == ScreenPair && m.open == idx {
		return tea.Batch(m.diff.build(idx, rt), m.maps.setPair(idx, rt)) // Sync-maps tab
	}
	return nil
}

// hostName is the inventory device a host key callback's host names
// ("[addr]:port", "addr:port", "addr"; by its port alone when the address
// came from ssh_config), "" none.
func (m *Model) hostName(host string) string {
	if n := m.hostNames[host]; n != "" {
		return n
	}
	if _, port, err := net.SplitHostPort(host); err == nil {
		return m.hostNames[":"+port]
	}
	return ""
}

// glyph is uni, or ascii under --ascii.
func (m *Model) glyph(uni, ascii string) string {
	if m.com.Styles.ASCII {
		return ascii
	}
	return uni
}

// roleChanges logs (and notices) each device whose HA role changed
// between two snapshots: a failover shows in the Log as it is seen.
func (m *Model) roleChanges(rt *pairRT, prev, cur *pair.Snapshot) {
	var entries []views.LogEntry
	for i := range cur.Devices {
		was, is := roleText(prev.Devices[i]), roleText(cur.Devices[i])
		if was == is || was == "" || is == "" {
			continue
		}
		text := fmt.Sprintf("HA role %s %s %s", was, m.glyph("→", "->"), is)
		entries = append(entries, views.LogEntry{At: cur.At, Device: cur.Devices[i].Name, Kind: "ha", Text: text})
		m.com.Log.Info("role change", logPair, rt.spec.Name, logDevice, cur.Devices[i].Name, "from", was, "to", is)
		m.setNotice(fmt.Sprintf("%s: %s %s", rt.spec.Name, cur.Devices[i].Name, text), false)
	}
	rt.log.Append(entries)
}

func (m *Model) setNotice(s string, isErr bool) {
	m.noticeID++
	m.notice, m.noticeErr = s, isErr
}

// applyFilter keeps the pairs whose name, family or device names hold
// the filter's text.
func (m *Model) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	sel := -1
	if m.cursor < len(m.visible) {
		sel = m.visible[m.cursor]
	}
	m.visible = m.visible[:0]
	for i, rt := range m.pairs {
		hay := strings.ToLower(rt.spec.Name + " " + rt.spec.Family.String() + " " + rt.spec.Devices[0].Name + " " + rt.spec.Devices[1].Name)
		if q == "" || strings.Contains(hay, q) {
			if i == sel {
				m.cursor = len(m.visible) // the selected pair stays selected
			}
			m.visible = append(m.visible, i)
		}
	}
	m.cursor = min(m.cursor, max(len(m.visible)-1, 0))
	m.clampList()
}

// Layout: the list has a title line and a status line; the pair view a
// three-line header, a tab line and a status line.
func (m *Model) listHeight() int { return max(m.com.Height-2, 1) }
func (m *Model) bodyHeight() int { return max(m.com.Height-5, 1) }

// pairBodyTop is the first line of a tab's body in the pair view.
const pairBodyTop = 4

func (m *Model) resize() {
	w := m.com.Width
	m.filter.SetWidth(max(w-4, 1))
	m.diff.SetSize(w, m.bodyHeight())
	for _, rt := range m.pairs {
		rt.log.SetSize(w, m.bodyHeight())
	}
	m.clampList()
}

func (m *Model) page() int {
	if m.screen == ScreenList {
		return max(views.PairListVisible(m.listHeight())-1, 1)
	}
	return max(m.bodyHeight()-1, 1)
}

func (m *Model) clampList() {
	vis := views.PairListVisible(m.listHeight())
	m.cursor = min(max(m.cursor, 0), max(len(m.visible)-1, 0))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+vis {
		m.offset = m.cursor - vis + 1
	}
	m.offset = max(m.offset, 0)
}

// move moves the focused list or tab by n rows.
func (m *Model) move(n int) {
	if m.help {
		m.helpOff = min(max(m.helpOff+n, 0), max(views.HelpLen(m.helpGroups())-(m.com.Height-1), 0))
		return
	}
	if m.screen == ScreenList {
		m.cursor += n
		m.clampList()
		return
	}
	switch m.tab {
	case TabLog:
		m.pairs[m.open].log.ScrollBy(n)
	case TabHA:
		m.scroll[m.tab] = min(max(m.scroll[m.tab]+n, 0), max(len(m.tabLines())-m.bodyHeight(), 0))
	}
}

// tabLines are the lines of the HA tab of the open pair (short: built
// whole).
func (m *Model) tabLines() []string {
	return views.HALines(m.com.Styles, haDataOf(m.pairs[m.open]), m.com.Width) // live connection states (H)
}
