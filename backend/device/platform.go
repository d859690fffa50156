package device

import (
	"regexp"
	"strings"

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
	preamble *regexp.Regexp
	// pagers are the pager prompts and the key that shows the next page.
	pagers []pagerRule
	// pagerOff are typed once after login; when the device refuses one,
	// the session answers the pager and adds noMore to reads.
	pagerOff []string
	// noMore is appended to a read when pagerOff was refused (Vyatta
	// `| no-more`); empty when the family has none.
	noMore string
	// questions are the questions of the family: the allowed answer per
	// command, and the abort for the rest (session.go: question).
	questions []questionRule
	// loginSkip are lines a login prints before the first prompt that are
	// not part of anything (`Info:`, the login time); kept in LoginLines.
	loginSkip []*regexp.Regexp
	// wrongMember and rejected are refusals of a command, checked in this
	// order on each output line.
	wrongMember, rejected []*regexp.Regexp
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
	asyncLog *regexp.Regexp
	// commitFailed: lines that say a commit failed (for the apply side:
	// success is judged from the text, never from an exit status).
	commitFailed []*regexp.Regexp
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

// hwPlatform is the VRP platform (DOMAIN.md "Huawei family", "HRP").
var hwPlatform = &platform{
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
	loginSkip: []*regexp.Regexp{
		rx(`^Info: `),
		rx(`^Warning: `),
		rx(`^The current login time is `),
		rx(`^The last login (time|ip|channel) is `),
		rx(`^Last login`),
	},
	wrongMember: []*regexp.Regexp{
		rx(`^Error: The device is in HRP standby state`),
	},
	rejected: []*regexp.Regexp{
		rx(`^Error: `),
	},
	caret:    rx(`^\s*\^\s*$`),
	mark:     " (+B)",
	wraps:    true,
	asyncLog: rx(`^[A-Z][a-z]{2} [ \d]\d \d{4} \d\d:\d\d:\d\d(\.\d+)?( [+-]\d\d:\d\d)? \S+ %%\d+`),
}

// vyPlatform is the Vyatta family's platform: VRA, Vyatta 5600, VyOS
// (DOMAIN.md "Commit and compare output").
var vyPlatform = &platform{
	family:      config.Vyatta,
	parsePrompt: parseVyattaPrompt,
	preamble:    rx(`^\[edit(?: (.*))?\]\s*$`),
	pagers: []pagerRule{
		// less as vyatta-op runs it, and more.
		{re: rx(`^(:|--More--.*|\(END\)|lines \d+-\d+.*)$`), answer: " "},
	},
	// width is set by Open from Options.Width (setTerminalWidth).
	pagerOff: []string{"set terminal length 0"},
	noMore:   " | no-more",
	questions: []questionRule{
		// commit-confirm asks first on VyOS (napalm-vyos#16); the key is
		// read without Enter.
		{re: rx(`Proceed\? \[confirm\]\s*$`), command: "commit-confirm", answer: "y"},
		{re: rx(`\[confirm\]\s*$`), answer: "n", abort: true},
		{re: rx(`(?i)\[y(es)?/n(o)?\]:?\s*$`), answer: "n\r", abort: true},
	},
	loginSkip: []*regexp.Regexp{
		rx(`^Welcome to `),
		rx(`^Last login`),
	},
	rejected: []*regexp.Regexp{
		rx(`^\s*Invalid command:`),
		rx(`^\s*Configuration path: .* is not valid`),
		rx(`^\s*Set failed$`),
		rx(`^\s*Nothing to delete`),
		rx(`^\s*Cannot exit: configuration modified`),
		rx(`^\s*% Invalid`),
	},
	commitFailed: []*regexp.Regexp{
		rx(`^Commit failed!?$`),
		rx(`^\[\[.*\]\] failed\.?$`),
	},
}

// platformFor is the platform of a family.
func platformFor(f config.Family) *platform {
	if f == config.Huawei {
		return hwPlatform
	}
	return vyPlatform
}

// matchAny reports whether a line matches one of res.
func matchAny(res []*regexp.Regexp, line string) bool {
	for _, re := range res {
		if re.MatchString(line) {
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

// pager finds the answer to a pager prompt.
func (p *platform) pager(text string) (string, bool) {
	for _, r := range p.pagers {
		if r.re.MatchString(text) {
			return r.answer, true
		}
	}
	return "", false
}
