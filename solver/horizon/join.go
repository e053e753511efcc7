package horizon

import (
	"context"
	"math"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// joinMinLimit and joinMaxLimit bound the time join's LP is given.
const (
	joinMinLimit = 100 * time.Millisecond
	joinMaxLimit = 5 * time.Second
)

// join adds to best the moves of a window's solution y found from an
// older start x (another worker improved the best meanwhile): every
// integer column y flips from x is set in best, and with every integer
// column fixed the LP over the continuous ones (stakes, knowledge,
// credit, CVaR, dissipation, rewards) rebalances the budgets and risk
// around the union. It returns the point and its objective when that LP
// is feasible and the point satisfies every row, else nil; nil too when y
// flips nothing best has not flipped already.
func join(ctx context.Context, p *mip.Problem, x, y, best []float64, limit time.Duration) ([]float64, float64) {
	union := append([]float64(nil), best...)
	fixed := make([]bool, len(p.Cols))
	moves := 0
	for j, c := range p.Cols {
		if !c.Kind.IsInteger() {
			continue
		}
		fixed[j] = true
		union[j] = math.Round(union[j])
		if math.Abs(y[j]-x[j]) > 0.5 && math.Abs(best[j]-x[j]) <= 0.5 {
			union[j] = math.Round(y[j])
			moves++
		}
	}
	if moves == 0 || limit < joinMinLimit {
		return nil, 0
	}
	r := p.Restrict(fixed, union)
	if r.Problem == nil || r.Infeasible != "" {
		return nil, 0
	}
	res, err := glpk.SolveMIP(ctx, r.Problem, glpk.Params{TimeLimit: limit, Presolve: true}, glpk.Callbacks{})
	if err != nil || res == nil || !res.HasSolution {
		return nil, 0
	}
	z := r.Expand(res.X)
	if p.CheckFeasible(z, columnTol) != nil {
		return nil, 0
	}
	return z, p.Objective(z)
}
