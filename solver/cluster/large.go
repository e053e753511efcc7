package cluster

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

// solveLarge is Solve for models above MaxGLPKRows, on the formulation of
// BuildStructure (no MIP in memory: at province size it would take tens of
// gigabytes). It reports the greedy plan, checked by the independent
// checker since there are no rows to check it against; then the Lagrangian
// phase (a bound, and plans from its heuristic) and the window search
// (largesearch.go) run at once, one core each, sharing the best plan
// (largePool); when the Lagrangian phase ends, its core becomes a second
// worker of the window search. The bound is the better of the uncoupled
// and Lagrangian bounds. The greedy stops at the time limit or when ctx
// ends, keeping its plan only when it meets the targets.
func (fm *Formulation) solveLarge(ctx context.Context, start time.Time, prm Params, out *Outcome, report func(Phase, bool, float64, float64)) (*Outcome, error) {
	// The uncoupled bound dominates the box bound (each y_p and w_fp at its
	// best), so it alone is the bound until the Lagrangian's.
	bound := fm.UncoupledBound()
	out.Bound, out.HasBound = bound, true
	if prm.TimeLimit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(prm.TimeLimit))
		defer cancel()
	}
	report(PhaseGreedy, false, 0, bound)
	a := GreedyContext(ctx, fm) // the heartbeat repeats the report above
	if a == nil {
		return out, nil
	}
	z, err := verifyPlan(fm.D, a)
	if err != nil {
		return nil, fmt.Errorf("greedy plan: %w", err)
	}
	// Both phases end when the plan is proven within prm.Gap.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	pool := &largePool{plan: a, z: z, bound: bound, report: report, gap: prm.Gap, stop: stop}
	pool.publish(PhaseGreedy)
	// The search ends at largeSearchShare of the limit (the rest is for
	// the stakes refinement and the checks, seconds at this size); the
	// Lagrangian's first run at half of it. Without a limit, after
	// largeSearchDefault and lagLargeDefault.
	lagUntil := start.Add(lagLargeDefault)
	searchUntil := start.Add(largeSearchDefault)
	if prm.TimeLimit > 0 {
		lagUntil = start.Add(prm.TimeLimit / 2)
		searchUntil = start.Add(time.Duration(largeSearchShare * float64(prm.TimeLimit)))
	}
	// The dual's core joins the window search once the dual stops
	// paying (see dual): the two workers share one schedule.
	ls := newLargeSearch(fm)
	q := newLargeSchedule(ls)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pool.dual(ctx, fm, lagUntil, searchUntil)
		ls.work(ctx, pool, q, searchUntil)
	}()
	ls.work(ctx, pool, q, searchUntil)
	wg.Wait()
	out.Assignment, z = pool.best()
	out.Bound = math.Min(pool.bound, z)
	report(PhaseNeighbourhood, true, z, out.Bound)
	return out, nil
}

// dual runs the Lagrangian phase until lagUntil, its heuristic's plans
// offered to the pool and its steps aimed at the pool's best plan as it
// improves; then the dual again until searchUntil (zero: none) or while
// its restarts pay.
func (pool *largePool) dual(ctx context.Context, fm *Formulation, lagUntil, searchUntil time.Time) {
	_, z := pool.best()
	lr := fm.lagrangian(ctx, z, true, lagUntil, lagHooks{
		heurShare:  largeHeurShare,
		coalitions: pool.setGuide,
		report:     func(_ bool, _, b float64) { pool.raise(PhaseLagrangian, b) },
		onPlan:     func(a *model.Assignment, z float64) { pool.offer(PhaseLagrangian, a, z) },
		known: func() (float64, bool) {
			_, z := pool.best()
			return z, true
		},
		plan: pool.best,
	})
	pool.raise(PhaseLagrangian, lr.Bound)
	if !searchUntil.IsZero() && time.Until(searchUntil) < time.Second {
		return
	}
	_, z = pool.best()
	// Resume reports its bounds without the coalitions hook (the guide
	// holds the first run's): the last best iterate's coalitions then.
	lr.Resume(ctx, z, searchUntil, func(b float64) { pool.raise(PhaseLagrangian, b) })
	pool.raise(PhaseLagrangian, lr.Bound)
	pool.setGuide(lr.coalitions())
}

// largePool is the best plan and bound of solveLarge, shared by the
// Lagrangian phase and the window search, which run at once.
type largePool struct {
	mu    sync.Mutex
	plan  *model.Assignment
	z     float64
	bound float64
	// report passes progress on (the heartbeat's, serialised).
	report func(phase Phase, hasInc bool, inc, bound float64)
	// stop, when not nil, is called once the relative gap is at most
	// gap (zero: once the bound meets the plan).
	gap  float64
	stop func()
	// guide is, per opportunity, the union of the Lagrangian relaxation's
	// coalitions at its last guidePool best multipliers (nil: none yet):
	// the window search frees those pairs first (see
	// largeSearch.candidates); recent holds those coalitions.
	guide  [][]int
	recent coalitionPool
}

// guidePool is the number of best multipliers whose coalitions the guide
// pools (see coalitionPool).
const guidePool = 4

// setGuide adds the relaxation's coalitions at a new best multiplier
// (nil: no change) and pools the last guidePool.
func (pool *largePool) setGuide(members [][]int) {
	if members == nil {
		return
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.recent.size = guidePool
	pool.recent.add(members)
	pool.guide = pool.recent.union()
}

// coalitions returns the relaxation's coalitions (see largePool.guide).
func (pool *largePool) coalitions() [][]int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.guide
}

// best returns the best plan and its objective.
func (pool *largePool) best() (*model.Assignment, float64) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.plan, pool.z
}

// offer keeps plan a (objective z, checked) when it is better than the
// best, and reports whether it did.
func (pool *largePool) offer(phase Phase, a *model.Assignment, z float64) bool {
	return pool.improve(phase, a, z) > 0
}

// improve keeps plan a (objective z, checked) when it is better than the
// best, and returns by how much (0: not kept).
func (pool *largePool) improve(phase Phase, a *model.Assignment, z float64) float64 {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if z >= pool.z-1e-7*math.Max(1, math.Abs(pool.z)) {
		return 0
	}
	gain := pool.z - z
	pool.plan, pool.z = a, z
	pool.publishLocked(phase)
	return gain
}

// merge offers cand (objective cz, checked), which a window found from
// the plan base, and returns the gain kept (0: none). When the best plan
// is no longer base (another worker improved it meanwhile), the window's
// projects of cand joined with the best plan's others come first: if the
// join passes the checker, both gains are kept.
func (pool *largePool) merge(d *model.Derived, base *model.Assignment, win []bool, cand *model.Assignment, cz float64) float64 {
	if best, _ := pool.best(); best != base {
		joined := joinPlans(d, best, win, cand)
		if jz, err := verifyPlan(d, joined); err == nil && jz < cz {
			cand, cz = joined, jz
		}
	}
	return pool.improve(PhaseNeighbourhood, cand, cz)
}

// raise keeps b when it is a better bound.
func (pool *largePool) raise(phase Phase, b float64) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if b > pool.bound {
		pool.bound = b
		pool.publishLocked(phase)
	}
}

// publish reports the best plan and bound under phase.
func (pool *largePool) publish(phase Phase) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.publishLocked(phase)
}

func (pool *largePool) publishLocked(phase Phase) {
	if pool.report != nil {
		pool.report(phase, true, pool.z, math.Min(pool.bound, pool.z))
	}
	if pool.stop != nil && pool.z-pool.bound <= math.Max(pool.gap, 1e-9)*math.Max(1, math.Abs(pool.z)) {
		pool.stop()
	}
}

// largeHeurShare is the largest share of the Lagrangian phase's time its
// heuristic takes on clusters above MaxGLPKRows (see lagHooks.heurShare).
const largeHeurShare = 0.25

// largeSearchShare is the share of the time limit after which the window
// search stops on clusters above MaxGLPKRows.
const largeSearchShare = 0.9

// largeSearchDefault bounds the window search and the resumed dual on
// clusters above MaxGLPKRows when there is no time limit (the window
// search's schedule alone can take an hour at 2000 firms).
const largeSearchDefault = 5 * time.Minute

// lagLargeDefault bounds the Lagrangian phase on clusters above
// MaxGLPKRows when there is no time limit (iterations are slow at province
// size, so lagMaxIter alone would take too long).
const lagLargeDefault = 2 * time.Minute

// verifyPlan runs the independent checker (model/check) on a cluster plan
// and returns its objective Z.
func verifyPlan(d *model.Derived, a *model.Assignment) (float64, error) {
	m, z, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		return 0, err
	}
	return z, checkPlan(d, a, m, z)
}

// checkPlan runs the independent checker on cluster plan a with its
// metrics m and objective z (from d.Evaluate).
func checkPlan(d *model.Derived, a *model.Assignment, m model.Metrics, z float64) error {
	plan := &model.Plan{Instance: d.Inst.Name, Method: model.MethodCluster, Status: model.StatusFeasible,
		Objective: &z, Metrics: &m, Plan: a}
	return check.Check(d.Inst, plan, check.Options{}).Err()
}
