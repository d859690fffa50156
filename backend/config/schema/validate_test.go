package schema

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		path, value string
		ok          bool
	}{
		{"interfaces ethernet eth0 mtu", "1500", true},
		{"interfaces ethernet eth0 mtu", "abc", false},
		{"interfaces ethernet eth0 mtu", "67", false},
		{"interfaces ethernet eth0 mtu", "16000", true},
		{"interfaces ethernet", "eth0", true},
		{"interfaces ethernet", "dp0s9", false},
		{"interfaces ethernet eth0 address", "192.0.2.1/24", true},
		{"interfaces ethernet eth0 address", "2001:db8::1/64", true},
		{"interfaces ethernet eth0 address", "dhcp", true},
		{"interfaces ethernet eth0 address", "192.168.1/30", false},
		{"interfaces ethernet eth0 address", "192.0.2.0/24", false}, // the network, not a host
		{"interfaces ethernet eth0 disable", "", true},
		{"interfaces ethernet eth0 disable", "yes", false},
		{"interfaces ethernet eth0 duplex", "full", true},
		{"interfaces ethernet eth0 duplex", "fullish", false}, // regexes match whole values
		{"interfaces ethernet eth0 mac", "00:53:00:11:22:33", true},
		{"interfaces ethernet eth0 mac", "00:53:00:11:22", false},
		{"protocols static route", "192.0.2.0/24", true},
		{"protocols static route", "999.1.1.0/24", false},
		{"protocols static route", "192.0.2.1/24", false},
		{"protocols static route 0.0.0.0/0 next-hop", "192.0.2.1", true},
		{"protocols static route 0.0.0.0/0 next-hop", "banana", false},
		{"firewall ipv4 name X rule", "10", true},
		{"firewall ipv4 name X rule", "1000000", false},
		{"firewall ipv4 name X rule 10 action", "accept", true},
		{"firewall ipv4 name X rule 10 action", "banana", false},
		{"firewall ipv4 name X rule 10 destination port", "22,80-90,https", true},
		{"firewall ipv4 name X rule 10 destination port", "0-99999", false},
		{"firewall ipv4 name X rule 10 source address", "!192.0.2.1", true},
		{"firewall ipv4 name X rule 10 protocol", "tcp", true},
		{"firewall ipv4 name X rule 10 protocol", "banana", false},
		{"security firewall name X rule", "10", true},
		{"security firewall name X rule", "99999", false},
		{"firewall name X rule", "99999", true}, // VyOS 1.3 took up to 999999, as 1.4 does
		{"firewall name X rule", "1000000", false},
		{"firewall name X rule 10 log", "enable", true}, // the 1.3 form
		{"firewall ipv4 name X rule 10 log", "enable", false},
		{"vpn ipsec site-to-site peer", "192.0.2.1", true}, // 1.3 named peers by address
		{"vpn ipsec site-to-site peer", "peer_1", true},
		{"security firewall name X rule 10 action", "drop", true},
		{"security firewall name X rule 10 action", "banana", false},
		{"security firewall name X rule 10 destination address", "CUST-0001-SERVERS", true},
		{"security firewall name X rule 10 destination address", "10.0.0.0/8", true},
		{"security firewall name X rule 10 destination port", "WEB", true},
		{"interfaces dataplane", "dp0s9", true},
		{"interfaces dataplane", "eth0", false},
		{"interfaces dataplane dp0s9 mtu", "9000", true},
		{"interfaces dataplane dp0s9 mtu", "abc", false},
		{"interfaces bonding", "dp0bond0", true}, // an overlay adds value forms
		{"interfaces bonding", "bond0", true},
		{"interfaces bonding", "eth0", false},
		{"interfaces bonding dp0bond0 mode", "lacp", true},
		{"interfaces bonding bond0 mode", "802.3ad", true},
		{"interfaces bonding bond0 mode", "banana", false},
		{"security vpn ipsec site-to-site peer", "198.51.100.7", true},
		{"resources group address-group G address", "10.1.2.20-10.1.2.35", true},
		{"resources group address-group G address", "10.1.2.300", false},
		{"service nat source rule 100 translation address", "masquerade", true},
		{"system config-sync sync-map M rule", "1025", false},
		{"system config-sync sync-map M rule 1 action", "include", true},
		{"system config-sync sync-map M rule 1 action", "banana", false},
		{"protocols static interface-route 0.0.0.0/0 next-hop-interface", "dp0s1", true},
		{"system host-name", "r1", true},
		{"system host-name", "-r1", false},
		{"nosuch path", "anything", true},
		{"interfaces ethernet eth0", "x", true}, // a tag value takes no value to check
	}
	for _, c := range cases {
		err := Validate(strings.Fields(c.path), c.value)
		if (err == nil) != c.ok {
			t.Errorf("Validate(%q, %q) = %v, want ok=%v", c.path, c.value, err, c.ok)
		}
		var ve *ValueError
		if err != nil && !errors.As(err, &ve) {
			t.Errorf("Validate(%q, %q): %T is not a *ValueError", c.path, c.value, err)
		}
	}
}

func TestValueErrorText(t *testing.T) {
	err := Validate(strings.Fields("interfaces ethernet eth1 address"), "192.168.1/30")
	want := "[ interfaces ethernet eth1 address 192.168.1/30 ] Error: 192.168.1/30 is not "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want it to start with %q", err, want)
	}
	err = Validate(strings.Fields("protocols static route 0.0.0.0/0 next-hop"), "banana")
	if err == nil || !strings.HasSuffix(err.Error(), "banana is not a valid IPv4 address") {
		t.Errorf("next-hop banana: %v", err)
	}
	err = Validate(strings.Fields("interfaces ethernet eth0 mtu"), "abc")
	if err == nil || !strings.Contains(err.Error(), "MTU must be between 68 and 16000") {
		t.Errorf("mtu abc: %v (want the schema's constraint error message)", err)
	}
}

func TestValueErrorMasksSecrets(t *testing.T) {
	err := Validate(strings.Fields("system login user vyatta authentication encrypted-password"), "$6$not-a-hash")
	if err == nil {
		t.Fatal("a malformed hash passes")
	}
	if strings.Contains(err.Error(), "not-a-hash") || !strings.Contains(err.Error(), "********") {
		t.Errorf("the secret reaches the message: %v", err)
	}
}

func TestUnchecked(t *testing.T) {
	// A lookaround regex (RE2 lacks it) passes and is listed.
	p := strings.Fields("service dns forwarding authoritative-domain")
	if u := Unchecked(p); len(u) == 0 {
		t.Errorf("Unchecked(%v) = nil, want the lookaround regex", p)
	}
	if err := Validate(p, "-bad-"); err != nil {
		t.Errorf("an unchecked constraint must let the value pass: %v", err)
	}
	if u := Unchecked(strings.Fields("interfaces ethernet eth0 mtu")); u != nil {
		t.Errorf("mtu: unchecked %v", u)
	}
}

func TestNumeric(t *testing.T) {
	cases := []struct {
		args, v string
		ok      bool
	}{
		{"--range 1-10", "1", true},
		{"--range 1-10", "11", false},
		{"--range 1-10", "1.5", false},
		{"--range 1-10 --range 20-30", "25", true},
		{"--range 1-10 --range 20-30", "15", false},
		{"--positive", "0", false},
		{"--positive", "7", true},
		{"--non-negative", "0", true},
		{"--non-negative", "-1", false},
		{"--range 0.1-10 --float", "0.5", true},
		{"--range 0.1-10 --float", "0.05", false},
		{"--allow-range --range 0-63", "10-20", true},
		{"--allow-range --range 0-63", "20-10", false},
		{"--allow-range --range 0-63", "10-64", false},
		{"--relative --", "+5", true},
		{"", "", false},
		{"", "1e3", false},
	}
	for _, c := range cases {
		if got := numeric(c.args, c.v); got != c.ok {
			t.Errorf("numeric(%q, %q) = %v, want %v", c.args, c.v, got, c.ok)
		}
	}
}

func TestAddressValidators(t *testing.T) {
	cases := []struct {
		name, v string
		ok      bool
	}{
		{"ipv4-host", "192.0.2.1/24", true},
		{"ipv4-host", "192.0.2.255/24", false},
		{"ipv4-host", "192.0.2.0/31", true},
		{"ipv4-prefix", "10.0.0.0/8", true},
		{"ipv4-prefix", "10.0.0.1/8", false},
		{"ipv6-host", "2001:db8::1/64", true},
		{"ipv6-prefix", "2001:db8::/32", true},
		{"ip-address", "::1", true},
		{"ipv6-address", "fe80::1%eth0", false},
		{"ipv4-address", "192.0.2.01", false},
		{"ipv6-address", "::ffff:192.0.2.1", true},
		{"ip-address", "192.0.2.1/24", false},
		{"ipv4-range", "192.0.2.1-192.0.2.9", true},
		{"ipv4-range", "192.0.2.9-192.0.2.1", false},
		{"fqdn", "vyos.io", true},
		{"fqdn", "-bad.example", false},
		{"port-range", "1-65535", true},
		{"port-range", "0", false},
		{"vrf-name", "RED", true},
		{"vrf-name", "eth0", false},
		{"bgp-rd-rt", "65000:1", true},
		{"bgp-rd-rt", "192.0.2.1:1", true},
		{"bgp-rd-rt", "x:1", false},
	}
	for _, c := range cases {
		ok, known := check("@"+c.name, c.v)
		if !known || ok != c.ok {
			t.Errorf("%s %q: ok=%v known=%v, want ok=%v", c.name, c.v, ok, known, c.ok)
		}
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("interfaces ethernet eth0 mtu", "1500")
	f.Add("protocols static route", "192.0.2.0/24")
	f.Add("firewall ipv4 name X rule 10 destination port", "22,80-90")
	f.Add("security firewall name X rule", "10")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, path, value string) {
		p := strings.Fields(path)
		err := Validate(p, value)
		if err != nil {
			_ = err.Error()
		}
		_ = Lookup(p)
		_ = Children(p)
		_ = Unchecked(p)
		c := Root()
		for _, w := range p {
			c = c.Step(w)
		}
		if c.Info() != Lookup(p) {
			t.Fatalf("Cursor and Lookup disagree on %q", path)
		}
	})
}

// TestUncheckedCounts counts the constraints of vyos.txt that Validate lets
// pass unchecked, by validator, and fails when a validator used by many
// nodes is not implemented (only those that need the device may be left:
// file-path, script).
func TestUncheckedCounts(t *testing.T) {
	s := load()
	byName := map[string]int{}
	nodes := 0
	for i := range s.vy.nodes {
		hit := false
		for rest := s.vy.fields(int32(i)); rest != ""; {
			var f string
			f, rest, _ = strings.Cut(rest, "\t")
			if f == "" || f[0] != '~' && f[0] != '@' || checkable(f) {
				continue
			}
			hit = true
			if f[0] == '~' {
				byName["(regex not RE2)"]++
			} else {
				name, _, _ := strings.Cut(f[1:], " ")
				byName[name]++
			}
		}
		if hit {
			nodes++
		}
	}
	t.Logf("%d of %d nodes have a constraint Validate lets pass unchecked: %v", nodes, len(s.vy.nodes), byName)
	for name, n := range byName {
		if n >= 30 && name != "file-path" && name != "script" {
			t.Errorf("validator %s is used by %d nodes and is not implemented", name, n)
		}
	}
}
