// Command diffbench measures `hasync diff` against GNU `diff` and `git diff
// --no-index --histogram` in one run on the same files: two one-line files
// (what remains is process start), genconf.py's set-form pairs of 1k, 10k
// and 100k lines at 1% and 10% drift, this repository's synthetic Huawei
// pairs of those sizes, and VyOS's firewall-big with a peer from
// mkpeer.py. It prints each command's median
// wall and CPU time (user+sys) and median peak memory, and hasync's ratios
// to GNU diff, beside the floor: `wc -l` of both files (reading them and
// counting their lines), timed in the same turns. Under each pair a goal
// line says whether the issue's goals are met: hasync's wall time at most
// 0.5× GNU diff's on the 100k-line pair at 1% drift and 1.0× at 10% and on
// firewall-big, and its peak memory under 50 MB on every pair.
//
//	go run ./bench/diffbench [-runs 9] [-sizes 1000,10000,100000] [-drifts 1,10] [-format side] [-shared ../shared] [-bin FILE]
//
// Fewer than 9 runs are allowed for a quick look, with a note.
//
// It imports bench/synth and the standard library, and runs hasync only as
// a built binary.
package main
