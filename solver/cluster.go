package solver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/stakes"
)

// postSolveReserve is the most of a time limit kept for the work after the
// search (the stakes refinement: 0.2 s on 150-firm clusters; the
// accounts' independent baseline: milliseconds).
const postSolveReserve = time.Second

// clusterSolver solves the cluster MIP of MODEL.md with GLPK.
type clusterSolver struct{}

func (clusterSolver) Solve(ctx context.Context, d *model.Derived, opts Options) (*Result, error) {
	start := time.Now()
	prm := cluster.Params{TimeLimit: opts.TimeLimit, Gap: opts.Gap, Start: opts.Start}
	var deadline time.Time // of the whole solve, stakes refinement included
	if prm.TimeLimit > 0 {
		deadline = time.Now().Add(prm.TimeLimit)
		// The stakes refinement and the firm accounts run after the
		// search, inside the same limit: keep a tenth of it (at most
		// postSolveReserve) for them.
		prm.TimeLimit -= min(prm.TimeLimit/10, postSolveReserve)
	}
	if dl, ok := ctx.Deadline(); ok && (deadline.IsZero() || dl.Before(deadline)) {
		deadline = dl
	}
	var outside []float64
	if opts.Sharing == model.SharingStakes {
		var err error
		if outside, err = OutsideOptions(d); err != nil {
			return nil, err
		}
		prm.Outside = outside
	}
	for _, id := range opts.Force {
		p, ok := d.Opp[id]
		if !ok {
			return nil, fmt.Errorf("%w: unknown opportunity %q", ErrBadForce, id)
		}
		prm.Force = append(prm.Force, p)
	}
	// The first report with an incumbent dates the first plan. Reports
	// come from more than one goroutine (the greedy start, then the
	// branch-and-bound's ticker); cluster.Solve waits for all of them
	// before it returns.
	var (
		first     sync.Once
		firstPlan time.Time
	)
	prm.Progress = func(r cluster.Report) {
		if r.HasIncumbent {
			first.Do(func() { firstPlan = time.Now() })
		}
		if opts.Progress == nil {
			return
		}
		p := Progress{Elapsed: r.Elapsed, Phase: string(r.Phase), HasIncumbent: r.HasIncumbent, Incumbent: r.Incumbent, Bound: r.Bound}
		if r.HasIncumbent {
			p.Gap = relGap(r.Incumbent, r.Bound)
		}
		opts.Progress(p)
	}
	out, err := cluster.Solve(ctx, d, prm)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Bound: out.Bound, HasBound: out.HasBound, Explanation: out.Explanation, firstPlanAt: firstPlan,
		Stats: Stats{Variables: out.Variables, Constraints: out.Constraints, Binaries: out.Binaries, Nodes: out.Nodes, Solver: "glpk"},
	}
	switch {
	case out.Assignment != nil && out.Optimal:
		res.Status = Optimal
	case out.Assignment != nil:
		res.Status = Feasible
	case out.Infeasible:
		res.Status = Infeasible
	default:
		res.Status = NoSolution
	}
	res.Assignment = out.Assignment
	if outside != nil && res.Status == Optimal {
		if err := plainOptimum(ctx, d, prm, start, res); err != nil {
			return nil, err
		}
	}
	if res.Assignment != nil && !opts.NoBalance {
		balanced, _, err := stakes.Balance(d, res.Assignment, stakes.Options{Deadline: deadline, Outside: outside})
		if err != nil {
			return nil, err
		}
		res.Assignment = balanced
	}
	return res, nil
}

// plainOptimum solves the cluster MIP without constraint 16 (prm without
// its outside options) in the time prm's limit leaves after start, for the price
// of fairness: when that solve is optimal too, res.plainObjective is its Z
// (Solve turns it into Result.PriceOfFairness). Its progress is reported
// with the phase prefixed "without 16: ".
func plainOptimum(ctx context.Context, d *model.Derived, prm cluster.Params, start time.Time, res *Result) error {
	prm.Outside = nil
	if prm.TimeLimit > 0 {
		left := prm.TimeLimit - time.Since(start)
		if left <= 0 {
			return nil
		}
		prm.TimeLimit = left
	}
	report := prm.Progress
	prm.Progress = func(r cluster.Report) {
		r.Phase = "without 16: " + r.Phase
		report(r)
	}
	out, err := cluster.Solve(ctx, d, prm)
	if err != nil {
		return fmt.Errorf("solve without constraint 16: %w", err)
	}
	if out.Assignment == nil || !out.Optimal {
		return nil
	}
	_, z, err := d.Evaluate(out.Assignment, model.MethodCluster)
	if err != nil {
		return fmt.Errorf("solve without constraint 16: evaluate plan: %w", err)
	}
	res.plainObjective, res.hasPlain = z, true
	return nil
}
