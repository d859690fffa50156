package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// PrintOptions control the printers.
type PrintOptions struct {
	// MaskSecrets prints Mask instead of the values of Secret nodes.
	MaskSecrets bool
}

// Format is a printed form of a configuration.
type Format int

const (
	// Curly is the Vyatta curly-brace form (config.boot, `show configuration`).
	Curly Format = iota
	// Set is the Vyatta `set` command form (`show configuration commands`).
	Set
	// VRP is the Huawei `display current-configuration` form.
	VRP
)

func (f Format) String() string {
	switch f {
	case Set:
		return "set"
	case VRP:
		return "vrp"
	default:
		return "curly"
	}
}

// ParseFormat reads a format name as given on the command line.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "curly":
		return Curly, nil
	case "set":
		return Set, nil
	case "vrp":
		return VRP, nil
	}
	return Curly, fmt.Errorf("unknown format %q: expected curly, set or vrp", s)
}

// Parse reads configuration text of the given family (Auto detects it).
// file names the source in errors. It never panics on bad input: the
// error is a *ParseError with the line and column.
func Parse(file string, src []byte, fam Family) (*Tree, error) {
	return parseText(file, string(src), fam)
}

// parseText parses text held in one string, which the tree's names and
// values share.
func parseText(file, text string, fam Family) (*Tree, error) {
	pre, err := prepare(file, text)
	if err != nil {
		return nil, err
	}
	return parsePrepared(file, pre, pre.family(fam))
}

// parsePrepared parses prepared text of a known family and adds the
// notes of prepare before the parser's own.
func parsePrepared(file string, pre prepared, fam Family) (*Tree, error) {
	var (
		t   *Tree
		err error
	)
	switch fam {
	case Huawei:
		t, err = parseVRP(file, pre.text)
	default:
		t, err = parseVyatta(file, pre.text)
	}
	if err != nil {
		return nil, err
	}
	t.Source = file
	if len(pre.notes) > 0 {
		t.Notes = append(pre.notes, t.Notes...)
	}
	return t, nil
}

// Stdin is the file name that stands for standard input, as in diff(1):
// readText reads it from os.Stdin, and it names the text in errors and
// headers.
const Stdin = "-"

// ParseFile reads and parses a file (Stdin: standard input).
func ParseFile(file string, fam Family) (*Tree, error) {
	text, err := readText(file)
	if err != nil {
		return nil, err
	}
	return parseText(file, text, fam)
}

// readText reads a file straight into a string, which the tree then
// shares: reading into a []byte and converting would copy the file once
// more, and on a large file the fresh pages cost more than the parse. A
// regular file is read in one call into a buffer of its size (a copy
// through a smaller buffer costs a tenth of a fast-path diff).
func readText(file string) (string, error) {
	if file == Stdin {
		return readStdin()
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return readAll(f)
}

// stdin is what readStdin read, and from which file: a command may read
// its standard input twice (a fast path that falls back to the full
// parse), and a pipe gives its text only once.
var stdin struct {
	sync.Mutex
	f    *os.File
	read bool
	text string
	err  error
}

// readStdin reads os.Stdin to its end, once for each file os.Stdin is
// (a test sets its own).
func readStdin() (string, error) {
	stdin.Lock()
	defer stdin.Unlock()
	if !stdin.read || stdin.f != os.Stdin {
		stdin.f, stdin.read = os.Stdin, true
		stdin.text, stdin.err = "", errors.New("no standard input")
		if os.Stdin != nil {
			stdin.text, stdin.err = readAll(os.Stdin)
		}
		if stdin.err != nil {
			stdin.err = fmt.Errorf("%s: reading standard input: %w", Stdin, stdin.err)
		}
	}
	return stdin.text, stdin.err
}

// readAll reads f to its end into a string (see readText).
func readAll(f *os.File) (string, error) {
	size := 0
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 && fi.Size() < 1<<40 {
		size = int(fi.Size())
	}
	// One byte more than the size, so that a file that grew since the
	// Stat is read to its end, not cut.
	b := make([]byte, 0, size+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if len(b) == cap(b) {
			b = slices.Grow(b, max(512, len(b)))
		}
	}
	if len(b) == 0 {
		return "", nil
	}
	// b is not written again: the string may share it.
	return unsafe.String(&b[0], len(b)), nil
}

// detectLines is how many lines detect reads.
const detectLines = 400

// detect tells the family from the first lines of the text: VRP text has
// `#` separator lines, `!Software Version`, `sysname`, `undo`, `quit`,
// `interface X` without a brace, or `return`; Vyatta
// text has braces or `set` lines. A `#!/bin/vbash` line, or a `set` or
// `delete` command at the start of a line before any VRP-only line,
// decides Vyatta at once: `#` alone is also a comment of a set script.
// Indented lines without any of those make a VRP snippet only where an
// unindented line starts with a VRP command (vrpCommand): indented prose
// is no configuration, and the curly parser says so (vyCurly.noBlock).
func detect(src string) Family {
	vrp, vy, strong, indented, commands := 0, 0, 0, 0, 0
	lines := 0
	for len(src) > 0 && lines < detectLines {
		var line string
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			line, src = src, ""
		}
		lines++
		t := trimBlanks(line)
		if len(t) > 0 && line[0] == ' ' {
			indented++
		}
		switch {
		case len(t) == 0:
		case strings.HasPrefix(line, "#!/bin/vbash"),
			strong == 0 && (strings.HasPrefix(line, "set ") || strings.HasPrefix(line, "delete ")):
			return Vyatta
		case t == "#":
			vrp++
		case t == "return", strings.HasPrefix(t, "!Software Version"), strings.HasPrefix(t, "sysname "),
			strings.HasPrefix(t, "undo "), t == "quit":
			vrp++
			strong++
		case strings.HasPrefix(line, "interface ") && !strings.HasSuffix(t, "{"):
			vrp++
		case strings.HasPrefix(t, "set "), strings.HasSuffix(t, "{"), t == "}",
			strings.HasPrefix(t, "/*"):
			vy++
		case line[0] != ' ' && line[0] != '\t':
			// A compare output's `+acl ...` counts too: the VRP parser
			// names it for what it is.
			if w, _, _ := strings.Cut(strings.TrimLeft(t, "+-"), " "); vrpCommand(w) {
				commands++
			}
		}
	}
	// Indented lines without a brace or a set line anywhere: VRP blocks
	// (a snippet such as `acl name x` / ` rule 5 permit`).
	if vrp > vy || vy == 0 && indented > 0 && commands > 0 {
		return Huawei
	}
	return Vyatta
}

// vrpCommand reports whether w starts a top-level command of VRP (and
// of Comware, which detect takes for VRP): the commands that open a view
// or stand alone in `display current-configuration`.
func vrpCommand(w string) bool {
	switch w {
	case "aaa", "acl", "bfd", "bgp", "clock", "dhcp", "dns", "domain", "firewall", "ftp", "header",
		"hrp", "hwtacacs", "hwtacacs-server", "igmp-snooping", "ike", "info-center", "interface",
		"ip", "ipsec", "ipv6", "irf-port", "isis", "l2tp", "lldp", "line", "local-user", "nat",
		"nat-policy", "ntp-service", "ospf", "ospfv3", "policy-based-route", "qos", "radius",
		"radius-server", "rip", "role", "route-policy", "security-policy", "sftp", "snmp-agent",
		"ssh", "stelnet", "stp", "sysname", "system", "telnet", "time-range", "traffic", "undo",
		"user-group", "user-interface", "version", "vlan", "vrrp", "vsys":
		return true
	}
	return false
}

// trimBlanks trims ASCII blanks (not Unicode spaces, which can be names).
func trimBlanks(s string) string {
	return strings.Trim(s, " \t\r\v\f")
}

// Write prints t in format f.
func Write(w io.Writer, t *Tree, f Format, o PrintOptions) error {
	switch f {
	case Set:
		return WriteSet(w, t, o)
	case VRP:
		return WriteVRP(w, t, o)
	default:
		return WriteCurly(w, t, o)
	}
}
