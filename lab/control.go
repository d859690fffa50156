package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ControlFile is the control socket of a running lab, in its state
// directory: `hasync lab fault` turns the devices' faults through it.
//
// The protocol is one line per request and one line per reply, over a
// Unix socket only its owner may use (mode 0600, and the server checks
// the peer's uid where the system tells it):
//
//	fault DEVICE VERB [ARG]   ->  ok DEVICE: WHAT   |  error TEXT
//	devices                   ->  ok NAME NAME ...
//
// VERB is one of ControlVerbs. A connection may carry several requests.
const ControlFile = "control.sock"

// ControlVerbs are the verbs of a fault request, with their argument.
var ControlVerbs = []string{
	"drop", "refuse [on|off]", "refuse-ssh [on|off]", "fail-auth [on|off]", "changed-host-key [on|off]",
	"drop-after-lines N", "drop-in-commit [on|off]", "drop-before-commit [on|off]", "delay D",
	"cut-hrp [on|off]", "failover", "dual-active [on|off]", "clear",
}

// ErrNoLab is a control request to a state directory where no lab runs.
var ErrNoLab = errors.New("no lab running")

// ErrControlPath is a state directory whose path is too long for a Unix
// socket in it (the system takes about 100 bytes).
var ErrControlPath = errors.New("state directory path too long for its control socket")

// maxSocketPath is the longest socket path every Unix takes (sun_path is
// 104 bytes on the BSDs, 108 on Linux, with its NUL).
const maxSocketPath = 103

// ControlDevice is one device the control socket acts on.
type ControlDevice struct {
	// Name is how a request names the device.
	Name   string
	Faults *Faults
	// SSH is the device's SSH server, whose live sessions `drop` closes.
	SSH *SSHServer
	// CutHRP cuts or restores the pair's HRP link; nil when the family
	// has none.
	CutHRP func(on bool)
	// Failover switches the pair's roles over; nil when the pair cannot.
	Failover func()
	// DualActive turns the pair's dual-active fault; nil when it has none.
	DualActive func(on bool)
}

// ControlServer serves the control socket of a running lab.
type ControlServer struct {
	path    string
	ln      *net.UnixListener
	devices map[string]*ControlDevice
	names   []string
	conns   connSet
}

// ControlPath is the control socket of the state directory dir.
func ControlPath(dir string) string { return filepath.Join(dir, ControlFile) }

// ServeControl listens on the control socket of dir for requests on
// devices. A socket left by a lab that is gone is replaced; one that
// answers is another lab's, and an error.
func ServeControl(dir string, devices []ControlDevice) (*ControlServer, error) {
	path := ControlPath(dir)
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("lab: control: %w (%d bytes: %s)", ErrControlPath, len(path), path)
	}
	s := &ControlServer{path: path, devices: map[string]*ControlDevice{}}
	for i := range devices {
		d := &devices[i]
		if _, dup := s.devices[d.Name]; dup {
			return nil, fmt.Errorf("lab: control: device %q twice", d.Name)
		}
		s.devices[d.Name] = d
		s.names = append(s.names, d.Name)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("lab: control: %s exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("lab: control: another lab runs at %s (%s answers)", dir, path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("lab: control: stale socket: %w", err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("lab: control: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("lab: control: %w", err)
	}
	s.ln = ln
	acceptConns(&s.conns, s.ln.AcceptUnix, nil, s.serve)
	return s, nil
}

// Path is the socket's path.
func (s *ControlServer) Path() string { return s.path }

// Close stops the server and removes the socket.
func (s *ControlServer) Close() error {
	s.conns.closeAll()
	err := s.ln.Close()
	s.conns.wait()
	if rerr := os.Remove(s.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}

func (s *ControlServer) serve(c *net.UnixConn) {
	if err := checkPeer(c); err != nil {
		fmt.Fprintf(c, "error %v\n", err)
		return
	}
	r := bufio.NewReaderSize(io.LimitReader(c, 1<<20), 4096)
	for {
		line, err := r.ReadString('\n')
		if line = strings.TrimSpace(line); line != "" {
			reply, rerr := s.Do(line)
			if rerr != nil {
				reply = "error " + strings.ReplaceAll(rerr.Error(), "\n", " ")
			} else {
				reply = "ok " + reply
			}
			if _, werr := io.WriteString(c, reply+"\n"); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Do runs one request line and returns the reply's text.
func (s *ControlServer) Do(line string) (string, error) {
	w := strings.Fields(line)
	if len(w) == 0 {
		return "", errors.New("empty request")
	}
	switch w[0] {
	case "devices":
		return strings.Join(s.names, " "), nil
	case "fault":
		if len(w) < 3 {
			return "", errors.New("usage: fault DEVICE VERB [ARG]")
		}
		d, ok := s.devices[w[1]]
		if !ok {
			names := append([]string(nil), s.names...)
			sort.Strings(names)
			return "", fmt.Errorf("unknown device %q (this lab has %s)", w[1], strings.Join(names, ", "))
		}
		what, err := d.Apply(w[2], w[3:])
		if err != nil {
			return "", fmt.Errorf("%s: %w", d.Name, err)
		}
		return d.Name + ": " + what, nil
	}
	return "", fmt.Errorf("unknown request %q (expected fault or devices)", w[0])
}

// Apply turns the fault verb with its arguments on the device, and says
// what it did.
func (d *ControlDevice) Apply(verb string, args []string) (string, error) {
	onOff := func() (bool, error) {
		switch {
		case len(args) == 0:
			return true, nil
		case len(args) > 1:
			return false, fmt.Errorf("%s takes on or off", verb)
		case args[0] == "on":
			return true, nil
		case args[0] == "off":
			return false, nil
		}
		return false, fmt.Errorf("%s %s: expected on or off", verb, args[0])
	}
	state := func(on bool) string {
		if on {
			return verb + " on"
		}
		return verb + " off"
	}
	f := d.Faults
	if f == nil {
		f = &Faults{}
	}
	switch verb {
	case "drop":
		if len(args) > 0 {
			return "", errors.New("drop takes no argument")
		}
		n := 0
		if d.SSH != nil {
			n = d.SSH.DropSessions()
		}
		return fmt.Sprintf("dropped %d SSH connection(s)", n), nil
	case "refuse", "refuse-ssh", "fail-auth", "changed-host-key", "drop-in-commit", "drop-before-commit", "cut-hrp", "dual-active":
		on, err := onOff()
		if err != nil {
			return "", err
		}
		switch verb {
		case "refuse":
			f.SetRefuse(on)
		case "refuse-ssh":
			f.SetRefuseSSH(on)
		case "fail-auth":
			f.SetFailAuth(on)
		case "changed-host-key":
			f.SetChangedHostKey(on)
		case "drop-in-commit":
			f.SetDropInCommit(on)
		case "drop-before-commit":
			f.SetDropBeforeCommit(on)
		case "cut-hrp":
			if d.CutHRP == nil {
				return "", errors.New("cut-hrp: the device has no HRP link (huawei only)")
			}
			d.CutHRP(on)
		case "dual-active":
			if d.DualActive == nil {
				return "", errors.New("dual-active: not available for this device's pair")
			}
			d.DualActive(on)
		}
		return state(on), nil
	case "drop-after-lines":
		if len(args) != 1 {
			return "", errors.New("drop-after-lines takes a number of lines (0 turns it off)")
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			return "", fmt.Errorf("drop-after-lines %s: expected a number of lines", args[0])
		}
		f.SetDropAfterLines(n)
		return "drop-after-lines " + strconv.Itoa(n), nil
	case "delay":
		if len(args) != 1 {
			return "", errors.New("delay takes a duration, e.g. 500ms (0 turns it off)")
		}
		dl, err := time.ParseDuration(args[0])
		if args[0] == "0" {
			dl, err = 0, nil
		}
		if err != nil || dl < 0 {
			return "", fmt.Errorf("delay %s: expected a duration such as 500ms", args[0])
		}
		f.SetDelay(dl)
		return "delay " + dl.String(), nil
	case "failover":
		if len(args) > 0 {
			return "", errors.New("failover takes no argument")
		}
		if d.Failover == nil {
			return "", errors.New("failover: not available for this device's pair yet")
		}
		d.Failover()
		return "failover", nil
	case "clear":
		if len(args) > 0 {
			return "", errors.New("clear takes no argument")
		}
		f.SetRefuse(false)
		f.SetRefuseSSH(false)
		f.SetFailAuth(false)
		f.SetChangedHostKey(false)
		f.SetDropAfterLines(0)
		f.SetDropInCommit(false)
		f.SetDropBeforeCommit(false)
		f.SetDelay(0)
		if d.CutHRP != nil {
			d.CutHRP(false)
		}
		if d.DualActive != nil {
			d.DualActive(false)
		}
		return "faults cleared", nil
	}
	return "", fmt.Errorf("unknown fault %q (expected %s)", verb, strings.Join(ControlVerbs, ", "))
}

// DropSessions closes every live connection of the server, as a link
// lost; the server goes on accepting new ones. It returns how many it
// closed.
func (s *SSHServer) DropSessions() int { return s.conns.drop() }

// Control sends one request line to the lab running at dir and returns
// the reply's text. No socket, or one nobody answers, is ErrNoLab; an
// `error` reply is an error with its text.
func Control(dir, request string) (string, error) {
	path := ControlPath(dir)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		if fi, derr := os.Stat(dir); derr != nil || !fi.IsDir() {
			return "", fmt.Errorf("%w at %s (no such directory)", ErrNoLab, dir)
		}
		return "", fmt.Errorf("%w at %s (no %s)", ErrNoLab, dir, ControlFile)
	}
	if err != nil {
		return "", err
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return "", fmt.Errorf("%s is not a socket", path)
	}
	if err := checkOwner(fi); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return "", fmt.Errorf("%w at %s (stale %s: the lab that made it is gone)", ErrNoLab, dir, ControlFile)
		}
		return "", fmt.Errorf("lab control %s: %w", path, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, strings.TrimSpace(request)+"\n"); err != nil {
		return "", err
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil && reply == "" {
		return "", fmt.Errorf("lab control %s: no reply: %w", path, err)
	}
	reply = strings.TrimRight(reply, "\r\n")
	if rest, ok := strings.CutPrefix(reply, "ok"); ok {
		return strings.TrimPrefix(rest, " "), nil
	}
	if rest, ok := strings.CutPrefix(reply, "error "); ok {
		return "", errors.New(rest)
	}
	return "", fmt.Errorf("lab control %s: bad reply %q", path, reply)
}
