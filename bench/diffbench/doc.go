// Command diffbench measures `hasync diff` against GNU `diff` and `git diff
// --no-index --histogram` in one run on the same files: genconf.py's
// set-form pairs of 1k, 10k and 100k lines at 1% and 10% drift, this
// repository's synthetic Huawei pairs of those sizes, and VyOS's
// firewall-big with a peer from mkpeer.py. It prints each command's median
// wall and CPU time (user+sys) and its peak memory, and hasync's ratios to
// GNU diff.
//
//	go run ./bench/diffbench [-runs 9] [-sizes 1000,10000,100000] [-drifts 1,10] [-format side] [-shared ../shared]
//
// It imports bench/synth and the standard library, and runs hasync only as
// a built binary.
package main
