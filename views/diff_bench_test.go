package views

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
	"github.com/hasync/hasync/bench/synth"
)

// benchData is the Diff tab's data for a synthetic VRA pair of about
// lines lines drifting by about one percent (bench/synth).
func benchData(b *testing.B, lines int) *DiffData {
	b.Helper()
	src, dst := synth.VyattaPair(lines, 1)
	l, err := compare.Parse("vra-a", src, config.Vyatta)
	if err != nil {
		b.Fatal(err)
	}
	r, err := compare.Parse("vra-b", dst, config.Vyatta)
	if err != nil {
		b.Fatal(err)
	}
	c, err := compare.Trees(l, r, compare.MapSpec{Include: []string{"firewall"}}, diff.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := BuildDiff(DiffSource{Comparison: c, LeftName: "vra-a", RightName: "vra-b", Mode: plan.Push})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

var benchSizes = []int{1_000, 10_000, 100_000}

// reportCPU adds the CPU time per op since start (cpu-ns/op), the figure
// to read on a loaded machine.
func reportCPU(b *testing.B, start time.Duration) {
	if start > 0 && b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDiffFrame is one frame of the Diff tab at 200x50, the cursor a
// third of the way down (issue 11: within 0.5 ms, 100k within 1.5x of 1k).
func BenchmarkDiffFrame(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			v := NewDiffView(NewStyles(Theme{Dark: true}))
			v.SetData(benchData(b, n))
			v.SetSize(200, 50)
			v.cursor = len(v.items) / 3
			v.scrollTo(true)
			b.ReportAllocs()
			b.ResetTimer()
			start := cpuTime()
			for b.Loop() {
				_ = v.View()
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkDiffFrameDetail is a frame with the detail pane beside the
// rows, the cursor moving each time (the detail is made afresh).
func BenchmarkDiffFrameDetail(b *testing.B) {
	v := NewDiffView(NewStyles(Theme{Dark: true}))
	v.SetData(benchData(b, 100_000))
	v.SetSize(200, 50)
	v.Update(keyMsg("n"))
	v.Update(keyMsg("enter"))
	n, g := keyMsg("n"), keyMsg("g")
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if v.Update(n); v.notice != "" {
			v.Update(g)
		}
		_ = v.View()
	}
	reportCPU(b, start)
}

// BenchmarkDiffKeyDown is a key press that moves one row, Update and the
// redrawn View (issue 11: within 0.5 ms at 100k).
func BenchmarkDiffKeyDown(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			v := NewDiffView(NewStyles(Theme{Dark: true}))
			v.SetData(benchData(b, n))
			v.SetSize(200, 50)
			down, up := keyMsg("j"), keyMsg("k")
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			start := cpuTime()
			for b.Loop() {
				// Down through the middle, then back up: every press moves.
				msg := down
				if (i/1000)%2 == 1 {
					msg = up
				}
				i++
				v.Update(msg)
				_ = v.View()
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkDiffNext is n (next difference) and the redrawn View.
func BenchmarkDiffNext(b *testing.B) {
	v := NewDiffView(NewStyles(Theme{Dark: true}))
	v.SetData(benchData(b, 100_000))
	v.SetSize(200, 50)
	n, g := keyMsg("n"), keyMsg("g")
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if v.Update(n); v.notice != "" {
			v.Update(g)
		}
		_ = v.View()
	}
	reportCPU(b, start)
}

// BenchmarkBuildDiff is the preparation the tui runs in a tea.Cmd.
func BenchmarkBuildDiff(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			src, dst := synth.VyattaPair(n, 1)
			l, _ := compare.Parse("vra-a", src, config.Vyatta)
			r, _ := compare.Parse("vra-b", dst, config.Vyatta)
			c, err := compare.Trees(l, r, compare.MapSpec{Include: []string{"firewall"}}, diff.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := BuildDiff(DiffSource{Comparison: c}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkDiffSetData is a refresh: new data in, the item list rebuilt.
func BenchmarkDiffSetData(b *testing.B) {
	d := benchData(b, 100_000)
	v := NewDiffView(NewStyles(Theme{Dark: true}))
	v.SetSize(200, 50)
	b.ReportAllocs()
	for b.Loop() {
		v.SetData(d)
	}
}

// BenchmarkDiffMemory reports the heap a Diff tab holds for a pair of
// 100k lines: both trees, the comparison, the rows and the plan
// (retained-MB), and what the view adds (view-MB).
func BenchmarkDiffMemory(b *testing.B) {
	for b.Loop() {
		var m0, m1, m2 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		d := benchData(b, 100_000)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		v := NewDiffView(NewStyles(Theme{Dark: true}))
		v.SetData(d)
		v.SetSize(200, 50)
		_ = v.View()
		runtime.GC()
		runtime.ReadMemStats(&m2)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "retained-MB")
		b.ReportMetric(float64(m2.HeapAlloc-m1.HeapAlloc)/(1<<20), "view-MB")
		runtime.KeepAlive(v)
	}
}

// BenchmarkDiffSearch100k is accepting a search over a pair of 100k
// lines: every row's text scanned once, in Update.
func BenchmarkDiffSearch100k(b *testing.B) {
	v := NewDiffView(NewStyles(Theme{Dark: true}))
	v.SetData(benchData(b, 100_000))
	v.SetSize(200, 50)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		v.Update(keyMsg("/"))
		typeText(v, "port 80")
		v.Update(keyMsg("enter"))
		_ = v.View()
	}
	reportCPU(b, start)
}
