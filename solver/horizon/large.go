package horizon

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/glpk"
)

// Report is a progress snapshot of Solve.
type Report struct {
	Elapsed      time.Duration
	Phase        Phase
	HasIncumbent bool
	Incumbent    float64
	// Bound is the best proven lower bound so far, -Inf before the root LP.
	Bound float64
}

// rollingShare is the share of the time limit the rolling horizon may use
// for its first plan on large models; rollingDefault its time without a
// limit.
const (
	rollingShare   = 0.25
	rollingMax     = 6 * time.Second
	rollingDefault = 30 * time.Second
)

// relaxShare is the share of the time limit the relaxation's bound may
// use; relaxDefault its time without a limit.
const (
	relaxShare   = 0.2
	relaxDefault = time.Minute
)

// collapseShare is the share of the time limit the collapsed horizon's
// one-period solve may use, collapseMax its most (and its time without a
// limit); scheduleLimit bounds the sub-MIP that schedules its plan.
const (
	collapseShare = 1.0 / 12
	collapseMax   = 10 * time.Second
	scheduleLimit = 10 * time.Second
)

// completeLimit bounds the restricted MIP that turns the rolling plan
// into columns of the MIP.
const completeLimit = 20 * time.Second

// hoodMargin is the time a neighbourhood leaves before the deadline.
const hoodMargin = 500 * time.Millisecond

// largeSearch solves a model above smallRows, where GLPK's root LP alone
// takes minutes (the 150-firm 3-period cluster's 32000 rows: 30-110 s;
// the 300-firm one has 146000): the rolling horizon builds a first plan
// with the one-period solver, a one-period relaxation gives a bound,
// neighbourhoods over market windows improve the plan, and GLPK's branch
// and cut on the whole MIP, started from the plan through its heuristic
// callback, gets the time left (all of it without a limit, so that an
// unlimited solve is exact).
type largeSearch struct {
	fm     *Formulation
	start  time.Time
	report func(Report)
	gap    float64

	mu sync.Mutex
	// best is the best solution vector known (ours or GLPK's), offered
	// whether GLPK has been given it.
	best    []float64
	bestObj float64
	offered bool
	bound   float64
	phase   Phase
	// guide is the relaxation's plan of R_T, which orders the
	// neighbourhoods and whose coalitions the coalition windows free.
	guide *model.Assignment
	// pooled are the pairs of R_T's Lagrangian coalitions at its last best
	// multipliers (relaxation.pooled), which the coalition windows free
	// too; nil when none.
	pooled map[[2]int]bool
	// collapsed is the plan of the horizon collapsed at the initial
	// knowledge (Collapsed), whose coalitions the coalition windows free
	// as well; nil when none.
	collapsed *model.Assignment
	// lp is the LP relaxation solved in the background (nil: none).
	lp *cluster.LPBound
	// from is a plan without the forced opportunities to repair into a
	// first plan (Options.Start); nil without.
	from *model.Assignment
}

func newLargeSearch(fm *Formulation, start time.Time, report func(Report)) *largeSearch {
	return &largeSearch{fm: fm, start: start, report: report, bestObj: math.Inf(1), bound: math.Inf(-1), phase: PhaseRolling}
}

// run solves within the deadline of ctx (none: no limit) and returns
// GLPK's result, with the best solution and bound of every phase in it.
func (s *largeSearch) run(ctx context.Context, prm glpk.Params, gap float64) (*glpk.Result, error) {
	stopTicker := s.tick()
	defer stopTicker()
	s.gap = gap
	s.firstPlan(ctx, gap)
	if s.startLP(ctx) {
		defer s.lp.Stop()
	}
	s.relaxedBound(ctx)
	s.collapse(ctx)
	s.setPhase(PhaseNeighbourhoods)
	s.improve(ctx)
	s.setPhase(PhaseBranch)
	res := &glpk.Result{Status: glpk.NoSolution, Stop: glpk.TimeLimit, Objective: math.NaN(), Bound: math.Inf(-1), LPObjective: math.NaN()}
	var err error
	if s.branchWorth(ctx) {
		// The root LP starts from the best plan's support.
		s.mu.Lock()
		prm.LPSupport = glpk.Support(s.best)
		s.mu.Unlock()
		if s.cutsWorth(ctx) {
			prm.GomoryCuts, prm.MIRCuts, prm.CoverCuts, prm.CliqueCuts = true, true, true, true
		}
		gr, gerr := glpk.SolveMIP(ctx, s.fm.Prob, prm, glpk.Callbacks{
			Heuristic: s.offer, Incumbent: s.incumbent, Progress: s.progress, ProgressInterval: 500 * time.Millisecond})
		switch {
		case gr != nil:
			res, err = gr, gerr
		case ctx.Err() == nil: // not a deadline met on the way in
			return nil, gerr
		}
	}
	s.takeLP()
	s.merge(res)
	return res, err
}

// branchMinLeft is the least time left for which GLPK's branch and cut is
// started on a large model: loading, scaling and the crash basis of a
// 150000-row model take seconds without a time check, and its root LP
// minutes.
const branchMinLeft = 20 * time.Second

// branchWorth says whether GLPK's branch and cut gets the time left.
func (s *largeSearch) branchWorth(ctx context.Context) bool {
	return ctx.Err() == nil && !s.closed() && leftAtLeast(ctx, branchMinLeft)
}

// leftAtLeast says whether ctx has no deadline or at least d until it.
func leftAtLeast(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) >= d
}

// Models up to cutRows rows get GLPK's cuts (Gomory, MIR, cover, clique)
// in the final branch and cut when at least cutMinLeft is left: its cut
// rounds at the root ignore the time limit, and take 5–15 s on the
// 150-firm three-period models (32,000–42,000 rows).
const (
	cutRows    = 45000
	cutMinLeft = 20 * time.Second
)

// cutsWorth says whether the final branch and cut generates cuts.
func (s *largeSearch) cutsWorth(ctx context.Context) bool {
	return len(s.fm.Prob.Rows) <= cutRows && leftAtLeast(ctx, cutMinLeft)
}

// closed says whether the best plan is within the gap of the bound.
func (s *largeSearch) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closedLocked()
}

// closedLocked is closed with s.mu held.
func (s *largeSearch) closedLocked() bool {
	return s.best != nil && math.Abs(s.bestObj-s.bound) <= s.gap*math.Max(1, math.Abs(s.bestObj))
}

// firstPlan runs the rolling horizon and completes its plan into columns;
// a plan that does not fit (which the conservative period instances
// should rule out) is dropped.
func (s *largeSearch) firstPlan(ctx context.Context, gap float64) {
	deadline := s.start.Add(rollingDefault)
	if dl, ok := ctx.Deadline(); ok {
		deadline = s.start.Add(min(rollingMax, time.Duration(rollingShare*float64(dl.Sub(s.start)))))
	}
	if s.fm.Outside != nil {
		defer s.independentPlan(ctx)
	}
	if x := s.fm.newRepair(s.from).near(ctx, time.Until(deadline)/2); x != nil {
		s.offerOwn(x)
	}
	a, err := s.fm.RollingPlan(ctx, time.Until(deadline), gap)
	if err != nil || ctx.Err() != nil {
		return
	}
	x, err := s.fm.Columns(ctx, a, completeLimit)
	if err != nil {
		return
	}
	s.offerOwn(x)
}

// independentPlan offers, under constraint 16, the independent baseline's
// plan over the horizon as a cluster plan: each firm returns there at
// least its outside option (its money there before info cost), so the
// plan meets every row 16 whenever it fits the MIP (the targets may keep
// it out), where the rolling plan, blind to 16, often does not.
func (s *largeSearch) independentPlan(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	p, err := baseline.RunHorizon(s.fm.D, model.MethodIndependent)
	if err != nil {
		return
	}
	if x, err := s.fm.Columns(ctx, p.Plan, completeLimit); err == nil {
		s.offerOwn(x)
	}
}

// Models above cluster.LPBoundMaxRows and up to lpLongRows get their LP
// relaxation solved only with at least lpLongLeft left (or no limit): on
// the 300-firm three-period clusters (140,000 rows) it takes about three
// minutes from the first plan's support. Larger models never do (GLPK's
// first basis cannot be cancelled).
const (
	lpLongRows = 200000
	lpLongLeft = 200 * time.Second
)

// startLP solves the MIP's LP relaxation in the background from the
// first plan's support, when lpWorth; takeLP raises the bound to its
// optimum when it ends (with the learners' rows it is often tighter than
// the relaxations' sum; docs/horizon.md). It reports whether it started.
func (s *largeSearch) startLP(ctx context.Context) bool {
	if !s.lpWorth(ctx) {
		return false
	}
	s.mu.Lock()
	s.lp = cluster.StartLPBound(ctx, s.fm.Prob, s.best)
	s.mu.Unlock()
	go func() {
		<-s.lp.Done()
		s.takeLP()
	}()
	return true
}

// lpWorth says whether the LP relaxation is solved (see lpLongRows).
func (s *largeSearch) lpWorth(ctx context.Context) bool {
	rows := len(s.fm.Prob.Rows)
	switch {
	case ctx.Err() != nil || rows > lpLongRows:
		return false
	case rows <= cluster.LPBoundMaxRows:
		return true
	}
	return leftAtLeast(ctx, lpLongLeft)
}

// takeLP raises the bound to the LP optimum once it is known.
func (s *largeSearch) takeLP() {
	if s.lp == nil {
		return
	}
	if v, ok := s.lp.Value(); ok {
		s.mu.Lock()
		s.bound = math.Max(s.bound, v)
		s.mu.Unlock()
	}
}

// relaxedBound proves a bound on the one-period relaxation (relax.go):
// GLPK's root LP of a large horizon model takes minutes.
func (s *largeSearch) relaxedBound(ctx context.Context) {
	s.setPhase(PhaseRelaxation)
	limit := s.phaseTime(ctx, relaxShare, 0, relaxDefault)
	if limit <= 0 {
		return
	}
	r, err := s.fm.relax(ctx, limit)
	s.guide, s.pooled = r.plan, r.pooled
	if err != nil || math.IsInf(r.bound, 0) {
		return
	}
	s.mu.Lock()
	s.bound = math.Max(s.bound, r.bound)
	s.mu.Unlock()
}

// collapse solves the horizon collapsed into one period at the initial
// knowledge (collapse.go) for its plan, which improve schedules over the
// periods as a start and whose coalitions guide the coalition windows.
func (s *largeSearch) collapse(ctx context.Context) {
	s.setPhase(PhaseCollapsed)
	limit := s.phaseTime(ctx, collapseShare, collapseMax, collapseMax)
	if limit <= 0 {
		return
	}
	s.collapsed = s.fm.collapsedPlan(ctx, limit)
}

// phaseTime is the time a phase may take: share of the time limit
// (counted from the start of the solve), at most most (0: no cap) and
// never past the deadline of ctx; without a deadline, none.
func (s *largeSearch) phaseTime(ctx context.Context, share float64, most, none time.Duration) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return none
	}
	limit := min(time.Duration(share*float64(dl.Sub(s.start))), time.Until(dl))
	if most > 0 {
		limit = min(limit, most)
	}
	return limit
}

// scheduleTime is the time the collapsed plan's scheduling may take:
// scheduleLimit, less near the deadline; 0 for none.
func (s *largeSearch) scheduleTime(ctx context.Context) time.Duration {
	if s.collapsed == nil {
		return 0
	}
	limit := scheduleLimit
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl)-hoodMargin)
	}
	return max(limit, 0)
}

// improve schedules the collapsed plan, then runs the neighbourhoods
// (hood.go) from the best solution until
// ctx ends, the gap is closed or a whole round of windows brings nothing,
// on hoodWorkers goroutines.
func (s *largeSearch) improve(ctx context.Context) {
	h := newHoods(s.fm)
	h.setGuide(s.guide, s.collapsed)
	h.addGuidePairs(s.pooled)
	if limit := s.scheduleTime(ctx); limit > 0 {
		// Under rows 16 the collapsed plan's coalitions alone rarely give
		// every firm its outside option: the best plan's pairs join them,
		// so that a schedule meeting the rows exists (the best plan).
		var also *model.Assignment
		s.mu.Lock()
		if s.fm.FairRow != nil && s.best != nil {
			also = s.fm.Decode(s.best)
		}
		s.mu.Unlock()
		if y := h.schedule(ctx, limit, s.collapsed, also); y != nil {
			s.offerOwn(y)
		}
	}
	s.mu.Lock()
	h.add(h.coalitionWindows(s.best))
	h.order(s.best, s.guide)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for range hoodWorkers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.hoodWorker(ctx, h)
		}()
	}
	wg.Wait()
}

// hoodWorker solves window after window from the best solution at the
// time it takes the window. A better solution than the best is taken; one
// that improves on its start but not on the best (another worker improved
// it meanwhile) sends its window to the retry queue.
func (s *largeSearch) hoodWorker(ctx context.Context, h *hoods) {
	for {
		s.mu.Lock()
		if ctx.Err() != nil || s.best == nil || h.idle >= len(h.windows) || s.closedLocked() {
			s.mu.Unlock()
			return
		}
		i := h.take()
		w, x, z, limit := h.windows[i], s.best, s.bestObj, h.limits[i]
		s.mu.Unlock()
		full := true
		if dl, ok := ctx.Deadline(); ok {
			// GLPK's presolver ignores the limit: leave it a margin.
			if left := time.Until(dl) - hoodMargin; left < limit {
				limit, full = left, false
			}
		}
		if limit < time.Second {
			return
		}
		y, starved := h.solve(ctx, w, x, z, limit)
		s.mu.Lock()
		h.done(i, y != nil, starved && full)
		if y != nil && !s.keepLocked(y, s.fm.Prob.Objective(y), false) {
			// Another worker improved the best meanwhile: add this
			// window's moves to it, else solve the window again.
			best := s.best
			s.mu.Unlock()
			joined, jz := join(ctx, s.fm.Prob, x, y, best, joinLimit(ctx))
			s.mu.Lock()
			if joined == nil || !s.keepLocked(joined, jz, false) {
				h.retry = append(h.retry, i)
			}
		}
		s.mu.Unlock()
	}
}

// joinLimit is the time join's LP gets: at most joinMaxLimit, and what is
// left before ctx's deadline less hoodMargin.
func joinLimit(ctx context.Context) time.Duration {
	limit := joinMaxLimit
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl)-hoodMargin)
	}
	return limit
}

// offerOwn records a solution found outside GLPK.
func (s *largeSearch) offerOwn(x []float64) {
	z := s.fm.Prob.Objective(x)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keepLocked(x, z, false)
}

// keepLocked makes x (objective z) the best solution if it is better, with
// offered saying whether GLPK has it, and reports whether it did; s.mu
// held.
func (s *largeSearch) keepLocked(x []float64, z float64, offered bool) bool {
	if z >= s.bestObj {
		return false
	}
	s.best, s.bestObj, s.offered = x, z, offered
	return true
}

// offer is GLPK's heuristic callback: it hands over our best solution once.
func (s *largeSearch) offer() ([]float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.best == nil || s.offered {
		return nil, false
	}
	s.offered = true
	return s.best, true
}

// incumbent is GLPK's incumbent callback.
func (s *largeSearch) incumbent(z float64, x []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x != nil {
		s.keepLocked(x, z, true)
	}
}

// progress is GLPK's progress callback: it keeps the bound.
func (s *largeSearch) progress(p glpk.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !math.IsInf(p.Bound, 0) && !math.IsNaN(p.Bound) && p.Bound > s.bound {
		s.bound = p.Bound
	}
}

func (s *largeSearch) setPhase(ph Phase) {
	s.mu.Lock()
	s.phase = ph
	s.mu.Unlock()
}

// merge puts the best solution known and the relaxation's bound into
// GLPK's result.
func (s *largeSearch) merge(res *glpk.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The phases' bound first: a plan they close is reported optimal with
	// it (GLPK's own optimum and infeasibility keep GLPK's).
	if res.Status != glpk.Optimal && res.Status != glpk.Infeasible && s.bound > res.Bound {
		res.Bound = s.bound
	}
	if res.Status == glpk.NoSolution && s.closedLocked() {
		res.Status = glpk.Optimal // within the gap: Solve reports it optimal
	}
	if s.best == nil || (res.HasSolution && res.Objective <= s.bestObj) {
		if res.HasSolution && res.Bound > res.Objective {
			res.Bound = res.Objective
		}
		return
	}
	res.X, res.Objective, res.HasSolution = s.best, s.bestObj, true
	if res.Status != glpk.Optimal {
		res.Status = glpk.Feasible
	}
	if res.Bound > s.bestObj {
		res.Bound = s.bestObj
	}
}

// tick reports the state every second until the returned stop is called.
func (s *largeSearch) tick() (stop func()) {
	if s.report == nil {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				s.report(s.snapshot())
			}
		}
	}()
	return func() { close(quit); <-done }
}

func (s *largeSearch) snapshot() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{Elapsed: time.Since(s.start), Phase: s.phase, Bound: s.bound}
	if s.best != nil {
		r.HasIncumbent, r.Incumbent = true, s.bestObj
		r.Bound = math.Min(r.Bound, s.bestObj)
	}
	return r
}
