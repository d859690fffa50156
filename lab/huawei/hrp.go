package huawei

// HRP between the two members of the pair (DOMAIN.md "HRP"): a loopback TCP
// link with a heartbeat, the roles (FW-A configuration-active HRP_M, FW-B
// standby HRP_S), replication of the commands HRP covers, the standby's
// refusal, `hrp sync config`, `hrp sync connection-status`, the
// configuration check and the `display hrp ...` commands.
//
// Files: hrp.go (the link: protocol, heartbeat, state machine), hrp_ops.go
// (the device's HRP interface and the operational commands), hrp_backup.go
// (PlanHRPBackup: the semantics of `hrp sync config` as a pure function).
//
// Entry point, for pair.go:
//
//	func Link(ctx context.Context, active, standby *Device, o HRPOptions) (*HRPLink, error)
//	func (l *HRPLink) Up() bool                             // both members hear each other
//	func (l *HRPLink) WaitUp(ctx context.Context) error
//	func (l *HRPLink) WaitBackup(ctx context.Context) error // each member applied what its peer backed up so far
//	func (l *HRPLink) HoldBackup(name string, on bool)      // the member takes nothing its peer backs up until off
//	func (l *HRPLink) Close() error                         // stops the link; the devices keep running
//	func PlanHRPBackup(active, standby *config.Tree) HRPBackup
//
// Link listens on 127.0.0.1 for the standby's connection, installs each
// member's HRP (Device.SetHRP) and registers the HRP operational commands
// on both devices. It returns at once; the link comes up in the background.
//
// Two TCP connections make one link, as the device keeps its heartbeat
// apart from the backup channel: the data connection carries one JSON
// object per line: hello (name, priority), cmd (a replicated command),
// config-chunk ... config-end (`hrp sync config`: the sender's whole
// configuration, paced; the receiver adds what it lacks), sessions and
// session (connection-status backup), check and check-result (the
// configuration check), mark and mark-ack (WaitBackup). The heartbeat
// connection carries only heartbeat lines, sent by a goroutine of its own
// every hello interval (`hrp timer hello`, default 1000 ms) and read by
// another, so no long output, batch backup or busy device lock ever
// delays them. A member that misses five
// heartbeats in a row (five of its own ticks with nothing heard: a stall
// of the whole process is not a silent peer), or finds the link cut,
// closes both connections; the standby dials again while the cut is off.
//
// A backup is asynchronous: the device backs a command up in real time,
// but the peer runs it on its own (DOMAIN.md "HRP" does not say the
// active waits for it, and the lab does not). The CLI applies a command,
// echoes ` (+B)`, sends it and gives the prompt back; the peer applies it
// when its reader gets to it, a moment later. Whoever reads the peer
// right after typing must wait for it: a user re-reads the peer until it
// shows the command; a test calls WaitBackup, which sends a mark each way
// behind what was sent before and waits for the peer to answer it, so the
// answer proves the peer applied all of it.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hasync/hasync/lab"
)

// HRPOptions configure the HRP link of a pair.
type HRPOptions struct {
	// Faults holds the SetCutHRP knob; nil means the link is never cut.
	Faults *lab.Faults
	// Heartbeat is the hello interval when the configuration has no `hrp
	// timer hello` (DefaultHeartbeat when zero).
	Heartbeat time.Duration
	// DeadAfter is how long a member waits without hearing its peer
	// before it takes the peer as faulty, in whole hello intervals
	// (DefaultDeadIntervals of them when zero).
	DeadAfter time.Duration
	// BytesPerSecond paces `hrp sync config`, so that it takes time in
	// proportion to the configuration sent (DefaultBytesPerSecond when
	// zero).
	BytesPerSecond int
	// Clock ticks the heartbeat and stamps the state changes; nil is the
	// active device's clock.
	Clock Clock
	// LegacyPrefix prompts HRP_A and HRP_B, as older firmware does,
	// instead of HRP_M and HRP_S.
	LegacyPrefix bool
}

// Defaults of HRPOptions: the device's (DOMAIN.md "HRP": hello 1000 ms,
// a peer silent for five intervals is faulty).
const (
	DefaultHeartbeat      = 1000 * time.Millisecond
	DefaultDeadIntervals  = 5
	DefaultBytesPerSecond = 256 << 10
)

// ErrHRPStandby is the standby's refusal of a command HRP replicates.
var ErrHRPStandby = &DeviceError{Msg: "The device is in HRP standby state, so this command cannot be executed."}

// ErrHRPPeerDown is `hrp sync ...` or `hrp configuration check` while the
// heartbeat link is down.
var ErrHRPPeerDown = &DeviceError{Msg: "The HRP peer is unreachable, so the backup cannot be performed."}

// hrpRunningPriority is the VGMP priority a healthy member runs with; a
// failover lowers the failing member's by hrpFaultCost.
const (
	hrpRunningPriority = 45000
	hrpFaultCost       = 2
)

type hrpRole int32

const (
	hrpActive hrpRole = iota
	hrpStandby
)

func (r hrpRole) String() string {
	if r == hrpStandby {
		return "standby"
	}
	return "active"
}

// hrpMsg is one message on the data connection, sent as one line of JSON.
type hrpMsg struct {
	Type string `json:"type"`
	// hello
	Name     string `json:"name,omitempty"`
	Priority int    `json:"priority,omitempty"`
	// cmd
	Cmd *HRPCommand `json:"cmd,omitempty"`
	// config-chunk, check: configuration text
	Text string `json:"text,omitempty"`
	// sessions, session
	Sessions []Session `json:"sessions,omitempty"`
	// check-result
	Check []hrpCheckRow `json:"check,omitempty"`
	// mark, mark-ack
	Mark uint64 `json:"mark,omitempty"`
}

// Message types.
const (
	hrpHello       = "hello"
	hrpCmd         = "cmd"
	hrpConfigChunk = "config-chunk"
	hrpConfigEnd   = "config-end"
	hrpSessions    = "sessions"
	hrpSession     = "session"
	hrpCheck       = "check"
	hrpCheckResult = "check-result"
	hrpMark        = "mark"
	hrpMarkAck     = "mark-ack"
)

// hrpConn is one established data connection between the members.
type hrpConn struct {
	c net.Conn

	wmu sync.Mutex
	enc *json.Encoder
}

func newHRPConn(c net.Conn) *hrpConn { return &hrpConn{c: c, enc: json.NewEncoder(c)} }

// hrpWriteTimeout bounds one write, so a peer that stopped reading cannot
// hang its sender.
const hrpWriteTimeout = 5 * time.Second

func (hc *hrpConn) send(m hrpMsg) error {
	hc.wmu.Lock()
	defer hc.wmu.Unlock()
	if err := hc.c.SetWriteDeadline(time.Now().Add(hrpWriteTimeout)); err != nil {
		return err
	}
	return hc.enc.Encode(m)
}

// HRPLink is the HRP of a pair: the TCP links between the two members and
// each member's side of them.
type HRPLink struct {
	o       HRPOptions
	clock   Clock
	active  *hrpMember // the listening member (FW-A, active at start)
	standby *hrpMember // the dialling member (FW-B, standby at start)
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	// dual is the dual-active fault: the heartbeat link is lost and the
	// standby took over, so both members are active.
	dual atomic.Bool
	// changes counts the core state changes of both members.
	changes atomic.Int64
	// maxSilent is the longest run of silent hello intervals either
	// member counted.
	maxSilent atomic.Int64
	// marks numbers WaitBackup's marks.
	marks atomic.Uint64
}

func (l *HRPLink) noteSilent(n int) {
	for {
		old := l.maxSilent.Load()
		if int64(n) <= old || l.maxSilent.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

// MaxSilentIntervals is the longest run of hello intervals in which a
// member heard no heartbeat, over the link's life (a run that made the
// peer faulty included): the margin left before a flap.
func (l *HRPLink) MaxSilentIntervals() int { return int(l.maxSilent.Load()) }

// SetSilent makes the member called name stop sending heartbeats (a hung
// control plane) while its links stay up; its peer takes it as faulty
// after five silent hello intervals. Off, it sends them again.
func (l *HRPLink) SetSilent(name string, on bool) {
	for _, m := range []*hrpMember{l.active, l.standby} {
		if m.d.Name() == name {
			m.silent.Store(on)
		}
	}
}

// HoldBackup makes the member called name stop taking what its peer backs
// up to it, as a busy configuration plane does: the replicated commands,
// batches, sessions and checks its peer sends wait, in order, and are
// applied once it is off again. The heartbeat goes on, so the link stays
// up; WaitBackup waits for the held messages.
func (l *HRPLink) HoldBackup(name string, on bool) {
	for _, m := range []*hrpMember{l.active, l.standby} {
		if m.d.Name() != name {
			continue
		}
		m.mu.Lock()
		switch {
		case on && m.hold == nil:
			m.hold = make(chan struct{})
		case !on && m.hold != nil:
			close(m.hold)
			m.hold = nil
		}
		m.mu.Unlock()
	}
}

// WaitBackup returns once each member has applied everything its peer
// backed up to it before the call: the commands HRP replicated, a batch of
// `hrp sync config`, sessions. It sends a mark each way on the data
// connection, behind those messages; the peer answers a mark when its
// reader gets to it, which it does in order. It fails when the link is
// down or goes down first (what was sent is then lost, as on the device),
// or when ctx ends.
func (l *HRPLink) WaitBackup(ctx context.Context) error {
	type wait struct {
		m  *hrpMember
		id uint64
		ch <-chan bool
	}
	var waits []wait
	defer func() {
		for _, w := range waits {
			w.m.unmark(w.id)
		}
	}()
	for _, m := range []*hrpMember{l.active, l.standby} {
		id, ch, err := m.mark()
		if err != nil {
			return err
		}
		waits = append(waits, wait{m, id, ch})
	}
	for _, w := range waits {
		select {
		case ok := <-w.ch:
			if !ok {
				return fmt.Errorf("hrp: %s: the link went down before its peer answered: %w", w.m.d.Name(), ErrHRPPeerDown)
			}
		case <-ctx.Done():
			return fmt.Errorf("hrp: waiting for the backup to %s: %w", w.m.l.peer(w.m).d.Name(), ctx.Err())
		}
	}
	return nil
}

// mark sends a mark to the peer and returns its number and the channel
// that says whether the peer answered it (false: the link went down).
func (m *hrpMember) mark() (uint64, <-chan bool, error) {
	hc := m.link()
	if hc == nil {
		return 0, nil, fmt.Errorf("hrp: %s: %w", m.d.Name(), ErrHRPPeerDown)
	}
	id := m.l.marks.Add(1)
	ch := make(chan bool, 1)
	m.mu.Lock()
	if m.conn != hc {
		m.mu.Unlock()
		return 0, nil, fmt.Errorf("hrp: %s: %w", m.d.Name(), ErrHRPPeerDown)
	}
	if m.marks == nil {
		m.marks = map[uint64]chan bool{}
	}
	m.marks[id] = ch
	m.mu.Unlock()
	if err := hc.send(hrpMsg{Type: hrpMark, Mark: id}); err != nil {
		m.unmark(id)
		return 0, nil, fmt.Errorf("hrp: %s: %w", m.d.Name(), ErrHRPPeerDown)
	}
	return id, ch, nil
}

// unmark forgets mark id (answered, failed or no longer waited for).
func (m *hrpMember) unmark(id uint64) {
	m.mu.Lock()
	delete(m.marks, id)
	m.mu.Unlock()
}

// answered tells the waiter of mark id, if any, that the peer answered.
func (m *hrpMember) answered(id uint64) {
	m.mu.Lock()
	ch := m.marks[id]
	delete(m.marks, id)
	m.mu.Unlock()
	if ch != nil {
		ch <- true
	}
}

// hrpMember is one member's HRP; it implements the device's HRP interface.
type hrpMember struct {
	l      *HRPLink
	d      *Device
	role   atomic.Int32 // hrpRole
	silent atomic.Bool  // SetSilent: sends no heartbeats

	mu           sync.Mutex
	conn         *hrpConn // nil while the link is down
	up           bool     // the peer's hello arrived on conn
	priority     int      // this member's running priority
	peerPriority int
	coreState    string // normal, abnormal(active), abnormal(standby)
	changedAt    time.Time
	lastChange   string
	check        []hrpCheckRow
	checkStarted time.Time
	batch        strings.Builder // `hrp sync config` text being received
	beforeDual   hrpRole
	hold         chan struct{}        // HoldBackup: closed when released
	marks        map[uint64]chan bool // WaitBackup's marks sent on conn
}

func (m *hrpMember) getRole() hrpRole  { return hrpRole(m.role.Load()) }
func (m *hrpMember) setRole(r hrpRole) { m.role.Store(int32(r)) }
func (m *hrpMember) clock() Clock      { return m.l.clock }
func (m *hrpMember) now() time.Time    { return m.l.clock.Now() }
func (l *HRPLink) peer(m *hrpMember) *hrpMember {
	if m == l.active {
		return l.standby
	}
	return l.active
}

// Link starts HRP between active (configuration-active, HRP_M) and
// standby (HRP_S): TCP links on 127.0.0.1 with a heartbeat, that
// reconnect when they drop and the cut knob is off. It installs each
// member's HRP on its device and registers the HRP operational commands.
// The link comes up in the background (see WaitUp); it runs until ctx is
// cancelled or Close.
func Link(ctx context.Context, active, standby *Device, o HRPOptions) (*HRPLink, error) {
	if active == nil || standby == nil {
		return nil, errors.New("hrp: link needs two devices")
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.DeadAfter <= 0 {
		o.DeadAfter = DefaultDeadIntervals * o.Heartbeat
	}
	if o.BytesPerSecond <= 0 {
		o.BytesPerSecond = DefaultBytesPerSecond
	}
	clock := o.Clock
	if clock == nil {
		clock = active.Clock()
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hrp: listen: %w", err)
	}
	hb, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("hrp: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	l := &HRPLink{o: o, clock: clock, cancel: cancel}
	now := clock.Now()
	l.active = &hrpMember{l: l, d: active, coreState: "abnormal(active)", changedAt: now, priority: hrpRunningPriority}
	l.standby = &hrpMember{l: l, d: standby, coreState: "abnormal(standby)", changedAt: now, priority: hrpRunningPriority}
	l.active.setRole(hrpActive)
	l.standby.setRole(hrpStandby)
	for _, m := range []*hrpMember{l.active, l.standby} {
		m.register()
		m.d.SetHRP(m)
	}
	l.wg.Add(3)
	go func() {
		defer l.wg.Done()
		<-ctx.Done()
		ln.Close()
		hb.Close()
	}()
	go func() {
		defer l.wg.Done()
		l.active.accept(ctx, ln, hb)
	}()
	go func() {
		defer l.wg.Done()
		l.standby.dial(ctx, ln.Addr().String(), hb.Addr().String())
	}()
	return l, nil
}

// Close stops the link and removes HRP from both devices, which keep
// running on their own.
func (l *HRPLink) Close() error {
	l.cancel()
	l.wg.Wait()
	l.active.d.SetHRP(nil)
	l.standby.d.SetHRP(nil)
	return nil
}

// Up reports whether both members hear each other.
func (l *HRPLink) Up() bool { return l.active.isUp() && l.standby.isUp() }

// Changes is the number of core state changes of both members since the
// link started: a link that never flaps adds two (each member's first
// `normal`) and no more.
func (l *HRPLink) Changes() int64 { return l.changes.Load() }

// WaitUp waits until the link is up or ctx ends.
func (l *HRPLink) WaitUp(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !l.Up() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("hrp: waiting for the link: %w", ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// cut reports whether the heartbeat link is cut: on the link's knobs or
// either device's, or by the dual-active fault.
func (l *HRPLink) cut() bool {
	return l.dual.Load() || l.o.Faults.CutHRP() || l.active.d.Faults().CutHRP() || l.standby.d.Faults().CutHRP()
}

// redial is how long the standby waits between dials: the hello
// interval, on real time (it paces a network retry, not a protocol
// timer), at most a second.
func (l *HRPLink) redial() time.Duration { return min(l.o.Heartbeat, time.Second) }

// accept serves the standby's connections, one pair at a time: the data
// connection, then the heartbeat connection.
func (m *hrpMember) accept(ctx context.Context, ln, hbln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return // the listener is closed: the link is stopping
		}
		if m.l.cut() {
			c.Close()
			continue
		}
		if tl, ok := hbln.(*net.TCPListener); ok {
			_ = tl.SetDeadline(time.Now().Add(hrpWriteTimeout))
		}
		hb, err := hbln.Accept()
		if err != nil {
			c.Close()
			if ctx.Err() != nil {
				return
			}
			continue
		}
		m.serve(ctx, c, hb)
	}
}

// dial connects to the active member, again after every drop.
func (m *hrpMember) dial(ctx context.Context, addr, hbAddr string) {
	var d net.Dialer
	for ctx.Err() == nil {
		if !m.l.cut() {
			if c, err := d.DialContext(ctx, "tcp", addr); err == nil {
				if hb, err := d.DialContext(ctx, "tcp", hbAddr); err == nil {
					m.serve(ctx, c, hb)
				} else {
					c.Close()
				}
			}
		}
		t := time.NewTimer(m.l.redial())
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// serve runs one link: hello on the data connection, heartbeats on the
// other, and the messages of the peer, until a connection fails, the peer
// falls silent, the link is cut or ctx ends.
func (m *hrpMember) serve(ctx context.Context, c, hb net.Conn) {
	hc := newHRPConn(c)
	m.mu.Lock()
	m.conn, m.up = hc, false
	m.batch.Reset()
	m.mu.Unlock()

	done := make(chan struct{})
	stop := make(chan struct{}) // ends a read held by HoldBackup
	go func() {
		defer close(done)
		m.read(hc, stop)
	}()
	heard := make(chan struct{}, 1)
	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		hrpHearBeats(hb, heard)
	}()
	reason := "the heartbeat link failed"
	if err := hc.send(hrpMsg{Type: hrpHello, Name: m.d.Name(), Priority: m.runningPriority()}); err == nil {
		reason = m.beat(ctx, hb, heard, done, hbDone)
	}
	close(stop)
	c.Close()
	hb.Close()
	<-done
	<-hbDone
	m.down(hc, reason)
}

// hrpHearBeats reads heartbeat lines until the connection fails, telling
// heard of each (without waiting: one pending notice is enough).
func hrpHearBeats(hb net.Conn, heard chan<- struct{}) {
	r := bufio.NewReader(hb)
	for {
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
		select {
		case heard <- struct{}{}:
		default:
		}
	}
}

// hello is the member's hello interval: `hrp timer hello` of its
// configuration, else the link's option.
func (m *hrpMember) hello() time.Duration {
	if ms := m.flags().helloMS; ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return m.l.o.Heartbeat
}

// deadIntervals is how many silent hello intervals make the peer faulty.
func (l *HRPLink) deadIntervals() int {
	return max(int((l.o.DeadAfter+l.o.Heartbeat-1)/l.o.Heartbeat), 1)
}

// beat sends a heartbeat every hello interval and counts the intervals
// in which nothing was heard, until the connection must end, and says
// why. It runs on its own goroutine and connection: nothing else writes
// to hb, and it takes no device lock but the brief one that reads the
// interval.
func (m *hrpMember) beat(ctx context.Context, hb net.Conn, heard <-chan struct{}, done, hbDone <-chan struct{}) string {
	interval := m.hello()
	tick := m.clock().NewTicker(interval)
	defer tick.Stop()
	heardSince, silent, dead := true, 0, m.l.deadIntervals()
	for {
		select {
		case <-ctx.Done():
			return "HRP stopped"
		case <-done:
			return "the heartbeat link failed"
		case <-hbDone:
			return "the heartbeat link failed"
		case <-heard:
			heardSince = true
			continue
		case <-tick.C():
		}
		if m.l.cut() {
			// The heartbeat interface went down: seen at once.
			return "the heartbeat link was cut"
		}
		if heardSince {
			silent = 0
		} else {
			silent++
		}
		heardSince = false
		m.l.noteSilent(silent)
		if silent >= dead {
			return "no heartbeat from the peer"
		}
		if now := m.hello(); now != interval {
			interval = now
			tick.Reset(interval)
		}
		if m.silent.Load() {
			continue
		}
		if err := hb.SetWriteDeadline(time.Now().Add(hrpWriteTimeout)); err != nil {
			return "the heartbeat link failed"
		}
		if _, err := io.WriteString(hb, "hb\n"); err != nil {
			return "the heartbeat link failed"
		}
	}
}

// read handles the peer's messages in order until the connection fails
// or stop is closed; while HoldBackup holds the member, every message but
// the hello waits.
func (m *hrpMember) read(hc *hrpConn, stop <-chan struct{}) {
	dec := json.NewDecoder(hc.c)
	for {
		var msg hrpMsg
		if err := dec.Decode(&msg); err != nil {
			return
		}
		if msg.Type != hrpHello && !m.waitHold(stop) {
			return
		}
		m.handle(hc, msg)
	}
}

// waitHold waits while HoldBackup holds the member; false when stop was
// closed first.
func (m *hrpMember) waitHold(stop <-chan struct{}) bool {
	m.mu.Lock()
	hold := m.hold
	m.mu.Unlock()
	if hold == nil {
		return true
	}
	select {
	case <-hold:
		return true
	case <-stop:
		return false
	}
}

func (m *hrpMember) handle(hc *hrpConn, msg hrpMsg) {
	switch msg.Type {
	case hrpHello:
		m.setUp(hc, msg.Priority)
	case hrpCmd:
		if msg.Cmd == nil {
			return
		}
		if err := m.d.Apply(msg.Cmd.View, msg.Cmd.Line); err != nil {
			m.d.Log(fmt.Sprintf("%%%%01HRPI/4/CFGBACKUP(l): Failed to apply the backed-up command %q: %v", msg.Cmd.Line, err))
		}
	case hrpConfigChunk:
		m.mu.Lock()
		m.batch.WriteString(msg.Text)
		m.mu.Unlock()
	case hrpConfigEnd:
		m.mu.Lock()
		text := m.batch.String()
		m.batch.Reset()
		m.mu.Unlock()
		m.applyBatch(text)
	case hrpSessions:
		m.setRemoteSessions(msg.Sessions)
	case hrpSession:
		m.addRemoteSessions(msg.Sessions)
	case hrpCheck:
		rows := m.compare(msg.Text)
		_ = hc.send(hrpMsg{Type: hrpCheckResult, Check: rows})
	case hrpCheckResult:
		m.mu.Lock()
		m.check = msg.Check
		m.mu.Unlock()
	case hrpMark:
		// Everything the peer sent before the mark is applied.
		_ = hc.send(hrpMsg{Type: hrpMarkAck, Mark: msg.Mark})
	case hrpMarkAck:
		m.answered(msg.Mark)
	}
}

func (m *hrpMember) runningPriority() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.priority
}

func (m *hrpMember) setUp(hc *hrpConn, peerPriority int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn != hc || m.up {
		return
	}
	m.up, m.peerPriority = true, peerPriority
	m.changeLocked("normal", "")
}

func (m *hrpMember) down(hc *hrpConn, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn != hc {
		return
	}
	wasUp := m.up
	m.conn, m.up = nil, false
	m.batch.Reset()
	for id, ch := range m.marks {
		ch <- false // sent on the connection that ended: never answered
		delete(m.marks, id)
	}
	state := "abnormal(" + m.getRole().String() + ")"
	if !wasUp || m.coreState == state {
		return // the dual-active fault already recorded it
	}
	m.changeLocked(state, reason)
}

// changeLocked records a core state change for `display hrp state` and
// logs it (Log never blocks: a CLI that does not keep up loses lines).
func (m *hrpMember) changeLocked(state, reason string) {
	now := m.now()
	m.lastChange = fmt.Sprintf("%s HRP core state changed, old_state = %s, new_state = %s, local_priority = %d, peer_priority = %d.",
		now.Format("2006-01-02 15:04:05"), m.coreState, state, m.priority, m.peerPriority)
	m.coreState, m.changedAt = state, now
	m.l.changes.Add(1)
	if reason != "" {
		m.d.Log("%%01HRPI/1/CORE_STATE(l): HRP core state changed: " + reason + ".")
	}
}

func (m *hrpMember) isUp() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.up
}

// link returns the connection to send on, or nil while the link is down
// or cut.
func (m *hrpMember) link() *hrpConn {
	if m.l.cut() {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.up {
		return nil
	}
	return m.conn
}

// Failover switches the roles over as a real switchover does: the active
// member's running priority drops (a monitored fault), the standby takes
// over, the prompts change from HRP_M to HRP_S and back, and `display hrp
// state` shows the new roles and when they changed. A second Failover
// switches back. The link stays up.
func (l *HRPLink) Failover() {
	a, b := l.active, l.standby
	if a.getRole() != hrpActive {
		a, b = b, a
	}
	// a was active: it fails over to b.
	for _, m := range []*hrpMember{a, b} {
		m.mu.Lock()
	}
	a.priority, b.priority = hrpRunningPriority-hrpFaultCost, hrpRunningPriority
	a.peerPriority, b.peerPriority = b.priority, a.priority
	a.setRole(hrpStandby)
	b.setRole(hrpActive)
	for _, m := range []*hrpMember{a, b} {
		m.roleChangeLocked(m.getRole().peerOf(), m.getRole())
	}
	for _, m := range []*hrpMember{b, a} {
		m.mu.Unlock()
	}
	for _, m := range []*hrpMember{a, b} {
		m.d.Log(fmt.Sprintf("%%%%01HRPI/4/STATE_CHANGE(l): HRP state changed from %s to %s.", m.getRole().peerOf(), m.getRole()))
	}
}

func (r hrpRole) peerOf() hrpRole {
	if r == hrpActive {
		return hrpStandby
	}
	return hrpActive
}

// roleChangeLocked records a role change in the core state line.
func (m *hrpMember) roleChangeLocked(from, to hrpRole) {
	now := m.now()
	state := m.coreState
	m.lastChange = fmt.Sprintf("%s HRP core state changed, old_state = %s(%s), new_state = %s(%s), local_priority = %d, peer_priority = %d.",
		now.Format("2006-01-02 15:04:05"), state, from, state, to, m.priority, m.peerPriority)
	m.changedAt = now
	m.l.changes.Add(1)
}

// SetDualActive is the dual-active fault: on, the heartbeat link is lost
// and the standby preempts, so both members are active (both prompts
// HRP_M) and each shows `Core state: abnormal(active), peer:
// abnormal(active)`; off, the link returns and the member that took over
// goes back to standby.
func (l *HRPLink) SetDualActive(on bool) {
	if l.dual.Swap(on) == on {
		return
	}
	for _, m := range []*hrpMember{l.active, l.standby} {
		m.mu.Lock()
		if on {
			m.beforeDual = m.getRole()
			if m.beforeDual == hrpStandby {
				m.setRole(hrpActive)
			}
			m.changeLocked("abnormal(active)", "")
		} else {
			m.setRole(m.beforeDual)
		}
		m.mu.Unlock()
	}
	msg := "the peer is silent and this member is active too (dual active)"
	if !on {
		msg = "the heartbeat link is back"
	}
	for _, m := range []*hrpMember{l.active, l.standby} {
		m.d.Log("%%01HRPI/1/CORE_STATE(l): HRP core state changed: " + msg + ".")
	}
}

// DualActive reports whether the dual-active fault is on.
func (l *HRPLink) DualActive() bool { return l.dual.Load() }
