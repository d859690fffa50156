package pair

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Pair locks: a sync holds its pair's lock so that two syncs of one pair
// never overlap, in this process (the console and its served sessions) or
// in another (two `hasync sync` runs): an in-process table plus a lock
// file per pair, DIR/PAIR.lock, locked with flock(2). The file holds who
// took it and since when; flock is released by the kernel when the
// holder dies, so a stale file never blocks.

// ErrLocked: another sync holds the pair's lock; the error is a
// *LockedError saying who and since when.
var ErrLocked = errors.New("a sync of this pair is running")

// LockInfo is who holds a pair's lock.
type LockInfo struct {
	Pair string `json:"pair"`
	// Holder is who took it: "user@host (hasync sync, pid N)" or what the
	// caller passed.
	Holder string    `json:"holder"`
	PID    int       `json:"pid"`
	Since  time.Time `json:"since"`
	// Write is what the holder does (a sync, a rollback, a native sync,
	// a sync-map save), when it said so (LockWrite); nil when not.
	Write *SyncSummary `json:"write,omitempty"`
}

// LockedError is the answer to a second sync of a pair.
type LockedError struct{ Info LockInfo }

func (e *LockedError) Error() string {
	who := e.Info.Holder
	if who == "" {
		who = "another process"
	}
	since := "an unknown time"
	if !e.Info.Since.IsZero() {
		since = e.Info.Since.UTC().Format(time.RFC3339)
	}
	what := "a sync"
	if w := e.Info.Write; w != nil {
		what = "a " + w.Title("->")
	}
	return fmt.Sprintf("pair %s: %s is running: held by %s since %s", e.Info.Pair, what, who, since)
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Lock is a held pair lock; Unlock releases it.
type Lock struct {
	key  string
	f    *os.File
	info LockInfo
	once sync.Once
	// released, when set, is called once the lock is released.
	released func()
}

// held is the in-process table: lock file path → holder.
var held = struct {
	sync.Mutex
	m map[string]LockInfo
}{m: map[string]LockInfo{}}

// LockFile is the lock file of pair in dir.
func LockFile(dir, pair string) string {
	n := strings.NewReplacer("/", "_", "\\", "_", "\x00", "_").Replace(pair)
	if n == "" || n == "." || n == ".." {
		n = "_" + n
	}
	return filepath.Join(dir, n+".lock")
}

// TryLock takes pair's lock in dir (made 0700 when missing) for holder,
// without waiting: when a sync in this process or another holds it, the
// error is a *LockedError (ErrLocked) naming the holder and since when.
func TryLock(dir, pair, holder string) (*Lock, error) { return tryLock(dir, pair, holder, nil) }

// tryLock is TryLock for a holder that says what it writes (w; nil: not
// said), in the lock and in the refusals of others.
func tryLock(dir, pair, holder string, w *SyncSummary) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pair %s: lock: %w", pair, err)
	}
	key := LockFile(dir, pair)
	if abs, err := filepath.Abs(key); err == nil {
		key = abs
	}
	info := LockInfo{Pair: pair, Holder: holder, PID: os.Getpid(), Since: time.Now().UTC(), Write: w}
	held.Lock()
	defer held.Unlock()
	if h, ok := held.m[key]; ok {
		return nil, &LockedError{Info: h}
	}
	f, err := os.OpenFile(key, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pair %s: lock: %w", pair, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			other := LockInfo{Pair: pair}
			if b, rerr := os.ReadFile(key); rerr == nil {
				_ = json.Unmarshal(b, &other)
				other.Pair = pair
			}
			return nil, &LockedError{Info: other}
		}
		return nil, fmt.Errorf("pair %s: lock %s: %w", pair, key, err)
	}
	b, _ := json.Marshal(info)
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(append(b, '\n'), 0)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("pair %s: lock %s: %w", pair, key, err)
		}
	}
	held.m[key] = info
	return &Lock{key: key, f: f, info: info}, nil
}

// Info is who holds l (this process).
func (l *Lock) Info() LockInfo { return l.info }

// Unlock releases the lock; later calls do nothing. The file stays (an
// empty file, so a reader never sees a stale holder).
func (l *Lock) Unlock() error {
	var err error
	l.once.Do(func() {
		held.Lock()
		defer held.Unlock()
		_ = l.f.Truncate(0)
		err = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		if cerr := l.f.Close(); err == nil {
			err = cerr
		}
		delete(held.m, l.key)
	})
	if l.released != nil {
		l.released()
	}
	return err
}

// LockSync takes the pair's sync lock in dir for holder (TryLock: the
// error is a *LockedError naming who holds it and since when) and
// records it, so that SyncHolder names the holder until Unlock.
func (p *Pair) LockSync(dir, holder string) (*Lock, error) { return p.LockWrite(dir, holder, nil) }

// LockWrite is LockSync for a write that says what it is (w, copied): who
// is refused the lock is told (LockedError's Info.Write), as SyncHolder
// tells it, before the write's own events reach anyone.
func (p *Pair) LockWrite(dir, holder string, w *SyncSummary) (*Lock, error) {
	if w != nil {
		c := *w
		w = &c
	}
	l, err := tryLock(dir, p.spec.Name, holder, w)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.holder = &l.info
	p.mu.Unlock()
	l.released = func() {
		p.mu.Lock()
		if p.holder == &l.info {
			p.holder = nil
		}
		p.mu.Unlock()
	}
	return l, nil
}

// SyncHolder is who holds the pair's sync lock in this process right now
// (taken through LockSync) and since when; false when no sync runs.
func (p *Pair) SyncHolder() (LockInfo, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.holder == nil {
		return LockInfo{}, false
	}
	return *p.holder, true
}
