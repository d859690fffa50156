package pair

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/sshclient"
)

// member is one device of the pair and its connection.
type member struct {
	p   *Pair
	dev *inventory.Device

	connMu sync.Mutex // one dial at a time

	mu     sync.Mutex // guards what follows
	client *sshclient.Client
	sess   *device.Session
	// stop ends the connection's context (shell, monitor, watcher).
	stop context.CancelFunc
	// down is closed when the open connection is dropped.
	down  chan struct{}
	state DeviceState
	// fails counts dial failures and losses since the last good read;
	// it sets the reconnect backoff.
	fails int

	// retry wakes a reconnect loop that holds after a failure only the
	// user can mend (Retry).
	retry chan struct{}

	// typed is the password the user typed at the prompt, kept in memory
	// for reconnects so the user is asked once (cleared when refused).
	pwMu  sync.Mutex
	typed string
	// asked: the last password came from the user at the prompt, so a
	// refusal is retried by asking again (the user answers each time).
	asked bool
}

// password resolves the device's password from the inventory's sources;
// one typed at the prompt is kept for the next dials.
func (m *member) password() (string, error) {
	m.pwMu.Lock()
	defer m.pwMu.Unlock()
	if m.typed != "" {
		m.asked = true
		return m.typed, nil
	}
	var prompted bool
	var prompt func(string) (string, error)
	if ask := m.p.opt.Prompt; ask != nil {
		prompt = func(who string) (string, error) {
			prompted = true
			return ask(who)
		}
	}
	pw, err := m.dev.Credentials.Password(m.dev.Name, prompt)
	if err == nil && prompted {
		m.typed = pw
	}
	m.asked = prompted
	return pw, err
}

// askedUser tells whether the last password was typed by the user.
func (m *member) askedUser() bool {
	m.pwMu.Lock()
	defer m.pwMu.Unlock()
	return m.asked
}

// forgetTyped drops a typed password the device refused.
func (m *member) forgetTyped() {
	m.pwMu.Lock()
	m.typed = ""
	m.pwMu.Unlock()
}

// SSHConfig is how the pair dials dev: the inventory's address, user,
// credentials, legacy algorithms, jump host and timeouts; the known_hosts
// files are the inventory's own (new keys are recorded there) and then
// the user's.
func (p *Pair) SSHConfig(dev *inventory.Device) sshclient.Config {
	c := dev.Credentials
	cfg := sshclient.Config{
		Alias: dev.SSHHost, Host: dev.Address, Port: dev.Port, User: dev.User,
		SSHConfigFile: p.opt.SSHConfigFile,
		AcceptNew:     dev.AcceptNew || p.opt.AcceptNew,
		OnUnknownHost: p.opt.OnUnknownHost,
		Agent:         c.Agent,
		IdentityFiles: c.IdentityFiles,
		Passphrase:    p.opt.Passphrase,
		Legacy: sshclient.Algorithms{
			KeyExchanges: dev.SSH.KeyExchanges, Ciphers: dev.SSH.Ciphers,
			MACs: dev.SSH.MACs, HostKeys: dev.SSH.HostKeyAlgorithms,
		},
		Timeout:   dev.Timeouts.Connect,
		KeepAlive: dev.Timeouts.KeepAlive,
		ProxyJump: dev.ProxyJump,
	}
	if dev.KnownHosts != "" {
		cfg.KnownHosts = append(cfg.KnownHosts, dev.KnownHosts)
		cfg.RecordKnownHosts = dev.KnownHosts
	}
	switch p.opt.UserKnownHosts {
	case "none":
	case "":
		if home, err := os.UserHomeDir(); err == nil {
			cfg.KnownHosts = append(cfg.KnownHosts, filepath.Join(home, ".ssh", "known_hosts"))
		}
	default:
		cfg.KnownHosts = append(cfg.KnownHosts, p.opt.UserKnownHosts)
	}
	if c.HasPassword() {
		prompt := p.opt.Prompt
		cfg.Password = func() (string, error) { return c.Password(dev.Name, prompt) }
	}
	return cfg
}

// RESTConfig is how the pair reaches dev's REST API (inventory rest_url,
// ca_file, the login user and password; DOMAIN.md "Vyatta REST API");
// ok false when the inventory gives the device none.
func (p *Pair) RESTConfig(dev *inventory.Device) (device.RESTConfig, bool) {
	if dev.RESTURL == "" {
		return device.RESTConfig{}, false
	}
	cfg := device.RESTConfig{Name: dev.Name, URL: dev.RESTURL, CAFile: dev.CAFile, User: dev.User, Timeout: dev.Timeouts.Command}
	for _, m := range p.members {
		if m.dev == dev {
			cfg.Password = m.password
			return cfg, true
		}
	}
	prompt := p.opt.Prompt
	cfg.Password = func() (string, error) { return dev.Credentials.Password(dev.Name, prompt) }
	return cfg, true
}

// current is the open session, or nil.
func (m *member) current() *device.Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sess
}

// ensure returns the open session, dialling and logging in when there is
// none. A failure is recorded in the state and published.
func (m *member) ensure(ctx context.Context) (*device.Session, error) {
	m.connMu.Lock()
	defer m.connMu.Unlock()
	if s := m.current(); s != nil {
		return s, nil
	}
	sess, err := m.dial(ctx)
	if err != nil {
		m.mu.Lock()
		m.state.Reachable, m.state.Err, m.state.Reason = false, err, Classify(err)
		m.fails++
		m.mu.Unlock()
		m.p.publish(Event{Kind: Error, Device: m.dev.Name, Err: err, Reason: Classify(err)})
		return nil, err
	}
	return sess, nil
}

// dial connects, opens a PTY shell and logs in.
func (m *member) dial(ctx context.Context) (*device.Session, error) {
	if err := m.p.base.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", m.dev.Name, errClosed, err)
	}
	cfg := m.p.SSHConfig(m.dev)
	if cfg.Password != nil {
		cfg.Password = m.password
	}
	client, err := sshclient.Dial(ctx, cfg)
	if err != nil {
		if errors.Is(err, sshclient.ErrAuth) {
			m.forgetTyped()
		}
		return nil, fmt.Errorf("%s: %w", m.dev.Name, err)
	}
	// The connection lives until the pair closes or it is dropped, not
	// as long as the caller's ctx.
	cctx, stop := context.WithCancel(m.p.base)
	sh, err := client.Shell(cctx, device.WideColumns, 0)
	if err != nil {
		stop()
		client.Close()
		return nil, fmt.Errorf("%s: shell: %w", m.dev.Name, err)
	}
	opt := device.Options{
		Family: m.dev.Family, Flavor: m.dev.Flavor, Name: m.dev.Name,
		CommandTimeout: m.dev.Timeouts.Command, Width: device.WideColumns,
		OnLog: func(line string) {
			kind := Log
			if syncErrorLine(m.dev.Family, line) {
				kind = SyncError
			}
			m.p.publish(Event{Kind: kind, Device: m.dev.Name, Line: strings.TrimSpace(line)})
		},
	}
	sess, err := device.Open(ctx, sh, opt)
	if err != nil {
		stop()
		sh.Close()
		client.Close()
		return nil, err
	}
	down := make(chan struct{})
	m.mu.Lock()
	if err := m.p.base.Err(); err != nil {
		// Closed while dialling: close pairs with this lock, so nothing
		// opened after it is left behind.
		m.mu.Unlock()
		stop()
		sess.Close()
		client.Close()
		return nil, fmt.Errorf("%s: %w: %w", m.dev.Name, errClosed, err)
	}
	m.client, m.sess, m.stop, m.down = client, sess, stop, down
	m.state.Reachable, m.state.Err, m.state.Reason = true, nil, ReasonNone
	m.state.ConnectedAt = time.Now()
	m.state.Prompt = sess.Prompt().Text
	m.mu.Unlock()
	m.p.publish(Event{Kind: Connected, Device: m.dev.Name})
	go m.watch(cctx, client)
	if m.p.opt.Monitor && m.dev.Family == config.Vyatta {
		go m.monitor(cctx, client)
	}
	return sess, nil
}

// watch drops the connection when the client reports it lost.
func (m *member) watch(ctx context.Context, c *sshclient.Client) {
	select {
	case <-ctx.Done():
	case <-c.Done():
		err := c.Err()
		if err == nil {
			err = sshclient.ErrConnectionLost
		}
		m.drop(c, fmt.Errorf("%s: %w", m.dev.Name, err))
	}
}

// monitor follows the device's `monitor log` on an exec channel of its own
// and publishes the config-sync errors it prints (DOMAIN.md "config-sync
// (VRA)": `config-sync error 10.0.0.2:Sync[...]: ...`).
func (m *member) monitor(ctx context.Context, c *sshclient.Client) {
	_ = c.Exec(ctx, "monitor log", func(line string) {
		if syncErrorLine(config.Vyatta, line) {
			m.p.publish(Event{Kind: SyncError, Device: m.dev.Name, Line: strings.TrimSpace(line)})
		}
	})
}

// syncErrorLine reports whether a device's log line says its
// device-native sync failed: Vyatta `config-sync error ...` (DOMAIN.md
// "config-sync (VRA)"); Huawei an HRP configuration backup that could not
// be applied or read (`%%01HRPI/4/CFGBACKUP(l): Failed to apply the
// backed-up command ...`, as the lab prints it: DOMAIN.md gives no log
// format for HRP, so any HRPI CFGBACKUP line that reports a failure).
func syncErrorLine(fam config.Family, line string) bool {
	switch fam {
	case config.Vyatta:
		return strings.Contains(line, "config-sync error")
	case config.Huawei:
		l := strings.ToLower(line)
		return strings.Contains(line, "HRPI/") && strings.Contains(line, "CFGBACKUP") &&
			(strings.Contains(l, "fail") || strings.Contains(l, "could not"))
	}
	return false
}

// drop closes the connection c (if it is still the open one), records
// why, and publishes Lost.
func (m *member) drop(c *sshclient.Client, err error) {
	m.mu.Lock()
	if m.client != c || c == nil {
		m.mu.Unlock()
		return
	}
	sess, stop, down := m.sess, m.stop, m.down
	m.client, m.sess, m.stop, m.down = nil, nil, nil, nil
	m.state.Reachable, m.state.Err, m.state.Reason = false, err, Classify(err)
	m.fails++
	m.mu.Unlock()
	stop()
	sess.CloseLost(err)
	c.Close()
	close(down)
	m.p.publish(Event{Kind: Lost, Device: m.dev.Name, Err: err, Reason: Classify(err)})
}

// close ends the connection without an event (the pair is closing).
func (m *member) close() {
	m.mu.Lock()
	c, sess, stop, down := m.client, m.sess, m.stop, m.down
	m.client, m.sess, m.stop, m.down = nil, nil, nil, nil
	m.state.Reachable = false
	m.mu.Unlock()
	if c != nil {
		stop()
		sess.Close()
		c.Close()
		close(down)
	}
}

// keep holds the device connected until ctx ends: dial, wait for the
// connection to drop, wait out the backoff, dial again.
func (m *member) keep(ctx context.Context) {
	for ctx.Err() == nil {
		m.mu.Lock()
		fails := m.fails
		m.mu.Unlock()
		if fails > 0 && !sleep(ctx, m.p.opt.Backoff.Delay(fails)) {
			return
		}
		if _, err := m.ensure(ctx); err != nil {
			if holds(err) && !(Classify(err) == ReasonAuth && m.askedUser()) {
				// Retrying a refused login by itself would lock the
				// account on devices that count failures: wait for the
				// user (Retry), who may mend the password or host key.
				// A password the user typed is asked again instead.
				select {
				case <-ctx.Done():
					return
				case <-m.retry:
				}
			}
			continue
		}
		m.p.RequestRefresh()
		m.mu.Lock()
		down := m.down
		m.mu.Unlock()
		if down == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-down:
		}
	}
}

// read refreshes the member's state: configuration, HA, sessions, saved.
// dial allows a dial when no session is open.
func (m *member) read(ctx context.Context, dial bool) {
	sess := m.current()
	if sess == nil && dial {
		sess, _ = m.ensure(ctx)
	}
	if sess == nil {
		m.readREST(ctx)
		return
	}
	m.mu.Lock()
	c := m.client
	st := m.state
	m.mu.Unlock()
	fail := func(err error) {
		if sessionBroken(sess, err) {
			m.drop(c, err)
			return
		}
		m.mu.Lock()
		m.state.Err, m.state.Reason = err, Classify(err)
		m.mu.Unlock()
		m.p.publish(Event{Kind: Error, Device: m.dev.Name, Err: err, Reason: Classify(err)})
	}
	text, err := sess.Fetch(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	st.Config, st.FetchedAt = text, time.Now()
	tree, parseErr := config.Parse(m.dev.Name, text, m.dev.Family)
	if parseErr != nil {
		parseErr = fmt.Errorf("%s: running configuration: %w", m.dev.Name, parseErr)
		tree = nil
	}
	st.Tree = tree
	if !m.p.opt.ConfigOnly && !readState(ctx, m.dev.Family, sess, text, &st, fail) {
		return
	}
	prompt := sess.Prompt()
	st.Prompt = prompt.Text
	if m.p.opt.ConfigOnly {
		// The role as the prompt shows it (Huawei HRP_M / HRP_S), no more.
		st.HA, st.HAErr = device.HAState{Family: m.dev.Family, Role: prompt.Role()}, nil
		st.Sessions, st.SessionsErr = -1, nil
		st.SavedDiffers, st.SavedKnown, st.SavedErr = false, false, nil
	}
	m.mu.Lock()
	if m.client != c {
		// Dropped while reading: keep what the drop recorded.
		m.mu.Unlock()
		return
	}
	st.Reachable, st.ConnectedAt = m.state.Reachable, m.state.ConnectedAt
	st.Err, st.Reason = parseErr, Classify(parseErr)
	st.RESTRead, st.RESTErr = false, nil
	m.state = st
	m.fails = 0
	m.mu.Unlock()
	if parseErr != nil {
		m.p.publish(Event{Kind: Error, Device: m.dev.Name, Err: parseErr, Reason: ReasonOther})
	}
}

// readREST reads the configuration over the REST API when SSH cannot be
// reached (the state's Reason is unreachable or timeout) and the
// inventory gives the device a rest_url: the fallback of issue 10. Only
// the configuration is read (RESTRead); HA, sessions and saved state are
// not known. A failure of the REST read leaves the SSH error as the
// state's, with the REST error beside it.
func (m *member) readREST(ctx context.Context) {
	m.mu.Lock()
	st := m.state
	m.mu.Unlock()
	st.RESTRead, st.RESTErr = false, nil
	if st.Reason != ReasonUnreachable && st.Reason != ReasonTimeout {
		m.setREST(st)
		return
	}
	if m.dev.RESTURL == "" {
		m.setREST(st)
		return
	}
	r, err := m.p.REST(m.dev.Name)
	if err == nil {
		var text []byte
		if text, err = r.Fetch(ctx); err == nil {
			tree, perr := config.Parse(m.dev.Name, text, m.dev.Family)
			if perr != nil {
				err = fmt.Errorf("%s: running configuration (REST): %w", m.dev.Name, perr)
			} else {
				st.Config, st.Tree, st.FetchedAt, st.RESTRead = text, tree, time.Now(), true
				st.HA, st.HAErr = device.HAState{Family: m.dev.Family}, errNotOverREST
				st.Sessions, st.SessionsErr = -1, nil
				st.SavedDiffers, st.SavedKnown, st.SavedErr = false, false, errNotOverREST
			}
		}
	}
	st.RESTErr = err
	m.setREST(st)
}

// errNotOverREST: what the REST fallback does not read.
var errNotOverREST = errors.New("not read: SSH cannot be reached, the configuration was read over the REST API")

// setREST records the outcome of readREST unless a connection opened
// meanwhile.
func (m *member) setREST(st DeviceState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client != nil {
		return
	}
	m.state.RESTRead, m.state.RESTErr = st.RESTRead, st.RESTErr
	if st.RESTRead {
		m.state.Config, m.state.Tree, m.state.FetchedAt = st.Config, st.Tree, st.FetchedAt
		m.state.HA, m.state.HAErr = st.HA, st.HAErr
		m.state.Sessions, m.state.SessionsErr = st.Sessions, st.SessionsErr
		m.state.SavedDiffers, m.state.SavedKnown, m.state.SavedErr = st.SavedDiffers, st.SavedKnown, st.SavedErr
	}
}

// readState reads HA, sessions and saved state into st; false when the
// session broke (fail has recorded it).
func readState(ctx context.Context, fam config.Family, sess *device.Session, text []byte, st *DeviceState, fail func(error)) bool {
	st.HA, st.HAErr = sess.HA(ctx)
	if sessionBroken(sess, st.HAErr) {
		fail(st.HAErr)
		return false
	}
	st.Sessions, st.SessionsErr = -1, nil
	if fam == config.Huawei {
		n, err := sess.Sessions(ctx)
		if sessionBroken(sess, err) {
			fail(err)
			return false
		}
		if err == nil {
			st.Sessions = n
		}
		st.SessionsErr = err
	}
	differs, err := sess.SavedDiffersFrom(ctx, text)
	if sessionBroken(sess, err) {
		fail(err)
		return false
	}
	st.SavedDiffers, st.SavedKnown, st.SavedErr = differs, err == nil, err
	return true
}

// sessionBroken reports whether err left the session unusable, so the
// connection is dropped and dialled again: the session says so itself
// (device.Session.Err: a timeout, a lost link, an interrupt that did not
// get the prompt back); a refusal, a question or a cancelled command
// whose prompt came back keep it.
func sessionBroken(sess *device.Session, err error) bool {
	return err != nil && (sess.Err() != nil || connectionLost(err))
}

func (m *member) snapshot() DeviceState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// errClosed is returned by calls on a closed pair.
var errClosed = errors.New("pair closed")

// holds tells the failures after which the reconnect loop waits for the
// user instead of its backoff: a refused login, a missing password, a
// changed or unknown host key. Dialling again changes none of them.
func holds(err error) bool {
	switch Classify(err) {
	case ReasonAuth, ReasonCredentials, ReasonHostKey, ReasonUnknownHost:
		return true
	}
	return false
}

// Wake is Retry without the refresh: for a caller that refreshes the
// pair itself (the console's r), so that the pair is read once, not once
// by the caller and once more by Run (trial 13c N9). A member woken
// asks its own refresh once it connects.
func (p *Pair) Wake() {
	p.dropREST() // a refused REST login is asked again too
	for _, m := range p.members {
		select {
		case m.retry <- struct{}{}:
		default:
		}
	}
}
