package inventory

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzLoad feeds Load's parser any bytes: it never panics; an error is an
// *Error inside the file; what loads keeps every rule of the format and
// survives a write and a second load unchanged.
func FuzzLoad(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "example.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(good))
	f.Add([]byte("pairs:\n  - name: p\n    family: huawei\n    devices:\n      - &d {name: a, address: h}\n      - <<: *d\n        name: b\n"))
	f.Add([]byte("pairs: [{name: x, family: vyatta, devices: [{name: a, ssh_host: a}, {name: b, address: b, port: 22}]}]\n"))
	f.Add([]byte("pairs:\n  - name: p\n    password: x\n"))
	f.Add([]byte("pairs: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse(data, "f.yaml", "/d")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %v", err)
			}
			// YAML breaks lines at \n, \r\n and a lone \r.
			lines := bytes.Count(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 2
			if e.Pos.File != "f.yaml" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 || e.Msg == "" {
				t.Fatalf("error outside the file (%d lines): %v", lines, err)
			}
			return
		}
		if len(inv.Pairs) == 0 {
			t.Fatal("loaded no pairs without an error")
		}
		for _, p := range inv.Pairs {
			a, b := p.Devices[0], p.Devices[1]
			if a == nil || b == nil || a.Name == b.Name || a.Name == "" || b.Name == "" {
				t.Fatalf("pair %q: bad devices", p.Name)
			}
			if _, ok := p.Device(p.Source); !ok {
				t.Fatalf("pair %q: source %q is no member", p.Name, p.Source)
			}
			for _, d := range p.Devices {
				if d.Family != p.Family || !slices.Contains(flavors(p.Family), d.Flavor) || d.Port < 0 || d.Port > 65535 {
					t.Fatalf("device %q breaks a rule: %+v", d.Name, *d)
				}
			}
		}
		out, err := Marshal(inv)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(out, "f.yaml", "/d")
		if err != nil {
			t.Fatalf("written inventory does not load: %v\n%s", err, out)
		}
		if d := diffInventories(inv, back); d != "" {
			t.Fatalf("%s after a write:\n%s", d, out)
		}
	})
}
