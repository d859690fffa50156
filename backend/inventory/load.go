package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The file as YAML. The yaml tags are the only list of keys: the walker
// that checks the file before decoding reads them too.
type fileYAML struct {
	Pairs []pairYAML `yaml:"pairs"`
}

type pairYAML struct {
	Name     string        `yaml:"name"`
	Family   string        `yaml:"family"`
	Source   string        `yaml:"source,omitempty"`
	SyncMap  string        `yaml:"sync_map,omitempty"`
	SyncMode string        `yaml:"sync_mode,omitempty"`
	Refresh  time.Duration `yaml:"refresh,omitempty"`
	Devices  []deviceYAML  `yaml:"devices"`
}

type deviceYAML struct {
	Name           string        `yaml:"name"`
	Family         string        `yaml:"family,omitempty"`
	Flavor         string        `yaml:"flavor,omitempty"`
	Address        string        `yaml:"address,omitempty"`
	Port           int           `yaml:"port,omitempty"`
	User           string        `yaml:"user,omitempty"`
	PasswordEnv    string        `yaml:"password_env,omitempty"`
	PasswordFile   string        `yaml:"password_file,omitempty"`
	PasswordPrompt bool          `yaml:"password_prompt,omitempty"`
	KeyFile        string        `yaml:"key_file,omitempty"`
	IdentityFiles  []string      `yaml:"identity_files,omitempty"`
	Agent          bool          `yaml:"agent,omitempty"`
	KnownHosts     string        `yaml:"known_hosts,omitempty"`
	AcceptNew      bool          `yaml:"accept_new,omitempty"`
	SSHHost        string        `yaml:"ssh_host,omitempty"`
	ProxyJump      string        `yaml:"proxy_jump,omitempty"`
	SSH            *sshYAML      `yaml:"ssh,omitempty"`
	RESTURL        string        `yaml:"rest_url,omitempty"`
	CAFile         string        `yaml:"ca_file,omitempty"`
	Transport      string        `yaml:"transport,omitempty"`
	Timeouts       *timeoutsYAML `yaml:"timeouts,omitempty"`
}

type sshYAML struct {
	KeyExchanges      []string `yaml:"kex,omitempty"`
	Ciphers           []string `yaml:"ciphers,omitempty"`
	MACs              []string `yaml:"macs,omitempty"`
	HostKeyAlgorithms []string `yaml:"host_key_algorithms,omitempty"`
}

type timeoutsYAML struct {
	Connect   time.Duration `yaml:"connect,omitempty"`
	Command   time.Duration `yaml:"command,omitempty"`
	KeepAlive time.Duration `yaml:"keepalive,omitempty"`
}

// nouns name each kind of mapping in messages (made on first use, not at
// process start).
var nouns = sync.OnceValue(func() map[reflect.Type]string {
	return map[reflect.Type]string{
		reflect.TypeFor[fileYAML]():     "the inventory",
		reflect.TypeFor[pairYAML]():     "a pair",
		reflect.TypeFor[deviceYAML]():   "a device",
		reflect.TypeFor[sshYAML]():      "ssh",
		reflect.TypeFor[timeoutsYAML](): "timeouts",
	}
})

// secretKey returns, for a key that would put a secret in the file, what
// to write instead; each such key is refused. (A switch, not a map: no
// work at process start.)
func secretKey(key string) (string, bool) {
	switch key {
	case "password", "passwd", "pass":
		return "a password is never written in the inventory: use password_env (a variable), password_file (a file) or password_prompt: true", true
	case "passphrase":
		return "a passphrase is never written in the inventory: hasync asks for it when the key_file needs one", true
	case "secret":
		return "a secret is never written in the inventory: use password_env, password_file or password_prompt: true", true
	}
	return "", false
}

// Load reads the inventory at path. Every error from the file is an
// *Error (errors.Is ErrInvalid) with the file, line and column; a missing
// file is an error that wraps fs.ErrNotExist and says how to name another.
func Load(path string) (*Inventory, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("inventory %s: %w (write one, or name another with --inventory or $%s)", path, os.ErrNotExist, EnvPath)
		}
		return nil, fmt.Errorf("inventory: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	return Parse(b, path, filepath.Dir(abs))
}

// Parse reads an inventory from data. name is the file named in errors;
// relative paths in the file are resolved against dir.
func Parse(data []byte, name, dir string) (inv *Inventory, err error) {
	defer func() {
		// The YAML library is third-party code fed user input: a panic in
		// it is a bad file, not a crash of the console.
		if r := recover(); r != nil {
			inv, err = nil, &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "the YAML parser failed on this file: expected plain YAML (pairs: ...)"}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	var body ast.Node
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			return nil, &Error{Pos: nodePos(name, doc.Body), Msg: fmt.Sprintf("a second YAML document (document %d): expected one", i+1)}
		}
		body = doc.Body
	}
	if body == nil {
		return nil, &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "empty inventory: expected pairs: with at least one pair"}
	}
	w := &walker{file: name, anchors: map[string]ast.Node{}, pos: map[string]Pos{}}
	w.collectAnchors(body)
	if err := w.walk(body, reflect.TypeFor[fileYAML](), "", 0); err != nil {
		return nil, err
	}
	var raw fileYAML
	if err := yaml.NodeToValue(body, &raw, yaml.Strict(), yaml.AllowDuplicateMapKey()); err != nil {
		return nil, yamlError(name, err)
	}
	return build(raw, w, name, dir)
}

// yamlError turns an error of the YAML library into an *Error, without
// the source line it would quote (which may hold anything).
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		p := Pos{File: name, Line: 1, Col: 1}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line, p.Col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
		}
		return &Error{Pos: p, Msg: "YAML: " + ye.GetMessage()}
	}
	return &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "YAML: " + firstLine(err.Error())}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// walker checks the YAML tree against the file's types before it is
// decoded: unknown keys (in file order), values of the wrong kind, and it
// records the position of every key and value for the checks after
// decoding.
type walker struct {
	file    string
	anchors map[string]ast.Node
	// pos maps a path (pairs[0].devices[1].port) to its value's position,
	// and path+":" to its key's position.
	pos map[string]Pos
	// merging is above zero while the entries of a merge key (<<: *NAME)
	// are walked: they do not move a position the mapping's own keys set.
	merging int
}

func (w *walker) at(n ast.Node) Pos { return nodePos(w.file, n) }

func (w *walker) errf(n ast.Node, format string, a ...any) error {
	return &Error{Pos: w.at(n), Msg: fmt.Sprintf(format, a...)}
}

// nodePos is where n starts: the first key of a mapping, the token of
// anything else.
func nodePos(file string, n ast.Node) Pos {
	p := Pos{File: file, Line: 1, Col: 1}
	switch v := n.(type) {
	case *ast.MappingNode:
		if len(v.Values) > 0 {
			return nodePos(file, v.Values[0])
		}
	case *ast.MappingValueNode:
		if v.Key != nil {
			return nodePos(file, v.Key)
		}
	case *ast.AnchorNode:
		if v.Start != nil && v.Start.Position != nil {
			break
		}
		if v.Value != nil {
			return nodePos(file, v.Value)
		}
	}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			p.Line, p.Col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
		}
	}
	return p
}

func (w *walker) collectAnchors(n ast.Node) {
	ast.Walk(anchorVisitor(w.anchors), n)
}

type anchorVisitor map[string]ast.Node

func (v anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
		v[a.Name.GetToken().Value] = a.Value
	}
	return v
}

// maxAliases bounds how many aliases one value goes through.
const maxAliases = 16

// resolve looks through anchors, tags and aliases to the value.
func (w *walker) resolve(n ast.Node) (ast.Node, error) {
	for range maxAliases {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return nil, w.errf(v, "an alias without a name: expected *NAME of an anchor &NAME")
			}
			name := v.Value.GetToken().Value
			t, ok := w.anchors[name]
			if !ok {
				return nil, w.errf(v, "alias *%s: no anchor &%s before it", name, name)
			}
			n = t
		default:
			return n, nil
		}
	}
	return nil, w.errf(n, "aliases nested more than %d deep", maxAliases)
}

// field is one key of a mapping type.
type field struct {
	key string
	typ reflect.Type
}

func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			out = append(out, field{tag, t.Field(i).Type})
		}
	}
	return out
}

func keysOf(fs []field) string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// mappingValues are the key/value entries of a mapping node.
func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

var durationType = reflect.TypeFor[time.Duration]()

// walk checks node n against type t at path.
func (w *walker) walk(n ast.Node, t reflect.Type, path string, depth int) error {
	if depth > 8 {
		return w.errf(n, "nested too deep")
	}
	n, err := w.resolve(n)
	if err != nil {
		return err
	}
	if isNull(n) {
		return nil // unset: the checks after decoding ask for what is required
	}
	if _, set := w.pos[path]; !set || w.merging == 0 {
		w.pos[path] = w.at(n)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		s, ok := n.(*ast.StringNode)
		if !ok {
			return w.errf(n, "%s: expected a duration such as 10s or 2m", lastKey(path))
		}
		d, err := time.ParseDuration(s.Value)
		if err != nil || d <= 0 {
			return w.errf(n, "%s: %q: expected a positive duration such as 10s or 2m", lastKey(path), s.Value)
		}
		return nil
	case t.Kind() == reflect.Struct:
		return w.walkMapping(n, t, path, depth)
	case t.Kind() == reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			if t.Elem().Kind() == reflect.Struct {
				return w.errf(n, "%s: expected a list of %ss (- name: ...)", lastKey(path), strings.TrimPrefix(nouns()[t.Elem()], "a "))
			}
			return w.errf(n, "%s: expected a list ([a, b] or - a)", lastKey(path))
		}
		for i, e := range seq.Values {
			if err := w.walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() == reflect.String:
		switch n.(type) {
		case *ast.StringNode, *ast.IntegerNode, *ast.LiteralNode:
			return nil
		}
		return w.errf(n, "%s: expected a text value, found %s", lastKey(path), kindOf(n))
	case t.Kind() == reflect.Int:
		if _, ok := n.(*ast.IntegerNode); !ok {
			return w.errf(n, "%s: expected a whole number, found %s", lastKey(path), kindOf(n))
		}
		return nil
	case t.Kind() == reflect.Bool:
		if _, ok := n.(*ast.BoolNode); !ok {
			return w.errf(n, "%s: expected true or false, found %s", lastKey(path), kindOf(n))
		}
		return nil
	}
	return w.errf(n, "%s: unexpected value", lastKey(path))
}

func (w *walker) walkMapping(n ast.Node, t reflect.Type, path string, depth int) error {
	values, ok := mappingValues(n)
	if !ok {
		what := nouns()[t]
		if path == "" {
			return w.errf(n, "expected a mapping with the key pairs, found %s", kindOf(n))
		}
		return w.errf(n, "%s: expected %s as a mapping (key: value), found %s", lastKey(path), what, kindOf(n))
	}
	fs := fieldsOf(t)
	seen := map[string]bool{}
	var check func(values []*ast.MappingValueNode, merged bool, depth int) error
	check = func(values []*ast.MappingValueNode, merged bool, depth int) error {
		for _, mv := range values {
			if mv.Key != nil && mv.Key.IsMergeKey() {
				if len(seen) > 0 && !merged {
					return w.errf(mv.Key, "<<: expected the merge key before the keys of %s, which override what it merges", nouns()[t])
				}
				m, err := w.resolve(mv.Value)
				if err != nil {
					return err
				}
				mvs, ok := mappingValues(m)
				if !ok || depth > maxAliases {
					return w.errf(mv.Value, "<<: expected an alias of a mapping (<<: *NAME)")
				}
				w.merging++
				err = check(mvs, true, depth+1)
				w.merging--
				if err != nil {
					return err
				}
				continue
			}
			k, err := w.resolve(mv.Key)
			if err != nil {
				return err
			}
			var key string
			switch kn := k.(type) {
			case *ast.StringNode:
				key = kn.Value
			case *ast.IntegerNode, *ast.BoolNode:
				key = kn.GetToken().Value
			default:
				return w.errf(mv.Key, "expected a key of %s (%s), found %s", nouns()[t], keysOf(fs), kindOf(k))
			}
			if msg, ok := secretKey(strings.ToLower(key)); ok {
				return w.errf(mv.Key, "%s: %s", key, msg)
			}
			var f *field
			for i := range fs {
				if fs[i].key == key {
					f = &fs[i]
				}
			}
			if f == nil {
				return w.errf(mv.Key, "unknown key %q in %s: expected one of %s", key, nouns()[t], keysOf(fs))
			}
			if !merged {
				if seen[key] {
					return w.errf(mv.Key, "key %q given twice in %s", key, nouns()[t])
				}
				seen[key] = true
			}
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			if !merged {
				w.pos[sub+":"] = w.at(mv.Key)
			}
			if err := w.walk(mv.Value, f.typ, sub, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return check(values, false, depth)
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "text"
	case *ast.IntegerNode:
		return "a number"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a decimal number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.NullNode:
		return "nothing"
	}
	return "a " + strings.ToLower(n.Type().String())
}

// posOf is the position of path's value, else its key, else the nearest
// enclosing value's.
func (w *walker) posOf(path string) Pos {
	for {
		if p, ok := w.pos[path]; ok {
			return p
		}
		if p, ok := w.pos[path+":"]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			if p, ok := w.pos[""]; ok {
				return p
			}
			return Pos{File: w.file, Line: 1, Col: 1}
		}
		path = path[:i]
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
