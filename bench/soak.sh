#!/usr/bin/env bash
# Both emulated pairs under load: 10 parallel SSH sessions per lab for 2
# minutes (show configuration commands on Vyatta, display
# current-configuration on Huawei), counting HRP state changes and VRRP
# transitions (see bench/soak). Exits 1 on any, or on a session error.
# Run from anywhere; flags: -d 2m -n 10 -lines 3000.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The soak is a test binary: only main and tests may import lab.
go test -c -o "$tmp/soak.test" ./bench/soak
"$tmp/soak.test" -test.run '^TestSoak$' -test.timeout 0 -d 2m "$@"
