package device

import (
	"regexp"
	"strings"
	"sync"

	"github.com/hasync/hasync/backend/config"
)

// platform is what one family's CLI prints and expects, as data. The
// state machine (session.go) reads nothing else about a family.
type platform struct {
	family config.Family
	// parsePrompt recognises a prompt (the unfinished last line of the
	// output); host, once learnt at login, must match.
	parsePrompt func(s, host string) (Prompt, bool)
	// preamble is a whole line printed just before a prompt that belongs
	// to it (Vyatta's `[edit ...]` above `user@host#`); level is its
	// first group. A preamble line followed by anything but a prompt is
	// output (old `compare` prints `[edit ...]` headers).
	preamble pattern
	// pagers are the pager prompts and the key that shows the next page.
	pagers []pagerRule
	// pagerOff are typed once after login; when the device refuses one,
	// the session answers the pager and adds noMore to reads.
	pagerOff []string
	// noMore is appended to a read when pagerOff was refused (Vyatta
	// `| no-more`); empty when the family has none.
	noMore string
	// widthCmd, typed after pagerOff with the width (at most maxWidth)
	// appended, tells the device the terminal's width; empty: none.
	widthCmd string
	maxWidth int
	// opInConfigure prefixes an operational read typed in configure
	// mode (Vyatta `run `).
	opInConfigure string
	// questions are the questions of the family: the allowed answer per
	// command, and the abort for the rest (session.go: question).
	questions []questionRule
	// loginSkip are lines a login prints before the first prompt that are
	// not part of anything (`Info:`, the login time); kept in LoginLines.
	loginSkip []pattern
	// wrongMember and rejected are refusals of a command, checked in this
	// order on each output line.
	wrongMember, rejected []pattern
	// caret is the line under the echoed command that points at an error.
	caret *regexp.Regexp
	// mark is what the device appends to an echoed command that HA
	// replicates (Huawei ` (+B)`), stripped before the echo is compared.
	mark string
	// wraps: the device may cut its output at the terminal width itself;
	// lines exactly Options.Width long are joined to the next.
	wraps bool
	// asyncLog are log lines the device prints in the middle of other
	// output (DOMAIN.md "Huawei family": async log lines interleave),
	// each after a blank line; both are left out of a command's output
	// and given to Options.OnLog.
	asyncLog pattern
	// syncFailed: lines of a commit's output (or of the log) that say
	// the device's own config-sync to its peer failed while the local
	// commit stood (for the apply side: "committed locally, sync failed").
	syncFailed []pattern
	// reads are the commands of the reads (reads.go).
	reads platformReads
	// commitFailed: lines that say a commit failed (for the apply side:
	// success is judged from the text, never from an exit status).
	commitFailed []pattern
}

// platformReads are the commands a family's reads type, and what they
// look for (DOMAIN.md).
type platformReads struct {
	// fetch prints the running configuration in its unambiguous form.
	fetch string
	// saved prints the saved configuration; empty: the family compares
	// in configure mode (configure, compareSaved, then exit, or
	// exitDiscard when exit is refused), noChanges saying they are equal.
	saved                                      string
	configure, compareSaved, exit, exitDiscard string
	noChanges                                  string
	// ha print the HA state, the first the device takes; haCheck the
	// result of the device's own configuration check, checkStart starts
	// it; sessions prints the session table.
	ha                            []string
	haCheck, checkStart, sessions string
	// users lists the logins (Logins).
	users string
}

// pagerRule is a pager prompt (matched on the unfinished last line, after
// cleanLine) and what answers it.
type pagerRule struct {
	re     *regexp.Regexp
	answer string
	// prefix is the prompt's text, stripped from the start of the next
	// line when the device did not erase it.
	prefix string
}

// questionRule is a question the device asks, matched on the unfinished
// last line. command says when the answer is allowed: "" at login, or a
// command whose first words it is ("save"); abort is what declines any
// question of this form that no rule allows. Answers never are a bare
// Enter, which devices take as "ask again" (lab.AskYN, VRP).
type questionRule struct {
	re      *regexp.Regexp
	command string
	answer  string
	abort   bool // the rule only detects a question: answer aborts it
}

var rx = regexp.MustCompile

// pattern is a line pattern with a literal every match contains, checked
// first: most output lines are configuration, and a substring search is
// far cheaper than the regexp (measured on 100k lines, BenchmarkRunLines).
type pattern struct {
	re   *regexp.Regexp
	must string
	// lead: re starts `^must` or `^\s*must`, so the line starts with must
	// after its blanks.
	lead bool
}

// pat compiles re; must is a literal every match of re contains.
func pat(re, must string) pattern {
	rest := strings.TrimPrefix(strings.TrimPrefix(re, "^"), `\s*`)
	return pattern{re: regexp.MustCompile(re), must: must,
		lead: strings.HasPrefix(re, "^") && strings.HasPrefix(rest, regexp.QuoteMeta(must))}
}

// may is the cheap check: false when line cannot match.
func (p pattern) may(line string) bool {
	if p.re == nil {
		return false
	}
	if p.lead {
		return strings.HasPrefix(strings.TrimLeft(line, " \t"), p.must)
	}
	return strings.Contains(line, p.must)
}

// match reports whether line matches; the zero pattern matches nothing.
func (p pattern) match(line string) bool { return p.may(line) && p.re.MatchString(line) }

// submatch is FindStringSubmatch behind the cheap check.
func (p pattern) submatch(line string) []string {
	if !p.may(line) {
		return nil
	}
	return p.re.FindStringSubmatch(line)
}

// hwPlatform is the VRP platform (DOMAIN.md "Huawei family", "HRP"),
// built on first use: a program that never talks to a device (hasync
// diff) does not compile its patterns at start.
var hwPlatform = sync.OnceValue(func() *platform {
	return &platform{
		family:      config.Huawei,
		parsePrompt: parseHuaweiPrompt,
		pagers: []pagerRule{
			{re: rx(`^\s*---- More ----\s*$`), answer: " ", prefix: "  ---- More ----"},
		},
		pagerOff: []string{"screen-length 0 temporary"},
		questions: []questionRule{
			// First login: keep the password (the inventory's credential
			// stays valid), never a bare Enter.
			{re: rx(`(?i)password.*change.*\[Y/N\]:?\s*$`), command: "", answer: "N\r"},
			// Save questions at login or logout: never save behind the
			// user's back.
			{re: rx(`(?i)save.*\[Y/N\]:?\s*$`), command: "", answer: "N\r"},
			// `save` asks before writing (DOMAIN.md): the command is the
			// user's intent.
			{re: rx(`(?i)Are you sure to continue\?\s*\[Y/N\]:?\s*$`), command: "save", answer: "Y\r"},
			// Anything else that asks: decline.
			{re: rx(`(?i)\[Y/N\]:?\s*$`), answer: "N\r", abort: true},
			{re: rx(`(?i)\(y/n\)(\[[yn]\])?:?\s*$`), answer: "n\r", abort: true},
		},
		loginSkip: []pattern{
			pat(`^Info: `, "Info: "),
			pat(`^Warning: `, "Warning: "),
			pat(`^The current login time is `, "login time"),
			pat(`^The last login (time|ip|channel) is `, "last login"),
			pat(`^Last login`, "Last login"),
		},
		wrongMember: []pattern{
			pat(`^Error: The device is in HRP standby state`, "HRP standby state"),
		},
		rejected: []pattern{
			pat(`^Error: `, "Error: "),
		},
		caret: rx(`^\s*\^\s*$`),
		mark:  " (+B)",
		wraps: true,
		reads: platformReads{
			fetch: "display current-configuration",
			saved: "display saved-configuration",
			ha:    []string{"display hrp state verbose", "display hrp state"},
			// DOMAIN.md "HRP".
			haCheck:    "display hrp configuration check",
			checkStart: "hrp configuration check all",
			sessions:   "display firewall session table",
			users:      "display users",
		},
		asyncLog: pat(`^[A-Z][a-z]{2} [ \d]\d \d{4} \d\d:\d\d:\d\d(\.\d+)?( [+-]\d\d:\d\d)? \S+ %%\d+`, "%%"),
	}
})

// vyPlatform is the Vyatta family's platform: VRA, Vyatta 5600, VyOS
// (DOMAIN.md "Commit and compare output").
var vyPlatform = sync.OnceValue(func() *platform {
	return &platform{
		family:      config.Vyatta,
		parsePrompt: parseVyattaPrompt,
		preamble:    pat(`^\[edit(?: (.*))?\]\s*$`, "[edit"),
		pagers: []pagerRule{
			// less as vyatta-op runs it, and more.
			{re: rx(`^(:|--More--.*|\(END\)|lines \d+-\d+.*)$`), answer: " "},
		},
		pagerOff: []string{"set terminal length 0"},
		noMore:   " | no-more",
		widthCmd: "set terminal width ",
		// Some releases' stty refuse more; the device does not wrap.
		maxWidth:      512,
		opInConfigure: "run ",
		questions: []questionRule{
			// commit-confirm asks first on VyOS (napalm-vyos#16); the key is
			// read without Enter.
			{re: rx(`Proceed\? \[confirm\]\s*$`), command: "commit-confirm", answer: "y"},
			{re: rx(`\[confirm\]\s*$`), answer: "n", abort: true},
			{re: rx(`(?i)\[y(es)?/n(o)?\]:?\s*$`), answer: "n\r", abort: true},
		},
		loginSkip: []pattern{
			pat(`^Welcome to `, "Welcome to "),
			pat(`^Last login`, "Last login"),
		},
		rejected: []pattern{
			pat(`^\s*Invalid command:`, "Invalid command:"),
			pat(`^\s*Configuration path: .* is not valid`, "is not valid"),
			pat(`^\s*Set failed$`, "Set failed"),
			pat(`^\s*Nothing to delete`, "Nothing to delete"),
			pat(`^\s*Cannot exit: configuration modified`, "Cannot exit"),
			pat(`^\s*% Invalid`, "% Invalid"),
			pat(`^\s*No confirmed commit pending`, "No confirmed commit pending"),
		},
		syncFailed: []pattern{
			// VRA: `config-sync error 10.0.0.2:Sync[10.0.0.2]: ...`
			// (DOMAIN.md "config-sync (VRA)").
			pat(`^config-sync error`, "config-sync error"),
			// VyOS 1.4 `service config-sync`: the commit prints `An error
			// occurred: ...`, the log `ERROR:vyos_config_sync.py:...`.
			pat(`^An error occurred: `, "An error occurred: "),
			pat(`ERROR:vyos_config_sync(\.py)?:`, "ERROR:vyos_config_sync"),
		},
		reads: platformReads{
			// One `set` line per leaf (DOMAIN.md "Configuration text").
			fetch:        "show configuration commands",
			configure:    "configure",
			compareSaved: "compare saved",
			exit:         "exit",
			exitDiscard:  "exit discard",
			// As the lab and VyOS print it.
			noChanges: "No changes between working and saved configurations.",
			ha:        []string{"show vrrp"},
			users:     "show users",
		},
		commitFailed: []pattern{
			pat(`^Commit failed!?$`, "Commit failed"),
			pat(`^\[\[.*\]\] failed\.?$`, "]] failed"),
		},
	}
})

// platformFor is the platform of a family.
func platformFor(f config.Family) *platform {
	if f == config.Huawei {
		return hwPlatform()
	}
	return vyPlatform()
}

// matchAny reports whether a line matches one of ps.
func matchAny(ps []pattern, line string) bool {
	for _, p := range ps {
		if p.match(line) {
			return true
		}
	}
	return false
}

// commandIs reports whether cmd's first words are words.
func commandIs(cmd, words string) bool {
	c, w := strings.Fields(cmd), strings.Fields(words)
	if len(w) == 0 || len(c) < len(w) {
		return false
	}
	for i := range w {
		if c[i] != w[i] {
			return false
		}
	}
	return true
}

// question finds the rule for a question asked while cmd ran ("" at
// login): the answer to type, and whether it aborts (no rule allowed it).
func (p *platform) question(cmd, text string) (answer string, abort, ok bool) {
	for _, q := range p.questions {
		if !q.re.MatchString(text) {
			continue
		}
		switch {
		case q.abort:
			return q.answer, true, true
		case q.command == "" && cmd == "", q.command != "" && commandIs(cmd, q.command):
			return q.answer, false, true
		}
	}
	return "", false, false
}

// decline is the answer that aborts question text: that of the first
// aborting rule it matches ("N\r" when none does).
func (p *platform) decline(text string) string {
	for _, q := range p.questions {
		if q.abort && q.re.MatchString(text) {
			return q.answer
		}
	}
	return "N\r"
}

// pager finds the answer to a pager prompt.
func (p *platform) pager(text string) (string, bool) {
	for _, r := range p.pagers {
		if r.re.MatchString(text) {
			return r.answer, true
		}
	}
	return "", false
}

// CommitFailed reports whether a commit's output says it failed, judged
// from the text as the device prints it, never from an exit status
// (DOMAIN.md "Commit and compare output": `Commit failed`, the 5600's
// `Commit failed!`, `[[path]] failed`). A commit can be partial: a
// failed subtree does not undo the others.
func CommitFailed(f config.Family, lines []string) bool {
	p := platformFor(f)
	for _, l := range lines {
		if matchAny(p.commitFailed, strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// SyncFailures are the lines of a commit's output (or of `monitor log`)
// that say the device's own config-sync to its peer failed: the commit
// stood locally, the peer did not take it (DOMAIN.md "config-sync (VRA)",
// VyOS 1.4 `service config-sync`, whose secondary's refusal is only
// logged). Trimmed, in order.
func SyncFailures(f config.Family, lines []string) []string {
	p := platformFor(f)
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); matchAny(p.syncFailed, l) {
			out = append(out, l)
		}
	}
	return out
}

// ErrorLines tells, line by line as a device's output streams, which
// lines say the device refused something (DOMAIN.md "Commit and compare
// output", "Huawei family", "config-sync (VRA)"): a refused command
// (`Set failed`, `Error: ...` under a caret), a commit error block's
// message and its `[[subtree]] failed` (the 5600's message carries no
// `Error:`, so every line between a block's `[path]` and its end is
// one), `Commit failed`, a config-sync error. A block's path line itself
// is not: VyOS also lists what it committed as `[ path ]` lines, its
// messages start with `Error:`. One ErrorLines per stream.
type ErrorLines struct {
	p     *platform
	block bool
}

// NewErrorLines classifies the output of a device of family f.
func NewErrorLines(f config.Family) *ErrorLines { return &ErrorLines{p: platformFor(f)} }

// Is reports whether line, the next line of the stream, is an error line.
func (c *ErrorLines) Is(line string) bool {
	t := strings.TrimSpace(line)
	p := c.p
	switch {
	case t == "":
		return false
	case p.family == config.Vyatta && blockHead().MatchString(t):
		// Only the 5600's `[path]` (no inner spaces) opens a block whose
		// lines are its message.
		c.block = !strings.HasPrefix(t, "[ ")
		return false
	case p.family == config.Vyatta && subtreeFailed().MatchString(t):
		c.block = false
		return true
	case strings.HasPrefix(t, "Error:"), c.block,
		matchAny(p.rejected, t), matchAny(p.wrongMember, t), matchAny(p.commitFailed, t), matchAny(p.syncFailed, t):
		return true
	}
	return false
}
