package pair

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
)

// Options are what a pair needs from its front end.
type Options struct {
	// Prompt asks the user for a device's password, for a device whose
	// inventory entry says password_prompt: true (the CLI reads the
	// terminal without echo, the TUI shows a dialog); nil: no prompt.
	Prompt func(who string) (string, error)
	// Passphrase asks for the passphrase of an encrypted key file.
	Passphrase func(file string) ([]byte, error)
	// OnUnknownHost decides on the key of a host no known_hosts file
	// lists (the CLI asks, the TUI shows a dialog); nil refuses it unless
	// the device or AcceptNew accepts new keys.
	OnUnknownHost func(ctx context.Context, host string, key ssh.PublicKey) (bool, error)
	// AcceptNew accepts and records unknown host keys for every device
	// (--accept-new); a changed key is refused all the same.
	AcceptNew bool
	// SSHConfigFile is the ssh_config read ("" ~/.ssh/config, "none").
	SSHConfigFile string
	// UserKnownHosts is the user's known_hosts file checked after the
	// inventory's own: "" is ~/.ssh/known_hosts, "none" checks none.
	UserKnownHosts string
	// Backoff spaces reconnect attempts (DefaultBackoff when zero).
	Backoff Backoff
	// Refresh overrides the inventory's refresh interval under Run.
	Refresh time.Duration
	// Monitor watches each Vyatta device's `monitor log` while it is
	// connected, for config-sync errors (SyncError events).
	Monitor bool
	// Diff tunes the comparison.
	Diff diff.Options
	// Shared: many callers read the pair (the served console's sessions,
	// tui.Hub). A caller whose ctx ends stops waiting at once, and the
	// read goes on to its end on the pair's own context (shared.go).
	Shared bool
	// ConfigOnly reads the configurations alone (hasync diff --pair): no
	// HA, session or saved-state command; HA.Role is what the prompt
	// shows (Huawei HRP_M / HRP_S, which picks the source of the hrp
	// comparison; unknown for Vyatta), Sessions -1, SavedKnown false.
	ConfigOnly bool
}

// Pair is one HA pair while hasync watches it. Its methods are safe for
// concurrent use.
type Pair struct {
	spec    *inventory.Pair
	opt     Options
	members [2]*member
	hub     hub

	// base is the pair's lifetime: Close cancels it, and with it every
	// connection.
	base   context.Context
	cancel context.CancelFunc

	// refreshing holds one token while a refresh runs: one at a time.
	refreshing chan struct{}
	kick       chan struct{}

	mu      sync.Mutex
	snap    *Snapshot
	running bool
	// holder is the sync lock's holder while a sync runs (LockSync).
	holder *LockInfo

	restMu sync.Mutex
	rest   map[string]*device.REST // by member name (REST)
}

// New makes the pair of an inventory entry; nothing is dialled until
// Connect, Refresh or Run.
func New(spec *inventory.Pair, opt Options) *Pair {
	if opt.Backoff == (Backoff{}) {
		opt.Backoff = DefaultBackoff
	}
	p := &Pair{spec: spec, opt: opt, kick: make(chan struct{}, 1), refreshing: make(chan struct{}, 1)}
	p.base, p.cancel = context.WithCancel(context.Background())
	for i, d := range spec.Devices {
		p.members[i] = &member{p: p, dev: d, state: DeviceState{Name: d.Name, Sessions: -1}, retry: make(chan struct{}, 1)}
	}
	p.snap = p.makeSnapshot()
	return p
}

// Name is the pair's name in the inventory.
func (p *Pair) Name() string { return p.spec.Name }

// Spec is the pair's inventory entry.
func (p *Pair) Spec() *inventory.Pair { return p.spec }

// Subscribe returns a subscription to the pair's events with a buffer of
// buf events (64 when < 1), and the function that ends it. A slow reader
// loses the oldest events, never blocks the pair.
func (p *Pair) Subscribe(buf int) (*Subscription, func()) { return p.hub.subscribe(buf) }

// Snapshot is the pair as last refreshed.
func (p *Pair) Snapshot() *Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.snap
}

func (p *Pair) publish(e Event) {
	e.Pair = p.spec.Name
	if e.At.IsZero() {
		e.At = time.Now()
	}
	p.hub.publish(e)
}

// PublishSync sends one event of a sync of the pair (SyncStarted,
// SyncLine, SyncDone; backend/sync.Apply publishes them) to every
// subscriber, so every console watching the pair sees the live log of a
// sync another session runs. Events of other kinds are dropped: they are
// the pair's own.
func (p *Pair) PublishSync(e Event) {
	switch e.Kind {
	case SyncStarted, SyncLine, SyncDone:
		p.publish(e)
	}
}

// Connect dials both devices concurrently and opens a session on each
// that is not connected yet. The error joins both devices' errors (each
// starts with the device's name); one failing leaves the other connected.
func (p *Pair) Connect(ctx context.Context) error {
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, m := range p.members {
		wg.Go(func() { _, errs[i] = m.ensure(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Refresh reads both devices concurrently: the configuration, HA state,
// session count and saved state; then compares them. Outside Run, a
// device not connected is dialled first; under Run, its reconnect loop
// does that and Refresh reports it as it is. The returned snapshot (also
// published as a Refreshed event) tells per device what was read or why
// not; the error is ctx's only. On a shared pair (Options.Shared) a
// caller whose ctx ends gets at once a snapshot of devices it did not
// read, while the read goes on.
func (p *Pair) Refresh(ctx context.Context) (*Snapshot, error) {
	if p.opt.Shared {
		return p.refreshShared(ctx)
	}
	p.refreshing <- struct{}{}
	defer func() { <-p.refreshing }()
	return p.refresh(ctx, asker(ctx)), ctx.Err()
}

// askerKey is the context key of Asking.
type askerKey struct{}

// Asking returns ctx naming who asks for the reads made on it ("alice
// (session 3, key SHA256:…) pressed r"): each one's Refreshed event says
// so (Event.Asker), also on a shared pair, whose read runs on the pair's
// own context.
func Asking(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, askerKey{}, who)
}

// asker is who ctx names as asking for its reads ("" nobody).
func asker(ctx context.Context) string {
	s, _ := ctx.Value(askerKey{}).(string)
	return s
}

// refresh reads both devices on ctx, compares them and publishes the
// snapshot, read for who (Event.Asker); the caller holds p.refreshing.
func (p *Pair) refresh(ctx context.Context, who string) *Snapshot {
	p.mu.Lock()
	dial := !p.running
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, m := range p.members {
		wg.Go(func() { m.read(ctx, dial) })
	}
	wg.Wait()
	s := p.makeSnapshot()
	p.mu.Lock()
	p.snap = s
	p.mu.Unlock()
	p.publish(Event{Kind: Refreshed, Snapshot: s, At: s.At, Asker: who})
	return s
}

// Retry wakes the reconnect loop of a member that holds after a failure
// only the user can mend (refused login, missing password, changed or
// unknown host key: Run never retries those by itself), and asks for a
// refresh. A front end calls it when the user asks to refresh.
func (p *Pair) Retry() {
	p.Wake()
	p.RequestRefresh()
}

// RequestRefresh asks Run for a refresh soon, without waiting for it.
func (p *Pair) RequestRefresh() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run keeps both devices connected and the snapshot fresh until ctx ends:
// it dials both, reconnects a lost or failed device with backoff,
// refreshes after each (re)connection, every refresh interval and on
// RequestRefresh. It returns ctx's error.
func (p *Pair) Run(ctx context.Context) error {
	p.mu.Lock()
	if p.running {
		p.mu.Unlock()
		return errors.New("pair " + p.spec.Name + ": already running")
	}
	p.running = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.running = false
		p.mu.Unlock()
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(p.base, cancel)
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, m := range p.members {
		wg.Go(func() { m.keep(ctx) })
	}
	every := p.opt.Refresh
	if every <= 0 {
		every = p.spec.Refresh
	}
	if every <= 0 {
		every = inventory.DefaultRefresh
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-p.kick:
		}
		if _, err := p.Refresh(ctx); err != nil {
			return err
		}
	}
}

// Close ends every connection and subscription.
func (p *Pair) Close() error {
	p.cancel()
	for _, m := range p.members {
		m.close()
	}
	p.dropREST()
	p.hub.closeAll()
	return nil
}

// compareMember is what compare.Live needs of a member: its tree, whether
// it is the HRP-active member, and the VRRP groups it is MASTER of (two
// members MASTER of one group is dual active: compare.Live refuses it).
func (p *Pair) compareMember(d DeviceState) compare.Member {
	m := compare.Member{Name: d.Name, Tree: d.Tree, Active: p.spec.Family == config.Huawei && d.HA.Role == device.RoleActive}
	if d.HAErr != nil {
		return m // HA not read: no claim of mastership either way
	}
	for _, g := range d.HA.VRRP {
		if strings.EqualFold(g.State, "MASTER") {
			m.Masters = append(m.Masters, g.Interface+"/"+g.Group)
		}
	}
	return m
}

// makeSnapshot gathers both members' states and compares them.
func (p *Pair) makeSnapshot() *Snapshot {
	s := &Snapshot{Pair: p.spec.Name, Family: p.spec.Family, Source: p.spec.Source, At: time.Now()}
	for i, m := range p.members {
		s.Devices[i] = m.snapshot()
	}
	a, b := s.Devices[0], s.Devices[1]
	if a.Tree == nil || b.Tree == nil {
		return s
	}
	s.Compare, s.CompareErr = compare.Live(p.compareMember(a), p.compareMember(b),
		compare.LiveSpec{SyncMap: p.spec.SyncMap, Source: p.spec.Source}, p.opt.Diff)
	if s.CompareErr != nil {
		s.CompareErr = fmt.Errorf("pair %s: compare: %w", p.spec.Name, s.CompareErr)
	}
	return s
}

// Logins lists who is logged in to member name (device.Session.Logins:
// Vyatta `show users`, Huawei `display users`) over the pair's own open
// session, which is itself one of them; an error when that member has no
// open session.
func (p *Pair) Logins(ctx context.Context, name string) ([]device.Login, error) {
	for _, m := range p.members {
		if m.dev.Name != name {
			continue
		}
		s := m.current()
		if s == nil {
			return nil, fmt.Errorf("%s: logins: not connected", name)
		}
		if !p.opt.Shared {
			return s.Logins(ctx)
		}
		var logins []device.Login
		var err error
		if !p.await(ctx, func(base context.Context) { logins, err = s.Logins(base) }) {
			return nil, fmt.Errorf("%s: logins: %w", name, ctx.Err())
		}
		return logins, err
	}
	return nil, fmt.Errorf("pair %s has no device %q", p.spec.Name, name)
}

// REST is the pair's client of member name's REST API (RESTConfig: the
// CA file read and the password asked once), made on first use and kept,
// with its connections, until Close or Retry: the fallback read, the
// sync's sessions check and its apply share it. An error when the pair
// has no such member, the inventory gives it no rest_url, or the client
// cannot be made (CA file, password); a failed client is not kept.
func (p *Pair) REST(name string) (*device.REST, error) {
	p.restMu.Lock()
	defer p.restMu.Unlock()
	if err := p.base.Err(); err != nil {
		return nil, fmt.Errorf("pair %s: closed", p.spec.Name)
	}
	if r := p.rest[name]; r != nil {
		return r, nil
	}
	for _, m := range p.members {
		if m.dev.Name != name {
			continue
		}
		cfg, ok := p.RESTConfig(m.dev)
		if !ok {
			return nil, fmt.Errorf("%s: the inventory gives no rest_url", name)
		}
		r, err := device.NewREST(cfg)
		if err != nil {
			return nil, err
		}
		if p.rest == nil {
			p.rest = map[string]*device.REST{}
		}
		p.rest[name] = r
		return r, nil
	}
	return nil, fmt.Errorf("pair %s has no device %q", p.spec.Name, name)
}

// dropREST closes and forgets the REST clients.
func (p *Pair) dropREST() {
	p.restMu.Lock()
	defer p.restMu.Unlock()
	for _, r := range p.rest {
		r.Close()
	}
	p.rest = nil
}

// Session is the pair's open session on member name, dialled when there
// is none. A sync applies over it, so that one connection per device
// serves reads and writes alike (and a device behind a server that runs
// a process per login sees its own commit on the next read). The session
// belongs to the pair: callers never Close it; one that breaks is
// dropped and dialled again by the next read.
func (p *Pair) Session(ctx context.Context, name string) (*device.Session, error) {
	for _, m := range p.members {
		if m.dev.Name == name {
			if s := m.current(); s != nil && s.Err() == nil {
				return s, nil
			}
			if s := m.current(); s != nil {
				m.mu.Lock()
				c := m.client
				m.mu.Unlock()
				m.drop(c, s.Err())
			}
			return m.ensure(ctx)
		}
	}
	return nil, fmt.Errorf("pair %s has no device %q", p.spec.Name, name)
}
