package schema

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ValueError is a value that the schema rejects. Its Error() reads like a
// VyOS commit error: `[ interfaces ethernet eth1 address 192.168.1/30 ]
// Error: 192.168.1/30 is not a valid IP host` (DOMAIN.md, "Commit and
// compare output").
type ValueError struct {
	Path   []string // the leaf (or tag node) the value was meant for
	Value  string
	Reason string // what is wrong, after the value: "is not a valid IP host"
}

// Error prints the path, the value and the reason. The value of a secret
// (a leaf named like a password, secret or key: DESIGN.md, "Secrets never
// reach ... an error message") prints as ********; an empty value or one
// with spaces or control characters prints quoted.
func (e *ValueError) Error() string {
	v := e.Value
	switch {
	case len(e.Path) > 0 && secretName(e.Path[len(e.Path)-1]):
		v = "********"
	case v == "" || strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		v = strconv.Quote(v)
	}
	return "[ " + strings.Join(e.Path, " ") + " " + v + " ] Error: " + v + " " + e.Reason
}

// secretName reports whether a leaf of this name holds a secret: passwords
// (plaintext-password, encrypted-password), secrets (pre-shared-secret) and
// keys (key, private-key, preshared-key, md5-key, encrypted-key).
func secretName(name string) bool {
	return strings.Contains(name, "password") || strings.Contains(name, "secret") ||
		name == "key" || strings.HasSuffix(name, "-key") || name == "psk"
}

// Validate checks value for the leaf at path (or a tag value, when path
// ends at a Tag node) against the node's constraints: the <regex> and
// <validator> entries of VyOS's schema, or those of the Vyatta table. As in
// VyOS, the constraints of a node are alternatives: a value is valid when
// any of them accepts it. Regexes match the whole value.
//
// It returns nil when the value is valid, when the path is unknown or is not
// a leaf or tag node, when the node has no constraint, or when no
// implemented constraint accepts the value but one that hasync cannot
// check applies (a validator program that is not implemented here, or a
// regex Go's RE2 cannot compile): Unchecked lists those. A valueless leaf
// accepts only the empty value. Otherwise the error is a *ValueError.
func Validate(path []string, value string) error {
	c := walk(path)
	if c.state != stNode {
		return nil
	}
	s := load()
	in := c.Info()
	if in.Kind == Leaf && in.Valueless {
		if value == "" {
			return nil
		}
		return &ValueError{Path: clonePath(path), Value: value, Reason: "is not valid: the node takes no value"}
	}
	if in.Kind != Leaf && in.Kind != Tag {
		return nil
	}
	fields, msg := c.constraints(s)
	if fields == "" {
		return nil
	}
	var alts []string
	unchecked := false
	for rest := fields; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, "\t")
		ok, known := check(f, value)
		if ok {
			return nil
		}
		if !known {
			unchecked = true
			continue
		}
		alts = append(alts, describe(f))
	}
	if unchecked {
		return nil
	}
	reason := "is not " + joinAlts(alts)
	if msg != "" {
		reason = "is not valid: " + msg
	}
	return &ValueError{Path: clonePath(path), Value: value, Reason: reason}
}

// Unchecked lists the constraints of the node at path that Validate cannot
// check and lets pass: validators not implemented here ("@file-path
// --strict") and regexes Go's RE2 rejects ("~(?!-)..."), in the table's
// form. Nil when everything is checked or the path is unknown.
func Unchecked(path []string) []string {
	c := walk(path)
	if c.state != stNode {
		return nil
	}
	fields, _ := c.constraints(load())
	var out []string
	for rest := fields; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, "\t")
		if !checkable(f) {
			out = append(out, f)
		}
	}
	return out
}

func clonePath(p []string) []string { return append([]string(nil), p...) }

// constraints returns the constraint fields (tab-separated ~ and @ fields)
// of the node at c and its constraint error message: the Vyatta node's own
// when it has some, else the VyOS node's (the alias target).
func (c Cursor) constraints(s *schemas) (string, string) {
	var cons []string
	msg := ""
	add := func(t *table, i int32) {
		for rest := t.fields(i); rest != ""; {
			var f string
			f, rest, _ = strings.Cut(rest, "\t")
			switch {
			case f == "":
			case f[0] == '~' || f[0] == '@':
				cons = append(cons, f)
			case f[0] == '!' && msg == "":
				msg = f[1:]
			}
		}
	}
	switch {
	case s.own(c.vt) && (s.vt.nodes[c.vt].flags&flagCons != 0 || c.vy < 0):
		add(s.vt, c.vt)
	case c.vy >= 0:
		add(s.vy, c.vy)
		if c.vt >= 0 && s.vt.nodes[c.vt].flags&(flagOverlay|flagCons) == flagOverlay|flagCons {
			// An overlay's constraints are further alternatives (legacy
			// and 5600 value forms), and VyOS's message no longer fits.
			add(s.vt, c.vt)
			msg = ""
		}
	}
	return strings.Join(cons, "\t"), msg
}

var regexCache sync.Map // regex text -> *regexp.Regexp, or nil when RE2 rejects it

func compiled(re string) *regexp.Regexp {
	if v, ok := regexCache.Load(re); ok {
		return v.(*regexp.Regexp)
	}
	r, err := regexp.Compile(`^(?:` + re + `)$`)
	if err != nil {
		r = nil
	}
	regexCache.Store(re, r)
	return r
}

// checkable reports whether constraint field f can be checked here.
func checkable(f string) bool {
	if f[0] == '~' {
		return compiled(f[1:]) != nil
	}
	name, _, _ := strings.Cut(f[1:], " ")
	_, ok := validators()[strings.TrimSuffix(name, "-exclude")]
	return ok
}

// check applies constraint field f to v: ok when it accepts v, known false
// when it cannot be checked here.
func check(f, v string) (ok, known bool) {
	if f[0] == '~' {
		r := compiled(f[1:])
		if r == nil {
			return false, false
		}
		return r.MatchString(v), true
	}
	name, args, _ := strings.Cut(f[1:], " ")
	base, exclude := strings.CutSuffix(name, "-exclude")
	fn, found := validators()[base]
	if !found {
		return false, false
	}
	if exclude {
		// The -exclude validators accept a negated value: "!" then a value
		// the plain validator accepts (vyos-1x src/validators/*-exclude).
		rest, neg := strings.CutPrefix(v, "!")
		if !neg {
			return false, true
		}
		v = rest
	}
	return fn(args, v), true
}

// describe names what constraint field f accepts, for an error message.
func describe(f string) string {
	if f[0] == '~' {
		re := f[1:]
		if words := literalAlternation(re); words != nil {
			return "one of " + strings.Join(words, ", ")
		}
		return "matching " + re
	}
	name, args, _ := strings.Cut(f[1:], " ")
	base, exclude := strings.CutSuffix(name, "-exclude")
	noun := nouns()[base]
	if base == "numeric" {
		noun = numericNoun(args)
	}
	if noun == "" {
		noun = base
	}
	if exclude {
		return "a valid negated (!) " + noun
	}
	return "a valid " + noun
}

func joinAlts(alts []string) string {
	switch len(alts) {
	case 0:
		return "valid"
	case 1:
		return alts[0]
	}
	return strings.Join(alts[:len(alts)-1], ", ") + " or " + alts[len(alts)-1]
}

// literalAlternation returns the words of a regex that is only a choice of
// literal words, "(auto|half|full)", or nil.
func literalAlternation(re string) []string {
	if strings.HasPrefix(re, "(") && strings.HasSuffix(re, ")") {
		re = re[1 : len(re)-1]
	}
	words := strings.Split(re, "|")
	for _, w := range words {
		if w == "" || strings.IndexFunc(w, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			return nil
		}
	}
	return words
}
