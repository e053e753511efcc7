package cluster

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// This file holds constraint (16) of MODEL.md, "no firm worse off than
// alone" (--sharing stakes): Σ_p v_p·s_fp ≥ o_f for every firm f, with
// v_p = npv_p + σ_mode(p)·C_p and o_f the firm's outside option.

// fairRowPrefix starts the name of every row 16 (fair_<firm>).
const fairRowPrefix = "fair_"

// Fair adds constraint (16) for the outside options outside (one per
// firm, file order) and returns the reasons, found without solving, why no
// plan can meet it (empty when none is found; the model is then
// infeasible). A firm's row is written when it can bind: when o_f exceeds
// the least its stakes can return (the sum of v_p·MaxStake over its pairs
// with v_p < 0; 0 when it has none). It works on the formulations of
// Build and of BuildStructure (which only counts the rows), and must be
// called once, before Force or any solve.
func (fm *Formulation) Fair(outside []float64) []string {
	d := fm.D
	in := d.Inst
	fm.Outside = append([]float64(nil), outside...)
	fm.FairRow = fill(len(in.Firms))
	fm.fairSeed = independentSeed(d)
	byFirm := fm.byFirm()
	var why []string
	for f := range in.Firms {
		o := outside[f]
		least := 0.0
		var ind []int
		var val []float64
		for _, x := range byFirm[f] {
			pc := &fm.Pairs[x.p][x.i]
			v := fm.value(x.p)
			if v == 0 {
				continue
			}
			least += math.Min(0, v) * pc.MaxStake
			ind, val = append(ind, pc.S), append(val, v)
		}
		if o <= least+1e-9*math.Max(1, math.Abs(o)) {
			continue // every plan meets it
		}
		if r := fm.unmatchable(f, byFirm[f]); r != "" {
			why = append(why, r)
		}
		fm.FairRow[f] = fm.Size.Rows
		fm.Size.Rows++
		if fm.Prob != nil {
			fm.Prob.AddRow(mip.Row{Name: fairRowPrefix + fm.nm.firm(f), Lo: o, Hi: math.Inf(1), Ind: ind, Val: val})
		}
	}
	return why
}

// independentSeed returns, per opportunity, the firm that takes it in the
// independent baseline (-1: none; nil when the baseline fails). Those
// projects, each funded by its firm alone, give every firm at least its
// outside option (its return there less no info cost), so the greedy
// starts from them under (16).
func independentSeed(d *model.Derived) []int {
	plan, err := baseline.Run(d, model.MethodIndependent)
	if err != nil {
		return nil
	}
	seed := make([]int, len(d.Inst.Opportunities))
	for p := range seed {
		seed[p] = -1
	}
	for _, pj := range plan.Plan.Projects {
		if len(pj.Participants) == 1 {
			seed[d.Opp[pj.ID]] = d.Firm[pj.Participants[0].Firm]
		}
	}
	return seed
}

// value returns v_p, the money opportunity p returns to its holders.
func (fm *Formulation) value(p int) float64 {
	return fm.D.Inst.ProjectValue(&fm.D.Inst.Opportunities[p])
}

// fair reports whether the formulation carries constraint (16).
func (fm *Formulation) fair() bool { return fm.Outside != nil }

// fairTarget is o_f for a firm with a row 16, -Inf for one without.
func (fm *Formulation) fairTarget(f int) float64 {
	if fm.FairRow == nil || fm.FairRow[f] == none {
		return math.Inf(-1)
	}
	return fm.Outside[f]
}

// fairSlack is the rounding the heuristics allow in firm f's row 16 (a
// relative 1e-10: the row check allows 1e-7); they aim 1e-9 above o_f.
func (fm *Formulation) fairSlack(f int) float64 {
	return 1e-10 * math.Max(1, math.Abs(fm.Outside[f]))
}

// StakeReturnBound returns an upper bound on firm f's stake return
// Σ_p v_p·s_fp in any plan: the better of two relaxations, each solved
// exactly. Budget: the firm's stakes cost at most its capital plus the
// most credit it may draw, each stake at most its pair's MaxStake (a
// fractional knapsack by v_p/a_p). Count: at most n_f projects, each at
// its largest stake's value.
func (fm *Formulation) StakeReturnBound(f int) float64 {
	return fm.stakeReturnBound(f, fm.byFirm()[f])
}

func (fm *Formulation) stakeReturnBound(f int, pairs []firmPair) float64 {
	d := fm.D
	var items []StakeItem
	for _, x := range pairs {
		if v := fm.value(x.p); v > 0 {
			items = append(items, StakeItem{V: v, A: d.NetCost[x.p], Cap: fm.Pairs[x.p][x.i].MaxStake})
		}
	}
	return ReturnBound(items, &d.Inst.Firms[f], &d.Inst.Policy)
}

// StakeItem is an opportunity a firm may hold a stake in, for
// ReturnBound: V > 0 the money the whole project returns, A its net cost
// a_p, Cap the largest stake the firm may hold.
type StakeItem struct{ V, A, Cap float64 }

// ReturnBound returns an upper bound on Σ V·s over the firm's stakes
// s ≤ Cap in items: the better of two relaxations, each solved exactly.
// Budget: the stakes cost at most the firm's capital plus the most credit
// it may draw (a fractional knapsack by V/A). Count: at most n_f
// projects, each at its largest stake's value. items is reordered.
func ReturnBound(items []StakeItem, firm *model.Firm, pol *model.Policy) float64 {
	sort.SliceStable(items, func(i, j int) bool { return items[i].V/items[i].A > items[j].V/items[j].A })
	money := firm.Capital + pol.MostCredit(firm.Capital)
	budget := 0.0
	for _, it := range items {
		s := math.Min(it.Cap, money/it.A)
		budget += s * it.V
		if money -= s * it.A; money <= 0 {
			break
		}
	}
	if firm.MaxProjects == nil || *firm.MaxProjects >= len(items) {
		return budget
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].V*items[i].Cap > items[j].V*items[j].Cap })
	count := 0.0
	for _, it := range items[:*firm.MaxProjects] {
		count += it.V * it.Cap
	}
	return math.Min(budget, count)
}

// unmatchable returns why firm f's outside option can never be matched,
// or "".
func (fm *Formulation) unmatchable(f int, pairs []firmPair) string {
	in := fm.D.Inst
	o := fm.Outside[f]
	if o <= 0 {
		return ""
	}
	if len(pairs) == 0 {
		return fmt.Sprintf("firm %s: outside option %s, but it can join no opportunity", in.Firms[f].ID, money(o))
	}
	if b := fm.stakeReturnBound(f, pairs); b < o-1e-9*math.Max(1, o) {
		return fmt.Sprintf("firm %s: outside option %s, but its stakes can return at most %s (short by %s; every opportunity it can join at its largest stake, within its capital, credit and project count)",
			in.Firms[f].ID, money(o), money(b), money(o-b))
	}
	return ""
}

// money formats an amount for messages: 4 significant digits at least,
// one decimal.
func money(v float64) string {
	if math.Abs(v) >= 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
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

// stakeReturns returns every firm's Σ_p v_p·s_fp in a.
func (fm *Formulation) stakeReturns(a *model.Assignment) []float64 {
	d := fm.D
	out := make([]float64, len(d.Inst.Firms))
	for _, pj := range a.Projects {
		v := fm.value(d.Opp[pj.ID])
		for _, st := range pj.Participants {
			out[d.Firm[st.Firm]] += v * st.Stake
		}
	}
	return out
}

// isFairRow reports whether row i is a row 16.
func (fm *Formulation) isFairRow(i int) bool {
	for _, r := range fm.FairRow {
		if r == i {
			return true
		}
	}
	return false
}

// explainFair names the firms whose outside option no plan can match: for
// each firm with a row 16 and o_f > 0, it maximises the firm's stake
// return over the model without the rows 16 (the targets kept), and
// reports those whose best falls short of o_f (or whose bound does, when
// the search stops at the limit first). The limit is shared among the
// firms, at least 0.2 s each. Nil without rows 16.
func (fm *Formulation) explainFair(ctx context.Context, limit time.Duration) []string {
	if !fm.fair() {
		return nil
	}
	in := fm.D.Inst
	var firms []int
	for _, f := range fm.FairFirms() {
		if fm.Outside[f] > 0 {
			firms = append(firms, f)
		}
	}
	if len(firms) == 0 {
		return nil
	}
	each := max(200*time.Millisecond, limit/time.Duration(len(firms)))
	base := &mip.Problem{Name: fm.Prob.Name, Cols: make([]mip.Col, len(fm.Prob.Cols))}
	for i, r := range fm.Prob.Rows {
		if !fm.isFairRow(i) {
			base.Rows = append(base.Rows, r)
		}
	}
	var why []string
	for _, f := range firms {
		if ctx.Err() != nil {
			break
		}
		row := fm.Prob.Rows[fm.FairRow[f]]
		for j, c := range fm.Prob.Cols {
			c.Obj = 0
			base.Cols[j] = c
		}
		for k, j := range row.Ind {
			base.Cols[j].Obj = -row.Val[k]
		}
		res, err := glpk.SolveMIP(ctx, base, glpk.Params{TimeLimit: each}, glpk.Callbacks{})
		if err != nil && res == nil {
			continue
		}
		o, id := fm.Outside[f], in.Firms[f].ID
		switch {
		case res.Status == glpk.Infeasible:
			return append(why, "no plan meets the targets, even without the outside options")
		case res.Status == glpk.Optimal && -res.Objective < o-1e-7*math.Max(1, o):
			why = append(why, fmt.Sprintf("firm %s: outside option %s, but no plan gives it a stake return above %s (short by %s)",
				id, money(o), money(0-res.Objective), money(o+res.Objective)))
		case res.Status != glpk.Optimal && !math.IsInf(res.Bound, 0) && -res.Bound < o-1e-7*math.Max(1, o):
			why = append(why, fmt.Sprintf("firm %s: outside option %s, but no plan gives it a stake return above %s (a bound; the search stopped at the limit)",
				id, money(o), money(0-res.Bound)))
		}
	}
	return why
}
