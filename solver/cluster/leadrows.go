package cluster

import "github.com/ofdi/ofdi/model"

// addLeadConflicts adds firm f's lead cliques: Σ_{p∈C} l_fp ≤ 1 over sets C
// of the firm's lead columns any two of which it cannot lead together
// (LeadCheck.Conflict). Each pair of conflicting leads is in some clique
// (LeadCliques).
// Why: the LP lets a firm lead half of each of many
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
	if len(leads) < 2 {
		return
	}
	lc := w.newLeadCheck(f)
	for _, c := range LeadCliques(len(leads), func(i, j int) bool { return lc.Conflict(leads[i].p, leads[j].p) }) {
		for _, a := range c {
			x := leads[a]
			w.term(fm.Pairs[x.p][x.i].L, 1)
		}
		w.row("leads_"+w.nm.firm(f)+"_"+w.nm.opp(leads[c[0]].p)+"_"+w.nm.opp(leads[c[1]].p), -inf, 1)
	}
}

// LeadCliques covers the edges of a conflict graph on n vertices with
// cliques: each clique starts from the first edge (in pair order) not yet
// covered and grows greedily in vertex order, so the result is
// deterministic. Each clique lists its vertices in the order they joined
// (the first two are the edge it grew from).
func LeadCliques(n int, conflict func(i, j int) bool) [][]int {
	if n < 2 {
		return nil
	}
	edge := make([][]bool, n)
	for i := range edge {
		edge[i] = make([]bool, n)
	}
	edges := 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			if conflict(i, j) {
				edge[i][j], edge[j][i] = true, true
				edges++
			}
		}
	}
	if edges == 0 {
		return nil
	}
	covered := make([][]bool, n)
	for i := range covered {
		covered[i] = make([]bool, n)
	}
	var cliques [][]int
	for i := range n {
		for j := i + 1; j < n; j++ {
			if !edge[i][j] || covered[i][j] {
				continue
			}
			clique := []int{i, j}
			for k := range n {
				if k == i || k == j {
					continue
				}
				all := true
				for _, c := range clique {
					if !edge[k][c] {
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
			}
			cliques = append(cliques, clique)
		}
	}
	return cliques
}

// LeadCheck tests pairs of one firm's leads against its budget and CVaR
// rows at the least stakes a lead holds.
type LeadCheck struct {
	d              *model.Derived
	sigma          float64   // the least stake of a lead
	budget         float64   // capital and the most credit, less the fixed part's spending
	risk           float64   // R_f
	alpha          float64   // cvar_alpha
	fixed, scratch []float64 // per scenario: the fixed part's loss; a pair's
	fixedRisk      float64   // the CVaR of the fixed part's loss
}

func (w *writer) newLeadCheck(f int) *LeadCheck {
	firm := &w.in.Firms[f]
	lc := NewLeadCheck(w.d, firm.Capital+w.in.Policy.MostCredit(firm.Capital)-w.fixed.spendOf(f), firm.RiskLimit)
	for k := range lc.fixed {
		lc.fixed[k] = w.fixed.lossOf(f, k)
	}
	lc.fixedRisk = w.fixed.riskOf(f, w.d)
	return lc
}

// NewLeadCheck tests leads against a budget (capital and the most credit)
// and a risk limit R_f, with nothing else held.
func NewLeadCheck(d *model.Derived, budget, risk float64) *LeadCheck {
	nK := len(d.Probs)
	return &LeadCheck{d: d, sigma: d.LeastLeadStake(), budget: budget, risk: risk, alpha: d.Inst.Policy.Alpha(),
		fixed: make([]float64, nK), scratch: make([]float64, nK)}
}

// Conflict reports whether leading both opportunities a and b breaks the
// budget or the CVaR limit, by a margin of 1e-9 relative. Valid for any
// plan: a lead holds at least σ = max(σ_lead, s_min), and losses and
// costs are non-negative, so both leads at those least stakes already
// break the row (CVaR is monotone).
func (lc *LeadCheck) Conflict(a, b int) bool {
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
