package pair

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/device"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/sshclient"
)

// TestDescribe: the words hasync status prints for each reason, refined
// by the error (refused, no route, a session closed by a timeout, a
// configuration that does not parse), and Explain's longer form.
func TestDescribe(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	noRoute := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}
	other := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("i/o error")}
	cases := []struct {
		err           error
		describe, why string
	}{
		{nil, "", ""},
		{fmt.Errorf("ssh x: %w: %w", sshclient.ErrUnreachable, refused), "refused", "unreachable: refused"},
		{fmt.Errorf("ssh x: %w: %w", sshclient.ErrUnreachable, noRoute), "no route", "unreachable: no route"},
		{fmt.Errorf("ssh x: %w: %w", sshclient.ErrUnreachable, other), "unreachable", "unreachable"},
		{fmt.Errorf("ssh x: %w: the server closed the connection before the SSH handshake", sshclient.ErrUnreachable), "refused", "unreachable: refused"},
		{fmt.Errorf("vra-b: %w", &sshclient.AuthError{Err: errors.New("x")}), "auth failed", "auth failed"},
		{fmt.Errorf("vra-b: %w", &sshclient.HostKeyError{}), "host key changed", "host key changed"},
		{fmt.Errorf("vra-b: %w", sshclient.ErrUnknownHost), "unknown host key", "unknown host key"},
		{fmt.Errorf("vra-b: %w", sshclient.ErrNegotiation), "no common algorithm", "no common algorithm"},
		{fmt.Errorf("ssh x: %w", &inventory.NoPasswordError{Device: "vra-b", Env: "HASYNC_PW"}), "no password", "no password: HASYNC_PW is not set"},
		{fmt.Errorf("ssh x: %w", &inventory.NoPasswordError{Device: "vra-b", File: "/x/pw"}), "no password", "no password: /x/pw is empty"},
		{fmt.Errorf("ssh x: %w", &inventory.NoPasswordError{Device: "vra-b", File: "/x/pw", FileErr: fs.ErrPermission}), "no password", "no password: /x/pw: permission denied"},
		{fmt.Errorf("ssh x: %w", &inventory.NoPasswordError{Device: "vra-b", Prompt: true}), "no password", "no password: no terminal to ask on"},
		{fmt.Errorf("ssh x: %w", &inventory.NoPasswordError{Device: "vra-b"}), "no password", "no password"},
		// The type says where the password was looked for, not the
		// wording: the same text untyped is only "no password".
		{fmt.Errorf("vra-b: environment variable HASYNC_PW is not set: %w", inventory.ErrNoPassword), "no password", "no password"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "timeout", "timeout"},
		{fmt.Errorf("x: %w (%w)", device.ErrClosed, device.ErrTimeout), "timeout", "timeout"},
		{fmt.Errorf("x: %w (%w)", device.ErrClosed, context.Canceled), "interrupted", "interrupted"},
		{fmt.Errorf("x: %w", sshclient.ErrConnectionLost), "dropped", "dropped"},
		{&device.RejectedError{Device: "FW-B", Command: "x", Text: "Error: y"}, "command rejected", "command rejected"},
		{&device.QuestionError{Device: "FW-B", Question: "?"}, "unexpected question", "unexpected question"},
		{context.Canceled, "interrupted", "interrupted"},
		{fmt.Errorf("vra-b: %w", &config.ParseError{}), "configuration not understood", "configuration not understood"},
		{errors.New("other"), "error", "error"},
	}
	for _, c := range cases {
		if got := Describe(c.err); got != c.describe {
			t.Errorf("Describe(%v) = %q, want %q", c.err, got, c.describe)
		}
		if got := Explain(c.err); got != c.why {
			t.Errorf("Explain(%v) = %q, want %q", c.err, got, c.why)
		}
	}
}
