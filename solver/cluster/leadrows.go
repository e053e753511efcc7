package cluster

import "github.com/ofdi/ofdi/model"

// addLeadConflicts adds firm f's lead cliques: Σ_{p∈C} l_fp ≤ 1 over sets C
// of the firm's lead columns any two of which it cannot lead together
// (leadCheck.conflict). Each pair of conflicting leads is in some clique; the
// cliques are grown greedily, in pair order, so the rows are deterministic.
//
// Valid: a lead holds at least σ = max(σ_lead, s_min) of its project, and
// losses and costs are non-negative, so two leads of a conflicting pair
// already break the firm's budget or CVaR row at those least stakes
// (CVaR is monotone). Why: the LP lets a firm lead half of each of many
// projects, the l_fp summing far above what it can lead whole; with
// tight risk limits this is most of the LP's gap (docs/formulation.md).
func (w *writer) addLeadConflicts(f int) {
	fm := w.fm
	var leads []firmPair
	for _, x := range w.byFirm[f] {
		if fm.Pairs[x.p][x.i].L != none {
			leads = append(leads, x)
		}
	}
	n := len(leads)
	if n < 2 {
		return
	}
	lc := w.newLeadCheck(f)
	conflict := make([][]bool, n)
	for i := range conflict {
		conflict[i] = make([]bool, n)
	}
	edges := 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			if lc.conflict(leads[i].p, leads[j].p) {
				conflict[i][j], conflict[j][i] = true, true
				edges++
			}
		}
	}
	if edges == 0 {
		return
	}
	covered := make([][]bool, n)
	for i := range covered {
		covered[i] = make([]bool, n)
	}
	clique := make([]int, 0, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if !conflict[i][j] || covered[i][j] {
				continue
			}
			clique = append(clique[:0], i, j)
			for k := range n {
				if k == i || k == j {
					continue
				}
				all := true
				for _, c := range clique {
					if !conflict[k][c] {
						all = false
						break
					}
				}
				if all {
					clique = append(clique, k)
				}
			}
			for _, a := range clique {
				for _, b := range clique {
					covered[a][b] = true
				}
				x := leads[a]
				w.term(fm.Pairs[x.p][x.i].L, 1)
			}
			w.row("leads_"+w.nm.firm(f)+"_"+w.nm.opp(leads[i].p)+"_"+w.nm.opp(leads[j].p), -inf, 1)
		}
	}
}

// leadCheck tests pairs of one firm's leads against its budget and CVaR
// rows at the least stakes a lead holds.
type leadCheck struct {
	d              *model.Derived
	sigma          float64   // the least stake of a lead
	budget         float64   // capital and the most credit, less the fixed part's spending
	risk           float64   // R_f
	alpha          float64   // cvar_alpha
	fixed, scratch []float64 // per scenario: the fixed part's loss; a pair's
	fixedRisk      float64   // the CVaR of the fixed part's loss
}

func (w *writer) newLeadCheck(f int) *leadCheck {
	d, in := w.d, w.in
	firm := &in.Firms[f]
	nK := len(in.Scenarios)
	lc := &leadCheck{d: d, sigma: d.LeastLeadStake(), budget: firm.Capital + in.Policy.MostCredit(firm.Capital) - w.fixed.spendOf(f),
		risk: firm.RiskLimit, alpha: in.Policy.Alpha(), fixed: make([]float64, nK), scratch: make([]float64, nK)}
	for k := range nK {
		lc.fixed[k] = w.fixed.lossOf(f, k)
	}
	lc.fixedRisk = w.fixed.riskOf(f, d)
	return lc
}

// conflict reports whether leading both a and b breaks the budget or the
// CVaR limit, by a margin of 1e-9 relative.
func (lc *leadCheck) conflict(a, b int) bool {
	d := lc.d
	if lc.sigma*(d.NetCost[a]+d.NetCost[b]) > lc.budget*(1+1e-9)+1e-9 {
		return true
	}
	// CVaR is subadditive: within the limit at the sum of the parts'
	// CVaRs, the pair is too, and the exact CVaR is not needed (most pairs
	// where risk limits are loose).
	if lc.fixedRisk+lc.sigma*(d.NetCost[a]*d.UnitCVaR[a]+d.NetCost[b]*d.UnitCVaR[b]) <= lc.risk*(1+1e-9)+1e-9 {
		return false
	}
	for k := range lc.scratch {
		lc.scratch[k] = lc.fixed[k] + lc.sigma*(d.Loss(a, k)+d.Loss(b, k))
	}
	return model.CVaR(lc.scratch, d.Probs, lc.alpha) > lc.risk*(1+1e-9)+1e-9
}
