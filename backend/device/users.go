package device

import (
	"context"
	"fmt"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// Login is one login a device lists.
type Login struct {
	User string
	// Line is the login's terminal line: pts/N (Vyatta), VTY N (Huawei).
	Line string
	// From is the client's address, "" when not shown.
	From string
	// Current: the device marks the login as the one asking (Huawei `+`);
	// Vyatta never does.
	Current bool
}

// Logins lists who is logged in to the device: Vyatta `show users` (VyOS
// runs `who`: user, line, login time, (address)); Huawei `display users`
// (one entry per user interface, `+` before the asking one, `Username :`
// on the next line). Neither says who is in configure mode: on a Vyatta
// device that is a `newgrp vyattacfg` process on the user's line, which
// the operational CLI does not list (vyatta-cfg's config notify script
// finds them with ps); VRP prints no view either.
func (s *Session) Logins(ctx context.Context) ([]Login, error) {
	cmd := s.p.reads.users
	if cmd == "" {
		return nil, fmt.Errorf("%s: logins: %w", s.opt.Name, ErrUnsupported)
	}
	s.mu.Lock()
	res, err := s.run(ctx, cmd, nil)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return ParseLogins(s.p.family == config.Huawei, res.Lines), nil
}

var (
	// whoLine: `vyatta   pts/0        2026-11-30 08:12 (192.0.2.5)`.
	whoLine = lazyRE(`^(\S+)\s+(\S+)\s+\d{4}-\d\d-\d\d \d\d:\d\d(?:\s+\((.*)\))?\s*$`)
	// vtyLine: `+ 129 VTY 0   00:00:00  SSH    192.0.2.5   pass  no`:
	// the mark, the interface, the delay, the type, the address.
	vtyLine = lazyRE(`^([+ ])\s*\d+\s+((?:VTY|CON|AUX)\s*\d+)\s+\S+\s+\S+(?:\s+(\S+))?`)
	// vtyUser: `  Username : admin`.
	vtyUser = lazyRE(`^\s*Username\s*:\s*(\S+)`)
)

// ParseLogins reads `show users` (huawei false) or `display users`
// lines; lines it does not know are skipped.
func ParseLogins(huawei bool, lines []string) []Login {
	var out []Login
	for _, l := range lines {
		if !huawei {
			if m := whoLine().FindStringSubmatch(l); m != nil {
				out = append(out, Login{User: m[1], Line: m[2], From: m[3]})
			}
			continue
		}
		if m := vtyLine().FindStringSubmatch(l); m != nil {
			in := Login{Line: strings.Join(strings.Fields(m[2]), " "), Current: m[1] == "+"}
			if strings.ContainsAny(m[3], ".:") {
				in.From = m[3]
			}
			out = append(out, in)
			continue
		}
		if m := vtyUser().FindStringSubmatch(l); m != nil && len(out) > 0 && out[len(out)-1].User == "" {
			out[len(out)-1].User = m[1]
		}
	}
	return out
}
