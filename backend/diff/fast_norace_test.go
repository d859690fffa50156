//go:build !race

package diff

// fastStride: see fast_race_test.go.
const fastStride = 1
