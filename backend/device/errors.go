package device

import (
	"errors"
	"fmt"
	"strings"
)

// Named errors, for errors.Is.
var (
	// ErrRejected: the device refused the command; the error is a
	// *RejectedError carrying the device's text.
	ErrRejected = errors.New("command rejected by the device")
	// ErrWrongMember: an HA standby refused a command only the active
	// member takes (Huawei: `Error: The device is in HRP standby state,
	// so this command cannot be executed.`, DOMAIN.md "HRP"). Such an
	// error is also ErrRejected.
	ErrWrongMember = errors.New("wrong member: the device is the HA standby")
	// ErrQuestion: the device asked a question the command's allow list
	// does not answer; it was aborted (answered no) and reported. The
	// error is a *QuestionError.
	ErrQuestion = errors.New("unexpected question from the device")
	// ErrTimeout: the device sent nothing for Options.CommandTimeout
	// while a command ran. The session is closed: its output is no longer
	// in step with the commands.
	ErrTimeout = errors.New("device timeout")
	// ErrConnectionLost: the shell ended (read error or EOF) before the
	// prompt came back. The error wraps the shell's own error too.
	ErrConnectionLost = errors.New("connection lost")
	// ErrClosed: the session was closed, by Close or after an earlier
	// timeout, lost connection, or interrupt that did not get the prompt
	// back (which the error wraps).
	ErrClosed = errors.New("device session closed")
	// ErrUnsupported: the family has no such read (session counts on a
	// Vyatta router).
	ErrUnsupported = errors.New("not supported by this device family")
)

// RejectedError is a command the device refused, with the lines it said
// (`Error: Unrecognized command found at '^' position.`, `Invalid
// command: [show foo]`).
type RejectedError struct {
	Device  string
	Command string
	// Text is the device's refusal, its lines joined by newlines.
	Text string
	// WrongMember: the refusal is the HA standby's (ErrWrongMember).
	WrongMember bool
	// Pos is the byte offset in Command that the device's caret line
	// points at (VRP: `Error: ... found at '^' position.`, DOMAIN.md
	// "Huawei family"); -1 without a caret.
	Pos int
}

func (e *RejectedError) Error() string {
	what := "rejected"
	if e.WrongMember {
		what = "wrong member (the device is the HA standby)"
	}
	return fmt.Sprintf("%s: %s: %s: %s", e.Device, e.Command, what, strings.ReplaceAll(e.Text, "\n", " / "))
}

// Is makes errors.Is match ErrRejected, and ErrWrongMember for the
// standby's refusal.
func (e *RejectedError) Is(target error) bool {
	return target == ErrRejected || (e.WrongMember && target == ErrWrongMember)
}

// QuestionError is a question the device asked that was not expected:
// it was answered no.
type QuestionError struct {
	Device, Command string
	Question        string
}

func (e *QuestionError) Error() string {
	cmd := e.Command
	if cmd == "" {
		cmd = "login"
	}
	return fmt.Sprintf("%s: %s: unexpected question, answered no: %q", e.Device, cmd, e.Question)
}

func (e *QuestionError) Is(target error) bool { return target == ErrQuestion }

// opError is an error of the session itself (timeout, lost connection,
// cancellation) on a device and command; it wraps the cause and, for a
// lost connection, the shell's error.
type opError struct {
	device, command string
	kind            error // ErrTimeout, ErrConnectionLost, or nil
	err             error // the shell's error, ctx.Err(), or nil
}

func (e *opError) Error() string {
	cmd := e.command
	if cmd == "" {
		cmd = "login"
	}
	var parts []string
	if e.kind != nil {
		parts = append(parts, e.kind.Error())
	}
	if e.err != nil {
		parts = append(parts, e.err.Error())
	}
	return fmt.Sprintf("%s: %s: %s", e.device, cmd, strings.Join(parts, ": "))
}

func (e *opError) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}
