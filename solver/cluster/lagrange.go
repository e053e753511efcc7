package cluster

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/ofdi/ofdi/model"
)

// Lagrangian relaxation of the firm-coupling rows (see docs/algorithm.md,
// "Lagrangian bound and heuristic").
//
// Dualized, with multipliers ≥ 0: each firm's budget row (8), the credit
// line, each firm's CVaR row (9) in the form Σ_k q_fk·L_fk ≤ R_f for a
// fixed q_f in the CVaR risk envelope Q = {q ≥ 0, Σq = 1, q_k ≤
// π_k/(1−α)} (valid: CVaR_α(L) = max over Q of Σ q·L), each firm's project
// count (10), the market-power target (13), and the SME target (14) with
// z_f ≤ Σ_p x_fp dualized at the same price, and each firm's row 16 when
// the formulation has it (Fair: Σ_p v_p·s_fp ≥ o_f, with its own multiplier
// ν_f, so a stake of f in p costs −ν_f·v_p more). What remains decomposes: per
// opportunity, the cheapest coalition at the multipliers' prices; per
// market and segment, the most valuable opportunities with dissipation
// beyond capacity; per market, entry when it pays its info cost. The
// coalition problem is replaced by a relaxation that is solved exactly
// (lagProject.coalition), so every value of the dual function is a lower
// bound on Z.

// lagCand is one usable pair of an opportunity in the relaxation.
type lagCand struct {
	firm                               int
	cap                                float64 // largest stake (MaxStake)
	canLead, pioneer, learning, reward bool
	role                               model.Role
	// meets holds the requirement bits the candidate meets (see
	// lagProject.indexRoles): its role's and, for a pioneer, pioneerBit.
	meets           uint64
	kappa, theta, e float64 // prices at the current multipliers
}

// lagProject is one opportunity that can run.
type lagProject struct {
	p          int
	gain       float64 // npv + subsidy + λ_G·G_p: −(objective of y_p)
	value      float64 // v_p = npv + subsidy, the money of row 16
	power      float64 // G_p
	a          float64 // a_p
	loss       []float64
	lead       bool    // the mode has a lead role
	sigma      float64 // the lead's least stake: max(σ_lead, s_min)
	kmin, kmax int     // members besides the lead
	reqs       []model.Role
	pioneers   bool // some candidate is in Π_p
	// needsPioneer: every coalition holds a pioneer of Π_p (needsPioneer in
	// formulation.go), so the case without one is not tried.
	needsPioneer bool
	cands        []lagCand
	// Scratch, per iterate: the candidates by κ (then index); the
	// candidates allowed in the pioneer case choose is in, by e (then κ,
	// then index).
	byKappa, byE lazyOrder
	reqBuf       []lagReq
	memo         []coverMemo // scratch: choose's best sets by lead key
	kinks        []float64   // scratch: membersFill's prices
	kinkVals     []kinkValue // scratch: membersFill's values at them
	// roles are the candidates' distinct roles: role roles[j] is bit j of
	// lagCand.meets; meetCount[j] counts the candidates with bit j, and
	// its last entry the pioneers.
	roles     []model.Role
	meetCount []int
	// meetOrder[j] is scratch: the candidates of byE with bit j (the last
	// entry: the pioneers), built when cover first needs it (meetBuilt[j]).
	meetOrder []lazyOrder
	meetBuilt []bool
}

// lagFirm holds one firm's coupling rows; a row that can never bind has
// its flag off and keeps a zero multiplier.
type lagFirm struct {
	capital, risk, credit float64 // K_f, R_f, the most credit it may draw
	projects              int     // n_f, -1 when the row cannot bind
	budget, cvar, sme     bool
	q                     []float64 // the CVaR envelope point
	// fair marks a row 16 (Σ_p v_p·s_fp ≥ outside), scaled by fairScale:
	// max(1, |o_f|, Σ_p |v_p|·MaxStake), the largest the row's terms can be.
	fair               bool
	outside, fairScale float64
}

// lagrangian is the relaxation of one formulation.
type lagrangian struct {
	fm       *Formulation
	projects []lagProject
	firms    []lagFirm
	groups   [][]int // projects per (market, segment), in first-seen order
	groupMkt []int
	groupCap []int
	alpha    float64
	lamL     float64
	smin     float64
	// Multipliers, in the units of rows scaled to O(1): budget rows by
	// K_f, CVaR rows by R_f, the credit line by B, the targets by theirs.
	mu, rho, theta   []float64
	gamma, phi, zeta float64
	// nu are the multipliers of the rows 16, in the rows' scale (lagFirm.fairScale).
	nu          []float64
	creditLine  float64
	powerTarget float64
	smeTarget   float64
	creditRow   bool
	// hook, if set, sees every iterate; it may return a better upper
	// bound (the objective of a plan it built).
	hook func(it int, pr primal) (float64, bool)
	// onBound, if set, is called with each new best value.
	onBound func(bound float64)
	// known, if set, returns a better plan's objective found elsewhere
	// (lagHooks.known), taken as the steps' target at every iterate.
	known func() (float64, bool)
	// best is the iterate with the largest value so far, bestMult its
	// multipliers.
	best     primal
	bestMult multipliers
	// pool keeps the coalitions of the last lagCoalitionPool best
	// iterates, over every run (see LagrangianResult.pooledCoalitions).
	pool coalitionPool
	// initMult are the first multipliers (all zero, the CVaR envelope
	// points at their start), for a fresh start aimed at a better plan.
	initMult multipliers
	// cut: the last run stopped at its deadline (or ctx), not by its own
	// rules (iterations, a vanished step).
	cut bool
	// rises counts the new best values over every run (the first iterate
	// of the first run is one).
	rises int
	// zeroStuck: the first run and its restarts never rose above their
	// first iterate, at zero multipliers (see planStart).
	zeroStuck bool
	// lastVals are the opportunity values of the last evaluate.
	lastVals []float64
	// guide averages the solutions of the latest run with at least
	// lagGuideMinIterates iterates (nil: none yet, or a formulation
	// without columns).
	guide *lagGuide
}

// multipliers is a copy of a lagrangian's multipliers and CVaR envelope
// points.
type multipliers struct {
	mu, rho, theta   []float64
	nu               []float64
	gamma, phi, zeta float64
	q                [][]float64
}

// save copies lg's multipliers into m, reusing m's slices.
func (m *multipliers) save(lg *lagrangian) {
	m.mu = append(m.mu[:0], lg.mu...)
	m.rho = append(m.rho[:0], lg.rho...)
	m.theta = append(m.theta[:0], lg.theta...)
	m.nu = append(m.nu[:0], lg.nu...)
	m.gamma, m.phi, m.zeta = lg.gamma, lg.phi, lg.zeta
	if len(m.q) != len(lg.firms) {
		m.q = make([][]float64, len(lg.firms))
	}
	for f := range lg.firms {
		m.q[f] = append(m.q[f][:0], lg.firms[f].q...)
	}
}

// restore sets lg's multipliers to those saved in m (nothing when m is
// empty).
func (m *multipliers) restore(lg *lagrangian) {
	if m.q == nil {
		return
	}
	copy(lg.mu, m.mu)
	copy(lg.rho, m.rho)
	copy(lg.theta, m.theta)
	copy(lg.nu, m.nu)
	lg.gamma, lg.phi, lg.zeta = m.gamma, m.phi, m.zeta
	for f := range lg.firms {
		lg.firms[f].q = append([]float64(nil), m.q[f]...)
	}
}

// primal is the relaxation's solution at given multipliers, enough for a
// subgradient.
type primal struct {
	value                float64
	spend, count, credit []float64
	ret                  []float64 // per firm: Σ_p v_p·s_fp
	loss                 [][]float64
	power, smes          float64
	taken                []bool    // per lagProject
	vals                 []float64 // per lagProject: gain − coalition cost at the prices
	// members are, per opportunity taken (indexed like Formulation.Y),
	// the firms of the relaxation's coalition (the lead first).
	members [][]int
}

func newLagrangian(fm *Formulation) *lagrangian {
	d := fm.D
	in := d.Inst
	nF, nK := len(in.Firms), len(in.Scenarios)
	lg := &lagrangian{fm: fm, pool: coalitionPool{size: lagCoalitionPool}, alpha: in.Policy.Alpha(), lamL: in.Objective.LearningValue, smin: d.MinStake,
		firms: make([]lagFirm, nF), mu: make([]float64, nF), rho: make([]float64, nF), theta: make([]float64, nF), nu: make([]float64, nF),
		creditLine: in.Policy.CreditLine, powerTarget: in.Objective.MarketPowerTarget, smeTarget: float64(d.SMETarget)}
	pairsOf := make([]int, nF)
	maxSpend := make([]float64, nF)
	maxRet := make([]float64, nF) // Σ |v_p|·MaxStake: the scale of a row 16
	profile := make([][]float64, nF)
	for f := range profile {
		profile[f] = make([]float64, nK)
	}
	groupIdx := map[[2]string]int{}
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		o := &in.Opportunities[p]
		rule := in.Rules.Mode(o.Mode)
		lp := lagProject{p: p, a: d.NetCost[p], power: o.MarketPower, lead: rule.Lead != "", reqs: rule.Requires,
			gain: fm.Gain[p], value: fm.value(p)}
		lp.loss = make([]float64, nK)
		for k := range lp.loss {
			lp.loss[k] = d.Loss(p, k)
		}
		minP := o.MinPartnersOr()
		maxP := len(fm.Pairs[p])
		if o.MaxPartners != nil {
			maxP = min(maxP, *o.MaxPartners)
		}
		if lp.lead {
			lp.sigma = d.LeastLeadStake()
			lp.kmin, lp.kmax = max(minP-1, 0), maxP-1
		} else {
			lp.kmin, lp.kmax = minP, maxP
		}
		if d.MinStake > 0 {
			lp.kmax = min(lp.kmax, int(math.Floor((1-lp.sigma)/d.MinStake+1e-9)))
		}
		for _, pc := range fm.Pairs[p] {
			f := pc.Firm
			c := lagCand{firm: f, cap: pc.MaxStake, canLead: pc.L != none, pioneer: pc.Pioneer,
				learning: pc.Learning, reward: pc.W != none, role: in.Firms[f].Role}
			lp.pioneers = lp.pioneers || c.pioneer
			lp.cands = append(lp.cands, c)
			pairsOf[f]++
			maxSpend[f] += lp.a * pc.MaxStake
			maxRet[f] += math.Abs(lp.value) * pc.MaxStake
			for k := range lp.loss {
				profile[f][k] += lp.loss[k] * pc.MaxStake
			}
		}
		lp.needsPioneer = needsPioneer(d, p, fm.Pairs[p])
		lp.indexRoles()
		key := [2]string{o.Market, o.Segment}
		g, ok := groupIdx[key]
		if !ok {
			g = len(lg.groups)
			groupIdx[key] = g
			lg.groups = append(lg.groups, nil)
			m := d.Market[o.Market]
			lg.groupMkt = append(lg.groupMkt, m)
			lg.groupCap = append(lg.groupCap, in.Markets[m].Cap(o.Segment))
		}
		lg.groups[g] = append(lg.groups[g], len(lg.projects))
		lg.projects = append(lg.projects, lp)
	}
	isSME := make([]bool, nF)
	if d.SMETarget > 0 {
		for _, f := range d.SMEs {
			isSME[f] = true
		}
	}
	for f := range in.Firms {
		firm := &in.Firms[f]
		lf := lagFirm{capital: firm.Capital, risk: firm.RiskLimit, projects: -1, sme: isSME[f] && pairsOf[f] > 0}
		lf.budget = maxSpend[f] > firm.Capital*(1+1e-12)
		if lf.budget {
			lf.credit = fm.CreditCap[f]
			lg.creditRow = lg.creditRow || lf.credit > 0
		}
		// The formulation writes the CVaR row only where it can bind.
		lf.cvar = fm.Eta[f] != none && firm.RiskLimit > 0
		if firm.MaxProjects != nil && *firm.MaxProjects < pairsOf[f] {
			lf.projects = *firm.MaxProjects
		}
		lf.q = envelope(profile[f], d.Probs, lg.alpha, nil)
		if fm.FairRow != nil && fm.FairRow[f] != none {
			lf.fair, lf.outside = true, fm.Outside[f]
			lf.fairScale = math.Max(1, math.Max(math.Abs(lf.outside), maxRet[f]))
		}
		lg.firms[f] = lf
	}
	lg.initMult.save(lg)
	return lg
}

// envelope returns the point q of the CVaR_α envelope that attains
// CVaR_α(loss) = Σ q·loss: the worst scenarios first, each weighted up to
// π_k/(1−α). Ties go to the lower scenario index. When loss is all zero,
// keep (if not nil) is returned instead.
func envelope(loss, probs []float64, alpha float64, keep []float64) []float64 {
	if keep != nil {
		zero := true
		for _, l := range loss {
			zero = zero && l == 0
		}
		if zero {
			return keep
		}
	}
	idx := make([]int, len(loss))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(i, j int) bool { return loss[idx[i]] > loss[idx[j]] })
	q := make([]float64, len(loss))
	left := 1.0
	for _, k := range idx {
		w := math.Min(left, probs[k]/(1-alpha))
		q[k] = w
		left -= w
		if left <= 0 {
			break
		}
	}
	return q
}

// evaluate solves the relaxation at the current multipliers: its value is
// a lower bound on Z.
func (lg *lagrangian) evaluate() primal {
	nF := len(lg.firms)
	pr := primal{spend: make([]float64, nF), count: make([]float64, nF), credit: make([]float64, nF), ret: make([]float64, nF),
		loss: make([][]float64, nF), taken: make([]bool, len(lg.projects))}
	v := lg.constants(&pr)
	vals, choices := lg.opportunityValues()
	v = lg.takeMarkets(v, vals, &pr)
	pr.value, pr.vals = v, vals
	lg.lastVals = vals
	lg.relaxedStakes(choices, &pr)
	return pr
}

// constants returns the dual function's constant part (the dualized rows'
// right-hand sides at the prices) and sets the firm-level columns (the
// credit each firm draws at these prices) in pr.
func (lg *lagrangian) constants(pr *primal) float64 {
	v := 0.0
	for f := range lg.firms {
		lf := &lg.firms[f]
		if lf.budget {
			mu := lg.mu[f] / lf.capital
			v -= lg.mu[f] // μ_f·K_f in scaled units
			gamma := 0.0
			if lg.creditRow && lg.creditLine > 0 {
				gamma = lg.gamma / lg.creditLine
			}
			if mu > gamma && lf.credit > 0 {
				pr.credit[f] = lf.credit
				v += (gamma - mu) * lf.credit
			}
		}
		if lf.cvar {
			v -= lg.rho[f]
		}
		if lf.projects >= 0 {
			v -= lg.theta[f] * float64(lf.projects)
		}
		if lf.fair {
			v += lg.nu[f] * lf.outside / lf.fairScale // ν_f·(o_f − Σ v·s)/scale
		}
	}
	if lg.creditRow {
		v -= lg.gamma
	}
	if lg.powerTarget > 0 {
		v += lg.phi
	}
	if lg.smeTarget > 0 {
		v += lg.zeta
	}
	return v
}

// opportunityValues returns, per opportunity, the value of taking it at
// these prices (gain − cheapest coalition + the market-power price) and
// the coalition. The opportunities are independent (each has its own
// scratch), so they are spread over the cores; the values do not depend
// on how.
func (lg *lagrangian) opportunityValues() ([]float64, []lagChoice) {
	vals := make([]float64, len(lg.projects))
	choices := make([]lagChoice, len(lg.projects))
	workers := 1
	if len(lg.projects) >= lagParallelMin {
		workers = min(runtime.GOMAXPROCS(0), lagMaxWorkers)
	}
	// part values every workers-th opportunity from the w-th.
	part := func(w int) {
		for i := w; i < len(lg.projects); i += workers {
			c, ch := lg.projects[i].cost(lg)
			vals[i], choices[i] = lg.projects[i].gain-c, ch
			if lg.powerTarget > 0 {
				vals[i] += lg.phi / lg.powerTarget * lg.projects[i].power
			}
		}
	}
	if workers == 1 {
		part(0) // no goroutine per iteration on small clusters
		return vals, choices
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part(w)
		}()
	}
	wg.Wait()
	return vals, choices
}

// takeMarkets solves the market subproblems at the opportunities' values:
// per market and segment the best prefix (dissipation beyond capacity
// included), per market entry when that beats the info cost (as in
// UncoupledBound). It marks the opportunities taken in pr and returns v
// less each market's gain.
func (lg *lagrangian) takeMarkets(v float64, vals []float64, pr *primal) float64 {
	in := lg.fm.D.Inst
	marketValue := make([]float64, len(in.Markets))
	chosen := make([][]int, len(in.Markets))
	for g := range lg.groups {
		idx := lg.rankGroup(g, vals)
		best, n := bestPrefix(len(idx), func(j int) float64 { return vals[idx[j]] },
			lg.groupCap[g], in.Markets[lg.groupMkt[g]].Dissipation)
		marketValue[lg.groupMkt[g]] += best
		chosen[lg.groupMkt[g]] = append(chosen[lg.groupMkt[g]], idx[:n]...)
	}
	for m, mv := range marketValue {
		if gain := mv - in.Markets[m].InfoCost; gain > 0 {
			v -= gain
			for _, i := range chosen[m] {
				pr.taken[i] = true
			}
		}
	}
	return v
}

// relaxedStakes fills pr with the relaxation's coalitions and stakes of
// the opportunities taken (members, spend, return, count, SMEs, losses,
// market power), for the subgradients and the heuristic.
func (lg *lagrangian) relaxedStakes(choices []lagChoice, pr *primal) {
	pr.members = make([][]int, len(lg.fm.Y))
	for i := range lg.projects {
		if !pr.taken[i] {
			continue
		}
		lp := &lg.projects[i]
		if ch := choices[i]; ch.ok {
			if ch.lead >= 0 {
				pr.members[lp.p] = append(pr.members[lp.p], lp.cands[ch.lead].firm)
			}
			for _, c := range ch.members {
				pr.members[lp.p] = append(pr.members[lp.p], lp.cands[c].firm)
			}
		}
		pr.power += lp.power
		for _, st := range lp.stakes(lg.smin, choices[i]) {
			f := lp.cands[st.cand].firm
			pr.spend[f] += lp.a * st.stake
			pr.ret[f] += lp.value * st.stake
			pr.count[f] += st.x
			if lg.firms[f].sme {
				pr.smes += st.x
			}
			if lg.firms[f].cvar {
				if pr.loss[f] == nil {
					pr.loss[f] = make([]float64, len(lp.loss))
				}
				for k, l := range lp.loss {
					pr.loss[f][k] += l * st.stake
				}
			}
		}
	}
}

// candStake is one candidate's part in the relaxation's coalition.
type candStake struct {
	cand     int
	stake, x float64
}

// lagChoice is the coalition that attains a project's relaxed cost.
type lagChoice struct {
	lead    int // candidate index, -1 for modes without a lead role
	members []int
	ok      bool
}

// cost returns a lower bound on the cheapest coalition of the opportunity
// at the multipliers' prices (F_p of docs/algorithm.md), or +Inf when
// no coalition can exist, and remembers the coalition that attains it.
//
// For a member set S with lead L (when the mode has a lead role), the
// cost is Σ_S θ'_f + Σ_S κ_f·s_f − λ_L·(rewarded members), with κ_f the
// price of a unit of stake (budget and CVaR multipliers) and θ'_f that of
// taking part (project count, minus the SME target's). The stakes cost at
// least Σ_S κ_f·lb_f + F(R), where lb is σ for the lead and s_min for the
// others, R = 1 − Σ_S lb_f, and F is the cheapest fractional fill of R
// from the room above s_min of every candidate the pioneer case allows (a
// superset of the members').
// F is convex, so F(R) ≥ F(R0) + g·(R − R0) for a subgradient g at R0;
// with R − R0 = −s_min·(k − k0) for k members besides the lead, the bound
// becomes additive over members: each adds e_f = θ'_f + (κ_f − g)·s_min −
// λ_L·reward_f. The member set is then chosen exactly for that additive
// cost under the partner counts, with pioneer presence enumerated (no
// pioneer: no learners and no rewards; a pioneer: rewards count) and the
// required roles enforced one at a time (the largest of those bounds is
// taken, each a relaxation). Per pioneer case, two supporting lines are
// tried (at the least member count, and at the count the first one
// chose); each gives a valid bound for the case, so the larger is kept,
// and the least over the cases is returned.
func (lp *lagProject) cost(lg *lagrangian) (float64, lagChoice) {
	for i := range lp.cands {
		c := &lp.cands[i]
		f := c.firm
		lf := &lg.firms[f]
		c.kappa = 0
		if lf.budget {
			c.kappa += lp.a * lg.mu[f] / lf.capital
		}
		if lf.cvar && lg.rho[f] > 0 {
			ql := 0.0
			for k, l := range lp.loss {
				ql += lf.q[k] * l
			}
			c.kappa += lg.rho[f] / lf.risk * ql
		}
		if lf.fair {
			c.kappa -= lg.nu[f] / lf.fairScale * lp.value
		}
		c.theta = 0
		if lf.projects >= 0 {
			c.theta += lg.theta[f]
		}
		if lf.sme && lg.smeTarget > 0 {
			c.theta -= lg.zeta / lg.smeTarget
		}
	}
	// By κ, ties by index.
	lp.byKappa.clear()
	for i := range lp.cands {
		lp.byKappa.add(i, lp.cands[i].kappa, 0)
	}
	lp.byKappa.build()
	best := math.Inf(1)
	var bestCh lagChoice
	for _, withPioneer := range lp.cases() {
		if v, ch := lp.caseCost(lg, withPioneer); v < best {
			best, bestCh = v, ch
		}
	}
	return best, bestCh
}

// cases returns the pioneer cases of the opportunity's coalitions: without
// a pioneer of Π_p (unless it needs one), and with one (when it has one).
func (lp *lagProject) cases() []bool {
	switch {
	case lp.needsPioneer:
		return []bool{true}
	case lp.pioneers:
		return []bool{false, true}
	}
	return []bool{false}
}

// allowed reports whether candidate c may be a member in the case: without
// a pioneer, neither pioneers nor learners.
func (c *lagCand) allowed(withPioneer bool) bool {
	return withPioneer || !(c.pioneer || c.learning)
}

// caseCost is cost for one pioneer case: the fill F and its supporting
// lines use the room of the candidates allowed in the case only.
func (lp *lagProject) caseCost(lg *lagrangian, withPioneer bool) (float64, lagChoice) {
	smin := lg.smin
	room := 0.0
	for i := range lp.cands {
		if c := &lp.cands[i]; c.allowed(withPioneer) {
			room += math.Max(0, c.cap-smin)
		}
	}
	kmin := lp.kmin
	if smin > 0 {
		// Fewer members than this leave more to fill than all the room.
		kmin = max(kmin, int(math.Ceil((1-lp.sigma-room)/smin-1e-9)))
	}
	if kmin > lp.kmax {
		return math.Inf(1), lagChoice{}
	}
	line := func(k0 int) (float64, lagChoice) {
		r0 := math.Max(0, 1-lp.sigma-smin*float64(k0))
		f0, g := lp.fill(r0, smin, withPioneer)
		return lp.choose(lg, kmin, f0+g*smin*float64(k0), g, withPioneer, false)
	}
	best, ch := line(kmin)
	if ch.ok && len(ch.members) != kmin {
		if b, _ := line(len(ch.members)); b > best {
			best = b
		}
	}
	if ch.ok && lp.exact(lg, ch, withPioneer) <= best+1e-9*math.Max(1, math.Abs(best)) {
		// The lines' coalition costs what they bound: nothing is above.
		return best, ch
	}
	if b, mch := lp.membersFill(lg, kmin, withPioneer); b > best {
		best, ch = b, mch
	}
	return best, ch
}

// exact returns what coalition ch costs at these prices, member costs
// counted as choose counts them, with its stakes from memberStakes; +Inf
// when its members cannot hold them.
func (lp *lagProject) exact(lg *lagrangian, ch lagChoice, withPioneer bool) float64 {
	stakes, left := lp.memberStakes(lg.smin, ch)
	if left < -1e-12 || left > 1e-9 {
		return math.Inf(1)
	}
	cost := 0.0
	for _, st := range stakes {
		c := &lp.cands[st.cand]
		cost += c.theta + c.kappa*st.stake
		if withPioneer && c.reward {
			cost -= lg.lamL
		}
	}
	return cost
}

// membersFill is the funding bound: row (1), Σ s_f = 1 over the members,
// priced at g. At that price a member's cost θ'_f + κ_f·s_f is at least
// θ'_f + min((κ_f − g)·low_f, (κ_f − g)·cap_f), low_f its least stake, so
// every coalition costs at least g plus the sum of these over its members.
// Unlike the fill's supporting lines, the stake above the least comes from
// the members alone, up to their caps: where the firms that are cheap at
// these prices have little room, or are not members, this bound is the
// larger. It is concave in g, so it is read at the candidates' κ (its
// kinks' abscissae), ascending, by bisection on that unimodal sequence.
func (lp *lagProject) membersFill(lg *lagrangian, kmin int, withPioneer bool) (float64, lagChoice) {
	gs := lp.kinks[:0]
	for k := 0; ; k++ {
		i := lp.byKappa.at(k)
		if i < 0 {
			break
		}
		if c := &lp.cands[i]; c.allowed(withPioneer) && (len(gs) == 0 || c.kappa > gs[len(gs)-1]) {
			gs = append(gs, c.kappa)
		}
	}
	lp.kinks = gs
	if len(gs) == 0 {
		return math.Inf(-1), lagChoice{}
	}
	pts := slices.Grow(lp.kinkVals[:0], len(gs))[:len(gs)]
	clear(pts)
	lp.kinkVals = pts
	at := func(j int) float64 {
		if !pts[j].ok {
			v, ch := lp.choose(lg, kmin, gs[j], gs[j], withPioneer, true)
			pts[j] = kinkValue{v, ch, true}
		}
		return pts[j].v
	}
	lo, hi := 0, len(gs)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if at(mid) < at(mid+1) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	at(lo)
	return pts[lo].v, pts[lo].ch
}

// kinkValue is membersFill's bound at one price and its coalition (ok:
// computed).
type kinkValue struct {
	v  float64
	ch lagChoice
	ok bool
}

// fill returns F(r) and a subgradient of F at r: the cheapest way to
// place r of stake in the room above s_min of the candidates allowed in
// the pioneer case, cheapest κ first (byKappa). The subgradient is the κ
// of the candidate whose room the fill ends in (the first candidate's at
// r = 0): F's left derivative, so the line through F(r) with that slope is
// below F on the whole of [0, room], on both sides of r (the next
// candidate's κ, F's right derivative where a room ends, is not when the
// fill ends inside a room). Beyond all the room F follows that slope.
func (lp *lagProject) fill(r, smin float64, withPioneer bool) (float64, float64) {
	cost, left, slope, started := 0.0, r, 0.0, false
	for k := 0; ; k++ {
		i := lp.byKappa.at(k)
		if i < 0 {
			break
		}
		c := &lp.cands[i]
		if !c.allowed(withPioneer) {
			continue
		}
		if !started {
			slope, started = c.kappa, true
		}
		if left <= 1e-12 {
			return cost, slope
		}
		take := math.Min(left, math.Max(0, c.cap-smin))
		if take > 0 {
			slope = c.kappa
		}
		cost += c.kappa * take
		left -= take
	}
	return cost + slope*math.Max(0, left), slope
}

// lagReq is a requirement on a coalition's members: one of a role, or one
// of Π_p. bit is the requirement's bit of lagCand.meets (zero for a role
// no candidate has: no member meets it).
type lagReq struct {
	bit uint64
}

// pioneerBit is the bit of lagCand.meets that marks a pioneer of Π_p.
const pioneerBit = uint64(1) << 63

// met reports whether candidate c meets r.
func (r lagReq) met(c *lagCand) bool { return c.meets&r.bit != 0 }

// indexRoles numbers the candidates' distinct roles, sets each candidate's
// requirement bits and counts the candidates per bit. The roles are
// validated to a handful (model.Role), far below the 63 bits.
func (lp *lagProject) indexRoles() {
	lp.roles = lp.roles[:0]
	for i := range lp.cands {
		c := &lp.cands[i]
		j := slices.Index(lp.roles, c.role)
		if j < 0 && len(lp.roles) < 63 {
			j = len(lp.roles)
			lp.roles = append(lp.roles, c.role)
		}
		c.meets = 0
		if j >= 0 {
			c.meets = 1 << j
		}
		if c.pioneer {
			c.meets |= pioneerBit
		}
	}
	lp.meetCount = make([]int, len(lp.roles)+1)
	lp.meetOrder = make([]lazyOrder, len(lp.roles)+1)
	lp.meetBuilt = make([]bool, len(lp.roles)+1)
	for i := range lp.cands {
		for j := range lp.meetCount {
			if lp.cands[i].meets&lp.bitAt(j) != 0 {
				lp.meetCount[j]++
			}
		}
	}
}

// bitAt is the requirement bit of entry j of meetCount and meetOrder.
func (lp *lagProject) bitAt(j int) uint64 {
	if j == len(lp.roles) {
		return pioneerBit
	}
	return 1 << j
}

// slot is the entry of meetCount and meetOrder of requirement r, -1 for a
// role no candidate has.
func (lp *lagProject) slot(r lagReq) int {
	if r.bit == pioneerBit {
		return len(lp.roles)
	}
	for j := range lp.roles {
		if r.bit == 1<<j {
			return j
		}
	}
	return -1
}

// roleReq is the requirement of a member of role r.
func (lp *lagProject) roleReq(r model.Role) lagReq {
	if j := slices.Index(lp.roles, r); j >= 0 {
		return lagReq{bit: 1 << j}
	}
	return lagReq{}
}

// meeting returns the candidates of byE that meet r, in its order (nil:
// none), built once per orderByE.
func (lp *lagProject) meeting(r lagReq) *lazyOrder {
	j := lp.slot(r)
	if j < 0 {
		return nil
	}
	if !lp.meetBuilt[j] {
		lp.orderInto(&lp.meetOrder[j], r.bit)
		lp.meetBuilt[j] = true
	}
	return &lp.meetOrder[j]
}

// orderByE starts byE, by the candidates' current e: those of finite e
// (the others are not allowed in the case), cheapest first.
func (lp *lagProject) orderByE() *lazyOrder {
	lp.orderInto(&lp.byE, 0)
	clear(lp.meetBuilt)
	return &lp.byE
}

// orderInto starts o with the candidates of finite e that have a bit of
// bits (zero: every candidate), by e, then κ, then index.
func (lp *lagProject) orderInto(o *lazyOrder, bits uint64) {
	o.clear()
	for i := range lp.cands {
		if c := &lp.cands[i]; (bits == 0 || c.meets&bits != 0) && !math.IsInf(c.e, 1) {
			o.add(i, c.e, c.kappa)
		}
	}
	o.build()
}

// choose returns the least relaxed cost over leads and member sets in one
// pioneer case, given the constant part base and the fill slope g. With
// toCap (membersFill), g prices the funding row instead: a member whose κ
// is below it holds its cap, the others their least stake.
func (lp *lagProject) choose(lg *lagrangian, kmin int, base, g float64, withPioneer, toCap bool) (float64, lagChoice) {
	smin := lg.smin
	best := math.Inf(1)
	var bestCh lagChoice
	for i := range lp.cands {
		c := &lp.cands[i]
		c.e = c.theta + (c.kappa-g)*smin
		if toCap {
			c.e = c.theta + math.Min((c.kappa-g)*smin, (c.kappa-g)*c.cap)
		}
		switch {
		case !c.allowed(withPioneer):
			c.e = math.Inf(1)
		case withPioneer && c.reward:
			c.e -= lg.lamL
		}
	}
	order := lp.orderByE()
	memo := lp.memo[:0]
	try := func(lead int) {
		v := base
		if lead >= 0 {
			l := &lp.cands[lead]
			if toCap {
				v += l.theta + math.Min((l.kappa-g)*lp.sigma, (l.kappa-g)*l.cap)
			} else {
				v += l.theta + l.kappa*lp.sigma
			}
			if withPioneer && l.reward {
				v -= lg.lamL // a learning-reward lead (an SME where a mode's lead role is sme)
			}
		}
		reqs := lp.leadReqs(lead, withPioneer)
		var s float64
		var members []int
		if lead >= 0 && len(reqs) <= 2 {
			// The best set over every candidate is the best without the
			// lead whenever the lead is not in it, and it depends on the
			// lead only through the requirements the lead meets.
			key := lp.cands[lead].meets
			k := slices.IndexFunc(memo, func(m coverMemo) bool { return m.key == key })
			if k < 0 {
				mv, mm := lp.pick(order, -1, kmin, lp.kmax, reqs)
				memo = append(memo, coverMemo{key: key, value: mv, members: mm})
				k = len(memo) - 1
			}
			s, members = memo[k].value, memo[k].members
			if slicesContains(members, lead) {
				s, members = lp.pick(order, lead, kmin, lp.kmax, reqs)
			}
		} else {
			s, members = lp.pick(order, lead, kmin, lp.kmax, reqs)
		}
		if v+s < best {
			best = v + s
			bestCh = lagChoice{lead: lead, members: members, ok: true}
		}
	}
	if !lp.lead {
		try(-1)
	} else {
		for i := range lp.cands {
			if c := &lp.cands[i]; c.canLead && c.allowed(withPioneer) {
				try(i)
			}
		}
	}
	lp.memo = memo
	return best, bestCh
}

// compareBy orders by x, ties by index: a total order, so sorting with it
// gives one result whatever the starting order.
func compareBy(x, y float64, i, j int) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case i < j:
		return -1
	case i > j:
		return 1
	}
	return 0
}

// coverMemo is the best member set over every candidate for the
// requirements of leads with one key: the requirement bits the lead meets
// (lagCand.meets), all the requirements depend on in the lead.
type coverMemo struct {
	key     uint64
	value   float64
	members []int
}

// leadReqs returns the requirements the members must meet besides the lead
// (-1: none): each required role the lead does not have, and a pioneer of
// Π_p when one must be present and the lead is not one. The slice is
// scratch, valid until the next call.
func (lp *lagProject) leadReqs(lead int, withPioneer bool) []lagReq {
	reqs := lp.reqBuf[:0]
	for _, r := range lp.reqs {
		req := lp.roleReq(r)
		if lead >= 0 && req.met(&lp.cands[lead]) {
			continue
		}
		reqs = append(reqs, req)
	}
	if withPioneer && (lead < 0 || !lp.cands[lead].pioneer) {
		reqs = append(reqs, lagReq{bit: pioneerBit})
	}
	lp.reqBuf = reqs
	return reqs
}

// pick chooses members (candidates other than skip) minimising Σ e under
// kmin ≤ count ≤ kmax, each requirement of reqs met by some member. With
// one or two requirements the choice is exact (see cover). With more, each
// is enforced alone and the largest of those values (each a lower bound)
// is returned. +Inf means no member set exists.
func (lp *lagProject) pick(order *lazyOrder, skip, kmin, kmax int, reqs []lagReq) (float64, []int) {
	if kmin > kmax {
		return math.Inf(1), nil
	}
	excl := []int{skip}
	if len(reqs) <= 2 {
		return lp.cover(order, excl, kmin, kmax, reqs)
	}
	best, members := math.Inf(-1), []int(nil)
	for _, req := range reqs {
		v, m := lp.cover(order, excl, kmin, kmax, []lagReq{req})
		if math.IsInf(v, 1) {
			return v, nil
		}
		if v > best {
			best, members = v, m
		}
	}
	return best, members
}

// cover returns the least Σ e of a member set outside excl with lo ≤ count
// ≤ hi that meets every requirement of reqs, exactly: the greedy set (every
// candidate of negative e, cheapest first, at least lo, at most hi) if it
// meets them; else some member c meets the first unmet requirement, and
// the best set with c is c plus the best set of the others, without c,
// meeting every requirement c does not. With a single requirement, c is
// its cheapest candidate (none is in the greedy set, so the others are the
// same for each); with more, the candidates of the unmet requirement with
// fewest are tried, cheapest first, while their e plus the best
// unconstrained rest can still beat the best set found.
func (lp *lagProject) cover(order *lazyOrder, excl []int, lo, hi int, reqs []lagReq) (float64, []int) {
	gs, gm, ok := lp.greedyFrom(order, excl, lo, hi)
	if !ok {
		return math.Inf(1), nil
	}
	var unmet []lagReq
	for _, req := range reqs {
		met := false
		for _, i := range gm {
			met = met || req.met(&lp.cands[i])
		}
		if !met {
			unmet = append(unmet, req)
		}
	}
	if len(unmet) == 0 {
		return gs, gm
	}
	if hi < 1 {
		return math.Inf(1), nil
	}
	// Enumerate the unmet requirement with the fewest candidates (the
	// pioneers, typically). order is by e, so no candidate after one whose
	// e plus the best unconstrained rest reaches best can do better.
	first, fewest := 0, math.MaxInt
	for k, req := range unmet {
		n := 0
		if j := lp.slot(req); j >= 0 {
			n = lp.meetCount[j]
		}
		if n < fewest {
			first, fewest = k, n
		}
	}
	restLow, _, ok := lp.greedyFrom(order, excl, max(lo-1, 0), hi-1)
	if !ok {
		return math.Inf(1), nil
	}
	best, members := math.Inf(1), []int(nil)
	meet := lp.meeting(unmet[first])
	for k := 0; meet != nil; k++ {
		c := meet.at(k)
		if c < 0 {
			break
		}
		cand := &lp.cands[c]
		if cand.e+restLow >= best {
			break
		}
		if math.IsInf(cand.e, 1) || slicesContains(excl, c) {
			continue
		}
		// The others must meet every requirement c does not.
		var rest []lagReq
		for _, req := range reqs {
			if !req.met(cand) {
				rest = append(rest, req)
			}
		}
		v, m := lp.cover(order, append(excl[:len(excl):len(excl)], c), max(lo-1, 0), hi-1, rest)
		if v += cand.e; v < best {
			best, members = v, append([]int{c}, m...)
		}
		if len(reqs) == 1 {
			break // the cheapest candidate of the only requirement
		}
	}
	return best, members
}

// greedyFrom returns the greedy member set outside excl: candidates in
// order (cheapest e first) while fewer than lo are taken or e is negative,
// at most hi; ok is false when fewer than lo can be taken.
func (lp *lagProject) greedyFrom(order *lazyOrder, excl []int, lo, hi int) (float64, []int, bool) {
	sum, n := 0.0, 0
	var out []int
	for k := 0; ; k++ {
		i := order.at(k)
		if i < 0 {
			break
		}
		if slicesContains(excl, i) {
			continue
		}
		e := lp.cands[i].e
		if n >= hi || (n >= lo && e >= 0) {
			break
		}
		if math.IsInf(e, 1) {
			return math.Inf(1), nil, false
		}
		sum += e
		out = append(out, i)
		n++
	}
	if n < lo {
		return math.Inf(1), nil, false
	}
	return sum, out, true
}

// slicesContains reports whether v is in the short list s.
func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// memberStakes gives the chosen coalition's lead σ and its other members
// s_min, then what is left to the cheapest κ among them, up to their caps.
// It returns the stakes (the lead first) and what is still left: > 0 when
// the members cannot hold the whole cost, < 0 when their least stakes
// exceed it.
func (lp *lagProject) memberStakes(smin float64, ch lagChoice) ([]candStake, float64) {
	var out []candStake
	left := 1.0
	if ch.lead >= 0 {
		out = append(out, candStake{cand: ch.lead, stake: lp.sigma, x: 1})
		left -= lp.sigma
	}
	for _, i := range ch.members {
		out = append(out, candStake{cand: i, stake: smin, x: 1})
		left -= smin
	}
	members := make([]int, len(out))
	for j := range out {
		members[j] = j
	}
	slices.SortFunc(members, func(a, b int) int {
		ca, cb := out[a].cand, out[b].cand
		return compareBy(lp.cands[ca].kappa, lp.cands[cb].kappa, ca, cb)
	})
	for _, j := range members {
		if left <= 1e-12 {
			break
		}
		add := math.Min(left, math.Max(0, lp.cands[out[j].cand].cap-out[j].stake))
		out[j].stake += add
		left -= add
	}
	return out, left
}

// stakes spreads the chosen coalition's stakes as the relaxation does:
// the lead at σ, members at s_min, the rest to the cheapest room (members
// first, then other candidates, counted fractionally).
func (lp *lagProject) stakes(smin float64, ch lagChoice) []candStake {
	out, left := lp.memberStakes(smin, ch)
	in := make(map[int]bool, len(out))
	for _, st := range out {
		in[st.cand] = true
	}
	// Then the other candidates, by κ (byKappa of this iterate).
	for k := 0; left > 1e-12; k++ {
		i := lp.byKappa.at(k)
		if i < 0 {
			break
		}
		if in[i] {
			continue
		}
		if c := &lp.cands[i]; c.cap > 0 {
			add := math.Min(left, c.cap)
			out = append(out, candStake{cand: i, stake: add, x: add / c.cap})
			left -= add
		}
	}
	return out
}

// Subgradient parameters (see docs/algorithm.md).
const (
	// lagParallelMin: from this many opportunities on, each evaluation
	// spreads them over up to lagMaxWorkers goroutines (one per core).
	lagParallelMin = 32
	lagMaxWorkers  = 4

	lagMaxIter  = 2000
	lagPatience = 30 // iterations without progress before the step halves
)

// LagrangianBound returns a lower bound on Z from the Lagrangian dual over
// the firm-coupling rows, maximised by subgradient steps (Polyak's rule
// towards upper, the best known objective, when hasUpper) until the step
// vanishes, lagMaxIter iterations, the deadline (zero: none) or ctx ends.
// Every iterate's value is a valid bound; the best is returned (-Inf when
// no opportunity can run and there is nothing to bound... see below).
func (fm *Formulation) LagrangianBound(ctx context.Context, upper float64, hasUpper bool, deadline time.Time) float64 {
	lg := newLagrangian(fm)
	return lg.maximise(ctx, upper, hasUpper, deadline)
}

// order returns the opportunities (indices into Formulation.Y) in the
// order the relaxation ranks them: those it takes first, then by value at
// the prices.
func (lg *lagrangian) order(pr primal) []int {
	idx := make([]int, len(lg.projects))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ia, ib := idx[a], idx[b]
		if pr.taken[ia] != pr.taken[ib] {
			return pr.taken[ia]
		}
		return pr.vals[ia] > pr.vals[ib]
	})
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = lg.projects[i].p
	}
	return out
}

// maximise moves the multipliers by subgradient steps (see
// LagrangianBound) and returns the best dual value found. A second call
// resumes from the multipliers of the best iterate so far, with a fresh
// step and direction, and reports (onBound) only values above the best of
// the earlier calls.
func (lg *lagrangian) maximise(ctx context.Context, upper float64, hasUpper bool, deadline time.Time) float64 {
	return lg.maximiseFrom(ctx, &lg.bestMult, upper, hasUpper, deadline, false)
}

// above reports whether v is above best (-Inf: none yet) by more than the
// dual's relative tolerance.
func above(v, best float64) bool {
	return math.IsInf(best, -1) || v > best+1e-9*math.Max(1, math.Abs(best))
}

// maximiseFrom is maximise from the multipliers start (none saved: the
// current ones); the best iterate is still the best over every run. With
// own, the step halves while the run does not pass its own best (a start
// far below the best so far climbs before it can pass it); without, while
// it does not pass the best of every run.
func (lg *lagrangian) maximiseFrom(ctx context.Context, start *multipliers, upper float64, hasUpper bool, deadline time.Time, own bool) float64 {
	best := math.Inf(-1)
	if lg.best.vals != nil {
		best = lg.best.value
	}
	runBest := best
	if own {
		runBest = math.Inf(-1)
	}
	start.restore(lg)
	step := 2.0
	idle := 0
	var prev direction
	lg.cut = false
	// The guide serves the search over the model's columns: a
	// formulation without them (province size) keeps none.
	var run *lagGuide
	if lg.fm.Prob != nil {
		run = newLagGuide(len(lg.fm.Y))
	}
	defer func() {
		if run != nil && run.iterates >= lagGuideMinIterates {
			lg.guide = run
		}
	}()
	for it := 0; it < lagMaxIter; it++ {
		if ctx.Err() != nil || (!deadline.IsZero() && time.Now().After(deadline)) {
			lg.cut = true
			break
		}
		pr := lg.evaluate()
		run.add(lg, pr)
		if lg.hook != nil {
			if u, ok := lg.hook(it, pr); ok && (!hasUpper || u < upper) {
				upper, hasUpper = u, true
			}
		}
		if lg.known != nil {
			if u, ok := lg.known(); ok && (!hasUpper || u < upper) {
				upper, hasUpper = u, true
			}
		}
		if above(pr.value, best) {
			best = pr.value
			lg.best = pr
			lg.bestMult.save(lg)
			lg.pool.add(pr.members)
			lg.rises++
			if lg.onBound != nil {
				lg.onBound(best)
			}
		}
		if above(pr.value, runBest) {
			runBest, idle = pr.value, 0
		} else if idle++; idle >= lagPatience {
			step, idle = step/2, 0
			if step < 1e-3 {
				break
			}
		}
		g := lg.subgradient(pr)
		if g.norm2() < 1e-18 {
			break // the relaxation's solution satisfies every dualized row
		}
		d := g.deflect(&prev)
		target := upper
		if !hasUpper || upper <= best {
			target = best + 0.05*math.Max(1, math.Abs(best))
		}
		lg.move(step*(target-pr.value)/d.norm2(), d, pr)
		prev = d
	}
	return best
}

// lagDeflection weighs the previous direction in the next one
// (d = g + lagDeflection·d_prev): it damps the zigzag of plain subgradient
// steps across the CVaR and budget rows of firms whose limits bind.
const lagDeflection = 0.5

// direction holds a step direction in the scaled rows: per firm, budget
// (mu), CVaR (rho), project count (theta) and row 16 (nu); then the
// credit line, the market-power and the SME targets.
type direction struct {
	mu, rho, theta, nu []float64
	gamma, phi, zeta   float64
}

// norm2 is the squared Euclidean norm.
func (d *direction) norm2() float64 {
	n := d.gamma*d.gamma + d.phi*d.phi + d.zeta*d.zeta
	for _, v := range [][]float64{d.mu, d.rho, d.theta, d.nu} {
		for _, x := range v {
			n += x * x
		}
	}
	return n
}

// deflect returns g + lagDeflection·prev (g itself when prev is empty, on
// the first step of a run), in place of g.
func (g direction) deflect(prev *direction) direction {
	if prev.mu == nil {
		return g
	}
	add := func(v, pv []float64) {
		for f := range v {
			v[f] += lagDeflection * pv[f]
		}
	}
	add(g.mu, prev.mu)
	add(g.rho, prev.rho)
	add(g.theta, prev.theta)
	add(g.nu, prev.nu)
	g.gamma += lagDeflection * prev.gamma
	g.phi += lagDeflection * prev.phi
	g.zeta += lagDeflection * prev.zeta
	return g
}

// subgradient returns the subgradient of the dual function at the
// relaxation's solution pr, in the scaled rows.
func (lg *lagrangian) subgradient(pr primal) direction {
	n := len(lg.firms)
	g := direction{mu: make([]float64, n), rho: make([]float64, n), theta: make([]float64, n), nu: make([]float64, n)}
	credit := 0.0
	for f := range lg.firms {
		lf := &lg.firms[f]
		if lf.budget {
			g.mu[f] = (pr.spend[f] - pr.credit[f] - lf.capital) / lf.capital
			credit += pr.credit[f]
		}
		if lf.cvar {
			ql := 0.0
			for k, l := range pr.loss[f] {
				ql += lf.q[k] * l
			}
			g.rho[f] = (ql - lf.risk) / lf.risk
		}
		if lf.projects >= 0 {
			g.theta[f] = pr.count[f] - float64(lf.projects)
		}
		if lf.fair {
			g.nu[f] = (lf.outside - pr.ret[f]) / lf.fairScale
			if lg.nu[f] == 0 && g.nu[f] < 0 {
				g.nu[f] = 0 // projected: ν_f stays at 0, so the step ignores it
			}
		}
	}
	if lg.creditRow {
		g.gamma = (credit - lg.creditLine) / math.Max(lg.creditLine, 1)
	}
	if lg.powerTarget > 0 {
		g.phi = (lg.powerTarget - pr.power) / lg.powerTarget
	}
	if lg.smeTarget > 0 {
		g.zeta = (lg.smeTarget - pr.smes) / lg.smeTarget
	}
	return g
}

// move takes a step of length t along d (multipliers projected on ≥ 0)
// and moves each CVaR envelope point to the worst case of the
// relaxation's loss.
func (lg *lagrangian) move(t float64, d direction, pr primal) {
	for f := range lg.firms {
		lg.mu[f] = math.Max(0, lg.mu[f]+t*d.mu[f])
		lg.rho[f] = math.Max(0, lg.rho[f]+t*d.rho[f])
		lg.theta[f] = math.Max(0, lg.theta[f]+t*d.theta[f])
		lg.nu[f] = math.Max(0, lg.nu[f]+t*d.nu[f])
		if lf := &lg.firms[f]; lf.cvar && pr.loss[f] != nil {
			lf.q = envelope(pr.loss[f], lg.fm.D.Probs, lg.alpha, lf.q)
		}
	}
	lg.gamma = math.Max(0, lg.gamma+t*d.gamma)
	lg.phi = math.Max(0, lg.phi+t*d.phi)
	lg.zeta = math.Max(0, lg.zeta+t*d.zeta)
}

// bestFixings returns the fixings (see fixings) at the best iterate so
// far against upper.
func (lg *lagrangian) bestFixings(upper float64) []int8 {
	lg.lastVals = lg.best.vals
	return lg.fixings(lg.best, upper)
}

// fixings returns, at the multipliers of iterate pr (value pr.value, a
// lower bound), the opportunities that no plan better than upper can take
// (out[p] = -1) or leave out (out[p] = +1), indexed like Formulation.Y.
// Forcing y_p the other way raises the relaxation's value by Δ_p,
// computed exactly on the market subproblem; when pr.value + Δ_p exceeds
// upper, every plan with y_p that way is worse than upper. A plan with
// objective upper is never excluded (the inequality is strict).
func (lg *lagrangian) fixings(pr primal, upper float64) []int8 {
	in := lg.fm.D.Inst
	out := make([]int8, len(lg.fm.Y))
	tol := 1e-7 * math.Max(1, math.Abs(upper))
	// Group values as evaluate computes them.
	groupBest := make([]float64, len(lg.groups))
	marketValue := make([]float64, len(in.Markets))
	sorted := make([][]int, len(lg.groups))
	for g := range lg.groups {
		idx := lg.rankGroup(g, pr.vals)
		sorted[g] = idx
		groupBest[g] = lg.groupValue(g, idx, -1, -1)
		marketValue[lg.groupMkt[g]] += groupBest[g]
	}
	for g, idx := range sorted {
		m := lg.groupMkt[g]
		info := in.Markets[m].InfoCost
		now := math.Max(0, marketValue[m]-info)
		for _, i := range idx {
			p := lg.projects[i].p
			if math.IsInf(pr.vals[i], -1) {
				out[p] = -1 // no coalition can fund it
				continue
			}
			if pr.taken[i] {
				// Forced out: the group without i, the market may stay out.
				alt := marketValue[m] - groupBest[g] + lg.groupValue(g, idx, i, -1)
				if pr.value+(now-math.Max(0, alt-info)) > upper+tol {
					out[p] = 1
				}
				continue
			}
			// Forced in: the group with i, and the market entered.
			alt := marketValue[m] - groupBest[g] + lg.groupValue(g, idx, -1, i)
			if pr.value+(now-(alt-info)) > upper+tol {
				out[p] = -1
			}
		}
	}
	return out
}

// groupValue is the best value of group g's opportunities (idx sorted by
// value, descending, from the last evaluate) with dissipation beyond
// capacity, without skip and with force (-1: none) in the set. Dissipation
// depends only on how many are taken, so the best set with force is force
// plus a prefix of the others.
func (lg *lagrangian) groupValue(g int, idx []int, skip, force int) float64 {
	others := make([]int, 0, len(idx))
	for _, i := range idx {
		if i != skip && i != force {
			others = append(others, i)
		}
	}
	dissipation := lg.fm.D.Inst.Markets[lg.groupMkt[g]].Dissipation
	val := func(j int) float64 { return lg.lastVals[others[j]] }
	if force < 0 {
		best, _ := bestPrefix(len(others), val, lg.groupCap[g], dissipation)
		return best
	}
	head := lg.lastVals[force]
	if lg.groupCap[g] < 1 {
		head -= dissipation
	}
	best, _ := bestPrefix(len(others), val, lg.groupCap[g]-1, dissipation)
	return head + best
}

// rankGroup returns group g's opportunities by vals, best first (ties in
// the group's order).
func (lg *lagrangian) rankGroup(g int, vals []float64) []int {
	idx := append([]int(nil), lg.groups[g]...)
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	return idx
}

// bestPrefix returns the best value of taking the first count of n values
// (val(j), sorted best first) for some count ≥ 0, where each one beyond
// capacity also pays dissipation, and the least count that attains it.
// It stops at a value of -Inf (that opportunity cannot run). Used by the
// uncoupled bound and by the Lagrangian's market subproblem.
func bestPrefix(n int, val func(j int) float64, capacity int, dissipation float64) (float64, int) {
	best, run, count := 0.0, 0.0, 0
	for j := 0; j < n; j++ {
		v := val(j)
		if math.IsInf(v, -1) {
			break
		}
		run += v
		if j >= capacity {
			run -= dissipation
		}
		if run > best {
			best, count = run, j+1
		}
	}
	return best, count
}
