package lab

import (
	"fmt"
	"slices"
	"testing"
)

func TestLogHub(t *testing.T) {
	h := NewLogHub(2, 3)
	a, stopA := h.Subscribe()
	b, stopB := h.Subscribe()
	if n := h.Subscribers(); n != 2 {
		t.Fatalf("%d subscribers, want 2", n)
	}
	h.Publish("one")
	stopB()
	stopB() // a second stop is harmless
	if n := h.Subscribers(); n != 1 {
		t.Errorf("%d subscribers after a stop, want 1", n)
	}
	for i := range 4 {
		h.Publish(fmt.Sprint(i)) // a's buffer of 2 fills: the rest is dropped, not blocked on
	}
	var got []string
	for len(a) > 0 {
		got = append(got, <-a)
	}
	if want := []string{"one", "0"}; !slices.Equal(got, want) {
		t.Errorf("subscriber got %q, want %q", got, want)
	}
	if l := <-b; l != "one" || len(b) != 0 {
		t.Errorf("a stopped subscriber got more than the line before its stop: %q, %d more", l, len(b))
	}
	if got, want := h.Recent(), []string{"1", "2", "3"}; !slices.Equal(got, want) {
		t.Errorf("Recent = %q, want %q", got, want)
	}
	stopA()
	none := NewLogHub(1, 0)
	if none.Publish("x"); len(none.Recent()) != 0 {
		t.Error("a hub that keeps nothing kept a line")
	}
}
