package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	charmlog "charm.land/log/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/tui"
)

// serveFlags are the flags of `hasync serve` (and of `hasync demo
// --serve`).
type serveFlags struct {
	listen, hostKey, authorizedKeys, logFile string
	idle, maxSession, grace                  time.Duration
	ascii                                    bool
}

// The files runServe keeps in its state directory unless told otherwise.
const (
	serveHostKeyFile = "serve_host_ed25519"
	serveLogFile     = "serve.log"
)

// addServeFlags adds the serve flags; stateDir names the directory that
// runServe is given, where the host key and the log are by default.
func addServeFlags(fl *pflag.FlagSet, f *serveFlags, stateDir string) {
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2222", "`ADDR` to listen on: host:port, or unix:/path for a Unix socket (owner only) behind a local proxy")
	fl.StringVar(&f.hostKey, "host-key", "", "the server's host key `FILE` (default: "+serveHostKeyFile+" in "+stateDir+", generated when missing)")
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys `FILE`: the keys that may log in; environment=\"HASYNC_ROLE=operator\" on a line lets that key sync and edit sync-maps (default role: viewer) (default: authorized_keys in hasync's config directory)")
	fl.StringVar(&f.logFile, "log", "", "the server's log `FILE`, or - for stderr (default: "+serveLogFile+" in "+stateDir+")")
	fl.DurationVar(&f.idle, "idle-timeout", 30*time.Minute, "end a session after this long without a key from its user (0: never)")
	fl.DurationVar(&f.maxSession, "max-session", 12*time.Hour, "end a session this long after it began (0: never)")
	fl.DurationVar(&f.grace, "shutdown-grace", 2*time.Minute, "on SIGTERM, how long to wait for a sync or sync-map save that is committing to finish and verify (0: do not wait)")
}

// serveStateDir and demoStateDir are the state directories the two
// commands give runServe, as their help names them.
const (
	serveStateDir = "hasync's state directory"
	demoStateDir  = "the demo's temporary directory (removed on exit)"
)

func newServeCmd() *cobra.Command {
	var f serveFlags
	var invFile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the console to a team over SSH",
		Long: `serve runs the console for every engineer who connects with ssh: each
session gets its own console, over one connection per device shared by all
sessions, with the server's own credentials and host keys pinned in the
inventory (a session is never asked for a password or a host key).

Only public keys in --authorized-keys get in (OpenSSH's format; passwords
and keyboard-interactive are refused). A key's role comes from the option
environment="HASYNC_ROLE=operator" on its line: an operator may sync and
edit sync-maps; a viewer (the default) reads, and sees each action that
writes disabled, with the reason. A sync or a sync-map save takes the
pair's lock: every session sees who holds it and the live log of that
write, and the audit record names the SSH user and key fingerprint. A
session is named by the SSH user its client gave and its key's
fingerprint: the fingerprint is what identifies.

The server's log goes to --log (never into a session). SIGTERM or ^C ends
every session, lets a sync that is committing finish and verify and a
sync-map save end, cancels a sync that is not yet committing, then closes
the connections; reads in flight are not waited for.

  ssh -p 2222 -t anyname@jumphost`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			inv, err := loadInventory(invFile)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			state, err := audit.StateDir()
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			auditDir := filepath.Join(state, "audit")
			err = runServe(cmd.Context(), f, inv, state,
				tui.Options{Title: "hasync", AuditDir: auditDir, ASCII: f.ascii},
				pair.Options{Monitor: true}, cmd.ErrOrStderr())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&invFile, "inventory", "", "inventory `FILE` (default: $HASYNC_INVENTORY, else inventory.yaml in hasync's config directory)")
	cmd.Flags().BoolVar(&f.ascii, "ascii", false, "ASCII glyphs only in every session")
	addServeFlags(cmd.Flags(), &f, serveStateDir)
	return cmd
}

// defaultAuthorizedKeys is authorized_keys beside the default inventory,
// else the user's own ~/.ssh/authorized_keys (whoever may log in to this
// account may watch its console: as viewers, unless a line says
// otherwise).
func defaultAuthorizedKeys() (string, error) {
	var tried []string
	if dir, err := os.UserConfigDir(); err == nil {
		tried = append(tried, filepath.Join(dir, "hasync", "authorized_keys"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		tried = append(tried, filepath.Join(home, ".ssh", "authorized_keys"))
	}
	for _, f := range tried {
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("serve: no authorized keys (looked for %s): give --authorized-keys FILE, OpenSSH's format; add environment=\"HASYNC_ROLE=operator\" to a line to let that key sync", strings.Join(tried, ", "))
}

// runServe serves the console on inv until ctx ends or SIGTERM/SIGINT,
// then shuts down gracefully. stateDir holds the default host key and
// log, and the syncs' locks; console and popt are the base of every
// session's console and of the shared pairs. It prints where it listens
// and the host key's fingerprint on stderr.
func runServe(ctx context.Context, f serveFlags, inv *inventory.Inventory, stateDir string, console tui.Options, popt pair.Options, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	for _, d := range []struct {
		flag, zero string
		v          time.Duration
	}{{"--idle-timeout", "never", f.idle}, {"--max-session", "never", f.maxSession}, {"--shutdown-grace", "do not wait", f.grace}} {
		if d.v < 0 {
			return fmt.Errorf("serve: %s %s: expected a duration of 0 or more (0: %s)", d.flag, d.v, d.zero)
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.authorizedKeys == "" {
		var err error
		if f.authorizedKeys, err = defaultAuthorizedKeys(); err != nil {
			return err
		}
	}
	if f.hostKey == "" {
		f.hostKey = filepath.Join(stateDir, serveHostKeyFile)
	}
	var w io.Writer = stderr
	logName := "stderr"
	if f.logFile != "-" {
		if f.logFile == "" {
			f.logFile = filepath.Join(stateDir, serveLogFile)
		}
		lf, err := tui.OpenLogFile(f.logFile)
		if err != nil {
			return fmt.Errorf("serve: log: %w", err)
		}
		defer lf.Close()
		w, logName = lf, f.logFile
	}
	clog := charmlog.NewWithOptions(w, charmlog.Options{Formatter: charmlog.JSONFormatter, ReportTimestamp: true, Level: charmlog.InfoLevel, Prefix: "serve"})
	// wish and its middlewares log through the package's default logger:
	// into the server's log, never a session.
	charmlog.SetDefault(clog)
	slogger := slog.New(clog)
	hub := tui.NewHub(inv, popt, slogger)
	console.Logger = nil // the sessions log their warnings into the server's log
	srv, err := tui.NewServer(tui.ServeOptions{
		Listen: f.listen, HostKey: f.hostKey, AuthorizedKeys: f.authorizedKeys,
		Hub: hub, Console: console, Log: clog, IdleTimeout: f.idle, MaxTimeout: f.maxSession,
	})
	if err != nil {
		hub.Close()
		return err
	}
	keys := f.authorizedKeys
	if n := srv.RefusedKeyLines(); n > 0 {
		keys += fmt.Sprintf(" (%d line(s) refused: see the log)", n)
	}
	fmt.Fprintf(stderr, "hasync serve: listening on %s (%d pair(s)); host key %s; keys %s; log %s\n", srv.Addr(), len(hub.Pairs()), srv.HostKeyFingerprint, keys, logName)
	if host, port, err := net.SplitHostPort(srv.Addr().String()); err == nil && srv.Addr().Network() == "tcp" {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			// Listening on every address: name the machine instead.
			if name, err := os.Hostname(); err == nil {
				host = name
			}
		}
		fmt.Fprintf(stderr, "connect with: ssh -t -p %s %s@%s\n", port, "$USER", host)
		if pub, err := os.ReadFile(f.hostKey + ".pub"); err == nil {
			fmt.Fprintf(stderr, "known_hosts line: [%s]:%s %s", host, port, pub)
		}
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	select {
	case err := <-served:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "hasync serve: shutting down")
	grace, cancel := context.WithTimeout(context.Background(), f.grace)
	defer cancel()
	err = srv.Shutdown(grace)
	<-served
	return err
}
