package horizon

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ofdi/ofdi/model"
)

// Force makes the plan take every opportunity index in ps in exactly one
// of the periods it may start: a row force_<opp>, Σ_t y_pt = 1 (MODEL.md's
// entry-once row says ≤ 1). Every solve path (branch and cut, the rolling
// horizon, the neighbourhoods) works on the MIP, so all of them honour it;
// the rolling horizon also plans the forced opportunities first (see
// rolling.solveForced). It returns the reasons why some of them can never
// be undertaken (no period has a column for y_p: no coalition can fund
// p in any period it may start), or nil; the model with such an
// opportunity forced in is infeasible, and Force adds no row for it.
func (fm *Formulation) Force(ps []int) []string {
	var why []string
	if fm.forced == nil {
		fm.forced = make([]bool, len(fm.Y))
	}
	for _, p := range ps {
		if fm.forced[p] {
			continue
		}
		if static := fm.Unfundable(p); len(static) > 0 {
			why = append(why, fmt.Sprintf("%s cannot be forced in: no coalition can fund it in any period it may start (%s)",
				fm.Inst.Opportunities[p].ID, strings.Join(static, "; ")))
			continue
		}
		fm.forced[p] = true
		fm.Forced = append(fm.Forced, p)
		for _, y := range fm.Y[p] {
			if y != none {
				fm.term(y, 1)
			}
		}
		fm.row("force_"+fm.nm.opp(p), 1, 1)
	}
	return why
}

// Unfundable returns why no coalition can fund opportunity p in any period
// it may start (y_p has no column in any period), or nil when some period
// has a column. Reasons the same in every open period are given once.
func (fm *Formulation) Unfundable(p int) []string {
	var open []int
	var reasons []string
	for t := 0; t < fm.T; t++ {
		if fm.Y[p][t] != none {
			return nil
		}
		if !fm.Inst.Opportunities[p].OpenIn(t + 1) {
			continue
		}
		open = append(open, t+1)
		reasons = append(reasons, fm.whyNot(p, t))
	}
	if len(open) == 0 {
		return []string{"it may start in no period of the horizon"}
	}
	same := true
	for _, r := range reasons {
		same = same && r == reasons[0]
	}
	if same {
		return []string{fmt.Sprintf("%s: %s", periodList(open), reasons[0])}
	}
	out := make([]string, len(open))
	for i, t := range open {
		out[i] = fmt.Sprintf("period %d: %s", t, reasons[i])
	}
	return out
}

// periodList names the periods ts: "period 2" or "periods 1, 2, 3".
func periodList(ts []int) string {
	if len(ts) == 1 {
		return "period " + strconv.Itoa(ts[0])
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = strconv.Itoa(t)
	}
	return "periods " + strings.Join(s, ", ")
}

// whyNot says why p, open in period t+1, cannot start then: the first of
// the conditions of fundable its usable pairs (pairsAt) miss.
func (fm *Formulation) whyNot(p, t int) string {
	in, d := fm.Inst, fm.D
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	if len(fm.reach.candidate[p]) == 0 {
		return fmt.Sprintf("no firm of an allowed role serves segment %q", o.Segment)
	}
	pairs := fm.pairsAt(p, t)
	if len(pairs) == 0 {
		return fmt.Sprintf("no firm can take part: none knows market %q to the required %.2f by then or has a pioneer to learn beside, and can hold the minimum stake", o.Market, o.KnowledgeRequired)
	}
	if n := o.MinPartnersOr(); n > len(pairs) {
		return fmt.Sprintf("needs at least %d partners but only %d firm(s) can take part", n, len(pairs))
	}
	total, lead := 0.0, rule.Lead == ""
	for _, pr := range pairs {
		total += pr.MaxStake
		lead = lead || (in.Firms[pr.Firm].Role == rule.Lead && pr.MaxStake >= d.LeadStake-1e-12)
	}
	if !lead {
		return fmt.Sprintf("no %s firm that can take part can hold the lead stake %.2f", rule.Lead, d.LeadStake)
	}
	for _, r := range rule.Requires {
		ok := false
		for _, pr := range pairs {
			ok = ok || in.Firms[pr.Firm].Role == r
		}
		if !ok {
			return fmt.Sprintf("no firm of required role %s can take part", r)
		}
	}
	return fmt.Sprintf("the firms that can take part together can hold at most %.0f%% of the net cost %g with the capital released by then and their risk limits",
		100*total, d.NetCost[p])
}

// repairLimit bounds the sub-MIP of repair.
const repairLimit = 5 * time.Second

// repair turns a plan without the forced opportunities (e.g. the one
// explain explains) into a solution of the MIP with them: a neighbourhood
// of hood.go around it. near re-plans only the forced opportunities'
// markets over every period (every other y, x and l fixed as the plan has
// them); wide also the markets where the plan's projects hold firms that
// could take part in a forced opportunity (freeing their capital, risk
// and project counts). The repaired plan differs from the plan only where
// forcing requires, so its Z is close to the forced optimum when that
// optimum changes little (the usual case explain prices).
type repair struct {
	fm *Formulation
	a  *model.Assignment
	h  *hoods
	// x holds the plan's y, x and l (fixPlan); nil when there is no plan
	// to repair (or it does not fit the MIP).
	x []float64
}

func (fm *Formulation) newRepair(a *model.Assignment) *repair {
	rp := &repair{fm: fm, a: a}
	if a == nil || len(fm.Forced) == 0 {
		return rp
	}
	if _, x, err := fm.fixPlan(a); err == nil {
		rp.x, rp.h = x, newHoods(fm)
	}
	return rp
}

// near repairs in the forced opportunities' markets within limit (at
// most repairLimit); nil without a solution.
func (rp *repair) near(ctx context.Context, limit time.Duration) []float64 {
	if rp.x == nil {
		return nil
	}
	return rp.fm.repairIn(ctx, rp.h, rp.x, rp.forcedMarkets(), limit)
}

// wide repairs in the forced opportunities' markets and sharedMarkets.
func (rp *repair) wide(ctx context.Context, limit time.Duration) []float64 {
	if rp.x == nil {
		return nil
	}
	markets := rp.forcedMarkets()
	for m := range rp.fm.sharedMarkets(rp.a) {
		markets[m] = true
	}
	return rp.fm.repairIn(ctx, rp.h, rp.x, markets, limit)
}

func (rp *repair) forcedMarkets() map[int]bool {
	out := map[int]bool{}
	for _, p := range rp.fm.Forced {
		out[rp.fm.D.Market[rp.fm.Inst.Opportunities[p].Market]] = true
	}
	return out
}

// sharedMarkets returns the markets of a's projects in which a firm that
// could take part in a forced opportunity (some period's pair) holds a
// stake.
func (fm *Formulation) sharedMarkets(a *model.Assignment) map[int]bool {
	could := map[string]bool{}
	for _, p := range fm.Forced {
		for _, pairs := range fm.Pairs[p] {
			for _, pr := range pairs {
				could[fm.Inst.Firms[pr.Firm].ID] = true
			}
		}
	}
	out := map[int]bool{}
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			if could[st.Firm] {
				out[fm.D.Market[pj.Market]] = true
			}
		}
	}
	return out
}

// repairIn solves the restriction of the MIP around x (columns of a plan,
// fixPlan) with the opportunities of markets free; nil without a solution
// within limit (at most repairLimit; GLPK's presolver may overrun it).
func (fm *Formulation) repairIn(ctx context.Context, h *hoods, x []float64, markets map[int]bool, limit time.Duration) []float64 {
	if limit <= 0 || limit > repairLimit {
		limit = repairLimit
	}
	y, _ := h.solveFree(ctx, x, h.marketOpps(markets), nil, nil, math.Inf(1), limit)
	return y
}

// Repair is repair's first plan of a forced model: plan a (without the
// forced opportunities) repaired in their markets, else in the markets
// that share firms with them, each within limit (0: repairLimit); nil
// when neither restriction has a solution. The vector satisfies every row
// of the MIP, the force rows included, within 1e-6.
func (fm *Formulation) Repair(ctx context.Context, a *model.Assignment, limit time.Duration) []float64 {
	rp := fm.newRepair(a)
	if x := rp.near(ctx, limit); x != nil {
		return x
	}
	return rp.wide(ctx, limit)
}
