package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hasync/hasync/internal/golden"
	"github.com/hasync/hasync/internal/testcorpus"
)

func vrpParse(t testing.TB, src string) *Tree {
	t.Helper()
	tr, err := ParseVRP("test.cfg", []byte(src))
	if err != nil {
		t.Fatalf("ParseVRP: %v", err)
	}
	return tr
}

func vrpPrint(t testing.TB, tr *Tree, o PrintOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteVRP(&b, tr, o); err != nil {
		t.Fatalf("WriteVRP: %v", err)
	}
	return b.String()
}

// vrpRoundTrip checks parse → print → parse gives an Equal tree and that
// printing is a fixed point; it returns the first printing.
func vrpRoundTrip(t testing.TB, name string, tr *Tree) string {
	t.Helper()
	out := vrpPrint(t, tr, PrintOptions{})
	back, err := ParseVRP(name+" (printed)", []byte(out))
	if err != nil {
		t.Fatalf("%s: reparse of printed text: %v\n%s", name, err, out)
	}
	if !Equal(tr.Root, back.Root) {
		t.Fatalf("%s: printed tree differs from parsed tree\n%s", name, out)
	}
	if !slices.Equal(tr.Meta, back.Meta) {
		t.Fatalf("%s: Meta %q, after printing %q", name, tr.Meta, back.Meta)
	}
	if again := vrpPrint(t, back, PrintOptions{}); again != out {
		t.Fatalf("%s: printing is not a fixed point\nfirst:\n%s\nsecond:\n%s", name, out, again)
	}
	return out
}

func TestVRPCorpusRoundTrip(t *testing.T) {
	files := testcorpus.Files(t, "huawei")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".diff") {
			continue // NAPALM compare output, not a configuration
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := ParseVRP(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Family != Huawei {
				t.Errorf("Family = %v, want huawei", tr.Family)
			}
			if len(tr.Root.Children) == 0 {
				t.Fatal("no nodes parsed")
			}
			vrpRoundTrip(t, f, tr)
		})
	}
	if n < 15 {
		t.Errorf("only %d corpus configurations found under huawei", n)
	}
}

func vrpGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "vrp", name), got)
}

func TestVRPGoldenUSG(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "huawei", "constructed", "usg6000-dc1-a.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ParseVRP("usg6000-dc1-a.cfg", src)
	if err != nil {
		t.Fatal(err)
	}
	plain := vrpRoundTrip(t, "usg6000-dc1-a.cfg", tr)
	vrpGolden(t, "usg6000-dc1-a.golden", plain)
	vrpGolden(t, "usg6000-dc1-a.masked.golden", vrpPrint(t, tr, PrintOptions{MaskSecrets: true}))
	// The device's own text is already canonical.
	if strings.TrimSpace(plain) != strings.TrimSpace(string(src)) {
		t.Errorf("printing the device text changed it:\n%s", plain)
	}
}

func TestVRPGoldenFeatures(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "vrp", "features.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ParseVRP("features.cfg", src)
	if err != nil {
		t.Fatal(err)
	}
	vrpGolden(t, "features.golden", vrpRoundTrip(t, "features.cfg", tr))
	vrpGolden(t, "features.masked.golden", vrpPrint(t, tr, PrintOptions{MaskSecrets: true}))

	wantMeta := []string{"2026-01-02 03:04:05.678", "!Software Version V600R007C20SPC600"}
	if !slices.Equal(tr.Meta, wantMeta) {
		t.Errorf("Meta = %q, want %q", tr.Meta, wantMeta)
	}
	for _, tc := range []struct {
		path   Path
		values []string
		leaf   bool
	}{
		{Path{"sysname"}, []string{"FW-LAB"}, false},
		{Path{"hrp enable"}, nil, true},
		{Path{"hrp interface"}, []string{"GigabitEthernet0/0/7 remote 10.255.0.2"}, true},
		{Path{"undo telnet server enable"}, nil, true},
		{Path{`isp name "china mobile"`, "description"}, []string{`carrier "CM" link`}, false},
		{Path{"interface GigabitEthernet0/0/1", "undo shutdown"}, nil, false},
		{Path{"interface GigabitEthernet0/0/1", "ip address"}, []string{"10.0.0.1 255.255.255.0", "10.0.1.1 255.255.255.0 sub"}, false},
		{Path{"aaa", "domain default", "service-type"}, []string{"internetaccess"}, false},
		{Path{"aaa", `manager-user "ops team"`, "level"}, []string{"15"}, false},
		{Path{"security-policy", "rule name multi", "source-zone"}, []string{"trust", "dmz"}, false},
		{Path{"security-policy", "rule name multi", "service"}, []string{"http", "https"}, false},
		{Path{"header login"}, []string{"information \"%\nAuthorised users only\n%\""}, true},
		{Path{"ip route-static 0.0.0.0 0.0.0.0 10.0.0.254"}, []string{"preference 70 description default"}, false},
	} {
		n := tr.Root.Lookup(tc.path)
		if n == nil {
			t.Errorf("%q: not found", tc.path)
			continue
		}
		if !slices.Equal(n.Values, tc.values) {
			t.Errorf("%q: Values = %q, want %q", tc.path, n.Values, tc.values)
		}
		if len(tc.path) == 1 && n.Leaf != tc.leaf {
			t.Errorf("%q: Leaf = %v, want %v", tc.path, n.Leaf, tc.leaf)
		}
	}
	// The indented `#` inside aaa closes a sub-block, not aaa.
	if got := len(tr.Root.Child("aaa").Children); got != 3 {
		t.Errorf("aaa has %d children, want 3", got)
	}
}

func TestVRPIdentity(t *testing.T) {
	a := vrpParse(t, "security-policy\n rule name a\n  action permit\n rule name b\n  action deny\n")
	b := vrpParse(t, "security-policy\n rule name a\n  action deny\n rule name b\n  action deny\n")
	sp := a.Root.Child("security-policy")
	if sp == nil || !sp.Ordered {
		t.Fatalf("security-policy missing or not Ordered: %+v", sp)
	}
	if len(sp.Children) != 2 || sp.Children[0].Name != "rule name a" || sp.Children[1].Name != "rule name b" {
		t.Fatalf("rules = %v, want two nodes named by their whole line", vrpNames(sp.Children))
	}
	pa := a.Root.Lookup(Path{"security-policy", "rule name a", "action"})
	pb := b.Root.Lookup(Path{"security-policy", "rule name a", "action"})
	if pa == nil || pb == nil {
		t.Fatal("action of rule a not found by the same path in both trees")
	}
	if !slices.Equal(pa.Values, []string{"permit"}) || !slices.Equal(pb.Values, []string{"deny"}) {
		t.Errorf("action values = %q and %q, want permit and deny", pa.Values, pb.Values)
	}
	if Equal(a.Root, b.Root) {
		t.Error("trees with a different action compare Equal")
	}

	// Order of rules matters in security-policy, not elsewhere.
	swapped := vrpParse(t, "security-policy\n rule name b\n  action deny\n rule name a\n  action permit\n")
	if Equal(a.Root, swapped.Root) {
		t.Error("security-policy with rules swapped compares Equal")
	}
	i1 := vrpParse(t, "interface X\n description d\n undo shutdown\n")
	i2 := vrpParse(t, "interface X\n undo shutdown\n description d\n")
	if !Equal(i1.Root, i2.Root) {
		t.Error("interface with commands in another order compares different")
	}
	if n := vrpParse(t, "nat-policy\n rule name x\n").Root.Child("nat-policy"); n == nil || !n.Ordered {
		t.Error("nat-policy is not Ordered")
	}
}

func vrpNames(ns []*Node) []string {
	var s []string
	for _, n := range ns {
		s = append(s, n.Name)
	}
	return s
}

func TestVRPKeys(t *testing.T) {
	for _, tc := range []struct {
		parent, line string
		name         string
		values       []string
	}{
		{"", "sysname FW-A", "sysname", []string{"FW-A"}},
		{"interface Eth-Trunk1", "ip address 10.0.0.1 255.255.255.0", "ip address", []string{"10.0.0.1 255.255.255.0"}},
		{"interface Eth-Trunk1", "description to core", "description", []string{"to core"}},
		{"interface Eth-Trunk1", "undo shutdown", "undo shutdown", nil},
		{"interface Eth-Trunk1", "vrrp vrid 10 virtual-ip 10.0.0.254 active", "vrrp vrid 10 virtual-ip", []string{"10.0.0.254 active"}},
		{"firewall zone trust", "set priority 85", "set priority", []string{"85"}},
		{"ip address-set A type object", "address 0 10.20.0.53 mask 32", "address 0", []string{"10.20.0.53 mask 32"}},
		{"ip service-set S type object", "service 0 protocol tcp destination-port 8443", "service 0", []string{"protocol tcp destination-port 8443"}},
		{"security-policy\n rule name r", "service dns", "service", []string{"dns"}},
		{"aaa\n manager-user admin", "password cipher %@%@abc%@%@", "password", []string{"cipher %@%@abc%@%@"}},
		{"aaa\n manager-user admin", "level 15", "level", []string{"15"}},
		{"", "hrp interface Eth-Trunk10 remote 172.31.255.2", "hrp interface", []string{"Eth-Trunk10 remote 172.31.255.2"}},
		{"", "ip route-static 10.0.0.0 255.0.0.0 10.1.1.1", "ip route-static 10.0.0.0 255.0.0.0 10.1.1.1", nil},
		{"", "ip route-static 10.0.0.0 255.0.0.0 10.1.1.1 preference 70", "ip route-static 10.0.0.0 255.0.0.0 10.1.1.1", []string{"preference 70"}},
		{"acl number 3000", "rule 5 permit ip source 10.0.0.0 0.255.255.255", "rule 5", []string{"permit ip source 10.0.0.0 0.255.255.255"}},
		{"bgp 65001", "peer 10.0.0.2 as-number 65002", "peer 10.0.0.2 as-number", []string{"65002"}},
		{"bgp 65001", "peer 10.0.0.2 password cipher $c$3$abc", "peer 10.0.0.2 password", []string{"cipher $c$3$abc"}},
		// A secret shortens any key, so ciphertext never becomes identity.
		{"", "snmp-agent community read cipher %^%#xyz%^%# acl 2000", "snmp-agent community read", []string{"cipher %^%#xyz%^%# acl 2000"}},
		{"", `isp name "china mobile"`, `isp name "china mobile"`, nil},
		{"", `local-user "a b" password irreversible-cipher x`, `local-user "a b" password`, []string{"irreversible-cipher x"}},
		// Context decides: `action` outside a rule is not keyed.
		{"", "action permit", "action permit", nil},
	} {
		src := tc.line + "\n"
		path := Path{tc.line}
		if tc.parent != "" {
			// Indent the line one level below the last parent line.
			lines := strings.Split(tc.parent, "\n")
			depth := len(lines)
			src = tc.parent + "\n" + strings.Repeat(" ", depth) + tc.line + "\n"
			path = nil
			for _, l := range lines {
				path = append(path, strings.TrimSpace(l))
			}
		}
		tr := vrpParse(t, src)
		var parent *Node
		if tc.parent == "" {
			parent = tr.Root
		} else {
			parent = tr.Root.Lookup(path)
		}
		if parent == nil || len(parent.Children) != 1 {
			t.Errorf("%q: parent %q not found or not holding one child", tc.line, path)
			continue
		}
		n := parent.Children[0]
		if n.Name != tc.name || !slices.Equal(n.Values, tc.values) {
			t.Errorf("%q under %q: got %q %q, want %q %q", tc.line, tc.parent, n.Name, n.Values, tc.name, tc.values)
		}
	}
}

func TestVRPStructure(t *testing.T) {
	src := `#
 hrp enable
 hrp mirror session enable
#
interface G0
 description a
 description b
#
bgp 1
 peer 1.1.1.1 as-number 2
 #
 ipv4-family unicast
  peer 1.1.1.1 enable
#
rsa peer-public-key k
 public-key-code begin
   3082010A
     0282
 public-key-code end
 peer-public-key end
#
# a comment
 ntp-service enable
#
return
`
	tr := vrpParse(t, src)
	got := vrpNames(tr.Root.Children)
	want := []string{"hrp enable", "hrp mirror session enable", "interface G0", "bgp 1", "rsa peer-public-key k", "ntp-service enable"}
	if !slices.Equal(got, want) {
		t.Fatalf("top level = %q, want %q", got, want)
	}
	if d := tr.Root.Lookup(Path{"interface G0", "description"}); d == nil || !slices.Equal(d.Values, []string{"a", "b"}) {
		t.Errorf("repeated description: %+v", d)
	}
	if n := tr.Root.Lookup(Path{"bgp 1", "ipv4-family unicast", "peer 1.1.1.1 enable"}); n == nil {
		t.Error("indented # inside bgp closed bgp")
	}
	key := tr.Root.Lookup(Path{"rsa peer-public-key k", "public-key-code begin"})
	if key == nil || !slices.Equal(key.Values, []string{"   3082010A", "     0282"}) {
		t.Errorf("public-key-code block: %+v", key)
	}
	if n := tr.Root.Lookup(Path{"rsa peer-public-key k", "peer-public-key end"}); n == nil {
		t.Error("line after a public-key-code block lost its parent")
	}
	if c := tr.Root.Child("ntp-service enable").Comment; c != "a comment" {
		t.Errorf("comment = %q", c)
	}
	out := vrpRoundTrip(t, "structure", tr)
	if !strings.Contains(out, " #\n ipv4-family unicast\n") {
		t.Errorf("no indented # before a sub-block:\n%s", out)
	}
}

// A line indented under a keyed line makes it a header named by its whole
// line, also when the key already holds other values.
func TestVRPHeaderPromotion(t *testing.T) {
	tr := vrpParse(t, "bgp 1\n peer 1.1.1.1 description x\n peer 1.1.1.1 description y\n  balance 4\n")
	bgp := tr.Root.Child("bgp 1")
	got := vrpNames(bgp.Children)
	want := []string{"peer 1.1.1.1 description", "peer 1.1.1.1 description y"}
	if !slices.Equal(got, want) {
		t.Fatalf("children = %q, want %q", got, want)
	}
	if v := bgp.Children[0].Values; !slices.Equal(v, []string{"x"}) {
		t.Errorf("values = %q, want [x]", v)
	}
	if bgp.Children[1].Child("balance") == nil && bgp.Children[1].Child("balance 4") == nil {
		t.Error("child of the promoted header lost")
	}
	vrpRoundTrip(t, "promotion", tr)
}

func TestVRPSecrets(t *testing.T) {
	src := "aaa\n manager-user admin\n  password cipher %^%#v3V=Yq0~lJz%^%#\n  level 15\n" +
		"#\n snmp-agent community read cipher %@%@Ab1%@%@ acl 2000\n" +
		"#\nbgp 1\n peer 1.1.1.1 password cipher $c$3$abc==\n" +
		"#\nlocal-user u password hash $h$6$xyz\n"
	tr := vrpParse(t, src)
	for _, p := range []Path{
		{"aaa", "manager-user admin", "password"},
		{"snmp-agent community read"},
		{"bgp 1", "peer 1.1.1.1 password"},
		{"local-user u password"},
	} {
		n := tr.Root.Lookup(p)
		if n == nil || !n.Secret {
			t.Errorf("%q: not found or not Secret: %+v", p, n)
		}
	}
	if n := tr.Root.Lookup(Path{"aaa", "manager-user admin", "level"}); n == nil || n.Secret {
		t.Errorf("level marked Secret: %+v", n)
	}
	masked := vrpPrint(t, tr, PrintOptions{MaskSecrets: true})
	for _, secret := range []string{"v3V=Yq0", "Ab1", "$c$3$abc", "$h$6$xyz"} {
		if strings.Contains(masked, secret) {
			t.Errorf("masked text shows %q:\n%s", secret, masked)
		}
	}
	for _, want := range []string{
		"  password cipher " + Mask + "\n",
		" snmp-agent community read cipher " + Mask + " acl 2000\n",
		" peer 1.1.1.1 password cipher " + Mask + "\n",
		"local-user u password hash " + Mask + "\n",
	} {
		if !strings.Contains(masked, want) {
			t.Errorf("masked text lacks %q:\n%s", want, masked)
		}
	}
	plain := vrpPrint(t, tr, PrintOptions{})
	if !strings.Contains(plain, "%^%#v3V=Yq0~lJz%^%#") {
		t.Errorf("unmasked text lost the ciphertext:\n%s", plain)
	}
}

func TestVRPErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"tab indent", "interface G0\n\tundo shutdown\n",
			"f.cfg:2:1: expected spaces for indentation, found a tab"},
		{"tab after spaces", "interface G0\n \tundo shutdown\n",
			"f.cfg:2:2: expected spaces for indentation, found a tab"},
		{"no header", "#\n     undo shutdown\n",
			"f.cfg:2:1: expected at most 4 space(s) of indentation: no header line above in this # section"},
		{"jump", "interface G0\n description a\n   ip address 1.1.1.1 24\n",
			"f.cfg:3:1: expected at most 1 more space(s) of indentation than the header line 2"},
		{"first step too deep", "interface G0\n      description a\n",
			"f.cfg:2:1: expected an indentation step of 1 to 4 spaces, found 6"},
		{"after return", "sysname a\n#\nreturn\n\nsysname b\n",
			"f.cfg:5:1: expected nothing after return (line 3), found text"},
		{"quote", "#\nisp name \"china mobile\n",
			"f.cfg:2:10: expected a closing \" for the quoted word"},
		{"quote indented", "aaa\n domain \"x\" \"y\n",
			"f.cfg:2:13: expected a closing \" for the quoted word"},
		{"control", "sysname a\x07b\n",
			"f.cfg:1:10: expected printable text, found control character 0x07"},
		{"banner", "header motd %\nhello\n",
			"f.cfg:1:13: expected a closing % to end the banner begun here"},
		{"key block", "rsa peer-public-key k\n public-key-code begin\n  0A0B\n",
			"f.cfg:2:2: expected \"public-key-code end\" to close the block begun here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := ParseVRP("f.cfg", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; tree:\n%s", vrpPrint(t, tr, PrintOptions{}))
			}
			if tr != nil {
				t.Error("a tree came back with the error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %q\nwant %q", err.Error(), tc.want)
			}
		})
	}
}

// vrpGenerate writes a USG-like configuration of about n lines.
func vrpGenerate(n int) []byte {
	var b bytes.Buffer
	b.WriteString("2026-10-14 08:02:51.118\n!Software Version V600R007C20SPC600\n#\nsysname BIG\n#\n hrp enable\n#\n")
	// Each i adds 10 lines of objects and 6 of policy.
	i := 0
	for ; i*16 < n; i++ {
		fmt.Fprintf(&b, "interface GigabitEthernet1/0/%d\n description port %d\n undo shutdown\n ip address 10.%d.%d.1 255.255.255.0\n#\n", i, i, i/256%256, i%256)
		fmt.Fprintf(&b, "ip address-set AS%d type object\n address 0 10.%d.%d.10 mask 32\n address 1 10.%d.%d.11 mask 32\n#\n", i, i/256%256, i%256, i/256%256, i%256)
	}
	b.WriteString("security-policy\n")
	for j := 0; j < i; j++ {
		fmt.Fprintf(&b, " rule name r%d\n  source-zone trust\n  destination-zone untrust\n  destination-address address-set AS%d\n  service https\n  action permit\n", j, j)
	}
	b.WriteString("#\nreturn\n")
	return b.Bytes()
}

func TestVRPGenerated(t *testing.T) {
	src := vrpGenerate(2000)
	tr, err := ParseVRP("gen.cfg", src)
	if err != nil {
		t.Fatal(err)
	}
	vrpRoundTrip(t, "gen.cfg", tr)
	if rules := len(tr.Root.Child("security-policy").Children); rules < 100 {
		t.Errorf("only %d rules", rules)
	}
}

func BenchmarkParseVRP(b *testing.B) {
	src := vrpGenerate(100_000)
	lines := bytes.Count(src, []byte("\n"))
	b.SetBytes(int64(len(src)))
	b.ReportMetric(float64(lines), "lines")
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseVRP("bench.cfg", src); err != nil {
			b.Fatal(err)
		}
	}
}
