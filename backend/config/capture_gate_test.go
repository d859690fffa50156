package config

import "testing"

// FuzzCaptureGate checks the quick test of prepare: a text it rules out
// holds no line that strip would blank.
func FuzzCaptureGate(f *testing.F) {
	for _, s := range []string{
		"firewall {\n}\n/* Warning: Do not remove the following line. */\n/* === vyatta-config-version: \"firewall@5\" === */\n",
		"vyos@r1# show\n[edit]\n",
		"x\n<FW-A>display current-configuration\n",
		"HRP_M[FW-B]\n",
		"a\nWarning: the thing is on fire\n",
		"a\nlogout\n",
		"  ---- More ----\x1b[42D",
		"a b@c\n",
		"a@b:~$ show configuration\n",
		"@x\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if mayHoldCapture(text) {
			return
		}
		p := prepared{text: text}
		p.strip()
		if p.text != text || len(p.notes) > 0 {
			t.Fatalf("gate ruled out %q, strip gives %q %q", text, p.text, p.notes)
		}
	})
}
