package synth

import (
	"bytes"
	"fmt"
	"math/rand"
)

// drift decides, per rule, what the target does with it.
type drift int

const (
	same drift = iota
	changed
	missing
	extra
)

func pick(r *rand.Rand) drift {
	switch n := r.Intn(300); {
	case n == 0:
		return changed
	case n == 1:
		return missing
	case n == 2:
		return extra
	}
	return same
}

// VyattaPair returns two curly-brace configurations of about lines lines
// each: interfaces, firewall groups and rulesets, NAT, and a drift of about
// one percent of the rules (changed values, rules missing on the target,
// rules only on the target).
func VyattaPair(lines int, seed int64) (source, target []byte) {
	r := rand.New(rand.NewSource(seed))
	var a, b bytes.Buffer
	both := func(format string, args ...any) {
		fmt.Fprintf(&a, format, args...)
		fmt.Fprintf(&b, format, args...)
	}
	// About 12 lines a rule; a fifth of the budget for groups and interfaces.
	rules := max(lines*4/5/12, 4)
	sets := max(rules/50, 1)
	ifaces := max(lines/5/2/12, 1)

	both("firewall {\n    all-ping enable\n    group {\n")
	for g := 1; g <= ifaces; g++ {
		both("        address-group SERVERS-%d {\n", g)
		both("            address 10.%d.%d.10\n            address 10.%d.%d.11\n", g/250, g%250, g/250, g%250)
		both("            description \"servers of segment %d\"\n        }\n", g)
	}
	both("    }\n")
	rule := 0
	for s := 1; s <= sets; s++ {
		both("    name RS-%d {\n        default-action drop\n", s)
		for i := 1; i <= rules/sets; i++ {
			rule++
			d := pick(r)
			port := 1000 + rule%60000
			body := func(w *bytes.Buffer, p int, act string) {
				fmt.Fprintf(w, "        rule %d {\n            action %s\n", i*10, act)
				fmt.Fprintf(w, "            description \"allow service %d\"\n", rule)
				fmt.Fprintf(w, "            destination {\n                address 10.%d.%d.0/24\n                port %d\n            }\n", rule/250%250, rule%250, p)
				fmt.Fprintf(w, "            protocol tcp\n            state {\n                new enable\n            }\n        }\n")
			}
			switch d {
			case same:
				body(&a, port, "accept")
				body(&b, port, "accept")
			case changed:
				body(&a, port, "accept")
				body(&b, port+1, "drop")
			case missing:
				body(&a, port, "accept")
			case extra:
				body(&b, port, "accept")
			}
		}
		both("    }\n")
	}
	both("}\ninterfaces {\n")
	for i := 0; i < ifaces; i++ {
		both("    ethernet eth%d {\n", i)
		fmt.Fprintf(&a, "        address 192.168.%d.%d/24\n", i/250, i%250+1)
		fmt.Fprintf(&b, "        address 192.168.%d.%d/24\n", i/250, i%250+2)
		both("        description \"segment %d\"\n        duplex auto\n        speed auto\n", i)
		both("        vrrp {\n            vrrp-group %d {\n                virtual-address 192.168.%d.254/24\n            }\n        }\n    }\n", i%250+1, i/250)
	}
	both("    loopback lo {\n    }\n}\nsystem {\n")
	fmt.Fprintf(&a, "    host-name vra-a\n")
	fmt.Fprintf(&b, "    host-name vra-b\n")
	both("}\n/* Warning: Do not remove the following line. */\n/* === vyatta-config-version: \"firewall@5:nat@4:system@9:vrrp@2\" === */\n")
	return a.Bytes(), b.Bytes()
}

// VRPPair returns two Huawei `display current-configuration` texts of about
// lines lines each: address-sets, security-policy rules (one moved on the
// target), static routes, and a drift of about one percent.
func VRPPair(lines int, seed int64) (source, target []byte) {
	r := rand.New(rand.NewSource(seed))
	var a, b bytes.Buffer
	both := func(format string, args ...any) {
		fmt.Fprintf(&a, format, args...)
		fmt.Fprintf(&b, format, args...)
	}
	both("!Software Version V600R007C20SPC600\n#\n")
	fmt.Fprintf(&a, "sysname FW-A\n")
	fmt.Fprintf(&b, "sysname FW-B\n")
	both("#\n hrp enable\n hrp mirror session enable\n#\n")
	rules := max(lines*4/5/8, 4)
	sets := max(lines/5/5, 1)
	for s := 0; s < sets; s++ {
		both("ip address-set AS_%d type object\n address 0 10.%d.%d.0 mask 24\n address 1 10.%d.%d.128 mask 25\n#\n", s, s/250%250, s%250, s/250%250, s%250)
	}
	both("security-policy\n")
	var moved bytes.Buffer
	for i := 0; i < rules; i++ {
		d := pick(r)
		rule := func(w *bytes.Buffer, act string) {
			fmt.Fprintf(w, " rule name r_%d\n  source-zone trust\n  destination-zone untrust\n", i)
			fmt.Fprintf(w, "  destination-address address-set AS_%d\n  service https\n  action %s\n", i%sets, act)
		}
		switch {
		case i == rules/2:
			rule(&a, "permit")
			rule(&moved, "permit") // the target has this one at the end
		case d == same:
			rule(&a, "permit")
			rule(&b, "permit")
		case d == changed:
			rule(&a, "permit")
			rule(&b, "deny")
		case d == missing:
			rule(&a, "permit")
		case d == extra:
			rule(&b, "permit")
		}
	}
	b.Write(moved.Bytes())
	both("#\nreturn\n")
	return a.Bytes(), b.Bytes()
}
