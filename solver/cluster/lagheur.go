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
	report, onPlan := hooks.report, hooks.onPlan
	lg := newLagrangian(fm)
	lg.known = hooks.known
	res := LagrangianResult{Objective: math.Inf(1), Bound: math.Inf(-1)}
	// progress passes the best plan known (upper's or the heuristic's)
	// and the best bound to report.
	progress := func() {
		if report == nil {
			return
		}
		inc, has := upper, hasUpper
		if res.Plan != nil && (!has || res.Objective < inc) {
			inc, has = res.Objective, true
		}
		report(has, inc, res.Bound)
	}
	lg.onBound = func(b float64) {
		res.Bound = b
		progress()
		if hooks.coalitions != nil {
			hooks.coalitions(lg.best.members)
		}
	}
	// The greedy costs about as much as a few hundred iterations on
	// province-size clusters: run it less often there (deterministically,
	// by size).
	every := lagHeurEvery
	pairs := 0
	for _, lp := range lg.projects {
		pairs += len(lp.cands)
	}
	every = max(every, pairs/lagHeurPairs)
	began, heurTime := time.Now(), time.Duration(0)
	lg.hook = func(it int, pr primal) (float64, bool) {
		if it%every != 0 {
			return 0, false
		}
		if hooks.heurShare > 0 && heurTime.Seconds() > hooks.heurShare*time.Since(began).Seconds() {
			return 0, false
		}
		defer func(at time.Time) { heurTime += time.Since(at) }(time.Now())
		a := greedyFrom(ctx, fm, lg.order(pr), pr.members)
		if a == nil || ctx.Err() != nil {
			return 0, false
		}
		var x []float64
		var obj float64
		if fm.Prob != nil {
			var err error
			x, err = fm.Encode(a)
			if err != nil || len(fm.Violations(x, 1e-7)) > 0 {
				return 0, false
			}
			obj = fm.Objective(x)
		} else {
			// No rows to check against: the independent checker.
			z, err := verifyPlan(fm.D, a)
			if err != nil {
				return 0, false
			}
			obj = z
		}
		if obj < res.Objective-1e-9*math.Max(1, math.Abs(obj)) {
			res.Plan, res.X, res.Objective = a, x, obj
			if onPlan != nil {
				onPlan(a, obj)
			}
			progress()
			return obj, true
		}
		return 0, false
	}
	res.lg = lg
	res.Bound = lg.maximise(ctx, upper, hasUpper, deadline)
	// A run whose step vanished before the deadline restarts from its best
	// multipliers with a fresh step, while each run pays (as in Resume),
	// aimed at the heuristic's best plan.
	if !deadline.IsZero() && !lg.cut && ctx.Err() == nil {
		res.Bound = lg.restarts(ctx, res.Bound, lagRestarts-1, deadline, func() (float64, bool) {
			if res.Plan != nil && (!hasUpper || res.Objective < upper) {
				upper, hasUpper = res.Objective, true
			}
			return upper, hasUpper
		})
	}
	if res.Plan != nil && (!hasUpper || res.Objective < upper) {
		upper, hasUpper = res.Objective, true
	}
	if hooks.plan != nil && lg.rises == 1 && !deadline.IsZero() && !lg.cut && ctx.Err() == nil {
		lg.zeroStuck = true
		if a, z := hooks.plan(); a != nil {
			if start, ok := lg.planStart(a, z); ok {
				res.Bound = math.Max(res.Bound, lg.maximiseFrom(ctx, &start, upper, hasUpper, deadline, true))
			}
		}
	}
	if hasUpper && lg.best.vals != nil && fm.Prob != nil {
		res.Fix = lg.bestFixings(upper)
	}
	return res
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
