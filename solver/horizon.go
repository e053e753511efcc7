package solver

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
	"github.com/ofdi/ofdi/solver/horizon"
)

// solveHorizon plans a multi-period instance with the MIP of
// solver/horizon and evaluates it with model.EvaluateHorizon.
func solveHorizon(ctx context.Context, inst *model.Instance, opts Options, start time.Time) (*Result, error) {
	if opts.Method != model.MethodCluster {
		return horizonBaseline(inst, opts.Method, start)
	}
	if opts.Sharing == model.SharingStakes {
		return nil, fmt.Errorf("%w: --sharing stakes (constraint 16) is not implemented over a horizon", ErrMultiPeriod)
	}
	if len(opts.Force) > 0 {
		return nil, fmt.Errorf("%w: forcing opportunities in is not implemented over a horizon", ErrMultiPeriod)
	}
	hopts := horizon.Options{TimeLimit: opts.TimeLimit, Gap: opts.gap()}
	var firstPlan time.Duration
	hopts.Progress = func(r horizon.Report) {
		if r.HasIncumbent && firstPlan == 0 {
			firstPlan = r.Elapsed
		}
		if opts.Progress != nil {
			p := Progress{Elapsed: r.Elapsed, Phase: r.Phase, HasIncumbent: r.HasIncumbent, Incumbent: r.Incumbent, Bound: r.Bound, Gap: math.Inf(1)}
			if r.HasIncumbent && !math.IsInf(r.Bound, -1) {
				p.Gap = relGap(r.Incumbent, r.Bound)
			}
			opts.Progress(p)
		}
	}
	hr, err := horizon.Solve(ctx, inst, hopts)
	if err != nil {
		return nil, fmt.Errorf("solve %s: %w", inst.Name, err)
	}
	res := &Result{Instance: inst.Name, Method: opts.Method}
	switch hr.Status {
	case model.StatusOptimal:
		res.Status = Optimal
	case model.StatusFeasible:
		res.Status = Feasible
	case model.StatusInfeasible:
		res.Status = Infeasible
		res.Explanation = []string{"no multi-period plan satisfies the constraints (targets, windows, budgets released over time)"}
	default:
		res.Status = NoSolution
	}
	p := hr.Formulation.Prob
	res.Stats = Stats{Variables: len(p.Cols), Constraints: len(p.Rows), Binaries: p.NumBinaries(), Nodes: hr.Nodes, Solver: "glpk"}
	if hr.Assignment != nil {
		d := model.Derive(inst)
		res.Assignment = hr.Assignment
		res.Assignment.Round()
		m, z, view, err := d.EvaluateHorizon(res.Assignment, opts.Method)
		if err != nil {
			return nil, fmt.Errorf("solve %s: evaluate plan: %w", inst.Name, err)
		}
		res.Metrics, res.Objective, res.Horizon = &m, z, view
		if !math.IsInf(hr.Bound, -1) { // -Inf: stopped before the root LP
			res.Bound, res.HasBound = min(hr.Bound, z), true
		}
		if err := accounts(d, res, opts.Sharing); err != nil {
			return nil, fmt.Errorf("solve %s: firm accounts: %w", inst.Name, err)
		}
	}
	res.Stats.Duration = time.Since(start)
	res.Stats.FirstPlan = res.Stats.Duration
	if firstPlan > 0 {
		res.Stats.FirstPlan = firstPlan
	}
	return res, nil
}

// horizonBaseline runs a distributed baseline over the horizon.
func horizonBaseline(inst *model.Instance, method string, start time.Time) (*Result, error) {
	d := model.Derive(inst)
	plan, err := baseline.RunHorizon(d, method)
	if err != nil {
		return nil, err
	}
	res := &Result{Instance: inst.Name, Method: method, Status: Feasible, Assignment: plan.Plan,
		Metrics: plan.Metrics, Objective: *plan.Objective, Stats: Stats{Solver: baseline.Solver},
		Horizon: &model.HorizonView{Periods: plan.Periods, Knowledge: plan.Knowledge, Stages: plan.Stages}}
	if err := accounts(d, res, ""); err != nil {
		return nil, fmt.Errorf("solve %s: firm accounts: %w", inst.Name, err)
	}
	res.Stats.Duration = time.Since(start)
	res.Stats.FirstPlan = res.Stats.Duration
	return res, nil
}
