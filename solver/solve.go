package solver

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
)

// Solver is one planning method: the cluster MIP or a distributed baseline.
type Solver interface {
	// Solve plans the instance behind d. It fills Status, Objective, Bound,
	// Assignment and Stats; Solve computes the metrics.
	Solve(ctx context.Context, d *model.Derived, opts Options) (*Result, error)
}

var methods = map[string]Solver{
	model.MethodCluster:     clusterSolver{},
	model.MethodIndependent: baselineSolver{model.MethodIndependent},
	model.MethodPolicyPush:  baselineSolver{model.MethodPolicyPush},
}

// Methods lists the method names Solve accepts, sorted.
func Methods() []string {
	out := make([]string, 0, len(methods))
	for m := range methods {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Solve validates inst, runs the method of opts and evaluates the plan.
// A plan found before the time limit or cancellation is returned with
// Status Feasible and a nil error; an infeasible instance returns Status
// Infeasible, an explanation and a nil error (use Status.Err to turn it
// into ErrInfeasible). Errors are returned for invalid instances (wrapping
// model.ErrInvalid), unknown methods and solver failures.
func Solve(ctx context.Context, inst *model.Instance, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Method == "" {
		opts.Method = model.MethodCluster
	}
	s, ok := methods[opts.Method]
	if !ok {
		return nil, fmt.Errorf("%w %q (want one of %v)", ErrUnknownMethod, opts.Method, Methods())
	}
	if len(opts.Force) > 0 && opts.Method != model.MethodCluster {
		return nil, fmt.Errorf("%w: forcing opportunities in needs the cluster method, not %s", ErrBadForce, opts.Method)
	}
	if opts.Sharing == "" {
		opts.Sharing = model.SharingReport
	}
	if opts.Sharing != model.SharingReport && opts.Sharing != model.SharingStakes {
		return nil, fmt.Errorf("%w %q (want %q or %q)", ErrUnknownSharing, opts.Sharing, model.SharingReport, model.SharingStakes)
	}
	if err := model.ValidateErr(inst); err != nil {
		return nil, err
	}
	if inst.MultiPeriod() {
		return solveHorizon(ctx, inst, opts, start)
	}
	d := model.Derive(inst)
	if opts.TimeLimit > 0 {
		// The limit covers validation and derivation too (seconds on
		// province-size clusters).
		opts.TimeLimit = max(opts.TimeLimit-time.Since(start), time.Millisecond)
	}
	res, err := s.Solve(ctx, d, opts)
	if err != nil {
		return nil, fmt.Errorf("solve %s with %s: %w", inst.Name, opts.Method, err)
	}
	res.Instance, res.Method = inst.Name, opts.Method
	if res.Assignment != nil {
		// Round as printed, then put in the canonical order (participants
		// by descending stake: the stakes refinement re-splits them after
		// the method sorted them), then evaluate what is printed.
		res.Assignment.Round()
		d.SortAssignment(res.Assignment)
		m, z, err := d.Evaluate(res.Assignment, opts.Method)
		if err != nil {
			return nil, fmt.Errorf("solve %s: evaluate plan: %w", inst.Name, err)
		}
		res.Metrics, res.Objective = &m, z
		if err := accounts(d, res, opts.Sharing); err != nil {
			return nil, fmt.Errorf("solve %s: firm accounts: %w", inst.Name, err)
		}
		if res.hasPlain && res.Status == Optimal {
			// Both optimal within the gap: a difference below the
			// tolerance of either optimum is no price.
			res.PriceOfFairness, res.HasPriceOfFairness = math.Max(0, z-res.plainObjective), true
		}
		if res.HasBound && res.Bound > z {
			// The bound comes from the solver's tolerances; never report
			// a bound above the plan's own value.
			res.Bound = z
		}
	}
	res.Stats.Duration = time.Since(start)
	if res.Assignment != nil {
		res.Stats.FirstPlan = res.Stats.Duration
		if !res.firstPlanAt.IsZero() {
			res.Stats.FirstPlan = min(res.firstPlanAt.Sub(start), res.Stats.Duration)
		}
	}
	return res, nil
}
