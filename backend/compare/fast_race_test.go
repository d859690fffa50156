//go:build race

package compare

// fastStride is the share of the corpus the fast-path tests run over:
// every tenth file under the race detector, which makes them ten times
// slower, and every file otherwise.
const fastStride = 10
