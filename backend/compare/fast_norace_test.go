//go:build !race

package compare

// fastStride: see fast_race_test.go.
const fastStride = 1
