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
// Driebeck–Tomlin branching with all cuts and hybrid pseudo-cost branching
// without cuts each stall on instances the other solves quickly (the
// first with its bound stuck at the LP value), so raced, each instance
// takes about the faster of the two (docs/experiments.md, "GLPK race").
//
// Hybrid pseudo-cost branching initialises its pseudo-costs by solving an
// LP per fractional column without calling back and without checking the
// time limit, so it can overrun any limit. Above pseudoCostMaxBinaries the
// second configuration is therefore depth-biased best-projection search
// instead, which stays interruptible.
func portfolio(fm *Formulation) []glpk.Params {
	second := glpk.Params{Branching: glpk.BranchHybridPseudoCost}
	if fm.Prob.NumBinaries() > pseudoCostMaxBinaries {
		second = glpk.Params{Backtracking: glpk.BacktrackBestProjection}
	}
	first := glpk.Params{GomoryCuts: true, MIRCuts: true, CoverCuts: true, CliqueCuts: true}
	if fm.Prob.NumBinaries() > singleSolverBinaries {
		// Each racer holds its own copy of the model in GLPK: on
		// province-size clusters one copy is already gigabytes.
		return []glpk.Params{{Backtracking: glpk.BacktrackBestProjection}}
	}
	return []glpk.Params{first, second}
}

// singleSolverBinaries is the model size above which only one GLPK solve
// runs: each solve holds its own copy of the model, and two copies of a
// province-size model take gigabytes.
const singleSolverBinaries = 100000

const pseudoCostMaxBinaries = 500

// epochNodes is the number of branch-and-bound nodes each solver explores
// between two synchronisation barriers.
const epochNodes = 50

// lockstep runs the solvers of the portfolio in epochs of epochNodes
// nodes. Incumbents are exchanged only at the barriers between epochs, and
// the winner is the solver that finished first counted in epochs, ties to
// the lower index. Every solver's search is deterministic given what it
// receives at the barriers, so the whole race is: the same instance gives
// the same plan, whichever core is faster (time limits and cancellation
// aside).
type lockstep struct {
	mu   sync.Mutex
	cond *sync.Cond
	// passed[i]: barriers solver i has passed; merged: barriers merged.
	passed []int
	merged int
	// finished solvers, the epoch they finished in, and whether the
	// finish was decisive (optimal, infeasible or gap reached).
	finished, decisive []bool
	finishEpoch        []int
	// stopEpoch is the earliest epoch in which a solver finished
	// decisively (-1: none yet): solvers that complete it stop.
	stopEpoch int
	// private[i] is solver i's best solution; visible is the best known
	// at the last barrier, the one offered to all solvers.
	private     []solution
	visible     solution
	bounds      []float64
	interrupted bool
}

type solution struct {
	x   []float64
	obj float64
	has bool
}

func (s solution) beats(o solution) bool {
	return s.has && (!o.has || s.obj < o.obj-1e-9*math.Max(1, math.Abs(s.obj)))
}

func newLockstep(n int) *lockstep {
	l := &lockstep{passed: make([]int, n), finished: make([]bool, n), decisive: make([]bool, n),
		finishEpoch: make([]int, n), stopEpoch: -1, private: make([]solution, n), bounds: make([]float64, n)}
	l.cond = sync.NewCond(&l.mu)
	for i := range l.bounds {
		l.bounds[i] = math.Inf(-1)
	}
	return l
}

// arrive is called by solver i when it has explored another epoch; it
// waits for the others, merges incumbents, and says whether i must stop.
func (l *lockstep) arrive(i int) (stop bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.passed[i]++
	k := l.passed[i]
	l.cond.Broadcast()
	for {
		if l.interrupted || (l.stopEpoch >= 0 && k > l.stopEpoch) {
			return true
		}
		if l.merged >= k {
			return false
		}
		all := true
		for j := range l.passed {
			all = all && (l.passed[j] >= k || l.finished[j])
		}
		if all {
			l.merge()
			l.merged = k
			l.cond.Broadcast()
			return false
		}
		l.cond.Wait()
	}
}

// merge makes the best private solution visible, ties to the lower index.
func (l *lockstep) merge() {
	for j := range l.private {
		if l.private[j].beats(l.visible) {
			l.visible = l.private[j]
		}
	}
}

func (l *lockstep) finish(i int, res *glpk.Result, decisive bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.finished[i] = true
	l.finishEpoch[i] = l.passed[i]
	l.decisive[i] = decisive
	if res != nil && res.HasSolution {
		if sol := (solution{x: res.X, obj: res.Objective, has: true}); sol.beats(l.private[i]) {
			l.private[i] = sol
		}
	}
	if decisive && (l.stopEpoch < 0 || l.passed[i] < l.stopEpoch) {
		l.stopEpoch = l.passed[i]
	}
	l.cond.Broadcast()
}

func (l *lockstep) interrupt() {
	l.mu.Lock()
	l.interrupted = true
	l.cond.Broadcast()
	l.mu.Unlock()
}

// raceResult is the combined outcome of the racing solves.
type raceResult struct {
	status glpk.Status
	found  bool // x holds a feasible point (it may be empty: a model without columns)
	x      []float64
	bound  float64
	nodes  int
	// failure is a GLPK error that ended a solve while a plan was already
	// in hand (the plan is still reported, with this note).
	failure error
}

// race runs every configuration of portfolio on its own goroutine (and so
// its own OS thread and GLPK environment), in lockstep (see lockstep).
// start, if not nil, is a feasible starting point offered to each.
//
// extra is a lower bound on the objective known from elsewhere (the
// Lagrangian bound; -Inf when none): it is reported whenever it beats
// GLPK's.
func race(ctx context.Context, fm *Formulation, base glpk.Params, start []float64, extra float64, progress func(hasInc bool, inc, bound float64)) (*raceResult, error) {
	configs := portfolio(fm)
	r := &racer{fm: fm, ls: newLockstep(len(configs)), extra: extra, progress: progress,
		results: make([]*glpk.Result, len(configs)), errs: make([]error, len(configs))}
	if start != nil {
		r.ls.visible = solution{x: start, obj: fm.Objective(start), has: true}
	}
	var deadline time.Time
	if base.TimeLimit > 0 {
		deadline = time.Now().Add(base.TimeLimit)
		// GLPK checks its own limit too rarely on very large LPs; the
		// binding aborts a running LP when its context ends.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	done, exited := make(chan struct{}), make(chan struct{})
	defer func() { close(done); <-exited }()
	go r.watch(ctx, deadline, done, exited)
	var wg sync.WaitGroup
	for i, cfg := range configs {
		prm := cfg
		prm.TimeLimit, prm.RelGap, prm.LPSupport = base.TimeLimit, base.RelGap, base.LPSupport
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.solve(ctx, i, prm)
		}()
	}
	wg.Wait()
	return r.outcome()
}

// racer is one race: the lockstep between the solvers, their results and
// the reporting.
type racer struct {
	fm       *Formulation
	ls       *lockstep
	extra    float64
	progress func(hasInc bool, inc, bound float64)
	// progMu serialises the progress reports.
	progMu sync.Mutex
	// results and errs are each solver's, once it has returned.
	results []*glpk.Result
	errs    []error
}

// snapshot returns the best plan known (incumbent: has, objective) and
// the best bound.
func (r *racer) snapshot() (bool, float64, float64) {
	ls := r.ls
	ls.mu.Lock()
	defer ls.mu.Unlock()
	best := ls.visible
	b := r.extra
	for j := range ls.private {
		if ls.private[j].beats(best) {
			best = ls.private[j]
		}
		b = math.Max(b, ls.bounds[j])
	}
	return best.has, best.obj, b
}

// emit reports the snapshot.
func (r *racer) emit() {
	if r.progress == nil {
		return
	}
	has, inc, b := r.snapshot()
	r.progMu.Lock()
	r.progress(has, inc, b)
	r.progMu.Unlock()
}

// watch reports progress every half second, even while GLPK runs its root
// LP, where its callback is silent for seconds on large instances; it also
// wakes solvers waiting at a barrier when the context or the time limit
// (deadline, zero: none) ends. It returns when done is closed, closing
// exited.
func (r *racer) watch(ctx context.Context, deadline time.Time, done <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-done:
			return
		case <-ctx.Done():
			r.ls.interrupt()
		case <-t.C:
			if !deadline.IsZero() && time.Now().After(deadline) {
				r.ls.interrupt()
			}
			if n%5 == 4 {
				r.emit()
			}
		}
	}
}

// solve runs solver i with configuration prm in the lockstep.
func (r *racer) solve(ctx context.Context, i int, prm glpk.Params) {
	rs := &raceSolver{ls: r.ls, i: i, seen: math.Inf(1), next: epochNodes}
	cb := glpk.Callbacks{Heuristic: rs.heuristic, Incumbent: rs.incumbent, Node: rs.node, Progress: rs.reportBound}
	res, err := glpk.SolveMIP(ctx, r.fm.Prob, prm, cb)
	r.results[i], r.errs[i] = res, err
	decisive := err == nil && res != nil && (res.Stop == glpk.Completed || res.Stop == glpk.GapLimit)
	r.ls.finish(i, res, decisive)
}

// raceSolver is one solver's side of the lockstep: its callbacks.
type raceSolver struct {
	ls *lockstep
	i  int
	// seen is the best objective this solver knows; next the node count
	// at which it reaches the next barrier.
	seen float64
	next int
}

// heuristic offers the plan visible at the last barrier when it beats
// what the solver has seen.
func (rs *raceSolver) heuristic() ([]float64, bool) {
	rs.ls.mu.Lock()
	v := rs.ls.visible
	rs.ls.mu.Unlock()
	if !v.has || v.obj >= rs.seen-1e-9*math.Max(1, math.Abs(v.obj)) {
		return nil, false
	}
	rs.seen = v.obj
	return append([]float64(nil), v.x...), true
}

// incumbent keeps the solver's new incumbent as its private solution.
func (rs *raceSolver) incumbent(obj float64, x []float64) {
	rs.seen = math.Min(rs.seen, obj)
	rs.ls.mu.Lock()
	if sol := (solution{x: x, obj: obj, has: true}); sol.beats(rs.ls.private[rs.i]) {
		rs.ls.private[rs.i] = sol
	}
	rs.ls.mu.Unlock()
}

// node waits at a barrier every epochNodes nodes; true stops the solver.
func (rs *raceSolver) node(nodes int) bool {
	if nodes < rs.next {
		return false
	}
	rs.next = nodes + epochNodes
	return rs.ls.arrive(rs.i)
}

// reportBound keeps the solver's best bound.
func (rs *raceSolver) reportBound(p glpk.Progress) {
	if !math.IsNaN(p.Bound) {
		rs.ls.mu.Lock()
		rs.ls.bounds[rs.i] = math.Max(rs.ls.bounds[rs.i], p.Bound)
		rs.ls.mu.Unlock()
	}
}

// outcome combines the solvers' results: the winner's (the earliest
// decisive finish, ties to the lower index) or the best plan and bound of
// all, with the bounds known from elsewhere.
func (r *racer) outcome() (*raceResult, error) {
	ls, fm := r.ls, r.fm
	out := &raceResult{status: glpk.NoSolution, bound: math.Inf(-1)}
	var firstErr error
	for i, res := range r.results {
		if err := r.errs[i]; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
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
	}
	winner := -1
	for i := range r.results {
		if ls.decisive[i] && (winner < 0 || ls.finishEpoch[i] < ls.finishEpoch[winner]) {
			winner = i
		}
	}
	best := ls.visible
	if winner >= 0 {
		w := r.results[winner]
		switch w.Status {
		case glpk.Optimal:
			out.status = glpk.Optimal
			best = solution{x: w.X, obj: w.Objective, has: true}
		case glpk.Infeasible:
			if !best.has {
				out.status = glpk.Infeasible
			}
		default: // gap reached
			if sol := ls.private[winner]; sol.beats(best) {
				best = sol
			}
		}
	} else {
		for j := range ls.private {
			if ls.private[j].beats(best) {
				best = ls.private[j]
			}
		}
	}
	if firstErr != nil && winner < 0 && !best.has {
		return nil, firstErr
	}
	out.failure = firstErr
	for _, b := range ls.bounds {
		out.bound = math.Max(out.bound, b)
	}
	out.bound = math.Max(math.Max(out.bound, r.extra), staticBound(fm))
	if best.has {
		out.found, out.x = true, best.x
		if out.status != glpk.Optimal {
			out.status = glpk.Feasible
		}
		if out.status == glpk.Optimal || out.bound > best.obj {
			out.bound = best.obj
		}
	}
	return out, nil
}

// staticBound is the better of the box and uncoupled bounds, both known
// without solving anything.
func staticBound(fm *Formulation) float64 {
	return math.Max(boxBound(fm), fm.UncoupledBound())
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
