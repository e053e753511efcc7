package cluster

import (
	"context"
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// Greedy builds a feasible plan quickly, or returns nil when it finds none
// that meets the targets. It takes opportunities in order of their value to
// the cluster, forms each coalition lead first, then required roles, a
// pioneer when learning pays, then partners by the stake they can still
// hold (budget, credit and CVaR checked exactly), and splits the cost in
// proportion to that headroom. It then repairs unmet targets: more market
// power by the cheapest projects per point, SMEs added to coalitions.
func Greedy(fm *Formulation) *model.Assignment {
	return GreedyContext(context.Background(), fm)
}

// GreedyContext is Greedy that stops soon after ctx ends: it then returns
// the plan built so far when that meets the targets (every step keeps the
// plan feasible), else nil. On province-size clusters it takes seconds;
// Solve's heartbeat keeps progress coming meanwhile.
func GreedyContext(ctx context.Context, fm *Formulation) *model.Assignment {
	g := newGreedy(fm)
	g.ctx = ctx
	return g.run(g.valueOrder())
}

// run builds the plan (see build) and returns it when it meets the
// targets, else nil.
func (g *greedy) run(order []int) *model.Assignment {
	g.build(order)
	if !g.targetsMet() || !g.fairMet() {
		return nil
	}
	return g.assignment()
}

// build takes the forced opportunities (and, under constraint 16, the
// independent baseline's projects), then the others in order (two add
// passes, dropping losers and adding again up to three times), then
// repairs the targets and constraint 16 as far as it can.
func (g *greedy) build(order []int) {
	for _, p := range g.fm.Forced {
		g.tryTake(p, true)
	}
	g.seedFair()
	g.addPass(order)
	g.addPass(order) // market entries of the first pass make more pay
	for round := 0; round < 3 && g.dropLosers(); round++ {
		g.addPass(order)
	}
	g.repairMarketPower()
	g.repairSMEs()
	g.repairFairness()
}

// stopped reports whether the context has ended (then every loop of the
// greedy winds down, leaving a consistent plan).
func (g *greedy) stopped() bool {
	if g.ctx == nil {
		return false
	}
	return g.ctx.Err() != nil
}

// addPass tries every opportunity not taken, in order.
func (g *greedy) addPass(order []int) {
	for _, p := range order {
		if g.stopped() {
			return
		}
		if !g.taken[p] {
			g.tryTake(p, false)
		}
	}
}

type greedy struct {
	fm      *Formulation
	d       *model.Derived
	spend   []float64
	credit  []float64
	lineUse float64
	losses  [][]float64
	count   []int
	entered []bool
	group   map[[2]string]int
	taken   []bool
	members [][]model.Stake // per opportunity
	lead    []int
	removed []removal
	// prefer, when not nil, lists per opportunity the firms a coalition
	// should take first (the Lagrangian relaxation's coalition).
	prefer [][]int
	// ctx, when set, stops the loops (see stopped).
	ctx context.Context
}

func newGreedy(fm *Formulation) *greedy {
	in := fm.D.Inst
	g := &greedy{fm: fm, d: fm.D,
		spend: make([]float64, len(in.Firms)), credit: make([]float64, len(in.Firms)),
		losses: make([][]float64, len(in.Firms)), count: make([]int, len(in.Firms)),
		entered: make([]bool, len(in.Markets)), group: map[[2]string]int{},
		taken: make([]bool, len(in.Opportunities)), members: make([][]model.Stake, len(in.Opportunities)),
		lead: fill(len(in.Opportunities))}
	for f := range g.losses {
		g.losses[f] = make([]float64, len(in.Scenarios))
	}
	return g
}

// gain is the objective decrease from y_p alone (value, subsidy, market power).
func (g *greedy) gain(p int) float64 {
	return g.fm.Gain[p]
}

// marginal is gain minus the info cost and dissipation taking p adds now.
func (g *greedy) marginal(p int) float64 {
	in := g.d.Inst
	o := &in.Opportunities[p]
	m := g.d.Market[o.Market]
	v := g.gain(p)
	if !g.entered[m] {
		v -= in.Markets[m].InfoCost
	}
	if g.group[[2]string{o.Market, o.Segment}] >= in.Markets[m].Cap(o.Segment) {
		v -= in.Markets[m].Dissipation
	}
	return v
}

func (g *greedy) valueOrder() []int {
	var order []int
	for p, y := range g.fm.Y {
		if y != none {
			order = append(order, p)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return g.gain(order[i]) > g.gain(order[j]) })
	return order
}

// headroom returns the largest stake firm f can add in p now.
func (g *greedy) headroom(pc *PairCols, p int, useLine bool) float64 {
	in := g.d.Inst
	f := pc.Firm
	firm := &in.Firms[f]
	if firm.MaxProjects != nil && g.count[f] >= *firm.MaxProjects {
		return 0
	}
	return g.stakeRoom(pc, p, useLine)
}

// stakeRoom is headroom without the project count: the largest stake
// firm f can add in p now within its budget, credit and risk limit.
func (g *greedy) stakeRoom(pc *PairCols, p int, useLine bool) float64 {
	in := g.d.Inst
	f := pc.Firm
	firm := &in.Firms[f]
	a := g.d.NetCost[p]
	creditCap := g.credit[f]
	if useLine && g.fm.C[f] != none {
		creditCap = math.Min(g.fm.CreditCap[f], g.credit[f]+in.Policy.CreditLine-g.lineUse)
	}
	h := math.Min(pc.MaxStake, (firm.Capital+creditCap-g.spend[f])/a)
	if h <= 0 {
		return 0
	}
	alpha := in.Policy.Alpha()
	nK := len(in.Scenarios)
	buf := make([]float64, 2*nK)
	add, loss := buf[:nK], buf[nK:]
	for k := range loss {
		loss[k] = g.d.Loss(p, k)
	}
	risk := func(s float64) float64 {
		for k := range add {
			add[k] = g.losses[f][k] + s*loss[k]
		}
		return model.CVaR(add, g.d.Probs, alpha)
	}
	limit := firm.RiskLimit * (1 - 1e-9)
	if risk(h) <= limit {
		return h
	}
	lo, hi := 0.0, h
	if risk(0) > limit {
		return 0
	}
	for i := 0; i < 50 && hi-lo > 1e-10; i++ {
		mid := (lo + hi) / 2
		if risk(mid) <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

func indexOfFirm(pairs []PairCols, f int) int {
	for i := range pairs {
		if pairs[i].Firm == f {
			return i
		}
	}
	return -1
}

// tryTake adds p when a coalition exists and (unless always) it pays.
func (g *greedy) tryTake(p int, always bool) bool {
	return g.tryTakeWith(p, -1, always)
}

func (g *greedy) tryTakeWith(p, force int, always bool) bool {
	if !always && g.marginal(p) <= 0 && g.d.Inst.Objective.LearningValue == 0 {
		return false
	}
	for _, useLine := range []bool{true, false} {
		stakes, lead := g.coalition(p, force, useLine)
		if stakes == nil {
			continue
		}
		if !always && g.marginal(p)+g.d.Inst.Objective.LearningValue*float64(g.rewards(p, stakes)) <= 0 {
			return false
		}
		if g.apply(p, stakes, lead) {
			return true
		}
	}
	return false
}

// rewards counts the learning-reward participations of a coalition.
func (g *greedy) rewards(p int, stakes []model.Stake) int {
	member := map[int]bool{}
	for _, s := range stakes {
		member[g.d.Firm[s.Firm]] = true
	}
	return len(g.fm.rewarded(p, member))
}

// apply commits a coalition after drawing credit; it fails (changing
// nothing) when the credit line cannot cover the members' needs.
func (g *greedy) apply(p int, stakes []model.Stake, lead int) bool {
	in := g.d.Inst
	a := g.d.NetCost[p]
	need := 0.0
	draws := make([]float64, len(stakes))
	for i, s := range stakes {
		f := g.d.Firm[s.Firm]
		over := g.spend[f] + s.Stake*a - in.Firms[f].Capital
		if over > g.credit[f] {
			draws[i] = over - g.credit[f]
			need += draws[i]
		}
	}
	if need > 0 && g.lineUse+need > in.Policy.CreditLine*(1-1e-12) {
		return false
	}
	o := &in.Opportunities[p]
	for i, s := range stakes {
		f := g.d.Firm[s.Firm]
		g.spend[f] += s.Stake * a
		g.credit[f] += draws[i]
		g.count[f]++
		for k := range g.losses[f] {
			g.losses[f][k] += s.Stake * g.d.Loss(p, k)
		}
	}
	g.lineUse += need
	g.entered[g.d.Market[o.Market]] = true
	g.group[[2]string{o.Market, o.Segment}]++
	g.taken[p] = true
	g.members[p] = stakes
	g.lead[p] = lead
	return true
}

func (g *greedy) marketPower() float64 {
	s := 0.0
	for p, t := range g.taken {
		if t {
			s += g.d.Inst.Opportunities[p].MarketPower
		}
	}
	return s
}

func (g *greedy) repairMarketPower() {
	in := g.d.Inst
	target := in.Objective.MarketPowerTarget
	if g.marketPower() >= target {
		return
	}
	var cand []int
	for p, y := range g.fm.Y {
		if y != none && !g.taken[p] && in.Opportunities[p].MarketPower > 0 {
			cand = append(cand, p)
		}
	}
	cost := func(p int) float64 { return -g.marginal(p) / in.Opportunities[p].MarketPower }
	sort.SliceStable(cand, func(i, j int) bool { return cost(cand[i]) < cost(cand[j]) })
	for _, p := range cand {
		if g.marketPower() >= target-1e-9*math.Max(1, target) || g.stopped() {
			return
		}
		g.tryTake(p, true)
	}
}

func (g *greedy) smesTaking() int {
	n := 0
	for _, f := range g.d.SMEs {
		if g.count[f] > 0 {
			n++
		}
	}
	return n
}

// repairSMEs brings SMEs into the plan until the participation target
// holds: first into taken projects (taking the minimum stake from a member
// with room to give it), then through new projects built around them.
func (g *greedy) repairSMEs() {
	d := g.d
	for _, f := range d.SMEs {
		if g.smesTaking() >= d.SMETarget || g.stopped() {
			return
		}
		if g.count[f] > 0 {
			continue
		}
		if !g.joinTaken(f) {
			for p, y := range g.fm.Y {
				if g.stopped() {
					return
				}
				if y != none && !g.taken[p] && g.tryTakeWith(p, f, true) {
					break
				}
			}
		}
	}
}

// joinTaken adds SME f with the minimum stake to a taken project.
func (g *greedy) joinTaken(f int) bool {
	d := g.d
	in := d.Inst
	for p, t := range g.taken {
		if !t {
			continue
		}
		o := &in.Opportunities[p]
		pc := g.fm.pair(p, f)
		if pc == nil || (o.MaxPartners != nil && len(g.members[p]) >= *o.MaxPartners) {
			continue
		}
		member := map[int]bool{}
		for _, s := range g.members[p] {
			member[d.Firm[s.Firm]] = true
		}
		if pc.Learning {
			ok := false
			for _, q := range g.fm.Pairs[p] {
				ok = ok || (member[q.Firm] && q.Pioneer)
			}
			if !ok {
				continue
			}
		}
		if g.headroom(pc, p, false) < d.MinStake || g.spend[f]+d.MinStake*d.NetCost[p] > in.Firms[f].Capital+g.credit[f] {
			continue
		}
		// A donor keeps at least its lower bound; lowering a stake keeps
		// its budget and CVaR feasible.
		for i, s := range g.members[p] {
			lbnd := d.MinStake
			if d.Firm[s.Firm] == g.lead[p] {
				lbnd = d.LeadStake
			}
			if s.Stake-d.MinStake < lbnd-1e-12 {
				continue
			}
			donor := d.Firm[s.Firm]
			g.members[p][i].Stake -= d.MinStake
			g.spend[donor] -= d.MinStake * d.NetCost[p]
			for k := range g.losses[donor] {
				g.losses[donor][k] -= d.MinStake * d.Loss(p, k)
			}
			g.members[p] = append(g.members[p], model.Stake{Firm: in.Firms[f].ID, Stake: d.MinStake})
			g.spend[f] += d.MinStake * d.NetCost[p]
			g.count[f]++
			for k := range g.losses[f] {
				g.losses[f][k] += d.MinStake * d.Loss(p, k)
			}
			return true
		}
	}
	return false
}

func (g *greedy) targetsMet() bool {
	t := g.d.Inst.Objective.MarketPowerTarget
	return g.marketPower() >= t-1e-9*math.Max(1, t) && g.smesTaking() >= g.d.SMETarget
}

func (g *greedy) assignment() *model.Assignment {
	in := g.d.Inst
	a := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}, Credit: []model.Credit{}}
	for p, t := range g.taken {
		if !t {
			continue
		}
		o := &in.Opportunities[p]
		pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode, Participants: append([]model.Stake(nil), g.members[p]...)}
		if g.lead[p] >= 0 {
			pj.Lead = in.Firms[g.lead[p]].ID
		}
		a.Projects = append(a.Projects, pj)
	}
	for m, e := range g.entered {
		if e {
			a.MarketsEntered = append(a.MarketsEntered, in.Markets[m].ID)
		}
	}
	a.Credit = CreditNeeded(g.d, g.spend)
	g.d.SortAssignment(a)
	return a
}

// slots returns how many more projects firm f may join.
func (g *greedy) slots(f int) int {
	if mp := g.d.Inst.Firms[f].MaxProjects; mp != nil {
		return *mp - g.count[f]
	}
	return math.MaxInt32
}

// contribution is what taken project p adds to −Z now: its gain and
// learning, less the info cost it alone pays for and the dissipation it
// causes beyond capacity.
func (g *greedy) contribution(p int) float64 {
	in := g.d.Inst
	o := &in.Opportunities[p]
	m := g.d.Market[o.Market]
	v := g.gain(p) + in.Objective.LearningValue*float64(g.rewards(p, g.members[p]))
	alone := true
	for q, t := range g.taken {
		if t && q != p && in.Opportunities[q].Market == o.Market {
			alone = false
			break
		}
	}
	if alone {
		v -= in.Markets[m].InfoCost
	}
	if g.group[[2]string{o.Market, o.Segment}] > in.Markets[m].Cap(o.Segment) {
		v -= in.Markets[m].Dissipation
	}
	return v
}

// dropLosers removes, one at a time and worst first, taken projects whose
// contribution is negative, as long as the targets still hold. It reports
// whether it removed any.
func (g *greedy) dropLosers() bool {
	dropped := false
	for !g.stopped() {
		worst, wv := -1, 0.0
		for p, t := range g.taken {
			if !t || g.fm.isForced(p) || g.seeded(p) {
				continue
			}
			if v := g.contribution(p); v < wv-1e-9 {
				worst, wv = p, v
			}
		}
		if worst < 0 {
			return dropped
		}
		g.remove(worst)
		if !g.targetsMet() {
			// Keep it: the targets need it. Put it back exactly.
			g.restore(worst)
			return dropped
		}
		dropped = true
	}
	return dropped
}

// remove undoes apply for project p, returning credit no longer needed.
func (g *greedy) remove(p int) {
	in := g.d.Inst
	a := g.d.NetCost[p]
	o := &in.Opportunities[p]
	for _, s := range g.members[p] {
		f := g.d.Firm[s.Firm]
		g.spend[f] -= s.Stake * a
		g.count[f]--
		for k := range g.losses[f] {
			g.losses[f][k] -= s.Stake * g.d.Loss(p, k)
		}
		if need := math.Max(0, g.spend[f]-in.Firms[f].Capital); need < g.credit[f] {
			g.lineUse -= g.credit[f] - need
			g.credit[f] = need
		}
	}
	g.taken[p] = false
	g.group[[2]string{o.Market, o.Segment}]--
	m := g.d.Market[o.Market]
	g.entered[m] = false
	for q, t := range g.taken {
		if t && in.Opportunities[q].Market == o.Market {
			g.entered[m] = true
			break
		}
	}
	g.removed = append(g.removed, removal{p: p, stakes: g.members[p], lead: g.lead[p]})
}

// restore puts back the project remove took out last.
func (g *greedy) restore(p int) {
	r := g.removed[len(g.removed)-1]
	g.removed = g.removed[:len(g.removed)-1]
	g.apply(p, r.stakes, r.lead)
}

type removal struct {
	p      int
	stakes []model.Stake
	lead   int
}
