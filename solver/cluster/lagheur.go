package cluster

import (
	"context"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// Restarts (lagrangian.restarts): at most lagRestarts runs of the
// subgradient method, each from the best multipliers with a fresh step,
// while each raises the bound by at least lagRestartGain (relative): on
// clusters of a few hundred firms a fresh step keeps raising the bound
// after the last one vanished.
const (
	lagRestarts    = 10
	lagRestartGain = 1e-5
)

// lagHeurEvery is how often (in subgradient iterations) the Lagrangian
// heuristic turns the relaxation's ranking into a plan.
const lagHeurEvery = 10

// lagHeurPairs: on clusters with more eligible pairs than lagHeurEvery
// times this, the heuristic runs every pairs/lagHeurPairs iterations.
const lagHeurPairs = 20000

// LagrangianResult is the outcome of Lagrangian maximisation with its
// heuristic.
type LagrangianResult struct {
	// Bound is the best dual value: a lower bound on Z.
	Bound float64
	// Plan is the best plan the heuristic built (nil when none), X its
	// column vector (nil on a formulation without the MIP, see
	// BuildStructure) and Objective its Z.
	Plan      *model.Assignment
	X         []float64
	Objective float64
	// Fix says, per opportunity (indexed like Formulation.Y), whether
	// every plan better than the best known must leave it out (-1) or
	// take it (+1); nil when no plan is known.
	Fix []int8

	// lg is the relaxation, kept for Resume.
	lg *lagrangian
}

// coalitions returns the relaxation's coalition of each opportunity it
// takes at the best multipliers (indexed like Formulation.Y, the lead
// first; nil where it takes none), nil before any iteration. The slices
// are never changed afterwards.
func (res *LagrangianResult) coalitions() [][]int {
	if res.lg == nil || res.lg.best.vals == nil {
		return nil
	}
	return res.lg.best.members
}

// lagCoalitionPool is the number of best iterates whose coalitions
// LagrangianResult.pooledCoalitions pools.
const lagCoalitionPool = 8

// pooledCoalitions returns, per opportunity, the union of the
// relaxation's coalitions at the last lagCoalitionPool best iterates, over
// every run and Resume (see coalitionPool; nil before any iteration). The
// slices are never changed afterwards.
func (res *LagrangianResult) pooledCoalitions() [][]int {
	if res.lg == nil {
		return nil
	}
	return res.lg.pool.union()
}

// probeCoalitions returns the coalitions the search's probe frees: the
// last best multipliers' and the pooled ones.
func (res *LagrangianResult) probeCoalitions() probeCoalitions {
	return probeCoalitions{last: res.coalitions(), pooled: res.pooledCoalitions()}
}

// Resume runs the maximisation once from the first multipliers (unless the
// last run stopped at its deadline) and then continues it from the best
// multipliers so far with a fresh step, each aimed at upper, the objective
// of the best plan known (typically far better than the plans known when
// the first run started: the Polyak step then aims closer to the
// optimum). When the step has
// vanished (or lagMaxIter iterations passed) it starts again from the best
// multipliers with a fresh step, up to lagRestarts runs, while each run
// raises the bound by at least lagRestartGain (relative), until the
// deadline (zero: none) or ctx ends. The heuristic does not run.
// onBound (if not nil) sees each new best bound. Resume updates Bound and
// Fix (the fixings against upper) and returns Bound.
func (res *LagrangianResult) Resume(ctx context.Context, upper float64, deadline time.Time, onBound func(bound float64)) float64 {
	lg := res.lg
	if lg == nil || lg.best.vals == nil {
		return res.Bound
	}
	lg.hook, lg.onBound = nil, onBound
	// A fresh start first: the first run aimed at a worse plan (the
	// greedy's), and its best multipliers can sit where restarts from them
	// no longer climb while a run from zero aimed at upper does. Not when
	// the first run was cut short by its deadline (province-size clusters):
	// a run from zero would not get as far in the time left. Nor when the
	// steps from zero never rose (planStart): whatever they aim at, they
	// fall from there.
	if !lg.cut && !lg.zeroStuck {
		res.Bound = math.Max(res.Bound, lg.maximiseFrom(ctx, &lg.initMult, upper, true, deadline, false))
	}
	res.Bound = lg.restarts(ctx, res.Bound, lagRestarts, deadline, func() (float64, bool) { return upper, true })
	if lg.fm.Prob != nil {
		res.Fix = lg.bestFixings(upper)
	}
	return res.Bound
}

// restarts runs the maximisation again from the best multipliers with a
// fresh step, at most runs times, while each run raises bound by at least
// lagRestartGain (relative) and is not cut short by the deadline (zero:
// none) or ctx; target gives each run's Polyak target. It returns the best
// bound.
func (lg *lagrangian) restarts(ctx context.Context, bound float64, runs int, deadline time.Time, target func() (float64, bool)) float64 {
	for range runs {
		before := bound
		upper, has := target()
		bound = math.Max(bound, lg.maximise(ctx, upper, has, deadline))
		if lg.cut || bound < before+lagRestartGain*math.Max(1, math.Abs(before)) {
			break
		}
	}
	return bound
}

// Lagrangian maximises the Lagrangian dual (see LagrangianBound) and,
// every lagHeurEvery iterations, runs the greedy in the order the
// relaxation ranks opportunities (taken first, then by value at the
// prices), keeping the best plan that passes the row check. upper (when
// hasUpper) is the objective of a known plan, used for the step sizes.
func (fm *Formulation) Lagrangian(ctx context.Context, upper float64, hasUpper bool, deadline time.Time) LagrangianResult {
	return fm.lagrangian(ctx, upper, hasUpper, deadline, lagHooks{})
}

// lagHooks connect a Lagrangian run to the solve around it; a nil field is
// not called.
type lagHooks struct {
	// report sees every new best bound and every better plan: the best
	// plan's objective (hasInc false while there is none besides upper)
	// and the best bound.
	report func(hasInc bool, inc, bound float64)
	// onPlan sees each better plan of the heuristic.
	onPlan func(a *model.Assignment, z float64)
	// known returns the objective of the best plan found elsewhere (a
	// search running at the same time), if any: the steps aim at it when
	// it is better than the run's own.
	known func() (float64, bool)
	// heurShare, when positive, is the largest share of the run's time
	// the heuristic may take: a turn is skipped while it has taken more
	// (zero: every turn runs). Above MaxGLPKRows one greedy costs dozens
	// of iterations, and the window search beside the dual brings the
	// plans.
	heurShare float64
	// coalitions sees the relaxation's coalitions at each new best bound
	// (see LagrangianResult.coalitions).
	coalitions func(members [][]int)
	// plan returns the best plan known elsewhere and its objective (nil:
	// none). When the first run and its restarts never rise above their
	// first iterate, the dual runs once more from the rows that plan fills
	// (planStart).
	plan func() (*model.Assignment, float64)
}

// lagrangian is Lagrangian with hooks.
func (fm *Formulation) lagrangian(ctx context.Context, upper float64, hasUpper bool, deadline time.Time, hooks lagHooks) LagrangianResult {
	return newLagRun(ctx, fm, upper, hasUpper, hooks).run(deadline)
}

// lagRun is one call of lagrangian: the dual, the heuristic it calls every
// few iterates, and the plan both aim at.
type lagRun struct {
	ctx   context.Context
	fm    *Formulation
	lg    *lagrangian
	hooks lagHooks
	res   LagrangianResult
	// upper is the objective of the best plan known (valid when
	// hasUpper): the caller's, or the heuristic's once it is better.
	upper    float64
	hasUpper bool
	// heurEvery is the heuristic's period in iterates; heurTime is the
	// time it has taken since began.
	heurEvery int
	began     time.Time
	heurTime  time.Duration
}

// newLagRun sets up a run of the dual on fm with its heuristic.
func newLagRun(ctx context.Context, fm *Formulation, upper float64, hasUpper bool, hooks lagHooks) *lagRun {
	lg := newLagrangian(fm)
	lg.known = hooks.known
	r := &lagRun{ctx: ctx, fm: fm, lg: lg, hooks: hooks, upper: upper, hasUpper: hasUpper,
		res:       LagrangianResult{Objective: math.Inf(1), Bound: math.Inf(-1), lg: lg},
		heurEvery: lg.heuristicEvery(), began: time.Now()}
	lg.onBound, lg.hook = r.onBound, r.heuristic
	return r
}

// heuristicEvery is the heuristic's period in iterates: lagHeurEvery, and
// longer on province-size clusters, where one greedy costs about as much
// as a few hundred iterations (deterministic: by size).
func (lg *lagrangian) heuristicEvery() int {
	pairs := 0
	for _, lp := range lg.projects {
		pairs += len(lp.cands)
	}
	return max(lagHeurEvery, pairs/lagHeurPairs)
}

// run maximises the dual until deadline (zero: none): the first run, its
// restarts while they pay, and a run from the rows the best plan fills
// when the steps never left the first iterate; then the fixings against
// the best plan known.
func (r *lagRun) run(deadline time.Time) LagrangianResult {
	lg, res := r.lg, &r.res
	res.Bound = lg.maximise(r.ctx, r.upper, r.hasUpper, deadline)
	// A run whose step vanished before the deadline restarts from its best
	// multipliers with a fresh step, while each run pays (as in Resume),
	// aimed at the heuristic's best plan.
	if !deadline.IsZero() && !lg.cut && r.ctx.Err() == nil {
		res.Bound = lg.restarts(r.ctx, res.Bound, lagRestarts-1, deadline, r.target)
	}
	r.target()
	if r.hooks.plan != nil && lg.rises == 1 && !deadline.IsZero() && !lg.cut && r.ctx.Err() == nil {
		lg.zeroStuck = true
		if a, z := r.hooks.plan(); a != nil {
			if start, ok := lg.planStart(a, z); ok {
				res.Bound = math.Max(res.Bound, lg.maximiseFrom(r.ctx, &start, r.upper, r.hasUpper, deadline, true))
			}
		}
	}
	if r.hasUpper && lg.best.vals != nil && r.fm.Prob != nil {
		res.Fix = lg.bestFixings(r.upper)
	}
	return *res
}

// best returns the objective of the best plan known: upper's, or the
// heuristic's when it is better (false: none).
func (r *lagRun) best() (float64, bool) {
	if r.res.Plan != nil && (!r.hasUpper || r.res.Objective < r.upper) {
		return r.res.Objective, true
	}
	return r.upper, r.hasUpper
}

// target returns the objective the steps aim at, the best plan known,
// which becomes upper.
func (r *lagRun) target() (float64, bool) {
	r.upper, r.hasUpper = r.best()
	return r.upper, r.hasUpper
}

// progress reports the best plan known and the best bound.
func (r *lagRun) progress() {
	if r.hooks.report == nil {
		return
	}
	inc, has := r.best()
	r.hooks.report(has, inc, r.res.Bound)
}

// onBound takes a new best bound b of the dual.
func (r *lagRun) onBound(b float64) {
	r.res.Bound = b
	r.progress()
	if r.hooks.coalitions != nil {
		r.hooks.coalitions(r.lg.best.members)
	}
}

// heuristic is the dual's hook at iterate it with primal solution pr:
// every heurEvery-th iterate, while within its share of the time, it
// builds the greedy plan in the order the relaxation ranks the
// opportunities, with the relaxation's members first, and keeps it when
// it passes the row check (the independent checker without the MIP) and
// beats the best. It returns that plan's objective and true, else false.
func (r *lagRun) heuristic(it int, pr primal) (float64, bool) {
	if it%r.heurEvery != 0 {
		return 0, false
	}
	if r.hooks.heurShare > 0 && r.heurTime.Seconds() > r.hooks.heurShare*time.Since(r.began).Seconds() {
		return 0, false
	}
	defer func(at time.Time) { r.heurTime += time.Since(at) }(time.Now())
	a := greedyFrom(r.ctx, r.fm, r.lg.order(pr), pr.members)
	if a == nil || r.ctx.Err() != nil {
		return 0, false
	}
	x, obj, ok := r.evaluate(a)
	if !ok || !(obj < r.res.Objective-1e-9*math.Max(1, math.Abs(obj))) {
		return 0, false
	}
	r.res.Plan, r.res.X, r.res.Objective = a, x, obj
	if r.hooks.onPlan != nil {
		r.hooks.onPlan(a, obj)
	}
	r.progress()
	return obj, true
}

// evaluate returns plan a's column vector (nil without the MIP, see
// BuildStructure) and objective, or false when a fails the row check (the
// independent checker when there are no rows).
func (r *lagRun) evaluate(a *model.Assignment) ([]float64, float64, bool) {
	fm := r.fm
	if fm.Prob == nil {
		z, err := verifyPlan(fm.D, a)
		return nil, z, err == nil
	}
	x, err := fm.Encode(a)
	if err != nil || len(fm.Violations(x, 1e-7)) > 0 {
		return nil, 0, false
	}
	return x, fm.Objective(x), true
}

// greedyFrom is Greedy with the opportunities tried in the given order,
// each coalition taking the firms of prefer first (nil: none), stopping
// when ctx ends (see GreedyContext).
func greedyFrom(ctx context.Context, fm *Formulation, order []int, prefer [][]int) *model.Assignment {
	g := newGreedy(fm)
	g.ctx, g.prefer = ctx, prefer
	return g.run(order)
}

// fixed returns fm with the opportunities of fix (see LagrangianResult.Fix)
// fixed through y_p's bounds, on a copy of the columns; fm itself when
// nothing is fixed. The model keeps its size (GLPK's LP drops what the
// bounds fix); plans and vectors stay interchangeable with fm's.
func (fm *Formulation) fixed(fix []int8) *Formulation {
	n := 0
	for _, f := range fix {
		if f != 0 {
			n++
		}
	}
	if n == 0 {
		return fm
	}
	cp := *fm
	prob := *fm.Prob
	prob.Cols = append([]mip.Col(nil), fm.Prob.Cols...)
	for p, f := range fix {
		y := fm.Y[p]
		if y == none || f == 0 || fm.isForced(p) {
			continue
		}
		// A binary column's bounds are implicit; a fixed one is an
		// integer column with equal bounds.
		v := 0.0
		if f > 0 {
			v = 1
		}
		prob.Cols[y].Kind, prob.Cols[y].Lo, prob.Cols[y].Hi = mip.Integer, v, v
	}
	cp.Prob = &prob
	return &cp
}
