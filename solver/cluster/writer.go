package cluster

// The model writer: build writes the MIP of MODEL.md column by column and
// row by row, one family of constraints per method.

import (
	"context"
	"math"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// build constructs the formulation. With full false it only counts the
// columns and rows it would write (Size) and keeps no MIP (Prob is nil);
// every other field is the same. It returns early, with a partial
// formulation, once ctx ends (the caller looks at ctx.Err()).
func build(ctx context.Context, d *model.Derived, nm namer, full bool) *Formulation {
	w := newWriter(ctx, d, nm, full)
	w.findUsable()
	w.presize()
	w.addProjectCols()
	for _, step := range []func() bool{w.addPairCols, w.addOpportunityRows, w.addRewardRows, w.addLearnerRows, w.addFirmRows} {
		if !step() {
			return w.fm
		}
	}
	w.addCreditLine()
	w.addDissipationRows()
	w.addMarketPowerRow()
	w.addSMERows()
	return w.fm
}

// writer holds the formulation being written and the row being built.
type writer struct {
	ctx context.Context
	d   *model.Derived
	in  *model.Instance
	nm  namer
	fm  *Formulation
	// pr is the MIP written to, nil when only counting.
	pr *mip.Problem
	// rowInd and rowVal are the terms of the row being written.
	rowInd []int
	rowVal []float64
	// usable[p] are the pairs of p that can hold the minimum stake (nil
	// once their columns are written).
	usable [][]model.Pair
	// byFirm[f] are firm f's pairs (set by addFirmRows).
	byFirm [][]firmPair
	// creditFirms are the firms with a credit column.
	creditFirms []int
	// fixed is the part of a plan a window's MIP keeps fixed (see
	// buildWindow): a constant in every firm-coupling row. Nil for the
	// whole model.
	fixed *fixedPart
}

var inf = math.Inf(1)

func newWriter(ctx context.Context, d *model.Derived, nm namer, full bool) *writer {
	in := d.Inst
	nF, nP, nM := len(in.Firms), len(in.Opportunities), len(in.Markets)
	w := &writer{ctx: ctx, d: d, in: in, nm: nm, usable: make([][]model.Pair, nP)}
	w.fm = &Formulation{D: d, Y: fill(nP), U: fill(nM), Pairs: make([][]PairCols, nP),
		C: fill(nF), Eta: fill(nF), T: make([][]int, nF), Z: fill(nF), E: map[[2]string]int{}, Reason: make([]string, nP),
		Gain: make([]float64, nP), CreditCap: make([]float64, nF), nm: nm}
	if full {
		w.pr = &mip.Problem{Name: problemName(in.Name)}
		w.fm.Prob = w.pr
	}
	return w
}

// stopped reports, every 256 opportunities or firms of the long loops,
// whether ctx has ended.
func (w *writer) stopped(i int) bool { return i&255 == 0 && w.ctx.Err() != nil }

// col adds a column and returns its index.
func (w *writer) col(name string, lo, hi float64, kind mip.Kind, obj float64) int {
	fm := w.fm
	j := fm.Size.Cols
	fm.Size.Cols++
	if kind == mip.Binary {
		fm.Size.Binaries++
	}
	if w.pr != nil {
		w.pr.AddCol(mip.Col{Name: name, Lo: lo, Hi: hi, Kind: kind, Obj: obj})
	}
	return j
}

// term adds v·column j to the row being written.
func (w *writer) term(j int, v float64) {
	w.rowInd, w.rowVal = append(w.rowInd, j), append(w.rowVal, v)
}

// row stores the row being written, lo ≤ Σ terms ≤ hi (copying its terms
// only when the MIP is kept), and starts the next one.
func (w *writer) row(name string, lo, hi float64) {
	w.fm.Size.Rows++
	if w.pr != nil {
		w.pr.AddRow(mip.Row{Name: name, Lo: lo, Hi: hi,
			Ind: append(make([]int, 0, len(w.rowInd)), w.rowInd...), Val: append(make([]float64, 0, len(w.rowVal)), w.rowVal...)})
	}
	w.rowInd, w.rowVal = w.rowInd[:0], w.rowVal[:0]
}

// findUsable finds the pairs that can hold the minimum stake and the
// opportunities no coalition can run (Reason).
func (w *writer) findUsable() {
	d := w.d
	for p := range w.in.Opportunities {
		n := 0
		for _, pair := range d.Pairs[p] {
			if pair.MaxStake >= d.MinStake-1e-12 {
				n++
			}
		}
		if n == len(d.Pairs[p]) {
			w.usable[p] = d.Pairs[p] // read only: no copy when all are usable
		} else {
			w.usable[p] = make([]model.Pair, 0, n)
			for _, pair := range d.Pairs[p] {
				if pair.MaxStake >= d.MinStake-1e-12 {
					w.usable[p] = append(w.usable[p], pair)
				}
			}
		}
		w.fm.Reason[p] = staticReason(d, p, w.usable[p])
	}
}

// presize reserves the MIP's columns and rows: the per-pair ones dominate
// on large clusters.
func (w *writer) presize() {
	if w.pr == nil {
		return
	}
	nPairs := 0
	for p := range w.usable {
		nPairs += len(w.usable[p])
	}
	nF, nP, nM, nK := len(w.in.Firms), len(w.in.Opportunities), len(w.in.Markets), len(w.in.Scenarios)
	w.pr.Cols = make([]mip.Col, 0, 4*nPairs+nP+nM+nF*(nK+3))
	w.pr.Rows = make([]mip.Row, 0, 7*nPairs+3*nP+nF*(nK+3))
}

// addProjectCols adds y_p for every opportunity that can run, with its
// gain, and u_m for the markets of those opportunities.
func (w *writer) addProjectCols() {
	in, fm, nm := w.in, w.fm, w.nm
	for p := range in.Opportunities {
		if fm.Reason[p] != "" {
			continue
		}
		o := &in.Opportunities[p]
		fm.Gain[p] = o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
		fm.Y[p] = w.col("y_"+nm.opp(p), 0, 1, mip.Binary, -fm.Gain[p])
		if m := w.d.Market[o.Market]; fm.U[m] == none {
			fm.U[m] = w.col("u_"+nm.market(m), 0, 1, mip.Binary, in.Markets[m].InfoCost)
		}
	}
}

// addPairCols adds x, s and l for every usable pair. It returns false if
// ctx ended.
func (w *writer) addPairCols() bool {
	fm, d := w.fm, w.d
	for p := range w.in.Opportunities {
		if w.stopped(p) {
			return false
		}
		if fm.Y[p] == none {
			continue
		}
		fm.Pairs[p] = make([]PairCols, 0, len(w.usable[p]))
		for _, pair := range w.usable[p] {
			tag := w.nm.pair(pair.Firm, p)
			pc := PairCols{Pair: pair, L: none, W: none}
			pc.X = w.col("x_"+tag, 0, 1, mip.Binary, 0)
			pc.S = w.col("s_"+tag, 0, pair.MaxStake, mip.Continuous, 0)
			if pair.Lead && pair.MaxStake >= d.LeadStake-1e-12 {
				pc.L = w.col("l_"+tag, 0, 1, mip.Binary, 0)
			}
			fm.Pairs[p] = append(fm.Pairs[p], pc)
		}
		w.usable[p] = nil
	}
	return true
}

// addOpportunityRows adds each opportunity's rows (see addOpportunity). It
// returns false if ctx ended.
func (w *writer) addOpportunityRows() bool {
	for p := range w.in.Opportunities {
		if w.stopped(p) {
			return false
		}
		if w.fm.Y[p] != none {
			w.addOpportunity(p)
		}
	}
	return true
}

// addOpportunity adds the rows of one opportunity: (1) funding, (2)
// stakes, (3) lead, (4) required roles, (5) partners, (7) learning, (11)
// market entry.
func (w *writer) addOpportunity(p int) {
	d, in, fm := w.d, w.in, w.fm
	y := fm.Y[p]
	o := &in.Opportunities[p]
	op := w.nm.opp(p)
	pairs := fm.Pairs[p]
	w.term(y, -1)
	for _, pc := range pairs {
		w.term(pc.S, 1)
	}
	w.row("fund_"+op, 0, 0)
	w.addStakeRows(p)
	rule := in.Rules.Mode(o.Mode)
	if rule.Lead != "" {
		w.addLeadRows(p)
	}
	for _, r := range rule.Requires {
		w.term(y, -1)
		for _, pc := range pairs {
			if in.Firms[pc.Firm].Role == r {
				w.term(pc.X, 1)
			}
		}
		w.row("req_"+op+"_"+string(r), 0, inf)
	}
	if minP := o.MinPartnersOr(); minP > 1 {
		w.term(y, -float64(minP))
		for _, pc := range pairs {
			w.term(pc.X, 1)
		}
		w.row("pmin_"+op, 0, inf)
	}
	if o.MaxPartners != nil && *o.MaxPartners < len(pairs) {
		w.term(y, -float64(*o.MaxPartners))
		for _, pc := range pairs {
			w.term(pc.X, 1)
		}
		w.row("pmax_"+op, -inf, 0)
	}
	w.addLearningRows(p)
	w.addPioneerRow(p)
	w.term(y, 1)
	w.term(fm.U[d.Market[o.Market]], -1)
	w.row("enter_"+op, -inf, 0)
}

// addStakeRows adds (2) for each pair of p: σ_min·x ≤ s ≤ ub·x, x ≤ y.
func (w *writer) addStakeRows(p int) {
	y := w.fm.Y[p]
	for _, pc := range w.fm.Pairs[p] {
		tag := w.nm.pair(pc.Firm, p)
		w.term(pc.S, 1)
		w.term(pc.X, -w.d.MinStake)
		w.row("smin_"+tag, 0, inf)
		w.term(pc.S, 1)
		w.term(pc.X, -pc.MaxStake)
		w.row("smax_"+tag, -inf, 0)
		w.term(pc.X, 1)
		w.term(y, -1)
		w.row("xy_"+tag, -inf, 0)
	}
}

// addLeadRows adds (3): one lead per project taken, who takes part with at
// least the lead stake.
func (w *writer) addLeadRows(p int) {
	pairs := w.fm.Pairs[p]
	for _, pc := range pairs {
		if pc.L == none {
			continue
		}
		tag := w.nm.pair(pc.Firm, p)
		w.term(pc.L, 1)
		w.term(pc.X, -1)
		w.row("lx_"+tag, -inf, 0)
		w.term(pc.S, 1)
		w.term(pc.L, -w.d.LeadStake)
		w.row("ls_"+tag, 0, inf)
	}
	w.term(w.fm.Y[p], -1)
	for _, pc := range pairs {
		if pc.L != none {
			w.term(pc.L, 1)
		}
	}
	w.row("lead_"+w.nm.opp(p), 0, 0)
}

// addLearningRows adds (7): a learner takes part only beside a pioneer of
// Π_p other than itself.
func (w *writer) addLearningRows(p int) {
	pairs := w.fm.Pairs[p]
	pioneers := pioneerPairs(w.d, pairs)
	for _, pc := range pairs {
		if !pc.Learning {
			continue
		}
		w.term(pc.X, 1)
		if w.pr != nil { // learners × pioneers terms, the bulk at scale: not when only counting
			for _, g := range pioneers {
				if g.Firm != pc.Firm {
					w.term(g.X, -1)
				}
			}
		}
		w.row("learn_"+w.nm.pair(pc.Firm, p), -inf, 0)
	}
}

// addPioneerRow adds Σ_{g∈Π_p} x_gp ≥ y_p when p needs a pioneer of Π_p
// (needsPioneer). Every integer point of (1)–(7) meets it; the LP points it
// cuts off are those where learners sit beside a fraction of a pioneer, so
// that the pioneers' project slots (10) hardly bind.
func (w *writer) addPioneerRow(p int) {
	pairs := w.fm.Pairs[p]
	if !needsPioneer(w.d, p, pairs) {
		return
	}
	w.term(w.fm.Y[p], -1)
	for _, g := range pioneerPairs(w.d, pairs) {
		w.term(g.X, 1)
	}
	w.row("pioneer_"+w.nm.opp(p), 0, inf)
}

// addRewardRows adds (15), the learning reward w ≤ x, w ≤ Σ pioneers' x,
// when learning is worth something. It returns false if ctx ended.
func (w *writer) addRewardRows() bool {
	value := w.in.Objective.LearningValue
	if value <= 0 {
		return true
	}
	fm := w.fm
	for p := range fm.Pairs {
		if w.stopped(p) {
			return false
		}
		all := pioneerPairs(w.d, fm.Pairs[p])
		for i := range fm.Pairs[p] {
			pc := &fm.Pairs[p][i]
			if !pc.Reward {
				continue
			}
			// The pioneers of Π_p other than pc's firm (each firm has
			// one pair per opportunity).
			others := len(all)
			if pc.Pioneer {
				others--
			}
			if others == 0 {
				continue
			}
			tag := w.nm.pair(pc.Firm, p)
			pc.W = w.col("w_"+tag, 0, 1, mip.Continuous, -value)
			w.term(pc.W, 1)
			w.term(pc.X, -1)
			w.row("wx_"+tag, -inf, 0)
			w.term(pc.W, 1)
			if w.pr != nil { // as for the learn_ rows
				for _, g := range all {
					if g.Firm != pc.Firm {
						w.term(g.X, -1)
					}
				}
			}
			w.row("wg_"+tag, -inf, 0)
		}
	}
	return true
}

// addLearnerRows adds, per opportunity with pioneers in Π_p, the learners'
// row (see addLearnerRow). It returns false if ctx ended.
func (w *writer) addLearnerRows() bool {
	for p := range w.fm.Pairs {
		if w.stopped(p) {
			return false
		}
		if w.fm.Y[p] != none {
			w.addLearnerRow(p)
		}
	}
	return true
}

// addLearnerRow adds Σ_learners x_fp + Σ_{other rewarded} w_fp ≤
// (M_p − 1)·Σ_{g∈Π_p} x_gp, M_p the most members p can have: the firms on
// the left are not in Π_p, and each takes part only beside a pioneer of Π_p
// (7, 15), so they are none without a pioneer and at most M_p − k beside k.
// It is the sum of the rows (7) and (15) of p with the pioneers' side cut
// from |left|·Σ x_g down to (M_p − 1)·Σ x_g, so it is written only when
// M_p − 1 < |left|. In the LP it keeps many learners from sitting beside
// one small fraction of a pioneer, which each row (7) alone allows.
func (w *writer) addLearnerRow(p int) {
	pairs := w.fm.Pairs[p]
	pioneers := pioneerPairs(w.d, pairs)
	if len(pioneers) == 0 {
		return
	}
	members := len(pairs)
	if mp := w.in.Opportunities[p].MaxPartners; mp != nil {
		members = min(members, *mp)
	}
	left := 0
	for _, pc := range pairs {
		if pc.Learning || pc.W != none {
			left++
		}
	}
	if members-1 >= left {
		return
	}
	for _, pc := range pairs {
		switch {
		case pc.Learning:
			w.term(pc.X, 1)
		case pc.W != none:
			w.term(pc.W, 1)
		}
	}
	for _, g := range pioneers {
		w.term(g.X, -float64(members-1))
	}
	w.row("learners_"+w.nm.opp(p), -inf, 0)
}

// addFirmRows adds each firm's rows (see addFirm). It returns false if ctx
// ended.
func (w *writer) addFirmRows() bool {
	w.byFirm = w.fm.byFirm()
	for f := range w.in.Firms {
		if w.stopped(f) {
			return false
		}
		if len(w.byFirm[f]) > 0 {
			w.addFirm(f)
		}
	}
	return true
}

// addFirm adds firm f's rows: (8) budget with credit, (9) CVaR, (10)
// capacity, each only when it can bind, and the cliques of leads the firm
// cannot hold together (addLeadConflicts).
func (w *writer) addFirm(f int) {
	d, fm := w.d, w.fm
	fp := w.byFirm[f]
	firm := &w.in.Firms[f]
	// The fixed part (a window's) counts in full: CVaR is subadditive.
	maxSpend, maxRisk := w.fixed.spendOf(f), w.fixed.riskOf(f, w.d)
	for _, x := range fp {
		pc := &fm.Pairs[x.p][x.i]
		maxSpend += d.NetCost[x.p] * pc.MaxStake
		maxRisk += d.NetCost[x.p] * pc.MaxStake * d.UnitCVaR[x.p]
	}
	// (8) The budget row is redundant when the firm cannot spend more
	// than its capital even holding every stake at its maximum.
	budgetBinds := maxSpend > firm.Capital*(1+1e-12)
	if budgetBinds {
		w.addBudget(f, maxSpend)
	}
	// (9) CVaR is subadditive, so the row is redundant when the sum of
	// the stand-alone CVaRs at maximum stakes stays within the limit.
	riskBinds := maxRisk > firm.RiskLimit*(1+1e-12)
	if riskBinds {
		w.addCVaR(f)
	}
	if budgetBinds || riskBinds {
		w.addLeadConflicts(f)
	}
	if n := w.fixed.projectsOf(f); firm.MaxProjects != nil && *firm.MaxProjects < n+len(fp) {
		for _, x := range fp {
			w.term(fm.Pairs[x.p][x.i].X, 1)
		}
		w.row("cap_"+w.nm.firm(f), -inf, float64(*firm.MaxProjects-n))
	}
}

// addBudget adds (8), net cost of the stakes ≤ capital + credit (less the
// fixed part's), with the credit column c_f when f may borrow (capped by
// what it could spend above its capital, maxSpend).
func (w *writer) addBudget(f int, maxSpend float64) {
	d, fm, pol := w.d, w.fm, &w.in.Policy
	capital := w.in.Firms[f].Capital
	name := w.nm.firm(f)
	for _, x := range w.byFirm[f] {
		w.term(fm.Pairs[x.p][x.i].S, d.NetCost[x.p])
	}
	if cmax := pol.MostCredit(capital); cmax > 0 {
		fm.CreditCap[f] = math.Min(cmax, maxSpend-capital)
		fm.C[f] = w.col("c_"+name, 0, fm.CreditCap[f], mip.Continuous, 0)
		w.creditFirms = append(w.creditFirms, f)
		w.term(fm.C[f], -1)
	}
	w.row("budget_"+name, -inf, capital-w.fixed.spendOf(f))
}

// addCVaR adds (9), Rockafellar–Uryasev: η + Σ_k π_k t_k/(1-α) ≤ R with
// t_k ≥ loss_k − η, the fixed part's loss counted in loss_k.
func (w *writer) addCVaR(f int) {
	d, fm := w.d, w.fm
	nK := len(w.in.Scenarios)
	name := w.nm.firm(f)
	limit := w.in.Firms[f].RiskLimit
	fm.Eta[f] = w.col("eta_"+name, 0, limit, mip.Continuous, 0)
	fm.T[f] = make([]int, nK)
	for k := range nK {
		fm.T[f][k] = w.col("t_"+name+"_"+w.nm.scenario(k), 0, inf, mip.Continuous, 0)
	}
	for k := range nK {
		w.term(fm.T[f][k], 1)
		w.term(fm.Eta[f], 1)
		for _, x := range w.byFirm[f] {
			if l := d.Loss(x.p, k); l > 0 {
				w.term(fm.Pairs[x.p][x.i].S, -l)
			}
		}
		w.row("cvar_"+name+"_"+w.nm.scenario(k), w.fixed.lossOf(f, k), inf)
	}
	alpha := w.in.Policy.Alpha()
	w.term(fm.Eta[f], 1)
	for k := range nK {
		w.term(fm.T[f][k], d.Probs[k]/(1-alpha))
	}
	w.row("risk_"+name, -inf, limit)
}

// addCreditLine adds the credit line row (less the credit of the fixed
// part's firms without a credit column) when the firms' credit caps can
// exceed it.
func (w *writer) addCreditLine() {
	fm, line := w.fm, w.in.Policy.CreditLine-w.fixed.creditOutside(w.d, w.fm.C)
	total := 0.0
	for _, f := range w.creditFirms {
		total += fm.CreditCap[f]
	}
	if len(w.creditFirms) == 0 || total <= line {
		return
	}
	for _, f := range w.creditFirms {
		w.term(fm.C[f], 1)
	}
	w.row("creditline", -inf, line)
}

// addDissipationRows adds (12), the excess projects per (market, segment)
// group that can exceed its capacity (the fixed part's projects counted),
// in the order the groups first appear.
func (w *writer) addDissipationRows() {
	in, fm := w.in, w.fm
	segIndex := map[string]int{}
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
		if _, ok := segIndex[o.Segment]; !ok {
			segIndex[o.Segment] = len(segIndex)
		}
		groups[key] = append(groups[key], fm.Y[p])
	}
	for _, key := range order {
		m := w.d.Market[key[0]]
		mk := &in.Markets[m]
		ys, out := groups[key], w.fixed.groupOf(key)
		capacity := mk.Cap(key[1])
		if len(ys)+out <= capacity || mk.Dissipation == 0 {
			continue
		}
		tag := w.nm.market(m) + "_" + w.nm.segment(key[1], segIndex[key[1]])
		e := w.col("e_"+tag, 0, float64(len(ys)+out-capacity), mip.Continuous, mk.Dissipation)
		fm.E[key] = e
		w.term(e, 1)
		for _, y := range ys {
			w.term(y, -1)
		}
		w.row("dissip_"+tag, float64(out-capacity), inf)
	}
}

// addMarketPowerRow adds (13), the market power target less the fixed
// part's, when it is set and not met already.
func (w *writer) addMarketPowerRow() {
	target := w.in.Objective.MarketPowerTarget
	g := target - w.fixed.power()
	if target <= 0 || g <= 0 {
		return
	}
	for p, y := range w.fm.Y {
		if y != none && w.in.Opportunities[p].MarketPower > 0 {
			w.term(y, w.in.Opportunities[p].MarketPower)
		}
	}
	w.row(rowMarketPower, g, inf)
}

// addSMERows adds (14), the SME participation target less the SMEs the
// fixed part has taking part, with z_f ≤ Σ x for each other SME that can
// take part, when the target is set and not met already.
func (w *writer) addSMERows() {
	fm := w.fm
	need := w.d.SMETarget - w.fixed.smesIn()
	if w.d.SMETarget <= 0 || need <= 0 {
		return
	}
	var zs []int
	for _, f := range w.d.SMEs {
		if w.fixed.takesPart(f) || len(w.byFirm[f]) == 0 {
			continue
		}
		name := w.nm.firm(f)
		fm.Z[f] = w.col("z_"+name, 0, 1, mip.Continuous, 0)
		w.term(fm.Z[f], 1)
		for _, x := range w.byFirm[f] {
			w.term(fm.Pairs[x.p][x.i].X, -1)
		}
		w.row("sme_"+name, -inf, 0)
		zs = append(zs, fm.Z[f])
	}
	for _, z := range zs {
		w.term(z, 1)
	}
	w.row(rowSMETarget, float64(need), inf)
}
