package config

import (
	"os"
	"strings"
	"testing"

	"github.com/hasync/hasync/internal/testcorpus"
)

// checkCurlyRows checks, for one curly text, that every block fcScan
// counts rows of gives those rows in the full parse (SubtreeRows of its
// node), where the block's node is its own (no block of its name among
// its ancestors' siblings) and its runs hold each value once.
func checkCurlyRows(t *testing.T, name, text string) int {
	t.Helper()
	pre, err := prepare(name, text)
	if err != nil || vyIsSetForm(pre.text) {
		return 0
	}
	ft, ok := fcScan(pre.text, new(vyKinds), true)
	if !ok {
		return 0
	}
	tr, err := parseText(name, text, Vyatta)
	if err != nil {
		t.Errorf("%s: the scan takes text that does not parse: %v", name, err)
		return 0
	}
	checked := 0
	var walk func(i int32, parent *Node, own bool)
	walk = func(i int32, parent *Node, own bool) {
		blk := &ft.blocks[i]
		ws := ft.words(i)
		n := parent.Child(ws[0])
		if n != nil && len(ws) == 2 {
			n = n.Child(ws[1])
		}
		if n == nil {
			t.Errorf("%s: block %q at line %d has no node", name, blk.key, blk.line)
			return
		}
		if own && blk.rows >= 0 && (blk.flags&(fcRuns|fcRunsIn) == 0 || ft.runsDistinct(i)) {
			checked++
			if got := SubtreeRows(Vyatta, n); got != int(blk.rows) {
				t.Errorf("%s: block %q at line %d: the scan counts %d rows, the parse gives %d", name, blk.key, blk.line, blk.rows, got)
			}
		}
		for _, k := range ft.children(i, nil) {
			walk(k, n, own && blk.flags&fcKidsOK != 0)
		}
	}
	for _, k := range ft.children(-1, nil) {
		walk(k, tr.Root, ft.topOK)
	}
	return checked
}

// TestFastCurlyRows checks the scan's row counts against the full parse
// on every curly file of the corpus and on drifted copies.
func TestFastCurlyRows(t *testing.T) {
	checked := 0
	for _, f := range testcorpus.Files(t, "vyos") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		if !strings.Contains(text, "{") {
			continue
		}
		checked += checkCurlyRows(t, f, text)
		checked += checkCurlyRows(t, f+" doubled", text+text)
	}
	checked += checkCurlyRows(t, "seed", curlyRowsSeed)
	if checked < 1000 {
		t.Errorf("only %d blocks checked", checked)
	}
}

// curlyRowsSeed holds what the scan's counts must get right.
const curlyRowsSeed = `interfaces {
    ethernet eth0 {
        address 10.0.0.1/24
        address 10.0.0.2/24
        address 10.0.0.1/24
        vif 10 {
            address 10.1.0.1/24
        }
        vif 10
        disable
    }
    ethernet eth1 {
        address "10.0.1.1/24"
        address 10.0.1.1/24
        description "a b"
        description 'c'
    }
    loopback lo {
    }
}
protocols {
    static {
        route 0.0.0.0/0 {
            next-hop 192.0.2.1 {
            }
        }
        route 10.0.0.0/8 {
            blackhole {
            }
        }
    }
}
firewall {
    name A {
        rule 20 {
            action accept
        }
        rule 10 {
            action drop
        }
        rule 20 {
            log
        }
    }
}
`

// FuzzFastCurlyRows checks the scan's row counts against the full parse
// on any text.
func FuzzFastCurlyRows(f *testing.F) {
	f.Add(curlyRowsSeed)
	f.Add("a {\n    b c\n    b d\n    b c\n}\n")
	f.Add("a {\n    b {\n    }\n    b x\n}\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<14 {
			return
		}
		checkCurlyRows(t, "fuzz", text)
	})
}
