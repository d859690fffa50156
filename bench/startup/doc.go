// Command startup measures where the start of `hasync diff` goes (issue
// 14), beside what any process and any Go program cost on this machine.
// It times, interleaved, medians of -runs: GNU diff on two one-line
// files, a Go hello world built static (CGO_ENABLED=0), the same built
// with cgo (dynamically linked, as hasync is), and `hasync diff` on the
// two files. Then it runs hasync with GODEBUG=inittrace=1 as many times
// and prints the median time and allocation of each package's init,
// summed by module and listed for the heaviest packages, and when the
// last init ended after the runtime's start.
//
//	go run ./bench/startup [-runs 200] [-top 20] [-bin FILE]
//
// What the figures cannot say: the time from exec to the runtime's start
// (the dynamic loader, libc), the command tree and the diff itself, and
// the process's end (the kernel freeing its pages). Those are the wall
// time less the init end; a binary with timing probes at the top of main
// (built for one measurement, never committed) splits them further.
//
// It imports the standard library only, and runs hasync only as a built
// binary.
package main
