package cluster

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// Params configure Solve. Zero values mean no limit and an exact solve.
type Params struct {
	TimeLimit time.Duration
	// Gap is the relative gap at which GLPK stops, and within which a plan
	// counts as optimal: |Z − bound| / max(1, |Z|) ≤ Gap (0: exact).
	Gap float64
	// Progress, when not nil, receives the reports of every phase
	// (greedy, lagrangian, neighbourhood search, branch-and-bound), one
	// at a time. While a phase is silent the last report is repeated
	// with its elapsed time brought up to date, so reports come at least
	// every 0.3 s or so; none comes after Solve returns.
	Progress func(Report)
	// Force lists opportunity indices fixed in, y_p = 1 (see
	// Formulation.Force); nil means none. A forced opportunity no
	// coalition can fund makes the model infeasible, with the reason.
	Force []int
	// Outside, when not nil, holds every firm's outside option o_f (file
	// order) and adds constraint (16) of --sharing stakes (see Fair).
	Outside []float64
	// Start, when not nil, is a plan to start from (a warm start): it
	// replaces the greedy plan when it is feasible and better.
	Start *model.Assignment
}

// Report is a progress snapshot.
type Report struct {
	Elapsed      time.Duration
	Phase        Phase
	HasIncumbent bool
	Incumbent    float64
	Bound        float64
}

// Outcome is what Solve found.
type Outcome struct {
	// Assignment is the best plan found, nil when none.
	Assignment *model.Assignment
	// Optimal is true when Assignment is proven optimal, within Params.Gap.
	Optimal bool
	// Infeasible is true when the model has no feasible plan.
	Infeasible bool
	// Explanation says why the model is infeasible, or notes a solver
	// failure that ended the search while a plan was in hand.
	Explanation []string
	Bound       float64
	HasBound    bool
	Nodes       int
	// Sizes of the MIP.
	Variables, Constraints, Binaries int
	// Coalitions are, per opportunity (indexed like d.Inst.Opportunities),
	// the firms of the Lagrangian relaxation's coalitions at its last best
	// multipliers, pooled: the pairs better plans mostly use (see
	// coalitionPool). Nil when the Lagrangian ran no iteration, and above
	// MaxGLPKRows.
	Coalitions [][]int
}

// MaxGLPKRows is the model size (rows) above which Solve does not start
// GLPK: GLPK scales the model and builds its first basis with no time
// check, which takes tens of seconds at this size, so no time limit could
// be honoured. Such clusters get the greedy plan, the Lagrangian phase and
// the uncoupled bound (see UncoupledBound), and the MIP is never written
// (see BuildStructure and solveLarge).
const MaxGLPKRows = 500000

// lnsStallShare is the share of the time limit after which a neighbourhood
// search that has found nothing gives way to the resumed Lagrangian dual
// (it goes on afterwards with the time left).
const lnsStallShare = 0.2

// lnsCheckpoint is the share of the limit after which the neighbourhood
// search pauses once (if it has not stalled before) for the resumed
// Lagrangian, aimed at the search's plan, for at most lnsCheckpointLag of
// the limit: the first Lagrangian run aims at the greedy plan, and its
// bound stays where that target left it until the dual is resumed.
const (
	lnsCheckpoint    = 0.5
	lnsCheckpointLag = 0.1
)

// LPBoundMaxRows is the largest model (rows) whose LP relaxation Solve and
// the multi-period solver solve in the background (see LPBound): GLPK
// builds the first basis with no check for cancellation, and above this
// size that delays the end of a solve; GLPK's simplex rarely finishes such
// LPs within a minute.
const LPBoundMaxRows = 100000

// branchMinTime is the least time left for which Solve starts GLPK's
// branch-and-bound on a model above lnsMinBinaries (below it, GLPK's
// set-up takes milliseconds); with less, the incumbent and the Lagrangian
// bound are the outcome.
const branchMinTime = 500 * time.Millisecond

// lagShare is the share of the time limit the Lagrangian phase may use
// (without a limit it stops after lagMaxIter iterations or when its step
// vanishes).
const lagShare = 0.15

// Solve builds the MIP of d, seeds GLPK's branch-and-bound with the greedy
// plan, and decodes the best plan found.
func Solve(ctx context.Context, d *model.Derived, prm Params) (*Outcome, error) {
	start := time.Now()
	// Every phase reports through the heartbeat, which repeats the last
	// report while a phase is silent.
	hb := newHeartbeat(prm.Progress, start)
	defer hb.stop()
	report := hb.report
	// The structure first: it gives the model's size without writing it,
	// and above MaxGLPKRows it is all that is needed (see solveLarge).
	fm, err := BuildStructure(ctx, d)
	if err == nil && fm.Size.Rows <= MaxGLPKRows {
		fm, err = BuildContext(ctx, d)
	}
	if ctx.Err() != nil {
		return &Outcome{}, nil // cancelled before any plan
	}
	if err != nil {
		return nil, err
	}
	var fairWhy []string
	if prm.Outside != nil {
		fairWhy = fm.Fair(prm.Outside)
	}
	out := &Outcome{Variables: fm.Size.Cols, Constraints: fm.Size.Rows, Binaries: fm.Size.Binaries}
	if len(prm.Force) > 0 {
		if fm.Prob == nil {
			return nil, ErrForceLarge
		}
		if why := fm.Force(prm.Force); len(why) > 0 {
			out.Infeasible, out.Explanation = true, why
			return out, nil
		}
	}
	if why := append(fm.StaticInfeasibility(), fairWhy...); len(why) > 0 {
		out.Infeasible, out.Explanation = true, why
		return out, nil
	}
	if fm.Prob == nil {
		// GLPK scales the model and builds its first basis without ever
		// checking the time (see MaxGLPKRows): report the greedy and
		// Lagrangian plans and bounds instead of overrunning the limit.
		return fm.solveLarge(ctx, start, prm, out, report)
	}
	s := &search{ctx: ctx, fm: fm, budget: budget{start: start, limit: prm.TimeLimit}, report: report, bound: math.Inf(-1)}
	s.greedy()
	s.warm(prm.Start)
	if fm.Prob.NumBinaries() > lnsMinBinaries && fm.Size.Rows <= LPBoundMaxRows {
		s.lp = StartLPBound(ctx, fm.Prob, s.x)
		defer s.lp.Stop()
	}
	s.lagrangian()
	s.targets()
	s.neighbourhoods()
	out, err = s.branch(prm, out)
	if out != nil {
		out.Coalitions = s.lr.pooledCoalitions()
	}
	return out, err
}

// branch ends the solve with GLPK's branch-and-bound (two configurations
// raced, see race.go) from the incumbent, for the time left, and decodes
// the best plan into out.
func (s *search) branch(prm Params, out *Outcome) (*Outcome, error) {
	fm, ctx := s.fm, s.ctx
	s.takeLP()
	left := s.budget.left()
	if s.x != nil && prm.TimeLimit > 0 && left < branchMinTime && fm.Prob.NumBinaries() > lnsMinBinaries {
		// GLPK's set-up (scaling, first basis) checks no time limit: on
		// a model this size it would overrun what is left. The bound is
		// at least the static one, as after the race, even when the
		// Lagrangian got no iteration in.
		out.Assignment = fm.Decode(s.x)
		out.Bound = math.Min(math.Max(s.bound, staticBound(fm)), fm.Objective(s.x))
		out.HasBound = !math.IsInf(out.Bound, -1)
		return out, nil
	}
	base := glpk.Params{TimeLimit: left, RelGap: prm.Gap}
	if fm.Prob.NumBinaries() > lnsMinBinaries {
		// The root LP takes seconds to minutes there; below, milliseconds,
		// and GLPK's own first basis keeps small instances' plans as they
		// were.
		base.LPSupport = glpk.Support(s.x)
	}
	res, err := race(ctx, fm.fixed(s.fix), base, s.x, s.bound,
		func(has bool, inc, bound float64) {
			phase := PhaseBranch
			if math.IsInf(bound, -1) {
				phase = PhaseLP
			}
			s.report(phase, has, inc, bound)
		})
	if err != nil {
		return nil, fmt.Errorf("branch and bound: %w", err)
	}
	out.Nodes = res.nodes
	out.Bound, out.HasBound = res.bound, !math.IsInf(res.bound, 0) && !math.IsNaN(res.bound)
	x := res.x
	switch {
	case res.found:
	case res.status == glpk.Infeasible:
		out.Infeasible = true
		out.HasBound = false
		if len(fm.Forced) > 0 {
			// ExplainInfeasible reasons from the targets alone, which
			// is wrong once opportunities are forced in.
			out.Explanation = []string{"no plan takes every forced opportunity and meets the constraints"}
			return out, nil
		}
		limit := ExplainLimit
		if prm.TimeLimit > 0 {
			limit = max(time.Second, min(limit, s.budget.left()))
		}
		out.Explanation = fm.ExplainInfeasible(ctx, limit)
		out.HasBound = false
		return out, nil
	default:
		return out, nil
	}
	if len(fm.Violations(x, 1e-6)) > 0 {
		// GLPK rounded an integer column but not the continuous ones
		// tied to it (see polish).
		if y := fm.polish(x); y != nil {
			x = y
		}
	}
	if v := fm.Violations(x, 1e-6); len(v) > 0 {
		return nil, fmt.Errorf("solver returned a point that violates %d rows, first: %s", len(v), v[0])
	}
	out.Assignment = fm.Decode(x)
	out.Optimal = res.status == glpk.Optimal || (out.HasBound && withinGap(fm.Objective(x), out.Bound, prm.Gap))
	if res.failure != nil {
		out.Explanation = append(out.Explanation, fmt.Sprintf("GLPK failed (%v); the plan is the best found before the failure", res.failure))
	}
	return out, nil
}

// withinGap reports whether bound proves z optimal within the relative
// gap tolerance gap, |z − bound| / max(1, |z|) as plans report it: GLPK
// stops at its own gap (mip_gap) without calling the plan optimal.
func withinGap(z, bound, gap float64) bool {
	return math.Abs(z-bound) <= gap*math.Max(1, math.Abs(z))
}
