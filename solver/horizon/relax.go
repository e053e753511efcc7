package horizon

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// Relaxed returns a one-period instance whose optimum is at most the
// multi-period optimum, so that any lower bound on it bounds the horizon
// (docs/horizon.md, "Solving at scale"). Every multi-period plan, with its
// periods forgotten, is a plan of it with no larger Z:
//   - each opportunity's value v_p + σC_p + λ_G·G_p is weighted by the
//     largest d^(t−1) of its periods with a column (the smallest when the
//     value is negative; its NPV carries the change), and opportunities
//     without any column are left out;
//   - info costs and dissipation are weighted by d^(T−1), the smallest
//     weight they can have (dissipation of the whole horizon is at least
//     its excess at the end), and λ_L is kept (its weights are at most 1);
//   - capital is what is released by T, budgets, credit, CVaR and counts
//     hold over the horizon as in the one-period model;
//   - every firm's knowledge is the largest K1 can give it by period T
//     (more eligible pairs, more pioneers), and there are no targets.
func (fm *Formulation) Relaxed() *model.Instance {
	in := fm.Inst
	h := in.Horizon
	last := fm.weight(fm.T - 1)
	ri := *in
	ri.Name = in.Name + "-relaxed"
	ri.Horizon = nil
	ri.Objective.MarketPowerTarget, ri.Objective.SMEParticipationTarget = 0, 0
	ri.Opportunities = nil
	for p := range in.Opportunities {
		o := in.Opportunities[p]
		fixed := in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
		w := fm.bestWeight(p, o.NPV+fixed >= 0)
		if w < 0 {
			continue
		}
		o.NPV = w*(o.NPV+fixed) - fixed
		o.Periods = nil
		ri.Opportunities = append(ri.Opportunities, o)
	}
	ri.Markets = make([]model.Market, len(in.Markets))
	for m := range in.Markets {
		mk := in.Markets[m]
		mk.InfoCost *= last
		mk.Dissipation *= last
		ri.Markets[m] = mk
	}
	ri.Firms = make([]model.Firm, len(in.Firms))
	for f := range in.Firms {
		fi := in.Firms[f]
		fi.Capital *= h.Release(fm.T)
		fi.Knowledge = make(map[string]float64, len(in.Markets))
		for m := range in.Markets {
			fi.Knowledge[in.Markets[m].ID] = fm.reach.kappa[f][m][fm.T-1]
		}
		ri.Firms[f] = fi
	}
	return &ri
}

// bestWeight returns the largest (gain: the smallest) discount weight of
// p's periods with a column, -1 when it has none.
func (fm *Formulation) bestWeight(p int, gain bool) float64 {
	w := -1.0
	for t := 0; t < fm.T; t++ {
		if fm.Y[p][t] == none {
			continue
		}
		if v := fm.weight(t); w < 0 || (gain && v > w) || (!gain && v < w) {
			w = v
		}
	}
	return w
}

// RelaxedBound returns a lower bound on the multi-period optimum: the
// bound the one-period solver (solver/cluster) proves on Relaxed within
// limit (0: none). It is -Inf when the solver proves none, and +Inf when
// the relaxation, hence the horizon, has no plan.
func (fm *Formulation) RelaxedBound(ctx context.Context, limit time.Duration) (float64, error) {
	ri := fm.Relaxed()
	if len(ri.Opportunities) == 0 {
		return 0, nil // only the empty plan, Z = 0 (no targets in the relaxation)
	}
	if err := model.ValidateErr(ri); err != nil {
		return math.Inf(-1), fmt.Errorf("relaxed instance: %w", err)
	}
	out, err := cluster.Solve(ctx, model.Derive(ri), cluster.Params{TimeLimit: limit, Gap: 1e-4})
	if err != nil {
		return math.Inf(-1), fmt.Errorf("relaxed instance: %w", err)
	}
	switch {
	case out.Infeasible:
		return math.Inf(1), nil
	case !out.HasBound:
		return math.Inf(-1), nil
	}
	return out.Bound, nil
}
