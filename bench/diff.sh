#!/usr/bin/env bash
# hasync diff beside GNU diff and git diff --no-index --histogram: wall and
# CPU time and peak memory of each (see bench/diffbench). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/diffbench "$@"
