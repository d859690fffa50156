// Package bench holds the benchmarks that run whole commands: synth
// generates configuration pairs, diffbench times `hasync diff` beside GNU
// diff (bench/diff.sh), startup splits the start of `hasync diff` (beside
// GNU diff and a Go hello world, static and cgo; package inits by
// module), soak loads both emulated labs over SSH and counts
// HRP state changes and VRRP transitions (bench/soak.sh); bench/live.sh
// times `hasync status` over 100 lab pairs beside a loop of OpenSSH
// sessions, and `hasync diff --pair` on 100k lines beside ssh, ssh and
// GNU diff. Package-level Go benchmarks live beside their code (go test
// -bench). Nothing in the product imports bench.
package bench
