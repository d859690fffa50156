package compare

import (
	"os"
	"sync"
	"sync/atomic"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/syncmap"
)

// View is what a command shows of one comparison before it exits.
type View struct {
	// Format is side, unified, json or commands (hasync diff --format).
	Format string
	// Context is the side view's context; -1 shows every row unfolded.
	Context int
	// OnlyScope keeps only what the map puts in scope.
	OnlyScope bool
}

// FilesView is Files for a command that shows one view of the pair and
// exits (hasync diff). Where the view allows it, it takes the fast path
// of config.ParsePairView (set form, curly form, VRP): the parts of the
// two files that are the same bytes on both sides are not parsed, only
// counted, and a fold stands for them. The view printed, and whether the
// pair differs in scope, are the same as with Files (TestFilesViewSame,
// and the root package's TestDiffFastPathCorpus over every corpus pair).
//
// The fast path applies to the side view (folded), the unified and the
// JSON view of two files of one family and form, compared in full (no
// --only-scope), under the default or a named map without --include,
// --exclude or --ignore. Its Comparison's trees hold stubs, which a view
// expands as it needs: call Rows or Changes(false) once, not
// concurrently, and nothing else (not Plan). Any other view, or text the
// fast path does not take, is parsed in full as Files does, with its
// checks and errors. HASYNC_FULL_PARSE=1 (any value but 0) in the
// environment turns the fast path off (bench/diffbench times both).
func FilesView(leftFile, rightFile string, fam config.Family, s MapSpec, o diff.Options, v View) (*Comparison, error) {
	if !fastView(fam, s, o, v) {
		return Files(leftFile, rightFile, fam, s, o)
	}
	// Both files are read at once, as LoadPair parses them, unless the
	// first is small: a goroutine costs more than reading the second.
	texts := make([]string, 2)
	errs := make([]error, 2)
	read := func(i int, file string) {
		texts[i], errs[i] = config.ReadText(file)
		if errs[i] == nil && fam != config.Auto {
			errs[i] = checkFamily(file, []byte(texts[i]), fam)
		}
	}
	if fi, err := os.Stat(leftFile); err == nil && fi.Size() < smallFile {
		read(0, leftFile)
		read(1, rightFile)
	} else {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			read(1, rightFile)
		}()
		read(0, leftFile)
		wg.Wait()
	}
	if errs[0] != nil || errs[1] != nil {
		return Files(leftFile, rightFile, fam, s, o)
	}
	// curly/VRP fast path: config.ParsePairView tells the form once and
	// takes the set form's, the curly form's or VRP's fast path.
	left, right, ok := config.ParsePairView(leftFile, texts[0], rightFile, texts[1], fam, config.FastOptions{})
	if !ok {
		// The texts read are parsed in full, as LoadPair would.
		return textsPair(leftFile, rightFile, texts, fam, s, o)
	}
	if nonEmpty(left, leftFile) != nil || nonEmpty(right, rightFile) != nil {
		return Files(leftFile, rightFile, fam, s, o)
	}
	m, err := ChooseMap(left, s)
	if err != nil {
		return nil, err
	}
	fastTaken.Add(1)
	return New(left, right, m, Label(m, s, left), o)
}

// smallFile is the size in bytes below which FilesView reads the two
// files one after the other.
const smallFile = 32 << 10

// fastTaken counts the comparisons FilesView made on the fast path.
var fastTaken atomic.Int64

// FastTaken is the number of comparisons that FilesView has made on the
// fast path since the process started: a test tells by it which path a
// command took, not by asking a parser what it would do.
func FastTaken() int64 { return fastTaken.Load() }

// textsPair is Files for the two files' texts, read already: both parsed
// at once, then checked and a map chosen as LoadPair does, errors in its
// order.
func textsPair(leftFile, rightFile string, texts []string, fam config.Family, s MapSpec, o diff.Options) (*Comparison, error) {
	parse := func(file, text string) (*config.Tree, error) {
		t, err := config.ParseText(file, text, fam)
		if err == nil {
			err = nonEmpty(t, file)
		}
		return t, err
	}
	var (
		right *config.Tree
		rerr  error
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		right, rerr = parse(rightFile, texts[1])
	}()
	left, lerr := parse(leftFile, texts[0])
	var (
		m    *syncmap.Map
		merr error
	)
	if lerr == nil {
		m, merr = ChooseMap(left, s)
	}
	wg.Wait()
	switch {
	case lerr != nil:
		return nil, lerr
	case rerr != nil:
		return nil, rerr
	case left.Family != right.Family:
		return nil, familiesError(leftFile, rightFile, left.Family, right.Family)
	case merr != nil:
		return nil, merr
	}
	return New(left, right, m, Label(m, s, left), o)
}

// fullParse reports whether HASYNC_FULL_PARSE turns the fast path off:
// set, and not to 0.
func fullParse() bool {
	v := os.Getenv("HASYNC_FULL_PARSE")
	return v != "" && v != "0"
}

// fastView reports whether a view may take the fast path.
func fastView(fam config.Family, s MapSpec, o diff.Options, v View) bool {
	switch {
	case fam == config.Huawei, v.OnlyScope, len(o.Ignore) > 0, len(s.Include) > 0, len(s.Exclude) > 0,
		fullParse():
		return false
	case v.Format == "side":
		return v.Context >= 0
	}
	return v.Format == "unified" || v.Format == "json"
}
