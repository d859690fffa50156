package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

// labFlags are the flags of `hasync lab`.
type labFlags struct {
	family   string
	dir      string
	lines    int
	delay    time.Duration
	reject   []string
	password string
	sshPorts []int
	restPort []int

	faultDevice    string
	refuse         bool
	failAuth       bool
	changedHostKey bool
	dropAfterLines int
	dropInCommit   bool
	faultDelay     time.Duration
	sessions       int
	cutHRP         bool
}

func newLabCmd() *cobra.Command {
	var f labFlags
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run an emulated HA pair on loopback (SSH and HTTPS REST) for demos and tests",
		Long: `lab starts both devices of an emulated pair on 127.0.0.1: vra-a and vra-b
for --family vyatta, each with an SSH CLI and an HTTPS REST API, seeded with
a realistic configuration and a drift between the two, and config-sync from
vra-a to vra-b. It prints "ready" and the path of inventory.yaml, and runs
until interrupted. The state directory keeps keys, password and the saved
configurations, so a restart with the same --dir keeps them.

Fault flags act on one device (--fault-device) from the start; tests use
the Go API (lab.Faults) to turn them at any time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runLab(ctx, cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.family, "family", "vyatta", "device family: vyatta (vra-a, vra-b) or huawei (FW-A, FW-B with HRP)")
	fl.StringVar(&f.dir, "dir", "", "state directory (default: a new temporary directory)")
	fl.IntVar(&f.lines, "lines", vyatta.DefaultSeedLines, "size of each seeded configuration, in set lines")
	fl.DurationVar(&f.delay, "delay", 0, "pause before each output line, so streaming is visible (e.g. 50ms)")
	fl.StringArrayVar(&f.reject, "reject", nil, `a path whose changes vra-b refuses on commit, e.g. "service nat" (repeatable)`)
	fl.StringVar(&f.password, "password", "", "password of user vyatta (default: the stored one, or a new one printed once)")
	fl.IntSliceVar(&f.sshPorts, "ssh-ports", nil, "SSH ports of vra-a,vra-b (default: free ports)")
	fl.IntSliceVar(&f.restPort, "rest-ports", nil, "HTTPS REST ports of vra-a,vra-b (default: free ports)")
	fl.StringVar(&f.faultDevice, "fault-device", "", "the device the fault flags act on (default: vra-b or FW-B)")
	fl.IntVar(&f.sessions, "sessions", 20, "huawei: sessions in FW-A's session table")
	fl.BoolVar(&f.cutHRP, "cut-hrp", false, "huawei fault: cut the HRP heartbeat link")
	fl.BoolVar(&f.refuse, "refuse", false, "fault: close new connections at once")
	fl.BoolVar(&f.failAuth, "fail-auth", false, "fault: fail every authentication")
	fl.BoolVar(&f.changedHostKey, "changed-host-key", false, "fault: present a host key other than the one in known_hosts")
	fl.IntVar(&f.dropAfterLines, "drop-after-lines", 0, "fault: drop the connection after N output lines of a command")
	fl.BoolVar(&f.dropInCommit, "drop-in-commit", false, "fault: drop the connection in the middle of a commit's output")
	fl.DurationVar(&f.faultDelay, "fault-delay", 0, "fault: delay every response and output line")
	cmd.AddCommand(newLabCLICmd())
	return cmd
}

// ErrLabFamily is a --family the lab cannot emulate.
var ErrLabFamily = errors.New("lab: unknown or not yet emulated family")

func runLab(ctx context.Context, cmd *cobra.Command, f labFlags) error {
	fam, err := config.ParseFamily(f.family)
	if err != nil {
		return err
	}
	if fam == config.Huawei {
		return runLabHuawei(ctx, cmd, f)
	}
	if fam != config.Vyatta {
		return fmt.Errorf("%w: %s (expected vyatta or huawei)", ErrLabFamily, f.family)
	}
	if f.faultDevice == "" {
		f.faultDevice = "vra-b"
	}
	if f.faultDevice != "vra-a" && f.faultDevice != "vra-b" {
		return fmt.Errorf("lab: --fault-device %q: expected vra-a or vra-b", f.faultDevice)
	}
	o := vyatta.PairOptions{Dir: f.dir, Lines: f.lines, Delay: f.delay, Password: f.password}
	for _, r := range f.reject {
		if p := strings.Fields(r); len(p) > 0 {
			o.Reject = append(o.Reject, p)
		}
	}
	if o.SSHAddrs, err = labAddrs("--ssh-ports", f.sshPorts); err != nil {
		return err
	}
	if o.RESTAddrs, err = labAddrs("--rest-ports", f.restPort); err != nil {
		return err
	}
	if o.Dir == "" {
		if o.Dir, err = os.MkdirTemp("", "hasync-lab-"); err != nil {
			return err
		}
	}
	p, err := vyatta.StartPair(ctx, o)
	if err != nil {
		return err
	}
	defer p.Close()
	for _, m := range p.Members() {
		if m.Device.Name() == f.faultDevice {
			m.Faults.SetRefuse(f.refuse)
			m.Faults.SetFailAuth(f.failAuth)
			m.Faults.SetChangedHostKey(f.changedHostKey)
			m.Faults.SetDropAfterLines(f.dropAfterLines)
			m.Faults.SetDropInCommit(f.dropInCommit)
			m.Faults.SetDelay(f.faultDelay)
		}
	}
	out := cmd.OutOrStdout()
	for _, m := range p.Members() {
		fmt.Fprintf(out, "%s: ssh -p %d %s@127.0.0.1   rest %s\n", m.Device.Name(), m.SSH.Port(), p.User, m.RESTURL)
	}
	if p.PasswordCreated {
		fmt.Fprintf(out, "password of user %s: %s (export %s=...; shown once, kept in %s)\n",
			p.User, p.Password, lab.PasswordEnv, filepath.Join(p.Dir, lab.PasswordFile))
	}
	fmt.Fprintln(out, "ready")
	fmt.Fprintln(out, p.Inventory)
	<-ctx.Done()
	return nil
}

// labAddrs turns a list of two ports into listen addresses.
func labAddrs(flag string, ports []int) ([2]string, error) {
	var a [2]string
	switch len(ports) {
	case 0:
		return a, nil
	case 2:
		for i, p := range ports {
			if p < 0 || p > 65535 {
				return a, fmt.Errorf("lab: %s: port %d out of range", flag, p)
			}
			a[i] = "127.0.0.1:" + strconv.Itoa(p)
		}
		return a, nil
	}
	return a, fmt.Errorf("lab: %s takes two ports (vra-a,vra-b), got %d", flag, len(ports))
}

func newLabCLICmd() *cobra.Command {
	var family, state, device string
	cmd := &cobra.Command{
		Use:   "cli [command...]",
		Short: "Run one emulated device's CLI on stdin/stdout (behind another SSH server)",
		Long: `cli runs the command line of one device of a lab state directory on
stdin and stdout, for use as the forced command of another SSH server. With
arguments it runs them as one operational command and exits. It runs its own
instance of the device on the saved configuration: 'save' writes it back.
config-sync reaches the peer through the REST URLs of inventory.yaml.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fam, err := config.ParseFamily(family)
			if err != nil {
				return err
			}
			if state == "" {
				return errors.New("lab cli: --state DIR is required")
			}
			switch fam {
			case config.Huawei:
				if !cmd.Flags().Changed("device") {
					device = "FW-A"
				}
				return runLabCLIHuawei(cmd, state, device, args)
			case config.Vyatta:
				return runLabCLI(cmd, state, device, args)
			}
			return fmt.Errorf("%w: %s (expected vyatta or huawei)", ErrLabFamily, family)
		},
	}
	cmd.Flags().StringVar(&family, "family", "vyatta", "device family")
	cmd.Flags().StringVar(&state, "state", "", "the lab state directory (as written by `hasync lab --dir`)")
	cmd.Flags().StringVar(&device, "device", "vra-a", "which device of the pair (huawei: FW-A or FW-B, default FW-A)")
	return cmd
}

func runLabCLI(cmd *cobra.Command, dir, name string, args []string) error {
	if name != "vra-a" && name != "vra-b" {
		return fmt.Errorf("lab cli: --device %q: expected vra-a or vra-b", name)
	}
	pw, _, err := lab.LoadOrCreatePassword(dir, "")
	if err != nil {
		return err
	}
	seedA, seedB, err := vyatta.SeedPair(0)
	if err != nil {
		return err
	}
	initial := seedA
	if name == "vra-b" {
		initial = seedB
	}
	d, err := vyatta.New(vyatta.Options{Name: name, User: "vyatta", Password: pw, StateDir: dir}, initial)
	if err != nil {
		return err
	}
	if urls := labInventoryURLs(filepath.Join(dir, lab.InventoryFile)); len(urls) > 0 {
		tlsFiles, err := lab.LoadTLS(dir)
		if err != nil {
			return err
		}
		vyatta.EnableConfigSync(d, vyatta.SyncOptions{
			Resolve: func(addr string) (string, bool) { u, ok := urls[addr]; return u, ok },
			TLS:     tlsFiles.ClientConfig(),
		})
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if len(args) > 0 {
		if code := d.Exec(ctx, "vyatta", strings.Join(args, " "), cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
			return &exitError{code: code}
		}
		return nil
	}
	d.Shell(ctx, "vyatta", lab.NewStreamTerminal(cmd.InOrStdin(), cmd.OutOrStdout()))
	return nil
}

// labInventoryURLs maps the addresses config-sync names (10.0.0.1,
// 10.0.0.2, and the device names) to the REST URLs of inventory.yaml.
func labInventoryURLs(path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var inv lab.Inventory
	if err := yaml.Unmarshal(b, &inv); err != nil {
		return nil
	}
	urls := map[string]string{}
	for _, p := range inv.Pairs {
		for _, d := range p.Devices {
			urls[d.Name] = d.RESTURL
			switch d.Name {
			case "vra-a":
				urls[vyatta.SeedAddrA] = d.RESTURL
			case "vra-b":
				urls[vyatta.SeedAddrB] = d.RESTURL
			}
		}
	}
	return urls
}

// runLabHuawei runs `hasync lab --family huawei`: FW-A and FW-B with HRP.
func runLabHuawei(ctx context.Context, cmd *cobra.Command, f labFlags) error {
	if f.faultDevice == "" {
		f.faultDevice = "FW-B"
	}
	if f.faultDevice != "FW-A" && f.faultDevice != "FW-B" {
		return fmt.Errorf("lab: --fault-device %q: expected FW-A or FW-B", f.faultDevice)
	}
	if len(f.reject) > 0 || len(f.restPort) > 0 {
		return errors.New("lab: --reject and --rest-ports are for --family vyatta")
	}
	o := huawei.PairOptions{Dir: f.dir, Lines: f.lines, Sessions: f.sessions, Delay: f.delay, Password: f.password}
	var err error
	if o.SSHAddrs, err = labAddrs("--ssh-ports", f.sshPorts); err != nil {
		return err
	}
	if o.Dir == "" {
		if o.Dir, err = os.MkdirTemp("", "hasync-lab-"); err != nil {
			return err
		}
	}
	p, err := huawei.StartPair(ctx, o)
	if err != nil {
		return err
	}
	defer p.Close()
	p.Faults.SetCutHRP(f.cutHRP)
	for _, m := range p.Members() {
		if m.Device.Name() == f.faultDevice {
			m.Faults.SetRefuse(f.refuse)
			m.Faults.SetFailAuth(f.failAuth)
			m.Faults.SetChangedHostKey(f.changedHostKey)
			m.Faults.SetDropAfterLines(f.dropAfterLines)
			m.Faults.SetDropInCommit(f.dropInCommit)
			m.Faults.SetDelay(f.faultDelay)
		}
	}
	out := cmd.OutOrStdout()
	for _, m := range p.Members() {
		fmt.Fprintf(out, "%s: ssh -p %d %s@127.0.0.1\n", m.Device.Name(), m.SSH.Port(), p.User)
	}
	if p.PasswordCreated {
		fmt.Fprintf(out, "password of user %s: %s (export %s=...; shown once, kept in %s)\n",
			p.User, p.Password, lab.PasswordEnv, filepath.Join(p.Dir, lab.PasswordFile))
	}
	fmt.Fprintln(out, "ready")
	fmt.Fprintln(out, p.Inventory)
	<-ctx.Done()
	return nil
}

// runLabCLIHuawei runs one USG's CLI on stdin/stdout, on its saved
// configuration, without HRP (the peer runs in another process).
func runLabCLIHuawei(cmd *cobra.Command, dir, name string, args []string) error {
	if name != "FW-A" && name != "FW-B" {
		return fmt.Errorf("lab cli: --device %q: expected FW-A or FW-B", name)
	}
	pw, _, err := lab.LoadOrCreatePassword(dir, "")
	if err != nil {
		return err
	}
	seedA, seedB, err := huawei.SeedPair(0)
	if err != nil {
		return err
	}
	initial := seedA
	if name == "FW-B" {
		initial = seedB
	}
	d, err := huawei.New(huawei.Options{Name: name, User: "admin", Password: pw, StateDir: dir}, initial)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if len(args) > 0 {
		if code := d.Exec(ctx, "admin", strings.Join(args, " "), cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
			return &exitError{code: code}
		}
		return nil
	}
	d.Shell(ctx, "admin", lab.NewStreamTerminal(cmd.InOrStdin(), cmd.OutOrStdout()))
	return nil
}
