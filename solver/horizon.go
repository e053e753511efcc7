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
	d := model.Derive(inst)
	hopts := horizon.Options{TimeLimit: opts.TimeLimit, Gap: opts.gap(), Start: opts.Start}
	for _, id := range opts.Force {
		p, ok := d.Opp[id]
		if !ok {
			return nil, fmt.Errorf("%w: unknown opportunity %q", ErrBadForce, id)
		}
		hopts.Force = append(hopts.Force, p)
	}
	if opts.Sharing == model.SharingStakes {
		outside, err := OutsideOptions(d)
		if err != nil {
			return nil, fmt.Errorf("solve %s: %w", inst.Name, err)
		}
		hopts.Outside = outside
	}
	var firstPlan time.Duration
	hopts.Progress = func(r horizon.Report) {
		if r.HasIncumbent && firstPlan == 0 {
			firstPlan = r.Elapsed
		}
		if opts.Progress != nil {
			p := Progress{Elapsed: r.Elapsed, Phase: string(r.Phase), HasIncumbent: r.HasIncumbent, Incumbent: r.Incumbent, Bound: r.Bound, Gap: math.Inf(1)}
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
		res.Explanation = infeasibleWhy(hr, hopts.Outside != nil, len(hopts.Force) > 0)
	default:
		res.Status = NoSolution
	}
	p := hr.Formulation.Prob
	res.Stats = Stats{Variables: len(p.Cols), Constraints: len(p.Rows), Binaries: p.NumBinaries(), Nodes: hr.Nodes, Solver: "glpk"}
	if hr.Assignment != nil {
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
		if hopts.Outside != nil && res.Status == Optimal {
			if err := horizonPlainOptimum(ctx, inst, d, hopts, start, res); err != nil {
				return nil, fmt.Errorf("solve %s: %w", inst.Name, err)
			}
		}
	}
	res.Stats.Duration = time.Since(start)
	res.Stats.FirstPlan = res.Stats.Duration
	if firstPlan > 0 {
		res.Stats.FirstPlan = firstPlan
	}
	return res, nil
}

// infeasibleWhy explains an infeasible multi-period instance: the firms
// Fair found unmatchable or the forced opportunities no coalition can
// fund, else the constraints, constraint 16 and the forced opportunities
// among them when the MIP carries them.
func infeasibleWhy(hr *horizon.Result, fair, forced bool) []string {
	const rows = "targets, windows, budgets released over time"
	switch {
	case len(hr.Explanation) > 0:
		return hr.Explanation
	case forced && fair:
		return []string{"no multi-period plan takes every forced opportunity and meets the constraints (" + rows + ", constraint 16)"}
	case forced:
		return []string{"no multi-period plan takes every forced opportunity and meets the constraints (" + rows + ")"}
	case fair:
		return []string{"no multi-period plan satisfies the constraints (" + rows + ") while every firm's discounted stake return meets its outside option (constraint 16)"}
	}
	return []string{"no multi-period plan satisfies the constraints (" + rows + ")"}
}

// horizonPlainOptimum solves the multi-period MIP without constraint 16
// in the time opts' limit leaves after start, for the price of fairness:
// when that solve is optimal too, res gets PriceOfFairness = Z(res) − Z
// of that optimum (0 when below, within the gap). Its progress is
// reported with the phase prefixed "without 16: ".
func horizonPlainOptimum(ctx context.Context, inst *model.Instance, d *model.Derived, opts horizon.Options, start time.Time, res *Result) error {
	opts.Outside = nil
	if opts.TimeLimit > 0 {
		left := opts.TimeLimit - time.Since(start)
		if left <= 0 {
			return nil
		}
		opts.TimeLimit = left
	}
	if report := opts.Progress; report != nil {
		opts.Progress = func(r horizon.Report) {
			r.Phase = "without 16: " + r.Phase
			report(r)
		}
	}
	hr, err := horizon.Solve(ctx, inst, opts)
	if err != nil {
		return fmt.Errorf("solve without constraint 16: %w", err)
	}
	if hr.Assignment == nil || hr.Status != model.StatusOptimal {
		return nil
	}
	hr.Assignment.Round()
	_, z, _, err := d.EvaluateHorizon(hr.Assignment, model.MethodCluster)
	if err != nil {
		return fmt.Errorf("solve without constraint 16: evaluate plan: %w", err)
	}
	res.PriceOfFairness, res.HasPriceOfFairness = math.Max(0, res.Objective-z), true
	return nil
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
