package horizon

import (
	"context"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// hoodLimit bounds one neighbourhood's sub-MIP.
const hoodLimit = 5 * time.Second

// hoods improves a solution of the MIP by fix-and-optimize over market
// windows: in turn, the y, x and l columns of the opportunities of one
// market (each in turn), then of two, over every period, are freed, every other y, x and l is fixed
// at the incumbent (and s, w, q with x at 0), and the rest (stakes,
// knowledge, credit, CVaR, entry, dissipation) stays free; GLPK solves
// the restriction with its presolver. The one-period neighbourhood search
// (solver/cluster) frees projects by market the same way; here a window
// also moves projects between periods.
type hoods struct {
	fm *Formulation
	// byMarket[m] are the opportunities of market m.
	byMarket [][]int
	// windows are the market pairs in the order they are tried.
	windows [][2]int
	next    int
}

func newHoods(fm *Formulation) *hoods {
	in := fm.Inst
	h := &hoods{fm: fm, byMarket: make([][]int, len(in.Markets))}
	for p := range in.Opportunities {
		m := fm.D.Market[in.Opportunities[p].Market]
		h.byMarket[m] = append(h.byMarket[m], p)
	}
	nM := len(in.Markets)
	for m := 0; m < nM; m++ { // single markets first: the cheapest
		h.windows = append(h.windows, [2]int{m, m})
	}
	for k := 1; k <= nM/2; k++ {
		for m := 0; m < nM; m++ {
			if k == nM-k && m >= k { // the pair {m, m+k} came as {m-k, m}
				continue
			}
			h.windows = append(h.windows, [2]int{m, (m + k) % nM})
		}
	}
	return h
}

// order sorts the single markets, then the pairs, by what the
// relaxation's plan guide (nil: keep the order) gains in their markets
// beyond the incumbent x, largest first, ties in the order built: that is
// where the bound finds value the plan lacks.
func (h *hoods) order(x []float64, guide *model.Assignment) {
	if guide == nil || x == nil {
		return
	}
	fm := h.fm
	in := fm.Inst
	lack := make([]float64, len(in.Markets))
	gain := func(p int) float64 {
		o := &in.Opportunities[p]
		return o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
	}
	for _, pj := range guide.Projects {
		if p, ok := fm.D.Opp[pj.ID]; ok {
			lack[fm.D.Market[in.Opportunities[p].Market]] += gain(p)
		}
	}
	for p := range in.Opportunities {
		for t := 0; t < fm.T; t++ {
			if y := fm.Y[p][t]; y != none && x[y] > 0.5 {
				lack[fm.D.Market[in.Opportunities[p].Market]] -= fm.weight(t) * gain(p)
			}
		}
	}
	score := func(w [2]int) float64 {
		if w[0] == w[1] {
			return lack[w[0]]
		}
		return lack[w[0]] + lack[w[1]]
	}
	// Single markets stay first: a pair's sub-MIP takes several times as
	// long (on the 300-firm cluster, pairs first found nothing in 230 s).
	single := func(w [2]int) bool { return w[0] == w[1] }
	sort.SliceStable(h.windows, func(i, j int) bool {
		wi, wj := h.windows[i], h.windows[j]
		if single(wi) != single(wj) {
			return single(wi)
		}
		return score(wi) > score(wj)
	})
}

// step tries the next window from x (objective z) and returns a better
// solution, or nil.
func (h *hoods) step(ctx context.Context, x []float64, z float64, limit time.Duration) []float64 {
	if len(h.windows) == 0 {
		return nil
	}
	w := h.windows[h.next%len(h.windows)]
	h.next++
	markets := map[int]bool{w[0]: true, w[1]: true}
	y := h.solveFree(ctx, x, markets, limit)
	if y == nil || h.fm.Prob.Objective(y) >= z-1e-6*max(1, abs(z)) {
		return nil
	}
	return y
}

// solveFree solves the restriction of the MIP around x with the y, x and l
// columns of the opportunities of markets free (fixOutside) by GLPK with
// its presolver, within limit, and returns the solution if it satisfies
// every row, else nil.
func (h *hoods) solveFree(ctx context.Context, x []float64, markets map[int]bool, limit time.Duration) []float64 {
	free := map[int]bool{}
	for m := range markets {
		for _, p := range h.byMarket[m] {
			free[p] = true
		}
	}
	x = append([]float64(nil), x...) // fixOutside rounds it
	rs := h.fm.Prob.Restrict(h.fixOutside(x, free), x)
	if rs.Infeasible != "" || ctx.Err() != nil {
		return nil
	}
	res, err := glpk.SolveMIP(ctx, rs.Problem, glpk.Params{TimeLimit: limit, Presolve: true, RelGap: 1e-3}, glpk.Callbacks{})
	if err != nil || !res.HasSolution {
		return nil
	}
	y := rs.Expand(res.X)
	if h.fm.Prob.CheckFeasible(y, columnTol) != nil {
		return nil
	}
	return y
}

// fixOutside fixes the y, x and l columns of the opportunities not in
// free at their values in x (and s, w, q of pairs out of the plan).
func (h *hoods) fixOutside(x []float64, free map[int]bool) []bool {
	fm := h.fm
	fixed := make([]bool, len(fm.Prob.Cols))
	for p := range fm.Inst.Opportunities {
		if free[p] {
			continue
		}
		for t := 0; t < fm.T; t++ {
			if fm.Y[p][t] == none {
				continue
			}
			fixed[fm.Y[p][t]] = true
			for _, pr := range fm.Pairs[p][t] {
				in := x[pr.X] > 0.5
				lead := pr.L != none && x[pr.L] > 0.5
				fm.fixPair(pr, in, lead, fixed, x)
			}
		}
	}
	return fixed
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
