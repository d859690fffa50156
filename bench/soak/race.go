//go:build race

package main

// raceEnabled: the race detector slows the lab's SSH several times over,
// so the go test sample loads smaller configurations.
const raceEnabled = true
