package cluster

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

// solveLarge is Solve for models above MaxGLPKRows, on the formulation of
// BuildStructure (no MIP in memory: at province size it would take tens of
// gigabytes). It reports the greedy plan, checked by the independent
// checker since there are no rows to check it against, then runs the
// Lagrangian phase for a better bound and plan; the bound is the better of
// the uncoupled and Lagrangian bounds; then the window search
// (largesearch.go) improves the plan. The greedy stops at the time limit
// or when ctx ends, keeping its plan only when it meets the targets.
func (fm *Formulation) solveLarge(ctx context.Context, start time.Time, prm Params, out *Outcome, report func(string, bool, float64, float64)) (*Outcome, error) {
	// The uncoupled bound dominates the box bound (each y_p and w_fp at its
	// best), so it alone is the bound here.
	bound := fm.UncoupledBound()
	out.Bound, out.HasBound = bound, true
	if prm.TimeLimit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(prm.TimeLimit))
		defer cancel()
	}
	report("greedy", false, 0, bound)
	a := GreedyContext(ctx, fm) // the heartbeat repeats the report above
	if a == nil {
		return out, nil
	}
	z, err := verifyPlan(fm.D, a)
	if err != nil {
		return nil, fmt.Errorf("greedy plan: %w", err)
	}
	report("greedy", true, z, bound)
	// The Lagrangian bound and heuristic (lagrange.go), for at most half
	// of the time limit, or lagLargeDefault without one.
	until := start.Add(lagLargeDefault)
	if prm.TimeLimit > 0 {
		until = start.Add(prm.TimeLimit / 2)
	}
	report("lagrangian", true, z, bound)
	lr := fm.lagrangian(ctx, z, true, until, func(_ bool, inc, b float64) {
		report("lagrangian", true, inc, math.Max(bound, b))
	})
	bound = math.Max(bound, lr.Bound)
	if lr.Plan != nil && lr.Objective < z {
		a, z = lr.Plan, lr.Objective
	}
	// Windows of opportunities (largesearch.go) for the plan, until
	// largeSearchShare of the limit (the rest is for the stakes
	// refinement and the checks, seconds at this size).
	var searchUntil time.Time
	if prm.TimeLimit > 0 {
		searchUntil = start.Add(time.Duration(largeSearchShare * float64(prm.TimeLimit)))
	}
	report(phaseNeighbourhood, true, z, math.Min(bound, z))
	a, z = fm.improveLarge(ctx, a, z, searchUntil, func(obj float64) {
		report(phaseNeighbourhood, true, obj, math.Min(bound, obj))
	})
	if prm.TimeLimit > 0 && time.Until(searchUntil) > time.Second {
		// The window search ended its schedule early: the dual again,
		// aimed at its plan, for the time it left.
		report(phaseLagrangian, true, z, math.Min(bound, z))
		bound = math.Max(bound, lr.Resume(ctx, z, searchUntil, func(b float64) {
			report(phaseLagrangian, true, z, math.Min(math.Max(bound, b), z))
		}))
	}
	out.Assignment = a
	out.Bound = math.Min(bound, z)
	report(phaseNeighbourhood, true, z, out.Bound)
	return out, nil
}

// largeSearchShare is the share of the time limit after which the window
// search stops on clusters above MaxGLPKRows.
const largeSearchShare = 0.9

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
