package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/views"
)

// syncMapsPane is the Sync-maps tab (contract 4): the pair's sync-maps,
// each editable with staged edits and undo until saved, a rule form with
// completion and inline errors, a live preview computed in a command
// (request IDs: a result for an older edit is dropped), $EDITOR, and the
// save (exact commands, a confirmation with Cancel focused, the apply
// streamed into the Log, the pair re-read). Staged edits are kept per
// pair while the console runs.
type syncMapsPane struct {
	com   *Common
	keys  syncMapKeys
	idx   int
	rt    *pairRT
	pairs map[int]*pairMaps
	form  *ruleForm
	conf  *views.SyncMapConfirm
	// dir is where $EDITOR buffers are written (the state directory;
	// "" the system's temporary directory).
	dir string
	// holder names this console's writes, for the pair's lock (Model.holder).
	holder string
	// quitArmed: q was held once for staged edits; the next q quits.
	quitArmed bool
	// saving: a save of the selected map runs; save stops it before
	// its commit.
	saving bool
	save   *saveStop
	// lineHook, when set (tests), sees each line of a save on its
	// goroutine before anyone else (the commit's line: marked committing
	// already).
	lineHook func(kind pair.SyncLineKind, text string)
}

// pairMaps are one pair's maps as the tab edits them.
type pairMaps struct {
	// rt is the pair: a save's lines go to its Log, shown or not.
	rt   *pairRT
	maps []*editMap
	sel  int
}

// editMap is one map: as read from the device, with the staged edits and
// their undo stack, and what the last check and preview found.
type editMap struct {
	key string // "device/name"
	// dev is the member that carries the map (the preview covers its
	// configuration); target the other.
	dev      int
	carrier  string
	target   string
	remote   string
	read     *syncmap.Map
	cur      *syncmap.Map
	undo     []*syncmap.Map
	readOnly string
	// scopes: the pair is compared within this map.
	scopes bool
	cursor int
	gen    uint64
	issues []syncmap.Issue
	counts []syncmap.RuleCount
	prev   views.SyncMapPreview
	// asRead is the count of differences with the map as read, for
	// asReadOf (computed once per read, not per edit).
	asRead   int
	asReadOf *syncmap.Map
	// editorFile is a buffer that failed to apply, reopened by the next e.
	editorFile string
	status     []string
	statusErr  bool
	// outcome is the last save's result, shown after its lines.
	outcome string
}

func newSyncMapsPane(com *Common) *syncMapsPane {
	return &syncMapsPane{com: com, keys: defaultSyncMapKeys(com.Styles.ASCII), pairs: map[int]*pairMaps{}}
}

// syncMapKeys are the tab's own keys (the rule list's; the form and the
// confirmation read theirs as text).
type syncMapKeys struct {
	Up, Down, PrevMap, NextMap, Add, Edit, Delete, Toggle, Renumber key.Binding
	MoveDown, MoveUp, Undo, Save, Editor                            key.Binding
}

func defaultSyncMapKeys(ascii bool) syncMapKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		if ascii {
			// --ascii: the arrows' names in words.
			help = strings.NewReplacer("↑", "up", "↓", "down", "←", "left", "→", "right").Replace(help)
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return syncMapKeys{
		Up:       b("↑/k", "previous rule", "up", "k"),
		Down:     b("↓/j", "next rule", "down", "j"),
		PrevMap:  b("←/h", "previous map", "left", "h"),
		NextMap:  b("→/l", "next map", "right", "l"),
		Add:      b("a", "add rule", "a"),
		Edit:     b("enter", "edit rule", "enter"),
		Delete:   b("d", "delete rule", "d"),
		Toggle:   b("t", "include/exclude", "t"),
		Renumber: b("n", "renumber 10, 20, 30", "n"),
		MoveDown: b("ctrl+j", "move rule down", "ctrl+j"),
		MoveUp:   b("ctrl+k", "move rule up", "ctrl+k"),
		Undo:     b("u", "undo staged edit", "u"),
		Save:     b("w", "save to the device", "w", "ctrl+s"),
		Editor:   b("e", "edit in $EDITOR", "e"),
	}
}

// ShortHelp are the keys of the status bar on this tab.
func (p *syncMapsPane) ShortHelp() []key.Binding {
	switch {
	case p.conf != nil:
		return []key.Binding{
			key.NewBinding(key.WithKeys("left"), key.WithHelp(p.glyph("←/→", "left/right"), "choose")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "do it")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	case p.form != nil:
		return []key.Binding{
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete/next")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "stage")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	k := p.keys
	if em := p.cur(); em == nil || p.readOnly(em) != "" {
		return []key.Binding{k.Up, k.Down, k.PrevMap, k.NextMap}
	}
	// The status bar's words are short: all of them fit 80 cells.
	short := func(b key.Binding, keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keys, desc))
	}
	keys := []key.Binding{short(k.Add, "a", "add"), short(k.Edit, "enter", "edit"), short(k.Delete, "d", "delete"),
		short(k.MoveDown, "^j/^k", "move"), short(k.Undo, "u", "undo"), short(k.Save, "w", "save")}
	if p.offersEditor() {
		keys = append(keys, short(k.Editor, "e", "$EDITOR"))
	}
	return keys
}

// offersEditor: e opens $EDITOR only in a local console; a served
// session would run the editor on the server.
func (p *syncMapsPane) offersEditor() bool { return p.com.Served == (Identity{}) }

// FullHelp are the tab's keys for the help screen.
func (p *syncMapsPane) FullHelp() []key.Binding {
	k := p.keys
	keys := []key.Binding{k.Up, k.Down, k.PrevMap, k.NextMap, k.Add, k.Edit, k.Delete, k.Toggle,
		k.Renumber, k.MoveDown, k.MoveUp, k.Undo, k.Save}
	if p.offersEditor() {
		keys = append(keys, k.Editor)
	}
	return keys
}

// holdQuit holds the first q while maps have staged edits, and says
// which; the next q quits (ctrl+c always does: ask false).
func (p *syncMapsPane) holdQuit(ask bool) (string, bool) {
	if !ask || p.quitArmed {
		return "", false
	}
	var names, kept []string
	for _, pm := range p.pairs {
		for _, em := range pm.maps {
			if !em.cur.Equal(em.read) {
				names = append(names, em.carrier+"'s "+em.cur.Name)
			}
			if em.editorFile != "" {
				kept = append(kept, em.editorFile)
			}
		}
	}
	if len(names) == 0 && len(kept) == 0 {
		return "", false
	}
	slices.Sort(names)
	slices.Sort(kept)
	p.quitArmed = true
	why := "staged sync-map edits not saved (" + strings.Join(names, ", ") + "): q again quits and drops them, w saves"
	if len(names) == 0 {
		why = "q again quits"
	}
	if len(kept) > 0 {
		why += "; the editor buffer that did not apply stays in " + strings.Join(kept, ", ")
	}
	return why, true
}

// glyph is uni, or ascii under --ascii.
func (p *syncMapsPane) glyph(uni, ascii string) string {
	if p.com.Styles.ASCII {
		return ascii
	}
	return uni
}

// Capturing: the form or the confirmation has every key but ctrl+c.
func (p *syncMapsPane) Capturing() bool { return p.form != nil || p.conf != nil }

// cur is the selected map of the open pair, nil none.
func (p *syncMapsPane) cur() *editMap {
	pm := p.pairs[p.idx]
	if pm == nil || len(pm.maps) == 0 {
		return nil
	}
	return pm.maps[min(pm.sel, len(pm.maps)-1)]
}

// setPair takes pair idx's latest summary: the maps as read now. A map
// with staged edits keeps them (its "as read" is updated); the others
// show what was read. It returns the checks of the maps that changed.
func (p *syncMapsPane) setPair(idx int, rt *pairRT) tea.Cmd {
	if idx != p.idx {
		p.form, p.conf = nil, nil
	}
	p.idx, p.rt = idx, rt
	pm := p.pairs[idx]
	if pm == nil {
		pm = &pairMaps{}
		p.pairs[idx] = pm
	}
	pm.rt = rt
	s := rt.sum.snap
	if s == nil {
		return nil
	}
	var found []*editMap
	names := [2]string{rt.spec.Devices[0].Name, rt.spec.Devices[1].Name}
	var cmpMap *syncmap.Map
	cmpLeft := ""
	if s.Compare != nil {
		cmpMap, cmpLeft = s.Compare.Map, s.Compare.Left.Source
	}
	add := func(dev int, m *syncmap.Map, readOnly string) {
		key := names[dev] + "/" + m.Name
		em := pm.find(key)
		if em == nil {
			em = &editMap{key: key, cur: m.Clone()}
		}
		em.dev, em.carrier, em.target, em.readOnly = dev, names[dev], names[1-dev], readOnly
		em.scopes = cmpMap != nil && cmpMap.Name == m.Name && cmpLeft == names[dev]
		em.remote = ""
		for _, r := range rt.sum.remotes[dev] {
			if r.SyncMap == m.Name {
				em.remote = r.Address
			}
		}
		if len(em.undo) == 0 || em.read == nil {
			em.cur = m.Clone()
			em.undo = nil
		}
		em.read = m
		found = append(found, em)
	}
	switch s.Family {
	case config.Huawei:
		if cmpMap != nil {
			dev := 0
			if cmpLeft == names[1] {
				dev = 1
			}
			add(dev, cmpMap, "the built-in hrp map: what HRP backs up, fixed by the device")
		} else {
			for i := range names {
				if len(rt.sum.maps[i]) > 0 {
					add(i, rt.sum.maps[i][0], "the built-in hrp map: what HRP backs up, fixed by the device")
					break
				}
			}
		}
	default:
		for i := range names {
			for _, m := range rt.sum.maps[i] {
				add(i, m, "")
			}
		}
		if len(found) == 0 && cmpMap != nil {
			dev := 0
			if cmpLeft == names[1] {
				dev = 1
			}
			why := "no device carries a sync-map; the pair is compared within the default map (all but the protected paths)"
			if rt.spec.SyncMap != "" {
				why = "the inventory names sync-map " + rt.spec.SyncMap + ", which neither device carries"
			}
			add(dev, cmpMap, why)
		}
	}
	pm.maps = found
	pm.sel = min(pm.sel, max(len(found)-1, 0))
	cmds := make([]tea.Cmd, 0, len(found))
	for _, em := range found {
		cmds = append(cmds, p.check(em))
	}
	return tea.Batch(cmds...)
}

func (pm *pairMaps) find(key string) *editMap {
	for _, em := range pm.maps {
		if em.key == key {
			return em
		}
	}
	return nil
}

// readOnly is why the map cannot be changed now, "" it can.
func (p *syncMapsPane) readOnly(em *editMap) string {
	if p.com.ReadOnly {
		if p.com.ReadOnlyReason != "" {
			return p.com.ReadOnlyReason
		}
		return "started with --read-only"
	}
	return em.readOnly
}

// trees are the pair's configurations, the carrier's first.
func (p *syncMapsPane) trees(em *editMap) (carrier, other *config.Tree) {
	s := p.rt.sum.snap
	if s == nil {
		return nil, nil
	}
	return s.Devices[em.dev].Tree, s.Devices[1-em.dev].Tree
}

// mapsCheckedMsg is a check and preview of an edited map, for edit gen.
type mapsCheckedMsg struct {
	pair   int
	key    string
	gen    uint64
	issues []syncmap.Issue
	counts []syncmap.RuleCount
	prev   views.SyncMapPreview
	// asReadOf is the map as read the preview's AsRead counts for.
	asReadOf *syncmap.Map
	// draft: the preview of the map with the form's rule (draftMap);
	// its issues and counts are the form's business.
	draft    bool
	draftMap *syncmap.Map
}

// check asks for the issues, counts and preview of em's staged map (a
// command: it walks both configurations and compares them).
func (p *syncMapsPane) check(em *editMap) tea.Cmd {
	em.gen++
	return p.checkMap(em, em.cur.Clone(), em.gen, false)
}

// previewDelay is how long the form waits after a key before it asks
// for the preview with the rule being typed: a 100k-line pair takes
// tenths of a second to compare, a key a few milliseconds.
const previewDelay = 150 * time.Millisecond

// previewTickMsg asks for the draft preview of edit gen, if still the
// latest.
type previewTickMsg struct {
	pair  int
	key   string
	gen   uint64
	draft *syncmap.Map
}

// draftPreview asks, after previewDelay, for the preview of the map with
// the form's rule (draft); a later key or edit drops it (request IDs).
func (p *syncMapsPane) draftPreview(em *editMap, draft *syncmap.Map) tea.Cmd {
	em.gen++
	msg := previewTickMsg{pair: p.idx, key: em.key, gen: em.gen, draft: draft}
	return tea.Tick(previewDelay, func(time.Time) tea.Msg { return msg })
}

// checkMap checks m (the staged map, or a draft with the form's rule:
// then only the preview is taken) for edit gen.
func (p *syncMapsPane) checkMap(em *editMap, m *syncmap.Map, gen uint64, draft bool) tea.Cmd {
	em.prev.Pending = true
	carrier, other := p.trees(em)
	var cmp *compare.Comparison
	if s := p.rt.sum.snap; s != nil {
		cmp = s.Compare
	}
	pair, key := p.idx, em.key
	read := em.read
	known, asRead := em.asReadOf == read && read != nil, em.asRead
	carrierName, targetName := em.carrier, em.target
	return func() tea.Msg {
		msg := mapsCheckedMsg{pair: pair, key: key, gen: gen, draft: draft}
		if draft {
			msg.draftMap = m
		}
		msg.issues = m.Check(carrier, other)
		if !draft {
			msg.counts = m.Counts(carrier) // a draft's counts are not shown
		}
		cov := m.Cover(carrier)
		pv := views.SyncMapPreview{Carrier: carrierName, Target: targetName, Covered: cov.InScope, Total: cov.Total, AsRead: -1}
		for _, s := range cov.Sections {
			pv.Sections = append(pv.Sections, views.SyncMapSection{Name: s.Name, InScope: s.InScope, Total: s.Total})
		}
		if cmp != nil && carrier != nil && other != nil {
			if c, err := compare.New(carrier, other, m, "", cmp.Diff); err == nil {
				n := c.Counts()
				pv.HasDiff = true
				pv.InScope, pv.Outside, pv.Excluded, pv.Protected = n.InScope, n.Outside, n.Excluded, n.Protected
			} else {
				pv.Err = err.Error()
			}
			switch {
			case known:
				pv.AsRead = asRead
			case read != nil && pv.HasDiff && m.Equal(read):
				pv.AsRead = pv.InScope // nothing staged: the same comparison
			case read != nil:
				if c, err := compare.New(carrier, other, read, "", cmp.Diff); err == nil {
					pv.AsRead = c.Counts().InScope
				}
			}
			msg.asReadOf = read
		}
		refused, warned := map[int]bool{}, map[int]bool{}
		for _, is := range msg.issues {
			if is.Severity == syncmap.Refused {
				refused[is.Rule] = true
			} else {
				warned[is.Rule] = true
			}
		}
		pv.RefusedRules, pv.WarnedRules = len(refused), len(warned)
		msg.prev = pv
		return msg
	}
}

// handle takes the tab's own results, shown or not; ok false: not one.
func (p *syncMapsPane) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case mapsCheckedMsg:
		pm := p.pairs[msg.pair]
		if pm == nil {
			return nil, true
		}
		em := pm.find(msg.key)
		if em == nil || em.gen != msg.gen {
			p.com.Log.Debug("stale sync-map check dropped", logReq, msg.gen)
			return nil, true
		}
		msg.prev.Draft = msg.draft
		if msg.draft {
			em.prev = msg.prev
			// The warnings that need a walk of the configuration
			// (device-unique items) reach the form with its preview.
			if f := p.form; f != nil && msg.pair == p.idx && msg.draftMap != nil {
				f.late = nil
				r, _ := f.rule()
				for _, is := range msg.issues {
					if is.Severity == syncmap.Warned && msg.draftMap.Rules[is.Rule].Number == r.Number &&
						!slices.ContainsFunc(f.issues, func(o syncmap.Issue) bool { return o.Msg == is.Msg }) {
						f.late = append(f.late, is)
					}
				}
			}
			return nil, true
		}
		em.issues, em.counts, em.prev = msg.issues, msg.counts, msg.prev
		if msg.asReadOf != nil {
			em.asRead, em.asReadOf = msg.prev.AsRead, msg.asReadOf
		}
		return nil, true
	case previewTickMsg:
		pm := p.pairs[msg.pair]
		if pm == nil {
			return nil, true
		}
		em := pm.find(msg.key)
		if em == nil || em.gen != msg.gen {
			return nil, true
		}
		return p.checkMap(em, msg.draft, msg.gen, true), true
	case editorFileMsg, editorDoneMsg, editorRemovedMsg:
		return p.editorResult(msg), true
	case saveLinesMsg, saveDoneMsg:
		return p.saveResult(msg), true
	}
	return nil, false
}

// say shows lines in the tab's status (an error when isErr), in place
// of what it showed.
func (em *editMap) say(isErr bool, lines ...string) {
	em.status, em.statusErr, em.outcome = lines, isErr, ""
}

// stage makes next the selected map's staged map (undoable).
func (p *syncMapsPane) stage(em *editMap, next *syncmap.Map) tea.Cmd {
	em.undo = append(em.undo, em.cur)
	em.cur = next
	em.cursor = min(max(em.cursor, 0), max(len(next.Rules)-1, 0))
	em.status, em.statusErr, em.outcome = nil, false, ""
	return p.check(em)
}

// Update handles a key (or paste) of the tab.
func (p *syncMapsPane) Update(msg tea.Msg) tea.Cmd {
	em := p.cur()
	if em == nil {
		return nil
	}
	if p.conf != nil {
		return p.confirmKey(em, msg)
	}
	if p.form != nil {
		return p.formUpdate(em, msg)
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := p.keys
	pm := p.pairs[p.idx]
	switch {
	case key.Matches(kp, k.Up):
		em.cursor = max(em.cursor-1, 0)
	case key.Matches(kp, k.Down):
		em.cursor = min(em.cursor+1, max(len(em.cur.Rules)-1, 0))
	case key.Matches(kp, k.PrevMap):
		pm.sel = max(pm.sel-1, 0)
	case key.Matches(kp, k.NextMap):
		pm.sel = min(pm.sel+1, len(pm.maps)-1)
	case key.Matches(kp, k.Add, k.Edit, k.Delete, k.Toggle, k.Renumber, k.MoveDown, k.MoveUp, k.Undo, k.Save, k.Editor):
		if why := p.readOnly(em); why != "" {
			em.say(true, "read-only: "+why)
			return nil
		}
		return p.edit(em, kp)
	}
	return nil
}

// edit runs an editing key on an editable map.
func (p *syncMapsPane) edit(em *editMap, kp tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	rules := em.cur.Rules
	has := em.cursor < len(rules)
	switch {
	case key.Matches(kp, k.Add):
		return p.openForm(em, -1)
	case key.Matches(kp, k.Edit):
		if has {
			return p.openForm(em, em.cursor)
		}
		return p.openForm(em, -1)
	case key.Matches(kp, k.Delete) && has:
		next := em.cur.Clone()
		next.Rules = append(next.Rules[:em.cursor], next.Rules[em.cursor+1:]...)
		return p.stage(em, next)
	case key.Matches(kp, k.Toggle) && has:
		next := em.cur.Clone()
		r := &next.Rules[em.cursor]
		r.Action = syncmap.Include + syncmap.Exclude - r.Action
		return p.stage(em, next)
	case key.Matches(kp, k.Renumber) && len(rules) > 0:
		return p.stage(em, em.cur.Renumbered())
	case key.Matches(kp, k.MoveDown, k.MoveUp) && has:
		j := em.cursor + 1
		if key.Matches(kp, k.MoveUp) {
			j = em.cursor - 1
		}
		if j < 0 || j >= len(rules) {
			return nil
		}
		// The rules trade places; the numbers stay where they are.
		next := em.cur.Clone()
		a, b := &next.Rules[em.cursor], &next.Rules[j]
		a.Action, b.Action = b.Action, a.Action
		a.Location, b.Location = b.Location, a.Location
		cmd := p.stage(em, next)
		em.cursor = j
		return cmd
	case key.Matches(kp, k.Undo):
		if len(em.undo) == 0 {
			em.say(false, "nothing to undo")
			return nil
		}
		em.cur = em.undo[len(em.undo)-1]
		em.undo = em.undo[:len(em.undo)-1]
		em.cursor = min(em.cursor, max(len(em.cur.Rules)-1, 0))
		em.say(false)
		return p.check(em)
	case key.Matches(kp, k.Save):
		return p.askSave(em)
	case key.Matches(kp, k.Editor):
		if !p.offersEditor() {
			// $EDITOR would run on the server, not on the engineer's
			// terminal.
			em.say(true, "e is not offered to a served console (the editor would run on the server): edit with a, enter, d")
			return nil
		}
		return p.openEditor(em)
	}
	return nil
}

// Render draws the tab in w x h cells.
func (p *syncMapsPane) Render(w, h int) string {
	s := p.com.Styles
	if p.rt == nil || p.rt.sum.snap == nil {
		return views.PlainLines(s, []string{"reading both configurations" + p.glyph("…", "...")}, w, h)
	}
	em := p.cur()
	if em == nil {
		lines := []string{"no sync-map to show: neither device's configuration has been read yet, or the pair cannot be compared"}
		if err := p.rt.sum.snap.CompareErr; err != nil {
			lines = append(lines, err.Error())
		}
		return views.PlainLines(s, lines, w, h)
	}
	return views.SyncMaps(s, p.data(em), w, h)
}

// data is what views.SyncMaps draws of em.
func (p *syncMapsPane) data(em *editMap) views.SyncMapData {
	pm := p.pairs[p.idx]
	title := em.carrier + ": sync-map " + em.cur.Name
	if em.remote != "" {
		title += ", pushed to " + em.remote
	}
	if em.scopes {
		title += " (scopes the pair)"
	}
	d := views.SyncMapData{Title: title, ReadOnly: p.readOnly(em), Staged: len(em.undo), Cursor: em.cursor,
		Preview: em.prev, Status: em.status, StatusErr: em.statusErr, Confirm: p.conf}
	if em.outcome != "" {
		d.Status = append(d.Status[:len(d.Status):len(d.Status)], em.outcome)
	}
	if len(pm.maps) > 1 {
		d.Pos = fmt.Sprintf("%d/%d", pm.sel+1, len(pm.maps))
	}
	if em.cur.Equal(em.read) {
		d.Staged = 0
	}
	d.Empty = "no rule: a adds one"
	for i, r := range em.cur.Rules {
		row := views.SyncMapRule{Number: r.Number, Action: r.Action.String(), Location: strings.Join(r.Location, " "), Matched: -1}
		if em.gen > 0 && i < len(em.counts) && !em.prev.Pending {
			row.Matched = em.counts[i].Matched
		}
		row.Staged = !ruleIn(em.read, r)
		// A map that cannot be edited is what it is: its rules are
		// not checked as the user's own.
		if !em.prev.Pending && em.readOnly == "" {
			for _, is := range em.issues {
				if is.Rule == i {
					row.Issues = append(row.Issues, views.SyncMapIssue{Refused: is.Severity == syncmap.Refused, Msg: is.Msg})
				}
			}
		}
		d.Rules = append(d.Rules, row)
	}
	if p.form != nil {
		d.Form = p.form.data()
	}
	return d
}

// ruleIn: m holds a rule equal to r.
func ruleIn(m *syncmap.Map, r syncmap.Rule) bool {
	if m == nil {
		return false
	}
	for _, o := range m.Rules {
		if o.Number == r.Number && o.Action == r.Action && strings.Join(o.Location, " ") == strings.Join(r.Location, " ") {
			return true
		}
	}
	return false
}

// ruleForm adds (editing -1) or edits a rule.
type ruleForm struct {
	editing   int
	number    textinput.Model
	action    syncmap.Action
	location  textinput.Model
	field     int
	comps     []string
	comp      int
	issues    []syncmap.Issue
	help      string
	fam       config.Family
	completer *syncmap.Completer
	// late are the draft preview's warnings for the rule (device-unique
	// items), which need a walk of the configuration.
	late []syncmap.Issue
}

// maxCompletions is the most completions the form lists.
const maxCompletions = 12

func (p *syncMapsPane) openForm(em *editMap, editing int) tea.Cmd {
	f := &ruleForm{editing: editing, comp: -1, fam: em.cur.Family, field: 2}
	f.number = textinput.New()
	f.number.Prompt = ""
	f.number.CharLimit = 4 // 1-1024
	f.number.SetWidth(4)
	f.location = textinput.New()
	f.location.Prompt = ""
	f.location.SetWidth(max(views.SyncMapListWidth(p.com.Width)-13, 10))
	if editing >= 0 {
		r := em.cur.Rules[editing]
		f.number.SetValue(strconv.Itoa(r.Number))
		f.action = r.Action
		f.location.SetValue(strings.Join(r.Location, " "))
	} else {
		f.number.SetValue(strconv.Itoa(em.cur.NextNumber()))
	}
	f.location.CursorEnd()
	p.form = f
	return tea.Batch(p.formChanged(em), f.location.Focus())
}

// formRule is the form's rule, and an issue when the number is no number.
func (f *ruleForm) rule() (syncmap.Rule, *syncmap.Issue) {
	r := syncmap.Rule{Action: f.action, Location: strings.Fields(f.location.Value())}
	n, err := strconv.Atoi(strings.TrimSpace(f.number.Value()))
	if err != nil {
		return r, &syncmap.Issue{Severity: syncmap.Refused, Field: "number",
			Msg: fmt.Sprintf("expected a rule number 1-%d, got '%s'", syncmap.MaxRule, f.number.Value())}
	}
	r.Number = n
	return r, nil
}

// formChanged re-checks the form's rule against the staged map (the
// quick checks, which follow only the rule's path), its help and its
// completions; a rule that may be staged gets its draft preview (after
// previewDelay).
func (p *syncMapsPane) formChanged(em *editMap) tea.Cmd {
	f := p.form
	r, bad := f.rule()
	cand := em.cur.Clone()
	i := f.editing
	if i >= 0 {
		cand.Rules[i] = r
	} else {
		i = len(cand.Rules)
		cand.Rules = append(cand.Rules, r)
	}
	f.issues, f.late = nil, nil
	if bad != nil {
		f.issues = append(f.issues, *bad)
	}
	carrier, other := p.trees(em)
	f.help = syncmap.NodeHelp(f.fam, r.Location)
	if f.completer == nil {
		f.completer = syncmap.NewCompleter(f.fam, carrier, other)
	}
	f.comps = f.completer.Complete(f.location.Value(), maxCompletions)
	if len(f.comps) == 1 && f.comps[0] == strings.TrimSpace(f.location.Value()) {
		f.comps = nil // typed whole already
	}
	for _, is := range cand.CheckRule(i, carrier, other) {
		if bad != nil && is.Field == "number" {
			continue
		}
		// A word being typed that completions continue is no unknown
		// path yet.
		if is.Severity == syncmap.Warned && is.Field == "location" && len(f.comps) > 0 {
			continue
		}
		f.issues = append(f.issues, is)
	}
	f.comp = min(f.comp, len(f.comps)-1)
	if bad != nil || len(r.Location) == 0 || syncmap.Refuses(f.issues) {
		return nil
	}
	cand.Sort()
	return p.draftPreview(em, cand)
}

func (p *syncMapsPane) formUpdate(em *editMap, msg tea.Msg) tea.Cmd {
	f := p.form
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		// Paste and the inputs' own messages (cursor blink).
		var cmd tea.Cmd
		switch f.field {
		case 0:
			f.number, cmd = f.number.Update(msg)
		case 2:
			f.location, cmd = f.location.Update(msg)
		}
		if _, paste := msg.(tea.PasteMsg); paste {
			return tea.Batch(cmd, p.formChanged(em))
		}
		return cmd
	}
	switch kp.String() {
	case "esc":
		p.form = nil
		return p.check(em) // the preview of the staged map again
	case "enter":
		r, bad := f.rule()
		if bad != nil || syncmap.Refuses(f.issues) {
			return nil // the form shows why
		}
		next := em.cur.Clone()
		if f.editing >= 0 {
			next.Rules[f.editing] = r
		} else {
			next.Rules = append(next.Rules, r)
		}
		next.Sort()
		p.form = nil
		cmd := p.stage(em, next)
		for i, o := range next.Rules {
			if o.Number == r.Number {
				em.cursor = i
			}
		}
		return cmd
	case "tab":
		if f.field == 2 && len(f.comps) > 0 {
			c := f.comps[max(f.comp, 0)]
			f.location.SetValue(c + " ")
			f.location.CursorEnd()
			f.comp = -1
			return p.formChanged(em)
		}
		return p.focusField((f.field + 1) % 3)
	case "shift+tab":
		return p.focusField((f.field + 2) % 3)
	case "up", "down":
		if f.field == 2 && len(f.comps) > 0 {
			if kp.String() == "down" {
				f.comp = (f.comp + 1) % len(f.comps)
			} else {
				f.comp = (f.comp - 1 + len(f.comps)) % len(f.comps)
			}
		}
		return nil
	}
	var cmd tea.Cmd
	switch f.field {
	case 0:
		f.number, cmd = f.number.Update(kp)
	case 1:
		switch kp.String() {
		case "space", " ", "left", "right", "h", "l":
			f.action = syncmap.Include + syncmap.Exclude - f.action
		case "i":
			f.action = syncmap.Include
		case "x", "e":
			f.action = syncmap.Exclude
		}
	case 2:
		f.location, cmd = f.location.Update(kp)
	}
	return tea.Batch(cmd, p.formChanged(em))
}

func (p *syncMapsPane) focusField(i int) tea.Cmd {
	f := p.form
	f.field = i
	f.number.Blur()
	f.location.Blur()
	switch i {
	case 0:
		return f.number.Focus()
	case 2:
		return f.location.Focus()
	}
	return nil
}

// data is the form as views draw it.
func (f *ruleForm) data() *views.SyncMapForm {
	title := "new rule"
	if f.editing >= 0 {
		title = "edit rule"
	}
	d := &views.SyncMapForm{Title: title, Number: f.number.View(), Action: "< " + f.action.String() + " >",
		Location: f.location.View(), Field: f.field, Help: f.help, Completions: f.comps, Completion: f.comp}
	for _, is := range append(f.issues[:len(f.issues):len(f.issues)], f.late...) {
		d.Issues = append(d.Issues, views.SyncMapIssue{Refused: is.Severity == syncmap.Refused, Msg: is.Msg})
	}
	return d
}
