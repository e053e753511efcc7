package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CoresPerSolve is the number of cores one cluster solve keeps busy (two
// GLPK configurations race, see docs/algorithm.md).
const CoresPerSolve = 2

// DefaultJobs is the number of cells solved at once by default: the cores
// this process may use divided by CoresPerSolve, at least 1.
func DefaultJobs() int { return max(1, runtime.NumCPU()/CoresPerSolve) }

// Shard is this task's part of the grid: the cells k with k mod Count =
// Index.
type Shard struct{ Index, Count int }

// ParseShard parses "I/N".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(strings.TrimSpace(i))
	b, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%q: want I/N, e.g. 0/3", s)
	}
	sh := Shard{a, b}
	return sh, sh.Check()
}

// Check reports a shard outside 0 <= Index < Count.
func (s Shard) Check() error {
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: want 0 <= I < N", s.Index, s.Count)
	}
	return nil
}

// Owns reports whether cell k belongs to the shard.
func (s Shard) Owns(k int) bool { return k%s.Count == s.Index }

// RunOptions configure Run.
type RunOptions struct {
	// Dir is the output folder (see Prepare).
	Dir   string
	Shard Shard
	// Jobs is the number of cells solved at once; 0 means DefaultJobs.
	Jobs int
	// Resume skips cells whose file is valid (structure and independent
	// check of every plan).
	Resume bool
	// Progress, when set, is called after each cell (from several
	// goroutines, one call at a time).
	Progress func(CellProgress)
}

// CellProgress reports a finished (or skipped, or failed) cell.
type CellProgress struct {
	Done, Total int
	Cell        Cell
	Label       string
	Result      *CellResult // nil when the cell failed
	Skipped     bool
	Err         error
	Elapsed     time.Duration
}

// Summary counts what Run did.
type Summary struct {
	Solved, Skipped int
	// Failed lists the cells that ended in an error (an internal error,
	// not an infeasible instance), with the error.
	Failed []string
}

// chains splits the shard's cells into chains solved in order, each
// warm-starting from the one before: cells of one input that differ only
// in the last setting. Without Warm every cell is its own chain.
func (g *Grid) chains(sh Shard) [][]Cell {
	var out [][]Cell
	last := ""
	for _, c := range g.Cells {
		if !sh.Owns(c.Index) {
			continue
		}
		row := fmt.Sprint(c.Input, c.Values[:max(0, len(c.Values)-1)])
		if !g.Spec.Flags.Warm || len(out) == 0 || row != last {
			out = append(out, nil)
		}
		last = row
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// Run solves the shard's cells, Jobs at a time, writing each cell's file
// as soon as it is solved. Call Prepare first. A cancelled context stops
// the run between solves (finished cells stay written) and is returned.
func (g *Grid) Run(ctx context.Context, opts RunOptions) (Summary, error) {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = DefaultJobs()
	}
	chains := g.chains(opts.Shard)
	total := 0
	for _, ch := range chains {
		total += len(ch)
	}
	work := make(chan []Cell)
	var (
		mu   sync.Mutex
		sum  Summary
		done int
	)
	report := func(p CellProgress) {
		mu.Lock()
		defer mu.Unlock()
		done++
		switch {
		case p.Err != nil:
			if !errors.Is(p.Err, context.Canceled) && !errors.Is(p.Err, context.DeadlineExceeded) {
				sum.Failed = append(sum.Failed, fmt.Sprintf("cell %d (%s): %v", p.Cell.Index, p.Label, p.Err))
			}
		case p.Skipped:
			sum.Skipped++
		default:
			sum.Solved++
		}
		p.Done, p.Total = done, total
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}
	var wg sync.WaitGroup
	for range min(jobs, max(1, len(chains))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range work {
				g.runChain(ctx, ch, opts, report)
			}
		}()
	}
	for _, ch := range chains {
		if ctx.Err() != nil {
			break
		}
		work <- ch
	}
	close(work)
	wg.Wait()
	return sum, ctx.Err()
}

// runChain solves a chain's cells in order, each warm-started from the
// previous cell's cluster plan.
func (g *Grid) runChain(ctx context.Context, chain []Cell, opts RunOptions, report func(CellProgress)) {
	var w *warm
	for _, c := range chain {
		if ctx.Err() != nil {
			return
		}
		start := time.Now()
		p := CellProgress{Cell: c, Label: g.Label(c)}
		if opts.Resume {
			if r, ok := g.validCell(opts.Dir, c); ok {
				p.Result, p.Skipped = r, true
				w = &warm{from: c.Index, plan: r.clusterPlan()}
				report(p)
				continue
			}
		}
		r, err := g.solveCell(ctx, c, w)
		if err == nil {
			err = r.write(opts.Dir)
		}
		p.Result, p.Err, p.Elapsed = r, err, time.Since(start)
		if err != nil {
			p.Result = nil
			w = nil
		} else if g.Spec.Flags.Warm {
			w = &warm{from: c.Index, plan: r.clusterPlan()}
		}
		report(p)
	}
}
