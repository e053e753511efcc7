package cluster

// The shared state of one solve: the incumbent, the bound, the time budget
// and the reporter. Each phase of Solve reads and improves it.

import (
	"context"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
)

// search is one solve of a formulation with a written MIP.
type search struct {
	ctx    context.Context
	fm     *Formulation
	budget budget
	report func(phase Phase, has bool, inc, bound float64)
	// x is the incumbent's column vector, nil while there is none.
	x []float64
	// bound is the best lower bound so far (-Inf: none).
	bound float64
	// fix are the Lagrangian's fixings against the incumbent.
	fix []int8
	lr  LagrangianResult
	// lp is the LP relaxation solved in the background (nil: none).
	lp *LPBound
}

// takeLP raises the bound to the LP relaxation's optimum once it is known.
func (s *search) takeLP() {
	if s.lp == nil {
		return
	}
	if v, ok := s.lp.Value(); ok && v > s.bound {
		s.bound = v
	}
}

// objective returns the incumbent's objective (+Inf without one).
func (s *search) objective() float64 {
	if s.x == nil {
		return math.Inf(1)
	}
	return s.fm.Objective(s.x)
}

// greedy takes the greedy plan as the incumbent when it meets every row.
func (s *search) greedy() {
	a := Greedy(s.fm)
	if a == nil {
		return
	}
	if x, err := s.fm.Encode(a); err == nil && len(s.fm.Violations(x, 1e-7)) == 0 {
		s.x = x
		s.report(PhaseGreedy, true, s.fm.Objective(x), math.Inf(-1))
	}
}

// warm takes plan a (a warm start, nil: none) as the incumbent when it is
// feasible here and better than the incumbent.
func (s *search) warm(a *model.Assignment) {
	if x := s.fm.warmStart(a); x != nil && s.fm.Objective(x) < s.objective() {
		s.x = x
		s.report(PhaseWarmStart, true, s.fm.Objective(x), math.Inf(-1))
	}
}

// lagrangian runs the Lagrangian dual with its heuristic (see lagrange.go)
// for at most lagShare of the limit: a bound far stronger than the LP's on
// these models, and plans built in the order its prices rank the
// opportunities.
func (s *search) lagrangian() {
	upper := s.objective()
	s.lr = s.fm.lagrangian(s.ctx, upper, s.x != nil, s.budget.at(lagShare), lagHooks{report: func(has bool, inc, b float64) {
		s.report(PhaseLagrangian, has, inc, b)
	}})
	s.bound, s.fix = s.lr.Bound, s.lr.Fix
	s.takeLP()
	if s.lr.Plan != nil && s.lr.Objective < upper {
		s.x = s.lr.X
	}
	s.report(PhaseLagrangian, s.x != nil, s.objective(), s.bound)
}

// targets looks for a first plan when neither the greedy nor the
// Lagrangian's heuristic met the targets: the neighbourhood search on the
// elastic model (see elastic.go), for at most half the time left.
func (s *search) targets() {
	if s.x != nil || s.fm.Prob.NumBinaries() == 0 {
		return
	}
	s.report(PhaseTargets, false, 0, s.bound)
	if x := s.fm.elasticStart(s.ctx, lnsLimits{deadline: s.budget.ofLeft(0.5)}); x != nil {
		s.x = x
		s.report(PhaseTargets, true, s.fm.Objective(x), s.bound)
	}
}

// neighbourhoods improves the incumbent by fix-and-optimize on models
// above lnsMinBinaries, where GLPK on the whole model finds little: the
// search for at most 80% of the time left, or until it has found nothing
// for lnsStallShare of the limit; then the Lagrangian dual resumed from
// its best multipliers with the search's plan as the step's target (its
// bound is far from converged when the first phase ends, and the LP bound
// comes late or not at all from 150 firms up); then the search again
// where its schedule stopped, and the dual once more if it found a better
// plan. Each call of the search has the latest run's average solution as
// its guide (lagGuide). The fixings stay valid throughout: they cut off
// no plan better than the one they were computed against.
func (s *search) neighbourhoods() {
	if s.x == nil || s.fm.Prob.NumBinaries() <= lnsMinBinaries {
		return
	}
	s.report(PhaseNeighbourhood, true, s.objective(), s.bound)
	var st lnsState
	lim := lnsLimits{
		deadline: earliest(s.budget.ofLeft(0.8), s.budget.at(lnsCheckpoint)),
		stall:    s.budget.share(lnsStallShare),
		report: func(obj float64) {
			s.takeLP()
			s.report(PhaseNeighbourhood, true, obj, s.bound)
		},
	}
	s.x = s.fm.improve(s.ctx, s.x, s.lr.guide(), s.lr.probeCoalitions(), &st, lim)
	inc := s.objective()
	resumeBy := s.budget.ofLeft(0.8)
	if stalled := st.done || lim.deadline.IsZero() || time.Now().Before(lim.deadline); !stalled {
		// Paused at the checkpoint: a short resume, the search goes on.
		resumeBy = earliest(resumeBy, s.budget.fromNow(lnsCheckpointLag))
	}
	s.resume(inc, resumeBy)
	if st.done {
		return
	}
	// From here the search goes on while it finds something or has
	// wider windows to try; then the race gets the time.
	lim.deadline, lim.stall, lim.stallWide = s.budget.ofLeft(0.8), 0, lim.stall
	s.report(PhaseNeighbourhood, true, inc, s.bound)
	s.x = s.fm.improve(s.ctx, s.x, s.lr.guide(), s.lr.probeCoalitions(), &st, lim)
	if better := s.objective(); better < inc {
		s.resume(better, s.budget.ofLeft(0.8)) // a better target raises the bound further
	}
}

// earliest returns the earlier of two deadlines, the zero time meaning none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// resume resumes the Lagrangian dual aimed at inc, until deadline and
// while its restarts pay.
func (s *search) resume(inc float64, deadline time.Time) {
	s.report(PhaseLagrangian, true, inc, s.bound)
	s.bound = s.lr.Resume(s.ctx, inc, deadline, func(b float64) { s.report(PhaseLagrangian, true, inc, b) })
	s.fix = s.lr.Fix
	s.takeLP()
}
