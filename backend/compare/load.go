package compare

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/syncmap"
)

// Load parses one configuration file (config.Stdin: standard input). A family given (not config.Auto)
// must not contradict the text (Huawei text read as Vyatta parses without
// an error but means nothing), and a file without configuration is
// refused: an empty capture compared with a device would look like
// "delete everything". Errors name the file, and for a parse error its
// line and column (config.ParseError).
func Load(file string, fam config.Family) (*config.Tree, error) {
	var (
		t   *config.Tree
		err error
	)
	if fam == config.Auto {
		t, err = config.ParseFile(file, fam)
	} else {
		var text string
		if text, err = config.ReadText(file); err == nil {
			if err := checkFamily(file, []byte(text), fam); err != nil {
				return nil, err
			}
			t, err = config.ParseText(file, text, fam)
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// "open FILE: no such file or directory" reads better as "FILE: no
		// such file or directory".
		return nil, fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	if err != nil {
		return nil, err
	}
	if err := nonEmpty(t, file); err != nil {
		return nil, err
	}
	return t, nil
}

// Parse parses a configuration read from a device or elsewhere (source
// names it in errors and headers), with Load's checks.
func Parse(source string, src []byte, fam config.Family) (*config.Tree, error) {
	if fam != config.Auto {
		if err := checkFamily(source, src, fam); err != nil {
			return nil, err
		}
	}
	t, err := config.Parse(source, src, fam)
	if err != nil {
		return nil, err
	}
	if err := nonEmpty(t, source); err != nil {
		return nil, err
	}
	return t, nil
}

// checkFamily refuses text that only the other family writes.
func checkFamily(source string, src []byte, fam config.Family) error {
	// Binary text has no family to contradict: the parser refuses it
	// without printing its bytes.
	if text := string(src); strings.IndexByte(text, 0) < 0 && utf8.ValidString(text) {
		if other, line, text := contradicts(text, fam); other != config.Auto {
			return fmt.Errorf("--family %s: %s is %s text (line %d: %q), not %s", fam, source, FamilyTitle(other), line, text, fam)
		}
	}
	return nil
}

func nonEmpty(t *config.Tree, source string) error {
	if t.Root == nil || len(t.Root.Children) == 0 {
		return fmt.Errorf("%s: expected a configuration, found none (the file is empty or holds only comments)", source)
	}
	return nil
}

// LoadPair parses both files at once (they are independent, and the parse
// is most of a diff's time), checks that they are of one family, and
// chooses the sync-map (ChooseMap), which needs only LEFT, while RIGHT may
// still be parsing. Errors come in that order: LEFT's, RIGHT's, the
// families', the sync-map's.
func LoadPair(leftFile, rightFile string, fam config.Family, s MapSpec) (left, right *config.Tree, m *syncmap.Map, err error) {
	type result struct {
		t   *config.Tree
		err error
	}
	rc := make(chan result, 1)
	go func() {
		t, err := Load(rightFile, fam)
		rc <- result{t, err}
	}()
	left, lerr := Load(leftFile, fam)
	var merr error
	if lerr == nil {
		m, merr = ChooseMap(left, s)
	}
	r := <-rc
	switch {
	case lerr != nil:
		return nil, nil, nil, lerr
	case r.err != nil:
		return nil, nil, nil, r.err
	case left.Family != r.t.Family:
		return nil, nil, nil, familiesError(leftFile, rightFile, left.Family, r.t.Family)
	case merr != nil:
		return nil, nil, nil, merr
	}
	return left, r.t, m, nil
}

func familiesError(leftName, rightName string, lf, rf config.Family) error {
	return fmt.Errorf("%s is %s text but %s is %s text: expected two configurations of one family (give --family if one was misread)",
		leftName, FamilyTitle(lf), rightName, FamilyTitle(rf))
}

// FamilyTitle is the family's name as a proper noun: "Vyatta", "Huawei".
func FamilyTitle(f config.Family) string {
	switch f {
	case config.Vyatta:
		return "Vyatta"
	case config.Huawei:
		return "Huawei"
	}
	return f.String()
}

// contradicts looks at the first lines of src for lines that only the other
// family writes (braces, set/delete commands and #!/bin/vbash for Vyatta;
// lone '#' separators, 'return', 'sysname' and '!Software Version' for
// Huawei). When there are some and none of fam's own, it returns the other
// family and the first such line; otherwise Auto.
func contradicts(src string, fam config.Family) (config.Family, int, string) {
	var vyLine, hwLine int
	var vyText, hwText string
	for n := 1; n <= 400 && len(src) > 0; n++ {
		line, rest, _ := strings.Cut(src, "\n")
		src = rest
		t := strings.TrimSpace(line)
		switch {
		case t == "#", t == "return", strings.HasPrefix(t, "sysname "), strings.HasPrefix(t, "!Software Version"):
			if hwLine == 0 {
				hwLine, hwText = n, clip(t)
			}
		case strings.HasPrefix(t, "set "), strings.HasPrefix(t, "delete "), strings.HasSuffix(t, "{"), t == "}",
			strings.HasPrefix(t, "#!/bin/vbash"):
			if vyLine == 0 {
				vyLine, vyText = n, clip(t)
			}
		}
	}
	switch {
	case fam == config.Huawei && vyLine > 0 && hwLine == 0:
		return config.Vyatta, vyLine, vyText
	case fam == config.Vyatta && hwLine > 0 && vyLine == 0:
		return config.Huawei, hwLine, hwText
	}
	return config.Auto, 0, ""
}

// clip cuts a line quoted in an error to 60 runes.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
