package sshclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/sshclient"
)

// TestExecKey: a key login, a command's lines in order, and a non-zero
// exit status with its stderr line marked.
func TestExecKey(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	var got lines
	if err := c.Exec(context.Background(), "lines 500", got.add); err != nil {
		t.Fatal(err)
	}
	l := got.get()
	if len(l) != 500 || l[0] != "line 1 of admin" || l[499] != "line 500 of admin" {
		t.Fatalf("got %d lines: %q ... ", len(l), l[:min(3, len(l))])
	}
	var out lines
	err := c.Exec(context.Background(), "fail", out.add)
	var exit *sshclient.ExitError
	if !errors.As(err, &exit) || exit.Status != 3 {
		t.Errorf("fail: %v", err)
	}
	if l := out.get(); len(l) != 1 || l[0] != sshclient.StderrMark+"failed here" {
		t.Errorf("fail's output: %q", l)
	}
	if v := c.ServerVersion(); !strings.HasPrefix(v, "SSH-2.0-") {
		t.Errorf("server version %q", v)
	}
}

// TestExecStreams: a line reaches emit while the command is still
// running (the device waits for the test before it prints the next).
func TestExecStreams(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	var got lines
	err := c.Exec(context.Background(), "gate", func(l string) {
		got.add(l)
		if l == "before the gate" {
			close(tl.dev.gate)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := got.get(); strings.Join(l, "|") != "before the gate|after the gate" {
		t.Errorf("got %q", l)
	}
}

// TestPasswordAuth: password only (no key), and a wrong one is ErrAuth
// without the password in the text.
func TestPasswordAuth(t *testing.T) {
	tl := startLab(t)
	cfg := tl.config()
	cfg.IdentityFiles = nil
	cfg.Password = password
	c := dial(t, cfg)
	var got lines
	if err := c.Exec(context.Background(), "hi", got.add); err != nil || strings.Join(got.get(), "") != "ran hi" {
		t.Fatalf("exec: %v %q", err, got.get())
	}
	cfg.Password = func() (string, error) { return testPassword + "x", nil }
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	noSecret(t, err)
	if !strings.Contains(err.Error(), "password") {
		t.Errorf("the auth error does not name the method tried: %v", err)
	}
}

// TestEncryptedKey: an encrypted identity file is opened with the
// passphrase from the callback; a wrong passphrase fails without the
// passphrase in the text.
func TestEncryptedKey(t *testing.T) {
	dir := t.TempDir()
	file, pub := encryptedKey(t, dir)
	tl := startLab(t, func(o *lab.SSHOptions) { o.AuthorizedKeys = append(o.AuthorizedKeys, pub) })
	cfg := tl.config()
	cfg.IdentityFiles = []string{file}
	asked := 0
	cfg.Passphrase = func(f string) ([]byte, error) {
		asked++
		if f != file {
			t.Errorf("passphrase asked for %s", f)
		}
		return []byte(testPass), nil
	}
	c := dial(t, cfg)
	c.Close()
	if asked != 1 {
		t.Errorf("passphrase asked %d times", asked)
	}
	cfg.Passphrase = func(string) ([]byte, error) { return []byte(testPass + "x"), nil }
	_, err := sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Errorf("wrong passphrase: %v", err)
	}
	noSecret(t, err)
	cfg.Passphrase = nil
	_, err = sshclient.Dial(context.Background(), cfg)
	if !errors.Is(err, sshclient.ErrAuth) || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("no passphrase callback: %v", err)
	}
}

// shellExpect reads sh until want has been seen and returns all read.
func shellExpect(t *testing.T, sh io.Reader, buf *bytes.Buffer, want string) string {
	t.Helper()
	b := make([]byte, 4096)
	for !strings.Contains(buf.String(), want) {
		n, err := sh.Read(b)
		buf.Write(b[:n])
		if err != nil {
			if strings.Contains(buf.String(), want) {
				break
			}
			t.Fatalf("waiting for %q: %v; got %q", want, err, buf.String())
		}
	}
	return buf.String()
}

// TestShell: a PTY shell, wide by default; output arrives as the device
// writes it (a prompt without a line end is read); logout ends Read with
// io.EOF.
func TestShell(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	sh, err := c.Shell(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	var buf bytes.Buffer
	shellExpect(t, sh, &buf, "dev> ")
	fmt.Fprint(sh, "size\r")
	want := fmt.Sprintf("size %dx%d", sshclient.DefaultWidth, sshclient.DefaultHeight)
	shellExpect(t, sh, &buf, want)
	fmt.Fprint(sh, "hello\r")
	shellExpect(t, sh, &buf, "[hello]")
	fmt.Fprint(sh, "bye\r")
	rest, err := io.ReadAll(sh)
	if err != nil {
		t.Errorf("read after logout: %v (%q)", err, rest)
	}
	select {
	case <-sh.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("shell not done after logout")
	}
	if sh.Err() != nil {
		t.Errorf("shell err %v", sh.Err())
	}
	// The connection stays up for more sessions.
	var got lines
	if err := c.Exec(context.Background(), "again", got.add); err != nil {
		t.Fatal(err)
	}
}

// TestShellContext: cancelling the shell's context closes it.
func TestShellContext(t *testing.T) {
	tl := startLab(t)
	c := dial(t, tl.config())
	ctx, cancel := context.WithCancel(context.Background())
	sh, err := c.Shell(ctx, 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	shellExpect(t, sh, &buf, "dev> ")
	cancel()
	if _, err := io.ReadAll(sh); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v", err)
	}
	<-sh.Done()
	select {
	case <-c.Done():
		t.Error("the connection closed with the shell")
	default:
	}
}
