package horizon

import (
	"math"
	"strconv"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/mip"
)

// The target rows' names, as the model writes them.
const (
	marketPowerRow = "market_power"
	smeTargetRow   = "sme_target"
)

// addPeriodRows writes the rows of opportunity p in period t+1: (1)
// funding, (2) stakes, (3) lead, (4) required roles, (5) partners, K2,
// K3, (15) learning reward and (11) market entry.
func (fm *Formulation) addPeriodRows(p, t int) {
	in, d := fm.Inst, fm.D
	o := &in.Opportunities[p]
	y, pairs := fm.Y[p][t], fm.Pairs[p][t]
	op := fm.nm.opp(p) + per(t)
	rule := in.Rules.Mode(o.Mode)
	fm.term(y, -1)
	for _, pr := range pairs {
		fm.term(pr.S, 1)
	}
	fm.row("fund_"+op, 0, 0)
	for _, pr := range pairs {
		tag := fm.tag(pr.Firm, p, t)
		fm.term(pr.S, 1)
		fm.term(pr.X, -d.MinStake)
		fm.row("smin_"+tag, 0, inf)
		fm.term(pr.S, 1)
		fm.term(pr.X, -pr.MaxStake)
		fm.row("smax_"+tag, -inf, 0)
		fm.term(pr.X, 1)
		fm.term(y, -1)
		fm.row("xy_"+tag, -inf, 0)
	}
	if rule.Lead != "" {
		fm.addLeadRows(p, t)
	}
	for _, r := range rule.Requires {
		fm.term(y, -1)
		for _, pr := range pairs {
			if in.Firms[pr.Firm].Role == r {
				fm.term(pr.X, 1)
			}
		}
		fm.row("req_"+op+"_"+string(r), 0, inf)
	}
	if minP := o.MinPartnersOr(); minP > 1 {
		fm.term(y, -float64(minP))
		for _, pr := range pairs {
			fm.term(pr.X, 1)
		}
		fm.row("pmin_"+op, 0, inf)
	}
	if o.MaxPartners != nil && *o.MaxPartners < len(pairs) {
		fm.term(y, -float64(*o.MaxPartners))
		for _, pr := range pairs {
			fm.term(pr.X, 1)
		}
		fm.row("pmax_"+op, -inf, 0)
	}
	fm.addLearningRows(p, t)
	fm.addPioneerRow(p, t)
	fm.addLearnerRow(p, t)
	m := d.Market[o.Market]
	fm.term(y, 1)
	for s := 0; s <= t; s++ {
		if fm.U[m][s] != none {
			fm.term(fm.U[m][s], -1)
		}
	}
	fm.row("enter_"+op, -inf, 0)
}

// addLeadRows writes (3): one lead, holding at least σ_lead.
func (fm *Formulation) addLeadRows(p, t int) {
	pairs := fm.Pairs[p][t]
	for _, pr := range pairs {
		if pr.L == none {
			continue
		}
		tag := fm.tag(pr.Firm, p, t)
		fm.term(pr.L, 1)
		fm.term(pr.X, -1)
		fm.row("lx_"+tag, -inf, 0)
		fm.term(pr.S, 1)
		fm.term(pr.L, -fm.D.LeadStake)
		fm.row("ls_"+tag, 0, inf)
	}
	fm.term(fm.Y[p][t], -1)
	for _, pr := range pairs {
		if pr.L != none {
			fm.term(pr.L, 1)
		}
	}
	fm.row("lead_"+fm.nm.opp(p)+per(t), 0, 0)
}

// addLearningRows writes K2 ((k_p − κ_f(m))·q ≤ κ − κ_f(m)), K3 (x ≤ q + Σ pioneers beside;
// x ≤ q for a pioneer, who never learns) and (15) (w ≤ x, w ≤ Σ pioneers
// beside).
func (fm *Formulation) addLearningRows(p, t int) {
	in := fm.Inst
	o := &in.Opportunities[p]
	m := fm.D.Market[o.Market]
	pairs := fm.Pairs[p][t]
	beside := func(f int) {
		for _, g := range pairs {
			if g.Pioneer && g.Firm != f {
				fm.term(g.X, -1)
			}
		}
	}
	for _, pr := range pairs {
		tag := fm.tag(pr.Firm, p, t)
		if pr.Q != none {
			// κ at t ≥ 2 is a column (t = 1 has no q: κ_fm1 < k_p), at
			// least κ_f(m): (k_p − κ_f(m))·q ≤ κ − κ_f(m), which is K2 at
			// q = 1 and κ's lower bound at q = 0, and gives a fractional q
			// only what f has learned, not what it knew.
			kappa := fm.Kappa[pr.Firm][m][t]
			k0 := fm.Prob.Cols[kappa].Lo
			fm.term(pr.Q, o.KnowledgeRequired-k0)
			fm.term(kappa, -1)
			fm.row("know_"+tag, -inf, -k0)
		}
		if pr.Learning {
			fm.term(pr.X, 1)
			if pr.Q != none {
				fm.term(pr.Q, -1)
			}
			if !in.Firms[pr.Firm].Pioneer { // pioneers never learn: x ≤ q
				beside(pr.Firm)
			}
			fm.row("learn_"+tag, -inf, 0)
		}
		if pr.W != none {
			fm.term(pr.W, 1)
			fm.term(pr.X, -1)
			fm.row("wx_"+tag, -inf, 0)
			fm.term(pr.W, 1)
			beside(pr.Firm)
			fm.row("wg_"+tag, -inf, 0)
		}
	}
}

// addPioneerRow writes Σ_{g∈Π_p} x_gpt ≥ y_pt when no coalition of p in
// period t can do without a pioneer of Π_p: the pairs that need none (not
// in Π_p, and either not learners or able to know enough by t, a q column)
// cannot run p alone (cluster.RunsAlone). Every integer point of K3 and
// (1)–(5) meets the row; it cuts LP points where learners sit beside a
// fraction of a pioneer (docs/formulation.md). Where some coalition can do
// without one, addAloneRows writes what it needs instead.
func (fm *Formulation) addPioneerRow(p, t int) {
	pairs := fm.Pairs[p][t]
	var alone []model.Pair
	pioneer := false
	for _, pr := range pairs {
		switch {
		case pr.Pioneer:
			pioneer = true
		case !pr.Learning || pr.Q != none:
			alone = append(alone, model.Pair{Firm: pr.Firm, Lead: pr.L != none, MaxStake: pr.MaxStake})
		}
	}
	if !pioneer {
		return
	}
	if cluster.RunsAlone(fm.D, p, alone) {
		fm.addAloneRows(p, t)
		return
	}
	fm.term(fm.Y[p][t], -1)
	for _, pr := range pairs {
		if pr.Pioneer {
			fm.term(pr.X, 1)
		}
	}
	fm.row("pioneer_"+fm.nm.opp(p)+per(t), 0, inf)
}

// addAloneRows writes, for p in period t+1 with a pioneer of Π_p that p
// can do without (addPioneerRow writes no row), what p needs when no
// pioneer of Π_p is in: every member then knows enough on its own (K3),
// from the start (x) or by q. So n·y ≤ n·Σ_{g∈Π_p} x_g + Σ x of the firms
// that know enough from the start + Σ q of the learners with a q column,
// n = min_partners; and the same with n = 1 over the lead's candidates
// (l for x) and over each required role's firms. Each row is written only
// where a learner without a q column could stand in, so that it is not
// implied by the partner, lead or role row alone.
func (fm *Formulation) addAloneRows(p, t int) {
	in := fm.Inst
	rule := in.Rules.Mode(in.Opportunities[p].Mode)
	op := fm.nm.opp(p) + per(t)
	fm.addAloneRow(p, t, "alone_"+op, max(1, in.Opportunities[p].MinPartnersOr()), func(Pair) bool { return true }, false)
	if rule.Lead != "" {
		fm.addAloneRow(p, t, "alonelead_"+op, 1, func(pr Pair) bool { return pr.L != none }, true)
	}
	for _, r := range rule.Requires {
		fm.addAloneRow(p, t, "alone_"+op+"_"+string(r), 1, func(pr Pair) bool { return in.Firms[pr.Firm].Role == r }, false)
	}
}

// addAloneRow writes n·y ≤ n·Σ_{g∈Π_p} x_g + Σ over the pairs of the
// group (of) of x (l when lead) for those that know enough from the start
// and q for the learners with a q column, if a learner of the group
// without a q column could stand in.
func (fm *Formulation) addAloneRow(p, t int, name string, n int, of func(Pair) bool, lead bool) {
	pairs := fm.Pairs[p][t]
	learners := false
	for _, pr := range pairs {
		learners = learners || (pr.Learning && pr.Q == none && !pr.Pioneer && of(pr))
	}
	if !learners {
		return
	}
	fm.term(fm.Y[p][t], -float64(n))
	for _, pr := range pairs {
		switch {
		case pr.Pioneer:
			fm.term(pr.X, float64(n))
		case !of(pr):
		case !pr.Learning && lead:
			fm.term(pr.L, 1)
		case !pr.Learning:
			fm.term(pr.X, 1)
		case pr.Q != none:
			fm.term(pr.Q, 1)
		}
	}
	fm.row(name, 0, inf)
}

// addLearnerRow writes, for p in period t+1, Σ x_fpt over the learners
// without a q column plus Σ w_fpt over the other reward pairs ≤
// (M − 1)·Σ_{g∈Π_p} x_gpt, M the most members p can have. Each firm on the
// left takes part (or earns its reward) only beside a pioneer of Π_p other
// than itself (K3, 15), so there are none without a pioneer and at most
// M − k + k·[k ≥ 2] ≤ (M − 1)·k beside k of them. It is the one-period
// learners' row (cluster's addLearnerRow), written only when M − 1 is less
// than the firms on the left: in the LP it keeps many learners from sitting
// beside one small fraction of a pioneer, which each row K3 alone allows.
func (fm *Formulation) addLearnerRow(p, t int) {
	pairs := fm.Pairs[p][t]
	members := len(pairs)
	if mp := fm.Inst.Opportunities[p].MaxPartners; mp != nil {
		members = min(members, *mp)
	}
	left, pioneers := 0, 0
	for _, pr := range pairs {
		switch {
		case pr.Pioneer:
			pioneers++
			if pr.W != none {
				left++
			}
		case pr.Learning && pr.Q == none, pr.W != none:
			left++
		}
	}
	if pioneers == 0 || members-1 >= left {
		return
	}
	for _, pr := range pairs {
		switch {
		case pr.Learning && pr.Q == none:
			fm.term(pr.X, 1)
		case pr.W != none:
			fm.term(pr.W, 1)
		}
		if pr.Pioneer {
			fm.term(pr.X, -float64(members-1))
		}
	}
	fm.row("learners_"+fm.nm.opp(p)+per(t), -inf, 0)
}

// addOnceRow writes Σ_t y_pt ≤ 1.
func (fm *Formulation) addOnceRow(p int) {
	n := 0
	for _, y := range fm.Y[p] {
		if y != none {
			fm.term(y, 1)
			n++
		}
	}
	if n > 1 {
		fm.row("once_"+fm.nm.opp(p), -inf, 1)
		return
	}
	fm.ind, fm.val = fm.ind[:0], fm.val[:0]
}

// addKnowledgeRows writes K1 for every κ column:
// κ_fm,t+1 − κ_fmt − gains of f in period t ≤ 0 (κ_fm1 a constant on the
// right-hand side), where a participation in market m' adds g_D, a
// learning reward g_P, each times φ when m' ≠ m.
func (fm *Formulation) addKnowledgeRows() {
	in := fm.Inst
	byFirm := fm.byFirm
	for f := range in.Firms {
		for m := range in.Markets {
			ks := fm.Kappa[f][m]
			if ks == nil {
				continue
			}
			for t := 1; t < fm.T && ks[t] != none; t++ {
				fm.term(ks[t], 1)
				rhs := in.Firms[f].KnowledgeOf(in.Markets[m].ID)
				if t > 1 {
					fm.term(ks[t-1], -1)
					rhs = 0
				}
				for _, x := range byFirm[f][t-1] {
					a, b := fm.gains(x, m)
					if a > 0 {
						fm.term(x.pr.X, -a)
					}
					if b > 0 {
						fm.term(x.pr.W, -b)
					}
				}
				fm.row("kappa_"+fm.nm.firm(f)+"_"+fm.nm.market(m)+per(t), -inf, rhs)
			}
		}
	}
}

// addKnowCapRows writes, for every q column (pair (f,p) in period t whose
// initial knowledge κ_f(m) falls short of k_p by need = k_p − κ_f(m)),
// rows that say what the knowledge behind q must come from (docs/
// formulation.md). Each earlier pair i of f adds a_i·x_i + b_i·w_i to κ_fm
// by K1 (g_D and g_P, times φ outside m). q only matters where f takes p,
// and then f took part in none of p's earlier pairs (p starts once) and in
// at most k = n_f − 1 others; so for any θ ≥ 0 with need' = need − k·θ > 0,
//
//	need'·q ≤ Σ_i α_i·x_i + β_i·w_i,  α_i = max(0, a_i − θ),
//	β_i = max(0, a_i + b_i − θ) − α_i,
//
// with α capped at need' and α + β at need' (one pair that meets need'
// meets it alone). θ = 0 would be K1 summed and K2 with the gains capped,
// little tighter than K1 and K2. θ at the spillover gains φ·g_D and
// φ·(g_D + g_P) drops the small gains from other markets, which in the LP
// buy a fraction of q with no participation in m. Each θ also gets the
// counting row of addKnowCountRow. Without spillover (φ = 0) only
// θ = 0's counting row is written: every gain is then in m.
func (fm *Formulation) addKnowCapRows() {
	in := fm.Inst
	gD, gP, phi := in.Horizon.Gains()
	levels := []float64{phi * gD, phi * (gD + gP)}
	if phi == 0 {
		levels = []float64{0}
	}
	for p := range fm.Pairs {
		o := &in.Opportunities[p]
		m := fm.D.Market[o.Market]
		for t, pairs := range fm.Pairs[p] {
			for _, pr := range pairs {
				if pr.Q == none {
					continue
				}
				kc := fm.knowCap(pr, p, t)
				need := o.KnowledgeRequired - in.Firms[pr.Firm].KnowledgeOf(in.Markets[m].ID)
				for li, th := range levels {
					if li > 0 && th == levels[li-1] { // g_P = 0: one level
						continue
					}
					needP := need - float64(kc.k)*th
					if needP <= 1e-9*max(1, need) {
						continue
					}
					if th == 0 {
						fm.addKnowCountRow(pr, p, t, li, th, need, kc)
						continue
					}
					fm.term(pr.Q, needP)
					for _, e := range kc.pairs {
						al := min(needP, max(0, e.a-th))
						be := min(needP, max(0, e.a+e.b-th)) - al
						if be < 1e-9*needP { // a rounding remainder where α is capped: onto x (w ≤ x)
							al, be = al+be, 0
						}
						if al > 0 {
							fm.term(e.pr.X, -al)
						}
						if be > 0 {
							fm.term(e.pr.W, -be)
						}
					}
					fm.row("kcap"+strconv.Itoa(li)+"_"+fm.tag(pr.Firm, p, t), -inf, 0)
					fm.addKnowCountRow(pr, p, t, li, th, need, kc)
				}
			}
		}
	}
}

// knowGain is an earlier pair of a firm with what it adds to the knowledge
// of one market by K1: a by x, b more by w.
type knowGain struct {
	pr   Pair
	a, b float64
}

// knowPairs is what the knowledge rows of one q column sum over: the
// firm's pairs of earlier periods, other than the opportunity's own, k,
// the most of them a plan where the firm takes the opportunity has, and
// the largest gain of one.
type knowPairs struct {
	pairs []knowGain
	k     int
	most  float64 // the largest a + b
}

// knowCap lists the pairs the knowledge rows of q (pair pr of p in
// period t) sum over.
func (fm *Formulation) knowCap(pr Pair, p, t int) knowPairs {
	in := fm.Inst
	m := fm.D.Market[in.Opportunities[p].Market]
	var kc knowPairs
	for tp := 0; tp < t; tp++ {
		for _, x := range fm.byFirm[pr.Firm][tp] {
			if x.p == p {
				continue
			}
			e := knowGain{pr: x.pr}
			e.a, e.b = fm.gains(x, m)
			kc.pairs = append(kc.pairs, e)
			kc.most = max(kc.most, e.a+e.b)
		}
	}
	kc.k = len(kc.pairs)
	if n := in.Firms[pr.Firm].MaxProjects; n != nil {
		kc.k = min(kc.k, *n-1)
	}
	return kc
}

// addKnowCountRow writes c·q ≤ Σ x of the pairs that add more than θ by
// x alone + Σ w of those that do only with their reward, c the least
// number of such pairs among k that reach need when every other pair adds
// θ and each of these the most any adds; only when c ≥ 2 (for c = 1 the
// row of θ in addKnowCapRows is at least as tight).
func (fm *Formulation) addKnowCountRow(pr Pair, p, t, li int, th, need float64, kc knowPairs) {
	if kc.most <= th {
		return
	}
	if c := math.Ceil((need-float64(kc.k)*th)/(kc.most-th) - 1e-9); c >= 2 {
		fm.term(pr.Q, c)
		for _, e := range kc.pairs {
			switch {
			case e.a > th:
				fm.term(e.pr.X, -1)
			case e.a+e.b > th:
				fm.term(e.pr.W, -1)
			}
		}
		fm.row("kcount"+strconv.Itoa(li)+"_"+fm.tag(pr.Firm, p, t), -inf, 0)
	}
}

// gains returns what a participation of pair x adds to its firm's
// knowledge of market m by K1: a by x (g_D), b more by its learning reward
// w (g_P; 0 without a w column), each times φ outside x's market.
func (fm *Formulation) gains(x firmPair, m int) (a, b float64) {
	gD, gP, phi := fm.Inst.Horizon.Gains()
	share := phi
	if x.m == m {
		share = 1
	}
	if x.pr.W != none {
		b = share * gP
	}
	return share * gD, b
}

// firmPair is one pair of a firm with its opportunity and market.
type firmPair struct {
	p, m int
	pr   Pair
}

// pairsByFirm lists each firm's pairs per period, in opportunity order.
func (fm *Formulation) pairsByFirm() [][][]firmPair {
	out := make([][][]firmPair, len(fm.Inst.Firms))
	for f := range out {
		out[f] = make([][]firmPair, fm.T)
	}
	for p := range fm.Pairs {
		m := fm.D.Market[fm.Inst.Opportunities[p].Market]
		for t, pairs := range fm.Pairs[p] {
			for _, pr := range pairs {
				out[pr.Firm][t] = append(out[pr.Firm][t], firmPair{p: p, m: m, pr: pr})
			}
		}
	}
	return out
}

// addFirmRows writes (8) the cumulative budgets with capital release and
// credit, (9) one CVaR over all periods' stakes and (10) the project count.
func (fm *Formulation) addFirmRows(f int) {
	in, d := fm.Inst, fm.D
	firm := &in.Firms[f]
	name := fm.nm.firm(f)
	byT := fm.byFirm[f]
	// spend[t]: the most f can have put in by period t+1; a stake in p is
	// taken once (Σ_t y_pt ≤ 1), at most its largest MaxStake.
	// Summed in opportunity order, so the bounds written are the same
	// from run to run (a map's order is not).
	best := make([]float64, len(in.Opportunities))
	spend := make([]float64, fm.T)
	for t := 0; t < fm.T; t++ {
		for _, x := range byT[t] {
			best[x.p] = math.Max(best[x.p], x.pr.MaxStake)
		}
		for p, s := range best {
			spend[t] += d.NetCost[p] * s
		}
	}
	var need []int // periods whose budget row can bind
	excess := 0.0
	for t := 0; t < fm.T; t++ {
		if limit := in.Horizon.Release(t+1) * firm.Capital; spend[t] > limit*(1+1e-12) {
			need = append(need, t)
			excess = math.Max(excess, spend[t]-limit)
		}
	}
	if len(need) > 0 {
		if cmax := in.Policy.MostCredit(firm.Capital); cmax > 0 {
			fm.C[f] = fm.col("c_"+name, 0, math.Min(cmax, excess), mip.Continuous, 0)
		}
	}
	for _, t := range need {
		for s := 0; s <= t; s++ {
			for _, x := range byT[s] {
				fm.term(x.pr.S, d.NetCost[x.p])
			}
		}
		if fm.C[f] != none {
			fm.term(fm.C[f], -1)
		}
		fm.row("budget_"+name+per(t), -inf, in.Horizon.Release(t+1)*firm.Capital)
	}
	fm.addRiskRows(f, byT, best)
	n := 0
	for t := range byT {
		n += len(byT[t])
	}
	if firm.MaxProjects != nil && *firm.MaxProjects < n {
		for t := range byT {
			for _, x := range byT[t] {
				fm.term(x.pr.X, 1)
			}
		}
		fm.row("cap_"+name, -inf, float64(*firm.MaxProjects))
	}
	fm.addLeadCliques(f, byT)
}

// addLeadCliques writes firm f's lead cliques: Σ l ≤ 1 over sets of its
// lead columns any two of which it cannot hold together, as in one period
// (cluster.LeadCliques). Two leads conflict when they are of the same
// opportunity (entry once), or when leading both at the least lead stake
// breaks the budget of the later one's period (capital released by then
// and the most credit) or the CVaR limit (cluster.LeadCheck). In the LP
// they keep a firm from leading fractions of many projects.
func (fm *Formulation) addLeadCliques(f int, byT [][]firmPair) {
	in := fm.Inst
	firm := &in.Firms[f]
	type lead struct{ p, t, col int }
	var leads []lead
	for t := range byT {
		for _, x := range byT[t] {
			if x.pr.L != none {
				leads = append(leads, lead{x.p, t, x.pr.L})
			}
		}
	}
	if len(leads) < 2 {
		return
	}
	checks := make([]*cluster.LeadCheck, fm.T)
	for t := range checks {
		checks[t] = cluster.NewLeadCheck(fm.D, in.Horizon.Release(t+1)*firm.Capital+in.Policy.MostCredit(firm.Capital), firm.RiskLimit)
	}
	conflict := func(i, j int) bool {
		a, b := leads[i], leads[j]
		return a.p == b.p || checks[max(a.t, b.t)].Conflict(a.p, b.p)
	}
	for _, c := range cluster.LeadCliques(len(leads), conflict) {
		for _, i := range c {
			fm.term(leads[i].col, 1)
		}
		a, b := leads[c[0]], leads[c[1]]
		fm.row("leads_"+fm.nm.firm(f)+"_"+fm.nm.opp(a.p)+per(a.t)+"_"+fm.nm.opp(b.p)+per(b.t), -inf, 1)
	}
}

// addRiskRows writes (9) for firm f over all its stakes when the sum of
// stand-alone CVaRs at maximum stakes can exceed R_f (CVaR is subadditive).
func (fm *Formulation) addRiskRows(f int, byT [][]firmPair, best []float64) {
	in, d := fm.Inst, fm.D
	firm := &in.Firms[f]
	maxRisk := 0.0
	for p, s := range best {
		maxRisk += d.NetCost[p] * s * d.UnitCVaR[p]
	}
	if maxRisk <= firm.RiskLimit*(1+1e-12) {
		return
	}
	name := fm.nm.firm(f)
	nK := len(in.Scenarios)
	fm.Eta[f] = fm.col("eta_"+name, 0, firm.RiskLimit, mip.Continuous, 0)
	fm.Tk[f] = make([]int, nK)
	for k := 0; k < nK; k++ {
		fm.Tk[f][k] = fm.col("t_"+name+"_"+fm.nm.scen(k), 0, inf, mip.Continuous, 0)
	}
	for k := 0; k < nK; k++ {
		fm.term(fm.Tk[f][k], 1)
		fm.term(fm.Eta[f], 1)
		for t := range byT {
			for _, x := range byT[t] {
				if l := d.Loss(x.p, k); l > 0 {
					fm.term(x.pr.S, -l)
				}
			}
		}
		fm.row("cvar_"+name+"_"+fm.nm.scen(k), 0, inf)
	}
	fm.term(fm.Eta[f], 1)
	alpha := in.Policy.Alpha()
	for k := 0; k < nK; k++ {
		fm.term(fm.Tk[f][k], d.Probs[k]/(1-alpha))
	}
	fm.row("risk_"+name, -inf, firm.RiskLimit)
}

// addCreditLine writes Σ_f c_f ≤ B when the caps can exceed it.
func (fm *Formulation) addCreditLine() {
	total := 0.0
	for _, c := range fm.C {
		if c != none {
			total += fm.Prob.Cols[c].Hi
			fm.term(c, 1)
		}
	}
	if total > fm.Inst.Policy.CreditLine {
		fm.row("creditline", -inf, fm.Inst.Policy.CreditLine)
		return
	}
	fm.ind, fm.val = fm.ind[:0], fm.val[:0]
}

// addDissipation writes (12) charged when it arises, per (market,
// segment) group from the first period in which its possible projects
// exceed the capacity: e_mst ≥ Σ_{t'≤t} y − cap, e_mst ≥ e_ms,t−1, with
// objective weight δ·(d^(t−1) − d^t) (δ·d^(T−1) in the last period), so
// that Σ_t d^(t−1)·δ·(e_mst − e_ms,t−1) is charged.
func (fm *Formulation) addDissipation() {
	in := fm.Inst
	segIndex := map[string]int{}
	groups := map[[2]string][]int{}
	var order [][2]string
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		key := [2]string{o.Market, o.Segment}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		if _, ok := segIndex[o.Segment]; !ok {
			segIndex[o.Segment] = len(segIndex)
		}
		groups[key] = append(groups[key], p)
	}
	for _, key := range order {
		m := fm.D.Market[key[0]]
		mk := &in.Markets[m]
		capacity := mk.Cap(key[1])
		if mk.Dissipation == 0 {
			continue
		}
		tag := fm.nm.market(m) + "_" + fm.nm.seg(key[1], segIndex[key[1]])
		es := fill(fm.T)
		seen := map[int]bool{}
		prev := none
		for t := 0; t < fm.T; t++ {
			for _, p := range groups[key] {
				if fm.Y[p][t] != none {
					seen[p] = true
				}
			}
			if len(seen) <= capacity {
				continue
			}
			obj := mk.Dissipation * fm.weight(t)
			if t < fm.T-1 {
				obj -= mk.Dissipation * fm.weight(t+1)
			}
			es[t] = fm.col("e_"+tag+per(t), 0, float64(len(seen)-capacity), mip.Continuous, obj)
			fm.term(es[t], 1)
			for _, p := range groups[key] {
				for s := 0; s <= t; s++ {
					if fm.Y[p][s] != none {
						fm.term(fm.Y[p][s], -1)
					}
				}
			}
			fm.row("dissip_"+tag+per(t), -float64(capacity), inf)
			if prev != none {
				fm.term(es[t], 1)
				fm.term(prev, -1)
				fm.row("dmono_"+tag+per(t), 0, inf)
			}
			prev = es[t]
		}
		if prev != none {
			fm.E[key] = es
		}
	}
}

// addTargets writes (13) market power and (14) SME participation over
// the horizon, and the entry rows Σ_t u_mt ≤ 1.
func (fm *Formulation) addTargets() {
	in, d := fm.Inst, fm.D
	for m := range fm.U {
		n := 0
		for _, u := range fm.U[m] {
			if u != none {
				fm.term(u, 1)
				n++
			}
		}
		if n > 1 {
			fm.row("buy_"+fm.nm.market(m), -inf, 1)
		} else {
			fm.ind, fm.val = fm.ind[:0], fm.val[:0]
		}
	}
	if g := in.Objective.MarketPowerTarget; g > 0 {
		for p := range fm.Y {
			for _, y := range fm.Y[p] {
				if y != none && in.Opportunities[p].MarketPower > 0 {
					fm.term(y, in.Opportunities[p].MarketPower)
				}
			}
		}
		fm.row(marketPowerRow, g, inf)
	}
	fm.Z = fill(len(in.Firms))
	if d.SMETarget == 0 {
		return
	}
	byFirm := fm.byFirm
	var zs []int
	for _, f := range d.SMEs {
		n := 0
		for t := range byFirm[f] {
			n += len(byFirm[f][t])
		}
		if n == 0 {
			continue
		}
		name := fm.nm.firm(f)
		fm.Z[f] = fm.col("z_"+name, 0, 1, mip.Continuous, 0)
		fm.term(fm.Z[f], 1)
		for t := range byFirm[f] {
			for _, x := range byFirm[f][t] {
				fm.term(x.pr.X, -1)
			}
		}
		fm.row("sme_"+name, -inf, 0)
		zs = append(zs, fm.Z[f])
	}
	for _, z := range zs {
		fm.term(z, 1)
	}
	fm.row(smeTargetRow, float64(d.SMETarget), inf)
}
