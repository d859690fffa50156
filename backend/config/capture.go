package config

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text as saved by collectors and by hand is not always the bare
// configuration. prepare cleans it before either parser sees it:
//
//   - a UTF-8 byte-order mark is dropped;
//   - CRLF line ends become LF (inside multi-line values too);
//   - binary text (a NUL byte, or invalid UTF-8 in bulk) is refused, with
//     the position of the first bad byte and never the bytes themselves;
//   - capture lines (DOMAIN.md) are blanked, so line numbers stay right:
//     the device prompt with the command echo (`HRP_M<FW-A>display
//     current-configuration`, `[FW-B]`, `vyos@r1#`, `vyos@r1:~$ show
//     configuration commands`, `user@host>`), the `[edit]` line of
//     configuration mode, and the pager line `  ---- More ----`, with or
//     without the escape codes that erase it (text after them on the same
//     line is kept: it is the next line of the output).
//
// Each kind of stripped line is reported in one note with its line numbers.

// captureKind is what a stripped capture line was.
type captureKind uint8

const (
	capNone   captureKind = iota
	capPrompt             // a prompt, with or without the command echo
	capPager              // a `---- More ----` pager line
	capClient             // a session message: `Info: ...`, `Last login:`, `logout`, `Connection to HOST closed.`
)

// prepared is text ready for a parser, with what prepare found.
type prepared struct {
	text  string
	notes []string
	// hint is the family a prompt line named (Auto when none did).
	hint Family
}

// family is fam, or where fam is Auto the family the prompt line named,
// or else the family detect finds in the text.
func (p prepared) family(fam Family) Family {
	if fam == Auto {
		fam = p.hint
	}
	if fam == Auto {
		fam = detect(p.text)
	}
	return fam
}

// binaryInvalidMax is how many invalid UTF-8 sequences a text may hold
// before it is taken as binary, if they are also more than a quarter of
// its bytes that are not blanks (Latin-1 descriptions are kept as they
// are).
const binaryInvalidMax = 16

// prepare cleans text as described above; file names it in errors.
func prepare(file, text string) (prepared, error) {
	p, err := prepareText(file, text)
	if err != nil || !mayHoldCapture(p.text) {
		return p, err
	}
	p.strip()
	return p, nil
}

// prepareText is prepare but for capture lines: the fast paths' scans
// look for them line by line as they read (lineMayCapture), and only
// where one may be does the text go through prepare.
func prepareText(file, text string) (prepared, error) {
	text = strings.TrimPrefix(text, "\xef\xbb\xbf")
	if i := strings.IndexByte(text, 0); i >= 0 {
		return prepared{}, binaryError(file, text, i, "a NUL byte")
	}
	if !utf8.ValidString(text) {
		if i, n := invalidUTF8(text); n > binaryInvalidMax && n*4 > len(text)-blanks(text) {
			return prepared{}, binaryError(file, text, i, strconv.Itoa(n)+" bytes that are not UTF-8")
		}
	}
	if strings.Contains(text, "\r\n") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	return prepared{text: text}, nil
}

// binaryError refuses binary text at byte i.
func binaryError(file, text string, i int, what string) *ParseError {
	line := 1 + strings.Count(text[:i], "\n")
	col := i - (strings.LastIndexByte(text[:i], '\n') + 1) + 1
	return parseErrorf(file, line, col, "expected configuration text, found %s (a binary file?)", what)
}

// blanks counts the spaces, tabs and newlines of s.
func blanks(s string) int {
	return strings.Count(s, " ") + strings.Count(s, "\t") + strings.Count(s, "\n")
}

// invalidUTF8 returns the offset of the first invalid sequence and how
// many there are.
func invalidUTF8(s string) (first, n int) {
	first = -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if first < 0 {
				first = i
			}
			n++
		}
		i += size
	}
	return first, n
}

// mayHoldCapture is a quick test on the whole text: a capture line is a
// pager line, or a line that starts with a session message, `logout`, < or
// [ (HRP_ too), or with a user name and @ (captureLine). A configuration
// holds such text only inside lines (a VyOS footer holds `Warning:` and
// `firewall@10` after `/* `), so one pass over the starts of the lines,
// each looked at by its first byte, rules most out.
func mayHoldCapture(text string) bool {
	for i := 0; i < len(text); {
		if lineMayCapture(text[i:]) {
			return true
		}
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// capBlanks is the run of spaces lineMayCapture skips at once.
const capBlanks = "        "

// lineMayCapture reports whether the line that starts s may be one that
// strip blanks (captureLine): a pager line (`---- More` after spaces), a
// line that starts with a session message, `logout`, <, [ or HRP_, or a
// run of prompt characters and @.
func lineMayCapture(s string) bool {
	c := s[0]
	switch c {
	case ' ':
		k := 1
		for k+len(capBlanks) <= len(s) && s[k:k+len(capBlanks)] == capBlanks {
			k += len(capBlanks)
		}
		for k < len(s) && s[k] == ' ' {
			k++
		}
		return k < len(s) && s[k] == '-' && strings.HasPrefix(s[k:], "---- More")
	case '<', '[':
		return true
	case '\n', '\t':
		return false
	}
	var m string
	switch c {
	case '-':
		m = "---- More"
	case 'I':
		m = "Info: "
	case 'W':
		m = "Warning: "
	case 'E':
		m = "Error: "
	case 'L':
		m = "Last login: "
	case 'C':
		m = "Connection to "
	case 'l':
		m = "logout"
	case 'H':
		m = "HRP_"
	}
	if m != "" && strings.HasPrefix(s, m) {
		return true
	}
	// A prompt: a user name, then @.
	k := 0
	for k < len(s) && isPromptChar(s[k]) {
		k++
	}
	return k > 0 && k < len(s) && s[k] == '@'
}

// promptCandidates returns the starts of the lines that hold @, < or [,
// and of those that begin `Connection to `, in order, each once.
func promptCandidates(text string) []int {
	var starts []int
	for _, c := range []byte{'@', '<', '['} {
		for from := 0; ; {
			i := strings.IndexByte(text[from:], c)
			if i < 0 {
				break
			}
			i += from
			start := strings.LastIndexByte(text[:i], '\n') + 1
			if mayBeCapture(text[start], false) {
				starts = append(starts, start)
			}
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				break
			}
			from = i + end + 1
		}
	}
	for _, m := range append(sessionMessages, "logout") {
		for from := 0; ; {
			i := strings.Index(text[from:], m)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || text[i-1] == '\n' {
				starts = append(starts, i)
			}
			from = i + 1
		}
	}
	slices.Sort(starts)
	return slices.Compact(starts)
}

// mayBeCapture is a quick test on a line's first byte: a prompt starts
// with <, [, HRP_ or a user name; a pager line with blanks or the pager.
func mayBeCapture(c byte, pager bool) bool {
	return c == '<' || c == '[' || isPromptChar(c) || pager && (c == ' ' || c == '-')
}

// strip blanks the capture lines of p.text and notes them.
func (p *prepared) strip() {
	text := p.text
	var (
		b     []byte // the cleaned text, once a line changed
		done  int    // text[:done] is in b
		lines [4][]int
	)
	pager := strings.Contains(text, "---- More")
	firstEcho := 0 // the line of the first prompt that echoes a show command
	check := func(pos, end, line int) {
		kind, keep, fam := captureLine(text[pos:end])
		if kind == capNone {
			return
		}
		if kind == capPrompt && firstEcho == 0 && echoesShow(text[pos:end]) {
			firstEcho = line
		}
		if b == nil {
			b = make([]byte, 0, len(text))
		}
		b = append(b, text[done:pos]...)
		b = append(b, keep...)
		done = end
		lines[kind] = append(lines[kind], line)
		if fam != Auto && p.hint == Auto {
			p.hint = fam
		}
	}
	lineEnd := func(pos int) int {
		if end := strings.IndexByte(text[pos:], '\n'); end >= 0 {
			return pos + end
		}
		return len(text)
	}
	if !pager {
		// Without a pager, a capture line holds @, < or [: only the
		// lines holding one are looked at (a configuration has few).
		line, counted := 1, 0
		for _, pos := range promptCandidates(text) {
			line += strings.Count(text[counted:pos], "\n")
			counted = pos
			check(pos, lineEnd(pos), line)
		}
	} else {
		line := 0
		for pos := 0; pos < len(text); {
			line++
			end := lineEnd(pos)
			if pos < end && mayBeCapture(text[pos], true) {
				check(pos, end, line)
			}
			pos = end + 1
		}
	}
	if b == nil {
		return
	}
	b = append(b, text[done:]...)
	p.text = string(b)
	login := p.blankLogin(firstEcho)
	n := len(lines[capPrompt]) + len(lines[capPager]) + len(lines[capClient]) + len(login)
	var parts []string
	if l := lines[capPrompt]; len(l) > 0 {
		parts = append(parts, "prompt "+lineList(l))
	}
	if l := lines[capPager]; len(l) > 0 {
		parts = append(parts, "pager "+lineList(l))
	}
	if l := lines[capClient]; len(l) > 0 {
		parts = append(parts, "session message "+lineList(l))
	}
	if len(login) > 0 {
		parts = append(parts, "login text before the first command "+lineList(login))
	}
	p.notes = append(p.notes, "stripped "+plural(n, "capture line")+" ("+strings.Join(parts, "; ")+")")
}

// sessionMessages start the lines a session prints that no configuration
// holds: the device's messages (`Info: The max number of VTY users ...`,
// DOMAIN.md; `Warning:`, `Error:`), the login (`Last login:`), the end of
// a shell (`logout`) and the OpenSSH client's `Connection to HOST closed.`.
var sessionMessages = []string{"Info: ", "Warning: ", "Error: ", "Last login: ", "Connection to "}

func isSessionMessage(s string) bool {
	if s == "logout" {
		return true
	}
	for _, m := range sessionMessages {
		if rest, ok := strings.CutPrefix(s, m); ok {
			if m == "Connection to " {
				return strings.HasSuffix(s, " closed.") || strings.HasSuffix(s, " closed by remote host.")
			}
			// A message is a sentence, never quoted: a node named
			// `Warning:` with a value prints one word or a quoted string.
			return strings.Count(rest, " ") >= 2 && !strings.ContainsAny(rest, `"'{}`)
		}
	}
	return false
}

// echoesShow reports whether a prompt line carries the echo of a command
// that prints the configuration (`<FW-A>display current-configuration`,
// `vyos@r1:~$ show configuration commands`): what follows is its output.
func echoesShow(s string) bool {
	for _, w := range []string{"display ", "dis ", "disp ", "show ", "sh "} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// blankLogin blanks the lines before line first (1-based) that are not
// blank: what a session prints before the command whose output the file
// keeps (a login banner, `Last login:`, `Info: The max number of VTY
// users ...`) is no configuration. It returns their line numbers.
func (p *prepared) blankLogin(first int) []int {
	if first <= 1 {
		return nil
	}
	var (
		b     strings.Builder
		blank []int
	)
	rest := p.text
	for line := 1; line < first && rest != ""; line++ {
		l, after, found := strings.Cut(rest, "\n")
		if strings.TrimSpace(l) != "" {
			blank = append(blank, line)
		}
		if found {
			b.WriteByte('\n')
		}
		rest = after
	}
	if len(blank) == 0 {
		return nil
	}
	b.WriteString(rest)
	p.text = b.String()
	return blank
}

// captureLine tells whether s is a capture line; keep is what stays of it
// (the output after a pager's escape codes), fam the family a prompt names.
func captureLine(s string) (kind captureKind, keep string, fam Family) {
	if i := strings.Index(s, "---- More ----"); i >= 0 && strings.TrimLeft(s[:i], " ") == "" {
		rest := pagerRest(s[i+len("---- More ----"):])
		if k, _, f := captureLine(rest); k != capNone {
			return capPager, "", f // the output went on with a prompt
		}
		return capPager, rest, Auto
	}
	if s == "" || s[0] == ' ' || s[0] == '\t' {
		return capNone, "", Auto
	}
	if isSessionMessage(s) {
		return capClient, "", Auto
	}
	// Vyatta first: its configuration mode's `[edit]` line would read as
	// the VRP prompt of a device named edit.
	if isVyPrompt(s) {
		return capPrompt, "", Vyatta
	}
	if isVRPPrompt(s) {
		return capPrompt, "", Huawei
	}
	return capNone, "", Auto
}

// pagerRest returns the text after a pager's erase codes
// (`ESC[42D`, spaces, `ESC[42D`): the output that follows on the line.
func pagerRest(s string) string {
	last := -1
	for i := 0; i+1 < len(s); i++ {
		if s[i] != 0x1b || s[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j < len(s) && s[j] >= '@' && s[j] <= '~' {
			last = j + 1
			i = j
		}
	}
	if last < 0 {
		return ""
	}
	return s[last:]
}

// isVRPPrompt matches `<name>`, `[name]` or `[name-view]`, with an HRP
// prefix (`HRP_M`, `HRP_S`, older `HRP_A`, `HRP_B`) and anything after it
// (the command echo). A configuration line never starts with < or [.
func isVRPPrompt(s string) bool {
	if strings.HasPrefix(s, "HRP_") && len(s) > 5 && strings.IndexByte("MSAB", s[4]) >= 0 {
		s = s[5:]
	}
	if s == "" || (s[0] != '<' && s[0] != '[') {
		return false
	}
	closer := byte('>')
	if s[0] == '[' {
		closer = ']'
	}
	end := strings.IndexByte(s, closer)
	if end < 2 {
		return false
	}
	name := s[1:end]
	if strings.ContainsAny(name, " \t<>[]") {
		// `[edit firewall]` is the Vyatta configuration-mode line.
		return false
	}
	// The command echo follows the prompt without a blank: a banner line
	// such as `[WARNING] authorised users only` is no prompt.
	return end+1 == len(s) || s[end+1] != ' ' && s[end+1] != '\t'
}

// isVyPrompt matches `user@host:~$ cmd`, `user@host# cmd`, `user@host> cmd`
// and the `[edit]` / `[edit path]` line of configuration mode.
func isVyPrompt(s string) bool {
	if strings.HasPrefix(s, "[edit") && strings.HasSuffix(strings.TrimRight(s, " "), "]") &&
		(len(s) == 5 || s[5] == ']' || s[5] == ' ') {
		return true
	}
	at := 0
	for at < len(s) && isPromptChar(s[at]) {
		at++
	}
	if at == 0 || at == len(s) || s[at] != '@' {
		return false
	}
	i := at + 1
	for i < len(s) && isPromptChar(s[i]) {
		i++
	}
	if i == at+1 || i == len(s) {
		return false
	}
	if s[i] == ':' {
		// The working directory of operational mode: `:~$`, `:/config$`.
		j := strings.IndexAny(s[i:], "$#> ")
		if j < 0 {
			return false
		}
		i += j
	}
	switch s[i] {
	case '$', '#', '>':
		return i+1 == len(s) || s[i+1] == ' '
	}
	return false
}

func isPromptChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_' || c == '.'
}

// lineList writes line numbers for a note: "line 3", "lines 2, 3, 14-20"
// (runs of three or more joined), at most 20 items then "…".
func lineList(l []int) string {
	if len(l) == 1 {
		return "line " + strconv.Itoa(l[0])
	}
	var parts []string
	for i := 0; i < len(l); {
		j := i
		for j+1 < len(l) && l[j+1] == l[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, strconv.Itoa(l[i])+"-"+strconv.Itoa(l[j]))
		case j > i:
			parts = append(parts, strconv.Itoa(l[i]), strconv.Itoa(l[j]))
		default:
			parts = append(parts, strconv.Itoa(l[i]))
		}
		i = j + 1
		if len(parts) >= 20 && i < len(l) {
			parts = append(parts, "…")
			break
		}
	}
	return "lines " + strings.Join(parts, ", ")
}

// plural writes "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
