#!/usr/bin/env bash
# Wall time of `hasync diff` beside GNU diff on synthetic pairs of 1k, 10k
# and 100k lines, and hasync's peak memory. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/diffbench "$@"
