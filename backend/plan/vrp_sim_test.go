package plan

import (
	"fmt"
	"strings"

	"github.com/hasync/hasync/backend/config"
)

// vrpSim applies VRP commands to a copy of a configuration tree the way a
// Huawei device does. It is its own code: it shares neither the plan's
// undo table nor the lab's grammar, so that a wrong entry in the plan's
// table shows as a wrong result or a device error here.
//
//   - `system-view` enters the system view, `quit` goes up one view (from
//     the system view to the user view), `return` to the user view.
//   - A line that heads a block (in any configuration given to the
//     simulator) enters that view, creating it at the end when new.
//   - Another line is added when the view lacks its key (at the end);
//     when the key is there, a multi-valued command (a rule's lists, or a
//     key some configuration repeats) adds the line, any other replaces the
//     key's parameters.
//   - `undo W` removes the one line of the view that begins with the words
//     W (a header line takes its block); none or several is a device error,
//     except that a command given in full names its own line (`undo dns
//     domain X` beside `dns domain X vpn-instance V`), and a keyed entry
//     goes with its key (`undo rule 40` takes `rule 40 ...` and `rule 40
//     description ...`, the lines of one node).
//     A command some configuration shows as `undo W` is on by default: its
//     undo leaves the line `undo W`, and issuing `W` again removes that
//     line (and shows `W` when some configuration shows it).
//   - `rule move A before B | after B | up | down | top | bottom` acts on
//     the current order.
//   - References: a line binding an object that a configuration defines
//     (an address-set in a rule, a scheme or a RADIUS template in an AAA
//     domain) fails while the object is missing, and undoing an object
//     still bound fails.
type vrpSim struct {
	root      *config.Node
	views     []*config.Node // below the root; empty: the system view
	user      bool           // in the user view
	headers   map[string]bool
	multi     map[string]bool // view kind + "\x00" + key
	defaultOn map[string]bool // W of the `undo W` lines
	defined   map[string]bool // objects some configuration defines, as "kind\x00name"
	shown     map[string]bool // the lines some configuration shows
	block     *config.Node    // a public-key-code block being read
}

// simMultiKeys are the commands of a policy rule that add a line each.
var simMultiKeys = []string{"source-zone", "destination-zone", "source-address", "destination-address", "service", "application", "user", "profile"}

func newVRPSim(target *config.Tree, inputs ...*config.Tree) *vrpSim {
	s := &vrpSim{root: target.Root.Clone(), user: true,
		headers: map[string]bool{}, multi: map[string]bool{}, defaultOn: map[string]bool{}, defined: map[string]bool{}, shown: map[string]bool{}}
	for _, k := range simMultiKeys {
		s.multi["rule name\x00"+k] = true
	}
	for _, t := range append([]*config.Tree{target}, inputs...) {
		var walk func(view string, n *config.Node)
		walk = func(view string, n *config.Node) {
			for _, c := range n.Children {
				if len(c.Children) > 0 {
					s.headers[view+"\x00"+c.Name] = true
				}
				for _, l := range simLines(c) {
					s.shown[strings.Join(strings.Fields(l), " ")] = true
				}
				if len(c.Values) > 1 {
					s.multi[simKind(view)+"\x00"+c.Name] = true
				}
				if w, ok := strings.CutPrefix(c.Name, "undo "); ok {
					s.defaultOn[strings.Join(strings.Fields(w), " ")] = true
				}
				if kind, name := simObject(view, c.Name); kind != "" {
					s.defined[kind+"\x00"+name] = true
				}
				walk(c.Name, c)
			}
		}
		walk("", t.Root)
	}
	return s
}

// simKind is the kind of a view: its line without the last word (`rule
// name web` is a `rule name`), the system view "".
func simKind(view string) string {
	w := strings.Fields(view)
	if len(w) <= 1 {
		return view
	}
	return strings.Join(w[:len(w)-1], " ")
}

// simObject tells whether a line of view defines a bindable object.
func simObject(view, line string) (kind, name string) {
	w := strings.Fields(line)
	switch {
	case view == "" && len(w) >= 3 && w[0] == "ip" && w[1] == "address-set":
		return "address-set", w[2]
	case view == "" && len(w) >= 4 && w[0] == "radius-server" && w[1] == "template":
		return "radius", w[2]
	case view == "" && len(w) == 3 && w[0] == "radius-server" && w[1] == "template":
		return "radius", w[2]
	case view == "aaa" && len(w) == 2 && strings.HasSuffix(w[0], "-scheme"):
		return w[0], w[1]
	}
	return "", ""
}

// simBinding tells whether a line of view binds an object.
func simBinding(view, line string) (kind, name string) {
	w := strings.Fields(line)
	switch {
	case strings.HasPrefix(view, "rule name ") && len(w) >= 3 && (w[0] == "source-address" || w[0] == "destination-address") && w[1] == "address-set":
		return "address-set", w[2]
	case strings.HasPrefix(view, "domain ") && len(w) == 2 && strings.HasSuffix(w[0], "-scheme"):
		return w[0], w[1]
	case strings.HasPrefix(view, "domain ") && len(w) == 2 && w[0] == "radius-server":
		return "radius", w[1]
	}
	return "", ""
}

func (s *vrpSim) view() *config.Node {
	if len(s.views) == 0 {
		return s.root
	}
	return s.views[len(s.views)-1]
}

func (s *vrpSim) viewName() string {
	if len(s.views) == 0 {
		return ""
	}
	return s.view().Name
}

// Apply runs the commands; the first refused one is returned as the error
// the device would print.
func (s *vrpSim) Apply(cmds []string) error {
	for i, c := range cmds {
		if err := s.run(c); err != nil {
			return fmt.Errorf("command %d %q in view %q: %w", i+1, c, s.viewName(), err)
		}
	}
	return nil
}

func (s *vrpSim) run(cmd string) error {
	line := strings.TrimSpace(cmd)
	if s.block != nil {
		if line == "public-key-code end" {
			s.block = nil
		} else if line != "" {
			s.block.Values = append(s.block.Values, cmd)
		}
		return nil
	}
	switch {
	case line == "public-key-code begin" && !s.user:
		// The key's lines follow, up to `public-key-code end`; the block
		// replaces the one there.
		v := s.view()
		s.block = &config.Node{Name: line}
		for i, c := range v.Children {
			if c.Name == line {
				v.Children = append(v.Children[:i:i], v.Children[i+1:]...)
				break
			}
		}
		v.Children = append(v.Children, s.block)
		return nil
	case line == "system-view":
		s.user, s.views = false, nil
		return nil
	case s.user:
		return fmt.Errorf("Error: Unrecognized command found at '^' position. (user view)")
	case line == "return":
		s.user, s.views = true, nil
		return nil
	case line == "quit":
		if len(s.views) == 0 {
			s.user = true
		} else {
			s.views = s.views[:len(s.views)-1]
		}
		return nil
	case strings.HasPrefix(line, "rule move "):
		return s.move(strings.Fields(line)[2:])
	case strings.HasPrefix(line, "undo "):
		return s.undo(strings.Fields(line)[1:])
	}
	return s.set(line)
}

// lines returns the configuration lines of a child: its name when it
// heads a block or has no value, else one per value.
func simLines(c *config.Node) []string {
	if len(c.Children) > 0 || len(c.Values) == 0 {
		return []string{c.Name}
	}
	out := make([]string, len(c.Values))
	for i, v := range c.Values {
		out[i] = c.Name + " " + v
	}
	return out
}

func simHasWords(line string, prefix []string) bool {
	w := strings.Fields(line)
	if len(w) < len(prefix) {
		return false
	}
	for i := range prefix {
		if w[i] != prefix[i] {
			return false
		}
	}
	return true
}

func (s *vrpSim) set(line string) error {
	v := s.view()
	if kind, name := simBinding(s.viewName(), line); kind != "" && s.defined[kind+"\x00"+name] && !s.exists(kind, name) {
		return fmt.Errorf("Error: The %s %s does not exist.", kind, name)
	}
	if s.headers[s.viewName()+"\x00"+line] {
		c := v.Child(line)
		if c == nil {
			c = &config.Node{Name: line, Ordered: simOrdered(line)}
			v.Children = append(v.Children, c)
		}
		s.views = append(s.views, c)
		return nil
	}
	// A line re-enabling a default-on command removes its `undo` line.
	words := strings.Fields(line)
	for i, c := range v.Children {
		if w, ok := strings.CutPrefix(c.Name, "undo "); ok && len(c.Children) == 0 && simHasWords(line, strings.Fields(w)) {
			v.Children = append(v.Children[:i:i], v.Children[i+1:]...)
			if len(strings.Fields(w)) == len(words) && !s.shown[strings.Join(words, " ")] {
				return nil // back to the default, which this device does not show
			}
			break
		}
	}
	key, values, secret, err := s.parse(line)
	if err != nil {
		return err
	}
	c := v.Child(key)
	switch {
	case c == nil:
		v.Children = append(v.Children, &config.Node{Name: key, Values: values, Secret: secret})
	case len(values) == 0:
		c.Values = nil
	case s.multi[simKind(s.viewName())+"\x00"+key]:
		for _, x := range c.Values {
			if x == values[0] {
				return nil
			}
		}
		c.Values = append(c.Values, values[0])
	default:
		c.Values = values
	}
	if c != nil && secret {
		c.Secret = true
	}
	return nil
}

func simOrdered(line string) bool {
	return line == "security-policy" || line == "nat-policy"
}

// parse splits a line into its key and value the way a configuration read
// from the device does: the line is read by the VRP parser inside its
// views.
func (s *vrpSim) parse(line string) (string, []string, bool, error) {
	var b strings.Builder
	for i, v := range s.views {
		b.WriteString(strings.Repeat(" ", i) + v.Name + "\n")
	}
	b.WriteString(strings.Repeat(" ", len(s.views)) + line + "\n")
	t, err := config.ParseVRP("cmd", []byte(b.String()))
	if err != nil {
		return "", nil, false, fmt.Errorf("Error: Unrecognized command found at '^' position. (%v)", err)
	}
	n := t.Root
	for range len(s.views) + 1 {
		if len(n.Children) != 1 {
			return "", nil, false, fmt.Errorf("Error: Unrecognized command found at '^' position. (%d nodes)", len(n.Children))
		}
		n = n.Children[0]
	}
	return n.Name, n.Values, n.Secret, nil
}

// exists reports whether the object is in the configuration now.
func (s *vrpSim) exists(kind, name string) bool {
	found := false
	var walk func(view string, n *config.Node)
	walk = func(view string, n *config.Node) {
		for _, c := range n.Children {
			if k, nm := simObject(view, c.Name); k == kind && nm == name {
				found = true
			}
			walk(c.Name, c)
		}
	}
	walk("", s.root)
	return found
}

// bound reports whether a line of the configuration binds the object.
func (s *vrpSim) bound(kind, name string) bool {
	found := false
	var walk func(view string, n *config.Node)
	walk = func(view string, n *config.Node) {
		for _, c := range n.Children {
			for _, l := range simLines(c) {
				if k, nm := simBinding(view, l); k == kind && nm == name {
					found = true
				}
			}
			walk(c.Name, c)
		}
	}
	walk("", s.root)
	return found
}

func (s *vrpSim) undo(w []string) error {
	v := s.view()
	type hit struct {
		c *config.Node
		i int // value index, -1 for the whole node
	}
	var hits []hit
	for _, c := range v.Children {
		if strings.HasPrefix(c.Name, "undo ") {
			continue
		}
		ls := simLines(c)
		for i, l := range ls {
			if simHasWords(l, w) {
				if len(ls) == 1 && (len(c.Values) <= 1 || len(c.Children) > 0) {
					i = -1
				}
				hits = append(hits, hit{c, i})
			}
		}
	}
	joined := strings.Join(w, " ")
	if len(hits) > 1 {
		// A command given in full names its own line.
		var exact []hit
		for _, h := range hits {
			l := simLines(h.c)[max(h.i, 0)]
			if strings.Join(strings.Fields(l), " ") == joined {
				exact = append(exact, h)
			}
		}
		if len(exact) == 1 {
			hits = exact
		}
	}
	if len(hits) > 1 && strings.Join(strings.Fields(hits[0].c.Name), " ") == joined {
		// An entry goes with its key: all its lines are one node.
		same := true
		for _, h := range hits {
			same = same && h.c == hits[0].c
		}
		if same {
			hits = []hit{{hits[0].c, -1}}
		}
	}
	switch {
	case len(hits) > 1:
		return fmt.Errorf("Error: Incomplete command found at '^' position. (%d lines begin with %q)", len(hits), joined)
	case len(hits) == 0:
		if s.defaultOn[joined] {
			if v.Child("undo "+joined) == nil {
				v.Children = append(v.Children, &config.Node{Name: "undo " + joined})
			}
			return nil
		}
		return fmt.Errorf("Error: The configuration does not exist. (no line begins with %q)", joined)
	}
	h := hits[0]
	if kind, name := simObject(s.viewName(), h.c.Name); kind != "" && h.i < 0 && s.bound(kind, name) {
		return fmt.Errorf("Error: The %s %s is in use and cannot be deleted.", kind, name)
	}
	if h.i >= 0 && len(h.c.Values) > 1 {
		h.c.Values = append(h.c.Values[:h.i:h.i], h.c.Values[h.i+1:]...)
	} else {
		for i, c := range v.Children {
			if c == h.c {
				v.Children = append(v.Children[:i:i], v.Children[i+1:]...)
				break
			}
		}
	}
	if s.defaultOn[joined] && v.Child("undo "+joined) == nil {
		v.Children = append(v.Children, &config.Node{Name: "undo " + joined})
	}
	return nil
}

func (s *vrpSim) move(args []string) error {
	v := s.view()
	if !v.Ordered {
		return fmt.Errorf("Error: Unrecognized command found at '^' position. (not a policy view)")
	}
	if len(args) < 2 {
		return fmt.Errorf("Error: Incomplete command found at '^' position.")
	}
	find := func(in []*config.Node, name string) int {
		for i, c := range in {
			if c.Name == "rule name "+name {
				return i
			}
		}
		return -1
	}
	from := find(v.Children, args[0])
	if from < 0 {
		return fmt.Errorf("Error: The rule %s does not exist.", args[0])
	}
	n := v.Children[from]
	rest := append(v.Children[:from:from], v.Children[from+1:]...)
	at := 0
	switch args[1] {
	case "top":
	case "bottom":
		at = len(rest)
	case "up":
		at = max(from-1, 0)
	case "down":
		at = min(from+1, len(rest))
	case "before", "after":
		if len(args) < 3 {
			return fmt.Errorf("Error: Incomplete command found at '^' position.")
		}
		if args[2] == args[0] {
			return fmt.Errorf("Error: The rule cannot be moved relative to itself.")
		}
		to := find(rest, args[2])
		if to < 0 {
			return fmt.Errorf("Error: The rule %s does not exist.", args[2])
		}
		at = to
		if args[1] == "after" {
			at++
		}
	default:
		return fmt.Errorf("Error: Unrecognized command found at '^' position. (%s)", args[1])
	}
	v.Children = append(rest[:at:at], append([]*config.Node{n}, rest[at:]...)...)
	return nil
}

// Tree returns the configuration as it is now.
func (s *vrpSim) Tree(fam config.Family) *config.Tree {
	return &config.Tree{Family: fam, Root: s.root}
}
