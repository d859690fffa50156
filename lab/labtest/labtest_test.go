package labtest

import (
	"bytes"
	"testing"
)

func TestShellExpectConsumes(t *testing.T) {
	var typed bytes.Buffer
	sh := NewShell(t, &typed)
	sh.Line("show version")
	if typed.String() != "show version\r" {
		t.Errorf("typed %q", typed.String())
	}
	go func() {
		sh.Write([]byte("vyatta@vra-a:~$ show"))
		sh.Write([]byte(" version\r\nok\r\nvyatta@vra-a:~$ "))
	}()
	if got := sh.Expect("$ "); got != "vyatta@vra-a:~$ " {
		t.Errorf("first prompt: %q", got)
	}
	if got := sh.Expect("$ "); got != "show version\r\nok\r\nvyatta@vra-a:~$ " {
		t.Errorf("second expect starts after the first: %q", got)
	}
	if got := sh.Output(); got != "vyatta@vra-a:~$ show version\r\nok\r\nvyatta@vra-a:~$ " {
		t.Errorf("Output: %q", got)
	}
}
