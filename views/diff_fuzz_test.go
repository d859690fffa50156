package views

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// FuzzDiffKeys drives the Diff tab with any sequence of keys, pastes and
// sizes: no panic, and every frame has its exact shape.
func FuzzDiffKeys(f *testing.F) {
	f.Add([]byte("nn\rjjjf/se\x7f4\r\x1bl"), uint8(80), uint8(24))
	f.Add([]byte("GkN\rff\r\x1b/zz\rnN"), uint8(40), uint8(10))
	f.Add([]byte("\x00\x01\x02\x03hhll\r"), uint8(200), uint8(50))
	keys := []string{"j", "k", "n", "N", "f", "enter", "esc", "/", "h", "l", "g", "G", "pgdown", "ctrl+d", "ctrl+u", "space", "backspace"}
	d := testData(f)
	h := hrpData(f)
	f.Fuzz(func(t *testing.T, in []byte, w0, h0 uint8) {
		v := NewDiffView(NewStyles(Theme{Dark: w0%2 == 0, ASCII: h0%2 == 0}))
		if len(in) > 0 && in[0]%2 == 1 {
			v.SetData(h)
		} else {
			v.SetData(d)
		}
		w, ht := 40+int(w0)%161, 10+int(h0)%51
		v.SetSize(w, ht)
		for i, c := range in {
			switch {
			case c < 0x08:
				w, ht = 40+int(c)*23%161, 10+int(in[(i+1)%len(in)])%51
				v.SetSize(w, ht)
			case c == 0x08:
				v.Update(tea.PasteMsg{Content: string(in[i:min(len(in), i+8)])})
			case c >= 0x80:
				v.Update(keyMsg(keys[int(c)%len(keys)]))
			default:
				v.Update(tea.KeyPressMsg{Code: rune(c), Text: string(rune(c))})
			}
			checkDiffFrame(t, v.View(), w, ht)
		}
	})
}
