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
	// prm's limit counts from start (plainOptimum relies on it); the solve
	// after stakesStart gets what is left of it.
	var plain freeRun
	solvePrm := prm
	if outside != nil && prm.TimeLimit > 0 && prm.Start == nil {
		plain = stakesStart(ctx, d, prm, outside, start)
		solvePrm.Start = plain.mixed
		solvePrm.TimeLimit = max(prm.TimeLimit-time.Since(start), time.Millisecond)
	}
	out, err := cluster.Solve(ctx, d, solvePrm)
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

// plainOptimum solves the cluster MIP without constraint 16 in the time
// prm's limit leaves after start, for the price of fairness: when that
// solve is optimal too, res.plainObjective is its Z (Solve turns it into
// Result.PriceOfFairness).
func plainOptimum(ctx context.Context, d *model.Derived, prm cluster.Params, start time.Time, res *Result) error {
	var limit time.Duration
	if prm.TimeLimit > 0 {
		if limit = prm.TimeLimit - time.Since(start); limit <= 0 {
			return nil
		}
	}
	_, run, err := solveWithout16(ctx, d, prm, limit)
	if err != nil {
		return err
	}
	if run.optimal {
		res.plainObjective, res.hasPlain = run.z, true
	}
	return nil
}

// freeRun is what a solve without constraint 16 proved (its optimum z,
// when optimal) and, before a stakes solve, the start it gave (mixed).
type freeRun struct {
	z       float64
	optimal bool
	mixed   *model.Assignment
}

// solveWithout16 solves the cluster MIP without constraint 16 (prm
// without its outside options) within limit (0: none), its progress
// reported with the phase prefixed "without 16: ". It returns the outcome
// and, when that is optimal, its Z.
func solveWithout16(ctx context.Context, d *model.Derived, prm cluster.Params, limit time.Duration) (*cluster.Outcome, freeRun, error) {
	prm.Outside, prm.TimeLimit = nil, limit
	if report := prm.Progress; report != nil {
		prm.Progress = func(r cluster.Report) {
			r.Phase = "without 16: " + r.Phase
			report(r)
		}
	}
	out, err := cluster.Solve(ctx, d, prm)
	if err != nil {
		return nil, freeRun{}, fmt.Errorf("solve without constraint 16: %w", err)
	}
	if out.Assignment == nil || !out.Optimal {
		return out, freeRun{}, nil
	}
	_, z, err := d.Evaluate(out.Assignment, model.MethodCluster)
	if err != nil {
		return nil, freeRun{}, fmt.Errorf("solve without constraint 16: evaluate plan: %w", err)
	}
	return out, freeRun{z: z, optimal: true}, nil
}

// stakesShare is the share of a --sharing stakes solve's limit spent
// first on the MIP without constraint 16 (see stakesStart), and
// stakesMixLimit the most the window that mixes the plans gets.
const (
	stakesShare    = 0.4
	stakesMixLimit = 10 * time.Second
)

// stakesStart gives a --sharing stakes solve a start. Plans under rows 16
// fall well short when the search begins from the greedy's plan, which the
// rows bend; the unconstrained plan's coalitions, mixed with that plan's,
// hold far better ones (docs/experiments.md, "One period under rows 16").
// So the MIP without 16 is solved first for stakesShare of prm's limit,
// then the window of both plans' coalitions (cluster.BestAmong) under 16
// for at most stakesMixLimit; its plan, if any, is the start (mixed). The
// unconstrained optimum, when proven, serves the price of fairness. Above
// cluster.MaxGLPKRows (no MIP is written there) it does nothing.
func stakesStart(ctx context.Context, d *model.Derived, prm cluster.Params, outside []float64, start time.Time) freeRun {
	if sf, err := cluster.BuildStructure(ctx, d); err != nil || sf.Size.Rows > cluster.MaxGLPKRows {
		return freeRun{}
	}
	out, run, err := solveWithout16(ctx, d, prm, time.Duration(stakesShare*float64(prm.TimeLimit)))
	if err != nil || out.Assignment == nil {
		return run
	}
	fm, err := cluster.BuildContext(ctx, d)
	if err != nil || len(fm.Fair(outside)) > 0 {
		return run
	}
	if mix := min(stakesMixLimit, (prm.TimeLimit-time.Since(start))/4); mix > 0 {
		run.mixed = fm.BestAmong(ctx, []*model.Assignment{out.Assignment, cluster.Greedy(fm)}, mix)
	}
	return run
}
