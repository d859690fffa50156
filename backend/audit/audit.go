package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Mask is what a secret reads as in a record (config.Mask's text).
const Mask = "********"

// Counts are the sizes of what a sync did or meant to do.
type Counts struct {
	Commands  int `json:"commands"`
	Sets      int `json:"sets"`
	Deletes   int `json:"deletes"`
	Conflicts int `json:"conflicts"`
	Warnings  int `json:"warnings"`
	// Residue is what still differs in scope after the sync (expected
	// and unexpected), -1 when not re-read.
	Residue int `json:"residue"`
}

// RemoteError is one error the remote printed, tied to the path it names
// (a commit error's `[ path ]` block, or the refused command's path).
type RemoteError struct {
	Path    string   `json:"path,omitempty"`
	Command string   `json:"command,omitempty"`
	Lines   []string `json:"lines"`
}

// Result is how a sync ended.
type Result string

const (
	// OK: everything the plan meant to change is equal afterwards.
	OK Result = "ok"
	// Refused: the remote (or the schema check) refused; nothing
	// committed.
	Refused Result = "refused"
	// Unexpected: committed, but the re-read shows differences the plan
	// did not expect.
	Unexpected Result = "unexpected"
	// Stale: the plan was computed from configurations that changed
	// since; nothing sent.
	Stale Result = "stale"
	// Partial: the remote refused part of the commit after another part
	// had applied (Record.Applied lists it, Record.Reverted tells whether
	// the inverse plan brought the target back).
	Partial Result = "partial"
	// SourceChanged: the re-read shows the source changed during the
	// sync (an HRP standby backing its changes up to the active member).
	SourceChanged Result = "source-changed"
	// Unverified: the target committed the change, but the re-read that
	// checks it could not run (the server shut down, the link went); see
	// Error.
	Unverified Result = "committed-unverified"
	// Cancelled: the sync was cancelled (^C, esc, the server shutting
	// down, its --timeout) before its commit was sent; the target was
	// left as it was.
	Cancelled Result = "cancelled"
	// Failed: the sync could not run to the end (connection lost, a
	// device unreadable); see Error.
	Failed Result = "failed"
	// Unknown: the commit (or a device's own sync) was sent and its
	// answer cut, and the target still read unchanged when the wait for
	// it (--settle) ended: it may yet apply; compare the pair.
	Unknown Result = "unknown"
	// Committing is written as the commit is sent (a write-ahead
	// record), and superseded by the sync's own record, of the same Time,
	// when it ends (Records drops it then). Left alone, it says that the
	// run ended between the two (a second ^C, a kill, a crash): the change
	// may be committed and was not verified; compare the pair.
	Committing Result = "committing"
)

// Kind is what a record is about: a sync (the empty kind, as every
// record before kinds were written), a sync-map save, or a save of the
// running configurations with nothing to sync (hasync sync --save).
type Kind string

// MapSave: a sync-map written to the member that carries it (the
// console's Sync-maps tab). Target is that member, Map the map, Commands
// what was typed.
const MapSave Kind = "map-save"

// Save is a record of `hasync sync --save` with nothing to send: the
// members saved (Record.Saved), no change sent. Last skips it as a map
// save: it is not a sync to roll back.
const Save Kind = "save"

// Record is one sync, or one sync-map save (Kind).
type Record struct {
	Time time.Time `json:"time"`
	Kind Kind      `json:"kind,omitempty"`
	// User is the local user who ran it, Host the machine.
	User string `json:"user"`
	Host string `json:"host,omitempty"`
	// SSHUser and SSHKey name who ran it through the served console
	// (hasync serve): the SSH user and the SHA256 fingerprint of the key
	// they logged in with; empty for a local run.
	SSHUser string `json:"ssh_user,omitempty"`
	SSHKey  string `json:"ssh_key,omitempty"`
	Pair    string `json:"pair"`
	// Source and Target name the devices; Direction is "source → target".
	Source    string `json:"source"`
	Target    string `json:"target"`
	Direction string `json:"direction"`
	Map       string `json:"map,omitempty"`
	// Mode is how the target was changed: push (hasync typed the plan),
	// push-hrp (hasync on a Huawei standby), hrp (`hrp sync config`) or
	// config-sync (the VRA source's own `update config-sync`).
	Mode string `json:"mode,omitempty"`
	// Transport is how the target was reached: ssh, or rest with why
	// (the inventory's transport, or the fallback when SSH could not be
	// reached).
	Transport string `json:"transport,omitempty"`
	// PlanHash is the hash of the plan's commands; Basis the hash of both
	// configurations it was computed from (plan.Hash).
	PlanHash string `json:"plan_hash"`
	Basis    string `json:"basis,omitempty"`
	Counts   Counts `json:"counts"`
	// Commands are the commands typed, for a map save (a sync's are
	// its plan's: PlanHash).
	Commands []string      `json:"commands,omitempty"`
	Result   Result        `json:"result"`
	Errors   []RemoteError `json:"remote_errors,omitempty"`
	// Applied lists the paths that changed on the target although the
	// sync failed (a partial commit); Reverted tells that the inverse
	// plan brought the target back.
	Applied  []string `json:"applied,omitempty"`
	Reverted bool     `json:"reverted,omitempty"`
	// Saved names the members whose running configuration the sync
	// saved (`save`): after a device-native sync, or with --save and
	// nothing to send.
	Saved []string `json:"saved,omitempty"`
	// Error is why the sync failed, when it did (a hasync error, not the
	// remote's lines).
	Error   string `json:"error,omitempty"`
	Comment string `json:"comment,omitempty"`
	// Previous is the file that keeps the target's configuration from
	// before the sync.
	Previous string `json:"previous,omitempty"`
	// TargetAfter is the SHA-256 (hex) of the target's configuration
	// text once the sync was verified: `--rollback` refuses when the
	// target changed since.
	TargetAfter string `json:"target_after,omitempty"`
	// ConfirmActionSet: before the sync, hasync set `system
	// config-management commit-confirm action reload` on the target, as
	// asked (hasync sync --confirm-set-reload), and committed it.
	ConfirmActionSet bool `json:"confirm_action_set,omitempty"`
	// Rollback: this sync was a rollback of the one before.
	Rollback   bool    `json:"rollback,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// StateDir is hasync's directory in the user's state directory:
// $XDG_STATE_HOME/hasync, else ~/.local/state/hasync.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "hasync"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("audit: no state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "hasync"), nil
}

// DefaultDir is StateDir()/audit, where `hasync status` looks for the last
// sync.
func DefaultDir() (string, error) {
	d, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "audit"), nil
}

// Who is the local user name and host name for a record.
func Who() (userName, host string) {
	if u, err := user.Current(); err == nil {
		userName = u.Username
	} else {
		userName = os.Getenv("USER")
	}
	host, _ = os.Hostname()
	return userName, host
}

// Log is the audit directory.
type Log struct{ dir string }

// Open makes dir (mode 0700) when needed.
func Open(dir string) (*Log, error) {
	if dir == "" {
		return nil, errors.New("audit: no directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return &Log{dir: dir}, nil
}

// Dir is the log's directory.
func (l *Log) Dir() string { return l.dir }

// File is the record file of pair: DIR/PAIR.jsonl (the pair's name with
// path separators replaced).
func (l *Log) File(pair string) string {
	return filepath.Join(l.dir, FileName(pair)+".jsonl")
}

// FileName is pair's name made safe as a file name.
func FileName(pair string) string {
	r := strings.NewReplacer("/", "_", "\\", "_", "\x00", "_")
	n := r.Replace(pair)
	if n == "" || n == "." || n == ".." {
		n = "_" + n
	}
	return n
}

// Append writes r as one line at the end of its pair's file (created mode
// 0600), under an exclusive lock so that lines of concurrent writers never
// mix. Every occurrence of a secret in any field is masked first; empty
// secrets are ignored.
func (l *Log) Append(r Record, secrets []string) error {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	r.Time = r.Time.UTC()
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	b = redact(b, secrets)
	b = append(b, '\n')
	f, err := os.OpenFile(l.File(r.Pair), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("audit: lock %s: %w", f.Name(), err)
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return f.Sync()
}

// redact masks each secret in the JSON text b, in its raw form and as JSON
// escapes it.
func redact(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		if s == "" || s == Mask {
			continue
		}
		esc, _ := json.Marshal(s)
		forms := [][]byte{[]byte(s), esc[1 : len(esc)-1]}
		for _, f := range forms {
			b = bytes.ReplaceAll(b, f, []byte(Mask))
		}
	}
	return b
}

// Records reads every record of pair, oldest first. A line that is not a
// record (a torn write) is skipped, and so is a Committing record that
// the sync's own record (the same Kind and Time) followed.
func (l *Log) Records(pair string) ([]Record, error) {
	f, err := os.Open(l.File(pair))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && !r.Time.IsZero() {
			out = append(out, r)
		}
	}
	return superseded(out), sc.Err()
}

// superseded drops from rs, oldest first, each Committing record that a
// record of the same Kind and Time ended (the sync's own, written after it).
func superseded(rs []Record) []Record {
	type key struct {
		kind Kind
		at   int64 // Time, in ns
	}
	ended := map[key]bool{}
	for _, r := range rs {
		if r.Result != Committing {
			ended[key{r.Kind, r.Time.UnixNano()}] = true
		}
	}
	return slices.DeleteFunc(rs, func(r Record) bool { return r.Result == Committing && ended[key{r.Kind, r.Time.UnixNano()}] })
}

// Last is the newest sync record of pair (map saves are skipped: a
// rollback undoes a sync, and status names the last sync); ok is false
// when there is none.
func (l *Log) Last(pair string) (r Record, ok bool, err error) {
	all, err := l.Records(pair)
	if err != nil {
		return Record{}, false, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Kind == "" {
			return all[i], true, nil
		}
	}
	return Record{}, false, nil
}
