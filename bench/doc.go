// Package bench holds the benchmarks that run whole commands: synth
// generates configuration pairs, diffbench times `hasync diff` beside GNU
// diff (bench/diff.sh). Package-level Go benchmarks live beside their code
// (go test -bench). Nothing in the product imports bench.
package bench
