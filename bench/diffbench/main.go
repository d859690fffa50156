package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hasync/hasync/bench/synth"
)

func main() {
	runs := flag.Int("runs", 7, "runs of each command; the median is reported")
	sizes := flag.String("sizes", "1000,10000,100000", "pair sizes in lines")
	format := flag.String("format", "side", "hasync diff --format")
	flag.Parse()

	dir, err := os.MkdirTemp("", "hasync-diffbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "hasync")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		log.Fatalf("go build: %v", err)
	}
	gnu, err := exec.LookPath("diff")
	if err != nil {
		log.Fatal("GNU diff not found: apt-get install diffutils")
	}

	fmt.Printf("%-7s %8s %12s %12s %7s %12s\n", "family", "lines", "hasync", "GNU diff", "ratio", "hasync RSS")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			log.Fatalf("-sizes: %v", err)
		}
		for _, fam := range []struct {
			name string
			gen  func(int, int64) ([]byte, []byte)
		}{{"vyatta", synth.VyattaPair}, {"huawei", synth.VRPPair}} {
			a, b := fam.gen(n, 1)
			fa, fb := filepath.Join(dir, fam.name+"-a.conf"), filepath.Join(dir, fam.name+"-b.conf")
			if err := os.WriteFile(fa, a, 0o644); err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(fb, b, 0o644); err != nil {
				log.Fatal(err)
			}
			hs, rss := measure(*runs, bin, "diff", "--format", *format, "--width", "160", fa, fb)
			gs, _ := measure(*runs, gnu, fa, fb)
			fmt.Printf("%-7s %8d %12s %12s %7.2f %9.1f MB\n", fam.name, n, hs.Round(10*time.Microsecond), gs.Round(10*time.Microsecond),
				float64(hs)/float64(gs), float64(rss)/1024)
		}
	}
}

// measure runs the command runs times with its output discarded and returns
// the median wall time and the peak resident set size in KiB. Exit status 1
// ("different") is expected of both diffs; anything above is fatal.
func measure(runs int, name string, args ...string) (time.Duration, int64) {
	var times []time.Duration
	var peak int64
	for range runs {
		cmd := exec.Command(name, args...)
		cmd.Stdout = nil // /dev/null
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		times = append(times, time.Since(start))
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
			log.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss)
		}
	}
	slices.Sort(times)
	return times[len(times)/2], peak
}
