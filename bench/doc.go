// Package bench holds the benchmarks that run whole commands: synth
// generates configuration pairs, diffbench times `hasync diff` beside GNU
// diff (bench/diff.sh), soak loads both emulated labs over SSH and counts
// HRP state changes and VRRP transitions (bench/soak.sh). Package-level Go
// benchmarks live beside their code (go test -bench). Nothing in the
// product imports bench.
package bench
