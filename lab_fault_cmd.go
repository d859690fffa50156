package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hasync/hasync/lab"
	"github.com/hasync/hasync/lab/huawei"
	"github.com/hasync/hasync/lab/vyatta"
)

// newLabFaultCmd is `hasync lab fault`: a fault turned on a running lab
// through the control socket of its state directory.
func newLabFaultCmd() *cobra.Command {
	var state, device string
	var list bool
	cmd := &cobra.Command{
		Use:   "fault --state DIR --device NAME VERB [ARG]",
		Short: "Turn a fault on a device of a running lab (drop, refuse, delay D, failover, cut-hrp, clear)",
		Long: `fault acts on a running lab (hasync lab, or the lab of hasync demo --hold)
through the control socket in its state directory (` + lab.ControlFile + `):

  drop                     close the device's live SSH connections once; new ones are
                           served (a console sees the loss and reconnects; to keep the
                           device away, use refuse)
  refuse [on|off]          close new connections at once, as a device whose service is down
  refuse-ssh [on|off]      close new SSH connections at once; the REST API stays up (the REST fallback)
  fail-auth [on|off]       fail every authentication
  changed-host-key [on|off] present another host key than known_hosts pins
  drop-after-lines N       drop each new output stream after N lines (0: off)
  drop-in-commit [on|off]  drop the connection in the middle of a commit's output
  drop-before-commit [on|off]  drop the connection when the next commit arrives, before it applies (once: a retry succeeds)
  delay D                  delay every response and output line (e.g. 500ms; 0: off)
  cut-hrp [on|off]         huawei: cut the pair's HRP heartbeat link
  failover                 switch the pair's roles over (HRP, or VRRP mastership), whichever
                           device is named; again switches back
  dual-active [on|off]     huawei: heartbeat lost, both members active
  clear                    turn every fault of the device (and cut-hrp, dual-active) off;
                           roles stay as a failover left them (failover again to switch back)

With several pairs (hasync lab --pairs N) a device is named PAIR/NAME, e.g.
lab-vyatta-2/vra-b; --list shows the names. Errors (no lab at DIR, a stale socket, an unknown
device) exit 2.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if state == "" {
				return &exitError{code: 2, err: errors.New("lab fault: --state DIR is required")}
			}
			if list {
				reply, err := lab.Control(state, "devices")
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("lab fault: %w", err)}
				}
				fmt.Fprintln(cmd.OutOrStdout(), strings.Join(strings.Fields(reply), "\n"))
				return nil
			}
			if len(args) == 0 {
				return &exitError{code: 2, err: errors.New("lab fault: a VERB is required (drop, refuse, delay D, failover, cut-hrp, clear, ...)")}
			}
			if device == "" {
				return &exitError{code: 2, err: errors.New("lab fault: --device NAME is required")}
			}
			for _, w := range append([]string{device}, args...) {
				if strings.ContainsAny(w, " \t\r\n") || w == "" {
					return &exitError{code: 2, err: fmt.Errorf("lab fault: %q: no spaces in a device or an argument", w)}
				}
			}
			reply, err := lab.Control(state, "fault "+device+" "+strings.Join(args, " "))
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("lab fault: %w", err)}
			}
			fmt.Fprintln(cmd.OutOrStdout(), reply)
			return nil
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "the state directory of the running lab (hasync lab --dir)")
	cmd.Flags().StringVar(&device, "device", "", "the device, e.g. vra-b or FW-B (PAIR/NAME with --pairs)")
	cmd.Flags().BoolVar(&list, "list", false, "list the running lab's devices as --device names them")
	return cmd
}

// vyattaControl are vra-a and vra-b for the control socket; failover
// moves the pair's VRRP mastership.
func vyattaControl(p *vyatta.Pair) []lab.ControlDevice {
	var out []lab.ControlDevice
	for _, m := range p.Members() {
		out = append(out, lab.ControlDevice{Name: m.Device.Name(), Faults: m.Faults, SSH: m.SSH, Failover: p.Failover})
	}
	return out
}

// huaweiControl are FW-A and FW-B for the control socket: cut-hrp on the
// pair's knob, failover and dual-active on its HRP link.
func huaweiControl(p *huawei.Pair) []lab.ControlDevice {
	var out []lab.ControlDevice
	for _, m := range p.Members() {
		out = append(out, lab.ControlDevice{
			Name: m.Device.Name(), Faults: m.Faults, SSH: m.SSH,
			CutHRP: p.Faults.SetCutHRP, Failover: p.HRP.Failover, DualActive: p.HRP.SetDualActive,
		})
	}
	return out
}

// serveLabControl serves the control socket of a lab in dir and returns
// the line that tells where. A directory too deep for a socket leaves the
// lab without one, and the line says so.
func serveLabControl(dir string, devices []lab.ControlDevice) (line string, closeFn func(), err error) {
	ctl, err := lab.ServeControl(dir, devices)
	if errors.Is(err, lab.ErrControlPath) {
		return fmt.Sprintf("control: none (%v): hasync lab fault needs a shorter --dir", err), func() {}, nil
	}
	if err != nil {
		return "", nil, err
	}
	line = fmt.Sprintf("control: hasync lab fault --state %s --device DEVICE drop|refuse|delay D|clear|... (socket %s)", dir, ctl.Path())
	return line, func() { ctl.Close() }, nil
}
