package cluster

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
)

// portfolio returns the GLPK configurations Solve races, one per core.
//
// Measured on generated 30-firm × 20-opportunity clusters (24 seeds, 10 s
// limit each): Driebeck–Tomlin branching with all cuts proved 23 of 24
// optimal in 12.7 s in all but stalled on one (its bound stuck at the LP
// value); hybrid pseudo-cost branching without cuts solved that one in
// 0.6 s but stalled on another. Raced, each instance takes about the
// faster of the two (24/24 in 3.2 s). See docs/algorithm.md.
//
// Hybrid pseudo-cost branching initialises its pseudo-costs by solving an
// LP per fractional column without calling back and without checking the
// time limit: 71 s on a 150-firm cluster under a 7 s limit, about 1 s over
// a 2 s limit at 579 binaries. Above pseudoCostMaxBinaries the second
// configuration is therefore depth-biased best-projection search instead,
// which stays interruptible.
func portfolio(fm *Formulation) []glpk.Params {
	second := glpk.Params{Branching: glpk.BranchHybridPseudoCost}
	if fm.Prob.NumBinaries() > pseudoCostMaxBinaries {
		second = glpk.Params{Backtracking: glpk.BacktrackBestProjection}
	}
	return []glpk.Params{
		{GomoryCuts: true, MIRCuts: true, CoverCuts: true, CliqueCuts: true},
		second,
	}
}

const pseudoCostMaxBinaries = 500

// pool shares incumbents between the racing solves.
type pool struct {
	mu     sync.Mutex
	x      []float64
	obj    float64
	has    bool
	bounds []float64
}

func (p *pool) offer(obj float64, x []float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.has || obj < p.obj-1e-9*math.Max(1, math.Abs(obj)) {
		p.x, p.obj, p.has = append([]float64(nil), x...), obj, true
	}
}

// better returns the pool's incumbent if it beats seen.
func (p *pool) better(seen float64) ([]float64, float64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.has && p.obj < seen-1e-9*math.Max(1, math.Abs(p.obj)) {
		return append([]float64(nil), p.x...), p.obj, true
	}
	return nil, 0, false
}

func (p *pool) snapshot() (bool, float64, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := math.Inf(-1)
	for _, v := range p.bounds {
		b = math.Max(b, v)
	}
	return p.has, p.obj, b
}

// raceResult is the combined outcome of the racing solves.
type raceResult struct {
	status glpk.Status
	found  bool // x holds a feasible point (it may be empty: a model without columns)
	x      []float64
	bound  float64
	nodes  int
}

// race runs every configuration of portfolio on its own goroutine (and so
// its own OS thread and GLPK environment) and stops all as soon as one
// finishes: proves optimality or infeasibility, or reaches the gap. start,
// if not nil, is a feasible starting point offered to each.
func race(ctx context.Context, fm *Formulation, base glpk.Params, start []float64, progress func(hasInc bool, inc, bound float64)) (*raceResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	configs := portfolio(fm)
	pl := &pool{bounds: make([]float64, len(configs))}
	for i := range pl.bounds {
		pl.bounds[i] = math.Inf(-1)
	}
	if start != nil {
		pl.offer(fm.Objective(start), start)
	}
	var progMu sync.Mutex
	emit := func() {
		if progress == nil {
			return
		}
		has, inc, b := pl.snapshot()
		progMu.Lock()
		progress(has, inc, b)
		progMu.Unlock()
	}
	// A ticker reports even while GLPK runs its root LP, where its
	// callback is silent for seconds on large instances.
	done, exited := make(chan struct{}), make(chan struct{})
	defer func() { close(done); <-exited }()
	go func() {
		defer close(exited)
		if progress == nil {
			return
		}
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				emit()
			}
		}
	}()
	results := make([]*glpk.Result, len(configs))
	errs := make([]error, len(configs))
	var wg sync.WaitGroup
	for i, cfg := range configs {
		prm := cfg
		prm.TimeLimit, prm.RelGap = base.TimeLimit, base.RelGap
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			seen := math.Inf(1)
			cb := glpk.Callbacks{
				Heuristic: func() ([]float64, bool) {
					x, obj, ok := pl.better(seen)
					if ok {
						seen = obj
					}
					return x, ok
				},
				Incumbent: func(obj float64, x []float64) {
					seen = math.Min(seen, obj)
					pl.offer(obj, x)
				},
				Progress: func(p glpk.Progress) {
					pl.mu.Lock()
					if !math.IsNaN(p.Bound) {
						pl.bounds[i] = math.Max(pl.bounds[i], p.Bound)
					}
					pl.mu.Unlock()
					emit()
				},
			}
			t0 := time.Now()
			res, err := glpk.SolveMIP(ctx, fm.Prob, prm, cb)
			if res != nil && debugRace {
				println("worker", i, time.Since(t0).String(), res.Status.String(), res.Stop.String(), res.Nodes, res.HeuristicAccepted, res.HeuristicRejected, res.CallbackCalls, res.MaxCallbackInterval.String())
			}
			results[i], errs[i] = res, err
			if err == nil && res.Stop != glpk.Cancelled && res.Stop != glpk.TimeLimit {
				cancel() // decisive: proven, infeasible or gap reached
			}
		}(i)
	}
	wg.Wait()
	out := &raceResult{status: glpk.NoSolution, bound: math.Inf(-1)}
	var firstErr error
	for i, res := range results {
		if err := errs[i]; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if res == nil {
			continue
		}
		out.nodes += res.Nodes
		if !math.IsNaN(res.Bound) {
			out.bound = math.Max(out.bound, res.Bound)
		}
		if res.HasSolution {
			pl.offer(res.Objective, res.X)
		}
		switch {
		case res.Status == glpk.Optimal && res.Stop == glpk.Completed:
			out.status = glpk.Optimal
		case res.Status == glpk.Infeasible && out.status != glpk.Optimal:
			out.status = glpk.Infeasible
		}
	}
	if firstErr != nil && out.status == glpk.NoSolution && !pl.has {
		return nil, firstErr
	}
	_, _, b := pl.snapshot()
	out.bound = math.Max(out.bound, math.Max(b, boxBound(fm)))
	if pl.has {
		out.found, out.x = true, pl.x
		if out.status != glpk.Optimal {
			out.status = glpk.Feasible
		}
		if out.bound > pl.obj {
			out.bound = pl.obj
		}
	}
	return out, nil
}

// boxBound is the minimum of the objective over the column bounds alone:
// a valid, if weak, lower bound that is known before any LP is solved, so
// that a plan found before the root LP finishes still has a gap.
func boxBound(fm *Formulation) float64 {
	b := fm.Prob.ObjConst
	for j := range fm.Prob.Cols {
		c := fm.Prob.Cols[j].Obj
		if c == 0 {
			continue
		}
		lo, hi := fm.Prob.Bounds(j)
		b += math.Min(c*lo, c*hi)
	}
	return b
}

var debugRace = false
