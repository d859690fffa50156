package config

import (
	"strconv"
	"testing"
)

// TestParseAutoFamily checks that Parse with Auto tells each dialect.
func TestParseAutoFamily(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      Family
	}{
		{"curly", "system {\n    host-name a\n}\n", Vyatta},
		{"set", "set system host-name 'a'\n", Vyatta},
		{"vrp", "!Software Version V600R007C20\n#\nsysname fw-a\n#\nreturn\n", Huawei},
		{"vrp bare", " hrp enable\n#\ninterface G0\n ip address 10.0.0.1 24\n#\nreturn\n", Huawei},
		// Found by the corpus fmt test: a remediation list and a snippet.
		{"vrp undo list", "undo vlan 30\nundo interface GigabitEthernet1/0/3\nvlan 10\n  undo name DATA\n", Huawei},
		{"vrp snippet", "acl name vty_access basic\n rule 5 permit source 192.168.56.0 0.0.0.255\n rule 1000 deny\n", Huawei},
		{"set with hash lines", "#\n# VyOS\n#\n#\nset system host-name 'a'\n", Vyatta},
		{"curly 5600", "interfaces {\n\tloopback lo\n}\n", Vyatta},
	} {
		tr, err := Parse(c.name, []byte(c.src), Auto)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tr.Family != c.want {
			t.Errorf("%s: family %v, want %v", c.name, tr.Family, c.want)
		}
	}
}

// TestChildIndexes adds children through find and added, as both parsers
// do: a parent below min is scanned and has no index, one at min gets an
// index that finds every child, and drop forgets it.
func TestChildIndexes(t *testing.T) {
	xs := newChildIndexes(4)
	p := &Node{}
	for i := range 20 {
		name := "n" + strconv.Itoa(i)
		n, x, h := xs.find(p, name)
		if n != nil {
			t.Fatalf("%s found before it was added", name)
		}
		c := &Node{Name: name}
		p.Children = append(p.Children, c)
		xs.added(p, c, x, h)
		if got := xs.of(p) != nil; got != (len(p.Children) >= 4) {
			t.Fatalf("%d children: indexed %v", len(p.Children), got)
		}
	}
	for i, c := range p.Children {
		if n, _, _ := xs.find(p, c.Name); n != c {
			t.Errorf("find(%q) = %v, want child %d", c.Name, n, i)
		}
	}
	if n, _, _ := xs.find(p, "n20"); n != nil {
		t.Errorf("find(n20) = %q", n.Name)
	}
	xs.drop(p)
	if xs.of(p) != nil {
		t.Error("index kept after drop")
	}
}
