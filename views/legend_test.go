package views

import (
	"testing"

	"github.com/hasync/hasync/backend/diff"
)

// TestLegendOneSource (review): the console's legend says what hasync
// diff's header says: backend/diff's wordings, one source.
func TestLegendOneSource(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		v := newTestView(t, Theme{NoColor: true, ASCII: ascii}, 300, 24)
		d := diff.UnicodeGlyphs
		if ascii {
			d = diff.ASCIIGlyphs
		}
		want := d.ChangeLegend()[0] + legendGap + d.ScopeLegend()[0]
		if got := v.legendLine(300, false); got != want {
			t.Errorf("ascii=%v: the console's legend\n %q\nhasync diff's words\n %q", ascii, got, want)
		}
	}
}
