//go:build race

package views

// raceOn: the race detector slows rendering tenfold; the size sweep
// samples its grid then.
const raceOn = true
