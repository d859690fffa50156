//go:build !race

package main

// diffFastStride: see cmd_diff_fast_race_test.go.
const diffFastStride = 1
