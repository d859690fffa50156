package sshclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys is the host-key policy of one dial.
type hostKeys struct {
	files  []string // existing known_hosts files
	all    []string // every file named, for messages
	record string   // where to record accepted keys ("" picks)
	db     *knownhosts.HostKeyDB

	acceptNew bool
	ask       func(ctx context.Context, host string, key ssh.PublicKey) (bool, error)
	// pause suspends the dial timeout while ask runs.
	pause func() (resume func())
}

func newHostKeys(cfg Config) (*hostKeys, error) {
	h := &hostKeys{all: cfg.KnownHosts, record: cfg.RecordKnownHosts, acceptNew: cfg.AcceptNew, ask: cfg.OnUnknownHost}
	if len(h.all) == 0 {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
		h.all = []string{filepath.Join(home, ".ssh", "known_hosts")}
	}
	var key strings.Builder
	for _, f := range h.all {
		st, err := os.Stat(f)
		if err == nil {
			h.files = append(h.files, f)
			fmt.Fprintf(&key, "%s\x00%d\x00%d\x00", f, st.Size(), st.ModTime().UnixNano())
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
	}
	if len(h.files) > 0 {
		db, err := parsedDB(key.String(), h.files)
		if err != nil {
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
		h.db = db
	}
	return h, nil
}

// dbCache keeps parsed known_hosts files, keyed by their names, sizes and
// modification times, so that many dials (a status over 100 pairs) parse
// the same files once. An entry recorded by accept-new changes the size,
// and so the key. A parsed database is only read, so it is shared.
var dbCache struct {
	sync.Mutex
	m map[string]*knownhosts.HostKeyDB
}

// maxDBCache bounds the cache (each entry is one set of files).
const maxDBCache = 32

func parsedDB(key string, files []string) (*knownhosts.HostKeyDB, error) {
	dbCache.Lock()
	db := dbCache.m[key]
	dbCache.Unlock()
	if db != nil {
		return db, nil
	}
	db, err := knownhosts.NewDB(files...)
	if err != nil {
		return nil, err
	}
	dbCache.Lock()
	defer dbCache.Unlock()
	if dbCache.m == nil || len(dbCache.m) >= maxDBCache {
		dbCache.m = map[string]*knownhosts.HostKeyDB{}
	}
	dbCache.m[key] = db
	return db, nil
}

// algorithms are the host-key algorithms to offer for hostport: those of
// the keys known_hosts holds for it (so the server shows the key we can
// check, as OpenSSH does), limited to what offer allows; offer itself for
// an unknown host.
func (h *hostKeys) algorithms(hostport string, offer []string) []string {
	if h.db == nil {
		return offer
	}
	var algos []string
	for _, a := range h.db.HostKeyAlgorithms(hostport) {
		if slices.Contains(offer, a) {
			algos = append(algos, a)
		}
	}
	if len(algos) == 0 {
		return offer
	}
	return algos
}

// callback checks a presented key.
func (h *hostKeys) callback(ctx context.Context) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		if h.db != nil {
			err := h.db.HostKeyCallback()(hostname, remote, key)
			if err == nil {
				return nil
			}
			var ke *xknownhosts.KeyError
			if !errors.As(err, &ke) {
				return fmt.Errorf("known_hosts: %w", err)
			}
			if len(ke.Want) > 0 {
				he := &HostKeyError{Host: knownhosts.Normalize(hostname), Presented: key}
				for _, w := range ke.Want {
					he.Known = append(he.Known, KnownKey{Key: w.Key, File: w.Filename, Line: w.Line})
				}
				return he
			}
		}
		unknown := &UnknownHostError{Host: knownhosts.Normalize(hostname), Presented: key, Files: h.all}
		ok := h.acceptNew
		if !ok && h.ask != nil {
			resume := func() {}
			if h.pause != nil {
				resume = h.pause()
			}
			var err error
			ok, err = h.ask(ctx, knownhosts.Normalize(hostname), key)
			resume()
			if err != nil {
				unknown.Err = err
				return unknown
			}
		}
		if !ok {
			return unknown
		}
		return h.add(hostname, key)
	}
}

// add appends the key to the record file, in OpenSSH's format (not
// hashed), making the file and its directory when missing.
func (h *hostKeys) add(hostname string, key ssh.PublicKey) error {
	files := h.all
	if h.record != "" {
		files = []string{h.record}
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key) + "\n"
	var errs []error
	for _, f := range files {
		if err := appendLine(f, line); err != nil {
			errs = append(errs, err)
			continue
		}
		return nil
	}
	return fmt.Errorf("recording the host key of %s: %w", knownhosts.Normalize(hostname), errors.Join(errs...))
}

func appendLine(file, line string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	// A file not ending in a newline would glue the new entry to its last.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		if last, err := lastByte(file); err == nil && last != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func lastByte(file string) (byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, st.Size()-1); err != nil {
		return 0, err
	}
	return b[0], nil
}
