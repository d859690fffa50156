package huawei

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// The device's side of HRP: the prompt prefix, the interception of the
// commands a user types, and the operational commands.

// Prefix is HRP_M on the configuration-active member, HRP_S on the
// standby (HRP_A and HRP_B with HRPOptions.LegacyPrefix), and "" once
// `undo hrp enable` turned HRP off. The prompt asks for it before every
// command, so it reads the running configuration in place instead of
// cloning it.
func (m *hrpMember) Prefix() string {
	var enabled bool
	m.d.withRunning(func(running *config.Tree) { enabled = hrpEnabled(running) })
	active, standby := "HRP_M", "HRP_S"
	if m.l.o.LegacyPrefix {
		active, standby = "HRP_A", "HRP_B"
	}
	switch {
	case !enabled:
		return ""
	case m.getRole() == hrpStandby:
		return standby
	}
	return active
}

// Intercept decides what becomes of a configuration command typed on this
// member (line canonical, as the CLI passes it): with HRP disabled (`undo
// hrp enable`) or for a command HRP does not cover, it is local; a covered
// one is refused on the standby (unless `hrp standby config enable`) and
// replicated while the link is up and configuration auto-sync is on.
func (m *hrpMember) Intercept(view []string, line string) (replicated bool, refuse error) {
	var covered bool
	var flags hrpFlags
	m.d.withRunning(func(running *config.Tree) {
		if covered = hrpEnabled(running) && hrpCovers(running, view, line); covered {
			flags = hrpFlagsOf(running)
		}
	})
	if !covered {
		return false, nil
	}
	if m.getRole() == hrpStandby && !flags.standbyConfig {
		return false, ErrHRPStandby
	}
	return flags.autoSyncConfig && m.link() != nil, nil
}

func hrpEnabled(running *config.Tree) bool { return running.Root.Child("hrp enable") != nil }

// flags reads the member's HRP switches.
func (m *hrpMember) flags() hrpFlags {
	var f hrpFlags
	m.d.withRunning(func(running *config.Tree) { f = hrpFlagsOf(running) })
	return f
}

// Replicate sends a command the CLI applied to the peer. A link that went
// down in between loses it, as the device does.
func (m *hrpMember) Replicate(view []string, line string) {
	if hc := m.link(); hc != nil {
		cmd := HRPCommand{View: append([]string(nil), view...), Line: line}
		_ = hc.send(hrpMsg{Type: hrpCmd, Cmd: &cmd})
	}
}

// hrpCovers reports whether HRP replicates line typed in view, given the
// member's running configuration: what syncmap.HRP puts in scope (which
// protects HRP's own `hrp` lines). An undo is covered as the command it
// removes.
func hrpCovers(running *config.Tree, view []string, line string) bool {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "undo "); ok {
		line = strings.TrimSpace(rest)
	}
	if line == "" {
		return false
	}
	p := append(config.Path(append([]string(nil), view...)), line)
	return syncmap.HRP(running).Decide(p).Scope == syncmap.InScope
}

// hrpFlags are the HRP switches of a member's configuration.
type hrpFlags struct {
	autoSyncConfig, autoSyncSessions bool
	staticRoute, policyRoute         bool
	standbyConfig, mirrorSession     bool
	iface                            string // the heartbeat interface
	helloMS                          int    // hrp timer hello; 0 when not configured
	preempt                          bool   // hrp preempt (on by default)
	preemptDelay                     int    // seconds
}

// hrpConfigured returns the words after prefix of the top-level command that
// starts with it (`hrp timer hello 3000` for "hrp timer hello": "3000").
func hrpConfigured(t *config.Tree, prefix string) (string, bool) {
	for _, n := range t.Root.Children {
		line := n.Name
		if len(n.Values) > 0 {
			line += " " + n.Values[0]
		}
		if line == prefix {
			return "", true
		}
		if rest, ok := strings.CutPrefix(line, prefix+" "); ok {
			return rest, true
		}
	}
	return "", false
}

func hrpFlagsOf(t *config.Tree) hrpFlags {
	has := func(name string) bool { return t.Root.Child(name) != nil }
	f := hrpFlags{
		autoSyncConfig:   !has("undo hrp auto-sync") && !has("undo hrp auto-sync config"),
		autoSyncSessions: !has("undo hrp auto-sync") && !has("undo hrp auto-sync connection-status"),
		staticRoute:      has("hrp auto-sync config static-route"),
		policyRoute:      has("hrp auto-sync config policy-based-route"),
		standbyConfig:    has("hrp standby config enable"),
		mirrorSession:    has("hrp mirror session enable"),
		iface:            "GigabitEthernet1/0/6",
		preempt:          !has("undo hrp preempt"),
		preemptDelay:     60,
	}
	if v, ok := hrpConfigured(t, "hrp timer hello"); ok {
		f.helloMS, _ = strconv.Atoi(v)
	}
	if v, ok := hrpConfigured(t, "hrp preempt delay"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			f.preemptDelay = n
		}
	}
	if n := t.Root.Child("hrp interface"); n != nil && len(n.Values) > 0 {
		if w := strings.Fields(n.Values[0]); len(w) > 0 {
			f.iface = w[0]
		}
	}
	return f
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// register adds the HRP operational commands to the member's device.
func (m *hrpMember) register() {
	m.d.RegisterOp("display hrp state", m.displayState)
	m.d.RegisterOp("display hrp interface", m.displayInterface)
	m.d.RegisterOp("display hrp configuration check", m.displayCheck)
	m.d.RegisterOp("hrp configuration check", m.startCheck)
	m.d.RegisterOp("hrp sync config", m.syncConfig)
	m.d.RegisterOp("hrp sync connection-status", m.syncSessions)
}

func (m *hrpMember) displayState(_ context.Context, args []string, out io.Writer) error {
	verbose := len(args) > 0 && strings.HasPrefix("verbose", args[0])
	switch {
	case len(args) > 0 && !verbose:
		return &argError{i: 0, reason: ReasonUnrecognized}
	case len(args) > 1:
		return &argError{i: 1, reason: ReasonUnrecognized}
	}
	m.mu.Lock()
	up, core, changedAt, last, prio, peerPrio := m.up, m.coreState, m.changedAt, m.lastChange, m.priority, m.peerPriority
	m.mu.Unlock()
	dual := m.l.dual.Load()
	if m.l.cut() {
		up = false
	}
	role := m.getRole()
	peerRole, peerPriority, peerCore := "unknown", "unknown", ", peer: unknown"
	switch {
	case dual:
		// Each member still learns the other's state over the
		// service links: both active.
		peerRole, peerPriority, peerCore = "active", fmt.Sprint(peerPrio), ", peer: abnormal(active)"
	case up:
		peerRole = m.l.peer(m).getRole().String()
		peerPriority = fmt.Sprint(peerPrio)
		peerCore = ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, " Role: %s, peer: %s\n", role, peerRole)
	fmt.Fprintf(&b, " Running priority: %d, peer: %s\n", prio, peerPriority)
	fmt.Fprintf(&b, " Core state: %s%s\n", core, peerCore)
	fmt.Fprintf(&b, " Backup channel usage: 0.00%%\n")
	stable := max(m.now().Sub(changedAt), 0)
	fmt.Fprintf(&b, " Stable time: %d days, %d hours, %d minutes\n",
		int(stable.Hours())/24, int(stable.Hours())%24, int(stable.Minutes())%60)
	if last != "" {
		fmt.Fprintf(&b, " Last state change information: %s\n", last)
	}
	if verbose {
		f := m.flags()
		preempt := "off"
		if f.preempt {
			preempt = fmt.Sprintf("%ds", f.preemptDelay)
		}
		rows := [][2]string{
			{"hello interval", fmt.Sprintf("%dms", m.hello().Milliseconds())},
			{"preempt", preempt},
			{"mirror configuration", "off"},
			{"mirror session", onOff(f.mirrorSession)},
			{"track trunk member", "on"},
			{"auto-sync configuration", onOff(f.autoSyncConfig)},
			{"auto-sync connection-status", onOff(f.autoSyncSessions)},
			{"auto-sync static-route", onOff(f.staticRoute)},
			{"auto-sync policy-based-route", onOff(f.policyRoute)},
			{"standby config", onOff(f.standbyConfig)},
		}
		b.WriteString("\n Configuration:\n")
		for _, r := range rows {
			fmt.Fprintf(&b, " %-28s %s\n", r[0]+":", r[1])
		}
		b.WriteString("\n Detail information:\n")
		fmt.Fprintf(&b, " %35s: %s\n", f.iface, m.ifaceState(up))
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// ifaceState is the heartbeat interface's state as `display hrp interface`
// names it: running while the peer is heard, down while the link is cut,
// ready while it is up but the peer is not (yet) heard.
func (m *hrpMember) ifaceState(up bool) string {
	switch {
	case m.l.cut():
		return "down"
	case up:
		return "running"
	}
	return "ready"
}

func (m *hrpMember) displayInterface(_ context.Context, args []string, out io.Writer) error {
	if len(args) > 0 {
		return &argError{i: 0, reason: ReasonUnrecognized}
	}
	_, err := fmt.Fprintf(out, " %s : %s\n", m.flags().iface, m.ifaceState(m.isUp()))
	return err
}

// syncConfig is `hrp sync config`: the active sends its whole
// configuration, paced so the command takes time in proportion to it; the
// standby adds what it lacks (PlanHRPBackup). Like the device, it prints
// nothing when it is done.
func (m *hrpMember) syncConfig(ctx context.Context, args []string, _ io.Writer) error {
	hc, err := m.activeLink(args)
	if err != nil {
		return err
	}
	text, err := m.configText()
	if err != nil {
		return err
	}
	chunk := max(m.l.o.BytesPerSecond/20, 512)
	for len(text) > 0 {
		n := min(chunk, len(text))
		if i := strings.LastIndexByte(text[:n], '\n'); i >= 0 && n < len(text) {
			n = i + 1
		}
		if err := hrpSleep(ctx, time.Duration(n)*time.Second/time.Duration(m.l.o.BytesPerSecond)); err != nil {
			return err
		}
		if err := hc.send(hrpMsg{Type: hrpConfigChunk, Text: text[:n]}); err != nil {
			return ErrHRPPeerDown
		}
		text = text[n:]
	}
	if err := hc.send(hrpMsg{Type: hrpConfigEnd}); err != nil {
		return ErrHRPPeerDown
	}
	return nil
}

// activeLink checks that an argument-less sync command runs on the active
// member with the peer heard, and returns the link to send on.
func (m *hrpMember) activeLink(args []string) (*hrpConn, error) {
	switch {
	case len(args) > 0:
		return nil, &argError{i: 0, reason: ReasonUnrecognized}
	case m.getRole() == hrpStandby:
		return nil, ErrHRPStandby
	}
	hc := m.link()
	if hc == nil {
		return nil, ErrHRPPeerDown
	}
	return hc, nil
}

// configText prints the member's running configuration for the peer.
func (m *hrpMember) configText() (string, error) {
	var b strings.Builder
	err := config.WriteVRP(&b, m.d.Running(), config.PrintOptions{})
	return b.String(), err
}

// localSessions are the member's own sessions, without the copies of the
// peer's.
func (m *hrpMember) localSessions() []Session {
	var local []Session
	for _, s := range m.d.Sessions() {
		if !s.Remote {
			local = append(local, s)
		}
	}
	return local
}

func hrpSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// applyBatch adds to this member what the peer's configuration text holds
// and this member lacks.
func (m *hrpMember) applyBatch(text string) {
	peer, err := config.ParseVRP(m.l.peer(m).d.Name(), []byte(text))
	if err != nil {
		m.d.Log("%%01HRPI/4/CFGBACKUP(l): The batch backup could not be read: " + err.Error())
		return
	}
	plan := PlanHRPBackup(peer, m.d.Running())
	for _, c := range plan.Commands {
		if err := m.d.Apply(c.View, c.Line); err != nil {
			m.d.Log(fmt.Sprintf("%%%%01HRPI/4/CFGBACKUP(l): Failed to apply the backed-up command %q: %v", c.Line, err))
		}
	}
}

// syncSessions is `hrp sync connection-status`: the active's own sessions
// are copied to the standby, where they carry Remote.
func (m *hrpMember) syncSessions(_ context.Context, args []string, _ io.Writer) error {
	hc, err := m.activeLink(args)
	if err != nil {
		return err
	}
	if err := hc.send(hrpMsg{Type: hrpSessions, Sessions: m.localSessions()}); err != nil {
		return ErrHRPPeerDown
	}
	return nil
}

// SyncSession copies a new session to the peer while this member is
// active, the link up and `hrp auto-sync connection-status` on.
func (m *hrpMember) SyncSession(s Session) {
	if m.getRole() != hrpActive || !m.flags().autoSyncSessions {
		return
	}
	if hc := m.link(); hc != nil {
		_ = hc.send(hrpMsg{Type: hrpSession, Sessions: []Session{s}})
	}
}

// addRemoteSessions adds copies of new sessions of the peer.
func (m *hrpMember) addRemoteSessions(peer []Session) {
	table := m.d.Sessions()
	for _, s := range peer {
		s.Remote = true
		table = append(table, s)
	}
	m.d.SetSessions(table)
}

// setRemoteSessions replaces the copies of the peer's sessions, keeping
// this member's own.
func (m *hrpMember) setRemoteSessions(peer []Session) {
	table := m.localSessions()
	for _, s := range peer {
		s.Remote = true
		table = append(table, s)
	}
	m.d.SetSessions(table)
}

// hrpCheckRow is one module of the configuration check.
type hrpCheckRow struct {
	Module string    `json:"module"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Same   bool      `json:"same"`
}

// hrpModules are the modules the configuration check compares, by the
// first words of a top-level command.
func hrpModules() [][2]string {
	return [][2]string{
		{"acl", "acl"},
		{"address-set", "ip address-set"},
		{"service-set", "ip service-set"},
		{"zone", "firewall zone"},
		{"security-policy", "security-policy"},
		{"nat-policy", "nat-policy"},
		{"static-route", "ip route-static"},
	}
}

// startCheck is `hrp configuration check all`: the active sends its
// configuration and the standby answers with a result per module.
func (m *hrpMember) startCheck(_ context.Context, args []string, _ io.Writer) error {
	switch {
	case len(args) == 0:
		return &argError{i: 0, reason: ReasonIncomplete}
	case !strings.HasPrefix("all", args[0]):
		return &argError{i: 0, reason: ReasonUnrecognized}
	case len(args) > 1:
		return &argError{i: 1, reason: ReasonUnrecognized}
	}
	hc := m.link()
	if hc == nil {
		return ErrHRPPeerDown
	}
	text, err := m.configText()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.check, m.checkStarted = nil, m.now()
	m.mu.Unlock()
	if err := hc.send(hrpMsg{Type: hrpCheck, Text: text}); err != nil {
		return ErrHRPPeerDown
	}
	return nil
}

// compare is the standby's side of the check.
func (m *hrpMember) compare(peerText string) []hrpCheckRow {
	start := m.now()
	peer, err := config.ParseVRP(m.l.peer(m).d.Name(), []byte(peerText))
	if err != nil {
		return nil
	}
	return hrpCompareModules(peer, m.d.Running(), start, m.now())
}

// hrpCompareModules compares the modules of two configurations. Secrets
// compare masked: their ciphertext differs per member.
func hrpCompareModules(a, b *config.Tree, start, end time.Time) []hrpCheckRow {
	var rows []hrpCheckRow
	for _, mod := range hrpModules() {
		rows = append(rows, hrpCheckRow{Module: mod[0], Start: start, End: end,
			Same: hrpModuleText(a, mod[1]) == hrpModuleText(b, mod[1])})
	}
	return rows
}

// hrpModuleText prints the top-level commands starting with prefix,
// masked. Order counts only inside the nodes that keep it (policies).
func hrpModuleText(t *config.Tree, prefix string) string {
	var parts []string
	for _, n := range t.Root.Children {
		if n.Name != prefix && !strings.HasPrefix(n.Name, prefix+" ") {
			continue
		}
		var b strings.Builder
		one := &config.Tree{Family: config.Huawei, Root: &config.Node{Children: []*config.Node{hrpSorted(n)}}}
		_ = config.WriteVRP(&b, one, config.PrintOptions{MaskSecrets: true})
		parts = append(parts, b.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, "")
}

// hrpSorted returns n with the children of unordered nodes sorted, so the
// print order of equal configurations is equal.
func hrpSorted(n *config.Node) *config.Node {
	c := *n
	c.Line = 0
	c.Children = make([]*config.Node, len(n.Children))
	for i, ch := range n.Children {
		c.Children[i] = hrpSorted(ch)
	}
	if !n.Ordered {
		sort.SliceStable(c.Children, func(i, j int) bool { return c.Children[i].Name < c.Children[j].Name })
	}
	return &c
}

func (m *hrpMember) displayCheck(_ context.Context, args []string, out io.Writer) error {
	if len(args) > 0 {
		return &argError{i: 0, reason: ReasonUnrecognized}
	}
	m.mu.Lock()
	rows, started := m.check, m.checkStarted
	m.mu.Unlock()
	const format = " %-17s %-10s %-21s %-21s %s\n"
	var b strings.Builder
	fmt.Fprintf(&b, format, "Module", "State", "Start-time", "End-time", "Result")
	b.WriteString(" " + strings.Repeat("-", 94) + "\n")
	stamp := func(t time.Time) string { return t.Format("2006-01-02 15:04:05") }
	switch {
	case rows != nil:
		for _, r := range rows {
			result := "Same Configuration"
			if !r.Same {
				result = "Different Configuration"
			}
			fmt.Fprintf(&b, format, r.Module, "Finish", stamp(r.Start), stamp(r.End), result)
		}
	case !started.IsZero():
		for _, mod := range hrpModules() {
			fmt.Fprintf(&b, format, mod[0], "Checking", stamp(started), "-", "-")
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}
