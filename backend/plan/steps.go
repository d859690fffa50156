package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// Step is one command of a plan as data: what is sent, where it runs and
// what it is for, so that a line the remote prints about it (a commit
// error's `[ path ]`, a refusal of the command) maps back to a path of
// the configuration and to the diff row of the change it comes from.
type Step struct {
	// Command is the text sent; Shown is the same with a secret masked
	// (Print's form); they are equal for a command without a secret.
	Command, Shown string
	// Verb is "set" or "delete" (Vyatta family); for VRP "undo" for an
	// `undo ...` line, "view" for a line that enters a view, "quit" for
	// one that leaves it, "" for any other line.
	Verb string
	// Path is the configuration path the command changes, in the tree's
	// words: for a Vyatta command its words after the verb, its value
	// excepted (Value); for a VRP line the views it runs in, then the
	// line. Nil for `system-view` and `quit`.
	Path config.Path
	// Value is the value a Vyatta set or delete names, when HasValue.
	Value    string
	HasValue bool
	// Level is where the command runs: {"configure"} for a Vyatta
	// command (configure mode at the top, `[edit]`), {"system-view",
	// view lines...} for VRP (outermost first); nil for the command that
	// enters system-view itself.
	Level []string
	// Change is the path of the diff change the command comes from (the
	// row the diff shows for it); for VRP it is Path.
	Change config.Path
}

// vyattaSteps describes the Vyatta commands of p; from holds, per command,
// the path of its change.
func vyattaSteps(p *Plan, from []config.Path) []Step {
	steps := make([]Step, len(p.Commands))
	for i, c := range p.Commands {
		s := Step{Command: c, Shown: c, Level: []string{"configure"}}
		if m, ok := p.masked[c]; ok {
			s.Shown = m
		}
		words, quotedLast := splitVyatta(c)
		if len(words) > 0 {
			s.Verb, words = words[0], words[1:]
		}
		if n := valueAt(words, quotedLast); n >= 0 {
			s.Value, s.HasValue = words[n], true
			words = words[:n]
		}
		s.Path = config.Path(words)
		if i < len(from) {
			s.Change = from[i]
		}
		steps[i] = s
	}
	return steps
}

// valueAt returns the index of the value among words (a command's words
// after the verb), or -1 when they name a node or a valueless leaf. The set
// form quotes every value and never the last word of a valueless path
// (config.WriteSet), so a quoted last word is the value.
func valueAt(words []string, quotedLast bool) int {
	if quotedLast && len(words) > 1 {
		return len(words) - 1
	}
	return -1
}

// splitVyatta splits a set or delete command into its words, undoing the
// set form's quoting (single quotes, shell style; double quotes; a
// backslash before a byte), and reports whether the last word was quoted.
func splitVyatta(cmd string) (words []string, quotedLast bool) {
	var b strings.Builder
	in, quoted := false, false
	flush := func() {
		if in {
			words = append(words, b.String())
			quotedLast = quoted
		}
		b.Reset()
		in, quoted = false, false
	}
	for i := 0; i < len(cmd); i++ {
		switch c := cmd[i]; {
		case c == ' ' || c == '\t':
			flush()
		case c == '\'':
			in, quoted = true, true
			j := strings.IndexByte(cmd[i+1:], '\'')
			if j < 0 {
				j = len(cmd) - i - 1
			}
			b.WriteString(cmd[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			in, quoted = true, true
			for i++; i < len(cmd) && cmd[i] != '"'; i++ {
				if cmd[i] == '\\' && i+1 < len(cmd) {
					i++
				}
				b.WriteByte(cmd[i])
			}
		case c == '\\' && i+1 < len(cmd):
			in = true
			i++
			b.WriteByte(cmd[i])
		default:
			in = true
			b.WriteByte(c)
		}
	}
	flush()
	return words, quotedLast
}

// vrpSteps describes VRP commands: cmds is the script (starting with
// system-view) and levels the views of each command after it.
func vrpSteps(cmds []string, levels [][]string) []Step {
	steps := make([]Step, len(cmds))
	for i, c := range cmds {
		s := Step{Command: c, Shown: config.MaskVRPLine(c)}
		switch {
		case i == 0:
			s.Verb = "view"
		case c == "quit":
			s.Verb = "quit"
			s.Level = append([]string{"system-view"}, levels[i-1]...)
		default:
			lv := levels[i-1]
			s.Level = append([]string{"system-view"}, lv...)
			if i+1 < len(cmds) && len(levels[i]) > len(lv) {
				s.Verb = "view"
			} else if strings.HasPrefix(c, "undo ") {
				s.Verb = "undo"
			}
			s.Path = append(config.Path(slices.Clone(lv)), c)
			s.Change = s.Path
		}
		steps[i] = s
	}
	return steps
}

// Hash is the hash a plan records of what it was computed from: both
// configurations' text as read (source, then target), hex SHA-256. A
// plan whose Basis no longer matches a fresh read of both devices is
// stale: one of them changed since it was computed.
func Hash(source, target []byte) string {
	h := sha256.New()
	h.Write([]byte("hasync plan basis v1\x00"))
	var n [8]byte
	for _, b := range [][]byte{source, target} {
		l := uint64(len(b))
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Stamp records the text of the source and target configurations the plan
// was computed from (Basis = Hash(source, target)).
func (p *Plan) Stamp(source, target []byte) { p.Basis = Hash(source, target) }

// Stale reports whether a plan stamped by Stamp was computed from other
// configurations than source and target; an unstamped plan is never stale.
func (p *Plan) Stale(source, target []byte) bool {
	return p.Basis != "" && p.Basis != Hash(source, target)
}
