// Package synth generates synthetic but realistic configuration pairs of a
// given size for the benchmarks: a source and a target that drift apart by
// about one percent, the way the two members of a pair do. Deterministic
// for a given seed. Imports the standard library only.
package synth
