package cluster

// Windows on clusters too large for the whole MIP: the MIP of a few
// opportunities, with the rest of a plan fixed, written directly (without
// the whole model) and solved by GLPK; see largeSearch.

import (
	"context"
	"maps"
	"math"
	"slices"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// fixedPart is what the projects of a plan outside a window commit: the
// constants of the window's firm-coupling rows.
type fixedPart struct {
	// spend[f] is firm f's net cost of its stakes outside the window,
	// loss[f][k] its loss in scenario k, projects[f] its project count.
	spend    []float64
	loss     [][]float64
	projects []int
	// smeIn marks the SMEs that take part outside the window; credit the
	// firms whose fixed spending alone exceeds their capital.
	smeIn, credit []bool
	// groupCount counts the projects per (market, segment) group,
	// marketIn marks the markets entered, marketPower sums G_p.
	groupCount  map[[2]string]int
	marketIn    []bool
	marketPower float64
}

// newFixedPart sums the projects of a that are not in window.
func newFixedPart(d *model.Derived, a *model.Assignment, window []bool) *fixedPart {
	in := d.Inst
	nF := len(in.Firms)
	fp := &fixedPart{spend: make([]float64, nF), loss: make([][]float64, nF), projects: make([]int, nF),
		smeIn: make([]bool, nF), credit: make([]bool, nF), groupCount: map[[2]string]int{}, marketIn: make([]bool, len(in.Markets))}
	for f := range fp.loss {
		fp.loss[f] = make([]float64, len(in.Scenarios))
	}
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		if window[p] {
			continue
		}
		o := &in.Opportunities[p]
		fp.groupCount[[2]string{o.Market, o.Segment}]++
		fp.marketIn[d.Market[o.Market]] = true
		fp.marketPower += o.MarketPower
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			fp.spend[f] += d.NetCost[p] * st.Stake
			fp.projects[f]++
			if in.Firms[f].Role == model.SME {
				fp.smeIn[f] = true
			}
			for k := range in.Scenarios {
				fp.loss[f][k] += d.Loss(p, k) * st.Stake
			}
		}
	}
	for f := range in.Firms {
		fp.credit[f] = fp.spend[f] > in.Firms[f].Capital
	}
	return fp
}

// buildWindow writes the MIP of the opportunities in window (st is the
// structure of the whole model: its pairs and static reasons), with the
// projects of a outside the window fixed: the window's own rows as in the
// whole model, and every firm-coupling row (budget, CVaR, project count,
// credit line, dissipation, targets) with the fixed part as a constant.
// Its optimum, joined with a's projects outside the window, is the best
// plan that keeps them.
//
// keep, when not nil, limits the pairs written: keep[p][i] for the i-th
// pair of st.Pairs[p] (the others stay out: x = 0, a restriction). It must
// keep the pairs of a's members in the window.
func buildWindow(ctx context.Context, st *Formulation, a *model.Assignment, window []bool, keep [][]bool) (*Formulation, *fixedPart) {
	d := st.D
	w := newWriter(ctx, d, namer{d: d, byIndex: true}, true)
	fixed := newFixedPart(d, a, window)
	in := d.Inst
	for p := range in.Opportunities {
		if !window[p] || st.Reason[p] != "" || st.Y[p] == none {
			continue
		}
		o := &in.Opportunities[p]
		w.fm.Gain[p] = st.Gain[p]
		w.fm.Y[p] = w.col("y_"+w.nm.opp(p), 0, 1, mip.Binary, -st.Gain[p])
		if m := d.Market[o.Market]; w.fm.U[m] == none {
			if fixed.marketIn[m] {
				// Entered by a fixed project: paid, whatever the window does.
				w.fm.U[m] = w.col("u_"+w.nm.market(m), 1, 1, mip.Continuous, in.Markets[m].InfoCost)
			} else {
				w.fm.U[m] = w.col("u_"+w.nm.market(m), 0, 1, mip.Binary, in.Markets[m].InfoCost)
			}
		}
		w.fm.Pairs[p] = make([]PairCols, 0, len(st.Pairs[p]))
		for i, pc := range st.Pairs[p] {
			if keep != nil && !keep[p][i] {
				continue
			}
			tag := w.nm.pair(pc.Firm, p)
			c := PairCols{Pair: pc.Pair, L: none, W: none}
			c.X = w.col("x_"+tag, 0, 1, mip.Binary, 0)
			c.S = w.col("s_"+tag, 0, pc.MaxStake, mip.Continuous, 0)
			if pc.L != none {
				c.L = w.col("l_"+tag, 0, 1, mip.Binary, 0)
			}
			w.fm.Pairs[p] = append(w.fm.Pairs[p], c)
		}
	}
	for p := range in.Opportunities {
		if w.fm.Y[p] != none {
			w.addOpportunity(p)
		}
	}
	w.addRewardRows()
	w.byFirm = w.fm.byFirm()
	for f := range in.Firms {
		if len(w.byFirm[f]) > 0 {
			w.addWindowFirm(f, fixed)
		}
	}
	w.addWindowCreditLine(a)
	w.addWindowDissipation(fixed)
	w.addWindowTargets(fixed)
	return w.fm, fixed
}

// addWindowFirm adds firm f's budget, CVaR and project count rows, the
// fixed part on the right-hand side, each only when it can bind (as in the
// whole model, with the fixed part added: CVaR is subadditive).
func (w *writer) addWindowFirm(f int, fixed *fixedPart) {
	d, fm, pol := w.d, w.fm, &w.in.Policy
	firm := &w.in.Firms[f]
	name := w.nm.firm(f)
	maxSpend, maxRisk := fixed.spend[f], cvar(fixed.loss[f], d.Probs, w.in.Policy.Alpha())
	for _, x := range w.byFirm[f] {
		pc := &fm.Pairs[x.p][x.i]
		maxSpend += d.NetCost[x.p] * pc.MaxStake
		maxRisk += d.NetCost[x.p] * pc.MaxStake * d.UnitCVaR[x.p]
	}
	if maxSpend > firm.Capital*(1+1e-12) || fixed.credit[f] {
		for _, x := range w.byFirm[f] {
			w.term(fm.Pairs[x.p][x.i].S, d.NetCost[x.p])
		}
		if cmax := math.Min(pol.CreditPerFirm*firm.Capital, pol.CreditLine); cmax > 0 {
			fm.CreditCap[f] = cmax
			fm.C[f] = w.col("c_"+name, 0, cmax, mip.Continuous, 0)
			w.creditFirms = append(w.creditFirms, f)
			w.term(fm.C[f], -1)
		}
		w.row("budget_"+name, -inf, firm.Capital-fixed.spend[f])
	}
	if maxRisk > firm.RiskLimit*(1+1e-12) {
		w.addCVaR(f, fixed.loss[f])
	}
	if firm.MaxProjects != nil && fixed.projects[f]+len(w.byFirm[f]) > *firm.MaxProjects {
		for _, x := range w.byFirm[f] {
			w.term(fm.Pairs[x.p][x.i].X, 1)
		}
		w.row("cap_"+name, -inf, float64(*firm.MaxProjects-fixed.projects[f]))
	}
}

// cvar is the CVaR at level alpha of the losses loss (scenario
// probabilities probs): min over η of η + Σ_k π_k·max(0, loss_k − η)/(1 − α),
// reached at η = 0 or one of the losses.
func cvar(loss, probs []float64, alpha float64) float64 {
	best := math.Inf(1)
	for _, eta := range append([]float64{0}, loss...) {
		v := eta
		for k, l := range loss {
			v += probs[k] * math.Max(0, l-eta) / (1 - alpha)
		}
		best = math.Min(best, v)
	}
	return best
}

// addWindowCreditLine bounds the credit of the window's firms by the line
// less the credit a's other firms draw.
func (w *writer) addWindowCreditLine(a *model.Assignment) {
	if len(w.creditFirms) == 0 {
		return
	}
	line := w.in.Policy.CreditLine
	for _, c := range a.Credit {
		if f := w.d.Firm[c.Firm]; w.fm.C[f] == none {
			line -= c.Amount
		}
	}
	for _, f := range w.creditFirms {
		w.term(w.fm.C[f], 1)
	}
	w.row("creditline", -inf, line)
}

// addWindowDissipation adds (12) for each (market, segment) group of the
// window whose projects, with the fixed ones, can exceed its capacity.
func (w *writer) addWindowDissipation(fixed *fixedPart) {
	in, fm := w.in, w.fm
	groups := map[[2]string][]int{}
	var order [][2]string
	for p := range in.Opportunities {
		if fm.Y[p] == none {
			continue
		}
		o := &in.Opportunities[p]
		key := [2]string{o.Market, o.Segment}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], fm.Y[p])
	}
	for i, key := range order {
		mk := &in.Markets[w.d.Market[key[0]]]
		ys, out := groups[key], fixed.groupCount[key]
		capacity := mk.Cap(key[1])
		if len(ys)+out <= capacity || mk.Dissipation == 0 {
			continue
		}
		tag := w.nm.market(w.d.Market[key[0]]) + "_" + w.nm.segment(key[1], i)
		e := w.col("e_"+tag, 0, float64(len(ys)+out-capacity), mip.Continuous, mk.Dissipation)
		fm.E[key] = e
		w.term(e, 1)
		for _, y := range ys {
			w.term(y, -1)
		}
		w.row("dissip_"+tag, float64(out-capacity), inf)
	}
}

// addWindowTargets adds (13) and (14) with the fixed projects' market power
// and SMEs counted.
func (w *writer) addWindowTargets(fixed *fixedPart) {
	d, in := w.d, w.in
	if g := in.Objective.MarketPowerTarget - fixed.marketPower; in.Objective.MarketPowerTarget > 0 && g > 0 {
		w.addMarketPowerTarget(g)
	}
	need := d.SMETarget
	for _, f := range d.SMEs {
		if fixed.smeIn[f] {
			need--
		}
	}
	if need <= 0 {
		return
	}
	w.addSMETarget(need, fixed.smeIn)
}

// joinWindow returns a's projects outside window with the window's
// projects of x (a point of wfm, the window's MIP), the markets entered
// and the credit their spending needs.
func joinWindow(d *model.Derived, a *model.Assignment, window []bool, wfm *Formulation, x []float64) *model.Assignment {
	in := d.Inst
	inner := wfm.Decode(x)
	out := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}}
	for _, pj := range a.Projects {
		if !window[d.Opp[pj.ID]] {
			out.Projects = append(out.Projects, pj)
		}
	}
	out.Projects = append(out.Projects, inner.Projects...)
	spend := make([]float64, len(in.Firms))
	entered := make([]bool, len(in.Markets))
	for _, pj := range out.Projects {
		p := d.Opp[pj.ID]
		entered[d.Market[pj.Market]] = true
		for _, st := range pj.Participants {
			spend[d.Firm[st.Firm]] += d.NetCost[p] * st.Stake
		}
	}
	for m, e := range entered {
		if e {
			out.MarketsEntered = append(out.MarketsEntered, in.Markets[m].ID)
		}
	}
	out.Credit = CreditNeeded(d, spend)
	d.SortAssignment(out)
	return out
}

// encodeWindow writes a's projects in the window as a point of wfm (the
// window's MIP, fixed its fixed part), every auxiliary column at its least
// feasible value with the fixed part counted; nil if the point breaks a
// row (it should not: a is feasible).
func encodeWindow(wfm *Formulation, a *model.Assignment, window []bool, fixed *fixedPart) []float64 {
	d := wfm.D
	in := d.Inst
	inner := &model.Assignment{}
	spend := slices.Clone(fixed.spend)
	loss := make([][]float64, len(in.Firms))
	for f := range loss {
		loss[f] = slices.Clone(fixed.loss[f])
	}
	count := maps.Clone(fixed.groupCount)
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		if !window[p] {
			continue
		}
		inner.Projects = append(inner.Projects, pj)
		o := &in.Opportunities[p]
		count[[2]string{o.Market, o.Segment}]++
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			spend[f] += d.NetCost[p] * st.Stake
			for k := range loss[f] {
				loss[f][k] += d.Loss(p, k) * st.Stake
			}
		}
	}
	x, err := wfm.Encode(inner)
	if err != nil {
		return nil
	}
	cols := wfm.Prob.Cols
	for f := range in.Firms {
		if c := wfm.C[f]; c != none {
			x[c] = math.Min(cols[c].Hi, math.Max(0, spend[f]-in.Firms[f].Capital))
		}
		if wfm.Eta[f] != none {
			eta := math.Max(0, math.Min(valueAtRisk(loss[f], d.Probs, in.Policy.Alpha()), in.Firms[f].RiskLimit))
			x[wfm.Eta[f]] = eta
			for k, t := range wfm.T[f] {
				x[t] = math.Max(0, loss[f][k]-eta)
			}
		}
	}
	for key, e := range wfm.E {
		x[e] = math.Max(0, float64(count[key]-in.Markets[d.Market[key[0]]].Cap(key[1])))
	}
	for _, u := range wfm.U {
		if u != none && cols[u].Lo == 1 {
			x[u] = 1
		}
	}
	if len(wfm.Violations(x, 1e-6)) > 0 {
		return nil
	}
	return x
}
