package horizon

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// Relaxed returns the one-period instance R_s of "everything started by
// period s" (1 ≤ s ≤ T), whose optimum is at most Z_s, the undiscounted
// objective of the periods up to s of any multi-period plan. Since
// Z = Σ_t d^(t−1)·z_t = Σ_s Δ_s·Z_s with Δ_s = d^(s−1) − d^s (s < T),
// Δ_T = d^(T−1), all ≥ 0, the bounds of R_1..R_T weighted by Δ_s bound the
// horizon (docs/horizon.md, "Solving at scale"). The first s periods of a
// plan, periods forgotten, are a plan of R_s with no larger Z:
//   - the opportunities with a column in some period ≤ s, values, info
//     costs, dissipation (the excess at s) and λ_L undiscounted;
//   - capital released by s (credit_per_firm divided by the share
//     released, so each firm may still borrow β·K_f); budgets, credit,
//     CVaR and counts as in the one-period model (each holds for the
//     stakes taken by s);
//   - every firm's knowledge the largest K1 can give it by the start of
//     period s before a further project (reach.use: a firm that takes part
//     in a project has spent one of its n_f projects on it), which gives
//     more eligible pairs and more pioneers, and no targets.
func (fm *Formulation) Relaxed(s int) *model.Instance {
	in := fm.Inst
	ri := *in
	ri.Name = fmt.Sprintf("%s-by-period%d", in.Name, s)
	ri.Horizon = nil
	ri.Objective.MarketPowerTarget, ri.Objective.SMEParticipationTarget = 0, 0
	ri.Opportunities = nil
	for p := range in.Opportunities {
		open := false
		for t := 0; t < s; t++ {
			open = open || fm.Y[p][t] != none
		}
		if open {
			o := in.Opportunities[p]
			o.Periods = nil
			ri.Opportunities = append(ri.Opportunities, o)
		}
	}
	// Capital released by s, with credit_per_firm raised to match: a
	// firm's credit stays β·K_f of its whole capital, as in the horizon.
	release := in.Horizon.Release(s)
	ri.Policy.CreditPerFirm /= release
	ri.Firms = make([]model.Firm, len(in.Firms))
	for f := range in.Firms {
		fi := in.Firms[f]
		fi.Capital *= release
		fi.Knowledge = make(map[string]float64, len(in.Markets))
		for m := range in.Markets {
			fi.Knowledge[in.Markets[m].ID] = fm.reach.use[f][m][s-1]
		}
		ri.Firms[f] = fi
	}
	return &ri
}

// RelaxedBound returns a lower bound on the multi-period optimum, and the
// one-period solver's plan of Relaxed(T) (nil when none), which shows
// where the bound finds value:
// Σ_s Δ_s·(the bound the one-period solver, solver/cluster, proves on
// Relaxed(s) within an equal share of the time limit leaves, or until its
// bound stalls (boundStall); 0: none).
// R_s with Δ_s = 0 is not solved. The bound is -Inf when a solve proves
// no bound.
func (fm *Formulation) RelaxedBound(ctx context.Context, limit time.Duration) (float64, *model.Assignment, error) {
	r, err := fm.relax(ctx, limit)
	return r.bound, r.plan, err
}

// relaxation is what the relaxations R_1..R_T give the search: the bound
// Σ_s Δ_s·(R_s's bound), and R_T's plan and pooled coalitions.
type relaxation struct {
	bound float64
	plan  *model.Assignment
	// pooled are the pairs (opportunity, firm) of R_T's Lagrangian
	// coalitions at its last best multipliers (cluster.Outcome.Coalitions),
	// in the horizon's indices; nil when none.
	pooled map[[2]int]bool
}

// relax computes RelaxedBound's bound and plan, with R_T's pooled
// coalitions.
func (fm *Formulation) relax(ctx context.Context, limit time.Duration) (relaxation, error) {
	var out relaxation
	end := time.Now().Add(limit)
	for s := 1; s <= fm.T; s++ {
		delta := fm.delta(s)
		if delta == 0 { // d = 1: only R_T counts
			continue
		}
		var share time.Duration
		if limit > 0 {
			// The earlier, smaller relaxations often finish early: the
			// later ones (Δ_T the largest weight) get what they leave.
			share = time.Until(end) / time.Duration(fm.T-s+1)
			if share <= 0 {
				return relaxation{bound: math.Inf(-1)}, nil
			}
		}
		r, err := fm.relaxedBoundBy(ctx, s, share)
		if err != nil || math.IsInf(r.bound, -1) {
			return relaxation{bound: math.Inf(-1)}, err
		}
		out.bound += delta * r.bound
		out.plan, out.pooled = r.plan, r.pooled
	}
	return out, nil
}

// delta returns Δ_s, the weight of R_s in the bound: d^(s−1) − d^s for
// s < T, d^(T−1) for s = T.
func (fm *Formulation) delta(s int) float64 {
	if s < fm.T {
		return fm.weight(s-1) - fm.weight(s)
	}
	return fm.weight(s - 1)
}

// relaxedBoundBy returns the one-period solver's bound, plan and pooled
// coalitions on Relaxed(s), its solve ended within limit or once its
// bound stalls.
func (fm *Formulation) relaxedBoundBy(ctx context.Context, s int, limit time.Duration) (relaxation, error) {
	ri := fm.Relaxed(s)
	if len(ri.Opportunities) == 0 {
		return relaxation{}, nil // only the empty plan, Z = 0 (no targets in the relaxation)
	}
	if err := model.ValidateErr(ri); err != nil {
		return relaxation{bound: math.Inf(-1)}, fmt.Errorf("relaxed instance: %w", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var st boundStall
	progress := func(r cluster.Report) {
		if st.stalled(r) {
			cancel()
		}
	}
	out, err := cluster.Solve(sctx, model.Derive(ri), cluster.Params{TimeLimit: limit, Gap: 1e-6, Progress: progress})
	if err != nil {
		return relaxation{bound: math.Inf(-1)}, fmt.Errorf("relaxed instance: %w", err)
	}
	if !out.HasBound || out.Infeasible {
		return relaxation{bound: math.Inf(-1)}, nil // no targets: the empty plan is always feasible
	}
	return relaxation{bound: out.Bound, plan: out.Assignment, pooled: fm.pairsOf(ri, out.Coalitions)}, nil
}

// pairsOf maps coalitions of the one-period instance ri (per opportunity,
// firm indices of ri) to pairs (opportunity, firm) of the horizon, by id;
// nil without coalitions.
func (fm *Formulation) pairsOf(ri *model.Instance, coalitions [][]int) map[[2]int]bool {
	if coalitions == nil {
		return nil
	}
	pairs := map[[2]int]bool{}
	for p, firms := range coalitions {
		hp, ok := fm.D.Opp[ri.Opportunities[p].ID]
		if !ok {
			continue
		}
		for _, f := range firms {
			if hf, ok := fm.D.Firm[ri.Firms[f].ID]; ok {
				pairs[[2]int{hp, hf}] = true
			}
		}
	}
	return pairs
}

// relaxStallMin is the least time a relaxation's solve goes on after its
// bound last rose, and relaxRise the least relative rise that counts.
const (
	relaxStallMin = 2 * time.Second
	relaxRise     = 1e-4
)

// boundStall tells when a relaxation's solve may end: the bound (from the
// Lagrangian and the LP, in its first seconds) has not risen for as long
// as it took to reach it, and for at least relaxStallMin. What the solve
// does afterwards improves its plan, of which the relaxation needs only a
// guide for the neighbourhoods' order. The zero value is ready to use.
type boundStall struct {
	bound float64
	at    time.Duration // when the bound last rose; 0 with no bound yet
	seen  bool
}

// stalled takes a progress report and says whether the solve may end.
func (b *boundStall) stalled(r cluster.Report) bool {
	if math.IsInf(r.Bound, 0) || math.IsNaN(r.Bound) {
		return false
	}
	if !b.seen || r.Bound > b.bound+relaxRise*math.Max(1, math.Abs(r.Bound)) {
		b.bound, b.at, b.seen = r.Bound, r.Elapsed, true
		return false
	}
	return r.Elapsed-b.at >= max(relaxStallMin, b.at)
}
