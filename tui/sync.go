package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	hsync "github.com/hasync/hasync/backend/sync"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/sshclient"
	"github.com/hasync/hasync/views"
)

// The console's sync (issue 12, "Sync"): S, R, and the HA tab's c / C
// open a plan screen (plan first, Cancel focused); Apply runs
// backend/sync.Apply in a command whose every event goes through a
// bounded channel drained in batches into the pair's Log; esc before the
// commit cancels its context; afterwards both devices are re-read and
// the outcome shown in the Log's banner, errors tied to their paths.

// syncKind is what a plan screen plans.
type syncKind int

const (
	// syncPush is S: the pair's sync (a push on the Vyatta family, `hrp
	// sync config` on a Huawei pair).
	syncPush syncKind = iota
	// syncRollback is R: the inverse of the last sync.
	syncRollback
	// syncNative is the HA tab's c: the devices' own sync (VRA `update
	// config-sync`, Huawei `hrp sync config`).
	syncNative
	// syncNativeSessions is C: Huawei `hrp sync config`, then `hrp sync
	// connection-status`.
	syncNativeSessions
)

// manyDeletes is the number of delete commands from which Apply asks to
// type the target's name.
const manyDeletes = 10

// planPanel is the plan screen: the plan being computed, then shown with
// its confirmation (Cancel focused first).
type planPanel struct {
	idx  int
	kind syncKind
	// gen tells this screen's plan from an older one's (a stale result
	// is dropped).
	gen  uint64
	opts hsync.Options
	busy bool
	prep *hsync.Prepared
	// outside: planMsg.outside.
	outside []views.PlanLine
	err     error

	title, applyLabel string
	lines             []views.PlanLine
	// disabled says why Apply is disabled ("" enabled); block is the
	// console's reason it was drawn with (planBlock).
	disabled, block string
	// needName is the device's name to type before applying ("" none),
	// nameWhy why.
	needName, nameWhy string
	offset            int
	applyFocus        bool
	typing            bool
	input             textinput.Model
}

// planMsg is a computed plan for panel gen.
type planMsg struct {
	idx  int
	gen  uint64
	prep *hsync.Prepared
	// outside is what the map leaves out (outOfScope), listed in the
	// command: it diffs both whole configurations.
	outside []views.PlanLine
	err     error
}

// syncRun is a sync this console runs on one pair. Its lines come
// through Options.Emit into a bounded channel (a full one makes the sync
// wait: none of the remote's lines is lost) drained in batches; other
// sessions see the same lines as the pair's events (pair.SyncLine),
// which this console skips while its own sync runs.
type syncRun struct {
	id     uint64
	prep   *hsync.Prepared
	cancel context.CancelFunc
	ch     chan syncItem
	start  time.Time

	// mu guards what the Apply goroutine and the model share: the commit
	// typed (committing: no cancel any more) and the cancel asked.
	mu         gosync.Mutex
	committing bool
	cancelled  bool
	// after is what the sync does once past its commit, as its last
	// progress line says (re-reading, waiting for the target to settle):
	// the banner says it, not "committing" (trial 15 T4).
	after string

	// ended is how the sync itself ended, told before the console's
	// re-read of the pair (nil until then; the model's only).
	ended *syncOutcome
}

// saw takes a sync event on Apply's goroutine, before the line is
// published: the commit marks the point from which a cancel is refused;
// a progress line after it says what the sync does now.
func (r *syncRun) saw(e hsync.Event) {
	if !e.Commit && (e.Kind != hsync.Info || !r.committingNow()) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.Commit { // the point of no return (hsync.Event.Commit)
		r.committing = true
		return
	}
	r.after = e.Line
}

func (r *syncRun) committingNow() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.committing
}

// syncStream is a pair's sync as its events tell it, whoever runs it
// (this console, another session of the served console): the banner's
// counts and the path the error lines are tied to.
type syncStream struct {
	holder string
	sum    pair.SyncSummary
	lines  int
	errs   int
	done   bool
	// lastHead is the path of the last commit error block head (`[ path
	// ]`) streamed: the error lines that follow are tied to it.
	lastHead config.Path
	// remote are the keys (dupKey) of the remote error lines streamed;
	// monitor the Log indexes of the device's config-sync error events
	// (the monitor's, the session's) by key; unmark the indexes to make no
	// error once appended: one refusal is one error in the Log.
	remote  map[string]bool
	monitor map[string][]int
	unmark  []int
	// holderGone: the holder's session ended; the write goes on.
	holderGone bool
	// refused is the status notice that refused a write of this console
	// because this write held the lock (0 none): it goes when this write
	// ends.
	refused int
}

// dupKey is what a sync's remote error line and the device's copy of it
// (`monitor log`, a syslog prefix before it) have in common.
func dupKey(line string) string {
	if i := strings.Index(line, "config-sync error"); i >= 0 {
		line = line[i:]
	}
	return strings.TrimSpace(line)
}

// monitorError tells whether a device's config-sync error event at Log
// index i repeats a remote error line of the sync (then it is no error
// of its own), and remembers it for a remote line that comes after.
func (st *syncStream) monitorError(line string, i int) (dup bool) {
	k := dupKey(line)
	if st.remote[k] {
		return true
	}
	if st.monitor == nil {
		st.monitor = map[string][]int{}
	}
	st.monitor[k] = append(st.monitor[k], i)
	return false
}

// flushUnmark makes the duplicates found no error, once in the Log.
func (st *syncStream) flushUnmark(l *views.Log) {
	if st == nil {
		return
	}
	for _, i := range st.unmark {
		l.Unmark(i)
	}
	st.unmark = st.unmark[:0]
}

// startSync begins a sync's stream on rt: st (nil: made from the first
// batch of an own sync), counted from zero, and the Log's pinned block
// from now on the errors of this sync (the older stay in the list).
func (rt *pairRT) startSync(st *syncStream) {
	rt.stream = st
	rt.log.SyncStarted()
}

// syncOutcome is how a sync ended.
type syncOutcome struct {
	res       *hsync.Result
	err       error
	cancelled bool
	// nothingSent: cancelled before anything was sent to a device
	// (hsync.Result.NothingSent): the target is as it was, known without
	// a re-read.
	nothingSent bool
	// after is the snapshot read after the sync; unchanged tells, after
	// a failure, whether the target's configuration equals the one the
	// plan was computed from (-1 unknown: the target could not be read).
	after     *pair.Snapshot
	unchanged int
	// sum is summarize(after), made in the command (Tally diffs and
	// plans both trees: never in Update).
	sum summary
}

// syncItem is one item of an own sync's stream: an event, the sync's
// own end before the console reads the pair again (ended), or the end.
type syncItem struct {
	ev    hsync.Event
	ended *syncOutcome
	done  *syncOutcome
}

// syncLinesMsg is a batch of sync run id's stream for pair idx.
type syncLinesMsg struct {
	idx   int
	id    uint64
	items []syncItem
}

// syncQueue bounds an own sync's lines waiting for the console; syncBatch
// is the most one drain returns.
// syncCoalesce is how long a drain waits for more lines after the first
// (well under a frame: 60 frames a second are 16.7 ms).
const (
	syncQueue    = 4096
	syncBatch    = 2048
	syncCoalesce = 2 * time.Millisecond
)

// stateDir is where the console's syncs keep locks and previous
// configurations: Options.StateDir, else beside the audit directory,
// else hasync's state directory.
func (o Options) stateDir() string {
	switch {
	case o.StateDir != "":
		return o.StateDir
	case o.AuditDir != "":
		return filepath.Dir(o.AuditDir)
	}
	return ""
}

// holder names a local console's syncs for the pair's lock, the audit
// and the pair's events (a served session is named by its SSH user and
// key, Common.Holder).
func holder() string {
	u, h := audit.Who()
	return fmt.Sprintf("%s@%s (hasync console, pid %d)", u, h, os.Getpid())
}

// readOnlyWhy is why the console writes nothing, "" when it may.
func (m *Model) readOnlyWhy() string {
	if !m.com.ReadOnly {
		return ""
	}
	if m.com.ReadOnlyReason != "" {
		return "read-only: " + m.com.ReadOnlyReason
	}
	return "read-only"
}

// markReadOnly marks, in a read-only console's help, the keys that write
// as disabled, with why: S, R, c and C, and the Sync-maps tab's edits
// (all its keys but the moves), which the console refuses.
func (m *Model) markReadOnly(groups []views.HelpGroup) {
	why := m.readOnlyWhy()
	if why == "" {
		return
	}
	k, mk := m.com.Keys, m.maps.keys
	writes := map[key.Help]bool{}
	for _, b := range append([]key.Binding{k.Sync, k.Rollback, k.Native, k.NativeSessions}, m.maps.FullHelp()...) {
		writes[b.Help()] = true
	}
	for _, b := range []key.Binding{mk.Up, mk.Down, mk.PrevMap, mk.NextMap} {
		delete(writes, b.Help())
	}
	for i, g := range groups {
		off := map[string]bool{}
		for _, b := range g.Bindings {
			if writes[b.Help()] {
				off[b.Help().Key] = true
			}
		}
		if len(off) > 0 {
			groups[i].Off, groups[i].Why = off, why
		}
	}
}

// asking names this console as asking for the reads of the pairs made
// on ctx (what: "r", "plan", "sync"), when other consoles watch the same
// pairs (served): their Logs say who read the pair and why, not only
// "refreshed" (trial 13d D7).
func (m *Model) asking(ctx context.Context, what string) context.Context {
	if !m.shared {
		return ctx
	}
	return pair.Asking(ctx, what+" by "+m.holder)
}

// startPlan opens the plan screen of kind for the open pair and computes
// its plan in a command.
func (m *Model) startPlan(kind syncKind) tea.Cmd {
	rt := m.pairs[m.open]
	if rt.run != nil {
		m.setNotice("a sync of "+rt.spec.Name+" is running: wait for its end", true)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	if h, ok := rt.p.SyncHolder(); ok {
		return m.lockRefused(rt, "", h)
	}
	fam := rt.spec.Family
	if kind == syncNativeSessions && fam != config.Huawei {
		m.setNotice("hrp sync connection-status is a Huawei HRP command; c runs update config-sync here", false)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	m.planGen++
	// A served session's sync names its SSH user and key in the audit.
	o := hsync.Options{Holder: m.holder, StateDir: m.stateDir, AuditDir: m.auditDir,
		SSHUser: m.com.Served.User, SSHKey: m.com.Served.Key}
	if kind == syncPush && fam == config.Vyatta {
		o.From = rt.from
	}
	switch kind {
	case syncNative:
		o.Native = fam == config.Vyatta
	case syncNativeSessions:
		o.ConnectionStatus = true
	}
	pp := &planPanel{idx: m.open, kind: kind, gen: m.planGen, opts: o, busy: true}
	pp.title = planTitle(kind, rt.spec.Name, fam)
	m.plan = pp
	return m.planCmd()
}

// replan computes the open plan screen's plan again, pushed by hasync
// (push) or by the device's own sync.
func (m *Model) replan(push bool) tea.Cmd {
	pp := m.plan
	m.planGen++
	pp.gen, pp.busy, pp.opts.Push, pp.applyFocus, pp.offset = m.planGen, true, push, false, 0
	pp.prep, pp.err, pp.lines = nil, nil, nil
	return m.planCmd()
}

// planCmd computes the plan of the plan screen in a command.
func (m *Model) planCmd() tea.Cmd {
	pp := m.plan
	kind, o := pp.kind, pp.opts
	idx, gen, p := pp.idx, pp.gen, m.pairs[pp.idx].p
	ctx := m.asking(m.com.Ctx, "plan") // served: a session ending stops waiting; the shared pair finishes the read
	return func() tea.Msg {
		var prep *hsync.Prepared
		var err error
		if kind == syncRollback {
			prep, err = hsync.PrepareRollback(ctx, p, o)
		} else {
			prep, err = hsync.Prepare(ctx, p, o)
		}
		msg := planMsg{idx: idx, gen: gen, prep: prep, err: err}
		if prep != nil {
			msg.outside = outOfScope(prep)
		}
		return msg
	}
}

func planTitle(kind syncKind, name string, fam config.Family) string {
	switch kind {
	case syncRollback:
		return "Roll back the last sync of " + name
	case syncNative:
		if fam == config.Huawei {
			return "hrp sync config on " + name
		}
		return "update config-sync on " + name
	case syncNativeSessions:
		return "hrp sync config + connection-status on " + name
	}
	if fam == config.Huawei {
		return "Sync " + name + " (hrp sync config)"
	}
	return "Sync " + name
}

// planned takes a computed plan unless the screen moved on.
func (m *Model) planned(msg planMsg) {
	pp := m.plan
	if pp == nil || pp.gen != msg.gen {
		m.com.Log.Debug("stale plan dropped", logReq, msg.gen)
		return
	}
	pp.busy, pp.prep, pp.outside, pp.err = false, msg.prep, msg.outside, msg.err
	rt := m.pairs[msg.idx]
	pp.block = m.planBlock(rt)
	pp.lines, pp.applyLabel, pp.disabled, pp.needName, pp.nameWhy = planLines(rt, pp, pp.block, m.glyph("→", "->"))
	pp.input = textinput.New()
	pp.input.Prompt = "> "
	pp.input.Placeholder = pp.needName
	pp.input.SetWidth(max(m.com.Width-4, 1))
}

// planLines builds the plan screen from a computed plan: direction,
// counts, what would be sent, what is not synced and why, warnings and
// refusals; the Apply button's label, why it is disabled, and the name
// to type when one is asked.
func planLines(rt *pairRT, pp *planPanel, readOnly, arrow string) (lines []views.PlanLine, label, disabled, needName, why string) {
	add := func(k views.PlanLineKind, format string, a ...any) {
		lines = append(lines, views.PlanLine{Kind: k, Text: fmt.Sprintf(format, a...)})
	}
	prep, err := pp.prep, pp.err
	var refused *plan.RefusedError
	switch {
	case prep == nil && err != nil:
		add(views.PlanRefusal, "%s", err.Error())
		switch {
		case errors.Is(err, hsync.ErrNoRollback):
			add(views.PlanText, "A rollback restores the target as the last recorded sync found it; there is none to undo.")
		case errors.Is(err, hsync.ErrStale):
			add(views.PlanText, "The target changed since that sync: a rollback would undo those changes too.")
		case errors.Is(err, hsync.ErrUnreadable):
			add(views.PlanText, "Both devices must be read to plan (r retries).")
		}
		return lines, "", "no plan", "", ""
	case errors.As(err, &refused):
		disabled = fmt.Sprintf("the schema refuses %d command(s): nothing can be sent", len(refused.Refusals))
	case err != nil:
		disabled = err.Error()
	}
	p := prep.Plan
	sets, deletes := 0, 0
	for _, s := range p.Steps {
		switch s.Verb {
		case "set":
			sets++
		case "delete", "undo":
			deletes++
		}
	}
	add(views.PlanText, "%s %s %s · map %s", prep.Source, arrow, prep.Target, prep.Comparison.Label)
	counts := fmt.Sprintf("%d command(s): %d set, %d delete · %d not synced · %d warning(s)", len(p.Commands), sets, deletes, len(p.Conflicts), len(prep.Warnings))
	if p.Mode == plan.HRP {
		counts = fmt.Sprintf("%s lacks %d line(s) · %d conflict(s) hrp sync config leaves · %d warning(s)", prep.Target, len(p.Commands), len(p.Conflicts), len(prep.Warnings))
	}
	add(views.PlanText, "%s", counts)
	switch {
	case prep.Rollback:
		add(views.PlanText, "Restores %s within the map as it was before the last sync (kept configuration).", prep.Target)
	case prep.Native && prep.Family == config.Vyatta:
		add(views.PlanText, "Runs %s.", prep.NativeWhy)
		if pp.kind == syncPush {
			add(views.PlanText, "p: push the plan from hasync instead (the commands below, typed on %s).", prep.Target)
		}
	case pp.opts.Push && pp.kind == syncPush && prep.Family == config.Vyatta:
		add(views.PlanText, "Pushed by hasync over %s (p: back to the device's own config-sync).", prep.TransportText())
	case p.Mode == plan.HRP:
		what := "`hrp sync config`"
		if pp.opts.ConnectionStatus {
			what += ", then `hrp sync connection-status`"
		}
		add(views.PlanText, "Runs %s on %s (HRP active); the standby is read until it settles.", what, prep.Source)
	}
	if refused != nil {
		add(views.PlanHeading, "Refused by the schema (nothing is sent)")
		for _, r := range refused.Refusals {
			add(views.PlanRefusal, "%s", r.String())
		}
	}
	if len(p.Commands) > 0 {
		head := "Commands, in order (typed on " + prep.Target + ")"
		switch {
		case p.Mode == plan.HRP:
			head = "What " + prep.Target + " lacks (hrp sync config adds it)"
		case prep.Native:
			head = "What update config-sync on " + prep.Source + " sets on " + prep.Target + " (it runs on " + prep.Source + ")"
		}
		add(views.PlanHeading, "%s", head)
		for i, s := range p.Steps {
			add(views.PlanCommand, "%4d  %s", i+1, s.Shown)
		}
	}
	if len(p.Conflicts) > 0 {
		head := "Not synced (left for a person)"
		if p.Mode == plan.HRP {
			head = "HRP conflicts (hrp sync config leaves them)"
		}
		add(views.PlanHeading, "%s", head)
		for _, c := range p.Conflicts {
			add(views.PlanNotSynced, "%s: %s", c.Path, c.Reason)
		}
	}
	if len(pp.outside) > 0 {
		// Not "not synced", which counts the in-scope differences the
		// plan leaves (compare.Tally): these are out of scope.
		add(views.PlanHeading, "Outside the map (out of scope: the sync leaves them)")
		lines = append(lines, pp.outside...)
	}
	if len(prep.Warnings) > 0 {
		add(views.PlanHeading, "Warnings")
		for _, w := range prep.Warnings {
			add(views.PlanWarning, "%s", consoleWords(w, prep))
		}
	}
	if p.Empty() && p.Mode != plan.HRP {
		add(views.PlanOK, "nothing to send: %s is in step with %s within the map", prep.Target, prep.Source)
		if disabled == "" {
			disabled = "nothing to send"
		}
	}
	label = fmt.Sprintf("Apply %d to %s", len(p.Commands), prep.Target)
	switch {
	case prep.Rollback:
		label = "Roll back " + prep.Target
	case p.Mode == plan.HRP && pp.opts.ConnectionStatus:
		label = "Run hrp sync config + connection-status"
	case p.Mode == plan.HRP:
		label = "Run hrp sync config"
	}
	if disabled == "" && readOnly != "" {
		disabled = readOnly
	}
	if disabled != "" {
		return lines, label, disabled, "", ""
	}
	if d, ok := snapDevice(rt, prep.Target); ok && d.HA.Role == device.RoleActive {
		needName, why = prep.Target, prep.Target+" is the active member (it carries the traffic)"
	} else if deletes >= manyDeletes {
		needName, why = prep.Target, fmt.Sprintf("the plan deletes %d node(s) on %s", deletes, prep.Target)
	}
	return lines, label, "", needName, why
}

// consoleWords is a warning of the plan as the console says it: the
// console does not push to an HRP standby (p is Vyatta only), so the
// back end's "sync with --push" names the command line that does
// (trial 15 C1).
func consoleWords(w string, prep *hsync.Prepared) string {
	if prep.Family != config.Huawei {
		return w
	}
	return strings.Replace(w, hsync.PushAdvice,
		"the console runs hrp sync config only: push from the command line, `hasync sync --pair "+prep.Pair+" --push` (needs hrp standby config enable),", 1)
}

// maxOutOfScope is how many out-of-scope differences the plan lists.
const maxOutOfScope = 200

// outOfScope lists the differences the map leaves out, each with why.
func outOfScope(prep *hsync.Prepared) []views.PlanLine {
	if prep.Comparison == nil {
		return nil
	}
	var out []views.PlanLine
	n := 0
	for _, c := range prep.Comparison.Changes(false).List {
		if c.InScope {
			continue
		}
		n++
		if n > maxOutOfScope {
			continue
		}
		var why string
		switch c.Decision.Scope {
		case syncmap.Excluded:
			why = "excluded"
			if r := c.Decision.Rule; r != nil {
				why = "excluded by rule " + strconv.Itoa(r.Number) + " (" + strings.Join(r.Location, " ") + ")"
			}
		case syncmap.Protected:
			why = "protected: never synced"
		default:
			why = "no rule of the map covers it"
		}
		out = append(out, views.PlanLine{Kind: views.PlanOutside, Scope: c.Decision.Scope, Text: c.Path.String() + ": " + why})
	}
	if n > maxOutOfScope {
		out = append(out, views.PlanLine{Kind: views.PlanText, Text: fmt.Sprintf("  and %d more (the Diff tab shows them all)", n-maxOutOfScope)})
	}
	return out
}

// snapDevice is the pair's device name as last read.
func snapDevice(rt *pairRT, name string) (pair.DeviceState, bool) {
	if rt.sum.snap == nil {
		return pair.DeviceState{}, false
	}
	d, ok := rt.sum.snap.Device(name)
	if !ok || d == nil {
		return pair.DeviceState{}, false
	}
	return *d, true
}

// planKey handles a key on the plan screen.
func (m *Model) planKey(act Action, msg tea.KeyPressMsg) tea.Cmd {
	pp := m.plan
	switch act {
	case ActPlanClose:
		if pp.typing {
			pp.typing = false
			pp.input.Blur()
			pp.input.SetValue("")
			return nil
		}
		m.plan = nil
	case ActPlanFocus:
		if !pp.busy && pp.disabled == "" {
			pp.applyFocus = !pp.applyFocus
		}
	case ActPlanPush:
		// A Vyatta pair synced by its own config-sync (sync_mode:
		// config-sync): the plan pushed by hasync instead, or back.
		if pp.busy || pp.kind != syncPush || m.pairs[pp.idx].spec.Family != config.Vyatta {
			return nil
		}
		if pp.prep == nil || !pp.prep.Native && !pp.opts.Push {
			return nil
		}
		return m.replan(!pp.opts.Push)
	case ActPlanPress:
		switch {
		case pp.busy:
		case pp.typing:
			if strings.TrimSpace(pp.input.Value()) != pp.needName {
				m.setNotice("that is not "+pp.needName+": type the device's name exactly, or esc", true)
				return noticeClearCmd(m.noticeID, 5*time.Second)
			}
			return m.applyPlan()
		case !pp.applyFocus || pp.disabled != "":
			m.plan = nil
		case pp.needName != "":
			pp.typing = true
			return pp.input.Focus()
		default:
			return m.applyPlan()
		}
	case ActText:
		var cmd tea.Cmd
		pp.input, cmd = pp.input.Update(msg)
		return cmd
	case ActUp:
		m.scrollPlan(-1, 0)
	case ActDown:
		m.scrollPlan(1, 0)
	case ActPageUp:
		m.scrollPlan(0, -1)
	case ActPageDown:
		m.scrollPlan(0, 1)
	case ActHome:
		m.scrollPlan(-1<<30, 0)
	case ActEnd:
		m.scrollPlan(1<<30, 0)
	}
	return nil
}

func (m *Model) planScreen() views.PlanScreen {
	pp := m.plan
	ps := views.PlanScreen{Title: pp.title, Lines: pp.lines, Offset: pp.offset, ApplyLabel: pp.applyLabel,
		ApplyFocused: pp.applyFocus, Disabled: pp.disabled}
	if pp.busy {
		ps.Busy = "reading both devices and computing the plan" + m.glyph("…", "...")
		ps.ApplyLabel, ps.Disabled = "", ""
	}
	if pp.typing {
		ps.Prompt = pp.nameWhy + ": type " + pp.needName + " to apply, enter (esc: back)"
		ps.Input = pp.input.View()
	}
	return ps
}

// scrollPlan scrolls the plan by n lines, or by a page (page -1 up, 1
// down), as views.Plan draws it (its long lines wrapped).
func (m *Model) scrollPlan(n, page int) {
	m.plan.offset = views.PlanScroll(m.com.Styles, m.planScreen(), m.com.Width, max(m.com.Height-1, 1), n, page)
}

// applyPlan closes the plan screen and runs its sync: the Log tab shows
// its stream.
func (m *Model) applyPlan() tea.Cmd {
	pp := m.plan
	m.plan = nil
	if why := m.readOnlyWhy(); why != "" {
		// never reached through the screen (Apply is disabled); a guard
		m.setNotice("not applied: "+why, true)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	rt := m.pairs[pp.idx]
	if rt.run != nil {
		return nil
	}
	if h, ok := rt.p.SyncHolder(); ok {
		// Another session's write holds the pair's lock: said now, not
		// after a sync of this console that only reaches the lock
		// (trial 13c N2).
		return m.lockRefused(rt, "not applied: ", h)
	}
	m.syncID++
	// A local console's sync runs on the console's context. A served
	// session's runs on the hub's: the session ending (its client gone)
	// does not cancel it; the server's shutdown cancels it only before
	// its commit (trial 13 item 1).
	base := m.com.Ctx
	var stopping context.Context
	if m.com.Hub != nil {
		if life, stop := m.com.Hub.syncContext(); life != nil {
			base, stopping = life, stop
		}
	}
	base = m.asking(base, writeKind(pp.prep).String())
	ctx, cancel := context.WithCancel(base)
	run := &syncRun{id: m.syncID, prep: pp.prep, cancel: cancel, start: time.Now(), ch: make(chan syncItem, syncQueue)}
	rt.run = run
	rt.startSync(nil)
	if stopping != nil {
		stopAfter := context.AfterFunc(stopping, func() { run.cancelBeforeCommit(cancel) })
		cancel = func() { stopAfter(); run.cancel() }
	}
	o := pp.opts
	hook, rereadHook, quit := m.syncHook, m.rereadHook, m.com.Ctx.Done()
	// Emit runs on Apply's goroutine, before the line is published: the
	// commit marks the point from which a cancel is refused.
	o.Emit = func(e hsync.Event) {
		run.saw(e)
		if hook != nil { // tests: it sees the commit already marked
			hook(e)
		}
		select {
		case run.ch <- syncItem{ev: e}:
		case <-quit:
			// The console quit: nobody drains the stream any more.
		}
	}
	if pp.kind == syncPush || pp.kind == syncRollback {
		// The Log streams the target's output; a device-native sync
		// started from the HA tab stays there, where the standby's state
		// settles (its progress on the status bar, its lines in the Log).
		m.tab = TabLog
		m.resize()
	}
	p, prep, idx, id := rt.p, pp.prep, pp.idx, run.id
	m.com.Log.Info("sync start", logPair, rt.spec.Name, "source", prep.Source, "target", prep.Target, "commands", len(prep.Plan.Commands))
	apply := func() tea.Msg {
		res, err := hsync.Apply(ctx, p, prep, o)
		out := &syncOutcome{res: res, err: err, unchanged: -1}
		run.mu.Lock()
		out.cancelled = run.cancelled && ctx.Err() != nil
		run.mu.Unlock()
		if res != nil && ctx.Err() == nil {
			// The sync's own re-read, on a live context. After a cancel
			// its re-read could not run (the snapshot keeps the last good
			// trees): the console reads again below.
			out.after = res.After
			if err != nil && res.TargetUnchanged {
				out.unchanged = 1
			}
		}
		if out.cancelled && res != nil && res.NothingSent {
			// Stopped in the sync's first read: nothing reached a
			// device, so the target is known unchanged (the CLI's
			// "interrupted before anything was sent"). The read the
			// cancel cut short left the pair's snapshot without that
			// device: the pair reads again, in the background.
			out.nothingSent, out.unchanged = true, 1
			p.RequestRefresh()
		}
		if err != nil && out.unchanged < 0 && base.Err() == nil && !errors.Is(err, pair.ErrLocked) {
			// Cancelled, or the link dropped: the sync's own re-read may
			// not have happened (its context ended) or found the target
			// unreachable. Read again, on the console's context. The
			// Log says first how the sync ended: the re-read may take a
			// while, and the others' Logs already say it (trial 13d D3).
			ended := *out
			select {
			case run.ch <- syncItem{ended: &ended}:
			case <-quit:
			}
			if rereadHook != nil {
				rereadHook()
			}
			out.after, out.unchanged = reread(base, p, prep)
		}
		if out.after != nil {
			out.sum = summarize(out.after)
		}
		cancel()
		select {
		case run.ch <- syncItem{done: out}:
		case <-quit:
		}
		close(run.ch)
		return nil
	}
	return tea.Batch(apply, syncDrainCmd(idx, id, run.ch))
}

// syncDrainCmd waits for the sync's next item, then takes whatever else
// is queued (up to syncBatch) without waiting: one message per batch.
func syncDrainCmd(idx int, id uint64, ch <-chan syncItem) tea.Cmd {
	return func() tea.Msg {
		it, ok := <-ch
		if !ok {
			return nil
		}
		batch := make([]syncItem, 1, 64)
		batch[0] = it
		// Lines arriving within syncCoalesce of the first join its batch:
		// each message costs the console a frame's View, so a stream of
		// thousands of lines becomes tens of messages, not thousands.
		window := time.NewTimer(syncCoalesce)
		defer window.Stop()
	more:
		for len(batch) < syncBatch && it.done == nil {
			select {
			case it, ok = <-ch:
				if !ok {
					break more
				}
				batch = append(batch, it)
			case <-window.C:
				break more
			}
		}
		return syncLinesMsg{idx: idx, id: id, items: batch}
	}
}

// syncLines applies a batch of an own sync's stream to the pair's Log.
func (m *Model) syncLines(msg syncLinesMsg) tea.Cmd {
	rt := m.pairs[msg.idx]
	run := rt.run
	if run == nil || run.id != msg.id {
		return nil
	}
	if rt.stream == nil {
		rt.stream = &syncStream{holder: "this console",
			sum: pair.SyncSummary{Source: run.prep.Source, Target: run.prep.Target, Commands: len(run.prep.Plan.Commands)}}
	}
	entries := make([]views.LogEntry, 0, len(msg.items))
	var done *syncOutcome
	now := time.Now()
	for _, it := range msg.items {
		if it.done != nil {
			done = it.done
			continue
		}
		if it.ended != nil {
			run.ended = it.ended
			if it.ended.cancelled {
				// The sync's own words, said now; syncDone does not
				// repeat them.
				entries = append(entries, views.LogEntry{At: now, Device: run.prep.Target, Kind: "result", Text: it.ended.err.Error()})
			}
			continue
		}
		e := it.ev
		entries = append(entries, m.lineEntry(rt, e.Kind, e.Device, e.Line, e.Step, now))
	}
	rt.log.Append(entries)
	rt.stream.flushUnmark(rt.log)
	if done != nil {
		return m.syncDone(msg.idx, done)
	}
	run.mu.Lock()
	cancelled := run.cancelled
	run.mu.Unlock()
	rt.log.SetBanner(m.runBanner(rt), cancelled)
	return syncDrainCmd(msg.idx, msg.id, run.ch)
}

// rereadTries bounds how long the console waits for the target to be
// readable again after a failed sync (a dropped link reconnects).
const rereadTries = 20

// reread reads the pair again after a failed sync and tells whether the
// target is as the plan found it (1), changed (0), or unknown (-1).
func reread(ctx context.Context, p *pair.Pair, prep *hsync.Prepared) (*pair.Snapshot, int) {
	var snap *pair.Snapshot
	for range rereadTries {
		snap, _ = p.Refresh(ctx)
		if d, ok := snap.Device(prep.Target); ok && d.Reachable && d.Tree != nil && prep.Comparison != nil {
			if config.Equal(d.Tree.Root, prep.Comparison.Right.Root) {
				return snap, 1
			}
			return snap, 0
		}
		select {
		case <-ctx.Done():
			return snap, -1
		case <-time.After(500 * time.Millisecond):
		}
	}
	return snap, -1
}

// syncEvent applies one of the pair's sync events (SyncStarted,
// SyncLine, SyncDone), whoever runs the sync, and returns its Log entry.
func (m *Model) syncEvent(idx int, e pair.Event) views.LogEntry {
	rt := m.pairs[idx]
	le := views.LogEntry{At: e.At, Device: e.Device, Kind: "sync"}
	arrow := m.glyph("→", "->")
	switch e.Kind {
	case pair.SyncStarted:
		st := &syncStream{holder: e.Holder}
		if e.Sync != nil {
			st.sum = *e.Sync
		}
		rt.startSync(st)
		le.Text = fmt.Sprintf("%s (%d command(s)) by %s", st.title(arrow), st.sum.Commands, e.Holder)
	case pair.SyncLine:
		if rt.stream == nil {
			rt.stream = &syncStream{holder: e.Holder}
		}
		if e.LineKind == pair.SyncHolderGone && rt.stream.holder == e.Holder {
			rt.stream.holderGone = true
		}
		return m.lineEntry(rt, e.LineKind, e.Device, e.Line, e.Step, e.At)
	case pair.SyncDone:
		if st := rt.stream; st != nil {
			st.done = true
			if e.Sync != nil {
				st.sum = *e.Sync
			}
		}
		out, kind := "?", pair.KindSync
		if e.Sync != nil {
			out, kind = e.Sync.Outcome, e.Sync.Kind
		}
		le.Text = kind.String() + " by " + e.Holder + " ended: " + out
		if e.Err != nil {
			le.Text += ": " + e.Err.Error()
		}
	}
	return le
}

// lineEntry is one line of a sync as the Log shows it: a remote error
// line is an error tied to the path of the error block it belongs to (or
// of its plan step, for this console's own sync).
func (m *Model) lineEntry(rt *pairRT, kind pair.SyncLineKind, dev, line string, step int, at time.Time) views.LogEntry {
	st := rt.stream
	st.lines++
	le := views.LogEntry{At: at, Device: dev, Kind: "sync", Text: line}
	switch kind {
	case pair.SyncSent:
		le.Kind, le.Text = "sent", "> "+line
	case pair.SyncRemote, pair.SyncRemoteError:
		le.Kind = "remote"
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			if h := errHead().FindStringSubmatch(t); h != nil {
				st.lastHead = config.Path(strings.Fields(h[1]))
			}
		}
		if kind == pair.SyncRemoteError {
			st.errs++
			k := dupKey(line)
			if st.remote == nil {
				st.remote = map[string]bool{}
			}
			st.remote[k] = true
			st.unmark = append(st.unmark, st.monitor[k]...)
			delete(st.monitor, k)
			le.Err, le.Path = true, st.lastHead
			if run := rt.run; len(le.Path) == 0 && run != nil && step >= 0 && step < len(run.prep.Plan.Steps) {
				le.Path = run.prep.Plan.Steps[step].Change
			}
		}
	}
	return le
}

// planBlock is why the plan screen of rt's pair may not apply now (""
// it may): the console is read-only, or another's write holds the pair's
// lock. The plan is redrawn when that changes, as the write's events
// tell; Apply's own check of the lock stays (applyPlan): a write whose
// events have not come yet, or another process's.
func (m *Model) planBlock(rt *pairRT) string {
	if why := m.readOnlyWhy(); why != "" {
		return why
	}
	if rt.p == nil || rt.run != nil {
		return ""
	}
	h, ok := rt.p.SyncHolder()
	if !ok || h.Holder == m.holder {
		return ""
	}
	if st := rt.stream; st != nil && st.done && st.holder == h.Holder {
		return "" // it ended: its lock goes a moment after its last event
	}
	return "locked: " + lockedText(rt, h, m.glyph("→", "->"))
}

// syncEvents ends a batch holding sync events: the banner follows the
// stream; an own sync whose outcome waited for its SyncDone is shown; a
// sync of another session that ended says so. An open plan of the pair
// greys or ungreys Apply as another's write begins or ends.
func (m *Model) syncEvents(idx int, sawDone bool) tea.Cmd {
	rt := m.pairs[idx]
	if pp := m.plan; pp != nil && pp.idx == idx && !pp.busy && m.planBlock(rt) != pp.block {
		m.redrawPlan()
	}
	st := rt.stream
	if st == nil {
		return nil
	}
	if !st.done {
		rt.log.SetBanner(m.streamBanner(st, "running"), false)
		return nil
	}
	if sawDone {
		if st.refused != 0 && st.refused == m.noticeID {
			m.notice = "" // the lock it named is released
		}
		// Another session's sync ended: its outcome as the events tell.
		state := st.sum.Outcome
		rt.log.SetBanner(m.streamBanner(st, "ended: "+state), state != "ok")
		return lastSyncCmd(m.audit, idx, rt.spec.Name)
	}
	return nil
}

// streamBanner is the Log's banner for a sync seen only through events.
func (m *Model) streamBanner(st *syncStream, state string) string {
	errs := ""
	if st.errs > 0 {
		errs = fmt.Sprintf(" · %d error line(s)", st.errs)
	}
	// The state first: the holder (an SSH key's fingerprint) is long.
	return fmt.Sprintf("%s %s · %d line(s)%s · by %s", st.title(m.glyph("→", "->")), state, st.lines, errs, st.holder)
}

// title names the write: "sync vra-a → vra-b", "rollback vra-a →
// vra-b", "native sync vra-a → vra-b", "sync-map save LAB-SYNC on vra-a".
func (st *syncStream) title(arrow string) string { return st.sum.Title(arrow) }

// lockedText says who holds rt's pair's lock (h) and what they do, as
// the lock says (pair.LockWrite) or else the write's events told this
// console: "alice (session 3, key SHA256:…) is saving sync-map LAB-SYNC
// on vra-a since 10:02:11"; a holder that said nothing (another process:
// hasync sync) by the lock's own words.
func lockedText(rt *pairRT, h pair.LockInfo, arrow string) string {
	since := h.Since.Local().Format(time.TimeOnly) // as the Log's times
	who := h.Holder
	// The holder's session and key go last, so that a narrow line keeps
	// who does what since when (trial 13d D6).
	name, detail, _ := strings.Cut(h.Holder, " (")
	if st := rt.stream; st != nil && !st.done && st.holder == h.Holder && st.holderGone {
		who += " (session ended)" // the write goes on, on the server
		name += " (session ended)"
	}
	var s pair.SyncSummary
	switch st := rt.stream; {
	case h.Write != nil:
		s = *h.Write
	case st != nil && !st.done && st.holder == h.Holder:
		s = st.sum
	default:
		return fmt.Sprintf("a sync of %s is running: held by %s since %s", rt.spec.Name, who, since)
	}
	doing := "syncing " + s.Source + " " + arrow + " " + s.Target
	switch s.Kind {
	case pair.KindRollback:
		doing = "rolling back " + s.Target
	case pair.KindNative:
		doing = "running a native sync " + s.Source + " " + arrow + " " + s.Target
	case pair.KindMapSave:
		doing = "saving sync-map " + s.Map + " on " + s.Target
	case pair.KindSave:
		doing = "saving the running configurations of " + s.Source + " and " + s.Target
	}
	if detail != "" {
		detail = " (" + detail
	}
	return fmt.Sprintf("%s: %s is %s since %s%s", rt.spec.Name, name, doing, since, detail)
}

// lockRefused says, as the status, that a write of this console was
// refused because h holds rt's pair's lock (what: "not applied: "); the
// status goes when that write ends (syncEvents).
func (m *Model) lockRefused(rt *pairRT, what string, h pair.LockInfo) tea.Cmd {
	m.setNotice(what+lockedText(rt, h, m.glyph("→", "->")), true)
	if st := rt.stream; st != nil && !st.done && st.holder == h.Holder {
		st.refused = m.noticeID
	}
	return noticeClearCmd(m.noticeID, 30*time.Second)
}

// errHead is a commit error block's head, `[ path ]` (DOMAIN.md "Commit
// and compare output"; the 5600 prints `[path]`).
var errHead = gosync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[ ?([^\[\]]+?) ?\]$`) })

// runBanner is the Log's banner while this console's sync of rt runs.
func (m *Model) runBanner(rt *pairRT) string {
	run := rt.run
	arrow := m.glyph("→", "->")
	run.mu.Lock()
	committing, cancelled, after := run.committing, run.cancelled, run.after
	run.mu.Unlock()
	state := "running · esc cancels before the commit"
	switch ell := m.glyph("…", "..."); {
	case run.ended != nil && run.ended.cancelled:
		state = "cancelled before the commit · re-reading " + run.prep.Target + ell
	case run.ended != nil:
		state = "ended with an error · re-reading " + run.prep.Target + ell
	case cancelled:
		state = "cancelling" + m.glyph("…", "...")
	case committing && after != "":
		state = "past the commit: " + after
	case committing && run.prep.Native && run.prep.Family == config.Huawei:
		state = "hrp sync config on " + run.prep.Source + " (it cannot be cancelled now)"
	case committing && run.prep.Native:
		state = "update config-sync on " + run.prep.Source + " (its commit on " + run.prep.Target + ": whole or not at all)"
	case committing:
		state = "committing (whole or not at all)"
	}
	lines, errs := 0, ""
	if st := rt.stream; st != nil {
		lines = st.lines
		if st.errs > 0 {
			errs = fmt.Sprintf(" · %d error line(s)", st.errs)
		}
	}
	return fmt.Sprintf("sync %s %s %s · %d line(s)%s · %s", run.prep.Source, arrow, run.prep.Target, lines, errs, state)
}

// cancelBeforeCommit marks the run cancelled and calls stop, unless its
// commit was typed (then it reports false and does nothing): the one rule
// of esc and of the server's shutdown.
func (r *syncRun) cancelBeforeCommit(stop func()) bool {
	r.mu.Lock()
	ok := !r.committing
	if ok {
		r.cancelled = true
	}
	r.mu.Unlock()
	if ok {
		stop()
	}
	return ok
}

// pointOfNoReturn says why esc no longer stops a sync: a commit on the
// target is whole or not at all; hrp sync config runs on the active
// member and is not (the standby takes what it copies as it comes).
func pointOfNoReturn(prep *hsync.Prepared) string {
	switch {
	case prep.Native && prep.Family == config.Huawei:
		return "hrp sync config is running on " + prep.Source + ": it cannot be cancelled now; " + prep.Target + " is read until it settles"
	case prep.Native:
		return "update config-sync is running on " + prep.Source + ": its commit on " + prep.Target + " is whole or not at all; it cannot be cancelled now"
	}
	return "the commit is running on " + prep.Target + ": it commits whole or not at all; it cannot be cancelled now"
}

// cancelSync cancels the open pair's sync unless its commit was typed.
func (m *Model) cancelSync() tea.Cmd {
	rt := m.pairs[m.open]
	run := rt.run
	if run == nil {
		return nil
	}
	if !run.cancelBeforeCommit(run.cancel) {
		m.setNotice(pointOfNoReturn(run.prep), true)
		return noticeClearCmd(m.noticeID, 6*time.Second)
	}
	m.com.Log.Info("sync cancelled", logPair, rt.spec.Name)
	rt.log.SetBanner(m.runBanner(rt), true)
	return nil
}

// syncDone shows how a sync ended: in the Log's banner, the errors tied
// to their paths, what still differs and why; the last sync of the list
// is read again from the audit.
func (m *Model) syncDone(idx int, out *syncOutcome) tea.Cmd {
	rt := m.pairs[idx]
	run := rt.run
	rt.run, rt.ownEnd = nil, time.Now()
	if rt.stream != nil {
		rt.stream.done = true // the status bar stops naming it as running
	}
	prep := run.prep
	arrow := m.glyph("→", "->")
	now := time.Now()
	var entries []views.LogEntry
	add := func(isErr bool, path config.Path, format string, a ...any) {
		entries = append(entries, views.LogEntry{At: now, Device: prep.Target, Kind: "result", Text: fmt.Sprintf(format, a...), Err: isErr, Path: path})
	}
	res, err := out.res, out.err
	nErr := 0
	// The stream's remote error lines already are the refusal's errors:
	// the result repeats them, tied to their paths, not as more errors.
	streamed := rt.stream != nil && rt.stream.errs > 0
	if res != nil {
		for _, e := range res.Errors {
			nErr++
			where := e.Path.String()
			if e.Command != "" {
				where += " (`" + e.Command + "`)"
			}
			path := e.Change
			if len(path) == 0 {
				path = e.Path
			}
			if streamed && len(path) > 0 {
				// The streamed lines (a config-sync error names no
				// block) take the path the result ties them to, so
				// enter still jumps to the refused row.
				rt.log.TiePath(path)
			}
			add(!streamed, path, "refused at %s: %s", where, strings.Join(e.Lines, " / "))
		}
		for _, c := range res.Residue {
			add(false, c.Path, "still differs, as planned: %s: %s", c.Path, c.Reason)
		}
		for _, u := range res.Unexpected {
			add(true, nil, "still differs, unexpected: %s", u)
		}
		if len(res.Applied) > 0 {
			what := "NOT reverted"
			if res.Reverted {
				what = "reverted with the inverse plan"
			} else if res.RevertErr != nil {
				what += ": " + res.RevertErr.Error()
			}
			add(!res.Reverted, nil, "%d path(s) had applied before the failure: %s", len(res.Applied), what)
		}
		if res.Previous != "" {
			add(false, nil, "previous configuration of %s kept in %s", prep.Target, res.Previous)
		}
	}
	unchanged := ""
	switch out.unchanged {
	case 1:
		unchanged = prep.Target + " unchanged (re-read)"
	case 0:
		unchanged = prep.Target + " CHANGED (re-read): compare in the Diff tab"
	default:
		if err != nil {
			unchanged = prep.Target + " not re-read yet (r reads again)"
		}
	}
	var banner string
	isErr := err != nil && !out.cancelled // a cancel is the user's, no error
	var locked *pair.LockedError
	switch {
	case err == nil && prep.Rollback:
		banner = fmt.Sprintf("%s rolled back %s: as before the last sync within the map (re-read)", m.glyph("✓", "ok"), prep.Target)
	case err == nil:
		banner = fmt.Sprintf("%s synced %s %s %s: equal within the map (both re-read)", m.glyph("✓", "ok"), prep.Source, arrow, prep.Target)
		if res != nil && len(res.Residue) > 0 {
			// Conflicts, masked secrets: the plan said they stay.
			banner = fmt.Sprintf("%s synced %s %s %s: what it carries is equal (both re-read); %d difference(s) stay as planned (Log)",
				m.glyph("✓", "ok"), prep.Source, arrow, prep.Target, len(res.Residue))
		}
	case out.nothingSent:
		banner = "sync cancelled before anything was sent · " + prep.Target + " unchanged"
	case out.cancelled:
		banner = "sync cancelled before the commit · " + unchanged
	case errors.As(err, &locked):
		// Refused at the lock: nothing was sent, nothing to re-read.
		banner = "not applied: " + lockedText(rt, locked.Info, arrow)
	case res != nil && res.CommitUnseen:
		// Unchanged when the settle wait ended, but what was sent may
		// still apply: not "unchanged", which invites a second sync (the
		// CLI's "outcome unknown", review 15).
		what, where := "the commit", prep.Target
		switch {
		case prep.Native && prep.Family == config.Huawei:
			what, where = "hrp sync config", prep.Source
		case prep.Native:
			what, where = "update config-sync", prep.Source
		}
		banner = fmt.Sprintf("outcome unknown: %s was sent to %s, its answer was cut, and %s still read unchanged when the settle wait ended; it may yet apply: compare in the Diff tab (r reads again) before syncing again",
			what, where, prep.Target)
	case errors.Is(err, hsync.ErrRemoteRefused):
		banner = fmt.Sprintf("%s refused the change: %d error(s) · %s · enter: its row in Diff", prep.Target, nErr, unchanged)
	case errors.Is(err, hsync.ErrUnexpected):
		banner = fmt.Sprintf("synced, but %d difference(s) remain that the plan did not expect", len(res.Unexpected))
	case errors.Is(err, hsync.ErrStale):
		banner = "not sent: a device changed since the plan was computed (S plans again)"
	case lostConnection(err):
		banner = "connection to " + prep.Target + " lost during the sync · " + unchanged
	default:
		banner = "sync failed: " + err.Error()
		if unchanged != "" {
			banner += " · " + unchanged
		}
	}
	if locked != nil {
		// Refused at the lock: no device did anything, so the line is no
		// device's (as a map save's refusal), and the status names the
		// pair once, as a refusal before the sync does (trial 13d D7).
		rt.log.Append([]views.LogEntry{{At: now, Kind: "sync", Text: banner}})
		rt.log.SetBanner(banner, true)
		m.com.Log.Info("sync refused at the lock", logPair, rt.spec.Name, logErr, err)
		return m.lockRefused(rt, "not applied: ", locked.Info)
	}
	if err != nil && nErr == 0 && (run.ended == nil || !run.ended.cancelled) && !out.nothingSent {
		// (A cancel's words were said before the re-read; the banner
		// says a cancel before anything was sent.)
		add(isErr, nil, "%s", err.Error())
	}
	if out.after != nil {
		for _, d := range out.after.Devices {
			if d.Reachable && d.SavedKnown && d.SavedDiffers {
				add(false, nil, "%s: running configuration not saved", d.Name)
			}
		}
	}
	add(false, nil, "%s (%.1f s)", banner, time.Since(run.start).Seconds())
	// The result's error lines are tied to paths; the stream's are too.
	rt.log.Append(entries)
	rt.log.SetBanner(banner, isErr)
	m.com.Log.Info("sync done", logPair, rt.spec.Name, logErr, err, "cancelled", out.cancelled)
	m.setNotice(rt.spec.Name+": "+banner, isErr)
	cmds := []tea.Cmd{noticeClearCmd(m.noticeID, 10*time.Second), lastSyncCmd(m.audit, idx, rt.spec.Name)}
	if out.after != nil {
		cmds = append(cmds, m.apply(idx, out.sum))
	}
	return tea.Batch(cmds...)
}

// lostConnection: the error says a link dropped or timed out.
func lostConnection(err error) bool {
	return errors.Is(err, device.ErrConnectionLost) || errors.Is(err, device.ErrClosed) ||
		errors.Is(err, device.ErrTimeout) || errors.Is(err, sshclient.ErrConnectionLost)
}

// swap swaps the open pair's direction (the Vyatta family; an HRP pair
// syncs from the active member only).
func (m *Model) swap() tea.Cmd {
	rt := m.pairs[m.open]
	if rt.spec.Family == config.Huawei {
		m.setNotice("an HRP pair syncs from the active member to the standby: the direction is fixed", false)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	if rt.run != nil {
		m.setNotice("a sync of "+rt.spec.Name+" is running: the direction stays until it ends", true)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	src, tgt := direction(rt)
	if src == "" {
		m.setNotice("the pair's direction is not known yet (both devices are read first)", false)
		return noticeClearCmd(m.noticeID, 5*time.Second)
	}
	if rt.from == "" {
		rt.from = tgt
	} else {
		rt.from = ""
	}
	src, tgt = direction(rt)
	m.setNotice(fmt.Sprintf("direction: %s %s %s (x swaps back)", src, m.glyph("→", "->"), tgt), false)
	return tea.Batch(noticeClearCmd(m.noticeID, 5*time.Second), m.diff.build(m.open, rt))
}

// direction is the open pair's sync direction as the console would sync:
// the comparison's, or its reverse after x.
func direction(rt *pairRT) (src, tgt string) {
	s := rt.sum.snap
	if s == nil || s.Compare == nil {
		return "", ""
	}
	src, tgt = s.Compare.Left.Source, s.Compare.Right.Source
	for _, d := range s.Devices {
		if d.Tree == s.Compare.Left {
			src = d.Name
		}
		if d.Tree == s.Compare.Right {
			tgt = d.Name
		}
	}
	if rt.from != "" && rt.from == tgt {
		return tgt, src
	}
	return src, tgt
}

// sessionEnded tells every console watching its pairs that this served
// session ended while its writes run (a sync, a sync-map save): they go
// on, on the server's context (a client gone does not cancel them). Call
// it once the session's program has ended.
func (m *Model) sessionEnded() {
	for _, rt := range m.pairs {
		if kind, ok := m.ownWrite(rt); ok {
			rt.p.PublishSync(pair.Event{Kind: pair.SyncLine, Holder: m.holder, Step: -1, LineKind: pair.SyncHolderGone,
				Line: namedFirst(m.holder, "'s session ended; its "+kind.String()+" goes on, on the server")})
		}
	}
}

// namedFirst is text said of holder ("alice (session 3, key
// SHA256:…)"), the name first and the session and key last: "alice" +
// text + " (session 3, key SHA256:…)". A line cut at 120 columns keeps
// what happened, not the key (trial 13d D6).
func namedFirst(holder, text string) string {
	name, detail, ok := strings.Cut(holder, " (")
	if !ok {
		return holder + text
	}
	return name + text + " (" + detail
}

// ownWrite is the write of rt's pair this console runs now, if any: its
// sync (from the Apply on; the lock follows at once), else the write
// holding the pair's lock in this console's name (a sync-map save).
func (m *Model) ownWrite(rt *pairRT) (pair.SyncKind, bool) {
	if run := rt.run; run != nil {
		return writeKind(run.prep), true
	}
	if rt.p == nil {
		return 0, false
	}
	if h, ok := rt.p.SyncHolder(); ok && h.Holder == m.holder {
		return pair.KindMapSave, true
	}
	return 0, false
}

// writeKind is what a sync of prep is, as backend/sync.Apply names it
// in the pair's events.
func writeKind(prep *hsync.Prepared) pair.SyncKind {
	switch {
	case prep.Rollback:
		return pair.KindRollback
	case prep.Native:
		return pair.KindNative
	}
	return pair.KindSync
}

// stopWrites stops this served session's writes whose key lost the right
// to write (why: "your key's role is now viewer"), as the server's
// shutdown does: a sync not yet committing is cancelled (nothing of it is
// committed), one committing finishes and is verified; so does a
// sync-map save (stopped as esc stops it before its commit: the device is
// left as it was; once its commit is sent it finishes and is re-read).
// The pair's watchers are told. The notes say it to the user.
func (m *Model) stopWrites(why string) []string {
	var out []string
	arrow := m.glyph("→", "->")
	for _, rt := range m.pairs {
		var note, others string
		if run := rt.run; run != nil {
			what := pair.SyncSummary{Kind: writeKind(run.prep), Source: run.prep.Source, Target: run.prep.Target}.Title(arrow)
			if run.cancelBeforeCommit(run.cancel) {
				note = "your " + what + " is cancelled before its commit: " + run.prep.Target + " is left as it was"
				others = "its " + what + " is cancelled before its commit"
				// This console skips its own sync's events: its Log is
				// told here, at once, as the others' (trial 13d D3).
				rt.log.Append([]views.LogEntry{{At: time.Now(), Kind: "sync", Text: namedFirst(m.holder, ": "+why+": "+others)}})
				rt.log.SetBanner(m.runBanner(rt), true)
			} else {
				note = "your " + what + " was committing: it finishes and is verified"
				others = "its " + what + " was committing: it finishes"
			}
		} else if kind, ok := m.ownWrite(rt); ok && kind == pair.KindMapSave && m.maps.save != nil {
			if m.maps.save.beforeCommit(errors.New(why)) {
				if m.maps.conf != nil {
					m.maps.conf.Stopping = true
				}
				note = "your sync-map save is stopped"
				others = "its sync-map save is stopped"
			} else {
				// Its commit was sent: stopping it now would only cut the
				// answer, and the save did happen (trial 13d D1).
				note = "your sync-map save was committing on " + m.maps.save.dev + ": it finishes and is re-read"
				others = "its sync-map save was committing: it finishes"
			}
		}
		if note == "" {
			continue
		}
		out = append(out, note)
		rt.p.PublishSync(pair.Event{Kind: pair.SyncLine, Holder: m.holder, Step: -1, LineKind: pair.SyncInfo,
			Line: namedFirst(m.holder, ": "+why+": "+others)})
		m.com.Log.Info("write stopped", logPair, rt.spec.Name, "why", why)
	}
	return out
}

// redrawPlan builds an open plan screen again for the console's role
// and the pair's lock now: Apply enabled, or disabled with why (and the
// focus back on Cancel).
func (m *Model) redrawPlan() {
	pp := m.plan
	if pp == nil || pp.busy {
		return // a plan still computing is built with the new role
	}
	rt := m.pairs[pp.idx]
	pp.block = m.planBlock(rt)
	pp.lines, pp.applyLabel, pp.disabled, pp.needName, pp.nameWhy = planLines(rt, pp, pp.block, m.glyph("→", "->"))
	pp.input.Placeholder = pp.needName
	if pp.disabled != "" {
		pp.applyFocus, pp.typing = false, false
		pp.input.Blur()
		pp.input.SetValue("")
	}
}

// shutdownNotes say what the server's shutdown does to this served
// session's running syncs (backend/sync's transaction): one committing
// finishes and is verified; one not yet committing is cancelled and
// nothing of it is committed. Call it once the session's program ended.
func (m *Model) shutdownNotes() []string {
	var out []string
	for _, rt := range m.pairs {
		run := rt.run
		if run == nil {
			continue
		}
		run.mu.Lock()
		committing := run.committing
		run.mu.Unlock()
		what := fmt.Sprintf("your sync %s %s %s", run.prep.Source, m.glyph("→", "->"), run.prep.Target)
		if committing {
			out = append(out, what+" was committing: it finishes and is verified on the server (the audit has its outcome)")
		} else {
			out = append(out, what+" is cancelled before its commit: "+run.prep.Target+" is left as it was")
		}
	}
	return out
}

// syncing reports whether any pair's sync runs.
func (m *Model) syncing() bool {
	for _, rt := range m.pairs {
		if rt.run != nil {
			return true
		}
	}
	return false
}

// jump goes from the Log's walked error (or its first one tied to a
// path) to that path's row in the Diff tab.
func (m *Model) jump() tea.Cmd {
	e, ok := m.pairs[m.open].log.Target()
	if !ok {
		m.setNotice("no error tied to a path in the log", false)
		return noticeClearCmd(m.noticeID, 3*time.Second)
	}
	cmd := m.setTab(TabDiff)
	if !m.diff.GoToPath(e.Path) {
		m.setNotice("no row for "+e.Path.String()+" in the Diff", false)
		return tea.Batch(cmd, noticeClearCmd(m.noticeID, 4*time.Second))
	}
	return cmd
}

// syncProgress is the status bar's word on a running sync: the open
// pair's (else the first running one's), its lines so far and its stage;
// "" when none runs.
func (m *Model) syncProgress() string {
	order := make([]int, 0, len(m.pairs))
	if m.screen == ScreenPair {
		order = append(order, m.open)
	}
	for i := range m.pairs {
		order = append(order, i)
	}
	for _, i := range order {
		rt := m.pairs[i]
		st := rt.stream
		lines := 0
		if st != nil {
			lines = st.lines
		}
		switch {
		case rt.run != nil:
			run := rt.run
			run.mu.Lock()
			stage := "running"
			switch {
			case run.cancelled:
				stage = "cancelling"
			case run.committing && run.after != "":
				stage = "past its commit" // re-reading, settling (trial 15 T4)
			case run.committing && run.prep.Native && run.prep.Family == config.Huawei:
				stage = "running hrp sync config"
			case run.committing && run.prep.Native:
				stage = "running update config-sync"
			case run.committing:
				stage = "committing"
			}
			run.mu.Unlock()
			return fmt.Sprintf("%s: sync %s, %d lines", rt.spec.Name, stage, lines)
		case st != nil && !st.done:
			return fmt.Sprintf("%s: %s by %s, %d lines", rt.spec.Name, st.sum.Kind, st.holder, lines)
		}
	}
	return ""
}
