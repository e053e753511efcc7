package horizon

import (
	"context"
	"maps"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// Collapsed returns the horizon collapsed into one period at the firms'
// initial knowledge: Relaxed(T) (every opportunity with a column in some
// period, the capital released by T, undiscounted values) with each
// firm's knowledge as the instance gives it and the horizon's targets.
// It is not a relaxation: no firm knows more than at the start, so none
// of its coalitions leans on knowledge a plan gains only later, and a
// plan of it whose projects fit the periods' budgets is a plan of the
// horizon (schedule). Its optimum gives the neighbourhoods a start and
// coalitions that can be scheduled, where the relaxation's plan of R_T
// cannot (docs/horizon.md, "Solving at scale").
func (fm *Formulation) Collapsed() *model.Instance {
	ci := fm.Relaxed(fm.T)
	ci.Name = fm.Inst.Name + "-collapsed"
	for f := range ci.Firms {
		ci.Firms[f].Knowledge = maps.Clone(fm.Inst.Firms[f].Knowledge)
	}
	ci.Objective = fm.Inst.Objective
	return ci
}

// collapsedPlan returns the one-period solver's plan of Collapsed()
// within limit, nil when it finds none.
func (fm *Formulation) collapsedPlan(ctx context.Context, limit time.Duration) *model.Assignment {
	ci := fm.Collapsed()
	if len(ci.Opportunities) == 0 || model.ValidateErr(ci) != nil {
		return nil
	}
	out, err := cluster.Solve(ctx, model.Derive(ci), cluster.Params{TimeLimit: limit, Gap: 1e-4})
	if err != nil {
		return nil
	}
	return out.Assignment
}

// schedule returns GLPK's best solution, within limit, of the MIP with
// only the pairs (opportunity, firm) of plans free (nil plans hold none):
// every opportunity free to start in any of its periods or not at all,
// with the members those plans give it (or fewer), every other pair at 0,
// stakes, credit and the rest free. nil when it finds none (no pair,
// targets out of reach, no time).
func (h *hoods) schedule(ctx context.Context, limit time.Duration, plans ...*model.Assignment) []float64 {
	pairs := map[[2]int]bool{}
	for _, plan := range plans {
		maps.Copy(pairs, planPairs(h.fm, plan))
	}
	if len(pairs) == 0 {
		return nil
	}
	free := make(map[int]bool, len(h.fm.Inst.Opportunities))
	for p := range h.fm.Inst.Opportunities {
		free[p] = true
	}
	// From the empty solution, so that fixOutside fixes every pair out of
	// plan at 0.
	zero := make([]float64, len(h.fm.Prob.Cols))
	y, _ := h.solveFree(ctx, zero, free, nil, pairs, math.Inf(1), limit)
	return y
}

// planPairs returns the pairs (opportunity, firm) of plan's coalitions,
// by the formulation's indices; nil for a nil plan.
func planPairs(fm *Formulation, plan *model.Assignment) map[[2]int]bool {
	if plan == nil {
		return nil
	}
	pairs := map[[2]int]bool{}
	for _, pj := range plan.Projects {
		p, ok := fm.D.Opp[pj.ID]
		if !ok {
			continue
		}
		for _, st := range pj.Participants {
			if f, ok := fm.D.Firm[st.Firm]; ok {
				pairs[[2]int{p, f}] = true
			}
		}
	}
	return pairs
}
