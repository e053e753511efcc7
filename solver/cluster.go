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
	var plain plainRun
	if outside != nil && prm.TimeLimit > 0 && prm.Start == nil {
		plain = stakesStart(ctx, d, &prm, outside, start)
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
		if plain.optimal {
			res.plainObjective, res.hasPlain = plain.z, true
		} else if err := plainOptimum(ctx, d, prm, start, res); err != nil {
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

// stakesShare is the share of a --sharing stakes solve's limit spent
// first on the MIP without constraint 16 (see stakesStart), and
// stakesMixLimit the most the window that mixes the plans gets.
const (
	stakesShare    = 0.4
	stakesMixLimit = 10 * time.Second
)

// plainRun is what the solve without constraint 16 before a stakes solve
// proved: its optimum z when optimal.
type plainRun struct {
	z       float64
	optimal bool
}

// stakesStart gives a --sharing stakes solve a start. Plans under rows 16
// fall well short when the search begins from the greedy's plan, which the
// rows bend; the unconstrained plan's coalitions, mixed with that plan's,
// hold far better ones (docs/experiments.md, "One period under rows 16").
// So the MIP without 16 is solved first for stakesShare of the limit, then
// the window of both plans' coalitions (cluster.BestAmong) under 16 for at
// most stakesMixLimit; its plan, if any, becomes prm.Start, and prm's
// limit what is left. The unconstrained optimum, when proven, serves the
// price of fairness.
func stakesStart(ctx context.Context, d *model.Derived, prm *cluster.Params, outside []float64, start time.Time) plainRun {
	limit := prm.TimeLimit
	free := *prm
	free.Outside, free.TimeLimit = nil, time.Duration(stakesShare*float64(limit))
	report := prm.Progress
	free.Progress = func(r cluster.Report) {
		r.Phase = "without 16: " + r.Phase
		report(r)
	}
	var run plainRun
	out, err := cluster.Solve(ctx, d, free)
	if err == nil && out.Assignment != nil {
		if out.Optimal {
			if _, z, err := d.Evaluate(out.Assignment, model.MethodCluster); err == nil {
				run = plainRun{z: z, optimal: true}
			}
		}
		if fm, err := cluster.Build(d); err == nil && len(fm.Fair(outside)) == 0 {
			mix := min(stakesMixLimit, (limit-time.Since(start))/4)
			if mix > 0 {
				prm.Start = fm.BestAmong(ctx, []*model.Assignment{out.Assignment, cluster.Greedy(fm)}, mix)
			}
		}
	}
	prm.TimeLimit = max(limit-time.Since(start), time.Millisecond)
	return run
}
