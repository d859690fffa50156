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
//	func (l *HRPLink) Up() bool                         // both members hear each other
//	func (l *HRPLink) WaitUp(ctx context.Context) error
//	func (l *HRPLink) Close() error                     // stops the link; the devices keep running
//	func PlanHRPBackup(active, standby *config.Tree) HRPBackup
//
// Link listens on 127.0.0.1 for the standby's connection, installs each
// member's HRP (Device.SetHRP) and registers the HRP operational commands
// on both devices. It returns at once; the link comes up in the background.
//
// The protocol is one JSON object per line: hello (name, priority), then
// heartbeats every Heartbeat from both sides; cmd (a replicated command);
// config-chunk ... config-end (`hrp sync config`: the sender's whole
// configuration, paced; the receiver adds what it lacks); sessions; check
// and check-result (the configuration check). A member that hears nothing
// for DeadAfter, or finds the link cut, closes the connection; the standby
// dials again every Heartbeat while the cut is off.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// Heartbeat is the interval between heartbeats (DefaultHeartbeat when
	// zero).
	Heartbeat time.Duration
	// DeadAfter is how long a member waits without hearing its peer
	// before it drops the link (five heartbeats when zero).
	DeadAfter time.Duration
	// BytesPerSecond paces `hrp sync config`, so that it takes time in
	// proportion to the configuration sent (DefaultBytesPerSecond when
	// zero).
	BytesPerSecond int
}

// Defaults of HRPOptions.
const (
	DefaultHeartbeat      = 200 * time.Millisecond
	DefaultBytesPerSecond = 256 << 10
)

// ErrHRPStandby is the standby's refusal of a command HRP replicates.
var ErrHRPStandby = &DeviceError{Msg: "The device is in HRP standby state, so this command cannot be executed."}

// ErrHRPPeerDown is `hrp sync ...` or `hrp configuration check` while the
// heartbeat link is down.
var ErrHRPPeerDown = &DeviceError{Msg: "The HRP peer is unreachable, so the backup cannot be performed."}

// hrpRunningPriority is the VGMP priority both members run with: the lab
// has no tracked interfaces to lower it.
const hrpRunningPriority = 45000

type hrpRole int

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

// hrpMsg is one message on the link, sent as one line of JSON.
type hrpMsg struct {
	Type string `json:"type"`
	// hello
	Name     string `json:"name,omitempty"`
	Priority int    `json:"priority,omitempty"`
	// cmd
	Cmd *HRPCommand `json:"cmd,omitempty"`
	// config-chunk, check: configuration text
	Text string `json:"text,omitempty"`
	// sessions
	Sessions []Session `json:"sessions,omitempty"`
	// check-result
	Check []hrpCheckRow `json:"check,omitempty"`
}

// Message types.
const (
	hrpHello       = "hello"
	hrpHeartbeat   = "heartbeat"
	hrpCmd         = "cmd"
	hrpConfigChunk = "config-chunk"
	hrpConfigEnd   = "config-end"
	hrpSessions    = "sessions"
	hrpCheck       = "check"
	hrpCheckResult = "check-result"
)

// hrpConn is one established TCP connection between the members.
type hrpConn struct {
	c net.Conn

	wmu sync.Mutex
	enc *json.Encoder

	heardAt atomic.Int64 // unix nanoseconds of the last message received
}

func newHRPConn(c net.Conn) *hrpConn {
	hc := &hrpConn{c: c, enc: json.NewEncoder(c)}
	hc.heard()
	return hc
}

func (hc *hrpConn) heard() { hc.heardAt.Store(time.Now().UnixNano()) }

func (hc *hrpConn) silence() time.Duration {
	return time.Since(time.Unix(0, hc.heardAt.Load()))
}

// hrpWriteTimeout bounds one message write, so a peer that stopped
// reading cannot hang its sender.
const hrpWriteTimeout = 5 * time.Second

func (hc *hrpConn) send(m hrpMsg) error {
	hc.wmu.Lock()
	defer hc.wmu.Unlock()
	if err := hc.c.SetWriteDeadline(time.Now().Add(hrpWriteTimeout)); err != nil {
		return err
	}
	return hc.enc.Encode(m)
}

// HRPLink is the HRP of a pair: the TCP link between the two members and
// each member's side of it.
type HRPLink struct {
	o       HRPOptions
	ln      net.Listener
	active  *hrpMember
	standby *hrpMember
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// hrpMember is one member's HRP; it implements the device's HRP interface.
type hrpMember struct {
	l    *HRPLink
	d    *Device
	role hrpRole

	mu           sync.Mutex
	conn         *hrpConn // nil while the link is down
	up           bool     // the peer's hello arrived on conn
	peerPriority int
	coreState    string // normal, abnormal(active), abnormal(standby)
	changedAt    time.Time
	lastChange   string
	check        []hrpCheckRow
	checkStarted time.Time
	batch        strings.Builder // `hrp sync config` text being received
}

// Link starts HRP between active (configuration-active, HRP_M) and
// standby (HRP_S): a TCP link on 127.0.0.1 with a heartbeat, that
// reconnects when it drops and the cut knob is off. It installs each
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
		o.DeadAfter = 5 * o.Heartbeat
	}
	if o.BytesPerSecond <= 0 {
		o.BytesPerSecond = DefaultBytesPerSecond
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hrp: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	l := &HRPLink{o: o, ln: ln, cancel: cancel}
	now := time.Now()
	l.active = &hrpMember{l: l, d: active, role: hrpActive, coreState: "abnormal(active)", changedAt: now}
	l.standby = &hrpMember{l: l, d: standby, role: hrpStandby, coreState: "abnormal(standby)", changedAt: now}
	for _, m := range []*hrpMember{l.active, l.standby} {
		m.register()
		m.d.SetHRP(m)
	}
	l.wg.Add(3)
	go func() {
		defer l.wg.Done()
		<-ctx.Done()
		ln.Close()
	}()
	go func() {
		defer l.wg.Done()
		l.active.accept(ctx, ln)
	}()
	go func() {
		defer l.wg.Done()
		l.standby.dial(ctx, ln.Addr().String())
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

// WaitUp waits until the link is up or ctx ends.
func (l *HRPLink) WaitUp(ctx context.Context) error {
	tick := time.NewTicker(l.o.Heartbeat / 4)
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

// cut reports whether a test cut the link, on the link's knobs or either
// device's.
func (l *HRPLink) cut() bool {
	return l.o.Faults.CutHRP() || l.active.d.Faults().CutHRP() || l.standby.d.Faults().CutHRP()
}

func (l *HRPLink) peer(m *hrpMember) *hrpMember {
	if m == l.active {
		return l.standby
	}
	return l.active
}

// accept serves the standby's connections, one at a time.
func (m *hrpMember) accept(ctx context.Context, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return // the listener is closed: the link is stopping
		}
		if m.l.cut() {
			c.Close()
			continue
		}
		m.serve(ctx, c)
	}
}

// dial connects to the active member, again after every drop.
func (m *hrpMember) dial(ctx context.Context, addr string) {
	var d net.Dialer
	for ctx.Err() == nil {
		if !m.l.cut() {
			if c, err := d.DialContext(ctx, "tcp", addr); err == nil {
				m.serve(ctx, c)
			}
		}
		t := time.NewTimer(m.l.o.Heartbeat)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// serve runs one connection: hello, heartbeats, and the messages of the
// peer, until the connection fails, the peer falls silent, the link is cut
// or ctx ends.
func (m *hrpMember) serve(ctx context.Context, c net.Conn) {
	hc := newHRPConn(c)
	m.mu.Lock()
	m.conn, m.up = hc, false
	m.batch.Reset()
	m.mu.Unlock()

	done := make(chan struct{})
	go func() {
		defer close(done)
		m.read(hc)
	}()
	reason := "the heartbeat link failed"
	if err := hc.send(hrpMsg{Type: hrpHello, Name: m.d.Name(), Priority: hrpRunningPriority}); err == nil {
		reason = m.beat(ctx, hc, done)
	}
	c.Close()
	<-done
	m.down(hc, reason)
}

// beat sends heartbeats until the connection must end, and says why.
func (m *hrpMember) beat(ctx context.Context, hc *hrpConn, done <-chan struct{}) string {
	tick := time.NewTicker(m.l.o.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return "HRP stopped"
		case <-done:
			return "the heartbeat link failed"
		case <-tick.C:
		}
		switch {
		case m.l.cut():
			return "the heartbeat link was cut"
		case hc.silence() > m.l.o.DeadAfter:
			return "no heartbeat from the peer"
		}
		if err := hc.send(hrpMsg{Type: hrpHeartbeat}); err != nil {
			return "the heartbeat link failed"
		}
	}
}

// read handles the peer's messages in order until the connection fails.
func (m *hrpMember) read(hc *hrpConn) {
	dec := json.NewDecoder(hc.c)
	for {
		var msg hrpMsg
		if err := dec.Decode(&msg); err != nil {
			return
		}
		hc.heard()
		m.handle(hc, msg)
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
	case hrpCheck:
		rows := m.compare(msg.Text)
		_ = hc.send(hrpMsg{Type: hrpCheckResult, Check: rows})
	case hrpCheckResult:
		m.mu.Lock()
		m.check = msg.Check
		m.mu.Unlock()
	}
}

func (m *hrpMember) setUp(hc *hrpConn, peerPriority int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn != hc || m.up {
		return
	}
	m.up, m.peerPriority = true, peerPriority
	m.changeLocked("normal")
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
	if !wasUp {
		return
	}
	m.changeLocked("abnormal(" + m.role.String() + ")")
	// Log never blocks: a CLI that does not keep up loses lines.
	m.d.Log("%%01HRPI/1/CORE_STATE(l): HRP core state changed: " + reason + ".")
}

// changeLocked records a core state change for `display hrp state`.
func (m *hrpMember) changeLocked(state string) {
	now := time.Now()
	m.lastChange = fmt.Sprintf("%s HRP core state changed, old_state = %s, new_state = %s, local_priority = %d, peer_priority = %d.",
		now.Format("2006-01-02 15:04:05"), m.coreState, state, hrpRunningPriority, m.peerPriority)
	m.coreState, m.changedAt = state, now
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
