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
		"a\n  ---- More ----\n",
		"a\n\t---- More ----\n",
		"a\n          x ---- More ----\n",
		"a\nConnection to r1 closed.\n",
		"a\nLast login: Mon Nov 30 from 10.0.0.1\n",
		"a\nInfo: The max number of VTY users is 10\n",
		"a\nError: a b c\n",
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

// TestCaptureGateMessages checks that the gate looks for every session
// message strip knows.
func TestCaptureGateMessages(t *testing.T) {
	for _, m := range append(sessionMessages, "logout") {
		if !mayHoldCapture("a\n" + m + "x y z\n") {
			t.Errorf("the gate rules out a line starting %q", m)
		}
	}
}
