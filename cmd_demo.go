package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func newDemoCmd() *cobra.Command {
	var width int
	var hold bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Compare the two members of an emulated HA pair over SSH (no set-up)",
		Long: `demo starts an emulated Vyatta router pair on loopback (the same devices
as 'hasync lab'), reads both running configurations over SSH with the host
keys verified, and shows their difference within the pair's own sync-map,
then the commands a sync would send. The interactive console arrives with
the console issues; until then this is the demo.

The lab's state directory has a control socket for the time the demo runs:
with --hold the lab stays up after the demo until interrupted, so that
'hasync lab fault --state DIR --device vra-b drop' (or refuse, delay D,
clear) acts on it. The directory and its socket are removed on exit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if width <= 0 {
				width = terminalWidth()
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if hold {
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
			}
			if err := runDemo(ctx, cmd.OutOrStdout(), width, hold); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("demo: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&width, "width", 0, "width of the side-by-side view (default: the terminal's)")
	cmd.Flags().BoolVar(&hold, "hold", false, "keep the emulated pair running after the demo until interrupted (for hasync lab fault)")
	return cmd
}

// runDemo shows the demo on out; with hold it keeps the lab running
// afterwards until ctx ends.
func runDemo(ctx context.Context, out io.Writer, width int, hold bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	labCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "hasync-demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pair, err := vyatta.StartPair(labCtx, vyatta.PairOptions{Dir: dir})
	if err != nil {
		return err
	}
	defer pair.Close()
	ctlNote := ""
	if ctl, err := lab.ServeControl(dir, vyattaControl(pair)); err == nil {
		defer ctl.Close()
		ctlNote = "control socket " + ctl.Path()
	} else if errors.Is(err, lab.ErrControlPath) {
		ctlNote = "no control socket: " + err.Error()
	} else {
		return err
	}

	hostKeys, err := knownhosts.New(pair.Dir + "/known_hosts")
	if err != nil {
		return err
	}
	cfg := &ssh.ClientConfig{
		User:            pair.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(pair.ClientKey)},
		HostKeyCallback: hostKeys,
		Timeout:         10 * time.Second,
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	fmt.Fprintf(w, "Emulated pair on loopback: vra-a (ssh port %d), vra-b (ssh port %d)\n", pair.A.SSH.Port(), pair.B.SSH.Port())
	fmt.Fprintf(w, "Lab state directory: %s (%s)\n", dir, ctlNote)
	var trees [2]*config.Tree
	for i, m := range []*vyatta.Member{pair.A, pair.B} {
		name := m.Device.Name()
		text, err := fetchConfig(ctx, net.JoinHostPort("127.0.0.1", strconv.Itoa(m.SSH.Port())), cfg, "show configuration commands")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if trees[i], err = config.Parse(name, text, config.Vyatta); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: read %d lines over SSH (host key verified)\n", name, bytes.Count(text, []byte("\n")))
	}
	maps, _, err := syncmap.FromConfig(trees[0])
	if err != nil || len(maps) == 0 {
		return fmt.Errorf("vra-a carries no sync-map: %v", err)
	}
	m := maps[0]
	fmt.Fprintf(w, "\nvra-a syncs to vra-b with sync-map %s:\n", m.Name)
	for _, c := range m.Commands() {
		fmt.Fprintf(w, "  %s\n", c)
	}
	for _, warn := range m.Warnings(trees[0]) {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	fmt.Fprintf(w, "\nIn-scope differences (source vra-a, target vra-b):\n")
	opts := diff.Options{MaskSecrets: true}
	rows := diff.Rows(trees[0], trees[1], diff.RowOptions{Options: opts, Scope: m.Decide, Context: 1, Fold: true, OnlyScope: true})
	if err := diff.WriteSide(w, rows, width); err != nil {
		return err
	}
	p, err := plan.Build(trees[0], trees[1], m, plan.Options{Diff: opts})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA sync would send to vra-b (%d commands):\n", len(p.Commands))
	if err := p.Write(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe same from files: hasync diff --sync-map %s a.conf b.conf [--format commands]\n", m.Name)
	fmt.Fprintf(w, "Devices to explore by hand: hasync lab --family vyatta\n")
	if hold {
		fmt.Fprintf(w, "\nThe pair keeps running until interrupted; faults: hasync lab fault --state %s --device vra-b drop|refuse|delay D|clear\nready\n", dir)
		if err := w.Flush(); err != nil {
			return err
		}
		<-labCtx.Done()
	}
	return nil
}

// fetchConfig runs one command on a device over SSH and returns its output.
// The console's SSH transport (sshclient) replaces this with streaming,
// keepalives and prompt handling.
func fetchConfig(ctx context.Context, addr string, cfg *ssh.ClientConfig, command string) ([]byte, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	client := ssh.NewClient(c, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	return sess.Output(command)
}
