package plan

import "testing"

// TestQuoteWordShell: a value the target's configure shell (vbash) would
// expand or split is single-quoted, so a source configuration's
// description holding $(...) or a backtick is never run on the target.
func TestQuoteWordShell(t *testing.T) {
	cases := map[string]string{
		"eth0":           "eth0",
		"10.0.0.1/24":    "10.0.0.1/24",
		"$(reboot)":      `'$(reboot)'`,
		"`id`":           "'`id`'",
		"a|b":            "'a|b'",
		"x&":             "'x&'",
		"it's":           `'it'\''s'`,
		"two words":      "'two words'",
		"!history":       "'!history'",
		"":               "''",
		"semi;colon":     "'semi;colon'",
		"glob*":          "'glob*'",
		"~home":          "'~home'",
		"redir>file":     "'redir>file'",
		"comment#hash":   "'comment#hash'",
		"sub(shell)":     "'sub(shell)'",
		"brace{x}":       "'brace{x}'",
		`back\slash`:     `'back\slash'`,
		"question?mark":  "'question?mark'",
		"[bracket]":      "'[bracket]'",
		"CUST-0000-IN":   "CUST-0000-IN",
		"2001:db8::1/64": "2001:db8::1/64",
	}
	for in, want := range cases {
		if got := quoteWord(in); got != want {
			t.Errorf("quoteWord(%q) = %s, want %s", in, got, want)
		}
	}
}
