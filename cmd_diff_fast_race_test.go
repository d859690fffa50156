//go:build race

package main

// diffFastStride is the share of the corpus pairs TestDiffFastPathCorpus
// runs: every tenth under the race detector, which makes it ten times
// slower, and every pair otherwise (CI runs it without the detector too).
const diffFastStride = 10
