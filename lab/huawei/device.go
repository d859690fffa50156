package huawei

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// DeviceError is a command the device refused for a reason other than its
// syntax. Error() is the line the device prints.
type DeviceError struct{ Msg string }

func (e *DeviceError) Error() string { return "Error: " + e.Msg }

// Named refusals of the device.
var (
	// ErrNotExist: undo of a command that is not configured.
	ErrNotExist = &DeviceError{Msg: "The configuration does not exist."}
	// ErrRuleNotExist: rule move naming a rule that is not configured.
	ErrRuleNotExist = &DeviceError{Msg: "The specified rule does not exist yet."}
	// ErrNotConfig: a display or navigation command given to Apply.
	ErrNotConfig = &DeviceError{Msg: "The command is not a configuration command."}
)

// Options configure a Device.
type Options struct {
	Name           string // FW-A: the prompt and the saved file's name
	User, Password string // the login the SSH server accepts
	// StateDir holds <Name>.cfg; empty means nothing is saved.
	StateDir string
	// Delay slows each output line, so a client sees output stream.
	Delay  time.Duration
	Faults *lab.Faults
	// Sessions is the number of seeded sessions in the session table.
	Sessions int
	// Clock is the device's time (session ageing, log and display
	// stamps, HRP transition times); nil is the wall clock.
	Clock Clock
	// LoginTime prints `The current login time is ...` after the `Info:`
	// line a PTY login shows before the first prompt.
	LoginTime bool
	// ScreenLengthRefused: the level of User (admin) is too low for
	// `screen-length ... temporary`, which the device then refuses as an
	// unrecognized command (VRP hides commands above the user's level), so
	// a client must answer the pager. Other logins keep their level.
	ScreenLengthRefused bool
}

// HRP is the device's view of its HA link (lab/huawei/hrp.go).
type HRP interface {
	// Prefix is "HRP_M", "HRP_S", or "" when HRP is not running.
	Prefix() string
	// Intercept is called by the CLI before Apply for every configuration
	// command a user types, with its abbreviations expanded. refuse != nil:
	// the CLI prints it and applies nothing. replicated: the CLI echoes
	// " (+B)" after applying the command and calls Replicate.
	Intercept(view []string, line string) (replicated bool, refuse error)
	Replicate(view []string, line string)
}

// OpFunc runs an operational command; args are the words after the
// registered ones (abbreviations already expanded).
type OpFunc func(ctx context.Context, args []string, out io.Writer) error

// Session is one entry of the firewall session table.
type Session struct {
	Proto  string // icmp, tcp, udp
	VPN    string // public
	Src    string // 10.3.0.10:0
	SrcNAT string // 1.1.2.5:10298, empty when not translated
	Dst    string // 1.1.1.10:2048
	// Remote marks a session backed up from the HRP peer.
	Remote           bool
	SrcZone, DstZone string
	Policy           string
	TTL              time.Duration
	Packets, Bytes   int
	// Last is when the session last carried a packet: it ages out TTL
	// after. Zero means traffic keeps it alive (the seeded sessions).
	Last time.Time `json:",omitzero"`
}

// left is how long s lives on at now.
func (s Session) left(now time.Time) time.Duration {
	if s.Last.IsZero() {
		return s.TTL
	}
	return s.TTL - now.Sub(s.Last)
}

// Device is one emulated USG firewall. It is safe for concurrent use.
type Device struct {
	o Options

	mu       sync.Mutex
	running  *config.Tree
	saved    *config.Tree // what `save` wrote last (nil: never saved)
	hrp      HRP
	ops      map[string]OpFunc
	sessions []Session
	log      *lab.LogHub
	booted   time.Time
	// logins are the interactive logins (`display users`).
	logins lab.Logins
}

// New makes a device. When StateDir holds a saved configuration of this
// device it is loaded instead of initial, so a restart keeps the state.
func New(o Options, initial *config.Tree) (*Device, error) {
	if o.Name == "" {
		return nil, errors.New("huawei: device needs a name")
	}
	if o.User == "" {
		o.User = "admin"
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	d := &Device{o: o, ops: map[string]OpFunc{}, log: lab.NewLogHub(64, 0), booted: o.Clock.Now()}
	t, err := lab.Boot(o.Name, d.cfgPath(), config.Huawei, initial, config.ParseVRP)
	if err != nil {
		return nil, err
	}
	d.running = t
	if saved, found, err := lab.LoadSaved(o.Name, d.cfgPath(), config.ParseVRP); err == nil && found {
		d.saved = saved
	}
	if o.Sessions > 0 {
		d.sessions = SeedSessions(o.Sessions)
	}
	return d, nil
}

// Name is the device's name (FW-A).
func (d *Device) Name() string { return d.o.Name }

// Faults returns the device's fault knobs (possibly nil).
func (d *Device) Faults() *lab.Faults { return d.o.Faults }

// Running returns a clone of the running configuration.
func (d *Device) Running() *config.Tree {
	d.mu.Lock()
	defer d.mu.Unlock()
	return lab.CloneTree(d.running)
}

// withRunning calls fn with the running configuration itself, under the
// device lock, for readers on the command path that need a few nodes and
// not a clone. fn must not keep the tree nor call the device.
func (d *Device) withRunning(fn func(*config.Tree)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fn(d.running)
}

// SetRunning replaces the running configuration (tests, and HRP when it
// needs a whole tree).
func (d *Device) SetRunning(t *config.Tree) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = lab.CloneTree(t)
	d.running.Source = d.o.Name
}

// SetHRP installs the HA link; nil removes it.
func (d *Device) SetHRP(h HRP) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hrp = h
}

func (d *Device) getHRP() HRP {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hrp
}

// RegisterOp adds an operational command valid in every view; words are
// its fixed words ("display hrp state"). The CLI resolves abbreviations
// of them as of its own commands.
func (d *Device) RegisterOp(words string, fn func(ctx context.Context, args []string, out io.Writer) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ops[strings.Join(strings.Fields(words), " ")] = fn
}

func (d *Device) op(words string) OpFunc {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ops[words]
}

func (d *Device) opWords() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	w := make([]string, 0, len(d.ops))
	for k := range d.ops {
		w = append(w, k)
	}
	return w
}

// Clock is the device's clock.
func (d *Device) Clock() Clock { return d.o.Clock }

// Sessions returns a copy of the session table, without the sessions
// that aged out (which it drops).
func (d *Device) Sessions() []Session {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.o.Clock.Now()
	kept := d.sessions[:0]
	for _, s := range d.sessions {
		if s.Last.IsZero() || s.left(now) > 0 {
			kept = append(kept, s)
		}
	}
	clear(d.sessions[len(kept):])
	d.sessions = kept
	return append([]Session(nil), d.sessions...)
}

// sessionSyncer is the HRP that copies a new session to the peer
// (`hrp auto-sync connection-status`).
type sessionSyncer interface{ SyncSession(Session) }

// AddSession records a new session that saw its first packet now: it
// ages out after its TTL unless refreshed. With HRP running and
// connection-status auto-sync on, the active copies it to the standby,
// where it carries Remote.
func (d *Device) AddSession(s Session) {
	s.Last = d.o.Clock.Now()
	d.mu.Lock()
	d.sessions = append(d.sessions, s)
	h := d.hrp
	d.mu.Unlock()
	if ss, ok := h.(sessionSyncer); ok {
		ss.SyncSession(s)
	}
}

// SetSessions replaces the session table.
func (d *Device) SetSessions(s []Session) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sessions = append([]Session(nil), s...)
}

// Log prints an asynchronous log line on every open CLI, as the device's
// info-center does; it may interleave with command output. A CLI that does
// not keep up loses lines rather than blocking the device.
func (d *Device) Log(line string) {
	d.log.Publish(d.o.Clock.Now().Format("Jan _2 2006 15:04:05") + " " + d.o.Name + " " + line)
}

// subscribeLog returns a channel of the log lines from now on, and a func
// that ends the subscription.
func (d *Device) subscribeLog() (<-chan string, func()) { return d.log.Subscribe() }

func (d *Device) cfgPath() string {
	if d.o.StateDir == "" {
		return ""
	}
	return filepath.Join(d.o.StateDir, d.o.Name+".cfg")
}

// SavedPath is the file `save` writes (empty without a state directory).
func (d *Device) SavedPath() string { return d.cfgPath() }

// Save writes the running configuration to StateDir/<name>.cfg, through a
// temporary file so a crash never leaves half a file.
func (d *Device) Save() error {
	t := d.Running()
	if err := lab.SaveConfig(d.o.Name, d.cfgPath(), t, config.WriteVRP); err != nil {
		return err
	}
	d.mu.Lock()
	d.saved = t
	d.mu.Unlock()
	return nil
}

// ResetSaved deletes the saved configuration (`reset
// saved-configuration`): `display saved-configuration` then shows nothing.
func (d *Device) ResetSaved() error {
	if p := d.cfgPath(); p != "" {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	d.mu.Lock()
	d.saved = nil
	d.mu.Unlock()
	return nil
}

// Saved returns a clone of the saved configuration (`display
// saved-configuration`), nil when nothing was saved.
func (d *Device) Saved() *config.Tree {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.saved == nil {
		return nil
	}
	return lab.CloneTree(d.saved)
}

// sysname is the name the prompt shows: the configured sysname, else the
// device's name.
func (d *Device) sysname() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n := d.running.Root.Child("sysname"); n != nil && len(n.Values) > 0 {
		return n.Values[0]
	}
	return d.o.Name
}

// Apply runs one configuration command typed in view (the header lines
// entered, outermost first; nil is the system view). Abbreviations are
// accepted. It changes the running configuration or returns the refusal:
// a *CommandError for the syntax, a *DeviceError otherwise. It does not
// consult HRP.
func (d *Device) Apply(view []string, line string) error {
	_, err := d.apply(view, line)
	return err
}

// apply is Apply that also returns the name of the header node a view
// command entered (or created), for the CLI to push.
func (d *Device) apply(view []string, line string) (string, error) {
	// Headers are matched by the names the parser gives them, abbreviations
	// expanded, so that what is stored prints and reads back the same.
	canon := make([]string, len(view))
	kind := viewSystem
	for i, h := range view {
		m, err := d.resolve(kind, h)
		if err != nil {
			return "", err
		}
		if m.t.enter == viewNone {
			return "", &CommandError{Reason: ReasonUnrecognized}
		}
		n, err := nodeFor(canon[:i], m.line)
		if err != nil {
			return "", err
		}
		canon[i], kind = n.Name, m.t.enter
	}
	view = canon
	m, err := d.resolve(kind, line)
	if err != nil {
		return "", err
	}
	if m.t.class != classConfig {
		return "", ErrNotConfig
	}
	target := m.line
	if !m.undo && !m.t.move {
		n, err := nodeFor(view, m.line)
		if err != nil {
			return "", err
		}
		if m.t.enter != viewNone {
			target = n.Name
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := checkRefs(d.running.Root, m); err != nil {
		return "", err
	}
	parent := d.running.Root
	for _, h := range view {
		parent = ensureHeader(parent, h)
	}
	switch {
	case m.undo:
		return "", d.undoLocked(parent, view, m.line)
	case m.t.move:
		return "", moveRule(parent, m.words)
	case m.t.enter != viewNone:
		n := findHeader(parent, target)
		if n == nil {
			n = &config.Node{Name: target}
			insertNode(parent, n)
		}
		return n.Name, nil
	}
	return "", d.setLocked(parent, view, m.line)
}

// checkRefs refuses m when a reference it makes names nothing configured
// (grammar.go checkRefs), with the caret at the reference as typed.
func (d *Device) checkRefs(m *match) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return checkRefs(d.running.Root, m)
}

// viewKind finds the kind of the view by resolving each header line in
// the view above it.
func (d *Device) viewKind(view []string) (viewKind, error) {
	kind := viewSystem
	for _, h := range view {
		m, err := d.resolve(kind, h)
		if err != nil {
			return 0, err
		}
		if m.t.enter == viewNone {
			return 0, &CommandError{Reason: ReasonUnrecognized}
		}
		kind = m.t.enter
	}
	return kind, nil
}

// nodeFor builds the node a configuration line makes below view, by
// parsing it as display current-configuration would print it, so that
// its name and value match what the parser makes of the saved file.
func nodeFor(view []string, line string) (*config.Node, error) {
	var b strings.Builder
	for i, h := range view {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString(h)
		b.WriteByte('\n')
	}
	indent := len(view)
	if indent == 0 && leadingSpace(line) {
		indent = 1
	}
	b.WriteString(strings.Repeat(" ", indent))
	b.WriteString(line)
	b.WriteByte('\n')
	t, err := config.ParseVRP("", []byte(b.String()))
	if err != nil {
		return nil, &CommandError{Reason: ReasonWrongParameter}
	}
	n := t.Root
	for range view {
		if len(n.Children) != 1 {
			return nil, &CommandError{Reason: ReasonWrongParameter}
		}
		n = n.Children[0]
	}
	if len(n.Children) != 1 {
		return nil, &CommandError{Reason: ReasonWrongParameter}
	}
	c := n.Children[0]
	c.Line = 0
	return c, nil
}

// leadingSpace tells the top-level commands the device prints with one
// leading space after a `#`.
func leadingSpace(line string) bool {
	for _, p := range []string{"hrp ", "firewall packet-filter", "firewall session", "firewall detect", "update ", "stelnet ", "ssh ", "undo hrp ", "info-center ", "snmp-agent", "ntp-service "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// multiValue are the rule-body keys that repeat: each line adds a value.
var multiValue = []string{"source-zone", "destination-zone", "source-address", "destination-address", "service", "application", "user"}

// replacedByValue are the single-valued commands whose value is part of
// the parser's key: issuing one with a new value replaces the old line.
var replacedByValue = []string{"hrp timer hello", "hrp preempt delay"}

// negPrinted are the commands on by default, whose undo form is what the
// configuration shows.
var negPrinted = []string{"shutdown", "hrp auto-sync", "hrp auto-sync config", "hrp auto-sync connection-status"}

func isOneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

func isRule(n *config.Node) bool { return strings.HasPrefix(n.Name, "rule name ") }

func (d *Device) setLocked(parent *config.Node, view []string, line string) error {
	if isOneOf(line, negPrinted) {
		removeChild(parent, "undo "+line)
		return nil
	}
	n, err := nodeFor(view, line)
	if err != nil {
		return err
	}
	// A single-valued command the parser keys by its whole line: the new
	// value replaces the old line.
	for _, p := range replacedByValue {
		if strings.HasPrefix(line, p+" ") {
			for _, c := range append([]*config.Node(nil), parent.Children...) {
				if strings.HasPrefix(c.Name, p+" ") && c.Name != n.Name {
					removeChild(parent, c.Name)
				}
			}
		}
	}
	if n.Secret {
		for i, v := range n.Values {
			n.Values[i] = d.encrypt(v)
		}
	}
	old := parent.Child(n.Name)
	switch {
	case old == nil:
		insertNode(parent, n)
	case len(n.Values) == 0:
	case isRule(parent) && isOneOf(n.Name, multiValue):
		for _, v := range n.Values {
			if !isOneOf(v, old.Values) {
				old.Values = append(old.Values, v)
			}
		}
	default:
		old.Values = n.Values
		old.Secret = old.Secret || n.Secret
	}
	return nil
}

func (d *Device) undoLocked(parent *config.Node, view []string, line string) error {
	if isOneOf(line, negPrinted) {
		if parent.Child("undo "+line) == nil {
			insertNode(parent, &config.Node{Name: "undo " + line, Leaf: len(view) == 0})
		}
		return nil
	}
	if h := findHeader(parent, line); h != nil && len(h.Children) > 0 {
		removeChild(parent, h.Name)
		return nil
	}
	n, err := nodeFor(view, line)
	if err != nil {
		return err
	}
	old := parent.Child(n.Name)
	if old == nil {
		// undo without the trailing parameters: every command it starts.
		removed := false
		for _, c := range append([]*config.Node(nil), parent.Children...) {
			if strings.HasPrefix(c.Name, line+" ") {
				removeChild(parent, c.Name)
				removed = true
			}
		}
		if !removed {
			return ErrNotExist
		}
		return nil
	}
	if len(n.Values) > 0 && len(old.Values) > 1 {
		kept := old.Values[:0:0]
		for _, v := range old.Values {
			if !isOneOf(v, n.Values) {
				kept = append(kept, v)
			}
		}
		if len(kept) == len(old.Values) {
			return ErrNotExist
		}
		old.Values = kept
		return nil
	}
	removeChild(parent, n.Name)
	return nil
}

// encrypt turns `cipher <plain text>` into this device's ciphertext, so the
// same password prints differently on each member; ciphertext stays.
func (d *Device) encrypt(v string) string {
	f := strings.Fields(v)
	if len(f) != 2 || (f[0] != "cipher" && f[0] != "irreversible-cipher") || strings.Contains(f[1], "%") {
		return v
	}
	return f[0] + " " + Cipher(d.o.Name, f[1])
}

// Cipher is the ciphertext device name prints for a plain password: a
// digest of both, so it is stable per device and differs between members.
func Cipher(device, plain string) string {
	sum := sha256.Sum256([]byte(device + "\x00" + plain))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=-_~[]{}.;:,!*()<>"
	var b strings.Builder
	b.WriteString("%@%@")
	for _, c := range sum[:24] {
		b.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	b.WriteString("%@%@")
	return b.String()
}

// findHeader finds the child a view line names: the same line, or a
// longer one it starts (`ip address-set WEB` enters
// `ip address-set WEB type object`).
func findHeader(parent *config.Node, line string) *config.Node {
	if n := parent.Child(line); n != nil {
		return n
	}
	for _, c := range parent.Children {
		if strings.HasPrefix(c.Name, line+" ") && len(c.Values) == 0 {
			return c
		}
	}
	return nil
}

func ensureHeader(parent *config.Node, line string) *config.Node {
	if n := findHeader(parent, line); n != nil {
		return n
	}
	n := &config.Node{Name: line}
	insertNode(parent, n)
	return n
}

// ruleBodyOrder is the order the device prints a rule's commands in.
var ruleBodyOrder = []string{"description", "source-zone", "destination-zone", "source-address", "destination-address",
	"service", "application", "user", "time-range", "profile", "policy logging", "session logging", "egress-interface", "action"}

func rank(name string) int {
	for i, k := range ruleBodyOrder {
		if name == k {
			return i
		}
	}
	return len(ruleBodyOrder)
}

// insertNode adds n where the device would print it: in a rule body by
// the device's order, elsewhere after the last sibling of the same kind
// (first two words), else at the end.
func insertNode(parent *config.Node, n *config.Node) {
	n.Ordered = n.Ordered || n.Name == "security-policy" || n.Name == "nat-policy"
	at := len(parent.Children)
	switch {
	case isRule(parent):
		r := rank(n.Name)
		for i, c := range parent.Children {
			if rank(c.Name) > r {
				at = i
				break
			}
		}
	case !parent.Ordered:
		kind := kindOf(n.Name)
		for i, c := range parent.Children {
			if kindOf(c.Name) == kind {
				at = i + 1
			}
		}
	}
	parent.Children = append(parent.Children, nil)
	copy(parent.Children[at+1:], parent.Children[at:])
	parent.Children[at] = n
}

func kindOf(name string) string {
	f := strings.Fields(name)
	if len(f) > 2 {
		f = f[:2]
	}
	return strings.Join(f, " ")
}

func removeChild(n *config.Node, name string) bool {
	for i, c := range n.Children {
		if c.Name == name {
			n.Children = append(n.Children[:i], n.Children[i+1:]...)
			return true
		}
	}
	return false
}

func indexOf(n *config.Node, name string) int {
	for i, c := range n.Children {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// moveRule runs `rule move A before|after B | up|down|top|bottom` in a
// policy: words are the expanded words.
func moveRule(policy *config.Node, words []string) error {
	// rule move A where [B]
	if len(words) < 4 {
		return &CommandError{Reason: ReasonIncomplete}
	}
	a := indexOf(policy, "rule name "+words[2])
	if a < 0 {
		return ErrRuleNotExist
	}
	rule := policy.Children[a]
	rest := append(append([]*config.Node(nil), policy.Children[:a]...), policy.Children[a+1:]...)
	at := 0
	switch words[3] {
	case "up":
		at = max(a-1, 0)
	case "down":
		at = min(a+1, len(rest))
	case "top":
		at = 0
	case "bottom":
		at = len(rest)
	case "before", "after":
		if len(words) < 5 {
			return &CommandError{Reason: ReasonIncomplete}
		}
		b := -1
		for i, c := range rest {
			if c.Name == "rule name "+words[4] {
				b = i
			}
		}
		if b < 0 {
			return ErrRuleNotExist
		}
		at = b
		if words[3] == "after" {
			at = b + 1
		}
	}
	policy.Children = append(rest[:at:at], append([]*config.Node{rule}, rest[at:]...)...)
	return nil
}

// paced writes each line after the configured delay, so streaming shows;
// a cancelled context stops the wait.
func (d *Device) pace(ctx context.Context) {
	if delay := d.o.Delay + d.o.Faults.Delay(); delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}
