package sshclient

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"sync"
)

// tapConn records what the server sends until the handshake is over, so
// that a failed negotiation can list the server's offer (its KEXINIT) and
// version string, which x/crypto/ssh does not keep.
type tapConn struct {
	net.Conn
	mu  sync.Mutex
	rec []byte
	on  bool
}

// maxTap bounds the recording: a KEXINIT is a few kilobytes.
const maxTap = 64 << 10

func newTapConn(c net.Conn) *tapConn { return &tapConn{Conn: c, on: true} }

func (t *tapConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.mu.Lock()
		if t.on && len(t.rec) < maxTap {
			t.rec = append(t.rec, p[:min(n, maxTap-len(t.rec))]...)
		}
		t.mu.Unlock()
	}
	return n, err
}

// stop ends the recording and frees it.
func (t *tapConn) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.on, t.rec = false, nil
}

func (t *tapConn) recorded() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.rec)
}

// serverHello is what a server says before the key exchange.
type serverHello struct {
	Version string
	Algorithms
}

// marker reports whether a KEXINIT entry names no algorithm (extension
// and strict-kex signals). A switch, not a map: no work at process start.
func marker(name string) bool {
	switch name {
	case "ext-info-s", "ext-info-c",
		"kex-strict-s-v00@openssh.com", "kex-strict-c-v00@openssh.com":
		return true
	}
	return false
}

// parseServerHello reads the server's identification string (after any
// lines before it, RFC 4253 4.2) and its first binary packet, the
// unencrypted KEXINIT (RFC 4253 7.1). Cipher and MAC lists are the
// client-to-server ones.
func parseServerHello(b []byte) (serverHello, error) {
	var h serverHello
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return h, errors.New("no SSH identification string")
		}
		line := strings.TrimRight(string(b[:i]), "\r")
		b = b[i+1:]
		if strings.HasPrefix(line, "SSH-") {
			h.Version = line
			break
		}
	}
	if len(b) < 6 {
		return h, errors.New("no KEXINIT")
	}
	plen := binary.BigEndian.Uint32(b)
	pad := int(b[4])
	if plen < 2 || plen > maxTap || int(plen) > len(b)-4 || pad >= int(plen) {
		return h, errors.New("KEXINIT truncated or malformed")
	}
	payload := b[5 : 4+int(plen)-pad]
	const msgKexInit = 20
	if len(payload) < 17 || payload[0] != msgKexInit {
		return h, errors.New("first packet is not a KEXINIT")
	}
	p := payload[17:] // type, cookie
	var lists [6][]string
	for i := range lists {
		if len(p) < 4 {
			return h, errors.New("KEXINIT truncated")
		}
		n := binary.BigEndian.Uint32(p)
		if uint64(n) > uint64(len(p)-4) {
			return h, errors.New("KEXINIT truncated")
		}
		for _, name := range strings.Split(string(p[4:4+n]), ",") {
			if name != "" && !marker(name) {
				lists[i] = append(lists[i], name)
			}
		}
		p = p[4+n:]
	}
	h.KeyExchanges, h.HostKeys, h.Ciphers, h.MACs = lists[0], lists[1], lists[2], lists[4]
	return h, nil
}
