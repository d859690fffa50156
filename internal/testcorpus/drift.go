package testcorpus

import (
	"math/rand"
	"strings"
)

// Drift derives a peer of a configuration text in its own form (set
// commands, curly braces or VRP): about pct percent of the lines that
// hold no brace, no section mark (#, !) and no `return` get another last
// word (a value), go, or gain a line beside them with another last word
// (another value of a list, or another node). The same seed gives the
// same peer. A peer may not parse; tests that compare two parsers then
// expect both to fail alike.
func Drift(text string, pct int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		body := strings.TrimRight(line, "\r\n")
		word := strings.TrimSpace(body)
		if word == "" || strings.ContainsAny(word, "{}") || word[0] == '#' || word[0] == '!' || word == "return" || r.Intn(100) >= pct {
			b.WriteString(line)
			continue
		}
		other := body + "x"
		if strings.HasSuffix(body, "'") || strings.HasSuffix(body, `"`) {
			other = body[:len(body)-1] + "x" + body[len(body)-1:]
		}
		switch r.Intn(3) {
		case 0: // another value
			b.WriteString(other + "\n")
		case 1: // gone
		default: // a line beside it
			b.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				b.WriteString("\n")
			}
			b.WriteString(other + "\n")
		}
	}
	return b.String()
}
