package sshclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// Client is an authenticated SSH connection to one device.
type Client struct {
	c    *ssh.Client
	addr string
	user string
	via  *Client // the jump host's connection, closed with this one

	done     chan struct{}
	closing  atomic.Bool
	lostOnce sync.Once
	lostErr  atomic.Pointer[error]
	stopKA   chan struct{}
	// aliveWait is how long a liveness check waits for its reply.
	aliveWait time.Duration
}

// Addr is the address dialled (host:port, after ssh_config).
func (c *Client) Addr() string { return c.addr }

// User is the user logged in.
func (c *Client) User() string { return c.user }

// ServerVersion is the server's identification string.
func (c *Client) ServerVersion() string { return string(c.c.ServerVersion()) }

// SSH is the underlying x/crypto/ssh client.
func (c *Client) SSH() *ssh.Client { return c.c }

// Done is closed when the connection is lost or closed.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the connection ended: nil while it is up or after Close, an
// error wrapping ErrConnectionLost when it was lost.
func (c *Client) Err() error {
	if p := c.lostErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Close closes the connection (and the jump hosts' ones).
func (c *Client) Close() error {
	c.closing.Store(true)
	err := c.c.Close()
	<-c.done
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// lost records why the connection went and closes it.
func (c *Client) lost(err error) {
	if c.closing.Load() {
		return
	}
	c.lostOnce.Do(func() {
		e := fmt.Errorf("ssh %s: %w: %w", c.addr, ErrConnectionLost, err)
		c.lostErr.Store(&e)
	})
	c.c.Close()
}

// Dial connects to the device cfg names, checks its host key and
// authenticates. ctx and cfg.Timeout bound the whole of it; cancelling
// ctx later has no effect on the connection. Errors wrap ErrUnreachable,
// ErrTimeout, ErrNegotiation, ErrHostKeyMismatch, ErrUnknownHost or
// ErrAuth.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if err := checkLegacy(cfg.Legacy); err != nil {
		return nil, err
	}
	t, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	var via *Client
	for i, j := range t.jumps {
		user, host, port, err := parseJump(j)
		if err != nil {
			if via != nil {
				via.Close()
			}
			return nil, err
		}
		hop := cfg
		hop.Alias, hop.Host, hop.Port, hop.User = host, "", port, user
		hop.Legacy, hop.ProxyJump = Algorithms{}, "none"
		ht, err := resolve(hop)
		if err != nil {
			if via != nil {
				via.Close()
			}
			return nil, err
		}
		next, err := dialTarget(ctx, hop, ht, via)
		if err != nil {
			if via != nil {
				via.Close()
			}
			return nil, fmt.Errorf("jump host %d (%s): %w", i+1, j, err)
		}
		via = next
	}
	c, err := dialTarget(ctx, cfg, t, via)
	if err != nil && via != nil {
		via.Close()
	}
	return c, err
}

// dialTarget dials one resolved target, directly or through via.
func dialTarget(ctx context.Context, cfg Config, t target, via *Client) (*Client, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	addr := t.addr()
	hk, err := newHostKeys(cfg)
	if err != nil {
		return nil, err
	}
	a := &auth{cfg: cfg, identities: t.identities}
	defer a.close()

	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var raw net.Conn
	if via == nil {
		var d net.Dialer
		raw, err = d.DialContext(dctx, "tcp", addr)
	} else {
		raw, err = via.c.DialContext(dctx, "tcp", addr)
	}
	if err != nil {
		return nil, dialError(ctx, dctx, addr, timeout, err)
	}
	conn := newTapConn(raw)

	// The handshake's bound: a timer that closes the connection, paused
	// while the user decides on an unknown host key or types a password
	// or passphrase.
	var timedOut atomic.Bool
	deadline := time.AfterFunc(timeout, func() { timedOut.Store(true); conn.Close() })
	defer deadline.Stop()
	stopCtx := context.AfterFunc(ctx, func() { conn.Close() })
	defer stopCtx()
	hk.pause = func() func() {
		deadline.Stop()
		return func() { deadline.Reset(timeout) }
	}
	a.pause = hk.pause

	algos := algorithms(cfg.Legacy)
	hostKeyAlgos := hk.algorithms(addr, algos.HostKeys)
	offer := algos
	offer.HostKeys = hostKeyAlgos
	cc := &ssh.ClientConfig{
		Config: ssh.Config{
			KeyExchanges: algos.KeyExchanges,
			Ciphers:      algos.Ciphers,
			MACs:         algos.MACs,
		},
		User:              t.user,
		Auth:              a.methods(),
		HostKeyCallback:   hk.callback(ctx),
		HostKeyAlgorithms: hostKeyAlgos,
		BannerCallback:    a.onBanner,
		ClientVersion:     "SSH-2.0-hasync",
	}
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, cc)
	if err != nil {
		conn.Close()
		return nil, handshakeError(ctx, &timedOut, timeout, addr, t.user, conn, offer, a, err)
	}
	conn.stop()
	if !deadline.Stop() || !stopCtx() {
		// The timeout or ctx closed the connection just as the handshake
		// ended.
		sc.Close()
		if ctx.Err() != nil {
			return nil, ctxError(addr, ctx.Err())
		}
		return nil, fmt.Errorf("ssh %s: %w in the SSH handshake (timeout %v)", addr, ErrTimeout, timeout)
	}

	ka := cfg.KeepAlive
	if ka == 0 {
		ka = DefaultKeepAlive
	}
	aliveWait := keepAliveMax * ka
	if ka < 0 {
		aliveWait = keepAliveMax * DefaultKeepAlive
	}
	c := &Client{c: ssh.NewClient(sc, chans, reqs), addr: addr, user: t.user, via: via,
		done: make(chan struct{}), stopKA: make(chan struct{}), aliveWait: aliveWait}
	go func() {
		err := c.c.Wait()
		if !c.closing.Load() && err != nil && !errors.Is(err, net.ErrClosed) {
			c.lost(err)
		} else if !c.closing.Load() {
			c.lost(io.EOF)
		}
		close(c.stopKA)
		if c.via != nil {
			c.via.Close()
		}
		close(c.done)
	}()
	if ka > 0 {
		go c.keepAlive(ka)
	}
	return c, nil
}

// keepAlive sends OpenSSH's keepalive request every interval; a reply,
// even a refusal, shows the server is there. After keepAliveMax
// intervals without one the connection is closed as lost.
func (c *Client) keepAlive(interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	replies := make(chan error, 1)
	pending, missed := false, 0
	for {
		select {
		case <-c.stopKA:
			return
		case err := <-replies:
			pending, missed = false, 0
			if err != nil {
				c.lost(fmt.Errorf("keepalive: %w", err))
				return
			}
			continue
		case <-tick.C:
		}
		if pending {
			if missed++; missed >= keepAliveMax {
				c.lost(fmt.Errorf("%d keepalives in %v unanswered", missed, time.Duration(missed)*interval))
				return
			}
			continue
		}
		pending = true
		go func() {
			_, _, err := c.c.SendRequest("keepalive@openssh.com", true, nil)
			replies <- err
		}()
	}
}

// dialError names a failed TCP connect.
func dialError(ctx, dctx context.Context, addr string, timeout time.Duration, err error) error {
	switch {
	case ctx.Err() != nil:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("ssh %s: %w: %w", addr, ErrTimeout, ctx.Err())
		}
		return fmt.Errorf("ssh %s: %w", addr, ctx.Err())
	case dctx.Err() != nil:
		return fmt.Errorf("ssh %s: %w connecting (timeout %v)", addr, ErrTimeout, timeout)
	}
	return fmt.Errorf("ssh %s: %w: %w", addr, ErrUnreachable, err)
}

// handshakeError names a failed handshake.
func handshakeError(ctx context.Context, timedOut *atomic.Bool, timeout time.Duration, addr, user string, conn *tapConn, offer Algorithms, a *auth, err error) error {
	var (
		neg *ssh.AlgorithmNegotiationError
		hke *HostKeyError
		uhe *UnknownHostError
	)
	switch {
	case errors.As(err, &hke):
		return hke
	case errors.As(err, &uhe):
		return uhe
	case errors.As(err, &neg):
		ne := &NegotiationError{Addr: addr, What: neg.What, Client: offer, Err: err}
		if h, perr := parseServerHello(conn.recorded()); perr == nil {
			ne.ServerVersion, ne.Server = h.Version, h.Algorithms
		} else {
			// The lists x/crypto/ssh kept of the kind that failed.
			switch {
			case strings.Contains(neg.What, "key exchange"):
				ne.Server.KeyExchanges = neg.RequestedAlgorithms
			case strings.Contains(neg.What, "host key"):
				ne.Server.HostKeys = neg.RequestedAlgorithms
			case strings.Contains(neg.What, "cipher"):
				ne.Server.Ciphers = neg.RequestedAlgorithms
			case strings.Contains(neg.What, "MAC"):
				ne.Server.MACs = neg.RequestedAlgorithms
			}
		}
		return ne
	case timedOut.Load():
		return fmt.Errorf("ssh %s: %w in the SSH handshake (timeout %v)", addr, ErrTimeout, timeout)
	case ctx.Err() != nil:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("ssh %s: %w: %w", addr, ErrTimeout, ctx.Err())
		}
		return fmt.Errorf("ssh %s: %w", addr, ctx.Err())
	case a.failure() != nil:
		return a.error(addr, user, a.failure())
	case isAuthFailure(err):
		return a.error(addr, user, err)
	}
	if h, perr := parseServerHello(conn.recorded()); perr != nil && h.Version == "" &&
		(errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		return fmt.Errorf("ssh %s: %w: the server closed the connection before the SSH handshake", addr, ErrUnreachable)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("ssh %s: %w during the handshake: %w", addr, ErrConnectionLost, err)
	}
	return fmt.Errorf("ssh %s: %w", addr, err)
}

func isAuthFailure(err error) bool {
	s := err.Error()
	return strings.Contains(s, "unable to authenticate") || strings.Contains(s, "too many authentication")
}
