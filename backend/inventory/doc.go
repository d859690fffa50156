// Package inventory owns the pairs file: which HA pairs hasync manages, the
// two devices of each (address, port, user, flavor, SSH options, REST URL,
// timeouts), the credentials as references only (an environment variable,
// a file, a prompt, identity files, the SSH agent; never a password
// written in the file), which device a sync copies from, the sync-map and
// the sync mode.
//
// The file is YAML, read with github.com/goccy/go-yaml. Every error names
// the file, the line and the column, and says what was expected: a syntax
// error, an unknown key (named, with the keys allowed there), a value of
// the wrong kind, a missing required field (naming the pair or device) and
// every rule of Validate. Relative paths in the file are resolved against
// the file's directory. Load never contacts a device and never reads a
// secret: the password file and environment variable are only named here
// and read by Credentials.Password when a connection needs them.
//
// The format (testdata/example.yaml is a complete one):
//
//	pairs:
//	  - name: dc1-edge            # required, unique
//	    family: vyatta            # required: vyatta or huawei
//	    source: vra-a             # the device a sync copies from (default: the first)
//	    sync_map: EDGE-SYNC       # vyatta: a map under system config-sync; huawei: hrp (the default)
//	    sync_mode: config-sync    # vyatta: push (default) or config-sync; huawei: hrp (default) or push
//	    refresh: 30s              # how often a watched pair is re-read (default 1m)
//	    devices:                  # exactly two, with distinct names
//	      - name: vra-a           # required
//	        flavor: vra           # vyatta: vra (default), vyos, 5600; huawei: usg (default), eudemon, hisecengine
//	        address: 192.0.2.1    # required unless ssh_host names an ~/.ssh/config alias
//	        port: 22              # 1-65535 (default: ssh_config's, else 22)
//	        user: vyatta
//	        password_env: VAR     # the password: this variable if set,
//	        password_file: pw     #   else this file's first line,
//	        password_prompt: true #   else asked
//	        key_file: ~/.ssh/id_ed25519
//	        identity_files: [k1, k2]
//	        agent: true
//	        known_hosts: known_hosts   # the inventory's own, checked before ~/.ssh/known_hosts
//	        accept_new: false
//	        ssh_host: alias
//	        proxy_jump: admin@bastion:2222
//	        ssh: {kex: [...], ciphers: [...], macs: [...], host_key_algorithms: [...]}  # legacy opt-in
//	        rest_url: https://192.0.2.1   # vyatta only
//	        ca_file: ca.pem
//	        transport: rest               # how a sync is applied: ssh (default) or rest (needs rest_url)
//	        timeouts: {connect: 10s, command: 2m, keepalive: 15s}
//
// A plain password, passphrase or secret key is refused with what to
// write instead. Anchors and merge keys (<<: *shared) may share fields
// between the devices.
//
// Imports: backend/config (the family), golang.org/x/crypto/ssh (the names
// of the SSH algorithms it implements, to check the legacy opt-ins), the
// YAML library and the standard library. No UI, device, sshclient or
// Charm package.
package inventory
