package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/hasync/hasync/backend/audit"
	"github.com/hasync/hasync/backend/inventory"
	"github.com/hasync/hasync/backend/pair"
	"github.com/hasync/hasync/tui"
)

// memoryBudget is the heap size at which the garbage collector of a
// one-shot command starts to work. Issue 14 asks for a peak under 50 MB
// on its 100k-line pairs; a smaller budget does not get there: at 10%
// drift the live heap alone is about 75 MB, and a 48 MB budget doubled
// the CPU time for a peak of 75 MB instead of 82 MB (measured with
// /usr/bin/time, 5 runs each). Below the budget no collection runs: at 1%
// drift the peak is 48 MB either way.
const memoryBudget = 96 << 20

// oneShotMemory tunes the garbage collector for a command that reads its
// input, prints and exits (diff, fmt): collect only when the heap nears the
// budget, not every time it doubles. Long-running commands (lab, the
// console) keep Go's default, since their live heap may exceed the budget.
func oneShotMemory(*cobra.Command, []string) {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(memoryBudget)
}

// exitError carries a process exit status through cobra, so that `hasync
// diff` can exit 1 for "different" without printing an error.
type exitError struct {
	code int
	err  error
	// usage, when set, is printed on the line after the error.
	usage string
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status: 0 success, 1
// "different" (diff), 2 an error.
func run(args []string, stdout, stderr io.Writer) int {
	return runTree(newRootCmd(args), args, stdout, stderr)
}

// runTree executes the command line in the command tree root.
func runTree(root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "hasync:", ee.err)
		}
		if ee.usage != "" {
			fmt.Fprintln(stderr, ee.usage)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "hasync:", err)
	return 2
}

// newRootCmd builds the command tree for the command line args. A line
// that starts with a command's name (hasync diff ...) gets a tree of the
// root and that command alone: the others' flags and help texts, and
// cobra's completion command, are not built for it (about 0.1 ms of
// `hasync diff`'s start, issue 14). Help, usage and errors
// of the named command read the same in either tree
// (TestCommandTreeNamedAlone). Any other line (none, a flag, help,
// completion, an unknown or mistyped name) gets the whole tree.
func newRootCmd(args []string) *cobra.Command {
	console := &consoleFlags{}
	root := &cobra.Command{
		Use:   "hasync",
		Short: "Console for the two devices of a high-availability firewall or router pair",
		Long: `hasync compares the configurations of the two devices of an HA pair
(Vyatta family: VRA, Vyatta 5600, VyOS; Huawei USG with HRP), aligned by
configuration path, within the scope of a sync-map.

Without a command, hasync opens the interactive console on the inventory's
pairs (--inventory, --read-only); 'hasync demo' opens it on an emulated lab.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd, console)
		},
	}
	root.Flags().StringVar(&console.inventory, "inventory", "", "the inventory `FILE` the console opens (default: $"+inventory.EnvPath+", else inventory.yaml in the user's hasync configuration directory)")
	root.Flags().BoolVar(&console.readOnly, "read-only", false, "change nothing on any device (the console only reads)")
	root.Flags().BoolVar(&console.ascii, "ascii", false, "ASCII glyphs only (for terminals that draw ● ✓ ⇄ at the wrong width)")
	if len(args) > 0 {
		for _, c := range commands {
			if c.name == args[0] {
				root.AddCommand(c.build())
				root.CompletionOptions.DisableDefaultCmd = true
				return root
			}
		}
	}
	for _, c := range commands {
		root.AddCommand(c.build())
	}
	return root
}

// commands are hasync's commands in the order of its help, each by the
// name its Use starts with.
var commands = []struct {
	name  string
	build func() *cobra.Command
}{
	{"diff", func() *cobra.Command { c := newDiffCmd(); c.PreRun = oneShotMemory; return c }},
	{"fmt", func() *cobra.Command { c := newFmtCmd(); c.PreRun = oneShotMemory; return c }},
	{"demo", newDemoCmd},
	{"lab", newLabCmd},
	{"status", newStatusCmd},
	{"sync", newSyncCmd},
	{"serve", newServeCmd},
}

// consoleFlags are the flags of `hasync` without a command.
type consoleFlags struct {
	inventory string
	readOnly  bool
	ascii     bool
}

// runConsole opens the console on the inventory. It needs a terminal;
// the log goes to a file under the user's state directory.
func runConsole(cmd *cobra.Command, f *consoleFlags) error {
	if !isTerminal(cmd.OutOrStdout()) {
		return &exitError{code: 2, err: errors.New("the console needs a terminal (for scripts: hasync status, hasync diff --pair)")}
	}
	inv, err := loadInventory(f.inventory)
	if errors.Is(err, os.ErrNotExist) {
		return &exitError{code: 2, err: err, usage: "no inventory yet: pass --inventory FILE, or try the console on an emulated lab: hasync demo"}
	}
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	logPath, err := tui.LogPath()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	log, closer, err := tui.OpenLog(logPath)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("console log: %w", err)}
	}
	defer closer.Close()
	log.Info("console start", "inventory", inv.Path, "pairs", len(inv.Pairs))
	auditDir, _ := audit.DefaultDir()
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	err = tui.Run(ctx, tui.Options{
		Inventory: inv, ReadOnly: f.readOnly, Logger: log, ASCII: f.ascii, AuditDir: auditDir,
		Pair:    pair.Options{Monitor: true},
		NoColor: os.Getenv("NO_COLOR") != "",
	})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	return nil
}
