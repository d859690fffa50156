package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/backend/syncmap"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
	"github.com/hasync/hasync/sshclient"
	"github.com/hasync/hasync/tui"
	"github.com/hasync/hasync/views"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var width int
	var hold, print bool
	var reject []string
	var o demoOptions
	var serve bool    // demo --serve (E)
	var sf serveFlags // demo --serve (E)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open the console on an emulated Vyatta pair and Huawei HRP pair (no set-up)",
		Long: `demo starts an emulated Vyatta router pair (with a sync-map, drift, and
one change vra-b rejects at commit) and an emulated Huawei USG HRP pair (with
drift, a parameter conflict and sessions) on loopback, and opens the console
on them over real SSH with the host keys verified. Everything it writes (the
lab's state, the console's log, known_hosts, the audit record and
inventory.yaml) lives in one temporary directory, removed on exit; the
console's log file names it. While the console runs, the other commands
reach the demo's devices with --inventory DIR/inventory.yaml (for example
'hasync diff --pair lab-vyatta --inventory DIR/inventory.yaml').

Without a terminal (stdout not a TTY) or with --print, demo prints a text
report of the Vyatta pair instead: both configurations read over SSH, their
difference within the pair's own sync-map, and the commands a sync would send.

The lab's state directory has a control socket while the demo runs, so that
'hasync lab fault --state DIR --device vra-b drop' (or refuse, delay D,
clear; devices vra-a, vra-b, FW-A, FW-B) acts on it. With --print --hold
the lab stays up after the report until interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			rej, err := parseRejects(reject)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("demo: %w", err)}
			}
			// An interrupt (ctrl+c before the console owns the terminal,
			// or while the report runs), a SIGTERM or a hang-up ends the
			// demo through its context, so its directory (private keys,
			// the password) is removed as on a normal exit.
			sigCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			interrupted := func(err error) error {
				if sigCtx.Err() != nil && ctx.Err() == nil {
					return &exitError{code: 130, err: errors.New("demo: interrupted; its directory is removed")}
				}
				return &exitError{code: 2, err: fmt.Errorf("demo: %w", err)}
			}
			if serve {
				o.serve = &sf // demo --serve (E): served over SSH, no terminal needed
			}
			if !print && (serve || isTerminal(cmd.OutOrStdout())) {
				o.reject = rej
				if err := runDemoConsole(sigCtx, cmd.OutOrStdout(), o); err != nil {
					return interrupted(err)
				}
				return nil
			}
			if width <= 0 {
				width = terminalWidth()
			}
			if err := runDemo(sigCtx, cmd.OutOrStdout(), width, hold); err != nil {
				return interrupted(err)
			}
			if !hold && sigCtx.Err() != nil && ctx.Err() == nil {
				return interrupted(nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&serve, "serve", false, "serve the demo's console over SSH to others instead of opening it here (hasync serve's flags apply)")
	addServeFlags(cmd.Flags(), &sf, demoStateDir)
	cmd.Flags().IntVar(&width, "width", 0, "width of the side-by-side view of the printed report (default: the terminal's)")
	cmd.Flags().BoolVar(&hold, "hold", false, "keep the emulated pair running after the printed report until interrupted (for hasync lab fault)")
	cmd.Flags().BoolVar(&print, "print", false, "print the text report instead of opening the console")
	cmd.Flags().BoolVar(&o.ascii, "ascii", false, "ASCII glyphs only in the console")
	cmd.Flags().BoolVar(&o.readOnly, "read-only", false, "the console changes nothing on the emulated devices (every action that writes is shown disabled)")
	cmd.Flags().IntVar(&o.lines, "lines", 0, "size of each emulated device's configuration in the console (default: the lab's seed)")
	cmd.Flags().StringArrayVar(&reject, "reject", []string{demoReject}, "a configuration path vra-b refuses at commit (words separated by spaces; repeatable)")
	return cmd
}

// demoReject is the change of the Vyatta pair's in-scope drift that vra-b
// refuses at commit: a sync would send it, and the device, not the
// schema, says no (lab --reject).
const demoReject = "security firewall name CUST-0000-IN rule 20"

// demoSessions is the size of FW-A's session table in the demo.
const demoSessions = 1842

func parseRejects(in []string) ([][]string, error) {
	var out [][]string
	for _, r := range in {
		w := strings.Fields(r)
		if len(w) == 0 {
			return nil, fmt.Errorf("--reject %q: expected a configuration path", r)
		}
		out = append(out, w)
	}
	return out, nil
}

// demoOptions are the console demo's flags.
type demoOptions struct {
	reject   [][]string
	lines    int
	ascii    bool
	readOnly bool
	// serve, when set, serves the console over SSH (demo --serve, E).
	serve *serveFlags
}

// runDemoConsole starts both emulated pairs in a temporary directory and
// runs the console on them until the user quits. Before the console takes
// the terminal it prints where the demo lives (out is the terminal): the
// start of a large lab takes seconds, and `hasync lab fault --state DIR`
// needs the directory.
func runDemoConsole(ctx context.Context, out io.Writer, o demoOptions) error {
	dir, err := os.MkdirTemp("", "hasync-demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(out, "hasync demo: starting the emulated pairs in %s\n", dir)
	fmt.Fprintf(out, "(its console.log, inventory.yaml and the lab's state; removed on exit)\n")
	log, closer, err := tui.OpenLog(filepath.Join(dir, "console.log"))
	if err != nil {
		return err
	}
	defer closer.Close()
	// The labs stop on ctx only while they start: once started they run
	// until this function returns, so that a SIGTERM to demo --serve
	// ends the sessions (each told why) before the devices go away.
	labCtx, stopLab := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLab()
	started := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			stopLab()
		case <-started:
		case <-labCtx.Done(): // returned before the labs started
		}
	}()
	vp, err := vyatta.StartPair(labCtx, vyatta.PairOptions{Dir: filepath.Join(dir, "vyatta"), Reject: o.reject, Lines: o.lines})
	if err != nil {
		return err
	}
	defer vp.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	hp, err := huawei.StartPair(labCtx, huawei.PairOptions{Dir: filepath.Join(dir, "huawei"), Sessions: demoSessions, Lines: o.lines})
	if err != nil {
		return err
	}
	defer hp.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := demoHRPCheck(ctx, hp); err != nil {
		log.Warn("demo: hrp configuration check", "err", err)
	}
	close(started)
	ctlPath := "none"
	if ctl, err := lab.ServeControl(dir, append(vyattaControl(vp), huaweiControl(hp)...)); err == nil {
		defer ctl.Close()
		ctlPath = ctl.Path()
	} else if !errors.Is(err, lab.ErrControlPath) {
		return err
	}
	inv, err := writeDemoInventory(filepath.Join(dir, lab.InventoryFile), vp.Inventory, hp.Inventory)
	if err != nil {
		return err
	}
	// The demo's directory, for `hasync lab fault --state DIR`.
	log.Info("demo lab", "state", dir, "control", ctlPath, "pairs", len(inv.Pairs))
	if err := ctx.Err(); err != nil {
		return err
	}
	co := tui.Options{
		// The top line names the demo's directory (the lab's state for
		// hasync lab fault --state, the console's log, inventory.yaml).
		Inventory: inv, Logger: log, Title: demoTitle(dir, o.ascii), ASCII: o.ascii, ReadOnly: o.readOnly,
		AuditDir: filepath.Join(dir, "audit"),
		// Nothing outside the temporary directory: no ~/.ssh/config,
		// no ~/.ssh/known_hosts (the lab's own file pins its keys).
		Pair: pair.Options{SSHConfigFile: "none", UserKnownHosts: "none", Monitor: true, Refresh: 20 * time.Second,
			Backoff: pair.Backoff{Min: 500 * time.Millisecond, Max: 5 * time.Second}},
		NoColor: os.Getenv("NO_COLOR") != "",
	}
	if o.serve != nil { // demo --serve (E): host key, serve.log and locks in the demo's directory
		return runServe(ctx, *o.serve, inv, dir, co, co.Pair, os.Stderr)
	}
	return tui.Run(ctx, co)
}

// writeDemoInventory writes one inventory at path with the pairs of the
// labs' inventories (so `hasync status --inventory DIR/inventory.yaml`
// reaches the demo's devices while it runs) and loads it.
func writeDemoInventory(path string, files ...string) (*inventory.Inventory, error) {
	var all lab.Inventory
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var one lab.Inventory
		if err := yaml.Unmarshal(b, &one); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		all.Pairs = append(all.Pairs, one.Pairs...)
	}
	if err := lab.WriteInventory(path, all); err != nil {
		return nil, err
	}
	return inventory.Load(path)
}

// demoHRPCheck runs the device's own `hrp configuration check all` on
// FW-A once HRP is up, so the HA tab shows its result beside hasync's
// count (DOMAIN.md "HRP").
func demoHRPCheck(ctx context.Context, hp *huawei.Pair) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := hp.HRP.WaitUp(ctx); err != nil {
		return err
	}
	_, err := labExec(ctx, hp.PairState, hp.A.SSH.Port(), "hrp configuration check all")
	return err
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

	w := bufio.NewWriter(out)
	defer w.Flush()
	fmt.Fprintf(w, "Emulated pair on loopback: vra-a (ssh port %d), vra-b (ssh port %d)\n", pair.A.SSH.Port(), pair.B.SSH.Port())
	fmt.Fprintf(w, "Lab state directory: %s (%s)\n", dir, ctlNote)
	var trees [2]*config.Tree
	for i, m := range []*vyatta.Member{pair.A, pair.B} {
		name := m.Device.Name()
		text, err := labExec(ctx, pair.PairState, m.SSH.Port(), "show configuration commands")
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

// labExec runs one command on a lab device over SSH, through the
// console's own client (sshclient: the device's host key checked against
// the lab's known_hosts, the lab's client key, nothing read from ~/.ssh),
// and returns its standard output, one line end per line. A command that
// fails returns its standard error in the error.
func labExec(ctx context.Context, st lab.PairState, port int, command string) ([]byte, error) {
	c, err := sshclient.Dial(ctx, sshclient.Config{
		Host: "127.0.0.1", Port: port, User: st.User,
		SSHConfigFile: "none",
		KnownHosts:    []string{filepath.Join(st.Dir, lab.KnownHostsFile)},
		IdentityFiles: []string{filepath.Join(st.Dir, lab.ClientKeyFile)},
		Timeout:       10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out bytes.Buffer
	var stderr []string
	err = c.ExecStreams(ctx, command,
		func(line string) { out.WriteString(line); out.WriteByte('\n') },
		func(line string) { stderr = append(stderr, line) })
	if err != nil {
		if len(stderr) > 0 {
			return nil, fmt.Errorf("%s: %w: %s", command, err, strings.Join(stderr, "; "))
		}
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	return out.Bytes(), nil
}

// demoTitle is the console's top line in the demo: it names the demo's
// directory, with the list's separator (ASCII under --ascii).
func demoTitle(dir string, ascii bool) string {
	t := "hasync demo · " + dir
	if ascii {
		return views.ASCIIText(t)
	}
	return t
}
