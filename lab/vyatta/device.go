package vyatta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
)

// Named errors of the device. Texts are what the device prints.
var (
	// ErrNoChanges: a commit with nothing to commit. The CLI prints it as an
	// informational line (VyOS); the REST API reports it as VyOS does too.
	//lint:ignore ST1005 the device prints this text verbatim
	ErrNoChanges = errors.New("No configuration changes to commit")
	// ErrNothingToDelete: delete of a node that does not exist.
	//lint:ignore ST1005 the device prints this text verbatim
	ErrNothingToDelete = errors.New("Nothing to delete (the specified node does not exist)")
	// ErrNoConfirmPending: `confirm` without a pending commit-confirm.
	//lint:ignore ST1005 the device prints this text verbatim
	ErrNoConfirmPending = errors.New("No confirmed commit pending")
)

// PathError is a refused set: the path is not valid, or needs a value.
type PathError struct {
	Path []string
	Msg  string // "is not valid", "requires a value"
}

func (e *PathError) Error() string {
	return fmt.Sprintf("Configuration path: [%s] %s", strings.Join(e.Path, " "), e.Msg)
}

// UnknownCommandError is an operational command the device does not know.
type UnknownCommandError struct{ Words []string }

func (e *UnknownCommandError) Error() string {
	return fmt.Sprintf("Invalid command: [%s]", strings.Join(e.Words, " "))
}

// Failure is one failed node of a commit.
type Failure struct {
	Path    []string // the node that was refused: interfaces ethernet eth1 address 192.168.1/30
	Subtree []string // the priority subtree that failed: interfaces ethernet eth1
	Msg     string   // the message without "Error: "
}

// CommitError is a commit refused by validation, or by a conflict with a
// commit from another session. Nothing was applied, unless Partial: then the
// priority subtrees in Applied were committed and the ones that failed were
// not (--partial-commit). Error() is the text the device prints, in the
// block of its flavor (DOMAIN.md, "Commit and compare output").
type CommitError struct {
	Failures []Failure
	Flavor   Flavor
	// Partial: some subtrees were applied (Applied: the top-level words of
	// the subtrees committed, in commit order).
	Partial bool
	Applied []string
}

func (e *CommitError) Error() string { return e.Flavor.commitError(e) }

// Lines returns Error() split in lines, for streaming.
func (e *CommitError) Lines() []string { return strings.Split(e.Error(), "\n") }

// OpFunc runs an operational command; args are the words after the
// registered ones. It streams its output line by line through out.
type OpFunc func(ctx context.Context, args []string, out func(string)) error

// Options configure a Device.
type Options struct {
	Name     string // host name and prompt: vra-a
	User     string // login user: vyatta
	Password string
	// StateDir holds <Name>.config.boot; empty means nothing is saved.
	StateDir string
	// Delay slows each output line (commit, show, monitor) so a client sees
	// it stream.
	Delay time.Duration
	// Reject lists path prefixes whose change this device refuses on commit,
	// to demonstrate a remote refusing a synced change.
	Reject [][]string
	Faults *lab.Faults
	// ConfirmUnit is the length of one commit-confirm "minute"; zero means a
	// real minute. Tests shorten it.
	ConfirmUnit time.Duration
	// Version is what `show version` names; empty gives the flavor's
	// release.
	Version string
	// Flavor is which device the lab plays (VRA when empty).
	Flavor Flavor
	// PartialCommit makes a commit apply per priority subtree: a subtree
	// that fails validation is not applied, the others are (as VyOS and
	// the 5600 do). Without it a commit is all or nothing.
	PartialCommit bool
	// Accounts are login users besides User (User is in the secrets
	// group; an account is when its Secrets is set).
	Accounts []Account
	// Now is the device's clock (the commit archive's times, VRRP
	// transitions); nil is the wall clock. Tests inject their own.
	Now func() time.Time
	// Pager pages `show` output in interactive sessions at the PTY's
	// height, as the device does, until `set terminal length 0` or
	// `| no-more` (see terminal.go). Off, output is paged only after `set
	// terminal length N`.
	Pager bool
}

// CommitHook is called after each successful commit with the new running
// configuration (a clone); its output lines become part of the commit's.
type CommitHook func(ctx context.Context, running *config.Tree, out func(string))

// Device is one emulated Vyatta router. It is safe for concurrent use.
type Device struct {
	o Options

	mu      sync.Mutex
	running *config.Tree
	hook    CommitHook
	ops     map[string]OpFunc
	log     *lab.LogHub
	confirm *pendingConfirm
	booted  time.Time
	// secrets overrides the secrets group membership (SetSecretsGroup).
	secrets map[string]bool
	// revs is the commit archive, newest first; saved is what the last
	// save kept when there is no state directory.
	revs  []Revision
	saved *config.Tree
	vrrp  *vrrpLink
	// hookMu makes commit hooks run one at a time (runHook).
	hookMu sync.Mutex
	// logins are the interactive logins (`show users`).
	logins lab.Logins
}

type pendingConfirm struct {
	timer    *time.Timer
	previous *config.Tree
}

// New makes a device. When StateDir holds a saved configuration of this
// device it is loaded instead of initial, so a restart keeps the state.
func New(o Options, initial *config.Tree) (*Device, error) {
	if o.Name == "" {
		return nil, errors.New("vyatta: device needs a name")
	}
	if o.User == "" {
		o.User = "vyatta"
	}
	if o.ConfirmUnit == 0 {
		o.ConfirmUnit = time.Minute
	}
	if o.Flavor == "" {
		o.Flavor = FlavorVRA
	}
	d := &Device{o: o, ops: map[string]OpFunc{}, log: lab.NewLogHub(256, 200), booted: time.Now()}
	t, err := lab.Boot(o.Name, d.bootPath(), config.Vyatta, initial, config.ParseVyatta)
	if err != nil {
		return nil, err
	}
	d.running = t
	d.saved = t
	d.archiveLocked(t, "root", "boot-config-loader")
	d.registerBuiltinOps()
	LinkVRRP(d)
	return d, nil
}

// Name is the device's name (vra-a).
func (d *Device) Name() string { return d.o.Name }

// User is the login user the device accepts.
func (d *Device) User() string { return d.o.User }

// Password is the login password the device accepts.
func (d *Device) Password() string { return d.o.Password }

// Faults returns the device's fault knobs (possibly nil).
func (d *Device) Faults() *lab.Faults { return d.o.Faults }

// Running returns a clone of the running configuration.
func (d *Device) Running() *config.Tree { return lab.CloneTree(d.snapshot()) }

// snapshot returns the running configuration itself, for reading only. A
// commit or revert installs a new tree and never edits the one it replaces,
// so the snapshot stays as it was without the lock or a copy.
func (d *Device) snapshot() *config.Tree {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.running
}

// SetCommitHook installs the hook run after each successful commit
// (config-sync). Only one hook is kept.
func (d *Device) SetCommitHook(h func(ctx context.Context, running *config.Tree, out func(string))) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hook = h
}

func (d *Device) bootPath() string {
	if d.o.StateDir == "" {
		return ""
	}
	return filepath.Join(d.o.StateDir, d.o.Name+".config.boot")
}

// Save writes the running configuration to StateDir/<name>.config.boot
// (atomically, so a crash never leaves half a file).
func (d *Device) Save() error {
	run := d.snapshot()
	if err := lab.SaveConfig(d.o.Name, d.bootPath(), run, config.WriteCurly); err != nil {
		return err
	}
	d.mu.Lock()
	d.saved = run
	d.mu.Unlock()
	return nil
}

// Log appends a line to the device log; `monitor log` streams it and
// `show log` keeps the last 200. A subscriber that does not keep up loses
// lines rather than blocking the device.
func (d *Device) Log(line string) {
	d.log.Publish(time.Now().Format("Jan _2 15:04:05") + " " + d.o.Name + " " + line)
}

// SubscribeLog returns a channel of the log lines from now on, and a func
// that ends the subscription.
func (d *Device) SubscribeLog() (<-chan string, func()) { return d.log.Subscribe() }

// RegisterOp adds an operational command; words are the command's fixed
// words ("show config-sync status"). The longest registered prefix of a
// command line wins.
func (d *Device) RegisterOp(words string, fn func(ctx context.Context, args []string, out func(string)) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ops[strings.Join(strings.Fields(words), " ")] = fn
}

// Op runs an operational command, streaming its output.
func (d *Device) Op(ctx context.Context, words []string, out func(string)) error {
	d.mu.Lock()
	var (
		fn OpFunc
		n  int
	)
	for i := len(words); i > 0; i-- {
		if f, ok := d.ops[strings.Join(words[:i], " ")]; ok {
			fn, n = f, i
			break
		}
	}
	d.mu.Unlock()
	if fn == nil {
		return &UnknownCommandError{Words: words}
	}
	return fn(ctx, words[n:], d.paced(ctx, out))
}

// OpAs runs an operational command for user: what it prints is masked as
// user may see it.
func (d *Device) OpAs(ctx context.Context, user string, words []string, out func(string)) error {
	return d.Op(WithUser(ctx, user), words, out)
}

// paced wraps out so each line waits the configured delay: streaming is
// visible, and a cancelled context stops the wait.
func (d *Device) paced(ctx context.Context, out func(string)) func(string) {
	return func(line string) {
		if delay := d.o.Delay + d.o.Faults.Delay(); delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
		out(line)
	}
}

// Session is one configuration session: its own candidate, started from the
// running configuration at the time the session began (or last committed).
type Session struct {
	d    *Device
	user string
	via  string // how the session reaches the device: cli, rest

	mu   sync.Mutex
	base *config.Tree // running when the candidate was taken
	cand *config.Tree
}

// NewSession starts a configuration session for user.
func (d *Device) NewSession(user string) *Session {
	s := &Session{d: d, user: user, via: "cli"}
	s.reset(d.snapshot())
	return s
}

// reset starts the session afresh on run, a running configuration: the
// base shares it (a running tree is never edited, see snapshot), the
// candidate is a copy to edit.
func (s *Session) reset(run *config.Tree) { s.base, s.cand = run, lab.CloneTree(run) }

// Device returns the device the session edits.
func (s *Session) Device() *Device { return s.d }

// Candidate returns a clone of the session's candidate configuration.
func (s *Session) Candidate() *config.Tree {
	s.mu.Lock()
	defer s.mu.Unlock()
	return lab.CloneTree(s.cand)
}

// Has reports whether the candidate holds the path words.
func (s *Session) Has(words []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cand.Root.Lookup(config.Path(words)) != nil
}

// Set sets a path in the candidate: words are path words, the last one a
// value when the node before it is a leaf (see schema.go).
func (s *Session) Set(words []string) error {
	if !s.d.InSecrets(s.user) && setsSecret(words, s.d.o.Flavor) {
		return ErrNotInSecrets
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return setPath(s.cand.Root, words, s.d.o.Flavor)
}

// Delete deletes a node, or one value of a multi-value leaf.
func (s *Session) Delete(words []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return deletePath(s.cand.Root, words)
}

// Show prints the candidate subtree at words in curly form (the node's
// children, as the configure-mode `show` does).
func (s *Session) Show(words []string) (string, error) {
	s.mu.Lock()
	n := s.cand.Root.Lookup(config.Path(words))
	var sub *config.Tree
	if n != nil {
		sub = &config.Tree{Family: config.Vyatta, Root: &config.Node{Children: n.Clone().Children}}
		if len(n.Children) == 0 && len(n.Values) > 0 {
			// A leaf: show it as its own line, as the device does.
			leaf := n.Clone()
			sub.Root.Children = []*config.Node{leaf}
		}
	}
	s.mu.Unlock()
	if n == nil {
		return "", &PathError{Path: words, Msg: "is not valid"}
	}
	var buf bytes.Buffer
	if err := config.WriteCurly(&buf, sub, config.PrintOptions{MaskSecrets: !s.d.InSecrets(s.user)}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Compare prints the candidate's changes against the running configuration
// the session started from, in the VyOS 1.4 format.
func (s *Session) Compare() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return compareTrees(s.base.Root, s.cand.Root)
}

// Changed reports whether the candidate differs from the session's base.
func (s *Session) Changed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !config.Equal(s.base.Root, s.cand.Root)
}

// Discard drops the candidate's changes and takes the current running
// configuration.
func (s *Session) Discard() {
	run := s.d.snapshot()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset(run)
}

// Commit applies the candidate. When another session committed since this
// one started, the session's own changes (base → candidate, leaf by leaf)
// are applied on top of the new running configuration, as VyOS merges a
// session's changes; a leaf both changed differently is a conflict and the
// commit is refused. Validation failures return a *CommitError and change
// nothing. Output streams through out, subsystem by subsystem.
func (s *Session) Commit(ctx context.Context, out func(line string)) error {
	return s.commitVia(ctx, out, 0, "")
}

// CommitConfirm commits, then reverts to the previous running configuration
// unless Confirm is called within minutes.
func (s *Session) CommitConfirm(ctx context.Context, minutes int, out func(line string)) error {
	if minutes <= 0 {
		minutes = 10
	}
	return s.commitVia(ctx, out, minutes, "")
}

// Confirm keeps a commit made with CommitConfirm.
func (d *Device) Confirm() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.confirm == nil {
		return ErrNoConfirmPending
	}
	d.confirm.timer.Stop()
	d.confirm = nil
	return nil
}

// commitVia commits; via names the archive entry (the session's own when
// empty).
func (s *Session) commitVia(ctx context.Context, out func(string), confirmMinutes int, via string) error {
	if via == "" {
		via = s.via
	}
	out = s.d.paced(ctx, out)
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d

	d.mu.Lock()
	next, err := rebase(s.base.Root, s.cand.Root, d.running.Root)
	if err != nil {
		d.mu.Unlock()
		var ce *CommitError
		if errors.As(err, &ce) {
			ce.Flavor = d.o.Flavor
		}
		return err
	}
	if config.Equal(next, d.running.Root) {
		run := d.running
		d.mu.Unlock()
		s.reset(run)
		out(ErrNoChanges.Error())
		return nil
	}
	var partial *CommitError
	if d.o.PartialCommit {
		next, partial = partialApply(d.running.Root, next, d.o.Reject)
		if partial != nil && len(partial.Applied) == 0 {
			d.mu.Unlock()
			partial.Partial, partial.Flavor = false, d.o.Flavor
			return partial
		}
	}
	ch := changesOf(d.running.Root, next)
	if !d.o.PartialCommit { // partialApply has validated
		if cerr := validateChanges(next, ch, d.o.Reject); cerr != nil {
			d.mu.Unlock()
			cerr.Flavor = d.o.Flavor
			return cerr
		}
	}
	previous := d.running
	d.running = &config.Tree{Family: config.Vyatta, Root: next, Meta: previous.Meta, Source: previous.Source}
	run := d.running
	d.archiveLocked(run, s.user, via)
	if confirmMinutes > 0 {
		d.armConfirmLocked(previous, confirmMinutes)
	}
	hook := d.hook
	d.mu.Unlock()
	d.vrrpResolve()

	if partial != nil {
		// The failed changes stay in the candidate, on top of what was
		// applied.
		s.base = run
	} else {
		s.reset(run)
	}
	for _, sub := range changedSubsystems(ch.keys) {
		out(fmt.Sprintf("[ %s ]", strings.Join(sub, " ")))
	}
	d.Log(fmt.Sprintf("commit: configuration committed by %s", s.user))
	if confirmMinutes > 0 {
		out(fmt.Sprintf("Initialized commit-confirm; %d minutes to confirm before revert", confirmMinutes))
	}
	if hook != nil {
		d.runHook(ctx, hook, out)
	}
	if partial != nil {
		partial.Flavor = d.o.Flavor
		d.Log(fmt.Sprintf("commit: partial commit by %s, failed: %s", s.user, strings.Join(partial.failedTops(), ", ")))
		return partial
	}
	return nil
}

// partialApply applies next onto running per priority subtree, as a
// device with --partial-commit does: a subtree is a top-level node
// (`interfaces`, `security`, ...) taken in the order of priority. Every
// subtree is checked against the whole candidate, as a real commit checks;
// a subtree with a failure keeps its running version, the others take the
// candidate's, and the result is checked again until nothing more fails
// (a subtree that refers to one that failed fails too). It returns the
// configuration to make running and, when something failed, a partial
// CommitError listing what was applied (nothing: the commit failed whole).
func partialApply(running, next *config.Node, reject [][]string) (*config.Node, *CommitError) {
	var tops []string
	for _, name := range unionNames(running, next) {
		a, b := findChild(running, name), findChild(next, name)
		if a == nil || b == nil || !config.Equal(a, b) {
			tops = append(tops, name)
		}
	}
	sort.SliceStable(tops, func(i, j int) bool { return priority(tops[i]) < priority(tops[j]) })
	failed := map[string]bool{}
	var failures []Failure
	check := next
	for {
		cerr := validate(running, check, reject)
		if cerr == nil {
			break
		}
		grew := false
		for _, f := range cerr.Failures {
			if indexOf(tops, f.Path[0]) < 0 {
				// A change broke a subtree it did not touch (a ruleset
				// still in use was deleted): the commit fails whole.
				return running, &CommitError{Failures: cerr.Failures}
			}
			if !failed[f.Path[0]] {
				failed[f.Path[0]] = true
				grew = true
			}
			if !hasFailure(failures, f) {
				failures = append(failures, f)
			}
		}
		if !grew {
			break // failures left in subtrees already running: keep them out
		}
		// The candidate with the failed subtrees as they run now.
		check = &config.Node{}
		for _, name := range unionNames(running, next) {
			src := next
			if failed[name] {
				src = running
			}
			if c := findChild(src, name); c != nil {
				check.Children = append(check.Children, c)
			}
		}
	}
	if len(failures) == 0 {
		return next, nil
	}
	sort.SliceStable(failures, func(i, j int) bool {
		a, b := failures[i].Path, failures[j].Path
		if priority(a[0]) != priority(b[0]) {
			return priority(a[0]) < priority(b[0])
		}
		return strings.Join(a, " ") < strings.Join(b, " ")
	})
	cerr := &CommitError{Failures: failures, Partial: true}
	for _, t := range tops {
		if !failed[t] {
			cerr.Applied = append(cerr.Applied, t)
		}
	}
	return check.Clone(), cerr
}

func hasFailure(list []Failure, f Failure) bool {
	for _, g := range list {
		if g.Msg == f.Msg && strings.Join(g.Path, "\x00") == strings.Join(f.Path, "\x00") {
			return true
		}
	}
	return false
}

// failedTops lists the top-level subtrees that failed.
func (e *CommitError) failedTops() []string {
	var out []string
	for _, f := range e.Failures {
		if len(f.Path) > 0 && indexOf(out, f.Path[0]) < 0 {
			out = append(out, f.Path[0])
		}
	}
	return out
}

func (d *Device) armConfirmLocked(previous *config.Tree, minutes int) {
	if d.confirm != nil {
		d.confirm.timer.Stop()
	}
	pc := &pendingConfirm{previous: previous}
	pc.timer = time.AfterFunc(time.Duration(minutes)*d.o.ConfirmUnit, func() { d.revert(pc) })
	d.confirm = pc
}

// revert puts back the configuration from before an unconfirmed commit; it
// is a commit of its own, so config-sync runs for it too.
func (d *Device) revert(pc *pendingConfirm) {
	d.mu.Lock()
	if d.confirm != pc {
		d.mu.Unlock()
		return
	}
	d.confirm = nil
	d.running = lab.CloneTree(pc.previous)
	d.archiveLocked(d.running, "root", "commit-confirm")
	hook := d.hook
	d.mu.Unlock()
	d.vrrpResolve()
	d.Log("commit-confirm: not confirmed in time, reverting to the previous configuration")
	if hook != nil {
		// config-sync logs its own lines: logging out too would write
		// each of them twice.
		d.runHook(context.Background(), hook, func(string) {})
	}
}

// runHook runs the commit hook (config-sync) on the running configuration
// as it is when the hook gets its turn: hooks run one at a time, so a
// revert that fires while the commit before it still syncs never has its
// own sync overtaken by the older one.
func (d *Device) runHook(ctx context.Context, hook CommitHook, out func(string)) {
	d.hookMu.Lock()
	defer d.hookMu.Unlock()
	hook(ctx, d.Running(), out)
}

// changedSubsystems lists the priority subtrees (two words deep: "interfaces
// ethernet", "firewall name") that differ, in the order a commit applies
// them.
func changedSubsystems(keys []string) [][]string {
	seen := map[string]bool{}
	var subs [][]string
	add := func(p []string) {
		if len(p) > 2 {
			p = p[:2]
		}
		k := strings.Join(p, " ")
		if !seen[k] {
			seen[k] = true
			subs = append(subs, p)
		}
	}
	for _, k := range keys {
		add(splitKey(k))
	}
	sort.SliceStable(subs, func(i, j int) bool { return priority(subs[i][0]) < priority(subs[j][0]) })
	return subs
}

// priority orders subsystems as the device commits them: system first,
// then interfaces, then what refers to interfaces.
func priority(top string) int {
	order := []string{"system", "interfaces", "protocols", "policy", "security", "firewall", "nat", "high-availability", "service", "vpn"}
	for i, o := range order {
		if o == top {
			return i
		}
	}
	return len(order)
}

// Tree editing. Trees here are word trees as backend/config builds them:
// every path word is a node, tag values are children of the tag node, and a
// leaf holds its values.

// insertChild adds c to n keeping the natural order of the Vyatta family.
func insertChild(n, c *config.Node) {
	i := sort.Search(len(n.Children), func(i int) bool { return config.NaturalLess(c.Name, n.Children[i].Name) })
	n.Children = append(n.Children, nil)
	copy(n.Children[i+1:], n.Children[i:])
	n.Children[i] = c
}

// findChild finds a child by binary search: a Vyatta node keeps its
// children in natural order (insertChild, the parser), and a linear scan
// made seeding a 100k-line configuration quadratic.
func findChild(n *config.Node, name string) *config.Node {
	i := sort.Search(len(n.Children), func(i int) bool { return !config.NaturalLess(n.Children[i].Name, name) })
	if i < len(n.Children) && n.Children[i].Name == name {
		return n.Children[i]
	}
	return nil
}

func removeChild(n *config.Node, name string) {
	for i, c := range n.Children {
		if c.Name == name {
			n.Children = append(n.Children[:i], n.Children[i+1:]...)
			return
		}
	}
}

// deletePath deletes the node at words, or one value of the leaf before
// the last word. An emptied tag node goes too, as on the device.
func deletePath(root *config.Node, words []string) error {
	if len(words) == 0 {
		return ErrNothingToDelete
	}
	parentPath := config.Path(words[:len(words)-1])
	parent := root.Lookup(parentPath)
	if parent == nil {
		return ErrNothingToDelete
	}
	last := words[len(words)-1]
	if n := parent.Child(last); n != nil {
		removeChild(parent, last)
	} else {
		i := indexOf(parent.Values, last)
		if i < 0 {
			return ErrNothingToDelete
		}
		parent.Values = append(parent.Values[:i], parent.Values[i+1:]...)
		if len(parent.Values) > 0 {
			return nil
		}
		grand := root.Lookup(parentPath[:len(parentPath)-1])
		removeChild(grand, parent.Name)
		words = words[:len(words)-1]
	}
	// Prune emptied tag nodes upwards ("interfaces ethernet" once its last
	// interface is gone).
	for p := words[:len(words)-1]; len(p) > 0; p = p[:len(p)-1] {
		n := root.Lookup(config.Path(p))
		if n == nil || !n.Tag || len(n.Children) > 0 {
			break
		}
		removeChild(root.Lookup(config.Path(p[:len(p)-1])), n.Name)
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// flatten maps every childless node (leaves, empty nodes) to its values.
// Keys are path words joined by NUL, which no configuration word holds.
func flatten(n *config.Node) map[string][]string {
	m := map[string][]string{}
	n.Walk(func(p config.Path, c *config.Node) bool {
		if len(c.Children) == 0 {
			m[strings.Join(p, "\x00")] = c.Values
		}
		return true
	})
	return m
}

func splitKey(k string) []string { return strings.Split(k, "\x00") }

func sameValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// same tells whether key k is the same in both flattened trees.
func same(a, b map[string][]string, k string) bool {
	av, aok := a[k]
	bv, bok := b[k]
	return aok == bok && sameValues(av, bv)
}

// diffKeys lists the keys that differ between a and b, sorted so the
// output is stable.
func diffKeys(a, b map[string][]string) []string {
	var keys []string
	for k := range a {
		if !same(a, b, k) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// rebase applies the changes base→cand onto running and returns the new
// tree. A leaf that running changed as well, to something else, is a
// conflict: the commit is refused rather than silently losing one change.
func rebase(base, cand, running *config.Node) (*config.Node, error) {
	B, C, R := flatten(base), flatten(cand), flatten(running)
	keys := diffKeys(B, C)
	var conflicts []Failure
	for _, k := range keys {
		if !same(R, B, k) && !same(R, C, k) {
			p := splitKey(k)
			conflicts = append(conflicts, Failure{Path: p, Subtree: subtreeOf(p),
				Msg: "configuration under this path was changed by another session since this session started; discard and redo the change"})
		}
	}
	if conflicts != nil {
		return nil, &CommitError{Failures: conflicts}
	}
	next := running.Clone()
	for _, k := range keys {
		p := splitKey(k)
		if cv, ok := C[k]; ok {
			n := ensurePath(next, cand, p)
			n.Values = append([]string(nil), cv...)
			continue
		}
		if parent := next.Lookup(config.Path(p[:len(p)-1])); parent != nil {
			removeChild(parent, p[len(p)-1])
		}
		// Ancestors that the candidate no longer has go too.
		for q := p[:len(p)-1]; len(q) > 0; q = q[:len(q)-1] {
			n := next.Lookup(config.Path(q))
			if n == nil || len(n.Children) > 0 || cand.Lookup(config.Path(q)) != nil {
				break
			}
			removeChild(next.Lookup(config.Path(q[:len(q)-1])), n.Name)
		}
	}
	return next, nil
}

// ensurePath returns the node at p under root, creating it with the
// printing hints of the same nodes in hints.
func ensurePath(root, hints *config.Node, p []string) *config.Node {
	cur, h := root, hints
	for _, w := range p {
		if h != nil {
			h = h.Child(w)
		}
		next := cur.Child(w)
		if next == nil {
			next = &config.Node{Name: w}
			if h != nil {
				next.Tag, next.Leaf, next.Secret = h.Tag, h.Leaf, h.Secret
			}
			insertChild(cur, next)
		}
		cur = next
	}
	return cur
}

// subtreeOf names the priority subtree a failed node belongs to, as in
// `[[interfaces ethernet eth1]] failed`: three words deep at most.
func subtreeOf(p []string) []string {
	if len(p) > 3 {
		return p[:3]
	}
	return p
}

// compareTrees prints the changes a → b in the VyOS 1.4 `compare` format:
// a `[path]` header, then `- ` and `+ ` lines in curly form.
func compareTrees(a, b *config.Node) string {
	var out strings.Builder
	compareNode(&out, nil, a, b)
	return out.String()
}

func compareNode(out *strings.Builder, p []string, a, b *config.Node) {
	var lines []string
	type pair struct {
		p    []string
		a, b *config.Node
	}
	var deeper []pair
	names := unionNames(a, b)
	for _, name := range names {
		ac, bc := a.Child(name), b.Child(name)
		switch {
		case ac == nil:
			lines = append(lines, curlyLines("+ ", bc, "")...)
		case bc == nil:
			lines = append(lines, curlyLines("- ", ac, "")...)
		case ac.Tag || bc.Tag:
			for _, tag := range unionNames(ac, bc) {
				at, bt := ac.Child(tag), bc.Child(tag)
				switch {
				case at == nil:
					lines = append(lines, curlyLines("+ ", bt, name+" ")...)
				case bt == nil:
					lines = append(lines, curlyLines("- ", at, name+" ")...)
				default:
					deeper = append(deeper, pair{append(append(append([]string(nil), p...), name), tag), at, bt})
				}
			}
		case len(ac.Children) == 0 && len(bc.Children) == 0:
			if !sameValues(ac.Values, bc.Values) {
				// Only the values that went or came, as for a multi-value
				// leaf a device lists the one address added.
				gone, came := valuesOnlyIn(ac.Values, bc.Values), valuesOnlyIn(bc.Values, ac.Values)
				if len(gone)+len(came) == 0 { // same values, new order
					gone, came = ac.Values, bc.Values
				}
				for _, v := range gone {
					lines = append(lines, "- "+ac.Name+" "+quote(v))
				}
				for _, v := range came {
					lines = append(lines, "+ "+bc.Name+" "+quote(v))
				}
			}
		default:
			deeper = append(deeper, pair{append(append([]string(nil), p...), name), ac, bc})
		}
	}
	if len(lines) > 0 {
		if len(p) > 0 {
			fmt.Fprintf(out, "[%s]\n", strings.Join(p, " "))
		}
		for _, l := range lines {
			out.WriteString(l)
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
	}
	for _, d := range deeper {
		compareNode(out, d.p, d.a, d.b)
	}
}

// valuesOnlyIn returns the values of a that b lacks.
func valuesOnlyIn(a, b []string) []string {
	var only []string
	for _, v := range a {
		if indexOf(b, v) < 0 {
			only = append(only, v)
		}
	}
	return only
}

func unionNames(a, b *config.Node) []string {
	seen := map[string]bool{}
	var names []string
	for _, n := range [][]*config.Node{a.Children, b.Children} {
		for _, c := range n {
			if !seen[c.Name] {
				seen[c.Name] = true
				names = append(names, c.Name)
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return config.NaturalLess(names[i], names[j]) })
	return names
}

// curlyLines prints n in curly form, VyOS 1.4 style (every value
// double-quoted), each line prefixed.
func curlyLines(prefix string, n *config.Node, tagPrefix string) []string {
	var lines []string
	var walk func(n *config.Node, indent, tagPrefix string)
	walk = func(n *config.Node, indent, tagPrefix string) {
		name := tagPrefix + n.Name
		switch {
		case len(n.Children) > 0 && n.Tag:
			for _, c := range n.Children {
				walk(c, indent, n.Name+" ")
			}
		case len(n.Children) > 0:
			lines = append(lines, prefix+indent+name+" {")
			for _, c := range n.Children {
				walk(c, indent+"    ", "")
			}
			lines = append(lines, prefix+indent+"}")
		case len(n.Values) > 0:
			for _, v := range n.Values {
				lines = append(lines, prefix+indent+name+" "+quote(v))
			}
		case n.Leaf:
			lines = append(lines, prefix+indent+name)
		default:
			lines = append(lines, prefix+indent+name+" {", prefix+indent+"}")
		}
	}
	walk(n, "", tagPrefix)
	return lines
}

func quote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}
