package main

import (
	"bufio"
	"bytes"
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
)

func main() {
	runs := flag.Int("runs", 200, "runs of each command, interleaved; medians are reported")
	top := flag.Int("top", 20, "packages listed by their init time")
	prebuilt := flag.String("bin", "", "a hasync binary to time instead of building this checkout")
	flag.Parse()

	dir, err := os.MkdirTemp("", "hasync-startup")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := *prebuilt
	if bin == "" {
		bin = filepath.Join(dir, "hasync")
		build(".", bin, nil)
	}
	hello := filepath.Join(dir, "hello")
	if err := os.MkdirAll(hello, 0o755); err != nil {
		log.Fatal(err)
	}
	write(filepath.Join(hello, "go.mod"), "module hello\n")
	write(filepath.Join(hello, "main.go"), "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n")
	build(hello, filepath.Join(dir, "hello-static"), []string{"CGO_ENABLED=0"})
	helloCgo := filepath.Join(dir, "hellocgo")
	if err := os.MkdirAll(helloCgo, 0o755); err != nil {
		log.Fatal(err)
	}
	write(filepath.Join(helloCgo, "go.mod"), "module hellocgo\n")
	write(filepath.Join(helloCgo, "main.go"), "package main\n\nimport (\n\t\"os\"\n\t_ \"runtime/cgo\"\n)\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n")
	build(helloCgo, filepath.Join(dir, "hello-cgo"), []string{"CGO_ENABLED=1"})

	fa, fb := filepath.Join(dir, "one-a.conf"), filepath.Join(dir, "one-b.conf")
	write(fa, "set system host-name 'a'\n")
	write(fb, "set system host-name 'b'\n")
	gnu, err := exec.LookPath("diff")
	if err != nil {
		log.Fatal("GNU diff not found: apt-get install diffutils")
	}
	cmds := []struct {
		name string
		argv []string
	}{
		{"GNU diff", []string{gnu, fa, fb}},
		{"Go hello, static", []string{filepath.Join(dir, "hello-static")}},
		{"Go hello, cgo", []string{filepath.Join(dir, "hello-cgo")}},
		{"hasync diff", []string{bin, "diff", fa, fb}},
	}
	walls := make([][]float64, len(cmds))
	cpus := make([][]float64, len(cmds))
	for range *runs {
		for i, c := range cmds {
			cmd := exec.Command(c.argv[0], c.argv[1:]...)
			start := time.Now()
			err := cmd.Run()
			walls[i] = append(walls[i], ms(time.Since(start)))
			if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
				log.Fatalf("%v: %v", c.argv, err)
			}
			cpus[i] = append(cpus[i], ms(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()))
		}
	}
	fmt.Printf("%d runs each, interleaved; ms\n", *runs)
	fmt.Printf("%-18s %8s %8s %8s %8s\n", "", "wall p25", "p50", "p75", "CPU p50")
	for i, c := range cmds {
		fmt.Printf("%-18s %8.2f %8.2f %8.2f %8.2f\n", c.name, quantile(walls[i], .25), quantile(walls[i], .5), quantile(walls[i], .75), quantile(cpus[i], .5))
	}

	inits(*runs, *top, []string{bin, "diff", fa, fb})
}

// inits runs argv with GODEBUG=inittrace=1 runs times and prints each
// package's median init time and allocation, summed by module, and the
// heaviest top packages. (The trace's own writes, one a package, delay
// the inits that follow: the times inside each init are what counts,
// not when the last one ends.)
func inits(runs, top int, argv []string) {
	clock := map[string][]float64{}
	bytesOf := map[string]float64{}
	var order []string
	for range runs {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
			log.Fatalf("%v: %v", argv, err)
		}
		sc := bufio.NewScanner(&stderr)
		for sc.Scan() {
			// init PKG @T ms, C ms clock, B bytes, A allocs
			f := strings.Fields(sc.Text())
			if len(f) != 11 || f[0] != "init" {
				continue
			}
			c, _ := strconv.ParseFloat(f[4], 64)
			b, _ := strconv.ParseFloat(f[7], 64)
			if _, ok := clock[f[1]]; !ok {
				order = append(order, f[1])
			}
			clock[f[1]] = append(clock[f[1]], c)
			bytesOf[f[1]] = b
		}
	}
	med := map[string]float64{}
	byModule := map[string]float64{}
	var modules []string
	total := 0.0
	for _, p := range order {
		med[p] = quantile(clock[p], .5)
		m := module(p)
		if _, ok := byModule[m]; !ok {
			modules = append(modules, m)
		}
		byModule[m] += med[p]
		total += med[p]
	}
	fmt.Printf("\nhasync's package inits (GODEBUG=inittrace=1, %d runs): %d packages, medians summed %.2f ms\n", runs, len(order), total)
	slices.SortStableFunc(modules, func(a, b string) int { return cmpDesc(byModule[a], byModule[b]) })
	fmt.Printf("by module:\n")
	for _, m := range modules {
		if byModule[m] >= 0.005 {
			fmt.Printf("  %6.3f ms  %s\n", byModule[m], m)
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmpDesc(med[a], med[b]) })
	fmt.Printf("heaviest packages:\n")
	for _, p := range order[:min(top, len(order))] {
		fmt.Printf("  %6.3f ms %8.0f B  %s\n", med[p], bytesOf[p], p)
	}
}

// module names the module of an import path, roughly: the standard
// library (no dot in the first element, or vendored into it), else the
// path's first two elements on charm.land (charm.land/NAME) and three
// elsewhere (github.com/OWNER/REPO, golang.org/x/NAME).
func module(p string) string {
	first, _, _ := strings.Cut(p, "/")
	if !strings.Contains(first, ".") || strings.HasPrefix(p, "vendor/") {
		return "standard library"
	}
	n := 3
	if first == "charm.land" {
		n = 2
	}
	parts := strings.Split(p, "/")
	return strings.Join(parts[:min(n, len(parts))], "/")
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func build(dir, out string, env []string) {
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("go build in %s: %v", dir, err)
	}
}

func write(file, text string) {
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(float64(len(s)-1)*q)]
}
