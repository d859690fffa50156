package compare

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/internal/testcorpus"
)

// viewText prints one view of c as hasync diff does (header, rows or
// changes) with whether the pair differs in scope, the exit status.
func viewText(t *testing.T, c *Comparison, v View) string {
	t.Helper()
	var w bytes.Buffer
	var differs bool
	var err error
	switch v.Format {
	case "side":
		if err := diff.WriteSideHeader(&w, c.Left.Source, c.Right.Source, c.Label, 160); err != nil {
			t.Fatal(err)
		}
		side := c.Rows(RowOptions{Context: v.Context, Fold: v.Context >= 0})
		err = diff.WriteSide(&w, side.Rows, 160)
		differs = side.Differs
	default:
		cs := c.Changes(false)
		differs = cs.Differs()
		if v.Format == "json" {
			err = diff.WriteJSON(&w, cs.Plain(), c.Diff, c.Map.Decide)
		} else {
			fmt.Fprintf(&w, "--- %s (source)\n+++ %s (target)\nsync-map: %s\n", c.Left.Source, c.Right.Source, c.Label)
			err = diff.WriteUnified(&w, cs.A, cs.B, cs.Plain(), c.Diff, c.Map.Decide)
		}
		fmt.Fprintf(&w, "counts %+v\n", cs.Counts)
	}
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&w, "differs %v\n", differs)
	return w.String()
}

// viewPeer derives a peer from set text: about pct percent of its lines
// get another value, go, or gain a line beside them.
func viewPeer(text string, pct int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		switch {
		case line == "":
		case r.Intn(100) >= pct:
			b.WriteString(line)
		case r.Intn(3) == 0 && strings.HasSuffix(line, "'\n"):
			b.WriteString(line[:len(line)-2] + "x'\n")
		case r.Intn(2) == 0:
			b.WriteString(line)
			b.WriteString(strings.TrimRight(line, "\n") + " peer\n")
		}
	}
	return b.String()
}

// TestFilesViewSame checks, for every Vyatta corpus file as set text
// against a peer of it (and itself), under the default map and a named
// one, that FilesView prints each view exactly as Files does and gives the
// same exit status, and that the fast path was taken for most pairs.
func TestFilesViewSame(t *testing.T) {
	dir := t.TempDir()
	mapLines := "set system config-sync sync-map FW rule 1 action 'include'\n" +
		"set system config-sync sync-map FW rule 1 location 'firewall'\n" +
		"set system config-sync sync-map FW rule 2 action 'exclude'\n" +
		"set system config-sync sync-map FW rule 2 location 'firewall name'\n"
	var pairs, fast int
	for i, f := range testcorpus.Files(t, "vyos") {
		if i%fastStride != 0 {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := config.Parse(f, src, config.Vyatta)
		if err != nil || len(tr.Root.Children) == 0 {
			continue
		}
		var set bytes.Buffer
		if err := config.WriteSet(&set, tr, config.PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		a := set.String()
		for _, pct := range []int{0, 2, 15} {
			b := viewPeer(a, pct, int64(i*7+pct))
			for _, named := range []bool{false, true} {
				fa, fb := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
				ta := a
				s := MapSpec{}
				if named {
					ta, s = mapLines+a, MapSpec{Name: "FW"}
				}
				if err := os.WriteFile(fa, []byte(ta), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(fb, []byte(b), 0o600); err != nil {
					t.Fatal(err)
				}
				pairs++
				if _, _, ok := config.ParsePairFast(fa, ta, fb, b, config.Auto, config.FastOptions{}); ok {
					fast++
				}
				for _, v := range []View{{Format: "side", Context: 3}, {Format: "side", Context: 0}, {Format: "unified", Context: 3}, {Format: "json", Context: -1}} {
					for _, mask := range []bool{true, false} {
						o := diff.Options{MaskSecrets: mask}
						full, errFull := Files(fa, fb, config.Auto, s, o)
						view, errView := FilesView(fa, fb, config.Auto, s, o, v)
						if fmt.Sprint(errFull) != fmt.Sprint(errView) {
							t.Fatalf("%s %d%% %+v: errors differ: %v / %v", f, pct, v, errFull, errView)
						}
						if errFull != nil {
							continue
						}
						if want, got := viewText(t, full, v), viewText(t, view, v); want != got {
							t.Errorf("%s %d%% named %v %+v mask %v: the fast path prints\n%s\nwhere the full parse prints\n%s", f, pct, named, v, mask, got, want)
						}
					}
				}
			}
		}
	}
	// Pairs that fail: the same error, from the same side.
	good := fastSynthLines()
	for _, c := range [][2]string{
		{good, "set a b 'open\n"},
		{"set a b 'open\n", good},
		{good, ""},
		{good, "#\nsysname FW\n#\nreturn\n"},
		{"# only a comment\n", good},
	} {
		fa, fb := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
		if err := os.WriteFile(fa, []byte(c[0]), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fb, []byte(c[1]), 0o600); err != nil {
			t.Fatal(err)
		}
		_, errFull := Files(fa, fb, config.Auto, MapSpec{}, diff.Options{})
		_, errView := FilesView(fa, fb, config.Auto, MapSpec{}, diff.Options{}, View{Format: "side", Context: 3})
		if errFull == nil || fmt.Sprint(errFull) != fmt.Sprint(errView) {
			t.Errorf("%q / %q: errors %v / %v", c[0][:min(20, len(c[0]))], c[1][:min(20, len(c[1]))], errFull, errView)
		}
	}
	t.Logf("%d pairs, %d through the fast path", pairs, fast)
	if fast < pairs/2 {
		t.Errorf("only %d of %d pairs took the fast path", fast, pairs)
	}
}

// fastSynthLines is a few set lines that parse.
func fastSynthLines() string {
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, "set firewall name A rule %d action 'accept'\nset firewall name A rule %d protocol 'tcp'\n", i+1, i+1)
	}
	return b.String()
}

// TestFullParseEnv: HASYNC_FULL_PARSE set to anything but 0 turns the
// fast path off; unset, empty or 0 leaves it on.
func TestFullParseEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "yes": true} {
		t.Setenv("HASYNC_FULL_PARSE", v)
		if got := fullParse(); got != want {
			t.Errorf("HASYNC_FULL_PARSE=%q: full parse %v, want %v", v, got, want)
		}
	}
}

// TestFilesViewSameBlocks is TestFilesViewSame for text in blocks: each
// corpus file in its own form (VyOS curly, Huawei VRP) against peers of
// it drifted in that form, through the curly and VRP fast paths.
func TestFilesViewSameBlocks(t *testing.T) {
	dir := t.TempDir()
	var pairs, fast int
	files := append(testcorpus.Files(t, "vyos"), testcorpus.Files(t, "huawei")...)
	for i, f := range files {
		if i%fastStride != 0 {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := string(src)
		if strings.HasPrefix(a, "set ") {
			continue // set form: TestFilesViewSame
		}
		for _, pct := range []int{0, 2, 15} {
			b := testcorpus.Drift(a, pct, int64(i*7+pct))
			fa, fb := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
			if err := os.WriteFile(fa, []byte(a), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(fb, []byte(b), 0o600); err != nil {
				t.Fatal(err)
			}
			pairs++
			for _, v := range []View{{Format: "side", Context: 3}, {Format: "side", Context: 0}, {Format: "unified", Context: 3}, {Format: "json", Context: -1}} {
				o := diff.Options{MaskSecrets: true}
				full, errFull := Files(fa, fb, config.Auto, MapSpec{}, o)
				before := FastTaken()
				view, errView := FilesView(fa, fb, config.Auto, MapSpec{}, o, v)
				if FastTaken() > before && v.Format == "side" && v.Context == 3 {
					fast++
				}
				if fmt.Sprint(errFull) != fmt.Sprint(errView) {
					t.Fatalf("%s %d%% %+v: errors differ: %v / %v", f, pct, v, errFull, errView)
				}
				if errFull != nil {
					continue
				}
				if want, got := viewText(t, full, v), viewText(t, view, v); want != got {
					t.Errorf("%s %d%% %+v: the fast path prints\n%s\nwhere the full parse prints\n%s", f, pct, v, got, want)
				}
			}
		}
	}
	t.Logf("%d pairs, %d through the fast path", pairs, fast)
	if fast == 0 || fast < pairs/10 {
		t.Errorf("only %d of %d pairs took the fast path", fast, pairs)
	}
}
