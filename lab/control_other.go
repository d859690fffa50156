//go:build !linux

package lab

import (
	"net"
	"os"
)

// checkPeer trusts the socket's mode 0600 where the system does not tell
// the peer's uid.
func checkPeer(*net.UnixConn) error { return nil }

// checkOwner trusts the socket's mode 0600.
func checkOwner(os.FileInfo) error { return nil }
