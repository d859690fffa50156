package vyatta

import (
	"context"
	"fmt"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// showInterfaces prints `show interfaces` from the configuration: every
// interface (of every type) with its addresses, state and description. A
// `disable`d interface is administratively down (A/D); the others are up
// (the lab's links never go down).
func (d *Device) showInterfaces(ctx context.Context, args []string, out func(string)) error {
	if len(args) > 0 {
		return &UnknownCommandError{Words: append([]string{"show", "interfaces"}, args...)}
	}
	out("Codes: S - State, L - Link, u - Up, D - Down, A - Admin Down")
	out(fmt.Sprintf("%-16s %-33s %-4s %s", "Interface", "IP Address", "S/L", "Description"))
	out(fmt.Sprintf("%-16s %-33s %-4s %s", "---------", "----------", "---", "-----------"))
	ifaces := d.snapshot().Root.Lookup(config.Path{"interfaces"})
	if ifaces == nil {
		return nil
	}
	for _, typ := range ifaces.Children {
		for _, n := range typ.Children {
			state := "u/u"
			if n.Child("disable") != nil {
				state = "A/D"
			}
			addrs := []string{"-"}
			if a := n.Child("address"); a != nil && len(a.Values) > 0 {
				addrs = a.Values
			}
			desc := leafValue(n, "description")
			for i, a := range addrs {
				if i == 0 {
					out(strings.TrimRight(fmt.Sprintf("%-16s %-33s %-4s %s", n.Name, a, state, desc), " "))
				} else {
					out(fmt.Sprintf("%-16s %s", "", a))
				}
			}
		}
	}
	return nil
}
