package diff

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hasync/hasync/backend/config"
)

// TestWritersMaskOneSidedSecrets: a secret only on one side is still a
// change, and no writer prints its value when masking.
func TestWritersMaskOneSidedSecrets(t *testing.T) {
	a := dfTree(config.Vyatta, "a", dfNode("user", dfSecret("password", "$6$topsecret"), dfLeaf("level", "admin")))
	b := dfTree(config.Vyatta, "b", dfNode("user", dfLeaf("level", "admin")), dfNode("new", dfSecret("key", "$6$other")))
	o := Options{MaskSecrets: true}
	cs := Trees(a, b, o)
	if len(cs) != 2 {
		t.Fatalf("changes %q", dfSummary(cs))
	}
	var out bytes.Buffer
	if err := WriteUnified(&out, a, b, cs, o); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&out, cs, o); err != nil {
		t.Fatal(err)
	}
	if err := WriteSide(&out, Rows(a, b, RowOptions{Options: o}), 80); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "$6$") || !strings.Contains(s, config.Mask) {
		t.Errorf("secret printed or mask missing:\n%s", s)
	}
	// Without masking the values are there: the test above can fail.
	out.Reset()
	if err := WriteJSON(&out, Trees(a, b, Options{}), Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "$6$topsecret") {
		t.Errorf("unmasked JSON lacks the value:\n%s", out.String())
	}
	var decoded []map[string]any
	if err := json.Unmarshal(out.Bytes(), &decoded); err != nil || len(decoded) != 2 {
		t.Fatalf("JSON does not decode to 2 objects: %v\n%s", err, out.String())
	}
	if decoded[0]["kind"] != "removed" || decoded[0]["right"] != nil {
		t.Errorf("first object %v", decoded[0])
	}
}
