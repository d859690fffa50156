#!/usr/bin/env bash
# The served console under load (issue 13): one `hasync serve` (the built
# binary) over one emulated Vyatta pair, 50 SSH sessions connected at once.
# Prints the server's memory per session (RSS with 50 sessions less RSS
# idle, over 50; on the pair list, then with every session in the pair's
# Diff), the SSH connections each lab device counts (the goal: 1 per
# device, not 1 per session), and the time to first screen (dial, key
# exchange, login, PTY, the pair list with both roles drawn) of a new
# session while the 50 are connected. Runs BenchmarkServe50
# (cmd_serve_bench_test.go). Needs ssh-keygen and Linux's /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench '^BenchmarkServe50$' -benchtime 1x -count 1 .
