// Command gen writes vyos.txt, the table of VyOS configuration nodes that
// package schema embeds, from ../shared/schema/vyos-1x/interface-definitions
// (relative to the repository root), and prints its counts. Run it with
// `go generate ./backend/config/schema`. The work is internal/xmlgen's.
//
// Imports: backend/config/schema/internal/xmlgen, internal/testcorpus (the
// module root) and the standard library.
package main
