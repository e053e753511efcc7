package solver

import (
	"context"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// baselineSolver runs a distributed baseline of MODEL.md: firms investing
// alone, in rounds. Its plans have no bound.
type baselineSolver struct{ method string }

func (b baselineSolver) Solve(ctx context.Context, d *model.Derived, opts Options) (*Result, error) {
	plan, err := baseline.Run(d, b.method)
	if err != nil {
		return nil, err
	}
	return &Result{Status: Feasible, Assignment: plan.Plan, Stats: Stats{Solver: baseline.Solver}}, nil
}
