package config

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// vyBigConfig generates a curly configuration of about lines lines: many
// interfaces with VLANs and firewall rule sets, like a busy edge router.
func vyBigConfig(lines int) []byte {
	var b bytes.Buffer
	b.WriteString("firewall {\n")
	n := 0
	for set := 0; n < lines*3/4; set++ {
		fmt.Fprintf(&b, "    name SET-%d {\n        default-action drop\n", set)
		for r := 1; r <= 500; r++ {
			fmt.Fprintf(&b, "        rule %d {\n            action accept\n            description \"allow host %d\"\n"+
				"            destination {\n                address 10.%d.%d.%d/32\n                port 443\n            }\n"+
				"            protocol tcp\n            state {\n                established enable\n            }\n        }\n",
				r*10, r, set%250, r/250, r%250)
		}
		b.WriteString("    }\n")
		n += 500*12 + 3
	}
	b.WriteString("}\ninterfaces {\n")
	for i := 0; n < lines; i++ {
		fmt.Fprintf(&b, "    ethernet eth%d {\n        address 192.0.%d.1/24\n        description 'port %d'\n", i, i%250, i)
		for v := 1; v <= 20; v++ {
			fmt.Fprintf(&b, "        vif %d {\n            address 172.%d.%d.1/24\n            mtu 1500\n        }\n", v*10, 16+i%16, v)
		}
		b.WriteString("    }\n")
		n += 3 + 20*4 + 1
	}
	b.WriteString("}\n// vyos-config-version: \"firewall@10\"\n// Release version: 1.4.0\n")
	return b.Bytes()
}

func BenchmarkParseVyatta(b *testing.B) {
	src := vyBigConfig(100000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseVyatta("big", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVyattaSet(b *testing.B) {
	tr, err := ParseVyatta("big", vyBigConfig(100000))
	if err != nil {
		b.Fatal(err)
	}
	var set bytes.Buffer
	if err := WriteSet(&set, tr, PrintOptions{}); err != nil {
		b.Fatal(err)
	}
	src := set.Bytes()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseVyatta("big", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteCurly(b *testing.B) {
	tr, err := ParseVyatta("big", vyBigConfig(100000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCurly(io.Discard, tr, PrintOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// The generated text is what the benchmark claims: about 100k lines that
// parse into the expected number of rules.
func TestVyattaBigConfig(t *testing.T) {
	src := vyBigConfig(100000)
	lines := bytes.Count(src, []byte{'\n'})
	if lines < 95000 || lines > 110000 {
		t.Fatalf("%d lines", lines)
	}
	tr := vyParse(t, "big", src)
	rules := tr.Root.Lookup(Path{"firewall", "name", "SET-0", "rule"})
	if rules == nil || len(rules.Children) != 500 || rules.Children[1].Name != "20" {
		t.Fatalf("rules not parsed in natural order")
	}
	vyCheckRoundTrip(t, "big as set", tr, WriteSet)
}
