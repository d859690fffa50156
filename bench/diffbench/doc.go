// Command diffbench measures `hasync diff` against GNU `diff` on synthetic
// configuration pairs of 1k, 10k and 100k lines, in one run on the same
// files, and prints wall times, their ratio and hasync's peak memory.
//
//	go run ./bench/diffbench [-runs 7] [-sizes 1000,10000,100000] [-format side]
//
// It imports bench/synth and the standard library, and runs hasync only as
// a built binary.
package main
