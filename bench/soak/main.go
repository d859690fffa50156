package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var o Options
	flag.DurationVar(&o.Duration, "d", 2*time.Minute, "how long the load runs")
	flag.IntVar(&o.Sessions, "n", 10, "parallel SSH sessions per lab (half to each member)")
	flag.IntVar(&o.Lines, "lines", 3000, "lines of each seeded configuration")
	flag.Parse()
	dir, err := os.MkdirTemp("", "hasync-soak-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	o.Dir = dir
	r, err := Run(context.Background(), o)
	os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	r.Print(os.Stdout)
	if !r.OK() {
		os.Exit(1)
	}
}
