package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// initBytes bounds what a package of this module may allocate at process
// start (issue 14: `hasync diff` must not pay for the console or the lab,
// and one binary runs every linked package's init). A table built by code
// at package level (a map literal, a regexp, an index) shows up as
// kilobytes; a value made on first use (sync.OnceValue) costs its two
// small closures. initBytesOf lists the packages allowed more, and why.
const initBytes = 1024

// initBytesOf are the packages allowed more than initBytes at start.
var initBytesOf = map[string]int{
	// The VRP key rules by the first byte of their first word
	// (vrpKeyIndex), read for every VRP line: one array of the rules and
	// the index, 10.4 KiB.
	"github.com/hasync/hasync/backend/config": 12 << 10,
}

// TestPackageInitsDoLittle runs this test binary, which links every
// package hasync links, with GODEBUG=inittrace=1 and bounds what each of
// this module's packages allocates at start (initBytes). The package of
// this test is left out: its test files hold tables of their own.
// Allocation counts do not depend on the machine or its load; a new Go
// release that allocates more for sync.OnceValue would show here.
func TestPackageInitsDoLittle(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation registers each package at start")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd, err, stderr.String())
	}
	const module = "github.com/hasync/hasync"
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(sc.Text())
		if len(f) != 11 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		pkg := f[1]
		if !strings.HasPrefix(pkg, module+"/") {
			continue
		}
		seen++
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("inittrace line %q: %v", sc.Text(), err)
		}
		limit, ok := initBytesOf[pkg]
		if !ok {
			limit = initBytes
		}
		if n > limit {
			t.Errorf("%s allocates %d bytes at process start (%s allocs), more than %d: make its package-level tables on first use (sync.OnceValue), or write them as literals or switches", pkg, n, f[9], limit)
		}
	}
	if seen == 0 {
		t.Fatalf("no init line of %s in the trace:\n%s", module, stderr.String())
	}
}
