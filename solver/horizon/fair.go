package horizon

import (
	"fmt"
	"math"
	"sort"

	"github.com/ofdi/ofdi/solver/cluster"
)

// This file holds constraint (16) over the horizon (--sharing stakes):
// for every firm f, Σ_t d^(t−1) Σ_p v_p·s_fpt ≥ o_f, with v_p = npv_p +
// σ_mode(p)·C_p and o_f the firm's outside option, its discounted money
// in the independent baseline over the horizon (docs/horizon.md).

// fairRowPrefix starts the name of every row 16 (fair_<firm>).
const fairRowPrefix = "fair_"

// Fair adds constraint (16) for the outside options outside (one per
// firm, file order) and returns the reasons, found without solving, why no
// plan can meet it (empty when none is found; the model is then
// infeasible). A firm's row is written only when it can bind: when o_f
// exceeds the least its stakes can return (Σ of min(0, d^(t−1)·v_p)·MaxStake
// over its pairs). It must be called once, before any solve.
func (fm *Formulation) Fair(outside []float64) []string {
	in := fm.Inst
	fm.Outside = append([]float64(nil), outside...)
	fm.FairRow = fill(len(in.Firms))
	var why []string
	for f := range in.Firms {
		o := outside[f]
		least := 0.0
		for t, pairs := range fm.byFirm[f] {
			for _, x := range pairs {
				v := fm.weight(t) * in.ProjectValue(&in.Opportunities[x.p])
				if v != 0 {
					least += math.Min(0, v) * x.pr.MaxStake
					fm.term(x.pr.S, v)
				}
			}
		}
		if o <= least+1e-9*math.Max(1, math.Abs(o)) {
			fm.ind, fm.val = fm.ind[:0], fm.val[:0]
			continue // every plan meets it
		}
		if r := fm.unmatchable(f); r != "" {
			why = append(why, r)
		}
		fm.FairRow[f] = len(fm.Prob.Rows)
		fm.row(fairRowPrefix+fm.nm.firm(f), o, inf)
	}
	return why
}

// FairFirms returns the firms that have a row 16 (file order).
func (fm *Formulation) FairFirms() []int {
	var out []int
	for f, r := range fm.FairRow {
		if r != none {
			out = append(out, f)
		}
	}
	return out
}

// StakeReturnBound returns an upper bound on firm f's discounted stake
// return Σ_t d^(t−1) Σ_p v_p·s_fpt in any plan: the one-period bound
// (cluster.ReturnBound: budget and count relaxations) where each
// opportunity counts once (it starts at most once) at the best discounted
// value and the largest stake it offers the firm in any period.
func (fm *Formulation) StakeReturnBound(f int) float64 {
	in, d := fm.Inst, fm.D
	best := map[int]*cluster.StakeItem{}
	var order []int
	for t, pairs := range fm.byFirm[f] {
		for _, x := range pairs {
			v := fm.weight(t) * in.ProjectValue(&in.Opportunities[x.p])
			if v <= 0 {
				continue
			}
			it, ok := best[x.p]
			if !ok {
				it = &cluster.StakeItem{A: d.NetCost[x.p]}
				best[x.p] = it
				order = append(order, x.p)
			}
			it.V, it.Cap = math.Max(it.V, v), math.Max(it.Cap, x.pr.MaxStake)
		}
	}
	sort.Ints(order)
	items := make([]cluster.StakeItem, len(order))
	for i, p := range order {
		items[i] = *best[p]
	}
	return cluster.ReturnBound(items, &in.Firms[f], &in.Policy)
}

// unmatchable returns why firm f's outside option can never be matched,
// or "".
func (fm *Formulation) unmatchable(f int) string {
	in := fm.Inst
	o := fm.Outside[f]
	if o <= 0 {
		return ""
	}
	n := 0
	for _, pairs := range fm.byFirm[f] {
		n += len(pairs)
	}
	if n == 0 {
		return fmt.Sprintf("firm %s: outside option %s, but it can join no opportunity in any period", in.Firms[f].ID, money(o))
	}
	if b := fm.StakeReturnBound(f); b < o-1e-9*math.Max(1, o) {
		return fmt.Sprintf("firm %s: outside option %s, but its stakes can return at most %s over the horizon (short by %s; every opportunity it can join at its largest stake and best discounted value, within its capital, credit and project count)",
			in.Firms[f].ID, money(o), money(b), money(o-b))
	}
	return ""
}

// money formats an amount for messages: 4 significant digits at least.
func money(v float64) string {
	if math.Abs(v) >= 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}
