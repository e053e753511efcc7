package cluster

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// The greedy's repair of constraint (16) (see fair.go): firms whose stake
// return is below their outside option get more of the projects that pay
// (less of those that lose), join taken projects, or get a project built
// around them. Every move keeps every other constraint, and never takes a
// firm with a row 16 below its own target, so the repair only ever moves
// towards a plan that meets (16).

// seedFair takes, under (16), the projects of the independent baseline,
// each funded by its firm alone as there, when the plan so far leaves
// room for them: the plan then starts with every firm at its outside
// option or above. Seeded projects are never dropped as losers.
func (g *greedy) seedFair() {
	if !g.fm.fair() || g.fm.fairSeed == nil {
		return
	}
	in := g.d.Inst
	for p, f := range g.fm.fairSeed {
		if f < 0 || g.taken[p] || g.fm.Y[p] == none || g.stopped() {
			continue
		}
		pc := g.fm.pair(p, f)
		if pc == nil || pc.Learning || pc.MaxStake < 1-1e-12 || g.headroom(pc, p, true) < 1-1e-12 {
			continue
		}
		rule := in.Rules.Mode(in.Opportunities[p].Mode)
		lead := -1
		if rule.Lead != "" {
			if pc.L == none {
				continue
			}
			lead = f
		}
		g.apply(p, []model.Stake{{Firm: in.Firms[f].ID, Stake: 1}}, lead)
	}
}

// seeded reports whether taken project p is held as in the independent
// baseline (see seedFair).
func (g *greedy) seeded(p int) bool {
	if !g.fm.fair() || g.fm.fairSeed == nil || g.fm.fairSeed[p] < 0 {
		return false
	}
	return len(g.members[p]) == 1 && g.d.Firm[g.members[p][0].Firm] == g.fm.fairSeed[p]
}

// repairFairness raises the stake returns of the firms below their
// outside option and reports whether every row 16 then holds (true when
// the formulation has none).
func (g *greedy) repairFairness() bool {
	if !g.fm.fair() {
		return true
	}
	firms := g.fm.FairFirms()
	for round := 0; round < 4 && !g.stopped(); round++ {
		ret := g.returns()
		short := false
		for _, f := range firms {
			if g.stopped() {
				return false
			}
			if g.met(f, ret) || g.raise(f, ret) {
				continue
			}
			for !g.met(f, ret) && g.join(f, ret) {
				g.raise(f, ret)
			}
			if !g.met(f, ret) && g.grow(f) {
				ret = g.returns()
				g.raise(f, ret)
			}
			if !g.met(f, ret) && g.shed(f) {
				ret = g.returns()
				g.raise(f, ret)
			}
			short = short || !g.met(f, ret)
		}
		if !short {
			return true
		}
	}
	return g.fairMet()
}

// fairMet reports whether every row 16 holds in the plan so far (true
// without rows 16).
func (g *greedy) fairMet() bool {
	if !g.fm.fair() {
		return true
	}
	ret := g.returns()
	for _, f := range g.fm.FairFirms() {
		if !g.met(f, ret) {
			return false
		}
	}
	return true
}

// met reports whether firm f's stake return reaches its target.
func (g *greedy) met(f int, ret []float64) bool {
	t := g.fm.fairTarget(f)
	return math.IsInf(t, -1) || ret[f] >= t-g.fm.fairSlack(f)
}

// returns gives every firm's stake return Σ_p v_p·s_fp in the plan so far.
func (g *greedy) returns() []float64 {
	ret := make([]float64, len(g.d.Inst.Firms))
	for p, t := range g.taken {
		if !t {
			continue
		}
		v := g.fm.value(p)
		for _, st := range g.members[p] {
			ret[g.d.Firm[st.Firm]] += v * st.Stake
		}
	}
	return ret
}

// memberIdx returns f's index in g.members[p], or -1.
func (g *greedy) memberIdx(p, f int) int {
	id := g.d.Inst.Firms[f].ID
	for i, st := range g.members[p] {
		if st.Firm == id {
			return i
		}
	}
	return -1
}

// surplus is how much firm f's return may fall: ret − target, +Inf
// without a row 16.
func (g *greedy) surplus(f int, ret []float64) float64 {
	return math.Max(0, ret[f]-g.fm.fairTarget(f))
}

// give is the stake member f of taken project p can give up: down to its
// lower bound, and (v_p > 0) no further than its own target allows.
func (g *greedy) give(p, f int, ret []float64) float64 {
	i := g.memberIdx(p, f)
	lb := g.d.MinStake
	if g.lead[p] == f {
		lb = math.Max(lb, g.d.LeadStake)
	}
	s := math.Max(0, g.members[p][i].Stake-lb)
	if v := g.fm.value(p); v > 0 {
		s = math.Min(s, g.surplus(f, ret)/v)
	}
	return s
}

// take is the stake member f of taken project p can add: up to its pair's
// largest stake, within budget, credit and risk limit, and (v_p < 0) no
// further than its own target allows.
func (g *greedy) take(p, f int, ret []float64) float64 {
	pc := g.fm.pair(p, f)
	cur := 0.0
	if i := g.memberIdx(p, f); i >= 0 {
		cur = g.members[p][i].Stake
	}
	s := math.Min(pc.MaxStake-cur, g.stakeRoom(pc, p, true))
	if v := g.fm.value(p); v < 0 {
		s = math.Min(s, g.surplus(f, ret)/-v)
	}
	return math.Max(0, s)
}

// move shifts stake amount of taken project p from member from to member
// to, with their spend, losses, credit and returns.
func (g *greedy) move(p, from, to int, amount float64, ret []float64) {
	in := g.d.Inst
	a := g.d.NetCost[p]
	v := g.fm.value(p)
	g.members[p][g.memberIdx(p, from)].Stake -= amount
	g.members[p][g.memberIdx(p, to)].Stake += amount
	ret[from] -= amount * v
	ret[to] += amount * v
	for k := range g.losses[to] {
		l := amount * g.d.Loss(p, k)
		g.losses[from][k] -= l
		g.losses[to][k] += l
	}
	g.spend[from] -= amount * a
	if need := math.Max(0, g.spend[from]-in.Firms[from].Capital); need < g.credit[from] {
		g.lineUse -= g.credit[from] - need
		g.credit[from] = need
	}
	g.spend[to] += amount * a
	if over := g.spend[to] - in.Firms[to].Capital; over > g.credit[to] {
		g.lineUse += over - g.credit[to]
		g.credit[to] = over
	}
}

// fairOrder lists the taken projects p with v_p ≠ 0 that keep(p) accepts,
// largest |v_p| first (the least stake moved per unit of return).
func (g *greedy) fairOrder(keep func(p int) bool) []int {
	var out []int
	for p, t := range g.taken {
		if t && g.fm.value(p) != 0 && keep(p) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return math.Abs(g.fm.value(out[i])) > math.Abs(g.fm.value(out[j])) })
	return out
}

// raise moves stakes of the projects firm f is in towards f's target: more
// of those that pay, less of those that lose, to or from the other
// members. It reports whether f then meets its target.
func (g *greedy) raise(f int, ret []float64) bool {
	for _, p := range g.fairOrder(func(p int) bool { return g.memberIdx(p, f) >= 0 }) {
		if g.met(f, ret) {
			return true
		}
		v := g.fm.value(p)
		for _, st := range append([]model.Stake(nil), g.members[p]...) {
			o := g.d.Firm[st.Firm]
			if o == f {
				continue
			}
			// Aim a little above the target: the moves round.
			aim := g.fm.fairTarget(f) + 10*g.fm.fairSlack(f)
			need := (aim - ret[f]) / math.Abs(v)
			if need <= 0 {
				break
			}
			if v > 0 {
				if amt := math.Min(need, math.Min(g.take(p, f, ret), g.give(p, o, ret))); amt > 1e-12 {
					g.move(p, o, f, amt, ret)
				}
			} else if amt := math.Min(need, math.Min(g.give(p, f, ret), g.take(p, o, ret))); amt > 1e-12 {
				g.move(p, f, o, amt, ret)
			}
		}
	}
	return g.met(f, ret)
}

// join adds firm f with the minimum stake to the taken project that pays
// most per unit of stake among those it may join (slots, partner limit,
// learning beside a pioneer), the stake given up by members with room.
// It reports whether f joined one.
func (g *greedy) join(f int, ret []float64) bool {
	in := g.d.Inst
	if g.slots(f) <= 0 {
		return false
	}
	smin := g.d.MinStake
	for _, p := range g.fairOrder(func(p int) bool { return g.fm.value(p) > 0 && g.memberIdx(p, f) < 0 }) {
		pc := g.fm.pair(p, f)
		o := &in.Opportunities[p]
		if pc == nil || (o.MaxPartners != nil && len(g.members[p]) >= *o.MaxPartners) {
			continue
		}
		if pc.Learning && !g.hasPioneer(p) {
			continue
		}
		if g.take(p, f, ret) < smin {
			continue
		}
		total := 0.0
		for _, st := range g.members[p] {
			total += g.give(p, g.d.Firm[st.Firm], ret)
		}
		if total < smin {
			continue
		}
		g.members[p] = append(g.members[p], model.Stake{Firm: in.Firms[f].ID})
		g.count[f]++
		left := smin
		for _, st := range append([]model.Stake(nil), g.members[p]...) {
			o := g.d.Firm[st.Firm]
			if o == f || left <= 0 {
				continue
			}
			amt := math.Min(left, g.give(p, o, ret))
			if amt > 0 {
				g.move(p, o, f, amt, ret)
				left -= amt
			}
		}
		return true
	}
	return false
}

// hasPioneer reports whether a member of taken project p is in Π_p.
func (g *greedy) hasPioneer(p int) bool {
	for _, st := range g.members[p] {
		if pc := g.fm.pair(p, g.d.Firm[st.Firm]); pc != nil && pc.Pioneer {
			return true
		}
	}
	return false
}

// grow takes a new project with firm f in its coalition: the paying
// opportunity f can join that pays most. It reports whether one was taken.
func (g *greedy) grow(f int) bool {
	var cand []int
	for p, y := range g.fm.Y {
		if y != none && !g.taken[p] && g.fm.value(p) > 0 && g.fm.pair(p, f) != nil {
			cand = append(cand, p)
		}
	}
	sort.SliceStable(cand, func(i, j int) bool { return g.fm.value(cand[i]) > g.fm.value(cand[j]) })
	for _, p := range cand {
		if g.stopped() {
			return false
		}
		if g.tryTakeWith(p, f, true) {
			return true
		}
	}
	return false
}

// shed drops the taken projects that lose money (v_p < 0) firm f is in,
// as long as the targets still hold without them (forced projects stay).
// It reports whether it dropped any.
func (g *greedy) shed(f int) bool {
	dropped := false
	for _, p := range g.fairOrder(func(p int) bool { return g.fm.value(p) < 0 && g.memberIdx(p, f) >= 0 }) {
		if g.fm.isForced(p) {
			continue
		}
		g.remove(p)
		if !g.targetsMet() {
			g.restore(p)
			continue
		}
		dropped = true
	}
	return dropped
}
