package device

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// The reads of a session. Their commands are in the family's platform
// table (platform.go, platformReads); the parsing of what they print is in
// ha.go.

// read runs an operational read: in Vyatta configure mode through `run`,
// with `| no-more` when the pager could not be turned off.
func (s *Session) read(ctx context.Context, cmd string, emit func(string)) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prompt.Mode == ModeConfigure {
		cmd = s.p.opInConfigure + cmd
	}
	if s.pagerOn {
		cmd += s.p.noMore
	}
	res, err := s.run(ctx, cmd, emit)
	return res.Lines, err
}

// Fetch reads the running configuration as the device prints it, in the
// form that is unambiguous where the device offers a choice: Vyatta `show
// configuration commands` (DOMAIN.md "Configuration text"), Huawei
// `display current-configuration`. Secrets are as the login may see them
// (a Vyatta user outside the `secrets` group sees them masked; VRP prints
// ciphertext): the text and the lines given to emit hold them, so a
// caller masks before showing (config.PrintOptions.MaskSecrets). Each
// line goes to emit (may be nil) as it arrives; the text ends with a
// newline.
func (s *Session) Fetch(ctx context.Context, emit func(line string)) ([]byte, error) {
	lines, err := s.read(ctx, s.p.reads.fetch, emit)
	if err != nil {
		return nil, err
	}
	return joinLines(lines), nil
}

// FetchTree is Fetch parsed with backend/config; the tree's Source is
// the device's name.
func (s *Session) FetchTree(ctx context.Context, emit func(line string)) (*config.Tree, error) {
	text, err := s.Fetch(ctx, emit)
	if err != nil {
		return nil, err
	}
	t, err := config.Parse(s.opt.Name, text, s.p.family)
	if err != nil {
		return nil, fmt.Errorf("%s: running configuration: %w", s.opt.Name, err)
	}
	return t, nil
}

func joinLines(lines []string) []byte {
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b := make([]byte, 0, n)
	for _, l := range lines {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return b
}

// HA reads the device's HA state: Vyatta `show vrrp` (each group and its
// state), Huawei `display hrp state verbose` (role, core state, priorities,
// auto-sync flags; `display hrp state` on firmware without verbose) and
// the device's own last `hrp configuration check` result, when it has
// one (DOMAIN.md "HRP"). Role is decided from them and, for Huawei, the
// prompt's HRP prefix. A Huawei device without HRP (no prefix, the
// commands unknown) gives HRP nil and RoleUnknown, without an error.
func (s *Session) HA(ctx context.Context) (HAState, error) {
	if s.p.family == config.Vyatta {
		lines, err := s.read(ctx, s.p.reads.ha[0], nil)
		if err != nil {
			return HAState{}, err
		}
		groups := ParseVRRP(lines)
		return HAState{Family: config.Vyatta, VRRP: groups, Role: vrrpRole(groups)}, nil
	}
	var (
		lines []string
		err   error
	)
	// The verbose form first; older firmware takes only the short one.
	for _, cmd := range s.p.reads.ha {
		if lines, err = s.read(ctx, cmd, nil); !errors.Is(err, ErrRejected) {
			break
		}
	}
	if errors.Is(err, ErrRejected) && s.Prompt().HRP == "" {
		// No HRP on this device: the commands are unknown and the
		// prompt has no prefix.
		return HAState{Family: config.Huawei}, nil
	}
	if err != nil {
		return HAState{}, err
	}
	h := ParseHRPState(lines)
	if check, err := s.read(ctx, s.p.reads.haCheck, nil); err == nil {
		h.Check = ParseHRPCheck(check)
	} else if !errors.Is(err, ErrRejected) {
		return HAState{}, err
	}
	p := s.Prompt()
	h.Prefix = p.HRP
	st := HAState{Family: config.Huawei, HRP: &h, Role: p.Role()}
	if st.Role == RoleUnknown {
		st.Role = h.role()
	}
	return st, nil
}

// Sessions reads the number of sessions in a Huawei firewall's session
// table (` Current Total Sessions : N` of `display firewall session
// table`, DOMAIN.md "HRP"). The table's lines are not kept. Vyatta:
// ErrUnsupported.
func (s *Session) Sessions(ctx context.Context) (int, error) {
	if s.p.reads.sessions == "" {
		return 0, fmt.Errorf("%s: session count: %w", s.opt.Name, ErrUnsupported)
	}
	n := -1
	count := func(l string) {
		if n < 0 {
			if v, ok := parseSessionTotal(l); ok {
				n = v
			}
		}
	}
	s.mu.Lock()
	_, err := s.run(ctx, s.p.reads.sessions, count)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("%s: %s: no `Current Total Sessions` line", s.opt.Name, s.p.reads.sessions)
	}
	return n, nil
}

// SavedDiffers reports whether the running configuration differs from
// the saved one. Huawei: `display saved-configuration` and `display
// current-configuration`, both parsed and compared as trees (the header
// lines do not count). Vyatta: `compare saved` in configure mode, then
// `exit` (DOMAIN.md "Commit and compare output"); a device that has no
// saved configuration differs.
func (s *Session) SavedDiffers(ctx context.Context) (bool, error) {
	if s.p.reads.saved != "" {
		saved, err := s.read(ctx, s.p.reads.saved, nil)
		if err != nil {
			return false, err
		}
		running, err := s.Fetch(ctx, nil)
		if err != nil {
			return false, err
		}
		return s.hwDiffers(joinLines(saved), running)
	}
	return s.vySavedDiffers(ctx)
}

// SavedDiffersFrom is SavedDiffers for a Huawei device whose running
// configuration was just fetched: only the saved one is read. Vyatta
// reads as SavedDiffers does.
func (s *Session) SavedDiffersFrom(ctx context.Context, running []byte) (bool, error) {
	if s.p.reads.saved == "" {
		return s.vySavedDiffers(ctx)
	}
	saved, err := s.read(ctx, s.p.reads.saved, nil)
	if err != nil {
		return false, err
	}
	return s.hwDiffers(joinLines(saved), running)
}

func (s *Session) hwDiffers(saved, running []byte) (bool, error) {
	if len(strings.TrimSpace(string(saved))) == 0 {
		return true, nil // never saved
	}
	st, err := config.Parse(s.opt.Name+" (saved)", saved, config.Huawei)
	if err != nil {
		return false, fmt.Errorf("%s: saved configuration: %w", s.opt.Name, err)
	}
	rt, err := config.Parse(s.opt.Name, running, config.Huawei)
	if err != nil {
		return false, fmt.Errorf("%s: running configuration: %w", s.opt.Name, err)
	}
	return !config.Equal(st.Root, rt.Root), nil
}

func (s *Session) vySavedDiffers(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entered := false
	if s.prompt.Mode != ModeConfigure {
		if s.prompt.Operator {
			return false, fmt.Errorf("%s: compare saved: %w: an operator login has no configure mode", s.opt.Name, ErrUnsupported)
		}
		if _, err := s.run(ctx, s.p.reads.configure, nil); err != nil {
			return false, err
		}
		entered = true
	}
	lines, cerr := s.run(ctx, s.p.reads.compareSaved, nil)
	if entered {
		if _, err := s.run(ctx, s.p.reads.exit, nil); errors.Is(err, ErrRejected) {
			// Changes of this login's configuration session (none of
			// ours): leave them as the user would have to.
			_, err = s.run(ctx, s.p.reads.exitDiscard, nil)
			if err != nil {
				return false, err
			}
		} else if err != nil {
			return false, err
		}
	}
	if cerr != nil {
		return false, cerr
	}
	for _, l := range lines.Lines {
		if strings.TrimSpace(l) == s.p.reads.noChanges {
			return false, nil
		}
	}
	return true, nil
}

// ReadSyncMaps reads the sync-maps the device carries: Vyatta from the
// running configuration's `system config-sync` (syncmap.FromConfig, with
// its remote routers); Huawei the built-in HRP scope of the running
// configuration (syncmap.HRP), and no remotes.
func (s *Session) ReadSyncMaps(ctx context.Context) ([]*syncmap.Map, []syncmap.Remote, error) {
	t, err := s.FetchTree(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	return SyncMaps(t)
}

// SyncMaps are the sync-maps a fetched configuration carries (see
// ReadSyncMaps).
func SyncMaps(t *config.Tree) ([]*syncmap.Map, []syncmap.Remote, error) {
	if t.Family == config.Huawei {
		return []*syncmap.Map{syncmap.HRP(t)}, nil, nil
	}
	maps, remotes, err := syncmap.FromConfig(t)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: config-sync: %w", t.Source, err)
	}
	return maps, remotes, nil
}

// HRPCheck runs the Huawei device's own configuration check: `hrp
// configuration check all`, then `display hrp configuration check` every
// poll (a second when 0) until every module has a result or ctx ends
// (DOMAIN.md "HRP"). The check runs on the HRP-active member with the
// peer heard; otherwise the device refuses it (ErrRejected). Vyatta:
// ErrUnsupported.
func (s *Session) HRPCheck(ctx context.Context, poll time.Duration) ([]HRPCheckRow, error) {
	if s.p.reads.checkStart == "" {
		return nil, fmt.Errorf("%s: hrp configuration check: %w", s.opt.Name, ErrUnsupported)
	}
	if poll <= 0 {
		poll = time.Second
	}
	if _, err := s.read(ctx, s.p.reads.checkStart, nil); err != nil {
		return nil, err
	}
	for {
		lines, err := s.read(ctx, s.p.reads.haCheck, nil)
		if err != nil {
			return nil, err
		}
		rows := ParseHRPCheck(lines)
		finished := len(rows) > 0
		for _, r := range rows {
			if r.Result == "" || r.Result == "-" {
				finished = false
			}
		}
		if finished {
			return rows, nil
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return rows, fmt.Errorf("%s: %s: %w", s.opt.Name, s.p.reads.haCheck, ctx.Err())
		case <-t.C:
		}
	}
}
