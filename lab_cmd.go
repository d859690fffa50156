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
	ssh      labSSHFlags // lab_cmd_ssh.go

	faultDevice    string
	refuse         bool
	failAuth       bool
	changedHostKey bool
	dropAfterLines int
	dropInCommit   bool
	faultDelay     time.Duration
	sessions       int
	cutHRP         bool

	// Vyatta only.
	vyFlavor        string
	vyPartialCommit bool
	vyVRRPFailover  bool // --vrrp-failover: vra-a's VRRP fails, vra-b is master
	// Huawei HRP: the hello interval and the failover faults.
	hrpHello      time.Duration
	hrpDead       int
	hrpFailover   bool
	hrpDualActive bool

	// Several pairs from one process (lab_pairs.go).
	pairs    int
	basePort int
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

Fault flags act on one device (--fault-device) from the start; while the
lab runs, 'hasync lab fault --state DIR --device NAME VERB' turns them
through the control socket DIR/control.sock (owner only), and tests use
the Go API (lab.Faults). --pairs N serves N pairs from one process on
consecutive ports (DIR/pair-1 ... DIR/pair-N, one inventory.yaml in DIR).`,
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
	fl.StringVar(&f.password, "password", "", "password of user vyatta (default: the stored one, or a new one kept in DIR/password, never printed)")
	fl.IntSliceVar(&f.sshPorts, "ssh-ports", nil, "SSH ports of vra-a,vra-b (default: free ports)")
	fl.IntSliceVar(&f.restPort, "rest-ports", nil, "HTTPS REST ports of vra-a,vra-b (default: free ports)")
	addLabSSHFlags(cmd, &f)
	fl.StringVar(&f.faultDevice, "fault-device", "", "the device the fault flags act on (default: vra-b or FW-B)")
	fl.IntVar(&f.sessions, "sessions", defaultLabSessions, "huawei: sessions in FW-A's session table")
	fl.BoolVar(&f.cutHRP, "cut-hrp", false, "huawei fault: cut the HRP heartbeat link")
	fl.DurationVar(&f.hrpHello, "hrp-hello", huawei.DefaultHeartbeat, "huawei: HRP hello interval, unless the configuration sets hrp timer hello")
	fl.IntVar(&f.hrpDead, "hrp-dead-intervals", huawei.DefaultDeadIntervals, "huawei: silent hello intervals after which HRP takes the peer as faulty")
	fl.BoolVar(&f.hrpFailover, "hrp-failover", false, "huawei fault: fail over once HRP is up (FW-B becomes active, HRP_M; FW-A standby, HRP_S)")
	fl.BoolVar(&f.hrpDualActive, "hrp-dual-active", false, "huawei fault: dual active (heartbeat lost, both members active)")
	fl.BoolVar(&f.refuse, "refuse", false, "fault: close new connections at once")
	fl.BoolVar(&f.failAuth, "fail-auth", false, "fault: fail every authentication")
	fl.BoolVar(&f.changedHostKey, "changed-host-key", false, "fault: present a host key other than the one in known_hosts")
	fl.IntVar(&f.dropAfterLines, "drop-after-lines", 0, "fault: drop the connection after N output lines of a command")
	fl.BoolVar(&f.dropInCommit, "drop-in-commit", false, "fault: drop the connection in the middle of a commit's output")
	fl.DurationVar(&f.faultDelay, "fault-delay", 0, "fault: delay every response and output line")
	fl.StringVar(&f.vyFlavor, "flavor", "vra", "vyatta: which device both members play: vra (VRA / Vyatta 5600) or vyos")
	fl.BoolVar(&f.vyPartialCommit, "partial-commit", false, "vyatta: commit per priority subtree, so a failing subtree leaves the others applied (default: all or nothing)")
	fl.BoolVar(&f.vyVRRPFailover, "vrrp-failover", false, "vyatta fault: vra-a's VRRP fails (FAULT), so vra-b is master of every group (see show vrrp)")
	addLabPairsFlags(fl, &f)
	cmd.AddCommand(newLabCLICmd(), newLabFaultCmd())
	return cmd
}

// ErrLabFamily is a --family the lab cannot emulate.
var ErrLabFamily = errors.New("lab: unknown or not yet emulated family")

// labFamily is what `hasync lab` and `hasync lab cli` need to know about
// one emulated family; the rest of both commands is the same for all.
type labFamily struct {
	devices [2]string // the pair's devices; the second is the default --fault-device
	user    string    // the login of `lab cli`
	// rest tells whether the family has a REST API and config-sync, so
	// --rest-ports and --reject apply.
	rest bool
	// start runs the pair in dir with the SSH and REST listen addresses.
	start func(ctx context.Context, f labFlags, dir string, sshAddrs, restAddrs [2]string) (*labPair, error)
	// device makes one device of the pair in state directory dir for
	// `lab cli`, on the seed of the pair's first or second device.
	device func(dir, name, password string, initial *config.Tree) (lab.Handler, error)
	seed   func(lines int) (a, b *config.Tree, err error)
}

// labPair is a running pair as `hasync lab` reports it.
type labPair struct {
	state   *lab.PairState
	members []labMember
	close   func()
	// control are the pair's devices as the control socket acts on them.
	control []lab.ControlDevice
}

// labMember is one running device of a labPair.
type labMember struct {
	name   string
	port   int    // of SSH
	reach  string // printed after its ssh command line: how else to reach it
	faults *lab.Faults
}

// labFamilies are the families the lab emulates.
func labFamilies() map[config.Family]labFamily {
	return map[config.Family]labFamily{
		config.Vyatta: {
			devices: [2]string{"vra-a", "vra-b"}, user: "vyatta", rest: true,
			start: startLabVyatta, device: newLabCLIVyatta, seed: vyatta.SeedPair,
		},
		config.Huawei: {
			devices: [2]string{"FW-A", "FW-B"}, user: "admin",
			start: startLabHuawei, device: newLabCLIHuawei, seed: huawei.SeedPair,
		},
	}
}

// labFamilyFor is the emulated family fam, which --family named as name.
func labFamilyFor(fam config.Family, name string) (labFamily, error) {
	lf, ok := labFamilies()[fam]
	if !ok {
		return labFamily{}, fmt.Errorf("%w: %s (expected vyatta or huawei)", ErrLabFamily, name)
	}
	return lf, nil
}

// checkDevice refuses a --device or --fault-device (flag) that names no
// device of the family's pair; what names the command in the error.
func (lf labFamily) checkDevice(what, flag, name string) error {
	if name != lf.devices[0] && name != lf.devices[1] {
		return fmt.Errorf("%s: %s %q: expected %s or %s", what, flag, name, lf.devices[0], lf.devices[1])
	}
	return nil
}

func runLab(ctx context.Context, cmd *cobra.Command, f labFlags) error {
	fam, err := config.ParseFamily(f.family)
	if err != nil {
		return err
	}
	lf, err := labFamilyFor(fam, f.family)
	if err != nil {
		return err
	}
	if f.faultDevice == "" {
		f.faultDevice = lf.devices[1]
	}
	if err := lf.checkDevice("lab", "--fault-device", f.faultDevice); err != nil {
		return err
	}
	if !lf.rest && (len(f.reject) > 0 || len(f.restPort) > 0) {
		return errors.New("lab: --reject and --rest-ports are for --family vyatta")
	}
	if !lf.rest && (cmd.Flags().Changed("flavor") || f.vyPartialCommit || f.vyVRRPFailover) {
		return errors.New("lab: --flavor, --partial-commit and --vrrp-failover are for --family vyatta")
	}
	if err := checkLabSSHFamily(cmd, lf, f.family); err != nil {
		return err
	}
	if err := checkLabPairsFlags(f); err != nil {
		return err
	}
	sshAddrs, err := labAddrs("--ssh-ports", f.sshPorts)
	if err != nil {
		return err
	}
	restAddrs, err := labAddrs("--rest-ports", f.restPort)
	if err != nil {
		return err
	}
	dir := f.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "hasync-lab-"); err != nil {
			return err
		}
	}
	lp, err := startLabPairs(ctx, lf, f, dir, sshAddrs, restAddrs)
	if err != nil {
		return err
	}
	defer lp.close()
	for _, p := range lp.pairs {
		for _, m := range p.members {
			if m.name == f.faultDevice {
				m.faults.SetRefuse(f.refuse)
				m.faults.SetFailAuth(f.failAuth)
				m.faults.SetChangedHostKey(f.changedHostKey)
				m.faults.SetDropAfterLines(f.dropAfterLines)
				m.faults.SetDropInCommit(f.dropInCommit)
				m.faults.SetDelay(f.faultDelay)
			}
		}
	}
	out := cmd.OutOrStdout()
	ctlLine, closeCtl, err := serveLabControl(dir, lp.control())
	if err != nil {
		return err
	}
	defer closeCtl()
	st := lp.state
	for i, p := range lp.pairs {
		for _, m := range p.members {
			fmt.Fprintf(out, "%s%s: ssh -p %d %s@127.0.0.1%s\n", lp.prefix(i), m.name, m.port, st.User, m.reach)
		}
	}
	fmt.Fprintln(out, ctlLine)
	// The password itself is never printed (terminal scrollback, CI logs):
	// the inventory names its file, and a shell can read it from there.
	pwFile := filepath.Join(st.Dir, lab.PasswordFile)
	fmt.Fprintf(out, "password of user %s: in %s (export %s=\"$(cat %s)\")\n",
		st.User, pwFile, lab.PasswordEnv, pwFile)
	fmt.Fprintln(out, "ready")
	fmt.Fprintln(out, st.Inventory)
	<-ctx.Done()
	return nil
}

// startLabVyatta runs vra-a and vra-b with REST and config-sync.
func startLabVyatta(ctx context.Context, f labFlags, dir string, sshAddrs, restAddrs [2]string) (*labPair, error) {
	o := vyatta.PairOptions{Dir: dir, Lines: f.lines, Delay: f.delay, Password: f.password, SSHAddrs: sshAddrs, RESTAddrs: restAddrs}
	flavor, err := vyatta.ParseFlavor(f.vyFlavor)
	if err != nil {
		return nil, fmt.Errorf("lab: --flavor: %w", err)
	}
	o.Flavor, o.PartialCommit = flavor, f.vyPartialCommit
	o.VRRPFailover = f.vyVRRPFailover
	if o.SSH, err = f.ssh.login(); err != nil {
		return nil, err
	}
	o.Pager = f.ssh.pager
	for _, r := range f.reject {
		if p := strings.Fields(r); len(p) > 0 {
			o.Reject = append(o.Reject, p)
		}
	}
	p, err := vyatta.StartPair(ctx, o)
	if err != nil {
		return nil, err
	}
	lp := &labPair{state: &p.PairState, close: p.Close, control: vyattaControl(p)}
	for _, m := range p.Members() {
		// The second user, outside the secrets group, on the same port.
		reach := fmt.Sprintf("   rest %s   operator: ssh -p %d -i %s %s@127.0.0.1 (password in %s)",
			m.RESTURL, m.SSH.Port(), filepath.Join(p.Dir, vyatta.OperatorKeyFile), vyatta.OperatorUser,
			filepath.Join(p.Dir, vyatta.OperatorPasswordFile))
		lp.members = append(lp.members, labMember{name: m.Device.Name(), port: m.SSH.Port(), reach: reach, faults: m.Faults})
	}
	return lp, nil
}

// startLabHuawei runs FW-A and FW-B with HRP.
func startLabHuawei(ctx context.Context, f labFlags, dir string, sshAddrs, _ [2]string) (*labPair, error) {
	o := huawei.PairOptions{Dir: dir, Lines: f.lines, Sessions: f.sessions, Delay: f.delay, Password: f.password, SSHAddrs: sshAddrs,
		HRP:      huawei.HRPOptions{Heartbeat: f.hrpHello, DeadAfter: time.Duration(max(f.hrpDead, 1)) * f.hrpHello, LegacyPrefix: f.ssh.hwLegacyPrefix},
		Failover: f.hrpFailover, DualActive: f.hrpDualActive,
		FirstLogin: f.ssh.hwFirstLogin, ScreenLengthRefused: f.ssh.hwScreenLengthRefused}
	var err error
	if o.SSH, err = f.ssh.login(); err != nil {
		return nil, err
	}
	p, err := huawei.StartPair(ctx, o)
	if err != nil {
		return nil, err
	}
	p.Faults.SetCutHRP(f.cutHRP)
	lp := &labPair{state: &p.PairState, close: p.Close, control: huaweiControl(p)}
	for _, m := range p.Members() {
		lp.members = append(lp.members, labMember{name: m.Device.Name(), port: m.SSH.Port(), faults: m.Faults})
	}
	return lp, nil
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
config-sync reaches the peer through the REST URLs of inventory.yaml.

As the ForceCommand of an OpenSSH server (ForceCommand hasync lab cli
--state DIR ...), it runs the command the client asked for
($SSH_ORIGINAL_COMMAND) when it has no arguments of its own, and the
interactive CLI when the client asked for a shell.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fam, err := config.ParseFamily(family)
			if err != nil {
				return err
			}
			if state == "" {
				return errors.New("lab cli: --state DIR is required")
			}
			lf, err := labFamilyFor(fam, family)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("device") {
				device = lf.devices[0]
			}
			return runLabCLI(cmd, lf, state, device, args)
		},
	}
	cmd.Flags().StringVar(&family, "family", "vyatta", "device family")
	cmd.Flags().StringVar(&state, "state", "", "the lab state directory (as written by `hasync lab --dir`)")
	cmd.Flags().StringVar(&device, "device", "vra-a", "which device of the pair (huawei: FW-A or FW-B, default FW-A)")
	return cmd
}

// sshOriginalCommand is the variable in which OpenSSH's ForceCommand
// passes the command the client asked for.
const sshOriginalCommand = "SSH_ORIGINAL_COMMAND"

// runLabCLI runs one device's CLI on stdin/stdout, on its saved
// configuration; its peer, if any, runs in another process.
func runLabCLI(cmd *cobra.Command, lf labFamily, dir, name string, args []string) error {
	if err := lf.checkDevice("lab cli", "--device", name); err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("lab cli: --state %s: not a lab state directory", dir)
	}
	if err := checkOnePairState(dir); err != nil {
		return err
	}
	pw, _, err := lab.LoadOrCreatePassword(dir, "")
	if err != nil {
		return err
	}
	seedA, seedB, err := lf.seed(0)
	if err != nil {
		return err
	}
	initial := seedA
	if name == lf.devices[1] {
		initial = seedB
	}
	d, err := lf.device(dir, name, pw, initial)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	line := strings.Join(args, " ")
	if len(args) == 0 {
		// Behind OpenSSH's ForceCommand, the command the client asked for.
		line = strings.TrimSpace(os.Getenv(sshOriginalCommand))
	}
	if line != "" {
		if code := d.Exec(ctx, lf.user, line, cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
			return &exitError{code: code}
		}
		return nil
	}
	d.Shell(ctx, lf.user, lab.NewStreamTerminal(cmd.InOrStdin(), cmd.OutOrStdout()))
	return nil
}

// newLabCLIVyatta makes a router whose config-sync reaches its peer
// through the REST URLs of the state directory's inventory.yaml.
func newLabCLIVyatta(dir, name, pw string, initial *config.Tree) (lab.Handler, error) {
	d, err := vyatta.New(vyatta.Options{Name: name, User: "vyatta", Password: pw, StateDir: dir}, initial)
	if err != nil {
		return nil, err
	}
	if urls := labInventoryURLs(filepath.Join(dir, lab.InventoryFile)); len(urls) > 0 {
		tlsFiles, err := lab.LoadTLS(dir)
		if err != nil {
			return nil, err
		}
		vyatta.EnableConfigSync(d, vyatta.SyncOptions{
			Resolve: func(addr string) (string, bool) { u, ok := urls[addr]; return u, ok },
			TLS:     tlsFiles.ClientConfig(),
		})
	}
	return d, nil
}

// defaultLabSessions is the size of FW-A's seeded session table.
const defaultLabSessions = 20

// newLabCLIHuawei makes a USG without HRP; FW-A carries the default seeded
// session table, as in `hasync lab`.
func newLabCLIHuawei(dir, name, pw string, initial *config.Tree) (lab.Handler, error) {
	o := huawei.Options{Name: name, User: "admin", Password: pw, StateDir: dir}
	if name == "FW-A" {
		o.Sessions = defaultLabSessions
	}
	d, err := huawei.New(o, initial)
	if err != nil {
		return nil, err
	}
	return d, nil
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
