package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hasync/hasync/backend/config/schema/internal/xmlgen"
	"github.com/hasync/hasync/internal/testcorpus"
)

func main() {
	src := flag.String("src", "", "interface-definitions directory (default: ../shared/schema/vyos-1x/interface-definitions beside the repository)")
	out := flag.String("o", "vyos.txt", "table to write")
	flag.Parse()
	dir := *src
	if dir == "" {
		root, err := testcorpus.ModuleRoot()
		if err != nil {
			fail(err)
		}
		dir = filepath.Join(root, "..", "shared", "schema", "vyos-1x", "interface-definitions")
	}
	table, st, err := xmlgen.Generate(dir)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, table, 0o644); err != nil {
		fail(err)
	}
	var b bytes.Buffer
	st.Print(&b)
	os.Stdout.Write(b.Bytes())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "schema/gen:", err)
	os.Exit(1)
}
