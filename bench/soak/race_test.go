//go:build race

package soak

// raceEnabled: the race detector slows the lab's SSH several times over,
// so the go test sample loads smaller configurations.
const raceEnabled = true
