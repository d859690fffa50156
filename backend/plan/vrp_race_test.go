//go:build race

package plan

// vrpRace: the race detector slows the contract tests about fivefold; the
// generated cases are cut accordingly (the full counts run without -race).
const vrpRace = true
