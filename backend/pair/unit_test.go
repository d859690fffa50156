package pair

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/sshclient"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want Reason
	}{
		{nil, ReasonNone},
		{fmt.Errorf("vra-b: %w", &sshclient.HostKeyError{}), ReasonHostKey},
		{fmt.Errorf("vra-b: %w", sshclient.ErrUnknownHost), ReasonUnknownHost},
		{fmt.Errorf("vra-b: %w", &sshclient.AuthError{Err: errors.New("x")}), ReasonAuth},
		{fmt.Errorf("vra-b: %w", inventory.ErrNoPassword), ReasonCredentials},
		{fmt.Errorf("vra-b: %w", sshclient.ErrNegotiation), ReasonNegotiation},
		{fmt.Errorf("vra-b: %w", sshclient.ErrUnreachable), ReasonUnreachable},
		{fmt.Errorf("vra-b: %w", sshclient.ErrConnectionLost), ReasonLost},
		{fmt.Errorf("vra-b: %w", device.ErrConnectionLost), ReasonLost},
		{fmt.Errorf("vra-b: %w", device.ErrClosed), ReasonLost},
		{fmt.Errorf("vra-b: %w", sshclient.ErrTimeout), ReasonTimeout},
		{fmt.Errorf("vra-b: %w", device.ErrTimeout), ReasonTimeout},
		{context.DeadlineExceeded, ReasonTimeout},
		{&device.RejectedError{Device: "FW-B", Command: "x", Text: "Error: y"}, ReasonRejected},
		{&device.QuestionError{Device: "FW-B", Question: "?"}, ReasonQuestion},
		{context.Canceled, ReasonCanceled},
		{errors.New("parse"), ReasonOther},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if connectionBroken(&device.RejectedError{}) || !connectionBroken(device.ErrTimeout) {
		t.Error("connectionBroken: a refusal keeps the connection, a timeout does not")
	}
}

// TestBackoff: doubling from Min, capped at Max, each delay within a fifth
// of its step.
func TestBackoff(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	steps := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, step := range steps {
		step *= time.Millisecond
		for range 200 {
			d := b.Delay(i + 1)
			if d < step-step/5 || d > step+step/5 {
				t.Fatalf("Delay(%d) = %v, want %v ± 20%%", i+1, d, step)
			}
		}
	}
	if d := b.Delay(1000); d > b.Max+b.Max/5 {
		t.Errorf("Delay(1000) = %v: not capped", d)
	}
	if d := (Backoff{}).Delay(1); d < DefaultBackoff.Min*4/5 {
		t.Errorf("zero Backoff: %v", d)
	}
}

// TestPromptOnce: a typed password is asked once and kept for the next
// dials; a refused one is asked again.
func TestPromptOnce(t *testing.T) {
	asked := 0
	spec := &inventory.Pair{Name: "p", Devices: [2]*inventory.Device{
		{Name: "a", Credentials: inventory.Credentials{PasswordPrompt: true}},
		{Name: "b", Credentials: inventory.Credentials{PasswordEnv: "HASYNC_TEST_UNSET_PW", PasswordPrompt: true}},
	}}
	p := New(spec, Options{Prompt: func(who string) (string, error) { asked++; return "typed-" + who, nil }})
	defer p.Close()
	m := p.members[0]
	for range 3 {
		if pw, err := m.password(); err != nil || pw != "typed-a" {
			t.Fatalf("%q, %v", pw, err)
		}
	}
	if asked != 1 {
		t.Errorf("asked %d times", asked)
	}
	m.forgetTyped()
	m.password()
	if asked != 2 {
		t.Errorf("asked %d times after a refusal", asked)
	}
	t.Setenv("HASYNC_TEST_UNSET_PW", "from-env")
	if pw, _ := p.members[1].password(); pw != "from-env" || asked != 2 {
		t.Errorf("the variable wins over the prompt: %q, asked %d", pw, asked)
	}
}
