package views

import (
	"testing"
	"time"
)

// ]e ]e [e walks to the second error and back to the first: one step
// each way (the console once took a step forward before each step back).
func TestLogWalkErrorBack(t *testing.T) {
	l := NewLog()
	var batch []LogEntry
	for i := range 30 {
		batch = append(batch, LogEntry{At: time.Unix(int64(i), 0), Device: "vra-b", Kind: "lost", Text: "line", Err: i%10 == 5})
	}
	l.Append(batch)
	l.SetSize(80, 10)
	l.Home()
	steps := []struct {
		back bool
		want int
	}{{false, 5}, {false, 15}, {false, 25}, {true, 15}, {true, 5}, {true, 5}}
	for i, s := range steps {
		if !l.WalkError(s.back) {
			t.Fatalf("step %d: no error to walk to", i)
		}
		if got := l.Selected(); got != s.want {
			t.Errorf("step %d (back %v): selected entry %d, want %d", i, s.back, got, s.want)
		}
	}
}
