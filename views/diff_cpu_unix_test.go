//go:build unix

package views

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, user and system: on a
// loaded machine a benchmark's wall time per op counts the time others
// ran, its CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
