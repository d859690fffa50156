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
	"time"

	"github.com/hasync/hasync/bench/synth"
)

// pair is one compared pair of files.
type pair struct {
	name   string
	kind   string // start-up, genconf, huawei or firewall-big
	drift  string // genconf's --drift, in percent
	lines  int
	fa, fb string
}

func main() {
	runs := flag.Int("runs", 9, "runs of each command, interleaved; medians are reported")
	sizes := flag.String("sizes", "1000,10000,100000", "pair sizes in lines")
	drifts := flag.String("drifts", "1,10", "genconf.py drifts in percent")
	format := flag.String("format", "side", "hasync diff --format")
	shared := flag.String("shared", "../shared", "the shared folder (tools/genconf.py, tools/mkpeer.py, corpus/vyos/big/firewall-big)")
	prebuilt := flag.String("bin", "", "a hasync binary to time instead of building this checkout")
	flag.Parse()

	dir, err := os.MkdirTemp("", "hasync-diffbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := *prebuilt
	if bin == "" {
		bin = filepath.Join(dir, "hasync")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("go build: %v", err)
		}
	}
	gnu, err := exec.LookPath("diff")
	if err != nil {
		log.Fatal("GNU diff not found: apt-get install diffutils")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		log.Fatal("git not found")
	}

	if *runs < minRuns {
		log.Printf("-runs %d: fewer than the %d runs the issue asks for; figures not for the record", *runs, minRuns)
	}
	wc, err := exec.LookPath("wc")
	if err != nil {
		log.Fatal("wc not found")
	}

	pairs := makePairs(dir, *shared, *sizes, *drifts)
	fmt.Printf("medians of %d interleaved runs; wall and cpu (user+sys) in ms, peak RSS in MB (MiB: /usr/bin/time's KiB / 1024, the unit of the issue's figures; median of as many runs under /usr/bin/time); ratio = hasync / GNU diff\n", *runs)
	fmt.Printf("full = hasync with HASYNC_FULL_PARSE=1 (no byte-level fast path); floor = wc -l of both files (reading them and counting their lines)\n")
	fmt.Printf("%-22s %7s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s | %8s %8s | %6s %6s\n",
		"pair", "lines", "hasync", "cpu", "MB", "full", "cpu", "MB", "diff", "cpu", "MB", "git", "cpu", "MB", "floor", "cpu", "wall×", "cpu×")
	for _, p := range pairs {
		hasync := []string{bin, "diff", "--format", *format, "--width", "160", p.fa, p.fb}
		cmds := [][]string{
			hasync,
			append([]string{"HASYNC_FULL_PARSE=1"}, hasync...),
			{gnu, p.fa, p.fb},
			{git, "diff", "--no-index", "--histogram", "--no-color", p.fa, p.fb},
			{wc, "-l", p.fa, p.fb},
		}
		ms := measure(*runs, cmds)
		h, f, g, gi, fl := ms[0], ms[1], ms[2], ms[3], ms[4]
		fmt.Printf("%-22s %7d | %8.1f %8.1f %6.1f | %8.1f %8.1f %6.1f | %8.1f %8.1f %6.1f | %8.1f %8.1f %6.1f | %8.1f %8.1f | %6.2f %6.2f\n",
			p.name, p.lines, h.wall, h.cpu, h.rss, f.wall, f.cpu, f.rss, g.wall, g.cpu, g.rss, gi.wall, gi.cpu, gi.rss, fl.wall, fl.cpu,
			h.wall/g.wall, h.cpu/g.cpu)
		fmt.Printf("  %s\n", verdict(p, h, g, fl))
	}
}

// minRuns is the fewest runs the issue accepts for a median.
const minRuns = 9

// memoryGoal is the bound on hasync's peak memory, in MB, for
// every pair.
const memoryGoal = 50.0

// wallGoal is the bound on hasync's wall time as a multiple of GNU
// diff's for the pair, and false for a pair the issue sets none for: 0.5
// for genconf's 100k-line pair at 1% drift, 1.0 for the 100k-line pair at
// 10% drift and for firewall-big with its peer.
func wallGoal(p pair) (float64, bool) {
	switch {
	case p.kind == "genconf" && p.lines == 100000 && p.drift == "1":
		return 0.5, true
	case p.kind == "genconf" && p.lines == 100000 && p.drift == "10",
		p.kind == "firewall-big":
		return 1.0, true
	}
	return 0, false
}

// verdict says whether the pair meets the goals: the wall time
// against GNU diff's where the issue sets one, the peak memory always,
// and where the floor (reading both files and counting their lines) lies.
func verdict(p pair, h, gnu, floor figures) string {
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	var b strings.Builder
	b.WriteString("goal: ")
	if goal, ok := wallGoal(p); ok {
		fmt.Fprintf(&b, "wall at most %.1f× GNU diff: %.2f×, %s; ", goal, h.wall/gnu.wall, met(h.wall <= goal*gnu.wall))
	} else {
		b.WriteString("no wall-time goal for this pair; ")
	}
	if h.rss > 0 {
		fmt.Fprintf(&b, "memory under %.0f MB: %.1f MB, %s; ", memoryGoal, h.rss, met(h.rss < memoryGoal))
	} else {
		b.WriteString("memory not measured (no /usr/bin/time); ")
	}
	fmt.Fprintf(&b, "floor (wc -l of both) %.2f× GNU diff's wall, hasync %.1f× the floor", floor.wall/gnu.wall, h.wall/floor.wall)
	return b.String()
}

// makePairs writes the pairs: two one-line files (process start),
// genconf.py's set-form pairs at each size and drift, this package's own Huawei pairs at each size, and firewall-big
// with a peer from mkpeer.py. A missing shared folder leaves out its
// pairs, with a note.
func makePairs(dir, shared, sizes, drifts string) []pair {
	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			log.Fatalf("-sizes: %v", err)
		}
		ns = append(ns, n)
	}
	// Two one-line files: what is left is process start, against GNU
	// diff's.
	fa, fb := filepath.Join(dir, "one-a.conf"), filepath.Join(dir, "one-b.conf")
	write(fa, []byte("set system host-name 'a'\n"))
	write(fb, []byte("set system host-name 'b'\n"))
	out := []pair{{"start-up (one line)", "start-up", "", 1, fa, fb}}
	genconf := filepath.Join(shared, "tools", "genconf.py")
	if _, err := os.Stat(genconf); err != nil {
		log.Printf("no %s: genconf pairs left out", genconf)
	} else {
		for _, n := range ns {
			for _, d := range strings.Split(drifts, ",") {
				d = strings.TrimSpace(d)
				sub := filepath.Join(dir, fmt.Sprintf("gen-%d-%s", n, d))
				run("python3", genconf, strconv.Itoa(n), sub, "--drift", d)
				out = append(out, pair{"genconf set " + d + "%", "genconf", d, n, filepath.Join(sub, "a.conf"), filepath.Join(sub, "b.conf")})
			}
		}
	}
	for _, n := range ns {
		a, b := synth.VRPPair(n, 1)
		fa, fb := filepath.Join(dir, fmt.Sprintf("huawei-%d-a.conf", n)), filepath.Join(dir, fmt.Sprintf("huawei-%d-b.conf", n))
		write(fa, a)
		write(fb, b)
		out = append(out, pair{"huawei synth", "huawei", "", n, fa, fb})
	}
	big := filepath.Join(shared, "corpus", "vyos", "big", "firewall-big")
	if _, err := os.Stat(big); err != nil {
		log.Printf("no %s: firewall-big left out", big)
	} else {
		peer := filepath.Join(dir, "firewall-big-peer")
		run("python3", filepath.Join(shared, "tools", "mkpeer.py"), big, peer)
		out = append(out, pair{"firewall-big+mkpeer", "firewall-big", "", lines(big), big, peer})
	}
	return out
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %v: %v", name, args, err)
	}
}

func write(file string, b []byte) {
	if err := os.WriteFile(file, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func lines(file string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// figures are one command's medians.
type figures struct{ wall, cpu, rss float64 }

// measure runs the commands in turn, runs times over, with their output
// discarded, and returns each one's median wall and CPU time (user+sys)
// in ms and its median peak resident set size in MB (from as many more
// runs, in turn, under /usr/bin/time). Taking turns keeps a change of the
// machine's load from favouring one command. Exit status 1 ("different")
// is expected of the diffs; anything above is fatal.
func measure(runs int, cmds [][]string) []figures {
	walls := make([][]float64, len(cmds))
	cpus := make([][]float64, len(cmds))
	rss := make([][]float64, len(cmds))
	for range runs {
		for i, c := range cmds {
			cmd := command(nil, c)
			cmd.Stdout = nil // /dev/null
			var stderr strings.Builder
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			walls[i] = append(walls[i], float64(time.Since(start))/1e6)
			if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
				log.Fatalf("%v: %v\n%s", c, err, stderr.String())
			}
			st := cmd.ProcessState
			cpus[i] = append(cpus[i], float64(st.UserTime()+st.SystemTime())/1e6)
		}
	}
	for range runs {
		for i, c := range cmds {
			rss[i] = append(rss[i], peakRSS(c))
		}
	}
	out := make([]figures, len(cmds))
	for i := range cmds {
		out[i] = figures{median(walls[i]), median(cpus[i]), median(rss[i])}
	}
	return out
}

// peakRSS runs the command once more under /usr/bin/time and returns its
// peak resident set size in MB, or 0 without /usr/bin/time. Measured
// directly, a child's peak would count this process's own memory, which
// the child shares until it execs.
func peakRSS(c []string) float64 {
	out, err := os.CreateTemp("", "diffbench-rss")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(out.Name())
	out.Close()
	cmd := command([]string{"/usr/bin/time", "-f", "%M", "-o", out.Name()}, c)
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			return 0
		}
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		return 0
	}
	fs := strings.Fields(string(b))
	if len(fs) == 0 {
		return 0
	}
	kb, _ := strconv.ParseFloat(fs[len(fs)-1], 64)
	return kb / 1024
}

// command is the command line c, run under the prefix (a program and its
// arguments, or nil). Leading NAME=VALUE words of c are set in its
// environment, as a shell would, rather than by running env(1), whose
// own start would count in the times.
func command(prefix, c []string) *exec.Cmd {
	var env []string
	for len(c) > 0 && strings.Contains(c[0], "=") {
		env, c = append(env, c[0]), c[1:]
	}
	args := append(slices.Clone(prefix), c...)
	cmd := exec.Command(args[0], args[1:]...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	return cmd
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
