package config

import (
	"errors"
	"strings"
	"testing"
)

// TestCurlyMultiWordValue (trial 15 F1): every printer quotes a value
// with spaces and VyOS's loader refuses an unquoted one, so a leaf line
// with more than one word after its name is a typo and is refused at the
// first extra word, naming what was expected; only a leaf the schema
// knows whose constraints take the words as one value (a description,
// as the corpus's Ansible fixture writes it) is read as that value.
func TestCurlyMultiWordValue(t *testing.T) {
	wrap := func(body string) string {
		return "interfaces {\n    ethernet eth0 {\n" + body + "    }\n}\n"
	}
	for _, c := range []struct {
		name, src string
		line, col int
	}{
		{"address typo", wrap("        address 192.0.2.1/24 oops typo\n"), 3, 30},
		{"quoted then a word", wrap("        address \"192.0.2.1/24\" oops\n"), 3, 32},
		{"unknown leaf", wrap("        frobnicate a b\n"), 3, 22},
		{"valueless leaf", wrap("        disable now please\n"), 3, 21},
		{"two values", wrap("        mtu 1500 9000\n"), 3, 18},
		{"after a block", "system {\n    host-name a\n}\nthis is a note\n", 4, 9},
	} {
		_, err := Parse(c.name, []byte(c.src), Auto)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a ParseError", c.name, err)
			continue
		}
		if pe.Line != c.line || pe.Col != c.col || !strings.Contains(pe.Msg, "expected one value after") ||
			!strings.Contains(pe.Msg, "a value with spaces must be quoted") {
			t.Errorf("%s: %v, want line %d col %d: expected one value ... must be quoted", c.name, err, c.line, c.col)
		}
	}
	// Accepted as one value: a free-text leaf the schema knows, and
	// quoted values.
	for _, c := range []struct{ src, path, want string }{
		{wrap("        description test string\n"), "interfaces ethernet eth0 description", "test string"},
		{wrap("        description \"my uplink\"\n"), "interfaces ethernet eth0 description", "my uplink"},
		{"system {\n    login {\n        banner {\n            pre-login Authorized use only\n        }\n    }\n}\n", "system login banner pre-login", "Authorized use only"},
	} {
		tr, err := Parse("f", []byte(c.src), Auto)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		vyWantValues(t, tr, c.path, c.want)
	}
}

// TestCurlyNoBlock (trial 15 F1): a text without a block and without set
// lines (a README) is no configuration: read as one, it made every line a
// top-level node and a diff planned to delete the other side's every
// section. It is refused at its first line, saying what was expected.
func TestCurlyNoBlock(t *testing.T) {
	for _, c := range []struct {
		name, src, found string
		line, col        int
	}{
		{"readme", "Hello,\nthis is a README file for my project.\nIt has sentences.\n", `"Hello,"`, 1, 1},
		{"one word", "Hello\n", `"Hello"`, 1, 1},
		{"leaves", "\nhost-name a\ndomain-name b\n", `"host-name a"`, 2, 1},
		{"after a comment", "/* notes */\nhost-name router one\n", `"host-name router one"`, 2, 1},
		// Indented lines made a VRP snippet of any text; now only where a
		// line starts with a VRP command (TestParseAutoFamily's snippet).
		{"indented prose", "Hello\n  this is indented\nthird line\n", `"Hello"`, 1, 1},
		// A compare output (the corpus's napalm new_good.diff) was a
		// top-level node "+server".
		{"compare output", "+server enable\n", `"+server enable" (a line of a compare output?)`, 1, 1},
	} {
		_, err := Parse(c.name, []byte(c.src), Auto)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a ParseError", c.name, err)
			continue
		}
		if pe.Line != c.line || pe.Col != c.col || !strings.Contains(pe.Msg, "expected a configuration") ||
			!strings.Contains(pe.Msg, "found "+c.found) || !strings.HasSuffix(pe.Msg, vyNoBlockMsg) {
			t.Errorf("%s: %v, want line %d col %d, expected a configuration, found %s, %s", c.name, err, c.line, c.col, c.found, vyNoBlockMsg)
		}
	}
	// Still configuration: a block, set lines, an empty text (its
	// emptiness is compare's to refuse).
	for _, src := range []string{
		"interfaces {\n    loopback lo\n}\n",
		"interfaces {\n}\n",
		"set system host-name 'a'\n",
		"/* only a comment */\n",
		"",
	} {
		if _, err := Parse("f", []byte(src), Auto); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestDetectIndentedText: indented lines without braces or set lines are
// a VRP snippet only where a line starts with a VRP command, also in a
// compare output (whose +/- lines the VRP parser names).
func TestDetectIndentedText(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Family
	}{
		{"acl name x\n rule 5 permit\n", Huawei},
		{"user-interface vty 0 4\n authentication-mode aaa\n", Huawei},
		{"+acl name x\n +rule 5 permit\n", Huawei},
		{"Hello\n  this is indented\n", Vyatta},
		{"Notes:\n    interface ge0 is down\n", Vyatta},
	} {
		if got := detect(c.src); got != c.want {
			t.Errorf("detect(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}

// TestFcMultiWord: the fast path's scan leaves to the parser a leaf line
// with more than one word after its name (vyCurly.multiWord decides).
func TestFcMultiWord(t *testing.T) {
	for rest, want := range map[string]bool{
		" 192.0.2.1/24":           false,
		" '192.0.2.1/24'":         false,
		` "uplink to core"`:       false,
		" 192.0.2.1/24 oops":      true,
		"\t192.0.2.1/24\toops":    true,
		` "192.0.2.1/24" oops`:    true,
		" 'it's a test'":          true,
		"":                        false,
		` "unterminated and more`: false,
	} {
		if got := fcMultiWord(rest); got != want {
			t.Errorf("fcMultiWord(%q) = %v, want %v", rest, got, want)
		}
	}
}
