package xmlgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates the files of a small interface-definitions tree.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGenerate(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.xml.in": `<?xml version="1.0"?>
<interfaceDefinition>
  <node name="interfaces">
    <properties><help>Network interfaces</help></properties>
    <children>
      <tagNode name="ethernet" owner="${vyos_conf_scripts_dir}/x.py">
        <properties>
          <help>Ethernet</help>
          <constraint><regex>eth[0-9]+</regex></constraint>
          <constraintErrorMessage>Invalid name</constraintErrorMessage>
        </properties>
        <children>
          #include <include/addr.xml.i>
        </children>
      </tagNode>
    </children>
  </node>
  <syntaxVersion component='x' version='1'></syntaxVersion>
</interfaceDefinition>
`,
		"b.xml.in": `<?xml version="1.0"?>
<interfaceDefinition>
  <node name="interfaces">
    <children>
      <tagNode name="dummy">
        <properties>
          <help>Dummy</help>
          <constraint><regex>(?!x)dum[0-9]+</regex></constraint>
        </properties>
        <children>
          #include <include/addr.xml.i>
        </children>
      </tagNode>
    </children>
  </node>
</interfaceDefinition>
`,
		"include/addr.xml.i": `<!-- include start -->
<leafNode name="address">
  <properties>
    <help>IP address</help>
    <help>second help is ignored</help>
    <constraint>
      <validator name="ipv4-host"/>
      <validator name="numeric" argument="--range 1-10"/>
      <regex>(dhcp|dhcpv6)</regex>
    </constraint>
    <multi/>
  </properties>
</leafNode>
#include <include/disable.xml.i>
<!-- include end -->
`,
		"include/disable.xml.i": `<leafNode name="disable"><properties><help>Disable   the
  interface</help><valueless/></properties></leafNode>
`,
	})
	table, st, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Header + "interfaces\tN\t?Network interfaces\n" +
		" dummy\tT\t~(?!x)dum[0-9]+\t?Dummy\n" +
		"  address\tLm\t@ipv4-host\t@numeric --range 1-10\t~(dhcp|dhcpv6)\t?IP address\n" +
		"  disable\tLv\t?Disable the interface\n" +
		" ethernet\tT\t~eth[0-9]+\t!Invalid name\t?Ethernet\n" +
		"  address\tLm\t@ipv4-host\t@numeric --range 1-10\t~(dhcp|dhcpv6)\t?IP address\n" +
		"  disable\tLv\t?Disable the interface\n"
	if string(table) != want {
		t.Errorf("table:\n%s\nwant:\n%s", table, want)
	}
	if st.Files != 2 || st.Includes != 4 || st.Nodes != 7 || st.Tags != 2 || st.Leaves != 4 ||
		st.Multi != 2 || st.Valueless != 2 || st.Merged != 1 || st.Regexes != 4 || len(st.BadRegexes) != 1 ||
		st.Validators["numeric"] != 2 || st.Validators["ipv4-host"] != 2 {
		t.Errorf("counts: %+v", st)
	}
	if !strings.Contains(st.BadRegexes[0], "interfaces dummy") {
		t.Errorf("bad regex without its path: %v", st.BadRegexes)
	}
}

func TestGenerateErrors(t *testing.T) {
	cases := map[string]map[string]string{
		"include cycle": {
			"a.xml.in":        "<interfaceDefinition>\n#include <include/x.xml.i>\n</interfaceDefinition>\n",
			"include/x.xml.i": "#include <include/x.xml.i>\n",
		},
		"missing include": {
			"a.xml.in": "<interfaceDefinition>\n#include <include/none.xml.i>\n</interfaceDefinition>\n",
		},
		"leaf with children": {
			"a.xml.in": `<interfaceDefinition><leafNode name="x"><children><leafNode name="y"/></children></leafNode></interfaceDefinition>`,
		},
		"bad XML": {
			"a.xml.in": "<interfaceDefinition><node name=\"x\"></interfaceDefinition>",
		},
		"no files": {"README": "x"},
	}
	for name, files := range cases {
		if _, _, err := Generate(writeTree(t, files)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestConflictCounted(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.xml.in": `<interfaceDefinition><node name="s"><children><leafNode name="x"><properties><multi/></properties></leafNode></children></node></interfaceDefinition>`,
		"b.xml.in": `<interfaceDefinition><node name="s"><children><leafNode name="x"><properties/></leafNode></children></node></interfaceDefinition>`,
	})
	_, st, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Conflicts) != 1 {
		t.Errorf("conflicts %v, want one", st.Conflicts)
	}
}

// A definition without <properties> (one that only sets a <defaultValue>)
// neither conflicts with the full one nor hides its flags, whichever file
// comes first.
func TestDefaultOnlyDefinition(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.xml.in": `<interfaceDefinition><node name="s"><children><leafNode name="x"><defaultValue>1</defaultValue></leafNode></children></node></interfaceDefinition>`,
		"b.xml.in": `<interfaceDefinition><node name="s"><children><leafNode name="x"><properties><help>X</help><multi/></properties></leafNode></children></node></interfaceDefinition>`,
	})
	table, st, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Conflicts) != 0 || !strings.Contains(string(table), " x\tLm\t?X\n") {
		t.Errorf("conflicts %v, table:\n%s", st.Conflicts, table)
	}
}
