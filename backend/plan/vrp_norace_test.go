//go:build !race

package plan

// vrpRace: see vrp_race_test.go.
const vrpRace = false
